"""What each person sees first, in a real browser (issue 12): every persona signs in, finds the most urgent
thing on their home page and reaches its record in one click; the service navigation holds one row at
1280 px for every role.

Screenshots of each home at 1280 and 390 px go to test-artifacts/screenshots/home-<login>-<width>.png.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.slow]

DAYS_LEFT = re.compile(r"^(Overdue( by \d+ days?)?|Due today|Due tomorrow|Due in \d+ days)$")
WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 390, "height": 844}
# login -> (home path, the list on the home that holds the most urgent item for that person in the demo)
PERSONAS = {
    "hmci": ("/hmicfrs/", "due"),  # the C1 meeting with the APCC chair
    "hmi": ("/hmicfrs/", "due"),  # overdue standing meetings, then a diary note
    "inspector": ("/hmicfrs/", "due"),  # the diary note of a report of their inspection
    "liaison": ("/hmicfrs/", "due"),  # the overdue liaison meeting
    "opcc": ("/opcc/", "due"),  # the response to the published thematic
    "opcc-cumbria": ("/opcc/", "due"),
    "force": ("/force/", "embargoed"),  # nothing due: the embargoed PEEL report is what comes next
    "frs": ("/force/", "due"),  # the draft open for its factual-accuracy check
    "apcc": ("/apcc/", "due"),  # the written follow-up of an offer of assistance
}


def test_each_persona_reaches_its_most_urgent_item_from_its_home_in_one_click(
    page: Page, live_server: Any, demo: dict[str, str]
) -> None:
    for username, (home, list_id) in PERSONAS.items():
        page.context.clear_cookies()
        page.set_viewport_size(WIDE)
        sign_in(page, live_server, username, demo[username])
        expect(page).to_have_url(f"{live_server.url}{home}")
        # Due work comes before anything else in the main column.
        expect(page.locator("main h2.govuk-heading-m").first).to_have_text("Your work due")
        urgent = page.locator(f"#{list_id} .govuk-task-list__item").first
        expect(urgent).to_be_visible()
        expect(urgent.locator(".govuk-tag")).to_have_text(DAYS_LEFT)
        shot(page, f"home-{username}-1280")
        page.set_viewport_size(NARROW)
        expect(urgent).to_be_visible()
        shot(page, f"home-{username}-390")
        page.set_viewport_size(WIDE)

        link = urgent.locator("a.govuk-task-list__link")
        href = link.get_attribute("href")
        assert href
        with page.expect_navigation() as navigation:
            link.click()
        assert navigation.value is not None, (username, href)
        assert navigation.value.status == 200, (username, href)
        expect(page).to_have_url(f"{live_server.url}{href}")
        expect(page.locator("main h1")).to_be_visible()


def nav_rows(page: Page) -> int:
    """How many rows the service navigation's items take: the distinct tops of its items."""
    tops = page.locator(".govuk-service-navigation__item").evaluate_all(
        "items => items.map(item => Math.round(item.getBoundingClientRect().top))"
    )
    return len(set(tops))


def test_service_navigation_is_one_row_at_1280_px_for_every_role(
    page: Page, live_server: Any, demo: dict[str, str]
) -> None:
    page.set_viewport_size(WIDE)
    page.goto(f"{live_server.url}/public/")
    assert nav_rows(page) == 1, "public pages"
    for username in [*PERSONAS, "iopc"]:
        page.context.clear_cookies()
        sign_in(page, live_server, username, demo[username])
        items = page.locator(".govuk-service-navigation__item")
        assert items.count() >= 3, username
        assert nav_rows(page) == 1, username
        # The list is no taller than one of its items: nothing wrapped below.
        list_height = page.locator(".govuk-service-navigation__list").evaluate(
            "list => list.getBoundingClientRect().height"
        )
        item_height = items.first.evaluate("item => item.getBoundingClientRect().height")
        assert list_height <= item_height + 1, (username, list_height, item_height)
