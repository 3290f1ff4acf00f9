"""U6 in a real browser: the chief officer's office adds its comments to the PCC's response in its own
portal, and the OPCC then submits the response holding them.

A PEEL report on Avon and Somerset is published yesterday (tests/browser/test_responses.py builds it
through the services); the OPCC ("opcc") invites the chief's comments from its builder; the chief
constable's office ("force") finds the invitation in its portal, enters its comments (an empty
attempt is refused first); the OPCC reads them in its builder, writes its reply and the rest, and
uploads the PDF; the chief's office then finds its comments fixed. Screenshots at 1280 px and 390 px
go to test-artifacts/screenshots/chief-*.png for a person to look at.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from inspections.models import FindingKind
from responses.models import ObligationState, Submission
from tests.browser.conftest import shot, sign_in
from tests.browser.test_responses import PUBLISHED_URL, REPORT, blank_pdf, day_words, publish_peel_report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMMENTS = "The constabulary accepts all three recommendations. A new control-room plan starts in May."
REPLY = "I support the plan and will review its progress at each accountability board."
WIDE, NARROW = {"width": 1280, "height": 900}, {"width": 390, "height": 844}


def both_widths(page: Page, name: str) -> None:
    for size in (WIDE, NARROW):
        page.set_viewport_size(size)
        page.wait_for_timeout(250)  # let the page reflow before the full-page screenshot
        shot(page, f"{name}-{size['width']}")
    page.set_viewport_size(WIDE)


@pytest.mark.slow
def test_u6_the_chiefs_office_adds_its_comments_and_the_opcc_submits_the_response_with_them(
    page: Page, browser: Browser, live_server: Any, demo: dict[str, str], settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    base = live_server.url
    report, obligation = publish_peel_report()
    findings = list(report.findings.filter(kind=FindingKind.RECOMMENDATION).order_by("pk"))
    obligation_url = f"{base}/responses/{obligation.pk}/"
    comments_due = timezone.localdate() + dt.timedelta(days=10)

    # The OPCC invites the chief officer's comments from its builder.
    page.set_viewport_size(WIDE)
    sign_in(page, live_server, "opcc", demo["opcc"])
    page.goto(obligation_url)
    task_list = page.locator(".govuk-task-list")
    expect(task_list).to_contain_text("Their office enters them in its own portal once you invite them")
    page.get_by_role("link", name="Invite the chief officer's comments").click()
    page.fill("#id_comments_due_on_0", str(comments_due.day))
    page.fill("#id_comments_due_on_1", str(comments_due.month))
    page.fill("#id_comments_due_on_2", str(comments_due.year))
    page.get_by_role("button", name="Invite comments").click()
    expect(page).to_have_url(obligation_url)
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"The chief officer's office has been told. It can enter its comments by the end of {day_words(comments_due)}"
    )
    expect(task_list).to_contain_text("Waiting for their office to enter them")
    both_widths(page, "chief-opcc-invited")

    # The chief constable's office: its portal, the invitation, its comments.
    chief_context = browser.new_context()
    chief = chief_context.new_page()
    try:
        chief.set_viewport_size(WIDE)
        sign_in(chief, live_server, "force", demo["force"])
        chief.get_by_role("link", name="Comments on responses").click()
        expect(chief.locator("main h1")).to_have_text("Comments on the PCC's responses")
        row = chief.locator("main tbody tr").filter(has=chief.get_by_role("link", name=REPORT))
        expect(row).to_contain_text(f"By the end of {day_words(comments_due)} (midnight")
        expect(row).to_contain_text("Waiting for your comments")
        both_widths(chief, "chief-force-invitations")
        row.get_by_role("link", name=REPORT).click()
        expect(chief.locator("main h1")).to_have_text("The chief officer's comments")
        expect(chief.locator("main")).to_contain_text(findings[0].text)
        expect(chief.locator("main")).to_contain_text(re.compile(r"\d\d:\d\d (BST|GMT) on "))
        # An empty submission is refused, with the error summary.
        chief.get_by_role("button", name="Send the comments to the PCC's office").click()
        expect(chief.locator(".govuk-error-summary")).to_contain_text(
            "Enter the chief officer's comments on the report."
        )
        expect(chief).to_have_title(re.compile(r"^Error: The chief officer's comments"))
        both_widths(chief, "chief-force-comments-empty-refused")
        chief.get_by_label("The chief officer's comments on the report").fill(COMMENTS)
        both_widths(chief, "chief-force-comments-filled")
        chief.get_by_role("button", name="Send the comments to the PCC's office").click()
        expect(chief.locator(".govuk-notification-banner--success")).to_contain_text(
            "Your comments have been saved. The PCC's office has been told"
        )
        expect(chief.get_by_label("The chief officer's comments on the report")).to_have_value(COMMENTS)

        # The OPCC sees them in its builder (and in its inbox), writes its reply and the rest, and submits.
        page.goto(obligation_url)
        expect(page.locator("main")).to_contain_text(COMMENTS)
        expect(task_list).to_contain_text("Entered by their office at")
        both_widths(page, "chief-opcc-builder-with-comments")
        page.get_by_role("link", name="Respond to the chief officer's comments").click()
        expect(page.locator("#chief-comments + .govuk-inset-text")).to_contain_text(COMMENTS)
        expect(page.get_by_label("The chief officer's comments", exact=True)).to_have_count(0)
        page.get_by_label("The PCC's comments on the report", exact=True).fill("I welcome the report.")
        page.get_by_label("The PCC's response to the chief officer's comments", exact=True).fill(REPLY)
        for finding in findings:
            page.locator(f"#id_action_{finding.pk}").fill("The constabulary will act on it.")
        page.get_by_label("Web address where the response is published").fill(PUBLISHED_URL)
        both_widths(page, "chief-opcc-edit-reply")
        page.get_by_role("button", name="Save the response").click()
        expect(page.locator("#missing")).to_have_count(0)
        page.get_by_role("link", name="Upload the published response").click()
        # The check page before sending shows the chief's comments and the reply that go with it.
        expect(page.locator("main h1")).to_have_text("Check your response before you send it")
        expect(page.locator("#parts")).to_contain_text(COMMENTS)
        expect(page.locator("#parts")).to_contain_text(REPLY)
        page.get_by_label("Upload the response as published (PDF)").set_input_files(
            str(blank_pdf(tmp_path / "response.pdf"))
        )
        page.get_by_role("button", name="Confirm and send").click()
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
            "Version 1 of the response has been sent to HMICFRS and the Home Secretary."
        )
        both_widths(page, "chief-opcc-submitted")
        submission = Submission.objects.get(obligation=obligation)
        assert submission.content["chief_comments"] == COMMENTS
        assert submission.content["reply_to_chief"] == REPLY
        assert submission.content["chief_officer"]["entered_by"] == "Frank Ward"
        obligation.refresh_from_db()
        assert obligation.state == ObligationState.SUBMITTED

        # The chief's office: its comments are now fixed, and the page says why.
        chief.reload()
        expect(chief.locator("main .govuk-inset-text")).to_contain_text(
            "The PCC's office has already submitted the response"
        )
        expect(chief.locator("main textarea")).to_have_count(0)
        expect(chief.locator("main")).to_contain_text(COMMENTS)
        both_widths(chief, "chief-force-after-submission")
    finally:
        chief_context.close()
