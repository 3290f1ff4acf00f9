"""Filters for the page layout in templates/base.html."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def back_link_landmark(rendered: SafeString) -> SafeString | str:
    """The back link GOV.UK places before <main> (so the skip link passes it), inside a navigation
    landmark, so that no content sits outside a landmark (axe-core's region rule); nothing when a page
    has no back link, so no empty landmark is announced."""
    if not str(rendered).strip():
        return ""
    return format_html('<nav class="app-back-link-nav" aria-label="Back">{}</nav>', rendered)
