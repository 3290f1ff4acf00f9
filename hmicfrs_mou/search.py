"""The shape of one group of the portal search's results, and how every group is asked in one query.

Each app asks its questions from its own access module (`ask_*` in inspections/search.py,
responses/search.py, monitoring/search.py, contacts/search.py): an `Ask` holds the records the reader may
open at a moment that match every word, ordered as the rows are shown (its `Part`s), and how the rows
shown become a `Found`: at most `limit` rows, how many match in all, and the ids of the rows shown that
are unpublished, embargoed, draft or confidential, by record type, for the audit trail (the search page
writes one entry per record type shown, as the reports CSV export writes one for the rows it sends).

`answer` asks every part of every group at once: one query gives each part's first `limit` ids and its
number of matches up to `COUNT_CAP` (a window count over the first `COUNT_CAP` + 1 matches in the part's
order), then the rows are read, by id, only for the parts that matched. Asked group by group, a search
ran a query for each of fourteen groups, matched or not, and a COUNT for each full one: 30 queries for a
common word.
This module imports no app: the apps import it, and the wiring page (hmicfrs_mou/search_views.py)
puts the groups together.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils.safestring import SafeString

# Letters and digits only, as the reports search reads them (inspections/search.py): punctuation never
# reaches a query.
WORD = re.compile(r"[^\W_]+")
MAX_WORDS = 8
# Rows shown per group: the page costs the same number of queries however many records match.
GROUP_LIMIT = 10
# A part counts its matches up to this many and says there are more past it (`Found.capped`): counted in
# full, a common word read and sorted every match (2,912 PCC responses for "custody" at ten times the data,
# 12.7 ms); counted up to the cap, a part whose order an index gives stops reading there (3.3 ms). The
# reports search ranks as many candidates (inspections.search.SEARCH_CANDIDATES).
COUNT_CAP = 500


def words_of(q: str) -> list[str]:
    """The words searched for: letters and digits, lower case, at most MAX_WORDS."""
    return WORD.findall(q.lower())[:MAX_WORDS]


def contains_all(fields: tuple[str, ...], words: list[str]) -> Q:
    """Every word appears in at least one of `fields` (case-insensitive substring)."""
    condition = Q()
    for word in words:
        either = Q()
        for name in fields:
            either |= Q(**{f"{name}__icontains": word})
        condition &= either
    return condition


@dataclass(frozen=True)
class Hit:
    """One row of a group: what it is, the page the reader may open, a line of context."""

    title: str
    url: str
    detail: str = ""
    snippet: SafeString | str = ""
    tag: str = ""


@dataclass
class Found:
    """One group: the rows shown (at most the limit), how many match in all, and the restricted rows shown
    for the audit trail (`{record type: {what they are: ids}}`, e.g. `{"inspections.report": {"embargoed":
    [12]}}`). `more_url` opens a fuller list where there is one; `more_match`: more than `count` match."""

    rows: list[Hit] = field(default_factory=list)
    count: int = 0
    restricted: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    more_url: str = ""
    # The group counted up to `COUNT_CAP` and more match: "more than" the count.
    capped: bool = False
    # Only what matches among the most recent reports that match was counted (the reports search's
    # candidates), and older reports match too: the page says so.
    recent_only: bool = False

    @property
    def more_match(self) -> bool:
        """More match than `count`, for either reason."""
        return self.capped or self.recent_only


def _as_matched(matching: QuerySet[Any]) -> QuerySet[Any]:
    return matching


@dataclass(frozen=True)
class Part:
    """One list of records a group shows.

    `matching`: the records the reader may open that match every word, ordered as the rows are shown (the
    order decides which `limit` are shown). `read`: what a row needs beyond the match (related rows, a
    snippet), applied to the rows shown only."""

    matching: QuerySet[Any]
    # The rows shown are read by id, in the order `matching` gave their ids, without its conditions again
    # (they are the ids `matching` gave a moment before): what a row shows beyond its own fields (its
    # related rows, a snippet) is added here, never what only `matching` computes.
    read: Callable[[QuerySet[Any]], QuerySet[Any]] = _as_matched

    def __post_init__(self) -> None:
        # What `answer` relies on, checked when a group is asked rather than trusted: a window count over a
        # DISTINCT query counts the rows before DISTINCT; without an order of its own, the first rows are
        # any rows.
        query = self.matching.query
        if query.distinct:
            raise ValueError("A search part may not be DISTINCT: its window count would count duplicates.")
        if not query.order_by:
            raise ValueError("A search part needs an order_by of its own: its first rows are those shown.")


@dataclass
class Matched:
    """What one part matched: the ids of its first `limit` records, and how many match up to the cap
    (`capped`: more than `count` match)."""

    part: Part
    limit: int
    ids: list[Any] = field(default_factory=list)
    count: int = 0
    capped: bool = False

    def rows(self) -> list[Any]:
        """The records shown, in the part's order, read with what a row needs; no query when none match."""
        if not self.ids:
            return []
        matching = self.part.matching
        # Asked again, the conditions cost as much as finding the matches did (every match of the PCC
        # responses' word lists, 23 ms at ten times the data; the reports' rank and the findings' reports
        # each time) for the same ten ids. The ids came in the part's order, ranked or not (`answer`
        # orders them by their place): the rows are put back in it here, so a rank need not be read again.
        place = {pk: index for index, pk in enumerate(self.ids)}
        rows = self.part.read(matching.model._base_manager.filter(pk__in=self.ids))
        return sorted(rows, key=lambda row: place[row.pk])


@dataclass(frozen=True)
class Ask:
    """The question behind one or more groups: its parts, and `found(*matched)`, one `Matched` per part in
    order, giving the groups (a tuple: the reports and findings groups are built together, since both may
    show an unpublished report)."""

    parts: tuple[Part, ...]
    found: Callable[..., tuple[Found, ...]]


# The aliases of a part's id, count and place in the one query; no model has a field by these names.
_ID, _COUNT, _PLACE = "search_id", "search_count", "search_place"


def answer(asks: Sequence[Ask], limit: int, cap: int = COUNT_CAP) -> list[Found]:
    """Every group of `asks`, in order: one query for what every part matched (counted up to `cap`), then
    one for the rows of each part that matched anything (and whatever its `read` and `found` ask, for the
    rows shown only)."""
    cap = max(cap, limit)  # every row shown is counted
    matched = [[Matched(part, limit) for part in ask.parts] for ask in asks]
    every = [one for parts in matched for one in parts]
    branches: list[str] = []
    params: list[Any] = []
    alias = ""
    for index, one in enumerate(every):
        # ROW_NUMBER() in the part's own order is each match's place, by which the whole answer is ordered
        # (a UNION ALL promises no order of its own, and the rows shown are put in the order of their ids,
        # `Matched.rows`). Only the first `cap` + 1 matches in that order are read: where an index gives the
        # order, the database stops there. COUNT(*) OVER () counts those, before the first `limit` are kept:
        # the count costs no second reading of the matches.
        matching = one.part.matching
        # The query's own order terms, as given to order_by (names, or expressions such as F(...).desc()).
        order: list[Any] = list(matching.query.order_by)
        ids = matching.annotate(**{_PLACE: Window(RowNumber(), order_by=order)}).values(
            _PLACE, **{_ID: F("pk")}
        )
        try:
            sql, part_params = ids[: cap + 1].query.get_compiler(ids.db).as_sql()
        except EmptyResultSet:  # a condition no record can meet (the reader acts for no one): no match
            continue
        alias = alias or ids.db
        # Only Django's own compiled SQL, a number and the fixed aliases go into the text; every value
        # searched for stays a parameter.
        counted = f"SELECT head.{_PLACE}, head.{_ID}, COUNT(*) OVER () AS {_COUNT} FROM ({sql}) head"  # noqa: S608
        columns = f"{index} AS search_part, matched.{_PLACE}, matched.{_ID}, matched.{_COUNT}"
        branches.append(f"SELECT {columns} FROM ({counted}) matched WHERE matched.{_PLACE} <= %s")  # noqa: S608
        params.extend([*part_params, limit])
    if branches:
        with connections[alias].cursor() as cursor:
            cursor.execute(" UNION ALL ".join(branches) + " ORDER BY 1, 2", params)
            for index, _place, pk, count in cursor.fetchall():
                every[index].ids.append(pk)
                every[index].count = min(count, cap)
                every[index].capped = count > cap
    return [found for ask, parts in zip(asks, matched, strict=True) for found in ask.found(*parts)]


Asker = TypeVar("Asker", bound=Callable[..., Ask])


def asks_words(ask: Asker) -> Asker:
    """For an `ask_*(user, words, at)`: refuses an empty list of words, which would match every record the
    reader may open (and put every restricted one shown on the audit trail as found)."""

    @functools.wraps(ask)
    def asked(user: Any, words: list[str], at: Any) -> Ask:
        if not words:
            raise ValueError("A search needs at least one word.")
        return ask(user, words, at)

    return cast(Asker, asked)


def listing(
    matching: QuerySet[Any],
    hit: Callable[[Any], Hit],
    read: Callable[[QuerySet[Any]], QuerySet[Any]] = _as_matched,
    restricted: Callable[[list[Any]], dict[str, dict[str, list[int]]]] | None = None,
    more_url: str = "",
) -> Ask:
    """The question of a group of one list: `matching` (ordered as shown), a `hit` per row, and the
    restricted records among the rows shown for the audit trail (`restricted(shown)`, asked only when a
    row is shown)."""

    def found(matched: Matched) -> tuple[Found]:
        shown = matched.rows()
        return (
            Found(
                rows=[hit(row) for row in shown],
                count=matched.count,
                restricted=restricted(shown) if restricted and shown else {},
                more_url=more_url,
                capped=matched.capped,
            ),
        )

    return Ask((Part(matching, read),), found)
