"""The audit trail: append-only, written for every sensitive read and every change."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hmicfrs_mou.choices import choice_label


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an audit event."""


class AuditAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    DOWNLOAD = "download", _("Downloaded")
    EXPORT = "export", _("Exported")
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    DENIED = "denied", _("Refused access")
    SIGN_IN = "sign_in", _("Signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("Failed to sign in")
    SIGN_OUT = "sign_out", _("Signed out")
    CALENDAR_FEED = "calendar_feed", _("Calendar address used")


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs: object) -> int:
        raise AppendOnlyError("Audit events cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit events cannot be deleted.")


class AuditEvent(models.Model):
    at = models.DateTimeField(verbose_name="time", default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # PROTECT: an account that has acted is deactivated, never deleted, so the trail
    # keeps pointing at it. The label keeps the name as it was at the time.
    actor_label = models.CharField(verbose_name="actor's name at the time", max_length=300, blank=True)
    action = models.CharField(max_length=20, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField(verbose_name="record type", max_length=100, blank=True, db_index=True)
    object_id = models.CharField(verbose_name="record ID", max_length=64, blank=True)
    object_repr = models.CharField(verbose_name="record's name at the time", max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(verbose_name="IP address", null=True, blank=True)
    user_agent = models.CharField(verbose_name="browser", max_length=300, blank=True)
    path = models.CharField(max_length=500, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "audit event"
        verbose_name_plural = "audit trail"
        ordering: ClassVar = ["-at", "-pk"]
        indexes: ClassVar = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["actor", "at"]),
            # The trail is searched by action, newest first.
            models.Index(fields=["action", "-at"], name="audit_action_at"),
        ]

    def __str__(self) -> str:
        at = timezone.localtime(self.at)
        return f"{at:%Y-%m-%d %H:%M:%S} {at.tzname()} {self.actor_label or 'anonymous'} {self.get_action_display()} {self.object_repr}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("Audit events cannot be changed.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit events cannot be deleted.")

    @property
    def action_label(self) -> Any:
        return choice_label(AuditAction, self.action)


# --- Deadlines and reminders (the engine lives in hmicfrs_mou.reminders) -----------------


class DeadlineState(models.TextChoices):
    OPEN = "open", _("Open")
    MISSED = "missed", _("Overdue")
    MET = "met", _("Met")
    WAIVED = "waived", _("Waived")


LIVE_STATES = (DeadlineState.OPEN, DeadlineState.MISSED)


class DeadlineQuerySet(models.QuerySet):
    def live(self) -> DeadlineQuerySet:
        return self.filter(state__in=LIVE_STATES)

    def for_person(self, user: object) -> DeadlineQuerySet:
        """Deadlines the person answers for or is told about (their own, never anyone else's)."""
        return self.filter(parties__user=user).distinct()


class Deadline(models.Model):
    """One deadline of one subject, computed by hmicfrs_mou.deadlines and kept with its working."""

    kind = models.CharField(max_length=40, db_index=True)
    # The subject: a record (a report, a response, a follow-up) or a standing pair
    # (a meeting cadence), named by a key that is stable across recomputation.
    subject_type = models.CharField(verbose_name="record type", max_length=100)
    subject_id = models.CharField(verbose_name="record ID", max_length=64)
    key = models.CharField(verbose_name="unique key", max_length=200)
    title = models.CharField(max_length=300)
    url = models.CharField(verbose_name="link", max_length=300, blank=True)
    due_at = models.DateTimeField(verbose_name="due")
    working = models.TextField()
    state = models.CharField(max_length=10, choices=DeadlineState.choices, default=DeadlineState.OPEN)
    state_reason = models.TextField(verbose_name="why the state changed", blank=True)
    state_changed_at = models.DateTimeField(verbose_name="state changed", null=True, blank=True)
    # When the sweep next has something to do for this deadline; null once every
    # step is done. Indexed with state so a sweep's cost follows what is due.
    next_fire_at = models.DateTimeField(verbose_name="next reminder due", null=True, blank=True)
    created_at = models.DateTimeField(verbose_name="created", default=timezone.now)

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["due_at", "pk"]
        indexes: ClassVar = [
            models.Index(
                fields=["next_fire_at"],
                name="deadline_next_fire",
                condition=models.Q(next_fire_at__isnull=False),
            ),
            models.Index(fields=["subject_type", "subject_id"]),
            models.Index(fields=["state", "due_at"]),
        ]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["kind", "key"],
                condition=models.Q(state__in=["open", "missed"]),
                name="deadline_one_live_per_kind_and_key",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="waived") | ~models.Q(state_reason=""),
                name="deadline_waiver_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (due {timezone.localtime(self.due_at):%-d %B %Y %H:%M %Z})"

    def is_overdue(self, at: dt.datetime) -> bool:
        return self.state in LIVE_STATES and at >= self.due_at


# The prefix of the annotations `with_soonest_live_deadline` adds.
SOONEST = "soonest_deadline_"
SOONEST_FIELDS = ("kind", "title", "url", "due_at", "working")


def with_soonest_live_deadline(
    queryset: models.QuerySet[Any], subject_type: str, fields: tuple[str, ...] = SOONEST_FIELDS
) -> models.QuerySet[Any]:
    """Each record of `queryset` (a subject of the engine, `subject_type`) with its soonest live deadline's
    `fields`, read by `soonest_live_deadline`.

    For a list that shows what is due next on each record: correlated subqueries in the list's own query,
    which the database runs for the rows the list returns only, in place of a second query for them all."""
    soonest = (
        Deadline.objects.live()
        .filter(subject_type=subject_type, subject_id=Cast(OuterRef("pk"), models.CharField()))
        .order_by("due_at", "pk")
    )
    return queryset.annotate(**{SOONEST + name: Subquery(soonest.values(name)[:1]) for name in fields})


def soonest_live_deadline(record: models.Model) -> Deadline | None:
    """The soonest live deadline `with_soonest_live_deadline` read with the record (unsaved, with the fields
    it read), or None when the record has none."""
    if getattr(record, SOONEST + "due_at") is None:
        return None
    return Deadline(
        **{
            name: getattr(record, SOONEST + name)
            for name in SOONEST_FIELDS
            if hasattr(record, SOONEST + name)
        }
    )


class PartyRole(models.TextChoices):
    RESPONSIBLE = "responsible", _("Responsible")
    INFORMED = "informed", _("Told")
    ESCALATION = "escalation", _("Escalation")


class DeadlineParty(models.Model):
    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="parties")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deadline_parts"
    )
    role = models.CharField(max_length=12, choices=PartyRole.choices)

    class Meta:
        verbose_name = "deadline party"
        verbose_name_plural = "deadline parties"
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["deadline", "user", "role"], name="deadline_party_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}"


class DeadlineChange(models.Model):
    """A recomputation that moved a deadline, kept so the history can be shown."""

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField(verbose_name="moved", default=timezone.now)
    old_due_at = models.DateTimeField(verbose_name="was due")
    new_due_at = models.DateTimeField(verbose_name="now due")
    reason = models.CharField(max_length=300)

    class Meta:
        ordering: ClassVar = ["-at"]

    def __str__(self) -> str:
        return f"{self.deadline_id}: {self.old_due_at} → {self.new_due_at}"


class ReminderStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to send")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed and escalated")


class Reminder(models.Model):
    """The ledger: one row per (deadline, step, recipient), claimed before it is sent.

    The unique constraint is what makes a reminder go once: a second sweep's
    insert of the same row is ignored, and only the sweep whose conditional
    update moved the row to SENDING delivers it.
    """

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="reminders")
    step = models.CharField(max_length=20)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    fire_at = models.DateTimeField(verbose_name="due to be sent")
    status = models.CharField(max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.PENDING)
    claimed_at = models.DateTimeField(verbose_name="claimed by the task worker", null=True, blank=True)
    claim_token = models.CharField(verbose_name="claim token", max_length=32, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(verbose_name="next attempt", null=True, blank=True)
    # Set when an attempt begins (just before the send) and cleared when its outcome is recorded:
    # a row still SENDING with this set lost its outcome, and is resolved before it is sent again.
    send_started_at = models.DateTimeField(verbose_name="sending started", null=True, blank=True)
    sent_at = models.DateTimeField(verbose_name="sent", null=True, blank=True)
    late = models.BooleanField(
        default=False, help_text="Sent more than five minutes after its time, measured when it was sent."
    )
    possible_repeat = models.BooleanField(
        default=False,
        help_text="Sent again after an attempt whose outcome was lost; the email provider cannot say whether "
        "the first went (SMTP). Both copies carry the same Message-ID.",
    )
    last_error = models.TextField(verbose_name="last error", blank=True)
    created_at = models.DateTimeField(verbose_name="created", default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-fire_at", "pk"]
        indexes: ClassVar = [
            # The health page counts by status and sending time.
            models.Index(fields=["status", "sent_at"], name="reminder_status_sent"),
            models.Index(
                fields=["next_attempt_at"],
                name="reminder_retry",
                condition=models.Q(status__in=["pending", "sending"]),
            ),
            # The health page's failed reminders, newest first (the default order), read in order to a page.
            models.Index(
                fields=["-fire_at", "id"], name="reminders_failed_newest", condition=models.Q(status="failed")
            ),
        ]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["deadline", "step", "recipient"], name="reminder_once_per_step_and_recipient"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.step} reminder to {self.recipient} for deadline {self.deadline_id}"


class EmailState(models.TextChoices):
    # Not emailed from here: a reminder's copy (the reminder row emails it) or a person without an address.
    NONE = "none", _("Not emailed")
    PENDING = "pending", _("Waiting to be emailed")
    DIGEST = "digest", _("Waiting for the morning email")
    SENDING = "sending", _("Being emailed")
    SENT = "sent", _("Emailed")
    FAILED = "failed", _("Could not be emailed")


class InboxMessage(models.Model):
    """The in-app copy of a reminder or notice; the unread count shows in the header.

    A notice is also emailed from here (hmicfrs_mou.outbox): straight away, or in the person's
    morning email if they chose one; a reminder's early steps join that morning email too.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox")
    reminder = models.OneToOneField(
        Reminder, null=True, blank=True, on_delete=models.SET_NULL, related_name="inbox_message"
    )
    # What the message is about, for mail filters (List-Id) and the inbox: "reminder" or a notice's kind.
    kind = models.CharField(max_length=40, default="notice")
    subject = models.CharField(max_length=300)
    body = models.TextField()
    url = models.CharField(verbose_name="link", max_length=300, blank=True)
    created_at = models.DateTimeField(verbose_name="created", default=timezone.now)
    read_at = models.DateTimeField(verbose_name="read", null=True, blank=True)
    email_state = models.CharField(
        verbose_name="email state", max_length=10, choices=EmailState.choices, default=EmailState.NONE
    )
    email_claim = models.CharField(verbose_name="email claim token", max_length=32, blank=True)
    email_claimed_at = models.DateTimeField(
        verbose_name="email claimed by the task worker", null=True, blank=True
    )
    emailed_at = models.DateTimeField(verbose_name="emailed", null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(verbose_name="email attempts", default=0)

    class Meta:
        ordering: ClassVar = ["-created_at", "-pk"]
        indexes: ClassVar = [
            models.Index(fields=["user", "read_at"]),
            # The outbox reads only what waits to go, however large the inbox grows.
            models.Index(
                fields=["email_state", "created_at"],
                name="inbox_email_waiting",
                condition=models.Q(email_state__in=["pending", "digest", "sending"]),
            ),
        ]

    def __str__(self) -> str:
        return self.subject


class SweepState(models.TextChoices):
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")
    CRASHED = "crashed", _("Crashed")


class SweepRun(models.Model):
    """The sweep's heartbeat: one row per run, shown on the health page.

    A run that fails records itself as crashed from a fresh connection; one that
    could not (killed, or the database still down) is found by a later sweep.
    """

    started_at = models.DateTimeField(verbose_name="started")
    state = models.CharField(max_length=10, choices=SweepState.choices, default=SweepState.RUNNING)
    heartbeat_at = models.DateTimeField(verbose_name="last heard from", null=True, blank=True)
    finished_at = models.DateTimeField(verbose_name="finished", null=True, blank=True)
    due = models.PositiveIntegerField(verbose_name="reminders due", default=0)
    sent = models.PositiveIntegerField(verbose_name="reminders sent", default=0)
    late = models.PositiveIntegerField(verbose_name="reminders sent late", default=0)
    failed = models.PositiveIntegerField(verbose_name="reminders failed", default=0)
    retried = models.PositiveIntegerField(verbose_name="reminders retried", default=0)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = "reminder sweep"
        verbose_name_plural = "reminder sweeps"
        ordering: ClassVar = ["-started_at"]
        indexes: ClassVar = [models.Index(fields=["-started_at"])]

    def __str__(self) -> str:
        return f"Sweep at {self.started_at}"


class CalendarAlarm(models.IntegerChoices):
    NONE = 0, _("No alerts")
    ONE_DAY = 1, _("1 day before")
    TWO_DAYS = 2, _("2 days before")
    ONE_WEEK = 7, _("1 week before")


class Preferences(models.Model):
    """A person's choices about how the portal reaches them (calendar alerts, the daily email digest)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preferences"
    )
    calendar_alarm_days = models.PositiveSmallIntegerField(
        "Alerts in your calendar", choices=CalendarAlarm.choices, default=CalendarAlarm.ONE_DAY
    )
    daily_digest = models.BooleanField(
        "One email each morning",
        default=False,
        help_text="Notices and early reminders come together in one email at 8am; reminders on the day "
        "something is due, and when it is overdue, still come straight away.",
    )
    language = models.CharField(
        "Language of the portal",
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text="Chosen with the language switch; empty follows the browser.",
    )

    class Meta:
        verbose_name = "preferences"
        verbose_name_plural = "preferences"

    def __str__(self) -> str:
        return f"Preferences of {self.user}"

    @classmethod
    def of(cls, user: Any) -> Preferences:
        """The person's preferences, or the defaults (unsaved) if they never chose."""
        found = cls.objects.filter(user=user).first()
        return found or cls(user=user)


class ExportState(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Being prepared")
    READY = "ready", _("Ready to download")
    FAILED = "failed", _("Could not be prepared")


class ExportJob(models.Model):
    """A CSV export too long to stream while the reader waits, prepared by the task worker
    (hmicfrs_mou.exports): the rows the person may see at the moment they asked, with its progress, the
    file when ready, and the records it holds (checked again when it is downloaded). Only the person who
    asked may see it; it is kept for EXPORT_KEEP and then deleted."""

    id = models.UUIDField(verbose_name="ID", primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=40)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    requested_at = models.DateTimeField(verbose_name="asked for at")
    state = models.CharField(max_length=10, choices=ExportState.choices, default=ExportState.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    content = models.BinaryField(null=True, blank=True, editable=False)
    # The ids of the records in the file, and those of them seen only under an embargo (the audit trail's).
    record_ids = models.JSONField(default=list, blank=True)
    embargoed_ids = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["-requested_at"]
        indexes: ClassVar = [models.Index(fields=["requested_at"], name="export_requested_at")]
        # One export of each kind waiting for a person at a time (hmicfrs_mou.exports.export_request): two
        # asks at the same moment (two tabs, a double click) make one job, not two.
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["requested_by", "kind"],
                condition=models.Q(state__in=["queued", "running"]),
                name="export_one_waiting_per_person",
            )
        ]

    def __str__(self) -> str:
        # Named by id alone, as the audit trail names workflow records: nothing the export holds.
        return f"Export {self.pk}"

    @property
    def state_label(self) -> str:
        return choice_label(ExportState, self.state)
