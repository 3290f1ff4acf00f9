"""Reminders under faults put exactly in their windows (PostgreSQL, real dropped connections).

Each test drops this process's database session at one precise step of the
sweep (plan, claim, the inbox copy, the begin, after the send and before the
mark, the mark's reply, the heartbeat), by terminating it from a second
session (`pg_terminate_backend`), or keeps the database away for a while by
refusing new connections. Each then counts what the email backend itself sent
(the locmem outbox, or the fake GOV.UK Notify's list), by reference: every
reminder once, none missing; the one window the engine cannot close with SMTP
is shown to end in one recognisable repeat, recorded on the row.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterator

import psycopg
import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core import mail
from django.db import OperationalError, connection
from django.db.backends.postgresql.base import DatabaseWrapper
from django.urls import reverse

from contacts.models import User
from hmicfrs_mou import reminders
from hmicfrs_mou.deadlines import LONDON, Computed, end_of_day
from hmicfrs_mou.models import InboxMessage, Reminder, ReminderStatus, SweepRun, SweepState
from hmicfrs_mou.reminders import (
    CLAIM_LEASE,
    SWEEP_LIFETIME,
    DeadlineKind,
    deadline_register,
    register_kind,
    sweep,
)
from tests.core.fault_backends import DroppingBackend, FakeNotify, FakeNotifyBackend

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

register_kind(
    DeadlineKind(code="fault_kind", rule="D6", label="Fault", before_days=(14,), escalate_after_days=None)
)

CREATED = dt.datetime(2026, 6, 1, 9, tzinfo=LONDON)
DUE = end_of_day(dt.date(2026, 6, 30))
NOW = dt.datetime(2026, 6, 16, 8, tzinfo=LONDON)  # the 14-day reminder of every deadline
PEOPLE = 3


class Database:
    """This thread's PostgreSQL session, dropped or kept away on cue."""

    def __init__(self) -> None:
        self.away = False
        self.hits = 0
        self.drops = 0

    def drop(self) -> None:
        """End the session from another one, as a failover or a cut cable would."""
        settings = connection.settings_dict
        pid = connection.connection.info.backend_pid
        with psycopg.connect(
            host=settings["HOST"] or "127.0.0.1",
            port=settings["PORT"] or 5432,
            user=settings["USER"],
            dbname=settings["NAME"],
            autocommit=True,
        ) as admin:
            # The second argument waits until the session has really gone.
            admin.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
        self.drops += 1

    def go_away(self) -> None:
        self.away = True
        self.drop()

    def at(self, pattern: str, *, after: bool = False, then: Callable[[], None] | None = None, skip: int = 0):
        """An execute wrapper: at the first statement matching `pattern` (after `skip` of them), fault.

        Before it runs: the session is dropped and the statement fails as it would. After it runs
        (`after=True`): the statement has committed, then the reply is lost.
        """
        regex = re.compile(pattern)
        remaining = {"skip": skip, "armed": True}
        fault = then or self.drop

        def wrapper(execute, sql, params, many, context):
            if remaining["armed"] and regex.search(sql):
                if remaining["skip"]:
                    remaining["skip"] -= 1
                    return execute(sql, params, many, context)
                remaining["armed"] = False
                self.hits += 1
                if after:
                    execute(sql, params, many, context)
                    fault()
                    raise OperationalError("server closed the connection unexpectedly (the reply was lost)")
                fault()
            return execute(sql, params, many, context)

        return connection.execute_wrapper(wrapper)


@pytest.fixture
def database(monkeypatch) -> Iterator[Database]:
    database = Database()
    connect = DatabaseWrapper.get_new_connection

    def refusing(self, params):
        if database.away:
            raise psycopg.OperationalError("connection refused: the database is away")
        return connect(self, params)

    monkeypatch.setattr(DatabaseWrapper, "get_new_connection", refusing)
    yield database
    database.away = False


@pytest.fixture
def smtp(settings) -> type[DroppingBackend]:
    settings.EMAIL_BACKEND = "tests.core.fault_backends.DroppingBackend"
    DroppingBackend.count, DroppingBackend.after, DroppingBackend.hook = 0, 0, None
    return DroppingBackend


@pytest.fixture
def notify(settings) -> FakeNotify:
    settings.EMAIL_BACKEND = "tests.core.fault_backends.FakeNotifyBackend"
    FakeNotifyBackend.service = FakeNotify()
    return FakeNotifyBackend.service


@pytest.fixture
def short_leases(monkeypatch) -> None:
    """Leases and retries of seconds, so a fault that outlasts them fits in a test."""
    monkeypatch.setattr(reminders, "SEND_LEASE", dt.timedelta(seconds=3))
    monkeypatch.setattr(reminders, "LEASE_MARGIN", dt.timedelta(seconds=1))
    monkeypatch.setattr(reminders, "RECONNECT_FOR", dt.timedelta(seconds=0.5))
    monkeypatch.setattr(reminders, "SWEEP_BUDGET", dt.timedelta(seconds=3))


def _deadlines(count: int) -> int:
    """`count` deadlines, each owing its 14-day reminder to PEOPLE people at NOW. Returns the reminders owed."""
    people = [
        User.objects.create(username=f"fault_{i}", email=f"fault_{i}@example.invalid") for i in range(PEOPLE)
    ]
    for i in range(count):
        deadline_register(
            kind="fault_kind",
            subject_type="tests.subject",
            subject_id=i,
            key=f"fault:{i}",
            title=f"Fault deadline {i}",
            due=Computed(DUE, "D6: by hand"),
            subject_created_at=CREATED,
            responsible=people,
            now=CREATED,
        )
    return count * PEOPLE


def _outbox_references() -> list[str]:
    return [message.extra_headers["X-Reference"] for message in mail.outbox]


def _assert_each_sent_once(references: list[str], owed: int) -> None:
    """By the backend's own count: every reminder owed went once; none is missing, none went twice."""
    counts = Counter(references)
    ledger = {f"reminder-{pk}" for pk in Reminder.objects.values_list("pk", flat=True)}
    assert len(ledger) == owed
    assert set(counts) == ledger, "missing or unknown reminders"
    assert [reference for reference, n in counts.items() if n > 1] == [], "duplicates"
    assert set(Reminder.objects.values_list("status", flat=True)) == {ReminderStatus.SENT}
    assert not Reminder.objects.filter(possible_repeat=True).exists()


def _later(seconds: float) -> dt.datetime:
    return NOW + dt.timedelta(seconds=seconds)


# --- After the send, before the mark ----------------------------------------------------------


def test_a_connection_dropped_after_the_send_is_reconnected_and_the_mark_lands(database, smtp):
    owed = _deadlines(4)
    smtp.after, smtp.hook = 5, database.drop
    run = sweep(now=NOW)
    assert (database.drops, run.sent, run.state) == (1, owed, SweepState.FINISHED)
    sweep(now=_later(CLAIM_LEASE.total_seconds() + reminders.SEND_LEASE.total_seconds() + 1))
    _assert_each_sent_once(_outbox_references(), owed)


def test_the_mark_keeps_reconnecting_through_an_outage_shorter_than_the_lease(database, smtp, monkeypatch):
    monkeypatch.setattr(reminders, "SEND_LEASE", dt.timedelta(seconds=6))
    monkeypatch.setattr(reminders, "LEASE_MARGIN", dt.timedelta(seconds=1))
    owed = _deadlines(2)

    def away_for_a_second() -> None:
        database.go_away()
        threading.Timer(1.0, lambda: setattr(database, "away", False)).start()

    smtp.after, smtp.hook = 2, away_for_a_second
    run = sweep(now=NOW)
    assert (database.drops, run.sent, run.state) == (1, owed, SweepState.FINISHED)
    _assert_each_sent_once(_outbox_references(), owed)


def test_a_mark_whose_reply_is_lost_is_retried_harmlessly(database, smtp):
    owed = _deadlines(4)
    with database.at(r'UPDATE "hmicfrs_mou_reminder" SET "status" = %s, "sent_at"', after=True, skip=3):
        run = sweep(now=NOW)
    assert database.hits == 1
    assert run.sent == owed
    sweep(now=_later(CLAIM_LEASE.total_seconds() + reminders.SEND_LEASE.total_seconds() + 1))
    _assert_each_sent_once(_outbox_references(), owed)


def test_a_database_away_past_the_lease_after_an_smtp_send_ends_in_one_recognisable_repeat(
    database, smtp, short_leases
):
    """The window no engine can close with SMTP: the email went, and the database never heard.

    The row is resolved after the lease: SMTP cannot be asked, so it is sent again with the same
    Message-ID and the row records a possible repeat. Every other reminder goes once. The rows
    begun with it in its group and never reached are sent once too, but recorded as possible
    repeats: the engine cannot tell them from the one that went (it errs towards saying so).
    """
    owed = _deadlines(4)
    smtp.after, smtp.hook = 5, database.go_away
    with pytest.raises(OperationalError):
        sweep(now=NOW)
    database.away = False
    assert (database.drops, len(mail.outbox)) == (1, 5)
    repeat_of = mail.outbox[4].extra_headers["X-Reference"]
    sweep(now=_later(CLAIM_LEASE.total_seconds() + 1))
    counts = Counter(_outbox_references())
    assert set(counts) == {f"reminder-{pk}" for pk in Reminder.objects.values_list("pk", flat=True)}
    assert len(counts) == owed
    assert {reference: n for reference, n in counts.items() if n > 1} == {repeat_of: 2}
    copies = [m for m in mail.outbox if m.extra_headers["X-Reference"] == repeat_of]
    assert copies[0].message()["Message-ID"] == copies[1].message()["Message-ID"]
    flagged = set(Reminder.objects.filter(possible_repeat=True).values_list("pk", flat=True))
    repeated = int(repeat_of.removeprefix("reminder-"))
    # The one that went twice, and its group's rows never reached (each went once): none beyond it.
    assert repeated in flagged
    assert len(flagged) <= reminders.GROUP_FIRST - 4
    assert set(Reminder.objects.values_list("status", flat=True)) == {ReminderStatus.SENT}


def test_a_database_away_past_the_lease_after_a_notify_send_is_settled_by_asking_notify(
    database, notify, short_leases
):
    owed = _deadlines(4)
    notify.after, notify.hook = 5, database.go_away
    with pytest.raises(OperationalError):
        sweep(now=NOW)
    database.away = False
    assert (database.drops, len(notify.notifications)) == (1, 5)
    first = notify.notifications[4]["reference"]
    reminder = Reminder.objects.get(pk=int(first.removeprefix("reminder-")))
    assert (reminder.status, reminder.send_started_at is not None) == (ReminderStatus.SENDING, True)
    sweep(now=_later(CLAIM_LEASE.total_seconds() + 1))
    _assert_each_sent_once(notify.references(), owed)
    reminder.refresh_from_db()
    assert NOW <= reminder.sent_at < _later(5)  # the moment of the attempt Notify has, not of the check


def test_notify_that_cannot_be_asked_is_asked_again_later_never_guessed(database, notify, short_leases):
    owed = _deadlines(1)
    notify.after, notify.hook = 1, database.go_away
    with pytest.raises(OperationalError):
        sweep(now=NOW)
    database.away = False
    notify.down = True
    sweep(now=_later(CLAIM_LEASE.total_seconds() + 1))
    # The one that went, and those begun with it that did not: Notify is asked about each.
    asked = list(Reminder.objects.filter(send_started_at__isnull=False))
    assert {(row.status, "Could not ask the email service" in row.last_error) for row in asked} == {
        (ReminderStatus.PENDING, True)
    }
    notify.down = False
    sweep(now=max(row.next_attempt_at for row in asked))
    _assert_each_sent_once(notify.references(), owed)


# --- Claim, plan, inbox copy, begin -------------------------------------------------------------


@pytest.mark.parametrize("after", [False, True], ids=["before-the-claim", "claim-reply-lost"])
def test_a_connection_dropped_during_the_claim_strands_nothing(database, smtp, monkeypatch, after):
    monkeypatch.setattr(reminders, "BATCH", 5)
    owed = _deadlines(4)
    with database.at(r'UPDATE "hmicfrs_mou_reminder" SET "status" = %s, "claimed_at"', after=after, skip=1):
        run = sweep(now=NOW)
    assert (database.hits, run.sent, run.state) == (1, owed, SweepState.FINISHED)
    assert not Reminder.objects.filter(status=ReminderStatus.SENDING).exists()
    _assert_each_sent_once(_outbox_references(), owed)


@pytest.mark.parametrize(
    ("statement", "skip"),
    [(r'INSERT INTO "hmicfrs_mou_reminder"', 1), (r'UPDATE "hmicfrs_mou_deadline" SET "next_fire_at"', 1)],
    ids=["ledger-insert", "deadline-moved-on"],
)
def test_a_connection_dropped_during_planning_plans_each_reminder_once(
    database, smtp, monkeypatch, statement, skip
):
    """Planning goes BATCH deadlines to a transaction; the second batch's transaction is cut."""
    monkeypatch.setattr(reminders, "BATCH", 3)
    owed = _deadlines(5)
    with database.at(statement, skip=skip):
        run = sweep(now=NOW)
    assert (database.hits, run.sent) == (1, owed)
    _assert_each_sent_once(_outbox_references(), owed)


@pytest.mark.parametrize(
    ("statement", "after"),
    [
        (r'INSERT INTO "hmicfrs_mou_inboxmessage"', False),
        (r'UPDATE "hmicfrs_mou_reminder" SET "claimed_at" = %s, "send_started_at"', False),
        (r'UPDATE "hmicfrs_mou_reminder" SET "claimed_at" = %s, "send_started_at"', True),
    ],
    ids=["inbox-copy", "before-the-begin", "begin-before-its-commit"],
)
def test_a_connection_dropped_before_the_send_sends_once(database, smtp, monkeypatch, statement, after):
    """The second group's begin (its inbox copies and ledger rows, one commit) is cut."""
    monkeypatch.setattr(reminders, "GROUP_FIRST", 2)
    owed = _deadlines(3)
    with database.at(statement, after=after, skip=1):
        run = sweep(now=NOW)
    assert (database.hits, run.sent) == (1, owed)
    _assert_each_sent_once(_outbox_references(), owed)
    assert InboxMessage.objects.count() == owed


# --- The heartbeat -------------------------------------------------------------------------------


def test_a_connection_dropped_as_the_heartbeat_is_saved_is_reconnected(database, smtp):
    owed = _deadlines(2)
    with database.at(r'UPDATE "hmicfrs_mou_sweeprun" SET "started_at"'):
        run = sweep(now=NOW)
    assert database.hits == 1
    assert SweepRun.objects.get(pk=run.pk).state == SweepState.FINISHED
    _assert_each_sent_once(_outbox_references(), owed)


def test_a_sweep_whose_last_heartbeat_cannot_be_written_is_found_crashed_and_shown(
    database, smtp, short_leases, client_for
):
    owed = _deadlines(2)
    with (
        database.at(r'UPDATE "hmicfrs_mou_sweeprun" SET "started_at"', then=database.go_away),
        pytest.raises(OperationalError),
    ):
        sweep(now=NOW)
    database.away = False
    unfinished = SweepRun.objects.get()
    assert (unfinished.state, unfinished.sent) == (SweepState.RUNNING, owed)  # the last batch's heartbeat
    sweep(now=NOW + SWEEP_LIFETIME / 2)
    assert SweepRun.objects.get(pk=unfinished.pk).state == SweepState.RUNNING  # it might still be running
    later = NOW + SWEEP_LIFETIME + dt.timedelta(seconds=1)
    sweep(now=later)
    unfinished.refresh_from_db()
    assert unfinished.state == SweepState.CRASHED
    assert "Stopped without finishing" in unfinished.error
    _assert_each_sent_once(_outbox_references(), owed)
    staff = User.objects.create(username="health_admin", is_staff=True)
    staff.user_permissions.add(
        Permission.objects.get(codename="view_sweeprun", content_type__app_label="hmicfrs_mou")
    )
    with time_machine.travel(later + dt.timedelta(seconds=1), tick=False):
        page = client_for(staff).get(reverse("health")).content.decode()
    assert "Crashed" in page
    assert "Stopped without finishing" in page


def test_a_sweep_that_fails_records_its_crash_from_a_fresh_connection(database, smtp, client_for):
    owed = _deadlines(2)

    def drop_then_fail() -> None:
        database.drop()
        raise RuntimeError("the claim could not be made")

    claim_update = r'UPDATE "hmicfrs_mou_reminder" SET "status" = %s, "claimed_at"'
    with database.at(claim_update, then=drop_then_fail), pytest.raises(RuntimeError):
        sweep(now=NOW)
    run = SweepRun.objects.get()
    assert (run.state, "the claim could not be made" in run.error) == (SweepState.CRASHED, True)
    staff = User.objects.create(username="health_admin", is_staff=True)
    staff.user_permissions.add(
        Permission.objects.get(codename="view_sweeprun", content_type__app_label="hmicfrs_mou")
    )
    with time_machine.travel(NOW + dt.timedelta(seconds=5), tick=False):
        page = client_for(staff).get(reverse("health")).content.decode()
    assert "The last reminder sweep crashed" in page
    assert "the claim could not be made" in page
    sweep(now=_later(1))
    _assert_each_sent_once(_outbox_references(), owed)
