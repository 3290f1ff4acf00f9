from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from monitoring.history import DEFAULT_PATH, EngageHistoryError, load_engage_history


class Command(BaseCommand):
    help = (
        "Load the police forces publicly reported in Engage since 2019 (engage_history.csv) as historical "
        "Engage cases with their dated periods. Needs the directory (load_reference_data). Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", default=str(DEFAULT_PATH), help="The CSV file to load.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = load_engage_history(Path(options["file"]))
        except EngageHistoryError as error:
            raise CommandError(
                "Nothing was loaded:\n" + "\n".join(f"  {p}" for p in error.problems)
            ) from None
        self.stdout.write(
            f"Engage history loaded: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged."
        )
