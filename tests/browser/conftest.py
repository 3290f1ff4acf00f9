"""Browser tests: Chromium (Debian's, not Playwright's download) driven by pytest-playwright.

Every test here is marked `browser` and runs against pytest-django's live server,
so it needs `@pytest.mark.django_db(transaction=True)`: the server thread must see
committed data. The `demo` fixture loads the reference directory and the demo
scenario (one login per role) and returns {username: password}.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from typing import Any

import pytest

# pytest-playwright's sync API runs an event loop in the main thread; Django's
# ORM calls made from the test body (fixtures, assertions) are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Launch Debian's Chromium; Playwright cannot download its own browsers here."""
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed (make browser-deps)")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS],
    }


@pytest.fixture
def demo(settings: Any, tmp_path: Path) -> dict[str, str]:
    """The directory (87 forces and FRSs) and the demo logins, as {username: password}.

    Use with @pytest.mark.django_db(transaction=True). The passwords go to a
    file under tmp_path, never the developer's .demo-logins.json. A fast hasher
    keeps ten set_password calls (and each sign-in) from costing seconds; the
    live server thread reads the same settings object.
    """
    from hmicfrs_mou.demo import load_demo
    from tests.conftest import load_directory

    settings.DEMO_LOGINS_FILE = tmp_path / "logins.json"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    restored = _restore_demo_snapshot(settings.DEMO_LOGINS_FILE)
    if restored is not None:
        return restored
    load_directory()
    logins = {login.username: password for login, password in load_demo()}
    _take_demo_snapshot(logins, settings.DEMO_LOGINS_FILE)
    return logins


# The directory and the demo cost about five seconds of CPU to load, and every browser test starts from an
# empty database (the live server needs committed data, so each test is flushed afterwards). On SQLite the
# test database is in memory: the first test's loaded database is copied aside once (SQLite's backup API)
# and later tests copy it back in a few milliseconds. The demo is dated from today, so a copy made on another
# day is not reused. PostgreSQL runs no browser tests (.ci/run), so it always loads afresh.
_DEMO_SNAPSHOTS: dict[Any, tuple[Any, dict[str, str], bytes]] = {}


def _sqlite_connection() -> Any | None:
    from django.db import connection

    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return None
    connection.ensure_connection()
    return connection.connection


def _take_demo_snapshot(logins: dict[str, str], logins_file: Path) -> None:
    import sqlite3

    from django.utils import timezone

    raw = _sqlite_connection()
    if raw is None:
        return
    copy = sqlite3.connect(":memory:", check_same_thread=False)
    raw.backup(copy)
    # The printed logins (passwords, second factors) as `make run` prints them, for tests that read them.
    _DEMO_SNAPSHOTS[timezone.localdate()] = (copy, dict(logins), Path(logins_file).read_bytes())


def _restore_demo_snapshot(logins_file: Path) -> dict[str, str] | None:
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    saved = _DEMO_SNAPSHOTS.get(timezone.localdate())
    raw = _sqlite_connection()
    if saved is None or raw is None:
        return None
    copy, logins, printed = saved
    copy.backup(raw)
    Path(logins_file).write_bytes(printed)
    # Content types are cached in memory by id; the copied tables hold the ids this process made first.
    ContentType.objects.clear_cache()
    return dict(logins)


def sign_in(page: Any, live_server: Any, username: str, password: str) -> None:
    """Sign in through the real login form and wait for the page it leads to. A login with a second factor
    (the demo's for HMICFRS, the APCC and the admin) is then asked for a code: the code its authenticator app
    would show, computed from the device's secret, is entered on the second step."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    # The forms' own buttons, in whichever language the page is in.
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    if "/set-up/" in page.url:
        # A person who must have a second factor and has none sets one up, as they would: the
        # secret read off the page, the code their app would show, then on past the recovery codes.
        import base64

        from django_otp.oath import totp

        key = base64.b32decode(page.locator("#totp-secret").inner_text().replace(" ", ""))
        page.fill("#id_code", f"{totp(key):06d}")
        with page.expect_navigation():
            page.locator("main form button[type=submit]").first.click()
        with page.expect_navigation():
            page.locator("main a.govuk-button").first.click()
    elif "/accounts/two-factor/" in page.url:
        page.fill("#id_code", authenticator_code(username))
        with page.expect_navigation():
            page.locator("main form button[type=submit]").first.click()


def authenticator_code(username: str) -> str:
    """The code the person's authenticator app shows now, for a time step the device has not used yet
    (django-otp accepts one step either side and refuses a step used before)."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user__username=username, confirmed=True).latest("pk")
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    for offset in (0, 1):
        if totp.t() + offset > device.last_t:
            totp.time = time.time() + offset * device.step
            return f"{totp.token():06d}"
    time.sleep(device.step)
    return authenticator_code(username)


def shot(page: Any, name: str) -> Path:
    """A full-page screenshot at test-artifacts/screenshots/<name>.png (git-ignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
