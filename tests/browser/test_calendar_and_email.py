"""The calendar and email pages in a real browser: an OPCC officer makes their calendar addresses
(their own and their office's), fetches the feed the way a calendar would, chooses alerts, and
chooses one email each morning. Screenshots at 1280 and 390 px go to test-artifacts/screenshots/."""

from __future__ import annotations

from typing import Any

import pytest
import vobject
from playwright.sync_api import Page, expect

from hmicfrs_mou.models import Preferences
from tests.browser.conftest import shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_an_officer_subscribes_chooses_alerts_and_a_morning_email(
    page: Page, live_server: Any, demo: dict[str, str], width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, "opcc", demo["opcc"])
    page.goto(f"{live_server.url}/deadlines/calendar/")
    page.get_by_role("button", name="Make my calendar address").click()
    expect(page.get_by_text("Your calendar address has been changed")).to_be_visible()
    addresses = page.locator("code").all_inner_texts()
    # Their own, then one for each organisation they act for.
    assert len(addresses) >= 2
    assert "/organisation/" not in addresses[0]
    assert all("/organisation/" in address for address in addresses[1:])
    feed = page.request.get(addresses[0])
    assert feed.ok
    assert feed.headers["content-type"] == "text/calendar; charset=utf-8"
    calendar = vobject.readOne(feed.text())
    assert calendar.x_wr_calname.value == "MOU portal"
    page.get_by_label("2 days before").check()
    page.get_by_role("button", name="Save alerts").click()
    expect(page.get_by_text("Your calendar alerts have been saved.")).to_be_visible()
    expect(page.get_by_label("2 days before")).to_be_checked()
    shot(page, f"calendar-settings-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.goto(f"{live_server.url}/inbox/")
    page.get_by_role("link", name="choose each one as it is sent, or one email each morning").click()
    # The current choice is shown chosen.
    expect(page.get_by_label("Each one as it is sent")).to_be_checked()
    page.get_by_label("One email each morning at 8am").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your email choice has been saved.")).to_be_visible()
    shot(page, f"email-choice-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert Preferences.objects.get(user__username="opcc").daily_digest is True

    page.goto(f"{live_server.url}/deadlines/calendar/")
    page.get_by_role("button", name="Turn off my calendar addresses").click()
    expect(page.get_by_role("button", name="Make my calendar address")).to_be_visible()
    assert page.request.get(addresses[0]).status == 404
