from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"

    def ready(self) -> None:
        # Registers D6, D7 (PPOG/FPOG) and the M8 task with the deadline engine.
        # Adds PPOG/FPOG meetings to the calendar feed of those who attend.
        # Keeps the findings register's rows in step with findings, reports and register states.
        from monitoring import (
            calendar,  # noqa: F401
            deadlines,  # noqa: F401
            receivers,  # noqa: F401
        )
