"""Writes for inspections and reports. Each validates, saves atomically and audits; bad input changes nothing."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from contacts.models import AREA_KINDS, Organisation, OrganisationKind, User
from contacts.selectors import (
    acts_for_any,
    governance_of_area,
    is_hmicfrs_staff,
    office_of_area,
    offices_of_areas,
    people_acting_for,
)
from hmicfrs_mou.audit import audit_record
from hmicfrs_mou.deadlines import diary_note_window, hours_before
from hmicfrs_mou.inbox import inbox_send
from hmicfrs_mou.models import AuditAction, Deadline, DeadlineState
from hmicfrs_mou.reminders import deadline_close
from inspections.deadlines import register_report_deadlines
from inspections.events import report_published
from inspections.models import (
    PROGRAMME_ORDER,
    ChiefUpdate,
    CommissionRequest,
    CommissionState,
    Debrief,
    DiaryNote,
    EvidenceRecord,
    FactualAccuracyComment,
    Finding,
    FindingKind,
    Inspection,
    InspectionKind,
    InspectionNotice,
    Programme,
    ProgrammeEvent,
    ProgrammeState,
    Redaction,
    ReferenceGroup,
    Report,
    ReportKind,
    ReportState,
    Representation,
    StrategicPresentation,
)

# I6: a debrief gives a preliminary view, never a graded judgment. The PEEL grades that cannot be
# ordinary prose are refused wherever they stand; any talk of grading or rating is refused too,
# which catches "good" or "adequate" used as a grade without refusing them as plain words.
GRADE_WORDS = re.compile(r"\b(outstanding|requires improvement|inadequate)\b", re.IGNORECASE)
GRADED_PHRASE = re.compile(r"\b(grade[ds]?|grading|ratings?|rated|judg(e)?ments?|judged)\b", re.IGNORECASE)


# --- P1 --------------------------------------------------------------------------------------


@transaction.atomic
def programme_create(
    *,
    title: str,
    year: str,
    framework: str,
    representations_due_on: dt.date | None,
    by: User,
    now: dt.datetime | None = None,
) -> Programme:
    """P1: a draft inspection programme and framework."""
    now = now or timezone.now()
    if not title.strip() or not year.strip():
        raise ValidationError("Give the programme a title and a year.")
    if representations_due_on is not None and representations_due_on <= timezone.localdate(now):
        raise ValidationError(
            {"representations_due_on": "The date for representations must be in the future."}
        )
    programme = Programme.objects.create(
        title=title,
        year=year,
        framework=framework,
        representations_due_on=representations_due_on,
        created_at=now,
    )
    ProgrammeEvent.objects.create(programme=programme, state=ProgrammeState.DRAFT, at=now, by=by)
    audit_record(action=AuditAction.CREATE, actor=by, obj=programme)
    return programme


@transaction.atomic
def programme_advance(
    *, programme: Programme, to: str, by: User, note: str = "", now: dt.datetime | None = None
) -> Programme:
    """P1: move the programme one step on; the steps cannot be skipped or reversed."""
    now = now or timezone.now()
    if to not in PROGRAMME_ORDER:
        raise ValidationError(f"Unknown programme stage: {to!r}.")
    current, target = PROGRAMME_ORDER.index(programme.state), PROGRAMME_ORDER.index(to)
    if target != current + 1:
        raise ValidationError(
            f"The programme is at “{programme.get_state_display()}”; the next step is "
            f"“{ProgrammeState(PROGRAMME_ORDER[min(current + 1, len(PROGRAMME_ORDER) - 1)]).label}”."
        )
    if to == ProgrammeState.SUBMITTED and not programme.representations.filter(kind="apcc_collated").exists():
        raise ValidationError("Record the APCC's collated response before submitting the programme (P1).")
    if (
        to == ProgrammeState.SUBMITTED
        and programme.representations.filter(considered_at__isnull=True).exists()
    ):
        raise ValidationError(
            "Every representation must be considered before the programme is submitted (P1)."
        )
    programme.state = to
    programme.save(update_fields=["state"])
    ProgrammeEvent.objects.create(programme=programme, state=to, at=now, by=by, note=note)
    audit_record(action=AuditAction.UPDATE, actor=by, obj=programme, detail={"state": to})
    return programme


@transaction.atomic
def representation_record(
    *, programme: Programme, organisation: Organisation, text: str, by: User, now: dt.datetime | None = None
) -> Representation:
    """P1: the APCC's collated response, or a PCC's direct one."""
    if programme.state not in (ProgrammeState.REPRESENTATIONS_REQUESTED, ProgrammeState.UNDER_CONSIDERATION):
        raise ValidationError(
            "Representations are taken once the APCC chair has been asked and until submission."
        )
    if organisation.kind == OrganisationKind.APCC:
        kind = "apcc_collated"
    elif organisation.kind in (OrganisationKind.OPCC, OrganisationKind.GOVERNING_BODY):
        kind = "pcc_direct"
    else:
        raise ValidationError("Representations come from the APCC or from a PCC.")
    if not text.strip():
        raise ValidationError({"text": "Enter the representation."})
    representation = Representation.objects.create(
        programme=programme,
        kind=kind,
        organisation=organisation,
        text=text,
        received_at=now or timezone.now(),
    )
    audit_record(action=AuditAction.CREATE, actor=by, obj=representation)
    return representation


@transaction.atomic
def representation_consider(
    *, representation: Representation, consideration: str, by: User, now: dt.datetime | None = None
) -> Representation:
    """P1: HMICFRS records how it considered a representation, before the programme is submitted."""
    if representation.programme.state not in (
        ProgrammeState.REPRESENTATIONS_REQUESTED,
        ProgrammeState.UNDER_CONSIDERATION,
    ):
        raise ValidationError("Representations are considered before the programme is submitted (P1).")
    if not consideration.strip():
        raise ValidationError({"consideration": "Record how the representation was considered."})
    representation.consideration = consideration
    representation.considered_at = now or timezone.now()
    representation.save(update_fields=["consideration", "considered_at"])
    audit_record(action=AuditAction.UPDATE, actor=by, obj=representation, detail={"considered": True})
    return representation


# --- P2, P3 ----------------------------------------------------------------------------------


@transaction.atomic
def commission_request(
    *,
    requested_by: list[Organisation],
    areas: list[Organisation],
    scope: str,
    by: User,
    now: dt.datetime | None = None,
) -> CommissionRequest:
    """P2: one or several PCCs ask HMICFRS to inspect their force(s). Not possible for an FRS."""
    if any(area.kind == OrganisationKind.FIRE_RESCUE_SERVICE for area in areas):
        raise ValidationError(
            "A commissioned inspection is for a police force only (P2). For a fire and rescue service, the PFCC "
            "can raise a request for assistance instead."
        )
    if not areas or any(area.kind != OrganisationKind.POLICE_FORCE for area in areas):
        raise ValidationError("Choose the police force or forces to be inspected.")
    if not requested_by or any(
        o.kind not in (OrganisationKind.OPCC, OrganisationKind.GOVERNING_BODY) for o in requested_by
    ):
        raise ValidationError("A commissioned inspection is requested by one or more PCCs (P2).")
    if not scope.strip():
        raise ValidationError({"scope": "Describe the scope of the inspection."})
    request = CommissionRequest.objects.create(scope=scope, created_at=now or timezone.now())
    request.requested_by.set(requested_by)
    request.areas.set(areas)
    audit_record(action=AuditAction.CREATE, actor=by, obj=request)
    return request


@transaction.atomic
def commission_agree_estimate(
    *, request: CommissionRequest, days: int, cost_pounds: Any, by: User, now: dt.datetime | None = None
) -> CommissionRequest:
    if not days or days <= 0 or cost_pounds is None or cost_pounds <= 0:
        raise ValidationError("Agree an estimated duration in days and a cost, met by the OPCC (P2).")
    if request.state in (CommissionState.ACCEPTED, CommissionState.DECLINED):
        raise ValidationError("This request has been decided; its estimate cannot change.")
    request.estimated_days, request.estimated_cost_pounds = days, cost_pounds
    request.estimate_agreed_at = now or timezone.now()
    request.state = CommissionState.ESTIMATE_AGREED
    request.save()
    audit_record(
        action=AuditAction.UPDATE, actor=by, obj=request, detail={"estimate": f"{days} days, £{cost_pounds}"}
    )
    return request


@transaction.atomic
def commission_accept(
    *, request: CommissionRequest, by: User, now: dt.datetime | None = None
) -> CommissionRequest:
    """P2: accepted only once the duration and cost have been agreed."""
    if request.estimate_agreed_at is None:
        raise ValidationError(
            "The estimated duration and cost must be agreed before the request is accepted (P2)."
        )
    request.state = CommissionState.ACCEPTED
    request.decided_at = now or timezone.now()
    request.save(update_fields=["state", "decided_at"])
    audit_record(action=AuditAction.UPDATE, actor=by, obj=request, detail={"state": "accepted"})
    return request


@transaction.atomic
def reference_group_set(
    *, inspection: Inspection, members: list[Organisation], by: User
) -> tuple[ReferenceGroup, list[str]]:
    """P3: set the external reference group; returns warnings (no APCC and no PCC among members)."""
    if any(m.kind == OrganisationKind.HMICFRS for m in members):
        raise ValidationError("An external reference group is made of organisations outside HMICFRS (P3).")
    group, _ = ReferenceGroup.objects.get_or_create(inspection=inspection)
    group.members.set(members)
    warnings = []
    if not any(
        m.kind in (OrganisationKind.APCC, OrganisationKind.OPCC, OrganisationKind.GOVERNING_BODY)
        for m in members
    ):
        warnings.append("The external reference group should include the APCC or at least one PCC (P3).")
    audit_record(action=AuditAction.UPDATE, actor=by, obj=group)
    return group, warnings


# --- Inspections ------------------------------------------------------------------------------


@transaction.atomic
def inspection_create(
    *,
    kind: str,
    title: str,
    areas: list[Organisation],
    lead: User,
    team: Iterable[User] = (),
    by: User,
    commission: CommissionRequest | None = None,
    now: dt.datetime | None = None,
) -> Inspection:
    if not areas or any(area.kind not in AREA_KINDS for area in areas):
        raise ValidationError({"areas": "Choose the forces or FRSs inspected."})
    if kind in (InspectionKind.PEEL,) and any(a.kind != OrganisationKind.POLICE_FORCE for a in areas):
        raise ValidationError({"areas": "PEEL inspects police forces."})
    if kind == InspectionKind.FRS and any(a.kind != OrganisationKind.FIRE_RESCUE_SERVICE for a in areas):
        raise ValidationError({"areas": "An FRS inspection inspects fire and rescue services."})
    if kind == InspectionKind.COMMISSIONED and (
        commission is None or commission.state != CommissionState.ACCEPTED
    ):
        raise ValidationError("A commissioned inspection needs an accepted commission request (P2).")
    inspection = Inspection.objects.create(
        kind=kind, title=title, lead=lead, commission=commission, created_at=now or timezone.now()
    )
    inspection.areas.set(areas)
    inspection.team.set(list(team))
    audit_record(action=AuditAction.CREATE, actor=by, obj=inspection)
    return inspection


def notice_send(
    *,
    kind: str,
    subject: str,
    body: str,
    areas: Iterable[Organisation],
    by: User,
    url: str,
    now: dt.datetime,
    inspection: Inspection | None = None,
) -> InspectionNotice:
    """I1/I2/M3: one notice to each force/FRS and the office of whoever governs it, at one moment.

    The single mechanism for parity: the recipients share one row, so the PCC's
    office and the chief's office cannot be told at different times or in
    different detail; every person acting for them gets the identical message,
    stamped alike. Callers check who is acting; this function only sends.
    """
    if not subject.strip() or not body.strip():
        raise ValidationError("A notice needs a subject and a text.")
    today = timezone.localdate(now)
    recipients: list[Organisation] = []
    for area in areas:
        recipients.append(area)
        office = office_of_area(area, today)
        if office is not None:
            recipients.append(office)
    notice = InspectionNotice.objects.create(
        inspection=inspection, kind=kind, subject=subject, body=body, sent_at=now, sent_by=by
    )
    notice.recipients.set(recipients)
    inbox_send(people_acting_for(recipients), subject, body, url, now)
    audit_record(
        action=AuditAction.CREATE, actor=by, obj=notice, detail={"recipients": [o.pk for o in recipients]}
    )
    return notice


@transaction.atomic
def inspection_notify(
    *, inspection: Inspection, kind: str, subject: str, body: str, by: User, now: dt.datetime | None = None
) -> InspectionNotice:
    """I1/I2: one notice to each force/FRS and its PCC at the same moment with the same text."""
    return notice_send(
        kind=kind,
        subject=subject,
        body=body,
        areas=list(inspection.areas.all()),
        by=by,
        url=f"/inspections/{inspection.pk}/",
        now=now or timezone.now(),
        inspection=inspection,
    )


@transaction.atomic
def methodology_change_notify(
    *, inspection: Inspection, body: str, by: User, now: dt.datetime | None = None
) -> InspectionNotice:
    """I3: the senior responsible owner HMI tells the APCC and every PCC of a major methodology change."""
    now = now or timezone.now()
    if by != inspection.lead:
        raise ValidationError("The senior responsible owner HMI sends notice of a methodology change (I3).")
    forces = Organisation.objects.filter(kind=OrganisationKind.POLICE_FORCE).values("pk")
    offices = list(offices_of_areas(forces, timezone.localdate(now)))
    recipients = [Organisation.objects.get(kind=OrganisationKind.APCC), *offices]
    notice = InspectionNotice.objects.create(
        inspection=inspection,
        kind=InspectionNotice.Kind.METHODOLOGY,
        subject=f"Change of methodology: {inspection.title}",
        body=body,
        sent_at=now,
        sent_by=by,
    )
    notice.recipients.set(recipients)
    inbox_send(people_acting_for(recipients), notice.subject, body, "", now)
    audit_record(action=AuditAction.CREATE, actor=by, obj=notice)
    return notice


@transaction.atomic
def evidence_record(
    *,
    inspection: Inspection,
    kind: str,
    source: Organisation,
    summary: str,
    by: User,
    named_staff: Iterable[User] = (),
    now: dt.datetime | None = None,
) -> EvidenceRecord:
    """I5: a PCC's disclosure in confidence is kept apart and never counts as evidence."""
    now = now or timezone.now()
    if not summary.strip():
        raise ValidationError({"summary": "Enter a summary."})
    named_staff = list(named_staff)
    outsiders = [person for person in named_staff if not is_hmicfrs_staff(person, timezone.localdate(now))]
    if outsiders:
        raise ValidationError(
            {"named_staff": "Only HMICFRS staff can be named to read a disclosure in confidence (I5)."}
        )
    record = EvidenceRecord.objects.create(
        inspection=inspection,
        kind=kind,
        source=source,
        summary=summary,
        recorded_by=by,
        recorded_at=now,
    )
    record.named_staff.set(list(named_staff))
    audit_record(action=AuditAction.CREATE, actor=by, obj=record)
    return record


def _pfcc_governs(area: Organisation, on: dt.date) -> bool:
    governance = governance_of_area(area, on)
    return bool(governance and governance.model in ("pfcc", "mayor_fire"))


@transaction.atomic
def strategic_presentation_record(
    *,
    inspection: Inspection,
    area: Organisation,
    held_on: dt.date,
    by: User,
    pcc_invited: bool | None = None,
    pfcc_attending: bool | None = None,
) -> StrategicPresentation:
    """I4: police – the chief constable decides whether the PCC is invited; FRS – the PFCC chooses."""
    if area.kind == OrganisationKind.POLICE_FORCE and pfcc_attending is not None:
        raise ValidationError(
            "For a police force the chief constable decides whether the PCC is invited (I4)."
        )
    if area.kind == OrganisationKind.FIRE_RESCUE_SERVICE:
        if pcc_invited is not None:
            raise ValidationError(
                "For an FRS the PFCC chooses whether to attend; there is no invitation (I4)."
            )
        if pfcc_attending and not _pfcc_governs(area, held_on):
            raise ValidationError("This FRS is not governed by a PFCC or mayor (I4).")
    presentation = StrategicPresentation.objects.create(
        inspection=inspection,
        area=area,
        held_on=held_on,
        pcc_invited=pcc_invited,
        pfcc_attending=pfcc_attending,
    )
    audit_record(action=AuditAction.CREATE, actor=by, obj=presentation)
    return presentation


@transaction.atomic
def debrief_record(
    *,
    inspection: Inspection,
    area: Organisation,
    held_on: dt.date,
    notes: str,
    by: User,
    pcc_invited_by_chief: bool = False,
    significant_concern: bool = False,
) -> Debrief:
    """I6: a preliminary view without grades. Police: the PCC attends if the chief invites; FRS: a PFCC by right."""
    if GRADED_PHRASE.search(notes) or GRADE_WORDS.search(notes):
        raise ValidationError(
            {"notes": "A debrief gives a preliminary view, never a graded judgment (I6): remove the grade."}
        )
    pcc_invited = pcc_invited_by_chief
    if area.kind == OrganisationKind.FIRE_RESCUE_SERVICE:
        pcc_invited = _pfcc_governs(area, held_on)
    debrief = Debrief.objects.create(
        inspection=inspection,
        area=area,
        held_on=held_on,
        notes=notes,
        pcc_invited=pcc_invited,
        significant_concern=significant_concern,
        recorded_by=by,
    )
    audit_record(action=AuditAction.CREATE, actor=by, obj=debrief)
    return debrief


@transaction.atomic
def chief_update_record(
    *, inspection: Inspection, area: Organisation, text: str, by: User, now: dt.datetime | None = None
) -> ChiefUpdate:
    """I8: the chief keeps the PCC updated on significant concern; the PCC's office is told."""
    now = now or timezone.now()
    if not text.strip():
        raise ValidationError({"text": "Enter the update."})
    update = ChiefUpdate.objects.create(inspection=inspection, area=area, text=text, by=by, at=now)
    office = office_of_area(area, timezone.localdate(now))
    if office:
        inbox_send(
            people_acting_for([office]), f"Update from the chief officer: {inspection.title}", text, "", now
        )
    audit_record(action=AuditAction.CREATE, actor=by, obj=update)
    return update


# --- Reports ---------------------------------------------------------------------------------


@transaction.atomic
def report_create(
    *,
    inspection: Inspection,
    kind: str,
    title: str,
    body: str,
    by: User,
    areas: list[Organisation] | None = None,
    interested_parties: Iterable[Organisation] = (),
    summary: str = "",
    press_release: str = "",
    now: dt.datetime | None = None,
) -> Report:
    areas = list(areas if areas is not None else inspection.areas.all())
    if kind in (ReportKind.FORCE_SPECIFIC, ReportKind.ACCELERATED_CAUSE_OF_CONCERN) and len(areas) != 1:
        raise ValidationError({"areas": "A force- or FRS-specific report is about exactly one force or FRS."})
    if not body.strip():
        raise ValidationError({"body": "Enter the report's text."})
    interested_parties = list(interested_parties)
    if kind == ReportKind.OTHER and not interested_parties:
        raise ValidationError(
            {"interested_parties": "Name the interested parties who get the embargoed copy (U4)."}
        )
    if kind != ReportKind.OTHER and interested_parties:
        raise ValidationError(
            {
                "interested_parties": "A force- or FRS-specific report goes to its chief officer and PCC (U3, U5)."
            }
        )
    report = Report.objects.create(
        inspection=inspection,
        kind=kind,
        title=title,
        body=body,
        summary=summary,
        press_release=press_release,
        created_at=now or timezone.now(),
    )
    report.areas.set(areas)
    report.interested_parties.set(interested_parties)
    audit_record(action=AuditAction.CREATE, actor=by, obj=report)
    return report


@transaction.atomic
def finding_add(
    *, report: Report, kind: str, text: str, by: User, area: Organisation | None = None
) -> Finding:
    """M1: a finding with a stable reference: R<report>-C|R|A<n>."""
    if not text.strip():
        raise ValidationError({"text": "Enter the finding."})
    letter = {
        FindingKind.CAUSE_OF_CONCERN: "C",
        FindingKind.RECOMMENDATION: "R",
        FindingKind.AREA_FOR_IMPROVEMENT: "A",
    }[FindingKind(kind)]
    count = Finding.objects.select_for_update().filter(report=report, kind=kind).count()
    finding = Finding.objects.create(
        report=report,
        kind=kind,
        text=text,
        area=area or report.areas.first(),
        reference=f"R{report.pk:05d}-{letter}{count + 1}",
    )
    audit_record(action=AuditAction.CREATE, actor=by, obj=finding)
    return finding


@transaction.atomic
def report_open_factual_accuracy(
    *, report: Report, closes_at: dt.datetime, by: User, now: dt.datetime | None = None
) -> Report:
    """I7: the draft goes to the force or FRS, and only to it, until `closes_at`."""
    now = now or timezone.now()
    if report.state != ReportState.DRAFT:
        raise ValidationError("Only a draft goes for a factual-accuracy check.")
    if closes_at <= now:
        raise ValidationError({"closes_at": "The factual-accuracy window must close in the future."})
    report.state = ReportState.FACTUAL_ACCURACY
    report.fac_opens_at, report.fac_closes_at = now, closes_at
    report.full_clean()
    report.save()
    areas = list(report.areas.all())
    inbox_send(
        people_acting_for(areas),
        f"Draft for factual-accuracy check: {report.title}",
        f"Please send corrections of fact by {timezone.localtime(closes_at):%-d %B %Y %H:%M}.",
        f"/inspections/reports/{report.pk}/factual-accuracy/",
        now,
    )
    audit_record(action=AuditAction.UPDATE, actor=by, obj=report, detail={"state": report.state})
    return report


@transaction.atomic
def fac_comment_submit(
    *,
    report: Report,
    by: User,
    paragraph: str,
    current_text: str,
    proposed_correction: str,
    evidence: str,
    now: dt.datetime | None = None,
) -> FactualAccuracyComment:
    """I7: a correction of fact from the force or FRS, while the window is open."""
    now = now or timezone.now()
    if report.state != ReportState.FACTUAL_ACCURACY or not (
        report.fac_opens_at <= now < report.fac_closes_at
    ):
        raise ValidationError(
            "The factual-accuracy window for this report is closed: comments can no longer be sent."
        )
    if not acts_for_any(by, report.areas.all()):
        raise ValidationError(
            "Only the inspected force's or FRS's chief officer's office sends factual-accuracy comments (I7)."
        )
    missing = {
        name: f"Enter the {label}."
        for name, label, value in (
            ("paragraph", "paragraph or page", paragraph),
            ("current_text", "text as it stands", current_text),
            ("proposed_correction", "correction of fact", proposed_correction),
            ("evidence", "evidence for the correction", evidence),
        )
        if not value.strip()
    }
    if missing:
        raise ValidationError(missing)
    comment = FactualAccuracyComment.objects.create(
        report=report,
        paragraph=paragraph,
        current_text=current_text,
        proposed_correction=proposed_correction,
        evidence=evidence,
        submitted_by=by,
        submitted_at=now,
    )
    audit_record(action=AuditAction.CREATE, actor=by, obj=comment)
    return comment


@transaction.atomic
def fac_comment_decide(
    *, comment: FactualAccuracyComment, accept: bool, reason: str, by: User, now: dt.datetime | None = None
) -> FactualAccuracyComment:
    """I7: HMICFRS accepts or rejects each comment, with its reason, until the report is final."""
    if comment.report.state != ReportState.FACTUAL_ACCURACY:
        raise ValidationError("The report is final: its factual-accuracy comments can no longer be decided.")
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for the decision."})
    comment.decision = (
        FactualAccuracyComment.Decision.ACCEPTED if accept else FactualAccuracyComment.Decision.REJECTED
    )
    comment.decision_reason, comment.decided_by, comment.decided_at = reason, by, now or timezone.now()
    comment.full_clean()
    comment.save()
    audit_record(action=AuditAction.UPDATE, actor=by, obj=comment, detail={"decision": comment.decision})
    return comment


@transaction.atomic
def report_finalise(*, report: Report, by: User, now: dt.datetime | None = None) -> Report:
    now = now or timezone.now()
    if report.state not in (ReportState.DRAFT, ReportState.FACTUAL_ACCURACY):
        raise ValidationError("This report is already final.")
    if report.fac_comments.filter(decision=FactualAccuracyComment.Decision.PENDING).exists():
        raise ValidationError("Decide every factual-accuracy comment before the report is final (I7).")
    if report.state == ReportState.FACTUAL_ACCURACY and report.fac_closes_at > now:
        report.fac_closes_at = now  # the window ends when the report is final
    report.state, report.finalised_at = ReportState.FINAL, now
    report.save()
    audit_record(action=AuditAction.UPDATE, actor=by, obj=report, detail={"state": report.state})
    return report


@transaction.atomic
def redaction_add(*, report: Report, passage: str, reason: str, by: User) -> Redaction:
    """U1: take a passage out before publication (safety, national security)."""
    if report.state == ReportState.PUBLISHED:
        raise ValidationError("A published report cannot be redacted here.")
    if not passage.strip() or passage not in report.body:
        raise ValidationError({"passage": "The passage must be copied exactly from the report's text."})
    if not reason.strip():
        raise ValidationError(
            {"reason": "Give the reason for the redaction (for example, a person's safety)."}
        )
    redaction = Redaction.objects.create(report=report, passage=passage, reason=reason, by=by)
    audit_record(action=AuditAction.CREATE, actor=by, obj=redaction)
    return redaction


REDACTED = "[Redacted]"


def published_text(report: Report) -> str:
    """The report's text as it may leave HMICFRS: every redacted passage replaced (U1)."""
    text = report.body
    for redaction in report.redactions.all():
        text = text.replace(redaction.passage, REDACTED)
    return text


@transaction.atomic
def report_schedule(
    *,
    report: Report,
    publication_at: dt.datetime,
    by: User,
    distribution_at: dt.datetime | None = None,
    immediate_release: bool = False,
    exception_reason: str = "",
    now: dt.datetime | None = None,
) -> Report:
    """U3/U4/U5: set the publication moment and when the embargoed copies go out.

    Distribution defaults to the latest moment the MOU allows (48 or 24 elapsed
    hours before publication). Later than that, or already past, is refused
    unless recorded as an exception with its reasons, which go to the PCC.
    """
    now = now or timezone.now()
    # Lock and re-read: the notice task may have stamped the row since the caller loaded it.
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.state not in (ReportState.FINAL, ReportState.SCHEDULED):
        raise ValidationError("Only a final report can be scheduled for publication.")
    if report.state == ReportState.SCHEDULED and report.publication_at and report.publication_at <= now:
        raise ValidationError("This report has already been published.")
    if publication_at <= now:
        raise ValidationError({"publication_at": "The publication moment must be in the future."})
    if immediate_release and report.kind != ReportKind.OTHER:
        raise ValidationError(
            {
                "immediate_release": "Only a report that is not about one force or FRS can be for immediate release (U4)."
            }
        )
    errors = {}
    already_sent = report.distribution_at is not None and report.distribution_at <= now
    if already_sent:
        # The embargoed copy is out: a new publication moment cannot take it back.
        distribution_at = report.distribution_at
        immediate_release = False
    elif immediate_release:
        distribution_at = publication_at
    if not already_sent and not immediate_release:
        latest = hours_before(publication_at, report.embargo_hours)
        if distribution_at is None:
            distribution_at = max(latest, now)
        if distribution_at > publication_at:
            errors["distribution_at"] = "The embargoed copy must go out before publication."
        elif distribution_at > latest and not exception_reason.strip():
            rule = {ReportKind.FORCE_SPECIFIC: "U3", ReportKind.OTHER: "U4"}.get(
                ReportKind(report.kind), "U5"
            )
            errors["distribution_at"] = (
                f"The embargoed copy must go out at least {report.embargo_hours} hours before publication ({rule}), "
                f"by {timezone.localtime(latest):%-d %B %Y, %H:%M}. Send it earlier (or leave its moment blank), "
                "choose a later publication moment, or record the exceptional circumstances."
            )
        elif distribution_at < now and report.distribution_at is None:
            distribution_at = now
    if errors:
        raise ValidationError(errors)
    report.publication_at = publication_at
    report.distribution_at = distribution_at
    report.immediate_release = immediate_release
    report.embargo_exception = exception_reason.strip()
    report.state = ReportState.SCHEDULED
    report.full_clean()
    report.save(
        update_fields=["publication_at", "distribution_at", "immediate_release", "embargo_exception", "state"]
    )
    register_report_deadlines(report, now=now)
    if report.embargo_exception:
        _notify_exception(report, now)
    audit_record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=report,
        detail={"publication_at": publication_at.isoformat(), "distribution_at": distribution_at.isoformat()},
    )
    return report


def _recipient_organisations(report: Report, on: dt.date) -> list[Organisation]:
    if report.kind == ReportKind.OTHER:
        return list(report.interested_parties.all())
    organisations = []
    for area in report.areas.all():
        organisations.append(area)
        office = office_of_area(area, on)
        if office:
            organisations.append(office)
    return organisations


def _notify_exception(report: Report, now: dt.datetime) -> None:
    """U5: the PCC is told the decision and the reasons."""
    offices = [
        o
        for o in _recipient_organisations(report, timezone.localdate(now))
        if o.kind == OrganisationKind.OPCC
    ]
    inbox_send(
        people_acting_for(offices),
        f"Embargoed copy later than usual: {report.title}",
        f"HMICFRS cannot send the embargoed copy as early as the MOU asks. Reasons: {report.embargo_exception}",
        "",
        now,
    )


@transaction.atomic
def diary_note_send(*, report: Report, text: str, by: User, now: dt.datetime | None = None) -> DiaryNote:
    """U2/D3: in the week before publication, to the interested parties."""
    now = now or timezone.now()
    if report.publication_at is None:
        raise ValidationError("Schedule the publication before sending a diary note.")
    start, end = diary_note_window(report.publication_at)
    if not (start <= now < end):
        raise ValidationError(
            f"The diary note goes in the week before publication: from {timezone.localtime(start):%-d %B %Y}."
        )
    if not text.strip():
        raise ValidationError({"text": "Enter the diary note."})
    note = DiaryNote.objects.create(report=report, text=text, sent_at=now, sent_by=by)
    recipients = _recipient_organisations(report, timezone.localdate(now)) + list(
        report.interested_parties.all()
    )
    inbox_send(people_acting_for(set(recipients)), f"Diary note: {report.title}", text, "", now)
    Deadline.objects.filter(kind="diary_note", key=f"diary:{report.pk}", state__in=["open", "missed"]).update(
        state=DeadlineState.MET, state_changed_at=now, next_fire_at=None
    )
    audit_record(action=AuditAction.CREATE, actor=by, obj=note)
    return note


def reports_due_notices(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The queue's part: tell recipients when the embargo window opens, and everyone concerned at publication.

    Visibility never waits for this: it follows the stored moments. Each notice is
    claimed with a conditional update, so running this twice sends nothing twice.
    """
    now = now or timezone.now()
    opened = published = 0
    for report in Report.objects.filter(
        state=ReportState.SCHEDULED, distribution_at__lte=now, distribution_notified_at__isnull=True
    ):
        with transaction.atomic():
            if not Report.objects.filter(pk=report.pk, distribution_notified_at__isnull=True).update(
                distribution_notified_at=now
            ):
                continue
            if report.publication_at and report.publication_at > now:
                organisations = _recipient_organisations(report, timezone.localdate(now))
                inbox_send(
                    people_acting_for(organisations),
                    f"Embargoed copy ready: {report.title}",
                    f"Embargoed until {timezone.localtime(report.publication_at):%-d %B %Y %H:%M}. "
                    "Do not share it before then.",
                    f"/inspections/reports/{report.pk}/",
                    now,
                )
            for deadline in Deadline.objects.filter(
                subject_type="inspections.report",
                subject_id=str(report.pk),
                kind__in=["embargo_single_body", "embargo_other", "accelerated_coc_notice"],
                state__in=["open", "missed"],
            ):
                deadline_close(deadline=deadline, state=DeadlineState.MET, now=now)
            opened += 1
    for report in Report.objects.filter(
        state=ReportState.SCHEDULED, publication_at__lte=now, published_at__isnull=True
    ):
        with transaction.atomic():
            if not Report.objects.filter(pk=report.pk, published_at__isnull=True).update(
                published_at=now, state=ReportState.PUBLISHED
            ):
                continue
            # U6 and whatever else publication starts is done by the apps above, listening.
            report_published.send(sender=Report, report=report, now=now)
            organisations = _recipient_organisations(report, timezone.localdate(now))
            inbox_send(
                people_acting_for(organisations),
                f"Published: {report.title}",
                "The report is now public.",
                f"/public/reports/{report.pk}/",
                now,
            )
            published += 1
    return {"opened": opened, "published": published}
