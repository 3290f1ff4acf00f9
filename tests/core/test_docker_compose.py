"""docker-compose.yml is parsed (no Docker engine here): services, commands and shared settings."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_web_worker_postgres_and_redis():
    services = _compose()["services"]
    assert {"web", "worker", "db", "redis"} <= services.keys()
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")


def test_web_runs_gunicorn_and_worker_runs_qcluster():
    services = _compose()["services"]
    assert services["web"]["command"].startswith("gunicorn hmicfrs_mou.wsgi:application")
    assert services["worker"]["command"] == "python manage.py qcluster"
    # A worker publishes no port, so `--scale worker=N` cannot collide.
    assert "ports" not in services["worker"]


def test_web_and_worker_share_one_settings_block():
    services = _compose()["services"]
    web, worker = services["web"]["environment"], services["worker"]["environment"]
    assert web == worker
    assert web["DATABASE_URL"].startswith("postgres://")
    assert web["Q_REDIS_URL"].startswith("redis://redis:")
    assert web["DEBUG"] == "false"
    assert services["web"]["image"] == services["worker"]["image"]


def test_every_compose_variable_is_documented_in_env_example():
    documented = {
        line.split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }
    web = _compose()["services"]["web"]["environment"]
    assert set(web) <= documented


def test_migrations_run_before_web_and_worker_start():
    services = _compose()["services"]
    for name in ("web", "worker"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["db"]["healthcheck"]["test"]
