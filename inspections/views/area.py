"""'Inspections in my area' for an OPCC or a chief officer's office, with embargoed copies."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from inspections.access import inspections_visible_to, team_inspections
from inspections.models import Report


@login_required
@require_GET
def my_area(request: HttpRequest) -> HttpResponse:
    """The inspections of the forces and FRSs the person's office answers for, and every report they may
    see at this moment: drafts in a factual-accuracy window (chief's office only), embargoed copies from
    distribution, and published reports."""
    now = timezone.now()
    reports = (
        Report.objects.visible_to(request.user, now)
        .prefetch_related("areas")
        .order_by("-publication_at", "-pk")
    )
    inspections = (
        inspections_visible_to(request.user, now)
        .exclude(pk__in=team_inspections(request.user, now))
        .select_related("lead")
        .prefetch_related("areas", Prefetch("reports", queryset=reports, to_attr="visible_reports"))
        .order_by("-created_at")
    )
    # Reports shared with the office under embargo from inspections of other areas (U4's interested
    # parties); once published they are on the public pages.
    shared = (
        reports.filter(publication_at__gt=now)
        .exclude(inspection__in=inspections)
        .exclude(inspection__in=team_inspections(request.user, now))
    )
    # Ten years of thematic inspections reach every office: a page at a time.
    page = Paginator(inspections, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "inspections/area/my_area.html",
        {"inspections": page, "page_obj": page, "shared": shared[:50], "now": now},
    )
