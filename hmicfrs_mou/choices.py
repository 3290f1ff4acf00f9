"""A choice's label for the long tables, as get_FOO_display() gives it, in a tenth of the time.

get_FOO_display() hashes every choice of the field to look one value up, and hashing a lazy label
translates it: about 0.1 ms a call for a field of ten choices (measured on this project's machines),
which a table of 87 areas or a page of reports feels. Models give the tables a `kind_label` (and the
like) through `choice_label`, which looks the value up in its enum; tests hold each to Django's own
answer in English and Welsh (tests/contacts/test_choice_labels.py).
"""

from __future__ import annotations

from typing import Any

from django.db import models


def choice_label(choices: type[models.Choices], value: Any) -> Any:
    """The label of `value` (lazy: it reads in the language active when shown); an unknown value as is."""
    try:
        return choices(value).label
    except ValueError:
        return value
