"""The second factor on the session (SecondFactorMiddleware), then idle timeout and the second-factor gate."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware
from django_otp.models import Device

from hmicfrs_mou.signin.backends import confirmed_devices
from hmicfrs_mou.signin.policy import has_second_factor, two_factor_required

LAST_SEEN_KEY = "signin_last_seen"
# "<date>": on that day the person was found to need no second factor and to have none (a session is cut
# when their roles or devices change, so the answer holds for the day).
NOT_NEEDED_KEY = "signin_second_factor_not_needed"

# Views a signed-in person who has not given their second factor may still reach.
OPEN_VIEWS = frozenset(
    {
        "login",
        "logout",
        "signin:verify",
        "signin:setup",
        "signin:timed-out",
        "signin:keep-alive",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
        "accessibility",
        "privacy",
        "set_language",
    }
)
OPEN_PREFIXES = ("/static/", "/public/", "/calendar/")


# The idle clock is moved on at most once a minute, so most requests write nothing to the session (three
# queries and a database write saved on every page). A person is therefore signed out between 29 and 30
# minutes after their last request, never later; the page's warning counts down from the same recorded
# moment (seconds_left), so it agrees with the server, and "Stay signed in" always moves the clock (touch).
TOUCH_EVERY = 60
# Requests a page makes by itself, not the person (an export's page asking for its progress every few
# seconds): they do not move the idle clock, or a page left open would keep its session alive for ever.
PASSIVE_PATHS = re.compile(r"^/exports/[0-9a-f-]{36}/progress/$")


class SecondFactorMiddleware(OTPMiddleware):
    """django-otp's OTPMiddleware (sets `user.otp_device`, the device that verified this session, or None),
    answering from the confirmed devices the sign-in backend loaded with the person (PortalBackend) rather
    than a query of its own on every page.

    The same three checks as django-otp's: the session's device exists, is this person's, and is confirmed;
    otherwise the session forgets it. The device itself is read only if a page uses more than its presence.
    """

    def _verify_user_sync(self, request: HttpRequest, user: Any) -> Any:
        loaded = confirmed_devices(user)
        if loaded is None:
            return super()._verify_user_sync(request, user)
        self._init_user_fields(user)
        persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
        if persistent_id and self._normalize_persistent_id(persistent_id) in loaded:
            found = self._normalize_persistent_id(persistent_id)
            user.otp_device = SimpleLazyObject(lambda: Device.from_persistent_id(found))
        elif persistent_id is not None:
            del request.session[DEVICE_ID_SESSION_KEY]
        return user


def touch(request: HttpRequest) -> None:
    """Restart the idle clock now, whenever it was last moved."""
    request.session[LAST_SEEN_KEY] = timezone.now().timestamp()


def idle_timeout() -> int:
    return int(getattr(settings, "SESSION_IDLE_TIMEOUT", 30 * 60))


class SignInMiddleware:
    """Ends a session after SESSION_IDLE_TIMEOUT seconds without a request (and says so), and keeps a
    signed-in person who has not given their second factor away from every page but the sign-in steps:
    those with a device are asked for a code, those who must have one and do not are sent to set it up."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = timezone.now().timestamp()
            last_seen = request.session.get(LAST_SEEN_KEY)
            if last_seen is not None and now - float(last_seen) > idle_timeout():
                # Django's user_logged_out signal puts the sign-out on the audit trail.
                logout(request)
                return HttpResponseRedirect(reverse("signin:timed-out"))
            passive = last_seen is not None and PASSIVE_PATHS.match(request.path_info)
            if not passive and (last_seen is None or now - float(last_seen) >= TOUCH_EVERY):
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        if (match is not None and match.view_name in OPEN_VIEWS) or request.path_info.startswith(
            OPEN_PREFIXES
        ):
            return None
        today = timezone.localdate().isoformat()
        if request.session.get(NOT_NEEDED_KEY) == today:
            return None
        if has_second_factor(user):
            step = "signin:verify"
        elif two_factor_required(user):
            step = "signin:setup"
        else:
            request.session[NOT_NEEDED_KEY] = today
            return None
        return HttpResponseRedirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")


def seconds_left(request: HttpRequest) -> int:
    last_seen = request.session.get(LAST_SEEN_KEY, time.time())
    return max(0, round(idle_timeout() - (timezone.now().timestamp() - float(last_seen))))
