"""A report's text with headings and numbered paragraphs, and "Suggest a correction" beside each paragraph
of a draft in its factual-accuracy check (I7), in a real browser on the demo data.

The FRS's chief fire officer's office opens the demo's FRS draft, follows the link beside paragraph 2,
finds the form filled in with that paragraph's number and text, and sends the correction; HMICFRS's
team then sees the comment against paragraph 2. Screenshots: test-artifacts/screenshots/text-*.png.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from inspections.models import FactualAccuracyComment, Report
from tests.browser.conftest import shot, sign_in
from tests.browser.test_every_page import AXE_SOURCE, AXE_TAGS, RUN_AXE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FRS_DRAFT = "Avon Fire & Rescue Service: effectiveness, efficiency and people"
PARAGRAPH_2 = "The service carried out 4,200 home fire safety visits in 2025."
PUBLISHED = "Police response to stalking"


def axe_violations(page: Page) -> list[dict[str, Any]]:
    page.evaluate(AXE_SOURCE)
    return page.evaluate(RUN_AXE, AXE_TAGS)


def test_i7_suggest_a_correction_fills_in_the_paragraph_and_sends_it(
    page: Page, live_server: Any, demo: dict[str, str]
) -> None:
    base = live_server.url
    draft = Report.objects.get(title=FRS_DRAFT)
    fac = f"{base}/inspections/reports/{draft.pk}/factual-accuracy/"

    sign_in(page, live_server, "frs", demo["frs"])
    page.goto(fac)
    main = page.locator("main")
    expect(main.get_by_role("heading", level=3, name="Preventing fires")).to_be_visible()
    expect(main.get_by_role("heading", level=4, name="Working with partners")).to_be_visible()
    expect(page.locator("#paragraph-2")).to_have_text(f"2. {PARAGRAPH_2}")
    links = main.get_by_role("link", name="Suggest a correction to paragraph")
    expect(links).to_have_count(3)
    assert axe_violations(page) == []
    shot(page, "text-fac-draft")

    main.get_by_role("link", name="Suggest a correction to paragraph 2", exact=True).click()
    expect(page).to_have_url(f"{fac}?paragraph=2#send")
    expect(page.get_by_label("Paragraph or page")).to_have_value("2")
    expect(page.get_by_label("Text as it stands")).to_have_value(PARAGRAPH_2)
    page.get_by_label("Correction of fact").fill(
        "The service carried out 4,350 home fire safety visits in 2025."
    )
    page.get_by_label("Evidence for the correction").fill("The prevention team's 2025 return.")
    shot(page, "text-fac-prefilled")
    page.get_by_role("button", name="Send the correction").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Your comment on paragraph 2 has been sent to HMICFRS."
    )
    sent = page.get_by_role(
        "table", name="Corrections your force or service has sent, with HMICFRS's decisions"
    )
    expect(sent.locator("tbody tr").first.locator("td").first).to_have_text("2")
    shot(page, "text-fac-sent")
    comment = FactualAccuracyComment.objects.get(report=draft)
    assert (comment.paragraph, comment.current_text) == ("2", PARAGRAPH_2)

    # HMICFRS's team: the comment is against paragraph 2, the draft numbered the same way, no links.
    page.context.clear_cookies()
    sign_in(page, live_server, "hmi", demo["hmi"])
    page.goto(f"{base}/inspections/reports/{draft.pk}/")
    comments = page.get_by_role("table", name="Factual-accuracy comments")
    expect(comments.locator("tbody tr").first.locator("td").first).to_have_text("2")
    expect(page.locator("#paragraph-2")).to_have_text(f"2. {PARAGRAPH_2}")
    expect(page.get_by_role("link", name="Suggest a correction to paragraph 2")).to_have_count(0)
    shot(page, "text-team-report")


def test_the_published_report_shows_its_sections_and_numbered_paragraphs(
    page: Page, live_server: Any, demo: dict[str, str]
) -> None:
    report = Report.objects.get(title=PUBLISHED)
    page.goto(f"{live_server.url}/public/reports/{report.pk}/")
    main = page.locator("main")
    expect(main.get_by_role("heading", level=3, name="Stalking protection orders")).to_be_visible()
    expect(page.locator("#paragraph-2")).to_contain_text("2. Chief constables should review")
    expect(main).not_to_contain_text("# Identifying stalking")
    assert axe_violations(page) == []
    shot(page, "text-public-report")
