from django.apps import AppConfig


class HmicfrsMouConfig(AppConfig):
    name = "hmicfrs_mou"
    verbose_name = "Portal core (audit trail)"

    def ready(self) -> None:
        # Sign-in and sign-out events are written to the audit trail.
        # In ready(), as Django asks: the app's own module, once every app is loaded; not a loop.
        from hmicfrs_mou import audit, language  # noqa: F401  (and the language chosen, at sign-in)

        language.drop_empty_fallbacks()
