from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from contacts.models import Organisation
from hmicfrs_mou.demo import load_demo


class Command(BaseCommand):
    help = (
        "Create the demo scenario (one login per role) if missing, and print the logins. Safe to run again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not Organisation.objects.filter(kind="police_force").exists():
            raise CommandError("Load the reference data first: python manage.py load_reference_data")
        logins = load_demo()
        self.stdout.write("")
        self.stdout.write("Demo logins (http://127.0.0.1:8000/accounts/login/):")
        for login, password in logins:
            self.stdout.write(f"  {login.portal:<13} {login.username:<13} {password:<14} {login.description}")
        self.stdout.write("")
