"""What goes into a report's PDFs (STYLE.md §17): pure context builders for `templates/pdf/*.html`.

The templates never receive the Report itself, only the text as it may leave
HMICFRS: the body through `published_text` (U1), and the same redacted passages
taken out of the summary, the findings and the press release too, in case a
passage was repeated there.

Language: `lang` is the report's (English "en-GB" or Welsh "cy"). The PDF's root
element carries it, so it becomes the document's /Lang; what the portal writes
around the report (headings such as "Summary", the embargo notice, the dates) is
in English and carries `lang="en-GB"` on its own element (`portal_lang`).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from contacts.models import Appointment, User
from hmicfrs_mou.pdf import render_pdf
from inspections.models import Finding, FindingKind, Report, ReportLanguage, ReportState
from inspections.services import REDACTED, published_text

FINDING_HEADINGS = {
    FindingKind.CAUSE_OF_CONCERN: "Causes of concern",
    FindingKind.RECOMMENDATION: "Recommendations",
    FindingKind.AREA_FOR_IMPROVEMENT: "Areas for improvement",
}
_ORDER = {kind: index for index, kind in enumerate(FINDING_HEADINGS)}
_BLANK_LINE = re.compile(r"\n\s*\n")
# The language of the portal's own words around a report's text, whatever the report's language.
PORTAL_LANG = ReportLanguage.ENGLISH


def moment_label(moment: dt.datetime) -> str:
    """'10:00 GMT on Monday 26 October 2026': London time, with the zone in force then."""
    local = timezone.localtime(moment)
    return f"{local:%H:%M} {local.tzname()} on {local:%A} {local.day} {local:%B %Y}"


def paragraphs(text: str) -> list[str]:
    """Paragraphs separated by blank lines; single line breaks stay inside a paragraph."""
    return [part.strip() for part in _BLANK_LINE.split(text.replace("\r\n", "\n")) if part.strip()]


def _redact(text: str, passages: list[str]) -> str:
    for passage in passages:
        text = text.replace(passage, REDACTED)
    return text


def _finding_groups(
    findings: list[Finding], passages: list[str], several_areas: bool
) -> list[dict[str, Any]]:
    ordered = sorted(findings, key=lambda f: (_ORDER[FindingKind(f.kind)], f.pk))
    groups: list[dict[str, Any]] = []
    for finding in ordered:
        kind = FindingKind(finding.kind)
        if not groups or groups[-1]["kind"] != kind:
            groups.append({"kind": kind, "heading": FINDING_HEADINGS[kind], "findings": []})
        groups[-1]["findings"].append(
            {
                "reference": finding.reference,
                "label": kind.label,
                "text": _redact(finding.text, passages),
                "area": finding.area.name if several_areas and finding.area else "",
            }
        )
    return groups


def public_report_context(report: Report) -> dict[str, Any]:
    """The published report (U1 redactions applied): for the public page and the public PDF.

    Reads `report.areas`, `report.findings` (with `area`), `report.redactions` and
    `report.inspection`: prefetch them for a constant number of queries.
    """
    passages = [redaction.passage for redaction in report.redactions.all()]
    areas = list(report.areas.all())
    return {
        "pk": report.pk,
        "lang": report.language,
        "portal_lang": PORTAL_LANG,
        "title": report.title,
        "inspection_kind": report.inspection.get_kind_display(),
        "areas": areas,
        "area_names": ", ".join(area.name for area in areas),
        "publication_at": report.publication_at,
        "publication_label": moment_label(report.publication_at) if report.publication_at else "",
        "summary_paragraphs": paragraphs(_redact(report.summary, passages)),
        "paragraphs": paragraphs(published_text(report)),
        "finding_groups": _finding_groups(list(report.findings.all()), passages, len(areas) > 1),
    }


def _and_join(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def recipient_organisations(recipient: User, on: dt.date) -> list[str]:
    """The names of the organisations the recipient holds an appointment in on `on`."""
    names = (
        Appointment.objects.in_force(on)
        .filter(person=recipient)
        .order_by("organisation__name")
        .values_list("organisation__name", flat=True)
    )
    return list(dict.fromkeys(names))


def restriction_label(report: Report) -> str:
    """The line at the top of every page of a copy made before publication."""
    if report.is_released:
        return f"Embargoed until {moment_label(report.publication_at)}"
    if report.state == ReportState.FACTUAL_ACCURACY:
        return "Draft for factual-accuracy check: not for publication or sharing"
    return "Not yet published: not for publication or sharing"


def embargoed_copy_context(report: Report, recipient: User, *, at: dt.datetime) -> dict[str, Any]:
    """The copy for one person before publication (U3, U4, U5; I7 for a draft): the published text
    (U1), the press release, and on every page the embargo and the person it was made for.

    `embargo_label` is "Embargoed until 10:00 GMT on Monday 26 October 2026" for a
    scheduled report; a draft or an unscheduled final report says it is not for
    publication instead. `at` is the moment the copy is made: it chooses the
    recipient's organisations (their appointments then) and is printed on the copy.
    """
    context = public_report_context(report)
    passages = [redaction.passage for redaction in report.redactions.all()]
    name = recipient.get_full_name() or recipient.get_username()
    organisations = _and_join(recipient_organisations(recipient, timezone.localdate(at)))
    scheduled = report.is_released
    context.update(
        {
            "embargo_label": restriction_label(report),
            "watermark_word": "EMBARGOED" if scheduled else "DRAFT",
            "copy_for_label": f"Copy for {name}, {organisations}" if organisations else f"Copy for {name}",
            "recipient_name": name,
            "produced_label": moment_label(at),
            "publication_label": context["publication_label"] if scheduled else "",
            "press_release_paragraphs": paragraphs(_redact(report.press_release, passages)),
        }
    )
    return context


def render_embargoed_copy(report: Report, recipient: User, *, at: dt.datetime) -> bytes:
    """The copy for one person before publication as PDF, with their watermark on every page."""
    context = embargoed_copy_context(report, recipient, at=at)
    watermark = render_to_string("pdf/watermark.svg", context).encode()
    return render_pdf("pdf/embargoed_copy.html", context, generated={"watermark.svg": watermark})
