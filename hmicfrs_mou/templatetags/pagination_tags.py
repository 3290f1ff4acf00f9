from __future__ import annotations

from collections.abc import Iterator

from django import template
from django.core.paginator import Page

register = template.Library()


@register.filter
def page_window(page: Page) -> Iterator[int | str]:
    """Page numbers around the current one, with ellipses: cost does not grow with the page count."""
    return page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
