"""A paginator for lists that grow without bound (the audit trail: 500,000 rows and counting).

Django's Paginator counts every matching row (SELECT COUNT(*)) on each page view, and that count is what
grows with the table: PostgreSQL has to visit every row that matches. CappedPaginator counts no further
than `cap` rows (a COUNT over a LIMIT subquery, so its cost is bounded by the cap, not the table) and says
when there are more; pages go as far as the cap, and a narrower search reaches the rest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, Window
from django.utils.functional import cached_property

# Far more than anyone pages through (200 pages of 50): past it, the search form is the way in.
COUNT_CAP = 10_000


if TYPE_CHECKING:  # Paginator is generic to the type checker only (Django does not subscript it at run time)
    _Paginator = Paginator[Any]
else:
    _Paginator = Paginator


def count_to(queryset: Any, cap: int) -> int:
    """How many rows `queryset` has, counted no further than cap + 1 (so a result over `cap` says there are
    more): a COUNT over a LIMIT subquery, whose cost is bounded by the cap, not the table."""
    # Without its order: any cap + 1 rows will do, so the database need not read them in order through an
    # index.
    rows = queryset.order_by()
    query = rows.query
    if not (query.distinct or query.values_select or query.group_by is not None):
        # Their ids alone: a list's columns worked out row by row (the FRS action plans' dates and
        # tallies, each a subquery) would be worked out for cap + 1 rows inside the count. Not for a
        # list whose rows are distinct values or groups: its ids are not its rows.
        rows = rows.values("pk")
    counted: int = rows[: cap + 1].count()
    return counted


def _page_checking_figure(paginator: Any, number: int, *, more_after_figure: bool) -> tuple[Page[Any], bool]:
    """Page `number` of a paginator whose count is a figure given, not counted here; reads one row past the
    page's end, and says whether the rows agree with the figure: a full page and a row after it while the
    figure has more, else as many rows as the figure has left (or more, where `more_after_figure`: a figure
    stopped at a cap with rows past it)."""
    bottom = (number - 1) * paginator.per_page
    rows = list(paginator.object_list[bottom : bottom + paginator.per_page + 1])
    left = max(paginator.count - bottom, 0)  # the rows from this page on, as the figure says
    page: Page[Any] = Page(rows[: min(paginator.per_page, left)], number, paginator)
    if left > paginator.per_page:
        return page, len(rows) == paginator.per_page + 1
    return page, len(rows) == left or (more_after_figure and len(rows) > left)


class CappedPaginator(_Paginator):
    """A Paginator whose count stops at `cap`; `capped` is true when more rows match.

    `counted`: the rows already counted by the caller (a list that shows each filter's count has made that
    count), so the paginator does not count them again: exact up to the cap, and any figure past it meaning
    more than the cap, as `count_to` with the same cap gives (or a sum of such counts). The figure is checked
    against the rows read, as KnownCountPaginator checks its own: each page reads one row past its end, and
    a page shorter than the figure says, or a row past where an exact figure says the list ends (a response
    submitted or created between the count and the page), has the rows counted again and the page read
    again, so the list never shows an empty page or hides a row because of a figure out of step."""

    def __init__(
        self,
        object_list: Any,
        per_page: int,
        *,
        cap: int = COUNT_CAP,
        counted: int | None = None,
        **kwargs: Any,
    ) -> None:
        if counted is not None and kwargs.get("orphans"):
            raise ValueError("A count given is checked page by page: no orphans")
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap
        self.given = counted is not None  # a figure given and not yet found out of step
        if counted is not None:
            self.__dict__["_counted"] = counted  # the cached_property below, answered

    def get_page(self, number: Any) -> Page[Any]:
        page = super().get_page(number)
        if self.given and not page.count_holds:  # type: ignore[attr-defined]
            self.given = False
            for name in ("count", "capped", "num_pages"):
                self.__dict__.pop(name, None)
            self.__dict__["_counted"] = count_to(self.object_list, self.cap)
            page = super().get_page(number)
        return page

    def page(self, number: Any) -> Page[Any]:
        if not self.given:
            counted_page = super().page(number)
            counted_page.count_holds = True  # type: ignore[attr-defined]
            return counted_page
        # Past the cap there are more rows, as the figure says; under it, none after the last.
        page, holds = _page_checking_figure(self, self.validate_number(number), more_after_figure=self.capped)
        page.count_holds = holds  # type: ignore[attr-defined]
        return page

    @cached_property
    def _counted(self) -> int:
        """The rows that match, counted to one past the cap (which is how it knows there are more)."""
        return count_to(self.object_list, self.cap)

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @cached_property
    def capped(self) -> bool:
        return self._counted > self.cap


def first_rows(
    queryset: Any, *order: str, limit: int, overdue: Q | None = None
) -> tuple[list[Any], int, int]:
    """The first `limit` rows in `order` (the queryset's own order if none), how many rows there are in all
    and how many match `overdue`, in one query: the counts ride on every row as window aggregates over the
    whole result (computed before the LIMIT), so a short list with its total costs one query, not a count
    and a list. The querysets given have no joins that repeat a row, so a plain count is the distinct count."""
    counts: dict[str, Any] = {"listed_total": Window(Count("pk"))}
    if overdue is not None:
        counts["listed_overdue"] = Window(Count("pk", filter=overdue))
    ordered = queryset.annotate(**counts)
    if order:
        ordered = ordered.order_by(*order)
    rows = list(ordered[:limit])
    if not rows:
        return [], 0, 0
    return rows, rows[0].listed_total, getattr(rows[0], "listed_overdue", 0)


class WindowCountPaginator(_Paginator):
    """A Paginator whose count comes with the page's rows: a window COUNT over the whole result rides on each
    row (as in `first_rows`), so a page costs one query, not a COUNT and then the rows.

    Only a page with no rows (past the end, or an empty list) counts the ordinary way, so that `get_page`
    can send the reader to the last page. The queryset must not be DISTINCT (the window counts before it).
    """

    def get_page(self, number: Any) -> Any:
        query = getattr(self.object_list, "query", None)
        if query is None or query.distinct or self.orphans:
            return super().get_page(number)
        try:
            wanted = int(number)
        except (TypeError, ValueError):
            wanted = 1
        # Past COUNT_CAP pages, Django's own way: no list runs that long, and a number far past any list's
        # end would ask the database for an offset no integer column holds (an error, not the last page).
        if 1 <= wanted <= COUNT_CAP:
            bottom = (wanted - 1) * self.per_page
            rows = list(
                self.object_list.annotate(listed_total=Window(Count("pk")))[bottom : bottom + self.per_page]  # type: ignore[attr-defined]
            )
            if rows:
                self.__dict__["count"] = rows[0].listed_total  # the cached_property, answered
                return Page(rows, wanted, self)
        return super().get_page(number)


class KnownCountPaginator(_Paginator):
    """A Paginator told how many rows there are, from figures kept current elsewhere (the response tallies),
    instead of counting them: a page then costs its rows alone, however many match.

    The figure is checked against the rows read: each page reads one row past its end, so a page shorter
    than the figure says, or a row past where the figure says the list ends, shows that the figure is out of
    step (a bulk write not yet recounted). The rows are then counted, and the page is read again with the
    exact count: the list never hides a row or shows an empty page because of a wrong figure."""

    def __init__(self, object_list: Any, per_page: int, *, count: int, **kwargs: Any) -> None:
        if kwargs.get("orphans"):
            raise ValueError("KnownCountPaginator checks its count page by page: no orphans")
        super().__init__(object_list, per_page, **kwargs)
        self.known_count = count
        self.counted = False  # whether the figure given was found out of step and the rows counted

    @cached_property
    def count(self) -> int:
        return self.known_count

    def get_page(self, number: Any) -> Page[Any]:
        page = super().get_page(number)
        if not page.known_count_holds:  # type: ignore[attr-defined]
            self.counted = True
            # The cached_property, answered exactly.
            self.__dict__["count"] = self.object_list.count()  # type: ignore[attr-defined]
            self.__dict__.pop("num_pages", None)
            page = super().get_page(number)
        return page

    def page(self, number: Any) -> Page[Any]:
        page, holds = _page_checking_figure(self, self.validate_number(number), more_after_figure=False)
        page.known_count_holds = self.counted or holds  # type: ignore[attr-defined]
        return page
