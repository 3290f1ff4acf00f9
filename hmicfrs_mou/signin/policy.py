"""Who must use a second factor, and whether someone has one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_otp import user_has_device

from contacts.models import Appointment


def required_kinds() -> list[str]:
    return list(getattr(settings, "TWO_FACTOR_REQUIRED_ORGANISATION_KINDS", ["hmicfrs", "apcc"]))


def two_factor_required(user: Any, on: dt.date | None = None) -> bool:
    """Whether the person must sign in with a second factor: every admin (staff or superuser), and anyone
    appointed on the day (today by default) in an organisation of a kind the setting names (HMICFRS and
    the APCC unless changed). Everyone else is offered it."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    return (
        Appointment.objects.in_force(on or timezone.localdate())
        .filter(person=user, organisation__kind__in=required_kinds())
        .exists()
    )


def has_second_factor(user: Any) -> bool:
    """Whether the person has a confirmed device (an authenticator app or recovery codes)."""
    return bool(getattr(user, "is_authenticated", False)) and user_has_device(user, confirmed=True)
