"""The audit trail at 500,000 rows: a paginator that counts no further than its cap (a COUNT over a LIMIT
subquery, bounded by the cap rather than the table) and says when more entries match."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, F, OuterRef, Subquery
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from hmicfrs_mou.audit_forms import AuditSearchForm
from hmicfrs_mou.deadlines import LONDON
from hmicfrs_mou.models import AuditAction, AuditEvent
from hmicfrs_mou.pagination import CappedPaginator, KnownCountPaginator, WindowCountPaginator, count_to

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 5, 1, 9, tzinfo=LONDON)


def _events(n: int) -> None:
    AuditEvent.objects.bulk_create(
        AuditEvent(at=START + dt.timedelta(minutes=i), action=AuditAction.VIEW, actor_label=f"person {i}")
        for i in range(n)
    )


def test_more_rows_than_the_cap_count_as_the_cap_and_say_so():
    _events(25)
    paginator = CappedPaginator(AuditEvent.objects.all(), 10, cap=20)
    assert paginator.count == 20
    assert paginator.capped
    assert paginator.num_pages == 2
    assert [e.actor_label for e in paginator.get_page(1)][:2] == ["person 24", "person 23"]
    assert len(paginator.get_page(2)) == 10


@pytest.mark.parametrize("n", [0, 19, 20])
def test_rows_up_to_the_cap_count_exactly(n):
    _events(n)
    paginator = CappedPaginator(AuditEvent.objects.all(), 10, cap=20)
    assert paginator.count == n == Paginator(AuditEvent.objects.all(), 10).count
    assert not paginator.capped


def test_the_count_reads_no_further_than_one_past_the_cap():
    _events(5)
    with CaptureQueriesContext(connection) as queries:
        assert CappedPaginator(AuditEvent.objects.filter(action=AuditAction.VIEW), 10, cap=3).count == 3
    (count,) = [q["sql"] for q in queries.captured_queries]
    assert "COUNT(" in count.upper()
    assert "LIMIT 4" in count.upper()


def _counts(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]


@pytest.mark.parametrize(
    ("events", "counted", "count", "capped"),
    [(2, 2, 2, False), (3, 3, 3, False), (5, 4, 3, True), (5, 9, 3, True)],
)
def test_a_count_already_made_is_not_made_again(events, counted, count, capped):
    """A list that shows its filters' counts has counted each to the cap (count_to, or a sum of such counts:
    any figure past the cap means more); its paginator takes that figure and asks no COUNT of its own."""
    _events(events)
    with CaptureQueriesContext(connection) as queries:
        paginator = CappedPaginator(AuditEvent.objects.all(), 2, cap=3, counted=counted)
        assert (paginator.count, paginator.capped) == (count, capped)
        rows = list(paginator.get_page(2))
    assert _counts(queries) == []
    # Two rows a page: a count of 2 is one page (page 2 gives it, whole); 3 is two pages, the second of 1 row.
    assert len(rows) == {2: 2, 3: 1}[count]
    assert count_to(AuditEvent.objects.all(), 3) == min(events, 4)
    assert count_to(AuditEvent.objects.all(), 5) == events


@pytest.mark.parametrize(
    ("given", "page", "rows", "number"),
    [
        (9, 3, ["person 0"], 3),  # rows gone since the count: page 3 of 3 read, and a short one
        (9, 5, ["person 0"], 3),  # page 5 of 5 would have been empty: the last page there is, 3
        (3, 2, ["person 1"], 2),  # rows come since the count: the last page has one more after it
    ],
)
def test_a_count_given_out_of_step_with_the_rows_is_made_again(given, page, rows, number):
    """Between the count a list made and its page, rows may come or go (a response submitted, a report's
    responses created): the page read disagrees with the figure, so the rows are counted again and the page
    read again. Never an empty page or a hidden row."""
    _events(5)
    with CaptureQueriesContext(connection) as queries:
        paginator = CappedPaginator(AuditEvent.objects.all(), 2, cap=100, counted=given)
        shown = paginator.get_page(page)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (5, False, 3)
    assert [e.actor_label for e in shown][-1:] == rows
    assert shown.number == number
    assert len(_counts(queries)) == 1


def test_a_count_given_past_the_cap_stands_while_there_are_rows_past_the_cap():
    """A figure over the cap says there are more rows than it: the last page at the cap has rows after it,
    and that is no sign of a figure out of step, so nothing is counted again."""
    _events(7)
    with CaptureQueriesContext(connection) as queries:
        paginator = CappedPaginator(AuditEvent.objects.all(), 2, cap=5, counted=6)
        last = paginator.get_page(3)
    assert (paginator.count, paginator.capped) == (5, True)
    assert [e.actor_label for e in last] == ["person 2"]  # the 5th newest, and no further
    assert _counts(queries) == []
    # Fewer rows than the cap after all: counted again, exactly.
    fewer = AuditEvent.objects.exclude(actor_label__in=["person 0", "person 1", "person 2"])
    paginator = CappedPaginator(fewer, 2, cap=5, counted=6)
    assert [e.actor_label for e in paginator.get_page(3)] == [
        "person 4",
        "person 3",
    ]  # the last page there is
    assert (paginator.count, paginator.capped, paginator.num_pages) == (4, False, 2)


def test_the_count_reads_the_ids_alone_not_the_list_s_columns():
    """A list's columns worked out row by row (the FRS action plans' dates and tallies, each a subquery)
    are not worked out again for every row the count reads."""
    _events(5)
    later = AuditEvent.objects.filter(pk__gt=OuterRef("pk")).order_by("pk").values("actor_label")[:1]
    listed = AuditEvent.objects.annotate(next_actor=Subquery(later)).order_by("-at")
    with CaptureQueriesContext(connection) as queries:
        paginator = CappedPaginator(listed, 2, cap=3)
        assert (paginator.count, paginator.capped) == (3, True)
    (count,) = [q["sql"] for q in queries.captured_queries]
    assert "next_actor" not in count
    assert "actor_label" not in count
    # The page's rows still carry their columns.
    assert [e.next_actor for e in paginator.get_page(1)] == [None, "person 4"]


@pytest.mark.parametrize(
    "rows",
    [
        pytest.param(
            lambda: AuditEvent.objects.values("action").distinct().order_by("action"), id="distinct values"
        ),
        pytest.param(
            lambda: AuditEvent.objects.values("action").annotate(n=Count("pk")).order_by("action"),
            id="groups",
        ),
        pytest.param(
            lambda: (
                AuditEvent.objects.annotate(label=F("actor_label"))
                .values("action")
                .distinct()
                .order_by("action")
            ),
            id="distinct values of an annotated list",
        ),
    ],
)
def test_a_list_of_distinct_values_or_groups_counts_its_rows_not_their_ids(rows):
    """Five entries, all views: one row of values, one group. Counted by their ids, five."""
    _events(5)
    assert CappedPaginator(rows(), 10, cap=20).count == 1 == Paginator(rows(), 10).count


def _trail(paginator: Paginator) -> str:
    request = RequestFactory().get("/audit/")
    return render_to_string(
        "audit/trail.html",
        {"form": AuditSearchForm(), "page_obj": paginator.get_page(1), "querystring": ""},
        request=request,
    )


def test_the_trail_says_when_more_entries_match_than_it_counts():
    _events(12)
    assert "More than 10 entries: the first 10 are listed. Search to narrow them down." in _trail(
        CappedPaginator(AuditEvent.objects.all(), 5, cap=10)
    )
    counted = _trail(CappedPaginator(AuditEvent.objects.all(), 5, cap=100))
    assert "12 entries" in counted
    assert "More than" not in counted


HUGE = "10000000000000000000"  # an offset past any integer column: Django's way, the last page


@pytest.mark.parametrize("number", [1, 2, 3, "3", 4, 99, 0, -1, "last", "abc", None, HUGE])
def test_a_page_with_its_count_from_one_query_answers_as_djangos_paginator(number):
    """Inspections in my area: the count rides on the page's rows; a page past the end still goes to the last."""
    _events(25)
    events = AuditEvent.objects.order_by("-at", "-pk")
    expected = Paginator(events, 10).get_page(number)
    with CaptureQueriesContext(connection) as queries:
        page = WindowCountPaginator(events, 10).get_page(number)
        rows = [event.pk for event in page]
        numbers = (page.number, page.paginator.count, page.paginator.num_pages, page.has_next())
    assert rows == [event.pk for event in expected]
    assert numbers == (expected.number, 25, 3, expected.has_next())
    # A page with rows: one query. Past the end (or not a number): Django's own way, a count then the rows.
    # A page with rows: one query (not a number is page 1, as for Django). Below 1: Django's own way, a count
    # then the last page's rows. Past the end: the empty try, then Django's way.
    expected_queries = {4: 3, 99: 3, 0: 2, -1: 2, HUGE: 2}.get(number, 1)  # type: ignore[call-overload]
    assert len(queries) == expected_queries


def test_an_empty_list_is_one_empty_page():
    page = WindowCountPaginator(AuditEvent.objects.order_by("pk"), 10).get_page(1)
    assert (list(page), page.paginator.count, page.number) == ([], 0, 1)


def test_a_known_count_is_taken_as_given_and_a_page_costs_its_rows_alone():
    _events(5)
    paginator = KnownCountPaginator(AuditEvent.objects.all(), 2, count=5)
    with CaptureQueriesContext(connection) as seen:
        page = paginator.get_page(3)
        assert [e.actor_label for e in page] == ["person 0"]
    assert len(seen) == 1
    assert "COUNT" not in seen[0]["sql"].upper()
    assert (paginator.count, paginator.num_pages, page.start_index(), page.end_index()) == (5, 3, 5, 5)


@pytest.mark.parametrize(
    ("known", "number", "shown"),
    [
        (6, 2, ["person 0"]),  # more than the rows: page 2 is short
        (6, 3, ["person 0"]),  # past the last row: the last page
        (1, 1, ["person 2", "person 1"]),  # fewer: a row past where the figure ends the list
        (0, 1, ["person 2", "person 1"]),  # none: yet there are rows
    ],
    ids=["over-short-page", "over-past-the-end", "under", "none-said"],
)
def test_a_known_count_out_of_step_with_the_rows_is_found_and_the_rows_counted(known, number, shown):
    """Figures out of step with the rows (a bulk write not yet recounted) never hide a row or show an empty
    page: the page read shows it, and the rows are counted."""
    _events(3)
    paginator = KnownCountPaginator(AuditEvent.objects.all(), 2, count=known)
    with CaptureQueriesContext(connection) as seen:
        page = paginator.get_page(number)
    assert [e.actor_label for e in page] == shown
    assert (paginator.count, paginator.num_pages, paginator.counted) == (3, 2, True)
    assert sum("COUNT" in q["sql"].upper() for q in seen) == 1


def test_a_known_count_that_holds_on_the_last_page_is_not_counted():
    _events(3)
    paginator = KnownCountPaginator(AuditEvent.objects.all(), 2, count=3)
    assert [e.actor_label for e in paginator.get_page(2)] == ["person 0"]
    assert [e.actor_label for e in paginator.get_page(1)] == ["person 2", "person 1"]
    assert not paginator.counted
