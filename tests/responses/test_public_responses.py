"""U6 on the public pages: each force's PCC response to a published report, and the overdue list.

The timeline (Europe/London): a thematic report about forces A (Avon and Somerset),
B (Kent) and C (Dorset), and Essex FRS (no PCC response: U8 is an action plan), is
published on Tuesday 21 April 2026 at 10:00 BST. D5: day 1 is 21 April, day 56 is
Monday 15 June 2026, and the response is due before the end of that day: DUE is
00:00 BST on 16 June. Each boundary is tested just before, exactly at and just after.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.models import Organisation, OrganisationKind, Role, User
from hmicfrs_mou.deadlines import LONDON
from inspections.models import Report, ReportKind
from responses.models import ResponseObligation, ResponseTally
from responses.selectors import (
    ResponseStatus,
    days_overdue,
    obligation_status,
    overdue_responses,
    public_responses_for,
)
from responses.services import response_mark_answered_elsewhere
from responses.views import public as public_views
from tests.conftest import force, make_person, office_of, org
from tests.responses.test_dashboard import publish, respond

pytestmark = pytest.mark.django_db

PUBLICATION = dt.datetime(2026, 4, 21, 10, tzinfo=LONDON)
LAST_DAY = dt.date(2026, 6, 15)
DUE = dt.datetime(2026, 6, 16, 0, 0, tzinfo=LONDON)
SECOND = dt.timedelta(seconds=1)
FIRST_URL = "https://www.example-pcc.org.uk/responses/first"
SECOND_URL = "https://www.example-pcc.org.uk/responses/second"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def force_c(directory) -> Organisation:
    return force("dorset")


@pytest.fixture
def essex_frs(directory) -> Organisation:
    return org(OrganisationKind.FIRE_RESCUE_SERVICE, "essex")


@pytest.fixture
def lead(hmicfrs) -> User:
    return make_person("lead_hmi", hmicfrs, Role.HMI)


@pytest.fixture
def author_a(force_a) -> User:
    return make_person("opcc_a_author", office_of(force_a), Role.OPCC_STAFF)


@pytest.fixture
def author_b(force_b) -> User:
    return make_person("opcc_b_author", office_of(force_b), Role.OPCC_STAFF)


@pytest.fixture
def report(force_a, force_b, force_c, essex_frs, apcc, lead) -> Report:
    return publish(
        kind=ReportKind.OTHER,
        areas=[force_a, force_b, force_c, essex_frs],
        title="Thematic: police response to stalking",
        publication_at=PUBLICATION,
        lead=lead,
        interested=[apcc],
    )


def obligation_for(report: Report, area: Organisation) -> ResponseObligation:
    return ResponseObligation.objects.get(report=report, area=area)


def shown(report: Report, at: dt.datetime) -> dict[str, str]:
    return {response.area.slug: response.status for response in public_responses_for(report, at)}


def fragment(report: Report, at: dt.datetime) -> str:
    return render_to_string(
        "responses/public/_report_responses.html", {"data": {"responses": public_responses_for(report, at)}}
    )


# --- Statuses around the end of day 56 ----------------------------------------------------------


def test_u6_d5_the_deadline_is_the_end_of_day_56(report, force_a):
    item = obligation_for(report, force_a)
    assert item.published_on == dt.date(2026, 4, 21)
    assert item.due_at == DUE


@pytest.mark.parametrize(
    ("moment", "status"),
    [
        (DUE - SECOND, ResponseStatus.AWAITING),
        (DUE, ResponseStatus.OVERDUE),
        (DUE + SECOND, ResponseStatus.OVERDUE),
    ],
    ids=["just-before", "at", "just-after"],
)
def test_u6_no_response_is_awaiting_until_day_56_ends_then_overdue(report, force_a, moment, status):
    assert obligation_status(obligation_for(report, force_a), moment) == status
    assert shown(report, moment)["avon-and-somerset"] == status


@pytest.mark.parametrize(
    ("submitted_at", "status"),
    [
        (DUE - SECOND, ResponseStatus.ON_TIME),
        (DUE, ResponseStatus.LATE),
        (DUE + SECOND, ResponseStatus.LATE),
    ],
    ids=["just-before", "at", "just-after"],
)
def test_u6_the_first_upload_before_day_56_ends_is_on_time(report, force_a, author_a, submitted_at, status):
    item = obligation_for(report, force_a)
    respond(item, submitted_at=submitted_at, by=author_a, url=FIRST_URL)
    later = DUE + dt.timedelta(days=3)
    assert obligation_status(item, later) == status
    assert shown(report, later)["avon-and-somerset"] == status
    # Before the upload it was not yet a response.
    assert obligation_status(item, submitted_at - SECOND) != status


def test_u6_a_later_version_does_not_change_timeliness_and_the_first_address_is_shown(
    report, force_a, author_a
):
    item = obligation_for(report, force_a)
    respond(item, submitted_at=DUE - dt.timedelta(days=5), by=author_a, url=FIRST_URL)
    respond(item, submitted_at=DUE + dt.timedelta(days=5), by=author_a, url=SECOND_URL)
    later = DUE + dt.timedelta(days=10)
    (response,) = [r for r in public_responses_for(report, later) if r.area == force_a]
    assert response.status == ResponseStatus.ON_TIME
    assert response.published_url == FIRST_URL
    html = fragment(report, later)
    assert "Published on time" in html
    assert f'href="{FIRST_URL}"' in html
    assert SECOND_URL not in html


# --- The fragment for the public report page ----------------------------------------------------


def test_u6_fragment_shows_each_force_once_and_no_frs(report, force_a, force_b, force_c):
    responses = public_responses_for(report, DUE - SECOND)
    assert [r.area for r in responses] == [force_a, force_c, force_b]  # by name: Avon, Dorset, Kent
    assert [r.office for r in responses] == [office_of(force_a), office_of(force_c), office_of(force_b)]


def test_u6_fragment_words_for_each_status(report, force_a, force_b, force_c, author_a, author_b):
    respond(obligation_for(report, force_a), submitted_at=DUE - SECOND, by=author_a, url=FIRST_URL)
    respond(obligation_for(report, force_b), submitted_at=DUE + SECOND, by=author_b, url=SECOND_URL)

    before = fragment(report, DUE - SECOND)
    assert "Published on time" in before
    assert "Awaiting" in before
    assert "Due by the end of" in before
    assert '<time datetime="2026-06-15">15 June 2026</time>' in before
    assert "Overdue" not in before

    after = fragment(report, DUE + dt.timedelta(hours=1))
    assert "Published on time" in after
    assert "Published late" in after
    assert f'href="{SECOND_URL}"' in after
    assert "Overdue" in after
    assert "Was due by the end of" in after
    assert "Awaiting" not in after


def test_u6_fragment_for_a_response_answered_by_another(report, force_a, author_a, lead, apcc):
    other = publish(
        kind=ReportKind.FORCE_SPECIFIC,
        areas=[force_a],
        title="PEEL 2026: Avon and Somerset Police",
        publication_at=PUBLICATION + dt.timedelta(hours=2),
        lead=lead,
    )
    response_mark_answered_elsewhere(
        obligation=obligation_for(other, force_a),
        answered_by=obligation_for(report, force_a),
        reason="The thematic response answers the same recommendations.",
        by=author_a,
    )
    assert shown(other, DUE + SECOND)["avon-and-somerset"] == ResponseStatus.ANSWERED_ELSEWHERE
    html = fragment(other, DUE + SECOND)
    assert "Answered by another response" in html
    assert reverse("public_reports:report", args=[report.pk]) in html


def test_u6_nothing_is_shown_before_publication(force_a, lead):
    from inspections.services import inspection_create, report_create, report_finalise, report_schedule

    inspection = inspection_create(
        kind="peel",
        title="PEEL",
        areas=[force_a],
        lead=lead,
        by=lead,
        now=PUBLICATION - dt.timedelta(days=30),
    )
    scheduled = report_create(
        inspection=inspection,
        kind=ReportKind.FORCE_SPECIFIC,
        title="PEEL",
        body="Text.",
        by=lead,
        now=PUBLICATION - dt.timedelta(days=30),
    )
    report_finalise(report=scheduled, by=lead, now=PUBLICATION - dt.timedelta(days=20))
    scheduled = report_schedule(
        report=scheduled, publication_at=PUBLICATION, by=lead, now=PUBLICATION - dt.timedelta(days=10)
    )
    assert public_responses_for(scheduled, PUBLICATION - SECOND) == []
    assert fragment(scheduled, PUBLICATION - SECOND).strip() == ""


def test_u6_public_responses_cost_one_query_whatever_the_number_of_forces(
    report, lead, apcc, django_assert_num_queries
):
    national = publish(
        kind=ReportKind.OTHER,
        areas=list(Organisation.objects.filter(kind=OrganisationKind.POLICE_FORCE)),
        title="National thematic",
        publication_at=PUBLICATION + dt.timedelta(days=1),
        lead=lead,
        interested=[apcc],
    )
    later = DUE + dt.timedelta(days=2)
    forces = ResponseObligation.objects.filter(report=national).count()
    with django_assert_num_queries(1):
        assert len(public_responses_for(report, later)) == 3
    with django_assert_num_queries(1):
        assert len(public_responses_for(national, later)) == forces
    assert forces >= 40


# --- The public overdue list --------------------------------------------------------------------


def overdue_page(moment: dt.datetime, client_for) -> str:
    with time_machine.travel(moment, tick=False):
        response = client_for(None).get(reverse("public_responses:overdue"))
    assert response.status_code == 200
    return response.content.decode()


def test_u6_public_overdue_list_is_empty_until_day_56_ends(report, client_for):
    assert list(overdue_responses(DUE - SECOND)) == []
    assert "No response is overdue." in overdue_page(DUE - SECOND, client_for)


@pytest.mark.parametrize("moment", [DUE, DUE + SECOND], ids=["at", "just-after"])
def test_u6_public_overdue_list_from_the_end_of_day_56(report, client_for, moment):
    overdue = list(overdue_responses(moment))
    assert len(overdue) == 3
    assert {days_overdue(item, moment) for item in overdue} == {1}
    page = overdue_page(moment, client_for)
    assert "3 overdue responses" in page
    assert report.title in page
    assert reverse("public_reports:report", args=[report.pk]) in page
    assert "15 June 2026" in page


def test_u6_public_overdue_list_shows_only_overdue_responses(
    report, force_a, force_b, force_c, author_a, author_b, lead, client_for
):
    respond(obligation_for(report, force_a), submitted_at=DUE - SECOND, by=author_a)  # on time
    respond(obligation_for(report, force_b), submitted_at=DUE + dt.timedelta(hours=2), by=author_b)  # late
    # A report published later: its responses are still awaited.
    later = publish(
        kind=ReportKind.FORCE_SPECIFIC,
        areas=[force_b],
        title="PEEL 2026: Kent Police",
        publication_at=dt.datetime(2026, 6, 1, 10, tzinfo=LONDON),
        lead=lead,
    )
    moment = dt.datetime(2026, 6, 17, 9, tzinfo=LONDON)
    overdue = list(overdue_responses(moment))
    assert [(item.report, item.area) for item in overdue] == [(report, force_c)]
    assert days_overdue(overdue[0], moment) == 2
    page = overdue_page(moment, client_for)
    assert "1 overdue response" in page
    assert force_c.name in page
    assert office_of(force_c).name in page
    assert later.title not in page
    assert force_a.name not in page
    # B's late upload took it off the list; before it came, B was overdue too.
    assert len(list(overdue_responses(DUE + dt.timedelta(hours=1)))) == 2


def test_u6_public_overdue_list_leaves_out_answered_elsewhere(report, force_a, author_a, lead):
    other = publish(
        kind=ReportKind.FORCE_SPECIFIC,
        areas=[force_a],
        title="PEEL 2026: Avon and Somerset Police",
        publication_at=PUBLICATION + dt.timedelta(hours=2),
        lead=lead,
    )
    response_mark_answered_elsewhere(
        obligation=obligation_for(other, force_a),
        answered_by=obligation_for(report, force_a),
        reason="The thematic response answers the same recommendations.",
        by=author_a,
    )
    overdue = list(overdue_responses(DUE + dt.timedelta(days=1)))
    assert obligation_for(other, force_a) not in overdue
    assert obligation_for(report, force_a) in overdue


def test_u6_public_overdue_list_names_no_people(report, client_for, author_a, lead):
    page = overdue_page(DUE + dt.timedelta(days=1), client_for)
    for person in (author_a, lead):
        assert person.get_full_name() not in page
        assert person.username not in page


def test_u6_public_overdue_list_pages_through_every_overdue_response_counted_by_the_tallies(
    report, lead, force_a, client_for, monkeypatch
):
    """The count on the list comes from the response tallies (responses.tallies), not from counting the list:
    the pages it gives are exactly the overdue responses, one page each here."""
    monkeypatch.setattr(public_views, "PAGE_SIZE", 1)
    moment = DUE + dt.timedelta(days=1)
    overdue = list(overdue_responses(moment))
    assert len(overdue) == 3
    shown = []
    for number in (1, 2, 3):
        with time_machine.travel(moment, tick=False):
            response = client_for(None).get(reverse("public_responses:overdue"), {"page": number})
        assert f"3 overdue responses, showing {number} to {number}." in response.content.decode()
        shown += [row["obligation"] for row in response.context["rows"]]
    assert shown == overdue


def test_u6_public_overdue_list_costs_the_same_queries_however_many_are_overdue(
    report, lead, force_a, force_b, apcc, client_for
):
    """And counts none of them: the count is the tallies' (the old Paginator's COUNT was constant too)."""
    seen_sql: list[str] = []

    def queries() -> int:
        with (
            time_machine.travel(DUE + dt.timedelta(days=10), tick=False),
            CaptureQueriesContext(connection) as seen,
        ):
            assert client_for(None).get(reverse("public_responses:overdue")).status_code == 200
        seen_sql[:] = [q["sql"] for q in seen]
        return len(seen)

    three = queries()
    assert not [q for q in seen_sql if "COUNT(" in q.upper() and "responses_responseobligation" in q]
    publish(
        kind=ReportKind.OTHER,
        areas=[force_a, force_b],
        title="Thematic: custody",
        publication_at=PUBLICATION + dt.timedelta(days=1),
        lead=lead,
        interested=[apcc],
    )
    assert len(list(overdue_responses(DUE + dt.timedelta(days=10)))) == 5
    assert queries() == three
    assert not [q for q in seen_sql if "COUNT(" in q.upper() and "responses_responseobligation" in q]


def test_u6_public_overdue_list_shows_every_overdue_response_when_the_tallies_are_out_of_step(
    report, client_for
):
    """A bulk write not yet recounted leaves the tallies behind: the list still shows every overdue response,
    counted from the rows, and never says none is overdue."""
    ResponseTally.objects.all().delete()
    page = overdue_page(DUE + dt.timedelta(days=1), client_for)
    assert "3 overdue responses" in page
    assert "No response is overdue." not in page
