"""Preparing for inspections through the pages: the programme and framework (P1), commissions (P2),
external reference groups (P3).

Personas (tests/conftest.py): hmicfrs_staff and hmi_a run inspections; apcc_lead is APCC staff;
pcc_office_a is force A's PCC's office (the owner of A's records), pcc_office_b force B's (an
outsider to A's records); chief_office_a is force A's chief constable's office. The reference
group belongs to peel_a (tests/inspections/conftest.py), whose team includes hmi_a as the HMI for
force A; its lead is lead_hmi.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contacts.models import Organisation, OrganisationKind, Role, User
from hmicfrs_mou.models import AuditAction, AuditEvent
from inspections.models import (
    CommissionRequest,
    CommissionState,
    Programme,
    ProgrammeEvent,
    ProgrammeState,
    ReferenceGroup,
    Representation,
    RepresentationKind,
)
from inspections.services import (
    commission_agree_estimate,
    commission_request,
    programme_advance,
    reference_group_set,
    representation_record,
)
from tests.conftest import make_person, office_of

pytestmark = pytest.mark.django_db

LOGIN = "login"
PERSONAS = [
    "hmicfrs_staff",
    "hmi_a",
    "apcc_lead",
    "pcc_office_a",
    "pcc_office_b",
    "chief_office_a",
    "anonymous",
]


# --- fixtures and helpers ------------------------------------------------------------------------


@pytest.fixture
def people(hmicfrs_staff, hmi_a, apcc_lead, pcc_office_a, pcc_office_b, chief_office_a):
    return {
        "hmicfrs_staff": hmicfrs_staff,
        "hmi_a": hmi_a,
        "apcc_lead": apcc_lead,
        "pcc_office_a": pcc_office_a,
        "pcc_office_b": pcc_office_b,
        "chief_office_a": chief_office_a,
        "anonymous": None,
    }


@pytest.fixture
def programme(directory) -> Programme:
    # There is no service that creates a programme (see programme_new); the row is P1's starting point.
    return Programme.objects.create(title="Inspection programme and framework", year="2026–27")


@pytest.fixture
def asking(programme, hmicfrs_staff) -> Programme:
    """The programme once HMCI has asked the APCC chair for representations (P1)."""
    return programme_advance(
        programme=programme, to=ProgrammeState.REPRESENTATIONS_REQUESTED, by=hmicfrs_staff
    )


@pytest.fixture
def apcc_chair(apcc) -> User:
    """P1: the APCC's collated response comes from its chair (or chief executive)."""
    return make_person("apcc_chair", apcc, Role.APCC_CHAIR)


@pytest.fixture
def collated(asking, apcc, apcc_chair) -> Representation:
    return representation_record(programme=asking, organisation=apcc, text="Collated views.", by=apcc_chair)


@pytest.fixture
def direct_a(asking, force_a, pcc_office_a) -> Representation:
    return representation_record(
        programme=asking, organisation=office_of(force_a), text="Force A's PCC's own view.", by=pcc_office_a
    )


@pytest.fixture
def commission_a(force_a, pcc_office_a) -> CommissionRequest:
    return commission_request(
        requested_by=[office_of(force_a)], areas=[force_a], scope="Custody in force A.", by=pcc_office_a
    )


def get(user, url: str, client_for):
    return client_for(user).get(url)


def check(response, expected) -> None:
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == expected


def each_persona(people, client_for, url: str, expected: list, method: str = "get") -> None:
    for persona, status in zip(PERSONAS, expected, strict=True):
        response = getattr(client_for(people[persona]), method)(url)
        try:
            check(response, status)
        except AssertionError:
            pytest.fail(f"{persona} {method.upper()} {url}: expected {status}, got {response.status_code}")


def date_parts(name: str, day: dt.date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def page_text(response) -> str:
    return response.content.decode()


def errored(response) -> bool:
    """A refused form: 200, the GOV.UK error summary, and "Error: " in the title."""
    text = page_text(response)
    return response.status_code == 200 and "govuk-error-summary" in text and "<title>Error: " in text


def denied(object_type: str, pk: int, user) -> int:
    return AuditEvent.objects.filter(
        action=AuditAction.DENIED, object_type=object_type, object_id=str(pk), actor=user
    ).count()


def url(name: str, **kwargs) -> str:
    return reverse(f"inspections:{name}", kwargs=kwargs or None)


# --- persona matrix --------------------------------------------------------------------------------

#                                hmicfrs hmi_a  apcc   pcc_a  pcc_b  chief  anon
PROGRAMME_LIST_PAGES = [
    ("programmes", [200, 200, 200, 200, 200, 403, LOGIN]),
    ("programme-new", [200, 200, 403, 403, 403, 403, LOGIN]),
    ("commissions", [200, 200, 403, 200, 200, 403, LOGIN]),
    ("commission-new", [403, 403, 403, 200, 200, 403, LOGIN]),
]


@pytest.mark.parametrize(("name", "expected"), PROGRAMME_LIST_PAGES)
def test_p1_p2_list_and_new_pages_answer_each_persona(people, client_for, name, expected):
    each_persona(people, client_for, url(name), expected)


def test_p1_programme_pages_answer_each_persona(people, client_for, collated, direct_a):
    programme = collated.programme
    each_persona(people, client_for, url("programme", pk=programme.pk), [200, 200, 200, 200, 200, 403, LOGIN])
    each_persona(
        people, client_for, url("representation-new", pk=programme.pk), [403, 403, 200, 200, 200, 403, LOGIN]
    )
    # Force A's direct response: seen by HMICFRS, the APCC and A's office; not by B's office (404).
    consider_a = url("representation-consider", pk=programme.pk, representation_pk=direct_a.pk)
    each_persona(people, client_for, consider_a, [200, 200, 403, 403, 404, 403, LOGIN])
    # The APCC's collated response is seen by every PCC's office, which may not consider it (403).
    consider_collated = url("representation-consider", pk=programme.pk, representation_pk=collated.pk)
    each_persona(people, client_for, consider_collated, [200, 200, 403, 403, 403, 403, LOGIN])
    # Advancing is a POST: a GET is refused for everyone signed in.
    each_persona(
        people, client_for, url("programme-advance", pk=programme.pk), [405, 405, 405, 405, 405, 405, LOGIN]
    )


def test_p1_a_programme_that_does_not_exist_is_not_found(people, client_for, directory):
    each_persona(people, client_for, url("programme", pk=999999), [404, 404, 404, 404, 404, 403, LOGIN])


def test_p2_commission_pages_answer_each_persona(people, client_for, commission_a):
    """Force A's request: HMICFRS and A's office see it; B's office, the APCC and A's chief get 404."""
    pk = commission_a.pk
    each_persona(people, client_for, url("commission", pk=pk), [200, 200, 404, 200, 404, 404, LOGIN])
    each_persona(people, client_for, url("commission-estimate", pk=pk), [200, 200, 404, 403, 404, 404, LOGIN])
    each_persona(people, client_for, url("commission-accept", pk=pk), [405, 405, 405, 405, 405, 405, LOGIN])


def test_p2_accepting_is_hmicfrs_only_and_404_for_those_who_cannot_see(people, client_for, commission_a):
    commission_agree_estimate(
        request=commission_a, days=20, cost_pounds=Decimal("30000"), by=people["hmicfrs_staff"]
    )
    accept = url("commission-accept", pk=commission_a.pk)
    for persona, status in [
        ("apcc_lead", 404),
        ("pcc_office_a", 403),
        ("pcc_office_b", 404),
        ("chief_office_a", 404),
        ("anonymous", LOGIN),
    ]:
        check(client_for(people[persona]).post(accept), status)
    commission_a.refresh_from_db()
    assert commission_a.state == CommissionState.ESTIMATE_AGREED
    assert commission_a.decided_at is None


def test_p3_reference_group_page_is_the_inspection_teams(people, client_for, peel_a):
    """404 where the inspection is not visible; 403 where it is (A's PCC and chief, told under I1)."""
    each_persona(
        people, client_for, url("reference-group", pk=peel_a.pk), [404, 200, 404, 403, 404, 403, LOGIN]
    )


def test_p3_the_lead_may_set_the_group(client_for, peel_a, lead_hmi):
    assert client_for(lead_hmi).get(url("reference-group", pk=peel_a.pk)).status_code == 200


def test_a_record_out_of_sight_is_not_found_and_the_reach_is_audited(client_for, pcc_office_b, commission_a):
    response = client_for(pcc_office_b).get(url("commission", pk=commission_a.pk))
    assert response.status_code == 404
    assert denied("inspections.commissionrequest", commission_a.pk, pcc_office_b) == 1


# --- P1 through the pages -----------------------------------------------------------------------------


def test_p1_the_whole_flow_through_the_pages(
    client_for, hmicfrs_staff, apcc_chair, pcc_office_a, pcc_office_b, apcc, force_a
):
    """Create, ask the APCC chair, the APCC's collated and a PCC's direct response, consider, submit,
    approve and lay before Parliament (P1)."""
    hmicfrs, apcc_client = client_for(hmicfrs_staff), client_for(apcc_chair)
    office_a, office_b = client_for(pcc_office_a), client_for(pcc_office_b)
    due = timezone.localdate() + dt.timedelta(days=30)

    response = hmicfrs.post(
        url("programme-new"),
        {
            "title": "Police inspection programme and framework",
            "year": "2026–27",
            "framework": "PEEL continues; a thematic on stalking.",
            **date_parts("representations_due_on", due),
        },
    )
    programme = Programme.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("programme", pk=programme.pk)
    assert (programme.state, programme.representations_due_on) == (ProgrammeState.DRAFT, due)
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="inspections.programme", object_id=str(programme.pk)
    ).exists()
    page = page_text(hmicfrs.get(url("programme", pk=programme.pk)))
    assert "PEEL continues; a thematic on stalking." in page
    assert "Ask the APCC chair for representations" in page

    advance = url("programme-advance", pk=programme.pk)
    assert hmicfrs.post(advance, {"to": ProgrammeState.REPRESENTATIONS_REQUESTED}).status_code == 302

    # The APCC's representation is its collated response; the office's is the PCC's direct one.
    assert (
        apcc_client.post(url("representation-new", pk=programme.pk), {"text": "Collated."}).status_code == 302
    )
    assert office_a.post(url("representation-new", pk=programme.pk), {"text": "Our view."}).status_code == 302
    collated = Representation.objects.get(organisation=apcc)
    direct = Representation.objects.get(organisation=office_of(force_a))
    assert collated.kind == RepresentationKind.APCC_COLLATED
    assert direct.kind == RepresentationKind.PCC_DIRECT

    # Each office sees its own and the APCC's; HMICFRS and the APCC see both.
    assert "Our view." not in page_text(office_b.get(url("programme", pk=programme.pk)))
    assert "Collated." in page_text(office_b.get(url("programme", pk=programme.pk)))
    for browser in (hmicfrs, apcc_client, office_a):
        page = page_text(browser.get(url("programme", pk=programme.pk)))
        assert "Our view." in page
        assert "Collated." in page

    assert hmicfrs.post(advance, {"to": ProgrammeState.UNDER_CONSIDERATION}).status_code == 302
    # Submission before every representation is considered is refused on the page (P1).
    response = hmicfrs.post(advance, {"to": ProgrammeState.SUBMITTED})
    assert errored(response)
    assert "Every representation must be considered" in page_text(response)
    programme.refresh_from_db()
    assert programme.state == ProgrammeState.UNDER_CONSIDERATION

    for representation in (collated, direct):
        response = hmicfrs.post(
            url("representation-consider", pk=programme.pk, representation_pk=representation.pk),
            {"consideration": "Included in the thematic programme."},
        )
        assert response.status_code == 302
    assert not Representation.objects.filter(considered_at__isnull=True).exists()

    for state in (ProgrammeState.SUBMITTED, ProgrammeState.APPROVED, ProgrammeState.LAID):
        assert hmicfrs.post(advance, {"to": state, "note": f"Step {state}"}).status_code == 302
    programme.refresh_from_db()
    assert programme.state == ProgrammeState.LAID
    assert list(ProgrammeEvent.objects.filter(programme=programme).values_list("state", flat=True)) == [
        ProgrammeState.DRAFT,
        ProgrammeState.REPRESENTATIONS_REQUESTED,
        ProgrammeState.UNDER_CONSIDERATION,
        ProgrammeState.SUBMITTED,
        ProgrammeState.APPROVED,
        ProgrammeState.LAID,
    ]
    page = page_text(apcc_client.get(url("programme", pk=programme.pk)))
    assert "Laid before Parliament" in page
    assert "Approved by the Home Secretary" in page

    # Once submitted, representations are no longer taken, nor considered again.
    before = Representation.objects.count()
    response = office_b.post(url("representation-new", pk=programme.pk), {"text": "Too late."})
    assert errored(response)
    assert "once the APCC chair has been asked and until submission" in page_text(response)
    assert Representation.objects.count() == before
    response = hmicfrs.post(
        url("representation-consider", pk=programme.pk, representation_pk=direct.pk),
        {"consideration": "Changed later."},
    )
    assert errored(response)
    direct.refresh_from_db()
    assert direct.consideration == "Included in the thematic programme."


@pytest.mark.parametrize("target", [ProgrammeState.UNDER_CONSIDERATION, ProgrammeState.LAID, "nonsense"])
def test_p1_skipping_a_step_is_refused_on_the_page_and_nothing_changes(
    client_for, hmicfrs_staff, programme, target
):
    response = client_for(hmicfrs_staff).post(url("programme-advance", pk=programme.pk), {"to": target})
    assert errored(response)
    if target != "nonsense":
        assert "the next step is “Representations asked of the APCC chair”" in page_text(response)
    # The page's button offers the real next step, not the refused one.
    assert f'value="{ProgrammeState.REPRESENTATIONS_REQUESTED}"' in page_text(response)
    programme.refresh_from_db()
    assert programme.state == ProgrammeState.DRAFT
    assert not ProgrammeEvent.objects.exists()


def test_p1_submission_without_the_apccs_collated_response_is_refused(client_for, hmicfrs_staff, direct_a):
    programme = direct_a.programme
    hmicfrs = client_for(hmicfrs_staff)
    hmicfrs.post(
        url("representation-consider", pk=programme.pk, representation_pk=direct_a.pk),
        {"consideration": "Noted."},
    )
    advance = url("programme-advance", pk=programme.pk)
    assert hmicfrs.post(advance, {"to": ProgrammeState.UNDER_CONSIDERATION}).status_code == 302
    response = hmicfrs.post(advance, {"to": ProgrammeState.SUBMITTED})
    assert errored(response)
    assert "collated response before submitting the programme." in page_text(response)
    programme.refresh_from_db()
    assert programme.state == ProgrammeState.UNDER_CONSIDERATION


def test_p1_representations_before_the_apcc_chair_is_asked_are_refused(client_for, apcc_chair, programme):
    response = client_for(apcc_chair).post(url("representation-new", pk=programme.pk), {"text": "Early."})
    assert errored(response)
    assert "once the APCC chair has been asked" in page_text(response)
    assert not Representation.objects.exists()


def test_p1_only_inspection_staff_advance_or_consider(
    client_for, apcc_lead, pcc_office_a, chief_office_a, direct_a
):
    programme = direct_a.programme
    for user in (apcc_lead, pcc_office_a, chief_office_a):
        browser = client_for(user)
        response = browser.post(
            url("programme-advance", pk=programme.pk), {"to": ProgrammeState.UNDER_CONSIDERATION}
        )
        assert response.status_code == 403
        response = browser.post(
            url("representation-consider", pk=programme.pk, representation_pk=direct_a.pk),
            {"consideration": "Mine."},
        )
        assert response.status_code == 403
    programme.refresh_from_db()
    direct_a.refresh_from_db()
    assert programme.state == ProgrammeState.REPRESENTATIONS_REQUESTED
    assert direct_a.considered_at is None


def test_p1_hmicfrs_does_not_write_representations(client_for, hmicfrs_staff, asking):
    response = client_for(hmicfrs_staff).post(url("representation-new", pk=asking.pk), {"text": "Ours."})
    assert response.status_code == 403
    assert not Representation.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "year": "2026–27", "framework": "F"}, "Enter the programme"),
        ({"title": "T", "year": "next year", "framework": "F"}, "Enter the year as 4 digits"),
        ({"title": "T", "year": "2026–27", "framework": ""}, "Enter the inspection framework"),
    ],
)
def test_p1_a_bad_programme_is_refused_and_nothing_is_created(
    client_for, hmicfrs_staff, directory, data, message
):
    due = timezone.localdate() + dt.timedelta(days=10)
    response = client_for(hmicfrs_staff).post(
        url("programme-new"), {**data, **date_parts("representations_due_on", due)}
    )
    assert errored(response)
    assert message in page_text(response)
    assert not Programme.objects.exists()


def test_p1_a_due_date_in_the_past_or_unreal_is_refused(client_for, hmicfrs_staff, directory):
    data = {"title": "T", "year": "2026–27", "framework": "F"}
    browser = client_for(hmicfrs_staff)
    past = timezone.localdate() - dt.timedelta(days=1)
    response = browser.post(url("programme-new"), {**data, **date_parts("representations_due_on", past)})
    assert errored(response)
    assert "today or in the future" in page_text(response)
    response = browser.post(
        url("programme-new"),
        {
            **data,
            "representations_due_on_0": "31",
            "representations_due_on_1": "2",
            "representations_due_on_2": "2030",
        },
    )
    assert errored(response)
    assert "must be a real date" in page_text(response)
    assert not Programme.objects.exists()


def test_p1_an_empty_representation_or_consideration_is_refused(
    client_for, apcc_chair, hmicfrs_staff, direct_a
):
    programme = direct_a.programme
    response = client_for(apcc_chair).post(url("representation-new", pk=programme.pk), {"text": ""})
    assert errored(response)
    assert "Enter the representation" in page_text(response)
    assert Representation.objects.count() == 1
    response = client_for(hmicfrs_staff).post(
        url("representation-consider", pk=programme.pk, representation_pk=direct_a.pk),
        {"consideration": "   "},
    )
    assert errored(response)
    direct_a.refresh_from_db()
    assert direct_a.considered_at is None


def test_p1_a_representation_of_another_programme_is_not_found(client_for, hmicfrs_staff, direct_a):
    """A forged id: the representation is looked for on the programme in the address only."""
    other = Programme.objects.create(title="Fire programme", year="2026–27")
    response = client_for(hmicfrs_staff).post(
        url("representation-consider", pk=other.pk, representation_pk=direct_a.pk),
        {"consideration": "Forged."},
    )
    assert response.status_code == 404
    direct_a.refresh_from_db()
    assert direct_a.considered_at is None


def test_p1_an_office_cannot_send_a_representation_as_another_organisation(
    client_for, pcc_office_a, force_b, asking
):
    """The organisation is the person's own: a posted organisation id is not taken from the form."""
    response = client_for(pcc_office_a).post(
        url("representation-new", pk=asking.pk), {"text": "As B.", "organisation": office_of(force_b).pk}
    )
    assert response.status_code == 302
    representation = Representation.objects.get()
    assert representation.organisation != office_of(force_b)
    assert representation.kind == RepresentationKind.PCC_DIRECT


# --- P2 through the pages -----------------------------------------------------------------------------


def test_p2_an_office_is_offered_the_police_forces_its_pcc_governs(
    client_for, pcc_office_a, force_a, force_b
):
    page = page_text(client_for(pcc_office_a).get(url("commission-new")))
    assert f'value="{force_a.pk}"' in page
    assert "checked" in page
    assert force_b.name not in page


def test_p2_a_pcc_requests_and_hmicfrs_agrees_the_estimate_then_accepts(
    client_for, pcc_office_a, pcc_office_b, hmicfrs_staff, force_a
):
    office_a = client_for(pcc_office_a)
    response = office_a.post(url("commission-new"), {"areas": [force_a.pk], "scope": "Custody suites."})
    commission = CommissionRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("commission", pk=commission.pk)
    assert list(commission.requested_by.all()) == [office_of(force_a)]
    assert list(commission.areas.all()) == [force_a]
    assert "Custody suites." in page_text(office_a.get(url("commissions")))
    assert "Custody suites." not in page_text(client_for(pcc_office_b).get(url("commissions")))

    hmicfrs = client_for(hmicfrs_staff)
    # Accepting before the duration and cost are agreed is refused with the service's message (P2).
    response = hmicfrs.post(url("commission-accept", pk=commission.pk))
    assert errored(response)
    assert "must be agreed before the request is accepted" in page_text(response)
    commission.refresh_from_db()
    assert (commission.state, commission.decided_at) == (CommissionState.REQUESTED, None)

    response = hmicfrs.post(
        url("commission-estimate", pk=commission.pk), {"days": "30", "cost_pounds": "45000.50"}
    )
    assert response.status_code == 302
    commission.refresh_from_db()
    assert (commission.estimated_days, commission.estimated_cost_pounds) == (30, Decimal("45000.50"))
    assert commission.state == CommissionState.ESTIMATE_AGREED

    assert hmicfrs.post(url("commission-accept", pk=commission.pk)).status_code == 302
    commission.refresh_from_db()
    assert commission.state == CommissionState.ACCEPTED
    assert commission.decided_at is not None
    page = page_text(office_a.get(url("commission", pk=commission.pk)))
    assert "30 days, £45000.50, met by the OPCC" in page
    assert "Accepted" in page

    # Once accepted, the estimate stands and accepting again is refused.
    response = hmicfrs.post(url("commission-estimate", pk=commission.pk), {"days": "5", "cost_pounds": "1"})
    assert errored(response)
    response = hmicfrs.post(url("commission-accept", pk=commission.pk))
    assert errored(response)
    commission.refresh_from_db()
    assert (commission.state, commission.estimated_days) == (CommissionState.ACCEPTED, 30)


def test_p2_a_request_naming_an_frs_shows_the_request_for_assistance_message(
    client_for, pfcc_office_essex, essex_frs
):
    """Not possible for an FRS: the PFCC is pointed to a request for assistance (P2)."""
    browser = client_for(pfcc_office_essex)
    page = page_text(browser.get(url("commission-new")))
    assert "request for assistance" in page
    assert f'value="{essex_frs.pk}"' not in page
    response = browser.post(url("commission-new"), {"areas": [essex_frs.pk], "scope": "Fire safety audits."})
    assert errored(response)
    assert "For a fire and rescue service, the PFCC can raise a request for assistance instead." in page_text(
        response
    )
    assert not CommissionRequest.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"scope": "Custody."}, "Choose the police force or forces to be inspected."),
        ({"areas": ["FORCE_A"], "scope": ""}, "Describe the scope of the inspection."),
        ({"areas": ["FORCE_B"], "scope": "Kent."}, "Choose police forces your PCC governs."),
        ({"areas": ["not-a-number"], "scope": "x"}, "Choose police forces your PCC governs."),
    ],
)
def test_p2_a_bad_request_is_refused_and_nothing_is_created(
    client_for, pcc_office_a, force_a, force_b, data, message
):
    ids = {"FORCE_A": force_a.pk, "FORCE_B": force_b.pk}
    if "areas" in data:
        data = {**data, "areas": [ids.get(value, value) for value in data["areas"]]}
    response = client_for(pcc_office_a).post(url("commission-new"), data)
    assert errored(response)
    assert message in page_text(response)
    assert not CommissionRequest.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"days": "0", "cost_pounds": "1000"}, "at least 1 day"),
        ({"days": "ten", "cost_pounds": "1000"}, "whole number of days"),
        ({"days": "10", "cost_pounds": "0"}, "more than £0"),
        ({"days": "10", "cost_pounds": "lots"}, "number of pounds"),
        ({"days": "10", "cost_pounds": "10.005"}, "nearest penny"),
        ({"days": "", "cost_pounds": ""}, "Enter the estimated duration in days."),
    ],
)
def test_p2_a_bad_estimate_is_refused_and_nothing_changes(
    client_for, hmicfrs_staff, commission_a, data, message
):
    response = client_for(hmicfrs_staff).post(url("commission-estimate", pk=commission_a.pk), data)
    assert errored(response)
    assert message in page_text(response)
    commission_a.refresh_from_db()
    assert (commission_a.state, commission_a.estimated_days, commission_a.estimate_agreed_at) == (
        CommissionState.REQUESTED,
        None,
        None,
    )


def test_p2_another_offices_commission_id_is_not_found_and_nothing_changes(
    client_for, pcc_office_b, hmicfrs_staff, commission_a
):
    """Forged ids: office B reaching for A's request, by address, gets 404 and changes nothing."""
    commission_agree_estimate(request=commission_a, days=10, cost_pounds=Decimal("9000"), by=hmicfrs_staff)
    browser = client_for(pcc_office_b)
    assert browser.post(url("commission-accept", pk=commission_a.pk)).status_code == 404
    response = browser.post(url("commission-estimate", pk=commission_a.pk), {"days": "1", "cost_pounds": "1"})
    assert response.status_code == 404
    commission_a.refresh_from_db()
    assert (commission_a.state, commission_a.estimated_days) == (CommissionState.ESTIMATE_AGREED, 10)
    assert denied("inspections.commissionrequest", commission_a.pk, pcc_office_b) == 2


# --- P3 through the pages -----------------------------------------------------------------------------


def test_p3_a_group_without_the_apcc_or_a_pcc_is_warned_of(client_for, hmi_a, peel_a, force_b):
    browser = client_for(hmi_a)
    response = browser.post(url("reference-group", pk=peel_a.pk), {"others": [force_b.pk]}, follow=True)
    assert response.status_code == 200
    assert "should include the APCC or at least one PCC." in page_text(response)
    assert list(ReferenceGroup.objects.get(inspection=peel_a).members.all()) == [force_b]


def test_p3_a_group_with_the_apcc_or_a_pcc_is_not_warned_of(
    client_for, hmi_a, peel_a, apcc, force_a, force_b
):
    browser = client_for(hmi_a)
    for data, members in [
        ({"apcc": "on", "others": [force_b.pk]}, {apcc, force_b}),
        ({"offices": [office_of(force_a).pk]}, {office_of(force_a)}),
    ]:
        response = browser.post(url("reference-group", pk=peel_a.pk), data, follow=True)
        assert "Reference group saved." in page_text(response)
        assert "should include the APCC" not in page_text(response)
        assert set(ReferenceGroup.objects.get(inspection=peel_a).members.all()) == members
    # The page shows the members chosen, ticked.
    page = page_text(browser.get(url("reference-group", pk=peel_a.pk)))
    assert office_of(force_a).name in page


def test_p3_bad_or_forged_members_are_refused_and_nothing_changes(
    client_for, hmi_a, pcc_office_a, peel_a, apcc, hmicfrs
):
    reference_group_set(inspection=peel_a, members=[apcc], by=hmi_a)
    browser = client_for(hmi_a)
    for data in ({"others": ["999999"]}, {"offices": [hmicfrs.pk]}, {"others": ["x"]}):
        response = browser.post(url("reference-group", pk=peel_a.pk), data)
        assert errored(response)
    # Outside the team, nothing is saved.
    assert (
        client_for(pcc_office_a).post(url("reference-group", pk=peel_a.pk), {"apcc": ""}).status_code == 403
    )
    assert list(ReferenceGroup.objects.get(inspection=peel_a).members.all()) == [apcc]


def test_p3_members_of_a_kind_not_offered_are_kept(client_for, hmi_a, peel_a, force_a, apcc):
    body = office_of(force_a).parent
    reference_group_set(inspection=peel_a, members=[body], by=hmi_a)
    client_for(hmi_a).post(url("reference-group", pk=peel_a.pk), {"apcc": "on"})
    assert set(ReferenceGroup.objects.get(inspection=peel_a).members.all()) == {body, apcc}


def test_p3_another_inspection_is_not_found(client_for, hmi_a, lead_hmi, force_b, apcc):
    from inspections.services import inspection_create

    kent = inspection_create(kind="peel", title="PEEL: Kent", areas=[force_b], lead=lead_hmi, by=lead_hmi)
    response = client_for(hmi_a).post(url("reference-group", pk=kent.pk), {"apcc": "on"})
    assert response.status_code == 404
    assert not ReferenceGroup.objects.filter(inspection=kent).exists()
    assert denied("inspections.inspection", kent.pk, hmi_a) == 1


# --- GOV.UK markup and query counts ---------------------------------------------------------------------


def test_form_pages_use_the_govuk_patterns(
    client_for, hmicfrs_staff, pcc_office_a, hmi_a, peel_a, commission_a, asking
):
    pages = [
        (hmicfrs_staff, url("programme-new")),
        (pcc_office_a, url("representation-new", pk=asking.pk)),
        (pcc_office_a, url("commission-new")),
        (hmicfrs_staff, url("commission-estimate", pk=commission_a.pk)),
        (hmi_a, url("reference-group", pk=peel_a.pk)),
    ]
    for user, address in pages:
        page = page_text(client_for(user).get(address))
        assert 'class="govuk-back-link"' in page, address
        assert '<h1 class="govuk-heading-l">' in page, address
        assert "novalidate" in page, address
        assert "<title>Error: " not in page, address


def _add_commissions(force_a, pcc_office_a, count: int) -> None:
    for n in range(count):
        commission_request(
            requested_by=[office_of(force_a)], areas=[force_a], scope=f"Scope {n}", by=pcc_office_a
        )


def _queries(browser, address: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert browser.get(address).status_code == 200
    return len(queries)


def test_list_and_detail_pages_cost_the_same_queries_however_many_rows(
    client_for, hmicfrs_staff, pcc_office_a, apcc, force_a, asking, apcc_chair
):
    hmicfrs, office = client_for(hmicfrs_staff), client_for(pcc_office_a)
    _add_commissions(force_a, pcc_office_a, 2)
    representation_record(programme=asking, organisation=apcc, text="One.", by=apcc_chair)
    before = {
        "commissions-hmicfrs": _queries(hmicfrs, url("commissions")),
        "commissions-office": _queries(office, url("commissions")),
        "programmes": _queries(hmicfrs, url("programmes")),
        "programme": _queries(office, url("programme", pk=asking.pk)),
    }
    _add_commissions(force_a, pcc_office_a, 10)
    for n in range(10):
        representation_record(programme=asking, organisation=office_of(force_a), text=f"{n}", by=pcc_office_a)
        Programme.objects.create(title=f"Programme {n}", year="2027–28")
    after = {
        "commissions-hmicfrs": _queries(hmicfrs, url("commissions")),
        "commissions-office": _queries(office, url("commissions")),
        "programmes": _queries(hmicfrs, url("programmes")),
        "programme": _queries(office, url("programme", pk=asking.pk)),
    }
    assert after == before


def test_organisations_offered_for_a_reference_group_exclude_hmicfrs(client_for, hmi_a, peel_a, hmicfrs):
    page = page_text(client_for(hmi_a).get(url("reference-group", pk=peel_a.pk)))
    assert f'value="{hmicfrs.pk}"' not in page
    assert Organisation.objects.filter(kind=OrganisationKind.OPCC).first().name in page
