"""Deadlines of the standing contacts (C1–C3, D7): both parties are reminded when a meeting is due."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from contacts.cadences import CADENCES, cadence_rows_for_all
from contacts.models import (
    Appointment,
    Assignment,
    AssignmentKind,
    Governance,
    MeetingKind,
    Organisation,
    OrganisationKind,
    Role,
    User,
)
from hmicfrs_mou.deadlines import Computed, end_of_day
from hmicfrs_mou.reminders import DeadlineKind, deadline_register, register_kind

KIND_OF_MEETING = {
    MeetingKind.HMCI_APCC_CHAIR: "cadence_c1_hmci",
    MeetingKind.COO_APCC_CHIEF_EXECUTIVE: "cadence_c1_coo",
    MeetingKind.HMI_PCC_FORMAL: "cadence_c2",
    MeetingKind.OPCC_LIAISON: "cadence_c3",
}
for meeting_kind, code in KIND_OF_MEETING.items():
    register_kind(
        DeadlineKind(
            code=code,
            rule=CADENCES[meeting_kind].rule,
            label=f"{MeetingKind(meeting_kind).label}: next meeting",
            before_days=(14, 7, 1),
            escalate_after_days=14,
        )
    )


def _holders(
    roles: tuple[str, ...], on: dt.date, organisations: list[Organisation] | None = None
) -> list[User]:
    appointments = Appointment.objects.in_force(on).filter(role__in=roles, person__is_active=True)
    if organisations is not None:
        appointments = appointments.filter(organisation__in=organisations)
    return [a.person for a in appointments.select_related("person")]


def _assigned(kind: str, subject: Organisation, on: dt.date) -> list[User]:
    return [
        a.person
        for a in Assignment.objects.in_force(on)
        .filter(kind=kind, subject=subject, person__is_active=True)
        .select_related("person")
    ]


def _office_for_area(area: Organisation, on: dt.date) -> Organisation | None:
    governance = Governance.objects.in_force(on).filter(area=area).first()
    if governance is None:
        return None
    return Organisation.objects.filter(kind=OrganisationKind.OPCC, parent_id=governance.body_id).first()


def _parties(kind: str, subject: Organisation | None, on: dt.date) -> tuple[list[User], list[User]]:
    """(HMICFRS side, the other side): both are responsible for holding the meeting."""
    if kind == MeetingKind.HMCI_APCC_CHAIR:
        return _holders((Role.HMCI,), on), _holders((Role.APCC_CHAIR,), on)
    if kind == MeetingKind.COO_APCC_CHIEF_EXECUTIVE:
        return _holders((Role.CHIEF_OPERATING_OFFICER,), on), _holders((Role.APCC_CHIEF_EXECUTIVE,), on)
    if kind == MeetingKind.HMI_PCC_FORMAL and subject is not None:
        office = _office_for_area(subject, on)
        side = _holders((Role.POLICING_BODY, Role.OPCC_CHIEF_EXECUTIVE), on, [office]) if office else []
        return _assigned(AssignmentKind.HMI, subject, on), side
    if kind == MeetingKind.OPCC_LIAISON and subject is not None:
        return _assigned(AssignmentKind.LIAISON_LEAD, subject, on), _holders(
            (Role.OPCC_CHIEF_EXECUTIVE,), on, [subject]
        )
    return [], []


def cadence_deadlines_sync(
    *, now: dt.datetime | None = None, only: tuple[str, int | None] | None = None
) -> int:
    """Register (or move) the next-meeting deadline of every standing pair, or of one pair.

    Run after a meeting is recorded (that pair) and daily (all pairs: who holds
    which role, and who governs which area, change over time).
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    escalation = _holders((Role.CHIEF_OF_STAFF,), today) or _holders((Role.HMCI,), today)
    count = 0
    for row in cadence_rows_for_all(on=today):
        kind = row.cadence.kind
        subject_id = row.subject.pk if row.subject else None
        if only is not None and (kind, subject_id) != only:
            continue
        hmicfrs_side, other_side = _parties(kind, row.subject, today)
        deadline_register(
            kind=KIND_OF_MEETING[kind],
            subject_type="contacts.organisation" if row.subject else "contacts.meetingkind",
            subject_id=subject_id or kind,
            key=f"{kind}:{subject_id or 'national'}",
            title=f"Standing meeting ({row.cadence.rule}): {row.label}",
            url="/meetings/cadences/",
            due=Computed(end_of_day(row.due.value), row.due.working + "; due by the end of that day"),
            # A pair exists from the MOU's date; its first deadline is counted from then.
            subject_created_at=dt.datetime.combine(dt.date(2025, 7, 3), dt.time(0, 0), tzinfo=dt.UTC),
            responsible=[*hmicfrs_side, *other_side],
            escalation=escalation,
            now=now,
            reason="A meeting was recorded, or the parties changed",
        )
        count += 1
    return count
