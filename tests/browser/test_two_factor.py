"""Two-factor sign-in in a real browser: setting up an authenticator app from the page (the secret read off
the page, the code computed as the app would), signing in with it, a recovery code, the lockout page and the
timeout warning. Screenshots at 1280 and 390 px go to test-artifacts/screenshots/."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from hmicfrs_mou.demo import demo_second_factors
from tests.browser.conftest import authenticator_code, shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 390)


def sign_out(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").first.click()


def test_enrol_an_authenticator_app_then_sign_in_with_it(
    page: Page, live_server: Any, demo: dict[str, str]
) -> None:
    # The HMI has lost their phone: an admin has reset their second factor.
    TOTPDevice.objects.filter(user__username="hmi").delete()
    StaticDevice.objects.filter(user__username="hmi").delete()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "hmi")
    page.fill("#id_password", demo["hmi"])
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    # A password alone reaches no page: the HMI must set up an app first.
    page.goto(f"{live_server.url}/hmicfrs/")
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/set-up/\?next=%2Fhmicfrs%2F$"))
    expect(page.get_by_role("heading", name="Set up your authenticator app")).to_be_visible()
    expect(page.locator(".app-qr-code svg")).to_be_visible()
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        shot(page, f"two-factor-setup-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})

    # A wrong code is refused with the GOV.UK error summary.
    page.fill("#id_code", "12345")
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not right")
    shot(page, "two-factor-setup-error-1280")

    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    key = base64.b32decode(secret)
    page.fill("#id_code", f"{totp(key):06d}")
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Your second factor is set up")).to_be_visible()
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        shot(page, f"two-factor-recovery-codes-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})
    with page.expect_navigation():
        page.get_by_role("link", name="Continue").click()
    expect(page).to_have_url(f"{live_server.url}/hmicfrs/")

    # Sign out and in again: the second step asks for the code from the new app.
    sign_out(page)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "hmi")
    page.fill("#id_password", demo["hmi"])
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Enter your security code")).to_be_visible()
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        shot(page, f"two-factor-verify-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})
    device = TOTPDevice.objects.get(user__username="hmi")
    assert device.bin_key == key
    # The code the app shows (for a time step not used to set it up: each step's code works once).
    page.fill("#id_code", authenticator_code("hmi"))
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{live_server.url}/hmicfrs/")

    # A recovery code works once, instead of the app.
    sign_out(page)
    page.goto(f"{live_server.url}/accounts/login/?next=/hmicfrs/")
    page.fill("#id_username", "hmi")
    page.fill("#id_password", demo["hmi"])
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    page.get_by_text("I cannot use my authenticator app").click()
    page.fill("#id_code", codes[0])
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{live_server.url}/hmicfrs/")


def test_demo_logins_sign_in_with_the_printed_second_factor(
    page: Page, live_server: Any, demo: dict[str, str]
) -> None:
    factors = demo_second_factors()
    assert set(factors) == {"hmci", "hmi", "liaison", "inspector", "apcc", "admin"}
    # The printed secret is the device's: the code an app makes from it signs in.
    sign_in(page, live_server, "apcc", demo["apcc"])
    expect(page).to_have_url(f"{live_server.url}/apcc/")
    sign_out(page)
    # The printed recovery code, instead.
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "hmci")
    page.fill("#id_password", demo["hmci"])
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    page.fill("#id_code", factors["hmci"].recovery_code)
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{live_server.url}/hmicfrs/")
    # A login that needs no second factor goes straight in.
    sign_out(page)
    sign_in(page, live_server, "opcc", demo["opcc"])
    expect(page).to_have_url(f"{live_server.url}/opcc/")


def test_the_lockout_page(page: Page, live_server: Any, demo: dict[str, str], settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", "opcc")
        page.fill("#id_password", "not the password")
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="You cannot sign in at the moment")).to_be_visible()
    expect(page.locator("main")).to_contain_text("30 minutes")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        shot(page, f"sign-in-locked-out-{width}")


def test_the_timeout_warning_and_stay_signed_in(
    page: Page, live_server: Any, demo: dict[str, str], settings: Any
) -> None:
    settings.SESSION_IDLE_TIMEOUT = 124
    settings.SESSION_TIMEOUT_WARNING = 120
    sign_in(page, live_server, "opcc", demo["opcc"])
    dialog = page.locator("#app-timeout-warning")
    expect(dialog).to_be_visible(timeout=10_000)
    expect(dialog).to_contain_text("You’re about to be signed out")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        shot(page, f"timeout-warning-{width}")
    dialog.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()
    page.reload()
    expect(page).to_have_url(f"{live_server.url}/opcc/")
