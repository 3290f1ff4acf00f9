"""Dates and moments on the monitoring pages: every time names its zone (GMT or BST)."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def london(value: dt.datetime | None) -> str:
    """'6 December 2024 at 14:05 GMT': the London wall-clock time with the zone in force then."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{local.day} {local:%B %Y} at {local:%H:%M} {local.tzname()}"


@register.filter
def long_date(value: dt.date | None) -> str:
    """'6 December 2024'."""
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"
