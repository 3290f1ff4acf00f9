"""Naming the records on the audit trail, in words, for the person reading it.

An audit row stores the record's type and id (`object_type`, `object_id`). The trail shows it as a name
("Report: Avon and Somerset PEEL 2025") with a link, but only where the reader may open that record; any
other record shows its type and number only ("Report 12"). Who may open what is each app's question, so the
core asks the app: each app registers, in its ready(), a function per object type that takes the reader, the
ids on the page and the moment, and answers `RecordName`s for the ids the reader may open (through its
access module's `visible_to`). The core imports no app: the apps register into it (the layers of
import-linter), as with `hmicfrs_mou.sections`.

The trail's query count stays constant whatever the page length: `name_events` asks each registered
function once per object type on the page, with every id of that type at once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps


@dataclass(frozen=True)
class RecordName:
    """A record named for a reader: its words and, when the reader may open it, where."""

    label: str
    url: str = ""


# (reader, ids as text, moment) -> {id as text: RecordName} for the ids the reader may open.
Namer = Callable[[Any, Collection[str], dt.datetime], Mapping[str, RecordName]]


@dataclass(frozen=True)
class RecordType:
    """An object type of the trail: what to call one of them ("Report") and how to name them for a reader."""

    object_type: str
    noun: str
    namer: Namer


class AuditNames:
    """The object types the apps have registered, each once (a type registered again replaces it)."""

    def __init__(self) -> None:
        self._by_type: dict[str, RecordType] = {}

    def register(self, object_type: str, noun: str, namer: Namer) -> RecordType:
        record_type = RecordType(object_type=object_type.lower(), noun=noun, namer=namer)
        self._by_type[record_type.object_type] = record_type
        return record_type

    def noun(self, object_type: str) -> str:
        """The type in words: the registered noun, else the model's verbose name, else the stored text."""
        registered = self._by_type.get(object_type)
        if registered is not None:
            return registered.noun
        if object_type.count(".") == 1:
            try:
                model = apps.get_model(object_type)
            except (LookupError, ValueError):
                model = None
            if model is not None:
                return str(model._meta.verbose_name).capitalize()
        return object_type.replace("_", " ").capitalize()

    def names(
        self, reader: Any, wanted: Iterable[tuple[str, str]], at: dt.datetime
    ) -> dict[tuple[str, str], RecordName]:
        """The names of the (type, id) pairs the reader may open: one call of each type's namer."""
        ids_by_type: dict[str, set[str]] = defaultdict(set)
        for object_type, object_id in wanted:
            if object_type in self._by_type and object_id:
                ids_by_type[object_type].add(object_id)
        named: dict[tuple[str, str], RecordName] = {}
        for object_type, ids in ids_by_type.items():
            for object_id, name in self._by_type[object_type].namer(reader, ids, at).items():
                named[(object_type, object_id)] = name
        return named

    def name_events(self, events: Iterable[Any], reader: Any, at: dt.datetime) -> list[Any]:
        """Each event with `record`: {"label", "url", "noun", "number"} (label and url empty if not openable).

        A record the reader may not open shows its type and number only: its stored name may say
        what it is about (a confidential meeting), so it is not shown either.
        """
        listed = list(events)
        named = self.names(reader, ((event.object_type, event.object_id) for event in listed), at)
        for event in listed:
            name = named.get((event.object_type, event.object_id))
            event.record = {
                "label": name.label if name else "",
                "url": name.url if name else "",
                "noun": self.noun(event.object_type) if event.object_type else "",
                "number": event.object_id,
            }
        return listed


def int_ids(ids: Collection[str]) -> list[int]:
    """The ids that are whole numbers (an audit row's id is text: a refused request may carry anything)."""
    return [int(value) for value in ids if value.isdigit()]


audit_names = AuditNames()
