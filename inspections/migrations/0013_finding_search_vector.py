"""Each finding's text as a search vector, stored in its row on PostgreSQL (inspections/search.py,
`FindingVector`): a column PostgreSQL computes from the text whenever the row is written (a generated
column), with its GIN index. It replaces migration 0006's index over the same expression computed from the
text (`finding_search`).

Why stored: the reports search lists the matching findings of its candidate reports. Where PostgreSQL read
those findings one report at a time (as it chose at twenty times the real data), it computed the vector of
each finding from its text: 38 ms for the 2,500 findings of 500 reports. Read from the row, a finding costs
a comparison. Not declared on the model, so that no other read of a finding carries it; SQLite has no
text-search vectors and searches by substring there.

Adding the column rewrites the findings table, holding it while it does (about a second for 50,000
findings here): deploy it with the code that reads it, as the README says.
"""

from django.db import migrations

FORWARD = (
    "ALTER TABLE inspections_finding ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english'::regconfig, COALESCE(text, ''))) STORED",
    "CREATE INDEX finding_search_vector ON inspections_finding USING gin (search_vector)",
    "DROP INDEX IF EXISTS finding_search",
)

BACKWARD = (
    # Migration 0006's index, as it built it.
    "CREATE INDEX finding_search ON inspections_finding "
    "USING gin (to_tsvector('english'::regconfig, COALESCE(text, '')))",
    "ALTER TABLE inspections_finding DROP COLUMN search_vector",
)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0012_report_search_document"),
    ]

    operations = [migrations.RunPython(forward, backward)]
