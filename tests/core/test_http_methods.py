"""Every view declares the HTTP methods it answers (require_GET, require_safe, require_POST,
require_http_methods), so a method it was not written for is refused with 405 before any work."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

PROJECT_APPS = ("hmicfrs_mou.", "contacts.", "inspections.", "responses.", "monitoring.")


def _patterns(resolver: URLResolver) -> Iterator[URLPattern]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry)
        else:
            yield entry


def _name(view: Callable) -> str:
    return f"{view.__module__}.{view.__qualname__}"


def _declares_methods(view: Callable) -> bool:
    """Whether a decorator from django.views.decorators.http wraps the view, at any depth."""
    layer: Any = view
    while layer is not None:
        code = getattr(layer, "__code__", None)
        if code is not None and "request_method_list" in code.co_freevars:
            return True
        layer = getattr(layer, "__wrapped__", None)
    return False


def _function_views() -> dict[str, Callable]:
    """The project's function views. Class-based views declare their methods by their handlers, and
    the admin's views (the project's admin classes included) are the admin's own."""
    views = {}
    for pattern in _patterns(get_resolver()):
        view = pattern.callback
        if hasattr(view, "view_class") or not _name(view).startswith(PROJECT_APPS):
            continue
        if view.__module__.endswith(".admin"):
            continue
        views[_name(view)] = view
    return views


def test_every_function_view_declares_its_http_methods() -> None:
    views = _function_views()
    assert len(views) > 50
    undeclared = sorted(name for name, view in views.items() if not _declares_methods(view))
    assert undeclared == []
