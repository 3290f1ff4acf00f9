"""Inspections services against the MOU's rules (DESIGN.md P1–P3, I1–I8, U1–U5, D1–D4).

Every fixture is built through inspections.services; bad input is refused with a
clear message and changes nothing (rows are counted before and after).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from contacts.models import Organisation, OrganisationKind, Role, User
from contacts.selectors import governing_body_of_area
from hmicfrs_mou.deadlines import LONDON
from hmicfrs_mou.models import (
    AuditEvent,
    Deadline,
    DeadlineChange,
    DeadlineState,
    InboxMessage,
    Reminder,
)
from hmicfrs_mou.reminders import sweep
from inspections.models import (
    PROGRAMME_ORDER,
    ChiefUpdate,
    CommissionRequest,
    CommissionState,
    Debrief,
    DiaryNote,
    FactualAccuracyComment,
    Inspection,
    InspectionKind,
    InspectionNotice,
    Milestone,
    Programme,
    ProgrammeEvent,
    ProgrammeState,
    Redaction,
    Report,
    ReportKind,
    ReportState,
    Representation,
    StrategicPresentation,
)
from inspections.services import (
    REDACTED,
    chief_update_record,
    commission_accept,
    commission_agree_estimate,
    commission_request,
    debrief_attendance_decide,
    debrief_record,
    diary_note_send,
    fac_comment_decide,
    fac_comment_submit,
    inspection_create,
    inspection_notify,
    methodology_change_notify,
    programme_advance,
    published_text,
    redaction_add,
    reference_group_set,
    report_create,
    report_finalise,
    report_open_factual_accuracy,
    reports_due_notices,
    representation_consider,
    representation_record,
    strategic_presentation_record,
)
from tests.conftest import make_person, office_of, org
from tests.inspections.conftest import (
    CREATED,
    FAC_CLOSES,
    FAC_OPENS,
    HOUR,
    PUBLICATION,
    SCHEDULED,
    SECOND,
    final,
    schedule,
    sees,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 4, 11, 30, tzinfo=LONDON)
D1_AT = PUBLICATION - 48 * HOUR
D24_AT = PUBLICATION - 24 * HOUR


def counts(*models) -> dict[str, int]:
    """Rows of each model, and of the audit trail, inbox and deadlines, to show nothing changed."""
    return {m.__name__: m.objects.count() for m in (*models, AuditEvent, InboxMessage, Deadline)}


def inbox(user, subject_contains: str = "") -> list[InboxMessage]:
    return list(InboxMessage.objects.filter(user=user, subject__contains=subject_contains))


# --- P1: programme and framework ----------------------------------------------------------------


@pytest.fixture
def apcc_chair(apcc):
    """P1: the APCC's collated response comes from its chair (or chief executive)."""
    return make_person("apcc_chair", apcc, Role.APCC_CHAIR)


@pytest.fixture
def programme(directory) -> Programme:
    # There is no service that creates a programme; the row is the starting point of P1.
    return Programme.objects.create(
        title="Inspection programme and framework", year="2026-27", created_at=CREATED
    )


def _advance(programme: Programme, to: str, by, at: dt.datetime = NOW) -> Programme:
    return programme_advance(programme=programme, to=to, by=by, now=at)


def _consider(representation: Representation) -> None:
    # HMICFRS records its consideration: the inspection staff persona of the test.
    representation_consider(
        representation=representation,
        consideration="Considered by HMICFRS.",
        by=User.objects.get(username="hmicfrs_staff"),
        now=NOW,
    )


def test_p1_the_programme_moves_one_step_at_a_time_to_laid_before_parliament(
    programme, hmicfrs_staff, apcc, force_a, apcc_chair, pcc_office_a
):
    _advance(programme, ProgrammeState.REPRESENTATIONS_REQUESTED, hmicfrs_staff)
    collated = representation_record(
        programme=programme, organisation=apcc, text="Collated views of all PCCs.", by=apcc_chair, now=NOW
    )
    direct = representation_record(
        programme=programme, organisation=office_of(force_a), text="Our own view.", by=pcc_office_a, now=NOW
    )
    _advance(programme, ProgrammeState.UNDER_CONSIDERATION, hmicfrs_staff)
    _consider(collated)
    _consider(direct)
    for state in (ProgrammeState.SUBMITTED, ProgrammeState.APPROVED, ProgrammeState.LAID):
        _advance(programme, state, hmicfrs_staff)
    programme.refresh_from_db()
    assert programme.state == ProgrammeState.LAID


def test_p1_each_step_is_kept_in_the_state_history(programme, hmicfrs_staff, apcc, apcc_chair):
    moments = [NOW + n * HOUR for n in range(5)]
    _advance(programme, ProgrammeState.REPRESENTATIONS_REQUESTED, hmicfrs_staff, moments[0])
    _consider(representation_record(programme=programme, organisation=apcc, text="Collated.", by=apcc_chair))
    for state, at in zip(PROGRAMME_ORDER[2:], moments[1:], strict=True):
        programme_advance(programme=programme, to=state, by=hmicfrs_staff, note=f"to {state}", now=at)
    events = list(ProgrammeEvent.objects.filter(programme=programme))
    assert [e.state for e in events] == PROGRAMME_ORDER[1:]
    assert [e.at for e in events] == moments
    assert {e.by for e in events} == {hmicfrs_staff}
    assert events[-1].note == "to laid"


@pytest.mark.parametrize(
    "target", [ProgrammeState.UNDER_CONSIDERATION, ProgrammeState.SUBMITTED, ProgrammeState.LAID]
)
def test_p1_skipping_a_step_is_refused_and_names_the_next_step(programme, hmicfrs_staff, target):
    with pytest.raises(ValidationError, match="the next step is “Representations asked of the APCC chair”"):
        _advance(programme, target, hmicfrs_staff)
    programme.refresh_from_db()
    assert programme.state == ProgrammeState.DRAFT
    assert not ProgrammeEvent.objects.exists()


def test_p1_going_back_or_repeating_a_step_is_refused(programme, hmicfrs_staff):
    _advance(programme, ProgrammeState.REPRESENTATIONS_REQUESTED, hmicfrs_staff)
    for target in (ProgrammeState.DRAFT, ProgrammeState.REPRESENTATIONS_REQUESTED):
        with pytest.raises(ValidationError, match="The programme is at"):
            _advance(programme, target, hmicfrs_staff)
    assert ProgrammeEvent.objects.count() == 1


def test_p1_submission_without_the_apccs_collated_response_is_refused(
    programme, hmicfrs_staff, force_a, pcc_office_a
):
    _advance(programme, ProgrammeState.REPRESENTATIONS_REQUESTED, hmicfrs_staff)
    _consider(
        representation_record(
            programme=programme, organisation=office_of(force_a), text="Direct.", by=pcc_office_a
        )
    )
    _advance(programme, ProgrammeState.UNDER_CONSIDERATION, hmicfrs_staff)
    with pytest.raises(ValidationError, match="APCC's collated response"):
        _advance(programme, ProgrammeState.SUBMITTED, hmicfrs_staff)
    programme.refresh_from_db()
    assert programme.state == ProgrammeState.UNDER_CONSIDERATION
    assert ProgrammeEvent.objects.count() == 2


def test_p1_submission_with_a_representation_not_yet_considered_is_refused(
    programme, hmicfrs_staff, apcc, force_b, apcc_chair, pcc_office_b
):
    _advance(programme, ProgrammeState.REPRESENTATIONS_REQUESTED, hmicfrs_staff)
    _consider(representation_record(programme=programme, organisation=apcc, text="Collated.", by=apcc_chair))
    _advance(programme, ProgrammeState.UNDER_CONSIDERATION, hmicfrs_staff)
    representation_record(programme=programme, organisation=office_of(force_b), text="Late.", by=pcc_office_b)
    with pytest.raises(ValidationError, match="Every representation must be considered"):
        _advance(programme, ProgrammeState.SUBMITTED, hmicfrs_staff)
    programme.refresh_from_db()
    assert programme.state == ProgrammeState.UNDER_CONSIDERATION


def test_p1_hmicfrs_records_its_consideration_through_a_service(programme, hmicfrs_staff, apcc, apcc_chair):
    from inspections import services

    _advance(programme, ProgrammeState.REPRESENTATIONS_REQUESTED, hmicfrs_staff)
    rep = representation_record(programme=programme, organisation=apcc, text="Collated.", by=apcc_chair)
    services.representation_consider(representation=rep, consideration="Noted.", by=hmicfrs_staff, now=NOW)
    rep.refresh_from_db()
    assert rep.considered_at == NOW


def test_p1_the_apccs_representation_is_the_collated_response(programme, hmicfrs_staff, apcc, apcc_chair):
    _advance(programme, ProgrammeState.REPRESENTATIONS_REQUESTED, hmicfrs_staff)
    rep = representation_record(
        programme=programme, organisation=apcc, text="Collated.", by=apcc_chair, now=NOW
    )
    assert rep.kind == "apcc_collated"
    assert rep.received_at == NOW
    assert rep.considered_at is None


def test_p1_a_pcc_may_respond_directly_from_its_office_or_as_the_body(
    programme, hmicfrs_staff, force_a, pcc_office_a
):
    _advance(programme, ProgrammeState.REPRESENTATIONS_REQUESTED, hmicfrs_staff)
    office = office_of(force_a)
    from_office = representation_record(programme=programme, organisation=office, text="A.", by=pcc_office_a)
    from_body = representation_record(
        programme=programme, organisation=office.parent, text="B.", by=pcc_office_a
    )
    assert from_office.kind == from_body.kind == "pcc_direct"


def test_p1_representations_only_from_the_apcc_or_a_pcc(programme, hmicfrs_staff, force_a, chief_office_a):
    _advance(programme, ProgrammeState.REPRESENTATIONS_REQUESTED, hmicfrs_staff)
    with pytest.raises(ValidationError, match="from the APCC or from a PCC"):
        representation_record(programme=programme, organisation=force_a, text="Ours.", by=chief_office_a)
    assert not Representation.objects.exists()


def test_p1_representations_are_taken_only_once_asked_for(programme, hmicfrs_staff, apcc, apcc_chair):
    before = counts(Representation)
    with pytest.raises(ValidationError, match="once the APCC chair has been asked"):
        representation_record(programme=programme, organisation=apcc, text="Early.", by=apcc_chair)
    assert counts(Representation) == before


def test_p1_an_empty_representation_is_refused(programme, hmicfrs_staff, apcc, apcc_chair):
    _advance(programme, ProgrammeState.REPRESENTATIONS_REQUESTED, hmicfrs_staff)
    with pytest.raises(ValidationError, match="Enter the representation"):
        representation_record(programme=programme, organisation=apcc, text="   ", by=apcc_chair)
    assert not Representation.objects.exists()


# --- P2: commissioned inspections -------------------------------------------------------------


@pytest.fixture
def commission(force_a, pcc_office_a) -> CommissionRequest:
    return commission_request(
        requested_by=[office_of(force_a)],
        areas=[force_a],
        scope="Custody arrangements",
        by=pcc_office_a,
        now=CREATED,
    )


def test_p2_a_pcc_requests_a_commissioned_inspection_of_its_force(commission, force_a):
    assert commission.state == CommissionState.REQUESTED
    assert list(commission.areas.all()) == [force_a]
    assert list(commission.requested_by.all()) == [office_of(force_a)]


def test_p2_a_group_of_pccs_may_request_one_together(force_a, force_b, pcc_office_a):
    request = commission_request(
        requested_by=[office_of(force_a), office_of(force_b)],
        areas=[force_a, force_b],
        scope="Regional organised crime unit",
        by=pcc_office_a,
    )
    assert request.requested_by.count() == 2
    assert request.areas.count() == 2


@pytest.mark.parametrize("with_force", [False, True])
def test_p2_a_commission_for_an_frs_is_refused_pointing_to_a_request_for_assistance(
    essex_frs, force_a, pfcc_office_essex, with_force
):
    areas = [force_a, essex_frs] if with_force else [essex_frs]
    before = counts(CommissionRequest)
    with pytest.raises(ValidationError, match="request for assistance"):
        commission_request(
            requested_by=[office_of(essex_frs)], areas=areas, scope="Prevention work", by=pfcc_office_essex
        )
    assert counts(CommissionRequest) == before


def test_p2_only_a_pcc_may_request_a_commission(force_a, chief_office_a):
    with pytest.raises(ValidationError):
        commission_request(requested_by=[force_a], areas=[force_a], scope="Custody", by=chief_office_a)
    assert not CommissionRequest.objects.exists()


def test_p2_a_commission_needs_a_scope_and_a_requester(force_a, pcc_office_a):
    with pytest.raises(ValidationError, match="Describe the scope"):
        commission_request(requested_by=[office_of(force_a)], areas=[force_a], scope=" ", by=pcc_office_a)
    with pytest.raises(ValidationError, match="requested by one or more PCCs"):
        commission_request(requested_by=[], areas=[force_a], scope="Custody", by=pcc_office_a)
    assert not CommissionRequest.objects.exists()


def test_p2_acceptance_before_the_estimate_is_agreed_is_refused(commission, hmicfrs_staff):
    with pytest.raises(ValidationError, match="must be agreed before the request is accepted"):
        commission_accept(request=commission, by=hmicfrs_staff)
    commission.refresh_from_db()
    assert commission.state == CommissionState.REQUESTED
    assert commission.decided_at is None


@pytest.mark.parametrize(
    ("days", "cost"),
    [(0, Decimal("12000")), (-3, Decimal("12000")), (10, Decimal("0")), (10, Decimal("-1")), (10, None)],
)
def test_p2_the_estimate_needs_days_and_a_cost_above_zero(commission, hmicfrs_staff, days, cost):
    with pytest.raises(ValidationError, match="estimated duration in days and a cost"):
        commission_agree_estimate(request=commission, days=days, cost_pounds=cost, by=hmicfrs_staff)
    commission.refresh_from_db()
    assert commission.estimate_agreed_at is None
    assert commission.estimated_days is None
    assert commission.state == CommissionState.REQUESTED


def test_p2_agreed_estimate_then_acceptance_then_the_commissioned_inspection(
    commission, hmicfrs_staff, lead_hmi, force_a
):
    agreed_at = CREATED + 24 * HOUR
    commission_agree_estimate(
        request=commission, days=15, cost_pounds=Decimal("18500.00"), by=hmicfrs_staff, now=agreed_at
    )
    commission.refresh_from_db()
    assert (commission.estimated_days, commission.estimated_cost_pounds) == (15, Decimal("18500.00"))
    assert commission.estimate_agreed_at == agreed_at
    commission_accept(request=commission, by=hmicfrs_staff, now=agreed_at + HOUR)
    assert commission.state == CommissionState.ACCEPTED
    inspection = inspection_create(
        kind=InspectionKind.COMMISSIONED,
        title="Commissioned: custody",
        areas=[force_a],
        lead=lead_hmi,
        by=lead_hmi,
        commission=commission,
    )
    assert inspection.commission == commission


def test_p2_a_commissioned_inspection_needs_an_accepted_request(commission, hmicfrs_staff, lead_hmi, force_a):
    before = counts(Inspection)
    for request in (None, commission):
        with pytest.raises(ValidationError, match="needs an accepted commission request"):
            inspection_create(
                kind=InspectionKind.COMMISSIONED,
                title="Commissioned",
                areas=[force_a],
                lead=lead_hmi,
                by=lead_hmi,
                commission=request,
            )
    commission_agree_estimate(request=commission, days=5, cost_pounds=Decimal("5000"), by=hmicfrs_staff)
    with pytest.raises(ValidationError, match="needs an accepted commission request"):
        inspection_create(
            kind=InspectionKind.COMMISSIONED,
            title="Commissioned",
            areas=[force_a],
            lead=lead_hmi,
            by=lead_hmi,
            commission=commission,
        )
    assert Inspection.objects.count() == before["Inspection"]


# --- P3: external reference group -----------------------------------------------------------


def test_p3_a_reference_group_without_the_apcc_or_a_pcc_is_warned(peel_a, force_b, lead_hmi):
    college = org("college_of_policing", "college-of-policing")
    group, warnings = reference_group_set(inspection=peel_a, members=[force_b, college], by=lead_hmi)
    assert warnings == ["The external reference group should include the APCC or at least one PCC."]
    assert set(group.members.all()) == {force_b, college}


def test_p3_hmicfrs_is_not_an_external_member(peel_a, hmicfrs, apcc, lead_hmi):
    with pytest.raises(ValidationError, match="outside HMICFRS"):
        reference_group_set(inspection=peel_a, members=[apcc, hmicfrs], by=lead_hmi)


@pytest.mark.parametrize("member", ["apcc", "opcc", "governing_body"])
def test_p3_no_warning_with_the_apcc_or_a_pcc(peel_a, force_a, force_b, apcc, lead_hmi, member):
    office = office_of(force_a)
    chosen = {"apcc": apcc, "opcc": office, "governing_body": office.parent}[member]
    group, warnings = reference_group_set(inspection=peel_a, members=[force_b, chosen], by=lead_hmi)
    assert warnings == []
    assert chosen in group.members.all()


def test_p3_setting_the_group_again_replaces_the_members(peel_a, apcc, force_b, lead_hmi):
    reference_group_set(inspection=peel_a, members=[apcc], by=lead_hmi)
    group, warnings = reference_group_set(inspection=peel_a, members=[force_b], by=lead_hmi)
    assert list(group.members.all()) == [force_b]
    assert warnings


# --- I1, I2: one notice, one text, one moment -----------------------------------------------------


def _same_message(*users) -> set[tuple[str, str, dt.datetime]]:
    return {
        (m.subject, m.body, m.created_at) for user in users for m in InboxMessage.objects.filter(user=user)
    }


def test_i1_one_notice_reaches_the_force_and_its_pcc_alike(
    peel_a, force_a, pcc_office_a, chief_office_a, pcc_office_b, lead_hmi
):
    notice = inspection_notify(
        inspection=peel_a,
        kind=InspectionNotice.Kind.NOTIFICATION,
        subject="PEEL inspection of Avon and Somerset Police",
        body="Fieldwork starts on 13 April 2026.",
        by=lead_hmi,
        now=NOW,
    )
    assert InspectionNotice.objects.count() == 1
    assert set(notice.recipients.all()) == {force_a, office_of(force_a)}
    assert notice.sent_at == NOW
    messages = _same_message(pcc_office_a, chief_office_a)
    assert messages == {
        ("PEEL inspection of Avon and Somerset Police", "Fieldwork starts on 13 April 2026.", NOW)
    }
    assert len(inbox(pcc_office_a)) == len(inbox(chief_office_a)) == 1
    assert not inbox(pcc_office_b)


def test_i1_a_notice_of_a_thematic_reaches_every_force_and_pcc(thematic, force_a, force_b, lead_hmi):
    notice = inspection_notify(
        inspection=thematic,
        kind=InspectionNotice.Kind.NOTIFICATION,
        subject="S",
        body="B",
        by=lead_hmi,
        now=NOW,
    )
    assert set(notice.recipients.all()) == {force_a, force_b, office_of(force_a), office_of(force_b)}


def test_i1_a_notice_needs_a_subject_and_text(peel_a, lead_hmi):
    before = counts(InspectionNotice)
    with pytest.raises(ValidationError, match="needs a subject and a text"):
        inspection_notify(inspection=peel_a, kind="notification", subject="Inspection", body=" ", by=lead_hmi)
    assert counts(InspectionNotice) == before


def test_i1_an_frs_notice_reaches_the_pfcc_and_the_chief_fire_officer(
    frs_essex, essex_frs, pfcc_office_essex, chief_office_essex_frs, lead_hmi
):
    notice = inspection_notify(
        inspection=frs_essex,
        kind="notification",
        subject="FRS inspection",
        body="Dates.",
        by=lead_hmi,
        now=NOW,
    )
    assert set(notice.recipients.all()) == {essex_frs, office_of(essex_frs)}
    assert _same_message(pfcc_office_essex, chief_office_essex_frs) == {("FRS inspection", "Dates.", NOW)}


def test_i2_the_peel_schedule_reaches_the_pcc_when_the_chief_gets_it(
    peel_a, pcc_office_a, chief_office_a, lead_hmi
):
    Milestone.objects.create(
        inspection=peel_a,
        name="Final evidence-gathering period",
        starts_on=dt.date(2026, 9, 7),
        ends_on=dt.date(2026, 9, 18),
    )
    Milestone.objects.create(inspection=peel_a, name="Fieldwork week", starts_on=dt.date(2026, 6, 1))
    body = "\n".join(f"{m.name}: from {m.starts_on:%-d %B %Y}" for m in peel_a.milestones.all())
    notice = inspection_notify(
        inspection=peel_a,
        kind=InspectionNotice.Kind.SCHEDULE,
        subject="PEEL schedule and milestones",
        body=body,
        by=lead_hmi,
        now=NOW,
    )
    assert notice.kind == InspectionNotice.Kind.SCHEDULE
    assert [m.name for m in peel_a.milestones.all()] == ["Fieldwork week", "Final evidence-gathering period"]
    assert _same_message(pcc_office_a, chief_office_a) == {("PEEL schedule and milestones", body, NOW)}


# --- I3: a major methodology change ---------------------------------------------------------------


def test_i3_only_the_lead_hmi_sends_notice_of_a_methodology_change(peel_a, hmi_a):
    before = counts(InspectionNotice)
    with pytest.raises(ValidationError, match="senior responsible owner HMI"):
        methodology_change_notify(inspection=peel_a, body="New questions.", by=hmi_a, now=NOW)
    assert counts(InspectionNotice) == before


def test_i3_the_lead_tells_the_apcc_and_every_pcc(
    peel_a, lead_hmi, apcc, apcc_lead, pcc_office_a, pcc_office_b, chief_office_a
):
    notice = methodology_change_notify(
        inspection=peel_a, body="New questions on vetting.", by=lead_hmi, now=NOW
    )
    recipients = list(notice.recipients.all())
    assert len(recipients) == 44
    assert apcc in recipients
    opccs = [o for o in recipients if o.kind == OrganisationKind.OPCC]
    assert len(opccs) == 43
    assert office_of(org(OrganisationKind.POLICE_FORCE, "avon-and-somerset")) in opccs
    for user in (apcc_lead, pcc_office_a, pcc_office_b):
        [message] = inbox(user)
        assert (message.body, message.created_at) == ("New questions on vetting.", NOW)
    assert not inbox(chief_office_a)


# --- I4: strategic presentation ---------------------------------------------------------------------


HELD_ON = dt.date(2026, 5, 12)


def test_i4_police_the_chief_decides_whether_the_pcc_is_invited(peel_a, force_a, chief_office_a):
    for invited in (True, False):
        p = strategic_presentation_record(
            inspection=peel_a, area=force_a, held_on=HELD_ON, by=chief_office_a, pcc_invited=invited
        )
        assert (p.pcc_invited, p.pfcc_attending) == (invited, None)


def test_i4_police_refuses_a_pfcc_choice(peel_a, force_a, pcc_office_a):
    with pytest.raises(ValidationError, match="chief constable decides"):
        strategic_presentation_record(
            inspection=peel_a, area=force_a, held_on=HELD_ON, by=pcc_office_a, pfcc_attending=True
        )
    assert not StrategicPresentation.objects.exists()


def test_i4_frs_refuses_an_invitation(frs_essex, essex_frs, chief_office_essex_frs):
    with pytest.raises(ValidationError, match="the PFCC chooses whether to attend"):
        strategic_presentation_record(
            inspection=frs_essex, area=essex_frs, held_on=HELD_ON, by=chief_office_essex_frs, pcc_invited=True
        )
    assert not StrategicPresentation.objects.exists()


def test_i4_a_pfcc_attending_an_frs_not_governed_by_a_pfcc_is_refused(kent_frs, lead_hmi):
    inspection = inspection_create(
        kind=InspectionKind.FRS, title="FRS: Kent", areas=[kent_frs], lead=lead_hmi, by=lead_hmi
    )
    # The fire authority's own staff: the governing body's side, which has no PFCC to attend.
    body = governing_body_of_area(kent_frs, HELD_ON)
    authority = make_person("kent_fire_authority", body, Role.FIRE_AUTHORITY_STAFF)
    with pytest.raises(ValidationError, match="not governed by a PFCC"):
        strategic_presentation_record(
            inspection=inspection, area=kent_frs, held_on=HELD_ON, by=authority, pfcc_attending=True
        )
    assert not StrategicPresentation.objects.exists()


@pytest.mark.parametrize("slug", ["essex", "north-yorkshire"])
def test_i4_the_pfcc_or_mayor_chooses_to_attend_the_frs_presentation(lead_hmi, slug):
    area = org(OrganisationKind.FIRE_RESCUE_SERVICE, slug)
    inspection = inspection_create(
        kind=InspectionKind.FRS, title="FRS", areas=[area], lead=lead_hmi, by=lead_hmi
    )
    pfcc_office = make_person(f"pfcc_office_{slug}", office_of(area), Role.OPCC_STAFF)
    p = strategic_presentation_record(
        inspection=inspection, area=area, held_on=HELD_ON, by=pfcc_office, pfcc_attending=True
    )
    assert (p.pfcc_attending, p.pcc_invited) == (True, None)


# --- I6: debriefs ----------------------------------------------------------------------------------


PRELIMINARY = (
    "Preliminary view: the force understands its demand and has made good progress on vetting; "
    "officers showed a good understanding of vulnerability. Response times in rural areas are a concern."
)


def _debrief(inspection: Inspection, area: Organisation, notes: str, **kwargs) -> Debrief:
    return debrief_record(
        inspection=inspection,
        area=area,
        held_on=dt.date(2026, 2, 20),
        notes=notes,
        by=inspection.lead,
        **kwargs,
    )


@pytest.mark.parametrize(
    "notes",
    [
        "Crime recording was graded as good.",
        "Rating: inadequate",
        "Effectiveness requires improvement.",
        "Crime data integrity: outstanding.",
        "The force is rated as adequate at responding to the public.",
        "Grade: good",
        "Rating: inadequate for investigating crime.",
        "The force requires improvement in how it investigates crime.",
    ],
)
def test_i6_a_debrief_with_a_grade_is_refused_and_nothing_saved(peel_a, force_a, notes):
    before = counts(Debrief)
    with pytest.raises(ValidationError, match="never a graded judgment"):
        _debrief(peel_a, force_a, notes)
    assert counts(Debrief) == before


def test_i6_a_preliminary_view_without_grades_is_recorded(peel_a, force_a):
    debrief = _debrief(peel_a, force_a, PRELIMINARY)
    assert debrief.notes == PRELIMINARY
    assert not debrief.pcc_invited


def test_i6_police_the_pcc_attends_only_if_the_chief_invites(peel_a, force_a, chief_office_a):
    assert not _debrief(peel_a, force_a, PRELIMINARY).pcc_invited
    debrief = _debrief(peel_a, force_a, PRELIMINARY)
    assert debrief_attendance_decide(debrief=debrief, pcc_attends=True, by=chief_office_a).pcc_invited


@pytest.mark.parametrize("slug", ["essex", "cumbria"])
def test_i6_frs_with_a_pfcc_attends_by_right(lead_hmi, slug):
    area = org(OrganisationKind.FIRE_RESCUE_SERVICE, slug)
    inspection = inspection_create(
        kind=InspectionKind.FRS, title="FRS", areas=[area], lead=lead_hmi, by=lead_hmi
    )
    assert _debrief(inspection, area, PRELIMINARY).pcc_invited


# --- I7: factual-accuracy check ----------------------------------------------------------------------


def _comment(report: Report, by, at: dt.datetime) -> FactualAccuracyComment:
    return fac_comment_submit(
        report=report,
        by=by,
        paragraph="2.4",
        current_text="The force has 12 custody suites.",
        proposed_correction="The force has 11 custody suites.",
        evidence="Custody estate review, January 2026.",
        now=at,
    )


def test_i7_a_comment_inside_the_window_is_saved_pending(fac_report, chief_office_a):
    comment = _comment(fac_report, chief_office_a, FAC_CLOSES - SECOND)
    assert comment.decision == FactualAccuracyComment.Decision.PENDING
    assert comment.submitted_at == FAC_CLOSES - SECOND


@pytest.mark.parametrize("at", [FAC_CLOSES, FAC_CLOSES + 24 * HOUR, FAC_OPENS - SECOND])
def test_i7_a_comment_outside_the_window_is_refused_and_nothing_saved(fac_report, chief_office_a, at):
    before = counts(FactualAccuracyComment)
    with pytest.raises(ValidationError, match="window for this report is closed"):
        _comment(fac_report, chief_office_a, at)
    assert counts(FactualAccuracyComment) == before


def test_i7_a_comment_needs_every_field_of_the_template(fac_report, chief_office_a):
    with pytest.raises(ValidationError) as error:
        fac_comment_submit(
            report=fac_report,
            by=chief_office_a,
            paragraph="2.4",
            current_text="",
            proposed_correction=" ",
            evidence="",
            now=FAC_OPENS,
        )
    assert set(error.value.message_dict) == {"current_text", "proposed_correction", "evidence"}
    assert not FactualAccuracyComment.objects.exists()


def test_i7_the_pccs_office_cannot_send_factual_accuracy_comments(fac_report, pcc_office_a):
    with pytest.raises(ValidationError):
        _comment(fac_report, pcc_office_a, FAC_OPENS)
    assert not FactualAccuracyComment.objects.exists()


def test_i7_the_report_cannot_be_final_while_a_comment_is_undecided(fac_report, chief_office_a, lead_hmi):
    comment = _comment(fac_report, chief_office_a, FAC_OPENS)
    with pytest.raises(ValidationError, match="Decide every factual-accuracy comment"):
        report_finalise(report=fac_report, by=lead_hmi, now=FAC_CLOSES)
    fac_report.refresh_from_db()
    assert fac_report.state == ReportState.FACTUAL_ACCURACY
    fac_comment_decide(comment=comment, accept=True, reason="Checked against the estate review.", by=lead_hmi)
    report_finalise(report=fac_report, by=lead_hmi, now=FAC_CLOSES)
    assert fac_report.state == ReportState.FINAL


@pytest.mark.parametrize("reason", ["", "   "])
def test_i7_a_decision_needs_a_reason(fac_report, chief_office_a, lead_hmi, reason):
    comment = _comment(fac_report, chief_office_a, FAC_OPENS)
    with pytest.raises(ValidationError, match="Give the reason"):
        fac_comment_decide(comment=comment, accept=False, reason=reason, by=lead_hmi)
    comment.refresh_from_db()
    assert comment.decision == FactualAccuracyComment.Decision.PENDING
    assert comment.decided_by is None


def test_i7_each_comment_is_decided_with_its_reason(fac_report, chief_office_a, lead_hmi):
    comment = _comment(fac_report, chief_office_a, FAC_OPENS)
    fac_comment_decide(
        comment=comment, accept=False, reason="The count includes the new suite.", by=lead_hmi, now=NOW
    )
    comment.refresh_from_db()
    assert comment.decision == FactualAccuracyComment.Decision.REJECTED
    assert (comment.decision_reason, comment.decided_by, comment.decided_at) == (
        "The count includes the new suite.",
        lead_hmi,
        NOW,
    )


def test_i7_opening_the_check_tells_the_force_not_the_pcc(
    draft_report, chief_office_a, pcc_office_a, lead_hmi
):
    report_open_factual_accuracy(report=draft_report, closes_at=FAC_CLOSES, by=lead_hmi, now=FAC_OPENS)
    assert len(inbox(chief_office_a, "factual-accuracy")) == 1
    assert not inbox(pcc_office_a)


# --- I8: the chief keeps the PCC updated ---------------------------------------------------------


def test_i8_the_chiefs_update_reaches_the_pccs_office(
    peel_a, force_a, chief_office_a, pcc_office_a, pcc_office_b
):
    _debrief(peel_a, force_a, PRELIMINARY, significant_concern=True, now=NOW - HOUR)
    update = chief_update_record(
        inspection=peel_a, area=force_a, text="We have started a custody review.", by=chief_office_a, now=NOW
    )
    [message] = inbox(pcc_office_a)
    assert message.subject == f"Update from the chief officer: {peel_a.title}"
    assert (message.body, message.created_at) == ("We have started a custody review.", NOW)
    assert update.at == NOW
    assert not inbox(pcc_office_b)
    assert not inbox(chief_office_a, "Update from the chief officer")


def test_i8_an_empty_update_is_refused(peel_a, force_a, chief_office_a):
    _debrief(peel_a, force_a, PRELIMINARY, significant_concern=True)
    before = counts(ChiefUpdate)
    with pytest.raises(ValidationError, match="Enter the update"):
        chief_update_record(inspection=peel_a, area=force_a, text=" ", by=chief_office_a)
    assert counts(ChiefUpdate) == before


# --- U1: redaction -------------------------------------------------------------------------------


PASSAGE = "The force's witness protection unit operates from a building on Example Street."


def test_u1_a_passage_not_in_the_text_is_refused(final_report, lead_hmi):
    for passage in ("A sentence that is not in the report.", "  ", PASSAGE.upper()):
        with pytest.raises(ValidationError, match="copied exactly"):
            redaction_add(report=final_report, passage=passage, reason="Safety", by=lead_hmi)
    assert not Redaction.objects.exists()


def test_u1_a_redaction_needs_its_reason(final_report, lead_hmi):
    with pytest.raises(ValidationError, match="Give the reason"):
        redaction_add(report=final_report, passage=PASSAGE, reason="", by=lead_hmi)
    assert not Redaction.objects.exists()


def test_u1_the_published_text_replaces_the_passage(final_report, lead_hmi):
    redaction_add(report=final_report, passage=PASSAGE, reason="A person's safety", by=lead_hmi)
    text = published_text(final_report)
    assert PASSAGE not in text
    assert REDACTED in text
    assert "answers emergency calls promptly" in text
    assert "needs to improve how it records crime" in text
    final_report.refresh_from_db()
    assert PASSAGE in final_report.body  # the report itself is kept whole


def test_u1_a_published_report_cannot_be_redacted(peel_report, lead_hmi):
    reports_due_notices(now=PUBLICATION)
    peel_report.refresh_from_db()
    with pytest.raises(ValidationError, match="published report cannot be redacted"):
        redaction_add(report=peel_report, passage=PASSAGE, reason="Safety", by=lead_hmi)


# --- U2 / D3: the diary note -------------------------------------------------------------------


WEEK_STARTS = dt.datetime(2026, 4, 14, 0, 0, tzinfo=LONDON)


@pytest.mark.parametrize("at", [WEEK_STARTS - SECOND, PUBLICATION, PUBLICATION + HOUR, SCHEDULED])
def test_u2_a_diary_note_outside_the_week_before_publication_is_refused(peel_report, lead_hmi, at):
    before = counts(DiaryNote)
    with pytest.raises(ValidationError, match="in the week before publication"):
        diary_note_send(report=peel_report, text="Publishing on 21 April.", by=lead_hmi, now=at)
    assert counts(DiaryNote) == before


@pytest.mark.parametrize("at", [WEEK_STARTS, PUBLICATION - SECOND])
def test_u2_a_diary_note_in_the_week_before_is_sent_and_meets_d3(peel_report, lead_hmi, pcc_office_a, at):
    note = diary_note_send(report=peel_report, text="Publishing on 21 April.", by=lead_hmi, now=at)
    assert note.sent_at == at
    deadline = Deadline.objects.get(kind="diary_note", key=f"diary:{peel_report.pk}")
    assert deadline.state == DeadlineState.MET
    assert deadline.state_changed_at == at
    assert deadline.next_fire_at is None
    assert [m.body for m in inbox(pcc_office_a, "Diary note")] == ["Publishing on 21 April."]


def test_u2_a_diary_note_before_scheduling_is_refused(final_report, lead_hmi):
    with pytest.raises(ValidationError, match="Schedule the publication"):
        diary_note_send(report=final_report, text="Soon.", by=lead_hmi, now=WEEK_STARTS)
    assert not DiaryNote.objects.exists()


def test_u2_the_diary_note_of_another_report_goes_to_its_interested_parties(
    other_report, lead_hmi, apcc_lead, pcc_office_b, pcc_office_a
):
    diary_note_send(report=other_report, text="Thematic on 21 April.", by=lead_hmi, now=WEEK_STARTS)
    assert len(inbox(apcc_lead, "Diary note")) == len(inbox(pcc_office_b, "Diary note")) == 1
    assert not inbox(pcc_office_a)


# --- U3: force-specific report -------------------------------------------------------------------


def test_u3_distribution_defaults_to_48_elapsed_hours_before_publication(peel_report):
    assert peel_report.state == ReportState.SCHEDULED
    assert peel_report.publication_at == PUBLICATION
    assert peel_report.distribution_at == PUBLICATION - dt.timedelta(hours=48)
    assert peel_report.embargo_exception == ""


def test_u3_an_earlier_distribution_is_accepted(final_report):
    report = schedule(final_report, distribution_at=PUBLICATION - 72 * HOUR)
    assert report.distribution_at == PUBLICATION - 72 * HOUR


def test_u3_a_later_distribution_without_reasons_is_refused_and_nothing_changes(final_report, pcc_office_a):
    before = counts(Report)
    with pytest.raises(ValidationError, match=r"at least 48 hours before publication, by") as error:
        schedule(final_report, distribution_at=D1_AT + SECOND)
    assert "19 April 2026, 10:00" in str(error.value)
    final_report.refresh_from_db()
    assert final_report.state == ReportState.FINAL
    assert final_report.publication_at is None
    assert final_report.distribution_at is None
    assert counts(Report) == before
    assert not inbox(pcc_office_a)


def test_u3_a_later_distribution_with_reasons_is_recorded_and_the_pcc_told(
    final_report, pcc_office_a, chief_office_a
):
    reasons = "The report was finalised late after a legal review."
    report = schedule(final_report, distribution_at=PUBLICATION - 24 * HOUR, exception_reason=reasons)
    assert report.distribution_at == PUBLICATION - 24 * HOUR
    assert report.embargo_exception == reasons
    [message] = inbox(pcc_office_a, "Embargoed copy later than usual")
    assert reasons in message.body
    assert message.created_at == SCHEDULED


def test_u3_a_distribution_after_publication_is_refused_even_with_reasons(final_report):
    with pytest.raises(ValidationError, match="must go out before publication"):
        schedule(final_report, distribution_at=PUBLICATION + SECOND, exception_reason="Late")
    final_report.refresh_from_db()
    assert final_report.state == ReportState.FINAL


def test_u3_publication_less_than_48_hours_away_needs_an_exception(final_report, pcc_office_a):
    now = PUBLICATION - 30 * HOUR
    with pytest.raises(ValidationError, match="48 hours"):
        schedule(final_report, now=now)
    report = schedule(final_report, now=now, exception_reason="Urgent public interest.")
    assert report.distribution_at == now
    assert len(inbox(pcc_office_a, "later than usual")) == 1


def test_u3_the_clock_change_distribution_is_48_real_hours(peel_a):
    publication = dt.datetime(2026, 10, 26, 10, tzinfo=LONDON)
    report = schedule(final(peel_a), publication_at=publication, now=dt.datetime(2026, 10, 1, tzinfo=LONDON))
    assert report.distribution_at == dt.datetime(2026, 10, 24, 10, tzinfo=dt.UTC)
    # Same-zone aware datetimes subtract as wall-clock times in Python: compare in UTC.
    assert publication.astimezone(dt.UTC) - report.distribution_at.astimezone(dt.UTC) == 48 * HOUR
    assert report.distribution_at.astimezone(LONDON).strftime("%H:%M %Z") == "11:00 BST"


def test_u3_scheduling_uses_the_current_time_by_default(final_report, lead_hmi):
    from inspections.services import report_schedule

    with time_machine.travel(SCHEDULED, tick=False):
        report = report_schedule(report=final_report, publication_at=PUBLICATION, by=lead_hmi)
    assert report.distribution_at == D1_AT


# --- U4: other reports -----------------------------------------------------------------------------


def test_u4_distribution_defaults_to_24_hours_before(other_report):
    assert other_report.distribution_at == PUBLICATION - dt.timedelta(hours=24)
    assert not other_report.immediate_release


def test_u4_a_later_distribution_without_reasons_is_refused(thematic, apcc):
    report = final(thematic, ReportKind.OTHER, interested_parties=[apcc])
    with pytest.raises(ValidationError, match=r"at least 24 hours before publication, by"):
        schedule(report, distribution_at=D24_AT + SECOND)


def test_u4_immediate_release_for_another_report(thematic, apcc):
    report = schedule(final(thematic, ReportKind.OTHER, interested_parties=[apcc]), immediate_release=True)
    assert report.immediate_release
    assert report.distribution_at == report.publication_at == PUBLICATION
    assert not Deadline.objects.filter(kind="embargo_other").exists()


@pytest.mark.parametrize("kind", [ReportKind.FORCE_SPECIFIC, ReportKind.ACCELERATED_CAUSE_OF_CONCERN])
def test_u4_immediate_release_of_a_force_specific_report_is_refused(peel_a, kind):
    report = final(peel_a, kind)
    before = counts(Report)
    with pytest.raises(ValidationError, match=r"immediate release\."):
        schedule(report, immediate_release=True)
    report.refresh_from_db()
    assert (report.state, report.publication_at, report.immediate_release) == (ReportState.FINAL, None, False)
    assert counts(Report) == before


def test_u4_the_embargo_notice_goes_to_interested_parties_only(
    other_report, apcc_lead, pcc_office_b, pcc_office_a, chief_office_a
):
    reports_due_notices(now=D24_AT)
    assert len(inbox(apcc_lead, "Embargoed copy ready")) == 1
    assert len(inbox(pcc_office_b, "Embargoed copy ready")) == 1
    assert not inbox(pcc_office_a)
    assert not inbox(chief_office_a)


# --- U5: accelerated cause of concern ------------------------------------------------------------


def test_u5_the_pcc_and_chief_get_24_hours_notice(accelerated_report, pcc_office_a, chief_office_a):
    assert accelerated_report.distribution_at == PUBLICATION - dt.timedelta(hours=24)
    reports_due_notices(now=D24_AT)
    assert len(inbox(pcc_office_a, "Embargoed copy ready")) == 1
    assert len(inbox(chief_office_a, "Embargoed copy ready")) == 1


def test_u5_a_later_notice_without_reasons_is_refused(peel_a, pcc_office_a):
    report = final(peel_a, ReportKind.ACCELERATED_CAUSE_OF_CONCERN)
    with pytest.raises(ValidationError, match=r"at least 24 hours before publication, by"):
        schedule(report, distribution_at=PUBLICATION - 2 * HOUR)
    report.refresh_from_db()
    assert report.state == ReportState.FINAL
    assert not inbox(pcc_office_a)


def test_u5_an_exception_is_recorded_and_told_to_the_pcc(peel_a, pcc_office_a):
    reasons = "Immediate risk to public safety: the concern must be issued today."
    report = schedule(
        final(peel_a, ReportKind.ACCELERATED_CAUSE_OF_CONCERN),
        distribution_at=PUBLICATION - 2 * HOUR,
        exception_reason=f"  {reasons}  ",
    )
    assert report.embargo_exception == reasons
    assert report.distribution_at == PUBLICATION - 2 * HOUR
    [message] = inbox(pcc_office_a, "later than usual")
    assert reasons in message.body


# --- Publication ------------------------------------------------------------------------------------


def test_u3_publication_notices_go_once_however_often_the_task_runs(
    peel_report, pcc_office_a, chief_office_a
):
    first = reports_due_notices(now=PUBLICATION)
    second = reports_due_notices(now=PUBLICATION)
    assert first["published"] == 1
    assert second == {"opened": 0, "published": 0}
    assert len(inbox(pcc_office_a, "Published")) == 1
    assert len(inbox(chief_office_a, "Published")) == 1
    peel_report.refresh_from_db()
    assert peel_report.state == ReportState.PUBLISHED
    assert peel_report.published_at == PUBLICATION


def test_u3_publication_a_later_run_does_not_publish_again(peel_report, pcc_office_a, chief_office_a):
    reports_due_notices(now=PUBLICATION)
    reports_due_notices(now=PUBLICATION + 24 * HOUR)
    peel_report.refresh_from_db()
    assert peel_report.published_at == PUBLICATION
    assert (
        InboxMessage.objects.filter(subject__startswith="Published").count() == 2
    )  # PCC's office and chief's


def test_u3_publication_before_t_the_task_sends_no_published_notice(peel_report, pcc_office_a):
    result = reports_due_notices(now=PUBLICATION - SECOND)
    assert result["published"] == 0
    assert not inbox(pcc_office_a, "Published")
    peel_report.refresh_from_db()
    assert peel_report.state == ReportState.SCHEDULED


def test_u3_d1_the_embargo_notice_goes_once_at_distribution(peel_report, pcc_office_a, chief_office_a):
    assert reports_due_notices(now=D1_AT - SECOND) == {"opened": 0, "published": 0}
    assert reports_due_notices(now=D1_AT)["opened"] == 1
    assert reports_due_notices(now=D1_AT + HOUR)["opened"] == 0
    for user in (pcc_office_a, chief_office_a):
        [message] = inbox(user, "Embargoed copy ready")
        assert message.created_at == D1_AT
        assert "21 April 2026 10:00" in message.body


# --- D1–D4: deadlines and reminders -------------------------------------------------------------


def _distribution_deadline(report: Report, kind: str = "embargo_single_body") -> Deadline:
    return Deadline.objects.get(kind=kind, subject_type="inspections.report", subject_id=str(report.pk))


def test_d1_scheduling_registers_the_embargo_deadline_48_elapsed_hours_before(peel_report, lead_hmi):
    deadline = _distribution_deadline(peel_report)
    assert deadline.due_at == PUBLICATION - 48 * HOUR
    assert "48 elapsed hours" in deadline.working
    assert deadline.working.startswith("Publication: ")  # plain words, not the rule id D1
    assert deadline.state == DeadlineState.OPEN
    assert deadline.parties.filter(user=lead_hmi).exists()


def test_d1_across_the_clock_change_the_working_says_so(peel_a):
    report = schedule(
        final(peel_a),
        publication_at=dt.datetime(2026, 10, 26, 10, tzinfo=LONDON),
        now=dt.datetime(2026, 10, 1, tzinfo=LONDON),
    )
    deadline = _distribution_deadline(report)
    assert deadline.due_at == dt.datetime(2026, 10, 24, 10, tzinfo=dt.UTC)
    assert "clocks change" in deadline.working


def test_d1_rescheduling_moves_the_deadline_and_records_the_change(peel_report):
    later = PUBLICATION + 7 * 24 * HOUR
    schedule(peel_report, publication_at=later, now=SCHEDULED + 24 * HOUR)
    deadline = _distribution_deadline(peel_report)
    assert deadline.due_at == later - 48 * HOUR
    change = DeadlineChange.objects.get(deadline=deadline)
    assert (change.old_due_at, change.new_due_at) == (D1_AT, later - 48 * HOUR)
    assert Deadline.objects.filter(kind="embargo_single_body").count() == 1
    peel_report.refresh_from_db()
    assert peel_report.distribution_at == later - 48 * HOUR


def test_d1_the_sweep_reminds_the_lead_before_it_is_due(peel_report, lead_hmi, pcc_office_a):
    deadline = _distribution_deadline(peel_report)
    day_before = dt.datetime(2026, 4, 18, 8, tzinfo=LONDON)
    sweep(now=day_before)
    steps = set(Reminder.objects.filter(deadline=deadline, recipient=lead_hmi).values_list("step", flat=True))
    assert steps == {"before-7d", "before-1d"}
    assert InboxMessage.objects.filter(user=lead_hmi, reminder__deadline=deadline).count() == 2
    assert not inbox(pcc_office_a)
    sweep(now=day_before)
    assert Reminder.objects.filter(deadline=deadline).count() == 2


def test_d1_the_distribution_notice_meets_the_deadline_and_reminders_stop(peel_report, lead_hmi):
    reports_due_notices(now=D1_AT)
    deadline = _distribution_deadline(peel_report)
    assert deadline.state == DeadlineState.MET
    assert deadline.state_changed_at == D1_AT
    assert deadline.next_fire_at is None
    sweep(now=D1_AT + 24 * HOUR)
    assert not Reminder.objects.filter(deadline=deadline, step="overdue").exists()


def test_d1_without_the_notice_the_deadline_is_overdue_after_it_falls(peel_report, lead_hmi):
    sweep(now=D1_AT + HOUR)
    deadline = _distribution_deadline(peel_report)
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.MISSED
    assert Reminder.objects.filter(deadline=deadline, step="overdue", recipient=lead_hmi).exists()


def test_d2_another_report_gets_a_24_hour_deadline(other_report):
    deadline = _distribution_deadline(other_report, "embargo_other")
    assert deadline.due_at == PUBLICATION - 24 * HOUR
    assert deadline.working.startswith("Publication: ")  # plain words, not the rule id D2
    assert "24 elapsed hours" in deadline.working


def test_d3_the_diary_note_deadline_is_registered(peel_report):
    deadline = Deadline.objects.get(kind="diary_note", key=f"diary:{peel_report.pk}")
    assert deadline.working.startswith("Publication ")  # plain words, not the rule id D3
    assert deadline.state == DeadlineState.OPEN


def test_d4_an_accelerated_cause_of_concern_gets_a_24_hour_notice_deadline(accelerated_report):
    deadline = _distribution_deadline(accelerated_report, "accelerated_coc_notice")
    assert deadline.due_at == PUBLICATION - 24 * HOUR
    assert deadline.working.startswith("Issue: ")  # plain words, not the rule id D4
    assert not Deadline.objects.filter(kind="diary_note", subject_id=str(accelerated_report.pk)).exists()
    reports_due_notices(now=D24_AT)
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.MET


# --- Bad input changes nothing ------------------------------------------------------------------


def test_u3_bad_input_a_publication_moment_in_the_past_is_refused(final_report):
    before = counts(Report, DeadlineChange)
    for publication in (SCHEDULED, SCHEDULED - HOUR):
        with pytest.raises(ValidationError, match="must be in the future"):
            schedule(final_report, publication_at=publication)
    final_report.refresh_from_db()
    assert (final_report.state, final_report.publication_at, final_report.distribution_at) == (
        ReportState.FINAL,
        None,
        None,
    )
    assert counts(Report, DeadlineChange) == before


def test_u3_bad_input_rescheduling_into_the_past_leaves_the_schedule(peel_report):
    before = counts(Report, DeadlineChange)
    with pytest.raises(ValidationError, match="must be in the future"):
        schedule(peel_report, publication_at=SCHEDULED - HOUR, now=SCHEDULED + HOUR)
    peel_report.refresh_from_db()
    assert (peel_report.publication_at, peel_report.distribution_at) == (PUBLICATION, D1_AT)
    assert _distribution_deadline(peel_report).due_at == D1_AT
    assert counts(Report, DeadlineChange) == before


def test_i6_bad_input_a_graded_debrief_changes_nothing(peel_a, force_a):
    before = counts(Debrief)
    with pytest.raises(ValidationError, match="remove the grade"):
        _debrief(peel_a, force_a, "Overall the force was graded as good at preventing crime.")
    assert counts(Debrief) == before


def test_p2_bad_input_a_commission_for_an_frs_changes_nothing(essex_frs, pfcc_office_essex):
    before = counts(CommissionRequest)
    with pytest.raises(ValidationError, match="police force only"):
        commission_request(
            requested_by=[office_of(essex_frs)], areas=[essex_frs], scope="Prevention", by=pfcc_office_essex
        )
    assert counts(CommissionRequest) == before


def test_i7_bad_input_a_factual_accuracy_comment_after_the_window_changes_nothing(fac_report, chief_office_a):
    _comment(fac_report, chief_office_a, FAC_OPENS)
    before = counts(FactualAccuracyComment)
    with pytest.raises(ValidationError, match="comments can no longer be sent"):
        _comment(fac_report, chief_office_a, FAC_CLOSES)
    assert counts(FactualAccuracyComment) == before


def test_p1_bad_input_an_unknown_programme_state_is_refused(programme, hmicfrs_staff):
    with pytest.raises((ValidationError, ValueError)):
        _advance(programme, "shelved", hmicfrs_staff)
    programme.refresh_from_db()
    assert programme.state == ProgrammeState.DRAFT


# --- Rescheduling after the embargoed copy went out ---------------------------------------------


LATER = PUBLICATION + 7 * 24 * HOUR


def test_u3_rescheduling_after_distribution_keeps_the_copy_with_the_recipients(peel_report, pcc_office_a):
    reports_due_notices(now=D1_AT)
    report = schedule(Report.objects.get(pk=peel_report.pk), publication_at=LATER, now=D1_AT + HOUR)
    assert report.distribution_at == D1_AT
    assert report.publication_at == LATER
    assert sees(pcc_office_a, report, D1_AT + 2 * HOUR)
    assert not sees(pcc_office_a, report, D1_AT - SECOND)


def test_d1_rescheduling_after_distribution_opens_no_new_embargo_deadline(peel_report, lead_hmi):
    reports_due_notices(now=D1_AT)
    report = schedule(Report.objects.get(pk=peel_report.pk), publication_at=LATER, now=D1_AT + HOUR)
    assert not Deadline.objects.live().filter(kind="embargo_single_body", subject_id=str(report.pk)).exists()
    sweep(now=LATER)
    assert not Reminder.objects.filter(deadline__kind="embargo_single_body", step="overdue").exists()


def test_u3_a_reschedule_racing_the_notice_task_does_not_send_the_notice_twice(peel_report, pcc_office_a):
    loaded = Report.objects.get(pk=peel_report.pk)  # e.g. a page loads the report...
    reports_due_notices(now=D1_AT)  # ...the task sends the notice meanwhile...
    schedule(loaded, publication_at=LATER, now=D1_AT + HOUR)  # ...then the page saves the new moment
    reports_due_notices(now=D1_AT + 2 * HOUR)
    assert len(inbox(pcc_office_a, "Embargoed copy ready")) == 1


def test_i7_bad_input_a_factual_accuracy_window_closing_in_the_past_is_refused(draft_report, lead_hmi):
    with pytest.raises(ValidationError, match="must close in the future"):
        report_open_factual_accuracy(report=draft_report, closes_at=FAC_OPENS, by=lead_hmi, now=FAC_OPENS)
    draft_report.refresh_from_db()
    assert (draft_report.state, draft_report.fac_opens_at) == (ReportState.DRAFT, None)


@pytest.mark.parametrize(("kind", "slug"), [(InspectionKind.PEEL, "fire"), (InspectionKind.FRS, "police")])
def test_i2_bad_input_an_inspection_of_the_wrong_kind_of_area_is_refused(
    kind, slug, force_a, essex_frs, lead_hmi
):
    """PEEL (I2) inspects police forces; an FRS inspection inspects FRSs."""
    area = essex_frs if slug == "fire" else force_a
    before = counts(Inspection)
    with pytest.raises(ValidationError):
        inspection_create(kind=kind, title="Wrong", areas=[area], lead=lead_hmi, by=lead_hmi)
    assert counts(Inspection) == before


def test_u3_bad_input_a_force_specific_report_about_two_forces_is_refused(thematic, lead_hmi):
    before = counts(Report)
    with pytest.raises(ValidationError, match="exactly one force or FRS"):
        report_create(
            inspection=thematic, kind=ReportKind.FORCE_SPECIFIC, title="Two", body="Text.", by=lead_hmi
        )
    assert counts(Report) == before


def test_u4_another_report_must_name_its_interested_parties(thematic):
    with pytest.raises(ValidationError, match=r"Name the interested parties"):
        final(thematic, ReportKind.OTHER)


def test_u3_a_force_specific_report_names_no_interested_parties(peel_a, apcc):
    with pytest.raises(ValidationError, match=r"goes to its chief officer and PCC"):
        final(peel_a, ReportKind.FORCE_SPECIFIC, interested_parties=[apcc])
