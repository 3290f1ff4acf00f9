"""Pages and channels of the deadline engine: my deadlines, inbox, calendar feed, health, Notify, schedules."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.mail import EmailMessage
from django.urls import reverse
from django_q.models import Schedule
from icalendar import Calendar

from contacts.models import MeetingKind, User
from contacts.services import meeting_record
from hmicfrs_mou.deadlines import LONDON, Computed, end_of_day
from hmicfrs_mou.models import Deadline, InboxMessage, SweepRun
from hmicfrs_mou.notify import NotifyEmailBackend
from hmicfrs_mou.permissions import Perm
from hmicfrs_mou.reminders import deadline_register, sweep
from hmicfrs_mou.schedules import SCHEDULES, install_schedules
from tests.conftest import office_of

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 1, 9, tzinfo=LONDON)


def _deadline(
    user, *, key="page:1", due_day=dt.date(2026, 6, 20), title="Written follow-up (M9)", created=None
):
    created = created or NOW - dt.timedelta(days=30)
    return deadline_register(
        kind="cadence_c3",
        subject_type="tests.subject",
        subject_id=1,
        key=key,
        title=title,
        due=Computed(end_of_day(due_day), "D6: meeting Monday 15 June 2026 + 5 working days"),
        subject_created_at=created,
        responsible=[user],
        url="/meetings/cadences/",
        now=created,
    )


@time_machine.travel(NOW, tick=False)
def test_my_deadlines_shows_coming_up_overdue_and_done_with_the_working(client_for, hmi_a, other_hmi):
    _deadline(hmi_a)
    _deadline(hmi_a, key="page:2", due_day=dt.date(2026, 5, 20), title="Late letter")
    _deadline(other_hmi, key="page:3", title="Someone else's")
    client = client_for(hmi_a)
    soon = client.get(reverse("my-deadlines")).content.decode()
    assert "Written follow-up (M9)" in soon
    assert "D6: meeting Monday 15 June 2026 + 5 working days" in soon
    assert "Late letter" not in soon
    assert "Someone else" not in soon
    overdue = client.get(reverse("my-deadlines"), {"show": "overdue"}).content.decode()
    assert "Late letter" in overdue
    assert "Overdue (1)" in overdue


def test_meeting_recorded_moves_the_pairs_deadline_and_both_parties_are_on_it(
    hmi_a, hmicfrs, force_a, pcc_office_a
):
    from contacts.models import Role
    from contacts.services import appointment_start

    chief_executive = pcc_office_a
    appointment_start(
        person=chief_executive,
        organisation=office_of(force_a),
        role=Role.OPCC_CHIEF_EXECUTIVE,
        starts_on=dt.date(2025, 7, 3),
    )
    meeting_record(
        kind=MeetingKind.HMI_PCC_FORMAL,
        held_on=dt.date(2026, 3, 10),
        subject=force_a,
        by=hmi_a,
        now=dt.datetime(2026, 3, 10, 17, tzinfo=dt.UTC),
    )
    deadline = Deadline.objects.get(kind="cadence_c2", key=f"hmi_pcc_formal:{force_a.pk}")
    assert deadline.due_at == end_of_day(dt.date(2026, 9, 10))
    assert "Last meeting Tuesday 10 March 2026 + 6 months" in deadline.working
    assert set(deadline.parties.values_list("user__username", flat=True)) >= {"hmi_a", "pcc_office_a"}


@time_machine.travel(NOW, tick=False)
def test_inbox_counts_unread_and_marks_read(client_for, hmi_a):
    # Registered at 07:00 on 1 June: only the reminder one day ahead (08:00) is owed by 09:00.
    _deadline(hmi_a, due_day=dt.date(2026, 6, 2), created=NOW - dt.timedelta(hours=2))
    sweep(now=NOW)
    client = client_for(hmi_a)
    home = client.get(reverse("my-deadlines")).content.decode()
    assert 'app-nav-count">1<' in home
    message = InboxMessage.objects.get(user=hmi_a)
    page = client.get(reverse("inbox-message", kwargs={"pk": message.pk})).content.decode()
    assert "Written follow-up (M9) is due in 1 day" in page
    message.refresh_from_db()
    assert message.read_at is not None


def test_someone_elses_inbox_message_is_404(client_for, hmi_a, other_hmi):
    message = InboxMessage.objects.create(user=hmi_a, subject="Private", body="x")
    assert client_for(other_hmi).get(reverse("inbox-message", kwargs={"pk": message.pk})).status_code == 404


def test_calendar_feed_lists_only_my_live_deadlines_and_a_new_address_stops_the_old(
    client_for, hmi_a, other_hmi
):
    _deadline(hmi_a)
    _deadline(other_hmi, key="page:9", title="Not mine")
    client = client_for(hmi_a)
    assert client.post(reverse("calendar-regenerate")).status_code == 302
    hmi_a.refresh_from_db()
    old = hmi_a.calendar_token
    with time_machine.travel(NOW, tick=False):
        feed = client_for(None).get(reverse("calendar-feed", kwargs={"token": old}))
    assert feed["Content-Type"].startswith("text/calendar")
    events = [c for c in Calendar.from_ical(feed.content).walk("VEVENT")]
    assert [str(e["summary"]) for e in events] == ["Due by the end of the day: Written follow-up (M9)"]
    # Due by the end of 20 June: an all-day event on that London date.
    assert events[0].decoded("dtstart") == dt.date(2026, 6, 20)
    client.post(reverse("calendar-regenerate"))
    assert client_for(None).get(reverse("calendar-feed", kwargs={"token": old})).status_code == 404


def test_calendar_feed_refuses_a_guessed_token(client_for, hmi_a):
    assert client_for(None).get(reverse("calendar-feed", kwargs={"token": "short"})).status_code == 404
    assert client_for(None).get(reverse("calendar-feed", kwargs={"token": "x" * 43})).status_code == 404


def test_calendar_regenerate_is_post_only(client_for, hmi_a):
    assert client_for(hmi_a).get(reverse("calendar-regenerate")).status_code == 405


@pytest.mark.parametrize(("minutes_ago", "stale"), [(1, False), (2, False), (4, True)])
def test_health_page_shows_a_stopped_sweep_within_minutes(client_for, hmicfrs_staff, minutes_ago, stale):
    SweepRun.objects.create(
        started_at=NOW - dt.timedelta(minutes=minutes_ago),
        finished_at=NOW - dt.timedelta(minutes=minutes_ago),
    )
    with time_machine.travel(NOW, tick=False):
        page = client_for(hmicfrs_staff).get(reverse("health")).content.decode()
    assert ("The reminder sweep is not running" in page) is stale


def test_health_page_is_for_hmicfrs_and_admins(client_for, pcc_office_a, admin_user):
    """Being a superuser opens no portal page; an administrator is granted the page's permission."""
    assert client_for(pcc_office_a).get(reverse("health")).status_code == 403
    assert client_for(admin_user).get(reverse("health")).status_code == 403
    admin_user.user_permissions.add(
        Permission.objects.get(
            codename=Perm.VIEW_SERVICE_HEALTH.codename, content_type__app_label="hmicfrs_mou"
        )
    )
    assert client_for(User.objects.get(pk=admin_user.pk)).get(reverse("health")).status_code == 200


def test_notify_backend_sends_with_the_ledger_reference():
    client = mock.Mock()
    backend = NotifyEmailBackend(client=client)
    backend.template_id = "template-1"
    message = EmailMessage(
        "Subject", "Body", to=["a@example.invalid"], headers={"X-Reference": "reminder-42"}
    )
    assert backend.send_messages([message]) == 1
    client.send_email_notification.assert_called_once_with(
        email_address="a@example.invalid",
        template_id="template-1",
        personalisation={"subject": "Subject", "body": "Body", "link": ""},
        reference="reminder-42",
    )


def test_notify_backend_raises_so_the_engine_can_retry():
    client = mock.Mock()
    client.send_email_notification.side_effect = ConnectionError("Notify is down")
    backend = NotifyEmailBackend(client=client)
    with pytest.raises(ConnectionError):
        backend.send_messages([EmailMessage("S", "B", to=["a@example.invalid"])])


def test_notify_backend_needs_its_settings(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.NOTIFY_API_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="NOTIFY_API_KEY"):
        NotifyEmailBackend()


def test_schedules_install_idempotently_and_catch_up_is_off():
    install_schedules()
    install_schedules()
    assert set(Schedule.objects.values_list("name", flat=True)) == set(SCHEDULES)
    sweep_schedule = Schedule.objects.get(name="reminder-sweep")
    assert (sweep_schedule.func, sweep_schedule.schedule_type, sweep_schedule.minutes) == (
        "hmicfrs_mou.tasks.sweep_reminders",
        Schedule.MINUTES,
        1,
    )
    assert settings.Q_CLUSTER["catch_up"] is False
    assert settings.Q_CLUSTER["timeout"] < settings.Q_CLUSTER["retry"]


def test_the_sweep_task_sends_through_django_q_sync(hmi_a):
    from django_q.tasks import async_task

    _deadline(hmi_a, due_day=dt.date(2026, 6, 2), created=NOW - dt.timedelta(hours=2))
    with time_machine.travel(NOW, tick=False):
        async_task("hmicfrs_mou.tasks.sweep_reminders", sync=True)
    assert len(mail.outbox) == 1
