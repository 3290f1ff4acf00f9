"""U7: the response timeliness data HMICFRS shares with the APCC (dashboard, chart and CSV).

The hand-built data set, three PCC offices (A: Avon and Somerset, B: Kent, C: Dorset),
every report published and every response uploaded through the services; D5 makes
day 56 the last day, and `due_at` the first instant after it. Seen at NOW, 1 Dec 2027:

| report (published)                 | kind     | A                | B               | C               |
|------------------------------------|----------|------------------|-----------------|-----------------|
| R1 PEEL A (21 Apr 2026)            | force    | on time, day 10 (v2 later) | –      | –               |
| R2 thematic (2 Jun 2026)           | other    | on time, day 55 23:59:59 | late, day 56 00:00 (=due_at) | overdue |
| R3 PEEL B (15 Sep 2026)            | force    | –                | late, day 77    | –               |
| R4 thematic (10 Mar 2027)          | other    | on time, day 20  | on time, day 30 | late, day 60    |
| R5 PEEL C (20 Nov 2027)            | force    | –                | –               | awaiting        |
| R6 accelerated CoC A (1 Oct 2027)  | accel.   | overdue          | –               | –               |
| R7 PEEL A (10 Mar 2027)            | force    | answered by A's response to R4 | – | –            |

Medians by hand: A [10, 20, 55] → 20; B [30, 56, 77] → 56; C [60] → 60; all
[10, 20, 30, 55, 56, 60, 77] → 55; 2026 [10, 55, 56, 77] → 55.5; 2027 [20, 30, 60] → 30;
force-specific [10, 77] → 43.5; other [20, 30, 55, 56, 60] → 55; accelerated: none.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import io
import uuid

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from pypdf import PdfWriter

from contacts.models import Appointment, Organisation, Role, User
from hmicfrs_mou.deadlines import LONDON
from hmicfrs_mou.models import AuditAction, AuditEvent
from inspections.models import InspectionKind, Report, ReportKind
from inspections.services import (
    inspection_create,
    report_create,
    report_finalise,
    report_schedule,
    reports_due_notices,
)
from responses import selectors
from responses.models import ResponseObligation, ResponseTally, Submission
from responses.selectors import (
    ResponseStatus,
    current_timeliness,
    median_of,
    obligation_status,
    timeliness,
    timeliness_years,
)
from responses.services import (
    response_invite_chief,
    response_mark_answered_elsewhere,
    response_save,
    response_submit,
)
from responses.tallies import tallies_rebuild
from responses.views.apcc import chart
from tests.conftest import force, make_person, office_of

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2027, 12, 1, 12, 0, tzinfo=LONDON)
DRAFT_SECRET = "DRAFT-ONLY: the PCC's unpublished view"


def at(day: dt.date, hour: int = 10, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=LONDON)


def day_n(published_on: dt.date, n: int) -> dt.date:
    """Day n of the 56 (D5), day 1 being the day of publication; day 0 + n days after publication is n+1."""
    return published_on + dt.timedelta(days=n - 1)


def pdf_upload(name: str = "response.pdf") -> SimpleUploadedFile:
    writer = PdfWriter()
    writer.add_blank_page(width=72, height=72)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def publish(
    *,
    kind: str,
    areas: list[Organisation],
    title: str,
    publication_at: dt.datetime,
    lead: User,
    interested: list[Organisation] | None = None,
) -> Report:
    """A report taken from draft to publication through the services; publication makes the obligations (U6)."""
    created = publication_at - dt.timedelta(days=30)
    inspection_kind = InspectionKind.PEEL if kind != ReportKind.OTHER else InspectionKind.THEMATIC
    inspection = inspection_create(
        kind=inspection_kind, title=title, areas=areas, lead=lead, by=lead, now=created
    )
    report = report_create(
        inspection=inspection,
        kind=kind,
        title=title,
        body="The report's text.",
        by=lead,
        areas=areas,
        interested_parties=interested or [],
        now=created,
    )
    report_finalise(report=report, by=lead, now=created + dt.timedelta(days=10))
    report_schedule(
        report=report, publication_at=publication_at, by=lead, now=created + dt.timedelta(days=20)
    )
    reports_due_notices(now=publication_at)
    return Report.objects.get(pk=report.pk)


def obligation(report: Report, area: Organisation) -> ResponseObligation:
    return ResponseObligation.objects.get(report=report, area=area)


def respond(
    item: ResponseObligation,
    *,
    submitted_at: dt.datetime,
    by: User,
    url: str = "https://www.example-pcc.org.uk/responses/first",
) -> Submission:
    """The whole s55 response through the services: the chief invited, the parts saved, the PDF uploaded."""
    item.refresh_from_db()
    if item.chief_comments_invited_at is None:
        response_invite_chief(
            obligation=item,
            comments_due_on=item.published_on + dt.timedelta(days=7),
            by=by,
            now=item.report.publication_at,
        )
    response_save(
        obligation=item,
        by=by,
        pcc_comments=DRAFT_SECRET,
        reply_to_chief="The PCC's reply to the chief constable.",
        published_url=url,
        answers={},
    )
    return response_submit(obligation=item, upload=pdf_upload(), by=by, now=submitted_at)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def force_c(directory) -> Organisation:
    return force("dorset")


@pytest.fixture
def lead(hmicfrs) -> User:
    return make_person("lead_hmi", hmicfrs, Role.HMI)


@pytest.fixture
def offices(force_a, force_b, force_c) -> dict[str, User]:
    """A member of staff in each of the three PCC offices, who uploads its responses."""
    return {
        "A": make_person("opcc_a_author", office_of(force_a), Role.OPCC_STAFF),
        "B": make_person("opcc_b_author", office_of(force_b), Role.OPCC_STAFF),
        "C": make_person("opcc_c_author", office_of(force_c), Role.OPCC_STAFF),
    }


@pytest.fixture
def data_set(force_a, force_b, force_c, apcc, lead, offices) -> dict[str, Report]:
    """The table in the module docstring."""
    a, b, c = force_a, force_b, force_c
    by_a, by_b, by_c = offices["A"], offices["B"], offices["C"]
    three = [a, b, c]

    r1 = publish(
        kind=ReportKind.FORCE_SPECIFIC,
        areas=[a],
        title="R1 PEEL Avon and Somerset",
        publication_at=at(dt.date(2026, 4, 21)),
        lead=lead,
    )
    respond(obligation(r1, a), submitted_at=at(dt.date(2026, 5, 1)), by=by_a)
    respond(
        obligation(r1, a),
        submitted_at=at(dt.date(2026, 8, 1)),
        by=by_a,
        url="https://www.example-pcc.org.uk/responses/second",
    )

    r2 = publish(
        kind=ReportKind.OTHER,
        areas=three,
        title="R2 Thematic",
        publication_at=at(dt.date(2026, 6, 2)),
        lead=lead,
        interested=[apcc],
    )
    last = day_n(dt.date(2026, 6, 2), 56)  # 27 July 2026
    respond(obligation(r2, a), submitted_at=at(last, 23, 59, 59), by=by_a)
    respond(obligation(r2, b), submitted_at=at(last + dt.timedelta(days=1), 0, 0, 0), by=by_b)

    r3 = publish(
        kind=ReportKind.FORCE_SPECIFIC,
        areas=[b],
        title="R3 PEEL Kent",
        publication_at=at(dt.date(2026, 9, 15)),
        lead=lead,
    )
    respond(obligation(r3, b), submitted_at=at(dt.date(2026, 9, 15) + dt.timedelta(days=77)), by=by_b)

    r4 = publish(
        kind=ReportKind.OTHER,
        areas=three,
        title="R4 Thematic",
        publication_at=at(dt.date(2027, 3, 10)),
        lead=lead,
        interested=[apcc],
    )
    r7 = publish(
        kind=ReportKind.FORCE_SPECIFIC,
        areas=[a],
        title="R7 PEEL Avon and Somerset",
        publication_at=at(dt.date(2027, 3, 10), 11),
        lead=lead,
    )
    published = dt.date(2027, 3, 10)
    respond(obligation(r4, a), submitted_at=at(published + dt.timedelta(days=20)), by=by_a)
    respond(obligation(r4, b), submitted_at=at(published + dt.timedelta(days=30)), by=by_b)
    respond(obligation(r4, c), submitted_at=at(published + dt.timedelta(days=60)), by=by_c)
    response_mark_answered_elsewhere(
        obligation=obligation(r7, a),
        answered_by=obligation(r4, a),
        reason="The thematic response covers the same recommendations.",
        by=by_a,
    )

    r6 = publish(
        kind=ReportKind.ACCELERATED_CAUSE_OF_CONCERN,
        areas=[a],
        title="R6 Accelerated cause of concern",
        publication_at=at(dt.date(2027, 10, 1)),
        lead=lead,
    )
    r5 = publish(
        kind=ReportKind.FORCE_SPECIFIC,
        areas=[c],
        title="R5 PEEL Dorset",
        publication_at=at(dt.date(2027, 11, 20)),
        lead=lead,
    )
    return {"R1": r1, "R2": r2, "R3": r3, "R4": r4, "R5": r5, "R6": r6, "R7": r7}


def figures(tally) -> tuple:
    return (
        tally.on_time,
        tally.late,
        tally.awaiting,
        tally.overdue,
        tally.answered_elsewhere,
        tally.outstanding,
        tally.median_days,
    )


# --- Figures -------------------------------------------------------------------------------------


def test_u7_statuses_of_the_hand_built_data_set(data_set, force_a, force_b, force_c):
    """U6/D5: the first upload decides on time or late; exactly at due_at is late."""
    status = {
        (name, area.slug): obligation_status(item, NOW)
        for name, report in data_set.items()
        for area in (force_a, force_b, force_c)
        for item in ResponseObligation.objects.filter(report=report, area=area)
    }
    assert status == {
        ("R1", "avon-and-somerset"): ResponseStatus.ON_TIME,
        ("R2", "avon-and-somerset"): ResponseStatus.ON_TIME,
        ("R2", "kent"): ResponseStatus.LATE,
        ("R2", "dorset"): ResponseStatus.OVERDUE,
        ("R3", "kent"): ResponseStatus.LATE,
        ("R4", "avon-and-somerset"): ResponseStatus.ON_TIME,
        ("R4", "kent"): ResponseStatus.ON_TIME,
        ("R4", "dorset"): ResponseStatus.LATE,
        ("R5", "dorset"): ResponseStatus.AWAITING,
        ("R6", "avon-and-somerset"): ResponseStatus.OVERDUE,
        ("R7", "avon-and-somerset"): ResponseStatus.ANSWERED_ELSEWHERE,
    }


def test_u7_timeliness_per_office_by_hand(data_set, force_a, force_b, force_c):
    result = timeliness(at=NOW)
    by_office = {tally.key: figures(tally) for tally in result.offices}
    #                                   on time, late, awaiting, overdue, elsewhere, outstanding, median
    assert by_office == {
        office_of(force_a).pk: (3, 0, 0, 1, 1, 1, 20.0),
        office_of(force_b).pk: (1, 2, 0, 0, 0, 0, 56.0),
        office_of(force_c).pk: (0, 1, 1, 1, 0, 2, 60.0),
    }
    assert figures(result.total) == (4, 3, 1, 2, 1, 3, 55.0)
    assert result.total.total == 11


def test_u7_timeliness_per_year_and_report_type_by_hand(data_set):
    result = timeliness(at=NOW)
    assert {t.key: figures(t) for t in result.by_year} == {
        2026: (2, 2, 0, 1, 0, 1, 55.5),
        2027: (2, 1, 1, 1, 1, 2, 30.0),
    }
    assert {t.key: figures(t) for t in result.by_kind} == {
        ReportKind.FORCE_SPECIFIC: (1, 1, 1, 0, 1, 1, 43.5),
        ReportKind.OTHER: (3, 2, 0, 1, 0, 1, 55.0),
        ReportKind.ACCELERATED_CAUSE_OF_CONCERN: (0, 0, 0, 1, 0, 1, None),
    }
    assert [t.key for t in result.by_kind] == [
        ReportKind.FORCE_SPECIFIC,
        ReportKind.OTHER,
        ReportKind.ACCELERATED_CAUSE_OF_CONCERN,
    ]


def test_u7_timeliness_filters_by_year_type_and_office(data_set, force_b):
    assert figures(timeliness(year=2026, at=NOW).total) == (2, 2, 0, 1, 0, 1, 55.5)
    assert figures(timeliness(year=2027, report_kind=ReportKind.OTHER, at=NOW).total) == (
        2,
        1,
        0,
        0,
        0,
        0,
        30.0,
    )
    only_b = timeliness(office=office_of(force_b), at=NOW)
    assert [t.label for t in only_b.offices] == [office_of(force_b).name]
    assert figures(only_b.total) == (1, 2, 0, 0, 0, 0, 56.0)
    assert timeliness(year=2031, at=NOW).total.total == 0


def test_u7_timeliness_in_the_past_ignores_later_uploads_and_later_reports(data_set):
    """At 28 July 2026 12:00 (the day after R2's day 56) only R1 and R2 exist; R2 B's upload at 00:00 was late."""
    moment = at(dt.date(2026, 7, 28), 12)
    result = timeliness(at=moment)
    assert figures(result.total) == (2, 1, 0, 1, 0, 1, 55.0)
    # Just before day 56 ends nothing is late yet and C is still awaiting.
    before = timeliness(at=at(dt.date(2026, 7, 27), 23, 59, 59))
    assert figures(before.total) == (2, 0, 2, 0, 0, 2, 32.5)


def test_u7_days_to_respond_count_london_days_across_midnight_bst(data_set, force_b):
    """R2 B uploaded at 00:00 BST on 28 July (23:00 UTC on the 27th): day 56 after publication, not 55."""
    result = timeliness(year=2026, report_kind=ReportKind.OTHER, office=office_of(force_b), at=NOW)
    assert result.total.median_days == 56.0


@pytest.mark.parametrize(
    ("histogram", "median"),
    [
        ({}, None),
        ({7: 1}, 7.0),
        ({1: 1, 3: 1}, 2.0),
        ({10: 2, 20: 1}, 10.0),
        ({10: 1, 55: 1, 56: 1, 77: 1}, 55.5),
        ({0: 3, 100: 2}, 0.0),
    ],
)
def test_u7_median_from_a_histogram(histogram, median):
    from collections import Counter

    assert median_of(Counter(histogram)) == median


# --- The page, its access, the chart and the CSV ------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("apcc_lead", 200),
        ("hmicfrs_staff", 200),
        ("hmi_a", 200),
        ("pcc_office_a", 403),
        ("chief_office_a", 403),
    ],
)
def test_u7_dashboard_is_for_the_apcc_and_hmicfrs_only(request, client_for, persona, status):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(reverse("responses:dashboard")).status_code == status
    assert client_for(user).get(reverse("responses:dashboard-csv")).status_code == status


def test_u7_dashboard_sends_a_visitor_to_sign_in(client_for, directory):
    for name in ("responses:dashboard", "responses:dashboard-csv"):
        response = client_for(None).get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def get_at(client_for, user: User | None, path: str, params: dict | None = None, when: dt.datetime = NOW):
    """A GET at the moment `when`, signed in then (a session from today would have expired by then)."""
    with time_machine.travel(when, tick=False):
        return client_for(user).get(path, params or {})


def test_u7_dashboard_shows_the_figures_per_office_and_a_chart(data_set, client_for, apcc_lead, force_c):
    response = get_at(client_for, apcc_lead, reverse("responses:dashboard"))
    assert response.status_code == 200
    page = response.content.decode()
    assert office_of(force_c).name in page
    result = response.context["figures"]
    assert figures(result.total) == (4, 3, 1, 2, 1, 3, 55.0)
    # The chart: an accessible image, one bar per year when no year is chosen, figures in words.
    assert 'role="img"' in page
    assert 'aria-labelledby="timeliness-chart-title"' in page
    assert '<title id="timeliness-chart-title">Responses by year of publication</title>' in page
    assert "2026: 2 on time, 2 late, 1 outstanding" in page
    assert "2027: 2 on time, 1 late, 2 outstanding" in page
    assert "Median days to respond" in page


def test_u7_dashboard_with_a_year_charts_the_offices_with_most_late_or_overdue(
    data_set, client_for, apcc_lead, force_a, force_b, force_c
):
    response = get_at(client_for, apcc_lead, reverse("responses:dashboard"), {"year": "2026"})
    assert response.context["figures"].total.total == 5
    bars = [bar.label for bar in response.context["chart"].bars]
    # 2026: B has 2 late, C 1 overdue, A none.
    assert bars == [office_of(force_b).name, office_of(force_c).name, office_of(force_a).name]
    assert "2026" in response.context["chart"].title


def test_u7_dashboard_refuses_an_unknown_year_with_a_message_and_filters_nothing(
    data_set, client_for, apcc_lead
):
    response = get_at(client_for, apcc_lead, reverse("responses:dashboard"), {"year": "1999"})
    assert response.status_code == 200
    assert "Choose a year from the list." in response.content.decode()
    assert response.context["figures"].total.total == 11


def test_u7_apcc_sees_aggregates_only_never_draft_content(data_set, client_for, apcc_lead):
    page = get_at(client_for, apcc_lead, reverse("responses:dashboard")).content.decode()
    csv_response = get_at(client_for, apcc_lead, reverse("responses:dashboard-csv"))
    csv_text = b"".join(csv_response.streaming_content).decode("utf-8-sig")
    for text in (page, csv_text):
        assert DRAFT_SECRET not in text
        assert "R2 Thematic" not in text  # no report titles either: counts only
        assert "opcc_a_author" not in text
        assert "Opcc A Author" not in text


def _csv_rows(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_u7_csv_has_the_dashboards_figures_and_filters_and_is_audited(
    data_set, client_for, apcc_lead, force_b
):
    response = get_at(client_for, apcc_lead, reverse("responses:dashboard-csv"), {"year": "2026"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == (
        'attachment; filename="response-timeliness-2026-all-types-2027-12-01.csv"'
    )
    rows = _csv_rows(response)
    kent = next(r for r in rows if r["Breakdown"] == "PCC office" and r["Name"] == office_of(force_b).name)
    assert kent == {
        "Breakdown": "PCC office",
        "Name": office_of(force_b).name,
        "Responses due": "2",
        "On time": "0",
        "Late": "2",
        "Awaiting": "0",
        "Overdue": "0",
        "Outstanding": "0",
        "Answered by another response": "0",
        "Median days to respond": "66.5",
    }
    total = next(r for r in rows if r["Breakdown"] == "All")
    assert (total["On time"], total["Late"], total["Overdue"], total["Median days to respond"]) == (
        "2",
        "2",
        "1",
        "55.5",
    )
    assert [r["Name"] for r in rows if r["Breakdown"] == "Year of publication"] == ["2026"]
    event = AuditEvent.objects.get(action=AuditAction.EXPORT, actor=apcc_lead)
    assert event.object_type == "responses.responseobligation"
    assert event.detail["year"] == 2026
    assert event.detail["rows"] == len(rows)


def test_u7_refused_csv_is_not_an_export(client_for, pcc_office_a):
    client_for(pcc_office_a).get(reverse("responses:dashboard-csv"))
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_u7_chart_scales_bars_to_the_largest_and_leaves_out_empty_segments():
    from responses.selectors import Tally

    drawn = chart(
        "Test",
        [Tally(key=1, label="One", on_time=2, late=0, overdue=2), Tally(key=2, label="Two", on_time=1)],
    )
    first, second = drawn.bars
    assert [s.name for s in first.segments] == ["On time", "Outstanding"]
    assert first.segments[1].x == 360.0  # half of 720: 2 of the largest bar's 4
    assert [s.name for s in second.segments] == ["On time"]
    assert drawn.description == "One: 2 on time, 0 late, 2 outstanding; Two: 1 on time, 0 late, 0 outstanding"


# --- Fixed number of queries --------------------------------------------------------------------


def _many_obligations(
    lead: User, apcc: Organisation, author: User, reports: int, forces: int, year: int
) -> None:
    """`reports` thematic reports about `forces` forces each, published through the services; a mix of
    uploads on time and late (rows written directly: these tests count queries, not rules)."""
    from contacts.models import OrganisationKind

    areas = list(Organisation.objects.filter(kind=OrganisationKind.POLICE_FORCE).order_by("name")[:forces])
    # The lead writes each report as HMICFRS staff at that moment (who acts is judged then): for a year
    # before the personas' appointments, the lead's appointment starts the year before.
    Appointment.objects.filter(person=lead, starts_on__gt=dt.date(year - 1, 1, 1)).update(
        starts_on=dt.date(year - 1, 1, 1)
    )
    for n in range(reports):
        publication = at(dt.date(year, 1 + n % 12, 3))
        report = publish(
            kind=ReportKind.OTHER,
            areas=areas,
            title=f"Scale report {year}-{n}",
            publication_at=publication,
            lead=lead,
            interested=[apcc],
        )
        items = list(ResponseObligation.objects.filter(report=report).order_by("pk"))
        Submission.objects.bulk_create(
            Submission(
                obligation=item,
                version=1,
                submitted_at=publication + dt.timedelta(days=10 if i % 3 == 0 else 70),
                submitted_by=author,
                late=i % 3 != 0,
                stored_name=f"{uuid.uuid4().hex}.pdf",
                original_name="response.pdf",
                size=1,
                sha256="0" * 64,
                content={},
                published_url="https://www.example-pcc.org.uk/r",
            )
            for i, item in enumerate(items)
            if i % 4 != 3
        )


def _queries(client_for, user: User, path: str, params: dict | None = None) -> int:
    with time_machine.travel(NOW, tick=False):
        client = client_for(user)
        client.get(path, params or {})  # the first request of a session writes it; count the next
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path, params or {})
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_u7_dashboard_and_csv_cost_the_same_queries_for_10_and_200_obligations(
    client_for, apcc_lead, lead, apcc, offices
):
    _many_obligations(lead, apcc, offices["A"], reports=1, forces=10, year=2026)
    assert ResponseObligation.objects.count() == 10
    pages = [
        (reverse("responses:dashboard"), None),
        (reverse("responses:dashboard"), {"year": "2026"}),
        (reverse("responses:dashboard"), {"kind": ReportKind.OTHER}),
        (reverse("responses:dashboard-csv"), None),
    ]
    small = [_queries(client_for, apcc_lead, path, params) for path, params in pages]

    _many_obligations(lead, apcc, offices["A"], reports=4, forces=43, year=2027)
    _many_obligations(lead, apcc, offices["A"], reports=1, forces=18, year=2025)
    assert ResponseObligation.objects.count() == 10 + 4 * 43 + 18
    large = [_queries(client_for, apcc_lead, path, params) for path, params in pages]
    assert large == small


def test_u7_timeliness_selector_costs_two_queries(data_set, django_assert_num_queries):
    """One grouped query for every figure, one for the offices' names; the year list is one more."""
    with django_assert_num_queries(2):
        timeliness(at=NOW)
    with django_assert_num_queries(2):
        timeliness(year=2027, report_kind=ReportKind.OTHER, at=NOW)
    with django_assert_num_queries(1):
        assert timeliness_years(NOW) == [2026, 2027]


# --- The tallies the pages read (responses.tallies) ---------------------------------------------------


def _everything(result) -> tuple:
    """Every figure of a Timeliness, labels and medians included, for comparing two of them."""
    rows = [*result.offices, *result.by_kind, *result.by_year, result.total]
    return tuple((t.key, t.label, figures(t), t.total) for t in rows)


def _tallies() -> list[tuple]:
    return sorted(
        ResponseTally.objects.values_list(
            "area_id",
            "office_id",
            "report_kind",
            "year",
            "on_time",
            "late",
            "answered_elsewhere",
            "days",
            "open_due",
        ),
        key=repr,
    )


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"year": 2026},
        {"year": 2027, "report_kind": ReportKind.OTHER},
        {"report_kind": ReportKind.FORCE_SPECIFIC},
    ],
    ids=["all", "2026", "2027-other", "force-specific"],
)
def test_u7_the_tallies_the_pages_read_give_every_figure_of_every_response(data_set, filters):
    """The services kept the tallies current through every step of the data set (publication, uploads,
    a second version, an answer elsewhere): read at NOW they give what grouping every response gives."""
    assert _everything(current_timeliness(at=NOW, **filters)) == _everything(timeliness(at=NOW, **filters))
    assert figures(current_timeliness(at=NOW).total) == (4, 3, 1, 2, 1, 3, 55.0)


def test_u7_the_tallies_filter_by_office(data_set, force_b):
    only_b = current_timeliness(office=office_of(force_b), at=NOW)
    assert [t.label for t in only_b.offices] == [office_of(force_b).name]
    assert figures(only_b.total) == (1, 2, 0, 0, 0, 0, 56.0)


def test_u7_the_end_of_day_56_makes_a_tallied_response_overdue_with_no_write(data_set, force_c):
    """D5: R5's response for C is awaiting until the first instant after day 56, then overdue; the tally
    is not written in between."""
    due_at = obligation(data_set["R5"], force_c).due_at
    written = list(ResponseTally.objects.values_list("pk", "refreshed_at"))
    for moment, awaiting, overdue in ((due_at - dt.timedelta(seconds=1), 1, 2), (due_at, 0, 3)):
        current = current_timeliness(at=moment)
        assert (current.total.awaiting, current.total.overdue) == (awaiting, overdue)
        assert _everything(current) == _everything(timeliness(at=moment))
    assert list(ResponseTally.objects.values_list("pk", "refreshed_at")) == written


def test_u7_rebuilding_the_tallies_changes_none_the_services_kept(data_set, offices, force_a):
    kept = _tallies()
    # (force, type, year): A has five (R1, R2, R4, R6, R7 all differ), B three (R2, R3, R4), C three (R2, R4, R5).
    assert len(kept) == 11
    assert tallies_rebuild() == 11
    assert _tallies() == kept
    # Undoing an answer elsewhere recounts too: R7 is A's overdue response again.
    response_mark_answered_elsewhere(
        obligation=obligation(data_set["R7"], force_a), answered_by=None, reason="", by=offices["A"]
    )
    assert figures(current_timeliness(at=NOW).total) == (4, 3, 1, 3, 0, 4, 55.0)
    assert _everything(current_timeliness(at=NOW)) == _everything(timeliness(at=NOW))


def test_u7_the_migration_counts_the_responses_already_due_as_the_services_do(data_set):
    """responses/migrations/0006 builds the tallies of an existing database with the historical models."""
    from django.apps import apps

    migration = importlib.import_module("responses.migrations.0006_response_tallies")
    kept = _tallies()
    ResponseTally.objects.all().delete()
    migration.count_existing_responses(apps, None)
    assert _tallies() == kept


def test_u7_the_tallies_cost_three_queries_then_two_however_many_responses(
    data_set, django_assert_num_queries
):
    """Counted: whether the tallies changed, the tallies, the offices' names. Counted before and unchanged:
    the first and the last only."""
    selectors._remembered.clear()
    with django_assert_num_queries(3):
        counted = current_timeliness(at=NOW)
    with django_assert_num_queries(2):
        remembered = current_timeliness(at=NOW + dt.timedelta(minutes=1))
    assert _everything(remembered) == _everything(counted)
    assert (counted.at, remembered.at) == (NOW, NOW + dt.timedelta(minutes=1))
    with django_assert_num_queries(3):
        current_timeliness(year=2027, report_kind=ReportKind.OTHER, at=NOW)
    # The APCC's home shows the totals only: the offices are not named, and the totals are the same.
    with django_assert_num_queries(1):
        totals = current_timeliness(at=NOW, name_offices=False)
    assert figures(totals.total) == figures(current_timeliness(at=NOW).total)


def test_u7_remembered_figures_change_with_an_upload_an_answer_elsewhere_and_a_rebuild(
    data_set, offices, force_a, django_assert_num_queries
):
    """The figures a process remembers are those of the tallies as they are: each service that writes a
    tally, and the nightly rebuild, makes the next read count again, and it gives what grouping every
    response gives."""
    before = current_timeliness(at=NOW)
    overdue = obligation(data_set["R7"], force_a)
    response_mark_answered_elsewhere(obligation=overdue, answered_by=None, reason="", by=offices["A"])
    undone = current_timeliness(at=NOW)
    assert (undone.total.overdue, undone.total.answered_elsewhere) == (
        before.total.overdue + 1,
        before.total.answered_elsewhere - 1,
    )
    assert _everything(undone) == _everything(timeliness(at=NOW))

    respond(overdue, submitted_at=NOW, by=offices["A"])
    uploaded = current_timeliness(at=NOW)
    assert (uploaded.total.overdue, uploaded.total.late) == (undone.total.overdue - 1, undone.total.late + 1)
    assert _everything(uploaded) == _everything(timeliness(at=NOW))

    tallies_rebuild(NOW)
    with django_assert_num_queries(3):  # new revisions: counted again, to the same figures
        rebuilt = current_timeliness(at=NOW)
    assert _everything(rebuilt) == _everything(uploaded)


def test_u7_remembered_figures_are_those_of_the_moment_read_back_and_forth_across_day_56(data_set, force_c):
    """D5: the figures are remembered only between two due moments; read on either side of R5's, in either
    order, they are what grouping every response gives at that moment."""
    due_at = obligation(data_set["R5"], force_c).due_at
    for moment in (due_at, due_at - dt.timedelta(seconds=1), due_at, NOW, due_at - dt.timedelta(days=30)):
        assert _everything(current_timeliness(at=moment)) == _everything(timeliness(at=moment))


def test_u7_remembered_figures_are_kept_apart_by_filter_and_language(data_set, force_b):
    """Each filter and each language is remembered apart (the report types are labelled in the reader's
    language, though the Welsh catalogue leaves them in English today)."""
    selectors._remembered.clear()
    everyone = current_timeliness(at=NOW)
    only_b = current_timeliness(office=office_of(force_b), at=NOW)
    assert _everything(only_b) != _everything(everyone)
    assert _everything(current_timeliness(at=NOW)) == _everything(everyone)
    with translation.override("cy"):
        in_welsh = current_timeliness(at=NOW)
        assert _everything(in_welsh) == _everything(timeliness(at=NOW))
    assert len(selectors._remembered) == 3
    assert {key[-1] for key in selectors._remembered} == {translation.get_language(), "cy"}


def test_u7_the_most_remembered_is_bounded(data_set, monkeypatch):
    monkeypatch.setattr(selectors, "REMEMBERED_MOST", 2)
    selectors._remembered.clear()
    for year in (2025, 2026, 2027):
        current_timeliness(year=year, at=NOW)
    assert [key[2] for key in selectors._remembered] == [2026, 2027]


def test_u7_any_save_of_a_tally_is_a_new_revision_and_its_figures_are_counted_again(data_set):
    """Not only the tallies' own code: a tally changed and saved by any means is read afresh."""
    before = current_timeliness(at=NOW)
    tally = ResponseTally.objects.order_by("pk").first()
    revision = tally.revision
    tally.on_time += 1
    tally.save()
    assert tally.revision != revision
    assert current_timeliness(at=NOW).total.on_time == before.total.on_time + 1
