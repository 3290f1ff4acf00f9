"""Who acts at each step of P1–P3, I1–I8 and U1–U5 (DESIGN.md "Who acts at each step"), one row per service.

Each writing service of inspections.services is tried with another role and with the same role for another
area (or, for a national HMICFRS role, someone whose HMICFRS appointment had ended): each is refused, with a
plain message and nothing written; then the party the MOU names succeeds in the same world. The holes the
issue found are rows here: a PCC's office recording the chief's I4 decision about its own invitation, an
HMI making the chief's I6 attendance decision, another area's OPCC sending an I8 update.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Any

import pytest

from contacts.models import Appointment, Assignment, Role, User
from hmicfrs_mou.deadlines import LONDON
from inspections import services as s
from inspections.models import (
    CommissionRequest,
    EvidenceRecord,
    Inspection,
    InspectionKind,
    InspectionNotice,
    Programme,
    ProgrammeState,
    Report,
    ReportKind,
)
from tests.conftest import make_person, office_of
from tests.inspections.conftest import BODY, CREATED, FAC_CLOSES, FAC_OPENS, FINALISED, PUBLICATION, SCHEDULED
from tests.wrong_actor import Row, cases, refused_for_actor, try_row

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 4, 11, 30, tzinfo=LONDON)  # after CREATED, before the factual-accuracy window
IN_WINDOW = dt.datetime(2026, 3, 10, 11, tzinfo=LONDON)
HELD_ON = dt.date(2026, 5, 12)  # a strategic presentation still to come
DEBRIEF_ON = dt.date(2026, 3, 3)
DIARY_AT = PUBLICATION - dt.timedelta(days=3)
DAY = dt.timedelta(days=1)
NOTES = "Preliminary view: the force understands its demand; response times in rural areas are a concern."


class World:
    """The personas and records a row needs, made on first use through the services."""

    def __init__(self, request: pytest.FixtureRequest) -> None:
        self.request = request

    def __getattr__(self, name: str) -> Any:
        return self.request.getfixturevalue(name)

    # --- people --------------------------------------------------------------------------------

    @cached_property
    def chief_office_b(self) -> User:
        return make_person("chief_office_b", self.force_b, Role.CHIEF_OFFICER_STAFF)

    @cached_property
    def apcc_chair(self) -> User:
        return make_person("apcc_chair", self.apcc, Role.APCC_CHAIR)

    @cached_property
    def former_staff(self) -> User:
        """Was HMICFRS inspection staff until the end of February 2026: the same role, at another moment."""
        person = make_person("former_staff", self.hmicfrs, Role.INSPECTION_STAFF)
        Appointment.objects.filter(person=person).update(ends_on=dt.date(2026, 3, 1))
        return person

    # --- records -------------------------------------------------------------------------------

    @cached_property
    def programme(self) -> Programme:
        return Programme.objects.create(title="Programme", year="2026-27", created_at=CREATED)

    @cached_property
    def open_programme(self) -> Programme:
        return s.programme_advance(
            programme=self.programme,
            to=ProgrammeState.REPRESENTATIONS_REQUESTED,
            by=self.hmicfrs_staff,
            now=NOW,
        )

    @cached_property
    def representation(self) -> Any:
        return s.representation_record(
            programme=self.open_programme,
            organisation=office_of(self.force_a),
            text="Our view.",
            by=self.pcc_office_a,
            now=NOW,
        )

    @cached_property
    def commission(self) -> CommissionRequest:
        return s.commission_request(
            requested_by=[office_of(self.force_a)],
            areas=[self.force_a],
            scope="Custody",
            by=self.pcc_office_a,
            now=CREATED,
        )

    @cached_property
    def estimated(self) -> CommissionRequest:
        return s.commission_agree_estimate(
            request=self.commission, days=10, cost_pounds=12000, by=self.hmicfrs_staff, now=NOW
        )

    @cached_property
    def draft(self) -> Report:
        return s.report_create(
            inspection=self.peel_a,
            kind=ReportKind.FORCE_SPECIFIC,
            title="PEEL: report",
            body=BODY,
            by=self.lead_hmi,
            now=CREATED,
        )

    @cached_property
    def in_fac(self) -> Report:
        return s.report_open_factual_accuracy(
            report=self.draft, closes_at=FAC_CLOSES, by=self.lead_hmi, now=FAC_OPENS
        )

    @cached_property
    def comment(self) -> Any:
        return s.fac_comment_submit(
            report=self.in_fac,
            by=self.chief_office_a,
            paragraph="2",
            current_text="promptly",
            proposed_correction="within target",
            evidence="Call logs.",
            now=IN_WINDOW,
        )

    @cached_property
    def final(self) -> Report:
        return s.report_finalise(report=self.draft, by=self.lead_hmi, now=FINALISED)

    @cached_property
    def scheduled(self) -> Report:
        return s.report_schedule(
            report=self.final, publication_at=PUBLICATION, by=self.lead_hmi, now=SCHEDULED
        )

    @cached_property
    def milestone(self) -> Any:
        return s.milestone_add(
            inspection=self.peel_a, name="Fieldwork", starts_on=dt.date(2026, 4, 6), by=self.hmi_a, now=NOW
        )

    @cached_property
    def presentation(self) -> Any:
        return s.presentation_arrange(
            inspection=self.peel_a, area=self.force_a, held_on=HELD_ON, by=self.hmi_a, now=NOW
        )

    @cached_property
    def frs_presentation(self) -> Any:
        return s.presentation_arrange(
            inspection=self.frs_essex, area=self.essex_frs, held_on=HELD_ON, by=self.lead_hmi, now=NOW
        )

    @cached_property
    def evidence_request(self) -> Any:
        return s.evidence_request(
            inspection=self.peel_a, area=self.force_a, text="Custody records.", by=self.hmi_a, now=NOW
        )

    def debrief(self, significant_concern: bool = False) -> Any:
        return s.debrief_record(
            inspection=self.peel_a,
            area=self.force_a,
            held_on=DEBRIEF_ON,
            notes=NOTES,
            significant_concern=significant_concern,
            by=self.hmi_a,
            now=NOW,
        )

    @cached_property
    def peel_b(self) -> Inspection:
        return s.inspection_create(
            kind=InspectionKind.PEEL,
            title="PEEL: Kent",
            areas=[self.force_b],
            lead=self.lead_hmi,
            by=self.lead_hmi,
            now=CREATED,
        )


def _rows() -> list[Row]:
    after = dt.timedelta(minutes=5)
    return [
        # --- P1 ------------------------------------------------------------------------------------
        Row(
            "inspections.services.programme_create",
            "",
            "hmicfrs_staff",
            ("pcc_office_a", "former_staff"),
            lambda w: (
                lambda by: s.programme_create(
                    title="Programme",
                    year="2027-28",
                    framework="",
                    representations_due_on=None,
                    by=by,
                    now=NOW,
                )
            ),
        ),
        Row(
            "inspections.services.programme_advance",
            "",
            "hmicfrs_staff",
            ("apcc_chair", "former_staff"),
            lambda w: (
                lambda p: (
                    lambda by: s.programme_advance(
                        programme=p, to=ProgrammeState.REPRESENTATIONS_REQUESTED, by=by, now=NOW
                    )
                )
            )(w.programme),
        ),
        Row(
            "inspections.services.representation_record",
            "pcc",
            "pcc_office_a",
            ("chief_office_a", "pcc_office_b", "hmicfrs_staff"),
            lambda w: (
                lambda p, o: (
                    lambda by: s.representation_record(
                        programme=p, organisation=o, text="Our view.", by=by, now=NOW
                    )
                )
            )(w.open_programme, office_of(w.force_a)),
        ),
        Row(
            "inspections.services.representation_record",
            "apcc",
            "apcc_chair",
            ("apcc_lead", "pcc_office_a"),
            lambda w: (
                lambda p, o: (
                    lambda by: s.representation_record(
                        programme=p, organisation=o, text="Collated.", by=by, now=NOW
                    )
                )
            )(w.open_programme, w.apcc),
        ),
        Row(
            "inspections.services.representation_consider",
            "",
            "hmicfrs_staff",
            ("pcc_office_a", "former_staff"),
            lambda w: (
                lambda r: (
                    lambda by: s.representation_consider(
                        representation=r, consideration="Noted.", by=by, now=NOW + after
                    )
                )
            )(w.representation),
        ),
        # --- P2, P3 --------------------------------------------------------------------------------
        Row(
            "inspections.services.commission_request",
            "",
            "pcc_office_a",
            ("chief_office_a", "pcc_office_b"),
            lambda w: (
                lambda o, a: (
                    lambda by: s.commission_request(
                        requested_by=[o], areas=[a], scope="Custody", by=by, now=NOW
                    )
                )
            )(office_of(w.force_a), w.force_a),
        ),
        Row(
            "inspections.services.commission_agree_estimate",
            "",
            "hmicfrs_staff",
            ("pcc_office_a", "former_staff"),
            lambda w: (
                lambda c: (
                    lambda by: s.commission_agree_estimate(
                        request=c, days=10, cost_pounds=12000, by=by, now=NOW
                    )
                )
            )(w.commission),
        ),
        Row(
            "inspections.services.commission_accept",
            "",
            "hmicfrs_staff",
            ("pcc_office_a", "former_staff"),
            lambda w: (lambda c: lambda by: s.commission_accept(request=c, by=by, now=NOW + after))(
                w.estimated
            ),
        ),
        Row(
            "inspections.services.commission_scope_discuss",
            "",
            "hmicfrs_staff",
            ("pcc_office_a", "former_staff"),
            lambda w: (
                lambda c: lambda by: s.commission_scope_discuss(request=c, notes="Agreed.", by=by, now=NOW)
            )(w.commission),
        ),
        Row(
            "inspections.services.commission_decline",
            "",
            "hmicfrs_staff",
            ("pcc_office_a", "former_staff"),
            lambda w: (
                lambda c: lambda by: s.commission_decline(request=c, reason="Out of scope.", by=by, now=NOW)
            )(w.commission),
        ),
        Row(
            "inspections.services.assistance_request",
            "",
            "pfcc_office_essex",
            ("chief_office_essex_frs", "pcc_office_b"),
            lambda w: (
                lambda a: lambda by: s.assistance_request(area=a, text="Prevention work.", by=by, now=NOW)
            )(w.essex_frs),
        ),
        Row(
            "inspections.services.reference_group_set",
            "",
            "lead_hmi",
            ("pcc_office_a", "other_hmi"),
            lambda w: (
                lambda i, m: lambda by: s.reference_group_set(inspection=i, members=[m], by=by, now=NOW)
            )(w.peel_a, w.apcc),
        ),
        # --- Inspections, I1–I3 --------------------------------------------------------------------
        Row(
            "inspections.services.inspection_create",
            "",
            "hmicfrs_staff",
            ("chief_office_a", "former_staff"),
            lambda w: (
                lambda a, lead: (
                    lambda by: s.inspection_create(
                        kind=InspectionKind.PEEL, title="PEEL", areas=[a], lead=lead, by=by, now=NOW
                    )
                )
            )(w.force_a, w.lead_hmi),
        ),
        Row(
            "inspections.services.inspection_notify",
            "",
            "hmi_a",
            ("pcc_office_a", "other_hmi"),
            lambda w: (
                lambda i: (
                    lambda by: s.inspection_notify(
                        inspection=i,
                        kind=InspectionNotice.Kind.NOTIFICATION,
                        subject="PEEL inspection",
                        body="We will inspect.",
                        by=by,
                        now=NOW,
                    )
                )
            )(w.peel_a),
        ),
        Row(
            "inspections.services.methodology_change_notify",
            "",
            "lead_hmi",
            ("pcc_office_a", "hmi_a"),
            lambda w: (
                lambda i: (
                    lambda by: s.methodology_change_notify(inspection=i, body="New method.", by=by, now=NOW)
                )
            )(w.peel_a),
        ),
        # --- I2 milestones -------------------------------------------------------------------------
        Row(
            "inspections.services.milestone_add",
            "",
            "hmi_a",
            ("chief_office_a", "other_hmi"),
            lambda w: (
                lambda i: (
                    lambda by: s.milestone_add(
                        inspection=i, name="Fieldwork", starts_on=dt.date(2026, 4, 6), by=by, now=NOW
                    )
                )
            )(w.peel_a),
        ),
        Row(
            "inspections.services.milestone_change",
            "",
            "hmi_a",
            ("chief_office_a", "other_hmi"),
            lambda w: (
                lambda m: (
                    lambda by: s.milestone_change(
                        milestone=m, name="Fieldwork", starts_on=dt.date(2026, 4, 13), by=by, now=NOW
                    )
                )
            )(w.milestone),
        ),
        Row(
            "inspections.services.milestone_remove",
            "",
            "hmi_a",
            ("pcc_office_a", "other_hmi"),
            lambda w: (lambda m: lambda by: s.milestone_remove(milestone=m, by=by, now=NOW))(w.milestone),
        ),
        Row(
            "inspections.services.milestones_send",
            "",
            "hmi_a",
            ("chief_office_a", "other_hmi"),
            lambda w: (lambda i, _m: lambda by: s.milestones_send(inspection=i, by=by, now=NOW))(
                w.peel_a, w.milestone
            ),
        ),
        # --- I4 strategic presentation --------------------------------------------------------------
        Row(
            "inspections.services.strategic_presentation_record",
            "invitation",
            "chief_office_a",
            ("pcc_office_a", "chief_office_b"),
            lambda w: (
                lambda i, a: (
                    lambda by: s.strategic_presentation_record(
                        inspection=i, area=a, held_on=HELD_ON, pcc_invited=True, by=by, now=NOW
                    )
                )
            )(w.peel_a, w.force_a),
        ),
        Row(
            "inspections.services.strategic_presentation_record",
            "pfcc",
            "pfcc_office_essex",
            ("chief_office_essex_frs", "pcc_office_b"),
            lambda w: (
                lambda i, a: (
                    lambda by: s.strategic_presentation_record(
                        inspection=i, area=a, held_on=HELD_ON, pfcc_attending=True, by=by, now=NOW
                    )
                )
            )(w.frs_essex, w.essex_frs),
        ),
        Row(
            "inspections.services.strategic_presentation_record",
            "team",
            "lead_hmi",
            ("pcc_office_a", "other_hmi"),
            lambda w: (
                lambda i, a: (
                    lambda by: s.strategic_presentation_record(
                        inspection=i, area=a, held_on=HELD_ON, by=by, now=NOW
                    )
                )
            )(w.peel_a, w.force_a),
        ),
        Row(
            "inspections.services.presentation_arrange",
            "",
            "hmi_a",
            ("chief_office_a", "other_hmi"),
            lambda w: (
                lambda i, a: (
                    lambda by: s.presentation_arrange(inspection=i, area=a, held_on=HELD_ON, by=by, now=NOW)
                )
            )(w.peel_a, w.force_a),
        ),
        Row(
            "inspections.services.presentation_invitation_decide",
            "",
            "chief_office_a",
            ("pcc_office_a", "chief_office_b", "hmi_a"),
            lambda w: (
                lambda p: (
                    lambda by: s.presentation_invitation_decide(
                        presentation=p, invited=True, by=by, now=NOW + after
                    )
                )
            )(w.presentation),
        ),
        Row(
            "inspections.services.presentation_attendance_choose",
            "",
            "pfcc_office_essex",
            ("chief_office_essex_frs", "pcc_office_b"),
            lambda w: (
                lambda p: (
                    lambda by: s.presentation_attendance_choose(
                        presentation=p, attending=True, by=by, now=NOW + after
                    )
                )
            )(w.frs_presentation),
        ),
        # --- I5 evidence -----------------------------------------------------------------------------
        Row(
            "inspections.services.evidence_record",
            "",
            "hmi_a",
            ("chief_office_a", "other_hmi"),
            lambda w: (
                lambda i, a: (
                    lambda by: s.evidence_record(
                        inspection=i,
                        kind=EvidenceRecord.Kind.EVIDENCE,
                        source=a,
                        summary="Logs.",
                        by=by,
                        now=NOW,
                    )
                )
            )(w.peel_a, w.force_a),
        ),
        Row(
            "inspections.services.evidence_request",
            "",
            "hmi_a",
            ("chief_office_a", "other_hmi"),
            lambda w: (
                lambda i, a: (
                    lambda by: s.evidence_request(
                        inspection=i, area=a, text="Custody records.", by=by, now=NOW
                    )
                )
            )(w.peel_a, w.force_a),
        ),
        Row(
            "inspections.services.pcc_discussion_answer",
            "",
            "pcc_office_a",
            ("chief_office_a", "pcc_office_b"),
            lambda w: (
                lambda r: lambda by: s.pcc_discussion_answer(request=r, accept=True, by=by, now=NOW + after)
            )(w.evidence_request),
        ),
        Row(
            "inspections.services.disclosure_make",
            "",
            "pcc_office_a",
            ("chief_office_a", "pcc_office_b"),
            lambda w: (
                lambda i, a: (
                    lambda by: s.disclosure_make(
                        inspection=i, area=a, summary="In confidence.", by=by, now=NOW
                    )
                )
            )(w.peel_a, w.force_a),
        ),
        Row(
            "inspections.services.pfcc_interview_record",
            "",
            "lead_hmi",
            ("pfcc_office_essex", "other_hmi"),
            lambda w: (
                lambda i, a: (
                    lambda by: s.pfcc_interview_record(
                        inspection=i, area=a, summary="Interviewed.", by=by, now=NOW
                    )
                )
            )(w.frs_essex, w.essex_frs),
        ),
        # --- I6 debrief, I8 updates ------------------------------------------------------------------
        Row(
            "inspections.services.debrief_record",
            "",
            "hmi_a",
            ("chief_office_a", "other_hmi"),
            lambda w: (
                lambda i, a: (
                    lambda by: s.debrief_record(
                        inspection=i, area=a, held_on=DEBRIEF_ON, notes=NOTES, by=by, now=NOW
                    )
                )
            )(w.peel_a, w.force_a),
        ),
        Row(
            "inspections.services.debrief_attendance_decide",
            "",
            "chief_office_a",
            ("hmi_a", "pcc_office_a", "chief_office_b"),
            lambda w: (
                lambda d: (
                    lambda by: s.debrief_attendance_decide(
                        debrief=d, pcc_attends=True, by=by, now=NOW + after
                    )
                )
            )(w.debrief()),
        ),
        Row(
            "inspections.services.debrief_acknowledge",
            "",
            "chief_office_a",
            ("pcc_office_a", "chief_office_b"),
            lambda w: (
                lambda d: lambda by: s.debrief_acknowledge(debrief=d, confirmed=True, by=by, now=NOW + after)
            )(w.debrief()),
        ),
        Row(
            "inspections.services.chief_update_record",
            "",
            "chief_office_a",
            ("pcc_office_a", "pcc_office_b", "chief_office_b", "hmi_a"),
            lambda w: (
                lambda i, a, _d: (
                    lambda by: s.chief_update_record(
                        inspection=i, area=a, text="Update.", by=by, now=NOW + after
                    )
                )
            )(w.peel_a, w.force_a, w.debrief(significant_concern=True)),
        ),
        Row(
            "inspections.services.report_flag_significant_concern",
            "",
            "lead_hmi",
            ("chief_office_a", "other_hmi"),
            lambda w: (lambda r: lambda by: s.report_flag_significant_concern(report=r, by=by, now=NOW))(
                w.draft
            ),
        ),
        # --- Reports, I7, U1–U5 ----------------------------------------------------------------------
        Row(
            "inspections.services.report_create",
            "",
            "lead_hmi",
            ("chief_office_a", "other_hmi"),
            lambda w: (
                lambda i: (
                    lambda by: s.report_create(
                        inspection=i, kind=ReportKind.FORCE_SPECIFIC, title="R", body=BODY, by=by, now=NOW
                    )
                )
            )(w.peel_a),
        ),
        Row(
            "inspections.services.finding_add",
            "",
            "lead_hmi",
            ("chief_office_a", "other_hmi"),
            lambda w: (
                lambda r: (
                    lambda by: s.finding_add(report=r, kind="recommendation", text="Improve.", by=by, now=NOW)
                )
            )(w.draft),
        ),
        Row(
            "inspections.services.report_open_factual_accuracy",
            "",
            "lead_hmi",
            ("chief_office_a", "other_hmi"),
            lambda w: (
                lambda r: (
                    lambda by: s.report_open_factual_accuracy(
                        report=r, closes_at=FAC_CLOSES, by=by, now=FAC_OPENS
                    )
                )
            )(w.draft),
        ),
        Row(
            "inspections.services.fac_comment_submit",
            "",
            "chief_office_a",
            ("pcc_office_a", "chief_office_b"),
            lambda w: (
                lambda r: (
                    lambda by: s.fac_comment_submit(
                        report=r,
                        by=by,
                        paragraph="2",
                        current_text="promptly",
                        proposed_correction="within target",
                        evidence="Call logs.",
                        now=IN_WINDOW,
                    )
                )
            )(w.in_fac),
        ),
        Row(
            "inspections.services.fac_comment_decide",
            "",
            "lead_hmi",
            ("chief_office_a", "other_hmi"),
            lambda w: (
                lambda c: (
                    lambda by: s.fac_comment_decide(
                        comment=c, accept=True, reason="Agreed.", by=by, now=IN_WINDOW + after
                    )
                )
            )(w.comment),
        ),
        Row(
            "inspections.services.report_finalise",
            "",
            "lead_hmi",
            ("chief_office_a", "other_hmi"),
            lambda w: (lambda r: lambda by: s.report_finalise(report=r, by=by, now=FINALISED))(w.draft),
        ),
        Row(
            "inspections.services.redaction_add",
            "",
            "lead_hmi",
            ("chief_office_a", "other_hmi"),
            lambda w: (
                lambda r: (
                    lambda by: s.redaction_add(
                        report=r,
                        passage="The force's witness protection unit operates from a building on Example Street.",
                        reason="Safety.",
                        by=by,
                        now=FINALISED,
                    )
                )
            )(w.final),
        ),
        Row(
            "inspections.services.report_schedule",
            "",
            "lead_hmi",
            ("chief_office_a", "other_hmi"),
            lambda w: (
                lambda r: (
                    lambda by: s.report_schedule(report=r, publication_at=PUBLICATION, by=by, now=SCHEDULED)
                )
            )(w.final),
        ),
        Row(
            "inspections.services.diary_note_send",
            "",
            "lead_hmi",
            ("pcc_office_a", "other_hmi"),
            lambda w: (
                lambda r: (
                    lambda by: s.diary_note_send(report=r, text="Publishing on Tuesday.", by=by, now=DIARY_AT)
                )
            )(w.scheduled),
        ),
    ]


ROWS = _rows()


@pytest.mark.parametrize(("row", "wrong"), cases(ROWS))
def test_each_inspection_step_refuses_the_wrong_actor_and_writes_nothing(
    row: Row, wrong: str, request
) -> None:
    """P1–P3, I1–I8, U1–U5: another role and the same role elsewhere are refused; the right party is not."""
    try_row(row, wrong, World(request))


@pytest.mark.wrong_actor("inspections.services.debrief_attendance_decide")
def test_the_refusal_names_who_may_act_in_plain_english(request) -> None:
    world = World(request)
    debrief = world.debrief()
    error = refused_for_actor(
        lambda: s.debrief_attendance_decide(debrief=debrief, pcc_attends=True, by=world.hmi_a, now=NOW)
    )
    assert error.messages == [
        "Only the chief officer's office of Avon and Somerset Constabulary can decide whether the PCC attends "
        "the debrief."
    ]


@pytest.mark.wrong_actor("inspections.services.chief_update_record")
def test_a_chief_officers_office_is_judged_at_that_moment(request) -> None:
    """Role and organisation at the moment: after the appointment ends, the same person is refused."""
    world = World(request)
    world.debrief(significant_concern=True)
    # The appointment ends on 4 March (its first day no longer in force): on the 5th they are refused.
    Appointment.objects.filter(person=world.chief_office_a).update(ends_on=dt.date(2026, 3, 4))
    call = lambda: s.chief_update_record(  # noqa: E731
        inspection=world.peel_a, area=world.force_a, text="Update.", by=world.chief_office_a, now=NOW + DAY
    )
    refused_for_actor(call)


@pytest.mark.wrong_actor("inspections.services.evidence_request")
def test_the_team_is_judged_at_that_moment(request) -> None:
    """The HMI for force A is on the team while assigned; another HMI's inspection of Kent is not theirs."""
    world = World(request)
    hmi_a, peel_a, peel_b = world.hmi_a, world.peel_a, world.peel_b
    refused_for_actor(
        lambda: s.evidence_request(inspection=peel_b, area=world.force_b, text="Records.", by=hmi_a, now=NOW)
    )
    # An HMI whose assignment to force A has ended is no longer on force A's team.
    Assignment.objects.filter(person=hmi_a).update(ends_on=dt.date(2026, 3, 4))
    refused_for_actor(
        lambda: s.evidence_request(
            inspection=peel_a, area=world.force_a, text="Records.", by=hmi_a, now=NOW + DAY
        )
    )
