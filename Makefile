# HMICFRS–APCC MOU portal. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Test processes (pytest-xdist): one per core by default; TEST_WORKERS=0 runs in this process.
TEST_WORKERS ?= auto
# Work stealing: a worker that runs out of tests takes the not-yet-started tests queued on the other.
# With the default (load), one worker was left with a queue of browser tests and ran for 270 s after the
# other had finished.
TEST_DIST ?= worksteal

.DEFAULT_GOAL := help

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found %s)" % sys.version.split()[0])'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	@touch $(STAMP)

.env:
	@printf '# Development settings for this checkout (see .env.example). Never deploy this file.\nDEBUG=true\n' > .env

setup: $(STAMP) .env ## Make the virtualenv at .venv, install the pinned dependencies, write a development .env, compile the Welsh catalogue
	@if command -v msgfmt >/dev/null; then $(PY) manage.py compilemessages --ignore='$(VENV)/*' >/dev/null; else echo 'No GNU msgfmt: the committed locale/cy/LC_MESSAGES/django.mo is used as it is.'; fi

db: setup ## Migrate, load the reference data, the Engage history and the demo scenario (keeps existing data)
	DEBUG=true $(PY) manage.py migrate --no-input
	DEBUG=true $(PY) manage.py load_reference_data
	DEBUG=true $(PY) manage.py load_engage_history
	DEBUG=true PORT=$(PORT) $(PY) manage.py load_demo
	DEBUG=true $(PY) manage.py setup_schedules

run: db ## Set everything up and run the portal (web server and task worker) at http://127.0.0.1:8000
	@echo "Sign in with a login and password above; HMICFRS, APCC and admin logins then give a code from an authenticator"
	@echo "app holding the printed secret, or the printed recovery code ($(PY) manage.py demo_code USERNAME prints the code)."
	DEBUG=true HOST=$(HOST) PORT=$(PORT) PY=$(PY) scripts/run_portal.sh

test: setup ## Set up and run the whole test suite (SQLite unless DATABASE_URL is set), on every core
	$(PY) -m pytest -n $(TEST_WORKERS) --dist $(TEST_DIST) $(PYTEST_ARGS)

# The modules whose branch coverage has a floor: who sees what, who may act, and the calendar.
COVERAGE_ANCHORS := */access.py,*/services.py,hmicfrs_mou/deadlines.py,hmicfrs_mou/reminders.py,contacts/selectors.py
COVERAGE_FLOOR ?= 94

coverage: setup ## The test suite with branch coverage: the whole project, then the anchors against their floor
	$(PY) -m pytest -n $(TEST_WORKERS) --dist $(TEST_DIST) --cov --cov-report= $(PYTEST_ARGS)
	$(VENV)/bin/coverage report --skip-covered --sort=cover
	@echo "== Coverage of the access modules, the services and the calendar (floor $(COVERAGE_FLOOR)%)"
	$(VENV)/bin/coverage report --include='$(COVERAGE_ANCHORS)' --fail-under=$(COVERAGE_FLOOR)

lint: setup ## ruff (lint and format), the layers between the apps (import-linter), types (mypy), migrations match the models
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports
	DEBUG=true $(VENV)/bin/mypy
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run

check-deploy: setup ## Django's deployment checks with production-like settings
	DEBUG=false SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') ALLOWED_HOSTS=mou.example.invalid \
		DATABASE_URL=sqlite:///$(CURDIR)/db.sqlite3 $(PY) manage.py check --deploy --fail-level WARNING

bench: setup ## Benchmark every portal page at 1x and 10x the real data size
	$(PY) benchmarks/pages.py $(BENCH_ARGS)

bench-sweep: setup ## Benchmark the reminder sweep at 2,000 and 200,000 deadlines with 2,000 due
	$(PY) benchmarks/sweep.py $(BENCH_ARGS)

bench-pdf: setup ## Embargoed copy: a full render of a 50-page report, then each recipient's stamped copy (time, memory)
	$(PY) benchmarks/pdf.py $(BENCH_ARGS)

load: setup ## The portal under load as deployed: gunicorn, task worker, PostgreSQL, locust (~4 min at 10x; LOAD_ARGS)
	$(PY) benchmarks/load.py $(LOAD_ARGS)

browser-deps: ## Install Debian's Chromium and the font library WeasyPrint wants (needs root)
	command -v chromium >/dev/null && dpkg -s libharfbuzz-subset0 >/dev/null 2>&1 || \
		(apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium libharfbuzz-subset0)

refresh-govuk: ## Refresh the vendored GOV.UK Frontend (VERSION=x.y.z)
	scripts/refresh_govuk_frontend.sh

lock: ## Re-pin requirements.lock from pyproject.toml in a scratch virtualenv
	rm -rf /tmp/mou-lock && $(PYTHON) -m venv /tmp/mou-lock && /tmp/mou-lock/bin/pip install --quiet '.[dev]' && \
		/tmp/mou-lock/bin/pip freeze --exclude-editable | grep -v '^hmicfrs-mou' > requirements.lock

clean: ## Remove the virtualenv, the SQLite database and collected static files
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* staticfiles test-artifacts .coverage .coverage.*

.PHONY: help setup db run test coverage lint check-deploy bench bench-sweep bench-pdf load browser-deps refresh-govuk lock clean
