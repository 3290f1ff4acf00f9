"""Every writing service has a wrong-actor test (issue 9, DESIGN.md "Who acts at each step").

Where services are looked for. Every module of the apps contacts, inspections, monitoring and responses
and of hmicfrs_mou, at any depth (services.py, services_*.py, complaints.py, plans.py,
hmicfrs_mou/signin/services.py and any module added later), read from the source (ast, not imports, so
nothing can hide behind a re-export). Views, admin, URL configurations, migrations, management commands
and tests are not services: they call them.

What counts as a write. The house rule (README, STYLE.md) is that every write is a service function
decorated `@transaction.atomic`, taking the acting person as `by=`. A rule of thumb is not a check, so a
function also writes when its body opens `with transaction.atomic():`, calls a write method on a model,
manager or queryset (.save(), .create(), .get_or_create(), .update_or_create(), .bulk_create(),
.bulk_update(), .update(), .delete()), or calls a function of these modules that writes (followed to a
fixed point, through `from x import y`, module attributes and the module's own private helpers).

- A public (no leading underscore), module-level function that writes and takes the acting person (`by`,
  or `actor`) is done by a person: at least one collected test must carry
  `@pytest.mark.wrong_actor("app.module.name", ...)` naming it, a test that tries a wrong actor (another
  role, and the same role for another area) and asserts the refusal and that nothing was written. The
  only exceptions are in NOT_ACTED, each with its reason (the audit trail's writers name the actor they
  record, they do not act).
- A public function decorated `@transaction.atomic` with no person is done by the system (the
  publication, the nightly sync, the demo loader). Each must be listed in SYSTEM_WRITES with the reason
  no person acts; a new one fails until it is listed, or given `by` and a wrong-actor test.

Which tests carry the marker is asked of pytest itself: a subprocess collects the whole suite (no test
runs) with tests/core/wrong_actor_plugin.py recording each collected item's wrong_actor marker, after
deselection, so a marker on a helper that is never collected, or on a test deselected on this database,
does not count. The test cannot pass vacuously: it insists on a large suite, many services and many
marked tests, and on every name in a marker being a real writing service; and the collector itself is
tried on a scratch tree holding one service of each kind that must be caught, and some that must not.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("contacts", "inspections", "monitoring", "responses", "hmicfrs_mou")
NOT_SERVICES = ("views", "admin", "urls")
NOT_SERVICE_DIRS = ("migrations", "management", "views", "tests")
PERSON = ("by", "actor")
WRITE_METHODS = frozenset(
    {"save", "create", "get_or_create", "update_or_create", "bulk_create", "bulk_update", "update", "delete"}
)

# Writes no person does; each with why (and they take no `by`, which the test checks).
SYSTEM_WRITES = {
    "contacts.reference.load_reference_data": "loads the published directory of forces and FRSs at set-up",
    "contacts.services.access_sync": (
        "makes a person's groups and grants match their appointments; run by the appointment services "
        "and the nightly task"
    ),
    "hmicfrs_mou.demo.load_demo": "the demonstration data loader (make db), never reachable from a page",
    "hmicfrs_mou.reminders.deadline_register": "registers a deadline for the service that has checked its actor",
    "hmicfrs_mou.roles.ensure_groups": "creates the role groups at set-up",
    "hmicfrs_mou.schedules.install_schedules": "installs the background schedules at set-up",
    "monitoring.history.load_engage_history": "loads the public history of Engage at set-up",
    "monitoring.services.engage_chart_refresh": (
        "recomputes the Engage chart's quarterly summary for the announcement, exit or history load that "
        "has checked its actor; no person acts"
    ),
    "responses.services.obligations_create_for_report": (
        "publication itself creates the PCCs' response obligations (U6); no person acts"
    ),
}

# Writers that take a person but do not act for them; each with why.
NOT_ACTED = {
    "hmicfrs_mou.audit.audit_record": "the audit trail: `actor` is who it records, checked by the caller",
    "hmicfrs_mou.audit.audit_access_change": "the audit trail of an access change, through audit_record",
}


def _modules(root: Path = ROOT) -> list[Path]:
    found = []
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            rel = path.relative_to(root)
            if any(part in NOT_SERVICE_DIRS for part in rel.parts):
                continue
            if rel.stem.startswith(NOT_SERVICES) or rel.stem.endswith("_views"):
                continue
            found.append(rel)
    return found


def _is_atomic(node: ast.expr) -> bool:
    """`transaction.atomic` or `atomic`, called or not."""
    node = node.func if isinstance(node, ast.Call) else node
    if isinstance(node, ast.Attribute):
        return node.attr == "atomic" and isinstance(node.value, ast.Name) and node.value.id == "transaction"
    return isinstance(node, ast.Name) and node.id == "atomic"


class _Module:
    """One module's functions, and what the names in it stand for (its imports and its own functions)."""

    def __init__(self, root: Path, rel: Path) -> None:
        self.name = ".".join(rel.with_suffix("").parts)
        package = self.name.rpartition(".")[0] if rel.stem != "__init__" else self.name
        tree = ast.parse((root / rel).read_text(encoding="utf-8"))
        self.functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
        self.names = {name: f"{self.name}.{name}" for name in self.functions}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                    base = f"{parent}.{base}" if base else parent
                for alias in node.names:
                    self.names.setdefault(alias.asname or alias.name, f"{base}.{alias.name}")
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self.names.setdefault(alias.asname, alias.name)

    def resolve(self, func: ast.expr) -> str | None:
        """The dotted name a call's function stands for, if it is a name or a module's attribute."""
        if isinstance(func, ast.Name):
            return self.names.get(func.id)
        if (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id in self.names
        ):
            return f"{self.names[func.value.id]}.{func.attr}"
        return None


def _writes_directly(node: ast.FunctionDef) -> bool:
    if any(_is_atomic(d) for d in node.decorator_list):
        return True
    for inner in ast.walk(node):
        if isinstance(inner, ast.With) and any(_is_atomic(item.context_expr) for item in inner.items):
            return True
        if (
            isinstance(inner, ast.Call)
            and isinstance(inner.func, ast.Attribute)
            and inner.func.attr in WRITE_METHODS
        ):
            return True
    return False


def _person(node: ast.FunctionDef) -> str | None:
    arguments = [a.arg for a in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs)]
    return next((name for name in PERSON if name in arguments), None)


def writing_services(root: Path = ROOT) -> dict[str, str | None]:
    """{dotted name: the person parameter (`by`, `actor`) or None} for every writing service: every public
    function that writes and takes a person (but NOT_ACTED), and every public `@transaction.atomic` one
    (see the module docstring)."""
    modules = [_Module(root, rel) for rel in _modules(root)]
    calls: dict[str, set[str]] = {}
    writers: set[str] = set()
    for module in modules:
        for name, node in module.functions.items():
            dotted = f"{module.name}.{name}"
            if _writes_directly(node):
                writers.add(dotted)
            calls[dotted] = {
                target
                for inner in ast.walk(node)
                if isinstance(inner, ast.Call) and (target := module.resolve(inner.func)) is not None
            }
    grew = True
    while grew:  # a function that calls a writer writes
        before = len(writers)
        writers |= {name for name, targets in calls.items() if targets & writers}
        grew = len(writers) > before
    services: dict[str, str | None] = {}
    for module in modules:
        for name, node in module.functions.items():
            dotted = f"{module.name}.{name}"
            if name.startswith("_") or dotted not in writers:
                continue
            person = _person(node)
            if (person and dotted not in NOT_ACTED) or any(_is_atomic(d) for d in node.decorator_list):
                services[dotted] = person
    return services


def without_wrong_actor_test(services: dict[str, str | None], marked: dict[str, list[str]]) -> list[str]:
    """The services done by a person that no collected wrong_actor test names."""
    named = {name for names in marked.values() for name in names}
    return sorted(name for name, person in services.items() if person and name not in named)


@pytest.fixture(scope="module")
def services() -> dict[str, str | None]:
    found = writing_services()
    # Not vacuous: the apps hold dozens of writing services (98 when this test was widened).
    assert len(found) >= 90, sorted(found)
    # The ones the first version of this test could not see: a subpackage's services, and a writer that
    # was not decorated (it is now, and would be caught either way: see the scratch-tree test below).
    assert {
        "hmicfrs_mou.signin.services.totp_enrol",
        "hmicfrs_mou.signin.services.recovery_codes_renew",
        "hmicfrs_mou.signin.services.second_factor_reset",
        "hmicfrs_mou.signin.services.lockout_clear",
        "inspections.services.notice_send",
    } <= set(found)
    return found


@pytest.fixture(scope="module")
def marked(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """{test node id: services named} for every collected test carrying the wrong_actor marker."""
    report = tmp_path_factory.mktemp("wrong_actor") / "markers.json"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-p",
            "no:xdist",
            "-p",
            "tests.core.wrong_actor_plugin",
            "tests",
        ],
        cwd=ROOT,
        env={**os.environ, "WRONG_ACTOR_REPORT": str(report)},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["collected"] >= 1000, data["collected"]  # the whole suite was collected
    assert len(data["marked"]) >= 100, len(data["marked"])
    return data["marked"]


def test_every_writing_service_is_found_by_its_real_function(services: dict[str, str | None]) -> None:
    """The names read from the source are the functions the apps run, each with its person keyword-only."""
    for name, person in services.items():
        module, _, attribute = name.rpartition(".")
        function = getattr(importlib.import_module(module), attribute)
        parameters = inspect.signature(inspect.unwrap(function)).parameters
        assert {p for p in PERSON if p in parameters} == ({person} if person else set()), name
        if person:
            assert parameters[person].kind is inspect.Parameter.KEYWORD_ONLY, name


def test_every_system_write_is_listed_with_its_reason(services: dict[str, str | None]) -> None:
    without_actor = {name for name, person in services.items() if not person}
    assert without_actor == set(SYSTEM_WRITES), (
        "A writing service without `by` must be listed in SYSTEM_WRITES with the reason no person acts "
        f"(or take `by` and have a wrong-actor test): {sorted(without_actor ^ set(SYSTEM_WRITES))}"
    )


def test_every_exception_is_a_real_writer_taking_a_person() -> None:
    """NOT_ACTED names functions that exist, take a person and write: a stale entry hides nothing."""
    for name in NOT_ACTED:
        module, _, attribute = name.rpartition(".")
        function = getattr(importlib.import_module(module), attribute)
        assert set(PERSON) & set(inspect.signature(function).parameters), name
    assert not set(NOT_ACTED) & set(writing_services())


def test_every_writing_service_has_a_wrong_actor_test(
    services: dict[str, str | None], marked: dict[str, list[str]]
) -> None:
    named = {name for names in marked.values() for name in names}
    unknown = sorted(named - set(services))
    assert not unknown, f"wrong_actor markers naming no writing service: {unknown}"
    assert all(marked.values()), [node for node, names in marked.items() if not names]
    missing = without_wrong_actor_test(services, marked)
    assert not missing, "Writing services with no wrong-actor test:\n" + "\n".join(missing)


# --- The collector itself, on a scratch tree -------------------------------------------------------------

SCRATCH = {
    "contacts/__init__.py": "",
    "contacts/services_new.py": """
from django.db import transaction
from contacts.models import Thing
from hmicfrs_mou.signin.services import helper_that_writes

def thing_make(*, name, by):
    return Thing.objects.create(name=name)

def thing_rename(*, thing, by):
    thing.name = "x"
    thing.save()

def thing_drop(*, thing, by):
    with transaction.atomic():
        Thing.objects.select_for_update().get(pk=thing.pk)

def thing_forget(*, thing, by):
    _forget(thing)

def thing_pass_on(*, thing, by):
    helper_that_writes(thing)

def thing_log(*, thing, actor):
    Thing.objects.filter(pk=thing.pk).update(seen=True)

@transaction.atomic
def things_tidy():
    pass

def thing_read(*, thing, by):
    return Thing.objects.filter(pk=thing.pk).first()

def _thing_private(*, thing, by):
    thing.delete()

def _forget(thing):
    thing.delete()
""",
    "hmicfrs_mou/__init__.py": "",
    "hmicfrs_mou/signin/__init__.py": "",
    "hmicfrs_mou/signin/services.py": """
from . import other

def helper_that_writes(thing):
    thing.save()

def code_reset(*, user, by):
    other.wipe(user)
""",
    "hmicfrs_mou/signin/other.py": """
def wipe(user):
    user.devices.all().delete()
""",
    "hmicfrs_mou/signin/views.py": """
def page(request, *, by):
    request.user.save()
""",
    "responses/plans.py": """
def plan_note(*, plan, by):
    plan.notes.create(text="x")
""",
    "inspections/migrations/0001_initial.py": """
def forwards(apps, *, by):
    apps.get_model("x").objects.create()
""",
}


def test_the_collector_catches_every_kind_of_write_by_a_person_and_the_check_fails_without_a_test(
    tmp_path: Path,
) -> None:
    """A scratch tree with one new service of each kind: decorated or not, `with transaction.atomic()`,
    .save/.create/.update/.delete on a model or queryset, through a private helper, through another
    module's writer, in a subpackage (hmicfrs_mou/signin), and with `actor`. Each is found, and each is
    reported missing until a wrong_actor marker names it; reads, private functions, views and migrations
    are not services."""
    for rel, text in SCRATCH.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    found = writing_services(tmp_path)
    by_person = {
        "contacts.services_new.thing_make": "by",
        "contacts.services_new.thing_rename": "by",
        "contacts.services_new.thing_drop": "by",
        "contacts.services_new.thing_forget": "by",
        "contacts.services_new.thing_pass_on": "by",
        "contacts.services_new.thing_log": "actor",
        "hmicfrs_mou.signin.services.code_reset": "by",
        "responses.plans.plan_note": "by",
    }
    assert found == {**by_person, "contacts.services_new.things_tidy": None}
    assert without_wrong_actor_test(found, {}) == sorted(by_person)
    marked = {"tests/x.py::test_a": ["contacts.services_new.thing_make", "responses.plans.plan_note"]}
    assert without_wrong_actor_test(found, marked) == sorted(
        set(by_person) - set(marked["tests/x.py::test_a"])
    )
