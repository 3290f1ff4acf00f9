"""M5, M10: the public Engage pages, for everyone, no sign-in.

A decision to place a force or FRS in Engage is public from its announcement,
with its causes of concern, the dates it entered and left and, at exit, the
improvements made. Nothing else of a case ever reaches these pages: not the
HMI's advice or evidence, the decision's reasons, the exit reasons, meetings,
plans, letters or notes. The cases come from monitoring.access.public_cases only.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from monitoring.access import get_public_case
from monitoring.models import DatePrecision, date_label
from monitoring.selectors import public_causes, public_current_periods, public_previous_periods

TITLES = {
    "police": "Police forces in Engage",
    "fire": "Fire and rescue services in Engage",
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


@require_safe
def previously(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    return render(
        request,
        "monitoring/public/previously.html",
        {
            "police_periods": public_previous_periods("police", at=now),
            "fire_periods": public_previous_periods("fire", at=now),
            "today": timezone.localdate(now),
        },
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
