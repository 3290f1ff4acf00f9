"""The calendar feed: a person's deadlines and the moments they plan around, as iCalendar.

Calendars show what they are given literally, so each event is shaped for them:
- a deadline due by the end of a day (stored as the first instant of the next London day) is an
  all-day event on its London date (`DTSTART;VALUE=DATE`), titled as due by the end of that day;
- a timed moment (an embargoed copy becoming available, publication at 09:30, a deadline at an
  hour) carries `TZID=Europe/London` with a VTIMEZONE, so it shows at the right wall-clock time on
  both sides of a clock change;
- every event has a stable UID and a SEQUENCE that rises when it moves; a deadline waived in the
  last `CANCELLED_KEPT` is sent as `STATUS:CANCELLED` so calendars that imported it remove it.

Deadlines belong to the core; the apps add their own moments through `register_calendar_source`
(called in their AppConfig.ready), each source answering through its own access module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Count, Q
from icalendar import Alarm, Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard

from hmicfrs_mou.deadlines import due_day
from hmicfrs_mou.models import Deadline, DeadlineState

LONDON = ZoneInfo("Europe/London")
# How long a waived deadline stays in the feed as cancelled, so a client that copied it removes it.
CANCELLED_KEPT = dt.timedelta(days=30)
# Moments further back than this are of no use in a calendar and only make the feed grow.
PAST_KEPT = dt.timedelta(days=60)
MAX_DEADLINES = 500


@dataclass(frozen=True)
class FeedEvent:
    """One event of the feed. `start` is a London date for an all-day event, else an aware moment."""

    uid: str
    summary: str
    start: dt.date | dt.datetime
    description: str = ""
    url: str = ""
    sequence: int = 0
    cancelled: bool = False
    # Timed events only: how long the event lasts (a moment, such as a publication, lasts 30 minutes
    # so that calendars draw it; a zero-length event is hidden by some clients).
    duration: dt.timedelta = dt.timedelta(minutes=30)

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, dt.datetime)


# A source answers (person, now) with the events that person may see at that moment.
CalendarSource = Callable[[object, dt.datetime], Iterable[FeedEvent]]
CALENDAR_SOURCES: dict[str, CalendarSource] = {}


def register_calendar_source(name: str, source: CalendarSource) -> CalendarSource:
    """Add (or replace, by name) a source of events; apps call it in ready()."""
    CALENDAR_SOURCES[name] = source
    return source


def is_end_of_day(moment: dt.datetime) -> bool:
    """A deadline "by the end of a day" is stored as midnight London at the start of the next day."""
    local = moment.astimezone(LONDON)
    return (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0)


def deadline_event(deadline: Deadline, *, changes: int = 0) -> FeedEvent:
    """A deadline as an event: all-day on its London date when due by the end of a day, else timed."""
    cancelled = deadline.state == DeadlineState.WAIVED
    if is_end_of_day(deadline.due_at):
        start: dt.date | dt.datetime = due_day(deadline.due_at)
        summary = f"Due by the end of the day: {deadline.title}"
    else:
        start = deadline.due_at
        summary = f"Due: {deadline.title}"
    if cancelled:
        summary = f"Cancelled: {deadline.title}"
    return FeedEvent(
        uid=f"deadline-{deadline.pk}@mou-portal",
        summary=summary,
        start=start,
        description=deadline.working,
        url=deadline.url,
        # Each recomputation that moved it is a revision; waiving it is one more.
        sequence=changes + (1 if cancelled else 0),
        cancelled=cancelled,
    )


def deadline_events(people: Iterable[object] | object, now: dt.datetime) -> list[FeedEvent]:
    """Live deadlines the people answer for or are told about, and those waived lately (as cancelled)."""
    people_q = (
        Q(parties__user__in=people) if isinstance(people, list | tuple | set) else Q(parties__user=people)
    )
    deadlines = (
        Deadline.objects.filter(people_q)
        .filter(
            # Open ones not long past, every overdue one, and those waived lately (sent as cancelled).
            Q(state=DeadlineState.OPEN, due_at__gte=now - PAST_KEPT)
            | Q(state=DeadlineState.MISSED)
            | Q(state=DeadlineState.WAIVED, state_changed_at__gte=now - CANCELLED_KEPT)
        )
        .annotate(revisions=Count("changes", distinct=True))
        .distinct()
        .order_by("due_at", "pk")[:MAX_DEADLINES]
    )
    return [deadline_event(deadline, changes=deadline.revisions) for deadline in deadlines]


def _alarm(event: FeedEvent, days_before: int) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", event.summary)
    if event.all_day:
        # At 09:00 on the day `days_before` days ahead, not at midnight.
        alarm.add("trigger", -dt.timedelta(days=days_before) + dt.timedelta(hours=9))
    else:
        alarm.add("trigger", -dt.timedelta(days=days_before))
    return alarm


def build_calendar(
    events: Iterable[FeedEvent],
    *,
    name: str,
    base_url: str,
    now: dt.datetime,
    alarm_days: int | None = None,
) -> bytes:
    """The iCalendar text of the events, with the VTIMEZONE of every zone used."""
    calendar = Calendar()
    calendar.add("prodid", "-//HMICFRS-APCC MOU portal//calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/London")
    # Before the events that name it, as clients that read in one pass expect.
    calendar.add_component(london_vtimezone())
    stamp = now.astimezone(dt.UTC)
    for item in sorted(events, key=lambda e: (_sort_key(e.start), e.uid)):
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("sequence", item.sequence)
        event.add("summary", item.summary)
        if isinstance(item.start, dt.datetime):
            start = item.start.astimezone(LONDON)
            event.add("dtstart", start)
            event.add("dtend", (start + item.duration).astimezone(LONDON))
        else:
            event.add("dtstart", item.start)
            event.add("dtend", item.start + dt.timedelta(days=1))
            # An all-day deadline is not time the person is busy.
            event.add("transp", "TRANSPARENT")
        link = f"{base_url}{item.url}" if item.url else ""
        event.add("description", "\n".join(part for part in (item.description, link) if part))
        if link:
            event.add("url", link)
        event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        if alarm_days and not item.cancelled:
            event.add_component(_alarm(item, alarm_days))
        calendar.add_component(event)
    body: bytes = calendar.to_ical()
    return body


def london_vtimezone() -> Timezone:
    """Europe/London as calendars publish it: two yearly rules (the UK's since 1996), valid for any
    year. (icalendar's generated zone lists each change up to 2038 as dates, which some parsers misread.)"""
    zone = Timezone()
    zone.add("tzid", "Europe/London")
    summer = TimezoneDaylight()
    summer.add("tzname", "BST")
    summer.add("tzoffsetfrom", dt.timedelta(0))
    summer.add("tzoffsetto", dt.timedelta(hours=1))
    # A VTIMEZONE's DTSTART is local time without a zone (RFC 5545 3.6.5): naive on purpose.
    summer.add("dtstart", dt.datetime(1996, 3, 31, 1, 0))  # noqa: DTZ001
    summer.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1SU"})
    winter = TimezoneStandard()
    winter.add("tzname", "GMT")
    winter.add("tzoffsetfrom", dt.timedelta(hours=1))
    winter.add("tzoffsetto", dt.timedelta(0))
    winter.add("dtstart", dt.datetime(1996, 10, 27, 2, 0))  # noqa: DTZ001
    winter.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1SU"})
    zone.add_component(summer)
    zone.add_component(winter)
    return zone


def _sort_key(start: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(start, dt.datetime):
        return start.astimezone(dt.UTC)
    return dt.datetime.combine(start, dt.time(), tzinfo=LONDON).astimezone(dt.UTC)


def person_events(user: object, now: dt.datetime) -> list[FeedEvent]:
    """Everything the person's own feed carries: their deadlines and each source's moments."""
    events = deadline_events(user, now)
    for source in CALENDAR_SOURCES.values():
        events.extend(source(user, now))
    return _unique(events)


def organisation_events(user: object, people: list[object], now: dt.datetime) -> list[FeedEvent]:
    """An organisation's feed: the deadlines of everyone acting for it, and the moments the reader may see."""
    events = deadline_events(people, now)
    for source in CALENDAR_SOURCES.values():
        events.extend(source(user, now))
    return _unique(events)


def _unique(events: list[FeedEvent]) -> list[FeedEvent]:
    seen: dict[str, FeedEvent] = {}
    for event in events:
        seen.setdefault(event.uid, event)
    return list(seen.values())


def revision(moment: dt.datetime | None) -> int:
    """A SEQUENCE for a moment kept on a record without a history of changes: minutes since 2020
    of its last change, so it rises whenever the record moves and never goes back."""
    if moment is None:
        return 0
    return max(0, int((moment - dt.datetime(2020, 1, 1, tzinfo=dt.UTC)).total_seconds() // 60))


__all__ = [
    "CALENDAR_SOURCES",
    "FeedEvent",
    "build_calendar",
    "deadline_events",
    "organisation_events",
    "person_events",
    "register_calendar_source",
]
