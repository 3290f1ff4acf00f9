"""The case-working pages of monitoring: workspace, area, routine concerns (M3), the Engage case (M4–M6, M10).

Every case is built through monitoring.services on one fixed timeline (Europe/London,
spring 2027; the clocks go forward on Sunday 28 March 2027), and every page is read
with the clock frozen, so the gates (the PCC told before the announcement, M6) are
tested at known moments:

  ADVISED    Mon  1 March 09:00 GMT   the HMI for force A advises HMCI (M4)
  DECIDED    Tue  2 March 10:00 GMT   HMCI decides: Engage (M4)
  TOLD       Wed  3 March 09:30 GMT   the HMI tells the PCC in person (M6), recorded at 11:00
  ANNOUNCED  Thu  4 March 10:00 GMT   the public announcement (M5)
  LETTER     Thu  4 March 12:00 GMT   the formal letter (M6)
  LATER      Fri  5 March 12:00 GMT   pages are read
  EXIT       Thu  1 July 10:00 BST    HMCI decides force A leaves Engage (M10)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.models import AREA_KINDS, AssignmentKind, Organisation, Role, User
from hmicfrs_mou.deadlines import LONDON
from hmicfrs_mou.models import AuditAction, AuditEvent
from inspections.models import FindingKind, InspectionKind
from inspections.services import finding_add, inspection_create
from monitoring import services
from monitoring.models import CaseStep, EngageCase, EngageLetter, EngagePeriod, RoutineConcern
from monitoring.services import CauseInput
from tests.conftest import force, make_person, office_of
from tests.inspections.conftest import final, schedule

ADVISED = dt.datetime(2027, 3, 1, 9, tzinfo=LONDON)
DECIDED = dt.datetime(2027, 3, 2, 10, tzinfo=LONDON)
TOLD = dt.datetime(2027, 3, 3, 9, 30, tzinfo=LONDON)
RECORDED = dt.datetime(2027, 3, 3, 11, tzinfo=LONDON)
ANNOUNCED = dt.datetime(2027, 3, 4, 10, tzinfo=LONDON)
LETTER = dt.datetime(2027, 3, 4, 12, tzinfo=LONDON)
LATER = dt.datetime(2027, 3, 5, 12, tzinfo=LONDON)
EXIT = dt.datetime(2027, 7, 1, 10, tzinfo=LONDON)

ADVICE_MARKER = "ADVICE-MARKER-5f2c1"
EVIDENCE_MARKER = "EVIDENCE-MARKER-9a7e3"


# --- Building cases through the services -----------------------------------------------------------


@pytest.fixture
def hmci(hmicfrs: Organisation) -> User:
    return make_person("hmci", hmicfrs, Role.HMCI)


@pytest.fixture
def lead_hmi(hmicfrs: Organisation) -> User:
    """An HMI leading an inspection of force A without being its HMI."""
    return make_person("lead_hmi", hmicfrs, Role.HMI)


def advise(area: Organisation, hmi: User, now: dt.datetime = ADVISED) -> EngageCase:
    return services.case_advise(
        area=area,
        advice=f"{ADVICE_MARKER}: the force is not recording crime accurately.",
        evidence=f"{EVIDENCE_MARKER}: the audit of 2026.",
        causes=[CauseInput("The force does not record crime accurately.")],
        by=hmi,
        now=now,
    )


def decide(case: EngageCase, hmci: User, *, engage: bool = True, now: dt.datetime = DECIDED) -> EngageCase:
    return services.case_decide(case=case, engage=engage, reasons="Crime data integrity.", by=hmci, now=now)


@pytest.fixture
def advised(force_a: Organisation, hmi_a: User) -> EngageCase:
    return advise(force_a, hmi_a)


@pytest.fixture
def decided(advised: EngageCase, hmci: User) -> EngageCase:
    return decide(advised, hmci)


@pytest.fixture
def told(decided: EngageCase, hmi_a: User) -> EngageCase:
    return services.case_record_pcc_informed(
        case=decided, person_told="Clare Moody", told_at=TOLD, how="in_person", by=hmi_a, now=RECORDED
    )


@pytest.fixture
def announced(told: EngageCase, hmi_a: User) -> EngageCase:
    return services.case_announce(
        case=told, announcement="Avon and Somerset Police is in Engage.", by=hmi_a, now=ANNOUNCED
    )


@pytest.fixture
def lettered(announced: EngageCase, hmi_a: User) -> EngageCase:
    services.case_send_letter(case=announced, by=hmi_a, now=LETTER)
    return announced


def raise_concern(area: Organisation, hmi: User, summary: str, now: dt.datetime = ADVISED) -> RoutineConcern:
    return services.concern_raise(area=area, summary=summary, text=f"{summary}: details.", by=hmi, now=now)


# --- Reading and posting pages at a frozen moment -----------------------------------------------------


def url(name: str, pk: int | None = None) -> str:
    return reverse(f"monitoring:{name}", kwargs={"pk": pk} if pk is not None else None)


def get(client_for: Any, user: User | None, path: str, at: dt.datetime = LATER) -> Any:
    with time_machine.travel(at, tick=False):
        return client_for(user).get(path)


def post(client_for: Any, user: User | None, path: str, data: dict[str, Any], at: dt.datetime = LATER) -> Any:
    with time_machine.travel(at, tick=False):
        return client_for(user).post(path, data, follow=True)


def text_of(response: Any) -> str:
    return response.content.decode()


def denied(user: User, object_type: str, object_id: object) -> bool:
    return AuditEvent.objects.filter(
        action=AuditAction.DENIED, actor=user, object_type=object_type, object_id=str(object_id)
    ).exists()


# --- The workspace (M2) ----------------------------------------------------------------------------------


def test_m2_workspace_lists_all_87_areas_for_hmicfrs_with_the_hmis_own_area_first(client_for, hmi_a, force_a):
    response = get(client_for, hmi_a, url("workspace"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert len(rows) == 87
    assert rows[0].area == force_a
    assert rows[0].yours
    assert [row.area.kind for row in rows[1:43]] == ["police_force"] * 42
    assert [row.area.kind for row in rows[43:]] == ["fire_rescue_service"] * 44
    assert "Your area" in text_of(response)
    assert not any(row.in_engage for row in rows)


def test_m2_workspace_shows_engage_and_the_current_step_of_a_live_case(client_for, hmicfrs_staff, announced):
    response = get(client_for, hmicfrs_staff, url("workspace"))
    row = next(row for row in response.context["rows"] if row.area == announced.area)
    assert row.in_engage
    assert row.case.pk == announced.pk
    assert "Announced publicly" in text_of(response)
    assert response.context["engage_count"] == 1


@pytest.mark.parametrize("persona", ["pcc_office_a", "chief_office_a"])
def test_workspace_of_an_office_lists_its_own_area_only(client_for, request, persona, force_a):
    response = get(client_for, request.getfixturevalue(persona), url("workspace"))
    assert response.status_code == 200
    assert [row.area for row in response.context["rows"]] == [force_a]


def test_m6_workspace_shows_the_pcc_office_scan_until_the_pcc_is_told(client_for, pcc_office_a, decided):
    """The case exists and the period has started, but the PCC has not been told: nothing shows."""
    row = get(client_for, pcc_office_a, url("workspace")).context["rows"][0]
    assert not row.in_engage
    assert row.case is None


def test_workspace_sends_the_apcc_to_the_engage_tracker(client_for, apcc_lead):
    response = get(client_for, apcc_lead, url("workspace"))
    assert response.status_code == 302
    assert response["Location"] == reverse("monitoring:tracker")


def test_workspace_asks_a_visitor_to_sign_in(client_for):
    response = get(client_for, None, url("workspace"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_navigation_offers_monitoring_to_hmicfrs_and_offices_and_the_tracker_to_the_apcc(
    client_for, hmi_a, pcc_office_a, chief_office_a, apcc_lead
):
    for user in (hmi_a, pcc_office_a, chief_office_a):
        items = get(client_for, user, url("workspace")).context["nav_items"]
        monitoring = [item for item in items if item["text"] == "Monitoring"]
        assert monitoring == [{"href": url("workspace"), "text": "Monitoring", "active": True}]
    items = get(client_for, apcc_lead, reverse("inbox")).context["nav_items"]
    assert {"href": reverse("monitoring:tracker"), "text": "Engage tracker", "active": False} in items
    assert not [item for item in items if item["text"] == "Monitoring"]


# --- The area page -------------------------------------------------------------------------------------


def test_m3_m4_area_page_offers_the_hmi_for_the_area_a_concern_and_advice(client_for, hmi_a, force_a):
    response = get(client_for, hmi_a, url("area", force_a.pk))
    assert response.status_code == 200
    page = text_of(response)
    assert "Raise a routine-monitoring concern" in page
    assert "Advise HM Chief Inspector on Engage" in page
    assert url("register", force_a.pk) in page


def test_m4_area_page_offers_no_new_advice_while_a_case_is_live(client_for, hmi_a, advised):
    page = text_of(get(client_for, hmi_a, url("area", advised.area_id)))
    assert "Raise a routine-monitoring concern" in page
    assert "Advise HM Chief Inspector on Engage" not in page
    assert url("case", advised.pk) in page


@pytest.mark.parametrize("persona", ["pcc_office_a", "chief_office_a", "other_hmi", "hmicfrs_staff", "hmci"])
def test_m3_m4_area_page_offers_no_concern_or_advice_to_anyone_but_the_hmi_for_the_area(
    client_for, request, persona, force_a
):
    response = get(client_for, request.getfixturevalue(persona), url("area", force_a.pk))
    assert response.status_code == 200
    page = text_of(response)
    assert "Raise a routine-monitoring concern" not in page
    assert "Advise HM Chief Inspector on Engage" not in page


def test_area_page_of_another_area_is_404_for_an_office_and_audited(client_for, pcc_office_b, force_a):
    response = get(client_for, pcc_office_b, url("area", force_a.pk))
    assert response.status_code == 404
    assert denied(pcc_office_b, "contacts.organisation", force_a.pk)


def test_area_page_of_an_organisation_that_is_not_an_area_is_404(client_for, hmi_a, force_a):
    response = get(client_for, hmi_a, url("area", office_of(force_a).pk))
    assert response.status_code == 404


def test_m10_area_page_shows_the_engage_history_with_the_case_linked(
    client_for, hmi_a, pcc_office_a, lettered
):
    page = text_of(get(client_for, pcc_office_a, url("area", lettered.area_id)))
    assert "2 March 2027" in page  # entered Engage on the day of the decision
    assert "Still in Engage" in page
    assert url("case", lettered.pk) in page
    assert "Cannot start yet" not in page  # every step up to the letter is done


def test_m10_area_page_links_the_offices_own_historical_case(client_for, pcc_office_a, force_a, hmi_a, hmci):
    """M10: a case loaded from public history (announced, the PCC's telling not recorded) is the office's to read."""
    case = EngageCase.objects.create(
        area=force_a,
        advice="",
        evidence="",
        advised_by=hmi_a,
        advised_at=dt.datetime(2019, 9, 1, tzinfo=LONDON),
        decision_engage=True,
        decision_reasons="Published decision.",
        decided_at=dt.datetime(2019, 9, 1, tzinfo=LONDON),
        announced_at=dt.datetime(2019, 9, 1, tzinfo=LONDON),
        exited_at=dt.datetime(2021, 3, 1, tzinfo=LONDON),
        historical=True,
    )
    EngagePeriod.objects.create(
        case=case,
        area=force_a,
        starts_on=dt.date(2019, 9, 1),
        ends_on=dt.date(2021, 3, 1),
        starts_precision="month",
        ends_precision="year",
    )
    page = text_of(get(client_for, pcc_office_a, url("area", force_a.pk)))
    assert "September 2019" in page
    assert "2021" in page
    assert url("case", case.pk) in page
    case_page = text_of(get(client_for, pcc_office_a, url("case", case.pk)))
    assert "Published decision." in case_page


# --- Routine concerns (M3) -----------------------------------------------------------------------------


def test_m3_hmi_raises_a_concern_that_reaches_the_chief_and_the_pcc_in_one_notice(
    client_for, hmi_a, pcc_office_a, force_a
):
    response = post(
        client_for,
        hmi_a,
        url("concern-new", force_a.pk),
        {"summary": "Call handling", "text": "999 calls wait too long."},
        at=dt.datetime(2027, 11, 8, 14, 5, tzinfo=LONDON),
    )
    concern = RoutineConcern.objects.get()
    assert response.redirect_chain[-1][0] == url("concern", concern.pk)
    page = text_of(response)
    assert "Concern sent to the chief officer and the PCC at the same moment." in page
    assert "8 November 2027 at 14:05 GMT" in page
    assert force_a.name in page
    assert office_of(force_a).name in page
    assert set(concern.notice.recipients.all()) == {force_a, office_of(force_a)}
    # The PCC's office reads the same text.
    assert "999 calls wait too long." in text_of(
        get(client_for, pcc_office_a, url("concern", concern.pk), at=dt.datetime(2027, 11, 9, tzinfo=LONDON))
    )


def test_m3_concern_form_refuses_someone_other_than_the_hmi_and_changes_nothing(
    client_for, pcc_office_a, force_a
):
    response = post(client_for, pcc_office_a, url("concern-new", force_a.pk), {"summary": "A", "text": "B"})
    assert response.status_code == 200
    assert "Only the HMI for Avon and Somerset" in text_of(response)
    assert not RoutineConcern.objects.exists()


def test_m3_concern_form_asks_for_a_summary_and_text(client_for, hmi_a, force_a):
    response = post(client_for, hmi_a, url("concern-new", force_a.pk), {"summary": "", "text": ""})
    page = text_of(response)
    assert "There is a problem" in page
    assert "Enter a short summary of the concern." in page
    assert "Describe the concern." in page
    assert not RoutineConcern.objects.exists()


def test_m3_pcc_office_records_passing_the_concern_to_the_apcc(
    client_for, hmi_a, pcc_office_a, apcc_lead, force_a
):
    concern = raise_concern(force_a, hmi_a, "Call handling")
    assert get(client_for, apcc_lead, url("concern", concern.pk)).status_code == 404
    page = text_of(get(client_for, pcc_office_a, url("concern", concern.pk)))
    assert "What did your office do with this concern?" in page
    response = post(
        client_for,
        pcc_office_a,
        url("concern-mark", concern.pk),
        {"passed_to_apcc": "yes", "support_requested": "no", "note": "Sent to the APCC lead."},
    )
    assert "Your answer has been recorded." in text_of(response)
    concern.refresh_from_db()
    assert concern.passed_to_apcc is True
    assert concern.support_requested is False
    assert concern.pcc_marked_by == pcc_office_a
    # Passed on: the APCC can now read it, and the area page says what the PCC did.
    assert get(client_for, apcc_lead, url("concern", concern.pk)).status_code == 200
    assert "Passed it to the APCC" in text_of(get(client_for, hmi_a, url("area", force_a.pk)))


def test_m3_chief_office_cannot_answer_for_the_pcc(client_for, hmi_a, chief_office_a, force_a):
    concern = raise_concern(force_a, hmi_a, "Call handling")
    page = text_of(get(client_for, chief_office_a, url("concern", concern.pk)))
    assert "What did your office do with this concern?" not in page
    response = post(
        client_for,
        chief_office_a,
        url("concern-mark", concern.pk),
        {"passed_to_apcc": "yes", "support_requested": "yes"},
    )
    assert "Only the office of the PCC (or equivalent) for Avon and Somerset" in text_of(response)
    concern.refresh_from_db()
    assert concern.pcc_marked_at is None


def test_m3_concern_of_another_area_is_404_for_an_office_and_audited(
    client_for, hmi_a, pcc_office_b, force_a
):
    concern = raise_concern(force_a, hmi_a, "Call handling")
    for name in ("concern", "concern-mark"):
        assert get(client_for, pcc_office_b, url(name, concern.pk)).status_code == 404
    assert denied(pcc_office_b, "monitoring.routineconcern", concern.pk)


# --- The case page: visibility and the advice --------------------------------------------------------------


def test_m6_case_is_404_for_the_pcc_office_until_the_pcc_is_told(client_for, pcc_office_a, decided):
    assert (
        get(client_for, pcc_office_a, url("case", decided.pk), at=DECIDED + dt.timedelta(hours=1)).status_code
        == 404
    )
    assert denied(pcc_office_a, "monitoring.engagecase", decided.pk)


@pytest.mark.parametrize(
    "name",
    [
        "case",
        "case-decide",
        "case-pcc-informed",
        "case-announce",
        "case-letter",
        "case-letter-pdf",
        "case-exit",
    ],
)
def test_case_pages_are_404_for_the_office_of_another_area_and_audited(
    client_for, pcc_office_b, lettered, name
):
    response = get(client_for, pcc_office_b, url(name, lettered.pk))
    assert response.status_code == 404
    assert denied(pcc_office_b, "monitoring.engagecase", lettered.pk)


@pytest.mark.parametrize("persona", ["pcc_office_a", "chief_office_a", "apcc_lead", "hmicfrs_staff"])
def test_m4_advice_and_evidence_never_reach_anyone_outside_hmicfrs_for_the_area(
    client_for, request, persona, lettered
):
    user = request.getfixturevalue(persona)
    pages = [url("case", lettered.pk), url("area", lettered.area_id), url("case-decide", lettered.pk)]
    if persona != "apcc_lead":
        pages.append(url("workspace"))
    for path in pages:
        response = get(client_for, user, path)
        assert response.status_code == 200, path
        assert ADVICE_MARKER not in text_of(response), path
        assert EVIDENCE_MARKER not in text_of(response), path
    assert "Crime data integrity." in text_of(get(client_for, user, url("case", lettered.pk)))


@pytest.mark.parametrize("persona", ["hmi_a", "hmci"])
def test_m4_the_hmi_for_the_area_and_hmci_read_the_advice(client_for, request, persona, advised):
    page = text_of(get(client_for, request.getfixturevalue(persona), url("case", advised.pk)))
    assert ADVICE_MARKER in page
    assert EVIDENCE_MARKER in page


def test_case_page_before_the_announcement_is_on_the_audit_trail(client_for, hmci, advised):
    get(client_for, hmci, url("case", advised.pk))
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, actor=hmci, object_type="monitoring.engagecase", object_id=str(advised.pk)
    ).exists()


# --- The gates on the case page ---------------------------------------------------------------------------


def test_m4_m6_case_page_shows_the_letter_and_announcement_cannot_start_before_the_decision(
    client_for, hmi_a, advised
):
    page = text_of(get(client_for, hmi_a, url("case", advised.pk)))
    assert "Waiting for the decision" in page
    assert "Cannot start yet: HM Chief Inspector must decide first." in page
    assert "Cannot start yet: the PCC must be told in person first." in page
    # The HMI cannot take any step until HMCI decides.
    assert url("case-pcc-informed", advised.pk) not in page
    assert url("case-announce", advised.pk) not in page


def test_m6_case_page_gates_the_announcement_until_the_pcc_is_told(client_for, hmi_a, decided):
    page = text_of(get(client_for, hmi_a, url("case", decided.pk)))
    assert "Cannot start yet: the PCC must be told in person first." in page
    assert url("case-pcc-informed", decided.pk) in page
    assert url("case-announce", decided.pk) not in page
    assert url("case-letter", decided.pk) not in page


def test_m6_announce_page_refuses_before_pcc_told(client_for, hmi_a, decided):
    response = post(client_for, hmi_a, url("case-announce", decided.pk), {"announcement": "In Engage."})
    assert response.status_code == 200
    assert "The PCC must be told personally before the decision is announced" in text_of(response)
    decided.refresh_from_db()
    assert decided.announced_at is None


def test_m6_letter_page_refuses_before_pcc_told(client_for, hmi_a, decided):
    page = text_of(get(client_for, hmi_a, url("case-letter", decided.pk)))
    assert "Cannot start yet: the PCC must be told in person first." in page
    response = post(client_for, hmi_a, url("case-letter", decided.pk), {})
    assert "The formal letter follows telling the PCC personally" in text_of(response)
    assert not EngageLetter.objects.exists()


def test_m4_letter_page_refuses_before_the_decision(client_for, hmi_a, advised):
    response = post(client_for, hmi_a, url("case-letter", advised.pk), {})
    assert "The formal letter follows HM Chief Inspector" in text_of(response)
    assert not EngageLetter.objects.exists()


# --- Wrong actors ---------------------------------------------------------------------------------------------


def test_m4_only_hmci_decides_the_hmi_is_refused_on_the_form(client_for, hmi_a, advised):
    response = post(client_for, hmi_a, url("case-decide", advised.pk), {"engage": "yes", "reasons": "R."})
    assert "Only HM Chief Inspector can decide" in text_of(response)
    advised.refresh_from_db()
    assert advised.decided_at is None
    assert not EngagePeriod.objects.exists()


def test_m6_only_the_hmi_for_the_area_records_telling_the_pcc(client_for, hmci, decided):
    response = post(
        client_for,
        hmci,
        url("case-pcc-informed", decided.pk),
        {
            "person_told": "Clare Moody",
            "told_at_0": "3",
            "told_at_1": "3",
            "told_at_2": "2027",
            "told_at_time": "09:30",
            "how": "in_person",
        },
    )
    assert "Only the HMI for Avon and Somerset" in text_of(response)
    decided.refresh_from_db()
    assert decided.pcc_informed_at is None


@pytest.mark.parametrize("persona", ["chief_office_a", "pcc_office_a"])
def test_m5_an_office_cannot_announce_the_decision(client_for, request, persona, told):
    response = post(
        client_for, request.getfixturevalue(persona), url("case-announce", told.pk), {"announcement": "X."}
    )
    assert "Only the HMI for Avon and Somerset" in text_of(response)
    told.refresh_from_db()
    assert told.announced_at is None


def test_m10_only_hmci_decides_the_exit(client_for, hmi_a, announced):
    response = post(
        client_for,
        hmi_a,
        url("case-exit", announced.pk),
        {"reasons": "Better.", "improvements": "Much."},
        at=EXIT,
    )
    assert "Only HM Chief Inspector can decide that a force or FRS leaves Engage." in text_of(response)
    announced.refresh_from_db()
    assert announced.exited_at is None


def test_case_page_shows_each_persona_only_the_buttons_they_may_use(
    client_for, hmi_a, hmci, chief_office_a, pcc_office_a, apcc_lead, told
):
    hmi_page = text_of(get(client_for, hmi_a, url("case", told.pk)))
    assert url("case-announce", told.pk) in hmi_page
    assert url("case-letter", told.pk) in hmi_page
    assert url("meeting-new", told.pk) in hmi_page
    assert url("case-decide", told.pk) not in hmi_page
    hmci_page = text_of(get(client_for, hmci, url("case", told.pk)))
    assert url("case-announce", told.pk) in hmci_page
    assert url("case-letter", told.pk) not in hmci_page
    assert url("case-exit", told.pk) not in hmci_page  # not announced yet
    chief_page = text_of(get(client_for, chief_office_a, url("case", told.pk)))
    assert url("plan-new", told.pk) in chief_page
    assert "What you can do" in chief_page
    pcc_page = text_of(get(client_for, pcc_office_a, url("case", told.pk)))
    assert "What you can do" not in pcc_page
    # The APCC sees the case only from the announcement, then may share the toolkit.
    assert get(client_for, apcc_lead, url("case", told.pk)).status_code == 404


def test_m8_apcc_lead_is_offered_the_toolkit_once_announced(client_for, apcc_lead, announced):
    page = text_of(get(client_for, apcc_lead, url("case", announced.pk)))
    assert url("toolkit-send", announced.pk) in page
    assert "Not sent yet" in page


# --- The whole sequence through the pages -----------------------------------------------------------------------


def test_m4_m5_m6_m10_full_case_through_the_pages_by_the_hmi_and_hmci(
    client_for, hmi_a, hmci, pcc_office_a, pcc_office_b, lead_hmi, force_a
):
    inspection = inspection_create(
        kind=InspectionKind.PEEL,
        title="PEEL 2026",
        areas=[force_a],
        lead=lead_hmi,
        by=lead_hmi,
        now=dt.datetime(2026, 3, 2, 9, tzinfo=LONDON),
    )
    report = schedule(final(inspection))
    finding = finding_add(
        report=report,
        kind=FindingKind.CAUSE_OF_CONCERN,
        text="Crime is not recorded.",
        by=lead_hmi,
        area=force_a,
    )

    # M4: the HMI advises, linking a cause to the finding in the register.
    form = get(client_for, hmi_a, url("case-new", force_a.pk), at=ADVISED)
    assert finding.reference in text_of(form)
    response = post(
        client_for,
        hmi_a,
        url("case-new", force_a.pk),
        {
            "advice": f"{ADVICE_MARKER} Engage is needed.",
            "evidence": "The 2026 inspection.",
            "cause_1": "Crime is not recorded accurately.",
            "cause_1_finding": str(finding.pk),
            "cause_2": "Leadership does not act on audits.",
        },
        at=ADVISED,
    )
    case = EngageCase.objects.get()
    assert response.redirect_chain[-1][0] == url("case", case.pk)
    assert "Your advice has been sent to HM Chief Inspector." in text_of(response)
    assert [(c.text, c.finding_id) for c in case.causes.all()] == [
        ("Crime is not recorded accurately.", finding.pk),
        ("Leadership does not act on audits.", None),
    ]
    assert url("finding", finding.pk) in text_of(response)

    # M4: HMCI decides.
    response = post(
        client_for,
        hmci,
        url("case-decide", case.pk),
        {"engage": "yes", "reasons": "Crime data integrity."},
        at=DECIDED,
    )
    assert "Your decision has been recorded" in text_of(response)
    assert "Cannot start yet: the PCC must be told in person first." in text_of(response)
    case.refresh_from_db()
    assert case.decision_engage is True
    assert case.period.starts_on == dt.date(2027, 3, 2)

    # M6: the HMI records telling the PCC, in London time.
    response = post(
        client_for,
        hmi_a,
        url("case-pcc-informed", case.pk),
        {
            "person_told": "Clare Moody",
            "told_at_0": "3",
            "told_at_1": "3",
            "told_at_2": "2027",
            "told_at_time": "09:30",
            "how": "in_person",
        },
        at=RECORDED,
    )
    assert "Recorded that the PCC was told." in text_of(response)
    case.refresh_from_db()
    assert case.pcc_informed_at == TOLD
    assert "3 March 2027 at 09:30 GMT" in text_of(response)
    assert "Clare Moody, in person" in text_of(response)

    # The PCC's office now sees the case, without the advice.
    pcc_page = text_of(get(client_for, pcc_office_a, url("case", case.pk), at=RECORDED))
    assert "Crime data integrity." in pcc_page
    assert ADVICE_MARKER not in pcc_page

    # M5: the HMI announces.
    response = post(
        client_for, hmi_a, url("case-announce", case.pk), {"announcement": "In Engage."}, at=ANNOUNCED
    )
    assert "The decision has been announced and is now public." in text_of(response)

    # M6: the formal letter; the addressees are previewed first.
    preview = text_of(get(client_for, hmi_a, url("case-letter", case.pk), at=LETTER))
    assert "Avon and Somerset" in preview
    response = post(client_for, hmi_a, url("case-letter", case.pk), {}, at=LETTER)
    assert "The formal letter has been sent to the chief officer and the PCC." in text_of(response)
    assert EngageLetter.objects.filter(case=case).exists()

    # The PCC's office downloads the letter; another office cannot.
    download = get(client_for, pcc_office_a, url("case-letter-pdf", case.pk))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(
        action=AuditAction.DOWNLOAD, actor=pcc_office_a, object_type="monitoring.engageletter"
    ).exists()
    assert get(client_for, pcc_office_b, url("case-letter-pdf", case.pk)).status_code == 404

    # M10: HMCI decides the exit; the area is back in Scan, the history kept.
    response = post(
        client_for,
        hmci,
        url("case-exit", case.pk),
        {"reasons": "Crime recording is now accurate.", "improvements": "Audits show accurate recording."},
        at=EXIT,
    )
    assert "back in Scan" in text_of(response)
    assert "1 July 2027 at 10:00 BST" in text_of(response)
    case.refresh_from_db()
    assert case.exited_at == EXIT
    area_page = get(client_for, hmi_a, url("area", force_a.pk), at=EXIT + dt.timedelta(days=1))
    assert area_page.context["in_engage"] is False
    assert "1 July 2027" in text_of(area_page)
    assert "Advise HM Chief Inspector on Engage" in text_of(area_page)
    row = get(client_for, hmi_a, url("workspace"), at=EXIT + dt.timedelta(days=1)).context["rows"][0]
    assert (row.area, row.in_engage, row.case.pk, row.state.step) == (
        force_a,
        False,
        case.pk,
        CaseStep.EXITED,
    )


def test_m6_pcc_informed_form_reads_the_time_as_london_time_and_checks_it(client_for, hmi_a, decided):
    path = url("case-pcc-informed", decided.pk)
    data = {
        "person_told": "Clare Moody",
        "told_at_0": "3",
        "told_at_1": "3",
        "told_at_2": "2027",
        "how": "video",
    }
    response = post(client_for, hmi_a, path, {**data, "told_at_time": "9.5pm"})
    assert "Enter a time in the 24-hour clock" in text_of(response)
    response = post(client_for, hmi_a, path, {**data, "told_at_0": "6", "told_at_time": "09:30"})
    assert "The time you told them cannot be in the future." in text_of(response)
    response = post(client_for, hmi_a, path, {**data, "told_at_0": "1", "told_at_time": "09:30"})
    assert "The PCC cannot have been told of the decision before it was made." in text_of(response)
    decided.refresh_from_db()
    assert decided.pcc_informed_at is None


def test_m4_advice_form_needs_a_cause_of_concern(client_for, hmi_a, force_a):
    response = post(
        client_for, hmi_a, url("case-new", force_a.pk), {"advice": "A.", "evidence": "E."}, at=ADVISED
    )
    assert "Give at least one cause of concern." in text_of(response)
    assert not EngageCase.objects.exists()


def test_m4_advice_form_refuses_anyone_but_the_hmi_for_the_area(client_for, other_hmi, force_a):
    response = post(
        client_for,
        other_hmi,
        url("case-new", force_a.pk),
        {"advice": "A.", "evidence": "E.", "cause_1": "C."},
        at=ADVISED,
    )
    assert "Only the HMI for Avon and Somerset" in text_of(response)
    assert not EngageCase.objects.exists()


# --- The formal letter ----------------------------------------------------------------------------------------------


def test_m6_letter_pdf_is_404_before_it_is_sent_and_for_the_apcc(
    client_for, pcc_office_a, apcc_lead, announced, hmi_a
):
    assert get(client_for, pcc_office_a, url("case-letter-pdf", announced.pk)).status_code == 404
    services.case_send_letter(case=announced, by=hmi_a, now=LETTER)
    assert get(client_for, pcc_office_a, url("case-letter-pdf", announced.pk)).status_code == 200
    assert get(client_for, apcc_lead, url("case-letter-pdf", announced.pk)).status_code == 404
    assert denied(apcc_lead, "monitoring.engageletter", f"case:{announced.pk}")
    # The APCC reads the case but is not offered the letter.
    page = text_of(get(client_for, apcc_lead, url("case", announced.pk)))
    assert url("case-letter-pdf", announced.pk) not in page


def test_m6_chief_office_downloads_the_letter_as_sent(client_for, chief_office_a, lettered):
    response = get(client_for, chief_office_a, url("case-letter-pdf", lettered.pk))
    assert response.status_code == 200
    assert bytes(response.content) == bytes(EngageLetter.objects.get().pdf)


# --- Queries do not grow with the data ------------------------------------------------------------------------------


def _queries(client_for: Any, user: User, path: str) -> int:
    with time_machine.travel(LATER, tick=False):
        client = client_for(user)
        client.get(path)  # the first request of a session writes it; count the next
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_workspace_area_and_case_pages_cost_the_same_queries_with_one_or_many_cases_and_concerns(
    client_for, hmi_a, hmci, hmicfrs, force_a
):
    declined_area = force("cumbria")
    cumbria_hmi = make_person("cumbria_hmi", hmicfrs, Role.HMI, **{AssignmentKind.HMI: [declined_area]})

    def decline(day: int) -> EngageCase:
        case = advise(declined_area, cumbria_hmi, now=ADVISED + dt.timedelta(hours=day))
        return decide(case, hmci, engage=False, now=ADVISED + dt.timedelta(hours=day, minutes=30))

    raise_concern(force_a, hmi_a, "First")
    case = decide(advise(force_a, hmi_a), hmci)
    decline(1)
    pages = [url("workspace"), url("area", force_a.pk), url("area", declined_area.pk), url("case", case.pk)]
    small = {user.username: [_queries(client_for, user, path) for path in pages] for user in (hmi_a, hmci)}

    # More concerns, more cases HMCI declined, and live cases in other areas.
    others = [force(slug) for slug in ("kent", "essex", "devon-and-cornwall")]
    many_hmi = make_person("many_hmi", hmicfrs, Role.HMI, **{AssignmentKind.HMI: others})
    for i in range(4):
        raise_concern(force_a, hmi_a, f"Concern {i}")
    for area in others:
        decide(advise(area, many_hmi), hmci)
    decline(2)
    decline(3)
    assert EngageCase.objects.count() == 7
    assert RoutineConcern.objects.filter(area=force_a).count() == 5
    large = {user.username: [_queries(client_for, user, path) for path in pages] for user in (hmi_a, hmci)}
    assert large == small
    assert Organisation.objects.filter(kind__in=AREA_KINDS).count() == 87


# --- Every page for its persona, and none for a visitor ---------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "persona", "fixture", "at", "heading"),
    [
        ("case-decide", "hmci", "advised", LATER, "Decide whether Avon and Somerset"),
        ("case-pcc-informed", "hmi_a", "decided", LATER, "Record that you told the PCC"),
        ("case-announce", "hmi_a", "told", LATER, "Announce the decision"),
        ("case-letter", "hmi_a", "told", LATER, "Send the formal letter"),
        ("case-exit", "hmci", "announced", EXIT, "leaves Engage"),
        ("case", "chief_office_a", "told", LATER, "Engage case: Avon and Somerset"),
    ],
)
def test_each_case_step_page_renders_for_the_person_who_takes_the_step(
    client_for, request, name, persona, fixture, at, heading
):
    case = request.getfixturevalue(fixture)
    response = get(client_for, request.getfixturevalue(persona), url(name, case.pk), at=at)
    assert response.status_code == 200
    assert heading in text_of(response)


def test_concern_pages_render_for_the_hmi_and_the_pcc_office(client_for, hmi_a, pcc_office_a, force_a):
    assert "Raise a routine-monitoring concern" in text_of(
        get(client_for, hmi_a, url("concern-new", force_a.pk))
    )
    concern = raise_concern(force_a, hmi_a, "Call handling")
    page = text_of(get(client_for, pcc_office_a, url("concern-mark", concern.pk)))
    assert "What did your office do with this concern?" in page
    assert "Call handling: details." in page


@pytest.mark.parametrize(
    "name",
    [
        "area",
        "concern-new",
        "concern",
        "concern-mark",
        "case-new",
        "case",
        "case-decide",
        "case-pcc-informed",
        "case-announce",
        "case-letter",
        "case-letter-pdf",
        "case-exit",
    ],
)
def test_every_case_working_page_asks_a_visitor_to_sign_in(client_for, name, lettered):
    response = get(client_for, None, url(name, lettered.pk))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_m6_letter_page_shows_an_office_the_letter_but_never_offers_it_a_signature(
    client_for, pcc_office_a, told
):
    page = text_of(get(client_for, pcc_office_a, url("case-letter", told.pk)))
    assert "The HMI for Avon and Somerset" in page
    assert "Signed by" not in page
