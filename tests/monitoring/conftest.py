"""Monitoring fixtures (M1–M10, D6, D7): extra personas and one Engage timeline, built through the services.

The timeline, spring 2026 in Europe/London (the clocks go forward on Sunday 29 March):
  REPORT_CREATED  Mon  2 February 09:00 GMT  a PEEL report about force A with its findings
  PUBLISHED       Tue 17 February 10:00 GMT  the report is published (M1 tracks its findings)
  ADVISED         Mon  2 March    10:00 GMT  the HMI for force A advises HMCI (M4)
  DECIDED         Wed  4 March    14:00 GMT  HMCI decides: Engage (M4); the period opens that day (M2)
  TOLD            Thu  5 March    09:30 GMT  the HMI tells the PCC in person and records it (M6)
  ANNOUNCED       Tue 10 March    10:00 GMT  the public announcement (M5)
  SCHEDULED_AT    Wed 20 May      10:00 BST  HMICFRS schedules the PPOG for Monday 1 June (M4)
  NOMINATED_AT    Thu 21 May      10:00 BST  the APCC lead nominates a deputy for it (M7)
  HELD_AT         Mon  1 June     16:00 BST  the PPOG is recorded as held that day (M7)
  ACTION_AT       Mon  1 June     16:30 BST  an offer of assistance is recorded (M9)
  FOLLOW_UP_DUE   Tue  9 June     00:00 BST  the end of Monday 8 June, 5 working days on (D6)

Extra personas beside tests/conftest.py: HMCI, the chief operating officer (HMICFRS senior staff,
not HMCI), an APCC deputy (APCC staff a lead can nominate for one meeting, M7), the chief's office
of force B, and the PCC (the policing body) of force A.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from contacts.models import Organisation, Role, User
from hmicfrs_mou.deadlines import LONDON
from hmicfrs_mou.models import AuditEvent, Deadline, DeadlineParty, InboxMessage, Reminder
from inspections.models import Finding, FindingKind, InspectionKind, InspectionNotice, Report, ReportKind
from inspections.services import (
    finding_add,
    inspection_create,
    report_create,
    report_finalise,
    report_schedule,
)
from monitoring.models import EngageCase, MeetingAction, OversightMeeting
from monitoring.services import (
    AttendanceInput,
    CauseInput,
    action_add,
    case_advise,
    case_announce,
    case_decide,
    case_record_pcc_informed,
    deputy_nominate,
    meeting_record_held,
    meeting_schedule,
)
from tests.conftest import make_person, office_of


def london(*parts: int) -> dt.datetime:
    """A wall-clock moment in London, as the aware UTC datetime the services store and compare."""
    return dt.datetime(*parts, tzinfo=LONDON).astimezone(dt.UTC)


REPORT_CREATED = london(2026, 2, 2, 9)
PUBLISHED = london(2026, 2, 17, 10)
ADVISED = london(2026, 3, 2, 10)
DECIDED = london(2026, 3, 4, 14)
TOLD = london(2026, 3, 5, 9, 30)
ANNOUNCED = london(2026, 3, 10, 10)
SECOND = dt.timedelta(seconds=1)
HOUR = dt.timedelta(hours=1)

ADVICE = "Crime recording has not improved since the last inspection; I advise Engage."
EVIDENCE = "PEEL 2025 graded crime recording inadequate; two accelerated causes of concern."
CAUSES = (
    "The force does not record crime accurately.",
    "The force does not respond to vulnerable people quickly enough.",
)
REASONS = "The evidence shows failures in crime recording and the response to vulnerable people."
SCHEDULED_AT = london(2026, 5, 20, 10)
NOMINATED_AT = london(2026, 5, 21, 10)
HELD_ON = dt.date(2026, 6, 1)
HELD_AT = london(2026, 6, 1, 16)
ACTION_AT = london(2026, 6, 1, 16, 30)
# D6 by hand: Monday 1 June 2026 + 5 working days: Tue 2, Wed 3, Thu 4, Fri 5, Mon 8 June (no bank holiday).
FOLLOW_UP_LAST_DAY = dt.date(2026, 6, 8)
FOLLOW_UP_DUE = london(2026, 6, 9, 0, 0)

ANNOUNCEMENT = "HM Chief Inspector has placed Avon and Somerset Constabulary in Engage."


def utc(moment: dt.datetime) -> dt.datetime:
    """A London moment as the aware UTC datetime the services store."""
    return moment.astimezone(dt.UTC)


# --- Personas ------------------------------------------------------------------------------------


@pytest.fixture
def hmci(hmicfrs: Organisation) -> User:
    """HM Chief Inspector: decides entry to and exit from Engage (M4, M10)."""
    return make_person("hmci", hmicfrs, Role.HMCI)


@pytest.fixture
def coo(hmicfrs: Organisation) -> User:
    """HMICFRS senior staff who is not HMCI: sees every case, decides nothing."""
    return make_person("coo", hmicfrs, Role.CHIEF_OPERATING_OFFICER)


@pytest.fixture
def apcc_deputy(apcc: Organisation) -> User:
    """APCC staff a joint performance portfolio lead may nominate as deputy for one meeting (M7)."""
    return make_person("apcc_deputy", apcc, Role.APCC_STAFF)


@pytest.fixture
def apcc_other_lead(apcc: Organisation) -> User:
    """An APCC portfolio lead for performance, not the joint performance lead (M7, M8)."""
    return make_person("apcc_performance_lead", apcc, Role.APCC_PERFORMANCE_LEAD)


@pytest.fixture
def chief_office_b(force_b: Organisation) -> User:
    return make_person("chief_office_b", force_b, Role.CHIEF_OFFICER_STAFF)


@pytest.fixture
def pcc_a(force_a: Organisation) -> User:
    """The PCC for force A (the policing body in person), named in the formal letter (M6)."""
    return make_person("pcc_a", office_of(force_a), Role.POLICING_BODY)


@pytest.fixture
def chief_constable_a(force_a: Organisation) -> User:
    return make_person("chief_constable_a", force_a, Role.CHIEF_OFFICER)


@pytest.fixture
def anonymous() -> AnonymousUser:
    return AnonymousUser()


# --- The Engage case through its steps -----------------------------------------------------------


def take_case(
    area: Organisation,
    *,
    hmi: User,
    hmci: User | None = None,
    advised: dt.datetime = ADVISED,
    decided: dt.datetime | None = None,
    told: dt.datetime | None = None,
    announced: dt.datetime | None = None,
    engage: bool = True,
    causes: tuple[CauseInput, ...] | None = None,
) -> EngageCase:
    """Advise → decide → PCC told → announce, each at its moment; stops at the first step given as None.

    The PCC is told at `told` and the HMI records it at that same moment.
    """
    case = case_advise(
        area=area,
        advice=ADVICE,
        evidence=EVIDENCE,
        causes=causes or tuple(CauseInput(text) for text in CAUSES),
        by=hmi,
        now=advised,
    )
    if decided is None:
        return EngageCase.objects.get(pk=case.pk)
    assert hmci is not None, "HMCI decides"
    case_decide(case=case, engage=engage, reasons=REASONS, by=hmci, now=decided)
    if told is None or not engage:
        return EngageCase.objects.get(pk=case.pk)
    case_record_pcc_informed(
        case=case, person_told="Clare Moody, PCC", told_at=told, how="in_person", by=hmi, now=told
    )
    if announced is not None:
        case_announce(case=case, announcement=ANNOUNCEMENT, by=hmi, now=announced)
    return EngageCase.objects.select_related("area").get(pk=case.pk)


@pytest.fixture
def engage():
    """The helper as a fixture: `engage(area, hmi=..., hmci=..., decided=DECIDED, ...)`."""
    return take_case


@pytest.fixture
def announced_case(force_a: Organisation, hmi_a: User, hmci: User) -> EngageCase:
    """Force A in Engage: advised, decided, PCC told and announced on the timeline above."""
    return take_case(force_a, hmi=hmi_a, hmci=hmci, decided=DECIDED, told=TOLD, announced=ANNOUNCED)


# --- The PPOG (M4, M7, M9) ------------------------------------------------------------------------


def attending(*people: User) -> list[AttendanceInput]:
    """Attendance of people with a login, each for the organisation they work for."""
    return [
        AttendanceInput(
            organisation=person.appointments.first().organisation, name=str(person), person=person
        )
        for person in people
    ]


@pytest.fixture
def meeting(announced_case: EngageCase, hmi_a: User) -> OversightMeeting:
    """Force A's PPOG on Monday 1 June 2026, scheduled by the HMI for force A."""
    return meeting_schedule(case=announced_case, scheduled_for=HELD_ON, by=hmi_a, now=SCHEDULED_AT)


@pytest.fixture
def held_meeting(
    meeting: OversightMeeting, apcc_lead: User, apcc_deputy: User, hmi_a: User, chief_office_a: User
) -> OversightMeeting:
    """The PPOG with apcc_deputy nominated for it, held on 1 June 2026 with the APCC lead there."""
    deputy_nominate(meeting=meeting, deputy=apcc_deputy, by=apcc_lead, now=NOMINATED_AT)
    return meeting_record_held(
        meeting=meeting,
        held_on=HELD_ON,
        attendances=attending(apcc_lead, hmi_a, chief_office_a),
        notes="Crime recording plan discussed.",
        by=hmi_a,
        now=HELD_AT,
    )


@pytest.fixture
def offer(held_meeting: OversightMeeting, apcc_lead: User, apcc: Organisation) -> MeetingAction:
    """An offer of assistance from the APCC recorded at the PPOG (M9); its follow-up is due by D6."""
    return action_add(
        meeting=held_meeting,
        text="The APCC offers a peer review of the PCC's scrutiny of crime recording.",
        owner=apcc,
        offer_of_assistance=True,
        by=apcc_lead,
        now=ACTION_AT,
    )


# --- A published report with findings (M1) -----------------------------------------------------------


@pytest.fixture
def lead_hmi(hmicfrs: Organisation) -> User:
    """The HMI leading the inspection (not the HMI for force A)."""
    return make_person("lead_hmi", hmicfrs, Role.HMI)


def published_report(area: Organisation, lead: User, *, schedule: bool = True) -> Report:
    """A force-specific PEEL report about `area` with one finding of each kind, published at PUBLISHED."""
    inspection = inspection_create(
        kind=InspectionKind.PEEL,
        title=f"PEEL 2025–27: {area}",
        areas=[area],
        lead=lead,
        by=lead,
        now=REPORT_CREATED,
    )
    report = report_create(
        inspection=inspection,
        kind=ReportKind.FORCE_SPECIFIC,
        title=f"PEEL 2025–27: {area}",
        body="The force needs to improve how it records crime.",
        by=lead,
        now=REPORT_CREATED,
    )
    for kind, text in (
        (FindingKind.CAUSE_OF_CONCERN, CAUSES[0]),
        (FindingKind.RECOMMENDATION, "Within six months the force should audit its crime records."),
        (FindingKind.AREA_FOR_IMPROVEMENT, "The force should improve its call handling."),
    ):
        finding_add(report=report, kind=kind, text=text, by=lead)
    report_finalise(report=report, by=lead, now=REPORT_CREATED + HOUR)
    if schedule:
        report_schedule(report=report, publication_at=PUBLISHED, by=lead, now=REPORT_CREATED + 2 * HOUR)
    return Report.objects.get(pk=report.pk)


@pytest.fixture
def report_a(force_a: Organisation, lead_hmi: User) -> Report:
    return published_report(force_a, lead_hmi)


@pytest.fixture
def cause_a(report_a: Report) -> Finding:
    """Force A's cause of concern from the published report."""
    return report_a.findings.get(kind=FindingKind.CAUSE_OF_CONCERN)


@pytest.fixture
def recommendation_a(report_a: Report) -> Finding:
    return report_a.findings.get(kind=FindingKind.RECOMMENDATION)


# --- "Nothing written" -----------------------------------------------------------------------------

WATCHED_EXTRA = (InboxMessage, Deadline, DeadlineParty, Reminder, AuditEvent, InspectionNotice, Finding)


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row (all columns) of every monitoring model and of what the services also write."""
    models = [*apps.get_app_config("monitoring").get_models(), *WATCHED_EXTRA]
    state = {}
    for model in models:
        rows = []
        for row in model.objects.order_by("pk").values():
            rows.append({k: bytes(v) if isinstance(v, memoryview) else v for k, v in row.items()})
        state[model._meta.label] = rows
    return state


def refused(
    call: Callable[[], object], match: str | None = None, *, code: str | None = None
) -> ValidationError:
    """Call a service expecting a refusal: a ValidationError, with not one row added, changed or removed."""
    before = snapshot()
    with pytest.raises(ValidationError) as caught:
        call()
    after = snapshot()
    changed = [label for label in before if before[label] != after[label]]
    assert not changed, f"a refused call wrote to {changed}"
    error = caught.value
    if match is not None:
        assert match in " ".join(error.messages), error.messages
    if code is not None:
        assert getattr(error, "code", None) == code, (error.messages, getattr(error, "code", None))
    return error


@pytest.fixture
def nothing_written():
    return refused
