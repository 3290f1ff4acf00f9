"""The summary behind the tracker's chart of areas in Engage (EngageQuarterChange, M5, M10).

The chart reads the summary where it holds, so its cost does not grow with the history; the summary
is worked out afresh by each write that changes the public periods (an announcement, an exit, loaded
history). Each test checks the chart against the periods counted by hand from the database, the
definition of "in Engage at the end of a quarter": started by then and not ended by then.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hmicfrs_mou.deadlines import LONDON
from monitoring.history import load_engage_history
from monitoring.models import EngageChartState, EngagePeriod, EngageQuarterChange
from monitoring.selectors import engage_over_time, quarter_changes
from monitoring.services import case_exit, engage_chart_refresh
from tests.monitoring.conftest import ANNOUNCED, DECIDED, TOLD

pytestmark = pytest.mark.django_db

SECOND = dt.timedelta(seconds=1)
LATER = dt.datetime(2026, 11, 2, 12, tzinfo=LONDON)


def _by_hand(at: dt.datetime) -> list[tuple[dt.date, int, int]]:
    """Each quarter end's police forces and FRSs in Engage under a decision announced by `at`."""
    periods = list(
        EngagePeriod.objects.filter(case__announced_at__lte=at).values_list(
            "area__kind", "starts_on", "ends_on"
        )
    )
    figures = []
    for quarter in engage_over_time(at=at):
        end = quarter.ends_on
        kinds = [
            kind
            for kind, starts_on, ends_on in periods
            if starts_on <= end and (ends_on is None or ends_on > end)
        ]
        figures.append((end, kinds.count("police_force"), kinds.count("fire_rescue_service")))
    return figures


def _chart(at: dt.datetime) -> list[tuple[dt.date, int, int]]:
    return [(q.ends_on, q.police, q.fire) for q in engage_over_time(at=at)]


def _reads_periods(at: dt.datetime) -> bool:
    with CaptureQueriesContext(connection) as queries:
        engage_over_time(at=at)
    return any("monitoring_engageperiod" in query["sql"] for query in queries.captured_queries)


def test_m5_announcing_a_decision_refreshes_the_summary_the_chart_reads(engage, force_a, hmi_a, hmci):
    assert not EngageChartState.objects.exists()
    # No summary yet: the chart counts the periods themselves.
    assert _reads_periods(LATER)
    engage(force_a, hmi=hmi_a, hmci=hmci, decided=DECIDED, told=TOLD, announced=ANNOUNCED)
    assert not _reads_periods(LATER)
    assert _chart(LATER) == _by_hand(LATER)
    assert dict((end, police) for end, police, _ in _chart(LATER))[dt.date(2026, 3, 31)] == 1
    # The summary is exactly the periods' counts at that moment.
    rows = {(r.kind, r.quarter): (r.started, r.ended) for r in EngageQuarterChange.objects.all()}
    assert rows == quarter_changes(LATER) == {("police_force", dt.date(2026, 1, 1)): (1, 0)}


def test_m10_leaving_engage_refreshes_the_summary(engage, force_a, hmi_a, hmci):
    case = engage(force_a, hmi=hmi_a, hmci=hmci, decided=DECIDED, told=TOLD, announced=ANNOUNCED)
    exited = dt.datetime(2026, 7, 15, 11, tzinfo=LONDON)
    case_exit(case=case, reasons="Progress.", improvements="Better.", by=hmci, now=exited)
    assert not _reads_periods(LATER)
    chart = dict((end, police) for end, police, _ in _chart(LATER))
    # In at the end of March and June, out by the end of September.
    assert (chart[dt.date(2026, 3, 31)], chart[dt.date(2026, 6, 30)], chart[dt.date(2026, 9, 30)]) == (
        1,
        1,
        0,
    )
    assert _chart(LATER) == _by_hand(LATER)


def test_m10_loading_history_refreshes_the_summary(directory):
    now = dt.datetime(2025, 8, 1, 12, tzinfo=LONDON)
    with time_machine.travel(now, tick=False):
        load_engage_history()
    assert EngageChartState.objects.get().as_of == now
    assert not _reads_periods(now + SECOND)
    assert _chart(now + SECOND) == _by_hand(now + SECOND)
    # History known when the summary was made reads the same at an earlier moment (counted afresh).
    june_2025 = dt.datetime(2025, 6, 1, tzinfo=LONDON)
    assert _reads_periods(june_2025)
    assert _chart(june_2025) == _by_hand(june_2025)


def test_m5_the_summary_holds_only_until_an_announcement_recorded_for_a_later_moment(
    engage, force_a, hmi_a, hmci
):
    """Worked out on 1 April with an announcement recorded for 3 April: it does not hold from then."""
    announced = dt.datetime(2026, 4, 3, 10, tzinfo=LONDON)
    engage(force_a, hmi=hmi_a, hmci=hmci, decided=DECIDED, told=TOLD, announced=announced)
    refreshed = dt.datetime(2026, 4, 1, 10, tzinfo=LONDON)
    engage_chart_refresh(now=refreshed)
    state = EngageChartState.objects.get()
    assert (state.as_of, state.holds_until) == (refreshed, announced)
    end_of_march = dt.date(2026, 3, 31)
    for at, summary, police in ((refreshed, True, 0), (announced - SECOND, True, 0), (announced, False, 1)):
        assert _reads_periods(at) is not summary
        assert dict((end, n) for end, n, _ in _chart(at))[end_of_march] == police
        assert _chart(at) == _by_hand(at)
    # Before the summary was worked out the chart counts the periods too.
    assert _reads_periods(refreshed - SECOND)
