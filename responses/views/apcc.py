"""U7: the response timeliness data HMICFRS shares with the APCC.

For APCC and HMICFRS staff only (everyone else 403, visitors sent to sign in).
Aggregates only: counts and medians per PCC office, report type and year; never a
draft, a response's text or a person's name. The page and its CSV read the same
figures from responses.selectors.current_timeliness (the tallies the services keep current), at a fixed
number of queries whatever the years of history.
"""

from __future__ import annotations

import datetime as dt
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
from hmicfrs_mou.sorting import Column, Sorting
from responses.selectors import REPORT_KIND_LABELS, Tally, Timeliness, current_timeliness, timeliness_years

TIMELINESS_PORTALS = (Portal.APCC, Portal.HMICFRS)
OBLIGATION_SUBJECT = "responses.responseobligation"
CHART_TOP_OFFICES = 10


def may_see_timeliness(user: Any) -> bool:
    """U7: HMICFRS shares the response data with the APCC; HMICFRS staff see it too."""
    return getattr(user, "is_authenticated", False) and portal_for(user) in TIMELINESS_PORTALS


def timeliness_readers(view: Callable) -> Callable:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not may_see_timeliness(request.user):
            raise PermissionDenied("The response timeliness data is for the APCC and HMICFRS.")
        return view(request, *args, **kwargs)

    return wrapped


class TimelinessFilterForm(GovukFormMixin, forms.Form):
    year = forms.TypedChoiceField(
        label=_("Year of publication"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("Choose a year from the list.")},
    )
    kind = forms.ChoiceField(
        label=_("Report type"),
        required=False,
        choices=[("", _("All report types")), *REPORT_KIND_LABELS.items()],
        error_messages={"invalid_choice": _("Choose a report type from the list.")},
    )

    def __init__(self, data: Any, *, years: list[int]) -> None:
        super().__init__(data)
        self.fields["year"].choices = [("", _("All years")), *((str(y), str(y)) for y in reversed(years))]

    def filters(self) -> tuple[int | None, str | None]:
        """The chosen year and report type; an invalid choice filters nothing (its error is shown)."""
        if not self.is_bound or not self.is_valid():
            return None, None
        return self.cleaned_data["year"], self.cleaned_data["kind"] or None


def _filters(request: HttpRequest, now: dt.datetime) -> tuple[TimelinessFilterForm, int | None, str | None]:
    data = {key: request.GET[key] for key in ("year", "kind") if request.GET.get(key)}
    form = TimelinessFilterForm(data or None, years=timeliness_years(now))
    year, kind = form.filters()
    return form, year, kind


# --- The chart: a server-drawn SVG with the same figures as the table ------------------------------


@dataclass(frozen=True)
class Segment:
    name: str
    count: int
    x: float
    width: float
    colour: str


@dataclass(frozen=True)
class Bar:
    label: str
    text: str
    y: int
    segments: list[Segment]


@dataclass(frozen=True)
class Chart:
    title: str
    description: str
    bars: list[Bar]
    height: int
    legend: list[tuple[str, str, int]]


CHART_WIDTH = 720
BAR_PITCH = 50
BAR_HEIGHT = 20
LEGEND_HEIGHT = 36
SEGMENT_GAP = 2
# GOV.UK colours, each at least 3:1 against white (WCAG 1.4.11); white gaps separate them.
SERIES = (
    ("on_time", _("On time"), "#00703c"),
    ("late", _("Late"), "#b58840"),
    ("outstanding", _("Outstanding"), "#d4351c"),
)


def chart(title: str, tallies: list[Tally]) -> Chart:
    """Horizontal stacked bars (on time, late, outstanding), one per tally, scaled to the largest."""
    largest = max((t.on_time + t.late + t.outstanding for t in tallies), default=0) or 1
    bars = []
    for index, tally in enumerate(tallies):
        y = LEGEND_HEIGHT + index * BAR_PITCH
        x = 0.0
        segments = []
        for attribute, name, colour in SERIES:
            count = getattr(tally, attribute)
            width = CHART_WIDTH * count / largest
            if count:
                segments.append(
                    Segment(name, count, round(x, 1), round(max(width - SEGMENT_GAP, 1), 1), colour)
                )
            x += width
        text = gettext("%(label)s: %(on_time)s on time, %(late)s late, %(outstanding)s outstanding") % {
            "label": tally.label,
            "on_time": tally.on_time,
            "late": tally.late,
            "outstanding": tally.outstanding,
        }
        bars.append(Bar(tally.label, text, y, segments))
    return Chart(
        title=title,
        description="; ".join(bar.text for bar in bars) or gettext("No responses to show."),
        bars=bars,
        height=LEGEND_HEIGHT + len(bars) * BAR_PITCH,
        legend=[(name, colour, 110 * i) for i, (_, name, colour) in enumerate(SERIES)],
    )


def _chart_for(figures: Timeliness, year: int | None) -> Chart:
    if year is None:
        return chart(gettext("Responses by year of publication"), figures.by_year)
    worst = sorted(figures.offices, key=lambda t: (-(t.late + t.overdue), -t.total, t.label))
    return chart(
        gettext("The %(count)s PCC offices with the most late or overdue responses, %(year)s")
        % {"count": min(CHART_TOP_OFFICES, len(worst)), "year": year},
        worst[:CHART_TOP_OFFICES],
    )


# The table by PCC office sorts on any column; it comes by office name, and equal rows keep that order.
OFFICE_SORTING = Sorting(
    [
        Column("office", _("PCC office"), value=lambda tally: tally.label),
        Column("due", _("Responses due"), value=lambda tally: tally.total, first="desc", numeric=True),
        Column("on_time", _("On time"), value=lambda tally: tally.on_time, first="desc", numeric=True),
        Column("late", _("Late"), value=lambda tally: tally.late, first="desc", numeric=True),
        Column(
            "outstanding", _("Outstanding"), value=lambda tally: tally.outstanding, first="desc", numeric=True
        ),
        Column(
            "overdue", _("Of which overdue"), value=lambda tally: tally.overdue, first="desc", numeric=True
        ),
        Column(
            "elsewhere",
            _("Answered by another response"),
            value=lambda tally: tally.answered_elsewhere,
            first="desc",
            numeric=True,
        ),
        Column("median", _("Median days to respond"), value=lambda tally: tally.median_days, numeric=True),
    ],
    default="office",
)


def _querystring(year: int | None, kind: str | None) -> str:
    return urlencode({k: v for k, v in (("year", year), ("kind", kind)) if v})


@timeliness_readers
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    form, year, kind = _filters(request, now)
    figures = current_timeliness(year=year, report_kind=kind, at=now)
    offices, sort = OFFICE_SORTING.sort_rows(request, figures.offices)
    return render(
        request,
        "responses/apcc/dashboard.html",
        {
            "form": form,
            "figures": figures,
            "offices": offices,
            "sort": sort,
            "year": year,
            "kind_label": REPORT_KIND_LABELS.get(kind) if kind else None,
            "chart": _chart_for(figures, year),
            "querystring": _querystring(year, kind),
        },
    )


def _median(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}"


TIMELINESS_CSV_HEADER = [
    "Breakdown",
    "Name",
    "Responses due",
    "On time",
    "Late",
    "Awaiting",
    "Overdue",
    "Outstanding",
    "Answered by another response",
    "Median days to respond",
]


def _timeliness_csv_row(breakdown: str, tally: Tally) -> list[object]:
    return [
        breakdown,
        cell(tally.label),
        tally.total,
        tally.on_time,
        tally.late,
        tally.awaiting,
        tally.overdue,
        tally.outstanding,
        tally.answered_elsewhere,
        _median(tally.median_days),
    ]


@timeliness_readers
@require_GET
def dashboard_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The dashboard's figures, with the same filters, streamed as CSV; audited as an export.

    A row per PCC office, report type and year: the figures are the dashboard's tallies, already counted,
    so the rows are few whatever the number of responses; they stream as every export does.
    """
    now = timezone.now()
    _, year, kind = _filters(request, now)
    figures = current_timeliness(year=year, report_kind=kind, at=now)
    stamp = f"{year or 'all-years'}-{kind or 'all-types'}-{timezone.localdate(now):%Y-%m-%d}"
    rows = [
        *(("PCC office", t) for t in figures.offices),
        ("All", figures.total),
        *(("Report type", t) for t in figures.by_kind),
        *(("Year of publication", t) for t in figures.by_year),
    ]
    audit_record(
        action=AuditAction.EXPORT,
        request=request,
        object_type=OBLIGATION_SUBJECT,
        detail={"export": "response timeliness", "year": year, "kind": kind, "rows": len(rows)},
    )
    return streaming_csv_response(
        f"response-timeliness-{stamp}.csv",
        TIMELINESS_CSV_HEADER,
        (_timeliness_csv_row(breakdown, tally) for breakdown, tally in rows),
    )
