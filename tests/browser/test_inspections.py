"""Inspections and reports in a real browser: HMICFRS schedules a PEEL report and the embargo
opens and lifts on time (U3, D1), the force or FRS sends corrections of fact on a draft the PCC
never sees (I7), and the HMICFRS workspace: the list, a notice to chief and PCC alike (I1), the CSV.

The live server runs in a thread of this process, so `time_machine.travel(..., tick=True)` moves
its clock too: that is how a test crosses the distribution and publication moments. Sessions last
an hour (SESSION_COOKIE_AGE), so each jump is followed by a fresh sign-in.

Screenshots go to test-artifacts/screenshots/insp-*.png for a person to look at.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

import pytest
import time_machine
from django.utils import dateformat, timezone
from playwright.sync_api import Browser, Locator, Page, expect

from contacts.models import Organisation, OrganisationKind, User
from contacts.selectors import office_of_area
from hmicfrs_mou.deadlines import explain_hours_before
from hmicfrs_mou.models import AuditAction, AuditEvent, InboxMessage
from inspections.models import FactualAccuracyComment, Inspection, Report, ReportKind, ReportState
from inspections.services import report_create, report_open_factual_accuracy
from tests.browser.conftest import shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PEEL_INSPECTION = "PEEL 2025–27: Avon and Somerset Constabulary"
NEW_REPORT = "Victim care in Avon and Somerset Constabulary (PEEL 2025–27)"
NEW_FINDING = "Within six months, make sure every victim has a named contact for their case."
FRS_DRAFT = "Avon Fire & Rescue Service: effectiveness, efficiency and people"
POLICE_DRAFT = "Avon and Somerset Constabulary: draft PEEL findings on neighbourhood policing"


def active_nav(page: Page) -> Any:
    return page.locator(".govuk-service-navigation__item--active")


def status(response: Any) -> int | None:
    return response.status if response is not None else None


def shown(moment: dt.datetime) -> str:
    """A moment as the templates print it: |date:"j F Y, H:i" in London time."""
    return dateformat.format(timezone.localtime(moment), "j F Y, H:i")


def shown_with_zone(moment: dt.datetime) -> str:
    """A moment as the area page prints it, naming the zone: "4 December 2026 at 10:00 GMT"."""
    return dateformat.format(timezone.localtime(moment), "j F Y \\a\\t H:i T")


def switch_user(page: Page, live_server: Any, username: str, demo: dict[str, str]) -> None:
    page.context.clear_cookies()
    sign_in(page, live_server, username, demo[username])


def expect_not_found(page: Page, url: str) -> None:
    response = page.goto(url)
    assert status(response) == 404, url
    expect(page.locator("main h1")).to_have_text("Page not found")


def summary_row(scope: Page | Locator, key: str) -> Locator:
    """The summary-list row (within `scope`) whose key is exactly `key`."""
    page = scope if isinstance(scope, Page) else scope.page
    key_cell = page.locator(".govuk-summary-list__key", has_text=re.compile(f"^{re.escape(key)}$"))
    return scope.locator(".govuk-summary-list__row").filter(has=key_cell)


def fill_date(page: Page, name: str, moment: dt.datetime | None) -> None:
    """The GOV.UK date boxes and the time box of a MomentFormMixin field; None clears them."""
    local = timezone.localtime(moment) if moment else None
    page.fill(f"#id_{name}_0", str(local.day) if local else "")
    page.fill(f"#id_{name}_1", str(local.month) if local else "")
    page.fill(f"#id_{name}_2", str(local.year) if local else "")
    page.fill(f"#id_{name}_time", f"{local:%H:%M}" if local else "")


# --- 1. A PEEL report: scheduled, embargoed, published ---------------------------------------------


def test_hmi_schedules_a_peel_report_and_the_embargo_opens_and_lifts_on_time(
    page: Page, browser: Browser, live_server: Any, demo: dict[str, str]
) -> None:
    inspection = Inspection.objects.get(title=PEEL_INSPECTION)
    base = live_server.url

    # HMICFRS: a new draft on the demo PEEL inspection, a finding, final – all through the forms.
    sign_in(page, live_server, "hmi", demo["hmi"])
    page.goto(f"{base}/inspections/{inspection.pk}/")
    page.get_by_role("button", name="Add a report").click()
    expect(page.locator("main h1")).to_have_text("Add a report")
    shot(page, "insp-report-new")
    page.get_by_label("Force- or FRS-specific (PEEL, FRS): 48 hours' embargo").check()
    page.get_by_label("Title", exact=True).fill(NEW_REPORT)
    page.get_by_label("Summary", exact=True).fill("How well the constabulary supports victims of crime.")
    page.get_by_label("Report text").fill(
        "Summary\n\nThe constabulary supports most victims well.\n\n"
        "Victim contact\n\nToo many victims do not know who is dealing with their case."
    )
    page.get_by_label("Press release").fill(
        "Inspectorate publishes its report on victim care in Avon and Somerset."
    )
    page.get_by_role("button", name="Add the draft").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Draft report added.")
    report = Report.objects.get(title=NEW_REPORT)
    assert report.kind == ReportKind.FORCE_SPECIFIC
    assert list(report.areas.values_list("slug", flat=True)) == ["avon-and-somerset"]
    report_url = f"{base}/inspections/reports/{report.pk}/"
    expect(page).to_have_url(report_url)
    expect(page.locator("main h1")).to_have_text(NEW_REPORT)
    expect(active_nav(page)).to_have_text("Inspections")
    shot(page, "insp-report-draft")

    page.get_by_role("link", name="Add a finding").click()
    page.get_by_label("Recommendation").check()
    page.get_by_label("Finding", exact=True).fill(NEW_FINDING)
    shot(page, "insp-finding-form")
    page.get_by_role("button", name="Add the finding").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Finding added.")
    reference = report.findings.get().reference
    expect(page.get_by_role("table", name="Findings")).to_contain_text(reference)
    shot(page, "insp-report-finding-added")

    page.get_by_role("link", name="Make the report final").click()
    shot(page, "insp-finalise")
    page.get_by_role("button", name="Make final").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("The report is final.")
    shot(page, "insp-report-final")

    # The schedule form: a distribution later than the MOU allows is refused, with the working shown.
    page.get_by_role("link", name="Schedule publication").click()
    expect(page.locator("main h1")).to_have_text("Schedule publication")
    shot(page, "insp-schedule")
    publication = timezone.localtime(timezone.now() + dt.timedelta(days=4)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    latest = explain_hours_before(publication, 48, rule="D1", lead="Publication")
    fill_date(page, "publication_at", publication)
    fill_date(page, "distribution_at", publication - dt.timedelta(hours=24))
    page.get_by_role("button", name="Schedule publication").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("at least 48 hours before publication")
    expect(page).to_have_title(re.compile(rf"^Error: Schedule publication – {re.escape(NEW_REPORT)} – "))
    inset = page.locator("main .govuk-inset-text")
    expect(inset).to_contain_text("For the publication moment you entered, the embargoed copy must go out by")
    expect(inset.locator("strong")).to_have_text(
        f"{shown(latest.value)} {timezone.localtime(latest.value).tzname()}"
    )
    expect(inset).to_contain_text(f"How this was worked out: {latest.working}")
    shot(page, "insp-schedule-error")
    report.refresh_from_db()
    assert report.state == ReportState.FINAL
    assert report.publication_at is None

    fill_date(page, "distribution_at", None)
    page.get_by_role("button", name="Schedule publication").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Publication scheduled.")
    expect(page).to_have_url(report_url)
    row = summary_row(page, "Embargoed copy goes out")
    expect(row).to_contain_text(shown(latest.value))
    row.get_by_text("Latest moment the MOU allows").click()
    expect(row.locator(".govuk-details__text")).to_have_text(latest.working)
    expect(summary_row(page, "Publication")).to_contain_text(shown(publication))
    shot(page, "insp-report-scheduled")
    report.refresh_from_db()
    assert report.state == ReportState.SCHEDULED
    assert report.publication_at == publication
    assert report.distribution_at == latest.value

    # Before distribution: nothing of it for the PCC's office.
    switch_user(page, live_server, "opcc", demo)
    page.get_by_role("link", name="Inspections", exact=True).click()
    expect(page.locator("main h1")).to_have_text("Inspections in your area")
    expect(page.locator("main").get_by_text(PEEL_INSPECTION).first).to_be_visible()  # the demo report
    expect(page.get_by_text(NEW_REPORT)).to_have_count(0)
    shot(page, "insp-opcc-my-area-before-distribution")
    expect_not_found(page, report_url)
    shot(page, "insp-opcc-report-404-before-distribution")
    assert page.request.get(f"{base}/inspections/reports/{report.pk}/copy.pdf").status == 404
    assert AuditEvent.objects.filter(
        action=AuditAction.DENIED, object_id=str(report.pk), actor__username="opcc"
    ).exists()

    # Inside the window (publication − 47 h): the embargoed copy is the PCC's.
    with time_machine.travel(publication - dt.timedelta(hours=47), tick=True):
        switch_user(page, live_server, "opcc", demo)
        page.get_by_role("link", name="Inspections", exact=True).click()
        entry = page.locator(".app-report-row", has=page.get_by_role("link", name=NEW_REPORT, exact=True))
        expect(entry).to_contain_text(f"Embargoed until {shown_with_zone(publication)}")
        expect(active_nav(page)).to_have_text("Inspections")
        shot(page, "insp-opcc-my-area-embargoed")
        with page.expect_download() as download_info:
            entry.get_by_role("link", name="Download the embargoed copy (PDF)").click()
        download = download_info.value
        assert download.suggested_filename.endswith(".pdf"), download.suggested_filename
        assert download.suggested_filename.endswith("-embargoed.pdf")
        assert download.failure() is None

        entry.get_by_role("link", name=NEW_REPORT, exact=True).click()
        expect(page.locator("main h1")).to_have_text(NEW_REPORT)
        expect(page.locator("main .govuk-warning-text")).to_contain_text(
            f"Embargoed until {shown(publication)}"
        )
        expect(page.get_by_role("table", name="Findings")).to_contain_text(NEW_FINDING)
        shot(page, "insp-opcc-report-embargoed")

        visitor = browser.new_context()
        try:
            public = visitor.new_page()
            expect_not_found(public, f"{base}/public/reports/{report.pk}/")
            shot(public, "insp-visitor-report-404-embargoed")
            public.goto(f"{base}/public/reports/")
            expect(public.locator("main h1")).to_have_text("Published inspection reports")
            expect(public.get_by_text(NEW_REPORT)).to_have_count(0)
            shot(public, "insp-visitor-public-index-embargoed")
        finally:
            visitor.close()

    # From the publication moment: public, to everyone.
    with time_machine.travel(publication + dt.timedelta(minutes=1), tick=True):
        visitor = browser.new_context()
        try:
            public = visitor.new_page()
            response = public.goto(f"{base}/public/reports/{report.pk}/")
            assert status(response) == 200
            expect(public.locator("main h1")).to_have_text(NEW_REPORT)
            expect(public.locator("main")).to_contain_text("Recommendations")
            expect(public.locator("main")).to_contain_text(f"Recommendation {reference}")
            expect(public.locator("main")).to_contain_text(NEW_FINDING)
            expect(public.get_by_role("link", name="Sign in")).to_be_visible()
            shot(public, "insp-visitor-report-published")

            public.get_by_role("link", name="Back to published reports").click()
            expect(public.locator("main h1")).to_have_text("Published inspection reports")
            expect(public.get_by_role("link", name=NEW_REPORT)).to_be_visible()
            expect(active_nav(public)).to_have_text("Reports")
            shot(public, "insp-visitor-public-index")
        finally:
            visitor.close()


# --- 2. Factual accuracy: the force's, never the PCC's -----------------------------------------------


def test_force_comments_on_a_draft_the_pcc_cannot_open(
    page: Page, live_server: Any, demo: dict[str, str]
) -> None:
    base = live_server.url
    frs_draft = Report.objects.get(title=FRS_DRAFT)

    # The FRS: from "Inspections in your area" to the factual-accuracy page.
    sign_in(page, live_server, "frs", demo["frs"])
    page.get_by_role("link", name="Inspections", exact=True).click()
    expect(page.locator("main h1")).to_have_text("Inspections in your area")
    expect(active_nav(page)).to_have_text("Inspections")
    entry = page.locator(".app-report-row", has=page.get_by_role("link", name=FRS_DRAFT, exact=True))
    expect(entry).to_contain_text("Draft for factual-accuracy check")
    shot(page, "insp-frs-my-area")
    entry.get_by_role("link", name="Send corrections of fact").click()
    expect(page).to_have_url(f"{base}/inspections/reports/{frs_draft.pk}/factual-accuracy/")
    expect(page.locator("main h1")).to_have_text(FRS_DRAFT)
    expect(page.locator("main .govuk-warning-text")).to_contain_text(
        "not to be shared, including with the PCC"
    )
    shot(page, "insp-frs-fac")

    # An empty form: the GOV.UK error summary, each message linked to its field.
    page.get_by_role("button", name="Send the correction").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    for message in (
        "Enter the paragraph or page.",
        "Enter the text as it stands.",
        "Enter the correction of fact.",
        "Enter the evidence for the correction.",
    ):
        expect(summary.get_by_role("link", name=message)).to_be_visible()
    expect(page).to_have_title(re.compile(rf"^Error: Factual-accuracy check – {re.escape(FRS_DRAFT)} – "))
    expect(page.locator("#id_paragraph")).to_have_attribute("aria-invalid", "true")
    summary.get_by_role("link", name="Enter the paragraph or page.").click()
    expect(page.locator("#id_paragraph")).to_be_focused()
    shot(page, "insp-frs-fac-errors")
    assert not FactualAccuracyComment.objects.filter(report=frs_draft).exists()

    page.get_by_label("Paragraph or page").fill("4")
    page.get_by_label("Text as it stands").fill(
        "The service carried out 4,200 home fire safety visits in 2025."
    )
    page.get_by_label("Correction of fact").fill(
        "The service carried out 4,350 home fire safety visits in 2025."
    )
    page.get_by_label("Evidence for the correction").fill(
        "The prevention team's 2025 return to the Home Office."
    )
    page.get_by_role("button", name="Send the correction").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Your comment on paragraph 4 has been sent to HMICFRS."
    )
    sent = page.get_by_role(
        "table", name="Corrections your force or service has sent, with HMICFRS's decisions"
    )
    expect(sent).to_contain_text("4,350 home fire safety visits")
    expect(sent).to_contain_text("Awaiting decision")
    shot(page, "insp-frs-fac-sent")
    comment = FactualAccuracyComment.objects.get(report=frs_draft)
    assert comment.submitted_by.username == "frs"
    assert comment.paragraph == "4"

    # A police draft for Avon and Somerset: the chief constable's office comments ...
    hmi = User.objects.get(username="hmi")
    police_draft = report_create(
        inspection=Inspection.objects.get(title=PEEL_INSPECTION),
        kind=ReportKind.FORCE_SPECIFIC,
        title=POLICE_DRAFT,
        summary="Draft for factual-accuracy check.",
        body="Summary\n\nNeighbourhood teams know their communities.\n\n"
        "Neighbourhood policing\n\nThe constabulary had 310 police community support officers in March 2026.",
        by=hmi,
    )
    report_open_factual_accuracy(report=police_draft, closes_at=timezone.now() + dt.timedelta(days=5), by=hmi)
    report_url = f"{base}/inspections/reports/{police_draft.pk}/"
    fac_url = f"{report_url}factual-accuracy/"

    switch_user(page, live_server, "force", demo)
    page.get_by_role("link", name="Inspections", exact=True).click()
    entry = page.locator(".app-report-row", has=page.get_by_role("link", name=POLICE_DRAFT, exact=True))
    expect(entry).to_contain_text("Draft for factual-accuracy check")
    shot(page, "insp-force-my-area")
    entry.get_by_role("link", name=POLICE_DRAFT, exact=True).click()
    expect(page).to_have_url(report_url)
    expect(page.locator("main .govuk-inset-text")).to_contain_text(
        "It is not to be shared, including with the PCC"
    )
    shot(page, "insp-force-report-draft")
    page.get_by_role("button", name="Read the draft and send corrections of fact").click()
    expect(page).to_have_url(fac_url)
    page.get_by_label("Paragraph or page").fill("4")
    page.get_by_label("Text as it stands").fill("310 police community support officers")
    page.get_by_label("Correction of fact").fill("298 police community support officers")
    page.get_by_label("Evidence for the correction").fill("The workforce return of 31 March 2026.")
    page.get_by_role("button", name="Send the correction").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Your comment on paragraph 4 has been sent to HMICFRS."
    )
    # Only the force's own comments are listed: not the FRS's on another report.
    expect(page.locator("main tbody tr")).to_have_count(1)
    shot(page, "insp-force-fac-sent")
    assert FactualAccuracyComment.objects.get(report=police_draft).submitted_by.username == "force"

    # ... and the PCC's office finds neither the draft nor its check, nor the FRS's draft.
    switch_user(page, live_server, "opcc", demo)
    page.get_by_role("link", name="Inspections", exact=True).click()
    expect(page.locator("main h1")).to_have_text("Inspections in your area")
    expect(page.get_by_text(POLICE_DRAFT)).to_have_count(0)
    expect(page.get_by_text("Send corrections of fact")).to_have_count(0)
    shot(page, "insp-opcc-my-area-no-drafts")
    expect_not_found(page, report_url)
    shot(page, "insp-opcc-draft-404")
    expect_not_found(page, fac_url)
    shot(page, "insp-opcc-fac-404")
    expect_not_found(page, f"{base}/inspections/reports/{frs_draft.pk}/factual-accuracy/")
    assert page.request.get(f"{base}/inspections/reports/{police_draft.pk}/copy.pdf").status == 404
    denied = AuditEvent.objects.filter(
        action=AuditAction.DENIED, object_id=str(police_draft.pk), actor__username="opcc"
    )
    assert denied.count() >= 2


# --- 3. The HMICFRS workspace ------------------------------------------------------------------------


def test_hmi_workspace_list_timeline_and_csv(page: Page, live_server: Any, demo: dict[str, str]) -> None:
    base = live_server.url
    inspection = Inspection.objects.get(title=PEEL_INSPECTION)
    force = Organisation.objects.get(kind=OrganisationKind.POLICE_FORCE, slug="avon-and-somerset")
    office = office_of_area(force, timezone.localdate())

    sign_in(page, live_server, "hmi", demo["hmi"])
    page.get_by_role("link", name="Inspections", exact=True).click()
    expect(page).to_have_url(f"{base}/inspections/")
    expect(page.locator("main h1")).to_have_text("Inspections")
    expect(active_nav(page)).to_have_text("Inspections")
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(4)
    for title in (
        PEEL_INSPECTION,
        "Police response to stalking (thematic)",
        "FRS inspection 2026: Avon Fire & Rescue Service",
        "PEEL 2025–27: Cumbria Constabulary",
    ):
        expect(page.get_by_role("link", name=title, exact=True).first).to_be_visible()
    shot(page, "insp-hmi-list")

    # The CSV: the reports the HMI may see, as a download.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the reports you can see (CSV)").click()
    download = download_info.value
    assert download.suggested_filename == f"reports-{timezone.localdate():%Y-%m-%d}.csv"
    # As Excel reads it: UTF-8 announced by its byte-order mark.
    with open(download.path(), encoding="utf-8-sig") as handle:
        table = list(csv.reader(io.StringIO(handle.read())))
    assert table[0] == [
        "Title",
        "Kind",
        "State",
        "Forces and FRSs",
        "Publication date",
        "Publication time (UK)",
        "Findings",
    ]
    titles = {row[0] for row in table[1:]}
    assert titles == set(Report.objects.values_list("title", flat=True))
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, actor__username="hmi").exists()

    # The inspection's timeline: the notice sent to the force and its PCC's office alike.
    page.get_by_role("link", name=PEEL_INSPECTION, exact=True).first.click()
    expect(page).to_have_url(f"{base}/inspections/{inspection.pk}/")
    expect(page.locator("main h1")).to_have_text(PEEL_INSPECTION)
    expect(active_nav(page)).to_have_text("Inspections")
    notice = page.locator(".govuk-summary-card", has_text="PEEL inspection of Avon and Somerset Constabulary")
    to = summary_row(notice, "To")
    expect(to).to_contain_text(force.name)
    expect(to).to_contain_text(office.name)
    expect(to).to_contain_text("One notice: each of them received this text at this moment.")
    expect(notice).to_contain_text("The final evidence-gathering period runs from 2 to 13 March 2026.")
    reports = page.get_by_role("table", name="Reports you can see")
    expect(reports).to_contain_text("Publication scheduled")
    reports.get_by_text("How this was worked out").first.click()
    expect(reports.locator(".govuk-details__text").first).to_contain_text(
        "the diary note goes in the week before"
    )
    shot(page, "insp-hmi-inspection")

    # A new notice through the form reaches the chief's office and the PCC's office identically.
    page.get_by_role("button", name="Send a notice").click()
    expect(page.locator("main h1")).to_have_text("Send a notice")
    shot(page, "insp-hmi-notice-form")
    subject = "PEEL schedule: Avon and Somerset Constabulary"
    body = "Fieldwork runs from 11 to 22 May 2026. The strategic briefing is on 6 May 2026."
    page.get_by_label("PEEL schedule and milestones").check()
    page.get_by_label("Subject").fill(subject)
    page.get_by_label("Text", exact=True).fill(body)
    page.get_by_role("button", name="Send the notice").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Notice sent to each force or FRS and its PCC at the same moment."
    )
    expect(page).to_have_url(f"{base}/inspections/{inspection.pk}/")
    card = page.locator(".govuk-summary-card", has_text=subject)
    expect(card).to_contain_text(body)
    expect(card).to_contain_text("PEEL schedule and milestones")
    expect(summary_row(card, "To")).to_contain_text(office.name)
    shot(page, "insp-hmi-notice-sent")
    received = {
        message.user.username: message
        for message in InboxMessage.objects.filter(subject=subject).select_related("user")
    }
    assert {"force", "opcc"} <= set(received)
    assert "frs" not in received
    assert "opcc-cumbria" not in received
    assert received["force"].body == received["opcc"].body == body
    assert received["force"].created_at == received["opcc"].created_at
