"""Per-person rate limits on forms that send notices and on uploads, counted in the cache.

A fixed window: at most `limit` attempts by one person in each `window` seconds (by the clock, so
time_machine moves it). Anonymous requests are not counted here (every such form needs a sign-in).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError

# Part of every key; the test suite moves it on for each test, so counts never carry over between tests.
GENERATION = 0
DEFAULT_MESSAGE = "You have sent too many forms in a short time. Wait a few minutes, then try again."


def hit(user: object, kind: str, *, limit: int, window: int, message: str = DEFAULT_MESSAGE) -> None:
    """Count one attempt by `user` at `kind`; refuse with `message` once the window's limit is passed."""
    pk = getattr(user, "pk", None)
    if pk is None or limit <= 0:
        return
    key = f"ratelimit:{GENERATION}:{kind}:{pk}:{int(time.time() // window)}"
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 1)
        count = 1
    if count > limit:
        raise ValidationError(message)


def check_form_rate(user: object) -> None:
    """A person may send FORM_RATE_LIMIT forms per FORM_RATE_WINDOW seconds (default 60 in 10 minutes)."""
    hit(
        user,
        "form",
        limit=getattr(settings, "FORM_RATE_LIMIT", 60),
        window=getattr(settings, "FORM_RATE_WINDOW", 10 * 60),
    )
