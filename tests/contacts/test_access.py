"""Persona tests for every view so far (STYLE.md §8): who gets which answer.

Force A's records belong to its OPCC (the owner); force B's OPCC is the same
role but an outsider and gets 404, the same answer as for a record that does
not exist (C4 for confidential meetings).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from contacts.models import Meeting, MeetingKind
from contacts.services import meeting_record
from hmicfrs_mou.models import AuditAction, AuditEvent
from tests.conftest import office_of

pytestmark = pytest.mark.django_db

PERSONAS = ["pcc_office_a", "pcc_office_b", "chief_office_a", "hmi_a", "other_hmi", "apcc_lead", "anonymous"]
LOGIN = "login"  # an anonymous visitor is sent to sign in


@pytest.fixture
def people(request, pcc_office_a, pcc_office_b, chief_office_a, hmi_a, other_hmi, apcc_lead):
    return {
        "pcc_office_a": pcc_office_a,
        "pcc_office_b": pcc_office_b,
        "chief_office_a": chief_office_a,
        "hmi_a": hmi_a,
        "other_hmi": other_hmi,
        "apcc_lead": apcc_lead,
        "anonymous": None,
    }


@pytest.fixture
def meeting_a(hmicfrs, force_a, hmi_a):
    """A C2 meeting between the HMI and force A's PCC."""
    return meeting_record(
        kind=MeetingKind.HMI_PCC_FORMAL,
        held_on=dt.date(2026, 3, 2),
        subject=force_a,
        parties=[hmicfrs, office_of(force_a).parent],
        attendees=[hmi_a],
        notes="PEEL findings.",
        by=hmi_a,
    )


@pytest.fixture
def confidential_meeting_a(hmicfrs, force_a, hmi_a):
    """C4: unpublished findings shared with force A's PCC in confidence."""
    return meeting_record(
        kind=MeetingKind.HMI_PCC_FORMAL,
        held_on=dt.date(2026, 4, 2),
        subject=force_a,
        parties=[hmicfrs, office_of(force_a).parent],
        attendees=[hmi_a],
        notes="Unpublished thematic findings.",
        confidential=True,
        by=hmi_a,
    )


@pytest.fixture
def national_meeting(hmicfrs, apcc, hmicfrs_staff):
    return meeting_record(
        kind=MeetingKind.HMCI_APCC_CHAIR,
        held_on=dt.date(2026, 2, 2),
        subject=None,
        parties=[hmicfrs, apcc],
        by=hmicfrs_staff,
    )


# Expected status per persona, in PERSONAS order.
VIEW_MATRIX = [
    ("/", [302, 302, 302, 302, 302, 302, 302]),
    ("/hmicfrs/", [403, 403, 403, 200, 200, 403, LOGIN]),
    ("/opcc/", [200, 200, 403, 403, 403, 403, LOGIN]),
    ("/force/", [403, 403, 200, 403, 403, 403, LOGIN]),
    ("/apcc/", [403, 403, 403, 403, 403, 200, LOGIN]),
    ("/directory/", [200, 200, 200, 200, 200, 200, LOGIN]),
    ("/directory/?kind=police_force&q=avon", [200, 200, 200, 200, 200, 200, LOGIN]),
    ("/directory/forces/avon-and-somerset/", [200, 200, 200, 200, 200, 200, LOGIN]),
    ("/directory/forces/no-such-force/", [404, 404, 404, 404, 404, 404, LOGIN]),
    ("/meetings/", [200, 200, 403, 200, 200, 200, LOGIN]),
    ("/meetings/new/", [403, 403, 403, 200, 200, 403, LOGIN]),
    ("/meetings/cadences/", [200, 200, 403, 200, 200, 200, LOGIN]),
    ("/audit/", [403, 403, 403, 200, 200, 403, LOGIN]),
    ("/public/", [200, 200, 200, 200, 200, 200, 200]),
    ("/public/forces/avon-and-somerset/", [200, 200, 200, 200, 200, 200, 200]),
    ("/public/fire/avon/", [200, 200, 200, 200, 200, 200, 200]),
    ("/public/forces/no-such-force/", [404, 404, 404, 404, 404, 404, 404]),
    ("/accessibility/", [200, 200, 200, 200, 200, 200, 200]),
    ("/privacy/", [200, 200, 200, 200, 200, 200, 200]),
    ("/admin/", [302, 302, 302, 302, 302, 302, 302]),
    ("/deadlines/", [200, 200, 200, 200, 200, 200, LOGIN]),
    ("/deadlines/?show=overdue", [200, 200, 200, 200, 200, 200, LOGIN]),
    ("/deadlines/calendar/", [200, 200, 200, 200, 200, 200, LOGIN]),
    ("/inbox/", [200, 200, 200, 200, 200, 200, LOGIN]),
    ("/health/", [403, 403, 403, 200, 200, 403, LOGIN]),
    ("/calendar/not-a-real-token-at-all-0123456789.ics", [404, 404, 404, 404, 404, 404, 404]),
]

RECORD_MATRIX = [
    # (fixture, expected statuses in PERSONAS order)
    ("meeting_a", [200, 404, 404, 200, 200, 404, LOGIN]),
    ("confidential_meeting_a", [200, 404, 404, 200, 404, 404, LOGIN]),
    ("national_meeting", [404, 404, 404, 200, 200, 200, LOGIN]),
]


def _check(response, expected):
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == expected


@pytest.mark.parametrize(("url", "expected"), VIEW_MATRIX, ids=[row[0] for row in VIEW_MATRIX])
def test_every_view_answers_each_persona(people, client_for, url, expected):
    for persona, status in zip(PERSONAS, expected, strict=True):
        response = client_for(people[persona]).get(url)
        try:
            _check(response, status)
        except AssertionError:
            pytest.fail(f"{persona} on {url}: expected {status}, got {response.status_code}")


@pytest.mark.parametrize(("record", "expected"), RECORD_MATRIX)
def test_meeting_records_answer_each_persona_c4(request, people, client_for, record, expected):
    meeting = request.getfixturevalue(record)
    url = reverse("contacts:meeting", kwargs={"pk": meeting.pk})
    for persona, status in zip(PERSONAS, expected, strict=True):
        response = client_for(people[persona]).get(url)
        try:
            _check(response, status)
        except AssertionError:
            pytest.fail(f"{persona} on {record}: expected {status}, got {response.status_code}")


def test_outsider_gets_the_same_404_as_for_a_record_that_does_not_exist(client_for, pcc_office_b, meeting_a):
    client = client_for(pcc_office_b)
    hidden = client.get(reverse("contacts:meeting", kwargs={"pk": meeting_a.pk}))
    missing = client.get(reverse("contacts:meeting", kwargs={"pk": meeting_a.pk + 1000}))
    assert hidden.status_code == missing.status_code == 404

    def without_tokens(response) -> str:
        # Nonces and CSRF tokens differ on every response; nothing else may.
        return re.sub(r'(nonce|value)="[^"]*"', "", response.content.decode())

    assert without_tokens(hidden) == without_tokens(missing)


def test_a_refused_reach_for_a_record_is_audited_with_who_and_where(client_for, pcc_office_b, meeting_a):
    client = client_for(pcc_office_b)
    client.get(reverse("contacts:meeting", kwargs={"pk": meeting_a.pk}), REMOTE_ADDR="203.0.113.9")
    event = AuditEvent.objects.get(action=AuditAction.DENIED)
    assert event.actor == pcc_office_b
    assert (event.object_type, event.object_id) == ("contacts.meeting", str(meeting_a.pk))
    assert event.ip_address == "203.0.113.9"


def test_meeting_lists_show_only_visible_meetings(
    client_for, pcc_office_a, pcc_office_b, meeting_a, national_meeting
):
    assert list(client_for(pcc_office_a).get("/meetings/").context["page_obj"]) == [meeting_a]
    assert list(client_for(pcc_office_b).get("/meetings/").context["page_obj"]) == []


def test_confidential_meeting_reads_are_audited_c4(client_for, hmi_a, confidential_meeting_a):
    client_for(hmi_a).get(reverse("contacts:meeting", kwargs={"pk": confidential_meeting_a.pk}))
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, actor=hmi_a, object_id=str(confidential_meeting_a.pk)
    ).exists()


def test_a_meeting_recorded_after_the_moment_asked_is_not_visible_then(hmi_a, meeting_a):
    before = meeting_a.created_at - dt.timedelta(seconds=1)
    assert meeting_a not in Meeting.objects.visible_to(hmi_a, at=before)
    assert meeting_a in Meeting.objects.visible_to(hmi_a, at=meeting_a.created_at)


def test_superuser_status_alone_shows_no_confidential_meeting(django_user_model, confidential_meeting_a):
    admin = django_user_model.objects.create_superuser("root", "root@example.invalid", "pw-long-enough-123")
    assert not Meeting.objects.visible_to(admin).exists()


def test_ended_appointment_removes_access(client_for, pcc_office_a, meeting_a):
    from contacts.services import appointment_end

    appointment = pcc_office_a.appointments.get()
    appointment_end(appointment=appointment, ends_on=dt.date(2026, 1, 1))
    pcc_office_a.refresh_from_db()
    response = client_for(pcc_office_a).get(reverse("contacts:meeting", kwargs={"pk": meeting_a.pk}))
    assert response.status_code == 404
    assert client_for(pcc_office_a).get("/opcc/").status_code == 403


def test_each_portal_home_shows_the_persons_organisation(
    client_for, pcc_office_a, chief_office_a, hmi_a, apcc_lead
):
    assert (
        "Office of the Police and Crime Commissioner for Avon and Somerset"
        in client_for(pcc_office_a).get("/opcc/").content.decode()
    )
    assert "Avon and Somerset Constabulary" in client_for(chief_office_a).get("/force/").content.decode()
    hmi_page = client_for(hmi_a).get("/hmicfrs/").content.decode()
    assert "Forces and FRSs you are HMI for" in hmi_page
    assert "Avon and Somerset Constabulary" in hmi_page
    assert (
        "Association of Police and Crime Commissioners"
        in client_for(apcc_lead).get("/apcc/").content.decode()
    )


def test_directory_shows_hmi_and_liaison_lead(client_for, hmi_a, liaison_lead_a):
    page = client_for(hmi_a).get("/directory/?q=avon").content.decode()
    assert "Hmi A Tester" in page
    assert "Liaison A Tester" in page
