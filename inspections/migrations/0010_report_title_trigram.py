"""A trigram index on the reports' titles, on PostgreSQL: the portal search matches a word in the title of
the report each PCC response and action plan answers (responses/search.py), read through this index
instead of every report. See contacts 0009, which creates the pg_trgm extension."""

from django.db import migrations

# The expression Django writes for `title__icontains` on a CharField.
INDEX = (
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS report_title_trigram ON inspections_report "
    "USING gin (UPPER(title::text) gin_trgm_ops)"
)


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX)


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS report_title_trigram")


class Migration(migrations.Migration):
    # Built CONCURRENTLY, so outside a transaction: the table can still be written while it builds.
    atomic = False

    dependencies = [
        ("contacts", "0009_trigram_search"),
        ("inspections", "0001_squashed_0009_reports_newest_first"),
    ]

    operations = [migrations.RunPython(add_index, remove_index)]
