"""Report PDFs read by assistive technology: PDF/UA-1, checked with pypdf (not the WeasyPrint that
wrote them). The structure tree holds the headings and paragraphs in reading order; the document
names its language and title (shown as the window title); the watermark and the page headers are
decoration outside the structure, so a screen reader never reads them into the report's text."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.inspections.test_pdf import (  # noqa: F401 (report_a is a fixture)
    DISTRIBUTION,
    PUBLICATION,
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
