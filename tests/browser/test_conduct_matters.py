"""L2 in a real browser: the PCC's office tells its HMI about a conduct matter from its portal; the HMI
for the area reads it (the reading is audited); another area's HMI gets 404 (audited too).

Screenshots at 1280 px and 390 px go to test-artifacts/screenshots/conduct-*.png for a person to look at.
"""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, expect

from contacts.models import AssignmentKind, ConductMatter, Organisation, OrganisationKind, Role, User
from hmicfrs_mou.models import AuditAction, AuditEvent
from tests.browser.conftest import shot, sign_in
from tests.conftest import make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
SUMMARY = "The IOPC has opened an investigation into the chief constable's use of a force vehicle."


@pytest.mark.slow
def test_l2_pcc_office_logs_a_conduct_matter_and_another_areas_hmi_gets_404(
    browser: Browser, live_server: Any, demo: dict[str, str]
) -> None:
    kent = Organisation.objects.get(kind=OrganisationKind.POLICE_FORCE, slug="kent")
    hmicfrs = Organisation.objects.get(kind=OrganisationKind.HMICFRS)
    kent_hmi = make_person("hmi_kent", hmicfrs, Role.HMI, **{AssignmentKind.HMI: [kent]})
    TOTPDevice.objects.create(user=kent_hmi, name="Authenticator app", confirmed=True)

    for width_name, (width, height) in WIDTHS.items():
        context = browser.new_context(viewport={"width": width, "height": height})
        try:
            page = context.new_page()
            sign_in(page, live_server, "opcc", demo["opcc"])
            page.get_by_role("link", name="In confidence with your HMI").click()
            expect(page.get_by_role("heading", level=1)).to_have_text(
                "Confidential matters between HMIs and PCCs"
            )
            shot(page, f"conduct-hub-{width_name}")
            page.get_by_role("link", name="tell the HMI about a matter").click()
            page.get_by_role("button", name="Send to the HMI in confidence").click()
            expect(page.locator(".govuk-error-summary")).to_be_visible()
            shot(page, f"conduct-form-errors-{width_name}")
            page.get_by_label("Force or fire and rescue service").select_option(
                label="Avon and Somerset Constabulary"
            )
            page.get_by_label("Conduct matter", exact=True).check()
            page.get_by_label("What the HMI needs to know").fill(f"{SUMMARY} ({width_name})")
            page.get_by_role("button", name="Send to the HMI in confidence").click()
            expect(page.get_by_role("heading", level=1)).to_have_text(
                "Complaints and conduct matters about the chief officer"
            )
            expect(page.get_by_text("Sent to the HMI in confidence.")).to_be_visible()
            expect(page.get_by_role("table", name="Sent by your office")).to_contain_text("Conduct matter")
            assert SUMMARY not in page.content()  # the office does not read it back
            shot(page, f"conduct-logged-{width_name}")
            matter = ConductMatter.objects.get(summary__endswith=f"({width_name})")
            detail = f"{live_server.url}/confidential/conduct-matters/{matter.pk}/"
            response = page.goto(detail)
            assert response is not None
            assert response.status == 404
        finally:
            context.close()

        # The HMI for the area reads it; the reading is on the audit trail.
        context = browser.new_context(viewport={"width": width, "height": height})
        try:
            page = context.new_page()
            sign_in(page, live_server, "hmi", demo["hmi"])
            response = page.goto(detail)
            assert response is not None
            assert response.status == 200
            expect(page.get_by_text(SUMMARY)).to_be_visible()
            expect(page.get_by_text("Your reading of this page is recorded.")).to_be_visible()
            shot(page, f"conduct-read-by-hmi-{width_name}")
            page.goto(f"{live_server.url}/confidential/conduct-matters/")
            shot(page, f"conduct-list-hmi-{width_name}")
        finally:
            context.close()
        assert AuditEvent.objects.filter(
            action=AuditAction.VIEW, object_id=str(matter.pk), actor__username="hmi"
        ).exists()

        # Another area's HMI: 404, the same as a record that does not exist, and the attempt audited.
        context = browser.new_context(viewport={"width": width, "height": height})
        try:
            page = context.new_page()
            sign_in(page, live_server, "hmi_kent", "correct-horse-battery-staple")
            response = page.goto(detail)
            assert response is not None
            assert response.status == 404
            assert SUMMARY not in page.content()
            shot(page, f"conduct-other-hmi-404-{width_name}")
            page.goto(f"{live_server.url}/confidential/conduct-matters/")
            assert SUMMARY not in page.content()
            assert f"/confidential/conduct-matters/{matter.pk}/" not in page.content()
        finally:
            context.close()
        assert AuditEvent.objects.filter(
            action=AuditAction.DENIED, object_id=str(matter.pk), actor__username="hmi_kent"
        ).exists()


@pytest.mark.slow
def test_c4_c5_l1_pages_read_well_on_a_desktop_and_a_phone(
    browser: Browser, live_server: Any, demo: dict[str, str]
) -> None:
    """The HMI's and the office's pages for shared findings, a panel invitation (to its briefing) and a
    recruitment, made through the services at the real clock, looked at in both widths."""
    import datetime as dt

    from django.utils import timezone

    from contacts.services_confidential import (
        panel_invitation_decide,
        panel_invitation_record,
        panel_representations_send,
        recruitment_record,
        shared_findings_share,
    )

    avon = Organisation.objects.get(kind=OrganisationKind.POLICE_FORCE, slug="avon-and-somerset")
    hmi, office = User.objects.get(username="hmi"), User.objects.get(username="opcc")
    today = timezone.localdate()
    findings = shared_findings_share(
        area=avon,
        title="Early sight of crime data integrity findings",
        findings="Recording rates fell.",
        by=hmi,
    )
    waiting = panel_invitation_record(
        area=avon,
        received_on=today,
        meeting_on=today + dt.timedelta(days=30),
        purpose="The PEEL grades.",
        by=hmi,
    )
    accepted = panel_invitation_record(
        area=avon, received_on=today, meeting_on=today + dt.timedelta(days=40), purpose="Methodology.", by=hmi
    )
    panel_representations_send(invitation=accepted, representations="We support the briefing.", by=office)
    panel_invitation_decide(
        invitation=accepted, decision="accepted", reasons="Published material only.", by=hmi
    )
    recruitment = recruitment_record(
        area=avon,
        process="Advert, shortlisting, interviews.",
        asks_panel=True,
        asks_pre_appointment_advice=True,
        shortlisted_forces=[Organisation.objects.get(kind=OrganisationKind.POLICE_FORCE, slug="kent")],
        by=office,
    )
    hmi_pages = {
        "c4-detail": f"/confidential/shared-findings/{findings.pk}/",
        "c5-list": "/confidential/panel-invitations/",
        "c5-new": "/confidential/panel-invitations/new/",
        "c5-waiting": f"/confidential/panel-invitations/{waiting.pk}/",
        "c5-accepted": f"/confidential/panel-invitations/{accepted.pk}/",
        "c5-briefing": f"/confidential/panel-invitations/{accepted.pk}/briefing/",
        "l1-advice": f"/confidential/recruitments/{recruitment.pk}/advice/",
        "area": avon.get_absolute_url(),
    }
    office_pages = {
        "c5-represent": f"/confidential/panel-invitations/{waiting.pk}/representations/",
        "l1-new": "/confidential/recruitments/new/",
        "l1-detail": f"/confidential/recruitments/{recruitment.pk}/",
    }
    for width_name, (width, height) in WIDTHS.items():
        for username, pages in (("hmi", hmi_pages), ("opcc", office_pages)):
            context = browser.new_context(viewport={"width": width, "height": height})
            try:
                page = context.new_page()
                sign_in(page, live_server, username, demo[username])
                for name, path in pages.items():
                    response = page.goto(live_server.url + path)
                    assert response is not None
                    assert response.status == 200, path
                    shot(page, f"confidential-{name}-{width_name}")
            finally:
                context.close()
