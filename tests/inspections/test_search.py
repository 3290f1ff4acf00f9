"""Searching reports and findings (issue 13): full-text on PostgreSQL, a substring match on SQLite.

Both start from the access module (`Report.objects.visible_to`), so a search shows only what the reader may
see at that moment (U1, U3: an embargoed report is found by its recipients only from distribution, by
everyone from publication); tests/inspections/test_workspace_views.py checks those moments.
"""

from __future__ import annotations

import html
import threading
import time

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inspections import search as report_search
from inspections.models import Finding, FindingKind, Report
from inspections.search import ReportDocument, _tsquery, finding_vector, query_words, search, snippet
from inspections.services import finding_add, report_finalise, report_schedule
from tests.inspections import test_workspace_views as workspace
from tests.inspections.test_workspace_views import CREATED, get, new_draft, travel

pytestmark = pytest.mark.django_db

URL = reverse("inspections:search")

# The workspace tests' own fixtures (reused, not copied): an inspection of force A, its lead, a draft report.
lead = workspace.lead
inspection = workspace.inspection
draft = workspace.draft
inspection_b = workspace.inspection_b


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
    """Ranked by where the words are, the title first, then the summary, then the findings (PostgreSQL); on
    SQLite, newest first."""
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
    """The reports' search documents have a GIN index (migration 0012) and so do the findings' stored vectors
    (migration 0013): the planner can use them.

    A GIN index is read by a bitmap scan only. With sequential and plain index scans both off, a plan
    that matches the text must use the GIN index if it holds what the query tests; otherwise, on a table
    this small, the planner may walk the ordering index (reports_newest_first) and filter.
    """
    query = _tsquery(["custody"])
    # SET LOCAL: undone with the test's transaction, whatever happens in between.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    report_plan = Report.objects.alias(document=ReportDocument()).filter(document=query).order_by().explain()
    finding_plan = (
        Finding.objects.alias(document=finding_vector()).filter(document=query).order_by().explain()
    )
    assert "report_search_document" in report_plan
    assert "finding_search_vector" in finding_plan


def _documents_matching(word: str) -> set[int]:
    return set(
        Report.objects.alias(document=ReportDocument())
        .filter(document=_tsquery([word]))
        .values_list("pk", flat=True)
    )


@pytest.mark.postgres_only
def test_each_reports_search_document_follows_its_text_and_its_findings_whoever_writes_them(inspection):
    """Migration 0012's triggers: the document holds the report's title, summary and findings as they are
    now, after a service's write, a bulk write (update(), a delete) or a finding moved between reports."""
    lead = inspection.lead
    first = new_draft(inspection, title="Report on wellbeing", summary="Officers were supported.")
    second = new_draft(inspection, title="Report on training", summary="Courses were run.")
    assert _documents_matching("wellbeing") == {first.pk}
    assert _documents_matching("custody") == set()
    finding = finding_add(report=first, kind=FindingKind.RECOMMENDATION, text="Custody records.", by=lead)
    assert _documents_matching("custody") == {first.pk}
    Finding.objects.filter(pk=finding.pk).update(text="Detention logs.")
    assert _documents_matching("custody") == set()
    assert _documents_matching("detention") == {first.pk}
    Finding.objects.filter(pk=finding.pk).update(report=second)
    assert _documents_matching("detention") == {second.pk}
    Finding.objects.filter(pk=finding.pk).delete()
    assert _documents_matching("detention") == set()
    Report.objects.filter(pk=second.pk).update(summary="Horses were inspected.")
    assert _documents_matching("horse") == {second.pk}
    assert _documents_matching("courses") == set()
    # Many rows in one statement (bulk_create), on two reports.
    Finding.objects.bulk_create(
        [
            Finding(
                report=report,
                kind=FindingKind.RECOMMENDATION,
                reference=f"BULK-{n}",
                text="Pelican crossings.",
            )
            for n, report in enumerate((first, second))
        ]
    )
    assert _documents_matching("pelican") == {first.pk, second.pk}
    # The title counts most in the rank, then the summary, then the findings.
    finding_add(report=second, kind=FindingKind.RECOMMENDATION, text="Wellbeing of horses.", by=lead)
    with travel(CREATED):
        ranked = [report.pk for report in search(lead, "wellbeing", CREATED).reports]
    assert ranked == [first.pk, second.pk]


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_transactions_adding_findings_to_one_report_both_reach_its_document(inspection):
    """Two findings added to one report by two transactions at once: the second waits for the first's lock on
    the report, then builds the document from what is committed by then, both findings. (Built while taking
    the lock, it read the findings as they were before it waited, and lost the first's.)"""
    report = new_draft(inspection, title="Report on custody")
    first_added, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def add(text: str, reference: str, hold: bool) -> None:
        try:
            with transaction.atomic():
                Finding.objects.create(
                    report=report, kind=FindingKind.RECOMMENDATION, reference=reference, text=text
                )
                if hold:
                    first_added.set()
                    release.wait(10)
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)
        finally:
            connection.close()

    first = threading.Thread(target=add, args=("Albatross sightings.", "RACE-1", True))
    first.start()
    assert first_added.wait(10)
    second = threading.Thread(target=add, args=("Pelican sightings.", "RACE-2", False))
    second.start()
    time.sleep(0.5)  # the second is now waiting for the report's lock
    release.set()
    first.join(10)
    second.join(10)
    assert errors == []
    assert _documents_matching("albatross") == {report.pk}
    assert _documents_matching("pelican") == {report.pk}


def test_a_search_ranks_the_newest_reports_that_match_up_to_its_limit_and_says_more_match(
    hmi_a, inspection, inspection_b, monkeypatch
):
    """Past SEARCH_CANDIDATES (2 here) the page says more match and lists the newest that do (the newest
    by publication, then the newest made); the findings are those of the reports listed. A report the reader
    may not see takes no place among them and is not counted."""
    monkeypatch.setattr(report_search, "SEARCH_CANDIDATES", 2)
    lead = inspection.lead
    made = []
    for n in range(2):
        report = new_draft(inspection, title=f"Custody report {n}")
        finding_add(report=report, kind=FindingKind.RECOMMENDATION, text=f"Custody finding {n}.", by=lead)
        made.append(report)
    # Another force's draft, which the HMI of force A does not see: not a candidate, so not "more".
    hidden = new_draft(inspection_b, title="Custody report hidden")
    page = get(hmi_a, URL + "?q=custody", CREATED).content.decode()
    assert "2 reports<" in page
    assert "More than" not in page
    assert hidden.title not in page
    newest = new_draft(inspection, title="Custody report 2")
    finding_add(report=newest, kind=FindingKind.RECOMMENDATION, text="Custody finding 2.", by=lead)
    page = get(hmi_a, URL + "?q=custody", CREATED).content.decode()
    assert "More than 2 reports" in page
    assert "Add another word" in page
    assert f"{made[0].title}</a>" not in page  # the oldest, past the limit, nor its finding
    assert "Custody finding 0" not in page
    assert f"{made[1].title}</a>" in page
    assert f"{newest.title}</a>" in page
    assert "2 findings<" in page
    portal = get(hmi_a, reverse("search") + "?q=custody", CREATED).content.decode()
    assert "Reports (2+)" in portal
    assert "More than" in portal
    assert made[0].title not in portal


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


def test_the_public_search_says_more_match_past_its_limit_in_english_and_welsh(inspection, monkeypatch):
    """Past SEARCH_CANDIDATES (2 here) a visitor reads that more reports match, in Welsh too; at the limit,
    the count."""
    monkeypatch.setattr(report_search, "SEARCH_CANDIDATES", 2)
    published = []
    for n in range(3):
        report = new_draft(inspection, title=f"Custody report {n}")
        Report.objects.filter(pk=report.pk).update(
            state="published", publication_at=workspace.PUBLICATION - workspace.SECOND * (n + 1)
        )
        published.append(report)
    page = get(None, PUBLIC + "?q=custody", workspace.PUBLICATION).content.decode()
    assert "More than 2 reports match" in page
    # The newest two by publication: the first made was published last.
    assert f">{published[0].title}<" in page
    assert f">{published[1].title}<" in page
    assert f">{published[2].title}<" not in page
    welsh = get(
        None, PUBLIC + "?q=custody", workspace.PUBLICATION, HTTP_ACCEPT_LANGUAGE="cy"
    ).content.decode()
    assert "Mae mwy na 2 o adroddiadau" in html.unescape(welsh)
    Report.objects.filter(pk=published[2].pk).update(state="draft", publication_at=None)
    page = get(None, PUBLIC + "?q=custody", workspace.PUBLICATION).content.decode()
    assert "2 reports match" in page
    assert "More than" not in page


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


@pytest.mark.postgres_only
def test_a_stale_search_document_is_found_by_the_check_and_rebuilt_by_the_command(inspection):
    """`rebuild_search_documents`: `--check` fails while a document differs from its report's text (written
    here with no trigger firing, as a restore with the triggers off would leave it) and changes nothing;
    without it the stale documents are rebuilt and the others left as they are; then `--check` passes."""
    from io import StringIO

    from django.core.management import CommandError, call_command

    stale = new_draft(inspection, title="Report on custody")
    fresh = new_draft(inspection, title="Report on training")
    with connection.cursor() as cursor:
        # Only a write of the title or summary fires the report's trigger: this one leaves the document stale.
        cursor.execute("UPDATE inspections_report SET search_document = NULL WHERE id = %s", [stale.pk])
    assert _documents_matching("custody") == set()
    with pytest.raises(CommandError, match="Stale search documents: 1 differ"):
        call_command("rebuild_search_documents", "--check", stdout=StringIO())
    assert _documents_matching("custody") == set()
    out = StringIO()
    call_command("rebuild_search_documents", stdout=out)
    assert f"Rebuilt 1 of {Report.objects.count()} reports' search documents." in out.getvalue()
    assert _documents_matching("custody") == {stale.pk}
    assert _documents_matching("training") == {fresh.pk}
    out = StringIO()
    call_command("rebuild_search_documents", "--check", stdout=out)
    assert "Every report's search document matches" in out.getvalue()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_rebuild_waiting_for_a_transaction_adding_a_finding_keeps_that_finding(inspection):
    """The command locks the stale reports before it rebuilds them: a report another transaction is adding a
    finding to is rebuilt once that transaction has committed, from the findings as they are then. (Found
    and rebuilt in one statement, it kept the document it computed before waiting, without the finding.)"""
    from io import StringIO

    from django.core.management import call_command

    report = new_draft(inspection, title="Report on custody")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE inspections_report SET search_document = NULL WHERE id = %s", [report.pk])
    added, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def add() -> None:
        try:
            with transaction.atomic():
                Finding.objects.create(
                    report=report,
                    kind=FindingKind.RECOMMENDATION,
                    reference="RACE-R",
                    text="Heron sightings.",
                )
                added.set()
                release.wait(10)
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)
        finally:
            connection.close()

    adding = threading.Thread(target=add)
    adding.start()
    assert added.wait(10)
    rebuild = threading.Thread(
        target=lambda: (call_command("rebuild_search_documents", stdout=StringIO()), connection.close())
    )
    rebuild.start()
    time.sleep(0.5)  # the rebuild now waits for the report's lock
    release.set()
    adding.join(10)
    rebuild.join(20)
    assert errors == []
    assert _documents_matching("heron") == {report.pk}
    assert _documents_matching("custody") == {report.pk}


def test_the_check_passes_where_the_triggers_kept_every_document_and_sqlite_has_none_to_check(draft):
    """After the services' writes (the workspace's draft and its findings), every document is current on
    PostgreSQL; SQLite keeps none, and the command says so rather than failing."""
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("rebuild_search_documents", "--check", stdout=out)
    if connection.vendor == "postgresql":
        assert "Every report's search document matches its text and findings." in out.getvalue()
    else:
        assert "Nothing to rebuild: reports have search documents only on PostgreSQL." in out.getvalue()


@pytest.mark.postgres_only
def test_a_finding_is_tested_against_its_stored_vector_never_one_computed_from_its_text(hmi_a, draft):
    """Migration 0013: the findings a search lists are matched on their stored `search_vector`. Computed
    from the text in the query, the vector of every candidate's finding was computed again on each search
    (38 ms at twenty times the data, where the database read the candidates' findings one report at a time)."""
    results = search(hmi_a, "rural", CREATED)
    sql = str(results.findings.query)
    assert '"inspections_finding"."search_vector" @@' in sql
    assert "to_tsvector" not in sql
    rural = {finding.pk for finding in Finding.objects.filter(report=draft, text__icontains="rural")}
    assert rural
    assert {finding.pk for finding in results.findings} == rural
