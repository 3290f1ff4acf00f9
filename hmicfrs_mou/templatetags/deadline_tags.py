from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

from hmicfrs_mou.deadlines import due_day

register = template.Library()


@register.filter
def due_moment(value: dt.datetime | None) -> str:
    """'by the end of 10 November 2026' for a deadline at midnight; otherwise the London date and time
    with its zone (GMT or BST), so nobody has to guess which clock a time is on."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    if local.time() == dt.time(0, 0):
        return f"By the end of {due_day(value):%-d %B %Y}"
    return f"{local:%-d %B %Y, %H:%M} {local.tzname()}"
