from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "contacts"
    verbose_name = "Directory and contacts"

    def ready(self) -> None:
        # Registers the standing-meeting deadline kinds with the engine.
        # Names its records on the audit trail for those who may open them (hmicfrs_mou.audit_names).
        # In ready(), as Django asks: the app's own module, once every app is loaded; not a loop.
        from contacts import audit_names, deadlines  # noqa: F401
