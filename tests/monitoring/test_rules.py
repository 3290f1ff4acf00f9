"""Scan and Engage services and access against the MOU's rules (DESIGN.md M1–M10).

Every write goes through monitoring.services and every visibility question through
monitoring.access, at explicit moments (the `now=`/`at=` arguments, or time-machine).
A refusal is a ValidationError with not one row written (tests.monitoring.conftest.refused
compares every row of every monitoring table, the inbox, deadlines and the audit trail).
"""

from __future__ import annotations

import datetime as dt
import inspect
import io
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from contacts.models import Organisation, Role, User
from hmicfrs_mou.models import Deadline, DeadlineState, InboxMessage
from inspections.models import Finding, FindingKind, InspectionNotice
from monitoring import access, services
from monitoring.deadlines import FOLLOW_UP_KIND, OVERSIGHT_KIND, TOOLKIT_KIND
from monitoring.models import (
    Attendance,
    CaseStep,
    DeputyNomination,
    EngageCase,
    EngageCause,
    EngageLetter,
    EngagePeriod,
    FindingEntry,
    FindingEntryKind,
    FindingState,
    FindingStatus,
    FollowUp,
    ImprovementPlanVersion,
    OversightMeeting,
    PlanNoteKind,
    RoutineConcern,
    ToolkitSending,
    ToolkitVersion,
)
from monitoring.services import (
    AttendanceInput,
    CauseInput,
    action_add,
    case_advise,
    case_announce,
    case_decide,
    case_exit,
    case_record_pcc_informed,
    case_send_letter,
    concern_mark,
    concern_raise,
    deputy_nominate,
    finding_note_add,
    finding_status_set,
    follow_up_send,
    meeting_record_held,
    meeting_schedule,
    plan_note_add,
    plan_submit,
    toolkit_send,
    toolkit_upload,
)
from tests.conftest import make_person, office_of
from tests.monitoring.conftest import (
    ACTION_AT,
    ADVICE,
    ADVISED,
    ANNOUNCED,
    ANNOUNCEMENT,
    CAUSES,
    DECIDED,
    EVIDENCE,
    FOLLOW_UP_DUE,
    HELD_AT,
    HELD_ON,
    HOUR,
    NOMINATED_AT,
    PUBLISHED,
    REASONS,
    SCHEDULED_AT,
    SECOND,
    TOLD,
    attending,
    london,
    published_report,
    refused,
    take_case,
    utc,
)

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)
CONCERN_AT = london(2026, 3, 16, 10)
PLAN_AT = london(2026, 4, 1, 10)
REGISTER_AT = london(2026, 3, 2, 9)
EXITED = london(2026, 9, 1, 11)


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_upload(name: str = "toolkit.pdf", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, pdf_bytes() if content is None else content, content_type="application/pdf"
    )


def visible(user: object, case: EngageCase, at: dt.datetime | None = None) -> bool:
    return access.cases_visible_to(EngageCase.objects.all(), user, at).filter(pk=case.pk).exists()


def inbox_of(user: User) -> list[InboxMessage]:
    return list(InboxMessage.objects.filter(user=user).order_by("pk"))


# --- M1: the findings register ----------------------------------------------------------------------


def test_m1_finding_register_keeps_the_status_history_to_closure_authorised_by_hmicfrs(
    cause_a, chief_office_a, hmi_a
):
    """M1: awaiting review → being progressed → complete → closure authorised; the summary follows."""
    assert not FindingState.objects.filter(finding=cause_a).exists()
    finding_note_add(
        finding=cause_a,
        kind=FindingEntryKind.UPDATE,
        text="We have started an audit.",
        by=chief_office_a,
        now=REGISTER_AT,
    )
    state = FindingState.objects.get(finding=cause_a)
    assert (state.status, state.updates, state.area_id) == (FindingStatus.AWAITING_REVIEW, 1, cause_a.area_id)

    moments = [REGISTER_AT + n * DAY for n in (1, 2, 3)]
    finding_status_set(
        finding=cause_a, status=FindingStatus.BEING_PROGRESSED, by=chief_office_a, now=moments[0]
    )
    state.refresh_from_db()
    assert (state.status, state.changed_at) == (FindingStatus.BEING_PROGRESSED, moments[0])
    finding_status_set(
        finding=cause_a, status=FindingStatus.COMPLETE, note="Audit done.", by=chief_office_a, now=moments[1]
    )
    state.refresh_from_db()
    assert (state.status, state.changed_at) == (FindingStatus.COMPLETE, moments[1])
    cause_a.refresh_from_db()
    assert cause_a.closed_at is None
    finding_status_set(finding=cause_a, status=FindingStatus.CLOSURE_AUTHORISED, by=hmi_a, now=moments[2])

    history = list(
        FindingEntry.objects.filter(finding=cause_a, kind=FindingEntryKind.STATUS).values_list(
            "status", "by", "at"
        )
    )
    assert history == [
        (FindingStatus.BEING_PROGRESSED, chief_office_a.pk, moments[0]),
        (FindingStatus.COMPLETE, chief_office_a.pk, moments[1]),
        (FindingStatus.CLOSURE_AUTHORISED, hmi_a.pk, moments[2]),
    ]
    state.refresh_from_db()
    assert (state.status, state.changed_at, state.updates) == (
        FindingStatus.CLOSURE_AUTHORISED,
        moments[2],
        1,
    )
    cause_a.refresh_from_db()
    assert cause_a.closed_at == moments[2]
    # Once closure is authorised the finding never changes again.
    refused(
        lambda: finding_status_set(
            finding=cause_a, status=FindingStatus.BEING_PROGRESSED, by=chief_office_a, now=moments[2] + DAY
        ),
        "cannot change",
    )


@pytest.mark.parametrize("start", [None, FindingStatus.BEING_PROGRESSED])
def test_m1_closure_is_refused_before_the_force_marks_the_finding_complete(
    start, cause_a, chief_office_a, hmi_a
):
    """M1: Closure is refused before the force marks the finding complete."""
    if start:
        finding_status_set(finding=cause_a, status=start, by=chief_office_a, now=REGISTER_AT)
    refused(
        lambda: finding_status_set(
            finding=cause_a, status=FindingStatus.CLOSURE_AUTHORISED, by=hmi_a, now=REGISTER_AT + HOUR
        ),
        "Closure is authorised once the force or FRS has marked it complete.",
    )
    cause_a.refresh_from_db()
    assert cause_a.closed_at is None


def test_m1_closure_is_refused_to_the_chief_office(cause_a, chief_office_a):
    """M1: Closure is refused to the chief office."""
    finding_status_set(finding=cause_a, status=FindingStatus.COMPLETE, by=chief_office_a, now=REGISTER_AT)
    refused(
        lambda: finding_status_set(
            finding=cause_a,
            status=FindingStatus.CLOSURE_AUTHORISED,
            by=chief_office_a,
            now=REGISTER_AT + HOUR,
        ),
        "Only HMICFRS staff responsible for Avon and Somerset Constabulary",
        code="actor",
    )
    assert FindingState.objects.get(finding=cause_a).status == FindingStatus.COMPLETE


def test_m1_the_chief_office_of_another_force_is_refused(cause_a, chief_office_b):
    """M1: The chief office of another force is refused."""
    for status in (FindingStatus.BEING_PROGRESSED, FindingStatus.COMPLETE):
        refused(
            lambda status=status: finding_status_set(
                finding=cause_a, status=status, by=chief_office_b, now=REGISTER_AT
            ),
            "Only the chief officer's office of Avon and Somerset Constabulary",
            code="actor",
        )
    refused(
        lambda: finding_note_add(
            finding=cause_a,
            kind=FindingEntryKind.UPDATE,
            text="Not ours.",
            by=chief_office_b,
            now=REGISTER_AT,
        ),
        code="actor",
    )


def test_m1_pcc_notes_are_written_only_by_the_pcc_office_and_hidden_from_the_chief_office(
    cause_a, pcc_office_a, pcc_office_b, chief_office_a, hmi_a
):
    """M1: PCC notes are written only by the PCC office and hidden from the chief office."""
    for outsider in (chief_office_a, hmi_a, pcc_office_b):
        refused(
            lambda outsider=outsider: finding_note_add(
                finding=cause_a, kind=FindingEntryKind.PCC_NOTE, text="Noted.", by=outsider, now=REGISTER_AT
            ),
            code="actor",
        )
    note = finding_note_add(
        finding=cause_a,
        kind=FindingEntryKind.PCC_NOTE,
        text="I will ask the chief about this at the next scrutiny board.",
        by=pcc_office_a,
        now=REGISTER_AT,
    )
    update = finding_note_add(
        finding=cause_a,
        kind=FindingEntryKind.UPDATE,
        text="Audit started.",
        by=chief_office_a,
        now=REGISTER_AT,
    )
    later = REGISTER_AT + HOUR

    def entries(user: User) -> set[int]:
        return set(access.finding_entries_visible_to(user, cause_a, later).values_list("pk", flat=True))

    assert entries(chief_office_a) == {update.pk}
    assert entries(pcc_office_a) == {note.pk, update.pk}
    assert entries(hmi_a) == {note.pk, update.pk}
    # An entry is not there before it was written.
    assert (
        set(
            access.finding_entries_visible_to(pcc_office_a, cause_a, REGISTER_AT - SECOND).values_list(
                "pk", flat=True
            )
        )
        == set()
    )


def test_m1_findings_of_an_unpublished_report_are_refused(force_a, lead_hmi, chief_office_a, hmi_a):
    """M1 tracks published findings: before publication (scheduled, or only final) nothing is recorded."""
    scheduled = published_report(force_a, lead_hmi)
    finding = scheduled.findings.get(kind=FindingKind.RECOMMENDATION)
    for by, kind in ((chief_office_a, FindingEntryKind.UPDATE), (hmi_a, FindingEntryKind.HMICFRS_NOTE)):
        refused(
            lambda by=by, kind=kind: finding_note_add(
                finding=finding, kind=kind, text="Early.", by=by, now=PUBLISHED - SECOND
            ),
            "The register tracks findings of published reports.",
        )
    refused(
        lambda: finding_status_set(
            finding=finding, status=FindingStatus.BEING_PROGRESSED, by=chief_office_a, now=PUBLISHED - SECOND
        ),
        "published reports",
    )
    finding_status_set(
        finding=finding, status=FindingStatus.BEING_PROGRESSED, by=chief_office_a, now=PUBLISHED
    )

    only_final = published_report(force_a, lead_hmi, schedule=False)
    unscheduled = only_final.findings.get(kind=FindingKind.RECOMMENDATION)
    refused(
        lambda: finding_status_set(
            finding=unscheduled, status=FindingStatus.BEING_PROGRESSED, by=chief_office_a, now=REGISTER_AT
        ),
        "published reports",
    )


def test_m1_the_register_shows_an_office_only_its_own_areas_findings(
    cause_a, force_b, lead_hmi, chief_office_a, chief_office_b, pcc_office_a, hmicfrs_staff
):
    """M1: The register shows an office only its own area's findings."""
    report_b = published_report(force_b, lead_hmi)
    at = REGISTER_AT

    def findings(user: User) -> set[int]:
        return set(access.findings_visible_to(user, at).values_list("pk", flat=True))

    a_ids = set(Finding.objects.filter(area=cause_a.area).values_list("pk", flat=True))
    b_ids = set(report_b.findings.values_list("pk", flat=True))
    assert findings(chief_office_a) == a_ids
    assert findings(pcc_office_a) == a_ids
    assert findings(chief_office_b) == b_ids
    assert findings(hmicfrs_staff) == a_ids | b_ids


# --- M2, M10: Scan by default, the dated Engage period, exit -------------------------------------------


def test_m2_every_force_and_frs_is_in_scan_by_default(force_a, force_b):
    """M2: Every force and FRS is in Scan by default."""
    assert EngagePeriod.objects.count() == 0
    for day in (dt.date(2025, 1, 1), dt.date(2026, 3, 4), dt.date(2030, 12, 31)):
        assert not EngagePeriod.objects.in_force(day).exists()


def test_m2_advice_opens_no_period_hmcis_decision_opens_it_on_the_decision_date(force_a, hmi_a, hmci):
    """M2: Advice opens no period; HMCI's decision opens it on the decision date."""
    case = take_case(force_a, hmi=hmi_a)
    assert case.step() == CaseStep.ADVISED
    assert not EngagePeriod.objects.exists()
    case_decide(case=case, engage=True, reasons=REASONS, by=hmci, now=DECIDED)
    period = EngagePeriod.objects.get(case=case)
    assert (period.area, period.starts_on, period.ends_on) == (force_a, dt.date(2026, 3, 4), None)
    assert not EngagePeriod.objects.in_force(dt.date(2026, 3, 3)).exists()
    assert list(EngagePeriod.objects.in_force(dt.date(2026, 3, 4))) == [period]
    case.refresh_from_db()
    assert case.is_in_engage(dt.date(2026, 3, 4))
    assert not case.is_in_engage(dt.date(2026, 3, 3))


def test_m2_a_decision_late_in_the_evening_in_summer_opens_the_period_on_the_london_date(
    force_a, hmi_a, hmci
):
    """23:30 BST on 30 June is 22:30 UTC: the period starts on 30 June (London), not 1 July."""
    case = take_case(force_a, hmi=hmi_a, advised=london(2026, 6, 29, 9))
    case_decide(case=case, engage=True, reasons=REASONS, by=hmci, now=london(2026, 6, 30, 23, 30))
    assert EngagePeriod.objects.get(case=case).starts_on == dt.date(2026, 6, 30)


def test_m2_hmci_declining_opens_no_period_and_frees_the_area(force_a, hmi_a, hmci):
    """M2: HMCI declining opens no period and frees the area."""
    case = take_case(force_a, hmi=hmi_a, hmci=hmci, decided=DECIDED, engage=False)
    assert case.step() == CaseStep.NOT_ENGAGED
    assert not EngagePeriod.objects.exists()
    assert not Deadline.objects.filter(kind=OVERSIGHT_KIND).exists()
    again = take_case(force_a, hmi=hmi_a, advised=DECIDED + DAY)
    assert EngageCase.objects.filter(area=force_a).count() == 2
    assert again.step() == CaseStep.ADVISED


def test_m10_who_was_in_engage_on_a_date_is_the_periods_in_force_then(
    force_a, force_b, hmi_a, other_hmi, hmci
):
    """M10: Who was in Engage on a date is the periods in force then."""
    case_a = take_case(force_a, hmi=hmi_a, hmci=hmci, decided=DECIDED, told=TOLD, announced=ANNOUNCED)
    b_decided = london(2026, 4, 1, 12)
    case_b = take_case(
        force_b,
        hmi=other_hmi,
        hmci=hmci,
        advised=b_decided - DAY,
        decided=b_decided,
        told=b_decided + HOUR,
        announced=b_decided + DAY,
    )
    case_exit(
        case=case_a, reasons="Crime recording is now good.", improvements="Audits pass.", by=hmci, now=EXITED
    )

    def in_engage(day: dt.date) -> set[int]:
        return set(EngagePeriod.objects.in_force(day).values_list("area_id", flat=True))

    assert in_engage(dt.date(2026, 3, 3)) == set()
    assert in_engage(dt.date(2026, 3, 4)) == {force_a.pk}
    assert in_engage(dt.date(2026, 3, 31)) == {force_a.pk}
    assert in_engage(dt.date(2026, 4, 1)) == {force_a.pk, force_b.pk}
    assert in_engage(dt.date(2026, 8, 31)) == {force_a.pk, force_b.pk}
    assert in_engage(dt.date(2026, 9, 1)) == {force_b.pk}
    period_a = EngagePeriod.objects.get(case=case_a)
    assert (period_a.starts_on, period_a.ends_on) == (dt.date(2026, 3, 4), dt.date(2026, 9, 1))
    assert EngagePeriod.objects.get(case=case_b).ends_on is None


def test_m10_exit_closes_the_period_keeps_the_case_and_waives_its_deadlines(announced_case, hmci, hmi_a):
    """M10: Exit closes the period, keeps the case and waives its deadlines."""
    case = case_exit(
        case=announced_case,
        reasons="Crime recording is now good.",
        improvements="Audits pass; response times met.",
        by=hmci,
        now=EXITED,
    )
    assert case.step() == CaseStep.EXITED
    assert (case.exited_at, case.exited_by) == (EXITED, hmci)
    assert EngagePeriod.objects.get(case=case).ends_on == dt.date(2026, 9, 1)
    assert EngageCause.objects.filter(case=case).count() == len(CAUSES)
    for kind in (OVERSIGHT_KIND, TOOLKIT_KIND):
        assert Deadline.objects.get(kind=kind, subject_id=str(case.pk)).state == DeadlineState.WAIVED
    assert access.public_cases(EXITED + DAY).filter(pk=case.pk).exists()


def test_m10_after_exit_the_case_is_read_by_the_same_people_as_before(
    announced_case,
    hmci,
    coo,
    hmi_a,
    other_hmi,
    liaison_lead_a,
    hmicfrs_staff,
    pcc_office_a,
    pcc_office_b,
    chief_office_a,
    chief_office_b,
    apcc_lead,
    apcc_deputy,
    anonymous,
):
    """M10: After exit the case is read by the same people as before."""
    people = [
        hmci,
        coo,
        hmi_a,
        other_hmi,
        liaison_lead_a,
        hmicfrs_staff,
        pcc_office_a,
        pcc_office_b,
        chief_office_a,
        chief_office_b,
        apcc_lead,
        apcc_deputy,
        anonymous,
    ]
    before = {p.username or "anonymous": visible(p, announced_case, EXITED - SECOND) for p in people}
    case_exit(case=announced_case, reasons="Improved.", improvements="Audits pass.", by=hmci, now=EXITED)
    for moment in (EXITED, EXITED + SECOND, EXITED + 365 * DAY):
        after = {p.username or "anonymous": visible(p, announced_case, moment) for p in people}
        assert after == before
    assert before == {
        "hmci": True,
        "coo": True,
        "hmi_a": True,
        "other_hmi": True,
        "liaison_a": True,
        "hmicfrs_staff": True,
        "pcc_office_a": True,
        "pcc_office_b": False,
        "chief_office_a": True,
        "chief_office_b": False,
        "apcc_lead": True,
        "apcc_deputy": True,
        "anonymous": False,
    }
    for person in (hmci, hmi_a, liaison_lead_a):
        assert access.can_see_advice(person, announced_case, EXITED + DAY)
    for person in (pcc_office_a, chief_office_a, apcc_lead, other_hmi):
        assert not access.can_see_advice(person, announced_case, EXITED + DAY)


def test_m2_a_second_live_case_for_the_same_area_is_refused(force_a, hmi_a, hmci):
    """M2: A second live case for the same area is refused."""
    first = take_case(force_a, hmi=hmi_a)
    second = lambda: case_advise(  # noqa: E731
        area=force_a,
        advice=ADVICE,
        evidence=EVIDENCE,
        causes=[CauseInput(CAUSES[0])],
        by=hmi_a,
        now=ADVISED + DAY,
    )
    refused(second, "already has an open Engage case")
    case_decide(case=first, engage=True, reasons=REASONS, by=hmci, now=DECIDED)
    refused(second, "already has an open Engage case")
    assert EngageCase.objects.filter(area=force_a).count() == 1


def test_m10_after_exit_a_new_case_may_be_opened_and_the_old_one_is_kept(
    announced_case, force_a, hmi_a, hmci
):
    """M10: After exit a new case may be opened and the old one is kept."""
    case_exit(case=announced_case, reasons="Improved.", improvements="Audits pass.", by=hmci, now=EXITED)
    again = take_case(force_a, hmi=hmi_a, hmci=hmci, advised=EXITED + 30 * DAY, decided=EXITED + 31 * DAY)
    periods = list(
        EngagePeriod.objects.filter(area=force_a).order_by("starts_on").values_list("starts_on", "ends_on")
    )
    assert periods == [(dt.date(2026, 3, 4), dt.date(2026, 9, 1)), (dt.date(2026, 10, 2), None)]
    assert again.pk != announced_case.pk


def test_m10_leaving_engage_on_the_day_of_entry_is_refused(force_a, hmi_a, hmci):
    """M10: Leaving Engage on the day of entry is refused."""
    day = london(2026, 3, 4, 9)
    case = take_case(
        force_a,
        hmi=hmi_a,
        hmci=hmci,
        advised=day - DAY,
        decided=day,
        told=day + HOUR,
        announced=day + 2 * HOUR,
    )
    refused(
        lambda: case_exit(case=case, reasons="Too soon.", improvements="None.", by=hmci, now=day + 10 * HOUR),
        "cannot leave Engage on the day it entered",
    )
    case_exit(
        case=case,
        reasons="Next day.",
        improvements="Some.",
        by=hmci,
        now=london(2026, 3, 5, 0, 1),
    )
    assert EngagePeriod.objects.get(case=case).ends_on == dt.date(2026, 3, 5)


def test_m10_exit_needs_an_announced_case_reasons_and_improvements(force_a, hmi_a, hmci):
    """M10: Exit needs an announced case, reasons and improvements."""
    case = take_case(force_a, hmi=hmi_a, hmci=hmci, decided=DECIDED, told=TOLD)
    refused(
        lambda: case_exit(case=case, reasons="Why.", improvements="What.", by=hmci, now=EXITED),
        "never announced",
    )
    case_announce(case=case, announcement=ANNOUNCEMENT, by=hmi_a, now=ANNOUNCED)
    refused(lambda: case_exit(case=case, reasons=" ", improvements="What.", by=hmci, now=EXITED), "reasons")
    refused(
        lambda: case_exit(case=case, reasons="Why.", improvements="", by=hmci, now=EXITED), "improvements"
    )
    case_exit(case=case, reasons="Why.", improvements="What.", by=hmci, now=EXITED)
    refused(
        lambda: case_exit(case=case, reasons="Why.", improvements="What.", by=hmci, now=EXITED + DAY),
        "not in Engage under this case",
    )


# --- M3: routine-monitoring concerns ----------------------------------------------------------------------


def _raise(area: Organisation, by: User, now: dt.datetime = CONCERN_AT) -> RoutineConcern:
    return concern_raise(
        area=area,
        summary="Rising backlog of crime reports",
        text="Routine monitoring shows a rising backlog of unrecorded crime reports.",
        by=by,
        now=now,
    )


def test_m3_only_the_hmi_for_the_area_raises_a_routine_concern(
    force_a, hmi_a, other_hmi, hmicfrs_staff, pcc_office_a, hmci
):
    """M3: Only the HMI for the area raises a routine concern."""
    for outsider in (other_hmi, hmicfrs_staff, pcc_office_a, hmci):
        refused(
            lambda outsider=outsider: _raise(force_a, outsider),
            "Only the HMI for Avon and Somerset",
            code="actor",
        )
    assert not InspectionNotice.objects.exists()
    assert not RoutineConcern.objects.exists()
    _raise(force_a, hmi_a)
    assert RoutineConcern.objects.count() == 1


def test_m3_a_concern_needs_a_summary_and_a_text(force_a, hmi_a):
    """M3: A concern needs a summary and a text."""
    refused(
        lambda: concern_raise(area=force_a, summary=" ", text="Text.", by=hmi_a, now=CONCERN_AT), "summary"
    )
    refused(
        lambda: concern_raise(area=force_a, summary="Summary", text="", by=hmi_a, now=CONCERN_AT),
        "Describe the concern.",
    )


def test_m3_the_pcc_office_and_the_chief_office_are_told_by_one_notice_at_one_moment(
    force_a, hmi_a, pcc_office_a, chief_office_a, pcc_office_b, apcc_lead
):
    """M3: The PCC office and the chief office are told by one notice at one moment."""
    concern = _raise(force_a, hmi_a)
    notice = InspectionNotice.objects.get()
    assert concern.notice == notice
    assert notice.kind == InspectionNotice.Kind.CONCERN
    assert notice.body == concern.text
    assert notice.sent_at == concern.raised_at == CONCERN_AT
    assert set(notice.recipients.all()) == {force_a, office_of(force_a, dt.date(2026, 3, 16))}
    (to_pcc,) = inbox_of(pcc_office_a)
    (to_chief,) = inbox_of(chief_office_a)
    assert (to_pcc.subject, to_pcc.body, to_pcc.created_at) == (
        to_chief.subject,
        to_chief.body,
        to_chief.created_at,
    )
    assert to_pcc.body == concern.text
    assert to_pcc.created_at == notice.sent_at
    assert inbox_of(pcc_office_b) == []
    assert inbox_of(apcc_lead) == []


def test_m3_the_pcc_office_marks_the_concern_passed_to_the_apcc_and_only_then_the_apcc_sees_it(
    force_a, hmi_a, hmci, pcc_office_a, pcc_office_b, chief_office_a, apcc_lead, other_hmi, hmicfrs_staff
):
    """M3: The PCC office marks the concern passed to the APCC and only then the APCC sees it."""
    concern = _raise(force_a, hmi_a)
    marked_at = CONCERN_AT + DAY

    def sees(user: User, at: dt.datetime) -> bool:
        return access.concerns_visible_to(user, at).filter(pk=concern.pk).exists()

    assert [sees(p, CONCERN_AT) for p in (hmi_a, hmci, pcc_office_a, chief_office_a)] == [True] * 4
    assert [sees(p, CONCERN_AT) for p in (pcc_office_b, other_hmi, hmicfrs_staff, apcc_lead)] == [False] * 4
    assert not sees(hmi_a, CONCERN_AT - SECOND)

    for outsider in (chief_office_a, pcc_office_b, hmi_a, apcc_lead):
        refused(
            lambda outsider=outsider: concern_mark(
                concern=concern, passed_to_apcc=True, support_requested=True, by=outsider, now=marked_at
            ),
            code="actor",
        )
    concern_mark(
        concern=concern,
        passed_to_apcc=True,
        support_requested=True,
        note="We would welcome APCC support.",
        by=pcc_office_a,
        now=marked_at,
    )
    concern.refresh_from_db()
    assert (
        concern.passed_to_apcc,
        concern.support_requested,
        concern.pcc_marked_by,
        concern.pcc_marked_at,
    ) == (
        True,
        True,
        pcc_office_a,
        marked_at,
    )
    assert not sees(apcc_lead, marked_at - SECOND)
    assert sees(apcc_lead, marked_at)
    assert sees(apcc_lead, marked_at + SECOND)
    assert [m.body for m in inbox_of(apcc_lead)] == [concern.text]
    assert not sees(pcc_office_b, marked_at + SECOND)


def test_m3_a_concern_kept_by_the_pcc_office_stays_hidden_from_the_apcc(
    force_a, hmi_a, pcc_office_a, apcc_lead
):
    """M3: A concern kept by the PCC office stays hidden from the APCC."""
    concern = _raise(force_a, hmi_a)
    concern_mark(
        concern=concern, passed_to_apcc=False, support_requested=False, by=pcc_office_a, now=CONCERN_AT + DAY
    )
    assert not access.concerns_visible_to(apcc_lead, CONCERN_AT + 2 * DAY).filter(pk=concern.pk).exists()
    assert inbox_of(apcc_lead) == []


# --- M4: advice, decision, causes, improvement plans ------------------------------------------------------


def test_m4_only_the_hmi_for_the_area_advises(force_a, hmi_a, other_hmi, hmicfrs_staff, pcc_office_a, hmci):
    """M4: Only the HMI for the area advises."""

    def advise(by: User) -> EngageCase:
        return case_advise(
            area=force_a, advice=ADVICE, evidence=EVIDENCE, causes=[CauseInput(CAUSES[0])], by=by, now=ADVISED
        )

    for outsider in (other_hmi, hmicfrs_staff, pcc_office_a, hmci):
        refused(
            lambda outsider=outsider: advise(outsider), "Only the HMI for Avon and Somerset", code="actor"
        )
    case = advise(hmi_a)
    assert (case.advised_by, case.advised_at, case.advice) == (hmi_a, ADVISED, ADVICE)
    # HMCI is told a decision is needed.
    assert [m.subject for m in inbox_of(hmci)] == ["Engage decision needed: Avon and Somerset Constabulary"]


def test_m4_advice_needs_evidence_and_a_cause_of_concern(force_a, hmi_a):
    """M4: Advice needs evidence and a cause of concern."""
    refused(
        lambda: case_advise(
            area=force_a, advice=ADVICE, evidence=" ", causes=[CauseInput("x")], by=hmi_a, now=ADVISED
        ),
        "Describe the evidence.",
    )
    refused(
        lambda: case_advise(
            area=force_a, advice=ADVICE, evidence=EVIDENCE, causes=[CauseInput("  ")], by=hmi_a, now=ADVISED
        ),
        "Give at least one cause of concern.",
    )


def test_m4_only_hmci_decides_and_nothing_is_written_for_anyone_else(
    force_a, hmi_a, other_hmi, coo, apcc_lead, hmci
):
    """M4: Only HMCI decides and nothing is written for anyone else."""
    case = take_case(force_a, hmi=hmi_a)
    for outsider in (hmi_a, other_hmi, coo, apcc_lead):
        refused(
            lambda outsider=outsider: case_decide(
                case=case, engage=True, reasons=REASONS, by=outsider, now=DECIDED
            ),
            "Only HM Chief Inspector can decide",
            code="actor",
        )
    case.refresh_from_db()
    assert (case.decided_at, case.decision_engage) == (None, None)
    assert not EngagePeriod.objects.exists()
    case_decide(case=case, engage=True, reasons=REASONS, by=hmci, now=DECIDED)
    case.refresh_from_db()
    assert (case.decided_by, case.decided_at, case.decision_reasons) == (hmci, DECIDED, REASONS)
    refused(
        lambda: case_decide(case=case, engage=False, reasons="Changed my mind.", by=hmci, now=DECIDED + HOUR),
        "already decided",
    )


def test_m4_the_decision_needs_reasons(force_a, hmi_a, hmci):
    """M4: The decision needs reasons."""
    case = take_case(force_a, hmi=hmi_a)
    for reasons in ("", "   "):
        refused(
            lambda reasons=reasons: case_decide(
                case=case, engage=True, reasons=reasons, by=hmci, now=DECIDED
            ),
            "Give the reasons for the decision.",
        )


def test_m4_causes_linked_to_findings_must_be_that_areas_causes_of_concern(
    force_a, force_b, hmi_a, lead_hmi, cause_a, recommendation_a
):
    """M4: Causes linked to findings must be that area's causes of concern."""
    cause_b = published_report(force_b, lead_hmi).findings.get(kind=FindingKind.CAUSE_OF_CONCERN)
    for wrong in (recommendation_a, cause_b):
        refused(
            lambda wrong=wrong: case_advise(
                area=force_a,
                advice=ADVICE,
                evidence=EVIDENCE,
                causes=[CauseInput("Linked.", finding=wrong)],
                by=hmi_a,
                now=ADVISED,
            ),
            f"{wrong.reference} is not a cause of concern for Avon and Somerset Constabulary.",
        )
    case = case_advise(
        area=force_a,
        advice=ADVICE,
        evidence=EVIDENCE,
        causes=[CauseInput(CAUSES[0], finding=cause_a), CauseInput(CAUSES[1])],
        by=hmi_a,
        now=ADVISED,
    )
    assert list(case.causes.values_list("text", "finding", "position")) == [
        (CAUSES[0], cause_a.pk, 1),
        (CAUSES[1], None, 2),
    ]


def test_m4_improvement_plan_versions_come_from_the_chief_office_and_are_never_overwritten(
    force_a, hmi_a, hmci, chief_office_a, chief_office_b, pcc_office_a
):
    """M4: Improvement plan versions come from the chief office and are never overwritten."""
    case = take_case(force_a, hmi=hmi_a, hmci=hmci, decided=DECIDED)
    refused(
        lambda: plan_submit(case=case, text="Too early.", by=chief_office_a, now=DECIDED + HOUR),
        "while the force or FRS is in Engage",
    )
    case_record_pcc_informed(case=case, person_told="PCC", told_at=TOLD, how="in_person", by=hmi_a, now=TOLD)
    for outsider in (pcc_office_a, hmi_a, chief_office_b):
        refused(
            lambda outsider=outsider: plan_submit(case=case, text="Plan.", by=outsider, now=PLAN_AT),
            code="actor",
        )
    v1 = plan_submit(
        case=case, text="Plan version one.", upload=pdf_upload("plan.pdf"), by=chief_office_a, now=PLAN_AT
    )
    v2 = plan_submit(case=case, text="Plan version two.", by=chief_office_a, now=PLAN_AT + DAY)
    rows = list(
        ImprovementPlanVersion.objects.filter(case=case)
        .order_by("version")
        .values_list("version", "text", "file_name", "submitted_at")
    )
    assert rows == [
        (1, "Plan version one.", "plan.pdf", PLAN_AT),
        (2, "Plan version two.", "", PLAN_AT + DAY),
    ]
    assert bytes(ImprovementPlanVersion.objects.get(pk=v1.pk).content).startswith(b"%PDF")
    assert v2.pk != v1.pk
    refused(
        lambda: plan_submit(
            case=case,
            text="Bad file.",
            upload=pdf_upload("plan.pdf", b"not a pdf"),
            by=chief_office_a,
            now=PLAN_AT,
        )
    )


def test_m4_pcc_notes_and_hmicfrs_comments_come_from_their_own_people(
    announced_case, chief_office_a, pcc_office_a, pcc_office_b, hmi_a, other_hmi, liaison_lead_a
):
    """M4: PCC notes and HMICFRS comments come from their own people."""
    plan = plan_submit(case=announced_case, text="Plan.", by=chief_office_a, now=PLAN_AT)
    at = PLAN_AT + HOUR
    for outsider in (chief_office_a, hmi_a, pcc_office_b):
        refused(
            lambda outsider=outsider: plan_note_add(
                plan=plan, kind=PlanNoteKind.PCC, text="Holding to account.", by=outsider, now=at
            ),
            code="actor",
        )
    for outsider in (pcc_office_a, chief_office_a, other_hmi):
        refused(
            lambda outsider=outsider: plan_note_add(
                plan=plan, kind=PlanNoteKind.HMICFRS, text="Comment.", by=outsider, now=at
            ),
            code="actor",
        )
    pcc_note = plan_note_add(
        plan=plan, kind=PlanNoteKind.PCC, text="I will scrutinise this.", by=pcc_office_a, now=at
    )
    comment = plan_note_add(plan=plan, kind=PlanNoteKind.HMICFRS, text="Add milestones.", by=hmi_a, now=at)
    liaison_comment = plan_note_add(
        plan=plan, kind=PlanNoteKind.HMICFRS, text="Agreed.", by=liaison_lead_a, now=at
    )
    later = at + HOUR

    def notes(user: User) -> set[int]:
        return set(access.plan_notes_visible_to(user, plan, later).values_list("pk", flat=True))

    assert notes(chief_office_a) == {comment.pk, liaison_comment.pk}
    assert notes(pcc_office_a) == {pcc_note.pk, comment.pk, liaison_comment.pk}
    assert notes(hmi_a) == {pcc_note.pk, comment.pk, liaison_comment.pk}
    refused(
        lambda: plan_note_add(plan=plan, kind="other", text="?", by=hmi_a, now=at), "Choose the kind of note."
    )


def test_m4_plans_are_seen_by_hmicfrs_for_the_area_and_the_areas_offices_never_the_apcc(
    announced_case, chief_office_a, pcc_office_a, pcc_office_b, hmi_a, other_hmi, apcc_lead, hmci
):
    """M4: Plans are seen by HMICFRS for the area and the area's offices, never the APCC."""
    plan = plan_submit(case=announced_case, text="Plan.", by=chief_office_a, now=PLAN_AT)

    def sees(user: User, at: dt.datetime = PLAN_AT) -> bool:
        return access.plans_visible_to(user, at).filter(pk=plan.pk).exists()

    assert [sees(p) for p in (chief_office_a, pcc_office_a, hmi_a, hmci)] == [True] * 4
    assert [sees(p) for p in (pcc_office_b, other_hmi, apcc_lead)] == [False] * 3
    assert not sees(hmi_a, PLAN_AT - SECOND)
    assert not access.can_see_letter_and_plans(apcc_lead, announced_case, PLAN_AT)


# --- M5, M6: who sees the case when; the PCC told first; the letter -----------------------------------------

INTERNAL = "internal"  # advised, before the PCC is told
TOLD_PHASE = "told"  # the PCC told, not yet announced
PUBLIC = "public"  # announced

# Written from DESIGN.md's "Engage case" row and monitoring.access's table, not from the code.
CASE_VISIBILITY = {
    "hmci": {INTERNAL, TOLD_PHASE, PUBLIC},
    "coo": {INTERNAL, TOLD_PHASE, PUBLIC},
    "hmi_a": {INTERNAL, TOLD_PHASE, PUBLIC},
    "liaison_lead_a": {INTERNAL, TOLD_PHASE, PUBLIC},
    "pcc_office_a": {TOLD_PHASE, PUBLIC},
    "chief_office_a": {TOLD_PHASE, PUBLIC},
    "apcc_lead": {PUBLIC},
    "apcc_deputy": {PUBLIC},
    "other_hmi": {PUBLIC},
    "hmicfrs_staff": {PUBLIC},
    "pcc_office_b": set(),
    "chief_office_b": set(),
    "anonymous": set(),
}
ADVICE_READERS = {"hmci", "coo", "hmi_a", "liaison_lead_a"}

MOMENTS = [
    moment + offset
    for moment in (ADVISED, DECIDED, TOLD, ANNOUNCED)
    for offset in (-SECOND, dt.timedelta(0), SECOND)
]


def phase(at: dt.datetime) -> str | None:
    if at < ADVISED:
        return None
    if at < TOLD:
        return INTERNAL
    if at < ANNOUNCED:
        return TOLD_PHASE
    return PUBLIC


@pytest.mark.parametrize("persona", sorted(CASE_VISIBILITY))
def test_m5_m6_who_sees_the_case_just_before_at_and_just_after_each_step(persona, request, announced_case):
    """M6: nobody outside HMICFRS before the PCC is told; M5: the APCC and the public from the announcement."""
    user = request.getfixturevalue(persona)
    for at in MOMENTS:
        expected = phase(at) in CASE_VISIBILITY[persona]
        assert visible(user, announced_case, at) is expected, (persona, at)


@pytest.mark.parametrize("persona", sorted(CASE_VISIBILITY))
def test_m5_m6_visibility_follows_the_clock_under_time_machine(persona, request, announced_case):
    """M5, M6: Visibility follows the clock under time-machine."""
    user = request.getfixturevalue(persona)
    for at in (TOLD - SECOND, TOLD, ANNOUNCED - SECOND, ANNOUNCED):
        with time_machine.travel(utc(at), tick=False):
            assert visible(user, announced_case) is (phase(at) in CASE_VISIBILITY[persona]), (persona, at)


def test_m5_the_case_is_public_only_from_the_announcement(announced_case):
    """M5: The case is public only from the announcement."""
    for at in MOMENTS:
        assert access.public_cases(at).filter(pk=announced_case.pk).exists() is (at >= ANNOUNCED), at
    with time_machine.travel(utc(ANNOUNCED - SECOND), tick=False):
        assert not access.public_cases().exists()
    with time_machine.travel(utc(ANNOUNCED), tick=False):
        assert list(access.public_cases()) == [announced_case]


def test_m5_a_declined_case_is_never_public_and_stays_with_hmicfrs(
    force_a, hmi_a, hmci, coo, pcc_office_a, chief_office_a, apcc_lead, hmicfrs_staff, other_hmi
):
    """M5: A case HMCI declined is never public and stays with HMICFRS senior and area staff."""
    case = take_case(force_a, hmi=hmi_a, hmci=hmci, decided=DECIDED, engage=False)
    later = DECIDED + 365 * DAY
    assert not access.public_cases(later).filter(pk=case.pk).exists()
    assert [visible(p, case, later) for p in (hmci, coo, hmi_a)] == [True] * 3
    assert [
        visible(p, case, later) for p in (pcc_office_a, chief_office_a, apcc_lead, hmicfrs_staff, other_hmi)
    ] == [False] * 5


@pytest.mark.parametrize("persona", sorted(CASE_VISIBILITY))
def test_m4_the_advice_is_never_seen_outside_hmicfrs_senior_and_area_staff(persona, request, announced_case):
    """M4: The advice is never seen outside HMICFRS senior and area staff."""
    user = request.getfixturevalue(persona)
    for at in (ADVISED, TOLD, ANNOUNCED + SECOND, ANNOUNCED + 365 * DAY):
        assert access.can_see_advice(user, announced_case, at) is (persona in ADVICE_READERS), (persona, at)


def test_m6_announcement_is_refused_before_the_pcc_told_record_exists(force_a, hmi_a, hmci):
    """M6: Announcement is refused before the PCC-told record exists."""
    case = take_case(force_a, hmi=hmi_a, hmci=hmci, decided=DECIDED)
    for by in (hmi_a, hmci):
        refused(
            lambda by=by: case_announce(case=case, announcement=ANNOUNCEMENT, by=by, now=DECIDED + HOUR),
            "The PCC must be told personally before the decision is announced",
        )
    case.refresh_from_db()
    assert case.announced_at is None
    assert not access.public_cases(DECIDED + 2 * HOUR).exists()
    case_record_pcc_informed(
        case=case, person_told="PCC", told_at=TOLD, how="video", by=hmi_a, now=TOLD + HOUR
    )
    case_announce(case=case, announcement=ANNOUNCEMENT, by=hmi_a, now=ANNOUNCED)
    case.refresh_from_db()
    assert (case.announced_at, case.announced_by, case.step()) == (ANNOUNCED, hmi_a, CaseStep.ANNOUNCED)
    refused(
        lambda: case_announce(case=case, announcement="Again.", by=hmi_a, now=ANNOUNCED + HOUR),
        "already been announced",
    )


def test_m6_announcement_tells_every_apcc_role_and_opens_the_toolkit_deadline(
    force_a, hmi_a, hmci, apcc_lead, apcc_deputy, pcc_office_a
):
    """M6: Announcement tells every APCC role and opens the toolkit deadline."""
    case = take_case(force_a, hmi=hmi_a, hmci=hmci, decided=DECIDED, told=TOLD, announced=ANNOUNCED)
    for person in (apcc_lead, apcc_deputy):
        assert [m.body for m in inbox_of(person)] == [ANNOUNCEMENT]
    deadline = Deadline.objects.get(kind=TOOLKIT_KIND, key=f"toolkit:{case.pk}")
    assert deadline.state == DeadlineState.OPEN


def test_m6_the_pcc_is_told_of_a_decision_to_engage_only(force_a, hmi_a, hmci):
    """M6: The PCC is told of a decision to Engage only."""
    case = take_case(force_a, hmi=hmi_a)

    def record() -> EngageCase:
        return case_record_pcc_informed(
            case=case,
            person_told="PCC",
            told_at=DECIDED + HOUR,
            how="in_person",
            by=hmi_a,
            now=DECIDED + HOUR,
        )

    refused(record, "has not decided to place")
    case_decide(case=case, engage=False, reasons="Not yet: Scan continues.", by=hmci, now=DECIDED)
    refused(record, "has not decided to place")


@pytest.mark.parametrize(
    ("told_at", "message"),
    [
        (TOLD + SECOND, "cannot be in the future"),
        (TOLD + DAY, "cannot be in the future"),
        (DECIDED - SECOND, "before it was made"),
        (ADVISED, "before it was made"),
    ],
)
def test_m6_told_at_in_the_future_or_before_the_decision_is_refused(told_at, message, force_a, hmi_a, hmci):
    """M6: A told-at moment in the future or before the decision is refused."""
    case = take_case(force_a, hmi=hmi_a, hmci=hmci, decided=DECIDED)
    refused(
        lambda: case_record_pcc_informed(
            case=case, person_told="Clare Moody", told_at=told_at, how="in_person", by=hmi_a, now=TOLD
        ),
        message,
    )
    case.refresh_from_db()
    assert case.pcc_informed_at is None


@pytest.mark.parametrize("told_at", [DECIDED, TOLD])
def test_m6_told_at_exactly_at_the_decision_or_now_is_accepted(told_at, force_a, hmi_a, hmci):
    """M6: A told-at moment exactly at the decision or now is accepted."""
    case = take_case(force_a, hmi=hmi_a, hmci=hmci, decided=DECIDED)
    case = case_record_pcc_informed(
        case=case, person_told="Clare Moody", told_at=told_at, how="telephone", by=hmi_a, now=TOLD
    )
    assert (case.pcc_informed_at, case.pcc_informed_recorded_at, case.pcc_informed_how) == (
        told_at,
        TOLD,
        "telephone",
    )


def test_m6_how_the_pcc_was_told_and_who_must_be_given(force_a, hmi_a, hmci):
    """M6: How the PCC was told and who must be given."""
    case = take_case(force_a, hmi=hmi_a, hmci=hmci, decided=DECIDED)
    refused(
        lambda: case_record_pcc_informed(
            case=case, person_told="PCC", told_at=TOLD, how="email", by=hmi_a, now=TOLD
        ),
        "Choose how you told them.",
    )
    refused(
        lambda: case_record_pcc_informed(
            case=case, person_told=" ", told_at=TOLD, how="video", by=hmi_a, now=TOLD
        ),
        "Enter the name of the person you told.",
    )
    case_record_pcc_informed(case=case, person_told="PCC", told_at=TOLD, how="video", by=hmi_a, now=TOLD)
    refused(
        lambda: case_record_pcc_informed(
            case=case, person_told="PCC", told_at=TOLD, how="video", by=hmi_a, now=TOLD
        ),
        "already recorded",
    )


def test_m6_the_letter_is_refused_before_the_decision_and_before_the_pcc_is_told(force_a, hmi_a, hmci):
    """M6: The letter is refused before the decision and before the PCC is told."""
    case = take_case(force_a, hmi=hmi_a)
    refused(
        lambda: case_send_letter(case=case, by=hmi_a, now=ADVISED + HOUR),
        "follows HM Chief Inspector's decision",
    )
    case_decide(case=case, engage=True, reasons=REASONS, by=hmci, now=DECIDED)
    refused(
        lambda: case_send_letter(case=case, by=hmi_a, now=DECIDED + HOUR),
        "follows telling the PCC personally",
    )
    assert not EngageLetter.objects.exists()


def test_m6_only_the_hmi_for_the_area_sends_the_letter(force_a, hmi_a, hmci, other_hmi, pcc_office_a, coo):
    """M6: Only the HMI for the area sends the letter."""
    case = take_case(force_a, hmi=hmi_a, hmci=hmci, decided=DECIDED, told=TOLD)
    for outsider in (other_hmi, hmci, coo, pcc_office_a):
        refused(
            lambda outsider=outsider: case_send_letter(case=case, by=outsider, now=TOLD + HOUR),
            "Only the HMI for Avon and Somerset Constabulary can send the formal Engage letter.",
            code="actor",
        )
    assert not EngageLetter.objects.exists()


def test_m6_the_letter_and_plans_are_for_hmicfrs_and_the_areas_offices_from_the_pcc_told(
    force_a, hmi_a, hmci, pcc_office_a, chief_office_a, apcc_lead, other_hmi
):
    """M6: The letter and plans are for HMICFRS and the area's offices from the PCC is told."""
    case = take_case(force_a, hmi=hmi_a, hmci=hmci, decided=DECIDED, told=TOLD, announced=ANNOUNCED)
    for person in (pcc_office_a, chief_office_a):
        assert not access.can_see_letter_and_plans(person, case, TOLD - SECOND)
        assert access.can_see_letter_and_plans(person, case, TOLD)
    assert access.can_see_letter_and_plans(hmi_a, case, DECIDED)
    for person in (apcc_lead, other_hmi):
        assert not access.can_see_letter_and_plans(person, case, ANNOUNCED + DAY)


# --- M7: the PPOG/FPOG needs the APCC lead or a nominated deputy -------------------------------------------


def _hold(meeting: OversightMeeting, by: User, *people: User, attendances=None) -> OversightMeeting:
    return meeting_record_held(
        meeting=meeting,
        held_on=HELD_ON,
        attendances=attendances if attendances is not None else attending(*people),
        by=by,
        now=HELD_AT,
    )


def test_m7_a_meeting_without_the_apcc_lead_or_a_nominated_deputy_is_refused(
    meeting, hmi_a, chief_office_a, pcc_office_a, apcc_deputy, apcc_other_lead, apcc
):
    """M7: A meeting without the APCC lead or a nominated deputy is refused."""
    no_apcc = (
        "An APCC joint performance portfolio lead, or a deputy a lead nominated for this meeting, must attend"
    )
    refused(lambda: _hold(meeting, hmi_a, hmi_a, chief_office_a, pcc_office_a), no_apcc)
    # APCC people who are neither a joint performance lead nor nominated do not count.
    refused(lambda: _hold(meeting, hmi_a, hmi_a, apcc_deputy), no_apcc)
    refused(lambda: _hold(meeting, hmi_a, hmi_a, apcc_other_lead), no_apcc)
    # A name on the list without a person is not the lead.
    refused(
        lambda: _hold(meeting, hmi_a, attendances=[AttendanceInput(organisation=apcc, name="The APCC lead")]),
        no_apcc,
    )
    refused(lambda: _hold(meeting, hmi_a, attendances=[]), "Record who attended.")
    meeting.refresh_from_db()
    assert meeting.held_on is None
    assert not Attendance.objects.exists()


def test_m7_a_deputy_nominated_for_another_meeting_does_not_count(
    meeting, announced_case, hmi_a, apcc_lead, apcc_deputy
):
    """M7: A deputy nominated for another meeting does not count."""
    other = meeting_schedule(
        case=announced_case, scheduled_for=dt.date(2026, 10, 1), by=hmi_a, now=SCHEDULED_AT
    )
    deputy_nominate(meeting=other, deputy=apcc_deputy, by=apcc_lead, now=NOMINATED_AT)
    refused(lambda: _hold(meeting, hmi_a, hmi_a, apcc_deputy), "must attend")
    # Nor may that deputy record this meeting.
    refused(lambda: _hold(meeting, apcc_deputy, apcc_deputy), code="actor")
    deputy_nominate(meeting=meeting, deputy=apcc_deputy, by=apcc_lead, now=NOMINATED_AT)
    held = _hold(meeting, apcc_deputy, apcc_deputy, hmi_a)
    assert held.held_on == HELD_ON
    assert held.recorded_by == apcc_deputy
    assert set(Attendance.objects.filter(meeting=held).values_list("person", flat=True)) == {
        apcc_deputy.pk,
        hmi_a.pk,
    }


def test_m7_the_lead_attending_makes_the_meeting_held(meeting, hmi_a, apcc_lead):
    """M7: The lead attending makes the meeting held."""
    held = _hold(meeting, hmi_a, apcc_lead, hmi_a)
    assert (held.held_on, held.recorded_by, held.recorded_at) == (HELD_ON, hmi_a, HELD_AT)
    refused(lambda: _hold(meeting, hmi_a, apcc_lead), "already recorded as held")


def test_m7_only_a_lead_nominates_and_the_deputy_must_work_for_the_apcc(
    meeting, hmi_a, apcc_lead, apcc_deputy, apcc_other_lead, chief_office_a, pcc_office_a
):
    """M7: Only a lead nominates and the deputy must work for the APCC."""
    for outsider in (hmi_a, apcc_deputy, apcc_other_lead, pcc_office_a):
        refused(
            lambda outsider=outsider: deputy_nominate(
                meeting=meeting, deputy=apcc_deputy, by=outsider, now=NOMINATED_AT
            ),
            "Only an APCC joint performance portfolio lead can nominate a deputy",
            code="actor",
        )
    for not_apcc in (chief_office_a, pcc_office_a, hmi_a):
        refused(
            lambda not_apcc=not_apcc: deputy_nominate(
                meeting=meeting, deputy=not_apcc, by=apcc_lead, now=NOMINATED_AT
            ),
            "The deputy must work for the APCC.",
        )
    refused(
        lambda: deputy_nominate(meeting=meeting, deputy=apcc_lead, by=apcc_lead, now=NOMINATED_AT),
        "Nominate someone other than yourself.",
    )
    nomination = deputy_nominate(meeting=meeting, deputy=apcc_deputy, by=apcc_lead, now=NOMINATED_AT)
    assert (nomination.nominated_by, nomination.nominated_at) == (apcc_lead, NOMINATED_AT)
    assert [m.subject for m in inbox_of(apcc_deputy)] == [
        "You are nominated to attend the PPOG for Avon and Somerset Constabulary"
    ]
    refused(
        lambda: deputy_nominate(meeting=meeting, deputy=apcc_deputy, by=apcc_lead, now=NOMINATED_AT + HOUR),
        "already nominated",
    )


def test_m7_no_nomination_after_the_meeting_was_held(held_meeting, apcc_lead, apcc_other_lead):
    """M7: No nomination after the meeting was held."""
    refused(
        lambda: deputy_nominate(
            meeting=held_meeting, deputy=apcc_other_lead, by=apcc_lead, now=HELD_AT + HOUR
        ),
        "already been held",
    )
    assert DeputyNomination.objects.count() == 1


def test_m7_recording_the_meeting_by_the_wrong_people_is_refused(
    meeting, apcc_lead, pcc_office_a, chief_office_a, other_hmi, hmicfrs_staff, apcc_deputy
):
    """M7: Recording the meeting by the wrong people is refused."""
    for outsider in (pcc_office_a, chief_office_a, other_hmi, hmicfrs_staff, apcc_deputy):
        refused(lambda outsider=outsider: _hold(meeting, outsider, apcc_lead), code="actor")
    held = _hold(meeting, apcc_lead, apcc_lead)
    assert held.recorded_by == apcc_lead


def test_m7_a_meeting_is_held_on_a_real_date_within_the_period(meeting, hmi_a, apcc_lead):
    """M7: A meeting is held on a real date within the period."""
    refused(
        lambda: meeting_record_held(
            meeting=meeting, held_on=HELD_ON + DAY, attendances=attending(apcc_lead), by=hmi_a, now=HELD_AT
        ),
        "date in the future",
    )
    refused(
        lambda: meeting_record_held(
            meeting=meeting,
            held_on=dt.date(2026, 3, 3),
            attendances=attending(apcc_lead),
            by=hmi_a,
            now=HELD_AT,
        ),
        "before the force or FRS entered Engage",
    )


def test_m4_a_meeting_is_scheduled_for_an_area_in_engage_on_a_date_not_past(announced_case, hmi_a, hmci):
    """M4: A meeting is scheduled for an area in Engage on a date not past."""
    refused(
        lambda: meeting_schedule(
            case=announced_case, scheduled_for=dt.date(2026, 5, 19), by=hmi_a, now=SCHEDULED_AT
        ),
        "today or in the future",
    )
    case_exit(case=announced_case, reasons="Improved.", improvements="Audits pass.", by=hmci, now=EXITED)
    refused(
        lambda: meeting_schedule(
            case=announced_case, scheduled_for=dt.date(2026, 12, 1), by=hmi_a, now=EXITED + DAY
        ),
        "scheduled for a force or FRS in Engage",
    )


# --- M8: the APCC's Engage toolkit -------------------------------------------------------------------------


def test_m8_only_the_apcc_lead_uploads_the_toolkit_checked_by_content_and_versions_are_kept(
    apcc_lead, apcc_other_lead, apcc_deputy, hmi_a
):
    """M8: Only the APCC lead uploads the toolkit, checked by content, and versions are kept."""
    at = ANNOUNCED
    for outsider in (hmi_a, apcc_deputy, apcc_other_lead):
        refused(
            lambda outsider=outsider: toolkit_upload(upload=pdf_upload(), by=outsider, now=at),
            "Only an APCC joint performance portfolio lead can upload the Engage toolkit.",
            code="actor",
        )
    refused(
        lambda: toolkit_upload(
            upload=pdf_upload("toolkit.pdf", b"Dear PCC, this is not a PDF."), by=apcc_lead, now=at
        )
    )
    refused(
        lambda: toolkit_upload(
            upload=pdf_upload("toolkit.pdf", b"%PDF-1.7\n<html><script>alert(1)</script></html>\n"),
            by=apcc_lead,
            now=at,
        )
    )
    first_bytes = pdf_bytes()
    v1 = toolkit_upload(
        upload=pdf_upload("toolkit-2026.pdf", first_bytes), note="First", by=apcc_lead, now=at
    )
    v2 = toolkit_upload(upload=pdf_upload("toolkit-2026b.pdf"), note="Second", by=apcc_lead, now=at + DAY)
    assert list(ToolkitVersion.objects.order_by("version").values_list("version", "file_name", "note")) == [
        (1, "toolkit-2026.pdf", "First"),
        (2, "toolkit-2026b.pdf", "Second"),
    ]
    assert bytes(ToolkitVersion.objects.get(pk=v1.pk).content) == first_bytes
    assert v2.version == 2


def test_m8_sending_the_toolkit_is_recorded_against_the_case_once_after_the_announcement(
    force_a, hmi_a, hmci, apcc_lead, pcc_office_a
):
    """M8: Sending the toolkit is recorded against the case once after the announcement."""
    case = take_case(force_a, hmi=hmi_a, hmci=hmci, decided=DECIDED, told=TOLD)
    letter = "Dear PCC, the APCC is here to help; our Engage toolkit is attached."
    toolkit_upload(upload=pdf_upload(), by=apcc_lead, now=TOLD)
    refused(
        lambda: toolkit_send(case=case, letter=letter, by=apcc_lead, now=TOLD + HOUR),
        "shared with the PCC of a force or FRS in Engage",
    )
    case_announce(case=case, announcement=ANNOUNCEMENT, by=hmi_a, now=ANNOUNCED)
    deadline = Deadline.objects.get(kind=TOOLKIT_KIND, key=f"toolkit:{case.pk}")
    assert deadline.state == DeadlineState.OPEN
    # Asked at a moment before the announcement, it is still refused.
    refused(
        lambda: toolkit_send(case=case, letter=letter, by=apcc_lead, now=ANNOUNCED - SECOND),
        "shared with the PCC of a force or FRS in Engage",
    )
    refused(
        lambda: toolkit_send(case=case, letter=" ", by=apcc_lead, now=ANNOUNCED + HOUR), "Write the letter"
    )
    v2 = toolkit_upload(upload=pdf_upload("v2.pdf"), by=apcc_lead, now=ANNOUNCED + HOUR)
    sending = toolkit_send(case=case, letter=letter, by=apcc_lead, now=ANNOUNCED + DAY)
    assert (sending.case, sending.toolkit, sending.sent_by, sending.sent_at) == (
        case,
        v2,
        apcc_lead,
        ANNOUNCED + DAY,
    )
    assert [m.body for m in inbox_of(pcc_office_a) if m.body == letter] == [letter]
    deadline.refresh_from_db()
    assert (deadline.state, deadline.state_changed_at) == (DeadlineState.MET, ANNOUNCED + DAY)
    refused(
        lambda: toolkit_send(case=case, letter=letter, by=apcc_lead, now=ANNOUNCED + 2 * DAY),
        "already been shared",
    )
    assert ToolkitSending.objects.count() == 1


def test_m8_the_toolkit_is_uploaded_before_it_is_shared(announced_case, apcc_lead):
    """M8: The toolkit is uploaded before it is shared."""
    refused(
        lambda: toolkit_send(case=announced_case, letter="Dear PCC", by=apcc_lead, now=ANNOUNCED + DAY),
        "Upload the Engage toolkit before sharing it.",
    )


# --- M9: the written follow-up of an offer of assistance, copied to HMCI ----------------------------------

FOLLOW_UP = "Dear PCC, following the PPOG we confirm our offer of a peer review; copy to HM Chief Inspector."


def test_m9_a_follow_up_without_the_copy_to_hmci_is_refused_and_nothing_written(offer, apcc_lead):
    """M9: A follow-up without the copy to HMCI is refused and nothing written."""
    refused(
        lambda: follow_up_send(
            action=offer, text=FOLLOW_UP, copy_to_hmci=False, by=apcc_lead, now=ACTION_AT + DAY
        ),
        "The follow-up must be copied to HM Chief Inspector",
    )
    offer.refresh_from_db()
    assert offer.followed_up is False
    assert not FollowUp.objects.exists()
    assert Deadline.objects.get(kind=FOLLOW_UP_KIND).state == DeadlineState.OPEN


def test_m9_only_the_lead_or_the_meetings_nominated_deputy_sends_the_follow_up(
    offer, announced_case, apcc_lead, apcc_other_lead, hmi_a, pcc_office_a, hmci, apcc
):
    """M9: Only the lead or the meeting's nominated deputy sends the follow-up."""
    deputy_elsewhere = make_person("deputy_elsewhere", apcc, Role.APCC_STAFF)
    other = meeting_schedule(case=announced_case, scheduled_for=dt.date(2026, 10, 1), by=hmi_a, now=ACTION_AT)
    deputy_nominate(meeting=other, deputy=deputy_elsewhere, by=apcc_lead, now=ACTION_AT)
    for outsider in (hmi_a, pcc_office_a, hmci, apcc_other_lead, deputy_elsewhere):
        refused(
            lambda outsider=outsider: follow_up_send(
                action=offer, text=FOLLOW_UP, copy_to_hmci=True, by=outsider, now=ACTION_AT + DAY
            ),
            "Only an APCC joint performance portfolio lead, or a deputy a lead nominated for this meeting",
            code="actor",
        )


def test_m9_the_meetings_nominated_deputy_may_send_the_follow_up(offer, apcc_deputy):
    """M9: The meeting's nominated deputy may send the follow-up."""
    follow_up = follow_up_send(
        action=offer, text=FOLLOW_UP, copy_to_hmci=True, by=apcc_deputy, now=ACTION_AT + DAY
    )
    assert follow_up.sent_by == apcc_deputy


def test_m9_the_hmci_copy_is_on_the_record_and_hmci_gets_the_same_text_as_the_pcc_office(
    offer, apcc_lead, hmci, pcc_office_a, chief_office_a
):
    """M9: The HMCI copy is on the record and HMCI gets the same text as the PCC office."""
    sent_at = ACTION_AT + DAY
    follow_up = follow_up_send(action=offer, text=FOLLOW_UP, copy_to_hmci=True, by=apcc_lead, now=sent_at)
    follow_up.refresh_from_db()
    assert (follow_up.hmci_copy_to, follow_up.hmci_copied_at, follow_up.sent_at) == (hmci, sent_at, sent_at)
    assert follow_up.sent_to == office_of(offer.meeting.case.area, HELD_ON)
    assert follow_up.late is False
    (to_pcc,) = [m for m in inbox_of(pcc_office_a) if m.created_at == sent_at]
    (to_hmci,) = [m for m in inbox_of(hmci) if m.created_at == sent_at]
    assert to_pcc.body == to_hmci.body == FOLLOW_UP
    assert to_hmci.subject == f"Copy: {to_pcc.subject}"
    assert to_pcc.url == to_hmci.url
    assert not [m for m in inbox_of(chief_office_a) if m.created_at == sent_at]
    offer.refresh_from_db()
    assert offer.followed_up is True
    refused(
        lambda: follow_up_send(
            action=offer, text=FOLLOW_UP, copy_to_hmci=True, by=apcc_lead, now=sent_at + HOUR
        ),
        "already been followed up",
    )


@pytest.mark.parametrize(
    ("sent_at", "late"),
    [
        (FOLLOW_UP_DUE - SECOND, False),  # 23:59:59 BST on Monday 8 June 2026, the last day
        (FOLLOW_UP_DUE, True),  # midnight: the last day has ended
        (FOLLOW_UP_DUE + SECOND, True),
    ],
)
def test_m9_a_late_follow_up_is_marked_late_and_the_d6_deadline_closes_as_met(
    sent_at, late, offer, apcc_lead
):
    """M9: A late follow-up is marked late and the D6 deadline closes as met."""
    follow_up = follow_up_send(action=offer, text=FOLLOW_UP, copy_to_hmci=True, by=apcc_lead, now=sent_at)
    assert follow_up.late is late
    deadline = Deadline.objects.get(kind=FOLLOW_UP_KIND, key=f"action:{offer.pk}")
    assert (deadline.state, deadline.state_changed_at) == (DeadlineState.MET, sent_at)


def test_m9_only_an_offer_of_assistance_is_followed_up(held_meeting, apcc_lead, force_a):
    """M9: Only an offer of assistance is followed up."""
    action = action_add(
        meeting=held_meeting,
        text="The force will share its audit.",
        owner=force_a,
        offer_of_assistance=False,
        by=apcc_lead,
        now=ACTION_AT,
    )
    assert action.follow_up_due_at is None
    assert not Deadline.objects.filter(kind=FOLLOW_UP_KIND).exists()
    refused(
        lambda: follow_up_send(
            action=action, text=FOLLOW_UP, copy_to_hmci=True, by=apcc_lead, now=ACTION_AT + DAY
        ),
        "Only an offer of assistance is followed up in writing.",
    )


def test_m9_actions_are_recorded_only_for_a_held_meeting(meeting, apcc_lead, apcc):
    """M9: Actions are recorded only for a held meeting."""
    refused(
        lambda: action_add(
            meeting=meeting, text="Offer.", owner=apcc, offer_of_assistance=True, by=apcc_lead, now=HELD_AT
        ),
        "Record the meeting as held before adding its actions.",
    )


# --- Every state-changing service refuses the wrong actor, changing nothing -----------------------------------


class World:
    """Builds, on demand, the records a service acts on (each at the stage where the right actor succeeds)."""

    def __init__(self, request: pytest.FixtureRequest) -> None:
        self.request = request

    def __getattr__(self, name: str):
        return self.request.getfixturevalue(name)

    def case(self, stage: str) -> EngageCase:
        moments = {"advised": {}, "decided": {"decided": DECIDED}, "told": {"decided": DECIDED, "told": TOLD}}
        if stage == "announced":
            return self.announced_case
        return take_case(self.force_a, hmi=self.hmi_a, hmci=self.hmci, **moments[stage])

    def finding(self, status: str | None = None) -> Finding:
        finding = self.cause_a
        if status:
            finding_status_set(finding=finding, status=status, by=self.chief_office_a, now=REGISTER_AT)
        return finding

    def plan(self):
        return plan_submit(case=self.announced_case, text="Plan.", by=self.chief_office_a, now=PLAN_AT)


Act = Callable[[User], object]


@dataclass(frozen=True)
class Row:
    rule: str
    service: Callable[..., object]
    label: str
    right: str
    wrong: tuple[str, ...]  # another role; the same role elsewhere (another area, or not the one named)
    prepare: Callable[[World], Act]

    @property
    def name(self) -> str:
        return self.service.__name__


def _concern(w: World) -> RoutineConcern:
    return _raise(w.force_a, w.hmi_a)


ROWS = [
    Row(
        "M3",
        concern_raise,
        "",
        "hmi_a",
        ("pcc_office_a", "other_hmi"),
        lambda w: lambda by: _raise(w.force_a, by),
    ),
    Row(
        "M3",
        concern_mark,
        "",
        "pcc_office_a",
        ("chief_office_a", "pcc_office_b"),
        lambda w: (
            lambda c: (
                lambda by: concern_mark(
                    concern=c, passed_to_apcc=True, support_requested=False, by=by, now=CONCERN_AT + DAY
                )
            )
        )(_concern(w)),
    ),
    Row(
        "M4",
        case_advise,
        "",
        "hmi_a",
        ("hmicfrs_staff", "other_hmi"),
        lambda w: (
            lambda by: case_advise(
                area=w.force_a,
                advice=ADVICE,
                evidence=EVIDENCE,
                causes=[CauseInput(CAUSES[0])],
                by=by,
                now=ADVISED,
            )
        ),
    ),
    # HMCI has no area: the "same role elsewhere" is HMICFRS senior staff who is not HMCI.
    Row(
        "M4",
        case_decide,
        "",
        "hmci",
        ("hmi_a", "coo"),
        lambda w: (
            lambda c: lambda by: case_decide(case=c, engage=True, reasons=REASONS, by=by, now=DECIDED)
        )(w.case("advised")),
    ),
    Row(
        "M6",
        case_record_pcc_informed,
        "",
        "hmi_a",
        ("pcc_office_a", "other_hmi"),
        lambda w: (
            lambda c: (
                lambda by: case_record_pcc_informed(
                    case=c, person_told="PCC", told_at=TOLD, how="in_person", by=by, now=TOLD
                )
            )
        )(w.case("decided")),
    ),
    Row(
        "M5",
        case_announce,
        "",
        "hmi_a",
        ("apcc_lead", "other_hmi"),
        lambda w: (
            lambda c: lambda by: case_announce(case=c, announcement=ANNOUNCEMENT, by=by, now=ANNOUNCED)
        )(w.case("told")),
    ),
    Row(
        "M6",
        case_send_letter,
        "",
        "hmi_a",
        ("chief_office_a", "other_hmi"),
        lambda w: (lambda c: lambda by: case_send_letter(case=c, by=by, now=TOLD + HOUR))(w.case("told")),
    ),
    Row(
        "M10",
        case_exit,
        "",
        "hmci",
        ("hmi_a", "coo"),
        lambda w: (
            lambda c: (
                lambda by: case_exit(
                    case=c, reasons="Improved.", improvements="Audits pass.", by=by, now=EXITED
                )
            )
        )(w.case("announced")),
    ),
    # The joint performance lead has no area: the same organisation's other portfolio lead stands in.
    Row(
        "M8",
        toolkit_upload,
        "",
        "apcc_lead",
        ("hmi_a", "apcc_other_lead"),
        lambda w: lambda by: toolkit_upload(upload=pdf_upload(), by=by, now=ANNOUNCED),
    ),
    Row(
        "M8",
        toolkit_send,
        "",
        "apcc_lead",
        ("pcc_office_a", "apcc_other_lead"),
        lambda w: (
            lambda c, _t: lambda by: toolkit_send(case=c, letter="Dear PCC", by=by, now=ANNOUNCED + DAY)
        )(w.case("announced"), toolkit_upload(upload=pdf_upload(), by=w.apcc_lead, now=ANNOUNCED)),
    ),
    Row(
        "M4",
        plan_submit,
        "",
        "chief_office_a",
        ("pcc_office_a", "chief_office_b"),
        lambda w: (lambda c: lambda by: plan_submit(case=c, text="Plan.", by=by, now=PLAN_AT))(
            w.case("told")
        ),
    ),
    Row(
        "M4",
        plan_note_add,
        "pcc",
        "pcc_office_a",
        ("chief_office_a", "pcc_office_b"),
        lambda w: (
            lambda p: (
                lambda by: plan_note_add(
                    plan=p, kind=PlanNoteKind.PCC, text="Note.", by=by, now=PLAN_AT + HOUR
                )
            )
        )(w.plan()),
    ),
    Row(
        "M4",
        plan_note_add,
        "hmicfrs",
        "hmi_a",
        ("pcc_office_a", "other_hmi"),
        lambda w: (
            lambda p: (
                lambda by: plan_note_add(
                    plan=p, kind=PlanNoteKind.HMICFRS, text="Comment.", by=by, now=PLAN_AT + HOUR
                )
            )
        )(w.plan()),
    ),
    Row(
        "M4",
        meeting_schedule,
        "",
        "hmi_a",
        ("apcc_lead", "other_hmi"),
        lambda w: (
            lambda c: lambda by: meeting_schedule(case=c, scheduled_for=HELD_ON, by=by, now=SCHEDULED_AT)
        )(w.case("announced")),
    ),
    Row(
        "M7",
        deputy_nominate,
        "",
        "apcc_lead",
        ("hmi_a", "apcc_other_lead"),
        lambda w: (lambda m, d: lambda by: deputy_nominate(meeting=m, deputy=d, by=by, now=NOMINATED_AT))(
            w.meeting, w.apcc_deputy
        ),
    ),
    Row(
        "M7",
        meeting_record_held,
        "",
        "hmi_a",
        ("pcc_office_a", "other_hmi", "apcc_deputy"),
        lambda w: (
            lambda m, lead: (
                lambda by: meeting_record_held(
                    meeting=m, held_on=HELD_ON, attendances=attending(lead), by=by, now=HELD_AT
                )
            )
        )(w.meeting, w.apcc_lead),
    ),
    Row(
        "M9",
        action_add,
        "",
        "apcc_lead",
        ("pcc_office_a", "other_hmi", "apcc_other_lead"),
        lambda w: (
            lambda m, owner: (
                lambda by: action_add(
                    meeting=m, text="Offer.", owner=owner, offer_of_assistance=True, by=by, now=ACTION_AT
                )
            )
        )(w.held_meeting, w.apcc),
    ),
    Row(
        "M9",
        follow_up_send,
        "",
        "apcc_lead",
        ("hmi_a", "apcc_other_lead"),
        lambda w: (
            lambda a: (
                lambda by: follow_up_send(
                    action=a, text=FOLLOW_UP, copy_to_hmci=True, by=by, now=ACTION_AT + DAY
                )
            )
        )(w.offer),
    ),
    Row(
        "M1",
        finding_status_set,
        "progress",
        "chief_office_a",
        ("pcc_office_a", "chief_office_b"),
        lambda w: (
            lambda f: (
                lambda by: finding_status_set(
                    finding=f, status=FindingStatus.BEING_PROGRESSED, by=by, now=REGISTER_AT + HOUR
                )
            )
        )(w.finding()),
    ),
    Row(
        "M1",
        finding_status_set,
        "closure",
        "hmi_a",
        ("chief_office_a", "other_hmi"),
        lambda w: (
            lambda f: (
                lambda by: finding_status_set(
                    finding=f, status=FindingStatus.CLOSURE_AUTHORISED, by=by, now=REGISTER_AT + HOUR
                )
            )
        )(w.finding(FindingStatus.COMPLETE)),
    ),
    Row(
        "M1",
        finding_note_add,
        "update",
        "chief_office_a",
        ("pcc_office_a", "chief_office_b"),
        lambda w: (
            lambda f: (
                lambda by: finding_note_add(
                    finding=f, kind=FindingEntryKind.UPDATE, text="Update.", by=by, now=REGISTER_AT
                )
            )
        )(w.finding()),
    ),
    Row(
        "M1",
        finding_note_add,
        "pcc_note",
        "pcc_office_a",
        ("chief_office_a", "pcc_office_b"),
        lambda w: (
            lambda f: (
                lambda by: finding_note_add(
                    finding=f, kind=FindingEntryKind.PCC_NOTE, text="Note.", by=by, now=REGISTER_AT
                )
            )
        )(w.finding()),
    ),
    Row(
        "M1",
        finding_note_add,
        "hmicfrs_note",
        "hmi_a",
        ("pcc_office_a", "other_hmi"),
        lambda w: (
            lambda f: (
                lambda by: finding_note_add(
                    finding=f, kind=FindingEntryKind.HMICFRS_NOTE, text="Note.", by=by, now=REGISTER_AT
                )
            )
        )(w.finding()),
    ),
]

CASES = [
    pytest.param(
        row,
        wrong,
        id=f"{row.rule}-{row.name}{'-' + row.label if row.label else ''}-{wrong}",
        marks=pytest.mark.wrong_actor(f"monitoring.services.{row.name}"),
    )
    for row in ROWS
    for wrong in row.wrong
]


@pytest.mark.parametrize(("row", "wrong"), CASES)
def test_every_service_refuses_the_wrong_actor_and_writes_nothing(row, wrong, request):
    """M1, M3–M10: each write refuses another role and the same role elsewhere; then the right actor succeeds."""
    world = World(request)
    act = row.prepare(world)
    wrong_actor, right_actor = getattr(world, wrong), getattr(world, row.right)
    error = refused(lambda: act(wrong_actor), "Only", code="actor")
    assert not re.search(r"\b[A-Z]\d+\b", " ".join(error.messages)), error.messages
    assert act(right_actor) is not None


def test_every_state_changing_service_is_in_the_wrong_actor_table():
    writes = {
        name
        for name, fn in inspect.getmembers(services, inspect.isfunction)
        if fn.__module__ == services.__name__ and not name.startswith("_")
    }
    # The chart's summary is recomputed by the services that change public periods, after their own actor
    # check; no person calls it (it is in SYSTEM_WRITES of tests/core/test_wrong_actor_coverage.py).
    assert writes - {"engage_chart_refresh"} == {row.name for row in ROWS}
    for row in ROWS:
        assert len(row.wrong) >= 2, row


def test_each_refusal_names_the_area_it_is_about(force_a, other_hmi):
    error = refused(lambda: _raise(force_a, other_hmi))
    assert error.messages == [
        "Only the HMI for Avon and Somerset Constabulary can raise a routine-monitoring concern about it."
    ]


def test_m3_passing_a_concern_to_the_apcc_cannot_be_taken_back_and_keeps_its_moment(
    force_a, hmi_a, pcc_office_a, apcc_lead
):
    """M3: once the PCC's office passed the concern on, a later mark neither hides it nor moves its moment."""
    concern = _raise(force_a, hmi_a)
    passed = CONCERN_AT + DAY
    concern_mark(concern=concern, passed_to_apcc=True, support_requested=False, by=pcc_office_a, now=passed)
    refused(
        lambda: concern_mark(
            concern=concern, passed_to_apcc=False, support_requested=False, by=pcc_office_a, now=passed + DAY
        ),
        match="cannot be taken back",
    )
    concern_mark(
        concern=concern, passed_to_apcc=True, support_requested=True, by=pcc_office_a, now=passed + 2 * DAY
    )
    concern.refresh_from_db()
    assert concern.passed_to_apcc_at == passed
    assert access.concerns_visible_to(apcc_lead, passed + DAY).filter(pk=concern.pk).exists()
    assert len(inbox_of(apcc_lead)) == 1


def test_m1_pcc_notes_are_for_the_pcc_office_and_hmicfrs_senior_or_area_staff_only(
    report_a, cause_a, chief_office_a, pcc_office_a, hmi_a, hmci, other_hmi, hmicfrs_staff
):
    """M1: a PCC's holding-to-account note is not read by HMICFRS staff with no part in the area."""
    later = REGISTER_AT + DAY
    note = finding_note_add(
        finding=cause_a,
        kind=FindingEntryKind.PCC_NOTE,
        text="Holding to account.",
        by=pcc_office_a,
        now=REGISTER_AT,
    )

    def sees(user: User) -> bool:
        return access.finding_entries_visible_to(user, cause_a, later).filter(pk=note.pk).exists()

    assert [sees(p) for p in (pcc_office_a, hmi_a, hmci)] == [True, True, True]
    assert [sees(p) for p in (chief_office_a, other_hmi, hmicfrs_staff)] == [False, False, False]
