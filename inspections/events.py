"""What inspections announces to the apps above it, without knowing who listens.

Publication must not depend on who answers a report: inspections sends
`report_published` and the public report page shows whatever sections the apps
above register. responses listens (its obligations, U6) and adds each PCC's
response to the public page; inspections imports neither.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.dispatch import Signal

# Sent inside the publishing transaction, with `report` and `now`; a receiver's failure rolls
# publication back, so a report is never public without what publication must create.
report_published = Signal()


@dataclass(frozen=True)
class ReportSection:
    """A section an app above adds to the public report page: a template and its context."""

    template: str
    context: Callable[[Any, dt.datetime], dict[str, Any]]


REPORT_SECTIONS: dict[str, ReportSection] = {}


def register_report_section(section: ReportSection) -> ReportSection:
    """Add (or replace, by template) a section of the public report page; apps call it in ready()."""
    REPORT_SECTIONS[section.template] = section
    return section


def report_sections(report: Any, now: dt.datetime) -> list[dict[str, Any]]:
    """The registered sections of a published report's page, each as {"template", "context"}."""
    return [
        {"template": section.template, "context": section.context(report, now)}
        for section in REPORT_SECTIONS.values()
    ]
