"""Production settings, proved by starting the app with DEBUG off (in a subprocess, with production-like
environment variables and no .env): `check --deploy` is clean at WARNING, and requests served by that
app get HTTPS (a redirect, then HSTS), secure cookies, the portal's own 404 and 500 pages in GOV.UK
style, no traceback, no debug page or toolbar, and nothing compressed by the app (BREACH)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SERVE = r"""
import json, sys
import django
django.setup()
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test import Client

# The tables, straight from the models (faster than running every migration; the schema is not under test).
with connection.schema_editor() as editor:
    for model in apps.get_models():
        if model._meta.managed and not model._meta.proxy:
            editor.create_model(model)

client = Client(raise_request_exception=False, HTTP_HOST="mou.example.invalid")
out = {
    "settings": {
        name: getattr(settings, name, None)
        for name in (
            "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SESSION_COOKIE_HTTPONLY", "SECURE_CONTENT_TYPE_NOSNIFF",
        )
    },
    "apps": list(settings.INSTALLED_APPS),
    "middleware": list(settings.MIDDLEWARE),
}


def fetch(name, url, secure=True):
    response = client.get(url, secure=secure, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    out[name] = {
        "status": response.status_code,
        "headers": dict(response.headers),
        "cookies": {key: {"secure": bool(m["secure"]), "httponly": bool(m["httponly"])} for key, m in response.cookies.items()},
        "body": response.content.decode(errors="replace"),
    }


fetch("plain_http", "/accounts/login/", secure=False)
fetch("login", "/accounts/login/")
fetch("missing", "/no-such-page/")
fetch("missing_record", "/public/reports/999999/")
fetch("public", "/public/")
with connection.cursor() as cursor:
    cursor.execute("DROP TABLE django_session")  # a returning visitor's session cannot be read: a real error
client.cookies["sessionid"] = "returningvisitor" * 2
fetch("broken", "/accounts/login/")
json.dump(out, sys.stdout)
"""


def _production_env(tmp_path: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        # DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser tests' conftest in the same process; a
        # deployment never has it, and check --deploy rightly refuses it.
        not in {
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DATABASE_URL",
            "DEBUG",
            "TESTING",
            "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    env.update(
        {
            "ENV_FILE": "",  # a developer's .env must not stand in for production settings
            "DEBUG": "false",
            "TESTING": "false",
            "SECRET_KEY": "production-like-" + "k3Y9" * 12,
            "ALLOWED_HOSTS": "mou.example.invalid",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
            "DJANGO_SETTINGS_MODULE": "hmicfrs_mou.settings",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> dict:
    tmp_path = tmp_path_factory.mktemp("production")
    env = {**_production_env(tmp_path), "STATIC_ROOT": str(tmp_path / "static")}
    # As the image is built: the hashed, compressed static files and their manifest first.
    collected = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert collected.returncode == 0, collected.stderr[-4000:]
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", SERVE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads(result.stdout)


def test_production_settings_are_secure(served):
    assert served["settings"] == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
    }
    assert not any("debug_toolbar" in app for app in served["apps"])
    assert not any("gzip" in middleware.lower() for middleware in served["middleware"])


def test_plain_http_is_redirected_to_https(served):
    assert served["plain_http"]["status"] == 301
    assert served["plain_http"]["headers"]["Location"] == "https://mou.example.invalid/accounts/login/"


def test_https_pages_carry_hsts_and_secure_cookies(served):
    login = served["login"]
    assert login["status"] == 200
    assert login["headers"]["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert login["headers"]["X-Content-Type-Options"] == "nosniff"
    assert login["headers"]["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in login["headers"]
    assert login["cookies"]["csrftoken"]["secure"] is True
    assert login["cookies"]["csrftoken"]["httponly"] is True
    for cookie in login["cookies"].values():
        assert cookie["secure"] is True


@pytest.mark.parametrize("name", ["missing", "missing_record"])
def test_a_missing_page_is_the_portals_own_404(served, name):
    page = served[name]
    assert page["status"] == 404
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in page["body"]
    assert "govuk-template" in page["body"]
    assert "Traceback" not in page["body"]
    assert "DEBUG = True" not in page["body"]
    assert "URLconf" not in page["body"]  # Django's debug 404 lists the URL patterns
    assert page["headers"]["Strict-Transport-Security"].startswith("max-age=")


def test_a_server_error_is_the_portals_own_500_without_a_traceback(served):
    page = served["broken"]
    assert page["status"] == 500
    assert "Sorry, there is a problem with the service" in page["body"]
    assert "govuk-template" in page["body"]
    for leak in (
        "Traceback",
        "OperationalError",
        "django_session",
        "DEBUG = True",
        "settings.py",
        "SECRET_KEY",
    ):
        assert leak not in page["body"], leak


def test_breach_nothing_the_app_serves_is_compressed(served):
    for name in ("login", "missing", "public", "broken"):
        assert "Content-Encoding" not in served[name]["headers"], name


def test_public_pages_answer_with_debug_off(served):
    assert served["public"]["status"] == 200
    assert "Traceback" not in served["public"]["body"]
