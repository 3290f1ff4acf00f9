"""The audit trail names each row's record in words and links to it only when the reader may open it.

Who may open a record is each app's access module's answer (C4 confidential meetings, I7 and U3 reports
before publication, U6 PCC responses, M4 Engage cases), asked once per object type on the page, so the
page's query count does not grow with its length.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contacts.models import MeetingKind, Organisation, Role, User
from contacts.services import meeting_record
from hmicfrs_mou.audit import audit_record
from hmicfrs_mou.audit_names import audit_names
from hmicfrs_mou.models import AuditAction, AuditEvent
from inspections.models import InspectionKind, Report, ReportKind
from inspections.services import inspection_create, report_create
from responses.models import ResponseObligation
from tests.conftest import make_person, office_of
from tests.monitoring.conftest import ANNOUNCED, DECIDED, TOLD, take_case
from tests.responses.conftest import publish_report

TRAIL = "/audit/"


def _meeting(*, by: User, area: Organisation, hmicfrs: Organisation, held_on: dt.date, confidential: bool):
    return meeting_record(
        kind=MeetingKind.HMI_PCC_FORMAL,
        held_on=held_on,
        subject=area,
        parties=[hmicfrs, office_of(area).parent],
        attendees=[by],
        notes="Unpublished thematic findings." if confidential else "PEEL findings.",
        confidential=confidential,
        by=by,
    )


def _draft_report(lead: User, area: Organisation) -> Report:
    inspection = inspection_create(
        kind=InspectionKind.PEEL, title="PEEL 2025: Avon and Somerset", areas=[area], lead=lead, by=lead
    )
    return report_create(
        inspection=inspection,
        kind=ReportKind.FORCE_SPECIFIC,
        title="Avon and Somerset PEEL 2025",
        body="The report's text.",
        by=lead,
    )


def _row(html: str, marker: str) -> str:
    """The table row holding `marker` (each row is one <tr>)."""
    start = html.rfind("<tr", 0, html.index(marker))
    return html[start : html.index("</tr>", start)]


@pytest.fixture
def lead(hmicfrs: Organisation) -> User:
    return make_person("lead_hmi", hmicfrs, Role.HMI)


def test_c4_a_confidential_meeting_is_named_and_linked_only_for_those_who_may_open_it(
    client_for, hmi_a, hmicfrs_staff, force_a, hmicfrs
):
    """C4: HMICFRS staff outside the meeting see it as "Meeting <number>", without its name or a link;
    the HMI who attended sees its name, linked. An ordinary meeting is named and linked for both."""
    ordinary = _meeting(
        by=hmi_a, area=force_a, hmicfrs=hmicfrs, held_on=dt.date(2026, 3, 2), confidential=False
    )
    secret = _meeting(by=hmi_a, area=force_a, hmicfrs=hmicfrs, held_on=dt.date(2026, 4, 2), confidential=True)
    ordinary_url = reverse("contacts:meeting", args=[ordinary.pk])
    secret_url = reverse("contacts:meeting", args=[secret.pk])

    outsider = client_for(hmicfrs_staff).get(TRAIL, {"object_type": "contacts.meeting"}).content.decode()
    assert f'<a class="govuk-link" href="{ordinary_url}">Meeting: {ordinary}</a>' in outsider
    assert secret_url not in outsider
    assert str(secret) not in outsider
    assert f"Meeting {secret.pk}</td>" in outsider

    attendee = client_for(hmi_a).get(TRAIL, {"object_type": "contacts.meeting"}).content.decode()
    assert f'<a class="govuk-link" href="{secret_url}">Meeting: {secret}</a>' in attendee
    assert f'<a class="govuk-link" href="{ordinary_url}">Meeting: {ordinary}</a>' in attendee


def test_i7_a_report_before_publication_is_named_for_its_team_only(client_for, lead, hmicfrs_staff, force_a):
    """A draft report is the inspection team's (I7): the lead sees "Report: <title>" linked; other HMICFRS
    staff reading the trail see "Report <number>" only."""
    report = _draft_report(lead, force_a)
    audit_record(action=AuditAction.VIEW, actor=lead, obj=report)
    url = reverse("inspections:report", args=[report.pk])

    team = client_for(lead).get(TRAIL, {"object_type": "inspections.report"}).content.decode()
    assert f'<a class="govuk-link" href="{url}">Report: Avon and Somerset PEEL 2025</a>' in team

    outsider = client_for(hmicfrs_staff).get(TRAIL, {"object_type": "inspections.report"}).content.decode()
    assert url not in outsider
    assert "Avon and Somerset PEEL 2025" not in outsider
    assert f"Report {report.pk}</td>" in outsider


def test_u6_m4_pcc_responses_engage_cases_people_and_organisations_are_named(
    client_for, hmicfrs_staff, hmi_a, force_a, force_b, hmicfrs
):
    """U6: a PCC response is named by its report and area; M4: an Engage case by its area; a person by
    name; a force by name, linked to its directory page."""
    lead = make_person("response_lead", hmicfrs, Role.HMI)
    hmci = make_person("hmci_reader", hmicfrs, Role.HMCI)
    report = publish_report(
        lead=lead, areas=[force_a, force_b], title="Thematic: police response to stalking"
    )
    obligation = ResponseObligation.objects.get(report=report, area=force_a)
    case = take_case(force_a, hmi=hmi_a, hmci=hmci, decided=DECIDED, told=TOLD, announced=ANNOUNCED)
    for obj in (obligation, case, hmi_a, force_b):
        audit_record(action=AuditAction.VIEW, actor=hmicfrs_staff, obj=obj)

    html = client_for(hmicfrs_staff).get(TRAIL, {"action": AuditAction.VIEW}).content.decode()
    obligation_url = reverse("responses:obligation", args=[obligation.pk])
    assert (
        f'<a class="govuk-link" href="{obligation_url}">'
        f"PCC response for Thematic: police response to stalking ({force_a.name})</a>"
    ) in html
    case_url = reverse("monitoring:case", args=[case.pk])
    assert f'<a class="govuk-link" href="{case_url}">Engage case: {force_a}</a>' in html
    assert f"Person: {hmi_a}</td>" in html
    assert (
        f'<a class="govuk-link" href="{force_b.get_absolute_url()}">Organisation: {force_b.name}</a>' in html
    )


def test_a_record_type_nobody_registered_shows_its_type_and_number(client_for, hmicfrs_staff):
    audit_record(action=AuditAction.DENIED, object_type="calendar_feed", object_id="")
    audit_record(action=AuditAction.DENIED, object_type="inspections.milestone", object_id="12")
    html = client_for(hmicfrs_staff).get(TRAIL, {"action": AuditAction.DENIED}).content.decode()
    assert "Calendar feed</td>" in html
    assert "Milestone 12</td>" in html


def test_a_reader_who_may_open_nothing_gets_no_names_from_the_registry(
    hmicfrs_staff, force_a, hmi_a, hmicfrs
):
    """The registry answers only what the reader may open: nothing at all for someone signed out."""
    secret = _meeting(by=hmi_a, area=force_a, hmicfrs=hmicfrs, held_on=dt.date(2026, 4, 2), confidential=True)
    wanted = [("contacts.meeting", str(secret.pk)), ("contacts.meeting", "not-a-number")]
    now = timezone.now()
    assert audit_names.names(AnonymousUser(), wanted, now) == {}
    assert audit_names.names(hmicfrs_staff, wanted, now) == {}
    assert set(audit_names.names(hmi_a, wanted, now)) == {("contacts.meeting", str(secret.pk))}


def test_the_trail_page_costs_the_same_queries_for_10_rows_as_for_50(
    client_for, hmi_a, hmicfrs_staff, force_a, force_b, hmicfrs, lead
):
    """The names are found with one query per object type on the page, never one per row."""
    records = [
        _meeting(by=hmi_a, area=force_a, hmicfrs=hmicfrs, held_on=dt.date(2026, 3, 2), confidential=False),
        _meeting(by=hmi_a, area=force_a, hmicfrs=hmicfrs, held_on=dt.date(2026, 4, 2), confidential=True),
        _draft_report(lead, force_a),
        hmi_a,
        lead,
        force_a,
        force_b,
    ]

    def add(rows: int) -> None:
        for number in range(rows):
            audit_record(action=AuditAction.VIEW, actor=hmicfrs_staff, obj=records[number % len(records)])

    client = client_for(hmicfrs_staff)
    client.get(TRAIL)  # the session and the person's permissions, as on any later page

    add(10)
    with CaptureQueriesContext(connection) as ten:
        page = client.get(TRAIL, {"action": AuditAction.VIEW})
    assert page.content.decode().count('<tr class="govuk-table__row">') == 11

    add(40)
    with CaptureQueriesContext(connection) as fifty:
        page = client.get(TRAIL, {"action": AuditAction.VIEW})
    assert page.content.decode().count('<tr class="govuk-table__row">') == 51
    assert AuditEvent.objects.filter(action=AuditAction.VIEW).count() == 50
    assert len(ten) == len(fifty), [query["sql"] for query in fifty.captured_queries]
