"""Search over the reports and findings a person may see.

On PostgreSQL this is full-text search: a report matches when every word of the query starts a word of its
title or summary, or of one of its findings ("custod" finds "custody"; English stemming, so "inspections"
finds "inspection"); matches are ranked by how well the title and summary match, and each row carries a
snippet with the matched words marked. Two GIN indexes (migration 0006) hold the same expressions as the
queries below, so a search reads the index instead of every row: keep `REPORT_VECTOR` and `FINDING_VECTOR`
identical to the indexed expressions, or PostgreSQL falls back to scanning.

SQLite (a developer's machine and half of the test runs) has no full-text search in Django's ORM: there a
report matches when every word appears in its title, summary or a finding, and the snippet is cut in
Python. Both ways start from `Report.objects.visible_to`, so a search never shows what the reader may
not see.

`ask_reports_and_findings` gives the portal search (hmicfrs_mou/search_views.py) its two groups, reports
and findings, from the same `search`, with the unpublished reports shown named for the audit trail.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.db import connection
from django.db.models import Case, F, Q, QuerySet, Value, When
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe

from contacts.area_names import areas_of, describe
from hmicfrs_mou.search import Ask, Found, Hit, Matched, Part, asks_words, contains_all, listing, words_of
from inspections.access import (
    debriefs_visible_to,
    disclosures_visible_to,
    inspections_visible_to,
    own_areas,
    team_inspections,
)
from inspections.models import REPORT_TEXT, Finding, Report

CONFIG = "english"
# Markers PostgreSQL puts round a matched word; the text is escaped first, then they become <mark>.
START, STOP = "\u27e6", "\u27e7"
HEADLINE_OPTIONS: dict[str, Any] = {
    "max_words": 35,
    "min_words": 15,
    "max_fragments": 2,
    "fragment_delimiter": " … ",
}
SNIPPET_WORDS = 30


def report_vector() -> SearchVector:
    """The indexed expression for reports (migration 0006 builds the same one)."""
    return SearchVector("title", "summary", config=CONFIG)


def finding_vector() -> SearchVector:
    """The indexed expression for findings (migration 0006 builds the same one)."""
    return SearchVector("text", config=CONFIG)


def query_words(q: str) -> list[str]:
    """The words searched for, as every search of the portal reads them (`hmicfrs_mou.search.words_of`):
    letters and digits only, since punctuation in a raw tsquery is syntax (& | ! : ( )), so it never
    reaches it."""
    return words_of(q)


def full_text() -> bool:
    return connection.vendor == "postgresql"


@dataclass
class SearchResults:
    reports: QuerySet[Report]
    findings: QuerySet[Finding]
    words: list[str]


def _tsquery(words: list[str], operator: str = "&") -> SearchQuery:
    # Every word, each as a prefix: what a person types is often the start of the word they mean.
    return SearchQuery(f" {operator} ".join(f"{word}:*" for word in words), search_type="raw", config=CONFIG)


def _rank(query: SearchQuery, words: list[str]) -> Case:
    """`ts_rank` of the report's title and summary, computed only where it can be told apart.

    A report that matched by a finding alone may hold none of the words: its rank is then the rank of any
    text without them, the same for every such report (0 for one word; PostgreSQL's floor of 1e-20 for
    several), so it is taken once from a stand-in vector ("_", which no word starts) instead of building
    the vector of every such report, the most of a search's time for a common word. (Only a title and
    summary of stop words alone, an empty vector, would rank 0 rather than 1e-20 among them.)
    """
    with_a_word = (
        Report.objects.annotate(document=report_vector())
        .filter(document=_tsquery(words, "|"))
        .order_by()
        .values("pk")
    )
    return Case(
        When(pk__in=with_a_word, then=SearchRank(report_vector(), query)),
        default=SearchRank(Cast(Value("_"), output_field=SearchVectorField()), query),
    )


def _headline(field: str, query: SearchQuery) -> SearchHeadline:
    return SearchHeadline(field, query, config=CONFIG, start_sel=START, stop_sel=STOP, **HEADLINE_OPTIONS)


def with_snippets(rows: QuerySet[Any], field: str, words: list[str]) -> QuerySet[Any]:
    """`rows` (reports or findings already found) with the passage of `field` that matched as `snippet`
    (PostgreSQL's headline; on SQLite `snippet` cuts it in Python): for rows read by id, after the
    search gave their ids, so only the rows shown are headlined."""
    if not full_text() or not words:
        return rows
    headlined: QuerySet[Any] = rows.annotate(snippet=_headline(field, _tsquery(words)))
    return headlined


def search(user: Any, q: str, at: dt.datetime) -> SearchResults:
    """The reports `user` may see at `at` that match `q`, best first, and the matching findings."""
    words = query_words(q)
    visible = Report.objects.visible_to(user, at)
    if not words:
        return SearchResults(visible.none(), Finding.objects.none(), words)
    reports: QuerySet[Report]
    findings: QuerySet[Finding]
    if full_text():
        query = _tsquery(words)
        by_words: QuerySet[Finding] = Finding.objects.annotate(document=finding_vector()).filter(
            document=query
        )
        # The reports that match by their own words or by a finding's, as one list of ids read from the two
        # indexes: written as an OR over the report row instead, the database would scan every report.
        # Unordered: each part of the union would otherwise be sorted by its model's default ordering first,
        # every matching finding by its reference, only for the union to throw the order away.
        by_text = (
            Report.objects.annotate(document=report_vector()).filter(document=query).order_by().values("pk")
        )
        matching = by_text.union(by_words.order_by().values("report_id"))
        reports = (
            visible.filter(pk__in=matching)
            .annotate(
                rank=_rank(query, words),
                snippet=_headline("summary", query),
            )
            .order_by("-rank", F("publication_at").desc(nulls_last=True), "-pk")
        )
        findings = by_words.filter(report__in=visible.values("pk")).annotate(snippet=_headline("text", query))
    else:
        containing = Finding.objects.filter(contains_all(("text",), words))
        reports = visible.filter(
            contains_all(("title", "summary"), words) | Q(pk__in=containing.values("report_id"))
        ).order_by(F("publication_at").desc(nulls_last=True), "-pk")
        findings = containing.filter(report__in=visible.values("pk"))
    # Ordered by an expression, not the column: ordered by report_id, the database may walk that column's
    # index testing every finding against the words until it has a page, which for words no finding
    # contains means every finding in the portal. By the expression it reads the matches from the index
    # and sorts those.
    return SearchResults(reports, findings.order_by(F("report_id") + 0, "reference"), words)


def snippet(obj: Report | Finding, text: str, words: list[str]) -> SafeString:
    """The passage of `text` that matched, escaped, with the matched words in <mark>.

    On PostgreSQL the row carries PostgreSQL's own headline (`snippet`); on SQLite the passage round the
    first match is cut here.
    """
    marked = getattr(obj, "snippet", None)
    if marked is None:
        marked = _cut(text, words)
    escaped = str(conditional_escape(marked))
    # Safe: the text is escaped above and only the fixed markers become markup.
    return mark_safe(escaped.replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308


def _cut(text: str, words: list[str]) -> str:
    tokens = text.split()
    if not tokens:
        return ""
    lowered = [token.lower() for token in tokens]
    first = next((i for i, token in enumerate(lowered) if any(word in token for word in words)), 0)
    start = max(0, first - SNIPPET_WORDS // 3)
    window = tokens[start : start + SNIPPET_WORDS]
    marked = [
        f"{START}{token}{STOP}" if any(word in token.lower() for word in words) else token for token in window
    ]
    prefix = "… " if start else ""
    suffix = " …" if start + SNIPPET_WORDS < len(tokens) else ""
    return f"{prefix}{' '.join(marked)}{suffix}"


REPORT_TYPE = "inspections.report"


def unpublished_shown(user: Any, reports: list[Report], at: dt.datetime) -> dict[str, list[int]]:
    """The reports among `reports` not yet published at `at`, and those of them the reader sees only because
    of an embargo or the factual-accuracy check (not the team's), as the report page writes them to the
    audit trail (`{"embargoed": ...}`). One query, and only when an unpublished report is among them."""
    unpublished = {report.pk: report.inspection_id for report in reports if not report.is_published(at)}
    if not unpublished:
        return {}
    team = set(
        team_inspections(user, at).filter(pk__in=set(unpublished.values())).values_list("pk", flat=True)
    )
    return {
        "unpublished": sorted(unpublished),
        "embargoed": sorted(pk for pk, inspection in unpublished.items() if inspection not in team),
    }


@asks_words
def ask_reports_and_findings(user: Any, words: list[str], at: dt.datetime) -> Ask:
    """The portal search's reports and findings groups: what `user` may see at `at` (the same `search`),
    each row linked to the report's page, with the unpublished reports either group shows named for the
    audit trail."""
    results = search(user, " ".join(words), at)
    more = f"{reverse('inspections:search')}?{urlencode({'q': ' '.join(words)})}"

    def found(matched_reports: Matched, matched_findings: Matched) -> tuple[Found, Found]:
        reports: list[Report] = matched_reports.rows()
        findings: list[Finding] = matched_findings.rows()
        # A thematic report's areas by count and the reader's own, as the lists of inspections name them.
        areas = areas_of(Report.areas.through, "report", [report.pk for report in reports]) if reports else {}
        own = own_areas(user, at)
        shown = unpublished_shown(
            user,
            list({report.pk: report for report in [*reports, *(f.report for f in findings)]}.values()),
            at,
        )
        report_group = Found(
            rows=[
                Hit(
                    title=report.title,
                    url=reverse("inspections:report", kwargs={"pk": report.pk}),
                    detail=describe(areas.get(report.pk, []), own),
                    snippet=snippet(report, report.summary, results.words),
                    tag=str(report.state_label),
                )
                for report in reports
            ],
            count=matched_reports.count,
            restricted={REPORT_TYPE: shown} if shown else {},
            more_url=more,
        )
        finding_group = Found(
            rows=[
                Hit(
                    title=f"{finding.reference}: {finding.kind_label}",
                    url=reverse("inspections:report", kwargs={"pk": finding.report_id}),
                    detail=finding.report.title,
                    snippet=snippet(finding, finding.text, results.words),
                )
                for finding in findings
            ],
            count=matched_findings.count,
            more_url=more,
        )
        return report_group, finding_group

    # A row names its report; the report's text (a whole report, 50 pages and more) is never read here.
    # Read by id, with the snippet headlined for the rows shown: read through the search again, every
    # report or finding that matches would be matched, ranked and checked once more for ten rows.
    return Ask(
        (
            Part(
                results.reports,
                lambda rows: with_snippets(
                    rows.select_related("inspection").defer(*REPORT_TEXT),
                    "summary",
                    results.words,
                ),
            ),
            Part(
                results.findings,
                lambda rows: with_snippets(
                    rows.select_related("report", "report__inspection").defer(
                        *(f"report__{name}" for name in REPORT_TEXT)
                    ),
                    "text",
                    results.words,
                ),
            ),
        ),
        found,
    )


@asks_words
def ask_inspections(user: Any, words: list[str], at: dt.datetime) -> Ask:
    """The inspection records `user` may open at `at` (inspections_visible_to: the team, and the forces,
    services and PCCs inspected) whose title holds every word, newest first: an inspection is found before
    it has a report, and the row names it, never its evidence."""
    return listing(
        inspections_visible_to(user, at)
        .filter(contains_all(("title",), words))
        .order_by("-created_at", "-pk"),
        lambda inspection: Hit(
            title=inspection.title,
            url=reverse("inspections:detail", kwargs={"pk": inspection.pk}),
            detail=str(inspection.kind_label),
        ),
    )


DEBRIEF_TYPE = "inspections.debrief"


@asks_words
def ask_debriefs(user: Any, words: list[str], at: dt.datetime) -> Ask:
    """I6: the debriefs `user` may read at `at` (debriefs_visible_to) whose notes, inspection title or force
    or service name hold every word, newest first. A row names the debrief, never its notes; since every read
    of the notes is on the audit trail, so is every search that shows a debrief."""
    return listing(
        debriefs_visible_to(user, at)
        .filter(contains_all(("notes", "inspection__title", "area__name"), words))
        .order_by("-recorded_at", "-pk"),
        lambda debrief: Hit(
            title=debrief.inspection.title,
            url=reverse("inspections:debrief", kwargs={"pk": debrief.pk}),
            detail=debrief.area.name,
            tag="Debrief",
        ),
        read=lambda rows: rows.select_related("inspection", "area"),
        restricted=lambda shown: {DEBRIEF_TYPE: {"debriefs": [debrief.pk for debrief in shown]}},
    )


DISCLOSURE_TYPE = "inspections.evidencerecord"


@asks_words
def ask_disclosures(user: Any, words: list[str], at: dt.datetime) -> Ask:
    """I5: the disclosures in confidence `user` may read at `at` (disclosures_visible_to: the HMI for the area
    and the HMICFRS staff named, never the office that made one) whose summary, inspection title or force or
    service name hold every word, newest first. A row never shows the summary, and every search that shows
    a disclosure is on the audit trail, as every reading of one is."""
    return listing(
        disclosures_visible_to(user, at)
        .filter(contains_all(("summary", "inspection__title", "area__name"), words))
        .order_by("-recorded_at", "-pk"),
        lambda record: Hit(
            title=record.inspection.title,
            url=reverse("inspections:disclosure", kwargs={"pk": record.pk}),
            detail=(record.area or record.source).name,
            tag="In confidence",
        ),
        read=lambda rows: rows.select_related("inspection", "area", "source"),
        restricted=lambda shown: {DISCLOSURE_TYPE: {"disclosures": [record.pk for record in shown]}},
    )
