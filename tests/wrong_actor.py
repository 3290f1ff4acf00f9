"""Helpers for the wrong-actor tables (issue 9): a row per writing service, tried with wrong actors.

Each row names the service, the person the MOU names for the step (who must then succeed, so the refusal
is known to be about the actor and nothing else) and at least two wrong actors: another role, and the same
role for another area (or, for a national role, someone who held it before that moment). A refusal must
be a ValidationError with code "actor", a plain message with no rule code, and not one row of any
application model added, changed or removed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

APPS = ("contacts", "hmicfrs_mou", "inspections", "monitoring", "responses")
RULE_CODE = re.compile(r"\b[A-Z]\d+\b")


@dataclass(frozen=True)
class Row:
    service: str  # "app.module.name", as the wrong_actor marker names it
    label: str
    right: str
    wrong: tuple[str, ...]
    # Given the world, build what the step needs and return the call to try with an actor.
    prepare: Callable[[Any], Callable[[Any], object]]


def cases(rows: list[Row]) -> list[Any]:
    return [
        pytest.param(
            row,
            wrong,
            id=f"{row.service.rpartition('.')[2]}{'-' + row.label if row.label else ''}-{wrong}",
            marks=pytest.mark.wrong_actor(row.service),
        )
        for row in rows
        for wrong in row.wrong
    ]


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row (all columns) of every model of the portal's apps."""
    state = {}
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            rows = []
            for row in model.objects.order_by("pk").values():
                rows.append({k: bytes(v) if isinstance(v, memoryview) else v for k, v in row.items()})
            state[model._meta.label] = rows
    return state


def refused_for_actor(call: Callable[[], object]) -> ValidationError:
    """Call a service expecting the wrong-actor refusal, with nothing written."""
    before = snapshot()
    with pytest.raises(ValidationError) as caught:
        call()
    after = snapshot()
    changed = [label for label in before if before[label] != after[label]]
    assert not changed, f"a refused call wrote to {changed}"
    error = caught.value
    assert getattr(error, "code", None) == "actor", (error.messages, getattr(error, "code", None))
    text = " ".join(error.messages)
    assert text.startswith("Only") or "only its staff" in text or "Representations come from" in text, text
    assert not RULE_CODE.search(text), text
    return error


def try_row(row: Row, wrong: str, world: Any) -> None:
    # Everyone is made before the call, so the snapshot sees only what the service itself writes.
    wrong_actor, right_actor = getattr(world, wrong), getattr(world, row.right)
    act = row.prepare(world)
    refused_for_actor(lambda: act(wrong_actor))
    # The right actor, in the same world, is not refused: the refusal was about the actor alone.
    act(right_actor)
