from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from contacts.models import Organisation
from hmicfrs_mou.demo import demo_second_factors, load_demo


class Command(BaseCommand):
    help = (
        "Create the demo scenario (one login per role) if missing, and print the logins. Safe to run again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not Organisation.objects.filter(kind="police_force").exists():
            raise CommandError("Load the reference data first: python manage.py load_reference_data")
        logins = load_demo()
        self.stdout.write("")
        self.stdout.write(f"Demo logins ({settings.PORTAL_BASE_URL.rstrip('/')}/accounts/login/):")
        for login, password in logins:
            self.stdout.write(f"  {login.portal:<13} {login.username:<13} {password:<14} {login.description}")
        factors = demo_second_factors()
        if factors:
            self.stdout.write("")
            self.stdout.write(
                "Second factor (asked for after the password by these logins). Add the secret to an"
            )
            self.stdout.write(
                "authenticator app (a new account, key entered by hand, time-based) and enter the code it"
            )
            self.stdout.write("shows; or enter the recovery code (it works once; `make run` puts it back):")
            for username, factor in factors.items():
                self.stdout.write(
                    f"  {username:<13} secret {factor.secret:<42} recovery code {factor.recovery_code}"
                )
            self.stdout.write(
                "  (A code for a secret, without a phone: .venv/bin/python manage.py demo_code <username>)"
            )
        self.stdout.write("")
