"""Trigram indexes for the portal search's substring matches, on PostgreSQL (pg_trgm).

The portal search matches a word anywhere in a text (`icontains`, which Django writes as
`UPPER(column) LIKE UPPER('%word%')`). Without an index PostgreSQL reads every row for it: at ten times
the real data, the meetings' notes alone took 53 ms of a search. A GIN index of the same expression with
`gin_trgm_ops` answers it from the index (2 ms). The extension is created here, in the lowest layer;
the indexes on the report titles (inspections 0010) and the submitted responses (responses 0008) depend
on this migration. SQLite has neither: there the search reads the rows, as before.

Deploying: pg_trgm ships with PostgreSQL and is a trusted extension from PostgreSQL 13, so the database's
owner may create it; where the role may not, a database administrator runs `CREATE EXTENSION pg_trgm`
first and this migration finds it there. Undoing the migration leaves the extension in place: something
else may use it. The index is built CONCURRENTLY (so outside a transaction): meetings can still be
recorded while it builds.
"""

from django.db import migrations

# The expression must be the one Django writes for `notes__icontains`, or the planner cannot use it.
INDEX = (
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS meeting_notes_trigram ON contacts_meeting "
    "USING gin (UPPER(notes) gin_trgm_ops)"
)


def add_extension(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX)


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS meeting_notes_trigram")


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("contacts", "0001_squashed_0008_meetings_newest_first"),
    ]

    operations = [
        migrations.RunPython(add_extension, migrations.RunPython.noop),
        migrations.RunPython(add_index, remove_index),
    ]
