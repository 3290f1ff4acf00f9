"""The deadline engine: deadlines as data, reminders never lost and never sent twice (D1–D7 steps)."""

from __future__ import annotations

import ast
import datetime as dt
import threading
import time
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.models import User
from hmicfrs_mou import compiled, reminders
from hmicfrs_mou.deadlines import LONDON, Computed, end_of_day, explain_add_working_days
from hmicfrs_mou.models import (
    Deadline,
    DeadlineChange,
    DeadlineState,
    InboxMessage,
    Reminder,
    ReminderStatus,
    SweepRun,
    SweepState,
)
from hmicfrs_mou.notify import NotifyEmailBackend
from hmicfrs_mou.reminders import (
    BATCH,
    CLAIM_LEASE,
    KINDS,
    LATE_AFTER,
    LEASE_MARGIN,
    MAX_ATTEMPTS,
    RECONNECT_FOR,
    SEND_LEASE,
    SEND_TIMEOUT,
    SWEEP_BUDGET,
    SWEEP_LIFETIME,
    DeadlineKind,
    _plan_due,
    claim,
    deadline_close,
    deadline_register,
    deadlines_recompute,
    register_kind,
    steps_for,
    sweep,
)
from tests.core.backends import FailingBackend
from tests.core.fault_backends import DyingBackend, FakeNotify, FakeNotifyBackend, SlowBackend

pytestmark = pytest.mark.django_db

CREATED = dt.datetime(2026, 6, 1, 9, tzinfo=LONDON)
DUE = end_of_day(dt.date(2026, 6, 30))  # 1 July 2026 00:00 BST
# A killed sweep's clock ran on from its start while it worked, so its lease ends that much after the moment
# it was given: the next sweep comes well after the lease (one second was not always enough under load).
SLACK = dt.timedelta(seconds=20)

register_kind(
    DeadlineKind(code="test_kind", rule="D6", label="Test", before_days=(14, 7, 1), escalate_after_days=7)
)


def _register(people, *, due_at=DUE, key="test:1", created=CREATED, escalation=(), kind="test_kind"):
    return deadline_register(
        kind=kind,
        subject_type="tests.subject",
        subject_id=1,
        key=key,
        title="Follow-up letter",
        due=Computed(due_at, "D6: worked out by hand"),
        subject_created_at=created,
        responsible=people,
        escalation=escalation,
        url="/deadlines/",
        now=created,
    )


def _at(day: int, month: int = 6, hour: int = 8, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=LONDON)


# --- Registration: bad input is refused with a clear message --------------------------------


def test_an_unknown_kind_is_refused(hmi_a):
    with pytest.raises(ValidationError, match="Unknown kind of deadline: 'tea_break'"):
        _register([hmi_a], kind="tea_break")
    assert not Deadline.objects.exists()


def test_a_deadline_before_its_subject_existed_is_refused(hmi_a):
    with pytest.raises(ValidationError, match="falls before its subject existed"):
        _register([hmi_a], due_at=CREATED - dt.timedelta(days=1))
    assert not Deadline.objects.exists()


@pytest.mark.parametrize("days", [0, -5])
def test_a_zero_or_negative_period_is_refused_d6(days):
    with pytest.raises(ValueError, match="at least one working day"):
        explain_add_working_days(dt.date(2026, 6, 1), days, rule="D6")


def test_a_kind_with_a_non_positive_reminder_is_refused():
    with pytest.raises(ValueError, match="positive number of days"):
        register_kind(DeadlineKind(code="bad", rule="D6", label="Bad", before_days=(7, 0)))
    assert "bad" not in KINDS


def test_a_waiver_needs_a_reason(hmi_a):
    deadline = _register([hmi_a])
    with pytest.raises(ValidationError, match="Give the reason"):
        deadline_close(deadline=deadline, state=DeadlineState.WAIVED, reason="  ")
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.OPEN


# --- Steps ------------------------------------------------------------------------------------


def test_steps_are_mornings_ahead_the_day_itself_overdue_and_escalation(hmi_a):
    deadline = _register([hmi_a])
    steps = {step.name: step.fire_at for step in steps_for(deadline, KINDS["test_kind"])}
    assert steps == {
        "before-14d": _at(16),
        "before-7d": _at(23),
        "before-1d": _at(29),
        "due": _at(30),
        "overdue": DUE,
        "escalation": _at(8, month=7),  # the first morning at or after seven days overdue
    }


def test_re_registering_moves_the_deadline_and_records_the_change(hmi_a):
    first = _register([hmi_a])
    moved = deadline_register(
        kind="test_kind",
        subject_type="tests.subject",
        subject_id=1,
        key="test:1",
        title="Follow-up letter",
        due=Computed(DUE + dt.timedelta(days=3), "D6: moved"),
        subject_created_at=CREATED,
        responsible=[hmi_a],
        now=CREATED + dt.timedelta(days=1),
        reason="Bank holiday added",
    )
    assert moved.pk == first.pk
    change = DeadlineChange.objects.get(deadline=first)
    assert (change.old_due_at, change.new_due_at, change.reason) == (
        DUE,
        DUE + dt.timedelta(days=3),
        "Bank holiday added",
    )


def test_recompute_moves_open_deadlines_whose_kind_can_recompute(hmi_a):
    register_kind(
        DeadlineKind(
            code="test_recompute",
            rule="D6",
            label="Recomputed",
            recompute=lambda deadline: Computed(DUE + dt.timedelta(days=1), "D6: one more bank holiday"),
        )
    )
    deadline = _register([hmi_a], kind="test_recompute", key="r:1")
    assert deadlines_recompute(now=CREATED) == 1
    deadline.refresh_from_db()
    assert deadline.due_at == DUE + dt.timedelta(days=1)
    assert deadline.working == "D6: one more bank holiday"
    assert deadlines_recompute(now=CREATED) == 0


# --- The sweep ----------------------------------------------------------------------------------


def test_nothing_goes_before_its_time(hmi_a):
    _register([hmi_a])
    run = sweep(now=_at(16, hour=7, minute=59))
    assert (run.due, run.sent) == (0, 0)
    assert mail.outbox == []


def test_each_step_goes_once_at_its_time_to_each_recipient(hmi_a, pcc_office_a):
    _register([hmi_a, pcc_office_a])
    sweep(now=_at(16))
    assert sorted(m.to[0] for m in mail.outbox) == [hmi_a.email, pcc_office_a.email]
    assert "is due in 14 days" in mail.outbox[0].subject
    assert mail.outbox[0].extra_headers["X-Reference"].startswith("reminder-")
    assert InboxMessage.objects.filter(user=hmi_a).count() == 1


def test_running_the_sweep_twice_sends_one_message_per_recipient(hmi_a, pcc_office_a):
    """STYLE §15: the sweep is idempotent."""
    _register([hmi_a, pcc_office_a])
    first = sweep(now=_at(16))
    second = sweep(now=_at(16))
    assert (first.sent, second.sent) == (2, 0)
    assert len(mail.outbox) == 2
    assert Reminder.objects.count() == 2


def test_the_mark_after_a_send_is_the_statement_the_orm_compiles_for_the_parcels_values(monkeypatch):
    """Step 3d's mark is compiled once per database and number of rows (CompiledQuery): for every parcel it is
    the ORM's own statement with that parcel's ids, claim and moment, whichever was compiled first. Unchecked
    against the ORM after compiling (CHECKED_CALLS 0), so what is compared is what the compilation fills in."""
    monkeypatch.setattr(reminders, "_SENT_MARKS", {})
    monkeypatch.setattr(compiled, "CHECKED_CALLS", 0)
    parcels = (
        ([7], "a" * 32, _at(16)),
        ([7, 9, 11], "b" * 32, _at(16, minute=5)),
        ([8], "c" * 32, _at(17, hour=9)),
        ([1, 2, 3], "d" * 32, _at(18, minute=1)),
    )
    expected = [reminders._sent_mark_orm(*parcel) for parcel in parcels]
    # Compiled, not the ORM's every time (which a compilation that failed would fall back to).
    monkeypatch.setattr(reminders, "_sent_mark_orm", mock.Mock(side_effect=AssertionError("not compiled")))
    assert [reminders._sent_mark(*parcel) for parcel in parcels] == expected
    assert sorted(reminders._SENT_MARKS) == [1, 3]
    # And the statement the ORM's own update() runs, as the database receives it.
    at, token = _at(19), "g" * 32
    with CaptureQueriesContext(connection) as orm:
        Reminder.objects.filter(pk__in=[5, 6, 7], claim_token=token).update(**reminders._sent_values(at))
    with CaptureQueriesContext(connection) as kept, connection.cursor() as cursor:
        cursor.execute(*reminders._sent_mark([5, 6, 7], token, at))
    assert [query["sql"] for query in kept] == [query["sql"] for query in orm]


def test_a_mark_the_compilation_cannot_follow_comes_from_the_orm_every_time(monkeypatch):
    """A mark whose values are derived from the moment (here its year, the same in both of the compilation's
    sentinels) is caught by CompiledQuery's first checked call: the mark runs after an email has gone, so it
    is then the ORM's own statement, with the real year, never an error."""
    monkeypatch.setattr(reminders, "_SENT_MARKS", {})
    values = reminders._sent_values
    monkeypatch.setattr(reminders, "_sent_values", lambda at: {**values(at), "last_error": f"year {at.year}"})
    for _ in range(2):
        sql, params = reminders._sent_mark([4], "e" * 32, _at(16))
        assert (sql, params) == reminders._sent_mark_orm([4], "e" * 32, _at(16))
        assert f"year {_at(16).year}" in params


def test_a_mark_whose_compilation_fails_in_any_way_is_the_orms_and_logged(monkeypatch, caplog):
    """Not only a refusal (ValueError): any error compiling the mark (here EmptyResultSet, which a sentinel
    outside a column's range gives) comes after the email has gone, so the ORM's statement is used instead
    and the failure is logged, never raised."""

    class Failing:
        def sql(self, *args: Any, **values: Any) -> Any:
            raise EmptyResultSet

    monkeypatch.setattr(reminders, "_SENT_MARKS", {1: Failing()})
    with caplog.at_level("ERROR", logger="hmicfrs_mou.reminders"):
        assert reminders._sent_mark([4], "f" * 32, _at(16)) == reminders._sent_mark_orm(
            [4], "f" * 32, _at(16)
        )
    assert "ORM compiles it instead" in caplog.text


def test_the_mark_records_the_parcels_rows_sent_only_while_the_claim_is_the_sweeps(hmi_a, pcc_office_a):
    _register([hmi_a, pcc_office_a])
    _plan_due(_at(16))
    first, second = claim(_at(16))
    at = _at(16, minute=1)
    until = time.monotonic() + 5
    assert reminders._mark_sent([first], at=at, until=until) == 1
    first.refresh_from_db()
    assert (first.status, first.sent_at, first.send_started_at, first.last_error) == (
        ReminderStatus.SENT,
        at,
        None,
        "",
    )
    # Another sweep's claim now: this one's mark moves nothing.
    Reminder.objects.filter(pk=second.pk).update(claim_token="f" * 32)
    assert reminders._mark_sent([second], at=at, until=until) == 0
    second.refresh_from_db()
    assert (second.status, second.sent_at) == (ReminderStatus.SENDING, None)


def test_planning_a_batch_costs_the_same_queries_however_many_deadlines_it_holds(hmi_a, pcc_office_a):
    """The parties come with the batch, also for a deadline that has none: no query per deadline."""

    def planned(count: int) -> int:
        Reminder.objects.all().delete()
        Deadline.objects.all().delete()
        for n in range(count):
            _register([hmi_a, pcc_office_a] if n % 2 else [], key=f"test:{n}")
        with CaptureQueriesContext(connection) as queries:
            assert _plan_due(_at(16)) == count
        assert Reminder.objects.count() == 2 * (count // 2)
        return len(queries)

    assert planned(2) == planned(7)


def test_an_outage_of_72_hours_sends_each_missed_reminder_once_marked_late(hmi_a):
    _register([hmi_a])
    sweep(now=_at(16))  # 14 days ahead, on time
    sweep(now=_at(23))  # 7 days ahead, on time
    # The worker is down from 27 June 08:00 for 73 hours: the 1-day and on-the-day reminders fall due unseen.
    run = sweep(now=_at(30, hour=9))
    assert (run.sent, run.late) == (2, 2)
    assert list(Reminder.objects.filter(late=True).order_by("fire_at").values_list("step", flat=True)) == [
        "before-1d",
        "due",
    ]
    assert sweep(now=_at(30, hour=9, minute=1)).sent == 0
    assert [m.subject.startswith("[Late]") for m in mail.outbox] == [False, False, True, True]


def test_a_long_outage_sends_every_missed_step_once(hmi_a):
    _register([hmi_a])
    run = sweep(now=_at(30, hour=9))
    assert run.sent == 4  # 14 d, 7 d, 1 d, on the day
    assert Reminder.objects.filter(late=True).count() == 4
    assert sweep(now=_at(30, hour=9)).sent == 0


def test_a_deadline_registered_late_owes_no_reminders_from_before_it_existed(hmi_a):
    deadline_register(
        kind="test_kind",
        subject_type="tests.subject",
        subject_id=2,
        key="late:1",
        title="Short notice",
        due=Computed(DUE, "D6"),
        subject_created_at=_at(25),
        responsible=[hmi_a],
        now=_at(25),
    )
    run = sweep(now=_at(30, hour=9))
    assert sorted(Reminder.objects.values_list("step", flat=True)) == ["before-1d", "due"]
    assert run.sent == 2


def test_overdue_then_escalation(hmi_a, hmicfrs_staff):
    deadline = _register([hmi_a], escalation=[hmicfrs_staff])
    sweep(now=_at(30))
    mail.outbox.clear()
    sweep(now=DUE)
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.MISSED
    assert [m.to[0] for m in mail.outbox] == [hmi_a.email]
    assert "is overdue" in mail.outbox[0].subject
    mail.outbox.clear()
    # Seven days overdue at midnight; escalated in the morning, with the person's others.
    sweep(now=DUE + dt.timedelta(days=7))
    assert mail.outbox == []
    assert not Reminder.objects.filter(step="escalation").exists()
    sweep(now=_at(8, month=7))
    assert [m.to[0] for m in mail.outbox] == [hmicfrs_staff.email]
    assert "escalated to you" in mail.outbox[0].subject
    assert not mail.outbox[0].subject.startswith("[Late]")
    deadline.refresh_from_db()
    assert deadline.next_fire_at is None


def test_a_met_deadline_sends_nothing_more(hmi_a):
    deadline = _register([hmi_a])
    deadline_close(deadline=deadline, state=DeadlineState.MET, now=_at(20))
    assert sweep(now=DUE + dt.timedelta(days=30)).sent == 0


def test_a_worker_killed_after_claiming_loses_nothing_and_sends_once(hmi_a):
    """Claimed, then the worker died before sending: the claim expires and the next sweep sends it."""
    _register([hmi_a])
    now = _at(16)
    _plan_due(now)
    claimed = claim(now)  # ... and the process is killed here, before deliver()
    assert len(claimed) == 1
    assert Reminder.objects.get().status == ReminderStatus.SENDING
    # A sweep while the claim may still be held does not send it twice.
    assert sweep(now=now + CLAIM_LEASE / 2).sent == 0
    # Once the lease is over, the next sweep sends it, once, and not as a repeat: it was never begun.
    run = sweep(now=now + CLAIM_LEASE + dt.timedelta(seconds=1))
    assert run.sent == 1
    assert sweep(now=now + CLAIM_LEASE + dt.timedelta(minutes=2)).sent == 0
    assert len(mail.outbox) == 1
    reminder = Reminder.objects.get()
    assert (reminder.status, reminder.possible_repeat) == (ReminderStatus.SENT, False)


def test_a_failing_email_backend_is_retried_then_escalated_and_nothing_is_lost(
    hmi_a, settings, client_for, hmicfrs_staff
):
    settings.EMAIL_BACKEND = "tests.core.backends.FailingBackend"
    FailingBackend.failures_left = 10**9
    _register([hmi_a])
    now = _at(16)
    sweep(now=now)
    reminder = Reminder.objects.get()
    assert (reminder.status, reminder.attempts) == (ReminderStatus.PENDING, 1)
    assert "refused the connection" in reminder.last_error
    assert InboxMessage.objects.filter(user=hmi_a).count() == 1  # in-app copy is there already
    moment = now
    for _ in range(MAX_ATTEMPTS - 1):
        moment = Reminder.objects.get().next_attempt_at
        sweep(now=moment)
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == (ReminderStatus.FAILED, MAX_ATTEMPTS)
    assert sweep(now=moment + dt.timedelta(hours=1)).sent == 0
    assert InboxMessage.objects.filter(user=hmi_a).count() == 1
    with time_machine.travel(moment, tick=False):
        health = client_for(hmicfrs_staff).get(reverse("health")).content.decode()
    assert "Follow-up letter (before-14d)" in health
    assert "refused the connection" in health


def test_a_backend_that_recovers_delivers_on_retry(hmi_a, settings):
    settings.EMAIL_BACKEND = "tests.core.backends.FailingBackend"
    FailingBackend.failures_left = 1
    _register([hmi_a])
    sweep(now=_at(16))
    retry_at = Reminder.objects.get().next_attempt_at
    # A minute after the attempt (timed when it was made, a moment after the sweep began).
    assert dt.timedelta(minutes=1) <= retry_at - _at(16) < dt.timedelta(minutes=1, seconds=5)
    run = sweep(now=retry_at)
    assert (run.sent, run.retried) == (1, 1)
    assert Reminder.objects.get().status == ReminderStatus.SENT


def test_each_sweep_leaves_a_heartbeat(hmi_a):
    sweep(now=_at(16))
    run = SweepRun.objects.get()
    assert run.finished_at is not None
    assert run.error == ""


# --- Lateness and times, measured when each reminder is sent --------------------------------------


def test_lateness_is_decided_when_sent_not_when_planned(hmi_a):
    """Planned on time, sent ten minutes later (the queue was long): late, and the subject says so."""
    _register([hmi_a])
    planned_at = _at(16)
    _plan_due(planned_at)
    assert Reminder.objects.get().late is False
    run = sweep(now=planned_at + dt.timedelta(minutes=10))
    reminder = Reminder.objects.get()
    assert (run.sent, run.late, reminder.late) == (1, 1, True)
    assert mail.outbox[0].subject.startswith("[Late] ")
    assert InboxMessage.objects.get().subject.startswith("[Late] ")
    assert reminder.sent_at >= planned_at + dt.timedelta(minutes=10)


def test_each_reminder_is_timed_and_judged_late_at_its_own_moment_of_sending(hmi_a, pcc_office_a, settings):
    """Two reminders due together, just inside LATE_AFTER when the sweep starts; the second goes
    after a slow send has pushed it over. Each has its own sending time; only the second is late."""
    settings.EMAIL_BACKEND = "tests.core.fault_backends.SlowBackend"
    SlowBackend.delay = 1.0
    _register([hmi_a, pcc_office_a])
    start = _at(16) + LATE_AFTER - dt.timedelta(seconds=0.5)
    run = sweep(now=start)
    first, second = Reminder.objects.order_by("sent_at")
    assert (first.late, second.late, run.late) == (False, True, 1)
    assert start <= first.sent_at < second.sent_at
    assert second.sent_at - first.sent_at >= dt.timedelta(seconds=1)
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert not subjects[first.recipient.email].startswith("[Late]")
    assert subjects[second.recipient.email].startswith("[Late] ")


# --- No ceiling: batch after batch within the budget -------------------------------------------


def test_one_sweep_sends_more_than_a_batch():
    people = [
        User.objects.create(username=f"batch_{i}", email=f"batch_{i}@example.invalid") for i in range(3)
    ]
    for i in range(BATCH // 3 + 1):
        _register(people, key=f"batch:{i}")
    owed = (BATCH // 3 + 1) * 3
    assert owed > BATCH
    run = sweep(now=_at(16))
    assert (run.due, run.sent, run.state) == (BATCH // 3 + 1, owed, SweepState.FINISHED)
    assert len({m.extra_headers["X-Reference"] for m in mail.outbox}) == len(mail.outbox) == owed


def test_a_sweep_stops_at_its_budget_and_hands_back_what_it_had_not_begun(
    hmi_a, pcc_office_a, settings, monkeypatch
):
    settings.EMAIL_BACKEND = "tests.core.fault_backends.SlowBackend"
    SlowBackend.delay = 0.2
    monkeypatch.setattr(reminders, "SWEEP_BUDGET", dt.timedelta(seconds=0.3))
    for i in range(3):
        _register([hmi_a, pcc_office_a], key=f"budget:{i}")
    first = sweep(now=_at(16))
    assert first.sent < 6
    # Handed back, not held for a lease: the next sweeps take them at once.
    assert set(Reminder.objects.exclude(status=ReminderStatus.SENT).values_list("status", flat=True)) == {
        ReminderStatus.PENDING
    }
    sent, minute = first.sent, 0
    while sent < 6 and minute < 30:
        minute += 1
        sent += sweep(now=_at(16, minute=minute)).sent
    assert sent == 6
    assert len({m.extra_headers["X-Reference"] for m in mail.outbox}) == len(mail.outbox) == 6


def test_the_leases_and_budget_fit_inside_the_task_timeout():
    """A sweep ends (budget, one send's lease, the last writes) before django-q2 would stop it."""
    longest = SWEEP_BUDGET + RECONNECT_FOR + SEND_LEASE + 2 * RECONNECT_FOR
    assert longest < SWEEP_LIFETIME == dt.timedelta(seconds=settings.Q_CLUSTER["timeout"])
    assert SEND_TIMEOUT + LEASE_MARGIN < SEND_LEASE
    assert CLAIM_LEASE < SEND_LEASE
    # The mark outlasts a database failover of half a minute.
    assert dt.timedelta(seconds=30) <= SEND_LEASE - SEND_TIMEOUT - LEASE_MARGIN


# --- A worker killed between the send and the mark ------------------------------------------------


def test_a_worker_killed_after_an_smtp_send_leads_to_one_repeat_with_the_same_message_id(hmi_a, settings):
    settings.EMAIL_BACKEND = "tests.core.fault_backends.DyingBackend"
    DyingBackend.count, DyingBackend.die_after = 0, 1
    _register([hmi_a])
    with pytest.raises(KeyboardInterrupt):
        sweep(now=_at(16))
    reminder = Reminder.objects.get()
    assert (reminder.status, reminder.send_started_at is not None) == (ReminderStatus.SENDING, True)
    # While the lease may still be held, nothing happens.
    assert sweep(now=_at(16) + SEND_LEASE / 2).sent == 0
    run = sweep(now=_at(16) + SEND_LEASE + SLACK)
    assert run.sent == 1
    reminder.refresh_from_db()
    assert (reminder.status, reminder.possible_repeat, reminder.attempts) == (ReminderStatus.SENT, True, 2)
    first, repeat = (message.message() for message in mail.outbox)
    assert first["Message-ID"] == repeat["Message-ID"] == f"<reminder-{reminder.pk}@127.0.0.1>"
    assert InboxMessage.objects.count() == 1
    assert sweep(now=_at(17)).sent == 0


def test_a_worker_killed_after_a_notify_send_is_settled_by_asking_notify(hmi_a, settings):
    settings.EMAIL_BACKEND = "tests.core.fault_backends.FakeNotifyBackend"
    notify = FakeNotifyBackend.service = FakeNotify()

    def killed() -> None:
        raise KeyboardInterrupt("the worker was killed between the send and the mark")

    notify.after, notify.hook = 1, killed
    _register([hmi_a])
    with pytest.raises(KeyboardInterrupt):
        sweep(now=_at(16))
    run = sweep(now=_at(16) + SEND_LEASE + SLACK)
    assert run.sent == 1
    reminder = Reminder.objects.get()
    assert (reminder.status, reminder.possible_repeat) == (ReminderStatus.SENT, False)
    assert _at(16) <= reminder.sent_at < _at(16) + dt.timedelta(seconds=5)
    assert notify.references() == [f"reminder-{reminder.pk}"]


def test_a_worker_killed_after_the_begin_before_notify_had_it_sends_it_normally(
    hmi_a, pcc_office_a, settings
):
    settings.EMAIL_BACKEND = "tests.core.fault_backends.FakeNotifyBackend"
    notify = FakeNotifyBackend.service = FakeNotify()
    notify.killed_before = 2
    _register([hmi_a, pcc_office_a])
    with pytest.raises(KeyboardInterrupt):
        sweep(now=_at(16))
    lost = Reminder.objects.get(send_started_at__isnull=False)
    assert lost.status == ReminderStatus.SENDING
    notify.killed_before = 0
    assert sweep(now=_at(16) + SEND_LEASE + SLACK).sent == 1
    assert sorted(notify.references()) == sorted(
        f"reminder-{pk}" for pk in Reminder.objects.values_list("pk", flat=True)
    )
    lost.refresh_from_db()
    assert (lost.status, lost.possible_repeat, lost.attempts) == (ReminderStatus.SENT, False, 2)


def test_a_reminder_whose_outcome_is_lost_again_and_again_is_failed_and_shown(hmi_a, settings):
    settings.EMAIL_BACKEND = "tests.core.fault_backends.DyingBackend"
    DyingBackend.count, DyingBackend.die_after = 0, -1
    _register([hmi_a])
    moment = _at(16)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        DyingBackend.die_after = attempt
        with pytest.raises(KeyboardInterrupt):
            sweep(now=moment)
        moment += SEND_LEASE + SLACK
    run = sweep(now=moment)
    reminder = Reminder.objects.get()
    assert (run.failed, reminder.status, reminder.attempts) == (1, ReminderStatus.FAILED, MAX_ATTEMPTS)
    assert "no recorded outcome" in reminder.last_error
    assert len(mail.outbox) == MAX_ATTEMPTS


def test_the_notify_backend_is_asked_by_reference():
    client = mock.Mock()
    backend = NotifyEmailBackend(client=client)
    client.get_all_notifications.return_value = {
        "notifications": [{"reference": "reminder-7", "status": "delivered"}]
    }
    assert backend.sent_with_reference("reminder-7") is True
    client.get_all_notifications.assert_called_once_with(template_type="email", reference="reminder-7")
    client.get_all_notifications.return_value = {"notifications": [{"status": "technical-failure"}]}
    assert backend.sent_with_reference("reminder-7") is False
    client.get_all_notifications.return_value = {"notifications": []}
    assert backend.sent_with_reference("reminder-7") is False


# --- The heartbeat ----------------------------------------------------------------------------------


def test_a_run_silent_past_the_task_timeout_is_recorded_crashed_by_the_next_sweep(hmi_a):
    now = _at(16)
    dead = SweepRun.objects.create(started_at=now - SWEEP_LIFETIME - dt.timedelta(seconds=1))
    alive = SweepRun.objects.create(started_at=now - SWEEP_LIFETIME / 2)
    sweep(now=now)
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert (dead.state, alive.state) == (SweepState.CRASHED, SweepState.RUNNING)
    assert "Stopped without finishing" in dead.error


def test_a_sweep_that_fails_says_so_and_the_health_page_shows_it(
    hmi_a, monkeypatch, client_for, hmicfrs_staff
):
    _register([hmi_a])

    def broken(now):
        raise RuntimeError("the plan could not be made")

    monkeypatch.setattr(reminders, "_plan_due", broken)
    with pytest.raises(RuntimeError):
        sweep(now=_at(16))
    run = SweepRun.objects.get()
    assert (run.state, run.finished_at is not None) == (SweepState.CRASHED, True)
    with time_machine.travel(_at(16, minute=1), tick=False):
        page = client_for(hmicfrs_staff).get(reverse("health")).content.decode()
    assert "The last reminder sweep crashed" in page
    assert "the plan could not be made" in page


def test_the_health_page_counts_possible_repeats(hmi_a, client_for, hmicfrs_staff):
    _register([hmi_a])
    sweep(now=_at(16))
    Reminder.objects.update(possible_repeat=True)
    with time_machine.travel(_at(16, minute=1), tick=False):
        page = client_for(hmicfrs_staff).get(reverse("health")).content.decode()
    assert "1 sent again after a lost outcome" in page


def test_the_import_loop_is_gone_and_no_import_hides_in_a_function():
    """reminders -> emails -> deadline_tags no longer leads back to reminders; nothing dodges a loop."""
    root = Path(__file__).resolve().parents[2] / "hmicfrs_mou"
    modules = [
        root / "reminders.py",
        root / "emails.py",
        root / "notify.py",
        root / "templatetags/deadline_tags.py",
    ]
    for path in modules:
        tree = ast.parse(path.read_text())
        nested = [
            node.lineno
            for function in ast.walk(tree)
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
            for node in ast.walk(function)
            if isinstance(node, ast.Import | ast.ImportFrom)
        ]
        assert nested == [], f"{path.name} imports inside a function at lines {nested}"
    tags = ast.parse((root / "templatetags/deadline_tags.py").read_text())
    imported = {node.module for node in ast.walk(tags) if isinstance(node, ast.ImportFrom)}
    assert "hmicfrs_mou.reminders" not in imported


# --- Concurrency (PostgreSQL: real row locks between connections) -----------------------------


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_the_same_moment_send_each_reminder_exactly_once(directory):
    from tests.conftest import APPOINTED, make_person, org  # noqa: F401

    people = [make_person(f"person_{i}", org("hmicfrs", "hmicfrs"), "inspection_staff") for i in range(5)]
    for i in range(40):
        _register(people, key=f"race:{i}")
    now = _at(16)
    barrier = threading.Barrier(4)
    results: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(sweep(now=now).sent)
        except BaseException as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(results) == 200
    assert len(mail.outbox) == 200
    assert len({(m.to[0], m.extra_headers["X-Reference"]) for m in mail.outbox}) == 200
    assert Reminder.objects.filter(status=ReminderStatus.SENT).count() == 200
