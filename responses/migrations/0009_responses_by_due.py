"""An index of the PCC responses in the order the portal search lists them (soonest due first), so that it
counts a common word's matches up to its cap (hmicfrs_mou.search.COUNT_CAP) and stops reading there. Built
in the migration's transaction: the table holds one row per report and force (about 3,300 today)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("responses", "0008_submission_content_trigram"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="responseobligation",
            index=models.Index(fields=["due_at", "id"], name="responses_by_due"),
        ),
    ]
