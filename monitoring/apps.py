from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"

    def ready(self) -> None:
        # Registers D6, D7 (PPOG/FPOG) and the M8 task with the deadline engine.
        # Adds PPOG/FPOG meetings to the calendar feed of those who attend.
        from monitoring import (
            calendar,  # noqa: F401
            deadlines,  # noqa: F401
        )
