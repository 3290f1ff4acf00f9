"""Public report pages: a report is public from its publication moment to the second (U3, U4, U5
"after publication: everyone"), with redactions applied (U1) and no personal data.

Three instants per boundary (STYLE.md §11): one second before, exactly at, one
second after, including a publication moment just after the clocks went back
in October 2026 (01:00:00 UTC on Sunday 25 October = 01:00 GMT, an hour after
the first 01:00 BST).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hmicfrs_mou.models import AuditAction, AuditEvent
from inspections.access import public_reports_about
from inspections.models import Report
from tests.inspections.test_pdf import (
    DISTRIBUTION,
    ONE_SECOND,
    PUBLICATION,
    build_report,
    get_as,
    pages_text,
)

pytestmark = pytest.mark.django_db

AFTER_CLOCK_CHANGE = dt.datetime(2026, 10, 25, 1, 0, 0, tzinfo=dt.UTC)  # 01:00 GMT, Sunday 25 October 2026


def report_url(report: Report) -> str:
    return reverse("public_reports:report", kwargs={"pk": report.pk})


def pdf_url(report: Report) -> str:
    return reverse("public_reports:report-pdf", kwargs={"pk": report.pk})


INDEX = "/public/reports/"


@pytest.fixture
def report_a(hmi_a, force_a) -> Report:
    return build_report(lead=hmi_a, areas=[force_a])


@pytest.mark.parametrize(
    ("publication_at", "label"),
    [
        (PUBLICATION, "10:00 GMT on Monday 26 October 2026"),
        (AFTER_CLOCK_CHANGE, "01:00 GMT on Sunday 25 October 2026"),
    ],
    ids=["monday-10-GMT", "just-after-clock-change"],
)
@pytest.mark.parametrize(
    ("offset", "status"),
    [(-ONE_SECOND, 404), (dt.timedelta(0), 200), (ONE_SECOND, 200)],
    ids=["T-1s", "T", "T+1s"],
)
def test_report_is_public_from_its_publication_moment_exactly(
    hmi_a, force_a, publication_at, label, offset, status
):
    report = build_report(lead=hmi_a, areas=[force_a], publication_at=publication_at)
    at = publication_at + offset
    response = get_as(None, report_url(report), at)
    assert response.status_code == status
    assert get_as(None, pdf_url(report), at).status_code == status
    listed = get_as(None, INDEX, at)
    assert listed.status_code == 200
    assert (report.title in listed.text) is (status == 200)
    if status == 200:
        assert label in response.text


def test_not_yet_published_is_the_same_404_as_no_such_report_and_is_audited(report_a):
    early = get_as(None, report_url(report_a), PUBLICATION - ONE_SECOND)
    missing = get_as(None, reverse("public_reports:report", kwargs={"pk": report_a.pk + 1000}), PUBLICATION)
    assert early.status_code == missing.status_code == 404
    assert AuditEvent.objects.filter(action=AuditAction.DENIED, object_id=str(report_a.pk)).count() == 1


@pytest.mark.parametrize("persona", ["pcc_office_a", "chief_office_a", "hmi_a"])
def test_embargo_recipients_and_team_see_nothing_early_on_the_public_pages_U3(report_a, persona, request):
    """The public pages answer as for anyone, even for those who hold the embargoed copy."""
    user = request.getfixturevalue(persona)
    assert get_as(user, report_url(report_a), DISTRIBUTION).status_code == 404
    assert get_as(user, pdf_url(report_a), PUBLICATION - ONE_SECOND).status_code == 404
    assert report_a.title not in get_as(user, INDEX, PUBLICATION - ONE_SECOND).text


def test_unscheduled_report_is_never_public(hmi_a, force_a):
    report = build_report(lead=hmi_a, areas=[force_a], schedule=False)
    assert get_as(None, report_url(report), PUBLICATION + dt.timedelta(days=30)).status_code == 404


def test_report_page_shows_summary_text_findings_and_areas_with_redactions_applied_U1(report_a, force_a):
    response = get_as(None, report_url(report_a), PUBLICATION)
    html = response.text
    assert "SAFEHOUSE" not in html
    assert "Larkspur" not in html
    assert html.count("[Redacted]") == 2  # the summary and paragraph 2
    assert "The force is improving." in html
    assert "Paragraph 6." in html
    for heading in ("Causes of concern", "Recommendations", "Areas for improvement"):
        assert heading in html
    for reference in ("C1", "R1", "R2", "A1", "A2"):
        assert f"R{report_a.pk:05d}-{reference}" in html
    assert f'href="{force_a.public_url}"' in html
    assert force_a.public_url == reverse("public:area", kwargs={"kind_slug": "forces", "slug": force_a.slug})
    assert f'href="{pdf_url(report_a)}"' in html


def test_public_pages_hold_no_personal_data(report_a, hmi_a):
    for url in (report_url(report_a), INDEX):
        html = get_as(None, url, PUBLICATION).text
        assert hmi_a.get_full_name() not in html
        assert hmi_a.username not in html
        assert hmi_a.email not in html
    pdf_text = " ".join(pages_text(get_as(None, pdf_url(report_a), PUBLICATION).content))
    assert hmi_a.get_full_name() not in pdf_text


def test_public_pdf_is_the_published_text_without_watermark_U1(report_a):
    response = get_as(None, pdf_url(report_a), PUBLICATION)
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"] == 'inline; filename="peel-2026-avon-and-somerset-constabulary.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    text = " ".join(pages_text(response.content))
    assert "PEEL 2026: Avon and Somerset Constabulary" in text
    assert "[Redacted]" in text
    assert "SAFEHOUSE" not in text
    assert "Embargoed" not in text
    assert "Press release" not in text


def test_index_lists_newest_first_and_paginates(hmi_a, force_a):
    titles = [f"Report {n:02d}" for n in range(22)]
    for n, title in enumerate(titles):
        build_report(
            lead=hmi_a,
            areas=[force_a],
            title=title,
            findings=(0, 0, 0),
            publication_at=PUBLICATION + dt.timedelta(hours=n),
        )
    later = PUBLICATION + dt.timedelta(days=2)
    first = get_as(None, INDEX, later).text
    assert first.index("Report 21") < first.index("Report 20")
    assert "Report 01" not in first
    assert "22 reports, showing 1 to 20" in first
    second = get_as(None, INDEX + "?page=2", later).text
    assert "Report 01" in second
    assert "Report 00" in second
    assert "Report 21" not in second


def _queries(url: str, at: dt.datetime) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert get_as(None, url, at).status_code == 200
    return len(captured)


def test_report_page_costs_the_same_queries_whatever_the_number_of_findings(hmi_a, force_a):
    few = build_report(lead=hmi_a, areas=[force_a], findings=(1, 0, 0), title="Few findings")
    many = build_report(lead=hmi_a, areas=[force_a], findings=(4, 12, 12), title="Many findings")
    assert _queries(report_url(few), PUBLICATION) == _queries(report_url(many), PUBLICATION)


def test_index_costs_the_same_queries_whatever_the_number_of_reports(hmi_a, force_a):
    build_report(lead=hmi_a, areas=[force_a], findings=(0, 0, 0), title="Only one")
    one = _queries(INDEX, PUBLICATION)
    for n in range(15):
        build_report(lead=hmi_a, areas=[force_a], findings=(0, 0, 0), title=f"More {n}")
    assert _queries(INDEX, PUBLICATION) == one


def test_report_page_query_count_is_small(report_a):
    assert _queries(report_url(report_a), PUBLICATION) <= 6


def test_u1_the_count_of_public_reports_about_a_force_is_what_a_visitor_sees_at_each_moment(
    hmi_a, force_a, force_b
):
    """A force's public page counts its reports as every report about it less the unpublished
    (public_reports_about): the same as the visitor's visible_to at every moment, with a later publication,
    a report never scheduled, a draft and another force's report beside."""
    day = dt.timedelta(days=1)
    build_report(lead=hmi_a, areas=[force_a])
    build_report(lead=hmi_a, areas=[force_a], publication_at=PUBLICATION + day, title="Later")
    build_report(lead=hmi_a, areas=[force_a], schedule=False, title="Never scheduled")
    build_report(lead=hmi_a, areas=[force_a], schedule=False, finalise=False, title="A draft")
    build_report(lead=hmi_a, areas=[force_b], title="Kent")
    for moment, expected in (
        (PUBLICATION - ONE_SECOND, 0),
        (PUBLICATION, 1),
        (PUBLICATION + day - ONE_SECOND, 1),
        (PUBLICATION + day, 2),
    ):
        seen = Report.objects.visible_to(AnonymousUser(), moment).filter(areas=force_a).count()
        assert public_reports_about(force_a.pk, moment) == seen == expected
        html = get_as(None, force_a.public_url, moment).text
        if expected:
            assert f"{expected} published report{'s' if expected > 1 else ''} about {force_a.name}" in html
        else:
            assert f"No report about {force_a.name} has been published" in html
