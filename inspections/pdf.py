"""What goes into a report's PDFs (STYLE.md §17): pure context builders for `templates/pdf/*.html`.

The templates never receive the Report itself, only the text as it may leave
HMICFRS: the body through `published_text` (U1), and the same redacted passages
taken out of the summary, the findings and the press release too, in case a
passage was repeated there.

An embargoed copy is made in two parts: the base, what every recipient's copy says
(`embargoed_base_context`, templates/pdf/embargoed_copy.html), rendered by WeasyPrint
once per version of the report and kept in Django's cache; and the recipient's marks
(`recipient_marks`), stamped on its pages for each download (hmicfrs_mou.pdf_stamp).

Language (issue 12). Two languages meet in a report's PDF:
- the report's own: `lang` (English "en-GB" or Welsh "cy"), on the PDF's root element, so it
  becomes the document's /Lang. The report's text, summary, findings, press release and title
  are in it, as written; so are the names of forces and organisations (data);
- the reader's: the frame the portal writes around the report (the caption's kind of
  inspection, headings such as "Summary", finding labels, "Published at", the embargo or
  "not for publication" line, the notice, the watermark word, "Copy for ... – page N of M",
  "This copy was made at", and every moment's day and month names) is in the language active
  when the PDF is made, and carries it on its own elements (`portal_lang`).
The rule, for both PDFs: the reader's language is the request's. The public PDF: whatever the
request asks for (the switch's cookie, else the browser). The embargoed copy is always made for
the person downloading it, in their own request: for a signed-in person that request's language
is their own choice first (`Preferences.language`, kept on the session at sign-in and by the
switch: hmicfrs_mou.language), then the cookie, then the browser; so their copy follows their
preference with no query here. A caller outside a request may pass `language`.
One base is rendered and cached per (report version, language): the language is part of the
base's cache key (`embargoed_base_key`), so an English base is never stamped for a Welsh reader.
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
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext

from contacts.models import Appointment, User
from hmicfrs_mou.pdf import PDF_BASE_URL, html_to_pdf, static_path_for
from hmicfrs_mou.pdf_stamp import PreparedPdf, prepare, stamp, stamp_font
from hmicfrs_mou.wording import and_join
from inspections import report_text
from inspections.models import Finding, FindingKind, Report, ReportLanguage, ReportState
from inspections.services import REDACTED, published_text

# In English; the templates translate them (hmicfrs_mou.language.PUBLIC_LABELS lists them).
FINDING_HEADINGS = {
    FindingKind.CAUSE_OF_CONCERN: "Causes of concern",
    FindingKind.RECOMMENDATION: "Recommendations",
    FindingKind.AREA_FOR_IMPROVEMENT: "Areas for improvement",
}
_ORDER = {kind: index for index, kind in enumerate(FINDING_HEADINGS)}
_BLANK_LINE = re.compile(r"\n\s*\n")


def reader_language(language: str | None = None) -> str:
    """The language of the portal's words around a report (the frame), as the tag the PDF marks it
    with: "cy" for Welsh, else "en-GB". `language` in either spelling ("en-gb", "en-GB"); by default
    the active one."""
    language = language or translation.get_language() or ""
    return (ReportLanguage.WELSH if language.lower() == "cy" else ReportLanguage.ENGLISH).value


def moment_label(moment: dt.datetime) -> str:
    """'10:00 GMT on Monday 26 October 2026': London time, with the zone in force then, in the active
    language ('10:00 GMT, Dydd Llun 26 Hydref 2026' in Welsh)."""
    local = timezone.localtime(moment)
    return gettext("%(time)s on %(day)s") % {
        "time": f"{local:%H:%M} {local.tzname()}",
        "day": date_format(local, "l j F Y"),
    }


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
    """The published report (U1 redactions applied): for the public page and the public PDF, its
    frame in the active language (`portal_lang`, `publication_label`).

    Reads `report.areas`, `report.findings` (with `area`), `report.redactions` and
    `report.inspection`: prefetch them for a constant number of queries.
    """
    passages = [redaction.passage for redaction in report.redactions.all()]
    areas = list(report.areas.all())
    return {
        "pk": report.pk,
        "lang": report.language,
        "portal_lang": reader_language(),
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
    """The line at the top of every page of a copy made before publication, in the active language."""
    if report.is_released and report.publication_at is not None:
        return gettext("Embargoed until %(moment)s") % {"moment": moment_label(report.publication_at)}
    if report.state == ReportState.FACTUAL_ACCURACY:
        return gettext("Draft for factual-accuracy check: not for publication or sharing")
    return gettext("Not yet published: not for publication or sharing")


def embargoed_base_context(report: Report) -> dict[str, Any]:
    """What every copy of the report before publication says, whoever it is for (U1, U3, U5; I7 for a
    draft): the published text, the press release, the embargo or "not for publication" line.

    Nothing about a recipient: this is rendered once per version of the report and language, and each
    person's marks are stamped on it (`render_embargoed_copy`). The frame is in the active language.
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
    """What a copy says about the one person it is for, made at `at`: stamped on every page. The words
    are in the active language; the name and the organisations are as written."""
    name = recipient.get_full_name() or recipient.get_username()
    organisations = and_join(recipient_organisations(recipient, timezone.localdate(at)))
    return {
        "watermark_word": gettext("EMBARGOED") if report.is_released else gettext("DRAFT"),
        "copy_for_label": (
            gettext("Copy for %(name)s, %(organisations)s") % {"name": name, "organisations": organisations}
            if organisations
            else gettext("Copy for %(name)s") % {"name": name}
        ),
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


def embargoed_base_key(html: str, *, language: str | None = None) -> str:
    """The cache key of the base rendered from `html` for readers of `language` (the frame's, as
    `reader_language` gives it; by default the active one): a digest of everything that is printed.

    The HTML carries every word of the copy (report text after redactions, summary, findings, press
    release, embargo label, publication moment, language, title), so a change to any of them, or to
    the template, gives a new key; the stylesheets it links and the WeasyPrint version are in the
    digest too. A stale base cannot be found under a new version's key. The reader's language is in
    the key itself as well as in the digest: one base per (version, language), never an English base
    for a Welsh reader, even were the two HTMLs alike.
    """
    language = reader_language(language)
    digest = hashlib.sha256()
    digest.update(f"{BASE_LAYOUT}\0{weasyprint.__version__}\0{language}\0".encode())
    digest.update(html.encode())
    for url in sorted(set(_LINKED.findall(html))):
        try:
            digest.update(static_path_for(urljoin(PDF_BASE_URL, unescape(url))).read_bytes())
        except ValueError:
            digest.update(url.encode())  # not fetched when rendering either
    return f"inspections:embargoed-base:{language}:{digest.hexdigest()}"


def embargoed_base(html: str, *, language: str | None = None) -> PreparedPdf:
    """The rendered base for `html`, laid out for stamping: from the cache, or rendered now and kept.

    In Django's cache, not a FileField: the key is derived from the printed content, so staleness is
    impossible and nothing needs deleting; the cache evicts what is no longer opened, and no unmarked
    copy of an embargoed report is left in the media storage. With several workers, point the default
    cache at Redis to render each version once in all of them. One base per language
    (`embargoed_base_key`; `language` as there).
    """
    key = embargoed_base_key(html, language=language)
    prepared = cache.get(key)
    if not isinstance(prepared, PreparedPdf):
        prepared = prepare(html_to_pdf(html))
        cache.set(key, prepared, BASE_CACHE_SECONDS)
    return prepared


def render_embargoed_copy(
    report: Report, recipient: User, *, at: dt.datetime, language: str | None = None
) -> bytes:
    """The copy for one person before publication as PDF: the report's base, rendered once per version
    and language (`embargoed_base`), with this person's marks stamped on every page: the diagonal
    watermark word and their name, and at the foot "Copy for NAME, ORGANISATIONS – page N of M" and
    the moment the copy was made. Reads the relations `public_report_context` reads: prefetch them.

    The frame and the marks are in `language` ("cy" or "en-GB"), by default the active one: the
    request's, for the person downloading it (see the module's docstring).
    """
    language = reader_language(language)
    with translation.override(language.lower()):
        html = render_to_string(COPY_TEMPLATE, embargoed_base_context(report))
        marks = recipient_marks(report, recipient, at=at)
        copy_for = marks["copy_for_label"]
        made = gettext("This copy was made at %(moment)s") % {"moment": marks["produced_label"]}
        # Translated once: each page's line is then the same formatting as before.
        page_line = gettext("%(copy_for)s – page %(page)s of %(pages)s")
    font = stamp_font([marks["watermark_word"], marks["recipient_name"], copy_for, made, page_line])
    return stamp(
        embargoed_base(html, language=language),
        font,
        watermark=marks["watermark_word"],
        caption=marks["recipient_name"],
        footer=lambda page, pages: [page_line % {"copy_for": copy_for, "page": page, "pages": pages}, made],
    )
