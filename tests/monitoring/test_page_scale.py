"""Monitoring pages whose data only grows (M1, M2, M10): each reads a page or a summary, never everything.

The page benchmark (benchmarks/pages.py) times these at ten times the real size; here the behaviour
that keeps them flat is pinned down: "Previously in Engage" a page at a time, newest exits first;
an area's Engage history the most recent few unless all are asked for; the workspace's case for each
area chosen in the database; the findings register ordered and counted from one narrow read; the
tracker's chart from grouped counts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.db.models import Case, IntegerField, Value, When
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.models import AREA_KINDS, Organisation, Role, User
from hmicfrs_mou.deadlines import LONDON
from inspections.models import Finding, FindingKind
from monitoring.models import EngageCase, EngageCause, EngagePeriod, FindingStatus
from monitoring.selectors import engage_over_time, quarter_ends, workspace_cases
from monitoring.services import finding_status_set
from monitoring.views.cases import AREA_HISTORY
from monitoring.views.public import PREVIOUS_PAGE_SIZE
from tests.conftest import make_person
from tests.monitoring.test_register_views import AFTER, published_report, register_url

READ = AFTER + dt.timedelta(days=40)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 9, 1, 12, tzinfo=LONDON)
FIRST_ENTRY = dt.date(2019, 1, 7)


def _public_period(
    area: Organisation, hmi: User, entered: dt.date, left: dt.date | None, *, decided: bool = True
) -> EngageCase:
    """An announced case and its period, written directly (the steps are tested elsewhere)."""
    at = dt.datetime.combine(entered, dt.time(9), tzinfo=LONDON)
    exited = dt.datetime.combine(left, dt.time(9), tzinfo=LONDON) if left else None
    case = EngageCase.objects.create(
        area=area,
        advice="a",
        evidence="e",
        advised_by=hmi,
        advised_at=at,
        decision_engage=True,
        decision_reasons="r",
        decided_at=at,
        pcc_informed_at=at,
        announcement="x",
        announced_at=at,
        exited_at=exited,
    )
    EngageCause.objects.create(case=case, text=f"Cause about {area.name} from {entered}", position=1)
    EngagePeriod.objects.create(case=case, area=area, starts_on=entered, ends_on=left)
    return case


def _areas(count: int) -> list[Organisation]:
    return list(Organisation.objects.filter(kind__in=AREA_KINDS).order_by("pk")[:count])


def _ended(hmi: User, count: int) -> list[EngageCase]:
    """`count` ended periods, one an area, each left a week after the one before."""
    cases = []
    for n, area in enumerate(_areas(count)):
        entered = FIRST_ENTRY + dt.timedelta(weeks=n)
        cases.append(_public_period(area, hmi, entered, entered + dt.timedelta(days=200)))
    return cases


def _get(path: str, user: User | None = None, at: dt.datetime = NOW) -> Any:
    client = Client()
    if user is not None:
        client.force_login(user)
    with time_machine.travel(at, tick=False):
        return client.get(path)


def _queries(path: str, user: User | None = None, at: dt.datetime = NOW) -> int:
    client = Client()
    if user is not None:
        client.force_login(user)
    with time_machine.travel(at, tick=False):
        client.get(path)  # the first request of a session writes it; count the next
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
    return len(captured.captured_queries)


# --- Previously in Engage (M10) -------------------------------------------------------------------------


def test_m10_previously_in_engage_pages_the_exits_newest_first(directory, hmi_a):
    cases = _ended(hmi_a, PREVIOUS_PAGE_SIZE + 5)
    newest_first = [case.area.name for case in reversed(cases)]
    url = reverse("public_monitoring:previously")

    first = _get(url).content.decode()
    shown = [name for name in newest_first if f">{name}</a>" in first]
    assert shown == newest_first[:PREVIOUS_PAGE_SIZE]
    assert first.index(newest_first[0]) < first.index(newest_first[1])
    assert 'href="?page=2" rel="next"' in first
    assert 'rel="prev"' not in first
    assert f"Showing 1 to {PREVIOUS_PAGE_SIZE}, most recent first." in first
    # The causes of each period shown come with it (M5: the causes are public).
    assert f"Cause about {newest_first[0]}" in first

    second = _get(url + "?page=2").content.decode()
    assert [name for name in newest_first if f">{name}</a>" in second] == newest_first[PREVIOUS_PAGE_SIZE:]
    assert f'href="{url}" rel="prev"' in second
    assert 'rel="next"' not in second
    assert "(page 2)" in second


def test_m10_previously_in_engage_past_the_end_or_not_a_number_goes_to_the_first_page(directory, hmi_a):
    _ended(hmi_a, 3)
    url = reverse("public_monitoring:previously")
    response = _get(url + "?page=7")
    assert response.status_code == 302
    assert response["Location"] == url
    for page in ("abc", "0", "-2", "9" * 40):
        response = _get(url + f"?page={page}")
        assert response.status_code in (200, 302)
    page = _get(url + "?page=abc").content.decode()
    assert 'rel="next"' not in page
    assert "Showing" not in page


def test_m10_previously_in_engage_costs_the_same_queries_with_more_exits(directory, hmi_a):
    url = reverse("public_monitoring:previously")
    _ended(hmi_a, PREVIOUS_PAGE_SIZE + 1)
    few = [_queries(url), _queries(url + "?page=2")]
    more = _areas(70)[PREVIOUS_PAGE_SIZE + 1 :]
    for n, area in enumerate(more):
        entered = FIRST_ENTRY - dt.timedelta(weeks=60 + n)
        _public_period(area, hmi_a, entered, entered + dt.timedelta(days=100))
    assert [_queries(url), _queries(url + "?page=2")] == few


def test_m10_a_period_still_open_or_left_after_the_moment_is_not_previously_in_engage(directory, hmi_a):
    kent, essex, dorset = (
        Organisation.objects.get(slug=s, kind="police_force") for s in ("kent", "essex", "dorset")
    )
    _public_period(kent, hmi_a, dt.date(2024, 1, 8), None)
    _public_period(essex, hmi_a, dt.date(2024, 1, 8), dt.date(2026, 10, 1))
    _public_period(dorset, hmi_a, dt.date(2023, 1, 9), dt.date(2025, 2, 3))
    page = _get(reverse("public_monitoring:previously")).content.decode()
    assert "Dorset Police" in page
    assert "Kent Police" not in page
    assert "Essex Police" not in page


# --- An area's Engage history (M10) -----------------------------------------------------------------------


def test_m10_area_page_shows_the_most_recent_times_in_engage_and_all_on_request(client_for, hmi_a, force_a):
    entered = [dt.date(2012 + 2 * n, 2, 6) for n in range(AREA_HISTORY + 2)]
    for day in entered:
        _public_period(force_a, hmi_a, day, day + dt.timedelta(days=300))
    url = reverse("monitoring:area", kwargs={"pk": force_a.pk})

    page = _get(url, hmi_a).content.decode()
    shown = [day for day in entered if f"{day.day} {day:%B %Y}" in page]
    assert shown == entered[-AREA_HISTORY:]
    assert page.index(f"6 February {entered[-1].year}") < page.index(f"6 February {entered[-2].year}")
    assert 'href="?history=all#history"' in page
    assert f"The most recent {AREA_HISTORY} times are shown." in page

    everything = _get(url + "?history=all", hmi_a).content.decode()
    assert all(f"{day.day} {day:%B %Y}" in everything for day in entered)
    assert 'href="?history=all' not in everything


def test_m2_area_page_with_a_long_history_still_shows_the_live_case_and_engage_today(hmi_a, force_a):
    for n in range(AREA_HISTORY + 2):
        day = dt.date(2010 + 2 * n, 3, 1)
        _public_period(force_a, hmi_a, day, day + dt.timedelta(days=300))
    live = _public_period(force_a, hmi_a, dt.date(2026, 1, 12), None)
    page = _get(reverse("monitoring:area", kwargs={"pk": force_a.pk}), hmi_a).content.decode()
    assert "Still in Engage" in page
    assert reverse("monitoring:case", kwargs={"pk": live.pk}) in page
    assert "Open Engage case" in page


def test_m10_area_page_costs_the_same_queries_with_a_longer_history(hmi_a, force_a):
    url = reverse("monitoring:area", kwargs={"pk": force_a.pk})
    _public_period(force_a, hmi_a, dt.date(2024, 3, 4), dt.date(2025, 3, 3))
    few = _queries(url, hmi_a)
    for n in range(AREA_HISTORY + 3):
        day = dt.date(2008 + 2 * n, 3, 3)
        _public_period(force_a, hmi_a, day, day + dt.timedelta(days=300))
    assert _queries(url, hmi_a) == few


def _scan_or_engage(url: str, user: User) -> str:
    client = Client()
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        page = client.get(url).content.decode()
    return "Engage" if "govuk-tag--orange" in page else "Scan" if "govuk-tag--green" in page else "neither"


def test_m2_m10_area_page_says_engage_only_while_a_period_is_in_force_whatever_its_history(hmi_a, force_a):
    """The area page reads Scan or Engage from the newest periods it lists: an old history does not hide a
    period in force, an ended one is Scan, and a period that starts after today is not yet Engage."""
    url = reverse("monitoring:area", kwargs={"pk": force_a.pk})
    for n in range(AREA_HISTORY + 3):
        day = dt.date(2008 + 2 * n, 3, 3)
        _public_period(force_a, hmi_a, day, day + dt.timedelta(days=300))
    assert _scan_or_engage(url, hmi_a) == "Scan"
    current = _public_period(force_a, hmi_a, dt.date(2026, 1, 12), None)
    assert _scan_or_engage(url, hmi_a) == "Engage"
    EngagePeriod.objects.filter(case=current).update(ends_on=dt.date(2026, 8, 1))
    assert _scan_or_engage(url, hmi_a) == "Scan"
    EngagePeriod.objects.filter(case=current).update(starts_on=dt.date(2026, 10, 1), ends_on=None)
    assert _scan_or_engage(url, hmi_a) == "Scan"


# --- The workspace (M2) ---------------------------------------------------------------------------------------


def test_m2_workspace_case_is_the_live_one_over_a_newer_declined_one_else_the_latest(hmi_a, hmci, force_a):
    live = _public_period(force_a, hmi_a, dt.date(2026, 1, 12), None)
    older = _public_period(force_a, hmi_a, dt.date(2020, 1, 13), dt.date(2021, 1, 11))
    declined = EngageCase.objects.create(
        area=force_a,
        advice="a",
        evidence="e",
        advised_by=hmi_a,
        advised_at=dt.datetime(2026, 6, 1, 9, tzinfo=LONDON),
        decision_engage=False,
        decision_reasons="Not needed.",
        decided_at=dt.datetime(2026, 6, 2, 9, tzinfo=LONDON),
    )
    assert workspace_cases(hmci, NOW)[force_a.pk] == live
    # Once the live case has been left, the latest case is the one shown.
    EngageCase.objects.filter(pk=live.pk).update(exited_at=dt.datetime(2026, 8, 3, 9, tzinfo=LONDON))
    assert workspace_cases(hmci, NOW)[force_a.pk] == declined
    assert older.pk != declined.pk
    # Before HMCI decided, the newer advice was itself live: the newest live case is the one shown.
    before = dt.datetime(2026, 6, 1, 12, tzinfo=LONDON)
    assert workspace_cases(hmci, before)[force_a.pk] == declined
    # Before that advice, the case then live.
    assert workspace_cases(hmci, dt.datetime(2026, 5, 1, tzinfo=LONDON))[force_a.pk] == live
    # The office's own areas only.
    assert set(workspace_cases(hmci, NOW, [force_a.pk])) == {force_a.pk}


# --- The findings register (M1) ----------------------------------------------------------------------------


@pytest.fixture
def lead(hmicfrs: Organisation) -> User:
    return make_person("lead_hmi", hmicfrs, Role.HMI)


def test_m1_register_orders_by_kind_then_newest_report_then_reference_and_counts_by_status(
    lead, force_a, chief_office_a, pcc_office_a
):
    published_report(
        force_a,
        lead,
        "PEEL 2024: Avon and Somerset",
        [
            (FindingKind.RECOMMENDATION, "Older recommendation."),
            (FindingKind.CAUSE_OF_CONCERN, "Older cause."),
        ],
    )
    newer = published_report(
        force_a,
        lead,
        "PEEL 2026: Avon and Somerset",
        [
            (FindingKind.AREA_FOR_IMPROVEMENT, "Newer improvement."),
            (FindingKind.RECOMMENDATION, "Newer recommendation one."),
            (FindingKind.RECOMMENDATION, "Newer recommendation two."),
        ],
    )
    same_moment = published_report(
        force_a,
        lead,
        "Crime data integrity: Avon and Somerset",
        [
            (FindingKind.RECOMMENDATION, "Same-moment recommendation."),
            (FindingKind.CAUSE_OF_CONCERN, "Same cause."),
        ],
    )
    # The 2026 reports are published a month after the 2024 one, both at the same moment: their findings
    # of a kind are then in order of reference across the two.
    # Saved one by one, as the services save a report (a QuerySet.update would not reach the register's rows).
    moment = newer.publication_at + dt.timedelta(days=30)
    for report in (newer, same_moment):
        report.publication_at = moment
        report.save(update_fields=["publication_at"])
    progressed = newer.findings.filter(kind=FindingKind.RECOMMENDATION).order_by("reference").first()
    finding_status_set(finding=progressed, status=FindingStatus.BEING_PROGRESSED, by=chief_office_a, now=READ)

    expected = list(
        Finding.objects.filter(area=force_a)
        .annotate(
            kind_order=Case(
                When(kind=FindingKind.CAUSE_OF_CONCERN, then=Value(0)),
                When(kind=FindingKind.RECOMMENDATION, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("kind_order", "-report__publication_at", "reference")
        .values_list("reference", flat=True)
    )
    page = _get(register_url(force_a), pcc_office_a, READ).content.decode()
    positions = [page.index(f">{reference}</a>") for reference in expected]
    assert positions == sorted(positions)
    assert "All 7 findings by status" in page
    assert "7 findings" in page

    status = _get(register_url(force_a) + "?status=awaiting_review", pcc_office_a, READ).content.decode()
    assert "6 findings match the filters" in status
    assert f">{progressed.reference}</a>" not in status
    both = _get(
        register_url(force_a) + "?status=being_progressed&kind=recommendation", pcc_office_a, READ
    ).content.decode()
    assert "1 finding matches the filters" in both
    assert f">{progressed.reference}</a>" in both


# --- The tracker's chart (M10) -----------------------------------------------------------------------------------


def test_m10_chart_counts_match_the_periods_in_force_at_each_quarter_end(directory, hmi_a):
    areas = _areas(12)
    spans = [
        (dt.date(2018, 5, 1), dt.date(2019, 3, 31)),  # left on a quarter's last day: out at that end
        (dt.date(2018, 5, 1), dt.date(2019, 4, 1)),  # left the day after: in at the end of March
        (dt.date(2019, 3, 31), None),  # entered on a quarter's last day: in at that end
        (dt.date(2020, 7, 1), dt.date(2020, 9, 30)),
        (dt.date(2021, 1, 1), dt.date(2023, 6, 15)),
        (dt.date(2015, 2, 2), dt.date(2017, 2, 2)),  # before the chart: never counted
    ]
    for area, (entered, left) in zip(areas, spans, strict=False):
        _public_period(area, hmi_a, entered, left)
    kinds = {area.pk: area.kind for area in areas}
    periods = list(EngagePeriod.objects.values_list("area_id", "starts_on", "ends_on"))
    for quarter in engage_over_time(at=NOW):
        in_force = [
            kinds[area_id]
            for area_id, starts_on, ends_on in periods
            if starts_on <= quarter.ends_on and (ends_on is None or ends_on > quarter.ends_on)
        ]
        assert (quarter.police, quarter.fire) == (
            in_force.count("police_force"),
            in_force.count("fire_rescue_service"),
        ), quarter.ends_on
    assert [q.ends_on for q in engage_over_time(at=NOW)] == quarter_ends(2019, NOW.date())
