from django.conf import settings
from django.db import migrations, models


def fail_all_but_the_newest_waiting(apps, schema_editor):
    """Two asks at the same moment could make two waiting exports before the constraint: all but the newest
    of each person's kind are recorded as failed (the person has the newest), so the constraint can hold."""
    ExportJob = apps.get_model("hmicfrs_mou", "ExportJob")
    kept: set[tuple[int, str]] = set()
    waiting = ExportJob.objects.filter(state__in=["queued", "running"]).order_by("-requested_at")
    for job_id, person_id, kind in waiting.values_list("pk", "requested_by_id", "kind"):
        if (person_id, kind) in kept:
            ExportJob.objects.filter(pk=job_id).update(
                state="failed",
                error="Stopped: another export of the same kind was asked for at the same time.",
            )
        kept.add((person_id, kind))


class Migration(migrations.Migration):
    dependencies = [
        ("hmicfrs_mou", "0011_export_jobs"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(fail_all_but_the_newest_waiting, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="exportjob",
            constraint=models.UniqueConstraint(
                condition=models.Q(("state__in", ["queued", "running"])),
                fields=("requested_by", "kind"),
                name="export_one_waiting_per_person",
            ),
        ),
    ]
