"""I5 in a real browser: the Avon and Somerset OPCC makes a disclosure in confidence from its own portal,
naming its liaison lead; the liaison lead finds it in a list of their own and reads it, and the reading
is on the audit trail. The force's chief's office never sees it.

The inspection is made through the services at the real clock, so nothing jumps in time while a browser
session is open. Screenshots go to test-artifacts/screenshots/steps-*.png at 1280 and 390 pixels wide.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from contacts.models import Organisation, OrganisationKind, User
from hmicfrs_mou.demo import demo_second_factors
from hmicfrs_mou.models import AuditAction, AuditEvent
from inspections.models import EvidenceRecord, InspectionKind
from inspections.services import inspection_create
from tests.browser.conftest import shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "PEEL 2026: Avon and Somerset Constabulary (steps)"
SECRET = "The PCC is worried that vetting checks are being rushed to meet recruitment targets."
WIDTHS = (1280, 390)


def second_factor(page: Page, username: str) -> None:
    """HMICFRS staff give their second factor after the password (here, the demo login's recovery code)."""
    if page.locator("main h1").inner_text() == "Enter your security code":
        page.get_by_label("Security code").fill(demo_second_factors()[username].recovery_code)
        with page.expect_navigation():
            page.get_by_role("button", name="Continue").click()


def test_i5_the_opcc_discloses_in_confidence_and_the_named_liaison_lead_finds_it_in_their_list(
    page: Page, browser: Browser, live_server: Any, demo: dict[str, str]
) -> None:
    base = live_server.url
    avon = Organisation.objects.get(kind=OrganisationKind.POLICE_FORCE, slug="avon-and-somerset")
    hmi = User.objects.get(username="hmi")
    liaison = User.objects.get(username="liaison")
    inspection = inspection_create(kind=InspectionKind.PEEL, title=TITLE, areas=[avon], lead=hmi, by=hmi)

    # The OPCC, from its own portal: "Inspections in your area" → the step for its office.
    sign_in(page, live_server, "opcc", demo["opcc"])
    page.goto(f"{base}/inspections/my-area/")
    card = page.locator(".govuk-summary-card").filter(has_text=TITLE)
    card.get_by_role("link", name="Make a disclosure in confidence to the HMI").click()
    expect(page).to_have_url(f"{base}/inspections/{inspection.pk}/disclosures/new/")
    expect(page.locator("main h1")).to_have_text("Make a disclosure in confidence")
    # A refusal first: nothing written, the message on the form.
    page.get_by_role("button", name="Send in confidence").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter what you want to tell HMICFRS in confidence"
    )
    assert not EvidenceRecord.objects.exists()
    page.get_by_label("What you want to tell HMICFRS in confidence").fill(SECRET)
    page.get_by_label(liaison.get_full_name()).check()
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        shot(page, f"steps-opcc-disclosure-form-{width}")
    page.get_by_role("button", name="Send in confidence").click()
    expect(page).to_have_url(f"{base}/inspections/my-area/")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Your disclosure has been sent in confidence"
    )
    expect(page.get_by_text(SECRET)).to_have_count(0)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        shot(page, f"steps-opcc-my-area-{width}")
    record = EvidenceRecord.objects.get(kind=EvidenceRecord.Kind.CONFIDENTIAL_DISCLOSURE)
    assert list(record.named_staff.all()) == [liaison]

    # The named liaison lead: the HMICFRS portal → their own list → the disclosure.
    context = browser.new_context()
    try:
        lead_page = context.new_page()
        sign_in(lead_page, live_server, "liaison", demo["liaison"])
        second_factor(lead_page, "liaison")
        lead_page.goto(f"{base}/hmicfrs/")
        lead_page.get_by_role("link", name="Disclosures in confidence for you to read").click()
        expect(lead_page).to_have_url(f"{base}/inspections/disclosures/")
        row = lead_page.locator("#disclosure-list > li")
        expect(row).to_have_count(1)
        expect(row).to_contain_text("Avon and Somerset")
        expect(row).to_contain_text(TITLE)
        expect(row).to_contain_text(
            re.compile(r"\d\d:\d\d (GMT|BST)")
        )  # the moment it was made, with its zone
        expect(lead_page.get_by_text(SECRET)).to_have_count(0)  # read on its page, where reading is recorded
        for width in WIDTHS:
            lead_page.set_viewport_size({"width": width, "height": 900})
            shot(lead_page, f"steps-liaison-disclosure-list-{width}")
        row.get_by_role("link").click()
        expect(lead_page.locator("#disclosure-text")).to_have_text(SECRET)
        expect(lead_page.locator("main .govuk-warning-text")).to_contain_text("Not evidence")
        for width in WIDTHS:
            lead_page.set_viewport_size({"width": width, "height": 900})
            shot(lead_page, f"steps-liaison-disclosure-{width}")
    finally:
        context.close()
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW,
        actor=liaison,
        object_type="inspections.evidencerecord",
        object_id=str(record.pk),
    ).exists()

    # The force's chief's office: not found, on the trail.
    context = browser.new_context()
    try:
        force_page = context.new_page()
        sign_in(force_page, live_server, "force", demo["force"])
        response = force_page.goto(f"{base}/inspections/disclosures/{record.pk}/")
        assert response is not None
        assert response.status == 404
    finally:
        context.close()
    assert AuditEvent.objects.filter(
        action=AuditAction.DENIED, actor__username="force", object_id=str(record.pk)
    ).exists()
