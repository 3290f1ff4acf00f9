"""The app's tables as 0009_reports_newest_first left them, in one migration, for a new database.

It replaces 0001_initial to 0009_reports_newest_first (`replaces`): a database that applied some or all of them carries on
with them, and only a new database (the tests', a first `make run`) is built from this one. Built from
the models by makemigrations; the one operation that is not the models' is the search indexes on PostgreSQL, copied from 0006_search_indexes, run at the end.
Migrating a new database (every app): 22 s to 9 s on SQLite, 23 s to 10 s on PostgreSQL, here.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations, models

# From 0006_search_indexes: the full-text search indexes, on PostgreSQL only (SQLite has no GIN).
SEARCH_INDEXES = (
    ("Report", GinIndex(SearchVector("title", "summary", config="english"), name="report_search")),
    ("Finding", GinIndex(SearchVector("text", config="english"), name="finding_search")),
)


def add_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, index in SEARCH_INDEXES:
        schema_editor.add_index(apps.get_model("inspections", model_name), index)


def remove_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, index in SEARCH_INDEXES:
        schema_editor.remove_index(apps.get_model("inspections", model_name), index)


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("inspections", "0001_initial"),
        ("inspections", "0002_steps_i2_i5_p2"),
        ("inspections", "0003_debriefs_updates_i6_i8"),
        ("inspections", "0004_report_labels_without_rule_ids"),
        ("inspections", "0005_report_language"),
        ("inspections", "0006_search_indexes"),
        ("inspections", "0007_verbose_names_in_words"),
        ("inspections", "0008_report_body_headings"),
        ("inspections", "0009_reports_newest_first"),
    ]

    dependencies = [
        ("contacts", "0001_squashed_0008_meetings_newest_first"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Programme",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=300)),
                ("year", models.CharField(help_text="For example 2026–27", max_length=9)),
                ("framework", models.TextField(blank=True)),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("representations_requested", "Representations asked of the APCC chair"),
                            ("under_consideration", "Representations under consideration"),
                            ("submitted", "Submitted for the Home Secretary's approval"),
                            ("approved", "Approved by the Home Secretary"),
                            ("laid", "Laid before Parliament"),
                        ],
                        default="draft",
                        max_length=30,
                    ),
                ),
                (
                    "representations_due_on",
                    models.DateField(blank=True, null=True, verbose_name="representations due by"),
                ),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="created"),
                ),
            ],
            options={
                "ordering": ["-year"],
            },
        ),
        migrations.CreateModel(
            name="AssistanceRequest",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("text", models.TextField()),
                (
                    "requested_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="requested"),
                ),
                (
                    "area",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="assistance_about",
                        to="contacts.organisation",
                    ),
                ),
                (
                    "office",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="assistance_requested",
                        to="contacts.organisation",
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-requested_at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="CommissionRequest",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("scope", models.TextField()),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("requested", "Requested"),
                            ("scope_discussed", "Scope discussed"),
                            ("estimate_agreed", "Duration and cost agreed"),
                            ("accepted", "Accepted"),
                            ("declined", "Declined"),
                        ],
                        default="requested",
                        max_length=20,
                    ),
                ),
                ("estimated_days", models.PositiveIntegerField(blank=True, null=True)),
                (
                    "estimated_cost_pounds",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=10,
                        null=True,
                        verbose_name="estimated cost (£)",
                    ),
                ),
                (
                    "estimate_agreed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="estimate agreed"),
                ),
                ("decided_at", models.DateTimeField(blank=True, null=True, verbose_name="decided")),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="created"),
                ),
                ("scope_discussion", models.TextField(blank=True)),
                (
                    "scope_discussed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="scope discussed"),
                ),
                ("decline_reason", models.TextField(blank=True)),
                (
                    "areas",
                    models.ManyToManyField(related_name="commissions_about", to="contacts.organisation"),
                ),
                (
                    "requested_by",
                    models.ManyToManyField(related_name="commissions_requested", to="contacts.organisation"),
                ),
            ],
            options={
                "ordering": ["-created_at"],
            },
        ),
        migrations.CreateModel(
            name="Inspection",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("peel", "PEEL"),
                            ("frs", "Fire and rescue service inspection"),
                            ("thematic", "Thematic"),
                            ("commissioned", "Commissioned"),
                            ("joint", "Joint inspection"),
                        ],
                        max_length=20,
                    ),
                ),
                ("title", models.CharField(max_length=300)),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="created"),
                ),
                ("areas", models.ManyToManyField(related_name="inspections", to="contacts.organisation")),
                (
                    "commission",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="inspection",
                        to="inspections.commissionrequest",
                    ),
                ),
                (
                    "lead",
                    models.ForeignKey(
                        help_text="The senior responsible owner HMI.",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="inspections_led",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "team",
                    models.ManyToManyField(
                        blank=True, related_name="inspection_teams", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at"],
                "permissions": [("view_all_inspection", "Work on every inspection (HMICFRS)")],
            },
        ),
        migrations.CreateModel(
            name="EvidenceRequest",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("text", models.TextField(help_text="The evidence asked of the chief officer.")),
                (
                    "requested_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="requested"),
                ),
                (
                    "discussion",
                    models.CharField(
                        choices=[
                            ("requested", "Discussion requested"),
                            ("accepted", "Discussion accepted"),
                            ("declined", "Discussion declined"),
                            ("no_office", "No PCC's office to ask"),
                        ],
                        default="requested",
                        max_length=10,
                    ),
                ),
                ("answered_at", models.DateTimeField(blank=True, null=True, verbose_name="answered")),
                ("answer_note", models.TextField(blank=True)),
                (
                    "answered_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "area",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="contacts.organisation",
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "inspection",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="evidence_requests",
                        to="inspections.inspection",
                    ),
                ),
            ],
            options={
                "ordering": ["-requested_at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="EvidenceRecord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("evidence", "Evidence"),
                            ("confidential_disclosure", "Disclosure in confidence (not evidence)"),
                            ("pcc_declined", "PCC declined a discussion"),
                            ("pfcc_interview", "Interview with the PFCC (evidence)"),
                        ],
                        max_length=30,
                    ),
                ),
                ("summary", models.TextField()),
                (
                    "recorded_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="recorded"),
                ),
                (
                    "area",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="contacts.organisation",
                    ),
                ),
                (
                    "named_staff",
                    models.ManyToManyField(
                        blank=True,
                        help_text="HMICFRS staff besides the HMI who may read a confidential disclosure.",
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "source",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="contacts.organisation",
                    ),
                ),
                (
                    "inspection",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="evidence",
                        to="inspections.inspection",
                    ),
                ),
            ],
            options={
                "ordering": ["-recorded_at"],
            },
        ),
        migrations.CreateModel(
            name="Debrief",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("held_on", models.DateField()),
                ("notes", models.TextField()),
                (
                    "pcc_invited",
                    models.BooleanField(
                        default=False,
                        help_text="Police: the chief's decision. FRS with a PFCC: by right.",
                        verbose_name="PCC invited",
                    ),
                ),
                (
                    "significant_concern",
                    models.BooleanField(
                        default=False,
                        help_text="If the debrief shows significant concern, the chief keeps the PCC updated.",
                    ),
                ),
                (
                    "recorded_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="recorded"),
                ),
                (
                    "attendance_decided_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="PCC's attendance decided"),
                ),
                (
                    "area",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="contacts.organisation",
                    ),
                ),
                (
                    "attendance_decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="PCC's attendance decided by",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "inspection",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="debriefs",
                        to="inspections.inspection",
                    ),
                ),
            ],
            options={
                "ordering": ["held_on", "pk"],
            },
        ),
        migrations.CreateModel(
            name="ChiefUpdate",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("text", models.TextField()),
                ("at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="sent")),
                (
                    "area",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="contacts.organisation",
                    ),
                ),
                (
                    "by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="sent by",
                    ),
                ),
                (
                    "inspection",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="chief_updates",
                        to="inspections.inspection",
                    ),
                ),
            ],
            options={
                "ordering": ["-at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="InspectionNotice",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("notification", "Notification of inspection"),
                            ("schedule", "PEEL schedule and milestones"),
                            ("methodology", "Major change of methodology"),
                            ("concern", "Routine-monitoring concern"),
                        ],
                        max_length=20,
                    ),
                ),
                ("subject", models.CharField(max_length=300)),
                ("body", models.TextField()),
                ("sent_at", models.DateTimeField(verbose_name="sent")),
                (
                    "inspection",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notices",
                        to="inspections.inspection",
                    ),
                ),
                (
                    "recipients",
                    models.ManyToManyField(related_name="inspection_notices", to="contacts.organisation"),
                ),
                (
                    "sent_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-sent_at"],
            },
        ),
        migrations.CreateModel(
            name="Milestone",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=200)),
                ("starts_on", models.DateField()),
                ("ends_on", models.DateField(blank=True, null=True)),
                (
                    "inspection",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="milestones",
                        to="inspections.inspection",
                    ),
                ),
            ],
            options={
                "ordering": ["starts_on"],
            },
        ),
        migrations.CreateModel(
            name="ProgrammeEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("representations_requested", "Representations asked of the APCC chair"),
                            ("under_consideration", "Representations under consideration"),
                            ("submitted", "Submitted for the Home Secretary's approval"),
                            ("approved", "Approved by the Home Secretary"),
                            ("laid", "Laid before Parliament"),
                        ],
                        max_length=30,
                    ),
                ),
                ("at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="changed")),
                ("note", models.TextField(blank=True)),
                (
                    "by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="changed by",
                    ),
                ),
                (
                    "programme",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="events",
                        to="inspections.programme",
                    ),
                ),
            ],
            options={
                "ordering": ["at", "pk"],
            },
        ),
        migrations.CreateModel(
            name="ReferenceGroup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "inspection",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reference_group",
                        to="inspections.inspection",
                    ),
                ),
                (
                    "members",
                    models.ManyToManyField(related_name="reference_groups", to="contacts.organisation"),
                ),
            ],
        ),
        migrations.CreateModel(
            name="Report",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("force_specific", "Force- or FRS-specific (PEEL, FRS): 48 hours' embargo"),
                            ("other", "Other report: 24 hours' embargo to interested parties"),
                            ("accelerated_coc", "Accelerated cause of concern: 24 hours' notice"),
                        ],
                        max_length=20,
                    ),
                ),
                ("title", models.CharField(max_length=300)),
                (
                    "language",
                    models.CharField(
                        choices=[("en-GB", "English"), ("cy", "Welsh")],
                        default="en-GB",
                        help_text="The language the report is written in.",
                        max_length=10,
                        verbose_name="language",
                    ),
                ),
                ("summary", models.TextField(blank=True)),
                (
                    "body",
                    models.TextField(
                        help_text="The report's text. Leave a blank line between paragraphs; they are numbered 1, 2, 3 through the whole report. Start a line with # and a space for a section heading, or ## and a space for a sub-heading. Headings are not numbered."
                    ),
                ),
                ("press_release", models.TextField(blank=True)),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("factual_accuracy", "Factual-accuracy check"),
                            ("final", "Final"),
                            ("scheduled", "Publication scheduled"),
                            ("published", "Published"),
                        ],
                        default="draft",
                        max_length=20,
                    ),
                ),
                (
                    "fac_opens_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="factual-accuracy window opens"),
                ),
                (
                    "fac_closes_at",
                    models.DateTimeField(
                        blank=True, null=True, verbose_name="factual-accuracy window closes"
                    ),
                ),
                ("finalised_at", models.DateTimeField(blank=True, null=True, verbose_name="finalised")),
                (
                    "fac_was_due_to_close_at",
                    models.DateTimeField(
                        blank=True, null=True, verbose_name="factual-accuracy window was due to close"
                    ),
                ),
                (
                    "fac_closed_early_reason",
                    models.TextField(blank=True, verbose_name="why the factual-accuracy window closed early"),
                ),
                (
                    "significant_concern_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="significant concern recorded"),
                ),
                ("publication_at", models.DateTimeField(blank=True, null=True, verbose_name="publication")),
                (
                    "distribution_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="embargoed copy goes out"),
                ),
                ("immediate_release", models.BooleanField(default=False)),
                (
                    "embargo_exception",
                    models.TextField(
                        blank=True,
                        help_text="Why the copy goes out later than the MOU asks (recorded and sent to the PCC).",
                    ),
                ),
                (
                    "distribution_notified_at",
                    models.DateTimeField(
                        blank=True,
                        help_text="When recipients were told the embargoed copy is ready.",
                        null=True,
                        verbose_name="recipients told of the embargoed copy",
                    ),
                ),
                (
                    "published_at",
                    models.DateTimeField(
                        blank=True,
                        help_text="When the publication notices were sent.",
                        null=True,
                        verbose_name="publication notices sent",
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="created"),
                ),
                ("areas", models.ManyToManyField(related_name="reports", to="contacts.organisation")),
                (
                    "inspection",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="reports",
                        to="inspections.inspection",
                    ),
                ),
                (
                    "interested_parties",
                    models.ManyToManyField(
                        blank=True,
                        help_text="Who gets the embargoed copy at least 24 hours before publication.",
                        related_name="reports_of_interest",
                        to="contacts.organisation",
                    ),
                ),
                (
                    "significant_concern_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="significant concern recorded by",
                    ),
                ),
            ],
            options={
                "ordering": ["-publication_at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="Redaction",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("passage", models.TextField()),
                ("reason", models.CharField(max_length=300)),
                ("at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="redacted")),
                (
                    "by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="redacted by",
                    ),
                ),
                (
                    "report",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="redactions",
                        to="inspections.report",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="Finding",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("cause_of_concern", "Cause of concern"),
                            ("recommendation", "Recommendation"),
                            ("area_for_improvement", "Area for improvement"),
                        ],
                        max_length=30,
                    ),
                ),
                ("reference", models.CharField(max_length=40, unique=True)),
                ("text", models.TextField()),
                ("closed_at", models.DateTimeField(blank=True, null=True, verbose_name="closed")),
                (
                    "area",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="findings",
                        to="contacts.organisation",
                    ),
                ),
                (
                    "report",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="findings",
                        to="inspections.report",
                    ),
                ),
            ],
            options={
                "ordering": ["reference"],
            },
        ),
        migrations.CreateModel(
            name="FactualAccuracyComment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("paragraph", models.CharField(help_text="Paragraph or page reference.", max_length=40)),
                ("current_text", models.TextField()),
                ("proposed_correction", models.TextField()),
                ("evidence", models.TextField(help_text="What shows the current text is wrong.")),
                (
                    "submitted_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="sent"),
                ),
                (
                    "decision",
                    models.CharField(
                        choices=[
                            ("pending", "Awaiting decision"),
                            ("accepted", "Accepted"),
                            ("rejected", "Rejected"),
                        ],
                        default="pending",
                        max_length=10,
                    ),
                ),
                ("decision_reason", models.TextField(blank=True)),
                ("decided_at", models.DateTimeField(blank=True, null=True, verbose_name="decided")),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "submitted_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="sent by",
                    ),
                ),
                (
                    "report",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="fac_comments",
                        to="inspections.report",
                    ),
                ),
            ],
            options={
                "verbose_name": "factual-accuracy comment",
                "verbose_name_plural": "factual-accuracy comments",
                "ordering": ["submitted_at"],
            },
        ),
        migrations.CreateModel(
            name="EmbargoedCopyOpen",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="opened")),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "report",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="copy_opens",
                        to="inspections.report",
                    ),
                ),
            ],
            options={
                "verbose_name": "opening of an embargoed copy",
                "verbose_name_plural": "openings of embargoed copies",
            },
        ),
        migrations.CreateModel(
            name="DiaryNote",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("text", models.TextField()),
                ("sent_at", models.DateTimeField(verbose_name="sent")),
                (
                    "sent_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "report",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="diary_note",
                        to="inspections.report",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="Representation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("apcc_collated", "The APCC's collated response for its members"),
                            ("pcc_direct", "A PCC's direct response"),
                        ],
                        max_length=20,
                    ),
                ),
                ("text", models.TextField()),
                (
                    "received_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="received"),
                ),
                ("considered_at", models.DateTimeField(blank=True, null=True, verbose_name="considered")),
                ("consideration", models.TextField(blank=True)),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="contacts.organisation",
                    ),
                ),
                (
                    "programme",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="representations",
                        to="inspections.programme",
                    ),
                ),
            ],
            options={
                "ordering": ["received_at"],
            },
        ),
        migrations.CreateModel(
            name="StrategicPresentation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("held_on", models.DateField()),
                (
                    "pcc_invited",
                    models.BooleanField(
                        help_text="Police: the chief constable's decision.",
                        null=True,
                        verbose_name="PCC invited",
                    ),
                ),
                (
                    "pfcc_attending",
                    models.BooleanField(
                        help_text="FRS with a PFCC or mayor: the PFCC's choice.",
                        null=True,
                        verbose_name="PFCC attending",
                    ),
                ),
                ("decided_at", models.DateTimeField(blank=True, null=True, verbose_name="decided")),
                (
                    "area",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="contacts.organisation",
                    ),
                ),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "inspection",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="presentations",
                        to="inspections.inspection",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="ConfidentialityAcknowledgement",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="acknowledged")),
                (
                    "organisation",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="contacts.organisation",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "debrief",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="acknowledgements",
                        to="inspections.debrief",
                    ),
                ),
            ],
            options={
                "verbose_name": "confidentiality acknowledgement",
                "verbose_name_plural": "confidentiality acknowledgements",
                "constraints": [
                    models.UniqueConstraint(fields=("debrief", "person"), name="one_ack_per_person")
                ],
            },
        ),
        migrations.AddIndex(
            model_name="report",
            index=models.Index(fields=["state", "publication_at"], name="inspections_state_4717d0_idx"),
        ),
        migrations.AddIndex(
            model_name="report",
            index=models.Index(fields=["-publication_at", "-id"], name="reports_newest_first"),
        ),
        migrations.AddConstraint(
            model_name="report",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("distribution_at__isnull", True),
                    ("publication_at__isnull", True),
                    ("distribution_at__lte", models.F("publication_at")),
                    _connector="OR",
                ),
                name="report_distribution_before_publication",
            ),
        ),
        migrations.AddConstraint(
            model_name="report",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("fac_opens_at__isnull", True),
                    ("fac_closes_at__isnull", True),
                    ("fac_closes_at__gt", models.F("fac_opens_at")),
                    _connector="OR",
                ),
                name="report_fac_window_order",
            ),
        ),
        migrations.AddConstraint(
            model_name="factualaccuracycomment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("decision", "pending"), models.Q(("decision_reason", ""), _negated=True), _connector="OR"
                ),
                name="fac_decision_has_reason",
            ),
        ),
        migrations.RunPython(add_search_indexes, remove_search_indexes),
    ]
