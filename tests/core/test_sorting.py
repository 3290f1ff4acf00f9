"""Sortable columns on the portal's lists (hmicfrs_mou.sorting): server-side, in the ORDER BY.

Each list sorts by each of its columns both ways; an address with a column or order the list does not know
is ignored (the default order, never a 500); choosing a column costs no extra query; the header links keep
the filters and start again at page one.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.http import QueryDict
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.models import AssignmentKind, MeetingKind, OrganisationKind, Role, User
from contacts.services import meeting_record
from contacts.views import DIRECTORY_SORTING, MEETING_SORTING
from hmicfrs_mou.audit import audit_record
from hmicfrs_mou.models import AuditAction, AuditEvent
from hmicfrs_mou.sorting import Column, Sorting
from hmicfrs_mou.views import AUDIT_SORTING
from inspections.models import Inspection
from inspections.views.workspace import INSPECTION_SORTING
from monitoring.views.cases import WORKSPACE_SORTING
from monitoring.views.tracker import TRACKER_SORTING
from responses.complaints import super_complaint_receive
from responses.models import ResponseObligation, SuperComplaint
from responses.views.apcc import OFFICE_SORTING
from responses.views.complaints import COMPLAINT_SORTING
from responses.views.opcc import RESPONSE_SORTING
from tests.conftest import force, make_person, office_of, org
from tests.monitoring.conftest import ANNOUNCED, DECIDED, TOLD, take_case
from tests.responses.conftest import publish_report

# Each list: its address, its columns, and (for a list the database sorts) the rows its page lists, with the
# same joins, so that the ORDER BY expected names the same tables.
LISTS: dict[str, tuple[str, Sorting, Any]] = {
    "audit trail": ("audit-trail", AUDIT_SORTING, AuditEvent.objects.select_related("actor")),
    "inspections": ("inspections:list", INSPECTION_SORTING, Inspection.objects.select_related("lead")),
    # Its page's ids are read first, joined only to what the order names.
    "PCC responses": ("responses:awaiting", RESPONSE_SORTING, ResponseObligation.objects.all()),
    "super-complaints": (
        "responses:complaints",
        COMPLAINT_SORTING,
        SuperComplaint.objects.select_related("report"),
    ),
    "meetings": ("contacts:meetings", MEETING_SORTING, None),
    "directory": ("contacts:directory", DIRECTORY_SORTING, None),
    "Scan and Engage": ("monitoring:workspace", WORKSPACE_SORTING, None),
    "Engage tracker": ("monitoring:tracker", TRACKER_SORTING, None),
    "response timeliness": ("responses:dashboard", OFFICE_SORTING, None),
}
# The audit trail names each row's record with one query per kind of record on the page, so a page of other
# kinds costs another query: both orders are compared over rows of one kind (the trail's own filter).
FILTERS: dict[str, dict[str, str]] = {"audit trail": {"object_type": "contacts.organisation"}}
# Lists that read their page's ids first, then those rows alone.
IDS_FIRST = {"PCC responses"}
CASES = [
    pytest.param(name, key, order, id=f"{name}-{key}-{order}")
    for name, (_, sorting, _) in LISTS.items()
    for key in sorting.columns
    for order in ("asc", "desc")
]


@pytest.fixture(scope="module")
def _world(module_db: None, django_db_blocker: Any) -> int:
    """Something on every list: meetings, a published report with its PCC responses, super-complaints, an
    Engage case and audit entries; built once for the module (tests.conftest.module_db), as each of the 133
    tests here only reads it. Its id is the lead's: an HMI, who may open every list here and leads the
    inspection on the inspections list."""
    with django_db_blocker.unblock():
        force_a, force_b = force("avon-and-somerset"), force("kent")
        hmicfrs = org(OrganisationKind.HMICFRS, "hmicfrs")
        hmi_a = make_person("hmi_a", hmicfrs, Role.HMI, **{AssignmentKind.HMI: [force_a]})
        reader = make_person("sorting_reader", hmicfrs, Role.INSPECTION_STAFF)
        for held_on in (dt.date(2026, 3, 2), dt.date(2026, 5, 4)):
            meeting_record(
                kind=MeetingKind.HMI_PCC_FORMAL,
                held_on=held_on,
                subject=force_a,
                parties=[hmicfrs, office_of(force_a).parent],
                by=hmi_a,
            )
        lead = make_person("sorting_lead", hmicfrs, Role.HMI)
        publish_report(lead=lead, areas=[force_a, force_b], title="Thematic: police response to stalking")
        for title, received in (("Zebra crossings", 1), ("Abuse of position", 2)):
            super_complaint_receive(
                title=title,
                designated_body="A designated body",
                received_at=dt.datetime(2026, 6, received, 9, tzinfo=dt.UTC),
                by=reader,
            )
        hmci = make_person("sorting_hmci", hmicfrs, Role.HMCI)
        take_case(force_a, hmi=hmi_a, hmci=hmci, decided=DECIDED, told=TOLD, announced=ANNOUNCED)
        for area in (force_a, force_b):
            audit_record(action=AuditAction.VIEW, actor=reader, obj=area)
        return lead.pk


@pytest.fixture
def world(_world: int, db: None) -> User:
    """The lead, read afresh for each test (nothing a test caches on it reaches the next)."""
    return User.objects.get(pk=_world)


def _get(client: Any, name: str, **params: str) -> tuple[Any, list[dict[str, str]]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(LISTS[name][0]), params)
    assert response.status_code == 200
    return response, queries.captured_queries


def _alias_free(sql: str) -> str:
    """SQL with Django's numbered table aliases (T4, T5) made one: a page's other joins renumber them."""
    return re.sub(r"\bT\d+\.", "T.", sql)


def _order_by_sql(rows: Any, sorting: Sorting, key: str, order: str) -> str:
    """The ORDER BY clause the column compiles to for the list's rows."""
    sorted_ = sorting.read(QueryDict(f"sort={key}&order={order}"))
    sql = str(rows.order_by(*sorting.order_by(sorted_)).query)
    return sql[sql.index(" ORDER BY ") :]


@pytest.mark.parametrize(("name", "key", "order"), CASES)
def test_each_list_sorts_by_each_column_both_ways_in_the_same_queries(client_for, world, name, key, order):
    """The header says the order (aria-sort), the database does the sorting, and no query is added."""
    client = client_for(world)
    filters = FILTERS.get(name, {})
    _get(client, name, **filters)  # the session and the person's permissions, as on any later page
    _, default_queries = _get(client, name, **filters)
    response, queries = _get(client, name, **filters, sort=key, order=order)
    html = response.content.decode()

    header = LISTS[name][1].columns[key]
    aria = "ascending" if order == "asc" else "descending"
    assert re.search(rf'aria-sort="{aria}"><a [^>]*>{re.escape(str(header.label))}</a>', html), html
    assert html.count('aria-sort="ascending"') + html.count('aria-sort="descending"') == 1
    assert len(queries) == len(default_queries)
    model = LISTS[name][2]
    if model is not None:
        expected = _alias_free(_order_by_sql(model, LISTS[name][1], key, order))
        sqls = [_alias_free(query["sql"]) for query in queries]
        orders = [expected]
        if name in IDS_FIRST:
            # Its page's ids are read alone, and the database is told to order by their column's place.
            orders = [re.sub(r'"[a-z_]+"\."id" (ASC|DESC)$', r"1 \1", expected)]
            sqls = [sql for sql in sqls if re.match(r'SELECT "[a-z_]+"\."id" AS "pk" FROM ', sql)]
        assert any(
            sql.endswith(ordered) or f"{ordered} LIMIT" in sql for sql in sqls for ordered in orders
        ), (
            expected,
            sqls,
        )


@pytest.mark.parametrize("name", list(LISTS))
@pytest.mark.parametrize(
    "params",
    [
        {"sort": "password"},
        {"sort": "pk", "order": "up"},
        {"sort": "-at"},
        {"sort": "", "order": "desc"},
        {"sort": "x" * 500, "order": "'; DROP TABLE"},
    ],
    ids=["unknown column", "not a column and bad order", "a field name", "empty", "junk"],
)
def test_a_sort_the_list_does_not_know_is_ignored(client_for, world, name, params):
    """An unknown column falls back to the list's default order, in the same queries: never a 500."""
    client = client_for(world)
    _get(client, name)
    default, default_queries = _get(client, name)
    response, queries = _get(client, name, **params)
    assert response.content.decode().count('aria-sort="none"') == default.content.decode().count(
        'aria-sort="none"'
    )
    assert len(queries) == len(default_queries)


def test_meetings_sort_by_date_both_ways(client_for, world):
    client = client_for(world)
    newest = client.get(reverse("contacts:meetings"), {"sort": "date", "order": "desc"}).content.decode()
    oldest = client.get(reverse("contacts:meetings"), {"sort": "date", "order": "asc"}).content.decode()
    assert newest.index("4 May 2026") < newest.index("2 March 2026")
    assert oldest.index("2 March 2026") < oldest.index("4 May 2026")


def test_super_complaints_sort_by_title_and_by_received(client_for, world):
    client = client_for(world)
    url = reverse("responses:complaints")
    by_title = client.get(url, {"sort": "title", "order": "asc"}).content.decode()
    assert by_title.index("Abuse of position") < by_title.index("Zebra crossings")
    oldest = client.get(url, {"sort": "received", "order": "asc"}).content.decode()
    assert oldest.index("Zebra crossings") < oldest.index("Abuse of position")


def test_the_directory_sorts_by_name_both_ways(client_for, world, force_a, force_b):
    client = client_for(world)
    url = reverse("contacts:directory")
    service = org(OrganisationKind.FIRE_RESCUE_SERVICE, "essex").name

    def body(order: str) -> str:
        html = client.get(url, {"sort": "area", "order": order}).content.decode()
        return html[html.index("<tbody") :]

    # Forces first, then services, by name; the reverse puts the services first.
    up, down = body("asc"), body("desc")
    assert up.index(force_a.name) < up.index(force_b.name) < up.index(service)
    assert down.index(service) < down.index(force_b.name) < down.index(force_a.name)


def test_the_tracker_puts_the_area_in_engage_first_by_status(client_for, world, force_a, force_b):
    client = client_for(world)
    html = client.get(reverse("monitoring:tracker"), {"sort": "status", "order": "desc"}).content.decode()
    body = html[html.index("<tbody") :]
    assert body.index(force_a.name) < body.index(force_b.name)
    first_row = body[: body.index("</tr>")]
    assert force_a.name in first_row


def test_a_header_link_keeps_the_filters_and_starts_again_at_page_one():
    sorting = Sorting([Column("a", "A", ("a",)), Column("b", "B", ("b",), first="desc")], default="a")
    sorted_ = sorting.read(QueryDict("q=kent&kind=police&page=3&sort=a&order=asc"))
    links = {header.key: QueryDict(header.url.lstrip("?")) for header in sorted_.headers}
    assert links["a"].dict() == {"q": "kent", "kind": "police", "sort": "a", "order": "desc"}
    assert links["b"].dict() == {"q": "kent", "kind": "police", "sort": "b", "order": "desc"}
    assert QueryDict(sorted_.querystring).dict() == {
        "q": "kent",
        "kind": "police",
        "sort": "a",
        "order": "asc",
    }
    assert [header.aria_sort for header in sorted_.headers] == ["ascending", "none"]
    # A sort the list does not know is not carried on to the next page.
    assert sorting.read(QueryDict("q=kent&sort=zzz&order=up&page=2")).querystring == "q=kent"


def test_the_order_ends_with_the_primary_key_in_the_same_direction():
    sorting = Sorting([Column("when", "When", ("at",), first="desc")], default="when")
    request = RequestFactory().get("/", {"sort": "when", "order": "asc"})
    queryset, sorted_ = sorting.apply(request, AuditEvent.objects.all())
    sql = str(queryset.query)
    assert sql.endswith('ORDER BY "hmicfrs_mou_auditevent"."at" ASC, "hmicfrs_mou_auditevent"."id" ASC')
    queryset, _ = sorting.apply(RequestFactory().get("/"), AuditEvent.objects.all())
    assert str(queryset.query).endswith('"at" DESC, "hmicfrs_mou_auditevent"."id" DESC')


def test_rows_built_in_python_sort_with_nothing_last_either_way():
    sorting = Sorting([Column("n", "N", value=lambda row: row["n"])], default="n")
    rows = [{"n": 2}, {"n": None}, {"n": 1}, {"n": 2, "second": True}]
    up, _ = sorting.sort_rows(RequestFactory().get("/", {"order": "asc", "sort": "n"}), rows)
    down, _ = sorting.sort_rows(RequestFactory().get("/", {"order": "desc", "sort": "n"}), rows)
    assert up == [{"n": 1}, {"n": 2}, {"n": 2, "second": True}, {"n": None}]
    assert down == [{"n": 2}, {"n": 2, "second": True}, {"n": 1}, {"n": None}]


def test_a_default_the_columns_do_not_have_is_a_mistake_found_at_start_up():
    with pytest.raises(ValueError, match="not one of the columns"):
        Sorting([Column("a", "A", ("a",))], default="b")
