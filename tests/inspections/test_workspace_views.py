"""The HMICFRS inspection workspace: persona answers for every page, and bad input refused with nothing changed.

Fixtures are built with inspections.services on one timeline (Europe/London, summer 2026):

  CREATED      Mon  1 June 09:00 BST   inspection of force A and its draft report
  FAC_OPENS    Mon  8 June 09:00       the draft goes to force A's chief's office (I7)
  FAC_CLOSES   Fri 19 June 17:00       the window closes
  FINALISED    Mon 22 June 12:00
  SCHEDULED    Wed 24 June 10:00       publication scheduled
  DISTRIBUTION Sun  5 July 10:00       T−48 h: the embargoed copy reaches the chief and the PCC (U3)
  PUBLICATION  Tue  7 July 10:00       T

hmi_a is on the team only as the HMI for force A (the lead is another HMI); other_hmi
(force B) and hmicfrs_staff are HMICFRS but not on the team.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.models import OrganisationKind, Role
from hmicfrs_mou.deadlines import LONDON
from hmicfrs_mou.models import LIVE_STATES, AuditAction, AuditEvent, Deadline, DeadlineState, InboxMessage
from inspections.models import (
    DiaryNote,
    EvidenceRecord,
    FactualAccuracyComment,
    Finding,
    FindingKind,
    Inspection,
    InspectionKind,
    InspectionNotice,
    Redaction,
    Report,
    ReportKind,
    ReportState,
)
from inspections.services import (
    evidence_record,
    fac_comment_submit,
    finding_add,
    inspection_create,
    report_create,
    report_finalise,
    report_open_factual_accuracy,
    report_schedule,
)
from tests.conftest import make_person, office_of, org

pytestmark = pytest.mark.django_db

CREATED = dt.datetime(2026, 6, 1, 9, tzinfo=LONDON)
FAC_OPENS = dt.datetime(2026, 6, 8, 9, tzinfo=LONDON)
IN_FAC = dt.datetime(2026, 6, 10, 12, tzinfo=LONDON)
FAC_CLOSES = dt.datetime(2026, 6, 19, 17, tzinfo=LONDON)
FINALISED = dt.datetime(2026, 6, 22, 12, tzinfo=LONDON)
SCHEDULED = dt.datetime(2026, 6, 24, 10, tzinfo=LONDON)
BEFORE_DISTRIBUTION = dt.datetime(2026, 7, 1, 12, tzinfo=LONDON)
DISTRIBUTION = dt.datetime(2026, 7, 5, 10, tzinfo=LONDON)
IN_EMBARGO = dt.datetime(2026, 7, 6, 12, tzinfo=LONDON)
PUBLICATION = dt.datetime(2026, 7, 7, 10, tzinfo=LONDON)
AFTER = dt.datetime(2026, 7, 8, 12, tzinfo=LONDON)
SECOND = dt.timedelta(seconds=1)

BODY = (
    "Avon and Somerset Police answers most emergency calls within target.\n\n"
    "Response times in rural areas are longer than the force's own standard.\n\n"
    "The force needs to improve how it records crime."
)

PERSONAS = [
    "hmi_a",
    "other_hmi",
    "hmicfrs_staff",
    "chief_office_a",
    "pcc_office_a",
    "pcc_office_b",
    "apcc_lead",
    "anonymous",
]
LOGIN = "login"


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def people(hmi_a, other_hmi, hmicfrs_staff, chief_office_a, pcc_office_a, pcc_office_b, apcc_lead):
    return {
        "hmi_a": hmi_a,
        "other_hmi": other_hmi,
        "hmicfrs_staff": hmicfrs_staff,
        "chief_office_a": chief_office_a,
        "pcc_office_a": pcc_office_a,
        "pcc_office_b": pcc_office_b,
        "apcc_lead": apcc_lead,
        "anonymous": None,
    }


@pytest.fixture
def lead(hmicfrs):
    """The senior responsible owner: an HMI with no force of their own."""
    return make_person("ws_lead", hmicfrs, Role.HMI)


@pytest.fixture
def inspection(force_a, lead) -> Inspection:
    return inspection_create(
        kind=InspectionKind.PEEL,
        title="PEEL 2026: Avon and Somerset Police",
        areas=[force_a],
        lead=lead,
        by=lead,
        now=CREATED,
    )


@pytest.fixture
def inspection_b(force_b, other_hmi) -> Inspection:
    return inspection_create(
        kind=InspectionKind.PEEL,
        title="PEEL 2026: Kent Police",
        areas=[force_b],
        lead=other_hmi,
        by=other_hmi,
        now=CREATED,
    )


def new_draft(inspection: Inspection, **kwargs: object) -> Report:
    kwargs.setdefault("kind", ReportKind.FORCE_SPECIFIC)
    kwargs.setdefault("title", "PEEL 2026: Avon and Somerset Police – report")
    kwargs.setdefault("summary", "The force is effective at answering calls.")
    return report_create(inspection=inspection, body=BODY, by=inspection.lead, now=CREATED, **kwargs)


@pytest.fixture
def draft(inspection) -> Report:
    report = new_draft(inspection)
    finding_add(
        report=report,
        kind=FindingKind.AREA_FOR_IMPROVEMENT,
        text="Improve rural response times.",
        by=inspection.lead,
    )
    return report


@pytest.fixture
def in_fac(draft) -> Report:
    return report_open_factual_accuracy(
        report=draft, closes_at=FAC_CLOSES, by=draft.inspection.lead, now=FAC_OPENS
    )


@pytest.fixture
def final(draft) -> Report:
    return report_finalise(report=draft, by=draft.inspection.lead, now=FINALISED)


@pytest.fixture
def scheduled(final) -> Report:
    return report_schedule(report=final, publication_at=PUBLICATION, by=final.inspection.lead, now=SCHEDULED)


def travel(moment: dt.datetime):
    return time_machine.travel(moment, tick=False)


def client(user) -> Client:
    browser = Client()
    if user is not None:
        browser.force_login(user)
    return browser


def get(user, url: str, moment: dt.datetime, **kwargs):
    with travel(moment):
        return client(user).get(url, **kwargs)


def post(user, url: str, data: dict, moment: dt.datetime):
    with travel(moment):
        return client(user).post(url, data)


def check(response, expected) -> None:
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == expected


def each_persona(people, url: str, moment: dt.datetime, expected: list) -> None:
    for persona, status in zip(PERSONAS, expected, strict=True):
        response = get(people[persona], url, moment)
        try:
            check(response, status)
        except AssertionError:
            pytest.fail(f"{persona} on {url} at {moment}: expected {status}, got {response.status_code}")


def date_parts(name: str, moment: dt.datetime) -> dict[str, str]:
    local = moment.astimezone(LONDON)
    return {
        f"{name}_0": str(local.day),
        f"{name}_1": str(local.month),
        f"{name}_2": str(local.year),
        f"{name}_time": f"{local:%H:%M}",
    }


def audit_views(report: Report, user) -> int:
    return AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="inspections.report", object_id=str(report.pk), actor=user
    ).count()


# --- persona matrix ------------------------------------------------------------------------------

#                        hmi_a other  staff  chief  pcc_a  pcc_b  apcc   anon
INSPECTION_PAGES = [
    ("inspections:list", [200, 200, 200, 200, 200, 200, 200, LOGIN]),
    ("inspections:new", [200, 200, 200, 403, 403, 403, 403, LOGIN]),
    ("inspections:search", [200, 200, 200, 200, 200, 200, 200, LOGIN]),
    ("inspections:reports-csv", [200, 200, 200, 200, 200, 200, 200, LOGIN]),
]
ONE_INSPECTION = [
    ("inspections:detail", [200, 404, 404, 200, 200, 404, 404, LOGIN]),
    ("inspections:notify", [200, 404, 404, 403, 403, 404, 404, LOGIN]),
    ("inspections:report-new", [200, 404, 404, 403, 403, 404, 404, LOGIN]),
]


@pytest.mark.parametrize(("name", "expected"), INSPECTION_PAGES)
def test_workspace_pages_answer_each_persona(people, inspection, name, expected):
    each_persona(people, reverse(name), IN_FAC, expected)


@pytest.mark.parametrize(("name", "expected"), ONE_INSPECTION)
def test_an_inspection_of_force_a_answers_each_persona_i1(people, inspection, name, expected):
    """The team, and force A's chief's office and PCC (told under I1), see it; outsiders get 404."""
    each_persona(people, reverse(name, kwargs={"pk": inspection.pk}), IN_FAC, expected)


REPORT_STAGES = [
    # (fixture, moment, expected in PERSONAS order)
    ("draft", CREATED, [200, 404, 404, 404, 404, 404, 404, LOGIN]),
    # I7: the draft goes to the force for the window, never to the PCC.
    ("in_fac", IN_FAC, [200, 404, 404, 200, 404, 404, 404, LOGIN]),
    ("in_fac", FAC_CLOSES, [200, 404, 404, 404, 404, 404, 404, LOGIN]),
    ("final", FINALISED, [200, 404, 404, 404, 404, 404, 404, LOGIN]),
    ("scheduled", DISTRIBUTION - SECOND, [200, 404, 404, 404, 404, 404, 404, LOGIN]),
    # U3: from T−48 h the chief's office and the PCC of force A.
    ("scheduled", DISTRIBUTION, [200, 404, 404, 200, 200, 404, 404, LOGIN]),
    ("scheduled", PUBLICATION - SECOND, [200, 404, 404, 200, 200, 404, 404, LOGIN]),
    ("scheduled", PUBLICATION, [200, 200, 200, 200, 200, 200, 200, LOGIN]),
]


@pytest.mark.parametrize(
    ("fixture", "moment", "expected"),
    REPORT_STAGES,
    ids=[f"{row[0]}@{row[1]:%d%b%H%M%S}" for row in REPORT_STAGES],
)
def test_report_page_answers_each_persona_i7_u3(request, people, fixture, moment, expected):
    report = request.getfixturevalue(fixture)
    each_persona(people, reverse("inspections:report", kwargs={"pk": report.pk}), moment, expected)


TEAM_ACTIONS = [
    "inspections:report-open-fac",
    "inspections:report-finalise",
    "inspections:report-redact",
    "inspections:finding-add",
    "inspections:report-schedule",
    "inspections:diary-note",
]


@pytest.mark.parametrize("name", TEAM_ACTIONS)
def test_team_action_pages_are_the_teams_only(people, scheduled, name):
    """404 where the report is not visible; 403 where it is visible (embargo window) but the action is the team's."""
    url = reverse(name, kwargs={"pk": scheduled.pk})
    each_persona(people, url, IN_EMBARGO, [200, 404, 404, 403, 403, 404, 404, LOGIN])
    each_persona(people, url, BEFORE_DISTRIBUTION, [200, 404, 404, 404, 404, 404, 404, LOGIN])


def test_decide_page_answers_each_persona_i7(people, in_fac, chief_office_a):
    comment = fac_comment_submit(
        report=in_fac,
        by=chief_office_a,
        paragraph="2",
        current_text="longer",
        proposed_correction="shorter",
        evidence="Control room data",
        now=IN_FAC,
    )
    url = reverse("inspections:fac-decide", kwargs={"pk": in_fac.pk, "comment_pk": comment.pk})
    each_persona(people, url, IN_FAC, [200, 404, 404, 403, 404, 404, 404, LOGIN])


def test_a_change_by_someone_outside_the_team_changes_nothing(people, scheduled):
    """The chief's office can read the embargoed copy (U3) but cannot move the publication moment."""
    data = date_parts("publication_at", PUBLICATION + dt.timedelta(days=7))
    for persona in ("chief_office_a", "pcc_office_a"):
        response = post(
            people[persona],
            reverse("inspections:report-schedule", kwargs={"pk": scheduled.pk}),
            data,
            IN_EMBARGO,
        )
        assert response.status_code == 403
    scheduled.refresh_from_db()
    assert scheduled.publication_at == PUBLICATION


def test_get_only_pages_refuse_post(hmi_a, inspection):
    for name in ("inspections:list", "inspections:search", "inspections:reports-csv"):
        assert post(hmi_a, reverse(name), {}, IN_FAC).status_code == 405


# --- list and start an inspection --------------------------------------------------------------------------


def test_list_shows_inspections_with_areas_lead_and_visible_report_states(
    hmi_a, pcc_office_a, pcc_office_b, in_fac, inspection_b
):
    team = get(hmi_a, reverse("inspections:list"), IN_FAC)
    page = team.content.decode()
    assert "PEEL 2026: Avon and Somerset Police" in page
    assert "Avon and Somerset" in page
    assert "Ws Lead Tester" in page
    assert in_fac.title in page
    assert "Factual-accuracy check" in page
    assert "Start an inspection" in page
    assert "PEEL 2026: Kent Police" not in page

    pcc = get(pcc_office_a, reverse("inspections:list"), IN_FAC).content.decode()
    # I1: the PCC is told of the inspection, but never sees the draft (I7).
    assert "PEEL 2026: Avon and Somerset Police" in pcc
    assert in_fac.title not in pcc
    assert "Start an inspection" not in pcc
    assert (
        "PEEL 2026: Avon and Somerset Police"
        not in get(pcc_office_b, reverse("inspections:list"), IN_FAC).content.decode()
    )


def test_list_costs_the_same_queries_for_more_inspections(hmi_a, force_a, lead):
    """Scale: the list is paginated and prefetched, so more inspections cost no more queries."""

    def make(count: int) -> None:
        for n in range(count):
            inspection = inspection_create(
                kind=InspectionKind.PEEL,
                title=f"Inspection {n}",
                areas=[force_a],
                lead=lead,
                by=lead,
                now=CREATED,
            )
            new_draft(inspection, title=f"Report {n}")

    def queries() -> int:
        with travel(IN_FAC):
            browser = client(hmi_a)
            browser.get(reverse("inspections:list"))
            with CaptureQueriesContext(connection) as captured:
                assert browser.get(reverse("inspections:list")).status_code == 200
        return len(captured)

    make(2)
    few = queries()
    make(6)
    assert queries() == few


def test_hmicfrs_starts_an_inspection(hmi_a, force_a):
    data = {
        "kind": InspectionKind.PEEL,
        "title": "PEEL 2027",
        "areas": [force_a.pk],
        "lead": hmi_a.pk,
        "team": [hmi_a.pk],
    }
    response = post(hmi_a, reverse("inspections:new"), data, CREATED)
    inspection = Inspection.objects.get(title="PEEL 2027")
    assert response.status_code == 302
    assert response["Location"] == reverse("inspections:detail", kwargs={"pk": inspection.pk})
    assert list(inspection.areas.all()) == [force_a]
    assert inspection.lead == hmi_a


def test_staff_not_on_the_team_start_an_inspection_and_return_to_the_list(hmicfrs_staff, hmi_a, force_a):
    data = {"kind": InspectionKind.PEEL, "title": "PEEL 2027", "areas": [force_a.pk], "lead": hmi_a.pk}
    response = post(hmicfrs_staff, reverse("inspections:new"), data, CREATED)
    assert response.status_code == 302
    assert response["Location"] == reverse("inspections:list")
    assert Inspection.objects.filter(title="PEEL 2027").exists()


def test_peel_of_a_fire_service_is_refused_on_the_areas_field(hmi_a):
    fire = org(OrganisationKind.FIRE_RESCUE_SERVICE, "avon")
    data = {"kind": InspectionKind.PEEL, "title": "PEEL 2027", "areas": [fire.pk], "lead": hmi_a.pk}
    response = post(hmi_a, reverse("inspections:new"), data, CREATED)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Error: Start an inspection" in page
    assert "PEEL inspects police forces." in page
    assert not Inspection.objects.filter(title="PEEL 2027").exists()


def test_only_hmicfrs_may_start_an_inspection(pcc_office_a, hmi_a, force_a):
    data = {"kind": InspectionKind.PEEL, "title": "PEEL 2027", "areas": [force_a.pk], "lead": hmi_a.pk}
    assert post(pcc_office_a, reverse("inspections:new"), data, CREATED).status_code == 403
    assert not Inspection.objects.filter(title="PEEL 2027").exists()


def test_a_commissioned_inspection_needs_an_accepted_request_p2(hmi_a, force_a):
    data = {
        "kind": InspectionKind.COMMISSIONED,
        "title": "Commissioned",
        "areas": [force_a.pk],
        "lead": hmi_a.pk,
    }
    response = post(hmi_a, reverse("inspections:new"), data, CREATED)
    assert "needs an accepted commission request." in response.content.decode()
    assert not Inspection.objects.filter(title="Commissioned").exists()


# --- the inspection's timeline ---------------------------------------------------------------------------


def test_one_notice_reaches_chief_and_pcc_with_the_same_text_and_moment_i1(
    hmi_a, chief_office_a, pcc_office_a, pcc_office_b, inspection, force_a
):
    url = reverse("inspections:notify", kwargs={"pk": inspection.pk})
    data = {
        "kind": InspectionNotice.Kind.NOTIFICATION,
        "subject": "PEEL fieldwork",
        "body": "Fieldwork starts on 1 July.",
    }
    sent = dt.datetime(2026, 6, 2, 9, 30, 15, tzinfo=LONDON)
    response = post(hmi_a, url, data, sent)
    assert response.status_code == 302
    notice = InspectionNotice.objects.get(inspection=inspection)
    assert notice.sent_at == sent
    assert set(notice.recipients.all()) == {force_a, office_of(force_a)}
    assert InboxMessage.objects.filter(
        user=chief_office_a, subject="PEEL fieldwork", created_at=sent
    ).exists()
    assert InboxMessage.objects.filter(user=pcc_office_a, subject="PEEL fieldwork", created_at=sent).exists()

    detail = reverse("inspections:detail", kwargs={"pk": inspection.pk})
    for person in (chief_office_a, pcc_office_a, hmi_a):
        page = get(person, detail, IN_FAC).content.decode()
        assert "PEEL fieldwork" in page
        assert "Fieldwork starts on 1 July." in page
        assert "2 June 2026 at 09:30:15 BST" in page
    assert get(pcc_office_b, detail, IN_FAC).status_code == 404


def test_a_notice_without_text_is_refused(hmi_a, inspection):
    url = reverse("inspections:notify", kwargs={"pk": inspection.pk})
    response = post(
        hmi_a, url, {"kind": InspectionNotice.Kind.NOTIFICATION, "subject": "Hello", "body": ""}, CREATED
    )
    assert response.status_code == 200
    assert "Error: " in response.content.decode()
    assert not InspectionNotice.objects.exists()


def test_detail_marks_a_confidential_disclosure_and_shows_it_to_the_hmi_only_i5(
    hmi_a, lead, chief_office_a, pcc_office_a, inspection, force_a
):
    disclosure = evidence_record(
        inspection=inspection,
        kind=EvidenceRecord.Kind.CONFIDENTIAL_DISCLOSURE,
        source=office_of(force_a),
        summary="The PCC's private concern about the chief's style.",
        by=hmi_a,
        now=CREATED,
    )
    evidence_record(
        inspection=inspection,
        kind=EvidenceRecord.Kind.EVIDENCE,
        source=force_a,
        summary="Call data 2025.",
        by=hmi_a,
        now=CREATED,
    )
    url = reverse("inspections:detail", kwargs={"pk": inspection.pk})
    page = get(hmi_a, url, IN_FAC).content.decode()
    assert "Disclosure in confidence – not evidence" in page
    assert "private concern" in page
    assert "Call data 2025." in page
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW,
        object_type="inspections.evidencerecord",
        object_id=str(disclosure.pk),
        actor=hmi_a,
    ).exists()
    # The lead is on the team but is not the HMI for force A, nor named: evidence yes, disclosure no.
    lead_page = get(lead, url, IN_FAC).content.decode()
    assert "Call data 2025." in lead_page
    assert "private concern" not in lead_page
    for outsider in (chief_office_a, pcc_office_a):
        page = get(outsider, url, IN_FAC).content.decode()
        assert "private concern" not in page
        assert "Call data 2025." not in page


def test_detail_shows_what_is_due_next_with_its_working_to_the_team_u3(hmi_a, pcc_office_a, scheduled):
    url = reverse("inspections:detail", kwargs={"pk": scheduled.inspection.pk})
    page = get(hmi_a, url, BEFORE_DISTRIBUTION).content.decode()
    assert "Send the embargoed copy" in page
    assert "5 July 2026 at 10:00 BST" in page
    assert (
        "Publication: 10:00 BST on Tuesday 7 July 2026 − 48 elapsed hours = 10:00 BST on Sunday 5 July 2026"
        in page
    )
    # The PCC sees the inspection, not the scheduled report before distribution, nor HMICFRS's deadlines.
    pcc = get(pcc_office_a, url, BEFORE_DISTRIBUTION).content.decode()
    assert scheduled.title not in pcc
    assert "Send the embargoed copy" not in pcc


def test_detail_shows_the_soonest_live_deadline_of_each_report_and_nothing_once_all_are_met_d1(
    hmi_a, scheduled
):
    """D1–D4: the column reads the engine's rows with the reports (one query): the soonest live one, the
    next once it is met, "Nothing due" once none is live."""
    url = reverse("inspections:detail", kwargs={"pk": scheduled.inspection.pk})
    live = list(
        Deadline.objects.filter(
            subject_type="inspections.report", subject_id=str(scheduled.pk), state__in=LIVE_STATES
        ).order_by("due_at", "pk")
    )
    assert len(live) >= 2

    def due_next() -> str:
        page = get(hmi_a, url, BEFORE_DISTRIBUTION).content.decode()
        return re.search(rf"{re.escape(scheduled.title)}.*?</tr>", page, re.S).group(0)

    assert live[0].title in due_next()
    Deadline.objects.filter(pk=live[0].pk).update(state=DeadlineState.MET)
    assert live[0].title not in due_next()
    assert live[1].title in due_next()
    Deadline.objects.filter(pk__in=[d.pk for d in live]).update(state=DeadlineState.MET)
    assert "Nothing due" in due_next()


# --- reports ----------------------------------------------------------------------------------------------


def report_form(**overrides) -> dict:
    data = {
        "kind": ReportKind.FORCE_SPECIFIC,
        "title": "New report",
        "summary": "",
        "body": "First paragraph.\n\nSecond paragraph.",
        "press_release": "",
    }
    data.update(overrides)
    return data


def test_team_adds_a_draft_report(hmi_a, inspection, force_a):
    response = post(
        hmi_a, reverse("inspections:report-new", kwargs={"pk": inspection.pk}), report_form(), CREATED
    )
    report = Report.objects.get(title="New report")
    assert response["Location"] == reverse("inspections:report", kwargs={"pk": report.pk})
    assert report.state == ReportState.DRAFT
    assert list(report.areas.all()) == [force_a]


def test_a_force_specific_report_about_two_forces_is_refused_u3(hmi_a, force_a, force_b, lead):
    joint = inspection_create(
        kind=InspectionKind.THEMATIC,
        title="Stalking",
        areas=[force_a, force_b],
        lead=lead,
        by=lead,
        now=CREATED,
    )
    response = post(hmi_a, reverse("inspections:report-new", kwargs={"pk": joint.pk}), report_form(), CREATED)
    assert "exactly one force or FRS" in response.content.decode()
    assert not Report.objects.exists()


def test_an_other_report_names_its_interested_parties_u4(hmi_a, inspection, apcc):
    url = reverse("inspections:report-new", kwargs={"pk": inspection.pk})
    response = post(hmi_a, url, report_form(kind=ReportKind.OTHER), CREATED)
    assert "Choose the interested parties" in response.content.decode()
    assert not Report.objects.exists()
    post(hmi_a, url, report_form(kind=ReportKind.OTHER, interested_parties=[apcc.pk]), CREATED)
    assert list(Report.objects.get().interested_parties.all()) == [apcc]


def test_the_team_page_lists_the_areas_and_the_interested_parties_each_in_its_row_u4(
    hmi_a, inspection, apcc, force_b
):
    url = reverse("inspections:report-new", kwargs={"pk": inspection.pk})
    post(hmi_a, url, report_form(kind=ReportKind.OTHER, interested_parties=[apcc.pk, force_b.pk]), CREATED)
    report = Report.objects.get()
    page = get(hmi_a, reverse("inspections:report", kwargs={"pk": report.pk}), CREATED).content.decode()
    rows = dict(
        re.findall(
            r'summary-list__key">([^<]+)</dt>\s*<dd class="govuk-summary-list__value">(.*?)</dd>', page
        )
    )
    assert rows["Forces and FRSs"].split("<br>") == sorted(a.name for a in report.areas.all())
    assert rows["Interested parties"].split("<br>") == sorted([apcc.name, force_b.name])


def test_a_forged_interested_party_id_is_refused(hmi_a, inspection):
    url = reverse("inspections:report-new", kwargs={"pk": inspection.pk})
    response = post(hmi_a, url, report_form(kind=ReportKind.OTHER, interested_parties=[999999]), CREATED)
    assert "Select a valid choice" in response.content.decode()
    assert not Report.objects.exists()


def test_team_report_page_shows_text_findings_and_actions(hmi_a, draft):
    page = get(hmi_a, reverse("inspections:report", kwargs={"pk": draft.pk}), CREATED).content.decode()
    assert "Response times in rural areas" in page
    assert "Improve rural response times." in page
    assert reverse("inspections:report-open-fac", kwargs={"pk": draft.pk}) in page
    assert reverse("inspections:finding-add", kwargs={"pk": draft.pk}) in page
    # Before publication every reading is on the trail, the team's too (not as an embargoed reading).
    (event,) = AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="inspections.report")
    assert (event.actor, event.detail) == (hmi_a, {"embargoed": False})


def test_embargoed_report_page_for_a_recipient_is_audited_u3(hmi_a, chief_office_a, pcc_office_a, scheduled):
    url = reverse("inspections:report", kwargs={"pk": scheduled.pk})
    for person in (chief_office_a, pcc_office_a):
        page = get(person, url, IN_EMBARGO).content.decode()
        assert "Embargoed until 7 July 2026, 10:00" in page
        assert "The force is effective at answering calls." in page
        assert "Improve rural response times." in page
        assert reverse("inspections:copy", kwargs={"pk": scheduled.pk}) in page
        # The draft's full text and HMICFRS's working are not on the recipient's page.
        assert "Response times in rural areas" not in page
        assert audit_views(scheduled, person) == 1
    get(hmi_a, url, IN_EMBARGO)
    # The team's reading is on the trail as well, but not as an embargoed reading.
    assert audit_views(scheduled, hmi_a) == 1
    assert AuditEvent.objects.filter(actor=hmi_a, action=AuditAction.VIEW).get().detail == {
        "embargoed": False
    }


def test_published_report_page_links_to_the_public_page(pcc_office_b, scheduled):
    url = reverse("inspections:report", kwargs={"pk": scheduled.pk})
    page = get(pcc_office_b, url, AFTER).content.decode()
    assert reverse("public_reports:report", kwargs={"pk": scheduled.pk}) in page
    assert "Embargoed" not in page
    assert audit_views(scheduled, pcc_office_b) == 0


def test_chief_office_during_the_check_is_sent_to_the_factual_accuracy_page_i7(chief_office_a, in_fac):
    page = get(
        chief_office_a, reverse("inspections:report", kwargs={"pk": in_fac.pk}), IN_FAC
    ).content.decode()
    assert reverse("inspections:fac", kwargs={"pk": in_fac.pk}) in page
    assert audit_views(in_fac, chief_office_a) == 1


# --- factual accuracy, from the team's side (I7) --------------------------------------------------------------


def test_team_opens_the_factual_accuracy_check_i7(hmi_a, chief_office_a, draft):
    url = reverse("inspections:report-open-fac", kwargs={"pk": draft.pk})
    response = post(hmi_a, url, date_parts("closes_at", FAC_CLOSES), FAC_OPENS)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == ReportState.FACTUAL_ACCURACY
    assert draft.fac_opens_at == FAC_OPENS
    assert draft.fac_closes_at == FAC_CLOSES
    assert InboxMessage.objects.filter(
        user=chief_office_a, subject__startswith="Draft for factual-accuracy"
    ).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (date_parts("closes_at", FAC_OPENS - dt.timedelta(days=1)), "must close in the future"),
        (
            {**date_parts("closes_at", FAC_CLOSES), "closes_at_time": "5pm"},
            "Enter a time in the 24-hour clock",
        ),
        ({**date_parts("closes_at", FAC_CLOSES), "closes_at_1": "13"}, "must be a real date"),
        ({**date_parts("closes_at", FAC_CLOSES), "closes_at_time": ""}, "Enter a time."),
        ({**date_parts("closes_at", FAC_CLOSES), "closes_at_0": ""}, "The date must include a day"),
        ({"closes_at_time": "17:00"}, "Enter the date the factual-accuracy check closes."),
    ],
    ids=["in-the-past", "bad-time", "bad-date", "no-time", "no-day", "no-date"],
)
def test_a_bad_closing_moment_is_refused_and_nothing_changes(hmi_a, draft, data, message):
    response = post(hmi_a, reverse("inspections:report-open-fac", kwargs={"pk": draft.pk}), data, FAC_OPENS)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("Error: ") >= 1
    assert message in page
    draft.refresh_from_db()
    assert draft.state == ReportState.DRAFT
    assert draft.fac_closes_at is None


def test_a_time_the_clocks_skip_is_refused(hmi_a, draft):
    """01:30 on Sunday 28 March 2027 does not exist in London: the clocks go from 01:00 to 02:00."""
    data = {"closes_at_0": "28", "closes_at_1": "3", "closes_at_2": "2027", "closes_at_time": "01:30"}
    response = post(hmi_a, reverse("inspections:report-open-fac", kwargs={"pk": draft.pk}), data, FAC_OPENS)
    assert "clocks go forward" in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == ReportState.DRAFT


@pytest.fixture
def comment(in_fac, chief_office_a) -> FactualAccuracyComment:
    return fac_comment_submit(
        report=in_fac,
        by=chief_office_a,
        paragraph="2",
        current_text="longer than the force's own standard",
        proposed_correction="within the force's own standard",
        evidence="Control room data, May 2026",
        now=IN_FAC,
    )


def test_team_decides_a_comment_with_its_reason_i7(hmi_a, comment):
    url = reverse("inspections:fac-decide", kwargs={"pk": comment.report_id, "comment_pk": comment.pk})
    assert "Control room data, May 2026" in get(hmi_a, url, IN_FAC).content.decode()
    response = post(hmi_a, url, {"decision": "reject", "reason": "The data covers urban areas only."}, IN_FAC)
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.decision == FactualAccuracyComment.Decision.REJECTED
    assert comment.decision_reason == "The data covers urban areas only."
    assert comment.decided_by == hmi_a


def test_a_decision_without_a_reason_is_refused(hmi_a, comment):
    url = reverse("inspections:fac-decide", kwargs={"pk": comment.report_id, "comment_pk": comment.pk})
    response = post(hmi_a, url, {"decision": "accept", "reason": " "}, IN_FAC)
    assert "Give the reason for the decision." in response.content.decode()
    comment.refresh_from_db()
    assert comment.decision == FactualAccuracyComment.Decision.PENDING


def test_a_comment_id_from_another_report_is_not_found_and_nothing_changes(
    hmi_a, comment, inspection, chief_office_a
):
    """A forged record id: the comment belongs to another report, so on this one it does not exist."""
    other = report_open_factual_accuracy(
        report=new_draft(inspection, title="Second report"),
        closes_at=FAC_CLOSES,
        by=inspection.lead,
        now=FAC_OPENS,
    )
    url = reverse("inspections:fac-decide", kwargs={"pk": other.pk, "comment_pk": comment.pk})
    response = post(hmi_a, url, {"decision": "accept", "reason": "Agreed."}, IN_FAC)
    assert response.status_code == 404
    comment.refresh_from_db()
    assert comment.decision == FactualAccuracyComment.Decision.PENDING
    assert AuditEvent.objects.filter(
        action=AuditAction.DENIED, object_type="inspections.factualaccuracycomment", object_id=str(comment.pk)
    ).exists()


def test_a_report_id_of_another_forces_inspection_is_not_found(hmi_a, inspection_b):
    """A forged report id: hmi_a is not on Kent's team, so Kent's draft does not exist for them."""
    kent = report_create(
        inspection=inspection_b,
        kind=ReportKind.FORCE_SPECIFIC,
        title="Kent",
        body="Text.",
        by=inspection_b.lead,
        now=CREATED,
    )
    response = post(
        hmi_a,
        reverse("inspections:finding-add", kwargs={"pk": kent.pk}),
        {"kind": FindingKind.RECOMMENDATION, "text": "Forged."},
        CREATED,
    )
    assert response.status_code == 404
    assert not Finding.objects.filter(report=kent).exists()


def test_finalising_waits_for_every_decision_i7(hmi_a, comment):
    url = reverse("inspections:report-finalise", kwargs={"pk": comment.report_id})
    response = post(hmi_a, url, {}, IN_FAC)
    assert "Decide every factual-accuracy comment" in response.content.decode()
    report = Report.objects.get(pk=comment.report_id)
    assert report.state == ReportState.FACTUAL_ACCURACY
    post(
        hmi_a,
        reverse("inspections:fac-decide", kwargs={"pk": report.pk, "comment_pk": comment.pk}),
        {"decision": "accept", "reason": "Agreed."},
        IN_FAC,
    )
    # Still inside the window: the team confirms it ends the check early, with its reason (I7).
    early = {"confirm_early_close": "on", "early_close_reason": "Every comment is decided."}
    assert post(hmi_a, url, early, IN_FAC).status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.FINAL
    # The window ends when the report is final.
    assert report.fac_closes_at == IN_FAC


def test_decisions_cannot_change_once_the_report_is_final(hmi_a, comment):
    report = Report.objects.get(pk=comment.report_id)
    url = reverse("inspections:fac-decide", kwargs={"pk": report.pk, "comment_pk": comment.pk})
    post(hmi_a, url, {"decision": "accept", "reason": "Agreed."}, IN_FAC)
    report_finalise(report=report, by=hmi_a, now=FINALISED)
    response = post(hmi_a, url, {"decision": "reject", "reason": "Changed my mind."}, FINALISED)
    assert "can no longer change" in response.content.decode()
    comment.refresh_from_db()
    assert comment.decision == FactualAccuracyComment.Decision.ACCEPTED


# --- findings and redactions (M1, U1) ----------------------------------------------------------------------


def test_team_adds_a_finding_with_a_stable_reference_m1(hmi_a, draft):
    url = reverse("inspections:finding-add", kwargs={"pk": draft.pk})
    assert (
        post(
            hmi_a, url, {"kind": FindingKind.CAUSE_OF_CONCERN, "text": "Crime recording."}, CREATED
        ).status_code
        == 302
    )
    assert (
        Finding.objects.get(report=draft, kind=FindingKind.CAUSE_OF_CONCERN).reference
        == f"R{draft.pk:05d}-C1"
    )


def test_a_forged_area_id_on_a_finding_is_refused(hmi_a, draft, force_b):
    url = reverse("inspections:finding-add", kwargs={"pk": draft.pk})
    response = post(
        hmi_a, url, {"kind": FindingKind.RECOMMENDATION, "text": "X.", "area": force_b.pk}, CREATED
    )
    assert "Select a valid choice" in response.content.decode()
    assert not Finding.objects.filter(report=draft, kind=FindingKind.RECOMMENDATION).exists()


def test_team_redacts_a_passage_copied_exactly_u1(hmi_a, draft):
    url = reverse("inspections:report-redact", kwargs={"pk": draft.pk})
    response = post(hmi_a, url, {"passage": "not in the report", "reason": "Safety"}, CREATED)
    assert "copied exactly" in response.content.decode()
    assert not Redaction.objects.exists()
    post(hmi_a, url, {"passage": "in rural areas", "reason": "Safety"}, CREATED)
    page = get(hmi_a, reverse("inspections:report", kwargs={"pk": draft.pk}), CREATED).content.decode()
    assert "Response times [Redacted] are longer" in page


# --- scheduling (U3, U4, U5) ---------------------------------------------------------------------------------


def schedule_url(report: Report) -> str:
    return reverse("inspections:report-schedule", kwargs={"pk": report.pk})


def test_team_schedules_publication_with_distribution_at_the_latest_moment_u3(hmi_a, final):
    response = post(hmi_a, schedule_url(final), date_parts("publication_at", PUBLICATION), SCHEDULED)
    assert response.status_code == 302
    final.refresh_from_db()
    assert final.state == ReportState.SCHEDULED
    assert final.publication_at == PUBLICATION
    assert final.distribution_at == DISTRIBUTION
    assert Deadline.objects.filter(subject_type="inspections.report", subject_id=str(final.pk)).exists()


def test_a_publication_moment_in_the_past_is_refused_and_nothing_changes(hmi_a, final):
    response = post(
        hmi_a, schedule_url(final), date_parts("publication_at", SCHEDULED - dt.timedelta(days=1)), SCHEDULED
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Error: Schedule publication" in page
    assert "The publication moment must be in the future." in page
    final.refresh_from_db()
    assert final.state == ReportState.FINAL
    assert final.publication_at is None
    assert not Deadline.objects.filter(subject_type="inspections.report", subject_id=str(final.pk)).exists()


def test_distribution_less_than_48_hours_before_publication_is_refused_u3(hmi_a, final):
    late = PUBLICATION - dt.timedelta(hours=47)
    data = {**date_parts("publication_at", PUBLICATION), **date_parts("distribution_at", late)}
    response = post(hmi_a, schedule_url(final), data, SCHEDULED)
    page = response.content.decode()
    assert "at least 48 hours before publication." in page
    # The page works out the latest moment for the publication moment asked for.
    assert "5 July 2026, 10:00" in page
    assert "Publication: 10:00 BST on Tuesday 7 July 2026 − 48 elapsed hours" in page
    final.refresh_from_db()
    assert final.state == ReportState.FINAL
    assert final.distribution_at is None


def test_distribution_exactly_48_hours_before_is_accepted_u3(hmi_a, final):
    data = {**date_parts("publication_at", PUBLICATION), **date_parts("distribution_at", DISTRIBUTION)}
    assert post(hmi_a, schedule_url(final), data, SCHEDULED).status_code == 302
    final.refresh_from_db()
    assert final.distribution_at == DISTRIBUTION


def test_a_late_copy_with_exceptional_circumstances_is_recorded_and_the_pcc_told_u5(
    hmi_a, pcc_office_a, final
):
    late = PUBLICATION - dt.timedelta(hours=12)
    data = {
        **date_parts("publication_at", PUBLICATION),
        **date_parts("distribution_at", late),
        "exception_reason": "A court order delayed the final text.",
    }
    assert post(hmi_a, schedule_url(final), data, SCHEDULED).status_code == 302
    final.refresh_from_db()
    assert final.distribution_at == late
    assert InboxMessage.objects.filter(user=pcc_office_a, body__contains="A court order").exists()


def test_schedule_page_shows_the_working_across_the_clock_change(hmi_a, final):
    """Publication 10:00 GMT on Monday 26 October 2026: 48 elapsed hours earlier is 11:00 BST on Saturday 24th."""
    publication = dt.datetime(2026, 10, 26, 10, tzinfo=LONDON)
    data = {
        **date_parts("publication_at", publication),
        **date_parts("distribution_at", publication - dt.timedelta(hours=30)),
    }
    page = post(hmi_a, schedule_url(final), data, SCHEDULED).content.decode()
    assert "24 October 2026, 11:00" in page
    assert "the clocks change in between" in page


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            {**date_parts("distribution_at", DISTRIBUTION), "distribution_at_time": ""},
            "Enter the time as well as the date.",
        ),
        ({"distribution_at_time": "10:00"}, "Enter the date as well as the time."),
        (
            {**date_parts("distribution_at", PUBLICATION + dt.timedelta(hours=1))},
            "must go out before publication",
        ),
    ],
    ids=["date-without-time", "time-without-date", "after-publication"],
)
def test_a_half_or_impossible_distribution_moment_is_refused(hmi_a, final, extra, message):
    response = post(
        hmi_a, schedule_url(final), {**date_parts("publication_at", PUBLICATION), **extra}, SCHEDULED
    )
    assert message in response.content.decode()
    final.refresh_from_db()
    assert final.state == ReportState.FINAL


def test_immediate_release_is_for_other_reports_only_u4(hmi_a, final):
    data = {**date_parts("publication_at", PUBLICATION), "immediate_release": "on"}
    response = post(hmi_a, schedule_url(final), data, SCHEDULED)
    assert "immediate release." in response.content.decode()
    final.refresh_from_db()
    assert final.state == ReportState.FINAL


def test_diary_note_goes_in_the_week_before_publication_u2(hmi_a, scheduled):
    url = reverse("inspections:diary-note", kwargs={"pk": scheduled.pk})
    early = dt.datetime(2026, 6, 29, 23, 59, tzinfo=LONDON)
    response = post(hmi_a, url, {"text": "Publishing on 7 July."}, early)
    assert "from 30 June 2026" in response.content.decode()
    assert not DiaryNote.objects.exists()
    assert post(hmi_a, url, {"text": "Publishing on 7 July."}, BEFORE_DISTRIBUTION).status_code == 302
    assert DiaryNote.objects.get(report=scheduled).sent_at == BEFORE_DISTRIBUTION


# --- export and search ------------------------------------------------------------------------------------


def csv_rows(response) -> list[list[str]]:
    """The rows as Excel reads them: UTF-8 announced by its byte-order mark (the export streams)."""
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_csv_export_follows_visible_to_and_is_audited_u3(hmi_a, pcc_office_a, pcc_office_b, scheduled):
    url = reverse("inspections:reports-csv")
    before = get(pcc_office_a, url, BEFORE_DISTRIBUTION)
    assert before["Content-Disposition"].startswith("attachment;")
    assert csv_rows(before) == [
        ["Title", "Kind", "State", "Forces and FRSs", "Publication date", "Publication time (UK)", "Findings"]
    ]

    team = csv_rows(get(hmi_a, url, BEFORE_DISTRIBUTION))
    assert team[1][0] == scheduled.title
    assert team[1][3] == "Avon and Somerset Constabulary"
    assert team[1][4:] == ["2026-07-07", "10:00 BST", "1"]

    during = csv_rows(get(pcc_office_a, url, IN_EMBARGO))
    assert [row[0] for row in during[1:]] == [scheduled.title]
    assert len(csv_rows(get(pcc_office_b, url, IN_EMBARGO))) == 1

    exports = AuditEvent.objects.filter(action=AuditAction.EXPORT, actor=pcc_office_a).order_by("pk")
    assert [event.detail for event in exports] == [
        {"rows": 0, "embargoed": []},
        {"rows": 1, "embargoed": [scheduled.pk]},
    ]
    assert AuditEvent.objects.get(action=AuditAction.EXPORT, actor=hmi_a).detail == {
        "rows": 1,
        "embargoed": [],
    }


def test_csv_cells_cannot_run_as_formulas(hmi_a, inspection):
    new_draft(inspection, title='=HYPERLINK("http://example.invalid")')
    rows = csv_rows(get(hmi_a, reverse("inspections:reports-csv"), CREATED))
    assert rows[1][0].startswith("'=")


def test_search_counts_come_from_visible_to(hmi_a, pcc_office_a, scheduled):
    url = reverse("inspections:search") + "?q=rural"
    team = get(hmi_a, url, BEFORE_DISTRIBUTION).content.decode()
    assert "1 report<" in team
    assert "1 finding<" in team
    assert scheduled.title in team
    pcc = get(pcc_office_a, url, BEFORE_DISTRIBUTION).content.decode()
    assert "0 reports" in pcc
    assert "0 findings" in pcc
    assert scheduled.title not in pcc
    after = get(pcc_office_a, url, AFTER).content.decode()
    assert "1 report<" in after
    assert "Improve <mark>rural</mark> response times" in after


def test_search_by_title_finds_reports_without_matching_findings(hmi_a, draft):
    page = get(hmi_a, reverse("inspections:search") + "?q=Avon", CREATED).content.decode()
    assert "1 report<" in page
    assert "0 findings" in page


def test_search_without_a_query_shows_the_form_only(hmi_a, draft):
    page = get(hmi_a, reverse("inspections:search"), CREATED).content.decode()
    assert 'name="q"' in page
    assert draft.title not in page
