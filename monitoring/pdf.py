"""The formal Engage letter (M6): a pure context builder for `templates/pdf/engage_letter.html`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from contacts.models import OrganisationKind, Role, User
from contacts.selectors import governing_body_of_area, holders_of, office_of_area
from hmicfrs_mou.pdf import render_pdf
from monitoring.models import EngageCase


def _chief_title(case: EngageCase) -> str:
    return "Chief Constable" if case.area.kind == OrganisationKind.POLICE_FORCE else "Chief Fire Officer"


def letter_context(case: EngageCase, *, sent_by: User, now: dt.datetime) -> dict[str, Any]:
    """Everything the letter says, from the case as it stands when it is sent."""
    on = timezone.localdate(now)
    chief = holders_of((Role.CHIEF_OFFICER,), on, [case.area])
    body = governing_body_of_area(case.area, on)
    office = office_of_area(case.area, on)
    policing_body = holders_of((Role.POLICING_BODY,), on, [office]) if office else []
    chief_line = (
        f"{chief[0]}, {_chief_title(case)}, {case.area}"
        if chief
        else f"The {_chief_title(case)}, {case.area}"
    )
    body_name = body.name if body else f"The governing body of {case.area}"
    pcc_line = f"{policing_body[0]}, {body_name}" if policing_body else body_name
    decided = timezone.localtime(case.decided_at) if case.decided_at else None
    return {
        "area": case.area.name,
        "group": "Police Performance Oversight Group (PPOG)"
        if case.area.kind == OrganisationKind.POLICE_FORCE
        else "Fire Performance Oversight Group (FPOG)",
        "addressees": [chief_line, pcc_line],
        "date_label": f"{on.day} {on:%B %Y}",
        "decided_label": f"{decided.day} {decided:%B %Y}" if decided else "",
        "causes": [cause.text for cause in case.causes.all()],
        "reasons": case.decision_reasons,
        "signatory": str(sent_by),
        "signatory_title": sent_by.job_title or "HM Inspector of Constabulary and Fire & Rescue Services",
        "reference": f"ENGAGE-{case.pk:05d}",
    }


def render_letter(context: dict[str, Any]) -> bytes:
    return render_pdf("pdf/engage_letter.html", context)
