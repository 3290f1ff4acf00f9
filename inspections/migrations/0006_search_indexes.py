"""Full-text search indexes on PostgreSQL (inspections/search.py).

GIN indexes over the same expressions the search queries use, so a search reads the index instead of every
report and finding. They exist on PostgreSQL only: SQLite has no GIN and the search there is a plain
substring match. They are built here rather than in the models' Meta.indexes, where Django would try to
build them on SQLite too.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEXES = (
    ("Report", GinIndex(SearchVector("title", "summary", config="english"), name="report_search")),
    ("Finding", GinIndex(SearchVector("text", config="english"), name="finding_search")),
)


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, index in INDEXES:
        schema_editor.add_index(apps.get_model("inspections", model_name), index)


def remove_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, index in INDEXES:
        schema_editor.remove_index(apps.get_model("inspections", model_name), index)


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0005_report_language"),
    ]

    operations = [migrations.RunPython(add_indexes, remove_indexes)]
