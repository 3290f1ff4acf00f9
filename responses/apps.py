from django.apps import AppConfig


class ResponsesConfig(AppConfig):
    name = "responses"

    def ready(self) -> None:
        # Registers D5 and the chief's comments date with the deadline engine, and listens to
        # inspections for publication (obligations) and the public report page (each PCC's response).
        # In ready(), as Django asks: the app's own modules, once every app is loaded; not a loop.
        from responses import receivers, services  # noqa: F401

        receivers.connect()
