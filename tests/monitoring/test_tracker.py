"""The APCC's Engage tracker across all 87 areas, its CSV and its chart (M2, M4, M7–M9, D6, D7).

Force A (Avon and Somerset) is in Engage on the timeline of tests/monitoring/conftest.py:
decided Wednesday 4 March 2026 (the period opens that day), announced Tuesday 10 March, the
PPOG held Monday 1 June with an offer of assistance recorded that afternoon.

By hand:
- D6: Monday 1 June 2026 + 5 working days = Monday 8 June; the follow-up is due by the end of
  that day, so it is overdue from 00:00 BST on Tuesday 9 June.
- D7 with no meeting held: entered 4 March 2026 + 4 months = 4 July 2026, overdue from 00:00 BST
  on Sunday 5 July. After the PPOG of 1 June: 1 October 2026.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.models import OrganisationKind
from hmicfrs_mou.csv_export import cell
from hmicfrs_mou.deadlines import LONDON
from hmicfrs_mou.models import AuditAction, AuditEvent
from monitoring.history import load_engage_history
from monitoring.models import EngageCase, EngagePeriod, MeetingAction, OversightMeeting
from monitoring.selectors import engage_over_time, plain_working, quarter_ends, tracker_rows
from monitoring.services import case_exit
from monitoring.views.tracker import over_time_chart
from tests.conftest import force
from tests.core.test_no_rule_codes import visible_text
from tests.monitoring.conftest import ADVICE, ANNOUNCED, DECIDED, EVIDENCE, FOLLOW_UP_DUE, TOLD

pytestmark = pytest.mark.django_db

AFTER_OFFER = dt.datetime(2026, 6, 2, 10, tzinfo=LONDON)
PPOG_DUE_NO_MEETING = dt.datetime(2026, 7, 5, 0, 0, tzinfo=LONDON)
SECOND = dt.timedelta(seconds=1)


def _row(rows, area):
    return next(row for row in rows if row.area.pk == area.pk)


def _page(client, url=None, **params):
    response = client.get(url or reverse("monitoring:tracker"), params)
    assert response.status_code == 200
    return response.content.decode()


def _csv(client, **params):
    response = client.get(reverse("monitoring:tracker-csv"), params)
    assert response.status_code == 200
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 announced to Excel
    text = raw.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


# --- The rows ------------------------------------------------------------------------------------


def test_m2_tracker_has_every_area_forces_first_each_in_scan_or_engage(apcc_lead, offer, force_a):
    rows = tracker_rows(user=apcc_lead, at=AFTER_OFFER)
    assert len(rows) == 87
    kinds = [row.area.kind for row in rows]
    assert kinds == [OrganisationKind.POLICE_FORCE] * 43 + [OrganisationKind.FIRE_RESCUE_SERVICE] * 44
    engaged = [row for row in rows if row.in_engage]
    assert [row.area for row in engaged] == [force_a]
    assert {row.status for row in rows} == {"Scan", "Engage"}


def test_m9_d6_tracker_row_for_apcc_lead_shows_the_offer_due_and_its_working(apcc_lead, offer, force_a):
    row = _row(tracker_rows(user=apcc_lead, at=AFTER_OFFER), force_a)
    assert row.case.pk == offer.meeting.case_id
    assert row.entered_label == "4 March 2026"
    assert row.days_in_engage == (dt.date(2026, 6, 2) - dt.date(2026, 3, 4)).days
    assert row.open_offers == 1
    assert row.offer_due_at == FOLLOW_UP_DUE
    assert row.offer_due_day == dt.date(2026, 6, 8)
    assert "Monday 1 June 2026 + 5 working days = Monday 8 June 2026" in row.offer_working
    assert not row.offer_working.startswith("D6")
    assert row.offer_overdue is False
    # D7: the next PPOG four months after the one held on 1 June.
    assert row.oversight_due_day == dt.date(2026, 10, 1)
    assert row.oversight_overdue is False
    assert row.toolkit_sent is False
    assert row.next_meeting is None


@pytest.mark.parametrize(
    ("moment", "overdue"),
    [(FOLLOW_UP_DUE - SECOND, False), (FOLLOW_UP_DUE, True), (FOLLOW_UP_DUE + SECOND, True)],
)
def test_d6_offer_is_overdue_from_the_end_of_the_fifth_working_day(
    apcc_lead, offer, force_a, moment, overdue
):
    row = _row(tracker_rows(user=apcc_lead, at=moment), force_a)
    assert row.offer_overdue is overdue


def test_m9_a_followed_up_offer_no_longer_counts(apcc_lead, offer, force_a):
    MeetingAction.objects.filter(pk=offer.pk).update(followed_up=True)
    row = _row(tracker_rows(user=apcc_lead, at=AFTER_OFFER), force_a)
    assert (row.open_offers, row.offer_due_at, row.offer_working) == (0, None, "")


def test_tracker_page_shows_the_case_link_the_offer_due_date_and_how_it_was_worked_out(
    client_for, apcc_lead, offer, force_a
):
    with time_machine.travel(AFTER_OFFER, tick=False):
        page = _page(client_for(apcc_lead))
    assert reverse("monitoring:case", kwargs={"pk": offer.meeting.case_id}) in page
    assert "The earliest follow-up is due by the end of 8 June 2026" in page
    assert "How this date was worked out" in page
    assert "Monday 1 June 2026 + 5 working days = Monday 8 June 2026" in page
    assert "PPOG due by the end of 1 October 2026" in page
    # In what the reader sees (the page's CSRF token is random and may hold any two characters).
    assert not re.search(r"\b(D6|D7)\b", visible_text(page))
    # The HMI's advice and evidence never reach the tracker.
    assert ADVICE not in page
    assert EVIDENCE not in page


@pytest.mark.parametrize(
    ("moment", "overdue"),
    [
        (PPOG_DUE_NO_MEETING - SECOND, False),
        (PPOG_DUE_NO_MEETING, True),
        (PPOG_DUE_NO_MEETING + SECOND, True),
    ],
)
def test_d7_ppog_overdue_four_months_after_entry_with_no_meeting(
    client_for, apcc_lead, announced_case, force_a, moment, overdue
):
    with time_machine.travel(moment, tick=False):
        row = _row(tracker_rows(user=apcc_lead, at=moment), force_a)
        page = _page(client_for(apcc_lead))
    assert row.oversight_due_day == dt.date(2026, 7, 4)
    assert "Entered Engage" in row.oversight_due.working
    assert row.oversight_overdue is overdue
    assert ("Overdue" in page) is overdue
    assert "PPOG due by the end of 4 July 2026" in page


def test_m5_m6_apcc_sees_scan_until_the_announcement(apcc_lead, hmi_a, announced_case, force_a):
    """The period opens at HMCI's decision; the APCC learns of it only from the announcement."""
    before = _row(tracker_rows(user=apcc_lead, at=ANNOUNCED - SECOND), force_a)
    assert (before.in_engage, before.case) == (False, None)
    assert _row(tracker_rows(user=apcc_lead, at=ANNOUNCED), force_a).in_engage
    # The HMI for the area sees the case from the decision.
    assert _row(tracker_rows(user=hmi_a, at=DECIDED + SECOND), force_a).in_engage


def test_m10_after_exit_the_area_is_in_scan_and_its_case_is_kept(apcc_lead, hmci, announced_case, force_a):
    exited = dt.datetime(2026, 9, 1, 11, tzinfo=LONDON)
    case_exit(case=announced_case, reasons="Progress.", improvements="Better.", by=hmci, now=exited)
    row = _row(tracker_rows(user=apcc_lead, at=exited + SECOND), force_a)
    assert row.in_engage is False
    assert row.case.pk == announced_case.pk
    assert row.case_label == "Left Engage 1 September 2026"


def test_tracker_filters_by_kind_and_status(client_for, apcc_lead, announced_case, force_a):
    at = ANNOUNCED + SECOND
    assert len(tracker_rows(user=apcc_lead, at=at, kind="fire")) == 44
    assert len(tracker_rows(user=apcc_lead, at=at, kind="police")) == 43
    assert [r.area for r in tracker_rows(user=apcc_lead, at=at, status="engage")] == [force_a]
    assert len(tracker_rows(user=apcc_lead, at=at, kind="police", status="scan")) == 42
    with time_machine.travel(at, tick=False):
        page = _page(client_for(apcc_lead), kind="police", status="engage")
        bad = _page(client_for(apcc_lead), kind="navy")
    assert "1 force and fire and rescue service matching the filters" in page
    with time_machine.travel(at, tick=False):
        aliased = _page(client_for(apcc_lead), kind="police_force")
    assert "43 forces and fire and rescue services matching the filters" in aliased
    assert "There is a problem" in bad
    assert "Choose police forces, fire and rescue services or both." in bad
    assert "87 forces and fire and rescue services" in bad


def test_hmicfrs_staff_see_the_tracker_too(client_for, hmicfrs_staff, announced_case):
    with time_machine.travel(ANNOUNCED + SECOND, tick=False):
        page = _page(client_for(hmicfrs_staff))
    assert reverse("monitoring:case", kwargs={"pk": announced_case.pk}) in page


@pytest.mark.parametrize("persona", ["pcc_office_a", "chief_office_a"])
@pytest.mark.parametrize("name", ["monitoring:tracker", "monitoring:tracker-csv"])
def test_tracker_is_refused_to_opcc_and_force_users(client_for, request, persona, name, announced_case):
    user = request.getfixturevalue(persona)
    with time_machine.travel(ANNOUNCED + SECOND, tick=False):
        assert client_for(user).get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", ["monitoring:tracker", "monitoring:tracker-csv"])
def test_tracker_sends_visitors_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_tracker_refuses_posts(client_for, apcc_lead):
    assert client_for(apcc_lead).post(reverse("monitoring:tracker")).status_code == 405


# --- The CSV -------------------------------------------------------------------------------------


def test_tracker_csv_has_the_same_rows_and_is_audited_as_an_export(client_for, apcc_lead, offer, force_a):
    with time_machine.travel(AFTER_OFFER, tick=False):
        rows = _csv(client_for(apcc_lead))
    header, body = rows[0], rows[1:]
    assert len(body) == 87
    assert header[:4] == ["Force or FRS", "Kind", "Status", "Latest case"]
    row = dict(zip(header, next(r for r in body if r[0] == force_a.name), strict=True))
    assert row["Status"] == "Engage"
    assert row["Entered Engage"] == "4 March 2026"
    assert row["Outstanding offers of assistance"] == "1"
    assert row["Earliest follow-up due by the end of"] == "2026-06-08"
    assert row["Follow-up overdue"] == "No"
    assert row["Next PPOG or FPOG due by the end of"] == "2026-10-01"
    assert row["Toolkit sent"] == "No"
    assert "Monday 1 June 2026 + 5 working days" in row["How the follow-up date was worked out"]
    assert not any("D6" in c or "D7" in c for c in header)
    event = AuditEvent.objects.get(action=AuditAction.EXPORT, actor=apcc_lead)
    assert event.detail["rows"] == 87
    assert event.detail["cases"] == [offer.meeting.case_id]


def test_tracker_csv_applies_the_filters(client_for, apcc_lead, announced_case, force_a):
    with time_machine.travel(ANNOUNCED + SECOND, tick=False):
        rows = _csv(client_for(apcc_lead), status="engage")
    assert [r[0] for r in rows[1:]] == [force_a.name]


def test_csv_cells_cannot_run_as_formulas():
    assert cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert cell("+1") == "'+1"
    assert cell("-1") == "'-1"
    assert cell("@A1") == "'@A1"
    assert cell("Kent Police") == "Kent Police"
    assert cell(None) == ""


def test_deadline_working_is_shown_without_its_rule_id():
    assert plain_working("D6: Monday 1 June 2026 + 5 working days") == "Monday 1 June 2026 + 5 working days"
    assert plain_working("no rule here") == "no rule here"


# --- Query counts do not grow with the data -----------------------------------------------------------


def _more_cases(apcc_lead, hmi_a, count: int) -> None:
    """`count` more police forces in Engage, announced, each with 3 meetings and 12 actions (direct rows)."""
    areas = [a for a in force_a_others() if not EngagePeriod.objects.filter(area=a).exists()][:count]
    start = dt.datetime(2026, 3, 1, 9, tzinfo=LONDON)
    for area in areas:
        case = EngageCase.objects.create(
            area=area,
            advice="a",
            evidence="e",
            advised_by=hmi_a,
            advised_at=start,
            decision_engage=True,
            decision_reasons="r",
            decided_at=start,
            pcc_informed_at=start,
            announcement="x",
            announced_at=start,
        )
        EngagePeriod.objects.create(case=case, area=area, starts_on=start.date())
        for n in range(3):
            meeting = OversightMeeting.objects.create(
                case=case,
                scheduled_for=dt.date(2026, 4, 1 + n),
                held_on=dt.date(2026, 4, 1 + n) if n < 2 else None,
                scheduled_by=hmi_a,
                recorded_at=start if n < 2 else None,
                created_at=start,
            )
            MeetingAction.objects.bulk_create(
                MeetingAction(
                    meeting=meeting,
                    text="offer",
                    owner=area,
                    offer_of_assistance=True,
                    follow_up_due_at=dt.datetime(2026, 4, 9 + n, tzinfo=LONDON),
                    follow_up_working="D6: worked",
                    recorded_by=apcc_lead,
                    recorded_at=start,
                )
                for _ in range(4)
            )


def force_a_others():
    return [force(slug) for slug in ("kent", "dorset", "essex", "surrey", "sussex", "suffolk", "norfolk")]


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", ["monitoring:tracker", "monitoring:tracker-csv"])
def test_tracker_costs_the_same_queries_with_one_case_or_many(
    client_for, apcc_lead, hmi_a, offer, force_a, name
):
    client = client_for(apcc_lead)
    url = reverse(name)
    with time_machine.travel(AFTER_OFFER, tick=False):
        client.get(url)  # warm the session and caches
        one = _queries(client, url)
        _more_cases(apcc_lead, hmi_a, 7)
        load_engage_history()
        many = _queries(client, url)
        rows = tracker_rows(user=apcc_lead, at=AFTER_OFFER, status="engage")
    assert len(rows) == 1 + 7 + 5  # force A, the seven above, five from the public history still in Engage
    assert sum(row.open_offers for row in rows) == 1 + 7 * 12
    assert one == many


def test_tracker_rows_cost_a_fixed_number_of_queries(apcc_lead, hmi_a, offer):
    def count() -> int:
        reader = type(apcc_lead).objects.get(pk=apcc_lead.pk)  # as a new request would: nothing kept on it
        with CaptureQueriesContext(connection) as captured:
            tracker_rows(user=reader, at=AFTER_OFFER)
        return len(captured)

    one = count()
    _more_cases(apcc_lead, hmi_a, 7)
    load_engage_history()
    assert count() == one


# --- The chart of areas in Engage over time ---------------------------------------------------------


def test_quarter_ends_run_from_2019_to_the_last_ended_quarter():
    ends = quarter_ends(2019, dt.date(2019, 9, 29))
    assert ends == [dt.date(2019, 3, 31), dt.date(2019, 6, 30)]
    assert quarter_ends(2019, dt.date(2019, 3, 31))[-1] == dt.date(2019, 3, 31)


def test_m10_engage_over_time_counts_the_public_history_by_quarter(directory):
    load_engage_history()
    quarters = {q.ends_on: q for q in engage_over_time(at=dt.datetime(2025, 6, 1, tzinfo=LONDON))}
    # By hand from engage_history.csv (dates at the start of the month or year where only that is known).
    assert quarters[dt.date(2019, 3, 31)].police == 1  # Cleveland
    assert quarters[dt.date(2020, 12, 31)].police == 2  # + Greater Manchester from December 2020
    assert quarters[dt.date(2022, 6, 30)].police == 7  # + Met (28 June), Wiltshire, Gloucs, Staffs, D&C
    assert quarters[dt.date(2024, 12, 31)].police == 6  # Met, Gloucs, Staffs, D&C, Notts, Lincs
    assert quarters[dt.date(2025, 3, 31)].police == 5  # the Met left on 23 January 2025
    assert max(quarters) == dt.date(2025, 3, 31)
    assert all(q.fire == 0 for q in quarters.values())


def test_m5_engage_over_time_leaves_out_decisions_not_yet_announced(engage, force_a, hmi_a, hmci):
    """Decided on 4 March 2026 (the period opens that day), announced only on 3 April."""
    end_of_march = dt.date(2026, 3, 31)

    def police_on(at: dt.datetime) -> int:
        return next(q.police for q in engage_over_time(at=at) if q.ends_on == end_of_march)

    announced = dt.datetime(2026, 4, 3, 10, tzinfo=LONDON)
    engage(force_a, hmi=hmi_a, hmci=hmci, decided=DECIDED, told=TOLD, announced=announced)
    assert police_on(announced - SECOND) == 0
    assert police_on(announced) == 1
    assert police_on(announced + dt.timedelta(days=30)) == 1


def test_chart_draws_a_column_per_quarter_with_a_description_in_words(directory):
    load_engage_history()
    quarters = engage_over_time(at=dt.datetime(2025, 6, 1, tzinfo=LONDON))
    chart = over_time_chart(quarters)
    assert len(chart.columns) == len(quarters) == 25
    assert chart.columns[0].text == "31 March 2019: 1 police force and 0 fire and rescue services in Engage"
    tallest = max(chart.columns, key=lambda c: c.police_height)
    assert tallest.police_y == chart.baseline - tallest.police_height
    assert "The most at once: 7" in chart.description
    assert [y.year for y in chart.years] == list(range(2019, 2026))


def test_tracker_page_has_the_chart_and_its_table(client_for, apcc_lead, directory):
    load_engage_history()
    # The personas are appointed from 3 July 2025.
    with time_machine.travel(dt.datetime(2025, 8, 1, 12, tzinfo=LONDON), tick=False):
        page = _page(client_for(apcc_lead))
    assert 'role="img"' in page
    assert "Forces and fire and rescue services in Engage at the end of each quarter" in page
    assert "The figures in the chart as a table" in page
    assert "30 June 2025" in page
    assert "Gloucestershire" in page
    # A historical case carries no meetings or toolkit record from before the portal.
    assert "Not recorded in this portal" in page
