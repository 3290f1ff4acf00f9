"""Words for the response pages: deadlines and their working in plain English, times with their zone."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

from responses.models import ResponseObligation
from responses.services import response_due_words, response_working_words

register = template.Library()


@register.filter
def with_zone(value: dt.datetime | None) -> str:
    """'14:05 BST on 6 July 2026': the London wall-clock time with the zone in force then."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{local:%H:%M} {local.tzname()} on {local.day} {local:%B %Y}"


@register.filter
def response_working(obligation: ResponseObligation) -> str:
    """How the response's deadline was worked out, in plain words (no rule codes)."""
    return response_working_words(obligation)


@register.filter
def response_due(obligation: ResponseObligation) -> str:
    """'by the end of Monday 31 August 2026 (midnight BST)'."""
    return response_due_words(obligation)
