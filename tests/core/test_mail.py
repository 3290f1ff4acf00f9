"""Email as mail clients read it: every message parsed back with Python's `email` package.

Reminders, notices and the morning email each carry a stable Message-ID, `Auto-Submitted:
auto-generated` (RFC 3834), a List-Id per kind, and plain-text and HTML parts that both carry the
link to the record. Notices are emailed once, through claim and lease; the morning email goes
from 08:00 London with everything that waited, and never the reminders on the day or overdue.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from hmicfrs_mou.deadlines import LONDON, Computed, end_of_day
from hmicfrs_mou.inbox import inbox_send
from hmicfrs_mou.models import EmailState, InboxMessage, Preferences
from hmicfrs_mou.outbox import CLAIM_LEASE, MAX_ATTEMPTS, outbox_send
from hmicfrs_mou.reminders import deadline_register, sweep

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2027, 3, 29, 7, 0, tzinfo=LONDON)  # BST since Sunday


def parsed(message) -> email.message.EmailMessage:
    """The message as a mail client receives it (bytes on the wire), parsed by the standard library."""
    return email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)


def parts(received: email.message.EmailMessage) -> tuple[str, str]:
    plain = received.get_body(preferencelist=("plain",)).get_content()
    html = received.get_body(preferencelist=("html",)).get_content()
    return plain, html


def assert_automatic(received: email.message.EmailMessage, *, message_id: str, list_atom: str) -> None:
    assert received["Message-ID"] == message_id
    assert received["Auto-Submitted"] == "auto-generated"
    assert received["X-Auto-Response-Suppress"] == "All"
    assert re.fullmatch(rf'"[^"]+" <{re.escape(list_atom)}\.mou-portal\.invalid>', str(received["List-Id"]))
    assert received.get_content_type() == "multipart/alternative"


def register(
    user, *, due: dt.datetime, key: str = "mail:1", created: dt.datetime = MONDAY - dt.timedelta(days=20)
):
    return deadline_register(
        kind="cadence_c3",
        subject_type="tests.subject",
        subject_id=1,
        key=key,
        title="Send the written follow-up",
        due=Computed(due, "meeting on Monday 22 March 2027 and five working days"),
        subject_created_at=created,
        responsible=[user],
        url="/deadlines/",
        now=created,
    )


@pytest.fixture
def portal_url(settings):
    settings.PORTAL_BASE_URL = "https://mou-portal.invalid"


def test_d6_a_reminder_email_is_automatic_with_both_parts_linking_to_the_record(hmi_a, portal_url):
    deadline = register(
        hmi_a, due=dt.datetime(2027, 3, 30, 9, 30, tzinfo=LONDON), created=MONDAY - dt.timedelta(hours=12)
    )
    sweep(now=MONDAY + dt.timedelta(hours=1))  # 08:00: the reminder a day ahead (due Tuesday 09:30)
    assert len(mail.outbox) == 1
    received = parsed(mail.outbox[0])
    reminder = deadline.reminders.get()
    assert_automatic(
        received, message_id=f"<reminder-{reminder.pk}@mou-portal.invalid>", list_atom="reminders-cadence-c3"
    )
    plain, html = parts(received)
    for part in (plain, html):
        assert "https://mou-portal.invalid/deadlines/" in part
        # A time names its zone.
        assert "30 March 2027, 09:30 BST" in part
    assert received["To"] == "hmi_a@example.invalid"


def test_a_notice_is_emailed_once_with_its_own_message_id(hmi_a, portal_url):
    inbox_send(
        [hmi_a], "Embargoed copy available", "Read it before Tuesday.", "/inspections/my-area/", MONDAY
    )
    notice = InboxMessage.objects.get(user=hmi_a)
    assert notice.email_state == EmailState.PENDING
    assert outbox_send(MONDAY) == {"notices": 1, "morning_emails": 0}
    assert outbox_send(MONDAY + dt.timedelta(minutes=1)) == {"notices": 0, "morning_emails": 0}
    assert len(mail.outbox) == 1
    received = parsed(mail.outbox[0])
    assert_automatic(
        received, message_id=f"<notice-{notice.pk}@mou-portal.invalid>", list_atom="notices-notice"
    )
    assert received["Subject"] == "Embargoed copy available"
    plain, html = parts(received)
    for part in (plain, html):
        assert "https://mou-portal.invalid/inspections/my-area/" in part
        assert "Read it before Tuesday." in part
    notice.refresh_from_db()
    assert (notice.email_state, notice.emailed_at) == (EmailState.SENT, MONDAY)


def test_a_person_without_an_email_address_is_told_in_the_portal_only(hmi_a):
    hmi_a.email = ""
    hmi_a.save()
    inbox_send([hmi_a], "Notice", "Body", "", MONDAY)
    assert InboxMessage.objects.get(user=hmi_a).email_state == EmailState.NONE
    outbox_send(MONDAY)
    assert mail.outbox == []


def test_a_lapsed_claim_is_sent_again_with_the_same_message_id_over_smtp(hmi_a):
    inbox_send([hmi_a], "Notice", "Body", "", MONDAY)
    notice = InboxMessage.objects.get(user=hmi_a)
    # A worker claimed it, tried once and died before marking it.
    InboxMessage.objects.filter(pk=notice.pk).update(
        email_state=EmailState.SENDING, email_claim="dead", email_claimed_at=MONDAY, email_attempts=1
    )
    assert outbox_send(MONDAY + CLAIM_LEASE - dt.timedelta(seconds=1))["notices"] == 0
    assert outbox_send(MONDAY + CLAIM_LEASE + dt.timedelta(seconds=1))["notices"] == 1
    assert parsed(mail.outbox[0])["Message-ID"].startswith(f"<notice-{notice.pk}@")


def test_a_lapsed_claim_that_notify_says_arrived_is_not_sent_again(hmi_a):
    inbox_send([hmi_a], "Notice", "Body", "", MONDAY)
    notice = InboxMessage.objects.get(user=hmi_a)
    InboxMessage.objects.filter(pk=notice.pk).update(
        email_state=EmailState.SENDING, email_claim="dead", email_claimed_at=MONDAY, email_attempts=1
    )
    backend = mock.Mock()
    backend.sent_with_reference.return_value = True
    with mock.patch("hmicfrs_mou.outbox.get_connection", return_value=backend):
        outbox_send(MONDAY + CLAIM_LEASE + dt.timedelta(seconds=1))
    backend.sent_with_reference.assert_called_once_with(f"notice-{notice.pk}")
    backend.send_messages.assert_not_called()
    notice.refresh_from_db()
    assert notice.email_state == EmailState.SENT


def test_a_notice_the_mail_service_refuses_is_retried_then_recorded_as_failed(hmi_a):
    inbox_send([hmi_a], "Notice", "Body", "", MONDAY)
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=OSError("down")
    ):
        for minute in range(MAX_ATTEMPTS):
            outbox_send(MONDAY + dt.timedelta(minutes=minute))
    notice = InboxMessage.objects.get(user=hmi_a)
    assert (notice.email_state, notice.email_attempts) == (EmailState.FAILED, MAX_ATTEMPTS)
    outbox_send(MONDAY + dt.timedelta(minutes=10))
    assert mail.outbox == []


def test_the_morning_email_gathers_notices_and_early_reminders_and_goes_at_eight(hmi_a, portal_url):
    Preferences.objects.create(user=hmi_a, daily_digest=True)
    inbox_send([hmi_a], "First notice", "Before eight.", "/inspections/1/", MONDAY - dt.timedelta(hours=10))
    # Due Wednesday 31 March: the reminder 7 days ahead joins the morning email (the worker's first
    # morning run after it is Monday's).
    early = register(
        hmi_a,
        due=end_of_day(dt.date(2027, 3, 31)),
        key="mail:early",
        created=dt.datetime(2027, 3, 20, 9, tzinfo=LONDON),
    )
    sweep(now=dt.datetime(2027, 3, 24, 8, 1, tzinfo=LONDON))  # the 7-day reminder, on the Wednesday before
    assert mail.outbox == []  # early reminders wait for the morning email
    assert outbox_send(MONDAY)["morning_emails"] == 0  # 07:00: not yet
    assert mail.outbox == []
    assert outbox_send(MONDAY + dt.timedelta(hours=1)) == {"notices": 0, "morning_emails": 1}
    assert len(mail.outbox) == 1
    received = parsed(mail.outbox[0])
    assert_automatic(
        received, message_id=f"<digest-{hmi_a.pk}-20270329@mou-portal.invalid>", list_atom="morning-email"
    )
    assert received["Subject"] == "MOU portal: 2 updates for 29 March 2027"
    plain, html = parts(received)
    for part in (plain, html):
        assert "First notice" in part
        assert "https://mou-portal.invalid/inspections/1/" in part
        assert "Send the written follow-up is due in 7 days" in part
        assert "https://mou-portal.invalid/inbox/email/" in part
    # Nothing is sent twice.
    outbox_send(MONDAY + dt.timedelta(hours=2))
    assert len(mail.outbox) == 1
    assert early.reminders.filter(step="before-7d").get().status == "sent"


def test_the_morning_email_never_holds_back_a_reminder_on_the_day_or_overdue(hmi_a):
    Preferences.objects.create(user=hmi_a, daily_digest=True)
    register(
        hmi_a, due=end_of_day(dt.date(2027, 3, 29)), key="mail:today", created=MONDAY - dt.timedelta(hours=1)
    )
    sweep(now=MONDAY + dt.timedelta(hours=1, minutes=1))  # 08:01: the reminder on the day
    assert [parsed(m)["Subject"] for m in mail.outbox] == ["Send the written follow-up is due today"]


def test_something_arriving_after_eight_waits_for_the_next_morning(hmi_a):
    Preferences.objects.create(user=hmi_a, daily_digest=True)
    inbox_send([hmi_a], "Late notice", "After eight.", "", MONDAY + dt.timedelta(hours=2))
    assert outbox_send(MONDAY + dt.timedelta(hours=3))["morning_emails"] == 0
    assert outbox_send(MONDAY + dt.timedelta(days=1, hours=1))["morning_emails"] == 1


def test_the_email_choice_page_saves_and_refuses_nonsense(client_for, hmi_a):
    client = client_for(hmi_a)
    page = client.get(reverse("email-settings")).content.decode()
    assert "One email each morning at 8am" in page
    refused = client.post(reverse("email-settings"), {"daily_digest": "sometimes"})
    assert refused.status_code == 200
    assert "Choose how you want to get emails." in refused.content.decode()
    assert not Preferences.objects.filter(user=hmi_a).exists()
    assert client.post(reverse("email-settings"), {"daily_digest": "true"}).status_code == 302
    assert Preferences.objects.get(user=hmi_a).daily_digest is True
    with time_machine.travel(MONDAY, tick=False):
        inbox_send([hmi_a], "Notice", "Body", "", MONDAY)
    assert InboxMessage.objects.get(user=hmi_a).email_state == EmailState.DIGEST
