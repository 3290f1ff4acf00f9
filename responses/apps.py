from django.apps import AppConfig


class ResponsesConfig(AppConfig):
    name = "responses"

    def ready(self) -> None:
        # Registers D5 and the chief's comments date with the deadline engine.
        from responses import services  # noqa: F401
