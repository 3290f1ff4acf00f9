"""Rebuild the reports' search documents on PostgreSQL (migration inspections/0012), or check them.

Triggers keep each report's document current whoever writes; a document can only go stale when rows were
written with the triggers off (a restore with `session_replication_role = replica`, say). `--check` counts
the stale ones and fails if there are any, so a deploy or a health check can ask; without it, the stale
ones are rebuilt in batches, each its own transaction, so no report is locked for longer than its batch.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

# The document as migration 0012's function builds it from the row and its findings now.
REBUILT = "inspections_report_document(id, title, summary)"
STALE = f"search_document IS DISTINCT FROM {REBUILT}"
BATCH = 500


class Command(BaseCommand):
    help = (
        "Rebuild the reports' search documents where they differ from their text and findings (PostgreSQL); "
        "--check only counts them and fails if any differ."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="count the stale documents and fail if any; change nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            self.stdout.write("Nothing to rebuild: reports have search documents only on PostgreSQL.")
            return
        with connection.cursor() as cursor:
            if options["check"]:
                cursor.execute(f"SELECT count(*) FROM inspections_report WHERE {STALE}")  # noqa: S608
                stale = cursor.fetchone()[0]
                if stale:
                    raise CommandError(
                        f"Stale search documents: {stale} differ from their reports' text and findings. "
                        "Run rebuild_search_documents without --check to rebuild them."
                    )
                self.stdout.write("Every report's search document matches its text and findings.")
                return
            cursor.execute("SELECT min(id), max(id), count(*) FROM inspections_report")
            first, last, total = cursor.fetchone()
        rebuilt = 0
        # Batches by id, so a long rebuild never holds every report. In each, the stale reports are locked
        # first, in id order as the finding triggers lock them (migration 0012), and only then rebuilt, in a
        # statement of their own: rebuilt in the statement that found them, a report another transaction
        # was adding a finding to would be rebuilt, once that transaction committed, from the findings as
        # they were before it, and the document would lose the new finding.
        for start in range(first or 0, (last or -1) + 1, BATCH):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT id FROM inspections_report WHERE id >= %s AND id < %s AND {STALE} "  # noqa: S608
                    "ORDER BY id FOR NO KEY UPDATE",
                    [start, start + BATCH],
                )
                ids = [row[0] for row in cursor.fetchall()]
                if ids:
                    cursor.execute(
                        f"UPDATE inspections_report SET search_document = {REBUILT} WHERE id = ANY(%s)",  # noqa: S608
                        [ids],
                    )
                    rebuilt += len(ids)
        self.stdout.write(f"Rebuilt {rebuilt} of {total} reports' search documents.")
