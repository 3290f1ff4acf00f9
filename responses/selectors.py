"""Reads for statutory responses (U6) and the response data HMICFRS shares with the APCC (U7).

A response's status at a moment `at` is decided by its first submission made by then:

| status               | when                                                                   |
|----------------------|------------------------------------------------------------------------|
| on time              | the first submission came before the end of day 56 (D5: `due_at`)       |
| late                 | the first submission came at or after it                                |
| answered elsewhere   | no submission of its own; the office's response to another report answers it |
| awaiting             | none of these, and day 56 has not ended                                 |
| overdue              | none of these, and day 56 has ended                                     |

Every function here costs the same number of queries whatever the number of obligations:
the figures come from one grouped query (by office, report type, year, status and days to
respond; never a query per obligation), and each median from the histogram of days it gives.

The first submission is version 1: responses.services.response_submit numbers versions from 1
under a row lock with the moment of upload, so version 1 is the earliest. The aggregates join it
directly (one LEFT JOIN, no subquery per obligation), which keeps PostgreSQL's cost estimate, and
so its time, low: correlated subqueries in a grouped query pushed the estimate past
`jit_above_cost` and JIT compilation alone cost 100 ms at the real data size.
Only aggregates leave this module for the APCC: no draft content, no names of people.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from django.db import connections
from django.db.models import (
    Case,
    CharField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractYear, TruncDate
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from contacts.models import Organisation
from hmicfrs_mou.deadlines import LONDON
from inspections.models import REPORT_TEXT, Report, ReportKind, published_condition
from responses.models import ObligationState, ResponseObligation, ResponseTally, Submission
from responses.tallies import due_key


class ResponseStatus(StrEnum):
    ON_TIME = "on time"
    LATE = "late"
    AWAITING = "awaiting"
    OVERDUE = "overdue"
    ANSWERED_ELSEWHERE = "answered elsewhere"


# Short names for the dashboard; ReportKind's own labels describe the embargo rules.
REPORT_KIND_LABELS = {
    ReportKind.FORCE_SPECIFIC: _("Force-specific (PEEL)"),
    ReportKind.OTHER: _("Other (thematic, joint and national)"),
    ReportKind.ACCELERATED_CAUSE_OF_CONCERN: _("Accelerated cause of concern"),
}
# A report's texts can run to many pages: lists of obligations that only name the report leave them in the
# database, its summary too.
OBLIGATION_REPORT_TEXT = tuple(f"report__{name}" for name in (*REPORT_TEXT, "summary"))
_UNSET = object()


# --- One response ------------------------------------------------------------------------------


def status_of(
    *, first_submitted_at: dt.datetime | None, due_at: dt.datetime, answered_elsewhere: bool, at: dt.datetime
) -> ResponseStatus:
    """The status from the facts alone (no database): see the table in the module docstring (U6, D5).

    `due_at` is the first instant after day 56, so a submission at exactly `due_at` is late,
    as responses.services.response_submit marks it.
    """
    if first_submitted_at is not None and first_submitted_at <= at:
        return ResponseStatus.ON_TIME if first_submitted_at < due_at else ResponseStatus.LATE
    if answered_elsewhere:
        return ResponseStatus.ANSWERED_ELSEWHERE
    return ResponseStatus.AWAITING if at < due_at else ResponseStatus.OVERDUE


def _submitted_by(at: dt.datetime) -> QuerySet:
    return Submission.objects.filter(obligation=OuterRef("pk"), submitted_at__lte=at)


def with_first_submission(queryset: QuerySet, at: dt.datetime) -> QuerySet:
    """Annotate each obligation with its first submission made by `at`: `first_submitted_at` and
    `first_published_url` (the address where the PCC published it). No extra query per row."""
    first = _submitted_by(at).order_by("submitted_at", "version")
    return queryset.annotate(
        first_submitted_at=Subquery(first.values("submitted_at")[:1]),
        first_published_url=Subquery(first.values("published_url")[:1]),
    )


def obligation_status(obligation: ResponseObligation, at: dt.datetime) -> ResponseStatus:
    """U6: "on time", "late", "awaiting", "overdue" or "answered elsewhere" at the moment `at`.

    Uses the `first_submitted_at` annotation when the obligation was fetched through
    `with_first_submission` (no query); otherwise asks the database once.
    """
    first = getattr(obligation, "first_submitted_at", _UNSET)
    if first is _UNSET:
        first = (
            obligation.submissions.filter(submitted_at__lte=at)
            .order_by("submitted_at")
            .values_list("submitted_at", flat=True)
            .first()
        )
    return status_of(
        first_submitted_at=first,
        due_at=obligation.due_at,
        answered_elsewhere=obligation.answered_by_id is not None,
        at=at,
    )


def last_day(obligation: ResponseObligation) -> dt.date:
    """D5: day 56, the last day for the response (`due_at` is the first instant after it)."""
    return timezone.localtime(obligation.due_at, LONDON).date() - dt.timedelta(days=1)


def _with_first_version(queryset: QuerySet, at: dt.datetime) -> QuerySet:
    """Annotate `first_submitted_at`: when version 1 was uploaded, if by `at` (one LEFT JOIN)."""
    return queryset.annotate(
        first_version=FilteredRelation(
            "submissions", condition=Q(submissions__version=1, submissions__submitted_at__lte=at)
        )
    ).annotate(first_submitted_at=F("first_version__submitted_at"))


def _status_expression(at: dt.datetime) -> Case:
    """The status of each obligation at `at`, computed by the database (the same rules as `status_of`).
    Needs `_with_first_version`."""
    return Case(
        When(first_submitted_at__lt=F("due_at"), then=Value(ResponseStatus.ON_TIME)),
        When(first_submitted_at__isnull=False, then=Value(ResponseStatus.LATE)),
        When(answered_by__isnull=False, then=Value(ResponseStatus.ANSWERED_ELSEWHERE)),
        When(due_at__gt=at, then=Value(ResponseStatus.AWAITING)),
        default=Value(ResponseStatus.OVERDUE),
        output_field=CharField(),
    )


def _of_published_reports(at: dt.datetime) -> QuerySet:
    """Obligations that exist at `at`, of reports published by then (the only ones that make them)."""
    return ResponseObligation.objects.filter(published_condition(at, via="report"), created_at__lte=at)


# --- U7: timeliness for the APCC -----------------------------------------------------------------


@dataclass
class Tally:
    """Responses due in one group (an office, a report type, a year, or all), by status."""

    key: Any
    label: str
    on_time: int = 0
    late: int = 0
    awaiting: int = 0
    overdue: int = 0
    answered_elsewhere: int = 0
    median_days: float | None = None
    days_to_respond: Counter = field(default_factory=Counter, repr=False)  # days → how many

    @property
    def outstanding(self) -> int:
        return self.awaiting + self.overdue

    @property
    def submitted(self) -> int:
        return self.on_time + self.late

    @property
    def total(self) -> int:
        return self.on_time + self.late + self.awaiting + self.overdue + self.answered_elsewhere


# The Tally attribute counting each status.
_TALLY_ATTRIBUTES = {
    ResponseStatus.ON_TIME: "on_time",
    ResponseStatus.LATE: "late",
    ResponseStatus.AWAITING: "awaiting",
    ResponseStatus.OVERDUE: "overdue",
    ResponseStatus.ANSWERED_ELSEWHERE: "answered_elsewhere",
}


@dataclass
class Timeliness:
    """U7: the response figures, per PCC office, per report type and per year, and in all."""

    at: dt.datetime
    offices: list[Tally]
    total: Tally
    by_kind: list[Tally]
    by_year: list[Tally]


def median_of(histogram: Counter) -> float | None:
    """The median of values given as {value: how many}; None when there are none."""
    n = sum(histogram.values())
    if n == 0:
        return None
    wanted = {(n - 1) // 2, n // 2}
    found: list[int] = []
    seen = 0
    for value in sorted(histogram):
        count = histogram[value]
        for position in sorted(wanted):
            if seen <= position < seen + count:
                found.append(value)
        seen += count
    return sum(found) / len(found) if len(found) == 2 else float(found[0])


def _filtered(
    *, year: int | None, report_kind: str | None, office: Organisation | int | None, at: dt.datetime
) -> QuerySet:
    obligations = _of_published_reports(at)
    if year is not None:
        obligations = obligations.filter(published_on__year=year)
    if report_kind:
        obligations = obligations.filter(report__kind=report_kind)
    if office is not None:
        obligations = obligations.filter(office=office)
    return obligations


def _grouped(obligations: QuerySet, at: dt.datetime) -> QuerySet:
    """(office, report type, year, status, days, how many): one grouped pass over the obligations.

    `days` runs from publication (day 0) to the London date of the first submission, and is None
    for a response not yet submitted. Needs `_with_first_version`.
    """
    return (
        obligations.annotate(
            status=_status_expression(at),
            year=ExtractYear("published_on"),
            days=ExpressionWrapper(
                TruncDate("first_submitted_at", tzinfo=LONDON) - F("published_on"),
                output_field=DurationField(),
            ),
        )
        .values_list("office_id", "report__kind", "year", "status", "days")
        .annotate(n=Count("pk"))
        .order_by()
    )


class _Groups:
    """The tallies of one Timeliness being counted: per office, per report type, per year, and in all."""

    def __init__(self) -> None:
        self.offices: dict[int, Tally] = {}
        self.kinds: dict[str, Tally] = {}
        self.years: dict[int, Tally] = {}
        self.total = Tally(key=None, label="All PCC offices")

    def of(self, office_id: int, kind: str, year: int) -> tuple[Tally, Tally, Tally, Tally]:
        """The four tallies a response of this office, type and year counts in."""
        if office_id not in self.offices:
            self.offices[office_id] = Tally(key=office_id, label="")
        if kind not in self.kinds:
            self.kinds[kind] = Tally(key=kind, label=str(REPORT_KIND_LABELS.get(kind, kind)))
        if year not in self.years:
            self.years[year] = Tally(key=year, label=str(year))
        return self.offices[office_id], self.kinds[kind], self.years[year], self.total

    def finished(self, at: dt.datetime, *, name_offices: bool = True) -> Timeliness:
        """The offices named (one query, unless `name_offices` is False: a page that shows only the
        totals) and every median taken, in the dashboard's order."""
        if name_offices:
            for pk, name in Organisation.objects.filter(pk__in=list(self.offices)).values_list("pk", "name"):
                self.offices[pk].label = name
        for tally in (*self.offices.values(), *self.kinds.values(), *self.years.values(), self.total):
            tally.median_days = median_of(tally.days_to_respond)
        kind_order = list(REPORT_KIND_LABELS)
        return Timeliness(
            at=at,
            offices=sorted(self.offices.values(), key=lambda t: (t.label, t.key)),
            total=self.total,
            by_kind=sorted(
                self.kinds.values(), key=lambda t: kind_order.index(t.key) if t.key in kind_order else 99
            ),
            by_year=sorted(self.years.values(), key=lambda t: t.key),
        )


def timeliness(
    *,
    year: int | None = None,
    report_kind: str | None = None,
    office: Organisation | int | None = None,
    at: dt.datetime,
) -> Timeliness:
    """U7: for the published reports (filtered by publication year, report type, office), how many
    responses came on time, late, are outstanding (awaiting or overdue) or were answered by another
    response, and the median days from publication to the first submission.

    Two queries, whatever the data size: the obligations grouped by office, type, year, status and
    days (one pass, so London dates are worked out once per response), and the offices' names.
    """
    obligations = _with_first_version(_filtered(year=year, report_kind=report_kind, office=office, at=at), at)
    groups = _Groups()
    for office_id, kind, year_of, status, days, n in _grouped(obligations, at):
        tallies = groups.of(office_id, kind, year_of)
        attribute = _TALLY_ATTRIBUTES[status]
        for tally in tallies:
            setattr(tally, attribute, getattr(tally, attribute) + n)
        if days is not None:
            day_count = days.days if isinstance(days, dt.timedelta) else int(days)
            for tally in tallies:
                tally.days_to_respond[day_count] += n
    return groups.finished(at)


def current_timeliness(
    *,
    year: int | None = None,
    report_kind: str | None = None,
    office: Organisation | int | None = None,
    at: dt.datetime,
    name_offices: bool = True,
) -> Timeliness:
    """`timeliness` as it stands now (`at` is now: the pages), from the tallies the services keep current
    (responses.tallies): the same figures, read from a few hundred rows instead of every response.

    The figures counted from the tallies are remembered in this process (`_Remembered`) until one of the
    tallies read is written, or `at` passes the moment an outstanding response among them falls due: the
    only two things that change them. Reading every tally's histograms grows with the responses per office
    and year (at ten times the real size, 1,200 tallies holding 24,000 histogram entries took 20 ms); asking
    whether they changed is one aggregate over the same rows.

    Queries, whatever the years of history: that aggregate; the tallies themselves when they changed (or
    were never counted here); and the offices' names, unless `name_offices` is False (a page that shows only
    the totals: the offices' rows are then unlabelled).

    The tallies (`Tally`) in the figures returned are shared by every reader of the same figures: read them,
    never change them.
    """
    tallies = ResponseTally.objects.order_by()
    if year is not None:
        tallies = tallies.filter(year=year)
    if report_kind:
        tallies = tallies.filter(report_kind=report_kind)
    if office is not None:
        tallies = tallies.filter(office=office)
    key = (
        tallies.db,
        connections[tallies.db].settings_dict["NAME"],
        year,
        report_kind,
        office.pk if isinstance(office, Organisation) else office,
        get_language(),  # the report types' labels
    )
    moment = due_key(at)
    fingerprint = tallies.aggregate(n=Count("pk"), revisions=Sum("revision"))
    remembered = _remembered.get(key)
    if (
        remembered is None
        or remembered.fingerprint != (fingerprint["n"], fingerprint["revisions"] or 0)
        or not remembered.holds_at(moment)
    ):
        remembered = _counted(tallies, moment)
        with _remembered_lock:
            _remembered.pop(key, None)
            while len(_remembered) >= REMEMBERED_MOST:
                _remembered.pop(next(iter(_remembered)))
            _remembered[key] = remembered
    # Lists of their own, so that a caller sorting or trimming one leaves the remembered ones whole; the
    # tallies in them are shared: read them, never change them.
    figures = replace(
        remembered.figures,
        at=at,
        offices=list(remembered.figures.offices),
        by_kind=list(remembered.figures.by_kind),
        by_year=list(remembered.figures.by_year),
    )
    return _with_office_names(figures) if name_offices else figures


@dataclass(frozen=True)
class _Remembered:
    """Figures counted from some tallies: which tallies (their number and the sum of their revisions), and
    between which due moments of their outstanding responses the moment read may fall and the figures hold
    (every response due at or before `after` is overdue, every one due at `before` or later awaiting).
    The figures are shared by every reader: read them, never change them."""

    fingerprint: tuple[int, int]
    after: str | None
    before: str | None
    figures: Timeliness  # the offices unnamed

    def holds_at(self, moment: str) -> bool:
        return (self.after is None or self.after <= moment) and (self.before is None or moment < self.before)


# The figures of the filters most recently counted (the dashboard's year and report type, in each language;
# each entry a few dozen tallies with their histograms): past REMEMBERED_MOST, the longest counted is
# forgotten, which costs a recount, never a wrong figure.
REMEMBERED_MOST = 64
_remembered: dict[tuple[Any, ...], _Remembered] = {}
_remembered_lock = threading.Lock()


def _counted(tallies: QuerySet[ResponseTally], moment: str) -> _Remembered:
    """The figures of `tallies` with the outstanding responses told apart at `moment`, in one query."""
    groups = _Groups()
    after: str | None = None
    before: str | None = None
    count = revisions = 0
    # The days to respond, merged by office and by (type, year) only: the types', the years' and the
    # total's histograms are merged from the (type, year) ones after, a few dozen instead of every tally.
    office_days: dict[int, dict[str, int]] = {}
    kind_year_days: dict[tuple[str, int], dict[str, int]] = {}
    for office_id, kind, year_of, on_time, late, elsewhere, days, open_due, revision in tallies.values_list(
        "office_id",
        "report_kind",
        "year",
        "on_time",
        "late",
        "answered_elsewhere",
        "days",
        "open_due",
        "revision",
    ):
        count += 1
        revisions += revision
        # As status_of: awaiting while `at` is before the moment day 56 ends, overdue from it.
        awaiting = overdue = 0
        for due, n in open_due.items():
            if moment < due:
                awaiting += n
                before = due if before is None else min(before, due)
            else:
                overdue += n
                after = due if after is None else max(after, due)
        for tally in groups.of(office_id, kind, year_of):
            tally.on_time += on_time
            tally.late += late
            tally.answered_elsewhere += elsewhere
            tally.awaiting += awaiting
            tally.overdue += overdue
        for merged in (office_days.setdefault(office_id, {}), kind_year_days.setdefault((kind, year_of), {})):
            for day, n in days.items():
                merged[day] = merged.get(day, 0) + n
    for office_id, merged in office_days.items():
        groups.offices[office_id].days_to_respond = Counter({int(day): n for day, n in merged.items()})
    for (kind, year_of), merged in kind_year_days.items():
        histogram = Counter({int(day): n for day, n in merged.items()})
        for tally in (groups.kinds[kind], groups.years[year_of], groups.total):
            tally.days_to_respond.update(histogram)
    figures = groups.finished(timezone.now(), name_offices=False)
    return _Remembered(fingerprint=(count, revisions), after=after, before=before, figures=figures)


def _with_office_names(figures: Timeliness) -> Timeliness:
    """`figures` with each office's row named, in the dashboard's order (by name): one query."""
    names = dict(
        Organisation.objects.filter(pk__in=[tally.key for tally in figures.offices]).values_list("pk", "name")
    )
    offices = [replace(tally, label=names.get(tally.key, "")) for tally in figures.offices]
    return replace(figures, offices=sorted(offices, key=lambda t: (t.label, t.key)))


def timeliness_years(at: dt.datetime) -> list[int]:
    """The years from the first to the last publication that made a response due (for the year
    filter). One aggregate query: no sort of every obligation for a DISTINCT."""
    span = ResponseTally.objects.aggregate(first=Min("year"), last=Max("year"))
    if span["first"] is None:
        return []
    return list(range(span["first"], span["last"] + 1))


# --- Public pages ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicResponse:
    """What the public report page shows about one force's response (U6)."""

    area: Organisation
    office: Organisation
    status: ResponseStatus
    last_day: dt.date
    published_url: str
    answered_by_report: Report | None
    # The London day the first version was sent (the upload of the response as published), if any.
    published_on: dt.date | None = None

    @property
    def label(self) -> str:
        return {
            ResponseStatus.ON_TIME: gettext("Published on time"),
            ResponseStatus.LATE: gettext("Published late"),
            ResponseStatus.AWAITING: gettext("Awaiting"),
            ResponseStatus.OVERDUE: gettext("Overdue"),
            ResponseStatus.ANSWERED_ELSEWHERE: gettext("Answered by another response"),
        }[self.status]


def public_responses_for(report: Report, at: dt.datetime) -> list[PublicResponse]:
    """U6: for each police force the report involves, its PCC's response as the public sees it at `at`.

    Nothing before the report is published. One query, whatever the number of forces.
    """
    if not report.is_published(at):
        return []
    obligations = with_first_submission(
        ResponseObligation.objects.filter(report=report, created_at__lte=at)
        .select_related("area", "office", "answered_by__report")
        .defer(*(f"answered_by__{name}" for name in OBLIGATION_REPORT_TEXT))
        .order_by("area__name", "pk"),
        at,
    )
    return [
        PublicResponse(
            area=obligation.area,
            office=obligation.office,
            status=obligation_status(obligation, at),
            last_day=last_day(obligation),
            published_url=obligation.first_published_url or "",
            answered_by_report=obligation.answered_by.report if obligation.answered_by_id else None,
            published_on=(
                timezone.localtime(obligation.first_submitted_at, LONDON).date()
                if obligation.first_submitted_at
                else None
            ),
        )
        for obligation in obligations
    ]


def overdue_responses(at: dt.datetime) -> QuerySet:
    """Responses overdue at `at` (day 56 ended, no submission, not answered by another response),
    of published reports, the longest overdue first.

    Exact at any moment, and at now it reads only the outstanding responses, in order, from an index
    (outstanding_responses_by_due), however many responses have ever been due: a response with no upload
    by `at` either still has none (the services keep its state "awaiting", answered elsewhere or not) or
    had its first upload after `at`, and those are found first (none when `at` is now; first_upload_at).
    """
    uploaded_later = list(
        Submission.objects.filter(version=1, submitted_at__gt=at).values_list("obligation_id", flat=True)
    )
    return (
        _of_published_reports(at)
        .filter(Q(state=ObligationState.AWAITING) | Q(pk__in=uploaded_later, answered_by__isnull=True))
        .filter(due_at__lte=at)
        .select_related("report", "area", "office")
        .defer(*OBLIGATION_REPORT_TEXT)
        .order_by("due_at", "report__title", "area__name", "pk")
    )


def days_overdue(obligation: ResponseObligation, at: dt.datetime) -> int:
    """Whole days since day 56 ended: 1 on the day after it."""
    return (timezone.localtime(at, LONDON).date() - last_day(obligation)).days


# --- The public page of a force: its PCC's responses ---------------------------------------------------

AREA_RESPONSES_SHOWN = 10


def public_area_responses(area: Organisation, at: dt.datetime) -> dict[str, Any]:
    """U6 on a force's public page: how many of its PCC's responses to published reports were on time,
    late, awaiting, overdue or answered by another response at `at`, and the newest few with their status.
    Two queries, whatever the force's history: its tallies (responses.tallies: `at` is now), and the newest
    responses."""
    counts: Counter = Counter()
    moment = due_key(at)
    for on_time, late, elsewhere, open_due in ResponseTally.objects.filter(area=area).values_list(
        "on_time", "late", "answered_elsewhere", "open_due"
    ):
        counts[ResponseStatus.ON_TIME] += on_time
        counts[ResponseStatus.LATE] += late
        counts[ResponseStatus.ANSWERED_ELSEWHERE] += elsewhere
        for due, n in open_due.items():
            counts[ResponseStatus.AWAITING if moment < due else ResponseStatus.OVERDUE] += n
    newest = list(
        with_first_submission(
            _of_published_reports(at)
            .filter(area=area)
            .select_related("report", "office")
            .defer(*OBLIGATION_REPORT_TEXT)
            .order_by("-published_on", "-report__publication_at", "-pk"),
            at,
        )[:AREA_RESPONSES_SHOWN]
    )
    return {
        "total": sum(counts.values()),
        "counts": [
            {"status": status, "label": label, "count": counts.get(status, 0)}
            for status, label in (
                (ResponseStatus.ON_TIME, gettext("Published on time")),
                (ResponseStatus.LATE, gettext("Published late")),
                (ResponseStatus.AWAITING, gettext("Awaiting")),
                (ResponseStatus.OVERDUE, gettext("Overdue")),
                (ResponseStatus.ANSWERED_ELSEWHERE, gettext("Answered by another response")),
            )
        ],
        "newest": [
            {
                "report": obligation.report,
                "status": obligation_status(obligation, at),
                "last_day": last_day(obligation),
                "published_url": obligation.first_published_url or "",
            }
            for obligation in newest
        ],
    }
