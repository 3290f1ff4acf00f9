"""Report PDFs in the reader's language (issue 12), the report's text in its own (U1, U3, U4).

The frame the portal writes around a report (the embargo line, the notice, headings, finding labels,
"Published at", the watermark word, "Copy for ... – page N of M", "This copy was made at", day and
month names) follows the reader: the request's active language, which for a signed-in person is their
own choice first (hmicfrs_mou.language). The report's text, title and /Lang stay the report's. One
embargoed base is rendered per (report version, language), and the language is in its cache key, so
an English base is never stamped for a Welsh reader; each recipient's marks are still only stamped.
Moments as in tests/inspections/test_pdf.py: publication 10:00 GMT Monday 26 October 2026, the copy
made at distribution, 11:00 BST Saturday 24 October.
"""

from __future__ import annotations

import io

import pytest
import time_machine
from django.core.cache import cache
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from hmicfrs_mou.models import Preferences
from hmicfrs_mou.wording import and_join
from inspections.pdf import (
    COPY_TEMPLATE,
    embargoed_base_context,
    embargoed_base_key,
    recipient_marks,
    restriction_label,
)
from tests.inspections.test_pdf import (  # noqa: F401 (report_a is a fixture)
    DISTRIBUTION,
    EMBARGO_TEXT,
    PUBLICATION,
    build_report,
    copy_url,
    get_as,
    pages_text,
    report_a,
)

pytestmark = pytest.mark.django_db

WELSH_EMBARGO = "Dan embargo tan 10:00 GMT, Dydd Llun 26 Hydref 2026"
WELSH_MADE = "Gwnaed y copi hwn am 11:00 BST, Dydd Sadwrn 24 Hydref 2026"
ENGLISH_MADE = "This copy was made at 11:00 BST on Saturday 24 October 2026"


def chooses_welsh(user) -> None:
    Preferences.objects.create(user=user, language="cy")


def test_u3_a_welsh_readers_embargoed_copy_has_the_welsh_frame_and_the_reports_own_text(
    report_a,  # noqa: F811
    pcc_office_a,
):
    chooses_welsh(pcc_office_a)
    response = get_as(pcc_office_a, copy_url(report_a), DISTRIBUTION)
    assert response.status_code == 200
    pages = pages_text(response.content)
    office = pcc_office_a.appointments.get().organisation.name
    for number, page in enumerate(pages, start=1):
        assert WELSH_EMBARGO in page
        assert "DAN EMBARGO" in page
        assert f"Copi ar gyfer Pcc Office A Tester, {office} – tudalen {number} o {len(pages)}" in page
        assert WELSH_MADE in page
        for english in (
            "EMBARGOED",
            "Embargoed until",
            "Copy for",
            f"page {number} of",
            "This copy was made",
        ):
            assert english not in page, english
    text = " ".join(pages)
    for welsh in (
        "Gwnaed y copi hwn ar gyfer yr unigolyn a enwir ar waelod pob tudalen",
        "I'w gyhoeddi am 10:00 GMT, Dydd Llun 26 Hydref 2026",
        "Crynodeb",
        "Achosion pryder",
        "Argymhelliad",
        "Datganiad i'r wasg",
    ):
        assert welsh in text, welsh
    for english in ("Summary", "To be published at", "Press release", "Recommendations"):
        assert english not in text, english
    # The report is English: its text, title and /Lang are its own.
    assert "Paragraph 1." in text
    assert report_a.title in text
    assert PdfReader(io.BytesIO(response.content)).trailer["/Root"]["/Lang"] == "en-GB"


def test_u3_an_english_readers_copy_has_the_english_frame(report_a, chief_office_a):  # noqa: F811
    pages = pages_text(get_as(chief_office_a, copy_url(report_a), DISTRIBUTION).content)
    for page in pages:
        assert EMBARGO_TEXT in page
        assert "EMBARGOED" in page
        assert ENGLISH_MADE in page
        assert "Copy for Chief Office A Tester" in page
        assert "DAN EMBARGO" not in page
        assert "Copi ar gyfer" not in page
    assert "Summary" in " ".join(pages)


def test_u3_one_base_per_language_each_reused_and_never_crossed(
    report_a,  # noqa: F811
    pcc_office_a,
    chief_office_a,
    hmi_a,
    renders,
):
    """Two readers of each language: two renders, one a language; every copy has its reader's words."""
    chooses_welsh(pcc_office_a)
    chooses_welsh(hmi_a)
    copies = {
        user.username: pages_text(get_as(user, copy_url(report_a), DISTRIBUTION).content)
        for user in (pcc_office_a, chief_office_a, hmi_a)
    }
    english_again = pages_text(get_as(chief_office_a, copy_url(report_a), DISTRIBUTION).content)
    assert len(renders) == 2
    welsh_html, english_html = sorted(renders, key=lambda html: "Crynodeb" not in html)
    assert '<h2 lang="cy">Crynodeb</h2>' in welsh_html
    assert '<h2 lang="en-GB">Summary</h2>' in english_html
    assert "Crynodeb" not in english_html
    for username in ("pcc_office_a", "hmi_a"):
        assert all(WELSH_EMBARGO in page and "Summary" not in page for page in copies[username])
    for pages in (copies["chief_office_a"], english_again):
        assert all(EMBARGO_TEXT in page and "Crynodeb" not in page for page in pages)
    # The key names the language: the same HTML gives a different base for each.
    assert embargoed_base_key(english_html, language="cy") != embargoed_base_key(
        english_html, language="en-GB"
    )
    assert ":cy:" in embargoed_base_key(welsh_html, language="cy")
    with translation.override("cy"):
        assert embargoed_base_key(welsh_html) == embargoed_base_key(welsh_html, language="cy")
    with time_machine.travel(DISTRIBUTION, tick=False):  # the cache's clock: kept a day from then
        assert cache.get(embargoed_base_key(welsh_html, language="cy")) is not None
        assert cache.get(embargoed_base_key(english_html, language="en-GB")) is not None


def test_u1_the_public_pdf_follows_the_active_language(hmi_a, force_a):
    report = build_report(lead=hmi_a, areas=[force_a])
    url = reverse("public_reports:report-pdf", kwargs={"pk": report.pk})
    with time_machine.travel(PUBLICATION, tick=False):
        welsh = Client().get(url, HTTP_ACCEPT_LANGUAGE="cy")
        english = Client().get(url)
    welsh_text = " ".join(pages_text(welsh.content))
    english_text = " ".join(pages_text(english.content))
    for text in (
        "Cyhoeddwyd am 10:00 GMT, Dydd Llun 26 Hydref 2026",
        "Crynodeb",
        "Adroddiad",
        "Achosion pryder",
    ):
        assert text in welsh_text, text
    assert "Published at" not in welsh_text
    assert "Summary" not in welsh_text
    assert "Published at 10:00 GMT on Monday 26 October 2026" in english_text
    assert "Crynodeb" not in english_text
    # The report's own language is the document's either way.
    for response in (welsh, english):
        assert PdfReader(io.BytesIO(response.content)).trailer["/Root"]["/Lang"] == "en-GB"


def test_i7_a_draft_and_an_unscheduled_report_say_so_in_welsh(hmi_a, force_a, pcc_office_a):
    report = build_report(lead=hmi_a, areas=[force_a], schedule=False)
    with translation.override("cy"):
        assert restriction_label(report) == "Heb ei gyhoeddi eto: nid i'w gyhoeddi na'i rannu"
        marks = recipient_marks(report, pcc_office_a, at=DISTRIBUTION)
        html = render_to_string(COPY_TEMPLATE, embargoed_base_context(report))
    assert marks["watermark_word"] == "DRAFFT"
    assert marks["copy_for_label"].startswith("Copi ar gyfer Pcc Office A Tester")
    assert '<div class="embargo-notice" lang="cy">' in html
    assert recipient_marks(report, pcc_office_a, at=DISTRIBUTION)["watermark_word"] == "DRAFT"


def test_organisations_are_joined_with_welsh_a_or_ac():
    with translation.override("cy"):
        assert and_join(["Swyddfa A", "Heddlu B"]) == "Swyddfa A a Heddlu B"
        assert and_join(["Swyddfa A", "Heddlu B", "Office of C"]) == "Swyddfa A, Heddlu B ac Office of C"
    assert and_join(["Office A", "Office B"]) == "Office A and Office B"
