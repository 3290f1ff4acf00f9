from __future__ import annotations

import datetime as dt
import functools

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import get_language, gettext

from hmicfrs_mou.deadlines import due_day

register = template.Library()


@register.filter
def due_moment(value: dt.datetime | None) -> str:
    """'by the end of 10 November 2026' for a deadline at midnight; otherwise the London date and time
    with its zone (GMT or BST), so nobody has to guess which clock a time is on."""
    if value is None:
        return ""
    # The instant in UTC: two London times either side of the autumn change (01:30 BST and 01:30 GMT, told
    # apart only by `fold`) compare equal as they are, and would share their words.
    return _due_moment(value.astimezone(dt.UTC), get_language(), timezone.get_current_timezone())


# Kept per moment, language and zone, the only things the words depend on: Django's date formatting takes
# about 20 us a call, once for every reminder a sweep sends and every row of a list of deadlines, and
# deadlines share their moments (the end of a day).
@functools.lru_cache(maxsize=2048)
def _due_moment(value: dt.datetime, language: str | None, zone: dt.tzinfo) -> str:
    local = timezone.localtime(value)
    # In the active language (a Welsh page or a Welsh reader's email names the month in Welsh).
    if local.time() == dt.time(0, 0):
        return gettext("By the end of %(day)s") % {"day": date_format(due_day(value), "j F Y")}
    return f"{date_format(local, 'j F Y, H:i')} {local.tzname()}"
