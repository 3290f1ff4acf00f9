"""Trigram indexes on the causes of concern and the public announcements of Engage cases, on PostgreSQL:
the portal search matches a word in them (monitoring/search.py) through these instead of reading every
cause and every case (8 ms of a search at ten times the real data, growing with it). See contacts 0009,
which creates the pg_trgm extension. A build that was interrupted leaves an invalid index, which IF NOT
EXISTS would keep: drop it (DROP INDEX CONCURRENTLY engage_cause_text_trigram, or the other) and migrate
again."""

from django.db import migrations

# The expressions Django writes for `text__icontains` and `announcement__icontains` on a TextField.
INDEXES = {
    "engage_cause_text_trigram": "monitoring_engagecause USING gin (UPPER(text) gin_trgm_ops)",
    "engage_announcement_trigram": "monitoring_engagecase USING gin (UPPER(announcement) gin_trgm_ops)",
}


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, target in INDEXES.items():
            schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {target}")


def remove_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    # Built CONCURRENTLY, so outside a transaction: cases and causes can still be written while they build.
    atomic = False

    dependencies = [
        ("contacts", "0009_trigram_search"),
        ("monitoring", "0001_squashed_0004_verbose_names_in_words"),
    ]

    operations = [migrations.RunPython(add_indexes, remove_indexes)]
