from django.apps import AppConfig


class ResponsesConfig(AppConfig):
    name = "responses"

    def ready(self) -> None:
        # Registers D5 and the chief's comments date with the deadline engine, and listens to
        # inspections for publication (obligations) and the public report page (each PCC's response).
        # In ready(), as Django asks: the app's own modules, once every app is loaded; not a loop.
        # Names its records on the audit trail for those who may open them (hmicfrs_mou.audit_names).
        from responses import audit_names, receivers, services  # noqa: F401

        receivers.connect()
