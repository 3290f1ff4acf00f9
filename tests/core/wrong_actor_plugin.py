"""A pytest plugin (loaded with `-p tests.core.wrong_actor_plugin`) that records, after pytest's own
collection and deselection, which collected tests carry `@pytest.mark.wrong_actor(...)` and the services
each names. It writes them as JSON to the file named by WRONG_ACTOR_REPORT. Used by
tests/core/test_wrong_actor_coverage.py; it changes nothing else about the run."""

from __future__ import annotations

import json
import os

import pytest


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    path = os.environ.get("WRONG_ACTOR_REPORT")
    if not path:
        return
    found: dict[str, list[str]] = {}
    for item in session.items:
        names = [str(arg) for marker in item.iter_markers("wrong_actor") for arg in marker.args]
        if names or item.get_closest_marker("wrong_actor") is not None:
            found[item.nodeid] = names
    with open(path, "w", encoding="utf-8") as out:
        json.dump({"collected": len(session.items), "marked": found}, out)
