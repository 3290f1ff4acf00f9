"""A trigram index on the text of the submitted responses, on PostgreSQL: the portal search matches a word
in a submitted version (responses/search.py) through it instead of reading every version (95 ms of a
search at ten times the real data). See contacts 0009, which creates the pg_trgm extension."""

from django.db import migrations

# The expression Django writes for `content__icontains` on a JSONField.
INDEX = (
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS submission_content_trigram ON responses_submission "
    "USING gin (UPPER(content::text) gin_trgm_ops)"
)


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX)


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS submission_content_trigram")


class Migration(migrations.Migration):
    # Built CONCURRENTLY, so outside a transaction: the table can still be written while it builds.
    atomic = False

    dependencies = [
        ("contacts", "0009_trigram_search"),
        ("responses", "0001_squashed_0007_tally_revision"),
    ]

    operations = [migrations.RunPython(add_index, remove_index)]
