"""Search over the reports and findings a person may see.

On PostgreSQL this is full-text search: a report matches when every word of the query starts a word of its
search document, its title, summary and findings together ("custod" finds "custody"; English stemming, so
"inspections" finds "inspection"); matches are ranked by where the words are (the title counts most, then
the summary, then the findings), and each row carries a snippet with the matched words marked. The document
is a column of the report's row that triggers keep current (migration 0012), so that testing a report costs
a read of its row, not building a vector from its text.

A search ranks and counts the newest `SEARCH_CANDIDATES` reports the reader may see that match, no more:
the database walks the reports newest first (their index) and stops there. A common word at ten times the
data matched 4,471 reports, every one of them read, checked for visibility, ranked and counted, for a page
of twenty (14 ms against 1.7 at the real size); the candidates cost the same at both sizes. Past the limit
the pages say that more match, and that more words narrow the search. The findings listed are those that
match among the candidates' findings (each finding's stored search vector, migration 0013, `finding_vector`,
with its GIN index).

SQLite (a developer's machine and half of the test runs) has no full-text search in Django's ORM: there a
report matches when every word appears in its title or summary, or in one finding, and the snippet is cut
in Python; the same limit applies. Both ways start from `Report.objects.visible_to`, so a search never
shows what the reader may not see, and never counts it among the candidates.

`ask_reports_and_findings` gives the portal search (hmicfrs_mou/search_views.py) its two groups, reports
and findings, from the same `search`, with the unpublished reports shown named for the audit trail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.db import connection
from django.db.models import Expression, F, Q, QuerySet, Subquery
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
    team_inspection_ids_among,
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
# The newest reports that match which a search ranks and counts; past it, a search says more match.
SEARCH_CANDIDATES = 500


class ReportDocument(Expression):
    """A report's search document: the `search_document` column migration 0012 adds and its triggers keep.

    Not a field of the model, so that no other read of a report carries it; written as Django writes a
    column, under the alias of the query's report table (renamed when the query becomes a subquery). The
    findings' stored vector (`FindingVector`) is read the same way: a subclass names its model and column."""

    output_field = SearchVectorField()
    model: type[Any] = Report
    column = "search_document"

    def __init__(self, alias: str | None = None) -> None:
        super().__init__()
        self.alias = alias

    def resolve_expression(self, query: Any = None, *args: Any, **kwargs: Any) -> ReportDocument:
        # Resolved once, against its own query; a query that takes this one as a subquery resolves its
        # conditions again against itself, and renames the alias through relabeled_clone instead.
        if self.alias is not None:
            return self
        if query is None or query.model is not self.model:
            raise ValueError(f"The column {self.column} is read from a query of {self.model.__name__} rows")
        return type(self)(query.get_initial_alias())

    def relabeled_clone(self, relabels: Mapping[str, str]) -> ReportDocument:
        return type(self)(relabels.get(self.alias, self.alias) if self.alias else None)

    def get_group_by_cols(self) -> list[Any]:
        return [self]

    # Parameters as a list, as Django's own columns give them: SearchVectorExact adds the query's list to them.
    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        if self.alias is None:
            raise ValueError(f"Unresolved column {self.column}")
        return (
            f"{compiler.quote_name_unless_alias(self.alias)}.{connection.ops.quote_name(self.column)}",
            [],
        )


class FindingVector(ReportDocument):
    """A finding's text as a search vector: the `search_vector` column migration 0013 adds, which
    PostgreSQL computes from the text whenever it is written (a stored generated column), not declared on
    the model for the same reason as the reports' document.

    Stored, so that testing a finding costs a read: computed from the text on each search (migration
    0006's expression index), a search that read the candidates' findings one by one computed the vector
    of each, 38 ms for the 2,500 findings of 500 reports at twenty times the data."""

    model = Finding
    column = "search_vector"


def finding_vector() -> FindingVector:
    """The findings' stored search vector (migration 0013; its GIN index `finding_search_vector`)."""
    return FindingVector()


def query_words(q: str) -> list[str]:
    """The words searched for, as every search of the portal reads them (`hmicfrs_mou.search.words_of`):
    letters and digits only, since punctuation in a raw tsquery is syntax (& | ! : ( )), so it never
    reaches it."""
    return words_of(q)


def full_text() -> bool:
    return connection.vendor == "postgresql"


@dataclass
class SearchResults:
    """`reports`: the newest `SEARCH_CANDIDATES` reports that match, best first. `more`: the report one past
    them, if any (so more match), to annotate the rows read with (`more_match`, None when no more match), so
    that no query is added to say so. `findings`: the findings that match in those reports."""

    reports: QuerySet[Report]
    findings: QuerySet[Finding]
    words: list[str]
    more: Subquery | None = None


def _tsquery(words: list[str], operator: str = "&") -> SearchQuery:
    # Every word, each as a prefix: what a person types is often the start of the word they mean.
    return SearchQuery(f" {operator} ".join(f"{word}:*" for word in words), search_type="raw", config=CONFIG)


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
    """The newest `SEARCH_CANDIDATES` reports `user` may see at `at` that match `q`, best first, the findings
    that match in them, and whether more reports match (`more`).

    Newest is by publication, then by id, as the index orders them: on PostgreSQL the reports not yet
    published (no moment yet) come first, on SQLite last."""
    words = query_words(q)
    visible = Report.objects.visible_to(user, at)
    if not words:
        return SearchResults(visible.none(), Finding.objects.none(), words)
    # Newest first as the reports' index (reports_newest_first) orders them, so the database can walk it and
    # stop at the limit instead of finding and sorting every match.
    newest = (F("publication_at").desc(), F("pk").desc())
    matching: QuerySet[Report]
    findings: QuerySet[Finding]
    if full_text():
        query = _tsquery(words)
        matching = visible.alias(document=ReportDocument()).filter(document=query)
        ranked = {"rank": SearchRank(ReportDocument(), query), "snippet": _headline("summary", query)}
        order: tuple[Any, ...] = ("-rank", F("publication_at").desc(nulls_last=True), "-pk")
        findings = (
            Finding.objects.alias(document=finding_vector())
            .filter(document=query)
            .annotate(snippet=_headline("text", query))
        )
    else:
        findings = Finding.objects.filter(contains_all(("text",), words))
        matching = visible.filter(
            contains_all(("title", "summary"), words) | Q(pk__in=findings.values("report_id"))
        )
        ranked = {}
        order = (F("publication_at").desc(nulls_last=True), "-pk")
    newest_first: QuerySet[Any] = matching.order_by(*newest).values("pk")
    candidates: QuerySet[Any] = newest_first[:SEARCH_CANDIDATES]
    reports = Report.objects.filter(pk__in=candidates).annotate(**ranked).order_by(*order)
    # The report one past the limit, in the same order, so that the database reads it as it reads the
    # candidates (the newest, walked; or a rare word's few, sorted): there is one when more match. Asked
    # in no order (EXISTS), the database may scan every report for a rare word to find there is none.
    more = Subquery(newest_first[SEARCH_CANDIDATES : SEARCH_CANDIDATES + 1])
    findings = findings.filter(report__in=candidates)
    # Ordered by an expression, not the column: ordered by report_id, the database may walk that column's
    # index testing every finding against the words until it has a page, which for words no finding
    # contains means every finding in the portal. By the expression it reads the matches from the index
    # and sorts those.
    return SearchResults(reports, findings.order_by(F("report_id") + 0, "reference"), words, more)


def more_match(results: SearchResults, rows: QuerySet[Any]) -> QuerySet[Any]:
    """`rows` with `more_match` on each: the id of the report one past those the search ranks, None when no
    more match (the same on every row, computed once by the database)."""
    if results.more is None:
        return rows
    flagged: QuerySet[Any] = rows.annotate(more_match=results.more)
    return flagged


def more_matched(rows: Iterable[Any]) -> bool:
    """Whether more reports match than the search ranks, as the rows read through `more_match` say (each
    row says the same; no rows, no more)."""
    first = next(iter(rows), None)
    return first is not None and getattr(first, "more_match", None) is not None


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
    team = team_inspection_ids_among(user, at, set(unpublished.values()))
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
        capped = more_matched(reports)
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
            capped=matched_reports.capped,
            recent_only=capped,
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
            # The findings of the candidates only.
            capped=matched_findings.capped,
            recent_only=capped,
        )
        return report_group, finding_group

    # A row names its report; the report's text (a whole report, 50 pages and more) is never read here.
    # Read by id, with the snippet headlined for the rows shown: read through the search again, every
    # report or finding that matches would be matched, ranked and checked once more for ten rows.
    return Ask(
        (
            Part(
                results.reports,
                lambda rows: more_match(
                    results,
                    with_snippets(
                        rows.select_related("inspection").defer(*REPORT_TEXT), "summary", results.words
                    ),
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
