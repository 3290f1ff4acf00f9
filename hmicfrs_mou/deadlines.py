"""The calendar: one pure function per deadline rule (DESIGN.md D1–D7).

No ORM here. Every function takes the reference moment or date it counts from,
so callers and tests decide "now". Times are Europe/London; moments are aware.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class Computed:
    """A computed date with the working that produced it, shown beside it on every page."""

    value: dt.date
    working: str


def _fmt(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def add_months(start: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day where that day does not exist."""
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day)


def cadence_next_due(last: dt.date, months: int, *, rule: str) -> Computed:
    """D7: a standing meeting is next due `months` after the last one (C1–C3, M4)."""
    if months <= 0:
        raise ValueError("A meeting cadence needs a period of at least one month.")
    due = add_months(last, months)
    return Computed(
        due,
        f"{rule}: last meeting {_fmt(last)} + {months} month{'s' if months != 1 else ''} = {_fmt(due)}"
        + (" (the month is shorter, so its last day)" if due.day != last.day else ""),
    )
