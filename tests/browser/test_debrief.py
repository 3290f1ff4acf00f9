"""I6 in a real browser: the HMI records a debrief from the inspection page; the chief constable's office
decides from its own portal that the PCC attends; the OPCC acknowledges confidentiality from its own portal
and only then reads the notes, each reading on the audit trail.

The inspection is made through the services at the real clock, so nothing jumps in time while a browser
session is open. Screenshots go to test-artifacts/screenshots/debrief-*.png at 1280 and 390 pixels wide.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from contacts.models import Organisation, OrganisationKind, User
from hmicfrs_mou.demo import demo_second_factors
from hmicfrs_mou.models import AuditAction, AuditEvent
from inspections.models import ConfidentialityAcknowledgement, Debrief, InspectionKind
from inspections.services import inspection_create
from tests.browser.conftest import shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "PEEL 2026: Avon and Somerset Constabulary (debrief)"
NOTES = "Preliminary view: demand is well understood. Response times in rural areas are a concern."
WIDTHS = (1280, 390)


def second_factor(page: Page, username: str) -> None:
    """HMICFRS staff give their second factor after the password (here, the demo login's recovery code)."""
    if page.locator("main h1").inner_text() == "Enter your security code":
        page.get_by_label("Security code").fill(demo_second_factors()[username].recovery_code)
        with page.expect_navigation():
            page.get_by_role("button", name="Continue").click()


def shots(page: Page, name: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        shot(page, f"debrief-{name}-{width}")


def test_i6_the_hmi_records_a_debrief_and_the_pccs_office_acknowledges_confidentiality(
    page: Page, browser: Browser, live_server: Any, demo: dict[str, str]
) -> None:
    base = live_server.url
    avon = Organisation.objects.get(kind=OrganisationKind.POLICE_FORCE, slug="avon-and-somerset")
    hmi = User.objects.get(username="hmi")
    inspection = inspection_create(kind=InspectionKind.PEEL, title=TITLE, areas=[avon], lead=hmi, by=hmi)
    today = timezone.localdate()

    # The HMI, from the inspection page.
    sign_in(page, live_server, "hmi", demo["hmi"])
    second_factor(page, "hmi")
    page.goto(f"{base}/inspections/{inspection.pk}/")
    page.locator("#team-steps").get_by_role("link", name="Record a debrief").click()
    expect(page.locator("main h1")).to_have_text("Record a debrief")
    page.locator("#id_held_on_0").fill(str(today.day))
    page.locator("#id_held_on_1").fill(str(today.month))
    page.locator("#id_held_on_2").fill(str(today.year))
    # A grade first: refused, nothing written, the message on the form.
    page.get_by_label("Notes of the debrief").fill("Effectiveness: adequate. Efficiency: good.")
    page.get_by_role("button", name="Record the debrief").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("never a graded judgment")
    assert not Debrief.objects.exists()
    page.get_by_label("Notes of the debrief").fill(NOTES)
    page.get_by_label("The debrief shows significant concern").check()
    shots(page, "hmi-form")
    page.get_by_role("button", name="Record the debrief").click()
    debrief = Debrief.objects.get()
    expect(page).to_have_url(f"{base}/inspections/debriefs/{debrief.pk}/")
    expect(page.locator("#attendance")).to_contain_text("Waiting for the chief constable's decision")
    expect(page.get_by_text(NOTES)).to_be_visible()
    expect(page.locator("main")).to_contain_text(re.compile(r"\d\d:\d\d (GMT|BST)"))
    shots(page, "hmi-debrief")

    # The chief constable's office, from its own portal: the PCC attends.
    context = browser.new_context()
    try:
        chief = context.new_page()
        sign_in(chief, live_server, "force", demo["force"])
        chief.goto(f"{base}/force/")
        chief.get_by_role("link", name="Debriefs and updates to the PCC").click()
        expect(chief.locator("#owed + ul")).to_contain_text("Update the PCC on the significant concern")
        chief.get_by_role("link", name=TITLE, exact=True).click()
        chief.get_by_role("link", name="Decide whether the PCC attends").click()
        chief.get_by_label("Yes").check()
        chief.get_by_role("button", name="Record the decision").click()
        expect(chief.locator(".govuk-notification-banner")).to_contain_text("the PCC attends the debrief")
        expect(chief.locator("#attendance")).to_contain_text("Yes, by the chief constable's decision")
        shots(chief, "chief-decided")
    finally:
        context.close()

    # The OPCC, from its own portal: acknowledges, then reads.
    context = browser.new_context()
    try:
        opcc = context.new_page()
        sign_in(opcc, live_server, "opcc", demo["opcc"])
        opcc.goto(f"{base}/opcc/")
        opcc.get_by_role("link", name="Debriefs and updates to the PCC").click()
        expect(opcc.locator("#expected + ul")).to_contain_text("Update the PCC on the significant concern")
        shots(opcc, "opcc-hub")
        opcc.get_by_role("link", name=TITLE, exact=True).click()
        expect(opcc.get_by_text(NOTES)).to_have_count(0)
        opcc.get_by_role("button", name="Confirm and read the notes").click()
        expect(opcc.locator(".govuk-error-summary")).to_contain_text("Confirm that you will keep the debrief")
        assert not ConfidentialityAcknowledgement.objects.exists()
        shots(opcc, "opcc-acknowledge-error")
        opcc.get_by_label("I will keep the debrief confidential until the report is published").check()
        opcc.get_by_role("button", name="Confirm and read the notes").click()
        expect(opcc.get_by_text(NOTES)).to_be_visible()
        expect(opcc.locator("#acknowledgements + table")).to_contain_text("Olivia Carter")
        expect(opcc.locator("#acknowledgements + table")).to_contain_text(re.compile(r"\d\d:\d\d (GMT|BST)"))
        shots(opcc, "opcc-notes")
    finally:
        context.close()
    ack = ConfidentialityAcknowledgement.objects.get()
    assert (ack.person.username, ack.debrief_id) == ("opcc", debrief.pk)
    reads = AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="inspections.debrief", object_id=str(debrief.pk)
    )
    assert set(reads.values_list("actor__username", flat=True)) == {"hmi", "opcc"}
