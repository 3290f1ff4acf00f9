"""Django's `date` filter, but the zone letter `T` is never left blank.

Django drops the zone (`T`, like `O` and `e`) for a local time that is ambiguous: in the hour the clocks
go back (the last Sunday of October, 01:00 to 02:00 in London) it shows "01:30 " with no GMT or BST,
which is exactly when the reader needs it. This filter, a template builtin (settings.TEMPLATES), puts the
zone's name into the format as literal text, from the moment itself (Python knows which 01:30 it is),
then hands over to Django's filter: every other format character works as before.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import template
from django.template.defaultfilters import date as django_date

register = template.Library()

# A `T` not escaped by a backslash (an even number of backslashes before it).
_ZONE_LETTER = re.compile(r"(?<!\\)((?:\\\\)*)T")


@register.filter(expects_localtime=True, is_safe=False)
def date(value: Any, arg: str | None = None) -> str:
    if isinstance(value, dt.datetime) and value.tzinfo is not None and arg and "T" in arg:
        name = "".join(f"\\{char}" for char in value.tzname() or "")
        arg = _ZONE_LETTER.sub(lambda match: match.group(1) + name, arg)
    return django_date(value, arg)
