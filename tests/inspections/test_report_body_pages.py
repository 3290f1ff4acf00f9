"""A report's headings and numbered paragraphs on every page and PDF that shows its text, and "Suggest a
correction" beside each paragraph of the draft on the force's factual-accuracy page (I7).

The timeline is tests/inspections/conftest.py's: the draft is in its window from FAC_OPENS to
FAC_CLOSES; the final report is published at PUBLICATION (U3: embargoed copies from 48 hours before).
"""

from __future__ import annotations

import io
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from contacts.models import Role
from inspections.models import FactualAccuracyComment, Inspection, Report
from inspections.services import redaction_add, report_open_factual_accuracy
from tests.conftest import make_person
from tests.inspections.conftest import (
    FAC_CLOSES,
    FAC_OPENS,
    HOUR,
    PUBLICATION,
    SECOND,
    draft,
    final,
    schedule,
)

pytestmark = pytest.mark.django_db

IN_FAC = FAC_OPENS + 24 * HOUR
BODY = (
    "# Overall summary\n\n"
    "Avon and Somerset Police answers emergency calls promptly.\n\n"
    "# Investigating crime\n\n"
    "Response times in rural areas are longer\nthan the force's own standard.\n\n"
    "## Keeping victims informed\n\n"
    "Too many victims are not told how their case is going.\n\n"
    "The refuge is at 14 Larkspur Close."
)
SECRET = "The refuge is at 14 Larkspur Close."
SUGGEST = "Suggest a correction"


@pytest.fixture
def fac_draft(peel_a: Inspection) -> Report:
    report = draft(peel_a, body=BODY)
    return report_open_factual_accuracy(report=report, closes_at=FAC_CLOSES, by=peel_a.lead, now=FAC_OPENS)


@pytest.fixture
def published(peel_a: Inspection) -> Report:
    report = final(peel_a, body=BODY)
    redaction_add(report=report, passage=SECRET, reason="A person's safety", by=peel_a.lead)
    return schedule(report)


def get(user, url: str, at) -> object:
    with time_machine.travel(at, tick=False):
        client = Client()
        if user is not None:
            client.force_login(user)
        return client.get(url)


def fac_url(report: Report) -> str:
    return reverse("inspections:fac", kwargs={"pk": report.pk})


def squash(html: str) -> str:
    return re.sub(r"\s+", " ", html)


# --- the factual-accuracy page (I7) ------------------------------------------------------------------


def test_i7_chief_office_sees_headings_numbers_and_a_suggest_link_for_each_paragraph(
    chief_office_a, fac_draft
):
    response = get(chief_office_a, fac_url(fac_draft), IN_FAC)
    assert response.status_code == 200
    page = squash(response.content.decode())
    assert '<h3 class="govuk-heading-m">Overall summary</h3>' in page
    assert '<h3 class="govuk-heading-m">Investigating crime</h3>' in page
    assert '<h4 class="govuk-heading-s">Keeping victims informed</h4>' in page
    for number in (1, 2, 3, 4):
        assert f'id="paragraph-{number}"' in page
        assert f'<span class="app-report-paragraph__number">{number}.</span>' in page
        # Seen as "Suggest a correction"; a screen reader hears which paragraph it is for.
        assert (
            f'href="{fac_url(fac_draft)}?paragraph={number}#send">{SUGGEST}'
            f'<span class="govuk-visually-hidden"> to paragraph {number}</span></a>'
        ) in page
    assert 'id="paragraph-5"' not in page
    assert "# Overall" not in page
    assert "longer<br>than the force" in page


def test_i7_the_suggest_link_fills_in_the_paragraph_and_its_current_text(chief_office_a, fac_draft):
    response = get(chief_office_a, f"{fac_url(fac_draft)}?paragraph=2", IN_FAC)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial == {
        "paragraph": "2",
        "current_text": "Response times in rural areas are longer\nthan the force's own standard.",
    }
    page = response.content.decode()
    assert re.search(r'name="paragraph"[^>]*value="2"', page)
    assert "Response times in rural areas are longer\nthan the force&#x27;s own standard.</textarea>" in page


@pytest.mark.parametrize("reference", ["0", "5", "two", "", "2%3Cscript%3E"])
def test_i7_a_paragraph_that_is_not_in_the_draft_fills_in_nothing(chief_office_a, fac_draft, reference):
    response = get(chief_office_a, f"{fac_url(fac_draft)}?paragraph={reference}", IN_FAC)
    assert response.status_code == 200
    assert response.context["form"].initial == {}


@pytest.mark.parametrize(
    ("who", "at"),
    [
        ("chief_office_a", FAC_OPENS - SECOND),
        ("chief_office_a", FAC_CLOSES),
        ("chief_office_b", IN_FAC),
        ("pcc_office_a", IN_FAC),
    ],
    ids=["before the window", "window closed", "another force", "the PCC"],
)
def test_i7_outside_the_window_or_for_another_office_the_prefilled_page_is_not_found(
    request, fac_draft, force_b, who, at
):
    user = (
        make_person("chief_office_b", force_b, Role.CHIEF_OFFICER_STAFF)
        if who == "chief_office_b"
        else request.getfixturevalue(who)
    )
    response = get(user, f"{fac_url(fac_draft)}?paragraph=2", at)
    assert response.status_code == 404
    assert SUGGEST.encode() not in response.content


def test_i7_the_team_sees_the_draft_numbered_without_suggest_links(lead_hmi, fac_draft):
    response = get(lead_hmi, reverse("inspections:report", kwargs={"pk": fac_draft.pk}), IN_FAC)
    assert response.status_code == 200
    page = squash(response.content.decode())
    assert '<h3 class="govuk-heading-m">Investigating crime</h3>' in page
    assert '<span class="app-report-paragraph__number">4.</span> The refuge' in page
    assert SUGGEST not in page
    # The team's own page of the same report is forbidden (the comments are the force's).
    assert get(lead_hmi, fac_url(fac_draft), IN_FAC).status_code == 403


def test_i7_a_suggested_correction_is_sent_and_the_team_sees_its_paragraph_number(
    chief_office_a, lead_hmi, fac_draft
):
    chosen = get(chief_office_a, f"{fac_url(fac_draft)}?paragraph=3", IN_FAC).context["form"].initial
    with time_machine.travel(IN_FAC, tick=False):
        client = Client()
        client.force_login(chief_office_a)
        response = client.post(
            fac_url(fac_draft),
            chosen
            | {
                "proposed_correction": "Most victims are told how their case is going.",
                "evidence": "Victim survey, May 2026",
            },
        )
    assert response.status_code == 302
    comment = FactualAccuracyComment.objects.get(report=fac_draft)
    assert (comment.paragraph, comment.current_text) == (
        "3",
        "Too many victims are not told how their case is going.",
    )
    page = squash(
        get(lead_hmi, reverse("inspections:report", kwargs={"pk": fac_draft.pk}), IN_FAC).content.decode()
    )
    assert '<td class="govuk-table__cell">3</td>' in page
    assert "Most victims are told how their case is going." in page


# --- the public page and the PDFs (U1, U3) -----------------------------------------------------------


def test_u1_public_page_shows_headings_and_numbered_paragraphs_with_the_redaction(published):
    response = get(None, reverse("public_reports:report", kwargs={"pk": published.pk}), PUBLICATION)
    assert response.status_code == 200
    page = squash(response.content.decode())
    assert '<h3 class="govuk-heading-m">Overall summary</h3>' in page
    assert '<h4 class="govuk-heading-s">Keeping victims informed</h4>' in page
    assert (
        '<p class="govuk-body app-report-paragraph" id="paragraph-4">'
        '<span class="app-report-paragraph__number">4.</span> [Redacted]</p>'
    ) in page
    assert "Larkspur" not in page
    assert SUGGEST not in page
    assert "# Overall" not in page


def test_text_from_the_body_is_escaped_everywhere(peel_a, chief_office_a):
    body = '# <i>Heading</i>\n\n<script>alert("x")</script> & <b>bold</b>'
    report = report_open_factual_accuracy(
        report=draft(peel_a, body=body), closes_at=FAC_CLOSES, by=peel_a.lead, now=FAC_OPENS
    )
    page = get(chief_office_a, f"{fac_url(report)}?paragraph=1", IN_FAC).content.decode()
    assert "<script>alert" not in page
    assert "<i>Heading</i>" not in page
    assert "&lt;i&gt;Heading&lt;/i&gt;</h3>" in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page


def outline_titles(reader: PdfReader) -> list[str]:
    titles: list[str] = []

    def walk(items: list) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(reader.outline)
    return titles


@pytest.mark.parametrize("version", ["public", "embargoed"])
def test_u3_the_pdfs_have_the_headings_in_their_outline_and_the_numbered_paragraphs(
    published, pcc_office_a, version
):
    if version == "public":
        url, user, at = reverse("public_reports:report-pdf", kwargs={"pk": published.pk}), None, PUBLICATION
    else:
        url, user, at = (
            reverse("inspections:copy", kwargs={"pk": published.pk}),
            pcc_office_a,
            PUBLICATION - 47 * HOUR,
        )
    response = get(user, url, at)
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    titles = outline_titles(reader)
    assert [
        t for t in titles if t in {"Overall summary", "Investigating crime", "Keeping victims informed"}
    ] == ["Overall summary", "Investigating crime", "Keeping victims informed"]
    assert titles.index("Report") < titles.index("Overall summary")
    text = squash(" ".join(page.extract_text() for page in reader.pages))
    assert "1. Avon and Somerset Police answers" in text
    assert "4. [Redacted]" in text
    assert "Larkspur" not in text
    root = reader.trailer["/Root"]
    kinds: list[str] = []

    def walk(node: object) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if not hasattr(node, "keys"):
            return
        if "/S" in node:
            kinds.append(str(node["/S"]).lstrip("/"))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            walk(kid)

    walk(root["/StructTreeRoot"].get_object())
    assert kinds.count("H3") == 2
    assert kinds.count("H4") == 1
    if version == "embargoed":
        # The recipient's marks are still stamped on every page.
        assert all("EMBARGOED" in page.extract_text() for page in reader.pages)
        assert "Copy for" in text
