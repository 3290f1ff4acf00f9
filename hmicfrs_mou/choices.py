"""A choice's label, as get_FOO_display() gives it, without translating every choice of the field first.

Django's get_FOO_display() (Model._get_FIELD_display) builds `dict(make_hashable(field.flatchoices))` on every
call, and hashing each (value, label) pair translates each lazy label: a gettext per choice of the field for
one label. An area's page showing 50 appointments' roles made 1,250 gettext calls a request, 16 ms of its
profile at ten times the data.

Two ways round it, both held to Django's own answer in English and Welsh by the tests:
- `choice_label(Enum, value)`, behind the models' `kind_label` (and the like), looks the value up in its enum
  (tests/contacts/test_choice_labels.py);
- `speed_up_choice_labels`, called once the models are loaded (HmicfrsMouConfig.ready), gives every
  get_FOO_display() of the project's models the same lookup Django makes, in a dict of the field's labels by
  value built once per field: only the values are hashed, and the labels stay lazy, so each call still reads
  in the language active when it is made (tests/core/test_choice_displays.py). A field's choices are
  read once: a field whose choices change while the portal runs must not be given it (none does; a callable's
  are left to Django).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partialmethod
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.choices import CallableChoiceIterator
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable


def choice_label(choices: type[models.Choices], value: Any) -> Any:
    """The label of `value` (lazy: it reads in the language active when shown); an unknown value as is."""
    try:
        return choices(value).label
    except ValueError:
        return value


# Each field's labels by value (make_hashable(value) -> lazy label), built on first use.
_LABELS: dict[models.Field[Any, Any], dict[Any, Any]] = {}


def choice_display(instance: models.Model, field: models.Field[Any, Any]) -> Any:
    """What Model._get_FIELD_display answers, from the field's labels built once."""
    labels = _LABELS.get(field)
    if labels is None:
        # As dict(make_hashable(field.flatchoices)) has it (a later duplicate value wins), without hashing labels.
        labels = _LABELS[field] = {make_hashable(value): label for value, label in field.flatchoices}
    value = getattr(instance, field.attname)
    return force_str(labels.get(make_hashable(value), value), strings_only=True)


# The method Django's get_FOO_display() calls (a private one; the tests check it is still what they call).
_DJANGOS_DISPLAY = models.Model._get_FIELD_display  # type: ignore[attr-defined]


def speed_up_choice_labels(packages: Iterable[str]) -> int:
    """Replaces the get_FOO_display() Django made for each field with choices of the models in `packages` by
    one reading `choice_display`; leaves a get_FOO_display() a model defines itself, and a field whose
    choices come from a callable (they may differ from one call to the next). Returns how many it replaced."""
    wanted = set(packages)
    replaced = 0
    for model in apps.get_models():
        if model.__module__.split(".")[0] not in wanted:
            continue
        for field in model._meta.get_fields():
            choices = getattr(field, "choices", None)
            if (
                not isinstance(field, models.Field)
                or not choices
                or isinstance(choices, CallableChoiceIterator)
            ):
                continue
            name = f"get_{field.name}_display"
            made = model.__dict__.get(name)
            if isinstance(made, partialmethod) and made.func is _DJANGOS_DISPLAY:
                setattr(model, name, partialmethod(choice_display, field=field))
                replaced += 1
    return replaced
