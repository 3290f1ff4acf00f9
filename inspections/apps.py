from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "inspections"

    def ready(self) -> None:
        # Registers D1–D4 with the deadline engine.
        # In ready(), as Django asks: the app's own module, once every app is loaded; not a loop.
        # Adds the reports' moments (embargoed copy, publication) to the calendar feed.
        # Offers published reports as public-domain material for panel briefings (C5).
        # Lists an area's published reports on its public page (contacts.sections).
        # Offers the reports CSV as a long export the task worker prepares (hmicfrs_mou.exports).
        # Names its records on the audit trail for those who may open them (hmicfrs_mou.audit_names).
        from inspections import (
            area_section,  # noqa: F401
            audit_names,  # noqa: F401
            calendar,  # noqa: F401
            deadlines,  # noqa: F401
            exports,  # noqa: F401
            public_domain,  # noqa: F401
        )
