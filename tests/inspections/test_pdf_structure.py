"""Report PDFs read by assistive technology: PDF/UA-1, checked with pypdf (not the WeasyPrint that
wrote them). The structure tree holds the headings and paragraphs in reading order; the document
names its language and title (shown as the window title); the watermark and the page headers are
decoration outside the structure, so a screen reader never reads them into the report's text."""

from __future__ import annotations

import io
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from inspections.models import InspectionKind, Report, ReportKind, ReportLanguage
from inspections.pdf import embargoed_copy_context
from inspections.services import inspection_create, report_create
from tests.inspections.test_pdf import (  # noqa: F401 (report_a is a fixture)
    DISTRIBUTION,
    PUBLICATION,
    SCHEDULED,
    build_report,
    copy_url,
    get_as,
    report_a,
)

pytestmark = pytest.mark.django_db


def structure(pdf: bytes) -> tuple[object, list[str]]:
    """The catalogue, and the structure elements in reading order (marked-content spans left out)."""
    root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    order: list[str] = []

    def walk(node: object) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if not hasattr(node, "keys"):
            return
        if "/S" in node:
            order.append(str(node["/S"]).lstrip("/"))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            walk(kid)

    walk(root["/StructTreeRoot"].get_object())
    return root, [element for element in order if element != "Span"]


def xmp(root) -> str:
    return root["/Metadata"].get_object().get_data().decode()


@pytest.mark.parametrize("version", ["embargoed", "public"])
def test_a_report_pdf_is_pdf_ua_with_language_title_and_headings_in_order(report_a, pcc_office_a, version):  # noqa: F811
    at = DISTRIBUTION if version == "embargoed" else PUBLICATION
    response = get_as(pcc_office_a, copy_url(report_a), at)
    assert response.status_code == 200
    root, order = structure(response.content)
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "en-GB"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert PdfReader(io.BytesIO(response.content)).metadata.title == report_a.title
    assert 'pdfuaid:part="1"' in xmp(root)
    assert order[0] == "Document"
    headings = [element for element in order if element.startswith("H")]
    # One title, then the report's sections as second-level headings, in the order of the text.
    assert headings[0] == "H1"
    assert headings.count("H1") == 1
    assert headings[1:3] == ["H2", "H2"]
    assert order.index("H1") < order.index("H2")


def test_the_watermark_is_not_in_the_reading_order(hmi_a, force_a, pcc_office_a):
    """The diagonal watermark is each page's background: on every page to see, never in the text
    a screen reader follows. (As a fixed element it was a block in the structure once per page,
    read out between the paragraphs.) The embargoed copy reads as the public report with the
    embargo notice before it."""
    report = build_report(lead=hmi_a, areas=[force_a], paragraph_count=40)
    pdf = get_as(pcc_office_a, copy_url(report), DISTRIBUTION).content
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 4
    assert all("EMBARGOED" in page.extract_text() for page in reader.pages)
    _, order = structure(pdf)
    _, public = structure(get_as(pcc_office_a, copy_url(report), PUBLICATION).content)
    # The same structure as the public report (its findings are blocks too) plus the notice.
    assert order.count("Div") == public.count("Div") + 1
    assert order[1] == "Div"  # the notice, first: "Embargoed until …", then the report
    assert [e for e in order if e.startswith("H")] == [e for e in public if e.startswith("H")] + ["H2"]


# --- the report's language: English or Welsh --------------------------------------------------------


def report_in(language: str, *, lead, areas) -> Report:
    report = build_report(lead=lead, areas=areas, paragraph_count=2, findings=(0, 1, 0))
    Report.objects.filter(pk=report.pk).update(language=language)
    return Report.objects.get(pk=report.pk)


@pytest.mark.parametrize("language", [ReportLanguage.WELSH, ReportLanguage.ENGLISH])
def test_each_report_pdf_names_the_report_s_language(hmi_a, force_a, pcc_office_a, language):
    """A Welsh report's PDFs say /Lang cy, so a screen reader reads them in Welsh; an English one's say
    en-GB. Both the public PDF (anyone, from publication) and the embargoed copy (U3: a recipient, before)."""
    report = report_in(language, lead=hmi_a, areas=[force_a])
    embargoed = get_as(pcc_office_a, copy_url(report), DISTRIBUTION)
    public = get_as(None, reverse("public_reports:report-pdf", kwargs={"pk": report.pk}), PUBLICATION)
    for response in (embargoed, public):
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert PdfReader(io.BytesIO(response.content)).trailer["/Root"]["/Lang"] == language
    assert "EMBARGOED" in PdfReader(io.BytesIO(embargoed.content)).pages[0].extract_text()


def test_the_portal_s_own_words_in_a_welsh_report_are_marked_english(hmi_a, force_a, pcc_office_a):
    """The document is Welsh; the headings, dates and embargo notice the portal writes around the text
    stay English and carry lang="en-GB" on their own elements. The public page marks the report's text
    as Welsh inside the English page."""
    report = report_in(ReportLanguage.WELSH, lead=hmi_a, areas=[force_a])
    context = embargoed_copy_context(report, pcc_office_a, at=DISTRIBUTION)
    html = render_to_string("pdf/embargoed_copy.html", context)
    assert '<html lang="cy">' in html
    assert '<div class="embargo-notice" lang="en-GB">' in html
    for furniture in ("Summary", "Report", "Recommendations", "Press release"):
        assert f'<h2 lang="en-GB">{furniture}</h2>' in html
    assert '<p class="meta" lang="en-GB">To be published at' in html
    assert f"<h1>{report.title}</h1>" in html  # the title is the report's own: Welsh, from <html>
    page = get_as(None, reverse("public_reports:report", kwargs={"pk": report.pk}), PUBLICATION)
    text = page.content.decode()
    assert f'<h1 class="govuk-heading-l" lang="cy">{report.title}</h1>' in text
    assert re.search(
        r'<div lang="cy">\s*<p class="govuk-body app-report-paragraph" id="paragraph-1">.*Paragraph 1\.', text
    )


def test_staff_choose_the_report_s_language_when_adding_it(hmi_a, force_a):
    """The form offers English (chosen already) and Welsh as radios, and saves the choice; a post without
    it keeps the default, English; a language the portal does not know is refused by the service."""
    with time_machine.travel(SCHEDULED, tick=False):
        inspection = inspection_create(
            kind=InspectionKind.PEEL, title="PEEL 2026: Dyfed-Powys", areas=[force_a], lead=hmi_a, by=hmi_a
        )
        url = reverse("inspections:report-new", kwargs={"pk": inspection.pk})
        client = Client()
        client.force_login(hmi_a)
        form = client.get(url).content.decode()
        assert 'type="radio" name="language" value="en-GB" class="govuk-radios__input"' in form
        assert re.search(r'name="language" value="en-GB"[^>]*checked', form)
        assert 'name="language" value="cy"' in form
        data = {"kind": ReportKind.FORCE_SPECIFIC, "body": "Paragraff cyntaf.\n\nAil baragraff."}
        for title, language in (("Adroddiad", "cy"), ("Report", "en-GB"), ("Unmarked", None)):
            posted = {**data, "title": title} | ({"language": language} if language else {})
            assert client.post(url, posted).status_code == 302
        assert Report.objects.get(title="Adroddiad").language == ReportLanguage.WELSH
        assert Report.objects.get(title="Report").language == ReportLanguage.ENGLISH
        assert Report.objects.get(title="Unmarked").language == ReportLanguage.ENGLISH
        refused = client.post(url, {**data, "title": "Breton", "language": "br"})
        assert refused.status_code == 200
        assert "Select a valid choice" in refused.content.decode()
        with pytest.raises(ValidationError, match="English or Welsh"):
            report_create(
                inspection=inspection,
                kind=ReportKind.FORCE_SPECIFIC,
                title="Breton",
                body="Text.",
                by=hmi_a,
                language="br",
            )
    assert not Report.objects.filter(title="Breton").exists()
