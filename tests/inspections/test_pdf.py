"""Embargoed copies as watermarked PDFs (U3, U4, U5) with redactions applied (U1), and the
static-only URL fetcher every PDF is rendered with (STACK.md, STYLE.md §17).

Moments: publication at 10:00 GMT on Monday 26 October 2026, the day after the
clocks go back. A force-specific report (U3) goes to the chief and the PCC 48
elapsed hours before: 10:00 GMT (11:00 BST) on Saturday 24 October.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import socket
import urllib.request

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from contacts.models import User
from hmicfrs_mou.models import AuditAction, AuditEvent
from hmicfrs_mou.pdf import PDF_BASE_URL, StaticFilesFetcher, html_to_pdf, static_path_for
from inspections.models import EmbargoedCopyOpen, FindingKind, InspectionKind, Report, ReportKind
from inspections.pdf import embargoed_copy_context, moment_label, public_report_context
from inspections.services import (
    finding_add,
    inspection_create,
    redaction_add,
    report_create,
    report_finalise,
    report_open_factual_accuracy,
    report_schedule,
)

pytestmark = pytest.mark.django_db

UTC = dt.UTC
PUBLICATION = dt.datetime(2026, 10, 26, 10, 0, tzinfo=UTC)  # 10:00 GMT, Monday 26 October 2026
DISTRIBUTION = PUBLICATION - dt.timedelta(hours=48)  # D1: 10:00 GMT = 11:00 BST, Saturday 24 October
SCHEDULED = dt.datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
ONE_SECOND = dt.timedelta(seconds=1)
SECRET = "the refuge at 14 Larkspur Close, Keynsham (SAFEHOUSE-7731)"
EMBARGO_TEXT = "Embargoed until 10:00 GMT on Monday 26 October 2026"

FILLER = (
    "Inspectors examined how the force answers calls for service, how it identifies vulnerable people "
    "at first contact and how quickly it sends officers to the most urgent incidents. They read case "
    "files, listened to calls, interviewed officers and staff at every rank and reviewed the force's own "
    "performance data over the previous twelve months, comparing it with forces of a similar size."
)


def build_report(
    *,
    lead: User,
    areas: list,
    paragraph_count: int = 6,
    findings: tuple[int, int, int] = (1, 2, 2),
    publication_at: dt.datetime = PUBLICATION,
    scheduled_at: dt.datetime = SCHEDULED,
    kind: str = ReportKind.FORCE_SPECIFIC,
    title: str = "PEEL 2026: Avon and Somerset Constabulary",
    schedule: bool = True,
    finalise: bool = True,
) -> Report:
    """A final report built through the services, with one redacted passage (U1), scheduled at `scheduled_at`."""
    with time_machine.travel(scheduled_at, tick=False):
        now = timezone.now()
        inspection = inspection_create(
            kind=InspectionKind.PEEL, title=title, areas=areas, lead=lead, by=lead, now=now
        )
        body = "\n\n".join(
            f"Paragraph {n}. {FILLER}" + (f" Victims were moved to {SECRET}." if n == 2 else "")
            for n in range(1, paragraph_count + 1)
        )
        report = report_create(
            inspection=inspection,
            kind=kind,
            title=title,
            body=body,
            by=lead,
            summary=f"The force is improving. One victim was moved to {SECRET}.",
            press_release="HMICFRS publishes its PEEL assessment of Avon and Somerset Constabulary today.",
            now=now,
        )
        for kind_, count in zip(
            (FindingKind.CAUSE_OF_CONCERN, FindingKind.RECOMMENDATION, FindingKind.AREA_FOR_IMPROVEMENT),
            findings,
            strict=True,
        ):
            for n in range(count):
                finding_add(report=report, kind=kind_, text=f"{kind_.label} number {n + 1}.", by=lead)
        redaction_add(report=report, passage=SECRET, reason="A person's safety", by=lead)
        if finalise:
            report_finalise(report=report, by=lead, now=now)
        if finalise and schedule:
            report_schedule(report=report, publication_at=publication_at, by=lead, now=now)
    return Report.objects.get(pk=report.pk)


def pages_text(pdf: bytes) -> list[str]:
    """Each page's text, whitespace collapsed (a line break must not hide a match or a leak)."""
    return [re.sub(r"\s+", " ", page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def get_as(user: User | None, url: str, at: dt.datetime):
    """GET `url` as `user` with the clock frozen at `at` (signed in then, so the session is fresh)."""
    with time_machine.travel(at, tick=False):
        client = Client()
        if user is not None:
            client.force_login(user)
        return client.get(url)


def copy_url(report: Report) -> str:
    return reverse("inspections:copy", kwargs={"pk": report.pk})


@pytest.fixture
def report_a(hmi_a, force_a) -> Report:
    return build_report(lead=hmi_a, areas=[force_a])


# --- the static-only fetcher -------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/x.png",
        "https://example.com/static/css/pdf.css",
        "file:///etc/passwd",
        "file://evil.example/etc/passwd",
        f"file://{settings.BASE_DIR}/hmicfrs_mou/settings.py",
        "data:text/css,body{}",
        "ftp://example.com/x.css",
        f"{PDF_BASE_URL}static/../hmicfrs_mou/settings.py",
        f"{PDF_BASE_URL}static/%2e%2e/hmicfrs_mou/settings.py",
        f"{PDF_BASE_URL}static/css/no-such-file.css",
        f"{PDF_BASE_URL}hmicfrs_mou/settings.py",
    ],
)
def test_fetcher_refuses_everything_but_static_files(url):
    with pytest.raises(ValueError, match="Refused|Not a static|No such"):
        static_path_for(url)
    with pytest.raises(ValueError, match="Refused|Not a static|No such"):
        StaticFilesFetcher()(url)


def test_fetcher_serves_static_files_by_static_url_and_file_url():
    css = settings.BASE_DIR / "static" / "css" / "pdf.css"
    assert static_path_for(f"{PDF_BASE_URL}static/css/pdf.css") == css.resolve()
    assert static_path_for(css.resolve().as_uri()) == css.resolve()
    response = StaticFilesFetcher()(f"{PDF_BASE_URL}static/css/pdf.css?v=1")
    assert response.content_type == "text/css"
    assert b"@page" in response.read()


def test_pdf_render_fetches_no_remote_url_and_no_file_outside_static(monkeypatch):
    """Images, stylesheets, imports and backgrounds naming other places are refused, never fetched."""
    attempts: list[tuple[str, str]] = []
    real_fetch = StaticFilesFetcher.fetch

    def spy(self, url, headers=None):
        try:
            response = real_fetch(self, url, headers)
        except ValueError:
            attempts.append((url, "refused"))
            raise
        attempts.append((url, "served"))
        return response

    def no_network(*args, **kwargs):
        raise AssertionError("the PDF renderer opened a connection")

    monkeypatch.setattr(StaticFilesFetcher, "fetch", spy)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", no_network)
    html = """<!DOCTYPE html><html lang="en"><head><title>t</title>
      <link rel="stylesheet" href="/static/css/pdf.css">
      <link rel="stylesheet" href="file:///etc/passwd">
      <style>@import url("http://example.com/evil.css"); body { background: url(file:///etc/shadow) }</style>
      </head><body><p>Text</p><img src="http://example.com/x.png" alt=""><img src="file:///etc/passwd" alt="">
      </body></html>"""
    pdf = html_to_pdf(html)
    assert pdf.startswith(b"%PDF")
    outcome = dict(attempts)
    assert outcome[f"{PDF_BASE_URL}static/css/pdf.css"] == "served"
    for url in ("file:///etc/passwd", "http://example.com/evil.css", "http://example.com/x.png"):
        assert outcome[url] == "refused"
    assert all(result == "refused" for url, result in attempts if "static/css/pdf.css" not in url)


# --- context builders --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "label"),
    [
        (dt.datetime(2026, 10, 26, 10, 0, tzinfo=UTC), "10:00 GMT on Monday 26 October 2026"),
        (dt.datetime(2026, 10, 25, 0, 59, 59, tzinfo=UTC), "01:59 BST on Sunday 25 October 2026"),
        (dt.datetime(2026, 10, 25, 1, 0, tzinfo=UTC), "01:00 GMT on Sunday 25 October 2026"),
        (dt.datetime(2026, 10, 24, 10, 0, tzinfo=UTC), "11:00 BST on Saturday 24 October 2026"),
    ],
)
def test_moment_label_names_the_london_zone_in_force(moment, label):
    assert moment_label(moment) == label


def test_embargoed_copy_context_names_recipient_organisation_and_publication_moment_U3(
    report_a, pcc_office_a
):
    context = embargoed_copy_context(report_a, pcc_office_a, at=DISTRIBUTION)
    office = pcc_office_a.appointments.get().organisation.name
    assert context["embargo_label"] == EMBARGO_TEXT
    assert context["copy_for_label"] == f"Copy for Pcc Office A Tester, {office}"
    assert context["press_release_paragraphs"] == [
        "HMICFRS publishes its PEEL assessment of Avon and Somerset Constabulary today."
    ]
    assert [group["heading"] for group in context["finding_groups"]] == [
        "Causes of concern",
        "Recommendations",
        "Areas for improvement",
    ]
    references = [f["reference"] for group in context["finding_groups"] for f in group["findings"]]
    assert references == [
        f"R{report_a.pk:05d}-C1",
        f"R{report_a.pk:05d}-R1",
        f"R{report_a.pk:05d}-R2",
        f"R{report_a.pk:05d}-A1",
        f"R{report_a.pk:05d}-A2",
    ]


def test_contexts_carry_the_redacted_text_only_U1(report_a, pcc_office_a):
    for context in (
        public_report_context(report_a),
        embargoed_copy_context(report_a, pcc_office_a, at=DISTRIBUTION),
    ):
        flat = repr(context)
        assert "SAFEHOUSE-7731" not in flat
        assert "[Redacted]" in context["blocks"][1].text
        assert "[Redacted]" in context["summary_paragraphs"][0]


def test_copy_of_an_unscheduled_report_says_it_is_not_for_publication(hmi_a, force_a, pcc_office_a):
    report = build_report(lead=hmi_a, areas=[force_a], schedule=False)
    context = embargoed_copy_context(report, hmi_a, at=SCHEDULED)
    assert context["embargo_label"] == "Not yet published: not for publication or sharing"
    assert context["watermark_word"] == "DRAFT"
    assert context["publication_label"] == ""


# --- the PDF itself ----------------------------------------------------------------------------


def test_watermark_names_recipient_and_embargo_on_every_page_of_a_long_report_U3(
    hmi_a, force_a, pcc_office_a
):
    report = build_report(lead=hmi_a, areas=[force_a], paragraph_count=40)
    response = get_as(pcc_office_a, copy_url(report), DISTRIBUTION)
    assert response.status_code == 200
    pages = pages_text(response.content)
    assert len(pages) >= 4
    office = pcc_office_a.appointments.get().organisation.name
    for number, text in enumerate(pages, start=1):
        assert EMBARGO_TEXT in text, f"page {number}"
        assert f"Copy for Pcc Office A Tester, {office} – page {number} of {len(pages)}" in text
        assert "EMBARGOED" in text  # the diagonal watermark
    assert "Press release" in pages[-1]


def test_redacted_passage_is_in_neither_embargoed_nor_public_pdf_U1(report_a, pcc_office_a):
    embargoed = " ".join(pages_text(get_as(pcc_office_a, copy_url(report_a), DISTRIBUTION).content))
    public = " ".join(
        pages_text(
            get_as(
                None, reverse("public_reports:report-pdf", kwargs={"pk": report_a.pk}), PUBLICATION
            ).content
        )
    )
    for text in (embargoed, public):
        assert "SAFEHOUSE" not in text
        assert "Larkspur" not in text
        assert "[Redacted]" in text
        assert "Paragraph 2." in text
    assert "Embargoed until" in embargoed
    assert "Embargoed" not in public


# --- who gets the copy, when (U3) -------------------------------------------------------------


def test_pcc_office_of_the_force_gets_no_copy_one_second_before_distribution_U3(report_a, pcc_office_a):
    response = get_as(pcc_office_a, copy_url(report_a), DISTRIBUTION - ONE_SECOND)
    assert response.status_code == 404
    assert AuditEvent.objects.filter(
        action=AuditAction.DENIED, actor=pcc_office_a, object_id=str(report_a.pk)
    ).exists()
    assert not EmbargoedCopyOpen.objects.exists()


def test_pcc_office_of_the_force_gets_the_copy_from_distribution_48_hours_before_publication_U3(
    report_a, pcc_office_a
):
    assert report_a.distribution_at == DISTRIBUTION
    response = get_as(pcc_office_a, copy_url(report_a), DISTRIBUTION)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="peel-2026-avon-and-somerset-constabulary-embargoed.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    event = AuditEvent.objects.get(action=AuditAction.DOWNLOAD, object_id=str(report_a.pk))
    assert event.actor == pcc_office_a
    assert event.detail == {"embargoed": True}
    assert event.object_type == "inspections.report"
    opened = EmbargoedCopyOpen.objects.get()
    assert (opened.report, opened.person, opened.at) == (report_a, pcc_office_a, DISTRIBUTION)


def test_chief_office_gets_the_copy_from_distribution_U3(report_a, chief_office_a):
    assert get_as(chief_office_a, copy_url(report_a), DISTRIBUTION - ONE_SECOND).status_code == 404
    assert get_as(chief_office_a, copy_url(report_a), DISTRIBUTION).status_code == 200


def test_every_opening_is_audited(report_a, pcc_office_a):
    for at in (DISTRIBUTION, DISTRIBUTION + dt.timedelta(hours=1), PUBLICATION - ONE_SECOND):
        assert get_as(pcc_office_a, copy_url(report_a), at).status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.DOWNLOAD, object_id=str(report_a.pk)).count() == 3
    assert EmbargoedCopyOpen.objects.filter(report=report_a, person=pcc_office_a).count() == 3


@pytest.mark.parametrize(
    "at", [SCHEDULED, DISTRIBUTION - ONE_SECOND, DISTRIBUTION, PUBLICATION - ONE_SECOND], ids=str
)
def test_pcc_office_of_another_force_never_gets_the_copy_before_publication_U3(report_a, pcc_office_b, at):
    assert get_as(pcc_office_b, copy_url(report_a), at).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.DOWNLOAD).exists()


@pytest.mark.parametrize("persona", ["hmicfrs_staff", "other_hmi"])
@pytest.mark.parametrize("at", [DISTRIBUTION, PUBLICATION - ONE_SECOND], ids=str)
def test_hmicfrs_staff_outside_the_team_get_no_copy_before_publication(report_a, persona, at, request):
    user = request.getfixturevalue(persona)
    assert get_as(user, copy_url(report_a), at).status_code == 404


def test_anonymous_is_sent_to_sign_in(report_a):
    response = get_as(None, copy_url(report_a), DISTRIBUTION)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_inspection_team_gets_a_watermarked_copy_before_distribution_without_a_recipient_open(
    report_a, hmi_a
):
    response = get_as(hmi_a, copy_url(report_a), SCHEDULED + dt.timedelta(days=1))
    assert response.status_code == 200
    text = " ".join(pages_text(response.content))
    assert EMBARGO_TEXT in text
    assert "Copy for Hmi A Tester" in text
    assert AuditEvent.objects.get(action=AuditAction.DOWNLOAD).detail == {"embargoed": True}
    assert not EmbargoedCopyOpen.objects.exists()


def test_unscheduled_final_report_copy_is_for_the_team_only_and_marked_not_for_publication(
    hmi_a, force_a, pcc_office_a
):
    report = build_report(lead=hmi_a, areas=[force_a], schedule=False)
    assert get_as(pcc_office_a, copy_url(report), PUBLICATION).status_code == 404
    response = get_as(hmi_a, copy_url(report), SCHEDULED)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="peel-2026-avon-and-somerset-constabulary-draft.pdf"'
    )
    text = " ".join(pages_text(response.content))
    assert "Not yet published: not for publication or sharing" in text
    assert "Embargoed" not in text


def test_draft_copy_goes_to_the_force_in_its_factual_accuracy_window_never_to_the_pcc_I7(
    hmi_a, force_a, chief_office_a, pcc_office_a
):
    report = build_report(lead=hmi_a, areas=[force_a], schedule=False, finalise=False)
    opens, closes = SCHEDULED, SCHEDULED + dt.timedelta(days=7)
    with time_machine.travel(opens, tick=False):
        report_open_factual_accuracy(report=report, closes_at=closes, by=hmi_a, now=opens)
    assert get_as(pcc_office_a, copy_url(report), opens).status_code == 404
    assert get_as(chief_office_a, copy_url(report), closes).status_code == 404
    response = get_as(chief_office_a, copy_url(report), closes - ONE_SECOND)
    assert response.status_code == 200
    text = " ".join(pages_text(response.content))
    assert "Draft for factual-accuracy check: not for publication or sharing" in text
    assert "Copy for Chief Office A Tester, Avon and Somerset" in text
    assert "[Redacted]" in text
    assert "SAFEHOUSE" not in text
    assert EmbargoedCopyOpen.objects.get().person == chief_office_a


@pytest.mark.parametrize("persona", ["pcc_office_a", "pcc_office_b", "hmicfrs_staff"])
def test_after_publication_the_same_address_gives_the_public_version(report_a, persona, request):
    user = request.getfixturevalue(persona)
    response = get_as(user, copy_url(report_a), PUBLICATION)
    assert response.status_code == 200
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="peel-2026-avon-and-somerset-constabulary.pdf"'
    )
    text = " ".join(pages_text(response.content))
    assert "Embargoed" not in text
    assert "Copy for" not in text
    assert "Published at 10:00 GMT on Monday 26 October 2026" in text
    assert AuditEvent.objects.get(action=AuditAction.DOWNLOAD).detail == {"embargoed": False}
    assert not EmbargoedCopyOpen.objects.exists()
