from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "inspections"

    def ready(self) -> None:
        # Registers D1–D4 with the deadline engine.
        # In ready(), as Django asks: the app's own module, once every app is loaded; not a loop.
        from inspections import deadlines  # noqa: F401
        # Adds the reports' moments (embargoed copy, publication) to the calendar feed.
        from inspections import calendar  # noqa: F401
