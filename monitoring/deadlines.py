"""Engage deadlines with the engine: D6 follow-ups (M9), D7 oversight-group cadence (M4), the M8 letter.

Each is computed in hmicfrs_mou.deadlines and registered with hmicfrs_mou.reminders,
which sends every reminder exactly once.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from contacts.models import Role, User
from contacts.selectors import hmis_for_area, holders_of
from hmicfrs_mou.deadlines import (
    Computed,
    end_of_day,
    explain_followup_deadline,
    explain_oversight_next_due,
    explain_working_days_task,
)
from hmicfrs_mou.models import Deadline
from hmicfrs_mou.reminders import DeadlineKind, deadline_register, register_kind
from monitoring.models import EngageCase, MeetingAction

FOLLOW_UP_KIND = "engage_follow_up"
OVERSIGHT_KIND = "engage_oversight_group"
TOOLKIT_KIND = "engage_toolkit"


def _recompute_follow_up(deadline: Deadline) -> Computed | None:
    """Bank-holiday data may change after an offer is recorded: D6 is counted again from the meeting."""
    action = MeetingAction.objects.filter(pk=deadline.subject_id).select_related("meeting").first()
    if action is None or action.meeting.held_on is None:
        return None
    return explain_followup_deadline(action.meeting.held_on)


register_kind(
    DeadlineKind(
        code=FOLLOW_UP_KIND,
        rule="D6",
        label="Written follow-up of an offer of assistance",
        before_days=(2, 1),
        escalate_after_days=2,
        recompute=_recompute_follow_up,
    )
)
register_kind(
    DeadlineKind(
        code=OVERSIGHT_KIND,
        rule="D7",
        label="Next PPOG or FPOG meeting",
        before_days=(28, 7),
        escalate_after_days=14,
    )
)
register_kind(
    DeadlineKind(
        code=TOOLKIT_KIND,
        rule="M8",
        label="Write to the PCC and share the Engage toolkit",
        before_days=(2,),
        escalate_after_days=5,
    )
)

# The MOU sets no period for the M8 letter ("on entry"); the portal asks for it within this many
# working days of the announcement so it can be tracked (a setting).
TOOLKIT_WORKING_DAYS = getattr(settings, "ENGAGE_TOOLKIT_WORKING_DAYS", 10)


def _apcc_leads(on: dt.date) -> list[User]:
    return holders_of((Role.APCC_JOINT_PERFORMANCE_LEAD,), on)


def _hmci(on: dt.date) -> list[User]:
    return holders_of((Role.HMCI,), on)


def register_follow_up_deadline(action: MeetingAction, *, now: dt.datetime) -> Deadline:
    """D6: the written follow-up of an offer of assistance is due 5 working days after the meeting."""
    meeting = action.meeting
    if meeting.held_on is None:
        raise ValueError("An offer of assistance is recorded at a meeting that was held.")
    on = timezone.localdate(now)
    deputies = [n.deputy for n in meeting.nominations.select_related("deputy")]
    return deadline_register(
        kind=FOLLOW_UP_KIND,
        subject_type="monitoring.meetingaction",
        subject_id=action.pk,
        key=f"action:{action.pk}",
        title=f"Follow up in writing the offer of assistance made at the {meeting.case.oversight_group} "
        f"on {meeting.held_on:%-d %B %Y} ({meeting.case.area}), copied to HM Chief Inspector",
        due=explain_followup_deadline(meeting.held_on),
        subject_created_at=min(action.recorded_at, end_of_day(meeting.held_on)),
        responsible=[*_apcc_leads(on), *deputies],
        escalation=_hmci(on),
        url=f"/monitoring/actions/{action.pk}/",
        now=now,
        reason="The offer of assistance was recorded",
    )


def oversight_due(case: EngageCase, last_held: dt.date | None) -> Computed:
    """D7: four months after the last PPOG/FPOG, or after entry if none has been held yet."""
    start = last_held or case.period.starts_on
    if start is None:
        raise ValueError("An Engage period always has its start date.")
    computed = explain_oversight_next_due(start)
    working = computed.working if last_held else computed.working.replace("Last meeting", "Entered Engage")
    return Computed(end_of_day(computed.value), working + "; due by the end of that day")


def register_oversight_deadline(case: EngageCase, *, last_held: dt.date | None, now: dt.datetime) -> Deadline:
    on = timezone.localdate(now)
    return deadline_register(
        kind=OVERSIGHT_KIND,
        subject_type="monitoring.engagecase",
        subject_id=case.pk,
        key=f"case:{case.pk}",
        title=f"Hold the next {case.oversight_group} for {case.area}",
        due=oversight_due(case, last_held),
        subject_created_at=case.decided_at or now,
        responsible=hmis_for_area(case.area, on),
        informed=_apcc_leads(on),
        escalation=_hmci(on),
        url=f"/monitoring/cases/{case.pk}/",
        now=now,
        reason="A meeting was held" if last_held else "Entered Engage",
    )


def register_toolkit_deadline(case: EngageCase, *, now: dt.datetime) -> Deadline:
    """M8: on entry the APCC leads write to the PCC and share the toolkit."""
    on = timezone.localdate(now)
    return deadline_register(
        kind=TOOLKIT_KIND,
        subject_type="monitoring.engagecase",
        subject_id=case.pk,
        key=f"toolkit:{case.pk}",
        title=f"Write to the PCC for {case.area} and share the Engage toolkit",
        due=explain_working_days_task(on, TOOLKIT_WORKING_DAYS, rule="M8", lead="Entered Engage"),
        subject_created_at=now,
        responsible=_apcc_leads(on),
        url=f"/monitoring/cases/{case.pk}/",
        now=now,
        reason="Entered Engage",
    )
