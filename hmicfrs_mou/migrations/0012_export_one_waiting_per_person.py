from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

# hmicfrs_mou.exports.STOPPED as it was when this was written (a migration does not import the app's code).
STOPPED = "Stopped: it waited longer than any export takes, and was replaced by a new one asked for."


def fail_all_but_the_newest_waiting(apps, schema_editor):
    """Before the constraint, a person could have two exports of a kind waiting: most often one that had
    stopped (its worker died) and the new one they asked for after it, or two asks at the same moment. All
    but the newest of each person's kind are recorded as failed, as a stopped export now is when its person
    asks again (hmicfrs_mou.exports.export_request), so that the constraint can hold."""
    ExportJob = apps.get_model("hmicfrs_mou", "ExportJob")
    now = timezone.now()
    kept: set[tuple[int, str]] = set()
    waiting = ExportJob.objects.filter(state__in=["queued", "running"]).order_by("-requested_at")
    for job_id, person_id, kind in waiting.values_list("pk", "requested_by_id", "kind"):
        if (person_id, kind) in kept:
            ExportJob.objects.filter(pk=job_id).update(state="failed", finished_at=now, error=STOPPED)
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
