"""The calendar feed read back by an independent parser (vobject, not the icalendar that wrote it).

What a calendar shows is asserted as Europe/London wall-clock dates and times: all-day events for
deadlines due by the end of a day, timed events with TZID=Europe/London across the clock change,
SEQUENCE rising when a deadline moves, cancellation, alerts as chosen, revocation and the audit of
every use of an address.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
import vobject
from django.urls import reverse

from contacts.models import Role
from hmicfrs_mou.deadlines import LONDON, Computed, end_of_day
from hmicfrs_mou.models import AuditAction, AuditEvent, CalendarAlarm, DeadlineState, Preferences
from hmicfrs_mou.reminders import deadline_close, deadline_register
from tests.conftest import make_person, office_of

pytestmark = pytest.mark.django_db

CREATED = dt.datetime(2027, 1, 4, 9, tzinfo=LONDON)
NOW = dt.datetime(2027, 1, 11, 9, tzinfo=LONDON)


def _deadline(user, *, key="feed:1", due=None, title="Response to the report", created=CREATED, informed=()):
    return deadline_register(
        kind="cadence_c3",
        subject_type="tests.subject",
        subject_id=1,
        key=key,
        title=title,
        due=due
        or Computed(end_of_day(dt.date(2027, 1, 14)), "56 days beginning with the day of publication"),
        subject_created_at=created,
        responsible=[user],
        informed=list(informed),
        url="/deadlines/",
        now=created,
    )


def _address(client_for, user) -> str:
    client_for(user).post(reverse("calendar-regenerate"))
    user.refresh_from_db()
    return user.calendar_token


def _feed(client_for, token: str, at: dt.datetime = NOW, name: str = "calendar-feed", **kwargs):
    with time_machine.travel(at, tick=False):
        response = client_for(None).get(reverse(name, kwargs={"token": token, **kwargs}))
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    return vobject.readOne(response.content.decode())


def _events(calendar) -> dict[str, object]:
    return {str(event.uid.value): event for event in calendar.contents.get("vevent", [])}


def test_d5_a_deadline_due_by_the_end_of_a_day_is_an_all_day_event_on_that_london_date(client_for, hmi_a):
    """The issue's case: due by the end of Thursday 14 January 2027 shows on the 14th, not the 15th."""
    deadline = _deadline(hmi_a)
    event = _events(_feed(client_for, _address(client_for, hmi_a)))[f"deadline-{deadline.pk}@mou-portal"]
    assert event.dtstart.value == dt.date(2027, 1, 14)
    assert not isinstance(event.dtstart.value, dt.datetime)
    assert event.dtend.value == dt.date(2027, 1, 15)
    assert event.summary.value == "Due by the end of the day: Response to the report"
    assert event.status.value == "CONFIRMED"
    assert event.transp.value == "TRANSPARENT"
    assert "http://testserver/deadlines/" in event.description.value
    assert event.url.value == "http://testserver/deadlines/"


@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [
        (dt.date(2027, 3, 26), 9),  # Friday before the clocks go forward: GMT
        (dt.date(2027, 3, 29), 8),  # Monday after: BST, the same 09:30 on the wall clock
        (dt.date(2027, 10, 29), 8),  # Friday before they go back: BST
        (dt.date(2027, 11, 1), 9),  # Monday after: GMT
    ],
)
def test_d1_a_timed_moment_shows_at_its_london_wall_clock_time_on_both_sides_of_a_clock_change(
    client_for, hmi_a, day, utc_hour
):
    moment = dt.datetime.combine(day, dt.time(9, 30), tzinfo=LONDON)
    deadline = _deadline(hmi_a, due=Computed(moment, "48 hours before publication"))
    calendar = _feed(client_for, _address(client_for, hmi_a), at=CREATED + dt.timedelta(days=1))
    event = _events(calendar)[f"deadline-{deadline.pk}@mou-portal"]
    # vobject resolves TZID against the feed's VTIMEZONE and keeps the name it found.
    assert event.dtstart.params["X-VOBJ-ORIGINAL-TZID"] == ["Europe/London"]
    shown = event.dtstart.value
    assert (shown.astimezone(LONDON).date(), shown.astimezone(LONDON).time()) == (day, dt.time(9, 30))
    assert shown.astimezone(dt.UTC).hour == utc_hour
    assert event.dtend.value - event.dtstart.value == dt.timedelta(minutes=30)
    assert event.summary.value == "Due: Response to the report"
    # The zone's rules travel with the feed, so clients without a zone database agree.
    timezones = [str(tz.tzid.value) for tz in calendar.contents["vtimezone"]]
    assert timezones == ["Europe/London"]


def test_an_all_day_deadline_on_the_day_the_clocks_change_stays_on_its_day(client_for, hmi_a):
    deadline = _deadline(hmi_a, due=Computed(end_of_day(dt.date(2027, 3, 28)), "working"))
    event = _events(_feed(client_for, _address(client_for, hmi_a)))[f"deadline-{deadline.pk}@mou-portal"]
    assert (event.dtstart.value, event.dtend.value) == (dt.date(2027, 3, 28), dt.date(2027, 3, 29))


def test_sequence_rises_each_time_a_deadline_moves_and_the_uid_stays(client_for, hmi_a):
    deadline = _deadline(hmi_a)
    token = _address(client_for, hmi_a)
    uid = f"deadline-{deadline.pk}@mou-portal"
    assert int(_events(_feed(client_for, token))[uid].sequence.value) == 0
    _deadline(
        hmi_a,
        due=Computed(end_of_day(dt.date(2027, 1, 21)), "moved"),
        created=CREATED + dt.timedelta(hours=1),
    )
    moved = _events(_feed(client_for, token))[uid]
    assert (moved.dtstart.value, int(moved.sequence.value)) == (dt.date(2027, 1, 21), 1)
    _deadline(
        hmi_a,
        due=Computed(end_of_day(dt.date(2027, 1, 22)), "moved"),
        created=CREATED + dt.timedelta(hours=2),
    )
    assert int(_events(_feed(client_for, token))[uid].sequence.value) == 2


def test_a_waived_deadline_is_sent_as_cancelled_for_thirty_days_then_leaves(client_for, hmi_a):
    deadline = _deadline(hmi_a)
    token = _address(client_for, hmi_a)
    uid = f"deadline-{deadline.pk}@mou-portal"
    deadline_close(deadline=deadline, state=DeadlineState.WAIVED, reason="Report withdrawn.", now=NOW)
    event = _events(_feed(client_for, token, at=NOW + dt.timedelta(days=29)))[uid]
    assert event.status.value == "CANCELLED"
    assert int(event.sequence.value) == 1
    assert event.summary.value == "Cancelled: Response to the report"
    assert "valarm" not in event.contents
    assert uid not in _events(_feed(client_for, token, at=NOW + dt.timedelta(days=31)))


def test_a_met_deadline_leaves_the_feed(client_for, hmi_a):
    deadline = _deadline(hmi_a)
    token = _address(client_for, hmi_a)
    deadline_close(deadline=deadline, state=DeadlineState.MET, now=NOW)
    assert f"deadline-{deadline.pk}@mou-portal" not in _events(_feed(client_for, token))


def test_only_my_deadlines_are_in_my_feed(client_for, hmi_a, other_hmi):
    mine = _deadline(hmi_a)
    theirs = _deadline(other_hmi, key="feed:theirs", title="Not mine")
    events = _events(_feed(client_for, _address(client_for, hmi_a)))
    assert f"deadline-{mine.pk}@mou-portal" in events
    assert f"deadline-{theirs.pk}@mou-portal" not in events


@pytest.mark.parametrize(
    ("choice", "all_day_trigger", "timed_trigger"),
    [
        (CalendarAlarm.ONE_DAY, -dt.timedelta(hours=15), -dt.timedelta(days=1)),
        (CalendarAlarm.TWO_DAYS, -dt.timedelta(days=1, hours=15), -dt.timedelta(days=2)),
        (CalendarAlarm.ONE_WEEK, -dt.timedelta(days=6, hours=15), -dt.timedelta(days=7)),
        (CalendarAlarm.NONE, None, None),
    ],
)
def test_alerts_are_as_the_person_chose_on_the_calendar_page(
    client_for, hmi_a, choice, all_day_trigger, timed_trigger
):
    all_day = _deadline(hmi_a)
    timed = _deadline(
        hmi_a, key="feed:timed", due=Computed(dt.datetime(2027, 1, 20, 9, 30, tzinfo=LONDON), "timed")
    )
    client = client_for(hmi_a)
    page = client.post(reverse("calendar-settings"), {"calendar_alarm_days": str(choice.value)})
    assert page.status_code == 302
    assert Preferences.objects.get(user=hmi_a).calendar_alarm_days == choice
    events = _events(_feed(client_for, _address(client_for, hmi_a)))
    for deadline, trigger in ((all_day, all_day_trigger), (timed, timed_trigger)):
        event = events[f"deadline-{deadline.pk}@mou-portal"]
        if trigger is None:
            assert "valarm" not in event.contents
        else:
            assert event.valarm.trigger.value == trigger
            assert event.valarm.action.value == "DISPLAY"


def test_an_unknown_alert_choice_is_refused_and_nothing_saved(client_for, hmi_a):
    page = client_for(hmi_a).post(reverse("calendar-settings"), {"calendar_alarm_days": "3"})
    assert page.status_code == 200
    assert "Select a valid choice" in page.content.decode()
    assert not Preferences.objects.filter(user=hmi_a).exists()


def test_the_default_alert_is_one_day_before(client_for, hmi_a):
    deadline = _deadline(hmi_a)
    event = _events(_feed(client_for, _address(client_for, hmi_a)))[f"deadline-{deadline.pk}@mou-portal"]
    assert event.valarm.trigger.value == -dt.timedelta(hours=15)  # 09:00 the day before


def test_every_use_of_an_address_is_audited_and_a_turned_off_address_answers_404(client_for, hmi_a):
    token = _address(client_for, hmi_a)
    before = AuditEvent.objects.filter(action=AuditAction.CALENDAR_FEED, actor=hmi_a).count()
    _feed(client_for, token)
    _feed(client_for, token)
    uses = AuditEvent.objects.filter(action=AuditAction.CALENDAR_FEED, actor=hmi_a)
    assert uses.count() == before + 2
    assert uses.first().ip_address == "127.0.0.1"
    assert client_for(hmi_a).post(reverse("calendar-revoke")).status_code == 302
    hmi_a.refresh_from_db()
    assert hmi_a.calendar_token == ""
    denied = AuditEvent.objects.filter(action=AuditAction.DENIED, object_type="calendar_feed").count()
    assert client_for(None).get(reverse("calendar-feed", kwargs={"token": token})).status_code == 404
    assert (
        AuditEvent.objects.filter(action=AuditAction.DENIED, object_type="calendar_feed").count()
        == denied + 1
    )
    page = client_for(hmi_a).get(reverse("calendar-settings")).content.decode()
    assert "Make my calendar address" in page


def test_revoke_and_new_address_are_post_only(client_for, hmi_a):
    assert client_for(hmi_a).get(reverse("calendar-revoke")).status_code == 405


def test_an_organisation_feed_carries_colleagues_deadlines_for_those_acting_for_it(
    client_for, force_a, pcc_office_a, pcc_office_b
):
    colleague = make_person("opcc_colleague_a", office_of(force_a), Role.OPCC_STAFF)
    theirs = _deadline(colleague, key="feed:colleague")
    elsewhere = _deadline(pcc_office_b, key="feed:elsewhere")
    token = _address(client_for, pcc_office_a)
    page = client_for(pcc_office_a).get(reverse("calendar-settings")).content.decode()
    office = office_of(force_a)
    assert f"/calendar/{token}/organisation/{office.pk}.ics" in page
    events = _events(_feed(client_for, token, name="calendar-feed-organisation", organisation=office.pk))
    assert f"deadline-{theirs.pk}@mou-portal" in events
    assert f"deadline-{elsewhere.pk}@mou-portal" not in events
    # Not acting for force B's office: 404, recorded.
    b_office = pcc_office_b.appointments.first().organisation
    with time_machine.travel(NOW, tick=False):
        refused = client_for(None).get(
            reverse("calendar-feed-organisation", kwargs={"token": token, "organisation": b_office.pk})
        )
    assert refused.status_code == 404
    assert AuditEvent.objects.filter(
        action=AuditAction.DENIED, actor=pcc_office_a, object_type="calendar_feed", object_id=str(b_office.pk)
    ).exists()
