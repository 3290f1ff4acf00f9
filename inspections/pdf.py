"""What goes into a report's PDFs (STYLE.md §17): pure context builders for `templates/pdf/*.html`.

The templates never receive the Report itself, only the text as it may leave
HMICFRS: the body through `published_text` (U1), and the same redacted passages
taken out of the summary, the findings and the press release too, in case a
passage was repeated there.

An embargoed copy is made in two parts: the base, what every recipient's copy says
(`embargoed_base_context`, templates/pdf/embargoed_copy.html), rendered by WeasyPrint
once per version of the report and kept in Django's cache; and the recipient's marks
(`recipient_marks`), stamped on its pages for each download (hmicfrs_mou.pdf_stamp).

Language: `lang` is the report's (English "en-GB" or Welsh "cy"). The PDF's root
element carries it, so it becomes the document's /Lang; what the portal writes
around the report (headings such as "Summary", the embargo notice, the dates) is
in English and carries `lang="en-GB"` on its own element (`portal_lang`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from html import unescape
from typing import Any
from urllib.parse import urljoin

import weasyprint
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone

from contacts.models import Appointment, User
from hmicfrs_mou.pdf import PDF_BASE_URL, html_to_pdf, static_path_for
from hmicfrs_mou.pdf_stamp import PreparedPdf, prepare, stamp, stamp_font
from inspections import report_text
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
    """Paragraphs separated by blank lines; single line breaks stay inside a paragraph.

    For the summary and the press release; the report's text has headings and numbered paragraphs
    (`inspections.report_text`).
    """
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
        # Headings and paragraphs numbered as in the draft the force checked (I7).
        "blocks": report_text.parse(published_text(report)),
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


def embargoed_base_context(report: Report) -> dict[str, Any]:
    """What every copy of the report before publication says, whoever it is for (U1, U3, U5; I7 for a
    draft): the published text, the press release, the embargo or "not for publication" line.

    Nothing about a recipient: this is rendered once per version of the report and each person's
    marks are stamped on it (`render_embargoed_copy`).
    """
    context = public_report_context(report)
    passages = [redaction.passage for redaction in report.redactions.all()]
    scheduled = report.is_released
    context.update(
        {
            "embargo_label": restriction_label(report),
            "publication_label": context["publication_label"] if scheduled else "",
            "press_release_paragraphs": paragraphs(_redact(report.press_release, passages)),
        }
    )
    return context


def recipient_marks(report: Report, recipient: User, *, at: dt.datetime) -> dict[str, str]:
    """What a copy says about the one person it is for, made at `at`: stamped on every page."""
    name = recipient.get_full_name() or recipient.get_username()
    organisations = _and_join(recipient_organisations(recipient, timezone.localdate(at)))
    return {
        "watermark_word": "EMBARGOED" if report.is_released else "DRAFT",
        "copy_for_label": f"Copy for {name}, {organisations}" if organisations else f"Copy for {name}",
        "recipient_name": name,
        "produced_label": moment_label(at),
    }


def embargoed_copy_context(report: Report, recipient: User, *, at: dt.datetime) -> dict[str, Any]:
    """The copy for one person before publication (U3, U4, U5; I7 for a draft): the published text
    (U1), the press release, and on every page the embargo and the person it was made for.

    `embargo_label` is "Embargoed until 10:00 GMT on Monday 26 October 2026" for a
    scheduled report; a draft or an unscheduled final report says it is not for
    publication instead. `at` is the moment the copy is made: it chooses the
    recipient's organisations (their appointments then) and is printed on the copy.
    """
    return embargoed_base_context(report) | recipient_marks(report, recipient, at=at)


# Part of the base's cache key: change it when the stamp's layout or the way the base is prepared
# changes, so no base prepared the old way is stamped the new way.
BASE_LAYOUT = "embargoed-copy-base/1"
COPY_TEMPLATE = "pdf/embargoed_copy.html"
# A base is only served before publication; a day bounds what a version no one opens keeps in the cache.
BASE_CACHE_SECONDS = 24 * 60 * 60
_LINKED = re.compile(r'(?:href|src)="([^"]+)"')


def embargoed_base_key(html: str) -> str:
    """The cache key of the base rendered from `html`: a digest of everything that is printed.

    The HTML carries every word of the copy (report text after redactions, summary, findings, press
    release, embargo label, publication moment, language, title), so a change to any of them, or to
    the template, gives a new key; the stylesheets it links and the WeasyPrint version are in the
    digest too. A stale base cannot be found under a new version's key.
    """
    digest = hashlib.sha256()
    digest.update(f"{BASE_LAYOUT}\0{weasyprint.__version__}\0".encode())
    digest.update(html.encode())
    for url in sorted(set(_LINKED.findall(html))):
        try:
            digest.update(static_path_for(urljoin(PDF_BASE_URL, unescape(url))).read_bytes())
        except ValueError:
            digest.update(url.encode())  # not fetched when rendering either
    return f"inspections:embargoed-base:{digest.hexdigest()}"


def embargoed_base(html: str) -> PreparedPdf:
    """The rendered base for `html`, laid out for stamping: from the cache, or rendered now and kept.

    In Django's cache, not a FileField: the key is derived from the printed content, so staleness is
    impossible and nothing needs deleting; the cache evicts what is no longer opened, and no unmarked
    copy of an embargoed report is left in the media storage. With several workers, point the default
    cache at Redis to render each version once in all of them.
    """
    key = embargoed_base_key(html)
    prepared = cache.get(key)
    if not isinstance(prepared, PreparedPdf):
        prepared = prepare(html_to_pdf(html))
        cache.set(key, prepared, BASE_CACHE_SECONDS)
    return prepared


def render_embargoed_copy(report: Report, recipient: User, *, at: dt.datetime) -> bytes:
    """The copy for one person before publication as PDF: the report's base, rendered once per version
    (`embargoed_base`), with this person's marks stamped on every page: the diagonal watermark word
    and their name, and at the foot "Copy for NAME, ORGANISATIONS – page N of M" and the moment the
    copy was made. Reads the relations `public_report_context` reads: prefetch them.
    """
    html = render_to_string(COPY_TEMPLATE, embargoed_base_context(report))
    marks = recipient_marks(report, recipient, at=at)
    copy_for, made = marks["copy_for_label"], f"This copy was made at {marks['produced_label']}"
    font = stamp_font([marks["watermark_word"], marks["recipient_name"], copy_for, made])
    return stamp(
        embargoed_base(html),
        font,
        watermark=marks["watermark_word"],
        caption=marks["recipient_name"],
        footer=lambda page, pages: [f"{copy_for} – page {page} of {pages}", made],
    )
