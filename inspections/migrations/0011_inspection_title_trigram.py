"""A trigram index on the inspections' titles, on PostgreSQL: the portal search's inspections group matches
a word anywhere in an inspection's title (inspections/search.py `ask_inspections`). Without it the database
read every inspection's title for each search: at ten times the real data the group's part of the search's
one query took 10.9 ms, 5.7 of them reading 12,000 titles for the 274 that held "custody"; with it, 3.3 ms.
See contacts 0009, which creates the pg_trgm extension, and inspections 0010, the same index on the reports'
titles. A build that was interrupted leaves an invalid index, which IF NOT EXISTS would keep: drop it
(DROP INDEX CONCURRENTLY inspection_title_trigram) and migrate again."""

from django.db import migrations

# The expression Django writes for `title__icontains` on a CharField.
INDEX = (
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS inspection_title_trigram ON inspections_inspection "
    "USING gin (UPPER(title::text) gin_trgm_ops)"
)


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX)


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS inspection_title_trigram")


class Migration(migrations.Migration):
    # Built CONCURRENTLY, so outside a transaction: inspections can still be recorded while it builds.
    atomic = False

    dependencies = [
        ("contacts", "0009_trigram_search"),
        ("inspections", "0010_report_title_trigram"),
    ]

    operations = [migrations.RunPython(add_index, remove_index)]
