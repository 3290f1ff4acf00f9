"""The Engage tracker across all 87 forces and FRSs, its CSV and its chart (M2, M4, M7–M9).

For people in the APCC and HMICFRS portals (everyone else 403, visitors sent to
sign in). Each area shows the case only where monitoring.access lets the person
see it; before that the area reads as Scan. The page and the CSV read the same
rows from monitoring.selectors.tracker_rows, at a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from hmicfrs_mou.audit import audit_record
from hmicfrs_mou.csv_export import cell, streaming_csv_response
from hmicfrs_mou.forms import GovukFormMixin
from hmicfrs_mou.models import AuditAction
from hmicfrs_mou.portals import Portal, portal_for
from hmicfrs_mou.sorting import Column as SortColumn
from hmicfrs_mou.sorting import Sorting
from hmicfrs_mou.wording import fire_services, police_forces
from monitoring.selectors import KIND_ORDER, QuarterCount, TrackerRow, engage_over_time, tracker_rows

TRACKER_PORTALS = (Portal.APCC, Portal.HMICFRS)
CASE_SUBJECT = "monitoring.engagecase"


def may_see_tracker(user: Any) -> bool:
    """The APCC tracks Engage across every area; HMICFRS staff see the same tracker."""
    return getattr(user, "is_authenticated", False) and portal_for(user) in TRACKER_PORTALS


def tracker_readers(view: Callable) -> Callable:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not may_see_tracker(request.user):
            raise PermissionDenied("The Engage tracker is for the APCC and HMICFRS.")
        return view(request, *args, **kwargs)

    return wrapped


class TrackerFilterForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Forces or fire and rescue services"),
        required=False,
        choices=[("", _("Both")), ("police", _("Police forces")), ("fire", _("Fire and rescue services"))],
        error_messages={"invalid_choice": _("Choose police forces, fire and rescue services or both.")},
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Scan and Engage")), ("engage", _("In Engage")), ("scan", _("In Scan"))],
        error_messages={"invalid_choice": _("Choose In Engage, In Scan or Scan and Engage.")},
    )

    def filters(self) -> tuple[str, str]:
        """The chosen kind and status; an invalid choice filters nothing (its error is shown)."""
        if not self.is_bound or not self.is_valid():
            return "", ""
        return self.cleaned_data["kind"], self.cleaned_data["status"]


# The directory's own names for the kinds of area are accepted too (links from other pages use them).
KIND_ALIASES = {"police_force": "police", "fire_rescue_service": "fire"}


def _filters(request: HttpRequest) -> tuple[TrackerFilterForm, str, str]:
    data = {key: request.GET[key] for key in ("kind", "status") if request.GET.get(key)}
    if "kind" in data:
        data["kind"] = KIND_ALIASES.get(data["kind"], data["kind"])
    form = TrackerFilterForm(data or None)
    kind, status = form.filters()
    return form, kind, status


@dataclass(frozen=True)
class Summary:
    police: int
    fire: int
    oversight_overdue: int
    offers: int
    offers_overdue: int
    toolkit_not_sent: int


def summarise(rows: list[TrackerRow]) -> Summary:
    engaged = [row for row in rows if row.in_engage]
    return Summary(
        police=sum(1 for row in engaged if row.oversight_group == "PPOG"),
        fire=sum(1 for row in engaged if row.oversight_group == "FPOG"),
        oversight_overdue=sum(1 for row in engaged if row.oversight_overdue),
        offers=sum(row.open_offers for row in engaged),
        offers_overdue=sum(1 for row in engaged if row.offer_overdue),
        toolkit_not_sent=sum(1 for row in engaged if not row.toolkit_sent and not row.historical),
    )


# --- The chart: columns drawn on the server, one per quarter, police under fire --------------------


@dataclass(frozen=True)
class Column:
    label: str
    text: str
    x: float
    width: float
    police_y: float
    police_height: float
    fire_y: float
    fire_height: float


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True)
class YearLabel:
    year: int
    x: float


@dataclass(frozen=True)
class OverTimeChart:
    title: str
    description: str
    columns: list[Column]
    ticks: list[Tick]
    years: list[YearLabel]
    legend: list[tuple[str, str, int]]
    width: int
    height: int
    plot_left: int
    plot_right: int
    baseline: float


CHART_WIDTH = 720
CHART_TOP = 36
PLOT_HEIGHT = 200
PLOT_LEFT = 36
AXIS_SPACE = 28
COLUMN_GAP = 2
# GOV.UK blue and pink, each at least 3:1 against white; a white gap separates the two in a column.
POLICE_COLOUR = "#1d70b8"
FIRE_COLOUR = "#d53880"


def _step(largest: int) -> int:
    for step in (1, 2, 5, 10, 20, 50):
        if largest / step <= 6:
            return step
    return 100


def over_time_chart(quarters: list[QuarterCount]) -> OverTimeChart:
    """Stacked columns (police forces, then FRSs above them) for each quarter end, scaled to the largest."""
    largest = max((q.total for q in quarters), default=0)
    step = _step(largest)
    top = max(step, -(-largest // step) * step)
    baseline = CHART_TOP + PLOT_HEIGHT
    plot_width = CHART_WIDTH - PLOT_LEFT
    pitch = plot_width / max(len(quarters), 1)

    def height(count: int) -> float:
        return round(PLOT_HEIGHT * count / top, 1)

    columns = []
    years = []
    for index, quarter in enumerate(quarters):
        x = PLOT_LEFT + index * pitch
        police_h = height(quarter.police)
        fire_h = height(quarter.fire)
        gap = COLUMN_GAP if quarter.police and quarter.fire else 0
        columns.append(
            Column(
                label=quarter.label,
                text=gettext("%(quarter)s: %(police)s and %(fire)s in Engage")
                % {
                    "quarter": quarter.label,
                    "police": police_forces(quarter.police),
                    "fire": fire_services(quarter.fire),
                },
                x=round(x + COLUMN_GAP / 2, 1),
                width=round(max(pitch - COLUMN_GAP, 1), 1),
                police_y=round(baseline - police_h, 1),
                police_height=police_h,
                fire_y=round(baseline - police_h - fire_h, 1),
                fire_height=round(max(fire_h - gap, 0), 1),
            )
        )
        if quarter.ends_on.month == 3:
            years.append(YearLabel(quarter.ends_on.year, round(x + 2, 1)))
    ticks = [Tick(value, round(baseline - PLOT_HEIGHT * value / top, 1)) for value in range(0, top + 1, step)]
    if quarters:
        last = quarters[-1]
        description = gettext(
            "Police forces and fire and rescue services in Engage at the end of each quarter from "
            "%(first)s to %(last)s. At the end: %(police)s and %(fire)s. The most at once: %(largest)s. "
            "Every figure is in the table below the chart."
        ) % {
            "first": quarters[0].label,
            "last": last.label,
            "police": police_forces(last.police),
            "fire": fire_services(last.fire),
            "largest": largest,
        }
    else:
        description = gettext("No quarter has ended yet.")
    return OverTimeChart(
        title=_("Forces and fire and rescue services in Engage at the end of each quarter"),
        description=description,
        columns=columns,
        ticks=ticks,
        years=years,
        legend=[
            (_("Police forces"), POLICE_COLOUR, PLOT_LEFT),
            (_("Fire and rescue services"), FIRE_COLOUR, 200),
        ],
        width=CHART_WIDTH,
        height=baseline + AXIS_SPACE,
        plot_left=PLOT_LEFT,
        plot_right=CHART_WIDTH,
        baseline=baseline,
    )


# --- Pages -----------------------------------------------------------------------------------------


def _querystring(kind: str, status: str) -> str:
    return urlencode({k: v for k, v in (("kind", kind), ("status", status)) if v})


# The rows come in the tracker's order (forces then FRSs, by name); a column chosen sorts on it, equal rows
# keeping that order. A value of None (an area in Scan has no dates) sorts last either way.
TRACKER_SORTING = Sorting(
    [
        SortColumn("area", _("Force or FRS"), value=lambda row: (KIND_ORDER[row.area.kind], row.area.name)),
        SortColumn("status", _("Status"), value=lambda row: row.in_engage, first="desc"),
        SortColumn(
            "entered", _("Entered Engage"), value=lambda row: row.period.starts_on if row.period else None
        ),
        SortColumn(
            "days", _("Days in Engage"), value=lambda row: row.days_in_engage, first="desc", numeric=True
        ),
        SortColumn("next", _("Next PPOG or FPOG"), value=lambda row: row.oversight_due_day),
        SortColumn(
            "offers",
            _("Offers of assistance not followed up"),
            value=lambda row: row.open_offers if row.in_engage else None,
            first="desc",
        ),
        SortColumn(
            "toolkit", _("Toolkit sent"), value=lambda row: row.toolkit_sent if row.in_engage else None
        ),
    ],
    default="area",
)


@tracker_readers
@require_GET
def tracker(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    form, kind, status = _filters(request)
    rows, sort = TRACKER_SORTING.sort_rows(
        request, tracker_rows(user=request.user, at=now, kind=kind, status=status)
    )
    quarters = engage_over_time(at=now)
    return render(
        request,
        "monitoring/tracker/tracker.html",
        {
            "form": form,
            "rows": rows,
            "sort": sort,
            "summary": summarise(rows),
            "now": now,
            "today": timezone.localdate(now),
            "filtered": bool(kind or status),
            "querystring": _querystring(kind, status),
            "chart": over_time_chart(quarters),
            "quarters": quarters,
        },
    )


CSV_HEADER = [
    "Force or FRS",
    "Kind",
    "Status",
    "Latest case",
    "Entered Engage",
    "Days in Engage",
    "Next PPOG or FPOG due by the end of",
    "PPOG or FPOG overdue",
    "Next meeting scheduled for",
    "Outstanding offers of assistance",
    "Earliest follow-up due by the end of",
    "Follow-up overdue",
    "How the follow-up date was worked out",
    "Toolkit sent",
]


def _csv_row(row: TrackerRow) -> list[object]:
    if not row.in_engage:
        return [cell(row.area.name), row.kind_label, row.status, row.case_label, *[""] * 10]
    due = row.oversight_due
    return [
        cell(row.area.name),
        row.kind_label,
        row.status,
        "In Engage",
        row.entered_label,
        row.days_in_engage,
        row.oversight_due_day.isoformat() if due else "Not recorded in this portal",
        "Yes" if row.oversight_overdue else "No",
        row.next_meeting.isoformat() if row.next_meeting else "",
        row.open_offers,
        row.offer_due_day.isoformat() if row.offer_due_day else "",
        "Yes" if row.offer_overdue else "No",
        cell(row.offer_working),
        "Yes" if row.toolkit_sent else ("Not recorded in this portal" if row.historical else "No"),
    ]


@tracker_readers
@require_GET
def tracker_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The tracker's rows, with the same filters, as CSV; audited as an export."""
    now = timezone.now()
    _, kind, status = _filters(request)
    rows = tracker_rows(user=request.user, at=now, kind=kind, status=status)
    audit_record(
        action=AuditAction.EXPORT,
        request=request,
        object_type=CASE_SUBJECT,
        detail={
            "export": "Engage tracker",
            "kind": kind,
            "status": status,
            "rows": len(rows),
            "cases": [row.case.pk for row in rows if row.case is not None],
        },
    )
    stamp = f"{kind or 'all'}-{status or 'all'}-{timezone.localdate(now):%Y-%m-%d}"
    return streaming_csv_response(f"engage-tracker-{stamp}.csv", CSV_HEADER, (_csv_row(row) for row in rows))
