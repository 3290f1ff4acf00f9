"""The deadline engine: deadlines as data, and the sweep that turns them into reminders.

Every deadline is computed by hmicfrs_mou.deadlines and registered here with
its working and the people responsible. The sweep (a django-q2 schedule, every
minute) recomputes what is due from stored state:

1. Plan. Deadlines whose `next_fire_at` has come (an indexed range scan: its
   cost follows what is due, not how many deadlines exist) get one ledger row
   per (deadline, step, recipient), inserted under a unique constraint, so
   running the sweep twice, or two sweeps at once, inserts each row once. Up
   to BATCH deadlines go in one transaction. A row waits in the queue from its
   own time (`next_attempt_at`), so the longest-waiting go first.
2. Claim. Up to BATCH rows waiting to go are claimed with one conditional
   UPDATE that stamps them with the sweep's token; only rows the update moved
   to SENDING are this sweep's. A claim not yet begun is held for CLAIM_LEASE,
   sized to one batch: if its holder dies, another sweep takes it after that.
3. Deliver, a group at a time. A person's escalations claimed together are one parcel (one
   email listing each with its link, one inbox copy: one message a morning, however many);
   every other reminder is a parcel of its own.
   a. render each parcel's email, and judge it late or not, at this moment;
   b. begin: one commit writes the group's inbox copies (unique per parcel: a second attempt's
      is ignored) and, by one conditional UPDATE on the token, each row's attempt
      (`send_started_at`, the attempt count, late or not), renewing the hold to SEND_LEASE from
      now. It is the one commit of the group that waits for the disk;
   c. for each parcel in turn: send it, within SEND_TIMEOUT, over the sweep's one connection to
      the email service;
   d. and mark it: the conditional UPDATE to SENT, `sent_at` being the moment of (b), before the
      next parcel is sent. On PostgreSQL these commits do not wait for the disk
      (`synchronous_commit` off for the sweep's session): committed, seen by every other
      session, and kept through a dropped connection or a killed worker; only a crash of the
      database server itself within about a second may lose them (below).
      If the connection drops, it reconnects and retries until
      SEND_LEASE - LEASE_MARGIN after the begin: an outage shorter than that loses nothing.
   A group sends for at most GROUP_TIME; the parcels it has not reached by then (certainly not
   sent) are un-begun and go with the next group, timed at their own moment. The first group is
   GROUP_FIRST parcels, the next as many as the last one's pace sends in GROUP_TIME.
   A send the backend refuses is retried with back-off up to MAX_ATTEMPTS,
   then marked failed and shown to admins.
4. Repeat. The sweep plans and claims batch after batch until nothing due is
   left or SWEEP_BUDGET is spent; then it hands back the claims it has not
   begun. There is no other ceiling: throughput is what the database and the
   email service give (`make bench-sweep`). Every step that talks to the
   database reconnects and retries after a dropped connection, and each is
   idempotent (the same token, absolute values), so a retry after a lost reply
   does no harm.
5. Heartbeat. Each run has a SweepRun row, brought up to date after each batch
   and closed as finished, or as crashed (written from a fresh connection) if
   the run fails. A run that could not say so (killed, or the database still
   away) is recorded as crashed by the first sweep after SWEEP_LIFETIME, and
   the health page shows it so even before.

Exactly once, and the window that remains. Between the send (c) and the mark
(d) there is always a moment in which the email has gone and the ledger does
not say so: the email service and the database share no transaction, and an
SMTP server cannot be asked afterwards what it accepted. No order of writes
removes that moment; it can only be kept small, and here it is as small as it
can be: the send itself plus the one UPDATE after it. Everything else is done
outside it (the email is rendered and the inbox copy written before (b); the
next reminder waits until (d) has committed), and a dropped connection inside
it no longer matters, because the mark is retried for the lease. So:
- a crash before (b) commits leaves a row never sent: claimable after
  CLAIM_LEASE (or at once, if its sweep handed it back), and sent normally;
- a crash after (d) commits leaves nothing to do;
- only a worker that dies between (b) and (d), or an outage longer than the
  lease there, leaves the row SENDING with `send_started_at` set. After
  SEND_LEASE the next sweep resolves it before anything is sent again:
  - GOV.UK Notify is asked for a notification with the reminder's reference
    (its ledger id). If Notify has it, the row is marked sent (at the moment
    of that attempt) and no second email goes; if not, it is sent normally.
    If Notify cannot be asked, the row waits and Notify is asked again later:
    silence is never taken for "not sent".
  - SMTP cannot be asked. The reminder is sent again with the same Message-ID
    (so the repeat is recognisable and mail clients show it once) and the row
    records `possible_repeat`, counted on the health page: a repeat is
    possible only in this window, and never silent.
A row whose attempts reach MAX_ATTEMPTS without an outcome is marked failed.

What grouping changes in that window, and what it does not. Each parcel is still marked before
the next is sent, so a killed worker or a dropped connection leaves at most one parcel whose
email went unrecorded, as before. The rows begun with it and not yet reached are resolved the
same way: Notify says they never arrived and they are sent once; over SMTP they are sent once
and recorded as possible repeats, because the engine cannot tell them from the one that went
(so the health page's count errs high, never low). A crash of the database server itself may
lose the marks of the group being sent (their commits did not wait for the disk; the next
group's begin does, and takes them with it): those rows are resolved after SEND_LEASE as
above, so over SMTP up to one group (GROUP_TIME of sends) can go twice, each recorded as a
possible repeat and carrying its first Message-ID; never silently.

Lateness is measured for each reminder at its own moment of sending (the begin,
a few milliseconds before the send): one sent more than LATE_AFTER after its
time (the worker was down, the queue was long) is marked late, and its subject
and inbox copy say "[Late]".
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import InterfaceError, OperationalError, connection, models, transaction
from django.db.models import Case, Prefetch, Q, Value, When
from django.db.models.sql import UpdateQuery
from django.urls import reverse
from django.utils import timezone

from hmicfrs_mou.compiled import CompiledQuery
from hmicfrs_mou.deadlines import LONDON, Computed, due_day
from hmicfrs_mou.emails import (
    email_arrived,
    escalations_email,
    escalations_reference,
    reminder_email,
    reminder_reference,
)
from hmicfrs_mou.models import (
    LIVE_STATES,
    Deadline,
    DeadlineChange,
    DeadlineParty,
    DeadlineState,
    EmailState,
    InboxMessage,
    PartyRole,
    Preferences,
    Reminder,
    ReminderStatus,
    SweepRun,
    SweepState,
)

logger = logging.getLogger(__name__)
T = TypeVar("T")

# Rows claimed at once. Not a ceiling: a sweep claims batch after batch within its budget.
BATCH = 200
# A claimed row not yet begun, sized to a batch: one goes in well under a second here
# (`make bench-sweep`) and in about 20 s at GOV.UK Notify's 100 ms a request.
# After it, a dead holder's rows go to the next sweep.
CLAIM_LEASE = dt.timedelta(seconds=20)
# The email backend's timeout (SMTP: each socket operation; Notify: each HTTP request).
SEND_TIMEOUT = dt.timedelta(seconds=10)
# A begun row: its send, then marking it sent through a database outage of up to
# SEND_LEASE - SEND_TIMEOUT - LEASE_MARGIN (30 s). Only after it may another sweep resolve the row.
SEND_LEASE = dt.timedelta(seconds=45)
# Hosts' clocks differ a little, and the last statement takes time: retries stop this far short.
LEASE_MARGIN = dt.timedelta(seconds=5)
# A sweep starts no new batch, and begins no new reminder, after this.
SWEEP_BUDGET = dt.timedelta(seconds=30)
# Each database step keeps reconnecting at least this long (until the budget's end, if later).
RECONNECT_FOR = dt.timedelta(seconds=5)
# django-q2 stops a task at its timeout, so a run unfinished after it is not running. A sweep
# lasts at most SWEEP_BUDGET + RECONNECT_FOR + SEND_LEASE + 2 * RECONNECT_FOR (90 s): less.
SWEEP_LIFETIME = dt.timedelta(seconds=settings.Q_CLUSTER["timeout"])
MAX_ATTEMPTS = 4
RETRY_BACKOFF = (dt.timedelta(minutes=1), dt.timedelta(minutes=5), dt.timedelta(minutes=15))
# Claimed reminders are begun in groups, one commit each: the first of GROUP_FIRST, then as many
# as the last group's pace sends in GROUP_TIME. A group still sending after GROUP_TIME stops
# and begins the rest again with the next, at their own moment: so a reminder's recorded time
# trails its send by at most GROUP_TIME, and a crash leaves at most that much begun and unsent.
GROUP_FIRST = 10
GROUP_TIME = dt.timedelta(seconds=0.5)
# A reminder sent more than this after its time is marked late.
LATE_AFTER = dt.timedelta(minutes=5)
MORNING = dt.time(8, 0)


@dataclass(frozen=True)
class DeadlineKind:
    """A kind of deadline: its rule and when its reminders go."""

    code: str
    rule: str
    label: str
    before_days: tuple[int, ...] = (14, 7, 1)
    escalate_after_days: int | None = 7
    # Recompute the due moment from the subject (bank holidays or the subject changed); None: fixed.
    recompute: Callable[[Deadline], Computed | None] | None = field(default=None, compare=False)


KINDS: dict[str, DeadlineKind] = {}


def register_kind(kind: DeadlineKind) -> DeadlineKind:
    """Declare a kind of deadline (each app registers its own at import)."""
    if any(days <= 0 for days in kind.before_days):
        raise ValueError(f"{kind.code}: reminders ahead of a deadline need a positive number of days.")
    KINDS[kind.code] = kind
    return kind


@dataclass(frozen=True)
class Step:
    name: str
    fire_at: dt.datetime
    role: str


def _morning(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, MORNING, tzinfo=LONDON)


def _morning_at_or_after(moment: dt.datetime) -> dt.datetime:
    local = moment.astimezone(LONDON)
    morning = _morning(local.date())
    return morning if morning >= local else _morning(local.date() + dt.timedelta(days=1))


def steps_for(deadline: Deadline, kind: DeadlineKind) -> list[Step]:
    """Every reminder step of a deadline, in time order, whether or not it has gone."""
    day = due_day(deadline.due_at)
    steps = [
        Step(
            f"before-{days}d",
            min(_morning(day - dt.timedelta(days=days)), deadline.due_at),
            PartyRole.RESPONSIBLE,
        )
        for days in sorted(kind.before_days, reverse=True)
    ]
    steps.append(Step("due", min(_morning(day), deadline.due_at), PartyRole.RESPONSIBLE))
    steps.append(Step("overdue", deadline.due_at, PartyRole.RESPONSIBLE))
    if kind.escalate_after_days is not None:
        # On the first morning at or after: a person's escalations go together, once a morning.
        steps.append(
            Step(
                "escalation",
                _morning_at_or_after(deadline.due_at + dt.timedelta(days=kind.escalate_after_days)),
                PartyRole.ESCALATION,
            )
        )
    return steps


def _applies(step: Step, deadline: Deadline) -> bool:
    """A reminder ahead of the deadline whose time passed before the deadline existed is not owed."""
    if step.name in ("overdue", "escalation"):
        return True
    return step.fire_at >= deadline.created_at


def _next_fire(deadline: Deadline, kind: DeadlineKind, after: dt.datetime) -> dt.datetime | None:
    if deadline.state not in LIVE_STATES:
        return None
    upcoming = [
        max(step.fire_at, deadline.created_at)
        for step in steps_for(deadline, kind)
        if _applies(step, deadline) and max(step.fire_at, deadline.created_at) > after
    ]
    return min(upcoming, default=None)


# --- Registering and changing deadlines ----------------------------------------------------


def _kind(code: str) -> DeadlineKind:
    try:
        return KINDS[code]
    except KeyError:
        raise ValidationError(f"Unknown kind of deadline: {code!r}.") from None


def _set_parties(deadline: Deadline, parties: dict[str, Iterable[Any]]) -> None:
    wanted = {(user.pk, role) for role, users in parties.items() for user in users}
    existing = {(p.user_id, p.role): p.pk for p in deadline.parties.all()}
    stale = [pk for key, pk in existing.items() if key not in wanted]
    if stale:
        DeadlineParty.objects.filter(pk__in=stale).delete()
    DeadlineParty.objects.bulk_create(
        [
            DeadlineParty(deadline=deadline, user_id=user_id, role=role)
            for user_id, role in wanted - existing.keys()
        ]
    )


@transaction.atomic
def deadline_register(
    *,
    kind: str,
    subject_type: str,
    subject_id: object,
    key: str,
    title: str,
    due: Computed,
    subject_created_at: dt.datetime,
    responsible: Iterable[Any],
    informed: Iterable[Any] = (),
    escalation: Iterable[Any] = (),
    url: str = "",
    now: dt.datetime | None = None,
    reason: str = "Recomputed",
) -> Deadline:
    """Create the live deadline for (kind, key), or move the existing one and record the change."""
    now = now or timezone.now()
    spec = _kind(kind)
    due_at = due.value
    if not isinstance(due_at, dt.datetime) or due_at.tzinfo is None:
        raise ValidationError("A deadline is a moment with a time zone.")
    # Compared and stored in UTC: a London time in the repeated autumn hour (fold=1)
    # never compares equal to the same instant in another zone.
    due_at = due_at.astimezone(dt.UTC)
    if due_at < subject_created_at:
        raise ValidationError(
            f"The deadline ({timezone.localtime(due_at):%-d %B %Y %H:%M %Z}) falls before its subject existed "
            f"({timezone.localtime(subject_created_at):%-d %B %Y %H:%M %Z})."
        )
    responsible = list(responsible)
    deadline = Deadline.objects.select_for_update().filter(kind=kind, key=key, state__in=LIVE_STATES).first()
    if deadline is None:
        deadline = Deadline(
            kind=kind,
            key=key,
            subject_type=subject_type,
            subject_id=str(subject_id),
            title=title,
            url=url,
            due_at=due_at,
            working=due.working,
            created_at=now,
        )
        deadline.state = DeadlineState.MISSED if now >= due_at else DeadlineState.OPEN
        deadline.next_fire_at = _next_fire(deadline, spec, after=now - LATE_AFTER) or None
        deadline.full_clean()
        deadline.save()
    else:
        if deadline.due_at != due_at:
            DeadlineChange.objects.create(
                deadline=deadline, at=now, old_due_at=deadline.due_at, new_due_at=due_at, reason=reason[:300]
            )
        deadline.due_at = due_at
        deadline.working = due.working
        deadline.title = title
        deadline.url = url
        deadline.state = DeadlineState.MISSED if now >= due_at else DeadlineState.OPEN
        deadline.next_fire_at = _first_unsent(deadline, spec, now)
        deadline.save()
    _set_parties(
        deadline,
        {PartyRole.RESPONSIBLE: responsible, PartyRole.INFORMED: informed, PartyRole.ESCALATION: escalation},
    )
    return deadline


def _first_unsent(deadline: Deadline, spec: DeadlineKind, now: dt.datetime) -> dt.datetime | None:
    """After a move, the sweep looks again from the earliest step not yet in the ledger."""
    done = set(Reminder.objects.filter(deadline=deadline).values_list("step", flat=True))
    times = [
        max(step.fire_at, deadline.created_at)
        for step in steps_for(deadline, spec)
        if _applies(step, deadline) and step.name not in done
    ]
    return min(times, default=None)


def deadline_close(
    *, deadline: Deadline, state: str, reason: str = "", now: dt.datetime | None = None
) -> Deadline:
    """Mark a deadline met or waived (a waiver needs its reason). Its reminders stop."""
    if state not in (DeadlineState.MET, DeadlineState.WAIVED):
        raise ValidationError("A deadline is closed as met or waived.")
    if state == DeadlineState.WAIVED and not reason.strip():
        raise ValidationError({"state_reason": "Give the reason the deadline is waived."})
    deadline.state = state
    deadline.state_reason = reason
    deadline.state_changed_at = now or timezone.now()
    deadline.next_fire_at = None
    deadline.full_clean()
    deadline.save(update_fields=["state", "state_reason", "state_changed_at", "next_fire_at"])
    return deadline


def deadlines_recompute(*, now: dt.datetime | None = None) -> int:
    """Recompute every live deadline whose kind can (bank-holiday data or its subject changed)."""
    now = now or timezone.now()
    moved = 0
    for deadline in Deadline.objects.live().order_by("pk").iterator():
        spec = KINDS.get(deadline.kind)
        if spec is None or spec.recompute is None:
            continue
        computed = spec.recompute(deadline)
        if computed is None or computed.value.astimezone(dt.UTC) == deadline.due_at.astimezone(dt.UTC):
            continue
        with transaction.atomic():
            DeadlineChange.objects.create(
                deadline=deadline,
                at=now,
                old_due_at=deadline.due_at,
                new_due_at=computed.value,
                reason="Recomputed: the calendar or the subject changed",
            )
            deadline.due_at = computed.value
            deadline.working = computed.working
            deadline.state = DeadlineState.MISSED if now >= deadline.due_at else DeadlineState.OPEN
            deadline.next_fire_at = _first_unsent(deadline, spec, now)
            deadline.save(update_fields=["due_at", "working", "state", "next_fire_at"])
        moved += 1
    return moved


# --- The sweep ------------------------------------------------------------------------------


class _Clock:
    """The sweep's clock: the real time, or a given start plus the real time elapsed since.

    Tests and benchmarks give the start; every reminder is still timed when it is sent.
    """

    def __init__(self, start: dt.datetime | None) -> None:
        self._given = start
        self._began = time.monotonic()
        self.start = start or timezone.now()
        self.budget_end = self._began + SWEEP_BUDGET.total_seconds()

    def now(self) -> dt.datetime:
        if self._given is None:
            return timezone.now()
        return self._given + dt.timedelta(seconds=time.monotonic() - self._began)

    def spent(self) -> bool:
        return time.monotonic() >= self.budget_end

    def retry_until(self) -> float:
        """How long a step before a send may keep reconnecting: to the budget's end, and at least RECONNECT_FOR."""
        return max(self.budget_end, time.monotonic() + RECONNECT_FOR.total_seconds())


def _reconnecting(step: Callable[[], T], *, until: float, what: str) -> T:
    """Run one idempotent database step; after a dropped connection, reconnect and retry until `until`.

    Inside a transaction there is nothing to retry (the transaction is lost): the error is raised.
    """
    delay = 0.05
    while True:
        try:
            return step()
        except (OperationalError, InterfaceError) as error:
            if connection.in_atomic_block or time.monotonic() + delay >= until:
                raise
            logger.warning("Reminders: %s lost the database (%s); reconnecting.", what, error)
            connection.close()
            time.sleep(delay)
            delay = min(delay * 2, 1.0)


def _plan(deadline: Deadline, now: dt.datetime) -> list[Reminder]:
    """Ledger rows owed for a deadline up to `now`, oldest first in the queue (next_attempt_at is its time)."""
    spec = KINDS.get(deadline.kind)
    if spec is None:
        return []
    people: dict[str, list[int]] = {}
    # The parties read with the batch (`_plan_due`'s Prefetch to a list, empty for a deadline with none),
    # else from the database.
    parties = getattr(deadline, "party_list", None)
    for party in deadline.parties.all() if parties is None else parties:
        people.setdefault(party.role, []).append(party.user_id)
    rows = []
    for step in steps_for(deadline, spec):
        fire_at = max(step.fire_at, deadline.created_at)
        if not _applies(step, deadline) or fire_at > now:
            continue
        recipients = people.get(step.role, [])
        if step.role == PartyRole.RESPONSIBLE:
            recipients = recipients + people.get(PartyRole.INFORMED, [])
        for user_id in dict.fromkeys(recipients):
            rows.append(
                Reminder(
                    deadline=deadline,
                    step=step.name,
                    recipient_id=user_id,
                    fire_at=fire_at,
                    next_attempt_at=fire_at,
                    created_at=now,
                )
            )
    return rows


def _plan_due(now: dt.datetime) -> int:
    """Insert the ledger rows for up to BATCH deadlines with something due; move each deadline on."""
    due = list(
        Deadline.objects.filter(next_fire_at__lte=now)
        # To a list: `parties.all()` on a prefetched relation clones the prefetching queryset, whose filter
        # names every deadline of the batch, for each deadline (40 us a reminder).
        .prefetch_related(Prefetch("parties", to_attr="party_list"))
        .order_by("next_fire_at", "pk")[:BATCH]
    )
    # One transaction, so one commit (one flush to disk) for the batch. The rows go in, in a
    # fixed order, before any deadline is touched: two sweeps planning at once wait for each
    # other, never deadlock. The conditional update makes it idempotent: whichever moves
    # next_fire_at on first has planned; the other's rows were ignored anyway.
    with transaction.atomic():
        Reminder.objects.bulk_create(
            [row for deadline in due for row in _plan(deadline, now)], ignore_conflicts=True, batch_size=500
        )
        moved: dict[int, dt.datetime | None] = {}
        states: dict[int, str] = {}
        # Each deadline's condition is its id and the next_fire_at read above, written once per moment
        # (deadlines fire together: at 08:00 on a working day) rather than once per deadline: an OR of 200
        # pairs cost 25 ms a batch to build, compile and plan (PostgreSQL, 2026-12-04).
        read: dict[dt.datetime | None, list[int]] = {}
        for deadline in due:
            read.setdefault(deadline.next_fire_at, []).append(deadline.pk)
        unmoved = Q()
        for next_fire_at, pks in read.items():
            unmoved |= Q(pk__in=pks, next_fire_at=next_fire_at)
        for deadline in due:
            spec = KINDS.get(deadline.kind)
            state = deadline.state
            if state == DeadlineState.OPEN and now >= deadline.due_at:
                state = DeadlineState.MISSED
            deadline.state = states[deadline.pk] = state
            moved[deadline.pk] = _next_fire(deadline, spec, after=now) if spec else None
        if due:
            # One statement for the batch, each deadline still moved on only if no one else has.
            Deadline.objects.filter(unmoved).update(
                next_fire_at=_per_row(moved, Deadline._meta.get_field("next_fire_at")),
                state=_per_row(states, Deadline._meta.get_field("state")),
            )
    return len(due)


def _claimable(now: dt.datetime) -> Q:
    """Waiting rows due; claims not begun after CLAIM_LEASE; begun attempts silent after SEND_LEASE."""
    return Q(status=ReminderStatus.PENDING, next_attempt_at__lte=now) | (
        Q(status=ReminderStatus.SENDING, claimed_at__lt=now - CLAIM_LEASE)
        & (Q(send_started_at__isnull=True) | Q(send_started_at__lt=now - SEND_LEASE))
    )


def claim(now: dt.datetime, *, token: str | None = None) -> list[Reminder]:
    """Claim up to BATCH reminders ready to go; another sweep cannot claim the same rows.

    A person's escalations waiting together are claimed together (beyond BATCH if need be), so
    that they go as one email. Idempotent for a given token: run again after a lost reply, it
    returns the rows it took.
    """
    token = token or uuid.uuid4().hex
    # The recipient's preferences come with them: each email is in its recipient's language
    # (hmicfrs_mou.emails.recipient_language), read here with the batch, not once a reminder.
    mine = (
        Reminder.objects.filter(claim_token=token, status=ReminderStatus.SENDING)
        .select_related("deadline", "recipient", "recipient__preferences")
        .order_by("next_attempt_at", "pk")
    )
    taken = list(mine)
    if taken:
        return taken
    ready = Reminder.objects.filter(
        status__in=[ReminderStatus.PENDING, ReminderStatus.SENDING], next_attempt_at__lte=now
    ).filter(_claimable(now))
    chosen = list(ready.order_by("next_attempt_at").values_list("pk", "step", "recipient_id")[:BATCH])
    if not chosen:
        return []
    ids = [pk for pk, _, _ in chosen]
    escalated = {recipient for _, step, recipient in chosen if step == "escalation"}
    if escalated:
        ids += (
            ready.filter(step="escalation", recipient_id__in=escalated)
            .exclude(pk__in=ids)
            .values_list("pk", flat=True)
        )
    # One conditional UPDATE: on PostgreSQL a concurrent sweep's update of the same
    # rows waits, re-reads them as claimed by us and so skips them.
    Reminder.objects.filter(pk__in=ids).filter(_claimable(now)).update(
        status=ReminderStatus.SENDING, claimed_at=now, claim_token=token
    )
    return list(mine.all())


def _settle(rows: list[Reminder], *, until: float, **values: Any) -> int:
    """The conditional UPDATE of claimed rows, retried through a dropped connection. 0: the claim is lost."""
    pks, token = [row.pk for row in rows], rows[0].claim_token
    return _reconnecting(
        lambda: Reminder.objects.filter(pk__in=pks, claim_token=token).update(**values),
        until=until,
        what=f"recording reminders {pks[:5]}",
    )


# The mark after each send (step 3d) runs once a parcel (a reminder, or a person's escalations of a
# morning), the only statement of the sweep that runs once an email: built
# and compiled by the ORM for every parcel, it cost about 190 us of Python on top of the 200 us of the
# statement itself (PostgreSQL, 2026-12-04). So it is compiled once per database and number of rows
# (`hmicfrs_mou.compiled.CompiledQuery`, one per number of rows) and run again with the parcel's own values.
_SENT_MARKS: dict[int, CompiledQuery] = {}


def _sent_values(at: dt.datetime) -> dict[str, Any]:
    return {
        "status": ReminderStatus.SENT,
        "sent_at": at,
        "send_started_at": None,
        "next_attempt_at": None,
        "last_error": "",
    }


def _sent_update(pks: list[int], token: str, at: dt.datetime) -> UpdateQuery:
    """The mark as the ORM builds it: `Reminder.objects.filter(...).update(**_sent_values(at))`."""
    query = cast(UpdateQuery, Reminder.objects.filter(pk__in=pks, claim_token=token).query.chain(UpdateQuery))
    query.add_update_values(_sent_values(at))
    return query


def _sent_mark_orm(pks: list[int], token: str, at: dt.datetime) -> tuple[str, tuple[Any, ...]]:
    """The mark as the ORM compiles it, every time."""
    sql, params = _sent_update(pks, token, at).get_compiler(connection.alias).as_sql()
    return sql, tuple(params)


def _sent_statement(size: int) -> CompiledQuery:
    def build(token: str, at: dt.datetime, **pks: int) -> UpdateQuery:
        return _sent_update([pks[f"pk{index}"] for index in range(size)], token, at)

    return CompiledQuery(build, token=str, at=dt.datetime, **{f"pk{index}": int for index in range(size)})


def _sent_mark(pks: list[int], token: str, at: dt.datetime) -> tuple[str, tuple[Any, ...]]:
    """The mark's SQL and parameters for a parcel's rows, claim and moment, compiled once per number of rows.

    This runs after an email has gone, so a compilation that fails for any reason (`CompiledQuery` refuses a
    statement whose SQL or parameters it cannot follow, at compiling or at one of its checked calls) gives
    the ORM's own statement instead, logged, rather than an error that would leave the row as sending."""
    statement = _SENT_MARKS.get(len(pks))
    if statement is None:
        statement = _SENT_MARKS[len(pks)] = _sent_statement(len(pks))
    try:
        sql, params = statement.sql(
            connection.alias, token=token, at=at, **{f"pk{index}": pk for index, pk in enumerate(pks)}
        )
    except Exception:
        logger.exception("The compiled mark after a send was refused; the ORM compiles it instead")
        return _sent_mark_orm(pks, token, at)
    return sql, tuple(params)


def _mark_sent(rows: list[Reminder], *, at: dt.datetime, until: float) -> int:
    """`_settle(rows, status=SENT, sent_at=at, ...)` with the statement compiled once (`_sent_mark`)."""
    sql, params = _sent_mark([row.pk for row in rows], rows[0].claim_token, at)

    def mark() -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return int(cursor.rowcount)

    return _reconnecting(mark, until=until, what=f"recording reminders {[row.pk for row in rows[:5]]}")


def _backoff(attempts: int) -> dt.timedelta:
    return RETRY_BACKOFF[min(attempts, len(RETRY_BACKOFF)) - 1]


def _kind_label(code: str) -> str:
    spec = KINDS.get(code)
    return spec.label if spec else "deadlines"


# Equal only to itself: a group's parcels are found among those begun by identity. Compared field by field
# (the dataclass default), each `in` compared the reminders of every parcel before it, row by row: a group of
# 200 made 20,000 comparisons of parcels, a seventh of the sweep's time (PostgreSQL, 2026-12-04).
@dataclass(eq=False)
class _Parcel:
    """What goes as one email with one inbox copy: a reminder, or a person's escalations of a morning."""

    rows: list[Reminder]
    # An early step for someone who chose the morning email: the inbox copy only, which joins it.
    digest: bool = False
    message: EmailMultiAlternatives | None = None
    inbox: InboxMessage | None = None

    @property
    def first(self) -> Reminder:
        return self.rows[0]

    @property
    def escalations(self) -> bool:
        return self.first.step == "escalation"

    @property
    def reference(self) -> str:
        return escalations_reference(self.first) if self.escalations else reminder_reference(self.first)

    def render(self, at: dt.datetime, email: BaseEmailBackend) -> None:
        """The email and its inbox copy, each row judged late or not at `at` (the moment of the begin)."""
        for row in self.rows:
            row.late = at - row.fire_at > LATE_AFTER
        first = self.first
        if self.escalations:
            self.message = escalations_email(first.recipient, self.rows, at, connection=email)
            url, kind = reverse("inbox"), "escalations"
        else:
            self.message = reminder_email(
                first, connection=email, kind_label=_kind_label(first.deadline.kind)
            )
            url, kind = first.deadline.url, "reminder"
        # Unique per reminder (the parcel's first): a second attempt's copy is ignored.
        self.inbox = InboxMessage(
            user=first.recipient,
            reminder=first,
            kind=kind,
            subject=self.message.subject[:300],
            body=self.message.body,
            url=url,
            created_at=at,
            email_state=EmailState.DIGEST if self.digest else EmailState.NONE,
        )


def _parcels(rows: list[Reminder]) -> list[_Parcel]:
    """Each reminder on its own; a person's escalations together (those begun together, together again)."""
    early = {row.recipient_id for row in rows if row.step.startswith("before-") and row.recipient.email}
    digest_people = (
        set(
            Preferences.objects.filter(user_id__in=early, daily_digest=True).values_list("user_id", flat=True)
        )
        if early
        else set()
    )
    parcels: list[_Parcel] = []
    escalations: dict[tuple[int, dt.datetime | None], _Parcel] = {}
    for row in rows:
        if row.step != "escalation":
            joins = row.step.startswith("before-") and row.recipient_id in digest_people
            parcels.append(_Parcel([row], digest=joins))
        elif (row.recipient_id, row.send_started_at) in escalations:
            escalations[(row.recipient_id, row.send_started_at)].rows.append(row)
        else:
            parcels.append(parcel := _Parcel([row]))
            escalations[(row.recipient_id, row.send_started_at)] = parcel
    for parcel in escalations.values():
        parcel.rows.sort(key=lambda row: row.pk)
    return parcels


def _resolve_lost_outcome(parcel: _Parcel, *, clock: _Clock, email: BaseEmailBackend) -> str | None:
    """An earlier attempt began and its outcome was never recorded: settle it, or prepare to send again.

    Returns the rows' new status if settled here; None if they are to be sent (marked a possible
    repeat when the email service cannot say whether the earlier attempt went).
    """
    until = clock.retry_until()
    first = parcel.first
    try:
        arrived = email_arrived(parcel.reference, connection=email) if first.recipient.email else False
    except Exception as error:  # noqa: BLE001 - the service could not be asked: ask again later, never guess
        attempts = first.attempts + 1
        failed = attempts >= MAX_ATTEMPTS
        _settle(
            parcel.rows,
            until=until,
            status=ReminderStatus.FAILED if failed else ReminderStatus.PENDING,
            attempts=attempts,
            last_error=f"Could not ask the email service whether an earlier attempt went: {error}"[:2000],
            next_attempt_at=None if failed else clock.now() + _backoff(attempts),
        )
        return ReminderStatus.FAILED if failed else ReminderStatus.PENDING
    if arrived:
        _settle(
            parcel.rows,
            until=until,
            status=ReminderStatus.SENT,
            sent_at=first.send_started_at,
            send_started_at=None,
            next_attempt_at=None,
            last_error="",
        )
        return ReminderStatus.SENT
    if first.attempts >= MAX_ATTEMPTS:
        _settle(
            parcel.rows,
            until=until,
            status=ReminderStatus.FAILED,
            next_attempt_at=None,
            last_error=f"Stopped after {first.attempts} attempts, the last with no recorded outcome.",
        )
        return ReminderStatus.FAILED
    for row in parcel.rows:
        row.possible_repeat = row.possible_repeat or arrived is None
    return None


def _per_row(values: dict[int, Any], field: models.Field[Any, Any]) -> Any:
    """One UPDATE's value for a column that may differ by row: a plain value when every row agrees."""
    distinct = set(values.values())
    if len(distinct) == 1:
        return distinct.pop()
    by_value: dict[Any, list[int]] = {}
    for pk, value in values.items():
        by_value.setdefault(value, []).append(pk)
    return Case(*[When(pk__in=pks, then=Value(value)) for value, pks in by_value.items()], output_field=field)


def _durable_commit() -> None:
    """This transaction's commit waits for the disk (the sweep's other commits need not: see the docstring)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO on")


def _quick_commits(on: bool) -> None:
    """PostgreSQL: the session's commits after a begin return without waiting for the disk, or wait again."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off" if on else "RESET synchronous_commit")


def _deliver_group(
    parcels: list[_Parcel], *, clock: _Clock, email: BaseEmailBackend
) -> tuple[list[tuple[_Parcel, str | None]], list[_Parcel], float]:
    """Begin a group of parcels in one commit, then send and mark each in turn: the module's step 3.

    Returns each parcel handled with its rows' new status (None: another sweep holds them now),
    the parcels not reached within GROUP_TIME (begun again with the next group), and the seconds
    the sends took.
    """
    token = parcels[0].first.claim_token
    attempt: dict[str, Any] = {}

    def begin() -> list[_Parcel]:
        # Timed, judged late and written at the moment they go (again, if reconnecting took a while).
        at = attempt["at"] = clock.now()
        attempt["began"] = time.monotonic()
        for parcel in parcels:
            parcel.render(at, email)
        rows = [row for parcel in parcels for row in parcel.rows]
        pks = [row.pk for row in rows]
        # The inbox copies and the begin share one commit, the one flush to disk that must come
        # before the sends; one statement each, however many reminders.
        with transaction.atomic():
            _durable_commit()
            InboxMessage.objects.bulk_create(
                [parcel.inbox for parcel in parcels if parcel.inbox], ignore_conflicts=True
            )
            begun = Reminder.objects.filter(pk__in=pks, claim_token=token).update(
                claimed_at=at,
                send_started_at=at,
                attempts=_per_row(
                    {row.pk: row.attempts + 1 for row in rows}, Reminder._meta.get_field("attempts")
                ),
                late=_per_row({row.pk: row.late for row in rows}, Reminder._meta.get_field("late")),
                possible_repeat=_per_row(
                    {row.pk: row.possible_repeat for row in rows}, Reminder._meta.get_field("possible_repeat")
                ),
            )
        if begun == len(pks):
            return parcels
        held = set(
            Reminder.objects.filter(pk__in=pks, claim_token=token, send_started_at=at).values_list(
                "pk", flat=True
            )
        )
        return [parcel for parcel in parcels if all(row.pk in held for row in parcel.rows)]

    begun = _reconnecting(begin, until=clock.retry_until(), what=f"beginning {len(parcels)} reminders")
    at, began = attempt["at"], attempt["began"]
    lost = [(parcel, None) for parcel in parcels if parcel not in begun]
    mark_until = began + (SEND_LEASE - LEASE_MARGIN).total_seconds()
    sending = time.monotonic()
    stop_at = sending + GROUP_TIME.total_seconds()
    done: list[tuple[_Parcel, str | None]] = []
    for index, parcel in enumerate(begun):
        if index and (time.monotonic() >= stop_at or clock.spent()):
            return lost + done, _unbegin(begun[index:], at=at, until=mark_until), time.monotonic() - sending
        first = parcel.first
        attempts = first.attempts + 1
        try:
            if first.recipient.email and not parcel.digest and parcel.message is not None:
                parcel.message.send(fail_silently=False)
        except Exception as error:  # noqa: BLE001 - any backend failure is retried, then escalated
            logger.warning(
                "Reminders %s failed (attempt %s): %s", [r.pk for r in parcel.rows], attempts, error
            )
            _reopen(email)
            failed = attempts >= MAX_ATTEMPTS
            _settle(
                parcel.rows,
                until=mark_until,
                status=ReminderStatus.FAILED if failed else ReminderStatus.PENDING,
                send_started_at=None,
                attempts=attempts,
                last_error=str(error)[:2000],
                next_attempt_at=None if failed else at + _backoff(attempts),
            )
            done.append((parcel, ReminderStatus.FAILED if failed else ReminderStatus.PENDING))
            continue
        # The mark, as soon as the email has gone: the window in which it has gone unrecorded is
        # this send and this one UPDATE, as for a reminder sent alone.
        if not _mark_sent(parcel.rows, at=at, until=mark_until):
            logger.error("Reminders %s were sent, but another sweep had taken them over.", parcel.first.pk)
        done.append((parcel, ReminderStatus.SENT))
    return lost + done, [], time.monotonic() - sending


def _unbegin(parcels: list[_Parcel], *, at: dt.datetime, until: float) -> list[_Parcel]:
    """Begun but certainly not sent (this process never reached them): back to claimed and not begun."""
    rows = [row for parcel in parcels for row in parcel.rows]
    token = rows[0].claim_token
    _reconnecting(
        lambda: Reminder.objects.filter(
            pk__in=[row.pk for row in rows], claim_token=token, send_started_at=at
        ).update(
            send_started_at=None,
            attempts=_per_row({row.pk: row.attempts for row in rows}, Reminder._meta.get_field("attempts")),
        ),
        until=until,
        what="handing back reminders not reached",
    )
    return parcels


def _reopen(email: BaseEmailBackend) -> None:
    """After a failed send, a fresh connection to the email service for the next (SMTP: the old may be dead)."""
    try:
        email.close()
        email.open()
    except Exception as error:  # noqa: BLE001 - each send then opens its own, and fails on its own
        logger.warning("Reminders: could not reopen the email connection: %s", error)


def deliver(
    batch: list[Reminder], *, clock: _Clock, email: BaseEmailBackend
) -> list[tuple[Reminder, str | None]]:
    """Send a claimed batch, group after group: each reminder with its new status (None: taken over).

    Rows an earlier attempt began, whose outcome was lost, are settled first (or sent again).
    Stops early when the sweep's budget is spent; the rows not begun are for the caller to hand back.
    """
    results: list[tuple[Reminder, str | None]] = []
    waiting: list[_Parcel] = []
    for parcel in _parcels(batch):
        if parcel.first.send_started_at is not None:
            settled = _resolve_lost_outcome(parcel, clock=clock, email=email)
            if settled is not None:
                results += [(row, settled) for row in parcel.rows]
                continue
        waiting.append(parcel)
    size = GROUP_FIRST
    while waiting and not clock.spent():
        group, waiting = waiting[:size], waiting[size:]
        handled, unsent, took = _deliver_group(group, clock=clock, email=email)
        results += [(row, status) for parcel, status in handled for row in parcel.rows]
        waiting = unsent + waiting
        # As many as go in GROUP_TIME at the pace just seen; at least one.
        pace = took / max(len(handled), 1)
        size = max(1, min(BATCH, int(GROUP_TIME.total_seconds() / pace) if pace > 0 else BATCH))
    return results


STOPPED_UNSEEN = (
    "Stopped without finishing and could not say why: its worker was killed or timed out, "
    "or it lost the database. Recorded by a later sweep."
)


def _record_crashed_runs(now: dt.datetime) -> int:
    """Runs still marked running after SWEEP_LIFETIME died without saying so."""
    return SweepRun.objects.filter(state=SweepState.RUNNING, started_at__lt=now - SWEEP_LIFETIME).update(
        state=SweepState.CRASHED, error=STOPPED_UNSEEN
    )


def _release(token: str) -> int:
    """Claimed rows not begun go back to wait, for the next sweep to take at once."""
    return Reminder.objects.filter(
        claim_token=token, status=ReminderStatus.SENDING, send_started_at__isnull=True
    ).update(status=ReminderStatus.PENDING)


def _heartbeat(run: SweepRun, clock: _Clock) -> None:
    run.heartbeat_at = clock.now()
    _reconnecting(
        lambda: SweepRun.objects.filter(pk=run.pk).update(
            heartbeat_at=run.heartbeat_at,
            due=run.due,
            sent=run.sent,
            late=run.late,
            failed=run.failed,
            retried=run.retried,
        ),
        until=clock.retry_until(),
        what="the heartbeat",
    )


def _record_crash(run: SweepRun, clock: _Clock, error: BaseException, token: str) -> None:
    """Say the run crashed, from a fresh connection (the old one may be what failed); free its claims."""
    run.state = SweepState.CRASHED
    run.error = repr(error)[:2000]
    run.finished_at = run.heartbeat_at = clock.now()

    def record() -> None:
        if token:
            _release(token)
        run.save()

    try:
        if not connection.in_atomic_block:
            connection.close()
        _reconnecting(
            record, until=time.monotonic() + RECONNECT_FOR.total_seconds(), what="recording a crash"
        )
    except Exception:
        logger.exception("Reminders: the sweep crashed and could not say so; a later sweep will record it.")


def _open(email: BaseEmailBackend) -> None:
    """One connection to the email service for the whole sweep (SMTP: one session, not one a reminder).

    If it cannot be opened now, each send opens its own and fails, and is retried, on its own.
    """
    try:
        email.open()
    except Exception as error:  # noqa: BLE001
        logger.warning("Reminders: could not open the email connection: %s", error)


def _close(email: BaseEmailBackend | None) -> None:
    try:
        if email is not None:
            email.close()
    except Exception as error:  # noqa: BLE001 - what went has gone; a failed goodbye changes nothing
        logger.warning("Reminders: could not close the email connection: %s", error)


def _reset_commits() -> None:
    """After a failure: the session's commits wait for the disk again (a new session does anyway)."""
    try:
        if not connection.in_atomic_block:
            _quick_commits(False)
    except Exception:  # noqa: BLE001, S110 - the connection is gone, and its setting with it
        pass


def sweep(now: dt.datetime | None = None) -> SweepRun:
    """One run: plan, claim and deliver batch after batch until nothing is due or the budget is spent."""
    clock = _Clock(now)
    # A sweep started while the database is away waits for it, within its budget.
    run = _reconnecting(
        lambda: SweepRun.objects.create(started_at=clock.start, heartbeat_at=clock.start),
        until=clock.retry_until(),
        what="starting",
    )
    token = ""
    email: BaseEmailBackend | None = None
    try:
        _reconnecting(
            lambda: _record_crashed_runs(clock.start), until=clock.retry_until(), what="finding crashed runs"
        )
        email = get_connection(timeout=SEND_TIMEOUT.total_seconds())
        _open(email)
        _reconnecting(lambda: _quick_commits(True), until=clock.retry_until(), what="starting")
        while not clock.spent():
            at = clock.now()
            # Everything due is planned before the claim, so that a person's escalations falling
            # due together are claimed, and go, together.
            planned = 0
            while not clock.spent():
                more = _reconnecting(lambda at=at: _plan_due(at), until=clock.retry_until(), what="planning")
                planned += more
                if more < BATCH:
                    break
            token = uuid.uuid4().hex
            batch = _reconnecting(
                lambda at=at, token=token: claim(at, token=token), until=clock.retry_until(), what="claiming"
            )
            run.due += planned
            run.retried += sum(1 for reminder in batch if reminder.attempts)
            for reminder, status in deliver(batch, clock=clock, email=email):
                if status == ReminderStatus.SENT:
                    run.sent += 1
                    run.late += int(reminder.late)
                elif status == ReminderStatus.FAILED:
                    run.failed += 1
            if clock.spent():
                _reconnecting(
                    lambda token=token: _release(token), until=clock.retry_until(), what="releasing"
                )
            token = ""
            _heartbeat(run, clock)
            if not planned and not batch:
                break
        _close(email)
        _reconnecting(lambda: _quick_commits(False), until=clock.retry_until(), what="finishing")
    except BaseException as error:
        _close(email)
        _reset_commits()
        if isinstance(error, Exception):
            _record_crash(run, clock, error, token)
        raise
    run.state = SweepState.FINISHED
    run.finished_at = run.heartbeat_at = clock.now()
    _reconnecting(
        run.save, until=time.monotonic() + RECONNECT_FOR.total_seconds(), what="the heartbeat's last write"
    )
    return run
