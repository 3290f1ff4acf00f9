"""responses listens to inspections: a published report creates the PCCs' response obligations (U6)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from contacts.models import OrganisationKind
from contacts.sections import AREA_SECTIONS
from hmicfrs_mou.sections import Section
from inspections.events import REPORT_SECTIONS, report_published
from inspections.models import Report
from responses.selectors import public_area_responses, public_responses_for
from responses.services import obligations_create_for_report


def create_obligations(sender: Any, *, report: Report, now: dt.datetime, **kwargs: Any) -> None:
    """U6: each PCC whose force the report involves now owes a response within 56 days (idempotent)."""
    obligations_create_for_report(report=report, now=now)


def connect() -> None:
    report_published.connect(create_obligations, sender=Report, dispatch_uid="responses.create_obligations")
    REPORT_SECTIONS.register(
        Section(
            template="responses/public/_report_responses.html",
            context=lambda report, now: {"responses": public_responses_for(report, now)},
        )
    )
    AREA_SECTIONS.register(
        Section(template="responses/public/_area_responses.html", context=area_responses, order=20)
    )


def area_responses(area: Any, now: dt.datetime) -> dict[str, Any]:
    """U6 on a police force's public page: its PCC's responses and their timeliness (none for an FRS)."""
    if area.kind != OrganisationKind.POLICE_FORCE:
        return {}
    return {"area": area, **public_area_responses(area, now)}
