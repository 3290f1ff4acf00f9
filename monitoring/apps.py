from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"

    def ready(self) -> None:
        # Registers D6, D7 (PPOG/FPOG) and the M8 task with the deadline engine.
        # Adds PPOG/FPOG meetings to the calendar feed of those who attend.
        # Keeps the findings register's rows in step with findings, reports and register states.
        # Names its records on the audit trail for those who may open them (hmicfrs_mou.audit_names).
        from monitoring import (
            audit_names,  # noqa: F401
            calendar,  # noqa: F401
            deadlines,  # noqa: F401
            receivers,  # noqa: F401
        )
