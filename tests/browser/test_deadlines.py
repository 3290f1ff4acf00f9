"""The deadline engine in a real browser: reminders reach the inbox, my deadlines shows the working,
the calendar address can be made and changed, and the health page shows the sweep."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from hmicfrs_mou.reminders import sweep
from tests.browser.conftest import shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reminders_reach_the_inbox_and_my_deadlines_shows_the_working(
    page: Page, live_server: Any, demo: dict[str, str]
) -> None:
    run = sweep()
    assert run.sent > 0
    sign_in(page, live_server, "hmi", demo["hmi"])
    expect(page.locator(".app-nav-count")).to_be_visible()

    page.goto(f"{live_server.url}/deadlines/?show=overdue")
    expect(page.locator("main h1")).to_have_text("My deadlines")
    row = page.locator("tbody tr").filter(has_text="Avon and Somerset Constabulary")
    expect(row).to_contain_text("Overdue")
    row.get_by_text("How this was worked out").click()
    expect(row).to_contain_text("Last meeting")
    shot(page, "deadlines-overdue")

    page.goto(f"{live_server.url}/inbox/")
    expect(page.locator("main h1")).to_have_text("Inbox")
    shot(page, "inbox")
    page.locator("tbody a").first.click()
    expect(page.locator("main")).to_contain_text("How this was worked out")
    shot(page, "inbox-message")


def test_calendar_address_is_made_and_changed(page: Page, live_server: Any, demo: dict[str, str]) -> None:
    sign_in(page, live_server, "opcc", demo["opcc"])
    page.goto(f"{live_server.url}/deadlines/calendar/")
    page.get_by_role("button", name="Make my calendar address").click()
    first = page.locator("code").first.inner_text()
    assert first.endswith(".ics")
    feed = page.request.get(first)
    assert feed.status == 200
    assert "BEGIN:VCALENDAR" in feed.text()
    page.get_by_role("button", name="Make new addresses").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Subscriptions to the old address have stopped"
    )
    assert page.request.get(first).status == 404
    shot(page, "calendar-address")


def test_health_page_shows_the_sweep(page: Page, live_server: Any, demo: dict[str, str]) -> None:
    sign_in(page, live_server, "hmci", demo["hmci"])
    page.goto(f"{live_server.url}/health/")
    expect(page.locator(".govuk-error-summary")).to_contain_text("The reminder sweep is not running")
    sweep()
    page.reload()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("The sweep last ran at")
    shot(page, "health")
