"""Embargoed copies rendered once per version of the report and stamped for each recipient (U3, U5;
issue 13): the base is shared, never stale, and carries no one's name; each copy names its own
recipient on every page, in one complete revision, with its marks outside the structure tree."""

from __future__ import annotations

import io
import re

import pytest
import time_machine
from pypdf import PdfReader

from contacts.models import User
from inspections.models import Report
from inspections.pdf import COPY_TEMPLATE, embargoed_base_context, embargoed_base_key
from inspections.services import redaction_add
from tests.inspections.test_pdf import (  # noqa: F401 (report_a is a fixture)
    DISTRIBUTION,
    EMBARGO_TEXT,
    SCHEDULED,
    build_report,
    copy_url,
    get_as,
    pages_text,
    report_a,
)

pytestmark = pytest.mark.django_db


def base_key(report: Report) -> str:
    from django.template.loader import render_to_string

    fresh = Report.objects.get(pk=report.pk)
    return embargoed_base_key(render_to_string(COPY_TEMPLATE, embargoed_base_context(fresh)))


def test_u3_recipients_share_one_render_and_each_copy_names_only_its_own_recipient(
    report_a,  # noqa: F811
    pcc_office_a,
    chief_office_a,
    renders,
):
    pcc = get_as(pcc_office_a, copy_url(report_a), DISTRIBUTION)
    chief = get_as(chief_office_a, copy_url(report_a), DISTRIBUTION)
    again = get_as(pcc_office_a, copy_url(report_a), DISTRIBUTION)
    assert [r.status_code for r in (pcc, chief, again)] == [200, 200, 200]
    assert len(renders) == 1
    assert "Tester" not in renders[0]  # the base names no one
    office = pcc_office_a.appointments.get().organisation.name
    pcc_pages, chief_pages = pages_text(pcc.content), pages_text(chief.content)
    assert len(pcc_pages) == len(chief_pages)
    for number, (mine, theirs) in enumerate(zip(pcc_pages, chief_pages, strict=True), start=1):
        assert EMBARGO_TEXT in mine
        assert EMBARGO_TEXT in theirs
        assert f"Copy for Pcc Office A Tester, {office} – page {number} of {len(pcc_pages)}" in mine
        assert "This copy was made at 11:00 BST on Saturday 24 October 2026" in mine
        assert "Chief Office" not in mine
        assert "Copy for Chief Office A Tester" in theirs
        assert "Pcc Office" not in theirs


def test_changing_the_report_text_gives_a_new_base_never_the_stale_one(
    report_a,  # noqa: F811
    pcc_office_a,
    renders,
):
    before = base_key(report_a)
    assert "Paragraph 4." in " ".join(
        pages_text(get_as(pcc_office_a, copy_url(report_a), DISTRIBUTION).content)
    )
    Report.objects.filter(pk=report_a.pk).update(
        body=report_a.body.replace("Paragraph 4.", "Paragraph four, corrected.")
    )
    assert base_key(report_a) != before
    text = " ".join(pages_text(get_as(pcc_office_a, copy_url(report_a), DISTRIBUTION).content))
    assert "Paragraph four, corrected." in text
    assert "Paragraph 4." not in text
    assert len(renders) == 2


def test_a_new_redaction_gives_a_new_base_and_the_passage_leaves_every_copy_U1(
    report_a,  # noqa: F811
    hmi_a,
    pcc_office_a,
    renders,
):
    before = base_key(report_a)
    passage = "Paragraph 5."
    assert passage in " ".join(pages_text(get_as(pcc_office_a, copy_url(report_a), DISTRIBUTION).content))
    with time_machine.travel(SCHEDULED, tick=False):
        redaction_add(report=report_a, passage=passage, reason="A person's safety", by=hmi_a)
    assert base_key(report_a) != before
    text = " ".join(pages_text(get_as(pcc_office_a, copy_url(report_a), DISTRIBUTION).content))
    assert passage not in text
    assert text.count("[Redacted]") >= 3
    assert len(renders) == 2


def test_a_copy_is_one_complete_revision_with_its_marks_outside_the_structure_and_fonts_embedded(
    report_a,  # noqa: F811
    pcc_office_a,
):
    """No earlier revision without the marks to cut back to (one xref, one end of file); the marks are
    artifacts, so the reading order is the report's; every font is embedded (PDF/UA)."""
    pdf = get_as(pcc_office_a, copy_url(report_a), DISTRIBUTION).content
    assert pdf.count(b"%%EOF") == 1
    assert pdf.count(b"startxref") == 1
    reader = PdfReader(io.BytesIO(pdf), strict=True)
    for page in reader.pages:
        content = page.get_contents().get_data()
        assert b"/Artifact <</Type /Pagination /Subtype /Watermark>> BDC" in content
        assert b"/Artifact <</Type /Pagination /Subtype /Footer>> BDC" in content
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = (
                font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                if font["/Subtype"] == "/Type0"
                else font["/FontDescriptor"]
            )
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.get_object())


def test_a_name_in_another_script_or_with_welsh_letters_still_gets_marked_copies(
    hmi_a, force_a, pcc_office_a
):
    """Letters the stamp's font has are printed (Welsh ŵ); one it lacks becomes "?" rather than no mark."""
    User.objects.filter(pk=pcc_office_a.pk).update(first_name="Siân", last_name="Ŵyn 山")
    report = build_report(lead=hmi_a, areas=[force_a])
    recipient = User.objects.get(pk=pcc_office_a.pk)
    pages = pages_text(get_as(recipient, copy_url(report), DISTRIBUTION).content)
    for number, text in enumerate(pages, start=1):
        assert re.search(rf"Copy for Siân Ŵyn \?, .+ – page {number} of {len(pages)}", text)


def test_the_pages_are_read_for_stamping_without_parsing_the_compressed_object_stream(report_a, monkeypatch):  # noqa: F811
    """The catalogue, the page tree, the pages and their resources and fonts are objects of their own, so
    laying a report out for stamping reads them directly; the rest (the PDF/UA structure tree among it)
    stays in the compressed object stream, so the file stays small."""
    from django.template.loader import render_to_string

    from hmicfrs_mou.pdf import html_to_pdf
    from hmicfrs_mou.pdf_stamp import prepare

    fresh = Report.objects.get(pk=report_a.pk)
    pdf = html_to_pdf(render_to_string(COPY_TEMPLATE, embargoed_base_context(fresh)))
    reader = PdfReader(io.BytesIO(pdf), strict=True)
    in_stream = set(reader.xref_objStm)
    root = reader.trailer.raw_get("/Root")
    catalogue = reader.get_object(root)
    own = [root.idnum, catalogue.raw_get("/Pages").idnum]
    for page in reader.pages:
        resources = page.raw_get("/Resources")
        own += [page.indirect_reference.idnum, resources.idnum]
        fonts = resources.get_object().raw_get("/Font")
        if hasattr(fonts, "idnum"):
            own.append(fonts.idnum)
    assert not in_stream & set(own)
    assert catalogue.raw_get("/StructTreeRoot").idnum in in_stream
    assert len(in_stream) > 10 * len(own)
    # What it is for: laying the PDF out for stamping reads nothing from the object stream.
    reads = []
    parse = PdfReader._get_object_from_stream

    def counted(self, indirect_reference):
        reads.append(indirect_reference.idnum)
        return parse(self, indirect_reference)

    monkeypatch.setattr(PdfReader, "_get_object_from_stream", counted)
    assert prepare(pdf).page_count == len(reader.pages)
    assert reads == []
