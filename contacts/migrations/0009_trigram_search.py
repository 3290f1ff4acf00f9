"""Trigram indexes for the portal search's substring matches, on PostgreSQL (pg_trgm).

The portal search matches a word anywhere in a text (`icontains`, which Django writes as
`UPPER(column) LIKE UPPER('%word%')`). Without an index PostgreSQL reads every row for it: at ten times
the real data, the meetings' notes alone took 53 ms of a search. A GIN index of the same expression with
`gin_trgm_ops` answers it from the index (2 ms). The extension is created here, in the lowest layer;
the indexes on the report titles (inspections 0010) and the submitted responses (responses 0008) depend
on this migration. SQLite has neither: there the search reads the rows, as before.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# The expression must be the one Django writes for `notes__icontains`, or the planner cannot use it.
INDEX = "CREATE INDEX IF NOT EXISTS meeting_notes_trigram ON contacts_meeting USING gin (UPPER(notes) gin_trgm_ops)"


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX)


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS meeting_notes_trigram")


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0001_squashed_0008_meetings_newest_first"),
    ]

    operations = [TrigramExtension(), migrations.RunPython(add_index, remove_index)]
