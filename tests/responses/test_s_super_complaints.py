"""S1–S3: police super-complaints – eligibility and the APCC told at once, the investigation by HMICFRS,
the IOPC and the College of Policing with APCC support, and the report's PCC responses tracked.

Timeline (Europe/London, 2026):
  RECEIVED     Mon  2 February 09:00 GMT   a designated body's super-complaint is received
  DECIDED      Fri 20 February 11:00 GMT   HMICFRS decides it is eligible; the APCC is told then (S1)
  STARTED      Mon  2 March    09:00 GMT   the investigation starts (S2)
  LINKED       Mon 23 March    12:00 GMT   the report is linked (S3)
  PUBLICATION  Tue 21 April    10:00 BST   the report is published; each PCC concerned owes a response
  BEFORE_DUE   Mon  1 June     12:00 BST
  (day 56 is Mon 15 June; the response is due before 16 June 00:00)
  AFTER_DUE    Sat 20 June     12:00 BST
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.models import Organisation, OrganisationKind, Role, User
from contacts.services import appointment_end
from hmicfrs_mou.deadlines import LONDON
from hmicfrs_mou.models import AuditAction, AuditEvent, InboxMessage
from inspections.models import FindingKind, InspectionKind, Report, ReportKind
from inspections.services import (
    finding_add,
    inspection_create,
    report_create,
    report_finalise,
    report_schedule,
    reports_due_notices,
)
from responses.complaints import (
    pcc_response_tracker,
    super_complaint_decide_eligibility,
    super_complaint_link_report,
    super_complaint_receive,
    super_complaint_start_investigation,
    super_complaints_visible_to,
)
from responses.models import ResponseObligation, Submission, SuperComplaint, SuperComplaintState
from tests.conftest import force, make_person, org

pytestmark = pytest.mark.django_db

RECEIVED = dt.datetime(2026, 2, 2, 9, tzinfo=LONDON)
DECIDED = dt.datetime(2026, 2, 20, 11, tzinfo=LONDON)
STARTED = dt.datetime(2026, 3, 2, 9, tzinfo=LONDON)
LINKED = dt.datetime(2026, 3, 23, 12, tzinfo=LONDON)
SCHEDULED = dt.datetime(2026, 4, 1, 10, tzinfo=LONDON)
PUBLICATION = dt.datetime(2026, 4, 21, 10, tzinfo=LONDON)
BEFORE_DUE = dt.datetime(2026, 6, 1, 12, tzinfo=LONDON)
DUE = dt.datetime(2026, 6, 16, 0, 0, tzinfo=LONDON)
AFTER_DUE = dt.datetime(2026, 6, 20, 12, tzinfo=LONDON)
SECOND = dt.timedelta(seconds=1)
LOGIN = "login"


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def apcc_chair(apcc) -> User:
    return make_person("apcc_chair", apcc, Role.APCC_CHAIR)


@pytest.fixture
def people(hmicfrs_staff, hmi_a, apcc_lead, pcc_office_a, pcc_office_b, chief_office_a):
    return {
        "hmicfrs": hmicfrs_staff,
        "hmi_a": hmi_a,
        "apcc": apcc_lead,
        "pcc_a": pcc_office_a,
        "pcc_b": pcc_office_b,
        "chief_a": chief_office_a,
        "anonymous": None,
    }


PERSONAS = ["hmicfrs", "hmi_a", "apcc", "pcc_a", "pcc_b", "chief_a", "anonymous"]


def receive(by: User, title: str = "Police response to stalking") -> SuperComplaint:
    return super_complaint_receive(
        title=title, designated_body="Suzy Lamplugh Trust", received_at=RECEIVED, by=by, now=RECEIVED
    )


def eligible(by: User, **kwargs: object) -> SuperComplaint:
    return super_complaint_decide_eligibility(
        complaint=receive(by, **kwargs), eligible=True, reason="Systemic and significant.", by=by, now=DECIDED
    )


def investigating(by: User, supporters: list[User], **kwargs: object) -> SuperComplaint:
    return super_complaint_start_investigation(
        complaint=eligible(by, **kwargs), supporters=supporters, by=by, now=STARTED
    )


def police_report(
    lead: User, forces: list[Organisation], *, recommendations: int = 2, publish: bool = True
) -> Report:
    """The super-complaint report (an 'other' report, U4) about the forces concerned."""
    inspection = inspection_create(
        kind=InspectionKind.THEMATIC,
        title="Super-complaint investigation",
        areas=forces,
        lead=lead,
        by=lead,
        now=RECEIVED,
    )
    report = report_create(
        inspection=inspection,
        kind=ReportKind.OTHER,
        title=f"Super-complaint report ({len(forces)} forces)",
        body="Findings of the investigation.",
        interested_parties=[org(OrganisationKind.APCC, "apcc")],
        by=lead,
        now=RECEIVED,
    )
    for n in range(recommendations):
        finding_add(report=report, kind=FindingKind.RECOMMENDATION, text=f"PCCs should {n}.", by=lead)
    report_finalise(report=report, by=lead, now=LINKED)
    if publish:
        report_schedule(report=report, publication_at=PUBLICATION, by=lead, now=SCHEDULED)
    return Report.objects.get(pk=report.pk)


@pytest.fixture
def lead(hmicfrs) -> User:
    return make_person("s_lead", hmicfrs, Role.HMI)


def reported(by: User, supporters: list[User], report: Report, **kwargs: object) -> SuperComplaint:
    return super_complaint_link_report(
        complaint=investigating(by, supporters, **kwargs), report=report, by=by, now=LINKED
    )


def submit(obligation: ResponseObligation, at: dt.datetime, by: User) -> Submission:
    """A submitted response (the upload itself is tested with responses.services.response_submit)."""
    return Submission.objects.create(
        obligation=obligation,
        version=obligation.submissions.count() + 1,
        submitted_at=at,
        submitted_by=by,
        late=at >= obligation.due_at,
        stored_name=f"{uuid.uuid4().hex}.pdf",
        original_name="response.pdf",
        size=1000,
        sha256="0" * 64,
        content={},
        published_url="https://www.example.org/response",
    )


def state() -> tuple:
    return (
        list(SuperComplaint.objects.order_by("pk").values()),
        list(SuperComplaint.apcc_supporters.through.objects.order_by("pk").values()),
        list(SuperComplaint.investigators.through.objects.order_by("pk").values()),
        InboxMessage.objects.count(),
    )


# --- S1: receipt and eligibility -------------------------------------------------------------------


def test_s1_hmicfrs_records_a_super_complaint(hmicfrs_staff):
    complaint = receive(hmicfrs_staff)
    assert (complaint.state, complaint.received_at, complaint.designated_body) == (
        SuperComplaintState.RECEIVED,
        RECEIVED,
        "Suzy Lamplugh Trust",
    )
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="responses.supercomplaint"
    ).exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"title": " "}, "title"),
        ({"designated_body": ""}, "designated_body"),
        ({"received_at": None}, "received_at"),
        ({"received_at": RECEIVED + SECOND}, "received_at"),  # after `now`: in the future
        ({"received_at": dt.datetime(2026, 2, 2, 9)}, "received_at"),  # noqa: DTZ001 – naive on purpose
    ],
)
def test_s1_bad_receipt_is_refused_with_nothing_changed(hmicfrs_staff, values, field):
    data = {"title": "T", "designated_body": "B", "received_at": RECEIVED, **values}
    with pytest.raises(ValidationError) as refused:
        super_complaint_receive(by=hmicfrs_staff, now=RECEIVED, **data)
    assert field in refused.value.message_dict
    assert not SuperComplaint.objects.exists()


def test_s1_only_hmicfrs_records_and_decides(apcc_lead, pcc_office_a, hmicfrs_staff):
    for outsider in (apcc_lead, pcc_office_a):
        with pytest.raises(ValidationError, match="HMICFRS manages"):
            receive(outsider)
    complaint = receive(hmicfrs_staff)
    before = state()
    with pytest.raises(ValidationError, match="HMICFRS manages"):
        super_complaint_decide_eligibility(
            complaint=complaint, eligible=True, reason="x", by=apcc_lead, now=DECIDED
        )
    assert state() == before


def test_s1_eligible_notifies_every_apcc_person_at_the_moment_of_the_decision(
    hmicfrs_staff, apcc_lead, apcc_chair, pcc_office_a, hmi_a
):
    complaint = eligible(hmicfrs_staff)
    assert complaint.state == SuperComplaintState.ELIGIBLE
    assert complaint.eligibility_decided_at == DECIDED
    assert complaint.apcc_notified_at == DECIDED
    messages = InboxMessage.objects.filter(subject__contains=complaint.title)
    assert {m.user for m in messages} == {apcc_lead, apcc_chair}
    assert {m.created_at for m in messages} == {DECIDED}
    assert all(m.url == reverse("responses:complaint", kwargs={"pk": complaint.pk}) for m in messages)
    complaint.refresh_from_db()
    assert complaint.apcc_notified_at == complaint.eligibility_decided_at


def test_s1_the_notice_is_in_the_same_transaction_as_the_decision(hmicfrs_staff, apcc_lead):
    """If the APCC cannot be notified, the decision is not recorded either; and the reverse."""
    complaint = receive(hmicfrs_staff)
    before = state()
    with (
        mock.patch("responses.complaints.inbox_send", side_effect=RuntimeError("inbox down")),
        pytest.raises(RuntimeError),
    ):
        super_complaint_decide_eligibility(
            complaint=complaint, eligible=True, reason="x", by=hmicfrs_staff, now=DECIDED
        )
    assert state() == before
    with (
        mock.patch("responses.complaints.audit_record", side_effect=RuntimeError("trail down")),
        pytest.raises(RuntimeError),
    ):
        super_complaint_decide_eligibility(
            complaint=complaint, eligible=True, reason="x", by=hmicfrs_staff, now=DECIDED
        )
    assert state() == before
    complaint.refresh_from_db()
    assert (complaint.state, complaint.eligibility_decided_at, complaint.apcc_notified_at) == (
        SuperComplaintState.RECEIVED,
        None,
        None,
    )


def test_s1_not_eligible_does_not_notify_the_apcc(hmicfrs_staff, apcc_lead):
    complaint = super_complaint_decide_eligibility(
        complaint=receive(hmicfrs_staff),
        eligible=False,
        reason="About one force only.",
        by=hmicfrs_staff,
        now=DECIDED,
    )
    assert (complaint.state, complaint.eligibility_decided_at, complaint.apcc_notified_at) == (
        SuperComplaintState.NOT_ELIGIBLE,
        DECIDED,
        None,
    )
    assert not InboxMessage.objects.filter(user=apcc_lead).exists()


@pytest.mark.parametrize("first", [True, False])
def test_s1_eligibility_is_decided_once(hmicfrs_staff, apcc_lead, first):
    complaint = super_complaint_decide_eligibility(
        complaint=receive(hmicfrs_staff), eligible=first, reason="First.", by=hmicfrs_staff, now=DECIDED
    )
    before = state()
    with pytest.raises(ValidationError, match="already been decided"):
        super_complaint_decide_eligibility(
            complaint=complaint, eligible=not first, reason="Again.", by=hmicfrs_staff, now=DECIDED + SECOND
        )
    assert state() == before


def test_s1_a_decision_needs_a_reason_and_cannot_precede_receipt(hmicfrs_staff, apcc_lead):
    complaint = receive(hmicfrs_staff)
    before = state()
    with pytest.raises(ValidationError) as refused:
        super_complaint_decide_eligibility(
            complaint=complaint, eligible=True, reason=" ", by=hmicfrs_staff, now=DECIDED
        )
    assert "reason" in refused.value.message_dict
    with pytest.raises(ValidationError, match="before the super-complaint was received"):
        super_complaint_decide_eligibility(
            complaint=complaint, eligible=True, reason="x", by=hmicfrs_staff, now=RECEIVED - SECOND
        )
    assert state() == before


# --- S2: investigation ---------------------------------------------------------------------------------


def test_s2_hmicfrs_iopc_and_college_investigate_with_apcc_leads_supporting(
    hmicfrs_staff, apcc_lead, apcc_chair
):
    complaint = investigating(hmicfrs_staff, [apcc_lead])
    assert complaint.state == SuperComplaintState.INVESTIGATING
    assert set(complaint.investigators.values_list("kind", flat=True)) == {
        OrganisationKind.HMICFRS,
        OrganisationKind.IOPC,
        OrganisationKind.COLLEGE_OF_POLICING,
    }
    assert list(complaint.apcc_supporters.all()) == [apcc_lead]
    told = InboxMessage.objects.filter(user=apcc_lead, subject__startswith="Supporting")
    assert [m.created_at for m in told] == [STARTED]


@pytest.mark.parametrize("outsider", ["hmicfrs_staff", "pcc_office_a", "chief_office_a"])
def test_s2_supporters_must_hold_an_apcc_role(request, hmicfrs_staff, apcc_lead, outsider):
    person = request.getfixturevalue(outsider)
    complaint = eligible(hmicfrs_staff)
    before = state()
    with pytest.raises(ValidationError) as refused:
        super_complaint_start_investigation(
            complaint=complaint, supporters=[apcc_lead, person], by=hmicfrs_staff, now=STARTED
        )
    assert "supporters" in refused.value.message_dict
    assert str(person) in refused.value.message_dict["supporters"][0]
    assert state() == before


def test_s2_an_apcc_lead_whose_appointment_has_ended_cannot_support(hmicfrs_staff, apcc_lead):
    appointment_end(appointment=apcc_lead.appointments.get(), ends_on=dt.date(2026, 3, 1))
    complaint = eligible(hmicfrs_staff)
    with pytest.raises(ValidationError, match="Not APCC"):
        super_complaint_start_investigation(
            complaint=complaint, supporters=[apcc_lead], by=hmicfrs_staff, now=STARTED
        )


def test_s2_investigation_needs_an_eligible_complaint_and_a_supporter(hmicfrs_staff, apcc_lead):
    received = receive(hmicfrs_staff)
    with pytest.raises(ValidationError, match="Only an eligible super-complaint"):
        super_complaint_start_investigation(
            complaint=received, supporters=[apcc_lead], by=hmicfrs_staff, now=STARTED
        )
    refused = super_complaint_decide_eligibility(
        complaint=receive(hmicfrs_staff, title="Other"),
        eligible=False,
        reason="No.",
        by=hmicfrs_staff,
        now=DECIDED,
    )
    with pytest.raises(ValidationError, match="Only an eligible super-complaint"):
        super_complaint_start_investigation(
            complaint=refused, supporters=[apcc_lead], by=hmicfrs_staff, now=STARTED
        )
    complaint = eligible(hmicfrs_staff, title="Third")
    with pytest.raises(ValidationError) as none:
        super_complaint_start_investigation(complaint=complaint, supporters=[], by=hmicfrs_staff, now=STARTED)
    assert "supporters" in none.value.message_dict


# --- S3: the report and the PCC responses ---------------------------------------------------------------


def test_s3_the_report_must_be_about_police_forces_only(hmicfrs_staff, apcc_lead, lead, force_a):
    fire = org(OrganisationKind.FIRE_RESCUE_SERVICE, "essex")
    inspection = inspection_create(
        kind=InspectionKind.THEMATIC, title="Mixed", areas=[force_a, fire], lead=lead, by=lead, now=RECEIVED
    )
    mixed = report_create(
        inspection=inspection,
        kind=ReportKind.OTHER,
        title="Mixed",
        body="Text.",
        interested_parties=[org(OrganisationKind.APCC, "apcc")],
        by=lead,
        now=RECEIVED,
    )
    complaint = investigating(hmicfrs_staff, [apcc_lead])
    hmicfrs_lead = lead
    before = state()
    with pytest.raises(ValidationError) as refused:
        super_complaint_link_report(complaint=complaint, report=mixed, by=hmicfrs_lead, now=LINKED)
    assert "report" in refused.value.message_dict
    assert state() == before


def test_s3_a_report_is_linked_after_the_investigation_starts_and_can_be_replaced_until_published(
    hmicfrs_staff, apcc_lead, lead, force_a, force_b
):
    report = police_report(lead, [force_a, force_b])
    with pytest.raises(ValidationError, match="once the investigation has started"):
        super_complaint_link_report(complaint=eligible(lead), report=report, by=lead, now=LINKED)
    complaint = reported(lead, [apcc_lead], report, title="Linked")
    assert (complaint.state, complaint.report) == (SuperComplaintState.REPORTED, report)
    replacement = police_report(lead, [force_a])
    complaint = super_complaint_link_report(complaint=complaint, report=replacement, by=lead, now=LINKED)
    assert complaint.report == replacement
    with pytest.raises(ValidationError, match="not after it is published"):
        super_complaint_link_report(complaint=complaint, report=report, by=lead, now=PUBLICATION)


def test_s3_the_report_must_be_one_the_linker_can_see(hmicfrs_staff, apcc_lead, lead, force_a):
    """A draft is the inspection team's: HMICFRS staff outside the team cannot link it."""
    draft = police_report(lead, [force_a], publish=False)
    complaint = investigating(lead, [apcc_lead])
    with pytest.raises(ValidationError, match="Choose a report you can see"):
        super_complaint_link_report(complaint=complaint, report=draft, by=hmicfrs_staff, now=LINKED)


def test_s3_publication_creates_one_response_obligation_per_pcc_concerned(
    hmicfrs_staff, apcc_lead, lead, force_a, force_b
):
    forces = [force_a, force_b, force("essex"), force("greater-manchester")]
    complaint = reported(lead, [apcc_lead], police_report(lead, forces))
    reports_due_notices(now=PUBLICATION)
    obligations = ResponseObligation.objects.filter(report=complaint.report)
    assert {o.area for o in obligations} == set(forces)
    assert {o.due_at for o in obligations} == {DUE}


@pytest.fixture
def tracked(lead, apcc_lead, pcc_office_a, pcc_office_b):
    """A super-complaint report about five forces, published; two PCCs have responded."""
    forces = [force(slug) for slug in ("avon-and-somerset", "kent", "essex", "cumbria", "greater-manchester")]
    complaint = reported(lead, [apcc_lead], police_report(lead, forces))
    reports_due_notices(now=PUBLICATION)
    obligations = {
        o.area.slug: o
        for o in ResponseObligation.objects.filter(report=complaint.report).select_related("area")
    }
    submit(obligations["avon-and-somerset"], dt.datetime(2026, 5, 1, 9, tzinfo=LONDON), pcc_office_a)
    submit(obligations["kent"], DUE + dt.timedelta(days=2), pcc_office_b)
    return complaint


def statuses(complaint: SuperComplaint, at: dt.datetime) -> dict[str, str]:
    return {row.area.slug: row.status for row in pcc_response_tracker(report=complaint.report, at=at).rows}


def test_s3_tracker_statuses_across_several_forces(tracked):
    assert statuses(tracked, PUBLICATION - SECOND) == dict.fromkeys(
        ("avon-and-somerset", "cumbria", "essex", "greater-manchester", "kent"), "not published"
    )
    assert statuses(tracked, BEFORE_DUE) == {
        "avon-and-somerset": "on time",
        "cumbria": "awaiting",
        "essex": "awaiting",
        "greater-manchester": "awaiting",
        "kent": "awaiting",
    }
    assert statuses(tracked, DUE - SECOND)["essex"] == "awaiting"
    assert statuses(tracked, DUE)["essex"] == "overdue"
    assert statuses(tracked, AFTER_DUE) == {
        "avon-and-somerset": "on time",
        "cumbria": "overdue",
        "essex": "overdue",
        "greater-manchester": "overdue",
        "kent": "late",
    }
    tracker = pcc_response_tracker(report=tracked.report, at=AFTER_DUE)
    assert dict(tracker.count_rows)["Overdue"] == 3
    assert tracker.recommendations == 2
    offices = {row.area.slug: row.office.name for row in tracker.rows}
    assert offices["greater-manchester"].startswith("Policing and crime office, Mayor of Greater Manchester")


def test_s3_a_submission_at_the_deadline_is_late(tracked, pcc_office_a):
    essex = ResponseObligation.objects.get(report=tracked.report, area__slug="essex")
    submit(essex, DUE, pcc_office_a)
    assert statuses(tracked, AFTER_DUE)["essex"] == "late"
    cumbria = ResponseObligation.objects.get(report=tracked.report, area__slug="cumbria")
    submit(cumbria, DUE - SECOND, pcc_office_a)
    assert statuses(tracked, AFTER_DUE)["cumbria"] == "on time"


def test_s3_tracker_costs_the_same_queries_for_three_forces_or_all_43(lead, apcc_lead, hmicfrs_staff):
    all_forces = list(Organisation.objects.filter(kind=OrganisationKind.POLICE_FORCE).order_by("name"))
    assert len(all_forces) == 43
    few = reported(lead, [apcc_lead], police_report(lead, all_forces[:3]), title="Few")
    every = reported(lead, [apcc_lead], police_report(lead, all_forces), title="Every")
    reports_due_notices(now=PUBLICATION)
    for obligation in ResponseObligation.objects.filter(report=every.report)[:20]:
        submit(obligation, BEFORE_DUE, lead)

    def queries(complaint: SuperComplaint) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as tracker_queries:
            tracker = pcc_response_tracker(report=complaint.report, at=AFTER_DUE)
        with CaptureQueriesContext(connection) as page_queries:
            assert get(hmicfrs_staff, complaint_url(complaint), AFTER_DUE).status_code == 200
        return len(tracker.rows), len(tracker_queries), len(page_queries)

    # The first sign-in also sets up the person's second factor (once): not the page's cost.
    queries(few)
    rows_few, tracker_few, page_few = queries(few)
    rows_every, tracker_every, page_every = queries(every)
    assert (rows_few, rows_every) == (3, 43)
    assert tracker_few == tracker_every <= 5
    assert page_few == page_every
    assert dict(pcc_response_tracker(report=every.report, at=AFTER_DUE).count_rows) == {
        "Report not published yet": 0,
        "Awaiting response": 0,
        "Submitted on time": 20,
        "Submitted late": 0,
        "Overdue": 23,
        "Answered by another response": 0,
    }


# --- access -------------------------------------------------------------------------------------------


def test_s_visibility_hmicfrs_and_apcc_all_opcc_theirs_once_published(
    tracked, people, lead, apcc_lead, force_b
):
    other = reported(lead, [apcc_lead], police_report(lead, [force("essex")]), title="Essex only")
    for persona, before, after in [
        ("hmicfrs", {tracked, other}, {tracked, other}),
        ("hmi_a", {tracked, other}, {tracked, other}),
        ("apcc", {tracked, other}, {tracked, other}),
        ("pcc_a", set(), {tracked}),
        ("pcc_b", set(), {tracked}),
        ("chief_a", set(), set()),
        ("anonymous", set(), set()),
    ]:
        user = people[persona]
        assert set(super_complaints_visible_to(user, PUBLICATION - SECOND)) == before, persona
        assert set(super_complaints_visible_to(user, PUBLICATION)) == after, persona


# --- pages ----------------------------------------------------------------------------------------------


def client(user: User | None) -> Client:
    browser = Client()
    if user is not None:
        browser.force_login(user)
    return browser


def get(user: User | None, url: str, at: dt.datetime):
    with time_machine.travel(at, tick=False):
        return client(user).get(url)


def post(user: User | None, url: str, data: dict, at: dt.datetime):
    with time_machine.travel(at, tick=False):
        return client(user).post(url, data)


def check(response, expected) -> None:
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == expected


def each_persona(people, expected: list, call) -> None:
    for persona, status in zip(PERSONAS, expected, strict=True):
        response = call(people[persona])
        try:
            check(response, status)
        except AssertionError:
            pytest.fail(f"{persona}: expected {status}, got {response.status_code}")


def complaint_url(complaint: SuperComplaint, name: str = "complaint") -> str:
    return reverse(f"responses:{name}", kwargs={"pk": complaint.pk})


def test_s_list_answers_each_persona(tracked, people):
    url = reverse("responses:complaints")
    #                    hmicfrs hmi_a apcc pcc_a pcc_b chief anon
    each_persona(people, [200, 200, 200, 200, 200, 403, LOGIN], lambda user: get(user, url, BEFORE_DUE))
    assert tracked.title in get(people["pcc_a"], url, BEFORE_DUE).text
    assert tracked.title not in get(people["pcc_a"], url, PUBLICATION - SECOND).text


def test_s_detail_answers_each_persona_before_and_after_publication(tracked, people):
    url = complaint_url(tracked)
    each_persona(
        people, [200, 200, 200, 404, 404, 404, LOGIN], lambda user: get(user, url, PUBLICATION - SECOND)
    )
    each_persona(people, [200, 200, 200, 200, 200, 404, LOGIN], lambda user: get(user, url, AFTER_DUE))
    page = get(people["apcc"], url, AFTER_DUE).text
    assert "Submitted on time" in page
    assert "Submitted late" in page
    assert "By the end of 15 June 2026" in page
    assert AuditEvent.objects.filter(
        action=AuditAction.DENIED, object_type="responses.supercomplaint", object_id=str(tracked.pk)
    ).exists()


@pytest.mark.parametrize("name", ["complaint-decide", "complaint-investigate", "complaint-report"])
def test_s_hmicfrs_forms_answer_each_persona(hmicfrs_staff, people, name):
    complaint = receive(hmicfrs_staff)
    url = complaint_url(complaint, name)
    each_persona(people, [200, 200, 403, 404, 404, 404, LOGIN], lambda user: get(user, url, DECIDED))


def test_s_new_form_answers_each_persona(people):
    url = reverse("responses:complaint-new")
    each_persona(people, [200, 200, 403, 403, 403, 403, LOGIN], lambda user: get(user, url, DECIDED))


def test_s1_new_form_records_and_refuses_bad_input(hmicfrs_staff):
    url = reverse("responses:complaint-new")
    data = {
        "title": "Police use of protective orders",
        "designated_body": "Centre for Women's Justice",
        "received_at_0": "2",
        "received_at_1": "2",
        "received_at_2": "2026",
        "received_at_time": "09:00",
    }
    future = post(hmicfrs_staff, url, {**data, "received_at_0": "3"}, RECEIVED)
    assert future.status_code == 200
    assert "The date received cannot be in the future." in future.text
    missing = post(hmicfrs_staff, url, {**data, "title": ""}, RECEIVED)
    assert "Enter the title of the super-complaint." in missing.text
    assert not SuperComplaint.objects.exists()
    done = post(hmicfrs_staff, url, data, RECEIVED)
    complaint = SuperComplaint.objects.get()
    assert done["Location"] == complaint_url(complaint)
    assert complaint.received_at == RECEIVED


def test_s1_decide_form_notifies_the_apcc_and_refuses_bad_input(hmicfrs_staff, apcc_lead):
    complaint = receive(hmicfrs_staff)
    url = complaint_url(complaint, "complaint-decide")
    before = state()
    no_reason = post(hmicfrs_staff, url, {"decision": "eligible", "reason": ""}, DECIDED)
    assert no_reason.status_code == 200
    assert "Give the reason for the decision." in no_reason.text
    no_choice = post(hmicfrs_staff, url, {"reason": "x"}, DECIDED)
    assert "Choose whether the super-complaint is eligible for investigation." in no_choice.text
    assert state() == before
    assert (
        post(hmicfrs_staff, url, {"decision": "eligible", "reason": "Systemic."}, DECIDED).status_code == 302
    )
    complaint.refresh_from_db()
    assert complaint.apcc_notified_at == complaint.eligibility_decided_at == DECIDED
    assert InboxMessage.objects.filter(user=apcc_lead, created_at=DECIDED).count() == 1
    twice = post(
        hmicfrs_staff, url, {"decision": "not_eligible", "reason": "Changed mind."}, DECIDED + SECOND
    )
    assert twice.status_code == 200
    assert "already been decided" in twice.text
    assert InboxMessage.objects.filter(user=apcc_lead).count() == 1


def test_s2_investigate_form_offers_and_accepts_apcc_people_only(hmicfrs_staff, apcc_lead, pcc_office_a):
    complaint = eligible(hmicfrs_staff)
    url = complaint_url(complaint, "complaint-investigate")
    page = get(hmicfrs_staff, url, STARTED).text
    assert str(apcc_lead) in page
    assert str(pcc_office_a) not in page
    before = state()
    outsider = post(hmicfrs_staff, url, {"supporters": [apcc_lead.pk, pcc_office_a.pk]}, STARTED)
    assert outsider.status_code == 200
    assert "There is a problem" in outsider.text
    assert post(hmicfrs_staff, url, {}, STARTED).status_code == 200
    assert state() == before
    assert post(hmicfrs_staff, url, {"supporters": [apcc_lead.pk]}, STARTED).status_code == 302
    complaint.refresh_from_db()
    assert complaint.state == SuperComplaintState.INVESTIGATING


def test_s3_report_form_offers_police_only_reports(lead, apcc_lead, force_a):
    complaint = investigating(lead, [apcc_lead])
    police = police_report(lead, [force_a])
    fire = org(OrganisationKind.FIRE_RESCUE_SERVICE, "essex")
    inspection = inspection_create(
        kind=InspectionKind.FRS, title="FRS", areas=[fire], lead=lead, by=lead, now=RECEIVED
    )
    frs_report = report_create(
        inspection=inspection,
        kind=ReportKind.FORCE_SPECIFIC,
        title="FRS only report",
        body="x",
        by=lead,
        now=RECEIVED,
    )
    url = complaint_url(complaint, "complaint-report")
    page = get(lead, url, LINKED).text
    assert police.title in page
    assert "FRS only report" not in page
    refused = post(lead, url, {"report": frs_report.pk}, LINKED)
    assert refused.status_code == 200
    assert "Choose one of the reports listed." in refused.text
    complaint.refresh_from_db()
    assert complaint.report is None
    assert post(lead, url, {"report": police.pk}, LINKED).status_code == 302
    complaint.refresh_from_db()
    assert (complaint.report, complaint.state) == (police, SuperComplaintState.REPORTED)


# --- concurrency (PostgreSQL: real row locks between connections) ----------------------------------


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_s1_two_decisions_at_once_notify_the_apcc_once(directory):
    import threading
    import time

    from responses import complaints

    manager = make_person("s_race_manager", org(OrganisationKind.HMICFRS, "hmicfrs"), Role.INSPECTION_STAFF)
    apcc_person = make_person("s_race_apcc", org(OrganisationKind.APCC, "apcc"), Role.APCC_CHAIR)
    complaint = receive(manager)
    real_send = complaints.inbox_send

    def slow_send(*args: Any, **kwargs: Any) -> int:
        time.sleep(0.3)
        return real_send(*args, **kwargs)

    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(eligible_: bool) -> None:
        try:
            barrier.wait()
            super_complaint_decide_eligibility(
                complaint=complaint, eligible=eligible_, reason="Race.", by=manager, now=DECIDED
            )
            outcomes.append("decided")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    with mock.patch("responses.complaints.inbox_send", side_effect=slow_send):
        threads = [threading.Thread(target=decide, args=(True,)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(outcomes) == ["decided", "refused"]
    assert InboxMessage.objects.filter(user=apcc_person).count() == 1
