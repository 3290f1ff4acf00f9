from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp

from hmicfrs_mou.demo import demo_second_factors


class Command(BaseCommand):
    help = "Print the current authenticator-app code of a demo login (the demo's printed secret), for trying the portal without a phone."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        factor = demo_second_factors().get(username)
        if factor is None:
            raise CommandError(f"{username} is not a demo login with a second factor (run make run first).")
        seconds = 30 - int(time.time()) % 30
        self.stdout.write(f"{totp(bytes.fromhex(factor.key)):06d}  (changes in {seconds} s)")
