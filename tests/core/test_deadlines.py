"""The calendar (DESIGN.md "Deadlines", D1–D7): hand-computed expectations from the real calendar.

Every expected value below was worked out by hand (weekdays checked against a printed calendar),
never by calling the function under test or the `holidays` package.

Clock changes (Europe/London):
  2026: BST starts Sun 29 March 01:00 UTC; BST ends Sun 25 October 01:00 UTC.
  2027: BST starts Sun 28 March 01:00 UTC; BST ends Sun 31 October 01:00 UTC.

England-and-Wales bank holidays used here:
  2026: Thu 1 Jan, Fri 3 Apr (Good Friday), Mon 6 Apr (Easter Monday), Mon 4 May, Mon 25 May,
        Mon 31 Aug, Fri 25 Dec, Mon 28 Dec (substitute for Boxing Day, Sat 26 Dec).
  2027: Fri 1 Jan, Fri 26 Mar, Mon 29 Mar, Mon 3 May, Mon 31 May, Mon 30 Aug,
        Mon 27 Dec and Tue 28 Dec (substitutes for Sat 25 and Sun 26 Dec).
  2028: Mon 3 Jan (substitute for Sat 1 Jan), Fri 14 Apr, Mon 17 Apr, Mon 1 May, Mon 29 May,
        Mon 28 Aug.
Scotland-only and Northern-Ireland-only holidays are working days in England and Wales.

No database: nothing here is marked django_db.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from hmicfrs_mou.deadlines import (
    add_months,
    add_working_days,
    cadence_next_due,
    diary_note_window,
    end_of_day,
    explain_add_working_days,
    explain_diary_note,
    explain_hours_before,
    explain_response_deadline,
    hours_before,
    is_working_day,
    response_last_day,
)

LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC
ONE_SECOND = dt.timedelta(seconds=1)


def london(*parts: int, fold: int = 0) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=LONDON, fold=fold)


def utc(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=UTC)


def wall(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M %Z")


# --- D1 (U3) 48 h, D2 (U4) 24 h, D4 (U5) 24 h: elapsed hours -------------------------------------

HOURS_BEFORE_CASES = [
    # Autumn 2026: BST ends Sun 25 Oct 01:00 UTC.
    pytest.param(
        london(2026, 10, 26, 10),
        48,
        utc(2026, 10, 24, 10),
        "2026-10-24 11:00 BST",
        id="D1-U3-2026-autumn-10GMT-Mon-is-11BST-Sat",
    ),
    pytest.param(
        utc(2026, 10, 26, 10),
        48,
        utc(2026, 10, 24, 10),
        "2026-10-24 11:00 BST",
        id="D1-U3-2026-autumn-utc-input",
    ),
    pytest.param(
        london(2026, 10, 26, 10),
        24,
        utc(2026, 10, 25, 10),
        "2026-10-25 10:00 GMT",
        id="D2-U4-2026-autumn-day-after-change",
    ),
    pytest.param(
        utc(2026, 10, 25, 1),
        48,
        utc(2026, 10, 23, 1),
        "2026-10-23 02:00 BST",
        id="D1-U3-2026-autumn-exactly-at-change",
    ),
    pytest.param(
        utc(2026, 10, 25, 1),
        24,
        utc(2026, 10, 24, 1),
        "2026-10-24 02:00 BST",
        id="D2-U4-2026-autumn-exactly-at-change",
    ),
    pytest.param(
        london(2026, 10, 25, 1, 30, fold=1),
        24,
        utc(2026, 10, 24, 1, 30),
        "2026-10-24 02:30 BST",
        id="D2-U4-2026-autumn-just-after-change-0130GMT",
    ),
    pytest.param(
        london(2026, 10, 26, 1, 30),
        24,
        utc(2026, 10, 25, 1, 30),
        "2026-10-25 01:30 GMT",
        id="D4-U5-2026-autumn-lands-on-second-0130",
    ),
    pytest.param(
        london(2026, 10, 26, 0, 30),
        24,
        utc(2026, 10, 25, 0, 30),
        "2026-10-25 01:30 BST",
        id="D4-U5-2026-autumn-lands-on-first-0130",
    ),
    pytest.param(
        london(2026, 10, 27, 9, 30),
        48,
        utc(2026, 10, 25, 9, 30),
        "2026-10-25 09:30 GMT",
        id="D1-U3-2026-autumn-both-after-change",
    ),
    # Spring 2026: BST starts Sun 29 Mar 01:00 UTC.
    pytest.param(
        london(2026, 3, 30, 10),
        48,
        utc(2026, 3, 28, 9),
        "2026-03-28 09:00 GMT",
        id="D1-U3-2026-spring-10BST-Mon-is-09GMT-Sat",
    ),
    pytest.param(
        london(2026, 3, 30, 10),
        24,
        utc(2026, 3, 29, 9),
        "2026-03-29 10:00 BST",
        id="D2-U4-2026-spring-day-after-change",
    ),
    pytest.param(
        utc(2026, 3, 29, 1),
        24,
        utc(2026, 3, 28, 1),
        "2026-03-28 01:00 GMT",
        id="D2-U4-2026-spring-exactly-at-change",
    ),
    pytest.param(
        utc(2026, 3, 29, 1),
        48,
        utc(2026, 3, 27, 1),
        "2026-03-27 01:00 GMT",
        id="D1-U3-2026-spring-exactly-at-change",
    ),
    pytest.param(
        london(2026, 3, 29, 3),
        24,
        utc(2026, 3, 28, 2),
        "2026-03-28 02:00 GMT",
        id="D4-U5-2026-spring-just-after-change",
    ),
    pytest.param(
        london(2026, 3, 29, 0, 59),
        24,
        utc(2026, 3, 28, 0, 59),
        "2026-03-28 00:59 GMT",
        id="D4-U5-2026-spring-just-before-change",
    ),
    pytest.param(
        london(2026, 3, 31, 10),
        48,
        utc(2026, 3, 29, 9),
        "2026-03-29 10:00 BST",
        id="D1-U3-2026-spring-both-after-change",
    ),
    # Spring 2027: BST starts Sun 28 Mar 01:00 UTC.
    pytest.param(
        london(2027, 3, 29, 9),
        48,
        utc(2027, 3, 27, 8),
        "2027-03-27 08:00 GMT",
        id="D1-U3-2027-spring-09BST-Mon-is-08GMT-Sat",
    ),
    pytest.param(
        utc(2027, 3, 28, 1),
        24,
        utc(2027, 3, 27, 1),
        "2027-03-27 01:00 GMT",
        id="D2-U4-2027-spring-exactly-at-change",
    ),
    pytest.param(
        london(2027, 3, 28, 3),
        24,
        utc(2027, 3, 27, 2),
        "2027-03-27 02:00 GMT",
        id="D2-U4-2027-spring-just-after-change",
    ),
    pytest.param(
        london(2027, 3, 28, 2, 1),
        48,
        utc(2027, 3, 26, 1, 1),
        "2027-03-26 01:01 GMT",
        id="D1-U3-2027-spring-one-minute-after-change",
    ),
    # Autumn 2027: BST ends Sun 31 Oct 01:00 UTC.
    pytest.param(
        london(2027, 11, 1, 10),
        48,
        utc(2027, 10, 30, 10),
        "2027-10-30 11:00 BST",
        id="D1-U3-2027-autumn-10GMT-Mon-is-11BST-Sat",
    ),
    pytest.param(
        utc(2027, 10, 31, 1),
        24,
        utc(2027, 10, 30, 1),
        "2027-10-30 02:00 BST",
        id="D2-U4-2027-autumn-exactly-at-change",
    ),
    pytest.param(
        london(2027, 10, 31, 9),
        24,
        utc(2027, 10, 30, 9),
        "2027-10-30 10:00 BST",
        id="D2-U4-2027-autumn-Sunday-after-change",
    ),
    pytest.param(
        london(2027, 10, 31, 1, 30, fold=1),
        48,
        utc(2027, 10, 29, 1, 30),
        "2027-10-29 02:30 BST",
        id="D1-U3-2027-autumn-just-after-change-0130GMT",
    ),
    pytest.param(
        london(2027, 11, 1, 0, 15),
        24,
        utc(2027, 10, 31, 0, 15),
        "2027-10-31 01:15 BST",
        id="D4-U5-2027-autumn-lands-before-change",
    ),
    pytest.param(
        london(2027, 11, 1, 12),
        24,
        utc(2027, 10, 31, 12),
        "2027-10-31 12:00 GMT",
        id="D4-U5-2027-autumn-lands-after-change",
    ),
    # No clock change in between; and a non-London aware input.
    pytest.param(
        london(2026, 6, 15, 10), 48, utc(2026, 6, 13, 9), "2026-06-13 10:00 BST", id="D1-U3-summer-no-change"
    ),
    pytest.param(
        dt.datetime(2026, 10, 26, 12, tzinfo=dt.timezone(dt.timedelta(hours=2))),
        48,
        utc(2026, 10, 24, 10),
        "2026-10-24 11:00 BST",
        id="D1-U3-fixed-offset-input-returned-in-London",
    ),
]


@pytest.mark.parametrize(("moment", "hours", "expected_utc", "expected_wall"), HOURS_BEFORE_CASES)
def test_d1_d2_d4_hours_before_counts_elapsed_hours(moment, hours, expected_utc, expected_wall):
    """D1 (U3), D2 (U4), D4 (U5): N elapsed hours, not the same wall-clock time N/24 days earlier."""
    result = hours_before(moment, hours)
    # Compare instants in UTC: aware datetimes sharing a tzinfo compare wall-clock, and (PEP 495) a
    # London time inside the repeated autumn hour never compares == to any other zone's datetime.
    assert result.astimezone(UTC) == expected_utc
    assert getattr(result.tzinfo, "key", None) == "Europe/London"
    assert wall(result) == expected_wall
    assert moment.astimezone(UTC) - result.astimezone(UTC) == dt.timedelta(seconds=hours * 3600)
    assert moment.timestamp() - result.timestamp() == hours * 3600


def test_d1_u3_wall_clock_differs_across_the_autumn_change():
    """D1 (U3): 48 h before 10:00 GMT Mon 26 Oct 2026 is 11:00 BST Sat 24 Oct, not 10:00."""
    publication = london(2026, 10, 26, 10)
    result = hours_before(publication, 48)
    assert (result.weekday(), result.hour, result.tzname()) == (5, 11, "BST")
    assert result.date() == dt.date(2026, 10, 24)
    assert result.hour != publication.hour


@pytest.mark.parametrize(
    ("moment", "hours", "rule", "fragments", "clock_note"),
    [
        pytest.param(
            london(2026, 10, 26, 10),
            48,
            "D1 (U3)",
            [
                "Publication: 10:00 GMT on Monday 26 October 2026",
                "10:00 GMT on Monday 26 October 2026",
                "48 elapsed hours",
                "11:00 BST on Saturday 24 October 2026",
            ],
            True,
            id="D1-U3-autumn-2026",
        ),
        pytest.param(
            london(2027, 3, 28, 10),
            24,
            "D2 (U4)",
            [
                "Publication: 10:00 BST on Sunday 28 March 2027",
                "10:00 BST on Sunday 28 March 2027",
                "24 elapsed hours",
                "09:00 GMT on Saturday 27 March 2027",
            ],
            True,
            id="D2-U4-spring-2027",
        ),
        pytest.param(
            london(2026, 6, 15, 10),
            24,
            "D4 (U5)",
            ["Publication: 10:00 BST on Monday 15 June 2026", "10:00 BST on Sunday 14 June 2026"],
            False,
            id="D4-U5-no-change",
        ),
    ],
)
def test_d1_d2_d4_explain_hours_before_shows_the_working(moment, hours, rule, fragments, clock_note):
    """D1/D2/D4: the working says in plain words what it counts from (never the rule id), both moments in
    London time, and flags a clock change."""
    computed = explain_hours_before(moment, hours, rule=rule, lead="Publication")
    assert computed.value == hours_before(moment, hours)
    assert rule not in computed.working
    for fragment in fragments:
        assert fragment in computed.working
    assert ("clocks change in between" in computed.working) is clock_note


@pytest.mark.parametrize(
    ("moment", "hours", "message"),
    [
        pytest.param(london(2026, 10, 26, 10).replace(tzinfo=None), 48, "aware", id="D1-naive-moment"),
        pytest.param(london(2026, 3, 30, 10).replace(tzinfo=None), 24, "aware", id="D2-naive-moment"),
        pytest.param(london(2026, 10, 26, 10), 0, "at least one hour", id="D1-zero-hours"),
        pytest.param(london(2026, 10, 26, 10), -1, "at least one hour", id="D4-negative-hours"),
    ],
)
def test_d1_d2_d4_hours_before_rejects_naive_moments_and_empty_periods(moment, hours, message):
    """D1/D2/D4: a naive datetime or a zero/negative number of hours is a ValueError."""
    with pytest.raises(ValueError, match=message):
        hours_before(moment, hours)


def test_d1_explain_hours_before_rejects_a_naive_moment():
    """D1 (U3): the explain twin validates like the plain function."""
    with pytest.raises(ValueError, match="aware"):
        explain_hours_before(london(2026, 10, 26, 10).replace(tzinfo=None), 48, rule="D1")


# --- D3 (U2): the diary note window -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("publication", "expected_start_utc", "expected_start_wall"),
    [
        pytest.param(
            london(2026, 3, 31, 10),
            utc(2026, 3, 24, 0),
            "2026-03-24 00:00 GMT",
            id="D3-U2-window-spans-spring-2026",
        ),
        pytest.param(
            london(2026, 10, 29, 9, 30),
            utc(2026, 10, 21, 23),
            "2026-10-22 00:00 BST",
            id="D3-U2-window-spans-autumn-2026",
        ),
        pytest.param(
            london(2026, 11, 1, 0, 30),
            utc(2026, 10, 24, 23),
            "2026-10-25 00:00 BST",
            id="D3-U2-starts-on-autumn-change-day",
        ),
        pytest.param(
            utc(2026, 6, 30, 23, 30),
            utc(2026, 6, 23, 23),
            "2026-06-24 00:00 BST",
            id="D3-U2-utc-input-uses-London-date",
        ),
        pytest.param(
            london(2027, 4, 2, 10),
            utc(2027, 3, 26, 0),
            "2027-03-26 00:00 GMT",
            id="D3-U2-window-spans-spring-2027",
        ),
        pytest.param(
            london(2027, 11, 3, 10),
            utc(2027, 10, 26, 23),
            "2027-10-27 00:00 BST",
            id="D3-U2-window-spans-autumn-2027",
        ),
    ],
)
def test_d3_diary_note_window_starts_at_london_midnight_seven_days_before(
    publication, expected_start_utc, expected_start_wall
):
    """D3 (U2): [00:00 London seven days before the publication day, publication)."""
    start, end = diary_note_window(publication)
    assert start == expected_start_utc
    assert wall(start) == expected_start_wall
    assert end == publication
    assert getattr(end.tzinfo, "key", None) == "Europe/London"
    assert explain_diary_note(publication).value == expected_start_utc
    assert explain_diary_note(publication).working.startswith("Publication ")  # not the rule id D3


def test_d3_diary_note_window_rejects_a_naive_publication():
    """D3 (U2): naive datetimes are refused."""
    with pytest.raises(ValueError, match="aware"):
        diary_note_window(london(2026, 3, 31, 10).replace(tzinfo=None))


# --- D5 (U6): the 56-day PCC response -----------------------------------------------------------------

RESPONSE_LAST_DAY_CASES = [
    pytest.param(dt.date(2028, 2, 29), dt.date(2028, 4, 24), id="D5-U6-published-29-Feb-2028-leap-day"),
    pytest.param(dt.date(2028, 1, 1), dt.date(2028, 2, 25), id="D5-U6-1-Jan-2028"),
    pytest.param(dt.date(2028, 1, 10), dt.date(2028, 3, 5), id="D5-U6-10-Jan-2028-counts-29-Feb"),
    pytest.param(dt.date(2027, 1, 10), dt.date(2027, 3, 6), id="D5-U6-10-Jan-2027-no-29-Feb"),
    pytest.param(dt.date(2028, 2, 28), dt.date(2028, 4, 23), id="D5-U6-28-Feb-2028"),
    pytest.param(dt.date(2028, 3, 1), dt.date(2028, 4, 25), id="D5-U6-1-Mar-2028"),
    pytest.param(dt.date(2026, 2, 28), dt.date(2026, 4, 24), id="D5-U6-28-Feb-2026"),
    pytest.param(dt.date(2026, 1, 31), dt.date(2026, 3, 27), id="D5-U6-month-end-31-Jan-2026"),
    pytest.param(dt.date(2028, 1, 31), dt.date(2028, 3, 26), id="D5-U6-month-end-31-Jan-2028"),
    pytest.param(dt.date(2026, 4, 30), dt.date(2026, 6, 24), id="D5-U6-month-end-30-Apr-2026"),
    pytest.param(dt.date(2026, 12, 31), dt.date(2027, 2, 24), id="D5-U6-year-end-31-Dec-2026"),
    pytest.param(dt.date(2027, 12, 31), dt.date(2028, 2, 24), id="D5-U6-year-end-31-Dec-2027"),
    pytest.param(dt.date(2026, 11, 6), dt.date(2026, 12, 31), id="D5-U6-last-day-31-Dec"),
    pytest.param(dt.date(2026, 11, 7), dt.date(2027, 1, 1), id="D5-U6-last-day-crosses-year"),
    pytest.param(dt.date(2026, 3, 29), dt.date(2026, 5, 23), id="D5-U6-published-spring-change-2026"),
    pytest.param(dt.date(2026, 10, 25), dt.date(2026, 12, 19), id="D5-U6-published-autumn-change-2026"),
    pytest.param(dt.date(2027, 3, 28), dt.date(2027, 5, 22), id="D5-U6-published-spring-change-2027"),
    pytest.param(
        dt.date(2027, 10, 31), dt.date(2027, 12, 25), id="D5-U6-published-autumn-change-2027-due-Christmas"
    ),
    pytest.param(dt.date(2026, 6, 7), dt.date(2026, 8, 1), id="D5-U6-published-on-a-Sunday"),
    pytest.param(dt.date(2026, 12, 25), dt.date(2027, 2, 18), id="D5-U6-published-Christmas-Day"),
    pytest.param(dt.date(2026, 7, 15), dt.date(2026, 9, 8), id="D5-U6-mid-summer"),
    pytest.param(dt.date(2027, 11, 5), dt.date(2027, 12, 30), id="D5-U6-Nov-2027"),
    pytest.param(dt.date(2029, 1, 5), dt.date(2029, 3, 1), id="D5-U6-non-leap-2029-ends-1-Mar"),
    pytest.param(dt.date(2026, 8, 31), dt.date(2026, 10, 25), id="D5-U6-last-day-is-autumn-change-2026"),
    pytest.param(dt.date(2026, 8, 30), dt.date(2026, 10, 24), id="D5-U6-last-day-is-eve-of-autumn-change"),
    pytest.param(dt.date(2026, 2, 2), dt.date(2026, 3, 29), id="D5-U6-last-day-is-spring-change-2026"),
    pytest.param(dt.date(2026, 2, 1), dt.date(2026, 3, 28), id="D5-U6-last-day-is-eve-of-spring-change"),
]


@pytest.mark.parametrize(("published_on", "expected_last"), RESPONSE_LAST_DAY_CASES)
def test_d5_u6_response_last_day_is_day_56_counting_publication_as_day_1(published_on, expected_last):
    """D5 (U6): 56 days beginning with the day of publication, so the last day is publication + 55."""
    assert response_last_day(published_on) == expected_last
    assert (expected_last - published_on).days + 1 == 56


END_OF_DAY_CASES = [
    pytest.param(
        dt.date(2026, 10, 24),
        utc(2026, 10, 24, 23),
        "2026-10-25 00:00 BST",
        id="D5-U6-eve-of-autumn-change-2026",
    ),
    pytest.param(
        dt.date(2026, 10, 25),
        utc(2026, 10, 26, 0),
        "2026-10-26 00:00 GMT",
        id="D5-U6-autumn-change-day-2026-25h",
    ),
    pytest.param(
        dt.date(2026, 3, 28),
        utc(2026, 3, 29, 0),
        "2026-03-29 00:00 GMT",
        id="D5-U6-eve-of-spring-change-2026",
    ),
    pytest.param(
        dt.date(2026, 3, 29),
        utc(2026, 3, 29, 23),
        "2026-03-30 00:00 BST",
        id="D5-U6-spring-change-day-2026-23h",
    ),
    pytest.param(
        dt.date(2027, 10, 30),
        utc(2027, 10, 30, 23),
        "2027-10-31 00:00 BST",
        id="D5-U6-eve-of-autumn-change-2027",
    ),
    pytest.param(
        dt.date(2027, 10, 31), utc(2027, 11, 1, 0), "2027-11-01 00:00 GMT", id="D5-U6-autumn-change-day-2027"
    ),
    pytest.param(
        dt.date(2027, 3, 27),
        utc(2027, 3, 28, 0),
        "2027-03-28 00:00 GMT",
        id="D5-U6-eve-of-spring-change-2027",
    ),
    pytest.param(
        dt.date(2027, 3, 28), utc(2027, 3, 28, 23), "2027-03-29 00:00 BST", id="D5-U6-spring-change-day-2027"
    ),
    pytest.param(dt.date(2026, 12, 31), utc(2027, 1, 1, 0), "2027-01-01 00:00 GMT", id="D5-U6-year-end"),
    pytest.param(dt.date(2028, 2, 29), utc(2028, 3, 1, 0), "2028-03-01 00:00 GMT", id="D5-U6-leap-day"),
    pytest.param(dt.date(2026, 8, 1), utc(2026, 8, 1, 23), "2026-08-02 00:00 BST", id="D5-U6-summer"),
]


@pytest.mark.parametrize(("last_day", "expected_utc", "expected_wall"), END_OF_DAY_CASES)
def test_d5_u6_end_of_day_is_the_next_london_midnight(last_day, expected_utc, expected_wall):
    """D5 (U6): the response is due before the end of the last day: 00:00 London the next day."""
    end = end_of_day(last_day)
    assert end == expected_utc
    assert wall(end) == expected_wall


@pytest.mark.parametrize(
    ("published_on", "expected_utc", "fragments"),
    [
        pytest.param(
            dt.date(2026, 8, 31),
            utc(2026, 10, 26, 0),
            [
                "Published Monday 31 August 2026",
                "day 1 of 56",
                "Sunday 25 October 2026",
                "section 55(5A) of the Police Act 1996",
            ],
            id="D5-U6-last-day-autumn-change-2026",
        ),
        pytest.param(
            dt.date(2026, 2, 2),
            utc(2026, 3, 29, 23),
            ["Published Monday 2 February 2026", "Sunday 29 March 2026"],
            id="D5-U6-last-day-spring-change-2026",
        ),
        pytest.param(
            dt.date(2028, 1, 10),
            utc(2028, 3, 6, 0),
            ["Published Monday 10 January 2028", "Sunday 5 March 2028"],
            id="D5-U6-across-29-Feb-2028",
        ),
    ],
)
def test_d5_u6_explain_response_deadline(published_on, expected_utc, fragments):
    """D5 (U6): the deadline moment and its working (publication day 1, day 56, section 55(5A)), in plain
    words with no rule id."""
    computed = explain_response_deadline(published_on)
    assert computed.value == expected_utc
    assert not computed.working.startswith("D5")
    for fragment in fragments:
        assert fragment in computed.working


# --- D6 (M9): England-and-Wales working days -----------------------------------------------------------

ADD_WORKING_DAYS_CASES = [
    # Christmas and New Year.
    pytest.param(
        dt.date(2026, 12, 21),
        5,
        dt.date(2026, 12, 30),
        id="D6-M9-Christmas-2026-25-Dec-and-28-Dec-substitute",
    ),
    pytest.param(dt.date(2026, 12, 24), 5, dt.date(2027, 1, 5), id="D6-M9-Christmas-2026-to-New-Year-2027"),
    pytest.param(dt.date(2026, 12, 14), 10, dt.date(2026, 12, 30), id="D6-M9-ten-days-over-Christmas-2026"),
    pytest.param(
        dt.date(2027, 12, 23),
        5,
        dt.date(2028, 1, 4),
        id="D6-M9-Christmas-2027-27-28-Dec-and-3-Jan-2028-substitutes",
    ),
    pytest.param(dt.date(2027, 12, 24), 1, dt.date(2027, 12, 29), id="D6-M9-Christmas-2027-two-substitutes"),
    pytest.param(dt.date(2027, 12, 31), 1, dt.date(2028, 1, 4), id="D6-M9-New-Year-2028-substitute-3-Jan"),
    pytest.param(dt.date(2027, 12, 31), 5, dt.date(2028, 1, 10), id="D6-M9-New-Year-2028-five-days"),
    # Easter.
    pytest.param(dt.date(2026, 4, 2), 5, dt.date(2026, 4, 13), id="D6-M9-Easter-2026-3-and-6-Apr"),
    pytest.param(dt.date(2026, 4, 1), 1, dt.date(2026, 4, 2), id="D6-M9-Easter-2026-Maundy-Thursday-works"),
    pytest.param(dt.date(2026, 4, 1), 2, dt.date(2026, 4, 7), id="D6-M9-Easter-2026-two-days"),
    pytest.param(dt.date(2027, 3, 25), 5, dt.date(2027, 4, 5), id="D6-M9-Easter-2027-26-and-29-Mar"),
    pytest.param(dt.date(2028, 4, 13), 5, dt.date(2028, 4, 24), id="D6-M9-Easter-2028-14-and-17-Apr"),
    # May and August bank holidays.
    pytest.param(dt.date(2026, 4, 30), 5, dt.date(2026, 5, 8), id="D6-M9-early-May-2026"),
    pytest.param(dt.date(2027, 4, 30), 1, dt.date(2027, 5, 4), id="D6-M9-early-May-2027"),
    pytest.param(dt.date(2028, 4, 28), 5, dt.date(2028, 5, 8), id="D6-M9-early-May-2028-on-1-May"),
    pytest.param(dt.date(2026, 5, 22), 5, dt.date(2026, 6, 1), id="D6-M9-spring-2026"),
    pytest.param(dt.date(2027, 5, 26), 5, dt.date(2027, 6, 3), id="D6-M9-spring-2027"),
    pytest.param(dt.date(2026, 8, 27), 5, dt.date(2026, 9, 4), id="D6-M9-summer-2026"),
    pytest.param(dt.date(2027, 8, 27), 5, dt.date(2027, 9, 6), id="D6-M9-summer-2027"),
    # Weekends, month ends, leap day.
    pytest.param(dt.date(2026, 6, 12), 5, dt.date(2026, 6, 19), id="D6-M9-Friday-start-crosses-weekend"),
    pytest.param(dt.date(2026, 6, 12), 1, dt.date(2026, 6, 15), id="D6-M9-Friday-plus-one-is-Monday"),
    pytest.param(dt.date(2026, 6, 13), 5, dt.date(2026, 6, 19), id="D6-M9-Saturday-start"),
    pytest.param(dt.date(2026, 6, 13), 1, dt.date(2026, 6, 15), id="D6-M9-Saturday-plus-one-is-Monday"),
    pytest.param(dt.date(2026, 6, 14), 1, dt.date(2026, 6, 15), id="D6-M9-Sunday-plus-one-is-Monday"),
    pytest.param(dt.date(2026, 10, 30), 5, dt.date(2026, 11, 6), id="D6-M9-month-end-Fri-30-Oct"),
    pytest.param(dt.date(2026, 6, 30), 5, dt.date(2026, 7, 7), id="D6-M9-month-end-Tue-30-Jun"),
    pytest.param(dt.date(2028, 2, 24), 5, dt.date(2028, 3, 2), id="D6-M9-counts-29-Feb-2028"),
    pytest.param(dt.date(2028, 2, 29), 5, dt.date(2028, 3, 7), id="D6-M9-from-29-Feb-2028"),
    # Scotland-only and Northern-Ireland-only holidays are working days in England and Wales.
    pytest.param(dt.date(2025, 12, 31), 1, dt.date(2026, 1, 2), id="D6-M9-Scotland-2-Jan-2026-works"),
    pytest.param(dt.date(2025, 12, 31), 5, dt.date(2026, 1, 8), id="D6-M9-Scotland-2-Jan-2026-five-days"),
    pytest.param(dt.date(2026, 11, 27), 1, dt.date(2026, 11, 30), id="D6-M9-St-Andrews-Day-2026-works"),
    pytest.param(dt.date(2026, 11, 27), 5, dt.date(2026, 12, 4), id="D6-M9-St-Andrews-Day-2026-five-days"),
    pytest.param(dt.date(2025, 11, 28), 1, dt.date(2025, 12, 1), id="D6-M9-St-Andrews-substitute-2025-works"),
    pytest.param(dt.date(2026, 3, 16), 1, dt.date(2026, 3, 17), id="D6-M9-St-Patricks-Day-2026-works"),
    pytest.param(dt.date(2026, 3, 16), 5, dt.date(2026, 3, 23), id="D6-M9-St-Patricks-Day-2026-five-days"),
    pytest.param(dt.date(2027, 7, 9), 1, dt.date(2027, 7, 12), id="D6-M9-Battle-of-the-Boyne-2027-works"),
    pytest.param(dt.date(2026, 7, 10), 1, dt.date(2026, 7, 13), id="D6-M9-Boyne-substitute-2026-works"),
    pytest.param(dt.date(2026, 7, 31), 1, dt.date(2026, 8, 3), id="D6-M9-Scotland-summer-2026-works"),
]


@pytest.mark.parametrize(("start", "days", "expected"), ADD_WORKING_DAYS_CASES)
def test_d6_m9_add_working_days(start, days, expected):
    """D6 (M9): meeting date + N England-and-Wales working days (start not counted)."""
    assert add_working_days(start, days) == expected


IS_WORKING_DAY_CASES = [
    # Scotland-only: working days here.
    pytest.param(dt.date(2026, 1, 2), True, id="D6-Scotland-2-Jan-2026-Fri"),
    pytest.param(dt.date(2027, 1, 4), True, id="D6-Scotland-2-Jan-substitute-2027-Mon"),
    pytest.param(dt.date(2028, 1, 4), True, id="D6-Scotland-2-Jan-substitute-2028-Tue"),
    pytest.param(dt.date(2026, 11, 30), True, id="D6-Scotland-St-Andrews-Day-2026-Mon"),
    pytest.param(dt.date(2025, 12, 1), True, id="D6-Scotland-St-Andrews-substitute-2025-Mon"),
    pytest.param(dt.date(2026, 8, 3), True, id="D6-Scotland-summer-2026-Mon"),
    # Northern-Ireland-only: working days here.
    pytest.param(dt.date(2026, 3, 17), True, id="D6-NI-St-Patricks-Day-2026-Tue"),
    pytest.param(dt.date(2027, 3, 17), True, id="D6-NI-St-Patricks-Day-2027-Wed"),
    pytest.param(dt.date(2027, 7, 12), True, id="D6-NI-Boyne-2027-Mon"),
    pytest.param(dt.date(2026, 7, 13), True, id="D6-NI-Boyne-substitute-2026-Mon"),
    # Ordinary weekdays.
    pytest.param(dt.date(2026, 12, 24), True, id="D6-Christmas-Eve-2026-Thu"),
    pytest.param(dt.date(2026, 12, 31), True, id="D6-New-Years-Eve-2026-Thu"),
    pytest.param(dt.date(2028, 2, 29), True, id="D6-leap-day-2028-Tue"),
    # Weekends.
    pytest.param(dt.date(2026, 12, 26), False, id="D6-Boxing-Day-2026-Sat"),
    pytest.param(dt.date(2026, 7, 12), False, id="D6-12-Jul-2026-Sun"),
    pytest.param(dt.date(2026, 3, 29), False, id="D6-spring-change-2026-Sun"),
    # England-and-Wales bank holidays and substitutes.
    pytest.param(dt.date(2026, 1, 1), False, id="D6-New-Year-2026"),
    pytest.param(dt.date(2026, 12, 25), False, id="D6-Christmas-2026-Fri"),
    pytest.param(dt.date(2026, 12, 28), False, id="D6-Boxing-Day-substitute-2026-Mon"),
    pytest.param(dt.date(2027, 1, 1), False, id="D6-New-Year-2027-Fri"),
    pytest.param(dt.date(2027, 12, 27), False, id="D6-Christmas-substitute-2027-Mon"),
    pytest.param(dt.date(2027, 12, 28), False, id="D6-Boxing-Day-substitute-2027-Tue"),
    pytest.param(dt.date(2028, 1, 3), False, id="D6-New-Year-substitute-2028-Mon"),
    pytest.param(dt.date(2026, 4, 3), False, id="D6-Good-Friday-2026"),
    pytest.param(dt.date(2026, 4, 6), False, id="D6-Easter-Monday-2026"),
    pytest.param(dt.date(2027, 3, 26), False, id="D6-Good-Friday-2027"),
    pytest.param(dt.date(2027, 3, 29), False, id="D6-Easter-Monday-2027"),
    pytest.param(dt.date(2028, 4, 14), False, id="D6-Good-Friday-2028"),
    pytest.param(dt.date(2028, 4, 17), False, id="D6-Easter-Monday-2028"),
    pytest.param(dt.date(2026, 5, 4), False, id="D6-early-May-2026"),
    pytest.param(dt.date(2027, 5, 3), False, id="D6-early-May-2027"),
    pytest.param(dt.date(2028, 5, 1), False, id="D6-early-May-2028"),
    pytest.param(dt.date(2026, 5, 25), False, id="D6-spring-2026"),
    pytest.param(dt.date(2027, 5, 31), False, id="D6-spring-2027"),
    pytest.param(dt.date(2028, 5, 29), False, id="D6-spring-2028"),
    pytest.param(dt.date(2026, 8, 31), False, id="D6-summer-2026"),
    pytest.param(dt.date(2027, 8, 30), False, id="D6-summer-2027"),
    pytest.param(dt.date(2028, 8, 28), False, id="D6-summer-2028"),
]


@pytest.mark.parametrize(("day", "expected"), IS_WORKING_DAY_CASES)
def test_d6_m9_is_working_day_in_england_and_wales(day, expected):
    """D6 (M9): Mon–Fri and not an England-and-Wales bank holiday; other nations' holidays are working days."""
    assert is_working_day(day) is expected


@pytest.mark.parametrize(
    ("start", "days", "rule", "fragments", "absent"),
    [
        pytest.param(
            dt.date(2026, 12, 21),
            5,
            "D6 (M9)",
            [
                "Meeting held: Monday 21 December 2026",
                "Monday 21 December 2026",
                "Wednesday 30 December 2026",
                "Friday 25 December 2026",
                "Monday 28 December 2026",
            ],
            ["Saturday 26 December 2026", "Thursday 24 December 2026"],
            id="D6-M9-Christmas-2026-skips-listed",
        ),
        pytest.param(
            dt.date(2026, 3, 16),
            5,
            "D6 (M9)",
            ["Meeting held: Monday 16 March 2026", "Monday 23 March 2026", "weekends skipped"],
            ["bank holidays skipped", "Tuesday 17 March 2026"],
            id="D6-M9-St-Patricks-not-skipped",
        ),
    ],
)
def test_d6_m9_explain_add_working_days_lists_skipped_bank_holidays(start, days, rule, fragments, absent):
    """D6 (M9): the working lists the bank holidays skipped, and only those, in plain words (no rule id)."""
    computed = explain_add_working_days(start, days, rule=rule, lead="Meeting held")
    assert computed.value == add_working_days(start, days)
    assert rule not in computed.working
    for fragment in fragments:
        assert fragment in computed.working
    for fragment in absent:
        assert fragment not in computed.working


@pytest.mark.parametrize("days", [pytest.param(0, id="D6-zero"), pytest.param(-1, id="D6-negative")])
def test_d6_m9_add_working_days_rejects_an_empty_period(days):
    """D6 (M9): zero or negative working days is a ValueError."""
    with pytest.raises(ValueError, match="at least one working day"):
        add_working_days(dt.date(2026, 6, 12), days)


# --- D7 (C1–C3, M4): cadences ------------------------------------------------------------------------

ADD_MONTHS_CASES = [
    pytest.param(dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28), id="D7-31-Jan-2026-clamps-to-28-Feb"),
    pytest.param(dt.date(2028, 1, 31), 1, dt.date(2028, 2, 29), id="D7-31-Jan-2028-clamps-to-29-Feb"),
    pytest.param(
        dt.date(2027, 11, 30), 3, dt.date(2028, 2, 29), id="D7-C1-30-Nov-2027-plus-quarter-is-29-Feb"
    ),
    pytest.param(
        dt.date(2026, 11, 30), 3, dt.date(2027, 2, 28), id="D7-C1-30-Nov-2026-plus-quarter-is-28-Feb"
    ),
    pytest.param(dt.date(2026, 8, 31), 3, dt.date(2026, 11, 30), id="D7-C3-31-Aug-plus-quarter-is-30-Nov"),
    pytest.param(dt.date(2026, 10, 31), 4, dt.date(2027, 2, 28), id="D7-M4-31-Oct-plus-4-is-28-Feb"),
    pytest.param(dt.date(2026, 5, 31), 4, dt.date(2026, 9, 30), id="D7-M4-31-May-plus-4-is-30-Sep"),
    pytest.param(dt.date(2026, 9, 30), 4, dt.date(2027, 1, 30), id="D7-M4-30-Sep-keeps-day-30"),
    pytest.param(dt.date(2026, 3, 31), 6, dt.date(2026, 9, 30), id="D7-C2-31-Mar-plus-half-year"),
    pytest.param(dt.date(2026, 12, 31), 6, dt.date(2027, 6, 30), id="D7-C2-31-Dec-plus-half-year"),
    pytest.param(dt.date(2026, 12, 31), 2, dt.date(2027, 2, 28), id="D7-31-Dec-plus-2-is-28-Feb"),
    pytest.param(dt.date(2026, 12, 31), 12, dt.date(2027, 12, 31), id="D7-year-keeps-31-Dec"),
    pytest.param(dt.date(2026, 11, 15), 3, dt.date(2027, 2, 15), id="D7-mid-month-year-rollover"),
    pytest.param(dt.date(2028, 2, 29), 12, dt.date(2029, 2, 28), id="D7-29-Feb-plus-year-is-28-Feb"),
    pytest.param(dt.date(2028, 2, 29), 48, dt.date(2032, 2, 29), id="D7-29-Feb-plus-4-years-is-29-Feb"),
    pytest.param(dt.date(2027, 2, 28), 1, dt.date(2027, 3, 28), id="D7-28-Feb-plus-1-stays-28"),
]


@pytest.mark.parametrize(("start", "months", "expected"), ADD_MONTHS_CASES)
def test_d7_add_months_clamps_to_the_month_end(start, months, expected):
    """D7 (C1–C3, M4): same day N months later, or the last day of a shorter month."""
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("last", "months", "rule", "expected", "fragments", "clamped"),
    [
        pytest.param(
            dt.date(2027, 11, 30),
            3,
            "D7 (C1)",
            dt.date(2028, 2, 29),
            ["Last meeting Tuesday 30 November 2027", "+ 3 months", "Tuesday 29 February 2028"],
            True,
            id="D7-C1-quarterly-to-leap-day",
        ),
        pytest.param(
            dt.date(2026, 8, 31),
            6,
            "D7 (C2)",
            dt.date(2027, 2, 28),
            ["Last meeting Monday 31 August 2026", "+ 6 months", "Sunday 28 February 2027"],
            True,
            id="D7-C2-twice-a-year",
        ),
        pytest.param(
            dt.date(2027, 1, 15),
            3,
            "D7 (C3)",
            dt.date(2027, 4, 15),
            ["Last meeting Friday 15 January 2027", "Thursday 15 April 2027"],
            False,
            id="D7-C3-quarterly",
        ),
        pytest.param(
            dt.date(2027, 5, 31),
            4,
            "D7 (M4)",
            dt.date(2027, 9, 30),
            ["Last meeting Monday 31 May 2027", "+ 4 months", "Thursday 30 September 2027"],
            True,
            id="D7-M4-PPOG-three-a-year",
        ),
        pytest.param(
            dt.date(2026, 1, 31),
            1,
            "D7",
            dt.date(2026, 2, 28),
            ["+ 1 month =", "Saturday 31 January 2026", "Saturday 28 February 2026"],
            True,
            id="D7-one-month-singular",
        ),
    ],
)
def test_d7_cadence_next_due(last, months, rule, expected, fragments, clamped):
    """D7 (C1–C3, M4): the next standing meeting, with a working in plain words that never cites the rule id."""
    computed = cadence_next_due(last, months, rule=rule)
    assert computed.value == expected
    assert rule not in computed.working
    for fragment in fragments:
        assert fragment in computed.working
    assert ("its last day" in computed.working) is clamped


@pytest.mark.parametrize("months", [pytest.param(0, id="D7-zero"), pytest.param(-1, id="D7-negative")])
def test_d7_cadence_rejects_an_empty_period(months):
    """D7 (C1–C3): zero or negative months is a ValueError."""
    with pytest.raises(ValueError, match="at least one month"):
        cadence_next_due(dt.date(2026, 6, 12), months, rule="D7 (C1)")


# --- Boundaries: three instants each, with a frozen clock (no database) --------------------------------

BOUNDARIES = [
    # D1 (U3): publication 10:00 GMT Mon 26 Oct 2026; the embargo copy is due by 11:00 BST Sat 24 Oct.
    pytest.param(
        lambda: hours_before(london(2026, 10, 26, 10), 48),
        utc(2026, 10, 24, 10),
        id="D1-U3-48h-before-10GMT-26-Oct-2026",
    ),
    # D2 (U4): publication 10:00 BST Mon 30 Mar 2026; due by 10:00 BST Sun 29 Mar (the day the clocks go forward).
    pytest.param(
        lambda: hours_before(london(2026, 3, 30, 10), 24),
        utc(2026, 3, 29, 9),
        id="D2-U4-24h-before-10BST-30-Mar-2026",
    ),
    # D5 (U6): published Mon 31 Aug 2026; last day Sun 25 Oct 2026 (25-hour day); ends 00:00 GMT 26 Oct.
    pytest.param(
        lambda: explain_response_deadline(dt.date(2026, 8, 31)).value,
        utc(2026, 10, 26, 0),
        id="D5-U6-last-day-25-Oct-2026",
    ),
    # D5 (U6): published Mon 2 Feb 2026; last day Sun 29 Mar 2026 (23-hour day); ends 00:00 BST 30 Mar.
    pytest.param(
        lambda: explain_response_deadline(dt.date(2026, 2, 2)).value,
        utc(2026, 3, 29, 23),
        id="D5-U6-last-day-29-Mar-2026",
    ),
    # D6 (M9): meeting Mon 21 Dec 2026; due Wed 30 Dec 2026; overdue from 00:00 GMT Thu 31 Dec.
    pytest.param(
        lambda: end_of_day(add_working_days(dt.date(2026, 12, 21), 5)),
        utc(2026, 12, 31, 0),
        id="D6-M9-meeting-21-Dec-2026",
    ),
    # D6 (M9): meeting Mon 23 Mar 2026; due Mon 30 Mar 2026 (BST); overdue from 00:00 BST Tue 31 Mar.
    pytest.param(
        lambda: end_of_day(add_working_days(dt.date(2026, 3, 23), 5)),
        utc(2026, 3, 30, 23),
        id="D6-M9-meeting-23-Mar-2026",
    ),
]


@pytest.mark.parametrize(("boundary_of", "expected_boundary"), BOUNDARIES)
@pytest.mark.parametrize(
    ("offset", "reached"),
    [
        pytest.param(-ONE_SECOND, False, id="one-second-before"),
        pytest.param(dt.timedelta(0), True, id="at"),
        pytest.param(ONE_SECOND, True, id="one-second-after"),
    ],
)
def test_d1_d2_d5_d6_boundary_with_a_frozen_clock(boundary_of, expected_boundary, offset, reached):
    """D1 (U3), D2 (U4), D5 (U6), D6 (M9): a boundary is reached exactly at its instant, not a second before."""
    boundary = boundary_of()
    assert boundary == expected_boundary
    with time_machine.travel(boundary + offset, tick=False):
        now = timezone.now()
        assert now == expected_boundary + offset
        assert (now >= boundary) is reached
