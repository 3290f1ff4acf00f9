from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from hmicfrs_mou.schedules import install_schedules


class Command(BaseCommand):
    help = "Install the recurring task schedules (reminder sweep every minute, daily maintenance). Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        names = install_schedules()
        self.stdout.write(f"Schedules installed: {', '.join(names)}.")
