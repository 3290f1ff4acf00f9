"""The findings register (M1): each area's findings tracked to closure, and a finding's page.

Reports are built through inspections.services (as tests/inspections/conftest.py does) on one
timeline (Europe/London, spring 2026):

  CREATED      Mon  2 March 09:00 GMT   a PEEL inspection of force A (and one of force B), drafts, findings
  FINALISED    Mon 23 March 12:00 GMT
  SCHEDULED    Wed  1 April 10:00 BST
  PUBLICATION  Tue 21 April 10:00 BST   the reports are published; the register tracks their findings
  AFTER        Wed 22 April 12:00 BST
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.models import Organisation, Role, User
from hmicfrs_mou.deadlines import LONDON
from hmicfrs_mou.models import AuditAction, AuditEvent
from inspections.models import Finding, FindingKind, InspectionKind, Report, ReportKind
from inspections.services import (
    finding_add,
    inspection_create,
    report_create,
    report_finalise,
    report_schedule,
)
from monitoring.models import FindingEntry, FindingEntryKind, FindingState, FindingStatus
from monitoring.services import finding_note_add, finding_status_set
from tests.conftest import make_person

pytestmark = pytest.mark.django_db

CREATED = dt.datetime(2026, 3, 2, 9, tzinfo=LONDON)
FINALISED = dt.datetime(2026, 3, 23, 12, tzinfo=LONDON)
SCHEDULED = dt.datetime(2026, 4, 1, 10, tzinfo=LONDON)
PUBLICATION = dt.datetime(2026, 4, 21, 10, tzinfo=LONDON)
BEFORE_PUBLICATION = dt.datetime(2026, 4, 20, 12, tzinfo=LONDON)
AFTER = dt.datetime(2026, 4, 22, 12, tzinfo=LONDON)
LATER = dt.datetime(2026, 5, 5, 12, tzinfo=LONDON)
CLOSURE_REFUSAL = "Only HMICFRS staff responsible for Avon and Somerset Constabulary can authorise closure"


def travel(moment: dt.datetime):
    return time_machine.travel(moment, tick=False)


def client(user: User | None) -> Client:
    browser = Client()
    if user is not None:
        browser.force_login(user)
    return browser


def get(user: User | None, url: str, moment: dt.datetime = AFTER, **kwargs):
    with travel(moment):
        return client(user).get(url, **kwargs)


def post(user: User | None, url: str, data: dict, moment: dt.datetime = AFTER):
    with travel(moment):
        return client(user).post(url, data)


def text_of(response) -> str:
    return response.content.decode()


def denied(object_type: str, object_id: object) -> bool:
    return AuditEvent.objects.filter(
        action=AuditAction.DENIED, object_type=object_type, object_id=str(object_id)
    ).exists()


def register_url(area: Organisation) -> str:
    return reverse("monitoring:register", kwargs={"pk": area.pk})


def finding_url(finding: Finding) -> str:
    return reverse("monitoring:finding", kwargs={"pk": finding.pk})


def published_report(area: Organisation, lead: User, title: str, findings: list[tuple[str, str]]) -> Report:
    """A force-specific report about `area` with its findings, published at PUBLICATION."""
    inspection = inspection_create(
        kind=InspectionKind.PEEL, title=f"PEEL: {title}", areas=[area], lead=lead, by=lead, now=CREATED
    )
    report = report_create(
        inspection=inspection,
        kind=ReportKind.FORCE_SPECIFIC,
        title=title,
        body="The force needs to improve.",
        by=lead,
        now=CREATED,
    )
    for kind, text in findings:
        finding_add(report=report, kind=kind, text=text, by=lead)
    report_finalise(report=report, by=lead, now=FINALISED)
    return report_schedule(report=report, publication_at=PUBLICATION, by=lead, now=SCHEDULED)


@pytest.fixture
def lead(hmicfrs: Organisation) -> User:
    return make_person("lead_hmi", hmicfrs, Role.HMI)


@pytest.fixture
def report_a(force_a: Organisation, lead: User) -> Report:
    return published_report(
        force_a,
        lead,
        "PEEL 2026: Avon and Somerset",
        [
            (FindingKind.CAUSE_OF_CONCERN, "The force does not record crime accurately."),
            (FindingKind.RECOMMENDATION, "Audit crime recording every quarter."),
            (FindingKind.AREA_FOR_IMPROVEMENT, "Answer non-emergency calls sooner."),
        ],
    )


@pytest.fixture
def report_b(force_b: Organisation, lead: User) -> Report:
    return published_report(
        force_b, lead, "PEEL 2026: Kent", [(FindingKind.RECOMMENDATION, "Kent's own recommendation.")]
    )


@pytest.fixture
def cause(report_a: Report) -> Finding:
    return report_a.findings.get(kind=FindingKind.CAUSE_OF_CONCERN)


@pytest.fixture
def recommendation(report_a: Report) -> Finding:
    return report_a.findings.get(kind=FindingKind.RECOMMENDATION)


# --- The register ------------------------------------------------------------------------------------------


def test_m1_pcc_office_reads_its_areas_register_grouped_by_kind(report_a, report_b, force_a, pcc_office_a):
    response = get(pcc_office_a, register_url(force_a))
    assert response.status_code == 200
    page = text_of(response)
    causes, recommendations, improvements = (
        page.index("Causes of concern</h2>"),
        page.index("Recommendations</h2>"),
        page.index("Areas for improvement</h2>"),
    )
    assert causes < recommendations < improvements
    assert "The force does not record crime accurately." in page
    assert "PEEL 2026: Avon and Somerset" in page
    assert "Awaiting review" in page
    assert "Kent&#x27;s own recommendation." not in page
    assert "3 findings" in page


@pytest.mark.parametrize("persona", ["chief_office_a", "hmi_a", "hmicfrs_staff"])
def test_m1_register_is_read_by_the_chief_office_and_hmicfrs(request, report_a, force_a, persona):
    assert get(request.getfixturevalue(persona), register_url(force_a)).status_code == 200


@pytest.mark.parametrize("persona", ["pcc_office_b", "apcc_lead"])
def test_m1_register_of_another_area_is_404_with_a_denied_row(request, report_a, force_a, persona):
    response = get(request.getfixturevalue(persona), register_url(force_a))
    assert response.status_code == 404
    assert denied("contacts.organisation", force_a.pk)


def test_register_sends_visitors_to_sign_in(force_a):
    response = get(None, register_url(force_a))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_m1_register_shows_status_updates_and_last_change(
    cause, recommendation, force_a, chief_office_a, pcc_office_a
):
    finding_status_set(
        finding=cause,
        status=FindingStatus.BEING_PROGRESSED,
        by=chief_office_a,
        now=dt.datetime(2026, 4, 23, 9, tzinfo=LONDON),
    )
    finding_note_add(
        finding=cause, kind=FindingEntryKind.UPDATE, text="Audit started.", by=chief_office_a, now=LATER
    )
    finding_note_add(
        finding=cause, kind=FindingEntryKind.PCC_NOTE, text="Asked for dates.", by=pcc_office_a, now=LATER
    )
    page = text_of(get(pcc_office_a, register_url(force_a), LATER))
    row = page.split(cause.reference, 1)[1].split("</tr>", 1)[0]
    assert "Being progressed" in row
    # The count is of the force's updates only: the PCC's note is not counted where the chief could see it.
    assert ">1<" in row
    assert "23 April 2026" in row


def test_m1_register_filters_by_status_and_kind(
    cause, recommendation, report_a, force_a, chief_office_a, pcc_office_a
):
    finding_status_set(finding=cause, status=FindingStatus.BEING_PROGRESSED, by=chief_office_a, now=AFTER)
    page = text_of(get(pcc_office_a, register_url(force_a) + "?status=being_progressed"))
    assert cause.reference in page
    assert recommendation.reference not in page
    assert "1 finding matches the filters" in page
    page = text_of(get(pcc_office_a, register_url(force_a) + "?status=awaiting_review"))
    assert cause.reference not in page
    assert recommendation.reference in page
    page = text_of(get(pcc_office_a, register_url(force_a) + "?kind=recommendation"))
    assert recommendation.reference in page
    assert cause.reference not in page
    page = text_of(get(pcc_office_a, register_url(force_a) + "?kind=recommendation&status=being_progressed"))
    assert "No findings match the filters." in page


def test_m1_register_ignores_a_filter_it_does_not_know(report_a, force_a, pcc_office_a):
    response = get(pcc_office_a, register_url(force_a) + "?status=nonsense")
    assert response.status_code == 200
    assert "3 findings" in text_of(response)


def test_m1_register_paginates_and_keeps_the_filters(report_a, force_a, lead, pcc_office_a):
    for n in range(30):
        finding_add(
            report=report_a, kind=FindingKind.RECOMMENDATION, text=f"Extra recommendation {n}.", by=lead
        )
    page = text_of(get(pcc_office_a, register_url(force_a) + "?kind=recommendation"))
    assert "31 findings match the filters, page 1 of 2" in page
    assert "kind=recommendation&amp;page=2" in page
    page = text_of(get(pcc_office_a, register_url(force_a) + "?kind=recommendation&page=2"))
    assert "page 2 of 2" in page


def test_m1_unpublished_findings_are_not_in_the_pcc_register_before_the_embargo(
    report_a, force_a, pcc_office_a, cause
):
    """Before the embargoed copy goes out the report (and its findings) are HMICFRS's only."""
    page = text_of(get(pcc_office_a, register_url(force_a), SCHEDULED))
    assert cause.reference not in page


def test_m1_register_query_count_does_not_grow_with_findings(
    report_a, force_a, lead, chief_office_a, pcc_office_a
):
    url = register_url(force_a)

    def add(count: int) -> None:
        for n in range(count):
            finding = finding_add(
                report=report_a, kind=FindingKind.RECOMMENDATION, text=f"Finding {n}.", by=lead
            )
            if n % 2:
                finding_note_add(
                    finding=finding,
                    kind=FindingEntryKind.UPDATE,
                    text="Update.",
                    by=chief_office_a,
                    now=AFTER,
                )

    def queries() -> int:
        with travel(LATER):
            browser = client(pcc_office_a)
            browser.get(url)
            with CaptureQueriesContext(connection) as captured:
                assert browser.get(url).status_code == 200
        return len(captured)

    add(2)
    few = queries()
    add(40)
    assert queries() == few


# --- A finding -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["pcc_office_a", "chief_office_a", "hmi_a", "hmicfrs_staff"])
def test_m1_finding_page_is_read_by_the_area_and_hmicfrs(request, cause, persona):
    response = get(request.getfixturevalue(persona), finding_url(cause))
    assert response.status_code == 200
    page = text_of(response)
    assert "The force does not record crime accurately." in page
    assert reverse("inspections:report", kwargs={"pk": cause.report_id}) in page


@pytest.mark.parametrize("persona", ["pcc_office_b", "apcc_lead"])
def test_m1_finding_of_another_area_is_404_with_a_denied_row(request, cause, persona):
    assert get(request.getfixturevalue(persona), finding_url(cause)).status_code == 404
    assert denied("inspections.finding", cause.pk)


def test_m1_finding_forms_depend_on_who_is_looking(cause, chief_office_a, pcc_office_a, hmi_a):
    status_action = reverse("monitoring:finding-status", kwargs={"pk": cause.pk})
    note_action = reverse("monitoring:finding-note", kwargs={"pk": cause.pk})
    page = text_of(get(chief_office_a, finding_url(cause)))
    assert status_action in page
    assert "Being progressed" in page
    assert 'value="closure_authorised"' not in page
    assert "Add an update" in page
    page = text_of(get(pcc_office_a, finding_url(cause)))
    assert status_action not in page
    assert note_action in page
    assert "Add a holding-to-account note" in page
    page = text_of(get(hmi_a, finding_url(cause)))
    # Closure is authorised only once the force has marked the finding complete.
    assert status_action not in page
    assert "Add an HMICFRS note" in page


def test_m1_full_register_flow_progressed_complete_closure_authorised(
    cause, chief_office_a, hmi_a, pcc_office_a, force_a
):
    status_url = reverse("monitoring:finding-status", kwargs={"pk": cause.pk})
    response = post(
        chief_office_a, status_url, {"status-status": "being_progressed", "status-note": "Audit begun."}
    )
    assert response.status_code == 302
    assert post(chief_office_a, status_url, {"status-status": "complete"}, LATER).status_code == 302
    page = text_of(get(hmi_a, finding_url(cause), LATER))
    assert "Authorise closure" in page
    assert 'value="closure_authorised"' in page
    response = post(
        hmi_a, status_url, {"status-status": "closure_authorised", "status-note": "Evidence seen."}, LATER
    )
    assert response.status_code == 302
    state = FindingState.objects.get(finding=cause)
    assert state.status == FindingStatus.CLOSURE_AUTHORISED
    cause.refresh_from_db()
    assert cause.closed_at is not None
    page = text_of(get(pcc_office_a, finding_url(cause), LATER))
    assert "Closure authorised by HMICFRS" in page
    assert "Audit begun." in page
    assert "Evidence seen." in page
    assert "BST" in page
    page = text_of(get(pcc_office_a, register_url(force_a) + "?status=closure_authorised", LATER))
    assert cause.reference in page


def test_m1_closure_by_the_chief_office_is_refused_and_changes_nothing(cause, chief_office_a):
    status_url = reverse("monitoring:finding-status", kwargs={"pk": cause.pk})
    post(chief_office_a, status_url, {"status-status": "complete"})
    response = post(chief_office_a, status_url, {"status-status": "closure_authorised"}, LATER)
    assert response.status_code == 200
    page = text_of(response)
    assert CLOSURE_REFUSAL in page
    assert "There is a problem" in page
    assert FindingState.objects.get(finding=cause).status == FindingStatus.COMPLETE
    assert FindingEntry.objects.filter(finding=cause, kind=FindingEntryKind.STATUS).count() == 1


def test_m1_closure_before_complete_is_refused(cause, hmi_a):
    response = post(
        hmi_a,
        reverse("monitoring:finding-status", kwargs={"pk": cause.pk}),
        {"status-status": "closure_authorised"},
    )
    assert response.status_code == 200
    assert "Closure is authorised once the force or FRS has marked it complete." in text_of(response)
    assert not FindingState.objects.filter(finding=cause, status=FindingStatus.CLOSURE_AUTHORISED).exists()


def test_m1_status_change_by_the_pcc_office_is_refused(cause, pcc_office_a):
    response = post(
        pcc_office_a,
        reverse("monitoring:finding-status", kwargs={"pk": cause.pk}),
        {"status-status": "complete"},
    )
    assert response.status_code == 200
    assert "Only the chief officer&#x27;s office of Avon and Somerset Constabulary can update" in text_of(
        response
    )
    assert not FindingEntry.objects.exists()


def test_m1_notes_pcc_note_hidden_from_the_chief_office(cause, chief_office_a, pcc_office_a, hmi_a):
    note_url = reverse("monitoring:finding-note", kwargs={"pk": cause.pk})
    assert (
        post(chief_office_a, note_url, {"note-kind": "update", "note-text": "Training booked."}).status_code
        == 302
    )
    assert (
        post(
            pcc_office_a, note_url, {"note-kind": "pcc_note", "note-text": "Chief asked for dates."}
        ).status_code
        == 302
    )
    assert (
        post(hmi_a, note_url, {"note-kind": "hmicfrs_note", "note-text": "Reviewed at the PPOG."}).status_code
        == 302
    )
    page = text_of(get(chief_office_a, finding_url(cause)))
    assert "Training booked." in page
    assert "Reviewed at the PPOG." in page
    assert "Chief asked for dates." not in page
    page = text_of(get(pcc_office_a, finding_url(cause)))
    assert "Chief asked for dates." in page
    # Only the force's updates are counted (the register's column is read by the chief's office too).
    assert FindingState.objects.get(finding=cause).updates == 1


def test_m1_note_by_the_wrong_actor_or_empty_is_refused(cause, chief_office_a, pcc_office_a):
    note_url = reverse("monitoring:finding-note", kwargs={"pk": cause.pk})
    response = post(
        chief_office_a, note_url, {"note-kind": "pcc_note", "note-text": "Pretending to be the PCC."}
    )
    assert response.status_code == 200
    assert "Only the office of the PCC" in text_of(response)
    response = post(pcc_office_a, note_url, {"note-kind": "pcc_note", "note-text": ""})
    assert response.status_code == 200
    assert "Write the update or note." in text_of(response)
    assert not FindingEntry.objects.exists()


def test_m1_finding_posts_are_post_only_and_404_for_another_area(cause, pcc_office_b, chief_office_a):
    status_url = reverse("monitoring:finding-status", kwargs={"pk": cause.pk})
    assert get(chief_office_a, status_url).status_code == 405
    assert get(chief_office_a, reverse("monitoring:finding-note", kwargs={"pk": cause.pk})).status_code == 405
    response = post(pcc_office_b, status_url, {"status-status": "complete"})
    assert response.status_code == 404
    assert not FindingEntry.objects.exists()


def test_m1_finding_of_an_embargoed_report_is_not_in_the_register_and_cannot_change_yet(
    cause, pcc_office_a, chief_office_a
):
    """M1: the register holds published findings; in the embargo window the office reads them in the copy (U3)."""
    response = get(pcc_office_a, finding_url(cause), BEFORE_PUBLICATION)
    assert response.status_code == 404
    assert AuditEvent.objects.filter(
        action=AuditAction.DENIED, object_type="inspections.finding", object_id=str(cause.pk)
    ).exists()
    response = post(
        chief_office_a,
        reverse("monitoring:finding-status", kwargs={"pk": cause.pk}),
        {"status-status": "being_progressed"},
        BEFORE_PUBLICATION,
    )
    assert response.status_code == 404
    assert not FindingEntry.objects.exists()


def test_m1_finding_page_query_count_does_not_grow_with_entries(cause, chief_office_a, pcc_office_a):
    def add(count: int) -> None:
        for n in range(count):
            finding_note_add(
                finding=cause, kind=FindingEntryKind.UPDATE, text=f"Update {n}.", by=chief_office_a, now=AFTER
            )

    def queries() -> int:
        with travel(LATER):
            browser = client(pcc_office_a)
            browser.get(finding_url(cause))
            with CaptureQueriesContext(connection) as captured:
                assert browser.get(finding_url(cause)).status_code == 200
        return len(captured)

    add(1)
    few = queries()
    add(10)
    assert queries() == few


@pytest.mark.parametrize("query", ["", "?status=awaiting_review", "?kind=recommendation"])
def test_m1_the_register_pages_its_findings_with_the_count_it_made(
    query, force_a, lead, pcc_office_a, monkeypatch
):
    """Five recommendations, two a page: every finding on exactly one page, in the register's order, and
    the count and pages the same whether it comes from the count by status (no filter, or a status) or is
    counted by the database (a kind chosen)."""
    import monitoring.views.register as register

    monkeypatch.setattr(register, "PAGE_SIZE", 2)
    texts = [f"Recommendation number {n}." for n in range(1, 6)]
    published_report(
        force_a, lead, "PEEL 2026: Avon and Somerset", [(FindingKind.RECOMMENDATION, t) for t in texts]
    )
    separator = "&" if query else "?"
    pages = [
        text_of(get(pcc_office_a, f"{register_url(force_a)}{query}{separator}page={n}")) for n in (1, 2, 3)
    ]
    shown = [[text for text in texts if text in page] for page in pages]
    assert shown == [texts[0:2], texts[2:4], texts[4:5]]
    counted = "5 findings match the filters" if query else "5 findings"
    assert all(f"{counted}, page {n} of 3" in page for n, page in enumerate(pages, start=1))


def test_m1_without_a_kind_chosen_the_register_counts_no_more_than_by_status(force_a, lead, pcc_office_a):
    """The count by status the page makes anyway is the paginator's count: no COUNT of its own, where a
    kind chosen (which the count by status does not split) costs one."""
    published_report(force_a, lead, "PEEL 2026: Avon and Somerset", [(FindingKind.RECOMMENDATION, "One.")])

    def queries(query: str) -> list[str]:
        with travel(AFTER):
            browser = client(pcc_office_a)
            browser.get(register_url(force_a) + query)  # the session and the like, before counting
            with CaptureQueriesContext(connection) as captured:
                assert browser.get(register_url(force_a) + query).status_code == 200
        return [q["sql"] for q in captured.captured_queries]

    plain, by_status, by_kind = (
        queries(""),
        queries("?status=awaiting_review"),
        queries("?kind=recommendation"),
    )
    counts = [sum(sql.startswith("SELECT COUNT(*)") for sql in sqls) for sqls in (plain, by_status, by_kind)]
    assert len(plain) == len(by_status) == len(by_kind) - 1
    assert counts == [0, 0, 1]
