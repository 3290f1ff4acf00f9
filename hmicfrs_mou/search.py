"""The shape of one group of the portal search's results, shared by every app's `search_for`.

Each app answers `search_for(user, words, at)` from its own access module and returns a `Found`: at most
`limit` rows the reader may open at `at`, how many there are in all, and the ids of the rows shown that
are unpublished, embargoed, draft or confidential, by record type, for the audit trail: the search page
writes one entry per record type shown (as the reports CSV export writes one for the rows it sends).
This module imports no app: the apps import it, and the wiring page (hmicfrs_mou/search_views.py)
puts the groups together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.safestring import SafeString

# Letters and digits only, as the reports search reads them (inspections/search.py): punctuation never
# reaches a query.
WORD = re.compile(r"[^\W_]+")
MAX_WORDS = 8
# Rows shown per group: the page costs the same number of queries however many records match.
GROUP_LIMIT = 10


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


def total(matching: QuerySet[Any], shown: int, limit: int) -> int:
    """How many of `matching` there are in all, when `shown` rows came back from `matching[:limit]`.

    Fewer than the limit came back: then the query read every match, and that is the total, without a
    COUNT. Most groups of most searches match fewer than the limit, and each COUNT is a second query built
    and run for the group (a sixth of a search's time). Only a group that fills its rows is counted."""
    return shown if shown < limit else matching.count()


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
    [12]}}`). `more_url` opens a fuller list where there is one."""

    rows: list[Hit] = field(default_factory=list)
    count: int = 0
    restricted: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    more_url: str = ""
