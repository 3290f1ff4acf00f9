"""The findings register's rows (monitoring.models.RegisterRow), filled for the findings already there."""

import django.db.models.deletion
from django.db import migrations, models

# As inspections.models: the states in which a report's publication moment is fixed (RELEASED_STATES).
RELEASED = ("scheduled", "published")
KIND_ORDER = {"cause_of_concern": 0, "recommendation": 1}


def fill(apps, schema_editor):
    Finding = apps.get_model("inspections", "Finding")
    FindingState = apps.get_model("monitoring", "FindingState")
    RegisterRow = apps.get_model("monitoring", "RegisterRow")
    statuses = dict(FindingState.objects.values_list("finding_id", "status"))
    rows = []
    for pk, area_id, report_id, kind, reference, state, publication_at in Finding.objects.values_list(
        "pk", "area_id", "report_id", "kind", "reference", "report__state", "report__publication_at"
    ).iterator(chunk_size=2000):
        rows.append(
            RegisterRow(
                finding_id=pk,
                area_id=area_id,
                report_id=report_id,
                kind_order=KIND_ORDER.get(kind, 2),
                reference=reference,
                public_from=publication_at if state in RELEASED else None,
                status=statuses.get(pk, "awaiting_review"),
            )
        )
    RegisterRow.objects.bulk_create(rows, batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0006_meeting_labels_without_rule_ids"),
        ("inspections", "0006_search_indexes"),
        ("monitoring", "0002_engage_chart_summary_and_period_end_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="RegisterRow",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind_order", models.PositiveSmallIntegerField()),
                ("reference", models.CharField(max_length=40)),
                ("public_from", models.DateTimeField(null=True, verbose_name="public from")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("awaiting_review", "Awaiting review"),
                            ("being_progressed", "Being progressed"),
                            ("complete", "Complete (force or FRS)"),
                            ("closure_authorised", "Closure authorised by HMICFRS"),
                        ],
                        default="awaiting_review",
                        max_length=20,
                    ),
                ),
                (
                    "area",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="contacts.organisation",
                    ),
                ),
                (
                    "finding",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="register_row",
                        to="inspections.finding",
                    ),
                ),
                (
                    "report",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="inspections.report"
                    ),
                ),
            ],
            options={
                "verbose_name": "findings register row",
                "verbose_name_plural": "findings register rows",
                "indexes": [
                    models.Index(
                        fields=["area", "kind_order", "-public_from", "reference"], name="register_row_page"
                    ),
                    models.Index(fields=["area", "public_from", "status"], name="register_row_counts"),
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
