from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "inspections"

    def ready(self) -> None:
        # Registers D1–D4 with the deadline engine.
        from inspections import deadlines  # noqa: F401
