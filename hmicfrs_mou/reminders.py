"""The deadline engine: deadlines as data, and the sweep that turns them into reminders.

Every deadline is computed by hmicfrs_mou.deadlines and registered here with
its working and the people responsible. The sweep (a django-q2 schedule, every
minute) recomputes what is due from stored state:

1. Deadlines whose `next_fire_at` has come (an indexed range scan: its cost
   follows what is due, not how many deadlines exist) get one ledger row per
   (deadline, step, recipient), inserted under a unique constraint, so running
   the sweep twice, or two sweeps at once, inserts each row once.
2. Ledger rows waiting to go are claimed with one conditional UPDATE; only
   the sweep whose update moved a row to SENDING delivers it. A claim whose
   holder died (killed worker) expires after CLAIM_LEASE and is claimed again.
3. Delivery writes the inbox message and sends the email; a failure is retried
   with back-off up to MAX_ATTEMPTS, then marked failed and shown to admins.

A reminder whose time passed while no sweep ran (the worker was down) is sent
once by the next sweep and marked late.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from hmicfrs_mou.deadlines import LONDON, Computed
from hmicfrs_mou.models import (
    LIVE_STATES,
    Deadline,
    DeadlineChange,
    DeadlineParty,
    DeadlineState,
    InboxMessage,
    PartyRole,
    Reminder,
    ReminderStatus,
    SweepRun,
)

logger = logging.getLogger(__name__)

# A claim is held at most for one task's run (Q_CLUSTER timeout, 120 s); after
# that its holder has been stopped, so the row may be claimed again.
CLAIM_LEASE = dt.timedelta(seconds=150)
MAX_ATTEMPTS = 4
RETRY_BACKOFF = (dt.timedelta(minutes=1), dt.timedelta(minutes=5), dt.timedelta(minutes=15))
# A reminder sent more than this after its time is marked late.
LATE_AFTER = dt.timedelta(minutes=5)
MORNING = dt.time(8, 0)
BATCH = 500


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


def due_day(due_at: dt.datetime) -> dt.date:
    """The London day a deadline falls on; a deadline at midnight is the end of the day before."""
    local = due_at.astimezone(LONDON)
    if local.time() == dt.time(0, 0):
        return local.date() - dt.timedelta(days=1)
    return local.date()


def _morning(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, MORNING, tzinfo=LONDON)


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
        steps.append(
            Step(
                "escalation",
                deadline.due_at + dt.timedelta(days=kind.escalate_after_days),
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
            f"The deadline ({timezone.localtime(due_at):%-d %B %Y %H:%M}) falls before its subject existed "
            f"({timezone.localtime(subject_created_at):%-d %B %Y %H:%M})."
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


def _plan(deadline: Deadline, now: dt.datetime) -> list[Reminder]:
    """Ledger rows owed for a deadline up to `now`."""
    spec = KINDS.get(deadline.kind)
    if spec is None:
        return []
    people: dict[str, list[int]] = {}
    for party in deadline.parties.all():
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
                    late=now - fire_at > LATE_AFTER,
                    next_attempt_at=now,
                    created_at=now,
                )
            )
    return rows


def _plan_due(now: dt.datetime) -> int:
    """Insert the ledger rows for every deadline with something due; move each deadline on."""
    due = list(
        Deadline.objects.filter(next_fire_at__lte=now)
        .prefetch_related("parties")
        .order_by("next_fire_at")[:BATCH]
    )
    for deadline in due:
        with transaction.atomic():
            # The conditional update makes this idempotent under two sweeps: whichever
            # moves next_fire_at on first has planned; the other's rows are ignored anyway.
            Reminder.objects.bulk_create(_plan(deadline, now), ignore_conflicts=True)
            spec = KINDS.get(deadline.kind)
            state = deadline.state
            if state == DeadlineState.OPEN and now >= deadline.due_at:
                state = DeadlineState.MISSED
            deadline.state = state
            next_fire = _next_fire(deadline, spec, after=now) if spec else None
            Deadline.objects.filter(pk=deadline.pk, next_fire_at=deadline.next_fire_at).update(
                next_fire_at=next_fire, state=state
            )
    return len(due)


def _claimable(now: dt.datetime) -> Q:
    return Q(status=ReminderStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=ReminderStatus.SENDING, claimed_at__lt=now - CLAIM_LEASE
    )


def claim(now: dt.datetime) -> list[Reminder]:
    """Claim the reminders ready to go; another sweep cannot claim the same rows."""
    ids = list(
        Reminder.objects.filter(
            status__in=[ReminderStatus.PENDING, ReminderStatus.SENDING], next_attempt_at__lte=now
        )
        .filter(_claimable(now))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:BATCH]
    )
    if not ids:
        return []
    token = uuid.uuid4().hex
    # One conditional UPDATE: on PostgreSQL a concurrent sweep's update of the same
    # rows waits, re-reads them as SENDING and so skips them.
    Reminder.objects.filter(pk__in=ids).filter(_claimable(now)).update(
        status=ReminderStatus.SENDING, claimed_at=now, claim_token=token
    )
    return list(
        Reminder.objects.filter(claim_token=token, status=ReminderStatus.SENDING).select_related(
            "deadline", "recipient"
        )
    )


def deliver(reminder: Reminder, now: dt.datetime) -> str:
    """Send one claimed reminder: the inbox message and the email. Returns the new status."""
    from hmicfrs_mou.emails import reminder_message, send_reminder_email

    subject, body = reminder_message(reminder)
    InboxMessage.objects.get_or_create(
        reminder=reminder,
        defaults={
            "user": reminder.recipient,
            "subject": subject,
            "body": body,
            "url": reminder.deadline.url,
            "created_at": now,
        },
    )
    attempts = reminder.attempts + 1
    try:
        if reminder.recipient.email:
            send_reminder_email(reminder)
    except Exception as error:  # noqa: BLE001 - any backend failure is retried, then escalated
        logger.warning("Reminder %s failed (attempt %s): %s", reminder.pk, attempts, error)
        failed = attempts >= MAX_ATTEMPTS
        Reminder.objects.filter(pk=reminder.pk, claim_token=reminder.claim_token).update(
            status=ReminderStatus.FAILED if failed else ReminderStatus.PENDING,
            attempts=attempts,
            last_error=str(error)[:2000],
            next_attempt_at=None if failed else now + RETRY_BACKOFF[min(attempts, len(RETRY_BACKOFF)) - 1],
            claim_token="",
        )
        return ReminderStatus.FAILED if failed else ReminderStatus.PENDING
    Reminder.objects.filter(pk=reminder.pk, claim_token=reminder.claim_token).update(
        status=ReminderStatus.SENT, attempts=attempts, sent_at=now, next_attempt_at=None, last_error=""
    )
    return ReminderStatus.SENT


def sweep(now: dt.datetime | None = None) -> SweepRun:
    """One run: plan what is due, claim it, deliver it, and leave a heartbeat."""
    now = now or timezone.now()
    run = SweepRun.objects.create(started_at=now)
    try:
        run.due = _plan_due(now)
        for reminder in claim(now):
            if reminder.attempts:
                run.retried += 1
            status = deliver(reminder, now)
            if status == ReminderStatus.SENT:
                run.sent += 1
                run.late += int(reminder.late)
            elif status == ReminderStatus.FAILED:
                run.failed += 1
    except Exception as error:
        run.error = repr(error)[:2000]
        raise
    finally:
        run.finished_at = timezone.now()
        run.save()
    return run
