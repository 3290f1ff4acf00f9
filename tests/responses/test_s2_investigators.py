"""S2: IOPC and College of Policing staff sign in to work on the super-complaints they investigate,
and see nothing else (every other record answers 404, as a missing one would).

The investigation starts on Monday 2 March 2026 (tests/responses/test_s_super_complaints.py); a
super-complaint still awaiting its eligibility decision is not theirs.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from contacts.models import Appointment, OrganisationKind, Role
from contacts.services import appointment_end
from hmicfrs_mou.models import AuditAction, AuditEvent
from hmicfrs_mou.roles import INVESTIGATING_BODY_GROUP
from responses.complaints import (
    may_open_super_complaints,
    super_complaint_decide_eligibility,
    super_complaints_visible_to,
)
from responses.models import SuperComplaint, SuperComplaintState
from tests.conftest import make_person, org
from tests.responses.test_s_super_complaints import DECIDED, investigating, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def iopc_person(directory):
    return make_person("iopc_investigator", org(OrganisationKind.IOPC, "iopc"), Role.INVESTIGATING_BODY_STAFF)


@pytest.fixture
def college_person(directory):
    return make_person(
        "college_investigator",
        org(OrganisationKind.COLLEGE_OF_POLICING, "college-of-policing"),
        Role.INVESTIGATING_BODY_STAFF,
    )


@pytest.fixture
def world(hmicfrs_staff, apcc_lead):
    """One super-complaint under investigation, and one still awaiting its eligibility decision."""
    return {
        "investigated": investigating(hmicfrs_staff, [apcc_lead], title="Police response to stalking"),
        "received": receive(hmicfrs_staff, title="Use of stop and search"),
    }


def test_s2_the_role_belongs_to_the_iopc_or_the_college_only(directory, force_a):
    from contacts.services import appointment_start
    from tests.conftest import APPOINTED

    person = make_person("someone", org(OrganisationKind.IOPC, "iopc"), Role.INVESTIGATING_BODY_STAFF)
    with pytest.raises(ValidationError, match="IOPC or College of Policing"):
        appointment_start(
            person=person, organisation=force_a, role=Role.INVESTIGATING_BODY_STAFF, starts_on=APPOINTED
        )
    assert list(person.groups.values_list("name", flat=True)) == [INVESTIGATING_BODY_GROUP]
    assert not person.has_perm("contacts.view_organisation")


@pytest.mark.parametrize("persona", ["iopc_person", "college_person"])
def test_s2_investigators_see_only_the_super_complaints_they_investigate(request, client_for, world, persona):
    person = request.getfixturevalue(persona)
    assert may_open_super_complaints(person)
    assert list(super_complaints_visible_to(person)) == [world["investigated"]]
    client = client_for(person)
    listing = client.get(reverse("responses:complaints"))
    assert listing.status_code == 200
    body = listing.content.decode()
    assert "Police response to stalking" in body
    assert "Use of stop and search" not in body
    detail = client.get(reverse("responses:complaint", kwargs={"pk": world["investigated"].pk}))
    assert detail.status_code == 200
    # They work on it; HMICFRS manages the system: no decision or report forms for them.
    assert (
        reverse("responses:complaint-report", kwargs={"pk": world["investigated"].pk})
        not in detail.content.decode()
    )


def test_s2_a_super_complaint_not_under_investigation_is_404_and_the_reach_is_audited(
    client_for, world, iopc_person
):
    response = client_for(iopc_person).get(
        reverse("responses:complaint", kwargs={"pk": world["received"].pk})
    )
    assert response.status_code == 404
    assert AuditEvent.objects.filter(
        action=AuditAction.DENIED, actor=iopc_person, object_type="responses.supercomplaint"
    ).exists()


def test_s2_investigators_get_404_on_every_other_record(
    client_for, iopc_person, world, hmicfrs_staff, pcc_office_a, force_a
):
    from tests.responses.conftest import publish_report

    report = publish_report(lead=hmicfrs_staff, areas=[force_a], title="PEEL: Avon and Somerset")
    obligation = report.obligations.get()
    client = client_for(iopc_person)
    for url in (
        reverse("responses:obligation", kwargs={"pk": obligation.pk}),
        reverse("responses:chief-comments", kwargs={"pk": obligation.pk}),
        reverse("responses:complaint", kwargs={"pk": world["received"].pk}),
        reverse("responses:complaint", kwargs={"pk": 999_999}),
    ):
        assert client.get(url).status_code == 404, url


def test_s2_investigators_land_on_their_super_complaints_with_nothing_else_in_the_navigation(
    client_for, iopc_person, world
):
    client = client_for(iopc_person)
    home = client.get("/")
    assert home.status_code == 302
    assert home["Location"] == reverse("responses:complaints")
    page = client.get(reverse("responses:complaints"))
    items = [item["text"] for item in page.context["nav_items"]]
    assert items == ["Super-complaints", "My deadlines", "Inbox"]
    assert client.get(reverse("contacts:directory")).status_code in (403, 404)


def test_s2_an_investigator_whose_appointment_ended_sees_nothing(client_for, iopc_person, world):
    appointment = Appointment.objects.get(person=iopc_person)
    appointment_end(
        appointment=appointment, ends_on=appointment.starts_on.replace(year=appointment.starts_on.year + 1)
    )
    from contacts.services import access_sync

    access_sync(person=iopc_person)
    assert not super_complaints_visible_to(iopc_person).exists()
    assert client_for(iopc_person).get(reverse("responses:complaints")).status_code == 403


@pytest.mark.wrong_actor("responses.complaints.super_complaint_decide_eligibility")
def test_s2_investigators_do_not_decide_eligibility_which_is_hmicfrs(world, iopc_person):
    complaint = world["received"]
    with pytest.raises(ValidationError, match="only its staff can"):
        super_complaint_decide_eligibility(
            complaint=complaint, eligible=True, reason="We think so.", by=iopc_person, now=DECIDED
        )
    complaint.refresh_from_db()
    assert complaint.state == SuperComplaintState.RECEIVED
    assert SuperComplaint.objects.filter(state=SuperComplaintState.ELIGIBLE).count() == 0
