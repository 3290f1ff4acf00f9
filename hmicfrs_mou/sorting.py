"""Sortable columns on the portal's lists: ?sort=<column>&order=asc|desc, sorted by the database.

Each list declares the columns it may be sorted by (a whitelist: a key the address carries, the header's
words, and the ORDER BY expressions for it, ascending). `Sorting.apply(request, queryset)` reads the address,
ignores a column or order it does not know (the list keeps its default: a bad address is never a 500), and
orders the queryset with the primary key last as a tiebreak, so a page boundary never shows a row twice or
loses one. Sorting is only the ORDER BY, so a list's query count does not change.

A list built in Python (a table of figures) sorts its rows with `Sorting.sort_rows`, each column giving the
row's value to sort by instead of ORDER BY expressions.

The template gets what a GOV.UK sortable header needs (components/sortable_header.html): per column the
words, `aria-sort` ("ascending", "descending" or "none") and the address of its button, which keeps every
other query parameter (filters, search) and drops the page (a new order starts at page one); and the
query string for the pagination component, which keeps the sort.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db.models import F, OrderBy, QuerySet
from django.db.models.expressions import BaseExpression, Combinable
from django.http import HttpRequest, QueryDict

SORT_PARAM = "sort"
ORDER_PARAM = "order"
PAGE_PARAM = "page"

Order = Literal["asc", "desc"]
OrderExpression = str | BaseExpression | Combinable


@dataclass(frozen=True)
class Column:
    """A column a list may be sorted by: its key in the address, its header, how to order by it (ascending).

    `value` is for rows built in Python: the row's value to sort by (None sorts last whichever the order).
    `first` is the order a first click on the header gives (dates and counts read best newest or largest first).
    """

    key: str
    label: str
    order_by: tuple[OrderExpression, ...] = ()
    value: Callable[[Any], Any] | None = None
    first: Order = "asc"
    numeric: bool = False


@dataclass(frozen=True)
class Header:
    """What the template draws for one column's header."""

    key: str
    label: str
    aria_sort: str
    url: str
    numeric: bool = False


@dataclass
class Sorted:
    """The outcome of reading the address: the column and order in force and the headers to draw."""

    column: Column
    order: Order
    headers: list[Header] = field(default_factory=list)
    querystring: str = ""
    header_by_key: dict[str, Header] = field(default_factory=dict)

    @property
    def descending(self) -> bool:
        return self.order == "desc"


def _ordered(expression: OrderExpression, descending: bool) -> OrderBy:
    resolved: Any = F(expression) if isinstance(expression, str) else expression
    # No NULLS FIRST/LAST: PostgreSQL reads an index backwards for DESC only in its own null order.
    ordered: OrderBy = resolved.desc() if descending else resolved.asc()
    return ordered


class Sorting:
    """The sortable columns of one list and its default order."""

    def __init__(self, columns: Sequence[Column], *, default: str, order: Order | None = None) -> None:
        self.columns = {column.key: column for column in columns}
        if default not in self.columns:
            raise ValueError(f"The default sort column {default!r} is not one of the columns.")
        self.default = default
        self.default_order: Order = order or self.columns[default].first

    def read(self, params: QueryDict) -> Sorted:
        """The column and order asked for, or the default for anything not on the list."""
        key = params.get(SORT_PARAM, "")
        if key in self.columns:
            column = self.columns[key]
            asked = params.get(ORDER_PARAM, "")
            order: Order = "desc" if asked == "desc" else "asc" if asked == "asc" else column.first
        else:
            column, order = self.columns[self.default], self.default_order
        sorted_ = Sorted(column=column, order=order)
        for each in self.columns.values():
            current = each.key == column.key
            if current:
                next_order: Order = "asc" if order == "desc" else "desc"
            else:
                next_order = each.first
            query = params.copy()
            for param in (SORT_PARAM, ORDER_PARAM, PAGE_PARAM):
                query.pop(param, None)
            query[SORT_PARAM] = each.key
            query[ORDER_PARAM] = next_order
            header = Header(
                key=each.key,
                label=each.label,
                aria_sort=("descending" if order == "desc" else "ascending") if current else "none",
                url=f"?{query.urlencode()}",
                numeric=each.numeric,
            )
            sorted_.headers.append(header)
            sorted_.header_by_key[each.key] = header
        # For the pagination links: the filters and the order in force (one the list does not know is dropped).
        keep = params.copy()
        for param in (SORT_PARAM, ORDER_PARAM, PAGE_PARAM):
            keep.pop(param, None)
        if key in self.columns:
            keep[SORT_PARAM] = column.key
            keep[ORDER_PARAM] = order
        sorted_.querystring = keep.urlencode()
        return sorted_

    def order_by(self, sorted_: Sorted) -> list[OrderBy]:
        """The ORDER BY for the column in force, ending with the primary key in the same direction."""
        descending = sorted_.descending
        expressions = [_ordered(expression, descending) for expression in sorted_.column.order_by]
        expressions.append(_ordered("pk", descending))
        return expressions

    def apply(self, request: HttpRequest, queryset: QuerySet[Any]) -> tuple[QuerySet[Any], Sorted]:
        """The queryset in the order the address asks for (or the default), and what the headers need."""
        sorted_ = self.read(request.GET)
        return queryset.order_by(*self.order_by(sorted_)), sorted_

    def sort_rows(self, request: HttpRequest, rows: Iterable[Any]) -> tuple[list[Any], Sorted]:
        """Rows built in Python, sorted by the column's `value` (stable: equal rows keep their order)."""
        sorted_ = self.read(request.GET)
        listed = list(rows)
        value = sorted_.column.value
        if value is None:
            raise ValueError(f"The column {sorted_.column.key!r} has no value to sort rows by.")
        present = [row for row in listed if value(row) is not None]
        missing = [row for row in listed if value(row) is None]
        present.sort(key=value, reverse=sorted_.descending)
        return present + missing, sorted_
