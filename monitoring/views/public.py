"""M5, M10: the public Engage pages, for everyone, no sign-in.

A decision to place a force or FRS in Engage is public from its announcement,
with its causes of concern, the dates it entered and left and, at exit, the
improvements made. Nothing else of a case ever reaches these pages: not the
HMI's advice or evidence, the decision's reasons, the exit reasons, meetings,
plans, letters or notes. The cases come from monitoring.access.public_cases only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from monitoring.access import get_public_case
from monitoring.models import DatePrecision, date_label
from monitoring.selectors import public_causes, public_current_periods, public_previous_periods

# Ended periods a page on "Previously in Engage", most recently left first (M10: the list only grows).
PREVIOUS_PAGE_SIZE = 25
TITLES = {
    "police": gettext_lazy("Police forces in Engage"),
    "fire": gettext_lazy("Fire and rescue services in Engage"),
}


def _current(request: HttpRequest, kind: str) -> HttpResponse:
    now = timezone.now()
    return render(
        request,
        "monitoring/public/current.html",
        {
            "title": TITLES[kind],
            "kind": kind,
            "periods": public_current_periods(kind, at=now),
            "today": timezone.localdate(now),
        },
    )


@require_safe
def police(request: HttpRequest) -> HttpResponse:
    return _current(request, "police")


@require_safe
def fire(request: HttpRequest) -> HttpResponse:
    return _current(request, "fire")


@dataclass(frozen=True)
class PreviousPage:
    """One page of ended periods. Pages go by Previous and Next without a total: counting every exit
    on each request would cost time in proportion to the history, which only grows."""

    number: int
    periods: list[Any]
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * PREVIOUS_PAGE_SIZE + 1

    @property
    def end_index(self) -> int:
        return self.start_index + len(self.periods) - 1


# Beyond any history there will be; a larger number reads as past the end.
MAX_PAGE = 100_000


def _page_number(value: str | None) -> int:
    try:
        return min(max(int(value or 1), 1), MAX_PAGE)
    except ValueError:
        return 1


@require_safe
def previously(request: HttpRequest) -> HttpResponse:
    """M10: ended periods, most recently left first, a page at a time (one more row read tells if
    another page follows); a page past the end goes back to the first."""
    now = timezone.now()
    number = _page_number(request.GET.get("page"))
    start = (number - 1) * PREVIOUS_PAGE_SIZE
    periods = list(public_previous_periods(at=now)[start : start + PREVIOUS_PAGE_SIZE + 1])
    if number > 1 and not periods:
        return redirect("public_monitoring:previously")
    page = PreviousPage(number, periods[:PREVIOUS_PAGE_SIZE], len(periods) > PREVIOUS_PAGE_SIZE)
    return render(
        request,
        "monitoring/public/previously.html",
        {"page": page, "today": timezone.localdate(now)},
    )


@require_safe
def case(request: HttpRequest, pk: int) -> HttpResponse:
    public = get_public_case(request, pk)
    period = getattr(public, "period", None)
    decided = ""
    if public.decided_at:
        # A case recorded from public history is known only to the precision of its entry date.
        precision = period.starts_precision if public.historical and period else DatePrecision.DAY
        decided = date_label(timezone.localdate(public.decided_at), precision)
    exited = public.exited_at is not None and public.exited_at <= timezone.now()
    return render(
        request,
        "monitoring/public/case.html",
        {
            "area": public.area,
            "announcement": public.announcement,
            "announced_on": timezone.localdate(public.announced_at) if not public.historical else None,
            "decided": decided,
            "causes": public_causes(public),
            "entered": period.entered_label if period else "",
            "left": period.left_label if exited and period else "",
            "improvements": public.exit_improvements if exited else "",
            "exited": exited,
            "historical": public.historical,
            "source": public.source if public.historical else "",
        },
    )
