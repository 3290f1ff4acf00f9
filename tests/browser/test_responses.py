"""The PCC's statutory response (U6, D5) in a real browser: a published PEEL report with three
recommendations awaits the Avon and Somerset OPCC's response; the office invites the chief's
comments, writes the response part by part (the completeness check names what is missing), checks
what will be sent on the "check your answers" page, is refused a file that only calls itself a PDF,
confirms and sends the real PDF on time, and the public report page shows the response as published
on time, with the day. Then the APCC's timeliness dashboard counts it (U7).

The report is built through the services at a moment in the past (time_machine), with its
publication moment yesterday, and published by `reports_due_notices(now=...)` as the worker
would, which creates the obligation. The demo's own PEEL report is published only tomorrow, so
it stays out of the way. Nothing jumps in time while a browser session is open.

Screenshots go to test-artifacts/screenshots/resp-*.png for a person to look at.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import Browser, Locator, Page, expect

from contacts.models import Organisation, OrganisationKind, User
from contacts.selectors import office_of_area
from inspections.models import FindingKind, InspectionKind, Report, ReportKind, ReportState
from inspections.services import (
    finding_add,
    inspection_create,
    report_create,
    report_finalise,
    report_schedule,
    reports_due_notices,
)
from responses.models import ObligationState, ResponseObligation, Submission
from responses.services import (
    response_chief_comment,
    response_invite_chief,
    response_save,
    response_submit,
)
from tests.browser.conftest import shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INSPECTION = "PEEL 2026: Avon and Somerset Constabulary (responses)"
REPORT = "PEEL 2026: how well Avon and Somerset Constabulary answers the public"
RECOMMENDATIONS = (
    "Within three months, answer 999 calls within ten seconds in nine cases out of ten.",
    "Within six months, make sure every non-emergency caller is given a crime reference.",
    "Within a year, publish how long callers to 101 wait, month by month.",
)
PUBLISHED_URL = "https://www.avonandsomerset-pcc.gov.uk/responses/peel-2026-answering-the-public"


def day_words(day: dt.date) -> str:
    """A day as the templates print it with |date:"l j F Y"."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def active_nav(page: Page) -> Locator:
    return page.locator(".govuk-service-navigation__item--active")


def avon_office() -> Organisation:
    force = Organisation.objects.get(kind=OrganisationKind.POLICE_FORCE, slug="avon-and-somerset")
    office = office_of_area(force, timezone.localdate())
    assert office is not None
    return office


def publish_peel_report() -> tuple[Report, ResponseObligation]:
    """A PEEL report for Avon and Somerset with three recommendations, published yesterday at 10:00.

    Built four days before publication (so the 48-hour embargo is kept), then published by the
    notice task run just after the publication moment, which creates the PCC's obligation.
    """
    hmi = User.objects.get(username="hmi")
    force = Organisation.objects.get(kind=OrganisationKind.POLICE_FORCE, slug="avon-and-somerset")
    publication = timezone.localtime(timezone.now() - dt.timedelta(days=1)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    with time_machine.travel(publication - dt.timedelta(days=4), tick=False):
        inspection = inspection_create(
            kind=InspectionKind.PEEL, title=INSPECTION, areas=[force], lead=hmi, by=hmi
        )
        report = report_create(
            inspection=inspection,
            kind=ReportKind.FORCE_SPECIFIC,
            title=REPORT,
            summary="How well the constabulary answers calls from the public.",
            body="Summary\n\nThe constabulary answers most emergency calls promptly.\n\n"
            "Non-emergency calls\n\nToo many callers to 101 give up before they are answered.",
            by=hmi,
        )
        for text in RECOMMENDATIONS:
            finding_add(report=report, kind=FindingKind.RECOMMENDATION, text=text, by=hmi)
        report_finalise(report=report, by=hmi)
        report_schedule(report=report, publication_at=publication, by=hmi)
    counts = reports_due_notices(now=publication + dt.timedelta(minutes=1))
    assert counts["published"] == 1, counts
    report.refresh_from_db()
    assert report.state == ReportState.PUBLISHED
    return report, ResponseObligation.objects.get(report=report)


def blank_pdf(path: Path) -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.write(path)
    return path


# --- 1. From "awaiting" to "published on time" ----------------------------------------------------


def test_opcc_builds_and_submits_the_response_and_the_public_sees_it_on_time(
    page: Page,
    browser: Browser,
    live_server: Any,
    demo: dict[str, str],
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    base = live_server.url
    report, obligation = publish_peel_report()
    findings = list(report.findings.filter(kind=FindingKind.RECOMMENDATION).order_by("pk"))
    assert [f.text for f in findings] == list(RECOMMENDATIONS)
    refs = [f.reference for f in findings]
    published_on = timezone.localdate(report.publication_at)
    day_56 = published_on + dt.timedelta(days=55)
    assert obligation.office == avon_office()
    obligation_url = f"{base}/responses/{obligation.pk}/"

    # The list: the report awaits the office's response, due by the end of day 56.
    sign_in(page, live_server, "opcc", demo["opcc"])
    page.get_by_role("link", name="Responses", exact=True).click()
    expect(page).to_have_url(f"{base}/responses/")
    expect(page.locator("main h1")).to_have_text("Reports awaiting your response")
    expect(active_nav(page)).to_have_text("Responses")
    row = page.locator("main tbody tr").filter(has=page.get_by_role("link", name=REPORT))
    expect(row).to_contain_text(f"By the end of {day_words(day_56)}")
    expect(row).to_contain_text("Awaiting response")
    expect(row).to_contain_text("Avon and Somerset Constabulary")
    expect(row).to_contain_text("55 days left")
    row.get_by_text("How this was worked out").click()
    expect(row.locator(".govuk-details__text")).to_contain_text("day 56 is")
    shot(page, "resp-opcc-awaiting")

    # The overview: every part is missing.
    row.get_by_role("link", name=REPORT).click()
    expect(page).to_have_url(obligation_url)
    expect(page.locator("main h1")).to_have_text(f"Response to {REPORT}")
    missing = page.locator("#missing li")
    expect(missing).to_have_text(
        [
            "Invite the chief officer's comments and set a date for them",
            "The PCC's comments on the report",
            *(f"Recommendation {ref}: the action taken or proposed, or why none" for ref in refs),
            "The web address where the response is published",
        ]
    )
    expect(page.locator("main .govuk-warning-text")).to_contain_text(
        "The response cannot be submitted until every part is there."
    )
    expect(page.locator(".govuk-task-list")).to_contain_text("0 of 3 answered")
    expect(page.locator(".govuk-task-list")).to_contain_text("Cannot start yet")
    expect(page.get_by_role("link", name="Upload the published response")).to_have_count(0)
    shot(page, "resp-opcc-obligation-all-missing")

    # s55(4): invite the chief officer's comments by a date.
    comments_due = timezone.localdate() + dt.timedelta(days=14)
    page.get_by_role("link", name="Invite the chief officer's comments").click()
    expect(page.locator("main h1")).to_have_text("Invite the chief officer's comments")
    expect(page.locator("main")).to_contain_text(f"due by the end of {day_words(day_56)}")
    page.fill("#id_comments_due_on_0", str(comments_due.day))
    page.fill("#id_comments_due_on_1", str(comments_due.month))
    page.fill("#id_comments_due_on_2", str(comments_due.year))
    shot(page, "resp-opcc-invite-chief")
    page.get_by_role("button", name="Invite comments").click()
    expect(page).to_have_url(obligation_url)
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"The chief officer's office has been told. It can enter its comments by the end of "
        f"{day_words(comments_due)}"
    )
    expect(missing.first).to_contain_text("The chief officer's comments: their office can enter them")

    # U6: the chief's office enters its comments in its own portal (tests/browser/test_chief_comments.py
    # does it through the pages); here through the service, then the OPCC sees them.
    response_chief_comment(
        obligation=obligation,
        comments="The constabulary accepts the findings and has a plan for its control room.",
        by=User.objects.get(username="force"),
    )
    page.reload()
    expect(page.locator("main")).to_contain_text("The constabulary accepts the findings")

    # The parts, and two of the three recommendations (one with an action, one with why none).
    page.get_by_role("link", name="Respond to the chief officer's comments").click()
    expect(page.locator("main h1")).to_have_text("Write the response")
    page.get_by_label("The PCC's comments on the report", exact=True).fill(
        "I welcome the report and will hold the chief constable to account for the 101 service."
    )
    page.get_by_label("The PCC's response to the chief officer's comments", exact=True).fill(
        "I support the plan and will review its progress at each accountability board."
    )
    page.locator(f"#id_action_{findings[0].pk}").fill("Twelve more call handlers start in May.")
    page.locator(f"#id_reason_{findings[1].pk}").fill(
        "Every caller already receives a reference by text message; no further action is needed."
    )
    shot(page, "resp-opcc-edit")
    page.get_by_role("button", name="Save the response").click()
    # The browser keeps the task link's fragment (#id_reply_to_chief) across the redirect.
    expect(page).to_have_url(re.compile(rf"^{re.escape(obligation_url)}(#.*)?$"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The response has been saved."
    )
    expect(missing).to_have_text(
        [
            f"Recommendation {refs[2]}: the action taken or proposed, or why none",
            "The web address where the response is published",
        ]
    )
    expect(page.locator(".govuk-task-list")).to_contain_text("2 of 3 answered")
    shot(page, "resp-opcc-obligation-third-missing")

    # The third recommendation and the published address: nothing is missing any more.
    page.get_by_role("link", name="Answer each recommendation").click()
    expect(page.locator(f"#id_action_{findings[0].pk}")).to_have_value(
        "Twelve more call handlers start in May."
    )
    page.locator(f"#id_action_{findings[2].pk}").fill("Waiting times for 101 are published from June.")
    page.get_by_label("Web address where the response is published").fill(PUBLISHED_URL)
    page.get_by_role("button", name="Save the response").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The response has been saved."
    )
    expect(page.locator("#missing")).to_have_count(0)
    expect(page.locator("main .govuk-inset-text")).to_contain_text("Every part of the response is there.")
    shot(page, "resp-opcc-obligation-complete")

    # A text file that only calls itself .pdf: refused, with the reason, and nothing submitted.
    fake = tmp_path / "response.pdf"
    fake.write_text("This is the PCC's response, typed in a text editor.\n", encoding="utf-8")
    # The link to the report the response answers.
    expect(page.locator("#report-link")).to_have_attribute("href", f"/public/reports/{report.pk}/")
    expect(page.locator("#report-link")).to_have_text(REPORT)
    # Sending starts on a "check your answers" page: what goes, to whom, on time or not, each part.
    page.get_by_role("link", name="Upload the published response").click()
    expect(page.locator("main h1")).to_have_text("Check your response before you send it")
    sending = page.locator("#sending")
    expect(sending).to_contain_text("HMICFRS and the Home Secretary")
    expect(sending).to_contain_text(f"By the end of {day_words(day_56)}. Sent now, it is on time.")
    expect(sending.get_by_role("link", name=REPORT)).to_be_visible()
    parts = page.locator("#parts")
    expect(parts).to_contain_text("The constabulary accepts the findings")
    expect(parts).to_contain_text("I welcome the report")
    expect(parts).to_contain_text("Waiting times for 101 are published from June.")
    expect(parts).to_contain_text(PUBLISHED_URL)
    expect(parts.get_by_role("link", name="Change the PCC's comments")).to_be_visible()
    shot(page, "resp-opcc-check-before-sending")
    assert not Submission.objects.filter(obligation=obligation).exists()
    page.get_by_label("Upload the response as published (PDF)").set_input_files(str(fake))
    page.get_by_role("button", name="Confirm and send").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    refusal = "The selected file is not a PDF (its content is not a PDF document)."
    expect(summary.get_by_role("link", name=refusal)).to_be_visible()
    expect(page.locator("#id_file_error")).to_contain_text(refusal)
    expect(page.locator("#id_file")).to_have_attribute("aria-invalid", "true")
    expect(page).to_have_title(
        re.compile(rf"^Error: Check your response before you send it – {re.escape(REPORT)}")
    )
    shot(page, "resp-opcc-submit-not-a-pdf")
    assert not Submission.objects.filter(obligation=obligation).exists()
    obligation.refresh_from_db()
    assert obligation.state == ObligationState.AWAITING
    stored = tmp_path / "media" / "responses"
    assert not stored.exists() or not any(stored.iterdir())  # the refused file left nothing behind

    # The real PDF: sent to HMICFRS and the Home Secretary, on time.
    pdf = blank_pdf(tmp_path / "PCC response - PEEL 2026.pdf")
    page.get_by_label("Upload the response as published (PDF)").set_input_files(str(pdf))
    page.get_by_role("button", name="Confirm and send").click()
    expect(page).to_have_url(obligation_url)
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text(
        "Version 1 of the response has been sent to HMICFRS and the Home Secretary."
    )
    expect(banner).to_contain_text(f"It was submitted on time, before the end of {day_words(day_56)}.")
    expect(page.locator("main .govuk-summary-list").first).to_contain_text("Submitted on time")
    versions = page.get_by_role("table", name="Submitted versions, newest first")
    expect(versions).to_contain_text("On time")
    expect(versions.get_by_role("link", name=re.compile(r"^Download version 1"))).to_be_visible()
    shot(page, "resp-opcc-submitted")
    submission = Submission.objects.get(obligation=obligation)
    assert submission.version == 1
    assert not submission.late
    assert submission.submitted_by.username == "opcc"
    assert submission.published_url == PUBLISHED_URL
    obligation.refresh_from_db()
    assert obligation.state == ObligationState.SUBMITTED

    # A visitor: the public report shows the PCC's response, published on time, with its address.
    visitor = browser.new_context()
    try:
        public = visitor.new_page()
        response = public.goto(f"{base}/public/reports/{report.pk}/")
        assert response is not None
        assert response.status == 200
        expect(public.locator("main h1")).to_have_text(REPORT)
        expect(public.locator("#pcc-responses")).to_have_text("PCC responses")
        responses = public.locator("#pcc-responses + p + .govuk-summary-list")
        expect(responses.locator(".govuk-summary-list__row")).to_have_count(1)
        entry = responses.locator(".govuk-summary-list__row", has_text="Avon and Somerset Constabulary")
        expect(entry).to_contain_text(avon_office().name)
        expect(entry.locator(".govuk-tag")).to_have_text("Published on time")
        sent_on = timezone.localdate(submission.submitted_at)
        expect(entry).to_contain_text(f"Published {sent_on.day} {sent_on:%B %Y}")
        link = entry.get_by_role("link", name=re.compile(r"^Read the PCC's response"))
        expect(link).to_have_attribute("href", PUBLISHED_URL)
        public.locator("#pcc-responses").scroll_into_view_if_needed()
        shot(public, "resp-visitor-report-response-on-time")
    finally:
        visitor.close()


# --- 2. The APCC's timeliness dashboard counts it -------------------------------------------------


def test_apcc_timeliness_dashboard_counts_the_on_time_response(
    page: Page, live_server: Any, demo: dict[str, str], settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    report, obligation = publish_peel_report()
    opcc = User.objects.get(username="opcc")
    response_invite_chief(
        obligation=obligation, comments_due_on=timezone.localdate() + dt.timedelta(days=7), by=opcc
    )
    response_chief_comment(
        obligation=obligation,
        comments="The constabulary accepts the findings.",
        by=User.objects.get(username="force"),
    )
    response_save(
        obligation=obligation,
        by=opcc,
        pcc_comments="I welcome the report.",
        reply_to_chief="I support the chief constable's plan.",
        published_url=PUBLISHED_URL,
        answers={
            finding.pk: ("The constabulary will act on it.", "")
            for finding in report.findings.filter(kind=FindingKind.RECOMMENDATION)
        },
    )
    pdf = blank_pdf(tmp_path / "response.pdf")
    submission = response_submit(
        obligation=obligation,
        upload=SimpleUploadedFile("response.pdf", pdf.read_bytes(), content_type="application/pdf"),
        by=opcc,
    )
    assert not submission.late
    office = avon_office()
    # The demo's published thematic also involves Avon and Somerset: its response is outstanding.
    due = ResponseObligation.objects.filter(office=office).count()
    assert due == 2

    sign_in(page, live_server, "apcc", demo["apcc"])
    page.get_by_role("link", name="Timeliness", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/responses/timeliness/")
    expect(page.locator("main h1")).to_have_text("PCC response timeliness")
    expect(active_nav(page)).to_have_text("Timeliness")
    by_office = page.get_by_role("table", name="By PCC office")
    office_row = by_office.locator("tbody tr").filter(
        has=page.get_by_role("rowheader", name=office.name, exact=True)
    )
    expect(office_row).to_have_count(1)
    # Responses due, on time, late, outstanding, of which overdue, answered elsewhere, median days.
    expect(office_row.locator("td")).to_have_text(["2", "1", "0", "1", "0", "0", "1"])
    expect(page.locator("main svg[role=img] desc")).to_contain_text("1 on time")
    shot(page, "resp-apcc-timeliness")
