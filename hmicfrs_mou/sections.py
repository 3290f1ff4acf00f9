"""Sections an app above adds to a page of an app below, without the app below knowing it.

A lower app's page (the public report page in inspections, the public page of a force in contacts) keeps a
`Sections` registry; each app above registers a template and the function giving its context, in its
ready(); the page renders whatever is registered, in order. inspections/events.py and contacts/sections.py
hold the two registries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Section:
    """A section of a page: a template, the context for it (from the page's record and the moment), its place."""

    template: str
    context: Callable[[Any, dt.datetime], dict[str, Any]]
    order: int = 0


class Sections:
    """The sections registered for one kind of page, each once (a template registered again replaces it)."""

    def __init__(self) -> None:
        self._by_template: dict[str, Section] = {}

    def register(self, section: Section) -> Section:
        self._by_template[section.template] = section
        return section

    def render(self, record: Any, now: dt.datetime) -> list[dict[str, Any]]:
        """Each section for `record` at `now`, in order, as {"template", "context"}."""
        ordered = sorted(self._by_template.values(), key=lambda section: (section.order, section.template))
        return [
            {"template": section.template, "context": section.context(record, now)} for section in ordered
        ]
