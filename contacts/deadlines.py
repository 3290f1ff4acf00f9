"""Deadlines of the standing contacts (C1–C3, D7): both parties are reminded when a meeting is due."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from contacts.cadences import CADENCES, cadence_rows_for_all
from contacts.models import AssignmentKind, MeetingKind, Organisation, Role, User
from contacts.selectors import assigned_to, holders_of, office_of_area
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


def _parties(kind: str, subject: Organisation | None, on: dt.date) -> tuple[list[User], list[User]]:
    """(HMICFRS side, the other side): both are responsible for holding the meeting."""
    if kind == MeetingKind.HMCI_APCC_CHAIR:
        return holders_of((Role.HMCI,), on), holders_of((Role.APCC_CHAIR,), on)
    if kind == MeetingKind.COO_APCC_CHIEF_EXECUTIVE:
        return holders_of((Role.CHIEF_OPERATING_OFFICER,), on), holders_of((Role.APCC_CHIEF_EXECUTIVE,), on)
    if kind == MeetingKind.HMI_PCC_FORMAL and subject is not None:
        office = office_of_area(subject, on)
        side = holders_of((Role.POLICING_BODY, Role.OPCC_CHIEF_EXECUTIVE), on, [office]) if office else []
        return assigned_to(AssignmentKind.HMI, subject, on), side
    if kind == MeetingKind.OPCC_LIAISON and subject is not None:
        return assigned_to(AssignmentKind.LIAISON_LEAD, subject, on), holders_of(
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
    escalation = holders_of((Role.CHIEF_OF_STAFF,), today) or holders_of((Role.HMCI,), today)
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
            # The rule id (C1–C3) stays out of the title: people read it in lists, emails and calendars.
            title=f"Standing meeting: {row.label}",
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


# C5: the PCC's representations on a panel invitation, asked for by the HMI (contacts.services_confidential).
PANEL_REPRESENTATIONS = register_kind(
    DeadlineKind(
        code="panel_representations",
        rule="C5",
        label="Representations on a panel invitation",
        before_days=(2, 1),
        escalate_after_days=None,
    )
)
