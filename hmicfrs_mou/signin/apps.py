from django.apps import AppConfig


class SignInConfig(AppConfig):
    name = "hmicfrs_mou.signin"
    label = "signin"
    verbose_name = "Sign-in security"

    def ready(self) -> None:
        from django.contrib import admin

        from hmicfrs_mou.signin import sessions, signals  # noqa: F401  (signal receivers)
        from hmicfrs_mou.signin.admin import PortalAdminSite

        # The one admin site requires a verified second factor (django-otp's documented way to swap it).
        admin.site.__class__ = PortalAdminSite
