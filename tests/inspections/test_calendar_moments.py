"""U3/U4: a report's moments in the calendar feed of those who plan around them, read back with vobject.

The team sees its reports' moments by title; the chief's office and the PCC of the force a
force-specific report covers see the embargoed copy's availability and publication from when it is
scheduled, named by the inspection they were told of (I1) until the copy reaches them; nobody else.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
import vobject
from django.urls import reverse

from hmicfrs_mou.deadlines import LONDON
from inspections.models import ReportKind
from tests.inspections.conftest import FINALISED, PUBLICATION, SCHEDULED, draft, final, schedule

pytestmark = pytest.mark.django_db

BEFORE_COPY = SCHEDULED + dt.timedelta(hours=1)
IN_EMBARGO = PUBLICATION - dt.timedelta(hours=24)


def _events(client_for, user, at: dt.datetime) -> dict[str, object]:
    client_for(user).post(reverse("calendar-regenerate"))
    user.refresh_from_db()
    with time_machine.travel(at, tick=False):
        response = client_for(None).get(reverse("calendar-feed", kwargs={"token": user.calendar_token}))
    assert response.status_code == 200
    calendar = vobject.readOne(response.content.decode())
    return {str(event.uid.value): event for event in calendar.contents.get("vevent", [])}


def _london(event) -> dt.datetime:
    return event.dtstart.value.astimezone(LONDON)


@pytest.fixture
def scheduled(peel_a):
    return schedule(final(peel_a))


def test_u3_the_team_sees_publication_and_the_embargoed_copy_at_their_london_times(
    client_for, scheduled, lead_hmi
):
    events = _events(client_for, lead_hmi, BEFORE_COPY)
    publication = events[f"report-{scheduled.pk}-publication@mou-portal"]
    copy = events[f"report-{scheduled.pk}-embargoed-copy@mou-portal"]
    assert publication.summary.value == f"Publication: {scheduled.title}"
    assert _london(publication) == dt.datetime(2026, 4, 21, 10, tzinfo=LONDON)
    # 48 elapsed hours before: 10:00 BST on Sunday 19 April.
    assert _london(copy) == dt.datetime(2026, 4, 19, 10, tzinfo=LONDON)
    assert copy.summary.value == f"Embargoed copy available: {scheduled.title}"
    assert publication.url.value.endswith(reverse("inspections:report", args=[scheduled.pk]))


@pytest.mark.parametrize("person", ["pcc_office_a", "chief_office_a"])
def test_u3_the_force_and_its_pcc_plan_around_the_moments_named_by_the_inspection_until_the_copy_arrives(
    client_for, scheduled, request, person
):
    user = request.getfixturevalue(person)
    before = _events(client_for, user, BEFORE_COPY)
    copy = before[f"report-{scheduled.pk}-embargoed-copy@mou-portal"]
    assert copy.summary.value == f"Embargoed copy available: the report of {scheduled.inspection.title}"
    assert scheduled.title not in "".join(str(e.summary.value) for e in before.values())
    assert _london(copy) == dt.datetime(2026, 4, 19, 10, tzinfo=LONDON)
    during = _events(client_for, user, IN_EMBARGO)
    assert (
        during[f"report-{scheduled.pk}-publication@mou-portal"].summary.value
        == f"Publication: {scheduled.title}"
    )


@pytest.mark.parametrize("person", ["pcc_office_b", "other_hmi", "apcc_lead", "hmicfrs_staff"])
def test_u3_nobody_else_is_told_a_reports_moments(client_for, scheduled, request, person):
    user = request.getfixturevalue(person)
    for at in (BEFORE_COPY, IN_EMBARGO):
        events = _events(client_for, user, at)
        assert not [uid for uid in events if uid.startswith(f"report-{scheduled.pk}-")]


def test_a_report_not_yet_scheduled_has_no_moments(client_for, peel_a, lead_hmi, pcc_office_a):
    report = draft(peel_a)
    for user in (lead_hmi, pcc_office_a):
        assert not [
            uid for uid in _events(client_for, user, FINALISED) if uid.startswith(f"report-{report.pk}")
        ]


def test_u4_an_interested_party_sees_the_moments_only_once_the_copy_reaches_it(
    client_for, thematic, force_b, pcc_office_b
):
    office_b = pcc_office_b.appointments.first().organisation
    report = schedule(final(thematic, ReportKind.OTHER, interested_parties=[office_b]))
    assert not [
        u for u in _events(client_for, pcc_office_b, BEFORE_COPY) if u.startswith(f"report-{report.pk}")
    ]
    during = _events(client_for, pcc_office_b, IN_EMBARGO)
    assert (
        during[f"report-{report.pk}-publication@mou-portal"].summary.value == f"Publication: {report.title}"
    )


def test_moving_publication_raises_the_sequence(client_for, scheduled, lead_hmi):
    uid = f"report-{scheduled.pk}-publication@mou-portal"
    first = int(_events(client_for, lead_hmi, BEFORE_COPY)[uid].sequence.value)
    schedule(scheduled, publication_at=PUBLICATION + dt.timedelta(days=7), now=BEFORE_COPY)
    moved = _events(client_for, lead_hmi, BEFORE_COPY + dt.timedelta(hours=1))[uid]
    assert int(moved.sequence.value) > first
    assert _london(moved) == dt.datetime(2026, 4, 28, 10, tzinfo=LONDON)
