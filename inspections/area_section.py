"""The published reports about a force or service, as a section of its public page (contacts.sections)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import AnonymousUser

from contacts.sections import AREA_SECTIONS
from hmicfrs_mou.sections import Section
from inspections.access import public_reports_about
from inspections.models import REPORT_TEXT, Report

AREA_REPORTS_SHOWN = 10


def area_reports(area: Any, now: dt.datetime) -> dict[str, Any]:
    """The reports about `area` public at `now` (the anonymous visitor's view), newest first: how many, and
    the newest few. Three queries, whatever the history."""
    reports = (
        Report.objects.visible_to(AnonymousUser(), now).filter(areas=area).order_by("-publication_at", "-pk")
    )
    return {
        "area": area,
        "total": public_reports_about(area.pk, now),
        "reports": list(
            reports.select_related("inspection").defer(*REPORT_TEXT, "summary")[:AREA_REPORTS_SHOWN]
        ),
    }


AREA_SECTIONS.register(
    Section(template="inspections/public/_area_reports.html", context=area_reports, order=10)
)
