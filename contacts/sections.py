"""Sections the apps above add to a force's or service's public page, without contacts knowing them.

The directory sits below the workflow apps, so its public page of an area cannot ask them for their
records; each app registers a section (a template and the context for it) in its ready(), as the public
report page's sections are registered (inspections/events.py): inspections its published reports about
the area, responses its PCC's responses to them and their timeliness.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class AreaSection:
    """A section of the public page of a force or FRS: a template, the context for it, and its place."""

    template: str
    context: Callable[[Any, dt.datetime], dict[str, Any]]
    order: int = 0


AREA_SECTIONS: dict[str, AreaSection] = {}


def register_area_section(section: AreaSection) -> AreaSection:
    """Add (or replace, by template) a section of the public area page; apps call it in ready()."""
    AREA_SECTIONS[section.template] = section
    return section


def area_sections(area: Any, now: dt.datetime) -> list[dict[str, Any]]:
    """The registered sections of an area's public page, in order, each as {"template", "context"}."""
    return [
        {"template": section.template, "context": section.context(area, now)}
        for section in sorted(AREA_SECTIONS.values(), key=lambda section: (section.order, section.template))
    ]
