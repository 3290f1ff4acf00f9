"""The app's tables as 0010_reminders_failed_newest left them, in one migration, for a new database.

It replaces 0001_initial to 0010_reminders_failed_newest (`replaces`): a database that applied some or all of them carries on
with them, and only a new database (the tests', a first `make run`) is built from this one. Built from
the models by makemigrations; the one operation that is not the models' is the audit trail's triggers, copied from 0002_audit_append_only, run at the end.
The data fill (0005_reminder_outcomes_and_sweep_state) is left out: it fills rows that existed before it, and a new database has none.
Migrating a new database (every app): 22 s to 9 s on SQLite, 23 s to 10 s on PostgreSQL, here.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

# From 0002_audit_append_only: the database itself refuses to change or remove audit events.
PG_FORWARD = """
CREATE OR REPLACE FUNCTION hmicfrs_mou_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The audit trail is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER hmicfrs_mou_auditevent_append_only
    BEFORE UPDATE OR DELETE ON hmicfrs_mou_auditevent
    FOR EACH ROW EXECUTE FUNCTION hmicfrs_mou_audit_append_only();
"""
PG_REVERSE = """
DROP TRIGGER IF EXISTS hmicfrs_mou_auditevent_append_only ON hmicfrs_mou_auditevent;
DROP FUNCTION IF EXISTS hmicfrs_mou_audit_append_only();
"""
SQLITE_FORWARD = """
CREATE TRIGGER IF NOT EXISTS hmicfrs_mou_auditevent_no_update
BEFORE UPDATE ON hmicfrs_mou_auditevent
BEGIN
    SELECT RAISE(ABORT, 'The audit trail is append-only: UPDATE refused');
END;
"""
SQLITE_REVERSE = "DROP TRIGGER IF EXISTS hmicfrs_mou_auditevent_no_update;"


def audit_append_only(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        # No parameters: the % in the message is PL/pgSQL's, not a placeholder.
        schema_editor.execute(PG_FORWARD, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)


def audit_append_only_reverse(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_REVERSE)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_REVERSE)


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("hmicfrs_mou", "0001_initial"),
        ("hmicfrs_mou", "0002_audit_append_only"),
        ("hmicfrs_mou", "0003_deadline_deadlinechange_reminder_inboxmessage_and_more"),
        ("hmicfrs_mou", "0004_audit_and_reminder_indexes"),
        ("hmicfrs_mou", "0005_reminder_outcomes_and_sweep_state"),
        ("hmicfrs_mou", "0006_calendar_preferences_and_feed_audit"),
        ("hmicfrs_mou", "0007_inbox_messages_emailed"),
        ("hmicfrs_mou", "0008_verbose_names_in_words"),
        ("hmicfrs_mou", "0009_preferences_language"),
        ("hmicfrs_mou", "0010_reminders_failed_newest"),
    ]

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Deadline",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(db_index=True, max_length=40)),
                ("subject_type", models.CharField(max_length=100, verbose_name="record type")),
                ("subject_id", models.CharField(max_length=64, verbose_name="record ID")),
                ("key", models.CharField(max_length=200, verbose_name="unique key")),
                ("title", models.CharField(max_length=300)),
                ("url", models.CharField(blank=True, max_length=300, verbose_name="link")),
                ("due_at", models.DateTimeField(verbose_name="due")),
                ("working", models.TextField()),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("open", "Open"),
                            ("missed", "Overdue"),
                            ("met", "Met"),
                            ("waived", "Waived"),
                        ],
                        default="open",
                        max_length=10,
                    ),
                ),
                ("state_reason", models.TextField(blank=True, verbose_name="why the state changed")),
                (
                    "state_changed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="state changed"),
                ),
                (
                    "next_fire_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="next reminder due"),
                ),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="created"),
                ),
            ],
            options={
                "ordering": ["due_at", "pk"],
                "indexes": [
                    models.Index(
                        condition=models.Q(("next_fire_at__isnull", False)),
                        fields=["next_fire_at"],
                        name="deadline_next_fire",
                    ),
                    models.Index(
                        fields=["subject_type", "subject_id"], name="hmicfrs_mou_subject_7e9926_idx"
                    ),
                    models.Index(fields=["state", "due_at"], name="hmicfrs_mou_state_384982_idx"),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("state__in", ["open", "missed"])),
                        fields=("kind", "key"),
                        name="deadline_one_live_per_kind_and_key",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("state", "waived"), _negated=True),
                            models.Q(("state_reason", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="deadline_waiver_has_reason",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="DeadlineChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="moved")),
                ("old_due_at", models.DateTimeField(verbose_name="was due")),
                ("new_due_at", models.DateTimeField(verbose_name="now due")),
                ("reason", models.CharField(max_length=300)),
                (
                    "deadline",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="changes",
                        to="hmicfrs_mou.deadline",
                    ),
                ),
            ],
            options={
                "ordering": ["-at"],
            },
        ),
        migrations.CreateModel(
            name="Preferences",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "calendar_alarm_days",
                    models.PositiveSmallIntegerField(
                        choices=[
                            (0, "No alerts"),
                            (1, "1 day before"),
                            (2, "2 days before"),
                            (7, "1 week before"),
                        ],
                        default=1,
                        verbose_name="Alerts in your calendar",
                    ),
                ),
                (
                    "daily_digest",
                    models.BooleanField(
                        default=False,
                        help_text="Notices and early reminders come together in one email at 8am; reminders on the day something is due, and when it is overdue, still come straight away.",
                        verbose_name="One email each morning",
                    ),
                ),
                (
                    "language",
                    models.CharField(
                        blank=True,
                        choices=[("en-gb", "English"), ("cy", "Cymraeg")],
                        help_text="Chosen with the language switch; empty follows the browser.",
                        max_length=8,
                        verbose_name="Language of the portal",
                    ),
                ),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="preferences",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "preferences",
                "verbose_name_plural": "preferences",
            },
        ),
        migrations.CreateModel(
            name="Reminder",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("step", models.CharField(max_length=20)),
                ("fire_at", models.DateTimeField(verbose_name="due to be sent")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Waiting to send"),
                            ("sending", "Being sent"),
                            ("sent", "Sent"),
                            ("failed", "Failed and escalated"),
                        ],
                        default="pending",
                        max_length=10,
                    ),
                ),
                (
                    "claimed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="claimed by the task worker"),
                ),
                ("claim_token", models.CharField(blank=True, max_length=32, verbose_name="claim token")),
                ("attempts", models.PositiveSmallIntegerField(default=0)),
                ("next_attempt_at", models.DateTimeField(blank=True, null=True, verbose_name="next attempt")),
                (
                    "send_started_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="sending started"),
                ),
                ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="sent")),
                (
                    "late",
                    models.BooleanField(
                        default=False,
                        help_text="Sent more than five minutes after its time, measured when it was sent.",
                    ),
                ),
                (
                    "possible_repeat",
                    models.BooleanField(
                        default=False,
                        help_text="Sent again after an attempt whose outcome was lost; the email provider cannot say whether the first went (SMTP). Both copies carry the same Message-ID.",
                    ),
                ),
                ("last_error", models.TextField(blank=True, verbose_name="last error")),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="created"),
                ),
                (
                    "deadline",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reminders",
                        to="hmicfrs_mou.deadline",
                    ),
                ),
                (
                    "recipient",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reminders",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-fire_at", "pk"],
            },
        ),
        migrations.CreateModel(
            name="InboxMessage",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(default="notice", max_length=40)),
                ("subject", models.CharField(max_length=300)),
                ("body", models.TextField()),
                ("url", models.CharField(blank=True, max_length=300, verbose_name="link")),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="created"),
                ),
                ("read_at", models.DateTimeField(blank=True, null=True, verbose_name="read")),
                (
                    "email_state",
                    models.CharField(
                        choices=[
                            ("none", "Not emailed"),
                            ("pending", "Waiting to be emailed"),
                            ("digest", "Waiting for the morning email"),
                            ("sending", "Being emailed"),
                            ("sent", "Emailed"),
                            ("failed", "Could not be emailed"),
                        ],
                        default="none",
                        max_length=10,
                        verbose_name="email state",
                    ),
                ),
                (
                    "email_claim",
                    models.CharField(blank=True, max_length=32, verbose_name="email claim token"),
                ),
                (
                    "email_claimed_at",
                    models.DateTimeField(
                        blank=True, null=True, verbose_name="email claimed by the task worker"
                    ),
                ),
                ("emailed_at", models.DateTimeField(blank=True, null=True, verbose_name="emailed")),
                (
                    "email_attempts",
                    models.PositiveSmallIntegerField(default=0, verbose_name="email attempts"),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="inbox",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "reminder",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="inbox_message",
                        to="hmicfrs_mou.reminder",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="SweepRun",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("started_at", models.DateTimeField(verbose_name="started")),
                (
                    "state",
                    models.CharField(
                        choices=[("running", "Running"), ("finished", "Finished"), ("crashed", "Crashed")],
                        default="running",
                        max_length=10,
                    ),
                ),
                ("heartbeat_at", models.DateTimeField(blank=True, null=True, verbose_name="last heard from")),
                ("finished_at", models.DateTimeField(blank=True, null=True, verbose_name="finished")),
                ("due", models.PositiveIntegerField(default=0, verbose_name="reminders due")),
                ("sent", models.PositiveIntegerField(default=0, verbose_name="reminders sent")),
                ("late", models.PositiveIntegerField(default=0, verbose_name="reminders sent late")),
                ("failed", models.PositiveIntegerField(default=0, verbose_name="reminders failed")),
                ("retried", models.PositiveIntegerField(default=0, verbose_name="reminders retried")),
                ("error", models.TextField(blank=True)),
            ],
            options={
                "verbose_name": "reminder sweep",
                "verbose_name_plural": "reminder sweeps",
                "ordering": ["-started_at"],
                "indexes": [models.Index(fields=["-started_at"], name="hmicfrs_mou_started_5ebe7e_idx")],
            },
        ),
        migrations.CreateModel(
            name="AuditEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "at",
                    models.DateTimeField(
                        db_index=True, default=django.utils.timezone.now, verbose_name="time"
                    ),
                ),
                (
                    "actor_label",
                    models.CharField(blank=True, max_length=300, verbose_name="actor's name at the time"),
                ),
                (
                    "action",
                    models.CharField(
                        choices=[
                            ("view", "Viewed"),
                            ("download", "Downloaded"),
                            ("export", "Exported"),
                            ("create", "Created"),
                            ("update", "Changed"),
                            ("delete", "Deleted"),
                            ("denied", "Refused access"),
                            ("sign_in", "Signed in"),
                            ("sign_in_failed", "Failed to sign in"),
                            ("sign_out", "Signed out"),
                            ("calendar_feed", "Calendar address used"),
                        ],
                        db_index=True,
                        max_length=20,
                    ),
                ),
                (
                    "object_type",
                    models.CharField(blank=True, db_index=True, max_length=100, verbose_name="record type"),
                ),
                ("object_id", models.CharField(blank=True, max_length=64, verbose_name="record ID")),
                (
                    "object_repr",
                    models.CharField(blank=True, max_length=300, verbose_name="record's name at the time"),
                ),
                (
                    "ip_address",
                    models.GenericIPAddressField(blank=True, null=True, verbose_name="IP address"),
                ),
                ("user_agent", models.CharField(blank=True, max_length=300, verbose_name="browser")),
                ("path", models.CharField(blank=True, max_length=500)),
                ("detail", models.JSONField(blank=True, default=dict)),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "audit event",
                "verbose_name_plural": "audit trail",
                "ordering": ["-at", "-pk"],
                "indexes": [
                    models.Index(fields=["object_type", "object_id"], name="hmicfrs_mou_object__ed393b_idx"),
                    models.Index(fields=["actor", "at"], name="hmicfrs_mou_actor_i_a4f6b7_idx"),
                    models.Index(fields=["action", "-at"], name="audit_action_at"),
                ],
            },
        ),
        migrations.CreateModel(
            name="DeadlineParty",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "role",
                    models.CharField(
                        choices=[
                            ("responsible", "Responsible"),
                            ("informed", "Told"),
                            ("escalation", "Escalation"),
                        ],
                        max_length=12,
                    ),
                ),
                (
                    "deadline",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="parties",
                        to="hmicfrs_mou.deadline",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="deadline_parts",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "deadline party",
                "verbose_name_plural": "deadline parties",
                "constraints": [
                    models.UniqueConstraint(fields=("deadline", "user", "role"), name="deadline_party_unique")
                ],
            },
        ),
        migrations.AddIndex(
            model_name="reminder",
            index=models.Index(fields=["status", "sent_at"], name="reminder_status_sent"),
        ),
        migrations.AddIndex(
            model_name="reminder",
            index=models.Index(
                condition=models.Q(("status__in", ["pending", "sending"])),
                fields=["next_attempt_at"],
                name="reminder_retry",
            ),
        ),
        migrations.AddIndex(
            model_name="reminder",
            index=models.Index(
                condition=models.Q(("status", "failed")),
                fields=["-fire_at", "id"],
                name="reminders_failed_newest",
            ),
        ),
        migrations.AddConstraint(
            model_name="reminder",
            constraint=models.UniqueConstraint(
                fields=("deadline", "step", "recipient"), name="reminder_once_per_step_and_recipient"
            ),
        ),
        migrations.AddIndex(
            model_name="inboxmessage",
            index=models.Index(fields=["user", "read_at"], name="hmicfrs_mou_user_id_8af6fe_idx"),
        ),
        migrations.AddIndex(
            model_name="inboxmessage",
            index=models.Index(
                condition=models.Q(("email_state__in", ["pending", "digest", "sending"])),
                fields=["email_state", "created_at"],
                name="inbox_email_waiting",
            ),
        ),
        migrations.RunPython(audit_append_only, audit_append_only_reverse),
    ]
