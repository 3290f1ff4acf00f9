"""Reads for Scan and Engage: the APCC's tracker across all areas, its chart, and the public Engage lists.

Every selector costs a fixed number of queries whatever the size of the data
(87 areas; at ten times the real size some 1,500 cases, 5,000 meetings and
20,000 actions): the per-case figures are correlated subqueries on one query of
the periods in force, never a query per row and never every action loaded.
Who may see which case is decided in monitoring.access and only there.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Prefetch, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, TruncQuarter
from django.utils import timezone
from django.utils.translation import gettext

from contacts.models import AREA_KINDS, Organisation, OrganisationKind
from hmicfrs_mou.deadlines import Computed, due_day
from monitoring.access import public_cases
from monitoring.deadlines import oversight_due
from monitoring.models import (
    EngageCase,
    EngageCause,
    EngageChartState,
    EngagePeriod,
    EngageQuarterChange,
    MeetingAction,
    OversightMeeting,
    ToolkitSending,
)

KIND_FILTERS = {"police": OrganisationKind.POLICE_FORCE, "fire": OrganisationKind.FIRE_RESCUE_SERVICE}
STATUS_FILTERS = ("scan", "engage")
# Forces first, then fire and rescue services.
KIND_ORDER = {OrganisationKind.POLICE_FORCE: 0, OrganisationKind.FIRE_RESCUE_SERVICE: 1}
CHART_FROM_YEAR = 2019

_RULE_PREFIX = re.compile(r"^[A-Z]\d+: ")


def plain_working(working: str) -> str:
    """A deadline's working for a page or an export: the rule id it starts with is for the code, not people."""
    return _RULE_PREFIX.sub("", working, count=1)


# --- The tracker --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrackerRow:
    """One force or FRS as the person sees it at one moment.

    `period` is set only when the area is in Engage today under a case the person
    may see (monitoring.access); otherwise the area reads as Scan. `case` is the
    area's latest case the person may see: the one in force, or one awaiting
    HMCI's decision, declined, or left (M10: the history is kept).
    """

    area: Organisation
    period: EngagePeriod | None
    case: EngageCase | None
    days_in_engage: int | None
    oversight_due: Computed | None
    oversight_overdue: bool
    next_meeting: dt.date | None
    open_offers: int
    offer_due_at: dt.datetime | None
    offer_working: str
    offer_overdue: bool
    toolkit_sent: bool

    @property
    def in_engage(self) -> bool:
        return self.period is not None

    @cached_property
    def case_label(self) -> str:
        """Where the latest case the person may see stands, for an area in Scan.

        Kept once worked out: the tracker's template reads it twice for each area in Scan, and a left
        case's date is formatted in the reader's language each time (read anew, a tenth of the tracker's
        time under the profiler)."""
        case = self.case
        if case is None or self.in_engage:
            return ""
        if case.exited_at is not None:
            period = getattr(case, "period", None)
            if period:
                return gettext("Left Engage %(when)s") % {"when": period.left_label}
            return gettext("Left Engage")
        if case.decision_engage is False:
            return gettext("HM Chief Inspector decided not to place it in Engage")
        if case.decided_at is None:
            return gettext("HMI's advice on Engage with HM Chief Inspector")
        return ""

    @property
    def status(self) -> str:
        return "Engage" if self.in_engage else "Scan"

    @property
    def kind_label(self) -> str:
        return (
            "Police force" if self.area.kind == OrganisationKind.POLICE_FORCE else "Fire and rescue service"
        )

    @property
    def oversight_group(self) -> str:
        return "PPOG" if self.area.kind == OrganisationKind.POLICE_FORCE else "FPOG"

    @property
    def entered_label(self) -> str:
        return self.period.entered_label if self.period else ""

    @property
    def oversight_due_day(self) -> dt.date | None:
        """The last day for the next PPOG/FPOG (the deadline is the end of that London day)."""
        return due_day(self.oversight_due.value) if self.oversight_due else None

    @property
    def offer_due_day(self) -> dt.date | None:
        """The last day for the earliest outstanding written follow-up."""
        return due_day(self.offer_due_at) if self.offer_due_at else None

    @property
    def historical(self) -> bool:
        """Loaded from public history: the portal holds no meetings or toolkit record from before."""
        return bool(self.case and self.case.historical)


def _kinds(kind: str) -> list[str]:
    return [KIND_FILTERS[kind]] if kind in KIND_FILTERS else list(KIND_FILTERS.values())


def _picked_ids(areas: Any, pick: Any) -> list[int]:
    """The case `pick` (a subquery on one area's cases, OuterRef("pk") the area) chooses for each area.

    Read as a list first: one short index read per area. Put inside an IN (...) instead, the planner
    evaluates the subquery several times an area and hashes every case to join them.
    """
    return [pk for pk in areas.annotate(picked=Subquery(pick)).values_list("picked", flat=True) if pk]


def _areas_and_latest_cases(
    kind: str, user: Any, at: dt.datetime
) -> tuple[list[Organisation], dict[int, EngageCase]]:
    """The areas (forces first, then by name) and each one's latest case the person may see, with its
    period, in two queries: the areas each with its latest case's id (picked in the database as
    _picked_ids does, with the area's own columns), then those cases."""
    visible = EngageCase.objects.visible_to(user, at)
    latest = visible.filter(area=OuterRef("pk")).order_by("-advised_at", "-pk").values("pk")[:1]
    areas = list(
        Organisation.objects.filter(kind__in=_kinds(kind))
        .order_by()
        .only("pk", "kind", "name", "slug")
        .annotate(latest_case_id=Subquery(latest))
    )
    cases = (
        EngageCase.objects.filter(pk__in=[area.latest_case_id for area in areas if area.latest_case_id])
        .order_by()
        .select_related("period")
        .only(
            "pk",
            "area_id",
            "historical",
            "decision_engage",
            "decided_at",
            "exited_at",
            "period__starts_on",
            "period__ends_on",
            "period__starts_precision",
            "period__ends_precision",
        )
    )
    ordered = sorted(areas, key=lambda area: (KIND_ORDER[area.kind], area.name))
    return ordered, {case.area_id: case for case in cases}


def _periods_in_force(user: Any, at: dt.datetime) -> dict[int, EngagePeriod]:
    """The periods in force today whose case the person may see, with the case's figures, in one query."""
    today = timezone.localdate(at)
    meetings = OversightMeeting.objects.filter(case=OuterRef("case_id"), created_at__lte=at).order_by()
    held = meetings.filter(held_on__isnull=False, recorded_at__lte=at)
    unheld = meetings.filter(Q(held_on__isnull=True) | Q(recorded_at__gt=at))
    # Uses the partial index open_offers_by_due.
    offers = MeetingAction.objects.filter(
        meeting__case=OuterRef("case_id"), offer_of_assistance=True, followed_up=False, recorded_at__lte=at
    ).order_by()
    # The periods open or ending after today, found through the index on the end date, each with its
    # own case checked against monitoring.access (a primary-key read each). With the start in the
    # query, or the visible cases as a list, the database would read every period or every case.
    periods = (
        EngagePeriod.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=today))
        .filter(Exists(EngageCase.objects.visible_to(user, at).filter(pk=OuterRef("case_id"))))
        .select_related("case", "case__area", "area")
        .defer("case__advice", "case__evidence", "case__decision_reasons", "case__exit_reasons")
        .annotate(
            last_held=Subquery(held.order_by("-held_on").values("held_on")[:1]),
            next_meeting=Subquery(unheld.order_by("scheduled_for", "pk").values("scheduled_for")[:1]),
            open_offers=Coalesce(
                Subquery(
                    offers.values("meeting__case").annotate(n=Count("pk")).values("n")[:1],
                    output_field=IntegerField(),
                ),
                Value(0),
            ),
            offer_due_at=Subquery(offers.order_by("follow_up_due_at", "pk").values("follow_up_due_at")[:1]),
            offer_working=Subquery(offers.order_by("follow_up_due_at", "pk").values("follow_up_working")[:1]),
            toolkit_sent=Exists(ToolkitSending.objects.filter(case=OuterRef("case_id"), sent_at__lte=at)),
        )
    )
    found: dict[int, EngagePeriod] = {}
    for period in (period for period in periods if period.in_force_on(today)):
        # One period per area is in force on a day (the open period is unique, history does not overlap).
        found.setdefault(period.area_id, period)
    return found


def _row(
    area: Organisation, period: EngagePeriod | None, latest: EngageCase | None, at: dt.datetime
) -> TrackerRow:
    if period is None:
        return TrackerRow(area, None, latest, None, None, False, None, 0, None, "", False, False)
    case = period.case
    case.period = period
    today = timezone.localdate(at)
    due: Computed | None = None
    # D7: four months from the last PPOG/FPOG, or from entry. A case loaded from public history has no
    # meetings recorded before the portal, so its cadence starts only with a meeting held here.
    if not case.historical or period.last_held is not None:
        computed = oversight_due(case, period.last_held)
        due = Computed(computed.value, plain_working(computed.working))
    return TrackerRow(
        area=area,
        period=period,
        case=case,
        days_in_engage=(today - period.starts_on).days,
        oversight_due=due,
        oversight_overdue=due is not None and at >= due.value,
        next_meeting=period.next_meeting,
        open_offers=period.open_offers,
        offer_due_at=period.offer_due_at,
        offer_working=plain_working(period.offer_working or ""),
        offer_overdue=period.offer_due_at is not None and at >= period.offer_due_at,
        toolkit_sent=period.toolkit_sent,
    )


def tracker_rows(*, user: Any, at: dt.datetime, kind: str = "", status: str = "") -> list[TrackerRow]:
    """One row per force and FRS (forces first), as `user` may see them at `at`.

    kind: "police" or "fire" (anything else: both); status: "engage" or "scan" (anything else: both).
    The status is Engage only where the person may see the case (no early word of a decision).
    Three queries (periods in force with their figures; the areas with each one's latest case, in two)
    besides building the person's view in monitoring.access, whatever the number of cases, meetings and
    actions.
    """
    periods = _periods_in_force(user, at)
    areas, latest = _areas_and_latest_cases(kind, user, at)
    rows = [_row(area, periods.get(area.pk), latest.get(area.pk), at) for area in areas]
    if status == "engage":
        return [row for row in rows if row.in_engage]
    if status == "scan":
        return [row for row in rows if not row.in_engage]
    return rows


# --- The monitoring workspace ------------------------------------------------------------------------


def workspace_cases(user: Any, at: dt.datetime, area_ids: Any = None) -> dict[int, EngageCase]:
    """Each area's case for the workspace, as `user` may see them at `at`, in two queries (ids, cases).

    The live case (advised, not declined and not left at `at`) where there is one, otherwise the
    latest (newest advice first); chosen in the database for each area, so one row is read for each
    area (at most 87) however long its history. `area_ids` limits the areas (None: all).
    The letter and the toolkit sending come with each case (monitoring.views.cases.state_at).
    """
    ended = Q(exited_at__lte=at) | Q(decided_at__lte=at, decision_engage=False)
    pick = (
        EngageCase.objects.visible_to(user, at)
        .filter(area=OuterRef("pk"))
        .annotate(ended=Case(When(ended, then=Value(1)), default=Value(0), output_field=IntegerField()))
        .order_by("ended", "-advised_at", "-pk")
        .values("pk")[:1]
    )
    areas = Organisation.objects.filter(kind__in=AREA_KINDS).order_by()
    if area_ids is not None:
        areas = areas.filter(pk__in=list(area_ids))
    cases = (
        EngageCase.objects.filter(pk__in=_picked_ids(areas, pick))
        .order_by()
        .select_related("letter", "toolkit_sending")
        .defer("advice", "evidence", "letter__pdf", "letter__addressed_to", "toolkit_sending__letter")
    )
    return {case.area_id: case for case in cases}


# --- Areas in Engage over time --------------------------------------------------------------------


@dataclass(frozen=True)
class QuarterCount:
    ends_on: dt.date
    police: int
    fire: int

    @property
    def total(self) -> int:
        return self.police + self.fire

    @property
    def label(self) -> str:
        return f"{self.ends_on.day} {self.ends_on:%B %Y}"


def quarter_ends(first_year: int, today: dt.date) -> list[dt.date]:
    """The last day of each calendar quarter from the first of `first_year` up to `today`."""
    ends = []
    year = first_year
    while True:
        for month, day in ((3, 31), (6, 30), (9, 30), (12, 31)):
            end = dt.date(year, month, day)
            if end > today:
                return ends
            ends.append(end)
        year += 1


QuarterChanges = dict[tuple[str, dt.date], tuple[int, int]]


def quarter_changes(at: dt.datetime) -> QuarterChanges:
    """The public periods at `at` counted by kind of area and calendar quarter: (started, ended) in it.

    Two grouped counts over every public period (some eighty rows come back): what the summary
    EngageQuarterChange holds, worked out afresh by monitoring.services.engage_chart_refresh.
    """
    public = EngagePeriod.objects.public(at).order_by()
    started: Counter[tuple[str, dt.date]] = Counter()
    ended: Counter[tuple[str, dt.date]] = Counter()
    for kind, quarter, count in (
        public.annotate(quarter=TruncQuarter("starts_on"))
        .values_list("area__kind", "quarter")
        .annotate(count=Count("pk"))
    ):
        started[kind, quarter] += count
    for kind, quarter, count in (
        public.filter(ends_on__isnull=False)
        .annotate(quarter=TruncQuarter("ends_on"))
        .values_list("area__kind", "quarter")
        .annotate(count=Count("pk"))
    ):
        ended[kind, quarter] += count
    return {key: (started[key], ended[key]) for key in started.keys() | ended.keys()}


def _summarised_changes(at: dt.datetime) -> QuarterChanges | None:
    """The summary's figures when it holds at `at` (worked out by then, and no announcement recorded
    since that it leaves out), in two short reads; None otherwise."""
    holds = (
        EngageChartState.objects.filter(as_of__lte=at)
        .filter(Q(holds_until__isnull=True) | Q(holds_until__gt=at))
        .exists()
    )
    if not holds:
        return None
    return {
        (kind, quarter): (started, ended)
        for kind, quarter, started, ended in EngageQuarterChange.objects.order_by().values_list(
            "kind", "quarter", "started", "ended"
        )
    }


def engage_over_time(*, at: dt.datetime) -> list[QuarterCount]:
    """Police forces and FRSs in Engage at the end of each quarter since 2019, from public periods only.

    In Engage at the end of a quarter: started by then and not ended by then. A period ends after it
    starts, so that is the periods started by the end less those ended by the end: the public periods
    counted by kind and the quarter they started in, and by kind and the quarter they ended in, and
    the running totals give each quarter's figure. The counts come from the summary the services keep
    (EngageQuarterChange, some eighty rows however long the history) where it holds at `at`, and are
    worked out from the periods otherwise (a moment before the summary, or no summary yet).
    """
    changes = _summarised_changes(at)
    if changes is None:
        changes = quarter_changes(at)

    def in_engage(kind: str, end: dt.date) -> int:
        # `end` is the last day of its quarter: a date is on or before it when its quarter starts by then.
        return sum(
            started - ended
            for (k, quarter), (started, ended) in changes.items()
            if k == kind and quarter <= end
        )

    return [
        QuarterCount(
            end,
            in_engage(OrganisationKind.POLICE_FORCE, end),
            in_engage(OrganisationKind.FIRE_RESCUE_SERVICE, end),
        )
        for end in quarter_ends(CHART_FROM_YEAR, timezone.localdate(at))
    ]


# --- The public Engage pages --------------------------------------------------------------------


def _public_periods(at: dt.datetime) -> Any:
    """Periods of announced Engage decisions (M5), with what the public pages show and nothing more."""
    return (
        # Each period's own case checked (a primary-key read each), so a page reads its few periods from
        # the index on the end date. As a condition on the joined case instead, SQLite starts from the
        # index on the announcement and reads every announced case; as `case__in`, every case too.
        EngagePeriod.objects.filter(Exists(public_cases(at).filter(pk=OuterRef("case_id"))))
        .select_related("area", "case")
        .only(
            "case",
            "area",
            "starts_on",
            "ends_on",
            "starts_precision",
            "ends_precision",
            "area__name",
            "area__kind",
            "area__slug",
            "case__historical",
            "case__announced_at",
            "case__exited_at",
        )
        .prefetch_related(Prefetch("case__causes", queryset=EngageCause.objects.only("case_id", "text")))
    )


def public_current_periods(kind: str, *, at: dt.datetime) -> list[EngagePeriod]:
    """M5: forces (kind "police") or FRSs ("fire") in Engage at `at` under an announced decision, by name.

    Read from the periods open or ending today or later (the index on the end date finds those few),
    never from every period there has been; the start is checked on those few here, since a condition
    on it in the query would have the database start from every period begun by today instead. A period
    ending today is listed until the moment its exit takes effect (the case's exited_at).
    """
    today = timezone.localdate(at)
    periods = (
        _public_periods(at)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .filter(area__kind=KIND_FILTERS[kind])
        .filter(Q(case__exited_at__isnull=True) | Q(case__exited_at__gt=at))
        .order_by("area__name", "-starts_on")
    )
    return [period for period in periods if period.starts_on <= today]


def public_previous_periods(*, at: dt.datetime) -> Any:
    """M10: periods of forces and FRSs that have ended by `at` (back to Scan), most recently left first.

    A queryset to be read a page at a time (the causes are fetched for the page only): the list
    grows by every exit, some 1,400 at ten times the real size. Its order is the index
    engage_period_by_end's read backwards (periods that ended the same day: the later recorded first),
    so a page reads its own rows and not every ended period to sort them.
    """
    return (
        _public_periods(at).filter(case__exited_at__lte=at, ends_on__isnull=False).order_by("-ends_on", "-pk")
    )


def public_causes(case: EngageCase) -> list[str]:
    """The causes of concern of a public case, in their order (the only text of the case shown besides)."""
    return list(
        EngageCause.objects.filter(case=case).order_by("position", "pk").values_list("text", flat=True)
    )
