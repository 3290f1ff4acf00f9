"""A query the ORM builds once per database and the process runs again with other values.

Some queries are asked on almost every request with the same shape and different values: the person's
scope (inspections.access.scope_of) is one, read for every signed-in page and every actor check. Building
and compiling such a query costs far more than running it: about 2 ms of Python against 0.01 ms of SQLite
for the scope's union of four selects (measured with a test persona). `CompiledQuery` keeps the ORM's
definition as the only one (no SQL written by hand to drift from it) and compiles it once:

    SCOPE = CompiledQuery(lambda user_id, on: rows_of(user_id, on), user_id=int, on=dt.date)
    SCOPE.rows(user_id=7, on=today)  # list of tuples, as the database returns them

`build` may pass each placeholder straight to a lookup (`person_id=user_id`, `starts_on__lte=on`) or to an
UPDATE's value, and nothing else: no arithmetic, no `.year`, no branch on its value.

How: the query is compiled twice, with two sets of sentinel values no real row holds (a negative id, a date or
a moment in year 1, a string that names itself a sentinel); the parameters that differ between the two
compilations, and only those, are the slots, and each must carry the sentinel of one named placeholder in
both. A string sentinel holds `%`, `_` and a backslash, so a lookup that escapes them (`iexact` on SQLite,
`contains`) changes it and is refused rather than filled in unescaped. Anything else (the SQL text differing
between the two, a placeholder that lands in no parameter, a sentinel folded into the SQL text) refuses to
compile; and the first few calls after compiling are compared with the ORM's own compilation for their real
values (`CHECKED_CALLS`), which catches a value derived from a placeholder. A query this cannot reproduce
fails the first time it is asked, in the tests, rather than running with the wrong values.

`build` may also give an UPDATE's query (`QuerySet.query.chain(UpdateQuery)` with its values added), whose
`sql` the caller runs (`rows`, `instances` and `objects` refuse it): the reminder sweep's mark after each
send is one (hmicfrs_mou.reminders). A moment or a day is adapted as the ORM adapts its model field (a
naive moment taken as London time, as the ORM takes it).

`rows` returns the rows as the driver returns them, without the ORM's converters: use it for ids, strings
and the like, not for values a backend stores in its own form (dates and decimals on SQLite). `instances`
returns model instances through `Manager.raw`, whose fields the ORM converts (the signed-in person with
their permissions, unread count and devices, hmicfrs_mou.signin.backends, is read so). `objects` builds
them as a queryset does, `select_related` objects included, from the columns the ORM chose when it
compiled (the person's appointments with their organisations, contacts.selectors.appointments_in_force).
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models import QuerySet
from django.db.models.query import ModelIterable, RawQuerySet, get_related_populators
from django.db.models.sql import Query
from django.db.models.sql.compiler import SQLCompiler


def _sentinel(kind: type, placeholder: int, second: bool) -> Any:
    """A value the portal never asks about, for the `placeholder`th placeholder's first or second build.

    The gaps are uneven (a prime step between placeholders, another between a placeholder's two values), so
    a value a build derives from one placeholder (`first - 2`, `on - 1 day`) is not another's sentinel.
    """
    step = 1_000_003 * placeholder + (7_919 if second else 0)
    if kind is int:
        return -1_987_654_321 - step
    if kind is str:
        return f"compiled%query_sentinel\\{step}"
    days = dt.timedelta(days=37 * placeholder + (211 if second else 0))
    if kind is dt.datetime:
        return dt.datetime(1, 1, 2, tzinfo=dt.UTC) + days
    return dt.date(1, 1, 2) + days


# Calls of `sql` per database whose result is compared with the ORM's own compilation for the same values,
# after each compilation: a `build` that derives a value from a placeholder (a year, a branch on a date)
# compiles from the sentinels without complaint but would run with values derived from them.
CHECKED_CALLS = 3


_TYPES = (int, str, dt.date, dt.datetime)
_MOMENT, _DAY = models.DateTimeField(), models.DateField()


class CompiledQuery:
    """A queryset (or an UPDATE's query) built by `build(**placeholders)`, compiled once per database alias."""

    def __init__(self, build: Callable[..., QuerySet[Any] | Query], **placeholders: type) -> None:
        unknown = {name: kind for name, kind in placeholders.items() if kind not in _TYPES}
        if unknown:
            raise TypeError(f"No sentinel values for placeholders {unknown}")
        self._build = build
        self._placeholders = placeholders
        # alias -> (sql, params with the sentinels of the first compilation, [(index, placeholder name)])
        self._compiled: dict[str, tuple[str, tuple[Any, ...], tuple[tuple[int, str], ...]]] = {}
        self._checks_left: dict[str, int] = {}
        # alias -> the first compilation's compiler: which columns are which model's (objects()).
        self._compilers: dict[str, SQLCompiler | None] = {}
        # alias -> whether `build` gave an UPDATE's query (run with its sql(); it has no rows to read).
        self._updates: dict[str, bool] = {}

    def _adapt(self, alias: str, kind: type, value: Any) -> Any:
        # As a model's field prepares it: a naive moment made aware, a moment given for a day cut to its day.
        if kind is dt.datetime:
            return _MOMENT.get_db_prep_value(value, connections[alias])
        if kind is dt.date:
            return _DAY.get_db_prep_value(value, connections[alias])
        return value

    def _query(self, **values: Any) -> tuple[Query, QuerySet[Any] | None]:
        """What `build` gives for these values: its query, and the queryset when it gave one."""
        built = self._build(**values)
        if isinstance(built, QuerySet):
            return built.query, built
        return built, None

    def _compile(self, alias: str) -> tuple[str, tuple[Any, ...], tuple[tuple[int, str], ...]]:
        compiled = self._compiled.get(alias)
        if compiled is not None:
            return compiled
        # Each placeholder its own pair of sentinels, so two of one type are told apart.
        kinds = list(self._placeholders.items())
        firsts = {name: _sentinel(kind, number, second=False) for number, (name, kind) in enumerate(kinds)}
        seconds = {name: _sentinel(kind, number, second=True) for number, (name, kind) in enumerate(kinds)}
        query, queryset = self._query(**firsts)
        compiler = query.get_compiler(using=alias)
        sql_a, params_a = compiler.as_sql()
        sql_b, params_b = self._query(**seconds)[0].get_compiler(using=alias).as_sql()
        if sql_a != sql_b or len(params_a) != len(params_b):
            raise ValueError("The query's SQL depends on its placeholders' values: it cannot be reused")
        by_value = {
            (self._adapt(alias, kind, firsts[name]), self._adapt(alias, kind, seconds[name])): name
            for name, kind in self._placeholders.items()
        }
        slots = []
        for index, (a, b) in enumerate(zip(params_a, params_b, strict=True)):
            if a == b:
                continue
            name = by_value.get((a, b))
            if name is None:
                raise ValueError(f"Parameter {index} changes with the placeholders but carries none of them")
            slots.append((index, name))
        missing = set(self._placeholders) - {name for _, name in slots}
        if missing:
            raise ValueError(f"Placeholders {sorted(missing)} reach no parameter of the query")
        compiled = (sql_a, tuple(params_a), tuple(slots))
        # Only a queryset of model instances, with nothing fetched or attached after its one query, is
        # built again by objects(); values() and values_list() are read with rows().
        plain = (
            queryset is not None
            and queryset._iterable_class is ModelIterable
            and not (
                getattr(queryset, "_prefetch_related_lookups", ())
                or getattr(queryset, "_known_related_objects", {})
            )
        )
        self._compilers[alias] = compiler if plain else None
        self._updates[alias] = queryset is None
        self._checks_left[alias] = CHECKED_CALLS
        # Last: another thread (the threaded server) that finds the SQL finds the rest with it.
        self._compiled[alias] = compiled
        return compiled

    def sql(self, using: str = DEFAULT_DB_ALIAS, **values: Any) -> tuple[str, list[Any]]:
        """The SQL and its parameters for these values of the placeholders (every one must be given)."""
        if set(values) != set(self._placeholders):
            raise TypeError(f"Give exactly the placeholders {sorted(self._placeholders)}")
        sql, params, slots = self._compile(using)
        actual = list(params)
        for index, name in slots:
            actual[index] = self._adapt(using, self._placeholders[name], values[name])
        if self._checks_left.get(using, 0) > 0:
            self._checks_left[using] -= 1
            expected_sql, expected = self._query(**values)[0].get_compiler(using=using).as_sql()
            if (expected_sql, list(expected)) != (sql, actual):
                # Forgotten, so the next call compiles again and fails again: never run with wrong values.
                self._compiled.pop(using, None)
                raise ValueError(
                    "The compiled query differs from the ORM's for these values: its build derives a value "
                    "from a placeholder, which a compiled query cannot follow"
                )
        return sql, actual

    def _read_sql(self, using: str, values: dict[str, Any]) -> tuple[str, list[Any]]:
        sql, params = self.sql(using, **values)
        if self._updates.get(using):
            raise TypeError("An UPDATE has no rows to read: run its sql()")
        return sql, params

    def rows(self, using: str = DEFAULT_DB_ALIAS, **values: Any) -> list[tuple[Any, ...]]:
        """The query's rows for these values of its placeholders, as the driver returns them."""
        sql, params = self._read_sql(using, values)
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall())

    def instances(self, manager: Any, using: str = DEFAULT_DB_ALIAS, **values: Any) -> RawQuerySet[Any]:
        """The query's rows as instances of the manager's model (`Manager.raw`): its fields converted as the
        ORM converts them, and each annotation an attribute as the driver returns it."""
        sql, params = self._read_sql(using, values)
        raw: RawQuerySet[Any] = manager.db_manager(using).raw(sql, params)
        return raw

    def objects(self, using: str = DEFAULT_DB_ALIAS, **values: Any) -> list[Any]:
        """The query's rows as model instances, built as the ORM's ModelIterable builds them: each field
        converted, each `select_related` object attached (None where the join found nothing) and each
        annotation an attribute. Not for a queryset with prefetching or known related objects."""
        self._compile(using)
        kept = self._compilers[using]
        if kept is None or kept.klass_info is None:
            raise TypeError("objects() builds model instances: use rows() for values, and no prefetching")
        fetched: list[Any] = self.rows(using, **values)
        # The compiler knows which columns are whose (select, klass_info), whatever the values; a copy
        # takes this thread's connection for the converters.
        compiler = copy.copy(kept)
        compiler.connection = connections[using]
        select, klass_info = compiler.select, kept.klass_info
        model = klass_info["model"]
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        names = [column[0].target.attname for column in select[start:end]]
        # django-stubs describe Django 6.0's signature (a fetch mode too); 5.2 takes these three.
        populators = get_related_populators(klass_info, select, using)  # type: ignore[call-arg]
        annotations = compiler.annotation_col_map or {}
        built = []
        for row in compiler.results_iter(results=[fetched]):
            instance = model.from_db(using, names, row[start:end])
            for populator in populators:
                populator.populate(row, instance)
            for name, position in annotations.items():
                setattr(instance, name, row[position])
            built.append(instance)
        return built
