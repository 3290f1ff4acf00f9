"""Writes to the confidential records between an HMI and a PCC's office (C4, C5, L1, L2).

Each service checks who is acting first (contacts.access, at that moment), validates, refuses with a
plain message and nothing written, then writes, tells the other side (never what the record says:
the notice points to the record, whose every read is audited) and audits the change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from contacts.access import office_for_area, require_hmi_for_area, require_office_staff, require_pcc_office_of
from contacts.deadlines import PANEL_REPRESENTATIONS
from contacts.models import (
    AREA_KINDS,
    OFFICE_ROLES,
    ChiefOfficerRecruitment,
    ConductMatter,
    ConductMatterKind,
    Organisation,
    OrganisationKind,
    PanelAnswer,
    PanelBriefingSource,
    PanelDecision,
    PanelInvitation,
    SharedFindings,
    User,
)
from contacts.public_domain import public_documents
from contacts.selectors import hmis_for_area, holders_of, is_hmicfrs_staff
from hmicfrs_mou.audit import audit_record
from hmicfrs_mou.deadlines import due_day, explain_panel_representations_deadline
from hmicfrs_mou.inbox import inbox_send
from hmicfrs_mou.models import LIVE_STATES, AuditAction, Deadline, DeadlineState
from hmicfrs_mou.reminders import deadline_close, deadline_register


def _moment(value: dt.datetime) -> str:
    local = timezone.localtime(value)
    return f"{local:%-d %B %Y, %H:%M} {local.tzname()}"


def _office_or_refuse(area: Organisation, on: dt.date) -> Organisation:
    office = office_for_area(area, on)
    if office is None:
        raise ValidationError({"area": f"No one is recorded as governing {area} on {on:%-d %B %Y}."})
    return office


def _office_people(office: Organisation, on: dt.date) -> list[User]:
    return holders_of(OFFICE_ROLES, on, [office])


def _named_hmicfrs_staff(named_staff: Iterable[User], on: dt.date) -> list[User]:
    named = list(named_staff)
    if any(not is_hmicfrs_staff(person, on) for person in named):
        raise ValidationError({"named_staff": "Only HMICFRS staff can be named to read this."})
    return named


def _require_area(area: Any) -> None:
    if area is None or getattr(area, "kind", None) not in AREA_KINDS:
        raise ValidationError({"area": "Choose a police force or fire and rescue service."})


def _required(errors: dict[str, str], **values: tuple[str, str]) -> None:
    """Adds "Enter ..." for each blank text value: {field: (value, message)}."""
    for field, (value, message) in values.items():
        if not (value or "").strip():
            errors[field] = message


# --- C4: shared unpublished findings ------------------------------------------------------------------


@transaction.atomic
def shared_findings_share(
    *,
    area: Organisation,
    title: str,
    findings: str,
    named_staff: Iterable[User] = (),
    by: User,
    now: dt.datetime | None = None,
    request: HttpRequest | None = None,
) -> SharedFindings:
    """C4: the HMI for the area shares unpublished information or force-specific thematic findings with
    the PCC's office, as a record of its own. It stays confidential to that office, the HMI for the
    area and HMICFRS staff named on it."""
    now = now or timezone.now()
    _require_area(area)
    require_hmi_for_area(by, area, now, "share unpublished findings with the PCC for this area")
    on = timezone.localdate(now)
    errors: dict[str, str] = {}
    _required(
        errors,
        title=(title, "Enter a short title for what you are sharing."),
        findings=(findings, "Enter the findings or information you are sharing."),
    )
    if errors:
        raise ValidationError(errors)
    office = _office_or_refuse(area, on)
    named = _named_hmicfrs_staff(named_staff, on)
    record = SharedFindings.objects.create(
        area=area, office=office, title=title.strip(), findings=findings.strip(), shared_by=by, shared_at=now
    )
    record.named_staff.set(named)
    inbox_send(
        [*_office_people(office, on), *named],
        f"Findings shared in confidence: {area}",
        f"The HMI for {area} has shared unpublished findings with {office} in confidence. "
        "Read them in the portal; each reading is recorded.",
        reverse("contacts:shared-findings", kwargs={"pk": record.pk}),
        now,
    )
    audit_record(
        action=AuditAction.CREATE,
        actor=by,
        obj=record,
        request=request,
        detail={"named_staff": [p.pk for p in named]},
    )
    return record


# --- C5: panel invitations --------------------------------------------------------------------------


def _live_deadline(invitation: PanelInvitation) -> Deadline | None:
    return (
        Deadline.objects.select_for_update()
        .filter(
            kind=PANEL_REPRESENTATIONS.code, key=f"panel-invitation:{invitation.pk}", state__in=LIVE_STATES
        )
        .first()
    )


@transaction.atomic
def panel_invitation_record(
    *,
    area: Organisation,
    received_on: dt.date | None,
    meeting_on: dt.date | None,
    purpose: str,
    by: User,
    now: dt.datetime | None = None,
    request: HttpRequest | None = None,
) -> PanelInvitation:
    """C5: the HMI for the area records an invitation to brief the panel and asks the PCC's office for
    representations, due by the deadline hmicfrs_mou.deadlines computes (registered for reminders)."""
    now = now or timezone.now()
    _require_area(area)
    require_hmi_for_area(by, area, now, "record a panel invitation for this area")
    today = timezone.localdate(now)
    errors: dict[str, str] = {}
    _required(errors, purpose=(purpose, "Enter what the panel has asked you to brief it on."))
    if received_on is None:
        errors["received_on"] = "Enter the date the invitation arrived."
    elif received_on > today:
        errors["received_on"] = "The date the invitation arrived must be today or earlier."
    if meeting_on is None:
        errors["meeting_on"] = "Enter the date of the panel meeting."
    elif meeting_on <= today:
        errors["meeting_on"] = "The panel meeting must be after today, so there is time for representations."
    if errors or received_on is None or meeting_on is None:
        raise ValidationError(errors)
    office = _office_or_refuse(area, today)
    due = explain_panel_representations_deadline(today, meeting_on)
    panel = Organisation.objects.filter(
        kind=OrganisationKind.PANEL, parent_id=office.parent_id or office.pk
    ).first()
    invitation = PanelInvitation.objects.create(
        area=area,
        office=office,
        panel=panel,
        received_on=received_on,
        meeting_on=meeting_on,
        purpose=purpose.strip(),
        recorded_by=by,
        recorded_at=now,
        representations_due_at=due.value,
        representations_working=due.working[:300],
    )
    url = reverse("contacts:panel-invitation", kwargs={"pk": invitation.pk})
    people = _office_people(office, today)
    deadline_register(
        kind=PANEL_REPRESENTATIONS.code,
        subject_type="contacts.panelinvitation",
        subject_id=invitation.pk,
        key=f"panel-invitation:{invitation.pk}",
        title=f"Representations on an invitation to brief the panel: {area}",
        url=url,
        due=due,
        subject_created_at=now,
        responsible=people,
        informed=hmis_for_area(area, today),
        now=now,
        reason="The HMI asked for representations",
    )
    inbox_send(
        people,
        f"Your representations are asked for: an invitation to brief the panel about {area}",
        f"The HMI for {area} has been invited to brief the panel on {meeting_on:%-d %B %Y} and asks for "
        f"your representations before deciding whether to accept. They are due "
        f"{_due_words(invitation.representations_due_at)}.",
        url,
        now,
    )
    audit_record(action=AuditAction.CREATE, actor=by, obj=invitation, request=request)
    return invitation


def _due_words(due_at: dt.datetime) -> str:
    """'by the end of 8 December 2026' for a deadline at the end of a day, else the moment with its zone."""
    if timezone.localtime(due_at).time() == dt.time(0, 0):
        return f"by the end of {due_day(due_at):%-d %B %Y}"
    return f"by {_moment(due_at)}"


def _require_undecided(invitation: PanelInvitation) -> None:
    if invitation.decision:
        raise ValidationError(
            f"The HMI has already {invitation.get_decision_display().lower()} this invitation "
            f"({_moment(invitation.decided_at)})."  # type: ignore[arg-type]
        )


@transaction.atomic
def panel_representations_send(
    *,
    invitation: PanelInvitation,
    representations: str,
    by: User,
    now: dt.datetime | None = None,
    request: HttpRequest | None = None,
) -> PanelInvitation:
    """C5: the office asked sends its representations on the invitation, once, before the HMI decides."""
    now = now or timezone.now()
    invitation = PanelInvitation.objects.select_for_update().get(pk=invitation.pk)
    require_office_staff(by, invitation.office, now, "send representations on this panel invitation")
    if now < invitation.recorded_at:
        raise ValidationError("Representations cannot be sent before the invitation was recorded.")
    _require_undecided(invitation)
    if invitation.representations_at is not None:
        raise ValidationError(
            f"Representations were already sent ({_moment(invitation.representations_at)}) by "
            f"{invitation.representations_by}."
        )
    if not (representations or "").strip():
        raise ValidationError({"representations": "Enter your representations on the invitation."})
    invitation.representations = representations.strip()
    invitation.representations_by = by
    invitation.representations_at = now
    invitation.save(update_fields=["representations", "representations_by", "representations_at"])
    deadline = _live_deadline(invitation)
    if deadline is not None:
        deadline_close(deadline=deadline, state=DeadlineState.MET, now=now)
    on = timezone.localdate(now)
    inbox_send(
        hmis_for_area(invitation.area, on),
        f"Representations received on a panel invitation: {invitation.area}",
        f"{invitation.office} has sent its representations on the invitation to brief the panel. "
        "You can now decide whether to accept.",
        reverse("contacts:panel-invitation", kwargs={"pk": invitation.pk}),
        now,
    )
    audit_record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=invitation,
        request=request,
        detail={"step": "representations"},
    )
    return invitation


@transaction.atomic
def panel_invitation_decide(
    *,
    invitation: PanelInvitation,
    decision: str,
    reasons: str,
    by: User,
    now: dt.datetime | None = None,
    request: HttpRequest | None = None,
) -> PanelInvitation:
    """C5: the HMI for the area accepts or declines, with reasons, after the PCC's representations (or
    once the deadline for them has passed without any)."""
    now = now or timezone.now()
    invitation = PanelInvitation.objects.select_for_update().get(pk=invitation.pk)
    require_hmi_for_area(by, invitation.area, now, "decide on this panel invitation")
    _require_undecided(invitation)
    if invitation.representations_at is None and now < invitation.representations_due_at:
        raise ValidationError(
            f"Wait for the representations of {invitation.office}: they have until "
            f"{_due_words(invitation.representations_due_at)[3:]} to send them."
        )
    errors: dict[str, str] = {}
    if decision not in PanelDecision.values:
        errors["decision"] = "Choose whether you accept or decline the invitation."
    _required(errors, reasons=(reasons, "Enter the reasons for your decision."))
    if errors:
        raise ValidationError(errors)
    invitation.decision = decision
    invitation.decision_reasons = reasons.strip()
    invitation.decided_by = by
    invitation.decided_at = now
    invitation.save(update_fields=["decision", "decision_reasons", "decided_by", "decided_at"])
    deadline = _live_deadline(invitation)
    if deadline is not None:
        deadline_close(
            deadline=deadline,
            state=DeadlineState.WAIVED,
            reason="The HMI decided after the time for representations had passed.",
            now=now,
        )
    inbox_send(
        _office_people(invitation.office, timezone.localdate(now)),
        f"The HMI has {invitation.get_decision_display().lower()} the invitation to brief the panel: {invitation.area}",
        f"The HMI for {invitation.area} has decided on the invitation to brief the panel on "
        f"{invitation.meeting_on:%-d %B %Y}. Read the decision and the reasons in the portal.",
        reverse("contacts:panel-invitation", kwargs={"pk": invitation.pk}),
        now,
    )
    audit_record(
        action=AuditAction.UPDATE, actor=by, obj=invitation, request=request, detail={"decision": decision}
    )
    return invitation


@transaction.atomic
def panel_briefing_record(
    *,
    invitation: PanelInvitation,
    notes: str,
    sources: Iterable[str],
    by: User,
    now: dt.datetime | None = None,
    request: HttpRequest | None = None,
) -> PanelInvitation:
    """C5: the briefing notes for an accepted invitation, relying only on public-domain material: every
    document they list must be published at this moment (contacts.public_domain); any other is refused."""
    now = now or timezone.now()
    invitation = PanelInvitation.objects.select_for_update().get(pk=invitation.pk)
    require_hmi_for_area(by, invitation.area, now, "write the briefing for this panel")
    if invitation.decision != PanelDecision.ACCEPTED:
        raise ValidationError("Briefing notes are written once you have accepted the invitation.")
    keys = list(dict.fromkeys(sources))
    errors: dict[str, str] = {}
    _required(errors, notes=(notes, "Enter the briefing notes."))
    if not keys:
        errors["sources"] = "Choose the published reports the briefing relies on."
    if errors:
        raise ValidationError(errors)
    documents = public_documents(now, keys)
    unpublished = set(keys) - {document.key for document in documents}
    if unpublished:
        raise ValidationError(
            {
                "sources": "Only material already in the public domain can be given at a panel: "
                f"{len(unpublished)} of the documents chosen {'is' if len(unpublished) == 1 else 'are'} "
                "not published."
            }
        )
    invitation.briefing_notes = notes.strip()
    invitation.briefing_by = by
    invitation.briefing_at = now
    invitation.save(update_fields=["briefing_notes", "briefing_by", "briefing_at"])
    invitation.sources.all().delete()
    PanelBriefingSource.objects.bulk_create(
        [
            PanelBriefingSource(
                invitation=invitation,
                document_key=document.key,
                title=document.title[:300],
                published_at=document.published_at,
                url=document.url[:300],
            )
            for document in documents
        ]
    )
    audit_record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=invitation,
        request=request,
        detail={"step": "briefing", "sources": sorted(keys)},
    )
    return invitation


# --- L1: chief officer recruitment -------------------------------------------------------------------


@transaction.atomic
def recruitment_record(
    *,
    area: Organisation,
    process: str,
    asks_panel: bool = False,
    asks_pre_appointment_advice: bool = False,
    shortlisted_forces: Iterable[Organisation] = (),
    by: User,
    now: dt.datetime | None = None,
    request: HttpRequest | None = None,
) -> ChiefOfficerRecruitment:
    """L1: the PCC's office records how it is appointing a chief officer and what it asks of the HMI:
    to sit on the appointment panel, advice before appointment, or an overview of shortlisted
    applicants' current forces or FRSs. Confidential to the office and the HMI for the area."""
    now = now or timezone.now()
    _require_area(area)
    require_pcc_office_of(by, area, now, "record a chief officer recruitment for this area")
    on = timezone.localdate(now)
    shortlisted = list(shortlisted_forces)
    errors: dict[str, str] = {}
    _required(
        errors, process=(process, "Enter how the appointment will be made: timetable, panel and criteria.")
    )
    if not (asks_panel or asks_pre_appointment_advice or shortlisted):
        errors["asks_panel"] = (
            "Say what you are asking the HMI for: to sit on the panel, advice before appointment, or an "
            "overview of shortlisted applicants' current forces or services."
        )
    if any(organisation.kind not in AREA_KINDS for organisation in shortlisted):
        errors["shortlisted_forces"] = "Choose police forces or fire and rescue services."
    if errors:
        raise ValidationError(errors)
    office = _office_or_refuse(area, on)
    recruitment = ChiefOfficerRecruitment.objects.create(
        area=area,
        office=office,
        process=process.strip(),
        asks_panel=asks_panel,
        asks_pre_appointment_advice=asks_pre_appointment_advice,
        recorded_by=by,
        recorded_at=now,
    )
    recruitment.shortlisted_forces.set(shortlisted)
    inbox_send(
        hmis_for_area(area, on),
        f"A chief officer recruitment: {area}",
        f"{office} is recruiting a chief officer and asks for your involvement. Read the request in the portal.",
        reverse("contacts:recruitment", kwargs={"pk": recruitment.pk}),
        now,
    )
    audit_record(action=AuditAction.CREATE, actor=by, obj=recruitment, request=request)
    return recruitment


@transaction.atomic
def recruitment_advice_record(
    *,
    recruitment: ChiefOfficerRecruitment,
    advice: str,
    panel_answer: str = "",
    by: User,
    now: dt.datetime | None = None,
    request: HttpRequest | None = None,
) -> ChiefOfficerRecruitment:
    """L1: the HMI for the area records their advice (and, if asked, whether they sit on the panel), once."""
    now = now or timezone.now()
    recruitment = ChiefOfficerRecruitment.objects.select_for_update().get(pk=recruitment.pk)
    require_hmi_for_area(by, recruitment.area, now, "advise on this recruitment")
    if now < recruitment.recorded_at:
        raise ValidationError("Advice cannot be recorded before the recruitment was.")
    if recruitment.advised_at is not None:
        raise ValidationError(f"Advice was already recorded ({_moment(recruitment.advised_at)}).")
    errors: dict[str, str] = {}
    _required(errors, advice=(advice, "Enter your advice."))
    if recruitment.asks_panel and panel_answer not in PanelAnswer.values:
        errors["panel_answer"] = "Say whether you will sit on the appointment panel."
    if errors:
        raise ValidationError(errors)
    recruitment.advice = advice.strip()
    recruitment.panel_answer = panel_answer if recruitment.asks_panel else ""
    recruitment.advised_by = by
    recruitment.advised_at = now
    recruitment.save(update_fields=["advice", "panel_answer", "advised_by", "advised_at"])
    inbox_send(
        _office_people(recruitment.office, timezone.localdate(now)),
        f"The HMI's advice on your chief officer recruitment: {recruitment.area}",
        f"The HMI for {recruitment.area} has recorded their advice. Read it in the portal.",
        reverse("contacts:recruitment", kwargs={"pk": recruitment.pk}),
        now,
    )
    audit_record(
        action=AuditAction.UPDATE, actor=by, obj=recruitment, request=request, detail={"step": "advice"}
    )
    return recruitment


# --- L2: complaint and conduct matters about the chief officer ------------------------------------------


@transaction.atomic
def conduct_matter_log(
    *,
    area: Organisation,
    kind: str,
    summary: str,
    named_staff: Iterable[User] = (),
    by: User,
    now: dt.datetime | None = None,
    request: HttpRequest | None = None,
) -> ConductMatter:
    """L2: the PCC's (PFCC's) office tells the HMI for the area of a complaint or conduct matter about
    the chief officer. Read by the HMI for the area and HMICFRS staff named on it only (the office keeps a
    record of when and what kind, never the text); the notice says there is something to read, never what."""
    now = now or timezone.now()
    _require_area(area)
    require_pcc_office_of(
        by, area, now, "tell the HMI about a complaint or conduct matter about the chief officer"
    )
    on = timezone.localdate(now)
    errors: dict[str, str] = {}
    if kind not in ConductMatterKind.values:
        errors["kind"] = (
            "Choose whether it is a complaint, a conduct matter or a death or serious injury matter."
        )
    _required(errors, summary=(summary, "Enter what the HMI needs to know about the matter."))
    if errors:
        raise ValidationError(errors)
    office = _office_or_refuse(area, on)
    named = _named_hmicfrs_staff(named_staff, on)
    matter = ConductMatter.objects.create(
        area=area, office=office, kind=kind, summary=summary.strip(), logged_by=by, logged_at=now
    )
    matter.named_staff.set(named)
    inbox_send(
        [*hmis_for_area(area, on), *named],
        f"A matter about the chief officer, in confidence: {area}",
        f"{office} has told you of a complaint or conduct matter about the chief officer. "
        "Read it in the portal; each reading is recorded.",
        reverse("contacts:conduct-matter", kwargs={"pk": matter.pk}),
        now,
    )
    audit_record(
        action=AuditAction.CREATE,
        actor=by,
        obj=matter,
        request=request,
        detail={"named_staff": [p.pk for p in named]},
    )
    return matter
