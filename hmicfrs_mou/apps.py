from django.apps import AppConfig

# The project's own packages (pyproject.toml's import-linter root_packages).
PROJECT_PACKAGES = ("hmicfrs_mou", "contacts", "inspections", "responses", "monitoring")


class HmicfrsMouConfig(AppConfig):
    name = "hmicfrs_mou"
    verbose_name = "Portal core (audit trail)"

    def ready(self) -> None:
        # Sign-in and sign-out events are written to the audit trail.
        # In ready(), as Django asks: the app's own module, once every app is loaded; not a loop.
        from hmicfrs_mou import audit, language  # noqa: F401  (and the language chosen, at sign-in)

        language.drop_empty_fallbacks()
        # Every get_FOO_display() of the project's models without translating each choice first.
        from hmicfrs_mou.choices import speed_up_choice_labels

        speed_up_choice_labels(PROJECT_PACKAGES)
        # A prepared query refused after a migration changed its table is planned again, not refused for the
        # life of the connection.
        from django.db.backends.signals import connection_created

        from hmicfrs_mou.prepared import install

        connection_created.connect(install, dispatch_uid="hmicfrs_mou.prepared.install")
