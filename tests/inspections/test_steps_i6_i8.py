"""I6, I7 and I8 as steps each done by its own person from their own portal.

Rule tests by id (each with its refusals: another role, the same role for another area, the wrong moment,
a missing field, and nothing written), then the pages (GET/POST, 403/404 with the audit row, every read of
debrief notes audited, fixed query counts). Timeline (Europe/London, spring 2026; fixtures from
tests/inspections/conftest.py):
  CREATED     Mon  2 March 09:00 GMT   the inspections are created
  FAC_OPENS   Mon  9 March 09:00 GMT   the draft goes for its factual-accuracy check
  FAC_CLOSES  Fri 20 March 17:00 GMT   the window was due to close
  NOW         Tue 14 April 10:00 BST   the debrief is recorded and the steps are taken
  FLAGGED     Fri  1 May 11:00 BST     a concern flagged before the early May bank holiday (Mon 4 May)
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from contacts.models import Organisation, Role, User
from hmicfrs_mou.deadlines import LONDON
from hmicfrs_mou.models import AuditAction, AuditEvent, Deadline, DeadlineParty, DeadlineState, InboxMessage
from inspections.access import chief_updates_visible_to, debriefs_visible_to
from inspections.deadlines import PCC_UPDATE_KIND
from inspections.models import (
    ChiefUpdate,
    ConfidentialityAcknowledgement,
    Debrief,
    Inspection,
    Report,
    ReportKind,
    ReportState,
)
from inspections.services import (
    chief_update_record,
    debrief_acknowledge,
    debrief_attendance_decide,
    debrief_record,
    has_grade,
    report_finalise,
    report_flag_significant_concern,
)
from tests.conftest import make_person, office_of
from tests.inspections.conftest import FAC_CLOSES, FAC_OPENS, PUBLICATION, draft, final, schedule

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 4, 14, 10, tzinfo=LONDON)
HELD_ON = dt.date(2026, 4, 13)
LATER = NOW + dt.timedelta(days=1)
FLAGGED = dt.datetime(2026, 5, 1, 11, tzinfo=LONDON)
SECOND = dt.timedelta(seconds=1)
NOTES = (
    "Preliminary view: the force understands its demand and has made good progress on vetting. "
    "Response times in rural areas are a concern."
)
WRITTEN = (Debrief, ConfidentialityAcknowledgement, ChiefUpdate, Deadline, InboxMessage)


@pytest.fixture
def chief_office_b(force_b: Organisation) -> User:
    return make_person("chief_office_b", force_b, Role.CHIEF_OFFICER_STAFF)


def refused(action, match: str | None = None) -> ValidationError:
    with pytest.raises(ValidationError, match=match) as error:
        action()
    return error.value


def counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in WRITTEN)


def inbox(user: User, subject: str = "") -> list[InboxMessage]:
    return list(InboxMessage.objects.filter(user=user, subject__contains=subject).order_by("pk"))


def _debrief(inspection: Inspection, area: Organisation, *, by: User | None = None, **kwargs) -> Debrief:
    kwargs.setdefault("now", NOW)
    return debrief_record(
        inspection=inspection,
        area=area,
        held_on=HELD_ON,
        notes=NOTES,
        by=by or inspection.lead,
        **kwargs,
    )


def _published(inspection: Inspection) -> Report:
    """A report of the inspection, published at PUBLICATION (Tue 21 April 10:00 BST)."""
    return schedule(final(inspection))


# --- I6: the team records the debrief --------------------------------------------------------------------


def test_i6_the_team_records_a_debrief_and_the_chiefs_office_is_asked_to_decide(
    peel_a, force_a, hmi_a, chief_office_a, pcc_office_a
):
    debrief = _debrief(peel_a, force_a, by=hmi_a)
    assert (debrief.recorded_by, debrief.recorded_at, debrief.pcc_invited) == (hmi_a, NOW, False)
    assert debrief.attendance_decided_at is None
    [message] = inbox(chief_office_a)
    assert "decide whether the PCC attends" in message.body
    assert message.url == f"/inspections/debriefs/{debrief.pk}/"
    assert not inbox(pcc_office_a)
    assert not debriefs_visible_to(pcc_office_a, LATER).filter(pk=debrief.pk).exists()
    assert (
        AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="inspections.debrief").count() == 1
    )


def test_i6_a_debrief_needs_its_date_and_notes(peel_a, force_a):
    before = counts()
    error = refused(
        lambda: debrief_record(
            inspection=peel_a, area=force_a, held_on=None, notes=" ", by=peel_a.lead, now=NOW
        )
    )
    assert set(error.message_dict) == {"held_on", "notes"}
    assert counts() == before


@pytest.mark.parametrize(
    "notes",
    [
        "Effectiveness: adequate. Efficiency: good.",
        "Effectiveness – adequate",
        "Legitimacy\ngood",
        "Investigating crime was adequate.",
        "The force is still good at responding to the public.",
        "Requires-Improvement in protecting vulnerable people.",
        "REQUIRES IMPROVEMENT",
        "The force performs inadequately in recording crime.",
        "Outstanding at preventing crime.",
        "We would grade this area as strong.",
    ],
)
def test_i6_a_grade_of_the_peel_scale_in_any_form_is_refused(peel_a, force_a, notes):
    before = counts()
    refused(
        lambda: debrief_record(
            inspection=peel_a, area=force_a, held_on=HELD_ON, notes=notes, by=peel_a.lead, now=NOW
        ),
        "never a graded judgment",
    )
    assert counts() == before


@pytest.mark.parametrize(
    "notes",
    [NOTES, "Officers showed a good understanding of vulnerability.", "An adequate number of call handlers."],
)
def test_i6_good_and_adequate_as_ordinary_words_are_not_grades(notes):
    assert not has_grade(notes)


@pytest.mark.wrong_actor("inspections.services.debrief_record")
@pytest.mark.parametrize("who", ["pcc_office_a", "chief_office_a", "other_hmi"])
def test_i6_only_the_team_records_a_debrief(peel_a, force_a, who, request):
    """Another role (the PCC's or the chief's office), the same role for another force (force B's HMI)."""
    wrong = request.getfixturevalue(who)
    before = counts()
    error = refused(lambda: _debrief(peel_a, force_a, by=wrong), "Only the inspection team")
    assert error.code == "actor"
    assert counts() == before


def test_i6_a_debrief_is_for_a_force_the_inspection_covers(peel_a, force_b):
    before = counts()
    refused(lambda: _debrief(peel_a, force_b), "is not inspected")
    assert counts() == before


# --- I6: the chief's office decides whether the PCC attends (police) --------------------------------------


def test_i6_the_chiefs_office_invites_the_pcc_who_sees_the_notes_from_that_moment(
    peel_a, force_a, chief_office_a, pcc_office_a
):
    debrief = _debrief(peel_a, force_a)
    debrief_attendance_decide(debrief=debrief, pcc_attends=True, by=chief_office_a, now=LATER)
    debrief.refresh_from_db()
    assert (debrief.pcc_invited, debrief.attendance_decided_by, debrief.attendance_decided_at) == (
        True,
        chief_office_a,
        LATER,
    )
    [message] = inbox(pcc_office_a)
    assert "invited the PCC to the debrief" in message.body
    assert not debriefs_visible_to(pcc_office_a, LATER - SECOND).filter(pk=debrief.pk).exists()
    assert debriefs_visible_to(pcc_office_a, LATER).filter(pk=debrief.pk).exists()


def test_i6_the_chiefs_office_may_decide_the_pcc_does_not_attend(
    peel_a, force_a, chief_office_a, pcc_office_a
):
    debrief = _debrief(peel_a, force_a)
    debrief_attendance_decide(debrief=debrief, pcc_attends=False, by=chief_office_a, now=LATER)
    [message] = inbox(pcc_office_a)
    assert "does not attend" in message.subject
    assert not debriefs_visible_to(pcc_office_a, LATER + SECOND).filter(pk=debrief.pk).exists()


@pytest.mark.wrong_actor("inspections.services.debrief_attendance_decide")
@pytest.mark.parametrize("who", ["pcc_office_a", "hmi_a", "chief_office_b"])
def test_i6_only_the_chiefs_office_of_the_force_decides_the_pccs_attendance(peel_a, force_a, who, request):
    """The PCC's office cannot invite itself; nor the HMI; nor force B's chief's office."""
    wrong = request.getfixturevalue(who)
    debrief = _debrief(peel_a, force_a)
    before = counts()
    error = refused(
        lambda: debrief_attendance_decide(debrief=debrief, pcc_attends=True, by=wrong, now=LATER),
        "Only the chief officer's office of Avon and Somerset",
    )
    assert error.code == "actor"
    debrief.refresh_from_db()
    assert (debrief.pcc_invited, debrief.attendance_decided_at) == (False, None)
    assert counts() == before


def test_i6_the_attendance_is_decided_once_and_not_after_publication(peel_a, force_a, chief_office_a):
    debrief = _debrief(peel_a, force_a)
    refused(
        lambda: debrief_attendance_decide(debrief=debrief, pcc_attends=None, by=chief_office_a, now=LATER),
        "Choose whether the PCC attends",
    )
    debrief_attendance_decide(debrief=debrief, pcc_attends=False, by=chief_office_a, now=LATER)
    before = counts()
    refused(
        lambda: debrief_attendance_decide(debrief=debrief, pcc_attends=True, by=chief_office_a, now=LATER),
        r"already decided at 10:00 BST on 15 April 2026",
    )
    other = _debrief(peel_a, force_a)
    _published(peel_a)
    before = counts()
    refused(
        lambda: debrief_attendance_decide(
            debrief=other, pcc_attends=True, by=chief_office_a, now=PUBLICATION + SECOND
        ),
        "no longer confidential",
    )
    assert counts() == before
    debrief.refresh_from_db()
    assert debrief.pcc_invited is False


def test_i6_for_an_frs_the_pfcc_attends_as_of_right_and_nobody_decides(
    frs_essex, essex_frs, pfcc_office_essex, chief_office_essex_frs
):
    debrief = _debrief(frs_essex, essex_frs)
    assert debrief.pcc_invited
    assert debriefs_visible_to(pfcc_office_essex, NOW).filter(pk=debrief.pk).exists()
    assert inbox(pfcc_office_essex, "Debrief on")
    refused(
        lambda: debrief_attendance_decide(
            debrief=debrief, pcc_attends=False, by=chief_office_essex_frs, now=LATER
        ),
        "attends the debrief as of right",
    )


# --- I6: every attendee acknowledges confidentiality until publication --------------------------------------


def test_i6_each_attendee_acknowledges_confidentiality_who_for_whom_and_when(
    peel_a, force_a, chief_office_a, pcc_office_a
):
    debrief = _debrief(peel_a, force_a)
    debrief_attendance_decide(debrief=debrief, pcc_attends=True, by=chief_office_a, now=LATER)
    chief = debrief_acknowledge(debrief=debrief, confirmed=True, by=chief_office_a, now=LATER)
    pcc = debrief_acknowledge(debrief=debrief, confirmed=True, by=pcc_office_a, now=LATER + SECOND)
    assert (chief.person, chief.organisation, chief.at) == (chief_office_a, force_a, LATER)
    assert (pcc.person, pcc.organisation, pcc.at) == (pcc_office_a, office_of(force_a), LATER + SECOND)
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.CREATE, object_type="inspections.confidentialityacknowledgement"
        ).count()
        == 2
    )


def test_i6_the_pfcc_acknowledges_as_of_right(frs_essex, essex_frs, pfcc_office_essex):
    debrief = _debrief(frs_essex, essex_frs)
    ack = debrief_acknowledge(debrief=debrief, confirmed=True, by=pfcc_office_essex, now=NOW)
    assert ack.organisation == office_of(essex_frs)


@pytest.mark.wrong_actor("inspections.services.debrief_acknowledge")
@pytest.mark.parametrize("who", ["pcc_office_a", "pcc_office_b", "chief_office_b", "hmi_a"])
def test_i6_only_an_attendees_office_acknowledges(peel_a, force_a, who, request):
    """The PCC's office when the PCC does not attend; another force's PCC or chief; the HMI (not an attendee)."""
    wrong = request.getfixturevalue(who)
    debrief = _debrief(peel_a, force_a)
    before = counts()
    error = refused(
        lambda: debrief_acknowledge(debrief=debrief, confirmed=True, by=wrong, now=LATER),
        "Only the chief officer",
    )
    assert error.code == "actor"
    assert counts() == before


def test_i6_an_acknowledgement_needs_the_confirmation_once_and_before_publication(
    peel_a, force_a, chief_office_a
):
    debrief = _debrief(peel_a, force_a)
    before = counts()
    error = refused(
        lambda: debrief_acknowledge(debrief=debrief, confirmed=False, by=chief_office_a, now=LATER)
    )
    assert set(error.message_dict) == {"confirmed"}
    assert counts() == before
    debrief_acknowledge(debrief=debrief, confirmed=True, by=chief_office_a, now=LATER)
    before = counts()
    refused(
        lambda: debrief_acknowledge(debrief=debrief, confirmed=True, by=chief_office_a, now=LATER),
        "already acknowledged",
    )
    other = _debrief(peel_a, force_a)
    _published(peel_a)
    before = counts()
    refused(
        lambda: debrief_acknowledge(debrief=other, confirmed=True, by=chief_office_a, now=PUBLICATION),
        "no longer confidential",
    )
    assert counts() == before


# --- I8: significant concern puts a task on the chief's office ------------------------------------------------


def _task(area: Organisation) -> Deadline:
    return Deadline.objects.get(kind=PCC_UPDATE_KIND, key__startswith=f"pcc-update:area{area.pk}:")


def test_i8_a_debrief_with_significant_concern_puts_a_task_with_a_deadline_on_the_chiefs_office(
    peel_a, force_a, chief_office_a, pcc_office_a
):
    with time_machine.travel(FLAGGED, tick=False):
        debrief = _debrief(peel_a, force_a, significant_concern=True, now=None)
    task = _task(force_a)
    # Friday 1 May + 5 working days, skipping the weekend and Monday 4 May (early May bank holiday):
    # Monday 11 May, by the end of that day (midnight BST).
    assert task.due_at == dt.datetime(2026, 5, 12, 0, 0, tzinfo=LONDON)
    assert "bank holidays skipped: Monday 4 May 2026" in task.working
    assert "I8" not in task.working
    assert (task.subject_type, task.subject_id, task.state) == (
        "inspections.debrief",
        str(debrief.pk),
        "open",
    )
    parties = {(p.user_id, p.role) for p in DeadlineParty.objects.filter(deadline=task)}
    assert (chief_office_a.pk, "responsible") in parties
    assert (pcc_office_a.pk, "informed") in parties


@pytest.mark.parametrize(
    ("flagged", "due"),
    [
        # Tuesday: no holiday in between, the following Tuesday.
        (dt.datetime(2026, 4, 14, 10, tzinfo=LONDON), dt.date(2026, 4, 21)),
        # Thursday before Easter: Good Friday and Easter Monday skipped.
        (dt.datetime(2026, 4, 2, 16, tzinfo=LONDON), dt.date(2026, 4, 13)),
        # Just before midnight on Friday 1 May, the same day counts.
        (dt.datetime(2026, 5, 1, 23, 59, 59, tzinfo=LONDON), dt.date(2026, 5, 11)),
        # Just after: Saturday 2 May.
        (dt.datetime(2026, 5, 2, 0, 0, 1, tzinfo=LONDON), dt.date(2026, 5, 11)),
    ],
)
def test_i8_the_update_is_due_five_working_days_after_the_flag(peel_a, force_a, flagged, due):
    with time_machine.travel(flagged, tick=False):
        _debrief(peel_a, force_a, significant_concern=True, now=None)
    task = _task(force_a)
    assert task.due_at == dt.datetime.combine(due + dt.timedelta(days=1), dt.time(0), tzinfo=LONDON)


def test_i8_the_chiefs_update_reaches_the_pcc_and_closes_the_task(
    peel_a, force_a, chief_office_a, pcc_office_a, pcc_office_b
):
    _debrief(peel_a, force_a, significant_concern=True)
    update = chief_update_record(
        inspection=peel_a,
        area=force_a,
        text="We have started a custody review.",
        by=chief_office_a,
        now=LATER,
    )
    task = _task(force_a)
    assert (task.state, task.state_changed_at) == (DeadlineState.MET, LATER)
    [message] = inbox(pcc_office_a, "Update from the chief officer")
    assert message.body == "We have started a custody review."
    assert chief_updates_visible_to(pcc_office_a, LATER).filter(pk=update.pk).exists()
    assert not chief_updates_visible_to(pcc_office_b, LATER).filter(pk=update.pk).exists()
    assert not inbox(pcc_office_b)


@pytest.mark.wrong_actor("inspections.services.chief_update_record")
@pytest.mark.parametrize("who", ["pcc_office_a", "hmi_a", "chief_office_b", "pcc_office_b"])
def test_i8_only_the_chiefs_office_of_the_area_updates_the_pcc(peel_a, force_a, who, request):
    """Another role (the PCC's office itself, the HMI); the same role for another force (B's chief's office)."""
    wrong = request.getfixturevalue(who)
    _debrief(peel_a, force_a, significant_concern=True)
    before = counts()
    error = refused(
        lambda: chief_update_record(inspection=peel_a, area=force_a, text="An update.", by=wrong, now=LATER),
        "Only the chief officer's office of Avon and Somerset",
    )
    assert error.code == "actor"
    assert counts() == before
    assert _task(force_a).state == DeadlineState.OPEN


def test_i8_no_update_before_a_concern_is_flagged_and_none_empty(peel_a, force_a, chief_office_a):
    before = counts()
    refused(
        lambda: chief_update_record(
            inspection=peel_a, area=force_a, text="An update.", by=chief_office_a, now=NOW
        ),
        "no update to send yet",
    )
    assert counts() == before
    _debrief(peel_a, force_a, significant_concern=True)
    before = counts()
    refused(
        lambda: chief_update_record(inspection=peel_a, area=force_a, text="  ", by=chief_office_a, now=LATER),
        "Enter the update",
    )
    assert counts() == before


def test_i8_the_team_flags_a_draft_and_each_chiefs_office_gets_a_task(
    thematic, force_a, force_b, hmi_a, chief_office_a, pcc_office_a
):
    report = draft(
        thematic, ReportKind.OTHER, areas=[force_a, force_b], interested_parties=[force_a, force_b]
    )
    report_flag_significant_concern(report=report, by=hmi_a, now=NOW)
    report.refresh_from_db()
    assert (report.significant_concern_at, report.significant_concern_by) == (NOW, hmi_a)
    assert _task(force_a).subject_type == "inspections.report"
    assert _task(force_b).due_at == dt.datetime(2026, 4, 22, 0, 0, tzinfo=LONDON)
    [message] = inbox(chief_office_a)
    assert "by the end of Tuesday 21 April 2026" in message.body
    # The PCC's office is told an update is coming (a party to the task), never of the draft itself.
    assert not inbox(pcc_office_a)
    chief_update_record(inspection=thematic, area=force_a, text="Update.", by=chief_office_a, now=LATER)
    assert _task(force_a).state == DeadlineState.MET
    assert _task(force_b).state == DeadlineState.OPEN


@pytest.mark.wrong_actor("inspections.services.report_flag_significant_concern")
@pytest.mark.parametrize("who", ["chief_office_a", "pcc_office_a", "other_hmi"])
def test_i8_only_the_team_flags_a_draft(draft_report, who, request):
    wrong = request.getfixturevalue(who)
    before = counts()
    error = refused(
        lambda: report_flag_significant_concern(report=draft_report, by=wrong, now=NOW),
        "Only the inspection team",
    )
    assert error.code == "actor"
    assert counts() == before
    draft_report.refresh_from_db()
    assert draft_report.significant_concern_at is None


def test_i8_only_a_draft_is_flagged_and_only_once(peel_a, draft_report, lead_hmi):
    report_flag_significant_concern(report=draft_report, by=lead_hmi, now=NOW)
    before = counts()
    refused(
        lambda: report_flag_significant_concern(report=draft_report, by=lead_hmi, now=NOW), "already flagged"
    )
    finished = final(peel_a, title="Another report")
    refused(lambda: report_flag_significant_concern(report=finished, by=lead_hmi, now=NOW), "only a draft")
    assert counts() == before


# --- I7: making the report final while the window is open ------------------------------------------------------


def test_i7_final_while_the_window_is_open_needs_confirmation_and_a_reason(
    fac_report, lead_hmi, chief_office_a
):
    at = FAC_OPENS + dt.timedelta(days=2)
    before = counts()
    error = refused(lambda: report_finalise(report=fac_report, by=lead_hmi, now=at))
    assert set(error.message_dict) == {"confirm_early_close", "early_close_reason"}
    error = refused(lambda: report_finalise(report=fac_report, by=lead_hmi, now=at, confirm_early_close=True))
    assert set(error.message_dict) == {"early_close_reason"}
    assert counts() == before
    fac_report.refresh_from_db()
    assert (fac_report.state, fac_report.fac_closes_at) == (ReportState.FACTUAL_ACCURACY, FAC_CLOSES)


def test_i7_final_early_records_the_reason_and_tells_the_chiefs_office(
    fac_report, lead_hmi, chief_office_a, pcc_office_a
):
    at = FAC_OPENS + dt.timedelta(days=2)
    report_finalise(
        report=fac_report,
        by=lead_hmi,
        now=at,
        confirm_early_close=True,
        early_close_reason="The force confirmed it has no corrections.",
    )
    fac_report.refresh_from_db()
    assert (fac_report.state, fac_report.fac_closes_at, fac_report.fac_was_due_to_close_at) == (
        ReportState.FINAL,
        at,
        FAC_CLOSES,
    )
    assert fac_report.fac_closed_early_reason == "The force confirmed it has no corrections."
    [message] = inbox(chief_office_a, "closed early")
    assert "closed at 09:00 GMT on 11 March 2026" in message.body
    assert "due to close at 17:00 GMT on 20 March 2026" in message.body
    assert "The force confirmed it has no corrections." in message.body
    assert not inbox(pcc_office_a)


def test_i7_final_after_the_window_closed_asks_nothing_and_tells_nobody(fac_report, lead_hmi, chief_office_a):
    report_finalise(report=fac_report, by=lead_hmi, now=FAC_CLOSES)
    fac_report.refresh_from_db()
    assert (fac_report.state, fac_report.fac_was_due_to_close_at) == (ReportState.FINAL, None)
    assert not inbox(chief_office_a, "closed early")


@pytest.mark.wrong_actor("inspections.services.report_finalise")
@pytest.mark.parametrize("who", ["chief_office_a", "other_hmi"])
def test_i7_only_the_team_makes_the_report_final(fac_report, who, request):
    wrong = request.getfixturevalue(who)
    before = counts()
    error = refused(
        lambda: report_finalise(
            report=fac_report,
            by=wrong,
            now=FAC_CLOSES,
            confirm_early_close=True,
            early_close_reason="Because.",
        ),
        "Only the inspection team",
    )
    assert error.code == "actor"
    assert counts() == before
    fac_report.refresh_from_db()
    assert fac_report.state == ReportState.FACTUAL_ACCURACY


# --- Pages ------------------------------------------------------------------------------------------------------


def _reads(debrief: Debrief) -> int:
    return AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="inspections.debrief", object_id=str(debrief.pk)
    ).count()


def _get(client, url: str, at: dt.datetime = LATER):
    with time_machine.travel(at, tick=False):
        return client.get(url)


def _post(client, url: str, data: dict, at: dt.datetime = LATER):
    with time_machine.travel(at, tick=False):
        return client.post(url, data)


def test_i6_every_read_of_the_notes_is_one_audit_row(client_for, peel_a, force_a, hmi_a, chief_office_a):
    debrief = _debrief(peel_a, force_a)
    url = reverse("inspections:debrief", kwargs={"pk": debrief.pk})
    team = client_for(hmi_a)
    for n in range(1, 4):
        response = _get(team, url)
        assert response.status_code == 200
        assert "Response times in rural areas are a concern." in response.content.decode()
        assert _reads(debrief) == n
    event = AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="inspections.debrief").last()
    assert (event.actor, event.path) == (hmi_a, url)


def test_i6_an_attendee_acknowledges_before_reading_and_each_read_is_audited(
    client_for, peel_a, force_a, chief_office_a
):
    debrief = _debrief(peel_a, force_a)
    url = reverse("inspections:debrief", kwargs={"pk": debrief.pk})
    chief = client_for(chief_office_a)
    page = _get(chief, url).content.decode()
    assert "Response times in rural areas" not in page
    assert "Confirm and read the notes" in page
    assert _reads(debrief) == 0
    ack_url = reverse("inspections:debrief-acknowledge", kwargs={"pk": debrief.pk})
    refused_page = _post(chief, ack_url, {}).content.decode()
    assert "Confirm that you will keep the debrief confidential" in refused_page
    assert not ConfidentialityAcknowledgement.objects.exists()
    assert _post(chief, ack_url, {"confirmed": "on"})["Location"] == url
    page = _get(chief, url).content.decode()
    assert "Response times in rural areas are a concern." in page
    assert "10:00 BST" in page  # the acknowledgement, with its zone
    assert _reads(debrief) == 1


def test_i6_the_chiefs_office_decides_attendance_from_its_portal_and_the_pcc_acknowledges_from_its_own(
    client_for, peel_a, force_a, chief_office_a, pcc_office_a
):
    debrief = _debrief(peel_a, force_a)
    url = reverse("inspections:debrief", kwargs={"pk": debrief.pk})
    pcc = client_for(pcc_office_a)
    assert _get(pcc, url).status_code == 404
    decide = reverse("inspections:debrief-attendance", kwargs={"pk": debrief.pk})
    assert _get(pcc, decide).status_code == 404
    chief = client_for(chief_office_a)
    assert "Decide" in _get(chief, url).content.decode()
    assert _post(chief, decide, {"pcc_attends": "yes"}).status_code == 302
    hub = _get(pcc, reverse("inspections:debriefs-and-updates")).content.decode()
    assert peel_a.title in hub
    page = _get(pcc, url).content.decode()
    assert "Yes, by the chief constable's decision" in page
    assert "Response times in rural areas" not in page
    ack = reverse("inspections:debrief-acknowledge", kwargs={"pk": debrief.pk})
    assert _post(pcc, ack, {"confirmed": "on"}).status_code == 302
    assert ConfidentialityAcknowledgement.objects.get().person == pcc_office_a
    # The PCC's office, though it now sees the debrief, cannot decide for the chief.
    assert _get(pcc, decide).status_code == 403


@pytest.mark.parametrize("who", ["pcc_office_b", "chief_office_b", "other_hmi", "apcc_lead"])
def test_i6_another_area_gets_not_found_with_an_audit_row(client_for, peel_a, force_a, who, request):
    debrief = _debrief(peel_a, force_a)
    client = client_for(request.getfixturevalue(who))
    for name in ("inspections:debrief", "inspections:debrief-acknowledge", "inspections:debrief-attendance"):
        url = reverse(name, kwargs={"pk": debrief.pk})
        assert _get(client, url).status_code == 404
        assert AuditEvent.objects.filter(
            action=AuditAction.DENIED, object_type="inspections.debrief", object_id=str(debrief.pk), path=url
        ).exists()
    assert _reads(debrief) == 0


def test_i6_the_team_records_a_debrief_from_the_inspection_page(
    client_for, peel_a, force_a, hmi_a, pcc_office_a
):
    url = reverse("inspections:debrief-new", kwargs={"pk": peel_a.pk})
    assert (
        reverse("inspections:debrief-new", kwargs={"pk": peel_a.pk})
        in _get(client_for(hmi_a), reverse("inspections:detail", kwargs={"pk": peel_a.pk})).content.decode()
    )
    data = {
        "area": force_a.pk,
        "held_on_0": "13",
        "held_on_1": "4",
        "held_on_2": "2026",
        "notes": "Effectiveness: adequate. Efficiency: good.",
    }
    page = _post(client_for(hmi_a), url, data).content.decode()
    assert "never a graded judgment" in page
    assert not Debrief.objects.exists()
    response = _post(client_for(hmi_a), url, {**data, "notes": NOTES, "significant_concern": "on"})
    debrief = Debrief.objects.get()
    assert response["Location"] == reverse("inspections:debrief", kwargs={"pk": debrief.pk})
    assert debrief.significant_concern
    assert _get(client_for(pcc_office_a), url).status_code == 403


def test_i8_the_chiefs_office_sees_the_update_owed_and_the_pccs_office_sees_it_expected(
    client_for, peel_a, force_a, chief_office_a, pcc_office_a
):
    with time_machine.travel(FLAGGED, tick=False):
        _debrief(peel_a, force_a, significant_concern=True, now=None)
    hub = reverse("inspections:debriefs-and-updates")
    chief_page = _get(client_for(chief_office_a), hub, FLAGGED).content.decode()
    assert "Updates you owe the PCC" in chief_page
    assert "By the end of 11 May 2026" in chief_page
    pcc_page = _get(client_for(pcc_office_a), hub, FLAGGED).content.decode()
    assert "Updates expected from the chief officer" in pcc_page
    assert "By the end of 11 May 2026" in pcc_page
    update_url = reverse("inspections:chief-update-new", kwargs={"pk": peel_a.pk, "area_pk": force_a.pk})
    assert update_url in chief_page
    assert _get(client_for(pcc_office_a), update_url, FLAGGED).status_code == 403
    assert (
        _post(client_for(chief_office_a), update_url, {"text": "Custody review begun."}, FLAGGED).status_code
        == 302
    )
    pcc_page = _get(client_for(pcc_office_a), hub, FLAGGED).content.decode()
    assert "No updates are expected." in pcc_page
    assert "Custody review begun." in pcc_page
    assert "1 May 2026 at 11:00 BST" in pcc_page


def test_i8_the_team_flags_a_draft_from_the_report_page(client_for, draft_report, hmi_a, chief_office_a):
    report_page = reverse("inspections:report", kwargs={"pk": draft_report.pk})
    url = reverse("inspections:report-flag-concern", kwargs={"pk": draft_report.pk})
    assert url in _get(client_for(hmi_a), report_page).content.decode()
    assert _post(client_for(hmi_a), url, {}).status_code == 302
    draft_report.refresh_from_db()
    assert draft_report.significant_concern_at == LATER
    assert _task(draft_report.areas.get()).state == DeadlineState.OPEN


def test_i7_the_finalise_page_asks_for_confirmation_and_a_reason_while_the_window_is_open(
    client_for, fac_report, lead_hmi, chief_office_a
):
    url = reverse("inspections:report-finalise", kwargs={"pk": fac_report.pk})
    at = FAC_OPENS + dt.timedelta(days=2)
    team = client_for(lead_hmi)
    page = _get(team, url, at).content.decode()
    assert "still open until 20 March 2026 at 17:00 GMT" in page
    page = _post(team, url, {"early_close_reason": "No corrections."}, at).content.decode()
    assert "Confirm that the factual-accuracy check ends now" in page
    fac_report.refresh_from_db()
    assert fac_report.state == ReportState.FACTUAL_ACCURACY
    response = _post(team, url, {"confirm_early_close": "on", "early_close_reason": "No corrections."}, at)
    assert response.status_code == 302
    fac_report.refresh_from_db()
    assert (fac_report.state, fac_report.fac_closed_early_reason) == (ReportState.FINAL, "No corrections.")
    assert inbox(chief_office_a, "closed early")
    assert (
        "Closed early"
        in _get(team, reverse("inspections:report", kwargs={"pk": fac_report.pk}), at).content.decode()
    )


def _more_debriefs(peel: Inspection, area: Organisation, chief: User, n: int) -> None:
    for _ in range(n):
        debrief = _debrief(peel, area, significant_concern=True)
        debrief_acknowledge(debrief=debrief, confirmed=True, by=chief, now=NOW)
    chief_update_record(inspection=peel, area=area, text="An update.", by=chief, now=NOW)


@pytest.mark.parametrize("who", ["chief_office_a", "pcc_office_a"])
def test_the_pages_cost_the_same_number_of_queries_with_more_data(
    client_for, peel_a, force_a, chief_office_a, who, request, django_assert_max_num_queries
):
    user = request.getfixturevalue(who)
    client = client_for(user)
    _more_debriefs(peel_a, force_a, chief_office_a, 1)
    first = _debrief(peel_a, force_a)
    hub = reverse("inspections:debriefs-and-updates")
    debrief_url = reverse("inspections:debrief", kwargs={"pk": first.pk})
    if who == "chief_office_a":
        debrief_acknowledge(debrief=first, confirmed=True, by=chief_office_a, now=NOW)
    with django_assert_max_num_queries(30) as few:
        assert _get(client, hub).status_code == 200
    hub_queries = len(few.captured_queries)
    _more_debriefs(peel_a, force_a, chief_office_a, 6)
    with django_assert_max_num_queries(hub_queries):
        assert _get(client, hub).status_code == 200
    if who == "chief_office_a":
        with django_assert_max_num_queries(30) as few:
            _get(client, debrief_url)
        for _ in range(3):
            debrief_acknowledge(debrief=_debrief(peel_a, force_a), confirmed=True, by=chief_office_a, now=NOW)
        with django_assert_max_num_queries(len(few.captured_queries)):
            _get(client, debrief_url)
