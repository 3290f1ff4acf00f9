"""Filters for the page layout in templates/base.html."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from hmicfrs_mou import language

register = template.Library()


@register.filter
def back_link_landmark(rendered: SafeString) -> SafeString | str:
    """The back link GOV.UK places before <main> (so the skip link passes it), inside a navigation
    landmark, so that no content sits outside a landmark (axe-core's region rule); nothing when a page
    has no back link, so no empty landmark is announced."""
    if not str(rendered).strip():
        return ""
    return format_html('<nav class="app-back-link-nav" aria-label="Back">{}</nav>', rendered)


@register.simple_tag(takes_context=True)
def content_language(context: template.Context) -> str:
    """The language of the page's content (hmicfrs_mou.language.TRANSLATED_PAGES): the page being rendered
    is the template the view asked for, whichever layout it extends."""
    page = getattr(context, "template", None)
    origin = getattr(page, "origin", None)
    return language.content_language(getattr(origin, "template_name", None))
