"""U7's figures kept current: one ResponseTally per force, PCC office, report type and publication year.

The timeliness pages (the APCC's dashboard and its CSV, the APCC's home page, a force's public page)
read these few hundred rows instead of grouping every response ever due, so their cost does not grow
with the years of history. The services that change what the figures count recount the one tally
they touched, inside their own transaction:

- responses.services.obligations_create_for_report (a response falls due),
- responses.services.response_submit (the first upload makes it on time or late),
- responses.services.response_mark_answered_elsewhere (and its undoing).

A tally is recounted from its responses (never incremented), under a row lock on the tally, so two
uploads for the same force at once cannot lose one; `tallies_rebuild` recounts them all (the queue runs
it nightly, and the benchmark's generator after its bulk inserts, which bypass the services).

The rules for each status are responses.selectors.status_of's: only when they are applied differs.
Responses neither uploaded nor answered elsewhere are kept by the moment day 56 ends, and counted as
awaiting or overdue when the figures are read.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F, FilteredRelation, Q, QuerySet
from django.utils import timezone

from hmicfrs_mou.deadlines import LONDON
from inspections.models import Report
from responses.models import ResponseObligation, ResponseTally

TallyKey = tuple[int, int, str, int]  # area, office, report type, year of publication


@dataclass
class _Counts:
    on_time: int = 0
    late: int = 0
    answered_elsewhere: int = 0
    days: Counter[str] = field(default_factory=Counter)
    open_due: Counter[str] = field(default_factory=Counter)


def due_key(moment: dt.datetime) -> str:
    """How `open_due` names a moment: ISO 8601 in UTC, so that comparing the strings compares the moments."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


def _facts(obligations: QuerySet[ResponseObligation]) -> QuerySet[ResponseObligation, tuple[Any, ...]]:
    """For each response: its tally's key, when it falls due, whether another response answers it, and
    when version 1 (the first upload: responses.selectors) came, in one query."""
    facts: QuerySet[ResponseObligation, tuple[Any, ...]] = (
        obligations.annotate(
            first_version=FilteredRelation("submissions", condition=Q(submissions__version=1))
        )
        .values_list(
            "area_id",
            "office_id",
            "report__kind",
            "published_on",
            "due_at",
            "answered_by_id",
            F("first_version__submitted_at"),
        )
        .order_by()
    )
    return facts


def _count(rows: Iterable[tuple[Any, ...]]) -> dict[TallyKey, _Counts]:
    counted: dict[TallyKey, _Counts] = {}
    for area_id, office_id, kind, published_on, due_at, answered_by_id, first_submitted_at in rows:
        counts = counted.setdefault((area_id, office_id, kind, published_on.year), _Counts())
        if first_submitted_at is not None:
            # As status_of: an upload at exactly the moment day 56 ends is late.
            if first_submitted_at < due_at:
                counts.on_time += 1
            else:
                counts.late += 1
            days = (timezone.localtime(first_submitted_at, LONDON).date() - published_on).days
            counts.days[str(days)] += 1
        elif answered_by_id is not None:
            counts.answered_elsewhere += 1
        else:
            counts.open_due[due_key(due_at)] += 1
    return counted


def _tally(key: TallyKey, counts: _Counts, now: dt.datetime) -> ResponseTally:
    area_id, office_id, kind, year = key
    return ResponseTally(
        area_id=area_id,
        office_id=office_id,
        report_kind=kind,
        year=year,
        on_time=counts.on_time,
        late=counts.late,
        answered_elsewhere=counts.answered_elsewhere,
        days=dict(counts.days),
        open_due=dict(counts.open_due),
        refreshed_at=now,
    )


def tally_recount(obligation: ResponseObligation, now: dt.datetime | None = None) -> None:
    """Recount the tally `obligation` belongs to, after a service has changed it (in its transaction)."""
    now = now or timezone.now()
    kind = Report.objects.values_list("kind", flat=True).get(pk=obligation.report_id)
    key: TallyKey = (obligation.area_id, obligation.office_id, kind, obligation.published_on.year)
    with transaction.atomic():
        # The lock first, then the count: a second upload for the same tally waits here and then counts
        # with the first one committed (each statement reads what was committed before it began).
        tally, _ = ResponseTally.objects.select_for_update().get_or_create(
            area_id=key[0], office_id=key[1], report_kind=key[2], year=key[3]
        )
        rows = _facts(
            ResponseObligation.objects.filter(
                area_id=key[0], office_id=key[1], report__kind=kind, published_on__year=key[3]
            )
        )
        fresh = _tally(key, _count(rows).get(key, _Counts()), now)
        fresh.pk = tally.pk
        fresh.save()


def tallies_rebuild(now: dt.datetime | None = None) -> int:
    """Recount every tally from the responses (nightly, and after bulk loads that bypass the services).
    Returns how many tallies there are."""
    now = now or timezone.now()
    with transaction.atomic():
        counted = _count(_facts(ResponseObligation.objects.all()).iterator(chunk_size=5000))
        ResponseTally.objects.all().delete()
        ResponseTally.objects.bulk_create(
            [_tally(key, counts, now) for key, counts in counted.items()], batch_size=1000
        )
    return len(counted)
