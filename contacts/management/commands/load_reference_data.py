from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from contacts.reference import ReferenceDataError, load_reference_data
from hmicfrs_mou.roles import ensure_groups


class Command(BaseCommand):
    help = (
        "Load HMICFRS, the APCC, the 43 police forces, the 44 FRSs and their governance. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dir",
            default=str(settings.REFERENCE_DATA_DIR),
            help="Folder holding police_forces.csv, fire_rescue_services.csv and governance_history.csv.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = load_reference_data(Path(options["dir"]))
        except ReferenceDataError as error:
            raise CommandError(
                "Nothing was loaded:\n" + "\n".join(f"  {p}" for p in error.problems)
            ) from None
        ensure_groups()
        self.stdout.write(f"Reference data loaded: {result.created} created, {result.updated} updated.")
