"""Shared fixtures: the reference directory, and the personas of STYLE.md §8.

Personas, around force A (Avon and Somerset) and force B (Kent):
  pcc_office_a  – OPCC staff for force A (the owner of A's records)
  pcc_office_b  – OPCC staff for force B (same role, outsider: 404 on A's records)
  chief_office_a – the chief constable's office of force A
  hmi_a         – the HMI for force A
  other_hmi     – an HMI for force B only
  hmicfrs_staff – inspection staff, no assignment
  apcc_lead     – APCC joint performance portfolio lead
  anonymous     – no login
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.template import Template
from django.test import Client, override_settings
from django.test.utils import _TestState
from django.utils import timezone, translation

from contacts.models import AssignmentKind, Organisation, OrganisationKind, Role, User
from contacts.reference import load_reference_data
from contacts.selectors import office_of_area
from contacts.services import appointment_start, assignment_start
from hmicfrs_mou.demo import load_demo
from hmicfrs_mou.roles import GROUP_PERMISSIONS, ensure_groups

APPOINTED = dt.date(2025, 7, 3)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Long tests first: pytest-xdist hands tests out in this order, so a long one started last would leave
    the other worker idle while it runs. On SQLite, PostgreSQL-only tests are not collected at all (rather
    than skipped)."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)  # stable: the rest keep their order
    for item in items:
        # A permission matrix checks outcomes over a grid of people, records and moments; the code it runs
        # is measured by the tests that aim at it. Tracing its thousands of pages cost 56% more time
        # (the matrices: 152 s without coverage, 237 s with, on two workers here), so it is not measured.
        if item.get_closest_marker("matrix"):
            item.add_marker(pytest.mark.no_cover)
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    keep, drop = [], []
    for item in items:
        (drop if item.get_closest_marker("postgres_only") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(autouse=True)
def _matrix_templates_render_unrecorded(request: pytest.FixtureRequest) -> Iterator[None]:
    """A permission matrix reads each page's status and text, never the templates and contexts Django's
    test client records (a copy of the context for every template and include rendered): about 8% of a
    page's time, measured over twelve portal pages. Its templates render as they do outside the tests."""
    original = getattr(getattr(_TestState, "saved_data", None), "template_render", None)
    if request.node.get_closest_marker("matrix") is None or original is None:
        yield
        return
    instrumented = Template._render
    Template._render = original
    try:
        yield
    finally:
        Template._render = instrumented


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI every collected test must run: a skip (no browser, no database) fails the run."""
    if hasattr(session.config, "workeroutput"):  # a pytest-xdist worker hands its matrix tally over
        from tests import matrix

        session.config.workeroutput["matrix_tally"] = matrix.snapshot()
    if os.environ.get("FORBID_SKIPS") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(f"FORBID_SKIPS: {len(skipped)} test(s) were skipped; failing the run.", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    """The permission matrices' cell count and the audit-completeness ratio (tests/matrix.py)."""
    from tests import matrix

    for line in matrix.summary_lines():
        terminalreporter.write_line(line)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Matrix and audit-completeness lines printed by a test count towards the summary (tests/matrix.py)."""
    if report.when == "call" and report.capstdout:
        from tests import matrix

        matrix.scrape(report.nodeid, report.capstdout)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    """Under pytest-xdist: fold each worker's matrix tally into the controller's."""
    from tests import matrix

    matrix.merge(getattr(node, "workeroutput", {}).get("matrix_tally", {}))


def _is_transactional(item: pytest.Item) -> bool:
    """Whether pytest-django runs the test outside a rolled-back transaction (and so flushes the database after it)."""
    from pytest_django.fixtures import validate_django_db

    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    transaction, reset_sequences, *_ = validate_django_db(marker) if marker else (False, False)
    return (
        transaction
        or reset_sequences
        or any(name in fixtures for name in ("transactional_db", "live_server"))
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):  # type: ignore[no-untyped-def]
    """A transactional test (the browser tests, the sweep's commit tests) ends with the database flushed, and
    the directory loaded once per database (django_db_setup) goes with it. Loaded again inside the next test's
    transaction it would be rolled back and loaded again by every test after it (1.7 s each: this made one CI
    run take 48 minutes instead of 14), so it is committed again here, once, before an ordinary test."""
    yield
    if nextitem is None or not _is_transactional(item) or _is_transactional(nextitem):
        return
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        load_directory()


def load_directory() -> None:
    """The reference directory and the role groups, loaded when missing. Every test calls this (through
    `directory`), so the usual case is two small reads: setting the groups' permissions again each time
    cost about 30 queries a test."""
    if not Organisation.objects.filter(kind=OrganisationKind.POLICE_FORCE).exists():
        load_reference_data(settings.REFERENCE_DATA_DIR)
    # The groups and how many permissions they hold: a database kept from an earlier run (--reuse-db) whose
    # groups were given other permissions is set again.
    held = Group.permissions.through.objects.filter(group__name__in=GROUP_PERMISSIONS)
    groups = Group.objects.filter(name__in=GROUP_PERMISSIONS).count()
    if groups < len(GROUP_PERMISSIONS) or held.count() != sum(map(len, GROUP_PERMISSIONS.values())):
        ensure_groups()


@pytest.fixture(autouse=True)
def _site_language() -> None:
    """Each test starts in the site's language. A request a test makes in Welsh leaves Welsh active in the
    thread (LocaleMiddleware activates a language and nothing deactivates it), so a later test that reads
    a label outside translation.override saw Welsh, depending on which tests a worker ran before it."""
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """Each test starts its per-person rate limits (hmicfrs_mou/ratelimit.py) at 0; the cache is left alone."""
    from hmicfrs_mou import ratelimit

    ratelimit.GENERATION += 1


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> None:
    """Load the 43 forces and 44 FRSs once per test database."""
    with django_db_blocker.unblock():
        load_directory()


@pytest.fixture
def directory(db: None) -> None:
    """The reference directory (reloaded after a transactional test has emptied the database)."""
    load_directory()


def org(kind: str, slug: str) -> Organisation:
    return Organisation.objects.get(kind=kind, slug=slug)


def force(slug: str) -> Organisation:
    return org(OrganisationKind.POLICE_FORCE, slug)


def office_of(area: Organisation, on: dt.date | None = None) -> Organisation:
    """The office of whoever governs the area (today by default); every test area has one."""
    office = office_of_area(area, on or timezone.localdate())
    assert office is not None, f"{area} has no office on {on}"
    return office


def make_person(
    username: str, organisation: Organisation, role: str, **assignments: list[Organisation]
) -> User:
    user = User.objects.create_user(
        username=username,
        password="correct-horse-battery-staple",
        first_name=username.replace("_", " ").title(),
        last_name="Tester",
        email=f"{username}@example.invalid",
    )
    appointment_start(person=user, organisation=organisation, role=role, starts_on=APPOINTED)
    for kind, subjects in assignments.items():
        for subject in subjects:
            assignment_start(person=user, kind=kind, subject=subject, starts_on=APPOINTED)
    return User.objects.get(pk=user.pk)


@pytest.fixture
def force_a(directory: None) -> Organisation:
    return force("avon-and-somerset")


@pytest.fixture
def force_b(directory: None) -> Organisation:
    return force("kent")


@pytest.fixture
def hmicfrs(directory: None) -> Organisation:
    return org(OrganisationKind.HMICFRS, "hmicfrs")


@pytest.fixture
def apcc(directory: None) -> Organisation:
    return org(OrganisationKind.APCC, "apcc")


@pytest.fixture
def pcc_office_a(force_a: Organisation) -> User:
    return make_person("pcc_office_a", office_of(force_a), Role.OPCC_STAFF)


@pytest.fixture
def pcc_office_b(force_b: Organisation) -> User:
    return make_person("pcc_office_b", office_of(force_b), Role.OPCC_STAFF)


@pytest.fixture
def chief_office_a(force_a: Organisation) -> User:
    return make_person("chief_office_a", force_a, Role.CHIEF_OFFICER_STAFF)


@pytest.fixture
def hmi_a(hmicfrs: Organisation, force_a: Organisation) -> User:
    return make_person("hmi_a", hmicfrs, Role.HMI, **{AssignmentKind.HMI: [force_a]})


@pytest.fixture
def other_hmi(hmicfrs: Organisation, force_b: Organisation) -> User:
    return make_person("other_hmi", hmicfrs, Role.HMI, **{AssignmentKind.HMI: [force_b]})


@pytest.fixture
def hmicfrs_staff(hmicfrs: Organisation) -> User:
    return make_person("hmicfrs_staff", hmicfrs, Role.INSPECTION_STAFF)


@pytest.fixture
def liaison_lead_a(hmicfrs: Organisation, force_a: Organisation) -> User:
    return make_person(
        "liaison_a", hmicfrs, Role.LIAISON_LEAD, **{AssignmentKind.LIAISON_LEAD: [office_of(force_a)]}
    )


@pytest.fixture
def apcc_lead(apcc: Organisation) -> User:
    return make_person("apcc_lead", apcc, Role.APCC_JOINT_PERFORMANCE_LEAD)


def second_factor_for(user: User) -> object | None:
    """The person's authenticator app, made (confirmed, with a random secret) for anyone who must use a
    second factor on any day of their appointments, or who already has one; None for the others."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from hmicfrs_mou.signin.policy import required_kinds

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None and (
        user.is_staff
        or user.is_superuser
        or user.appointments.filter(organisation__kind__in=required_kinds()).exists()
    ):
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return device


def sign_in_with_second_factor(client: Client, user: User, backend: str | None = None) -> None:
    """Sign the client in as the person and verify their second factor on the session, as django-otp's
    login() does after a right code (the session names the device; OTPMiddleware loads it and checks it is
    theirs and confirmed). People who need no second factor and have none are signed in with the password
    step only, as they are in the portal."""
    from django_otp import DEVICE_ID_SESSION_KEY

    device = second_factor_for(user)
    _force_login(client, user, backend)
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


_force_login = Client.force_login


@pytest.fixture(autouse=True)
def _force_login_verifies_the_second_factor(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every `client.force_login(user)` (and so client_for, admin_client) signs in with the second factor
    verified, as a real sign-in does: two-factor stays on in the tests."""
    monkeypatch.setattr(Client, "force_login", sign_in_with_second_factor)


@pytest.fixture
def client_for():
    """A logged-in test client for a persona (None: anonymous), second factor verified when they have one."""

    def make(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


# Each demo login with a portal and the URL name of its home (hmicfrs_mou/demo.py); `iopc` and `admin` have none.
DEMO_HOMES = {
    "hmci": "portal-hmicfrs",
    "hmi": "portal-hmicfrs",
    "inspector": "portal-hmicfrs",
    "liaison": "portal-hmicfrs",
    "opcc": "portal-opcc",
    "opcc-cumbria": "portal-opcc",
    "force": "portal-force",
    "frs": "portal-force",
    "apcc": "portal-apcc",
}
DEMO_WITHOUT_PORTAL = ["iopc", "admin"]


@pytest.fixture(scope="module")
def module_db(
    request: pytest.FixtureRequest, django_db_setup: None, django_db_blocker: Any
) -> Iterator[None]:
    """A transaction held open over a module's tests, for records its module-scoped fixtures build once.

    Each test still runs in its own savepoint inside it (pytest-django's per-test atomic nests), so what one
    test writes is gone before the next, as before; the transaction is rolled back after the module's last
    test. A test of the module that does not ask for the records may still find them, if it runs after one
    that did. A module fixture building in it unblocks the database itself (`django_db_blocker.unblock()`).
    Built again after another module's test ran in between (the slow tests run first).

    Refused for a module with transactional tests (browser, commit tests): they cannot run inside it (a
    flush would empty it; on PostgreSQL the connection closed inside it fails every later test).
    """
    transactional = [
        item.name
        for item in request.session.items
        if getattr(item, "module", None) is request.module and _is_transactional(item)
    ]
    if transactional:
        pytest.fail(f"module_db in a module with transactional tests: {transactional}", pytrace=False)
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            load_directory()
        except BaseException:
            outer.__exit__(*sys.exc_info())
            raise
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture(scope="module")
def _demo_for_the_module(
    module_db: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The demo scenario, loaded once for a module's tests (module_db), not once per test. Loading it costs
    about four seconds; the 44 tests that use it each loaded it afresh (about three minutes of each CI
    database pass)."""
    logins = tmp_path_factory.mktemp("demo") / "logins.json"
    with django_db_blocker.unblock(), override_settings(DEMO_LOGINS_FILE=logins):
        load_demo()
    return logins


@pytest.fixture
def demo_people(_demo_for_the_module: Path, db: None, settings: Any) -> dict[str, User]:
    """The demo scenario's logins by username (the directory and the demo, loaded once for the module)."""
    settings.DEMO_LOGINS_FILE = _demo_for_the_module
    return {
        user.username: user for user in User.objects.filter(username__in=[*DEMO_HOMES, *DEMO_WITHOUT_PORTAL])
    }
