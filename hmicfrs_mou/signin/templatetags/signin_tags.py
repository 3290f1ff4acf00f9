from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.conf import settings
from django.urls import reverse

from hmicfrs_mou.signin.middleware import seconds_left

register = template.Library()


@register.filter
def as_minutes(value: dt.timedelta | None) -> str:
    minutes = int(value.total_seconds() // 60) if value else 0
    return f"{minutes} minute{'' if minutes == 1 else 's'}"


@register.inclusion_tag("registration/timeout_warning.html", takes_context=True)
def session_timeout_warning(context: dict[str, Any]) -> dict[str, Any]:
    """The timeout warning for a signed-in page (none for visitors). The server ends the session anyway;
    the script only warns before it and lets the person stay signed in."""
    request = context.get("request")
    user = getattr(request, "user", None)
    show = bool(user is not None and user.is_authenticated)
    timeout = int(settings.SESSION_IDLE_TIMEOUT)
    # From the moment the server last recorded (it moves at most once a minute), so the page's countdown
    # ends when the server's does.
    left = seconds_left(request) if show and request is not None else timeout
    return {
        "show": show,
        "request": request,
        "timeout": left,
        "warning": min(int(settings.SESSION_TIMEOUT_WARNING), timeout),
        "minutes": timeout // 60,
        "keep_alive_url": reverse("signin:keep-alive"),
        "timed_out_url": reverse("signin:timed-out"),
    }
