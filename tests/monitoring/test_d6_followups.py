"""D6 and D7 for Engage: the written follow-up of an offer of assistance (M9) and the PPOG cadence (M4).

D6: "followed up in writing within five working days of the meeting" (working days skip Saturdays,
Sundays and England-and-Wales bank holidays; the meeting day is not counted); due by the end of the
last day, Europe/London. Every expected date below is worked out by hand in the table, never with
the function under test.

D7: the next PPOG/FPOG is due four months after the last one held (three a year), or after entry.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail

from contacts.models import User
from hmicfrs_mou.deadlines import (
    LONDON,
    add_working_days,
    explain_followup_deadline,
    explain_oversight_next_due,
    followup_last_day,
)
from hmicfrs_mou.models import (
    Deadline,
    DeadlineChange,
    DeadlineParty,
    DeadlineState,
    InboxMessage,
    PartyRole,
    Reminder,
)
from hmicfrs_mou.reminders import sweep
from monitoring.deadlines import FOLLOW_UP_KIND, OVERSIGHT_KIND
from monitoring.models import EngageCase, MeetingAction
from monitoring.services import (
    action_add,
    deputy_nominate,
    follow_up_send,
    meeting_record_held,
    meeting_schedule,
)
from tests.monitoring.conftest import (
    ACTION_AT,
    FOLLOW_UP_DUE,
    HELD_AT,
    HELD_ON,
    HOUR,
    SECOND,
    attending,
    london,
    utc,
)

pytestmark = pytest.mark.django_db

D = dt.date

# (meeting day, last day for the follow-up, the working by hand)
D6_TABLE = [
    (D(2026, 6, 1), D(2026, 6, 8), "Mon; Tue 2, Wed 3, Thu 4, Fri 5, Mon 8: no holiday"),
    (D(2026, 6, 5), D(2026, 6, 12), "Fri; weekend skipped: Mon 8 … Fri 12"),
    (D(2026, 6, 12), D(2026, 6, 19), "Fri; weekend skipped: Mon 15 … Fri 19"),
    (
        D(2026, 12, 18),
        D(2026, 12, 29),
        "Fri; Mon 21, Tue 22, Wed 23, Thu 24; Fri 25, Mon 28 (Boxing Day substitute); Tue 29",
    ),
    (
        D(2026, 12, 22),
        D(2026, 12, 31),
        "Tue; Wed 23, Thu 24; Christmas Fri 25; Boxing Day Sat 26 → substitute Mon 28; Tue 29, Wed 30, Thu 31",
    ),
    (D(2026, 12, 23), D(2027, 1, 4), "Wed; Thu 24, Tue 29, Wed 30, Thu 31; New Year Fri 1 Jan 2027; Mon 4"),
    (D(2026, 12, 24), D(2027, 1, 5), "Thu; Tue 29, Wed 30, Thu 31, Mon 4, Tue 5"),
    (D(2026, 12, 26), D(2027, 1, 5), "Sat (Boxing Day); Tue 29, Wed 30, Thu 31, Mon 4, Tue 5"),
    (
        D(2026, 3, 30),
        D(2026, 4, 8),
        "Mon; Tue 31, Wed 1, Thu 2; Good Friday 3, Easter Monday 6; Tue 7, Wed 8",
    ),
    (
        D(2026, 4, 1),
        D(2026, 4, 10),
        "Wed; Thu 2; Good Friday 3, Easter Monday 6; Tue 7, Wed 8, Thu 9, Fri 10",
    ),
    (D(2026, 4, 2), D(2026, 4, 13), "Thu; Good Friday, weekend, Easter Monday; Tue 7 … Mon 13"),
    (D(2026, 4, 30), D(2026, 5, 8), "Thu; Fri 1; early May Mon 4; Tue 5, Wed 6, Thu 7, Fri 8"),
    (D(2026, 5, 1), D(2026, 5, 11), "Fri; early May Mon 4; Tue 5 … Mon 11"),
    (D(2027, 4, 30), D(2027, 5, 10), "Fri; early May Mon 3 May 2027; Tue 4 … Mon 10"),
    (D(2026, 5, 20), D(2026, 5, 28), "Wed; Thu 21, Fri 22; spring Mon 25; Tue 26, Wed 27, Thu 28"),
    (D(2026, 8, 27), D(2026, 9, 4), "Thu; Fri 28; summer Mon 31; Tue 1, Wed 2, Thu 3, Fri 4"),
    (
        D(2027, 12, 22),
        D(2027, 12, 31),
        "Wed; Thu 23, Fri 24; Christmas Sat 25 → substitute Mon 27; Boxing Day Sun 26 → Tue 28; Wed 29, Thu 30, Fri 31",
    ),
    (
        D(2027, 12, 23),
        D(2028, 1, 4),
        "Thu; Fri 24; Mon 27, Tue 28 substitutes; Wed 29, Thu 30, Fri 31; Mon 3 Jan 2028 (New Year substitute); Tue 4",
    ),
    (D(2027, 12, 24), D(2028, 1, 5), "Fri; Wed 29, Thu 30, Fri 31; Mon 3 Jan 2028 substitute; Tue 4, Wed 5"),
    (D(2028, 2, 24), D(2028, 3, 2), "Thu; Fri 25, Mon 28, Tue 29 February (leap year), Wed 1, Thu 2"),
    (D(2026, 3, 23), D(2026, 3, 30), "Mon; the clocks go forward on Sunday 29 March: dates are unaffected"),
]


@pytest.mark.parametrize(("meeting", "last_day", "working"), D6_TABLE, ids=[str(row[0]) for row in D6_TABLE])
def test_d6_the_follow_up_is_due_five_working_days_after_the_meeting(meeting, last_day, working):
    """D6, M9: The follow-up is due five working days after the meeting."""
    assert followup_last_day(meeting) == last_day, working
    assert add_working_days(meeting, 5) == last_day, working


# (start, working days, result) by hand, beyond five: the counting itself across the same holidays.
ADD_TABLE = [
    (D(2026, 12, 24), 1, D(2026, 12, 29)),  # Fri 25, Sat, Sun, Mon 28 (substitute) skipped
    (D(2026, 12, 31), 1, D(2027, 1, 4)),  # New Year's Day Fri 1 Jan 2027, weekend
    (D(2027, 12, 24), 1, D(2027, 12, 29)),  # Sat 25, Sun 26, Mon 27 and Tue 28 (both substitutes)
    (D(2026, 4, 2), 1, D(2026, 4, 7)),  # Good Friday, weekend, Easter Monday
    (D(2026, 6, 5), 1, D(2026, 6, 8)),  # Friday → Monday
    (D(2026, 12, 22), 10, D(2027, 1, 8)),  # Wed 23, Thu 24, Tue 29, Wed 30, Thu 31, Mon 4 … Fri 8
]


@pytest.mark.parametrize(("start", "days", "expected"), ADD_TABLE)
def test_d6_working_days_skip_weekends_and_england_and_wales_bank_holidays(start, days, expected):
    """D6: Working days skip weekends and England-and-Wales bank holidays."""
    assert add_working_days(start, days) == expected


# (meeting, the due moment written out in UTC by hand: the first instant after the last day, London)
DUE_TABLE = [
    (D(2026, 6, 1), dt.datetime(2026, 6, 8, 23, 0, tzinfo=dt.UTC)),  # end of Mon 8 June, BST
    (D(2026, 12, 22), dt.datetime(2027, 1, 1, 0, 0, tzinfo=dt.UTC)),  # end of Thu 31 Dec, GMT
    (D(2026, 3, 23), dt.datetime(2026, 3, 30, 23, 0, tzinfo=dt.UTC)),  # end of Mon 30 March, now BST
    (D(2026, 10, 20), dt.datetime(2026, 10, 28, 0, 0, tzinfo=dt.UTC)),  # end of Tue 27 Oct, GMT again
]


@pytest.mark.parametrize(("meeting", "due_utc"), DUE_TABLE)
def test_d6_the_follow_up_is_due_by_the_end_of_the_last_day_in_london(meeting, due_utc):
    """D6: The follow-up is due by the end of the last day in London."""
    computed = explain_followup_deadline(meeting)
    assert computed.value == due_utc
    assert computed.value.astimezone(LONDON).time() == dt.time(0, 0)
    assert computed.working.startswith("Meeting held: ")  # plain words, not the rule id D6
    assert computed.working.endswith("the follow-up is due by the end of that day")


def test_d6_the_working_names_the_bank_holidays_skipped():
    """D6: The working names the bank holidays skipped."""
    working = explain_followup_deadline(D(2026, 12, 22)).working
    assert "Tuesday 22 December 2026 + 5 working days = Thursday 31 December 2026" in working
    assert "Friday 25 December 2026 (Christmas Day)" in working
    assert "Monday 28 December 2026 (Boxing Day (observed))" in working


# --- The offer of assistance recorded through the service gets its deadline ---------------------------------


def test_d6_an_offer_recorded_through_the_service_gets_a_follow_up_deadline_due_at_the_end_of_that_day(
    offer, apcc_lead, apcc_deputy, hmci
):
    """D6: An offer recorded through the service gets a follow-up deadline due at the end of that day."""
    deadline = Deadline.objects.get(kind=FOLLOW_UP_KIND)
    assert deadline.key == f"action:{offer.pk}"
    assert (deadline.subject_type, deadline.subject_id) == ("monitoring.meetingaction", str(offer.pk))
    assert deadline.due_at == FOLLOW_UP_DUE == dt.datetime(2026, 6, 8, 23, 0, tzinfo=dt.UTC)
    assert deadline.state == DeadlineState.OPEN
    assert "Monday 1 June 2026 + 5 working days = Monday 8 June 2026" in deadline.working
    assert "HM Chief Inspector" in deadline.title
    offer.refresh_from_db()
    assert offer.follow_up_due_at == FOLLOW_UP_DUE
    assert offer.follow_up_working == deadline.working
    parties = set(DeadlineParty.objects.filter(deadline=deadline).values_list("user_id", "role"))
    assert parties == {
        (apcc_lead.pk, PartyRole.RESPONSIBLE),
        (apcc_deputy.pk, PartyRole.RESPONSIBLE),
        (hmci.pk, PartyRole.ESCALATION),
    }


@pytest.mark.parametrize(
    ("held_on", "due"),
    [
        # Tue 22 Dec 2026: last day Thu 31 Dec (by hand above); due 00:00 GMT Fri 1 Jan 2027.
        (D(2026, 12, 22), london(2027, 1, 1, 0, 0)),
        # Wed 1 Apr 2026: last day Fri 10 Apr (Easter); due 00:00 BST Sat 11 Apr.
        (D(2026, 4, 1), london(2026, 4, 11, 0, 0)),
        # Fri 1 May 2026: last day Mon 11 May (early May bank holiday); due 00:00 BST Tue 12 May.
        (D(2026, 5, 1), london(2026, 5, 12, 0, 0)),
    ],
)
def test_d6_offers_at_meetings_before_bank_holidays_get_the_later_deadline(
    held_on, due, announced_case, hmi_a, apcc_lead, apcc
):
    """D6: Offers at meetings before bank holidays get the later deadline."""
    before = utc(dt.datetime.combine(held_on - dt.timedelta(days=7), dt.time(10), tzinfo=LONDON))
    meeting = meeting_schedule(case=announced_case, scheduled_for=held_on, by=hmi_a, now=before)
    held_at = utc(dt.datetime.combine(held_on, dt.time(15), tzinfo=LONDON))
    meeting_record_held(
        meeting=meeting, held_on=held_on, attendances=attending(apcc_lead), by=hmi_a, now=held_at
    )
    action = action_add(
        meeting=meeting,
        text="Peer review offered.",
        owner=apcc,
        offer_of_assistance=True,
        by=apcc_lead,
        now=held_at,
    )
    assert action.follow_up_due_at == due
    assert Deadline.objects.get(kind=FOLLOW_UP_KIND, key=f"action:{action.pk}").due_at == due


# --- Reminders: each step once per recipient, however many sweeps -------------------------------------------

# The D6 kind reminds 2 and 1 days ahead at 08:00, at 08:00 on the day, when overdue, and escalates
# to HMCI 2 days after. For the offer of Monday 1 June 2026 (due 00:00 BST Tuesday 9 June):
BEFORE_2D = london(2026, 6, 6, 8, 0)
BEFORE_1D = london(2026, 6, 7, 8, 0)
ON_THE_DAY = london(2026, 6, 8, 8, 0)
OVERDUE = FOLLOW_UP_DUE
ESCALATION = london(2026, 6, 11, 8, 0)  # two days overdue at midnight; escalations go at 08:00


def follow_up_ledger() -> list[tuple[str, int]]:
    return sorted(Reminder.objects.filter(deadline__kind=FOLLOW_UP_KIND).values_list("step", "recipient_id"))


def follow_up_emails() -> list[tuple[str, str]]:
    """(step, address) of each email sent for a D6 reminder, from the delivery reference on each email."""
    by_pk = dict(Reminder.objects.filter(deadline__kind=FOLLOW_UP_KIND).values_list("pk", "step").iterator())
    sent = []
    for message in mail.outbox:
        pk = int(message.extra_headers["X-Reference"].removeprefix("reminder-"))
        if pk in by_pk:
            (address,) = message.to
            sent.append((by_pk[pk], address))
    return sorted(sent)


def sweep_at(moment: dt.datetime) -> None:
    with time_machine.travel(utc(moment), tick=False):
        sweep()


def expected(steps: list[tuple[str, list[User]]]) -> tuple[list[tuple[str, int]], list[tuple[str, str]]]:
    ledger = sorted((step, person.pk) for step, people in steps for person in people)
    emails = sorted((step, person.email) for step, people in steps for person in people)
    return ledger, emails


def test_d6_each_reminder_goes_once_per_recipient_however_often_the_sweep_runs(
    offer, apcc_lead, apcc_deputy, hmci
):
    """D6: Each reminder goes once per recipient however often the sweep runs (M9)."""
    responsible = [apcc_lead, apcc_deputy]
    series = [
        (london(2026, 6, 5, 12, 0), []),
        (BEFORE_2D - SECOND, []),
        (BEFORE_2D, [("before-2d", responsible)]),
        (BEFORE_2D + SECOND, [("before-2d", responsible)]),
        (BEFORE_1D, [("before-2d", responsible), ("before-1d", responsible)]),
        (ON_THE_DAY - SECOND, [("before-2d", responsible), ("before-1d", responsible)]),
        (ON_THE_DAY, [("before-2d", responsible), ("before-1d", responsible), ("due", responsible)]),
        (OVERDUE - SECOND, [("before-2d", responsible), ("before-1d", responsible), ("due", responsible)]),
    ]
    all_four = [
        ("before-2d", responsible),
        ("before-1d", responsible),
        ("due", responsible),
        ("overdue", responsible),
    ]
    series += [
        (OVERDUE, all_four),
        (OVERDUE + SECOND, all_four),
        (ESCALATION - SECOND, all_four),
        (ESCALATION, [*all_four, ("escalation", [hmci])]),
        (ESCALATION + dt.timedelta(days=30), [*all_four, ("escalation", [hmci])]),
    ]
    for moment, steps in series:
        for _run in (1, 2):
            sweep_at(moment)
            ledger, emails = expected(steps)
            assert follow_up_ledger() == ledger, (moment, _run)
            assert follow_up_emails() == emails, (moment, _run)
    assert Deadline.objects.get(kind=FOLLOW_UP_KIND).state == DeadlineState.MISSED
    assert not Reminder.objects.filter(deadline__kind=FOLLOW_UP_KIND, late=True).exists()


def test_d6_after_the_follow_up_is_sent_no_more_reminders_go(offer, apcc_lead, apcc_deputy):
    """D6: After the follow-up is sent (M9) no more reminders go."""
    for _run in (1, 2):
        sweep_at(BEFORE_2D)
    assert follow_up_emails() == sorted(("before-2d", p.email) for p in (apcc_lead, apcc_deputy))
    sent_at = BEFORE_2D + dt.timedelta(hours=2)
    follow_up_send(action=offer, text="Our offer in writing.", copy_to_hmci=True, by=apcc_lead, now=sent_at)
    deadline = Deadline.objects.get(kind=FOLLOW_UP_KIND)
    assert (deadline.state, deadline.state_changed_at, deadline.next_fire_at) == (
        DeadlineState.MET,
        sent_at,
        None,
    )
    for moment in (BEFORE_1D, ON_THE_DAY, OVERDUE, ESCALATION, ESCALATION + dt.timedelta(days=30)):
        for _run in (1, 2):
            sweep_at(moment)
    assert follow_up_emails() == sorted(("before-2d", p.email) for p in (apcc_lead, apcc_deputy))
    assert [step for step, _ in follow_up_ledger()] == ["before-2d", "before-2d"]
    assert Deadline.objects.get(kind=FOLLOW_UP_KIND).state == DeadlineState.MET


def test_d6_a_follow_up_sent_the_same_day_means_no_reminder_at_all(offer, apcc_deputy):
    """D6: A follow-up sent the same day means no reminder at all."""
    follow_up_send(
        action=offer, text="Our offer in writing.", copy_to_hmci=True, by=apcc_deputy, now=ACTION_AT
    )
    for moment in (BEFORE_2D, ON_THE_DAY, OVERDUE, ESCALATION):
        sweep_at(moment)
    assert follow_up_ledger() == []
    assert follow_up_emails() == []


def test_d6_a_sweep_missed_while_the_worker_was_down_sends_each_owed_reminder_once_marked_late(
    offer, apcc_lead, apcc_deputy
):
    """D6: A sweep missed while the worker was down sends each owed reminder once, marked late."""
    sweep_at(ON_THE_DAY + dt.timedelta(hours=3))
    sweep_at(ON_THE_DAY + dt.timedelta(hours=3))
    ledger, emails = expected([(s, [apcc_lead, apcc_deputy]) for s in ("before-2d", "before-1d", "due")])
    assert follow_up_ledger() == ledger
    assert follow_up_emails() == emails
    assert set(Reminder.objects.filter(deadline__kind=FOLLOW_UP_KIND).values_list("late", flat=True)) == {
        True
    }


# --- Reminders of offers made before bank holidays: each once, on its day -----------------------------------

# Meetings of D6_TABLE whose five working days cross Christmas with a substitute bank holiday, Easter and
# two substitute bank holidays; each reminder's moment in London written out by hand. The engine reminds
# 2 and 1 calendar days before the last day at 08:00, at 08:00 on the last day (a working day), at the
# due moment (the end of the last day) and escalates to HMCI on the morning (08:00) 2 days after it.
HOLIDAY_REMINDERS = [
    pytest.param(
        D(2026, 12, 22),
        D(2026, 12, 31),
        {
            "before-2d": london(
                2026, 12, 29, 8, 0
            ),  # Tue 29 Dec, after Christmas and the Boxing Day substitute
            "before-1d": london(2026, 12, 30, 8, 0),  # Wed 30 Dec
            "due": london(2026, 12, 31, 8, 0),  # Thu 31 Dec, the last working day
            "overdue": london(2027, 1, 1, 0, 0),  # end of Thu 31 Dec, GMT
            "escalation": london(2027, 1, 3, 8, 0),
        },
        id="christmas-2026-boxing-day-substitute",
    ),
    pytest.param(
        D(2026, 4, 1),
        D(2026, 4, 10),
        {
            "before-2d": london(2026, 4, 8, 8, 0),  # Wed 8 Apr, after Good Friday and Easter Monday
            "before-1d": london(2026, 4, 9, 8, 0),  # Thu 9 Apr
            "due": london(2026, 4, 10, 8, 0),  # Fri 10 Apr, the last working day
            "overdue": london(2026, 4, 11, 0, 0),  # end of Fri 10 Apr, BST
            "escalation": london(2026, 4, 13, 8, 0),
        },
        id="easter-2026",
    ),
    pytest.param(
        D(2027, 12, 22),
        D(2027, 12, 31),
        {
            "before-2d": london(2027, 12, 29, 8, 0),  # Wed 29 Dec, after the substitutes Mon 27 and Tue 28
            "before-1d": london(2027, 12, 30, 8, 0),  # Thu 30 Dec
            "due": london(2027, 12, 31, 8, 0),  # Fri 31 Dec, the last working day
            "overdue": london(2028, 1, 1, 0, 0),  # end of Fri 31 Dec, GMT
            "escalation": london(2028, 1, 3, 8, 0),
        },
        id="christmas-2027-two-substitutes",
    ),
]
HOLIDAY_REMINDER_ORDER = ("before-2d", "before-1d", "due", "overdue", "escalation")


def follow_up_inbox() -> list[tuple[str, int, dt.datetime]]:
    """(step, recipient, moment) of each inbox copy of a D6 reminder."""
    return sorted(
        InboxMessage.objects.filter(reminder__deadline__kind=FOLLOW_UP_KIND).values_list(
            "reminder__step", "user_id", "created_at"
        )
    )


@pytest.mark.parametrize(("held_on", "last_day", "moments"), HOLIDAY_REMINDERS)
def test_d6_reminders_of_offers_made_before_bank_holidays_go_once_each_on_their_day(
    held_on, last_day, moments, announced_case, hmi_a, apcc, apcc_lead, apcc_deputy, hmci
):
    """D6, M9: Reminders of an offer made before bank holidays go once to each recipient, on their day."""
    assert [row for row in D6_TABLE if row[0] == held_on][0][1] == last_day  # the dates of the table
    assert moments["due"].astimezone(LONDON).date() == last_day
    assert list(moments) == list(HOLIDAY_REMINDER_ORDER)
    before = utc(dt.datetime.combine(held_on - dt.timedelta(days=7), dt.time(10), tzinfo=LONDON))
    meeting = meeting_schedule(case=announced_case, scheduled_for=held_on, by=hmi_a, now=before)
    deputy_nominate(meeting=meeting, deputy=apcc_deputy, by=apcc_lead, now=before + HOUR)
    held_at = utc(dt.datetime.combine(held_on, dt.time(15), tzinfo=LONDON))
    meeting_record_held(
        meeting=meeting, held_on=held_on, attendances=attending(apcc_lead), by=hmi_a, now=held_at
    )
    action_add(
        meeting=meeting,
        text="The APCC offers a peer review.",
        owner=apcc,
        offer_of_assistance=True,
        by=apcc_lead,
        now=held_at + HOUR,
    )
    mail.outbox.clear()
    recipients = {step: [apcc_lead, apcc_deputy] for step in HOLIDAY_REMINDER_ORDER}
    recipients["escalation"] = [hmci]

    def check(sent_steps: list[str], moment: dt.datetime) -> None:
        ledger, emails = expected([(step, recipients[step]) for step in sent_steps])
        assert follow_up_ledger() == ledger, moment
        # Counted from the email backend's outbox: each (reminder, address) once.
        assert follow_up_emails() == emails, moment
        # And from the inbox: one copy each, written at the step's own moment (so on its day).
        inbox = [(step, person.pk, moments[step]) for step in sent_steps for person in recipients[step]]
        assert follow_up_inbox() == sorted(inbox), moment
        sent = Reminder.objects.filter(deadline__kind=FOLLOW_UP_KIND).values_list("step", "sent_at")
        assert all(at == moments[step] for step, at in sent), moment

    sent_steps: list[str] = []
    for step in HOLIDAY_REMINDER_ORDER:
        for moment in (moments[step] - SECOND, moments[step]):
            if moment == moments[step]:
                sent_steps.append(step)
            for _run in (1, 2):
                sweep_at(moment)
                check(sent_steps, moment)
    past = moments["escalation"] + dt.timedelta(days=30)
    for _run in (1, 2):
        sweep_at(past)
        check(sent_steps, past)
    # Each recipient got each of its steps once: 2 x 4 reminders and HMCI's escalation.
    assert len(mail.outbox) == len(follow_up_emails()) == 9
    assert Deadline.objects.get(kind=FOLLOW_UP_KIND).state == DeadlineState.MISSED
    assert not Reminder.objects.filter(deadline__kind=FOLLOW_UP_KIND, late=True).exists()


# --- D7: the PPOG cadence ---------------------------------------------------------------------------------

D7_TABLE = [
    (D(2026, 6, 1), D(2026, 10, 1)),
    (D(2026, 3, 4), D(2026, 7, 4)),
    (D(2026, 10, 31), D(2027, 2, 28)),  # no 31 February: the month's last day
    (D(2027, 10, 31), D(2028, 2, 29)),  # leap year
    (D(2026, 9, 30), D(2027, 1, 30)),
    (D(2026, 11, 15), D(2027, 3, 15)),  # across the year end
]


@pytest.mark.parametrize(("last", "next_due"), D7_TABLE)
def test_d7_the_next_ppog_is_due_four_months_after_the_last(last, next_due):
    """D7, M4: The next PPOG is due four months after the last."""
    computed = explain_oversight_next_due(last)
    assert computed.value == next_due
    assert computed.working.startswith("Last meeting")


def test_d7_the_oversight_group_deadline_moves_to_four_months_after_the_last_held_meeting(
    meeting, announced_case, hmi_a, apcc_lead, hmci
):
    """D7, M4: The oversight-group deadline moves to four months after the last held meeting."""
    case = EngageCase.objects.get(pk=announced_case.pk)
    deadline = Deadline.objects.get(kind=OVERSIGHT_KIND, key=f"case:{case.pk}")
    # Entered Engage on Wednesday 4 March 2026: the first PPOG is due by the end of Saturday 4 July 2026.
    assert deadline.due_at == london(2026, 7, 5, 0, 0)
    assert "Entered Engage" in deadline.working

    meeting_record_held(
        meeting=meeting, held_on=HELD_ON, attendances=attending(apcc_lead), by=hmi_a, now=HELD_AT
    )
    deadline.refresh_from_db()
    # Held Monday 1 June 2026: the next is due by the end of Thursday 1 October 2026.
    assert deadline.due_at == london(2026, 10, 2, 0, 0)
    assert "Last meeting Monday 1 June 2026 + 4 months = Thursday 1 October 2026" in deadline.working
    assert deadline.state == DeadlineState.OPEN
    assert set(deadline.parties.values_list("user_id", "role")) == {
        (hmi_a.pk, PartyRole.RESPONSIBLE),
        (apcc_lead.pk, PartyRole.INFORMED),
        (hmci.pk, PartyRole.ESCALATION),
    }
    change = DeadlineChange.objects.get(deadline=deadline)
    assert (change.old_due_at, change.new_due_at) == (
        london(2026, 7, 5, 0, 0),
        london(2026, 10, 2, 0, 0),
    )
    assert Deadline.objects.filter(kind=OVERSIGHT_KIND).count() == 1

    second = meeting_schedule(case=case, scheduled_for=D(2026, 9, 28), by=hmi_a, now=HELD_AT)
    meeting_record_held(
        meeting=second,
        held_on=D(2026, 9, 28),
        attendances=attending(apcc_lead),
        by=hmi_a,
        now=london(2026, 9, 28, 15),
    )
    deadline.refresh_from_db()
    # Held Monday 28 September 2026: due by the end of Thursday 28 January 2027 (GMT).
    assert deadline.due_at == london(2027, 1, 29, 0, 0)


def test_d6_the_recorded_offer_keeps_its_working_beside_the_due_moment(offer):
    """D6: The recorded offer keeps its working beside the due moment."""
    action = MeetingAction.objects.get(pk=offer.pk)
    assert action.follow_up_working.startswith(
        "Meeting held: Monday 1 June 2026 + 5 working days = Monday 8 June 2026"
    )
