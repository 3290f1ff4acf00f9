"""Every get_FOO_display() of the project's models says what Django's own says, in English and Welsh, without
translating each choice of the field first (hmicfrs_mou.choices.speed_up_choice_labels)."""

from __future__ import annotations

from functools import partialmethod
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation
from django.utils.choices import CallableChoiceIterator

from contacts.models import Appointment, Role
from hmicfrs_mou.apps import PROJECT_PACKAGES
from hmicfrs_mou.choices import choice_display, speed_up_choice_labels

DJANGOS = models.Model._get_FIELD_display  # type: ignore[attr-defined]


def _fields_with_choices() -> list[tuple[type[models.Model], models.Field[Any, Any]]]:
    found = []
    for model in apps.get_models():
        if model.__module__.split(".")[0] not in PROJECT_PACKAGES:
            continue
        for field in model._meta.get_fields():
            made = model.__dict__.get(f"get_{field.name}_display")
            # Those Django made (or ours, made from them): not a model's own, nor a callable's choices.
            if (
                isinstance(field, models.Field)
                and field.choices
                and not isinstance(field.choices, CallableChoiceIterator)
                and isinstance(made, partialmethod)
                and made.func in (DJANGOS, choice_display)
            ):
                found.append((model, field))
    return found


FIELDS = _fields_with_choices()


def test_every_field_with_choices_reads_its_labels_once():
    """Installed at start-up on every such field of the project (a model that defined its own would be left)."""
    assert len(FIELDS) > 30
    for model, field in FIELDS:
        made = model.__dict__[f"get_{field.name}_display"]
        assert isinstance(made, partialmethod), (model, field.name)
        assert made.func is choice_display, (model, field.name)
    assert speed_up_choice_labels(PROJECT_PACKAGES) == 0  # nothing left to replace


@pytest.mark.parametrize("language", ["en-gb", "cy"])
def test_each_label_is_djangos_own_in_each_language(language):
    with translation.override(language):
        for model, field in FIELDS:
            for value in [choice for choice, _ in field.flatchoices] + ["not-a-choice"]:
                instance = model()
                setattr(instance, field.attname, value)
                ours = getattr(instance, f"get_{field.name}_display")()
                assert ours == DJANGOS(instance, field), (model.__name__, field.name, value)
                assert type(ours) is type(DJANGOS(instance, field))


def test_a_label_costs_one_translation_not_one_per_choice(monkeypatch):
    """Django's own hashes every (value, label) pair of the field, translating each lazy label: for a role, a
    gettext for each of the roles. Ours translates the one label shown, in the language active at the call."""
    calls = []
    real = translation._trans.gettext  # type: ignore[attr-defined]

    def counted(message: str) -> str:
        calls.append(message)
        return str(real(message))

    appointment = Appointment(role=Role.HMI)
    appointment.get_role_display()  # the field's labels, built once
    monkeypatch.setattr(translation._trans, "gettext", counted)  # type: ignore[attr-defined]
    assert len(Role.choices) > 5
    with translation.override("cy"):
        shown = appointment.get_role_display()
        assert len(calls) == 1
        assert shown == str(Role.HMI.label)
        calls.clear()
        DJANGOS(appointment, Appointment._meta.get_field("role"))
    assert len(calls) >= len(Role.choices)  # what the replaced method costs: the reason for it
