"""The calendar: one pure function per deadline rule (DESIGN.md D1–D7).

No ORM here. Every function takes the moment or date it counts from, so callers
and tests decide "now". Times are Europe/London; moments are aware datetimes.
Each rule has a plain function (the value) and an `explain_*` twin that returns
the value with its working, shown beside every deadline on every page.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC

# D5: "before the end of the period of 56 days beginning with the day on which the
# report is published" (Police Act 1996 s55(5A)): publication day is day 1.
RESPONSE_PERIOD_DAYS = 56
DIARY_NOTE_DAYS = 7


@dataclass(frozen=True)
class Computed:
    """A computed date or moment with the working that produced it."""

    value: dt.date | dt.datetime
    working: str


def _fmt_day(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def _fmt_moment(moment: dt.datetime) -> str:
    local = moment.astimezone(LONDON)
    zone = local.tzname()
    return f"{local:%H:%M} {zone} on {_fmt_day(local.date())}"


def _lead(lead: str) -> str:
    """The plain words a working starts with ("Publication: "), or nothing. Never a rule id."""
    return f"{lead}: " if lead else ""


def _require_aware(moment: dt.datetime, name: str = "moment") -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime (with a time zone).")


def _require_positive(amount: int, unit: str) -> None:
    if amount <= 0:
        raise ValueError(f"A deadline needs a period of at least one {unit}, not {amount}.")


# --- D1, D2, D4: elapsed hours ------------------------------------------------------------


def hours_before(moment: dt.datetime, hours: int) -> dt.datetime:
    """The moment `hours` elapsed hours before `moment` (D1 48 h, D2 24 h, D4 24 h).

    Elapsed, not wall-clock: 48 hours before 10:00 GMT on Monday 26 October
    2026 is 11:00 BST on Saturday 24 October, because the clocks went back in
    between. Computed in UTC, so "at least 48 hours" is always 48 real hours.
    """
    _require_aware(moment)
    _require_positive(hours, "hour")
    return (moment.astimezone(UTC) - dt.timedelta(hours=hours)).astimezone(LONDON)


def explain_hours_before(moment: dt.datetime, hours: int, *, rule: str, lead: str = "") -> Computed:
    """`hours_before` with its working. `rule` is the rule id (D1, D2, D4), for the code only: the working
    is read by people, so it starts with `lead`, plain words for the moment counted from, never the id."""
    value = hours_before(moment, hours)
    working = f"{_lead(lead)}{_fmt_moment(moment)} − {hours} elapsed hours = {_fmt_moment(value)}"
    if moment.astimezone(LONDON).utcoffset() != value.utcoffset():
        working += " (the clocks change in between, so the wall-clock time differs)"
    return Computed(value, working)


# --- D3: the week before publication --------------------------------------------------------


def diary_note_window(publication: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """D3: a diary note goes out in the 7 days before publication: [start, publication)."""
    _require_aware(publication)
    local = publication.astimezone(LONDON)
    start_day = local.date() - dt.timedelta(days=DIARY_NOTE_DAYS)
    start = dt.datetime.combine(start_day, dt.time(0, 0), tzinfo=LONDON)
    return start, local


def explain_diary_note(publication: dt.datetime) -> Computed:
    start, end = diary_note_window(publication)
    return Computed(
        start,
        # D3 (U2)
        f"Publication {_fmt_moment(end)}; the diary note goes in the week before, "
        f"from the start of {_fmt_day(start.date())}",
    )


# --- D5: the 56-day PCC response -------------------------------------------------------------


def response_last_day(published_on: dt.date) -> dt.date:
    """D5: the last day of the 56 days beginning with the day of publication (day 1)."""
    return published_on + dt.timedelta(days=RESPONSE_PERIOD_DAYS - 1)


def end_of_day(day: dt.date) -> dt.datetime:
    """The end of a London day, as the first instant of the next (an exclusive bound)."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=LONDON)


def due_day(due_at: dt.datetime) -> dt.date:
    """The London day a deadline falls on; a deadline at midnight is the end of the day before."""
    local = due_at.astimezone(LONDON)
    if local.time() == dt.time(0, 0):
        return local.date() - dt.timedelta(days=1)
    return local.date()


def explain_response_deadline(published_on: dt.date) -> Computed:
    last = response_last_day(published_on)
    return Computed(
        end_of_day(last),
        # D5 (U6)
        f"Published {_fmt_day(published_on)} (day 1 of 56); day 56 is {_fmt_day(last)}; "
        f"the response is due before the end of that day (section 55(5A) of the Police Act 1996)",
    )


# --- D6: working days ---------------------------------------------------------------------


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[dt.date]:
    # England and Wales share one list; the holidays package files it under subdivision ENG.
    # It lists a holiday's weekend date and its substitute weekday: both are skipped.
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=[year]).keys())


def bank_holiday_name(day: dt.date) -> str | None:
    return holidays.country_holidays("GB", subdiv="ENG", years=[day.year]).get(day)


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday and not an England-and-Wales bank holiday."""
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """D6: the date `days` England-and-Wales working days after `start` (start itself not counted)."""
    _require_positive(days, "working day")
    day = start
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def explain_add_working_days(start: dt.date, days: int, *, rule: str, lead: str = "") -> Computed:
    """`add_working_days` with its working. `rule` is the rule id (D6, M8, C5, I8), for the code only; the
    working starts with `lead`, plain words for the day counted from ("Meeting held"), never the id."""
    value = add_working_days(start, days)
    skipped = []
    day = start
    while day < value:
        day += dt.timedelta(days=1)
        if not is_working_day(day) and day.weekday() < 5:
            skipped.append(f"{_fmt_day(day)} ({bank_holiday_name(day)})")
    working = f"{_lead(lead)}{_fmt_day(start)} + {days} working days = {_fmt_day(value)}"
    working += "; weekends skipped"
    if skipped:
        working += "; bank holidays skipped: " + ", ".join(skipped)
    return Computed(value, working)


# --- D7: cadences ---------------------------------------------------------------------------


def add_months(start: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day where that day does not exist."""
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day)


def cadence_next_due(last: dt.date, months: int, *, rule: str) -> Computed:
    """D7: a standing meeting is next due `months` after the last one (C1–C3, M4).

    `rule` is the rule id, for the code only: the working ("Last meeting ... + 3 months = ...") never names it.
    """
    if months <= 0:
        raise ValueError("A meeting cadence needs a period of at least one month.")
    due = add_months(last, months)
    return Computed(
        due,
        f"Last meeting {_fmt_day(last)} + {months} month{'s' if months != 1 else ''} = {_fmt_day(due)}"
        + (" (the month is shorter, so its last day)" if due.day != last.day else ""),
    )


# --- D6, D7 for Engage: follow-ups of offers of assistance and the oversight groups' cadence -------

# M9: "followed up in writing within five working days of the meeting".
FOLLOW_UP_WORKING_DAYS = 5
# M4: PPOG and FPOG meetings are "usually held three times a year".
OVERSIGHT_GROUP_MONTHS = 4


def followup_last_day(meeting_on: dt.date) -> dt.date:
    """D6: the last day for the written follow-up of an offer of assistance made at a PPOG/FPOG (M9)."""
    return add_working_days(meeting_on, FOLLOW_UP_WORKING_DAYS)


def explain_followup_deadline(meeting_on: dt.date) -> Computed:
    """D6: meeting date + 5 England-and-Wales working days, due by the end of that day."""
    working = explain_add_working_days(
        meeting_on, FOLLOW_UP_WORKING_DAYS, rule="D6", lead="Meeting held"
    ).working
    return Computed(
        end_of_day(followup_last_day(meeting_on)), f"{working}; the follow-up is due by the end of that day"
    )


def explain_oversight_next_due(last: dt.date) -> Computed:
    """D7 (M4): the next PPOG/FPOG meeting is due four months after the last (three a year)."""
    return cadence_next_due(last, OVERSIGHT_GROUP_MONTHS, rule="D7")


def explain_working_days_task(start: dt.date, days: int, *, rule: str, lead: str = "") -> Computed:
    """A task due by the end of the day `days` working days after `start` (the APCC's M8 letter)."""
    working = explain_add_working_days(start, days, rule=rule, lead=lead).working
    return Computed(end_of_day(add_working_days(start, days)), f"{working}; due by the end of that day")


# --- C5: the PCC's representations on a panel invitation --------------------------------------------

# C5 names no period: five working days gives the office a working week, and never runs past the panel.
PANEL_REPRESENTATIONS_WORKING_DAYS = 5


def last_working_day_before(day: dt.date) -> dt.date:
    """The last England-and-Wales working day before `day`."""
    day -= dt.timedelta(days=1)
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def explain_panel_representations_deadline(asked_on: dt.date, meeting_on: dt.date) -> Computed:
    """C5: the PCC's representations on a panel invitation are due by the end of the fifth working day
    after the HMI asks for them, or of the last working day before the panel meets if that is sooner."""
    after_asking = add_working_days(asked_on, PANEL_REPRESENTATIONS_WORKING_DAYS)
    before_meeting = last_working_day_before(meeting_on)
    working = explain_add_working_days(
        asked_on, PANEL_REPRESENTATIONS_WORKING_DAYS, rule="C5", lead="Asked on"
    ).working
    if before_meeting < after_asking:
        return Computed(
            end_of_day(before_meeting),
            f"{working}; the panel meets on {_fmt_day(meeting_on)}, so the last working day before it, "
            f"{_fmt_day(before_meeting)}; due by the end of that day",
        )
    return Computed(end_of_day(after_asking), f"{working}; due by the end of that day")
