"""Repeated escalations are grouped: one email and one inbox message per person per morning (D7, C1).

HMCI is told of every missed meeting cadence (C1-C3, D7) and of other missed deadlines. Each
escalation still has its own ledger row, sent exactly once, but a person's escalations of a
morning go together: one email listing every item with a link to its record, whose text is
also the one inbox message. The next morning brings only what was escalated since; what is
still overdue is on the person's home page, not sent again.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from contacts.models import User
from hmicfrs_mou import reminders
from hmicfrs_mou.deadlines import LONDON, Computed, end_of_day
from hmicfrs_mou.models import InboxMessage, Reminder, ReminderStatus
from hmicfrs_mou.reminders import SEND_LEASE, DeadlineKind, deadline_register, register_kind, sweep
from tests.core.fault_backends import DyingBackend, FakeNotify, FakeNotifyBackend

pytestmark = pytest.mark.django_db

register_kind(
    DeadlineKind(code="digest_kind", rule="D7", label="Meetings", before_days=(1,), escalate_after_days=7)
)

CREATED = dt.datetime(2026, 6, 1, 9, tzinfo=LONDON)
DUE = end_of_day(dt.date(2026, 6, 30))  # 1 July 00:00 BST
FIRST_MORNING = dt.datetime(2026, 7, 8, 8, 0, tzinfo=LONDON)  # seven days overdue, at 08:00
NEXT_MORNING = FIRST_MORNING + dt.timedelta(days=1)
# A killed sweep's clock ran on from its start while it worked, so its lease ends that much after the
# moment it was given: a second under load was once not enough (a flaky failure), so the next sweep comes
# well after the lease, and still well before the next morning.
SLACK = dt.timedelta(seconds=20)
LINK = re.compile(r"http://127\.0\.0\.1:8000/meetings/(\d+)/")


@pytest.fixture
def people() -> tuple[User, User]:
    owner = User.objects.create(username="owner", email="owner@example.invalid")
    hmci = User.objects.create(username="hmci", email="hmci@example.invalid", first_name="Chief")
    return owner, hmci


def _overdue(count: int, owner: User, hmci: User, *, start: int = 0, due: dt.datetime = DUE) -> None:
    for i in range(start, start + count):
        deadline_register(
            kind="digest_kind",
            subject_type="tests.meeting",
            subject_id=i,
            key=f"meeting:{i}",
            title=f"Quarterly meeting {i}",
            due=Computed(due, "D7: by hand"),
            subject_created_at=CREATED,
            responsible=[owner],
            escalation=[hmci],
            url=f"/meetings/{i}/",
            now=CREATED,
        )


def _sweep(moment: dt.datetime) -> reminders.SweepRun:
    with time_machine.travel(moment, tick=False):
        return sweep(now=moment)


def _to(person: User) -> list:
    return [message for message in mail.outbox if message.to == [person.email]]


def test_d7_ninety_overdue_items_are_one_email_and_one_inbox_message_listing_each(people):
    owner, hmci = people
    _overdue(90, owner, hmci)
    _sweep(DUE + dt.timedelta(days=7))  # the owner's own reminders; nothing escalated before the morning
    assert _to(hmci) == []
    run = _sweep(FIRST_MORNING)
    (email,) = _to(hmci)
    assert email.subject == "90 overdue deadlines have been escalated to you"
    assert sorted(int(n) for n in LINK.findall(email.body)) == list(range(90))
    html = email.alternatives[0][0]
    assert len(set(re.findall(r'href="http://127\.0\.0\.1:8000/meetings/(\d+)/"', html))) == 90
    assert "Due: By the end of 30 June 2026" in email.body
    (inbox,) = InboxMessage.objects.filter(user=hmci)
    assert (inbox.kind, inbox.subject) == ("escalations", email.subject)
    assert sorted(int(n) for n in LINK.findall(inbox.body)) == list(range(90))
    # In the portal each item's address is a link to it, the rest of the text escaped as ever.
    client = Client()
    client.force_login(hmci)
    page = client.get(reverse("inbox-message", kwargs={"pk": inbox.pk})).content.decode()
    assert len(set(re.findall(r'<a href="http://127\.0\.0\.1:8000/meetings/(\d+)/"', page))) == 90
    escalations = Reminder.objects.filter(step="escalation")
    assert escalations.count() == 90
    assert set(escalations.values_list("status", "late")) == {(ReminderStatus.SENT, False)}
    # All at the one moment they went (the sweep's clock runs on from its start).
    (sent_at,) = set(escalations.values_list("sent_at", flat=True))
    assert FIRST_MORNING <= sent_at < FIRST_MORNING + dt.timedelta(seconds=5)
    assert run.sent >= 90
    # Swept again the same morning: nothing more.
    _sweep(FIRST_MORNING + dt.timedelta(minutes=1))
    assert len(_to(hmci)) == 1
    assert InboxMessage.objects.filter(user=hmci).count() == 1


def test_d7_the_next_morning_brings_only_what_was_escalated_since(people):
    owner, hmci = people
    _overdue(90, owner, hmci)
    _overdue(5, owner, hmci, start=90, due=DUE + dt.timedelta(days=1))
    _sweep(FIRST_MORNING)
    assert _to(hmci)[0].subject == "90 overdue deadlines have been escalated to you"
    mail.outbox.clear()
    _sweep(FIRST_MORNING + dt.timedelta(hours=12))
    assert _to(hmci) == []
    _sweep(NEXT_MORNING)
    (email,) = _to(hmci)
    assert email.subject == "5 overdue deadlines have been escalated to you"
    assert sorted(int(n) for n in LINK.findall(email.body)) == [90, 91, 92, 93, 94]
    assert InboxMessage.objects.filter(user=hmci, kind="escalations").count() == 2


def test_d7_a_persons_escalations_go_together_even_beyond_a_claims_batch(people, monkeypatch):
    monkeypatch.setattr(reminders, "BATCH", 7)
    owner, hmci = people
    _overdue(30, owner, hmci)
    _sweep(DUE + dt.timedelta(days=7))
    _sweep(FIRST_MORNING)
    (email,) = _to(hmci)
    assert sorted(int(n) for n in LINK.findall(email.body)) == list(range(30))


def test_d7_a_worker_killed_after_sending_the_escalations_sends_them_once_more_recognisably(people, settings):
    """SMTP cannot be asked: the same email again, with the same Message-ID, every row marked."""
    owner, hmci = people
    _overdue(12, owner, hmci)
    _sweep(DUE + dt.timedelta(days=7))
    mail.outbox.clear()
    settings.EMAIL_BACKEND = "tests.core.fault_backends.DyingBackend"
    DyingBackend.count, DyingBackend.die_after = 0, 1
    with pytest.raises(KeyboardInterrupt), time_machine.travel(FIRST_MORNING, tick=False):
        sweep(now=FIRST_MORNING)
    assert _sweep(FIRST_MORNING + SEND_LEASE / 2).sent == 0
    _sweep(FIRST_MORNING + SEND_LEASE + SLACK)
    first, repeat = _to(hmci)
    assert first.message()["Message-ID"] == repeat.message()["Message-ID"]
    assert first.body == repeat.body
    rows = Reminder.objects.filter(step="escalation")
    assert set(rows.values_list("status", "possible_repeat")) == {(ReminderStatus.SENT, True)}
    assert InboxMessage.objects.filter(user=hmci).count() == 1
    _sweep(NEXT_MORNING)
    assert len(_to(hmci)) == 2


def test_d7_a_worker_killed_after_notify_had_the_escalations_asks_notify_and_sends_nothing_more(
    people, settings
):
    owner, hmci = people
    _overdue(12, owner, hmci)
    _sweep(DUE + dt.timedelta(days=7))
    settings.EMAIL_BACKEND = "tests.core.fault_backends.FakeNotifyBackend"
    notify = FakeNotifyBackend.service = FakeNotify()

    def killed() -> None:
        raise KeyboardInterrupt("the worker was killed between the send and the mark")

    notify.after, notify.hook = 1, killed
    with pytest.raises(KeyboardInterrupt), time_machine.travel(FIRST_MORNING, tick=False):
        sweep(now=FIRST_MORNING)
    _sweep(FIRST_MORNING + SEND_LEASE + SLACK)
    assert len(notify.references()) == 1
    rows = Reminder.objects.filter(step="escalation")
    assert set(rows.values_list("status", "possible_repeat")) == {(ReminderStatus.SENT, False)}
    (sent_at,) = {row.sent_at for row in rows}  # the moment of the attempt Notify has
    assert FIRST_MORNING <= sent_at < FIRST_MORNING + dt.timedelta(seconds=5)
    assert InboxMessage.objects.filter(user=hmci).count() == 1
