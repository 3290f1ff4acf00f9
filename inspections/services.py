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
    governance_of_area,
    governing_body_of_area,
    hmis_for_area,
    is_hmicfrs_staff,
    office_of_area,
    offices_of_areas,
    people_acting_for,
)
from hmicfrs_mou.audit import audit_record
from hmicfrs_mou.deadlines import diary_note_window, due_day, hours_before
from hmicfrs_mou.inbox import inbox_send
from hmicfrs_mou.models import AuditAction, Deadline, DeadlineState
from hmicfrs_mou.reminders import deadline_close
from inspections.access import (
    debrief_published,
    require_area_chief_office,
    require_area_pcc_office,
    require_chief_office_of_any,
    require_debrief_attendee,
    require_hmi_for_area,
    require_hmicfrs_staff,
    require_inspection_team,
    require_pcc_office_requesting,
    require_representative,
    require_senior_responsible_owner,
)
from inspections.deadlines import (
    pcc_update_deadlines,
    register_pcc_update_deadline,
    register_report_deadlines,
)
from inspections.events import report_published
from inspections.models import (
    PROGRAMME_ORDER,
    AssistanceRequest,
    ChiefUpdate,
    CommissionRequest,
    CommissionState,
    ConfidentialityAcknowledgement,
    Debrief,
    DiaryNote,
    EvidenceRecord,
    EvidenceRequest,
    FactualAccuracyComment,
    Finding,
    FindingKind,
    Inspection,
    InspectionKind,
    InspectionNotice,
    Milestone,
    Programme,
    ProgrammeEvent,
    ProgrammeState,
    Redaction,
    ReferenceGroup,
    Report,
    ReportKind,
    ReportLanguage,
    ReportState,
    Representation,
    StrategicPresentation,
)

# I6: a debrief gives a preliminary view, never a graded judgment. The PEEL grades that cannot be
# ordinary prose are refused wherever they stand, in any form ("Requires-Improvement", "inadequately");
# any talk of grading or rating is refused too. "Good" and "adequate" are ordinary words ("made good
# progress"), so they are refused where they stand as a grade: as the value of a heading ("Efficiency:
# good", "Effectiveness – adequate"), as the complement of a verb ("was adequate"), or alone on a line.
GRADE_WORDS = re.compile(
    r"\b(outstanding(ly)?|inadequate(ly)?|inadequacy|requir(e|es|ed|ing)[\s_-]+(an\s+)?improvement)\b",
    re.IGNORECASE,
)
GRADED_PHRASE = re.compile(r"\b(grade[ds]?|grading|ratings?|rated|judg(e)?ments?|judged)\b", re.IGNORECASE)
GRADE_VALUE = re.compile(
    r"(?:[:=–—]|\s-|\b(?:is|was|were|are|be|been|being|remains?|remained|stays?|stayed|as)\b)"
    r"\s*(?:(?:very|only|broadly|just|overall|now|still|currently)\s+)*(good|adequate)\b"
    r"|^\W*(good|adequate)\W*$"
    # In brackets after a heading ("Efficiency (good)"), leading a line as its value ("Good: effectiveness"),
    # or as the overall finding closing a clause ("Overall good.", "overall, adequate").
    r"|\(\s*(good|adequate)\s*\)"
    r"|^\W*(good|adequate)\s*[:=–—-]"
    r"|\boverall\b[\s,:;]*(good|adequate)\s*(?=[.;,!)]|$)",
    re.IGNORECASE | re.MULTILINE,
)


def has_grade(text: str) -> bool:
    """I6: whether the text gives a graded judgment on the PEEL scale (see GRADE_WORDS and GRADE_VALUE)."""
    return bool(GRADED_PHRASE.search(text) or GRADE_WORDS.search(text) or GRADE_VALUE.search(text))


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
    require_hmicfrs_staff(by, now, "create an inspection programme")
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
    require_hmicfrs_staff(by, now, "move an inspection programme on")
    if to not in PROGRAMME_ORDER:
        raise ValidationError(f"Unknown programme stage: {to!r}.")
    current, target = PROGRAMME_ORDER.index(programme.state), PROGRAMME_ORDER.index(to)
    if target != current + 1:
        raise ValidationError(
            f"The programme is at “{programme.get_state_display()}”; the next step is "
            f"“{ProgrammeState(PROGRAMME_ORDER[min(current + 1, len(PROGRAMME_ORDER) - 1)]).label}”."
        )
    if to == ProgrammeState.SUBMITTED and not programme.representations.filter(kind="apcc_collated").exists():
        raise ValidationError("Record the APCC's collated response before submitting the programme.")  # P1
    if (
        to == ProgrammeState.SUBMITTED
        and programme.representations.filter(considered_at__isnull=True).exists()
    ):
        raise ValidationError(
            "Every representation must be considered before the programme is submitted."  # P1
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
    """P1: the APCC's collated response (its chair or chief executive), or a PCC's direct one (its office)."""
    now = now or timezone.now()
    require_representative(by, organisation, now, f"make a representation for {organisation}")
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
        received_at=now,
    )
    audit_record(action=AuditAction.CREATE, actor=by, obj=representation)
    return representation


@transaction.atomic
def representation_consider(
    *, representation: Representation, consideration: str, by: User, now: dt.datetime | None = None
) -> Representation:
    """P1: HMICFRS records how it considered a representation, before the programme is submitted."""
    now = now or timezone.now()
    require_hmicfrs_staff(by, now, "record how a representation was considered")
    if representation.programme.state not in (
        ProgrammeState.REPRESENTATIONS_REQUESTED,
        ProgrammeState.UNDER_CONSIDERATION,
    ):
        raise ValidationError("Representations are considered before the programme is submitted.")  # P1
    if not consideration.strip():
        raise ValidationError({"consideration": "Record how the representation was considered."})
    representation.consideration = consideration
    representation.considered_at = now
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
    """P2: one or several PCCs ask HMICFRS to inspect their force(s). Not possible for an FRS. The actor works
    for one of the requesting offices, and every force asked about is governed by one of their PCCs."""
    now = now or timezone.now()
    require_pcc_office_requesting(by, list(requested_by), [], now, "ask for a commissioned inspection")
    if any(area.kind == OrganisationKind.FIRE_RESCUE_SERVICE for area in areas):
        raise ValidationError(
            "A commissioned inspection is for a police force only. For a fire and rescue service, the PFCC "  # P2
            "can raise a request for assistance instead."
        )
    if not areas or any(area.kind != OrganisationKind.POLICE_FORCE for area in areas):
        raise ValidationError("Choose the police force or forces to be inspected.")
    if not requested_by or any(
        o.kind not in (OrganisationKind.OPCC, OrganisationKind.GOVERNING_BODY) for o in requested_by
    ):
        raise ValidationError("A commissioned inspection is requested by one or more PCCs.")  # P2
    if not scope.strip():
        raise ValidationError({"scope": "Describe the scope of the inspection."})
    require_pcc_office_requesting(
        by, list(requested_by), list(areas), now, "ask for a commissioned inspection"
    )
    request = CommissionRequest.objects.create(scope=scope, created_at=now)
    request.requested_by.set(requested_by)
    request.areas.set(areas)
    audit_record(action=AuditAction.CREATE, actor=by, obj=request)
    return request


@transaction.atomic
def commission_agree_estimate(
    *, request: CommissionRequest, days: int, cost_pounds: Any, by: User, now: dt.datetime | None = None
) -> CommissionRequest:
    """P2: HMICFRS records the estimated duration and cost agreed with the requesting PCC(s)."""
    now = now or timezone.now()
    require_hmicfrs_staff(by, now, "agree the estimate for a commissioned inspection")
    if not days or days <= 0 or cost_pounds is None or cost_pounds <= 0:
        raise ValidationError("Agree an estimated duration in days and a cost, met by the OPCC.")  # P2
    if request.state in (CommissionState.ACCEPTED, CommissionState.DECLINED):
        raise ValidationError("This request has been decided; its estimate cannot change.")
    request.estimated_days, request.estimated_cost_pounds = days, cost_pounds
    request.estimate_agreed_at = now
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
    now = now or timezone.now()
    require_hmicfrs_staff(by, now, "accept a commissioned inspection")
    if request.estimate_agreed_at is None:
        raise ValidationError(
            "The estimated duration and cost must be agreed before the request is accepted."  # P2
        )
    request.state = CommissionState.ACCEPTED
    request.decided_at = now
    request.save(update_fields=["state", "decided_at"])
    audit_record(action=AuditAction.UPDATE, actor=by, obj=request, detail={"state": "accepted"})
    return request


@transaction.atomic
def reference_group_set(
    *, inspection: Inspection, members: list[Organisation], by: User, now: dt.datetime | None = None
) -> tuple[ReferenceGroup, list[str]]:
    """P3: set the external reference group; returns warnings (no APCC and no PCC among members)."""
    require_inspection_team(by, inspection, now or timezone.now(), "choose the external reference group")
    if any(m.kind == OrganisationKind.HMICFRS for m in members):
        raise ValidationError("An external reference group is made of organisations outside HMICFRS.")  # P3
    group, _ = ReferenceGroup.objects.get_or_create(inspection=inspection)
    group.members.set(members)
    warnings = []
    if not any(
        m.kind in (OrganisationKind.APCC, OrganisationKind.OPCC, OrganisationKind.GOVERNING_BODY)
        for m in members
    ):
        warnings.append("The external reference group should include the APCC or at least one PCC.")  # P3
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
    """HMICFRS staff set up an inspection: its forces or FRSs, its lead and team."""
    now = now or timezone.now()
    require_hmicfrs_staff(by, now, "set up an inspection")
    if not areas or any(area.kind not in AREA_KINDS for area in areas):
        raise ValidationError({"areas": "Choose the forces or FRSs inspected."})
    if kind in (InspectionKind.PEEL,) and any(a.kind != OrganisationKind.POLICE_FORCE for a in areas):
        raise ValidationError({"areas": "PEEL inspects police forces."})
    if kind == InspectionKind.FRS and any(a.kind != OrganisationKind.FIRE_RESCUE_SERVICE for a in areas):
        raise ValidationError({"areas": "An FRS inspection inspects fire and rescue services."})
    if kind == InspectionKind.COMMISSIONED and (
        commission is None or commission.state != CommissionState.ACCEPTED
    ):
        raise ValidationError("A commissioned inspection needs an accepted commission request.")  # P2
    inspection = Inspection.objects.create(
        kind=kind, title=title, lead=lead, commission=commission, created_at=now
    )
    inspection.areas.set(areas)
    inspection.team.set(list(team))
    audit_record(action=AuditAction.CREATE, actor=by, obj=inspection)
    return inspection


@transaction.atomic
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
    stamped alike.

    Who may send it (DESIGN.md "Who acts at each step"): about an inspection (I1, I2), its team, and
    only to the forces and FRSs it inspects; otherwise (a routine-monitoring concern, M3), the HMI for
    every force or FRS told. Callers check too; this is the last refusal, before anything is written.
    """
    areas = list(areas)
    if inspection is not None:
        require_inspection_team(by, inspection, now, "send notice of this inspection")
        for area in areas:
            _require_inspected(inspection, area, "areas")
    else:
        if not areas:
            raise ValidationError({"areas": "Choose the force or FRS to send the notice to."})
        for area in areas:
            require_hmi_for_area(by, area, now, "send it a notice")
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
    now = now or timezone.now()
    require_inspection_team(by, inspection, now, "send notice of this inspection")
    return notice_send(
        kind=kind,
        subject=subject,
        body=body,
        areas=list(inspection.areas.all()),
        by=by,
        url=f"/inspections/{inspection.pk}/",
        now=now,
        inspection=inspection,
    )


@transaction.atomic
def methodology_change_notify(
    *, inspection: Inspection, body: str, by: User, now: dt.datetime | None = None
) -> InspectionNotice:
    """I3: the senior responsible owner HMI tells the APCC and every PCC of a major methodology change.

    Mid-cycle (DESIGN.md I3): while the inspection still gathers evidence. Once a report of it is final
    for every force or FRS it inspects (I5: evidence gathering ended), a change can no longer apply to it,
    and the notice is refused; so is one that does not say what is changing."""
    now = now or timezone.now()
    require_senior_responsible_owner(by, inspection, now, "send notice of a change of methodology")
    if not body.strip():
        raise ValidationError({"body": "Describe the change of methodology."})
    areas = list(inspection.areas.all())
    if all(_evidence_closed_at(inspection, area, now) is not None for area in areas) and (
        areas or Report.objects.filter(inspection=inspection, finalised_at__lte=now).exists()
    ):
        raise ValidationError(
            f"The report of “{inspection.title}” is final and its evidence gathering has ended: "
            "a change of methodology can no longer apply to it."
        )
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
    # The inspection's page lists the notices an office received, but only the offices of the forces it
    # inspects may open it; the APCC and every other PCC's office have no page for it, only the message.
    inspected = {office.pk for office in offices_of_areas(areas, timezone.localdate(now))}
    with_page = people_acting_for([office for office in recipients if office.pk in inspected])
    shown = {person.pk for person in with_page}
    inbox_send(with_page, notice.subject, body, _inspection_url(inspection), now)
    others = [person for person in people_acting_for(recipients) if person.pk not in shown]
    inbox_send(others, notice.subject, body, "", now)
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
    require_inspection_team(by, inspection, now, "record evidence")
    if not summary.strip():
        raise ValidationError({"summary": "Enter a summary."})
    named_staff = list(named_staff)
    outsiders = [person for person in named_staff if not is_hmicfrs_staff(person, timezone.localdate(now))]
    if outsiders:
        raise ValidationError(
            {"named_staff": "Only HMICFRS staff can be named to read a disclosure in confidence."}  # I5
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
    now: dt.datetime | None = None,
) -> StrategicPresentation:
    """I4: police – the chief constable decides whether the PCC is invited; FRS – the PFCC chooses.

    Recorded with the decision by whoever makes it: the invitation by the chief officer's office, the
    attendance by the PFCC's office; without either, by the inspection team."""
    now = now or timezone.now()
    if pcc_invited is not None:
        require_area_chief_office(
            by, area, now, "decide whether the PCC is invited to the strategic presentation"
        )
    elif pfcc_attending is not None:
        require_area_pcc_office(by, area, now, "choose whether the PFCC attends the strategic presentation")
    else:
        require_inspection_team(by, inspection, now, "record a strategic presentation")
    if area.kind == OrganisationKind.POLICE_FORCE and pfcc_attending is not None:
        raise ValidationError(
            "For a police force the chief constable decides whether the PCC is invited."  # I4
        )
    if area.kind == OrganisationKind.FIRE_RESCUE_SERVICE:
        if pcc_invited is not None:
            raise ValidationError(
                "For an FRS the PFCC chooses whether to attend; there is no invitation."  # I4
            )
        if pfcc_attending and not _pfcc_governs(area, held_on):
            raise ValidationError("This FRS is not governed by a PFCC or mayor.")  # I4
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
    held_on: dt.date | None,
    notes: str,
    by: User,
    significant_concern: bool = False,
    now: dt.datetime | None = None,
) -> Debrief:
    """I6: the team records a preliminary view without grades. Police: the chief's office then decides whether
    the PCC attends (`debrief_attendance_decide`); FRS: a PFCC attends as of right. I8: a debrief flagged with
    significant concern puts a task on the chief's office to update the PCC."""
    now = now or timezone.now()
    require_inspection_team(by, inspection, now, "record a debrief")
    _require_inspected(inspection, area)
    errors = {}
    if not notes.strip():
        errors["notes"] = "Enter the notes of the debrief: the preliminary view given."
    elif has_grade(notes):
        errors["notes"] = "A debrief gives a preliminary view, never a graded judgment: remove the grade."
    if held_on is None:
        errors["held_on"] = "Enter the date of the debrief."
        raise ValidationError(errors)
    if errors:
        raise ValidationError(errors)
    # FRS: a PFCC (or mayor) governing the service on the day attends by right; police: not until the chief
    # decides.
    pcc_invited = area.kind == OrganisationKind.FIRE_RESCUE_SERVICE and _pfcc_governs(area, held_on)
    debrief = Debrief.objects.create(
        inspection=inspection,
        area=area,
        held_on=held_on,
        notes=notes.strip(),
        pcc_invited=pcc_invited,
        significant_concern=significant_concern,
        recorded_by=by,
        recorded_at=now,
    )
    audit_record(action=AuditAction.CREATE, actor=by, obj=debrief)
    _debrief_notices(debrief, now)
    if significant_concern:
        register_pcc_update_deadline(
            inspection=inspection, area=area, source="debrief", source_pk=debrief.pk, flagged_at=now, now=now
        )
    return debrief


def _debrief_notices(debrief: Debrief, now: dt.datetime) -> None:
    """I6: the chief's office is asked to acknowledge (and, police, to decide the PCC's attendance); I8 said."""
    day = f"{debrief.held_on.day} {debrief.held_on:%B %Y}"
    url = f"/inspections/debriefs/{debrief.pk}/"
    asks = ["acknowledge that it is confidential until publication"]
    if debrief.area.kind == OrganisationKind.POLICE_FORCE:
        asks.insert(0, "decide whether the PCC attends")
    body = (
        f"The inspection team has recorded the debrief for {debrief.inspection.title} on {day}. Please "
        + (" and ".join(asks) + ".")
    )
    if debrief.significant_concern:
        body += " The debrief shows significant concern: the chief officer keeps the PCC updated."
    inbox_send(
        people_acting_for([debrief.area]), f"Debrief on {day}: {debrief.inspection.title}", body, url, now
    )
    if debrief.pcc_invited:
        office = office_of_area(debrief.area, timezone.localdate(now))
        inbox_send(
            people_acting_for([office] if office else []),
            f"Debrief on {day}: {debrief.inspection.title}",
            f"The PFCC attends the debrief for {debrief.inspection.title} on {day} as of right. Please "
            "acknowledge that it is confidential until publication to read the notes.",
            url,
            now,
        )


@transaction.atomic
def chief_update_record(
    *, inspection: Inspection, area: Organisation, text: str, by: User, now: dt.datetime | None = None
) -> ChiefUpdate:
    """I8: the chief's office keeps the PCC updated on a significant concern; the PCC's office is told and the
    update tasks for that force or FRS in this inspection are met."""
    now = now or timezone.now()
    require_area_chief_office(by, area, now, "send the chief officer's update to the PCC")
    _require_inspected(inspection, area)
    if not concern_flagged(inspection, area, now):
        raise ValidationError(
            "No debrief or draft report of this inspection has been flagged with significant concern for "
            f"{area}: there is no update to send yet."
        )
    if not text.strip():
        raise ValidationError({"text": "Enter the update."})
    update = ChiefUpdate.objects.create(inspection=inspection, area=area, text=text.strip(), by=by, at=now)
    office = office_of_area(area, timezone.localdate(now))
    if office:
        inbox_send(
            people_acting_for([office]),
            f"Update from the chief officer: {inspection.title}",
            update.text,
            "/inspections/debriefs-and-updates/",
            now,
        )
    for deadline in pcc_update_deadlines([area.pk], inspection).select_for_update():
        deadline_close(deadline=deadline, state=DeadlineState.MET, now=now)
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
    language: str = ReportLanguage.ENGLISH,
    now: dt.datetime | None = None,
) -> Report:
    """The team drafts a report of its inspection (I7 onwards), in English or Welsh (`language`)."""
    now = now or timezone.now()
    require_inspection_team(by, inspection, now, "write a report of this inspection")
    areas = list(areas if areas is not None else inspection.areas.all())
    if kind in (ReportKind.FORCE_SPECIFIC, ReportKind.ACCELERATED_CAUSE_OF_CONCERN) and len(areas) != 1:
        raise ValidationError({"areas": "A force- or FRS-specific report is about exactly one force or FRS."})
    if not body.strip():
        raise ValidationError({"body": "Enter the report's text."})
    if language not in ReportLanguage.values:
        raise ValidationError({"language": "Choose the language the report is written in: English or Welsh."})
    interested_parties = list(interested_parties)
    if kind == ReportKind.OTHER and not interested_parties:
        raise ValidationError(
            {"interested_parties": "Name the interested parties who get the embargoed copy."}  # U4
        )
    if kind != ReportKind.OTHER and interested_parties:
        raise ValidationError(
            {
                "interested_parties": "A force- or FRS-specific report goes to its chief officer and PCC."  # U3, U5
            }
        )
    report = Report.objects.create(
        inspection=inspection,
        kind=kind,
        title=title,
        body=body,
        summary=summary,
        press_release=press_release,
        language=language,
        created_at=now,
    )
    report.areas.set(areas)
    report.interested_parties.set(interested_parties)
    audit_record(action=AuditAction.CREATE, actor=by, obj=report)
    return report


@transaction.atomic
def finding_add(
    *,
    report: Report,
    kind: str,
    text: str,
    by: User,
    area: Organisation | None = None,
    now: dt.datetime | None = None,
) -> Finding:
    """M1: a finding with a stable reference: R<report>-C|R|A<n>."""
    require_inspection_team(by, report.inspection, now or timezone.now(), "add a finding to this report")
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
    require_inspection_team(by, report.inspection, now, "send this draft for a factual-accuracy check")
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
        f"Please send corrections of fact by {timezone.localtime(closes_at):%-d %B %Y %H:%M %Z}.",
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
    require_chief_office_of_any(by, report.areas.all(), now, "send factual-accuracy comments on this draft")
    opens, closes = report.fac_opens_at, report.fac_closes_at
    if (
        report.state != ReportState.FACTUAL_ACCURACY
        or opens is None
        or closes is None
        or not opens <= now < closes
    ):
        raise ValidationError(
            "The factual-accuracy window for this report is closed: comments can no longer be sent."
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
    now = now or timezone.now()
    require_inspection_team(by, comment.report.inspection, now, "decide on factual-accuracy comments")
    if comment.report.state != ReportState.FACTUAL_ACCURACY:
        raise ValidationError("The report is final: its factual-accuracy comments can no longer be decided.")
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for the decision."})
    comment.decision = (
        FactualAccuracyComment.Decision.ACCEPTED if accept else FactualAccuracyComment.Decision.REJECTED
    )
    comment.decision_reason, comment.decided_by, comment.decided_at = reason, by, now
    comment.full_clean()
    comment.save()
    audit_record(action=AuditAction.UPDATE, actor=by, obj=comment, detail={"decision": comment.decision})
    return comment


@transaction.atomic
def report_finalise(
    *,
    report: Report,
    by: User,
    now: dt.datetime | None = None,
    confirm_early_close: bool = False,
    early_close_reason: str = "",
) -> Report:
    """I7: the team makes the report final once every comment is decided. While the factual-accuracy window is
    still open it asks for confirmation and a reason, records them and tells the chief's office that its window
    closed early."""
    now = now or timezone.now()
    require_inspection_team(by, report.inspection, now, "make this report final")
    if report.state not in (ReportState.DRAFT, ReportState.FACTUAL_ACCURACY):
        raise ValidationError("This report is already final.")
    if report.fac_comments.filter(decision=FactualAccuracyComment.Decision.PENDING).exists():
        raise ValidationError("Decide every factual-accuracy comment before the report is final.")
    closes_early = (
        report.state == ReportState.FACTUAL_ACCURACY
        and report.fac_closes_at is not None
        and report.fac_closes_at > now
    )
    if closes_early:
        errors = {}
        if not confirm_early_close:
            errors["confirm_early_close"] = (
                "Confirm that the factual-accuracy check ends now, before the window was due to close."
            )
        if not early_close_reason.strip():
            errors["early_close_reason"] = "Give the reason for ending the factual-accuracy check early."
        if errors:
            raise ValidationError(errors)
        report.fac_was_due_to_close_at = report.fac_closes_at
        report.fac_closed_early_reason = early_close_reason.strip()
        report.fac_closes_at = now  # the window ends when the report is final
    report.state, report.finalised_at = ReportState.FINAL, now
    report.save()
    audit_record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=report,
        detail={
            "state": report.state,
            **({"closed_early": report.fac_closed_early_reason} if closes_early else {}),
        },
    )
    if closes_early:
        _tell_window_closed_early(report, now)
    return report


def _tell_window_closed_early(report: Report, now: dt.datetime) -> None:
    """I7: the chief's office of each force or FRS the draft went to is told its window closed early, and why."""
    due = timezone.localtime(report.fac_was_due_to_close_at)
    closed = timezone.localtime(now)
    inbox_send(
        people_acting_for(list(report.areas.all())),
        f"Factual-accuracy check closed early: {report.title}",
        f"The inspection team has made the report final, so the factual-accuracy check closed at "
        f"{closed:%H:%M} {closed.tzname()} on {closed.day} {closed:%B %Y}, before the window was due to close "
        f"at {due:%H:%M} {due.tzname()} on {due.day} {due:%B %Y}. Corrections of fact can no longer be sent. "
        f"The team's reason: {report.fac_closed_early_reason}",
        "/inspections/my-area/",
        now,
    )


@transaction.atomic
def redaction_add(
    *, report: Report, passage: str, reason: str, by: User, now: dt.datetime | None = None
) -> Redaction:
    """U1: take a passage out before publication (safety, national security)."""
    require_inspection_team(by, report.inspection, now or timezone.now(), "redact this report")
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
    require_inspection_team(by, report.inspection, now, "schedule this report's publication")
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
                "immediate_release": "Only a report that is not about one force or FRS can be for immediate release."  # U4
            }
        )
    errors = {}
    if report.distribution_at is not None and report.distribution_at <= now:
        # The embargoed copy is out: a new publication moment cannot take it back.
        distribution_at = report.distribution_at
        immediate_release = False
    elif immediate_release:
        distribution_at = publication_at
    else:
        latest = hours_before(publication_at, report.embargo_hours)
        if distribution_at is None:
            distribution_at = max(latest, now)
        if distribution_at > publication_at:
            errors["distribution_at"] = "The embargoed copy must go out before publication."
        elif distribution_at > latest and not exception_reason.strip():
            # U3 (force- or FRS-specific, 48 h), U4 (other, 24 h), U5 (accelerated cause of concern, 24 h)
            errors["distribution_at"] = (
                f"The embargoed copy must go out at least {report.embargo_hours} hours before publication, "
                f"by {timezone.localtime(latest):%-d %B %Y, %H:%M %Z}. Send it earlier (or leave its moment blank), "
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
        # The office's inspections page: where the embargoed copy appears once it is sent (the report's
        # own page answers "not found" until then).
        "/inspections/my-area/",
        now,
    )


@transaction.atomic
def diary_note_send(*, report: Report, text: str, by: User, now: dt.datetime | None = None) -> DiaryNote:
    """U2/D3: in the week before publication, to the interested parties."""
    now = now or timezone.now()
    require_inspection_team(by, report.inspection, now, "send a diary note for this report")
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
                    f"Embargoed until {timezone.localtime(report.publication_at):%-d %B %Y %H:%M %Z}. "
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


# --- Issue 9: I2–I5 and P2, each step by its own person from their own portal --------------------------
#
# Each service checks who is acting first (inspections.access require_*), then the moment, then the
# input, and only then writes. Evidence for a force or FRS is gathered until a report on it is final.


def _evidence_closed_at(inspection: Inspection, area: Organisation, at: dt.datetime) -> dt.datetime | None:
    """I5: when evidence gathering on `area` ended (a report of the inspection about it made final), or None."""
    report = (
        Report.objects.filter(inspection=inspection, areas=area, finalised_at__lte=at)
        .order_by("finalised_at")
        .only("finalised_at")
        .first()
    )
    return report.finalised_at if report else None


def _require_evidence_open(inspection: Inspection, area: Organisation, at: dt.datetime) -> None:
    closed = _evidence_closed_at(inspection, area, at)
    if closed is not None:
        raise ValidationError(
            f"Evidence gathering for {area} ended when the report was made final on "
            f"{timezone.localtime(closed):%-d %B %Y at %H:%M %Z}."
        )


def _require_inspected(inspection: Inspection, area: Organisation, field: str = "area") -> None:
    if not inspection.areas.filter(pk=area.pk).exists():
        raise ValidationError({field: f"{area} is not inspected in “{inspection.title}”."})


def _inspection_url(inspection: Inspection) -> str:
    return f"/inspections/{inspection.pk}/"


# I2: milestones of a PEEL inspection, sent to the chief and the PCC in one notice.


def _require_schedule_open(inspection: Inspection, now: dt.datetime) -> None:
    if inspection.kind != InspectionKind.PEEL:
        raise ValidationError("Milestones are kept for PEEL inspections, whose assessment is continuous.")
    if Report.objects.filter(inspection=inspection, finalised_at__lte=now).exists():
        raise ValidationError("A report of this inspection is final: its schedule can no longer change.")


def _check_milestone(name: str, starts_on: dt.date | None, ends_on: dt.date | None) -> dt.date:
    """Refuses a milestone without a name or a start, or ending before it starts; gives the start."""
    errors = {}
    if not name.strip():
        errors["name"] = "Enter the name of the milestone, for example the final evidence-gathering period."
    if starts_on is None:
        errors["starts_on"] = "Enter the date the milestone starts."
    elif ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = "The end date must be the same as or after the start date."
    if errors or starts_on is None:
        raise ValidationError(errors)
    return starts_on


@transaction.atomic
def milestone_add(
    *,
    inspection: Inspection,
    name: str,
    starts_on: dt.date | None,
    by: User,
    ends_on: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Milestone:
    """I2: the team adds a milestone to the PEEL schedule (the chief and the PCC get it with `milestones_send`)."""
    now = now or timezone.now()
    require_inspection_team(by, inspection, now, "change the milestones of this inspection")
    _require_schedule_open(inspection, now)
    starts = _check_milestone(name, starts_on, ends_on)
    milestone = Milestone.objects.create(
        inspection=inspection, name=name.strip(), starts_on=starts, ends_on=ends_on
    )
    audit_record(action=AuditAction.CREATE, actor=by, obj=milestone)
    return milestone


@transaction.atomic
def milestone_change(
    *,
    milestone: Milestone,
    name: str,
    starts_on: dt.date | None,
    by: User,
    ends_on: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Milestone:
    """I2: the team changes a milestone (sent again with `milestones_send`)."""
    now = now or timezone.now()
    inspection = milestone.inspection
    require_inspection_team(by, inspection, now, "change the milestones of this inspection")
    _require_schedule_open(inspection, now)
    starts = _check_milestone(name, starts_on, ends_on)
    milestone.name, milestone.starts_on, milestone.ends_on = name.strip(), starts, ends_on
    milestone.save(update_fields=["name", "starts_on", "ends_on"])
    audit_record(action=AuditAction.UPDATE, actor=by, obj=milestone)
    return milestone


@transaction.atomic
def milestone_remove(*, milestone: Milestone, by: User, now: dt.datetime | None = None) -> None:
    """I2: the team takes a milestone off the schedule."""
    now = now or timezone.now()
    require_inspection_team(by, milestone.inspection, now, "change the milestones of this inspection")
    _require_schedule_open(milestone.inspection, now)
    audit_record(action=AuditAction.DELETE, actor=by, obj=milestone)
    milestone.delete()


def _milestone_dates(milestone: Milestone) -> str:
    start = f"{milestone.starts_on.day} {milestone.starts_on:%B %Y}"
    if milestone.ends_on and milestone.ends_on != milestone.starts_on:
        return f"{start} to {milestone.ends_on.day} {milestone.ends_on:%B %Y}"
    return start


def schedule_text(inspection: Inspection, note: str = "") -> str:
    """I2: the notice's text: every milestone with its dates, then the team's note."""
    lines = [f"- {m.name}: {_milestone_dates(m)}" for m in inspection.milestones.all()]
    text = "The schedule and milestones of this PEEL inspection:\n" + "\n".join(lines)
    return f"{text}\n\n{note.strip()}" if note.strip() else text


@transaction.atomic
def milestones_send(
    *, inspection: Inspection, by: User, note: str = "", now: dt.datetime | None = None
) -> InspectionNotice:
    """I2: the milestones, in the notice itself, to the chief's office and the PCC's office in one notice (I1)."""
    now = now or timezone.now()
    require_inspection_team(by, inspection, now, "send the schedule of this inspection")
    _require_schedule_open(inspection, now)
    if not inspection.milestones.exists():
        raise ValidationError("Add at least one milestone before sending the schedule.")
    return notice_send(
        kind=InspectionNotice.Kind.SCHEDULE,
        subject=f"PEEL schedule and milestones: {inspection.title}",
        body=schedule_text(inspection, note),
        areas=list(inspection.areas.all()),
        by=by,
        url=_inspection_url(inspection),
        now=now,
        inspection=inspection,
    )


# I4: the strategic presentation: arranged by the team, the PCC invited or not by the chief (police),
# attended or not by the PFCC's choice (FRS).


@transaction.atomic
def presentation_arrange(
    *,
    inspection: Inspection,
    area: Organisation,
    held_on: dt.date | None,
    by: User,
    now: dt.datetime | None = None,
) -> StrategicPresentation:
    """I4: the team records the strategic presentation; the chief's office (police) or the PFCC's (FRS) is told."""
    now = now or timezone.now()
    require_inspection_team(by, inspection, now, "record a strategic presentation")
    _require_inspected(inspection, area)
    _require_evidence_open(inspection, area, now)
    if held_on is None:
        raise ValidationError({"held_on": "Enter the date of the strategic presentation."})
    presentation = StrategicPresentation.objects.create(inspection=inspection, area=area, held_on=held_on)
    day = f"{held_on.day} {held_on:%B %Y}"
    if area.kind == OrganisationKind.POLICE_FORCE:
        inbox_send(
            people_acting_for([area]),
            f"Strategic presentation on {day}: is the PCC invited?",
            f"The inspection team has recorded the strategic presentation for {inspection.title} on {day}. "
            "The chief constable decides whether the PCC is invited: record the decision in the portal.",
            "/inspections/my-area/",
            now,
        )
    elif _pfcc_governs(area, held_on):
        office = office_of_area(area, held_on)
        inbox_send(
            people_acting_for([office] if office else []),
            f"Strategic presentation on {day}: will the PFCC attend?",
            f"The inspection team has recorded the strategic presentation for {inspection.title} on {day}. "
            "The PFCC chooses whether to attend: record the choice in the portal.",
            "/inspections/my-area/",
            now,
        )
    audit_record(action=AuditAction.CREATE, actor=by, obj=presentation)
    return presentation


def _require_before_presentation(presentation: StrategicPresentation, now: dt.datetime, what: str) -> None:
    if timezone.localdate(now) > presentation.held_on:
        held = presentation.held_on
        raise ValidationError(
            f"The strategic presentation was on {held.day} {held:%B %Y}: {what} can no longer be recorded."
        )


@transaction.atomic
def presentation_invitation_decide(
    *, presentation: StrategicPresentation, invited: bool | None, by: User, now: dt.datetime | None = None
) -> StrategicPresentation:
    """I4 (police): the chief officer's office decides whether the PCC is invited; the PCC's office is told."""
    now = now or timezone.now()
    area = presentation.area
    require_area_chief_office(
        by, area, now, "decide whether the PCC is invited to the strategic presentation"
    )
    if area.kind != OrganisationKind.POLICE_FORCE:
        raise ValidationError(
            "For a fire and rescue service there is no invitation: the PFCC chooses whether to attend."
        )
    _require_before_presentation(presentation, now, "the decision")
    if invited is None:
        raise ValidationError({"invited": "Choose whether the PCC is invited."})
    presentation.pcc_invited, presentation.decided_by, presentation.decided_at = invited, by, now
    presentation.save(update_fields=["pcc_invited", "decided_by", "decided_at"])
    office = office_of_area(area, timezone.localdate(now))
    day = f"{presentation.held_on.day} {presentation.held_on:%B %Y}"
    inbox_send(
        people_acting_for([office] if office else []),
        f"Strategic presentation on {day}: the PCC is {'' if invited else 'not '}invited",
        f"The chief constable has decided that the PCC is {'' if invited else 'not '}invited to the strategic "
        f"presentation for {presentation.inspection.title} on {day}.",
        "/inspections/my-area/",
        now,
    )
    audit_record(action=AuditAction.UPDATE, actor=by, obj=presentation, detail={"pcc_invited": invited})
    return presentation


@transaction.atomic
def presentation_attendance_choose(
    *, presentation: StrategicPresentation, attending: bool | None, by: User, now: dt.datetime | None = None
) -> StrategicPresentation:
    """I4 (FRS): the PFCC's office records whether the PFCC (or mayor) chooses to attend."""
    now = now or timezone.now()
    area = presentation.area
    require_area_pcc_office(by, area, now, "choose whether the PFCC attends the strategic presentation")
    if area.kind != OrganisationKind.FIRE_RESCUE_SERVICE:
        raise ValidationError(
            "For a police force the chief constable decides whether the PCC is invited; there is no choice to make."
        )
    if not _pfcc_governs(area, presentation.held_on):
        raise ValidationError(f"{area} is not governed by a PFCC or mayor: there is no choice to make.")
    _require_before_presentation(presentation, now, "the choice")
    if attending is None:
        raise ValidationError({"attending": "Choose whether the PFCC will attend."})
    presentation.pfcc_attending, presentation.decided_by, presentation.decided_at = attending, by, now
    presentation.save(update_fields=["pfcc_attending", "decided_by", "decided_at"])
    audit_record(action=AuditAction.UPDATE, actor=by, obj=presentation, detail={"pfcc_attending": attending})
    return presentation


# I5: evidence, the discussion with the PCC, disclosures in confidence, the PFCC's interview.


@transaction.atomic
def evidence_request(
    *, inspection: Inspection, area: Organisation, text: str, by: User, now: dt.datetime | None = None
) -> EvidenceRequest:
    """I5: the team asks the chief for evidence and, in the same step, requests a discussion with the PCC."""
    now = now or timezone.now()
    require_inspection_team(by, inspection, now, "ask for evidence")
    _require_inspected(inspection, area)
    _require_evidence_open(inspection, area, now)
    if not text.strip():
        raise ValidationError({"text": "Describe the evidence asked for."})
    office = office_of_area(area, timezone.localdate(now))
    request = EvidenceRequest.objects.create(
        inspection=inspection,
        area=area,
        text=text.strip(),
        requested_by=by,
        requested_at=now,
        discussion=EvidenceRequest.Discussion.REQUESTED if office else EvidenceRequest.Discussion.NO_OFFICE,
    )
    inbox_send(
        people_acting_for([area]),
        f"Evidence requested: {inspection.title}",
        text.strip(),
        "/inspections/my-area/",
        now,
    )
    if office:
        inbox_send(
            people_acting_for([office]),
            f"A discussion with the PCC is requested: {inspection.title}",
            f"The inspection team has asked the chief officer of {area} for evidence and asks for a discussion "
            "with the PCC. The PCC may decline: answer in the portal.",
            "/inspections/my-area/",
            now,
        )
    audit_record(action=AuditAction.CREATE, actor=by, obj=request)
    return request


@transaction.atomic
def pcc_discussion_answer(
    *, request: EvidenceRequest, accept: bool | None, by: User, note: str = "", now: dt.datetime | None = None
) -> EvidenceRequest:
    """I5: the PCC's office accepts or declines the discussion; a refusal is recorded for the team."""
    now = now or timezone.now()
    require_area_pcc_office(by, request.area, now, "answer the request for a discussion with the PCC")
    if request.discussion != EvidenceRequest.Discussion.REQUESTED:
        raise ValidationError("This request for a discussion has already been answered.")
    _require_evidence_open(request.inspection, request.area, now)
    if accept is None:
        raise ValidationError({"accept": "Choose whether the PCC will take part in the discussion."})
    request.discussion = (
        EvidenceRequest.Discussion.ACCEPTED if accept else EvidenceRequest.Discussion.DECLINED
    )
    request.answered_by, request.answered_at, request.answer_note = by, now, note.strip()
    request.save(update_fields=["discussion", "answered_by", "answered_at", "answer_note"])
    office = _speaking_office(request.area, timezone.localdate(now))
    if not accept:
        declined = EvidenceRecord.objects.create(
            inspection=request.inspection,
            kind=EvidenceRecord.Kind.PCC_DECLINED,
            source=office,
            area=request.area,
            summary="The PCC declined a discussion." + (f" {note.strip()}" if note.strip() else ""),
            recorded_by=by,
            recorded_at=now,
        )
        audit_record(action=AuditAction.CREATE, actor=by, obj=declined)
    team = {request.requested_by, request.inspection.lead}
    inbox_send(
        team,
        f"The PCC {'accepts' if accept else 'declines'} a discussion: {request.inspection.title}",
        f"{office} has {'accepted' if accept else 'declined'} the discussion requested with the PCC for {request.area}.",
        _inspection_url(request.inspection),
        now,
    )
    audit_record(action=AuditAction.UPDATE, actor=by, obj=request, detail={"discussion": request.discussion})
    return request


@transaction.atomic
def disclosure_make(
    *,
    inspection: Inspection,
    area: Organisation,
    summary: str,
    by: User,
    named_staff: Iterable[User] = (),
    now: dt.datetime | None = None,
) -> EvidenceRecord:
    """I5: an OPCC discloses something in confidence: read by the HMI for the area and named HMICFRS staff only.

    It is never evidence. The readers are told there is something to read, never what it says.
    """
    now = now or timezone.now()
    require_area_pcc_office(by, area, now, "make a disclosure in confidence about this force or FRS")
    _require_inspected(inspection, area)
    _require_evidence_open(inspection, area, now)
    if not summary.strip():
        raise ValidationError({"summary": "Enter what you want to tell HMICFRS in confidence."})
    today = timezone.localdate(now)
    named_staff = list(named_staff)
    if any(not is_hmicfrs_staff(person, today) for person in named_staff):
        raise ValidationError(
            {"named_staff": "Only HMICFRS staff can be named to read a disclosure in confidence."}
        )
    record = EvidenceRecord.objects.create(
        inspection=inspection,
        kind=EvidenceRecord.Kind.CONFIDENTIAL_DISCLOSURE,
        source=_speaking_office(area, today),
        area=area,
        summary=summary.strip(),
        recorded_by=by,
        recorded_at=now,
    )
    record.named_staff.set(named_staff)
    readers = [*hmis_for_area(area, today), *named_staff]
    inbox_send(
        readers,
        f"A disclosure in confidence for you to read: {inspection.title}",
        f"The office of the PCC for {area} has made a disclosure in confidence. It is not evidence. "
        "Read it in your list of disclosures; each reading is recorded.",
        f"/inspections/disclosures/{record.pk}/",
        now,
    )
    audit_record(
        action=AuditAction.CREATE, actor=by, obj=record, detail={"named_staff": [p.pk for p in named_staff]}
    )
    return record


@transaction.atomic
def pfcc_interview_record(
    *, inspection: Inspection, area: Organisation, summary: str, by: User, now: dt.datetime | None = None
) -> EvidenceRecord:
    """I5: for an FRS governed by a PFCC (or mayor), the PFCC is interviewed, and that is evidence."""
    now = now or timezone.now()
    require_inspection_team(by, inspection, now, "record an interview with the PFCC")
    _require_inspected(inspection, area)
    today = timezone.localdate(now)
    if area.kind != OrganisationKind.FIRE_RESCUE_SERVICE or not _pfcc_governs(area, today):
        raise ValidationError(
            {"area": f"{area} is not a fire and rescue service governed by a PFCC or mayor."}
        )
    _require_evidence_open(inspection, area, now)
    if not summary.strip():
        raise ValidationError({"summary": "Enter a summary of the interview."})
    record = EvidenceRecord.objects.create(
        inspection=inspection,
        kind=EvidenceRecord.Kind.PFCC_INTERVIEW,
        source=_speaking_office(area, today, body_if_no_office=True),
        area=area,
        summary=summary.strip(),
        recorded_by=by,
        recorded_at=now,
    )
    audit_record(action=AuditAction.CREATE, actor=by, obj=record)
    return record


# P2: a commission's scope discussed and the request declined; a PFCC's request for assistance.


def _require_undecided(request: CommissionRequest) -> None:
    if request.state in (CommissionState.ACCEPTED, CommissionState.DECLINED):
        raise ValidationError(f"This request has been {request.get_state_display().lower()}.")


@transaction.atomic
def commission_scope_discuss(
    *, request: CommissionRequest, notes: str, by: User, now: dt.datetime | None = None
) -> CommissionRequest:
    """P2: HMICFRS records the discussion of the scope with the requesting PCC(s), who are told."""
    now = now or timezone.now()
    require_hmicfrs_staff(by, now, "record the discussion of a commission's scope")
    _require_undecided(request)
    if not notes.strip():
        raise ValidationError({"notes": "Record what was agreed about the scope."})
    request.scope_discussion, request.scope_discussed_at = notes.strip(), now
    if request.state == CommissionState.REQUESTED:
        request.state = CommissionState.SCOPE_DISCUSSED
    request.save(update_fields=["scope_discussion", "scope_discussed_at", "state"])
    inbox_send(
        people_acting_for(request.requested_by.all()),
        "The scope of your commissioned inspection has been discussed",
        notes.strip(),
        f"/inspections/commissions/{request.pk}/",
        now,
    )
    audit_record(action=AuditAction.UPDATE, actor=by, obj=request, detail={"state": request.state})
    return request


@transaction.atomic
def commission_decline(
    *, request: CommissionRequest, reason: str, by: User, now: dt.datetime | None = None
) -> CommissionRequest:
    """P2: HMICFRS declines the request, with its reason, which the requesting PCC(s) are told."""
    now = now or timezone.now()
    require_hmicfrs_staff(by, now, "decline a commissioned inspection")
    _require_undecided(request)
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for declining the request."})
    request.state, request.decided_at, request.decline_reason = CommissionState.DECLINED, now, reason.strip()
    request.save(update_fields=["state", "decided_at", "decline_reason"])
    inbox_send(
        people_acting_for(request.requested_by.all()),
        "Your request for a commissioned inspection has been declined",
        reason.strip(),
        f"/inspections/commissions/{request.pk}/",
        now,
    )
    audit_record(action=AuditAction.UPDATE, actor=by, obj=request, detail={"state": request.state})
    return request


def _speaking_office(area: Organisation, today: dt.date, *, body_if_no_office: bool = False) -> Organisation:
    """The office that speaks for `area` today (or, with body_if_no_office, its governing body).

    The actor checks before each caller already found one; should the directory change between the
    check and here, the step is refused in words rather than failing on a record without its source.
    """
    found = office_of_area(area, today)
    if found is None and body_if_no_office:
        found = governing_body_of_area(area, today)
    if found is None:
        raise ValidationError(
            f"The directory names nobody governing {area} today, so this cannot be recorded."
        )
    return found


@transaction.atomic
def assistance_request(
    *, area: Organisation, text: str, by: User, now: dt.datetime | None = None
) -> AssistanceRequest:
    """P2: a PFCC's office asks HMICFRS for assistance with its FRS (an FRS cannot be commissioned)."""
    now = now or timezone.now()
    require_area_pcc_office(by, area, now, "ask for assistance with this fire and rescue service")
    today = timezone.localdate(now)
    if area.kind != OrganisationKind.FIRE_RESCUE_SERVICE or not _pfcc_governs(area, today):
        raise ValidationError(
            {"area": "A request for assistance is for a fire and rescue service governed by a PFCC or mayor."}
        )
    if not text.strip():
        raise ValidationError({"text": "Describe the assistance you are asking for."})
    request = AssistanceRequest.objects.create(
        office=_speaking_office(area, today), area=area, text=text.strip(), requested_by=by, requested_at=now
    )
    inbox_send(
        hmis_for_area(area, today),
        f"Request for assistance: {area}",
        text.strip(),
        f"/inspections/assistance/{request.pk}/",
        now,
    )
    audit_record(action=AuditAction.CREATE, actor=by, obj=request)
    return request


# --- Issue 9: I6 attendance and confidentiality, I8 concern on a draft ----------------------------------


def concern_flagged(inspection: Inspection, area: Organisation, at: dt.datetime) -> bool:
    """I8: whether a debrief on `area` or a draft report of the inspection covering it showed significant
    concern by `at`."""
    return (
        Debrief.objects.filter(
            inspection=inspection, area=area, significant_concern=True, recorded_at__lte=at
        ).exists()
        or Report.objects.filter(inspection=inspection, areas=area, significant_concern_at__lte=at).exists()
    )


@transaction.atomic
def debrief_attendance_decide(
    *, debrief: Debrief, pcc_attends: bool | None, by: User, now: dt.datetime | None = None
) -> Debrief:
    """I6 (police): the chief officer's office decides, once, whether the PCC attends the debrief; the PCC's
    office is told. Not after publication, when the debrief is no longer confidential."""
    now = now or timezone.now()
    area = debrief.area
    require_area_chief_office(by, area, now, "decide whether the PCC attends the debrief")
    if area.kind != OrganisationKind.POLICE_FORCE:
        raise ValidationError(
            "For a fire and rescue service there is nothing to decide: a PFCC attends the debrief as of right."
        )
    if debrief.attendance_decided_at is not None:
        decided = timezone.localtime(debrief.attendance_decided_at)
        raise ValidationError(
            f"The PCC's attendance was already decided at {decided:%H:%M} {decided.tzname()} on "
            f"{decided.day} {decided:%B %Y}, and the PCC's office was told."
        )
    if debrief_published(debrief, now):
        raise ValidationError(
            "The report is published: the debrief is no longer confidential, so there is "
            "no attendance to decide."
        )
    if pcc_attends is None:
        raise ValidationError({"pcc_attends": "Choose whether the PCC attends the debrief."})
    debrief.pcc_invited, debrief.attendance_decided_by, debrief.attendance_decided_at = pcc_attends, by, now
    debrief.save(update_fields=["pcc_invited", "attendance_decided_by", "attendance_decided_at"])
    office = office_of_area(area, timezone.localdate(now))
    day = f"{debrief.held_on.day} {debrief.held_on:%B %Y}"
    if pcc_attends:
        body = (
            f"The chief constable has invited the PCC to the debrief for {debrief.inspection.title} on {day}. "
            "Please acknowledge that it is confidential until publication to read the notes."
        )
    else:
        body = f"The chief constable has decided that the PCC does not attend the debrief for {debrief.inspection.title} on {day}."
    inbox_send(
        people_acting_for([office] if office else []),
        f"Debrief on {day}: the PCC {'attends' if pcc_attends else 'does not attend'}",
        body,
        f"/inspections/debriefs/{debrief.pk}/" if pcc_attends else "/inspections/debriefs-and-updates/",
        now,
    )
    audit_record(action=AuditAction.UPDATE, actor=by, obj=debrief, detail={"pcc_invited": pcc_attends})
    return debrief


@transaction.atomic
def debrief_acknowledge(
    *, debrief: Debrief, confirmed: bool, by: User, now: dt.datetime | None = None
) -> ConfidentialityAcknowledgement:
    """I6: an attendee (the chief's office; the PCC's office when the PCC attends) acknowledges that the debrief
    is confidential until publication: who, for which office, when. Once each person, before publication."""
    now = now or timezone.now()
    office = require_debrief_attendee(by, debrief, now, "acknowledge the confidentiality of this debrief")
    if debrief_published(debrief, now):
        raise ValidationError("The report is published: the debrief is no longer confidential.")
    if ConfidentialityAcknowledgement.objects.filter(debrief=debrief, person=by).exists():
        raise ValidationError("You have already acknowledged that this debrief is confidential.")
    if not confirmed:
        raise ValidationError(
            {
                "confirmed": "Confirm that you will keep the debrief confidential until the report is published."
            }
        )
    acknowledgement = ConfidentialityAcknowledgement.objects.create(
        debrief=debrief, person=by, organisation=office, at=now
    )
    audit_record(action=AuditAction.CREATE, actor=by, obj=acknowledgement)
    return acknowledgement


@transaction.atomic
def report_flag_significant_concern(*, report: Report, by: User, now: dt.datetime | None = None) -> Report:
    """I8: the team flags a draft as showing significant concern; the chief's office of each force or FRS it
    covers gets a task, with a deadline, to update its PCC (and is told)."""
    now = now or timezone.now()
    require_inspection_team(by, report.inspection, now, "flag significant concern in this draft")
    if report.state not in (ReportState.DRAFT, ReportState.FACTUAL_ACCURACY):
        raise ValidationError("The report is final: only a draft is flagged with significant concern.")
    if report.significant_concern_at is not None:
        raise ValidationError("This draft is already flagged with significant concern.")
    report.significant_concern_at, report.significant_concern_by = now, by
    report.save(update_fields=["significant_concern_at", "significant_concern_by"])
    for area in report.areas.order_by("pk"):
        deadline = register_pcc_update_deadline(
            inspection=report.inspection,
            area=area,
            source="report",
            source_pk=report.pk,
            flagged_at=now,
            now=now,
        )
        last = due_day(deadline.due_at)
        inbox_send(
            people_acting_for([area]),
            f"Significant concern in the draft report: {report.title}",
            f"The inspection team has flagged the draft report “{report.title}” as showing significant concern "
            f"for {area}. The chief officer keeps the PCC updated: send the first update in the portal by "
            f"the end of {last:%A} {last.day} {last:%B %Y}.",
            "/inspections/debriefs-and-updates/",
            now,
        )
    audit_record(action=AuditAction.UPDATE, actor=by, obj=report, detail={"significant_concern": True})
    return report
