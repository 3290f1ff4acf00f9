"""Searching reports and findings (issue 13): full-text on PostgreSQL, a substring match on SQLite.

Both start from the access module (`Report.objects.visible_to`), so a search shows only what the reader may
see at that moment (U1, U3: an embargoed report is found by its recipients only from distribution, by
everyone from publication); tests/inspections/test_workspace_views.py checks those moments.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inspections.models import Finding, FindingKind, Report
from inspections.search import _tsquery, finding_vector, query_words, report_vector, search, snippet
from inspections.services import finding_add, report_finalise, report_schedule
from tests.inspections import test_workspace_views as workspace
from tests.inspections.test_workspace_views import CREATED, get, new_draft, travel

pytestmark = pytest.mark.django_db

URL = reverse("inspections:search")

# The workspace tests' own fixtures (reused, not copied): an inspection of force A, its lead, a draft report.
lead = workspace.lead
inspection = workspace.inspection
draft = workspace.draft


def test_words_are_letters_and_digits_only():
    """Punctuation is query syntax in PostgreSQL's raw form; it never reaches the query."""
    assert query_words("Custody & (vetting) | !2026's:*") == ["custody", "vetting", "2026", "s"]
    assert query_words("&|!:*()") == []


def test_a_query_of_punctuation_only_finds_nothing_and_does_not_fail(hmi_a, draft):
    page = get(hmi_a, URL + "?q=%26%7C%21%3A%2A", CREATED)
    assert page.status_code == 200
    assert "0 reports" in page.content.decode()


def test_the_start_of_a_word_finds_it(hmi_a, draft):
    """What a person types is often the start of the word they mean: "rur" finds "rural"."""
    page = get(hmi_a, URL + "?q=rur", CREATED).content.decode()
    assert "1 report<" in page
    assert "1 finding<" in page


def test_every_word_must_match(hmi_a, draft):
    both = get(hmi_a, URL + "?q=rural+response", CREATED).content.decode()
    assert "1 finding<" in both
    neither = get(hmi_a, URL + "?q=rural+helicopter", CREATED).content.decode()
    assert "0 findings" in neither
    assert "0 reports" in neither


def test_the_summary_is_searched_and_its_passage_shown_with_the_words_marked(hmi_a, draft):
    """The summary of the draft fixture: "The force is effective at answering calls."""
    page = get(hmi_a, URL + "?q=answering", CREATED).content.decode()
    assert "1 report<" in page
    assert "<mark>answering</mark>" in page


def test_snippets_are_escaped_before_words_are_marked(hmi_a, draft):
    finding_add(
        report=draft,
        kind=FindingKind.RECOMMENDATION,
        text='Stop <script>alert("x")</script> custody delays.',
        by=draft.inspection.lead,
    )
    page = get(hmi_a, URL + "?q=custody", CREATED).content.decode()
    # PostgreSQL's headline leaves markup out; the substring match keeps it, escaped. Neither lets it run.
    assert "<script>alert" not in page
    assert "alert(&quot;x&quot;)" in page
    assert "<mark>custody</mark>" in page


def test_the_best_match_comes_first(hmi_a, inspection):
    """Ranked by the title and summary (PostgreSQL); on SQLite, newest first."""
    weak = new_draft(inspection, title="Report on training", summary="Custody is mentioned once.")
    strong = new_draft(
        inspection, title="Custody inspection", summary="Custody suites, custody records and custody staff."
    )
    with travel(CREATED):
        results = search(hmi_a, "custody", CREATED)
        order = [report.pk for report in results.reports]
    assert set(order) == {weak.pk, strong.pk}
    if connection.vendor == "postgresql":
        assert order == [strong.pk, weak.pk]


def test_snippet_falls_back_to_a_cut_passage_without_a_headline(draft):
    draft.summary = " ".join(["filler"] * 40 + ["custody"] + ["filler"] * 40)
    cut = snippet(draft, draft.summary, ["custody"])
    assert "<mark>custody</mark>" in cut
    assert cut.startswith("… ")
    assert cut.endswith(" …")


def test_search_queries_do_not_grow_with_results(hmi_a, inspection):
    browser = Client()
    browser.force_login(hmi_a)
    first = new_draft(inspection, title="Custody one")
    # One finding from the start: the findings' reports are read only when a finding is shown.
    finding_add(report=first, kind=FindingKind.RECOMMENDATION, text="Custody suites.", by=inspection.lead)
    with travel(CREATED):
        browser.get(URL + "?q=custody")  # the first request reads the session and permissions once
        with CaptureQueriesContext(connection) as one:
            browser.get(URL + "?q=custody")
    for n in range(5):
        report = new_draft(inspection, title=f"Custody {n}")
        finding_add(
            report=report, kind=FindingKind.RECOMMENDATION, text="Custody records.", by=inspection.lead
        )
    with travel(CREATED), CaptureQueriesContext(connection) as six:
        page = browser.get(URL + "?q=custody").content.decode()
    assert "6 reports" in page
    assert len(six) == len(one)


@pytest.mark.postgres_only
def test_postgresql_reads_the_search_indexes(hmi_a, draft):
    """The GIN indexes hold the same expressions the queries use (migration 0006): the planner can use them.

    A GIN index is read by a bitmap scan only. With sequential and plain index scans both off, a plan
    that matches the text must use the GIN index if its expression is the query's; otherwise, on a
    table this small, the planner may walk the ordering index (reports_newest_first) and filter.
    """
    query = _tsquery(["custody"])
    # SET LOCAL: undone with the test's transaction, whatever happens in between.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    report_plan = (
        Report.objects.annotate(document=report_vector()).filter(document=query).order_by().explain()
    )
    finding_plan = (
        Finding.objects.annotate(document=finding_vector()).filter(document=query).order_by().explain()
    )
    assert "report_search" in report_plan
    assert "finding_search" in finding_plan


# --- The public search (published reports, and forces and services by name) --------------------------------

PUBLIC = reverse("public_reports:index")


def test_u1_the_public_search_finds_a_report_only_once_it_is_published(draft, hmi_a):
    """U1: before its publication moment a report is not found, even by a signed-in member of its team."""
    final = report_finalise(report=draft, by=draft.inspection.lead, now=workspace.FINALISED)
    report_schedule(
        report=final, publication_at=workspace.PUBLICATION, by=draft.inspection.lead, now=workspace.SCHEDULED
    )
    before = get(hmi_a, PUBLIC + "?q=rural", workspace.PUBLICATION - workspace.SECOND).content.decode()
    assert "0 reports match" in before
    assert draft.title not in before
    after = get(None, PUBLIC + "?q=rural", workspace.PUBLICATION).content.decode()
    assert "1 report matches" in after
    assert draft.title in after


def test_the_public_search_lists_forces_and_services_by_name(directory):
    page = Client().get(PUBLIC + "?q=avon").content.decode()
    assert ">Avon and Somerset Constabulary</a>" in page
    assert ">Avon Fire &amp; Rescue Service</a>" in page
    assert ">Kent Police</a>" not in page


def test_the_public_search_with_nothing_found_says_so(directory):
    page = Client().get(PUBLIC + "?q=zzqx").content.decode()
    assert "No published report matches." in page


def test_the_counts_are_of_every_match_and_the_rows_the_first_in_order(hmi_a, inspection, monkeypatch):
    """The count of reports rides on the page's rows and the count of findings on the first findings (one
    query each, issue 13): both count every match the reader may see, not the rows shown, and the rows
    shown are the first in order (findings by report, then reference), the rest of the reports on the next
    page."""
    monkeypatch.setattr("inspections.views.workspace.PAGE_SIZE", 2)
    monkeypatch.setattr("inspections.views.workspace.SEARCH_FINDINGS_SHOWN", 2)
    reports = []
    for n in range(3):
        report = new_draft(inspection, title=f"Report {n}")
        finding_add(
            report=report, kind=FindingKind.RECOMMENDATION, text="Custody records.", by=inspection.lead
        )
        reports.append(report)
    findings = list(Finding.objects.filter(report__in=reports).order_by("report_id", "reference"))
    first = get(hmi_a, URL + "?q=custody", CREATED).content.decode()
    assert "3 reports" in first
    assert "3 findings" in first
    assert "Showing the first 2." in first
    shown = [f"{finding.reference}<br>" for finding in findings]
    assert shown[0] in first
    assert shown[1] in first
    assert shown[2] not in first
    second = get(hmi_a, URL + "?q=custody&page=2", CREATED).content.decode()
    assert "3 reports" in second
    # The reports' table only: each finding's row links to its report too.
    first_table, second_table = (page.split("findings</h2>")[0] for page in (first, second))
    on_first = [report for report in reports if f">{report.title}</a>" in first_table]
    on_second = [report for report in reports if f">{report.title}</a>" in second_table]
    assert len(on_first) == 2
    assert len(on_second) == 1
    assert on_second[0] not in on_first
