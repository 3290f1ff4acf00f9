"""Settings come from the environment; production values have no defaults."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from hmicfrs_mou.env import env_bool, env_int, env_list, env_str

ROOT = Path(__file__).resolve().parents[2]


# Read from the environment by the settings, so never inherited from the one running the tests.
SET_BY_THE_TEST = {
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "DEBUG",
    "TESTING",
    "PORT",
    "PORTAL_BASE_URL",
}


def _import_settings(
    setting: str = "DATABASES['default']['ENGINE']", **env: str
) -> subprocess.CompletedProcess:
    """Import the settings in a new process with `env` only, printing `setting` (the database engine)."""
    clean = {k: v for k, v in os.environ.items() if k not in SET_BY_THE_TEST}
    clean["ENV_FILE"] = ""  # a developer's .env must not stand in for production settings here
    clean.update(env)
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", f"import hmicfrs_mou.settings as s; print(s.{setting})"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_without_secret_key_refuses_to_start():
    result = _import_settings(DEBUG="false")
    assert result.returncode != 0
    assert "Set the SECRET_KEY environment variable" in result.stderr


def test_production_without_allowed_hosts_refuses_to_start():
    result = _import_settings(DEBUG="false", SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "Set the ALLOWED_HOSTS environment variable" in result.stderr


def test_sqlite_is_the_development_default_and_database_url_chooses_postgresql():
    default = _import_settings(DEBUG="true")
    assert default.stdout.strip() == "django.db.backends.sqlite3", default.stderr
    postgres = _import_settings(DEBUG="true", DATABASE_URL="postgres://postgres@127.0.0.1:5432/mou")
    assert postgres.stdout.strip() == "django.db.backends.postgresql"


PRODUCTION = {"DEBUG": "false", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "mou.example.invalid"}


def test_production_without_database_url_refuses_to_start_rather_than_use_sqlite():
    result = _import_settings(**PRODUCTION)
    assert result.returncode != 0
    assert "Set the DATABASE_URL environment variable" in result.stderr
    assert "sqlite3" not in result.stdout


def test_production_with_an_empty_database_url_refuses_to_start():
    result = _import_settings(**PRODUCTION, DATABASE_URL=" ")
    assert result.returncode != 0
    assert "Set the DATABASE_URL environment variable: it is empty" in result.stderr


def test_production_uses_the_database_it_names():
    postgres = _import_settings(**PRODUCTION, DATABASE_URL="postgres://mou@db:5432/mou")
    assert postgres.returncode == 0, postgres.stderr
    assert postgres.stdout.strip() == "django.db.backends.postgresql"
    # SQLite too, when named (make check-deploy checks the settings without a database server).
    sqlite = _import_settings(**PRODUCTION, DATABASE_URL="sqlite:///check-deploy.sqlite3")
    assert sqlite.stdout.strip() == "django.db.backends.sqlite3", sqlite.stderr


def test_the_tests_need_no_database_url():
    result = _import_settings(DEBUG="false", TESTING="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3"


def test_time_zone_is_london_and_aware(settings):
    assert settings.TIME_ZONE == "Europe/London"
    assert settings.USE_TZ is True


@pytest.mark.parametrize(
    ("helper", "value", "message"),
    [
        (lambda: env_bool("X_FLAG", False), "perhaps", "X_FLAG must be true or false"),
        (lambda: env_int("X_NUMBER", 1), "ten", "X_NUMBER must be a whole number"),
        (lambda: env_str("X_REQUIRED"), None, "Set the X_REQUIRED environment variable"),
    ],
)
def test_a_bad_setting_fails_loudly(monkeypatch, helper, value, message):
    if value is None:
        monkeypatch.delenv("X_REQUIRED", raising=False)
    else:
        monkeypatch.setenv("X_FLAG", value)
        monkeypatch.setenv("X_NUMBER", value)
    with pytest.raises(ImproperlyConfigured, match=message):
        helper()


def test_env_helpers_read_good_values(monkeypatch):
    monkeypatch.setenv("X_FLAG", "Yes")
    monkeypatch.setenv("X_NUMBER", "42")
    monkeypatch.setenv("X_LIST", "a.example, b.example,,")
    assert env_bool("X_FLAG", False) is True
    assert env_int("X_NUMBER", 1) == 42
    assert env_list("X_LIST", []) == ["a.example", "b.example"]


def test_env_file_fills_only_what_the_environment_does_not_set(tmp_path, monkeypatch):
    from hmicfrs_mou.env import load_env_file

    path = tmp_path / ".env"
    path.write_text('# comment\n\nX_FROM_FILE="quoted value"\nexport X_ALREADY=file\n', encoding="utf-8")
    monkeypatch.delenv("X_FROM_FILE", raising=False)
    monkeypatch.setenv("X_ALREADY", "environment")
    load_env_file(path)
    assert os.environ["X_FROM_FILE"] == "quoted value"
    assert os.environ["X_ALREADY"] == "environment"
    monkeypatch.delenv("X_FROM_FILE")


def test_a_malformed_env_file_names_its_line(tmp_path):
    from hmicfrs_mou.env import load_env_file

    path = tmp_path / ".env"
    path.write_text("DEBUG=true\nnot a setting\n", encoding="utf-8")
    with pytest.raises(ImproperlyConfigured, match=r"\.env, line 2: expected KEY=value"):
        load_env_file(path)


def test_a_development_checkout_runs_manage_py_without_exported_variables(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DEBUG=true\n", encoding="utf-8")
    result = _import_settings(ENV_FILE=str(env_file))
    assert result.returncode == 0, result.stderr


def _base_url(**env: str) -> str:
    result = _import_settings("PORTAL_BASE_URL", DEBUG="true", **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_links_point_at_the_port_make_run_serves_unless_the_address_is_set():
    """`PORT=8765 make run` prints its logins and sends its emails with that port; a set address wins."""
    assert _base_url() == "http://127.0.0.1:8000"
    assert _base_url(PORT="8765") == "http://127.0.0.1:8765"
    assert (
        _base_url(PORT="8765", PORTAL_BASE_URL="https://mou.example.invalid") == "https://mou.example.invalid"
    )
