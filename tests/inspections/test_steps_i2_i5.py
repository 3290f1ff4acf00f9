"""I2–I5 and P2 as steps each done by its own person from their own portal.

Rule tests by id (each with its refusals: another role, the same role for another area, the wrong moment,
a missing field, and nothing written), then the pages (GET/POST, 403/404 with the audit row, fixed query
counts). Timeline (Europe/London, spring 2026; fixtures from tests/inspections/conftest.py):

  CREATED     Mon  2 March 09:00 GMT   the inspections are created
  FINALISED   Mon 23 March 12:00 GMT   where a test makes a report final: evidence gathering ends
  NOW         Tue 14 April 10:00 BST   the steps are taken
  HELD_ON     Tue 12 May               the strategic presentation
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.models import Appointment, Assignment, Organisation, Role, User
from contacts.services import appointment_end
from hmicfrs_mou.deadlines import LONDON
from hmicfrs_mou.models import AuditAction, AuditEvent, InboxMessage
from inspections.access import disclosures_visible_to, evidence_visible_to
from inspections.models import (
    AssistanceRequest,
    CommissionRequest,
    CommissionState,
    EvidenceRecord,
    EvidenceRequest,
    Inspection,
    InspectionKind,
    InspectionNotice,
    Milestone,
    StrategicPresentation,
)
from inspections.services import (
    assistance_request,
    commission_accept,
    commission_agree_estimate,
    commission_decline,
    commission_request,
    commission_scope_discuss,
    disclosure_make,
    evidence_request,
    inspection_create,
    methodology_change_notify,
    milestone_add,
    milestone_change,
    milestone_remove,
    milestones_send,
    notice_send,
    pcc_discussion_answer,
    pfcc_interview_record,
    presentation_arrange,
    presentation_attendance_choose,
    presentation_invitation_decide,
)
from tests.conftest import make_person, office_of
from tests.inspections.conftest import FINALISED, SECOND, final

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 4, 14, 10, tzinfo=LONDON)
HELD_ON = dt.date(2026, 5, 12)
AFTER_PRESENTATION = dt.datetime(2026, 5, 13, 9, tzinfo=LONDON)
SEPT_7, SEPT_18, JUNE_1 = dt.date(2026, 9, 7), dt.date(2026, 9, 18), dt.date(2026, 6, 1)


@pytest.fixture
def chief_office_b(force_b: Organisation) -> User:
    return make_person("chief_office_b", force_b, Role.CHIEF_OFFICER_STAFF)


def refused(action, match: str | None = None) -> ValidationError:
    with pytest.raises(ValidationError, match=match) as error:
        action()
    return error.value


def inbox(user: User) -> list[InboxMessage]:
    return list(InboxMessage.objects.filter(user=user).order_by("pk"))


def counts(*models) -> tuple[int, ...]:
    return tuple(model.objects.count() for model in models)


WRITTEN = (Milestone, InspectionNotice, StrategicPresentation, EvidenceRequest, EvidenceRecord, InboxMessage)


def nothing_written(before: tuple[int, ...]) -> None:
    assert counts(*WRITTEN) == before


# --- I2: milestones, in one notice to the chief's office and the PCC's office ----------------------


def _milestones(peel: Inspection, by: User) -> list[Milestone]:
    return [
        milestone_add(
            inspection=peel,
            name="Final evidence-gathering period",
            starts_on=SEPT_7,
            ends_on=SEPT_18,
            by=by,
            now=NOW,
        ),
        milestone_add(inspection=peel, name="Fieldwork week", starts_on=JUNE_1, by=by, now=NOW),
    ]


def test_i2_the_team_sends_the_milestones_in_the_notice_itself_to_chief_and_pcc_at_one_moment(
    peel_a, hmi_a, force_a, chief_office_a, pcc_office_a
):
    _milestones(peel_a, hmi_a)
    notice = milestones_send(inspection=peel_a, by=hmi_a, note="Questions to the lead HMI.", now=NOW)
    assert notice.kind == InspectionNotice.Kind.SCHEDULE
    assert set(notice.recipients.all()) == {force_a, office_of(force_a)}
    assert "Fieldwork week: 1 June 2026" in notice.body
    assert "Final evidence-gathering period: 7 September 2026 to 18 September 2026" in notice.body
    assert notice.body.index("Fieldwork week") < notice.body.index("Final evidence")
    [to_chief], [to_pcc] = inbox(chief_office_a), inbox(pcc_office_a)
    assert (to_chief.subject, to_chief.body, to_chief.created_at) == (to_pcc.subject, to_pcc.body, NOW)
    assert "Final evidence-gathering period" in to_pcc.body
    assert (
        AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="inspections.milestone").count() == 2
    )


def test_i2_the_team_changes_and_removes_a_milestone(peel_a, hmi_a):
    fieldwork = _milestones(peel_a, hmi_a)[1]
    milestone_change(
        milestone=fieldwork,
        name="Fieldwork fortnight",
        starts_on=JUNE_1,
        ends_on=dt.date(2026, 6, 12),
        by=hmi_a,
        now=NOW,
    )
    fieldwork.refresh_from_db()
    assert (fieldwork.name, fieldwork.ends_on) == ("Fieldwork fortnight", dt.date(2026, 6, 12))
    milestone_remove(milestone=fieldwork, by=hmi_a, now=NOW)
    assert list(peel_a.milestones.values_list("name", flat=True)) == ["Final evidence-gathering period"]


@pytest.mark.wrong_actor(
    "inspections.services.milestone_add",
    "inspections.services.milestone_change",
    "inspections.services.milestone_remove",
    "inspections.services.milestones_send",
)
@pytest.mark.parametrize("who", ["pcc_office_a", "chief_office_a", "other_hmi"])
def test_i2_only_the_team_edits_and_sends_the_milestones(peel_a, hmi_a, who, request):
    """Another role (the PCC's or the chief's office), the same role for another force (force B's HMI)."""
    wrong = request.getfixturevalue(who)
    [first, _] = _milestones(peel_a, hmi_a)
    before = counts(*WRITTEN)
    for attempt in (
        lambda: milestone_add(inspection=peel_a, name="Extra", starts_on=JUNE_1, by=wrong, now=NOW),
        lambda: milestone_change(milestone=first, name="Moved", starts_on=JUNE_1, by=wrong, now=NOW),
        lambda: milestone_remove(milestone=first, by=wrong, now=NOW),
        lambda: milestones_send(inspection=peel_a, by=wrong, now=NOW),
    ):
        error = refused(attempt, "Only the inspection team")
        assert error.code == "actor"
    nothing_written(before)
    first.refresh_from_db()
    assert (first.name, first.starts_on) == ("Final evidence-gathering period", SEPT_7)


def test_i2_once_a_report_is_final_the_schedule_no_longer_changes(peel_a, hmi_a):
    [first, _] = _milestones(peel_a, hmi_a)
    final(peel_a)
    before = counts(*WRITTEN)
    for attempt in (
        lambda: milestone_add(inspection=peel_a, name="Late", starts_on=JUNE_1, by=hmi_a, now=NOW),
        lambda: milestone_change(milestone=first, name="Moved", starts_on=JUNE_1, by=hmi_a, now=NOW),
        lambda: milestone_remove(milestone=first, by=hmi_a, now=NOW),
        lambda: milestones_send(inspection=peel_a, by=hmi_a, now=NOW),
    ):
        refused(attempt, "is final")
    nothing_written(before)


@pytest.mark.parametrize(
    ("name", "starts_on", "ends_on", "field"),
    [
        (" ", JUNE_1, None, "name"),
        ("Fieldwork", None, None, "starts_on"),
        ("Fieldwork", SEPT_7, JUNE_1, "ends_on"),
    ],
)
def test_i2_a_milestone_needs_a_name_and_dates_in_order(peel_a, hmi_a, name, starts_on, ends_on, field):
    error = refused(
        lambda: milestone_add(
            inspection=peel_a, name=name, starts_on=starts_on, ends_on=ends_on, by=hmi_a, now=NOW
        )
    )
    assert field in error.message_dict
    assert not Milestone.objects.exists()


def test_i2_the_schedule_needs_a_milestone_and_is_for_peel(peel_a, frs_essex, hmi_a, lead_hmi):
    refused(lambda: milestones_send(inspection=peel_a, by=hmi_a, now=NOW), "at least one milestone")
    refused(
        lambda: milestone_add(inspection=frs_essex, name="Fieldwork", starts_on=JUNE_1, by=lead_hmi, now=NOW),
        "PEEL",
    )
    assert counts(Milestone, InspectionNotice) == (0, 0)


# --- I1/I2/M3: the one notice mechanism checks who sends it ---------------------------------------


def _notice(by: User, areas: list[Organisation], inspection: Inspection | None = None) -> InspectionNotice:
    return notice_send(
        kind=InspectionNotice.Kind.CONCERN if inspection is None else InspectionNotice.Kind.NOTIFICATION,
        subject="A notice",
        body="The same text for the chief and the PCC.",
        areas=areas,
        by=by,
        url="/",
        now=NOW,
        inspection=inspection,
    )


@pytest.mark.wrong_actor("inspections.services.notice_send")
@pytest.mark.parametrize("who", ["pcc_office_a", "chief_office_a", "other_hmi"])
def test_i1_i2_m3_only_the_team_or_the_areas_hmi_sends_a_notice(peel_a, force_a, who, request):
    """About an inspection, only its team; otherwise (M3) only the HMI for the area. Another role (the
    PCC's or the chief's office) and the same role for another force (force B's HMI) are refused, and
    nothing is written or sent."""
    wrong = request.getfixturevalue(who)
    before, audited = counts(*WRITTEN), AuditEvent.objects.count()
    for attempt in (lambda: _notice(wrong, [force_a], peel_a), lambda: _notice(wrong, [force_a])):
        error = refused(attempt, "Only the")
        assert error.code == "actor"
    nothing_written(before)
    assert AuditEvent.objects.count() == audited


def test_i1_m3_a_notice_goes_only_to_the_areas_its_sender_answers_for(
    peel_a, force_a, force_b, hmi_a, chief_office_a
):
    """The team of force A's inspection cannot send its notice to force B, nor force A's HMI a concern
    to force B; to force A both go, to the chief's office among others."""
    before = counts(*WRITTEN)
    assert "areas" in refused(lambda: _notice(hmi_a, [force_a, force_b], peel_a)).message_dict
    refused(lambda: _notice(hmi_a, [force_b]), "Only the HMI for")
    assert "areas" in refused(lambda: _notice(hmi_a, [])).message_dict
    nothing_written(before)
    _notice(hmi_a, [force_a], peel_a)
    _notice(hmi_a, [force_a])
    assert len(inbox(chief_office_a)) == 2


# --- I3: a major methodology change, mid-cycle ------------------------------------------------------


def _methodology(inspection: Inspection, body: str = "New questions on vetting.", now: dt.datetime = NOW):
    return methodology_change_notify(inspection=inspection, body=body, by=inspection.lead, now=now)


@pytest.mark.parametrize("body", ["", "  \n\t "])
def test_i3_a_methodology_notice_needs_a_description_of_the_change(peel_a, apcc_lead, body):
    """A missing field: refused on the text's own field, nothing written, nobody told."""
    before, audited = counts(*WRITTEN), AuditEvent.objects.count()
    error = refused(lambda: _methodology(peel_a, body))
    assert error.message_dict == {"body": ["Describe the change of methodology."]}
    nothing_written(before)
    assert AuditEvent.objects.count() == audited
    assert not inbox(apcc_lead)


def test_i3_no_methodology_notice_once_evidence_gathering_has_ended(peel_a, apcc_lead, pcc_office_a):
    """The wrong moment: "mid-cycle" ends when the inspection's report is final (I5: evidence gathering
    ends). At that instant and after, refused with nothing written; a second before, sent."""
    final(peel_a)
    before, audited = counts(*WRITTEN), AuditEvent.objects.count()
    for moment in (FINALISED, FINALISED + SECOND, NOW):
        refused(lambda moment=moment: _methodology(peel_a, now=moment), "evidence gathering has ended")
    nothing_written(before)
    assert AuditEvent.objects.count() == audited
    assert not inbox(apcc_lead)
    _methodology(peel_a, now=FINALISED - SECOND)
    assert [m.body for m in inbox(pcc_office_a)] == ["New questions on vetting."]


def test_i3_a_methodology_notice_is_still_sent_while_one_inspected_force_gathers_evidence(
    force_a, force_b, lead_hmi, apcc_lead
):
    """An inspection of two forces: a final report about one of them leaves the cycle open for the other."""
    thematic = inspection_create(
        kind=InspectionKind.THEMATIC,
        title="Vetting across two forces",
        areas=[force_a, force_b],
        lead=lead_hmi,
        by=lead_hmi,
        now=NOW - dt.timedelta(days=60),
    )
    final(thematic, areas=[force_a])
    _methodology(thematic)
    final(thematic, areas=[force_b])
    refused(lambda: _methodology(thematic), "evidence gathering has ended")
    assert len(inbox(apcc_lead)) == 1


# --- I4: the strategic presentation ---------------------------------------------------------------


def _presentation(inspection: Inspection, area: Organisation) -> StrategicPresentation:
    return presentation_arrange(
        inspection=inspection, area=area, held_on=HELD_ON, by=inspection.lead, now=NOW
    )


def test_i4_the_team_records_the_presentation_and_the_chiefs_office_is_asked_to_decide(
    peel_a, force_a, chief_office_a, pcc_office_a
):
    presentation = _presentation(peel_a, force_a)
    assert (presentation.pcc_invited, presentation.pfcc_attending, presentation.decided_by) == (
        None,
        None,
        None,
    )
    [message] = inbox(chief_office_a)
    assert "is the PCC invited?" in message.subject
    assert not inbox(pcc_office_a)


def test_i4_police_the_chiefs_office_decides_and_the_pccs_office_is_told(
    peel_a, force_a, chief_office_a, pcc_office_a
):
    presentation = _presentation(peel_a, force_a)
    presentation_invitation_decide(presentation=presentation, invited=True, by=chief_office_a, now=NOW)
    presentation.refresh_from_db()
    assert (presentation.pcc_invited, presentation.decided_by, presentation.decided_at) == (
        True,
        chief_office_a,
        NOW,
    )
    [message] = inbox(pcc_office_a)
    assert message.subject == "Strategic presentation on 12 May 2026: the PCC is invited"


@pytest.mark.wrong_actor(
    "inspections.services.presentation_invitation_decide", "inspections.services.presentation_arrange"
)
@pytest.mark.parametrize("who", ["pcc_office_a", "hmi_a", "chief_office_b"])
def test_i4_only_the_chiefs_office_of_the_force_decides_the_invitation(peel_a, force_a, who, request):
    """The PCC's office cannot record its own invitation; nor the HMI; nor force B's chief's office."""
    wrong = request.getfixturevalue(who)
    presentation = _presentation(peel_a, force_a)
    before = counts(*WRITTEN)
    error = refused(
        lambda: presentation_invitation_decide(presentation=presentation, invited=True, by=wrong, now=NOW),
        "Only the chief officer's office of Avon and Somerset",
    )
    assert error.code == "actor"
    presentation.refresh_from_db()
    assert (presentation.pcc_invited, presentation.decided_by) == (None, None)
    if who != "hmi_a":  # the HMI for force A is on the team and may record the presentation itself
        refused(
            lambda: presentation_arrange(inspection=peel_a, area=force_a, held_on=HELD_ON, by=wrong, now=NOW),
            "Only the inspection team",
        )
    nothing_written(before)


@pytest.mark.wrong_actor("inspections.services.presentation_arrange")
def test_i4_only_the_team_records_a_presentation(peel_a, force_a, other_hmi, chief_office_a):
    before = counts(*WRITTEN)
    for wrong in (other_hmi, chief_office_a):
        refused(
            lambda wrong=wrong: presentation_arrange(
                inspection=peel_a, area=force_a, held_on=HELD_ON, by=wrong, now=NOW
            ),
            "Only the inspection team",
        )
    nothing_written(before)


def test_i4_the_decision_after_the_presentation_or_without_an_answer_is_refused(
    peel_a, force_a, chief_office_a
):
    presentation = _presentation(peel_a, force_a)
    before = counts(*WRITTEN)
    refused(
        lambda: presentation_invitation_decide(
            presentation=presentation, invited=True, by=chief_office_a, now=AFTER_PRESENTATION
        ),
        "can no longer be recorded",
    )
    error = refused(
        lambda: presentation_invitation_decide(
            presentation=presentation, invited=None, by=chief_office_a, now=NOW
        )
    )
    assert "invited" in error.message_dict
    presentation.refresh_from_db()
    assert presentation.pcc_invited is None
    nothing_written(before)


def test_i4_a_presentation_needs_a_date_an_inspected_area_and_open_evidence(
    peel_a, force_a, force_b, lead_hmi
):
    assert (
        "held_on"
        in refused(
            lambda: presentation_arrange(inspection=peel_a, area=force_a, held_on=None, by=lead_hmi, now=NOW)
        ).message_dict
    )
    assert (
        "area"
        in refused(
            lambda: presentation_arrange(
                inspection=peel_a, area=force_b, held_on=HELD_ON, by=lead_hmi, now=NOW
            )
        ).message_dict
    )
    final(peel_a)
    refused(
        lambda: presentation_arrange(inspection=peel_a, area=force_a, held_on=HELD_ON, by=lead_hmi, now=NOW),
        "Evidence gathering for Avon and Somerset",
    )
    assert not StrategicPresentation.objects.exists()


def test_i4_frs_the_pfccs_office_chooses_to_attend(frs_essex, essex_frs, pfcc_office_essex):
    presentation = _presentation(frs_essex, essex_frs)
    [message] = inbox(pfcc_office_essex)
    assert "will the PFCC attend?" in message.subject
    presentation_attendance_choose(presentation=presentation, attending=False, by=pfcc_office_essex, now=NOW)
    presentation.refresh_from_db()
    assert (presentation.pfcc_attending, presentation.pcc_invited, presentation.decided_by) == (
        False,
        None,
        pfcc_office_essex,
    )


@pytest.mark.wrong_actor("inspections.services.presentation_attendance_choose")
@pytest.mark.parametrize("who", ["chief_office_essex_frs", "pcc_office_b", "lead_hmi"])
def test_i4_only_the_pfccs_office_chooses_attendance(frs_essex, essex_frs, who, request):
    """The FRS's chief's office, another area's OPCC, the lead HMI: all refused, nothing written."""
    wrong = request.getfixturevalue(who)
    presentation = _presentation(frs_essex, essex_frs)
    before = counts(*WRITTEN)
    error = refused(
        lambda: presentation_attendance_choose(presentation=presentation, attending=True, by=wrong, now=NOW),
        "Only the office of the PCC",
    )
    assert error.code == "actor"
    presentation.refresh_from_db()
    assert presentation.pfcc_attending is None
    nothing_written(before)


def test_i4_the_choice_is_for_an_frs_before_the_day_with_an_answer(
    frs_essex, essex_frs, pfcc_office_essex, peel_a, force_a, pcc_office_a, chief_office_a
):
    presentation = _presentation(frs_essex, essex_frs)
    police = _presentation(peel_a, force_a)
    before = counts(*WRITTEN)
    refused(
        lambda: presentation_attendance_choose(
            presentation=presentation, attending=True, by=pfcc_office_essex, now=AFTER_PRESENTATION
        ),
        "can no longer be recorded",
    )
    assert (
        "attending"
        in refused(
            lambda: presentation_attendance_choose(
                presentation=presentation, attending=None, by=pfcc_office_essex, now=NOW
            )
        ).message_dict
    )
    refused(
        lambda: presentation_attendance_choose(presentation=police, attending=True, by=pcc_office_a, now=NOW),
        "the chief constable decides",
    )
    # The FRS's chief's office is the right office in form, but there is no invitation for an FRS.
    frs_chief = make_person("essex_frs_chief", essex_frs, Role.CHIEF_OFFICER)
    refused(
        lambda: presentation_invitation_decide(
            presentation=presentation, invited=True, by=frs_chief, now=NOW
        ),
        "the PFCC chooses",
    )
    nothing_written(before)


# --- I5: evidence, the discussion with the PCC ------------------------------------------------------


def _ask(inspection: Inspection, area: Organisation) -> EvidenceRequest:
    return evidence_request(
        inspection=inspection, area=area, text="Call-handling data for 2025.", by=inspection.lead, now=NOW
    )


def test_i5_asking_the_chief_for_evidence_requests_a_discussion_with_the_pcc_too(
    peel_a, force_a, chief_office_a, pcc_office_a
):
    asked = _ask(peel_a, force_a)
    assert asked.discussion == EvidenceRequest.Discussion.REQUESTED
    [to_chief] = inbox(chief_office_a)
    [to_pcc] = inbox(pcc_office_a)
    assert (to_chief.body, to_chief.created_at) == ("Call-handling data for 2025.", NOW)
    assert to_pcc.subject.startswith("A discussion with the PCC is requested")
    assert to_pcc.created_at == NOW


@pytest.mark.wrong_actor("inspections.services.evidence_request")
@pytest.mark.parametrize("who", ["chief_office_a", "pcc_office_a", "other_hmi"])
def test_i5_only_the_team_asks_for_evidence(peel_a, force_a, who, request):
    wrong = request.getfixturevalue(who)
    before = counts(*WRITTEN)
    error = refused(
        lambda: evidence_request(inspection=peel_a, area=force_a, text="Data.", by=wrong, now=NOW),
        "Only the inspection team",
    )
    assert error.code == "actor"
    nothing_written(before)


def test_i5_an_evidence_request_needs_its_text_and_open_evidence_gathering(peel_a, force_a, lead_hmi):
    assert (
        "text"
        in refused(
            lambda: evidence_request(inspection=peel_a, area=force_a, text=" ", by=lead_hmi, now=NOW)
        ).message_dict
    )
    final(peel_a)
    refused(
        lambda: _ask(peel_a, force_a), "ended when the report was made final on 23 March 2026 at 12:00 GMT"
    )
    assert not EvidenceRequest.objects.exists()


def test_i5_the_pccs_office_may_decline_and_the_refusal_is_recorded_for_the_team(
    peel_a, force_a, pcc_office_a, lead_hmi
):
    asked = _ask(peel_a, force_a)
    pcc_discussion_answer(request=asked, accept=False, note="Not this quarter.", by=pcc_office_a, now=NOW)
    asked.refresh_from_db()
    assert (asked.discussion, asked.answered_by, asked.answered_at) == ("declined", pcc_office_a, NOW)
    [declined] = EvidenceRecord.objects.filter(kind=EvidenceRecord.Kind.PCC_DECLINED)
    assert declined.summary == "The PCC declined a discussion. Not this quarter."
    assert evidence_visible_to(lead_hmi, NOW).filter(pk=declined.pk).exists()
    assert any("declines a discussion" in m.subject for m in inbox(lead_hmi))


def test_i5_the_pccs_office_accepts_the_discussion(peel_a, force_a, pcc_office_a):
    asked = _ask(peel_a, force_a)
    pcc_discussion_answer(request=asked, accept=True, by=pcc_office_a, now=NOW)
    asked.refresh_from_db()
    assert asked.discussion == EvidenceRequest.Discussion.ACCEPTED
    assert not EvidenceRecord.objects.exists()


@pytest.mark.wrong_actor("inspections.services.pcc_discussion_answer")
@pytest.mark.parametrize("who", ["chief_office_a", "pcc_office_b", "hmi_a"])
def test_i5_only_the_pccs_office_answers_the_discussion(peel_a, force_a, who, request):
    wrong = request.getfixturevalue(who)
    asked = _ask(peel_a, force_a)
    before = counts(*WRITTEN)
    error = refused(
        lambda: pcc_discussion_answer(request=asked, accept=False, by=wrong, now=NOW),
        "Only the office of the PCC",
    )
    assert error.code == "actor"
    asked.refresh_from_db()
    assert asked.discussion == EvidenceRequest.Discussion.REQUESTED
    nothing_written(before)


def test_i5_a_discussion_is_answered_once_with_an_answer_while_evidence_is_gathered(
    peel_a, force_a, pcc_office_a
):
    asked = _ask(peel_a, force_a)
    before = counts(*WRITTEN)
    assert (
        "accept"
        in refused(
            lambda: pcc_discussion_answer(request=asked, accept=None, by=pcc_office_a, now=NOW)
        ).message_dict
    )
    nothing_written(before)
    pcc_discussion_answer(request=asked, accept=True, by=pcc_office_a, now=NOW)
    before = counts(*WRITTEN)
    refused(
        lambda: pcc_discussion_answer(request=asked, accept=False, by=pcc_office_a, now=NOW),
        "already been answered",
    )
    nothing_written(before)
    late = _ask(peel_a, force_a)
    final(peel_a)
    refused(
        lambda: pcc_discussion_answer(request=late, accept=False, by=pcc_office_a, now=NOW),
        "Evidence gathering",
    )
    late.refresh_from_db()
    assert late.discussion == EvidenceRequest.Discussion.REQUESTED


# --- I5: a disclosure in confidence -----------------------------------------------------------------


def _disclose(inspection: Inspection, area: Organisation, by: User, named=()) -> EvidenceRecord:
    return disclosure_make(
        inspection=inspection,
        area=area,
        summary="The PCC is worried about the chief's handling of vetting.",
        named_staff=list(named),
        by=by,
        now=NOW,
    )


def test_i5_an_opcc_discloses_in_confidence_to_the_hmi_and_named_staff_only(
    peel_a,
    force_a,
    pcc_office_a,
    hmi_a,
    liaison_lead_a,
    lead_hmi,
    hmicfrs_staff,
    chief_office_a,
    other_hmi,
    apcc_lead,
):
    peel_a.team.add(hmicfrs_staff)
    record = _disclose(peel_a, force_a, pcc_office_a, named=[liaison_lead_a])
    assert (record.kind, record.source, record.area) == (
        EvidenceRecord.Kind.CONFIDENTIAL_DISCLOSURE,
        office_of(force_a),
        force_a,
    )
    for reader in (hmi_a, liaison_lead_a):
        assert disclosures_visible_to(reader, NOW).filter(pk=record.pk).exists()
        [message] = inbox(reader)
        assert "vetting" not in message.body  # told there is something to read, never what it says
        assert message.url == f"/inspections/disclosures/{record.pk}/"
    for outsider in (lead_hmi, hmicfrs_staff, pcc_office_a, chief_office_a, other_hmi, apcc_lead):
        assert not disclosures_visible_to(outsider, NOW).filter(pk=record.pk).exists(), outsider
        assert not evidence_visible_to(outsider, NOW).filter(pk=record.pk).exists(), outsider
    # Never evidence: not before it was made either.
    assert not disclosures_visible_to(hmi_a, NOW - dt.timedelta(seconds=1)).exists()
    [created] = AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="inspections.evidencerecord")
    assert created.detail == {"named_staff": [liaison_lead_a.pk]}


@pytest.mark.wrong_actor("inspections.services.disclosure_make")
@pytest.mark.parametrize("who", ["chief_office_a", "pcc_office_b", "hmi_a"])
def test_i5_only_the_areas_pcc_office_makes_a_disclosure(peel_a, force_a, who, request):
    wrong = request.getfixturevalue(who)
    before = counts(*WRITTEN)
    error = refused(lambda: _disclose(peel_a, force_a, wrong), "Only the office of the PCC")
    assert error.code == "actor"
    nothing_written(before)


def test_i5_a_disclosure_needs_text_hmicfrs_readers_an_inspected_area_and_open_evidence(
    peel_a, thematic, force_a, pcc_office_a, chief_office_a
):
    before = counts(*WRITTEN)
    assert (
        "summary"
        in refused(
            lambda: disclosure_make(inspection=peel_a, area=force_a, summary=" ", by=pcc_office_a, now=NOW)
        ).message_dict
    )
    assert (
        "named_staff"
        in refused(lambda: _disclose(peel_a, force_a, pcc_office_a, named=[chief_office_a])).message_dict
    )
    frs_inspection = Inspection.objects.get(pk=thematic.pk)
    frs_inspection.areas.remove(force_a)
    assert "area" in refused(lambda: _disclose(frs_inspection, force_a, pcc_office_a)).message_dict
    final(peel_a)
    refused(lambda: _disclose(peel_a, force_a, pcc_office_a), "Evidence gathering")
    nothing_written(before)


def test_i5_a_disclosure_follows_the_hmi_and_the_named_staff_over_time(
    peel_a, force_a, pcc_office_a, hmi_a, liaison_lead_a
):
    record = _disclose(peel_a, force_a, pcc_office_a, named=[liaison_lead_a])
    later = NOW + dt.timedelta(days=30)
    Assignment.objects.filter(person=hmi_a).update(ends_on=dt.date(2026, 5, 1))
    appointment_end(appointment=Appointment.objects.get(person=liaison_lead_a), ends_on=dt.date(2026, 5, 1))
    assert disclosures_visible_to(hmi_a, NOW).filter(pk=record.pk).exists()
    assert not disclosures_visible_to(hmi_a, later).filter(pk=record.pk).exists()
    assert not disclosures_visible_to(liaison_lead_a, later).filter(pk=record.pk).exists()


# --- I5: the PFCC's interview is evidence -------------------------------------------------------------


def test_i5_the_pfccs_interview_is_recorded_as_evidence_for_the_team(frs_essex, essex_frs, lead_hmi):
    record = pfcc_interview_record(
        inspection=frs_essex,
        area=essex_frs,
        summary="The PFCC on the service's budget.",
        by=lead_hmi,
        now=NOW,
    )
    assert (record.kind, record.area, record.source) == (
        EvidenceRecord.Kind.PFCC_INTERVIEW,
        essex_frs,
        office_of(essex_frs),
    )
    assert evidence_visible_to(lead_hmi, NOW).filter(pk=record.pk).exists()


@pytest.mark.wrong_actor("inspections.services.pfcc_interview_record")
@pytest.mark.parametrize("who", ["pfcc_office_essex", "chief_office_essex_frs", "other_hmi"])
def test_i5_only_the_team_records_the_pfccs_interview(frs_essex, essex_frs, who, request):
    wrong = request.getfixturevalue(who)
    before = counts(*WRITTEN)
    error = refused(
        lambda: pfcc_interview_record(
            inspection=frs_essex, area=essex_frs, summary="Notes.", by=wrong, now=NOW
        ),
        "Only the inspection team",
    )
    assert error.code == "actor"
    nothing_written(before)


def test_i5_a_pfcc_interview_is_for_a_pfcc_governed_frs_with_notes_while_evidence_is_gathered(
    frs_essex, essex_frs, peel_a, force_a, lead_hmi
):
    before = counts(*WRITTEN)
    assert (
        "area"
        in refused(
            lambda: pfcc_interview_record(
                inspection=peel_a, area=force_a, summary="Notes.", by=lead_hmi, now=NOW
            )
        ).message_dict
    )
    assert (
        "summary"
        in refused(
            lambda: pfcc_interview_record(
                inspection=frs_essex, area=essex_frs, summary="", by=lead_hmi, now=NOW
            )
        ).message_dict
    )
    final(frs_essex)
    refused(
        lambda: pfcc_interview_record(
            inspection=frs_essex, area=essex_frs, summary="Notes.", by=lead_hmi, now=NOW
        ),
        "Evidence gathering",
    )
    nothing_written(before)


# --- P2: scope discussed, declined; a request for assistance ------------------------------------------


@pytest.fixture
def commission(force_a, pcc_office_a) -> CommissionRequest:
    return commission_request(
        requested_by=[office_of(force_a)], areas=[force_a], scope="Custody", by=pcc_office_a, now=NOW
    )


def test_p2_hmicfrs_records_the_scope_discussion_and_the_pcc_is_told(commission, hmicfrs_staff, pcc_office_a):
    commission_scope_discuss(request=commission, notes="Custody suites only.", by=hmicfrs_staff, now=NOW)
    commission.refresh_from_db()
    assert (commission.state, commission.scope_discussion, commission.scope_discussed_at) == (
        CommissionState.SCOPE_DISCUSSED,
        "Custody suites only.",
        NOW,
    )
    [message] = inbox(pcc_office_a)
    assert message.body == "Custody suites only."


def test_p2_hmicfrs_declines_with_a_reason_and_nothing_more_can_be_decided(
    commission, hmicfrs_staff, pcc_office_a
):
    commission_decline(request=commission, reason="Outside our remit this year.", by=hmicfrs_staff, now=NOW)
    commission.refresh_from_db()
    assert (commission.state, commission.decided_at, commission.decline_reason) == (
        CommissionState.DECLINED,
        NOW,
        "Outside our remit this year.",
    )
    assert inbox(pcc_office_a)[0].body == "Outside our remit this year."
    for attempt in (
        lambda: commission_scope_discuss(request=commission, notes="Later.", by=hmicfrs_staff, now=NOW),
        lambda: commission_decline(request=commission, reason="Again.", by=hmicfrs_staff, now=NOW),
    ):
        refused(attempt, "has been declined")
    commission.refresh_from_db()
    assert commission.scope_discussion == ""


@pytest.mark.wrong_actor(
    "inspections.services.commission_scope_discuss", "inspections.services.commission_decline"
)
@pytest.mark.parametrize("who", ["pcc_office_a", "pcc_office_b", "chief_office_a"])
def test_p2_only_hmicfrs_discusses_the_scope_and_declines(commission, who, request):
    wrong = request.getfixturevalue(who)
    before = counts(*WRITTEN)
    for attempt in (
        lambda: commission_scope_discuss(request=commission, notes="Scope.", by=wrong, now=NOW),
        lambda: commission_decline(request=commission, reason="No.", by=wrong, now=NOW),
    ):
        assert refused(attempt, "Only HMICFRS staff").code == "actor"
    commission.refresh_from_db()
    assert commission.state == CommissionState.REQUESTED
    nothing_written(before)


def test_p2_scope_notes_and_a_reason_are_required(commission, hmicfrs_staff):
    assert (
        "notes"
        in refused(
            lambda: commission_scope_discuss(request=commission, notes=" ", by=hmicfrs_staff, now=NOW)
        ).message_dict
    )
    assert (
        "reason"
        in refused(
            lambda: commission_decline(request=commission, reason="", by=hmicfrs_staff, now=NOW)
        ).message_dict
    )
    commission.refresh_from_db()
    assert commission.state == CommissionState.REQUESTED


def test_p2_scope_then_estimate_then_no_decline_once_accepted(commission, hmicfrs_staff):
    commission_scope_discuss(request=commission, notes="Custody suites.", by=hmicfrs_staff, now=NOW)
    commission_agree_estimate(
        request=commission, days=20, cost_pounds=Decimal("25000"), by=hmicfrs_staff, now=NOW
    )
    commission_accept(request=commission, by=hmicfrs_staff, now=NOW)
    refused(
        lambda: commission_decline(request=commission, reason="No.", by=hmicfrs_staff, now=NOW), "accepted"
    )


def test_p2_a_pfccs_request_for_assistance_is_its_own_record(essex_frs, pfcc_office_essex, hmicfrs):
    hmi_essex = make_person("hmi_essex", hmicfrs, Role.HMI, hmi=[essex_frs])
    record = assistance_request(
        area=essex_frs, text="Help with on-call availability.", by=pfcc_office_essex, now=NOW
    )
    assert (record.office, record.area, record.requested_by) == (
        office_of(essex_frs),
        essex_frs,
        pfcc_office_essex,
    )
    assert not CommissionRequest.objects.exists()
    [message] = inbox(hmi_essex)
    assert message.body == "Help with on-call availability."


@pytest.mark.wrong_actor("inspections.services.assistance_request")
@pytest.mark.parametrize("who", ["chief_office_essex_frs", "pcc_office_b", "hmicfrs_staff"])
def test_p2_only_the_pfccs_office_asks_for_assistance(essex_frs, who, request):
    wrong = request.getfixturevalue(who)
    error = refused(
        lambda: assistance_request(area=essex_frs, text="Help.", by=wrong, now=NOW),
        "Only the office of the PCC",
    )
    assert error.code == "actor"
    assert not AssistanceRequest.objects.exists()


def test_p2_assistance_is_for_a_pfcc_governed_frs_with_a_description(
    force_a, pcc_office_a, essex_frs, pfcc_office_essex
):
    assert (
        "area"
        in refused(
            lambda: assistance_request(area=force_a, text="Help.", by=pcc_office_a, now=NOW)
        ).message_dict
    )
    assert (
        "text"
        in refused(
            lambda: assistance_request(area=essex_frs, text=" ", by=pfcc_office_essex, now=NOW)
        ).message_dict
    )
    assert not AssistanceRequest.objects.exists()


# --- Pages -------------------------------------------------------------------------------------------


def get(client, url: str, moment: dt.datetime = NOW):
    with time_machine.travel(moment, tick=False):
        return client.get(url)


def post(client, url: str, data: dict, moment: dt.datetime = NOW):
    with time_machine.travel(moment, tick=False):
        return client.post(url, data)


def denied(pk: int, user: User) -> bool:
    return AuditEvent.objects.filter(action=AuditAction.DENIED, actor=user, object_id=str(pk)).exists()


def test_i2_milestones_page_team_adds_and_sends_others_refused(
    client_for, peel_a, hmi_a, pcc_office_a, pcc_office_b, chief_office_a
):
    url = reverse("inspections:milestones", kwargs={"pk": peel_a.pk})
    team = client_for(hmi_a)
    assert get(team, url).status_code == 200
    response = post(
        team,
        url,
        {
            "name": "Final evidence-gathering period",
            "starts_on_0": "7",
            "starts_on_1": "9",
            "starts_on_2": "2026",
        },
    )
    assert response.status_code == 302
    assert peel_a.milestones.get().starts_on == SEPT_7
    page = get(team, reverse("inspections:milestones-send", kwargs={"pk": peel_a.pk})).content.decode()
    assert "Final evidence-gathering period: 7 September 2026" in page
    response = post(team, reverse("inspections:milestones-send", kwargs={"pk": peel_a.pk}), {"note": ""})
    assert response.status_code == 302
    assert inbox(chief_office_a)[0].body == inbox(pcc_office_a)[0].body
    detail = get(team, reverse("inspections:detail", kwargs={"pk": peel_a.pk})).content.decode()
    assert "14 April 2026 at 10:00:00 BST" in detail  # the notice's moment, with its zone
    # The PCC's office sees the inspection, not the team's page: 403. Force B's office: 404, audited.
    assert get(client_for(pcc_office_a), url).status_code == 403
    assert get(client_for(pcc_office_b), url).status_code == 404
    assert denied(peel_a.pk, pcc_office_b)


def test_i2_a_missing_name_is_shown_on_the_form_and_nothing_is_added(client_for, peel_a, hmi_a):
    url = reverse("inspections:milestones", kwargs={"pk": peel_a.pk})
    response = post(
        client_for(hmi_a), url, {"name": "", "starts_on_0": "7", "starts_on_1": "9", "starts_on_2": "2026"}
    )
    assert response.status_code == 200
    assert "Enter the name of the milestone" in response.content.decode()
    assert not Milestone.objects.exists()


def test_i3_only_the_lead_sees_and_sends_the_methodology_notice(
    client_for, peel_a, lead_hmi, hmi_a, apcc_lead
):
    url = reverse("inspections:methodology-change", kwargs={"pk": peel_a.pk})
    assert get(client_for(hmi_a), url).status_code == 403
    lead = client_for(lead_hmi)
    assert get(lead, url).status_code == 200
    assert post(lead, url, {"body": "New questions on vetting."}).status_code == 302
    notice = InspectionNotice.objects.get(kind=InspectionNotice.Kind.METHODOLOGY)
    assert notice.body == "New questions on vetting."
    assert inbox(apcc_lead)[0].body == "New questions on vetting."


def test_i4_pages_the_team_records_the_chief_decides_others_refused(
    client_for, peel_a, force_a, hmi_a, chief_office_a, chief_office_b, pcc_office_a
):
    response = post(
        client_for(hmi_a),
        reverse("inspections:presentation-new", kwargs={"pk": peel_a.pk}),
        {"area": force_a.pk, "held_on_0": "12", "held_on_1": "5", "held_on_2": "2026"},
    )
    assert response.status_code == 302
    presentation = StrategicPresentation.objects.get()
    url = reverse("inspections:presentation-invitation", kwargs={"pk": presentation.pk})
    my_area = get(client_for(chief_office_a), reverse("inspections:my-area")).content.decode()
    assert url in my_area
    assert get(client_for(pcc_office_a), url).status_code == 403
    assert get(client_for(chief_office_b), url).status_code == 404
    assert denied(presentation.pk, chief_office_b)
    chief = client_for(chief_office_a)
    assert get(chief, url).status_code == 200
    response = post(chief, url, {"invited": ""})
    assert "Choose whether the PCC is invited" in response.content.decode()
    assert post(chief, url, {"invited": "yes"}).status_code == 302
    presentation.refresh_from_db()
    assert (presentation.pcc_invited, presentation.decided_by) == (True, chief_office_a)
    detail = get(client_for(hmi_a), reverse("inspections:detail", kwargs={"pk": peel_a.pk})).content.decode()
    assert "the PCC is invited, by the chief constable's decision" in detail


def test_i4_pages_the_pfccs_office_chooses_from_its_portal(
    client_for, frs_essex, essex_frs, pfcc_office_essex, pcc_office_b
):
    presentation = _presentation(frs_essex, essex_frs)
    url = reverse("inspections:presentation-attendance", kwargs={"pk": presentation.pk})
    office = client_for(pfcc_office_essex)
    assert url in get(office, reverse("inspections:my-area")).content.decode()
    assert get(client_for(pcc_office_b), url).status_code == 404
    assert post(office, url, {"attending": "yes"}).status_code == 302
    presentation.refresh_from_db()
    assert presentation.pfcc_attending is True


def test_i5_pages_the_team_asks_and_the_pccs_office_declines(
    client_for, peel_a, force_a, hmi_a, pcc_office_a, pcc_office_b, chief_office_a
):
    response = post(
        client_for(hmi_a),
        reverse("inspections:evidence-request-new", kwargs={"pk": peel_a.pk}),
        {"area": force_a.pk, "text": "Custody records."},
    )
    assert response.status_code == 302
    asked = EvidenceRequest.objects.get()
    assert (
        "Custody records." in get(client_for(chief_office_a), reverse("inspections:my-area")).content.decode()
    )
    url = reverse("inspections:discussion-answer", kwargs={"pk": asked.pk})
    assert get(client_for(chief_office_a), url).status_code == 403
    assert get(client_for(pcc_office_b), url).status_code == 404
    assert denied(asked.pk, pcc_office_b)
    assert post(client_for(pcc_office_a), url, {"accept": "no", "note": ""}).status_code == 302
    asked.refresh_from_db()
    assert asked.discussion == EvidenceRequest.Discussion.DECLINED


def test_i5_pages_a_disclosure_from_the_opcc_portal_reaches_the_named_liaison_leads_own_list(
    client_for, peel_a, force_a, pcc_office_a, pcc_office_b, chief_office_a, liaison_lead_a, other_hmi, hmi_a
):
    new = reverse("inspections:disclosure-new", kwargs={"pk": peel_a.pk})
    assert get(client_for(chief_office_a), new).status_code == 403
    assert get(client_for(pcc_office_b), new).status_code == 404
    office = client_for(pcc_office_a)
    form = get(office, new).content.decode()
    assert liaison_lead_a.get_full_name() in form
    response = post(
        office, new, {"area": force_a.pk, "summary": "A private worry.", "named_staff": [liaison_lead_a.pk]}
    )
    assert response.status_code == 302
    record = EvidenceRecord.objects.get(kind=EvidenceRecord.Kind.CONFIDENTIAL_DISCLOSURE)
    lead = client_for(liaison_lead_a)
    listing = get(lead, reverse("inspections:disclosures")).content.decode()
    detail_url = reverse("inspections:disclosure", kwargs={"pk": record.pk})
    assert detail_url in listing
    assert "A private worry." not in listing  # the text is read on its page, where the reading is recorded
    assert "14 April 2026 at 10:00 BST" in listing
    assert "A private worry." in get(lead, detail_url).content.decode()
    assert get(client_for(hmi_a), detail_url).status_code == 200
    views = AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(record.pk))
    assert set(views.values_list("actor", flat=True)) == {liaison_lead_a.pk, hmi_a.pk}
    for outsider in (other_hmi, pcc_office_a, chief_office_a):
        assert get(client_for(outsider), detail_url).status_code == 404
        assert denied(record.pk, outsider)
        assert (
            detail_url not in get(client_for(outsider), reverse("inspections:disclosures")).content.decode()
        )


def test_p2_pages_scope_decline_and_assistance(
    client_for, commission, hmicfrs_staff, pcc_office_a, pcc_office_b, essex_frs, pfcc_office_essex
):
    scope = reverse("inspections:commission-scope", kwargs={"pk": commission.pk})
    decline = reverse("inspections:commission-decline", kwargs={"pk": commission.pk})
    assert get(client_for(pcc_office_a), scope).status_code == 403
    assert get(client_for(pcc_office_b), scope).status_code == 404
    staff = client_for(hmicfrs_staff)
    assert post(staff, scope, {"notes": "Custody only."}).status_code == 302
    assert post(staff, decline, {"reason": ""}).status_code == 200
    assert post(staff, decline, {"reason": "Not this year."}).status_code == 302
    commission.refresh_from_db()
    assert commission.state == CommissionState.DECLINED
    page = get(client_for(pcc_office_a), reverse("inspections:commission", kwargs={"pk": commission.pk}))
    assert "Not this year." in page.content.decode()

    office = client_for(pfcc_office_essex)
    response = post(
        office, reverse("inspections:assistance-new"), {"area": essex_frs.pk, "text": "Help, please."}
    )
    assert response.status_code == 302
    record = AssistanceRequest.objects.get()
    detail = reverse("inspections:assistance", kwargs={"pk": record.pk})
    assert "Help, please." in get(office, detail).content.decode()
    assert "Help, please." in get(staff, detail).content.decode()
    assert get(client_for(pcc_office_b), detail).status_code == 404
    assert denied(record.pk, pcc_office_b)
    assert get(client_for(pcc_office_a), reverse("inspections:assistance-new")).status_code == 403


def _queries(client, url: str) -> int:
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_my_area_and_disclosures_query_counts_do_not_grow_with_data(
    client_for, force_a, lead_hmi, pcc_office_a, chief_office_a, liaison_lead_a
):
    def add_one(n: int) -> None:
        inspection = inspection_create(
            kind="peel", title=f"PEEL {n}", areas=[force_a], lead=lead_hmi, by=lead_hmi, now=NOW
        )
        _presentation(inspection, force_a)
        _ask(inspection, force_a)
        _disclose(inspection, force_a, pcc_office_a, named=[liaison_lead_a])

    add_one(0)
    my_area = reverse("inspections:my-area")
    disclosures = reverse("inspections:disclosures")
    counts_before = {
        who: (_queries(client_for(who), my_area), _queries(client_for(liaison_lead_a), disclosures))
        for who in (pcc_office_a, chief_office_a)
    }
    for n in range(1, 5):
        add_one(n)
    for who, (area_count, list_count) in counts_before.items():
        assert _queries(client_for(who), my_area) == area_count <= 25
        assert _queries(client_for(liaison_lead_a), disclosures) == list_count <= 12


def test_i5_the_disclosure_link_goes_once_evidence_gathering_on_the_area_ends(
    client_for, peel_a, pcc_office_a
):
    new = reverse("inspections:disclosure-new", kwargs={"pk": peel_a.pk})
    my_area = reverse("inspections:my-area")
    assert new in get(client_for(pcc_office_a), my_area).content.decode()
    final(peel_a)
    assert new not in get(client_for(pcc_office_a), my_area).content.decode()
    response = post(client_for(pcc_office_a), new, {"area": peel_a.areas.get().pk, "summary": "Late."})
    assert "Evidence gathering for Avon and Somerset" in response.content.decode()
    assert not EvidenceRecord.objects.exists()
