"""The portals in a real browser: sign-in per role, the directory, C4 confidentiality,
the public pages, sign-in errors, sign-out and recording a meeting.

Screenshots go to test-artifacts/screenshots/ for a person to look at.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from contacts.models import Appointment, Meeting, Organisation, OrganisationKind
from hmicfrs_mou.models import AuditAction, AuditEvent
from tests.browser.conftest import shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# username -> (portal home path, role label shown on the home page or None)
PORTALS = {
    "hmci": ("/hmicfrs/", "HM Chief Inspector"),
    "hmi": ("/hmicfrs/", "HM Inspector"),
    "liaison": ("/hmicfrs/", "Liaison lead"),
    "inspector": ("/hmicfrs/", "Inspection staff"),
    "opcc": ("/opcc/", "OPCC staff"),
    "opcc-cumbria": ("/opcc/", "OPCC chief executive"),
    "force": ("/force/", "Chief officer's office staff"),
    "frs": ("/force/", "Chief officer's office staff"),
    "apcc": ("/apcc/", "APCC joint performance portfolio lead"),
    "admin": ("/admin/", None),
}
DIRECTORY_ROWS = 87  # 43 police forces + 44 fire and rescue services


def organisation_of(username: str) -> Organisation:
    return Appointment.objects.select_related("organisation").get(person__username=username).organisation


def active_nav(page: Page) -> Any:
    return page.locator(".govuk-service-navigation__item--active")


def status(response: Any) -> int | None:
    return response.status if response is not None else None


def cumbria_confidential_meeting() -> Meeting:
    return Meeting.objects.get(
        confidential=True, subject__kind=OrganisationKind.POLICE_FORCE, subject__slug="cumbria"
    )


def test_demo_logins_cover_every_portal(demo: dict[str, str]) -> None:
    """The parametrised test below must cover every demo login (no browser needed)."""
    assert set(demo) == set(PORTALS) | {"iopc"}


def test_iopc_staff_land_on_the_super_complaints_they_investigate(
    page: Page, live_server: Any, demo: dict[str, str]
) -> None:
    """S2: IOPC staff have no portal of their own; they work on super-complaints and see nothing else."""
    sign_in(page, live_server, "iopc", demo["iopc"])
    expect(page).to_have_url(f"{live_server.url}/responses/super-complaints/")
    expect(page.locator("main h1")).to_have_text("Super-complaints")
    shot(page, "portal-iopc")
    assert status(page.goto(f"{live_server.url}/directory/")) == 403


@pytest.mark.parametrize("username", list(PORTALS))
def test_each_login_lands_on_its_portal(
    page: Page, live_server: Any, demo: dict[str, str], username: str
) -> None:
    home, role = PORTALS[username]
    sign_in(page, live_server, username, demo[username])
    expect(page).to_have_url(f"{live_server.url}{home}")
    h1 = page.locator("main h1, #content h1").first

    if home == "/hmicfrs/":
        expect(h1).to_have_text("Your work")
    elif home in ("/opcc/", "/force/"):
        expect(h1).to_have_text(organisation_of(username).name)
    elif home == "/apcc/":
        expect(h1).to_have_text("Association of Police and Crime Commissioners")
    else:  # Django admin
        expect(page.locator("#site-name")).to_contain_text("HMICFRS–APCC MOU portal administration")
        expect(page.locator("#content h1")).to_have_text("Site administration")
        expect(page.locator("#user-tools")).to_contain_text("Ada")
    if role:
        expect(page.locator("main .govuk-summary-list__key", has_text=role).first).to_be_visible()
        expect(active_nav(page)).to_have_text("Home")
        expect(page.get_by_text(re.compile(r"^Signed in as "))).to_be_visible()
    shot(page, f"portal-{username}")

    response = page.goto(f"{live_server.url}/directory/")
    if username == "admin":
        # A superuser with no appointment holds no portal role: refused, not shown the directory.
        assert status(response) == 403
        expect(page.locator("main h1")).to_have_text("You do not have permission to view this page")
        shot(page, "directory-admin-403")
        return
    assert status(response) == 200
    expect(page.locator("main h1")).to_have_text("Directory of forces and fire and rescue services")
    expect(active_nav(page)).to_have_text("Directory")
    expect(page.get_by_role("status")).to_have_text(f"{DIRECTORY_ROWS} results")
    rows = page.locator("main table.govuk-table tbody tr")
    expect(rows).to_have_count(DIRECTORY_ROWS)
    governed_by = rows.locator("td:nth-of-type(1)")
    expect(governed_by).to_have_count(DIRECTORY_ROWS)
    assert "Not recorded" not in " ".join(governed_by.all_inner_texts())
    if username == "hmi":
        shot(page, "directory")


def test_confidential_meeting_is_404_to_other_opcc(
    page: Page, live_server: Any, demo: dict[str, str]
) -> None:
    meeting = cumbria_confidential_meeting()
    url = f"{live_server.url}/meetings/{meeting.pk}/"

    sign_in(page, live_server, "opcc", demo["opcc"])
    response = page.goto(url)
    assert status(response) == 404
    expect(page.locator("main h1")).to_have_text("Page not found")
    expect(page.get_by_text("Unpublished thematic findings")).to_have_count(0)
    shot(page, "meeting-confidential-404-opcc")
    assert AuditEvent.objects.filter(
        action=AuditAction.DENIED, object_id=str(meeting.pk), actor__username="opcc"
    ).exists()

    for username in ("opcc-cumbria", "hmi"):
        page.context.clear_cookies()
        sign_in(page, live_server, username, demo[username])
        response = page.goto(url)
        assert status(response) == 200
        expect(page.locator("main .govuk-warning-text")).to_contain_text("Confidential")
        expect(page.get_by_text("Unpublished thematic findings")).to_be_visible()
        if username == "opcc-cumbria":
            shot(page, "meeting-confidential-opcc-cumbria")


def test_visitor_sees_public_pages_only(page: Page, live_server: Any, demo: dict[str, str]) -> None:
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/public/")
    expect(page.locator("main h1")).to_have_text("Forces and fire and rescue services")
    forces = page.locator("main table", has=page.locator("caption", has_text="Police forces"))
    services = page.locator("main table", has=page.locator("caption", has_text="Fire and rescue services"))
    expect(forces.locator("tbody tr")).to_have_count(43)
    expect(services.locator("tbody tr")).to_have_count(44)
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    shot(page, "public-index")

    forces.locator("tbody tr").first.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/public/[^/]+/[^/]+/$"))
    expect(page.locator("main .govuk-summary-list__key", has_text="Governed by")).to_be_visible()
    expect(page.get_by_role("table", name="Governance history")).to_be_visible()
    # The sections the apps add: the reports about the area and, for a force, its PCC's responses.
    expect(page.get_by_role("heading", name="Inspection reports")).to_be_visible()
    expect(page.get_by_role("heading", name="PCC responses")).to_be_visible()
    shot(page, "public-area")

    page.goto(f"{live_server.url}/directory/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/directory/")
    expect(page.locator("main h1")).to_have_text("Sign in to the HMICFRS–APCC MOU portal")


def test_wrong_password_shows_error_summary(page: Page, live_server: Any, demo: dict[str, str]) -> None:
    sign_in(page, live_server, "hmi", demo["hmi"] + "-wrong")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("There is a problem")
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    expect(page.locator("#id_username")).to_have_value("hmi")
    shot(page, "login-error")


def sign_out(page: Page, live_server: Any, demo: dict[str, str]) -> None:
    sign_in(page, live_server, "apcc", demo["apcc"])
    expect(page).to_have_url(f"{live_server.url}/apcc/")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()


def test_sign_out_ends_the_session(page: Page, live_server: Any, demo: dict[str, str]) -> None:
    sign_out(page, live_server, demo)
    shot(page, "signed-out")
    expect(page.get_by_text(re.compile(r"^Signed in as "))).to_have_count(0)
    expect(
        page.locator(".app-service-navigation__account").get_by_role("link", name="Sign in")
    ).to_be_visible()
    page.goto(f"{live_server.url}/apcc/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/apcc/")
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_OUT, actor__username="apcc").exists()


def test_sign_out_shows_logged_out_page(page: Page, live_server: Any, demo: dict[str, str]) -> None:
    sign_out(page, live_server, demo)
    # The navigation has finished: check the page at once rather than wait for it to change.
    assert page.url == f"{live_server.url}/accounts/logout/"
    assert page.locator("main h1").inner_text() == "You have signed out"


def test_hmi_records_a_meeting(page: Page, live_server: Any, demo: dict[str, str]) -> None:
    avon = Organisation.objects.get(kind=OrganisationKind.POLICE_FORCE, slug="avon-and-somerset")
    hmicfrs = Organisation.objects.get(kind=OrganisationKind.HMICFRS, slug="hmicfrs")
    avon_body = Organisation.objects.get(
        kind=OrganisationKind.OPCC,
        pk__in=Appointment.objects.filter(person__username="opcc").values("organisation"),
    ).parent
    before = Meeting.objects.count()
    today = timezone.localdate()

    sign_in(page, live_server, "hmi", demo["hmi"])
    page.goto(f"{live_server.url}/meetings/new/")
    expect(page.locator("main h1")).to_have_text("Record a meeting")
    expect(active_nav(page)).to_have_text("Meetings")

    def fill_date(day: dt.date) -> None:
        page.fill("#id_held_on_0", str(day.day))
        page.fill("#id_held_on_1", str(day.month))
        page.fill("#id_held_on_2", str(day.year))

    page.select_option("#id_kind", "hmi_pcc_formal")
    fill_date(today + dt.timedelta(days=7))
    page.select_option("#id_subject", str(avon.pk))
    page.fill("#id_notes", "Browser test: PEEL follow-up.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save meeting").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("A meeting can only be recorded once it has been held")
    expect(page).to_have_title(re.compile(r"^Error: Record a meeting"))
    shot(page, "meeting-new-error")
    assert Meeting.objects.count() == before

    fill_date(today - dt.timedelta(days=1))
    with page.expect_navigation():
        page.get_by_role("button", name="Save meeting").click()
    expect(page).to_have_url(re.compile(r"/meetings/\d+/$"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Meeting recorded.")
    expect(page.locator("main h1")).to_have_text("HMI and PCC formal meeting")
    shot(page, "meeting-recorded")
    assert Meeting.objects.count() == before + 1
    meeting = Meeting.objects.latest("pk")
    assert meeting.held_on == today - dt.timedelta(days=1)
    assert meeting.subject == avon
    assert set(meeting.parties.all()) == {hmicfrs, avon_body}
