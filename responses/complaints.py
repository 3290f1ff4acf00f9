"""Police super-complaints (S1–S3): who may see them, the writes, and the 43-PCC response tracker.

A designated body raises a super-complaint; HMICFRS manages the system and decides eligibility; once
it is eligible the APCC is told at once (S1). HMICFRS, the IOPC and the College of Policing
investigate, supported by APCC portfolio leads (S2). The report may hold recommendations for PCCs:
each PCC whose force the report involves owes a response (U6), and their responses are coordinated
with the APCC (S3), which the tracker shows.

| record                    | who                                                                         |
|---------------------------|-----------------------------------------------------------------------------|
| every super-complaint     | HMICFRS staff (who manage it) and APCC staff                                |
| one with a report         | also the staff of each PCC whose force the report involves, once it is published |
| one under investigation   | also the staff of the IOPC and the College of Policing, when their organisation is one of its investigators (S2); nothing else in the portal |
| anything else             | nobody: the list is refused (403) and a record is "not found" (404)         |
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from contacts.models import (
    APCC_ROLES,
    INVESTIGATING_BODY_KINDS,
    Appointment,
    Organisation,
    OrganisationKind,
    User,
)
from contacts.selectors import (
    areas_governed_by,
    is_hmicfrs_staff,
    kinds_acted_for,
    offices_by_area,
    organisations_acted_for,
    people_acting_for,
)
from hmicfrs_mou.access import moment, not_found, signed_in
from hmicfrs_mou.audit import audit_record
from hmicfrs_mou.inbox import inbox_send
from hmicfrs_mou.models import AuditAction
from inspections.models import FindingKind, Report, published_condition
from responses.access import require_super_complaint_manager
from responses.models import ResponseObligation, SuperComplaint, SuperComplaintState
from responses.selectors import ResponseStatus, obligation_status, with_first_submission

# S2: the police super-complaint decision-making bodies.
INVESTIGATOR_KINDS = (
    OrganisationKind.HMICFRS,
    OrganisationKind.IOPC,
    OrganisationKind.COLLEGE_OF_POLICING,
)


# --- who -------------------------------------------------------------------------------------------


def manages_super_complaints(user: Any) -> bool:
    """HMICFRS is responsible for managing the system: its staff record and decide (S1)."""
    return is_hmicfrs_staff(user)


def _acts_for_apcc(user: Any) -> bool:
    return OrganisationKind.APCC in kinds_acted_for(user).values()


def reads_every_super_complaint(user: Any) -> bool:
    """HMICFRS and APCC staff see every super-complaint (S1, S2)."""
    return signed_in(user) and (manages_super_complaints(user) or _acts_for_apcc(user))


def _investigating_bodies(user: Any) -> QuerySet[Organisation]:
    """The IOPC or College of Policing, when the user acts for it (S2)."""
    return organisations_acted_for(user).filter(kind__in=INVESTIGATING_BODY_KINDS)


def investigates_super_complaints(user: Any) -> bool:
    """IOPC and College of Policing staff: they work on the super-complaints they investigate (S2)."""
    return signed_in(user) and _investigating_bodies(user).exists()


def may_open_super_complaints(user: Any) -> bool:
    """Who has a list of super-complaints at all: HMICFRS, the APCC, OPCC staff (for theirs), and IOPC
    and College of Policing staff (for those they investigate)."""
    if reads_every_super_complaint(user):
        return True
    return (
        signed_in(user)
        and organisations_acted_for(user)
        .filter(kind__in=(OrganisationKind.OPCC, *INVESTIGATING_BODY_KINDS))
        .exists()
    )


def _governed_forces(user: Any, on: dt.date) -> QuerySet[Organisation]:
    bodies = organisations_acted_for(user).filter(kind=OrganisationKind.GOVERNING_BODY)
    return areas_governed_by(bodies, on, kind=OrganisationKind.POLICE_FORCE)


def super_complaints_visible_to(user: Any, at: dt.datetime | None = None) -> QuerySet[SuperComplaint]:
    """HMICFRS and APCC staff see all; a PCC's staff see those whose report involves their force, once
    the report is published (S3); IOPC and College of Policing staff see those their organisation
    investigates (S2); everyone else sees none."""
    at = moment(at)
    if not signed_in(user):
        return SuperComplaint.objects.none()
    if reads_every_super_complaint(user):
        return SuperComplaint.objects.all()
    involved = Report.areas.through.objects.filter(
        organisation_id__in=_governed_forces(user, timezone.localdate(at))
    ).values("report_id")
    investigated = SuperComplaint.investigators.through.objects.filter(
        organisation_id__in=_investigating_bodies(user).values("pk")
    ).values("supercomplaint_id")
    return SuperComplaint.objects.filter(
        Q(published_condition(at, via="report"), report_id__in=involved) | Q(pk__in=investigated)
    )


def get_super_complaint_for_user(
    request: HttpRequest, pk: int, at: dt.datetime | None = None
) -> SuperComplaint:
    complaint: SuperComplaint | None = (
        super_complaints_visible_to(request.user, at).select_related("report").filter(pk=pk).first()
    )
    if complaint is None:
        raise not_found(request, object_type="responses.supercomplaint", object_id=pk)
    return complaint


def apcc_people(on: dt.date) -> QuerySet[User]:
    """People holding an APCC role on the day: who may support an investigation (S2)."""
    appointments = Appointment.objects.in_force(on).filter(
        role__in=APCC_ROLES, organisation__kind=OrganisationKind.APCC
    )
    return User.objects.filter(pk__in=appointments.values("person_id"), is_active=True).order_by(
        "last_name", "first_name", "pk"
    )


# --- writes ----------------------------------------------------------------------------------------


def _check_manager(by: User, now: dt.datetime, what: str) -> None:
    """S1–S3: HMICFRS staff at that moment (responses.access)."""
    require_super_complaint_manager(by, now, what)


def _locked(complaint: SuperComplaint) -> SuperComplaint:
    # Lock and re-read: two people deciding at once must not both notify the APCC or both decide.
    return SuperComplaint.objects.select_for_update().get(pk=complaint.pk)


@transaction.atomic
def super_complaint_receive(
    *,
    title: str,
    designated_body: str,
    received_at: dt.datetime | None,
    by: User,
    now: dt.datetime | None = None,
) -> SuperComplaint:
    """S1: record a super-complaint raised by a designated body, and when it was received."""
    now = now or timezone.now()
    _check_manager(by, now, "record a super-complaint")
    errors = {}
    if not title.strip():
        errors["title"] = "Enter the title of the super-complaint."
    if not designated_body.strip():
        errors["designated_body"] = "Enter the designated body that raised it."
    if received_at is None:
        errors["received_at"] = "Enter when the super-complaint was received."
    elif timezone.is_naive(received_at):
        errors["received_at"] = "The moment received must carry its time zone."
    elif received_at > now:
        errors["received_at"] = "The date received cannot be in the future."
    if errors or received_at is None:
        raise ValidationError(errors)
    complaint = SuperComplaint(
        title=title.strip(), designated_body=designated_body.strip(), received_at=received_at
    )
    complaint.full_clean()
    complaint.save()
    audit_record(
        action=AuditAction.CREATE,
        actor=by,
        obj=complaint,
        detail={"designated_body": complaint.designated_body},
    )
    return complaint


@transaction.atomic
def super_complaint_decide_eligibility(
    *, complaint: SuperComplaint, eligible: bool, reason: str, by: User, now: dt.datetime | None = None
) -> SuperComplaint:
    """S1: decide once whether it is eligible for investigation. If it is, the APCC is notified at the
    earliest opportunity: in this same transaction, every person acting for the APCC gets an inbox
    message stamped with the decision's moment, and `apcc_notified_at` is that moment. A decision and
    its notice stand or fall together."""
    now = now or timezone.now()
    _check_manager(by, now, "decide whether a super-complaint is eligible")
    complaint = _locked(complaint)
    if complaint.state != SuperComplaintState.RECEIVED or complaint.eligibility_decided_at is not None:
        raise ValidationError("Eligibility has already been decided for this super-complaint.")
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for the decision."})
    if now < complaint.received_at:
        raise ValidationError("The decision cannot come before the super-complaint was received.")
    complaint.state = SuperComplaintState.ELIGIBLE if eligible else SuperComplaintState.NOT_ELIGIBLE
    complaint.eligibility_decided_at, complaint.eligibility_reason = now, reason.strip()
    notified = 0
    if eligible:
        apcc = Organisation.objects.filter(kind=OrganisationKind.APCC).first()
        if apcc is None:
            raise ValidationError("The APCC is not in the directory, so it cannot be notified.")  # S1
        complaint.apcc_notified_at = now
        notified = inbox_send(
            people_acting_for([apcc]),
            f"Super-complaint eligible for investigation: {complaint.title}",
            f"HMICFRS has decided that the super-complaint from {complaint.designated_body} is eligible for "
            "investigation. APCC portfolio leads are asked to support the investigation with HMICFRS, the IOPC "
            "and the College of Policing.",  # S1, S2
            reverse("responses:complaint", kwargs={"pk": complaint.pk}),
            now,
        )
    complaint.full_clean()
    complaint.save(
        update_fields=["state", "eligibility_decided_at", "eligibility_reason", "apcc_notified_at"]
    )
    audit_record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=complaint,
        detail={"eligible": eligible, "apcc_people_notified": notified},
    )
    return complaint


@transaction.atomic
def super_complaint_start_investigation(
    *, complaint: SuperComplaint, supporters: Iterable[User], by: User, now: dt.datetime | None = None
) -> SuperComplaint:
    """S2: HMICFRS, the IOPC and the College of Policing investigate; APCC portfolio leads support.
    Supporters must hold an APCC role on the day; anyone else is refused."""
    now = now or timezone.now()
    _check_manager(by, now, "start the investigation of a super-complaint")
    complaint = _locked(complaint)
    if complaint.state != SuperComplaintState.ELIGIBLE:
        raise ValidationError(
            "Only an eligible super-complaint, not yet under investigation, can be investigated."
        )
    supporters = list(supporters)
    if not supporters:
        raise ValidationError(
            {"supporters": "Choose the APCC portfolio leads supporting the investigation."}  # S2
        )
    allowed = set(
        apcc_people(timezone.localdate(now))
        .filter(pk__in=[p.pk for p in supporters])
        .values_list("pk", flat=True)
    )
    outsiders = [str(person) for person in supporters if person.pk not in allowed]
    if outsiders:
        raise ValidationError(
            {
                "supporters": "Only APCC portfolio leads and staff support an investigation. Not APCC: "  # S2
                + ", ".join(outsiders)
                + "."
            }
        )
    investigators = list(Organisation.objects.filter(kind__in=INVESTIGATOR_KINDS))
    if {o.kind for o in investigators} != set(INVESTIGATOR_KINDS):
        raise ValidationError(
            "HMICFRS, the IOPC and the College of Policing must all be in the directory."  # S2
        )
    complaint.state = SuperComplaintState.INVESTIGATING
    complaint.full_clean()
    complaint.save(update_fields=["state"])
    complaint.investigators.set(investigators)
    complaint.apcc_supporters.set(supporters)
    inbox_send(
        supporters,
        f"Supporting a super-complaint investigation: {complaint.title}",
        "HMICFRS, the IOPC and the College of Policing have started the investigation; you are named as an APCC "
        "portfolio lead supporting it.",  # S2
        reverse("responses:complaint", kwargs={"pk": complaint.pk}),
        now,
    )
    audit_record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=complaint,
        detail={
            "state": complaint.state,
            "started_at": now.isoformat(),
            "investigators": [o.pk for o in investigators],
            "supporters": [p.pk for p in supporters],
        },
    )
    return complaint


@transaction.atomic
def super_complaint_link_report(
    *, complaint: SuperComplaint, report: Report, by: User, now: dt.datetime | None = None
) -> SuperComplaint:
    """S3: the report of the investigation, about the police forces concerned. When it is published
    each of their PCCs owes a response (U6), which the tracker follows. A linked report can be
    replaced until it is published."""
    now = now or timezone.now()
    _check_manager(by, now, "link the report of a super-complaint")
    complaint = _locked(complaint)
    replaceable = (
        complaint.state == SuperComplaintState.REPORTED
        and complaint.report is not None
        and not complaint.report.is_published(now)
    )
    if complaint.state != SuperComplaintState.INVESTIGATING and not replaceable:
        raise ValidationError(
            "A report is linked once the investigation has started, and not after it is published."
        )
    if not Report.objects.visible_to(by, now).filter(pk=report.pk).exists():
        raise ValidationError({"report": "Choose a report you can see."})
    kinds = list(report.areas.values_list("kind", flat=True))
    if not kinds or any(kind != OrganisationKind.POLICE_FORCE for kind in kinds):
        raise ValidationError(
            {"report": "The report must be about the police forces concerned, and only them."}  # S3
        )
    complaint.report = report
    complaint.state = SuperComplaintState.REPORTED
    complaint.full_clean()
    complaint.save(update_fields=["report", "state"])
    audit_record(action=AuditAction.UPDATE, actor=by, obj=complaint, detail={"report": report.pk})
    return complaint


# --- S3: the response tracker ---------------------------------------------------------------------


NOT_PUBLISHED = "not published"
# Each status in the order the tracker counts them, with its words; the rule itself lives in
# responses.selectors (shared with the U7 timeliness figures), so the two never disagree.
STATUS_LABELS = {
    NOT_PUBLISHED: "Report not published yet",
    ResponseStatus.AWAITING: "Awaiting response",
    ResponseStatus.ON_TIME: "Submitted on time",
    ResponseStatus.LATE: "Submitted late",
    ResponseStatus.OVERDUE: "Overdue",
    ResponseStatus.ANSWERED_ELSEWHERE: "Answered by another response",
}


@dataclass(frozen=True)
class TrackerRow:
    area: Organisation
    office: Organisation | None
    status: str
    due_at: dt.datetime | None
    first_submitted_at: dt.datetime | None

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass
class Tracker:
    rows: list[TrackerRow]
    counts: dict[str, int] = field(default_factory=dict)
    recommendations: int = 0

    @property
    def count_rows(self) -> list[tuple[str, int]]:
        """(label, number) for each status, zeros included."""
        return [(label, self.counts.get(status, 0)) for status, label in STATUS_LABELS.items()]


def pcc_response_tracker(*, report: Report, at: dt.datetime | None = None) -> Tracker:
    """S3: for each police force the report involves, its PCC's response (U6): awaiting, submitted on
    time, submitted late, overdue (or answered by another response). Before publication nobody owes
    one yet. Five queries, however many forces (up to all 43)."""
    at = moment(at)
    areas = list(report.areas.filter(kind=OrganisationKind.POLICE_FORCE).order_by("name"))
    obligations = {
        obligation.area_id: obligation
        for obligation in with_first_submission(
            ResponseObligation.objects.filter(report=report, created_at__lte=at).select_related("office"), at
        )
    }
    # The office answering is the one fixed at publication; for a force without an obligation, today's.
    offices = offices_by_area(areas, timezone.localdate(at))
    published = report.is_published(at)
    rows = []
    for area in areas:
        obligation = obligations.get(area.pk)
        if obligation is None:
            # Published but not yet swept into obligations: owed all the same (U6).
            status = ResponseStatus.AWAITING if published else NOT_PUBLISHED
        else:
            status = obligation_status(obligation, at)
        rows.append(
            TrackerRow(
                area=area,
                office=obligation.office if obligation else offices.get(area.pk),
                status=str(status),
                due_at=obligation.due_at if obligation else None,
                first_submitted_at=getattr(obligation, "first_submitted_at", None),
            )
        )
    recommendations = report.findings.filter(kind=FindingKind.RECOMMENDATION).count()
    return Tracker(
        rows=rows, counts=dict(Counter(row.status for row in rows)), recommendations=recommendations
    )
