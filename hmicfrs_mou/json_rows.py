"""Short lists of related rows read inside the query of the record they belong to, as JSON.

A page about one record often shows several short lists of what belongs to it (an inspection's areas, its
team, its milestones). Read one by one, each is a query of its own; the page's query count grows with the
number of lists. `JSONRows` reads such a list as one column of the record's own query: a correlated
subquery that aggregates the rows, in their order, into a JSON array of objects (PostgreSQL's JSONB_AGG,
SQLite's JSON_GROUP_ARRAY). `instances` turns the array back into model instances, each value through its
field, so templates and code use them as they would rows read by the ORM.

Only for short lists of plain fields, shown as they are: the instances are not for saving, and a list that
can grow long (or pages) belongs in a query of its own, with its limit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import F, JSONField, Subquery
from django.db.models.functions import JSONObject
from django.utils import timezone

M = TypeVar("M", bound=models.Model)


class JSONRows(Subquery):
    """The rows of `queryset` (filtered on an OuterRef to the record, and ordered) as a JSON list of
    objects holding `fields`: `instances(model, value)` reads them back.

    The rows are aggregated from an ordered subquery, which keeps their order on both databases (the
    aggregate reads its input in the order the subquery gives it)."""

    output_field = JSONField()

    def __init__(self, queryset: models.QuerySet[Any], *fields: str) -> None:
        if not fields:
            raise ValueError("JSONRows needs the fields to read.")
        super().__init__(
            queryset.annotate(json_row=JSONObject(**{name: F(name) for name in fields})).values("json_row")
        )

    def as_sql(self, compiler: Any, connection: Any, template: str | None = None, **extra: Any) -> Any:
        if connection.vendor == "postgresql":
            template = "(SELECT COALESCE(JSONB_AGG(rows.\"json_row\"), '[]'::jsonb) FROM (%(subquery)s) rows)"
        else:
            # SQLite: JSON() so each object is nested as JSON, not as a quoted string.
            template = (
                "(SELECT COALESCE(JSON_GROUP_ARRAY(JSON(rows.\"json_row\")), '[]') FROM (%(subquery)s) rows)"
            )
        return super().as_sql(compiler, connection, template=template, **extra)


def instances(model: type[M], rows: list[dict[str, Any]] | None, using: str = "default") -> list[M]:
    """The JSON rows as instances of `model`, each value through its field (dates and moments from their
    text; a moment without a zone, as SQLite writes them, is UTC as the database keeps it)."""
    found: list[M] = []
    for row in rows or []:
        values = {}
        for name, value in row.items():
            field = model._meta.get_field(name)
            values[field.attname] = _value(field, value)
        instance = model(**values)
        instance._state.adding = False
        instance._state.db = using
        found.append(instance)
    return found


def _value(field: Any, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(field, models.ForeignKey):
        return field.target_field.to_python(value)
    value = field.to_python(value)
    if isinstance(value, dt.datetime) and settings.USE_TZ and timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return value
