"""Every writing service has a wrong-actor test (issue 9, DESIGN.md "Who acts at each step").

What counts as a writing service. The house rule (README, STYLE.md) is that every write is a service
function decorated `@transaction.atomic`, taking the acting person as `by=`. So a writing service is a
public (no leading underscore), module-level function decorated `@transaction.atomic`, found by reading
the source (ast, not imports, so nothing can hide behind a re-export) in every module of the apps
contacts, inspections, monitoring and responses (services.py, services_*.py, complaints.py, plans.py
and any module added later), and in the top-level modules of hmicfrs_mou. Views, admin, URL
configurations, migrations and management commands are not services: they call them.

- A writing service with a `by` parameter is done by a person: at least one collected test must carry
  `@pytest.mark.wrong_actor("app.module.name", ...)` naming it, a test that tries a wrong actor (another
  role, and the same role for another area) and asserts the refusal and that nothing was written.
- A writing service with no `by` parameter is done by the system (the publication, the nightly sync, the
  demo loader). Each must be listed in SYSTEM_WRITES with the reason no person acts; a new one fails
  until it is listed, or given `by` and a wrong-actor test.

Which tests carry the marker is asked of pytest itself: a subprocess collects the whole suite (no test
runs) with tests/core/wrong_actor_plugin.py recording each collected item's wrong_actor marker, after
deselection, so a marker on a helper that is never collected, or on a test deselected on this database,
does not count. The test cannot pass vacuously: it insists on a large suite, many services and many
marked tests, and on every name in a marker being a real writing service.
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
APPS = ("contacts", "inspections", "monitoring", "responses")
NOT_SERVICES = ("views", "admin", "urls")

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
    "responses.services.obligations_create_for_report": (
        "publication itself creates the PCCs' response obligations (U6); no person acts"
    ),
}


def _modules() -> list[Path]:
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            rel = path.relative_to(ROOT)
            if any(part in ("migrations", "management", "views", "tests") for part in rel.parts):
                continue
            if rel.stem.startswith(NOT_SERVICES):
                continue
            found.append(rel)
    for path in sorted((ROOT / "hmicfrs_mou").glob("*.py")):
        rel = path.relative_to(ROOT)
        if rel.stem.startswith(NOT_SERVICES) or rel.stem.endswith("_views"):
            continue
        found.append(rel)
    return found


def _is_atomic(decorator: ast.expr) -> bool:
    node = decorator.func if isinstance(decorator, ast.Call) else decorator
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "atomic"
        and isinstance(node.value, ast.Name)
        and node.value.id == "transaction"
    )


def writing_services() -> dict[str, bool]:
    """{dotted name: whether it takes `by`} for every writing service (see the module docstring)."""
    services: dict[str, bool] = {}
    for rel in _modules():
        tree = ast.parse((ROOT / rel).read_text(encoding="utf-8"))
        module = ".".join(rel.with_suffix("").parts)
        for node in tree.body:
            if (
                isinstance(node, ast.FunctionDef)
                and not node.name.startswith("_")
                and any(_is_atomic(d) for d in node.decorator_list)
            ):
                arguments = [a.arg for a in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs)]
                services[f"{module}.{node.name}"] = "by" in arguments
    return services


@pytest.fixture(scope="module")
def services() -> dict[str, bool]:
    found = writing_services()
    # Not vacuous: the apps hold dozens of writing services (85 when this test was written).
    assert len(found) >= 60, sorted(found)
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


def test_every_writing_service_is_found_by_its_real_function(services: dict[str, bool]) -> None:
    """The names read from the source are the functions the apps run, each with `by` keyword-only."""
    for name, takes_by in services.items():
        module, _, attribute = name.rpartition(".")
        function = getattr(importlib.import_module(module), attribute)
        parameters = inspect.signature(inspect.unwrap(function)).parameters
        assert ("by" in parameters) == takes_by, name
        if takes_by:
            assert parameters["by"].kind is inspect.Parameter.KEYWORD_ONLY, name


def test_every_system_write_is_listed_with_its_reason(services: dict[str, bool]) -> None:
    without_actor = {name for name, takes_by in services.items() if not takes_by}
    assert without_actor == set(SYSTEM_WRITES), (
        "A writing service without `by` must be listed in SYSTEM_WRITES with the reason no person acts "
        f"(or take `by` and have a wrong-actor test): {sorted(without_actor ^ set(SYSTEM_WRITES))}"
    )


def test_every_writing_service_has_a_wrong_actor_test(
    services: dict[str, bool], marked: dict[str, list[str]]
) -> None:
    named = {name for names in marked.values() for name in names}
    unknown = sorted(named - set(services))
    assert not unknown, f"wrong_actor markers naming no writing service: {unknown}"
    assert all(marked.values()), [node for node, names in marked.items() if not names]
    missing = sorted(name for name, takes_by in services.items() if takes_by and name not in named)
    assert not missing, "Writing services with no wrong-actor test:\n" + "\n".join(missing)
