"""What the page walks (the rule-code crawl and the browser's every-page walk) share."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from django.urls import Resolver404, resolve


def kind_of(path: str) -> str:
    """A page's kind: its URL pattern's name and the names of its query parameters."""
    parts = urlsplit(path)
    try:
        name = resolve(parts.path).view_name
    except Resolver404:
        name = parts.path
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return name + (f"?{'&'.join(keys)}" if keys else "")
