"""Who acts at U6, U8 and S1–S3 (DESIGN.md "Who acts at each step"), one row per writing service.

Each writing service of responses.services, responses.complaints and responses.plans is tried with
another role and with the same role for another area (or, for HMICFRS's national role of managing the
super-complaints system, someone whose HMICFRS appointment had ended): each is refused, with a plain
message and nothing written; then the party the MOU names succeeds in the same world.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Any

import pytest

from contacts.models import Appointment, OrganisationKind, Role, User
from hmicfrs_mou.deadlines import LONDON
from inspections.models import FindingKind, Report
from responses import complaints, plans
from responses import services as s
from responses.models import ActionStatus, ResponseObligation, SuperComplaint
from tests.conftest import make_person, office_of, org
from tests.responses.conftest import IN_PERIOD, PUBLISHED_URL, chief_of, complete, pdf_upload, publish_report
from tests.responses.test_s_super_complaints import DECIDED, LINKED, RECEIVED, STARTED, police_report
from tests.responses.test_u8_action_plans import AFTER, TARGET, frs_report
from tests.wrong_actor import Row, cases, try_row

pytestmark = pytest.mark.django_db

LATER = IN_PERIOD + dt.timedelta(hours=1)


class World:
    def __init__(self, request: pytest.FixtureRequest) -> None:
        self.request = request

    def __getattr__(self, name: str) -> Any:
        return self.request.getfixturevalue(name)

    # --- people ----------------------------------------------------------------------------------

    @cached_property
    def lead(self) -> User:
        return make_person("actors_lead", self.hmicfrs, Role.HMI)

    @cached_property
    def chief_office_a(self) -> User:
        return chief_of(self.force_a)

    @cached_property
    def chief_office_b(self) -> User:
        return chief_of(self.force_b)

    @cached_property
    def former_staff(self) -> User:
        """Was HMICFRS inspection staff until the end of January 2026: the same role, at another moment."""
        person = make_person("former_staff", self.hmicfrs, Role.INSPECTION_STAFF)
        Appointment.objects.filter(person=person).update(ends_on=dt.date(2026, 2, 1))
        return person

    @cached_property
    def fire_office(self) -> User:
        """Staff of the Essex PFCC's office: the PFCC is the fire authority for Essex FRS (U8)."""
        return make_person("pfcc_office_essex", office_of(self.essex), Role.OPCC_STAFF)

    @cached_property
    def other_fire_office(self) -> User:
        """Staff of the North Yorkshire mayor's office: the same role, for another FRS."""
        return make_person("office_north_yorkshire", office_of(self.north_yorkshire), Role.OPCC_STAFF)

    @cached_property
    def chief_office_essex_frs(self) -> User:
        return make_person("chief_office_essex_frs", self.essex, Role.CHIEF_OFFICER_STAFF)

    @cached_property
    def north_yorkshire(self) -> Any:
        return org(OrganisationKind.FIRE_RESCUE_SERVICE, "north-yorkshire")

    # --- records ---------------------------------------------------------------------------------

    @cached_property
    def obligation_a(self) -> ResponseObligation:
        report = publish_report(lead=self.lead, areas=[self.force_a, self.force_b, self.essex])
        return ResponseObligation.objects.get(report=report, area=self.force_a)

    @cached_property
    def invited(self) -> ResponseObligation:
        return s.response_invite_chief(
            obligation=self.obligation_a,
            comments_due_on=IN_PERIOD.astimezone(LONDON).date() + dt.timedelta(days=7),
            by=self.pcc_office_a,
            now=IN_PERIOD,
        )

    @cached_property
    def second_obligation_a(self) -> ResponseObligation:
        report = publish_report(lead=self.lead, areas=[self.force_a], title="PEEL: Avon and Somerset")
        return ResponseObligation.objects.get(report=report, area=self.force_a)

    @cached_property
    def complaint(self) -> SuperComplaint:
        return complaints.super_complaint_receive(
            title="Stalking", designated_body="A designated body", received_at=RECEIVED, by=self.hmicfrs_staff
        )

    @cached_property
    def eligible(self) -> SuperComplaint:
        return complaints.super_complaint_decide_eligibility(
            complaint=self.complaint, eligible=True, reason="Systemic.", by=self.hmicfrs_staff, now=DECIDED
        )

    @cached_property
    def investigating(self) -> SuperComplaint:
        return complaints.super_complaint_start_investigation(
            complaint=self.eligible, supporters=[self.apcc_lead], by=self.hmicfrs_staff, now=STARTED
        )

    @cached_property
    def complaint_report(self) -> Report:
        return police_report(self.lead, [self.force_a], publish=False)

    @cached_property
    def fire_report(self) -> Report:
        return frs_report(self.lead, self.essex)

    @cached_property
    def recommendation(self) -> Any:
        return self.fire_report.findings.filter(kind=FindingKind.RECOMMENDATION).order_by("pk").first()

    @cached_property
    def item(self) -> Any:
        return plans.action_plan_item_save(
            finding=self.recommendation,
            action="Recruit.",
            owner="Head of Prevention",
            target_on=TARGET,
            status=ActionStatus.IN_PROGRESS,
            by=self.fire_office,
            now=AFTER,
        )

    @cached_property
    def planned(self) -> Report:
        for finding in self.fire_report.findings.filter(kind=FindingKind.RECOMMENDATION):
            plans.action_plan_item_save(
                finding=finding,
                action="Act.",
                owner="Head of Prevention",
                target_on=TARGET,
                status=ActionStatus.IN_PROGRESS,
                by=self.fire_office,
                now=AFTER,
            )
        return self.fire_report


ROWS = [
    # --- U6: the PCC's response and the chief's comments ------------------------------------------
    Row(
        "responses.services.response_invite_chief",
        "",
        "pcc_office_a",
        ("chief_office_a", "pcc_office_b"),
        lambda w: (
            lambda o: (
                lambda by: s.response_invite_chief(
                    obligation=o,
                    comments_due_on=IN_PERIOD.astimezone(LONDON).date() + dt.timedelta(days=7),
                    by=by,
                    now=IN_PERIOD,
                )
            )
        )(w.obligation_a),
    ),
    Row(
        "responses.services.response_chief_comment",
        "",
        "chief_office_a",
        ("pcc_office_a", "chief_office_b"),
        lambda w: (
            lambda o: (
                lambda by: s.response_chief_comment(
                    obligation=o, comments="The chief accepts them.", by=by, now=LATER
                )
            )
        )(w.invited),
    ),
    Row(
        "responses.services.response_save",
        "",
        "pcc_office_a",
        ("chief_office_a", "pcc_office_b"),
        lambda w: (
            lambda o: (
                lambda by: s.response_save(
                    obligation=o,
                    by=by,
                    pcc_comments="The PCC welcomes the report.",
                    reply_to_chief="",
                    published_url=PUBLISHED_URL,
                    answers={},
                    now=LATER,
                )
            )
        )(w.obligation_a),
    ),
    Row(
        "responses.services.response_submit",
        "",
        "pcc_office_a",
        ("chief_office_a", "pcc_office_b"),
        lambda w: (
            lambda o: lambda by: s.response_submit(obligation=o, upload=pdf_upload(), by=by, now=LATER)
        )(complete(w.obligation_a, w.pcc_office_a)),
    ),
    Row(
        "responses.services.response_mark_answered_elsewhere",
        "",
        "pcc_office_a",
        ("chief_office_a", "pcc_office_b"),
        lambda w: (
            lambda o, other: (
                lambda by: s.response_mark_answered_elsewhere(
                    obligation=o, answered_by=other, reason="The same findings.", by=by, now=LATER
                )
            )
        )(w.second_obligation_a, w.obligation_a),
    ),
    # --- S1–S3: super-complaints ---------------------------------------------------------------------
    Row(
        "responses.complaints.super_complaint_receive",
        "",
        "hmicfrs_staff",
        ("apcc_lead", "former_staff"),
        lambda w: (
            lambda by: complaints.super_complaint_receive(
                title="Stalking",
                designated_body="A designated body",
                received_at=RECEIVED,
                by=by,
                now=DECIDED,
            )
        ),
    ),
    Row(
        "responses.complaints.super_complaint_decide_eligibility",
        "",
        "hmicfrs_staff",
        ("apcc_lead", "former_staff"),
        lambda w: (
            lambda c: (
                lambda by: complaints.super_complaint_decide_eligibility(
                    complaint=c, eligible=True, reason="Systemic.", by=by, now=DECIDED
                )
            )
        )(w.complaint),
    ),
    Row(
        "responses.complaints.super_complaint_start_investigation",
        "",
        "hmicfrs_staff",
        ("apcc_lead", "former_staff"),
        lambda w: (
            lambda c, lead: (
                lambda by: complaints.super_complaint_start_investigation(
                    complaint=c, supporters=[lead], by=by, now=STARTED
                )
            )
        )(w.eligible, w.apcc_lead),
    ),
    Row(
        "responses.complaints.super_complaint_link_report",
        "",
        "lead",  # HMICFRS staff who can see the (unpublished) report: its inspection's lead
        ("pcc_office_a", "former_staff"),
        lambda w: (
            lambda c, r: (
                lambda by: complaints.super_complaint_link_report(complaint=c, report=r, by=by, now=LINKED)
            )
        )(w.investigating, w.complaint_report),
    ),
    # --- U8: a fire authority's action plan ---------------------------------------------------------
    Row(
        "responses.plans.action_plan_item_save",
        "",
        "fire_office",
        ("chief_office_essex_frs", "other_fire_office"),
        lambda w: (
            lambda f: (
                lambda by: plans.action_plan_item_save(
                    finding=f,
                    action="Recruit.",
                    owner="Head of Prevention",
                    target_on=TARGET,
                    status=ActionStatus.IN_PROGRESS,
                    by=by,
                    now=AFTER,
                )
            )
        )(w.recommendation),
    ),
    Row(
        "responses.plans.action_plan_update_add",
        "",
        "fire_office",
        ("chief_office_essex_frs", "other_fire_office"),
        lambda w: (
            lambda i: (
                lambda by: plans.action_plan_update_add(
                    item=i, text="Two recruited.", status=ActionStatus.IN_PROGRESS, by=by, now=AFTER
                )
            )
        )(w.item),
    ),
    Row(
        "responses.plans.action_plan_publish",
        "",
        "fire_office",
        ("chief_office_essex_frs", "other_fire_office"),
        lambda w: (lambda r, a: lambda by: plans.action_plan_publish(report=r, area=a, by=by, now=AFTER))(
            w.planned, w.essex
        ),
    ),
]


@pytest.mark.parametrize(("row", "wrong"), cases(ROWS))
def test_each_response_step_refuses_the_wrong_actor_and_writes_nothing(
    row: Row, wrong: str, request, media_root
) -> None:
    """U6, U8, S1–S3: another role and the same role elsewhere are refused; the right party is not."""
    try_row(row, wrong, World(request))
