from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_safe

from contacts import selectors
from contacts.cadences import cadence_rows, cadence_rows_of
from contacts.models import Governance, Organisation, OrganisationKind, Role
from hmicfrs_mou import home as first
from hmicfrs_mou.access import holds
from hmicfrs_mou.audit_forms import AuditSearchForm
from hmicfrs_mou.audit_names import audit_names
from hmicfrs_mou.models import AuditEvent
from hmicfrs_mou.pagination import CappedPaginator
from hmicfrs_mou.permissions import Perm
from hmicfrs_mou.portals import (
    NATIONAL_ROLES,
    PORTAL_HOME,
    Portal,
    current_appointments,
    investigates,
    portal_for,
    portal_required,
)
from hmicfrs_mou.sorting import Column, Sorting
from inspections.access import scope_of
from monitoring.home import monitoring_work
from responses.selectors import current_timeliness


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Visitors see the public pages; people who sign in land on their own portal."""
    if not request.user.is_authenticated:
        return redirect("public:index")
    portal = portal_for(request.user)
    if portal is None:
        if request.user.is_staff:
            # Only a way in to the admin, which checks its own permissions: no page of the portal is
            # open to anyone for being staff or a superuser (portals come from appointments).
            return redirect("admin:index")
        if investigates(request.user):
            # S2: IOPC and College of Policing staff work on the super-complaints they investigate.
            return redirect("responses:complaints")
        return render(request, "portals/no_role.html", status=403)
    return redirect(PORTAL_HOME[portal])


def _organisations(request: HttpRequest, kind: str) -> list[Organisation]:
    return [a.organisation for a in current_appointments(request.user) if a.organisation.kind == kind]


def _cadence_summary(
    request: HttpRequest,
    today: dt.date,
    areas: list[selectors.AreaRow] | None = None,
    offices: Iterable[Organisation] = (),
    *,
    national: bool = True,
) -> list:
    """The standing pairs a person answers for, most urgent first.

    `areas` None: every pair the person may see. Otherwise the pairs of these areas and `offices`, and
    the national (C1) pairs if `national`.
    """
    if areas is None:
        rows = cadence_rows(user=request.user, on=today)
    else:
        rows = cadence_rows_of(user=request.user, on=today, areas=areas, offices=offices, national=national)
    return sorted(rows, key=lambda row: row.due.value)


@portal_required(Portal.HMICFRS)
@require_GET
def hmicfrs_home(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    today = timezone.localdate(now)
    user = request.user
    # The areas the person is HMI for and the offices they are liaison lead for are in their scope (read
    # once a request, and asked again by the panels below): one read of the organisations for both.
    scope = scope_of(user, now)
    # The areas come with their governance joined in, for the area rows below.
    named = selectors.with_governance_on(
        Organisation.objects.filter(pk__in=scope.hmi_areas | scope.liaison_offices)
        .select_related("parent")
        .order_by(*selectors.AREA_ORDER),
        today,
    )
    liaison_offices = sorted((o for o in named if o.pk in scope.liaison_offices), key=lambda o: o.name)
    area_rows = selectors.area_rows([o for o in named if o.pk in scope.hmi_areas], on=today)
    # HMCI, the COO and chiefs of staff answer for every pair; others for their own.
    sees_all = any(a.role in NATIONAL_ROLES for a in current_appointments(user))
    if sees_all:
        cadences = _cadence_summary(request, today)
    else:
        cadences = _cadence_summary(request, today, area_rows, liaison_offices, national=False)
    reports, reports_total = first.my_reports_in_progress(user, now)
    context = {
        "appointments": current_appointments(user),
        "due": first.my_due_work(user, now),
        "reports": reports,
        "reports_total": reports_total,
        "area_rows": area_rows,
        "liaison_offices": liaison_offices,
        # The meetings overdue as a count with a link: nationally they run to dozens of rows.
        "overdue_count": sum(row.overdue for row in cadences),
        "sees_all": sees_all,
        "is_hmci": any(a.role == Role.HMCI for a in current_appointments(user)),
        "may_audit": holds(user, Perm.VIEW_AUDIT_TRAIL),
        "work": monitoring_work(user, now),
        "now": now,
        "today": today,
    }
    if sees_all:
        context["this_month"] = first.reports_this_month(user, now)
        context["overdue_responses"] = first.responses_overdue(user, now)
    return render(request, "portals/hmicfrs_home.html", context)


@portal_required(Portal.OPCC)
@require_GET
def opcc_home(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    today = timezone.localdate(now)
    offices = _organisations(request, OrganisationKind.OPCC)
    fire_bodies = _organisations(request, OrganisationKind.GOVERNING_BODY)
    bodies = [office.parent for office in offices if office.parent_id] + fire_bodies
    # A fire authority's staff have no OPCC; their portal is headed by the authority itself.
    offices = offices or fire_bodies
    area_rows = selectors.governed_area_rows(bodies, on=today)
    return render(
        request,
        "portals/opcc_home.html",
        {
            "appointments": current_appointments(request.user),
            "due": first.my_due_work(request.user, now),
            "invitations": first.chief_invitations_outstanding(request.user, now),
            "embargoed": first.embargoed_copies(request.user, now),
            # U8: a fire authority's action plans are linked from its office's home.
            "governs_fire": any(row.area.kind == OrganisationKind.FIRE_RESCUE_SERVICE for row in area_rows),
            "offices": offices,
            "bodies": bodies,
            "area_rows": area_rows,
            "cadences": _cadence_summary(request, today, area_rows, offices),
            "work": monitoring_work(request.user, now),
            "now": now,
            "today": today,
        },
    )


@portal_required(Portal.FORCE)
@require_GET
def force_home(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    today = timezone.localdate(now)
    areas = [a.organisation for a in current_appointments(request.user) if a.organisation.is_area]
    # The areas come with the appointments: not read again.
    area_rows = selectors.area_rows(sorted(set(areas), key=lambda area: area.name), on=today)
    return render(
        request,
        "portals/force_home.html",
        {
            "appointments": current_appointments(request.user),
            # Comments invited and updates owed are the office's deadlines; a factual-accuracy window
            # closes at the moment stored on the draft.
            "due": first.merged(
                first.my_due_work(request.user, now), first.factual_accuracy_windows(request.user, now)
            ),
            "embargoed": first.embargoed_copies(request.user, now),
            "is_police": any(area.kind == OrganisationKind.POLICE_FORCE for area in areas),
            "is_fire": any(area.kind == OrganisationKind.FIRE_RESCUE_SERVICE for area in areas),
            "area_rows": area_rows,
            "work": monitoring_work(request.user, now),
            "now": now,
            "today": today,
        },
    )


@portal_required(Portal.APCC)
@require_GET
def apcc_home(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    today = timezone.localdate(now)
    counts: dict[str, int] = {}
    for row in Governance.objects.in_force(today).values_list("area__kind", "model"):
        counts[row[1]] = counts.get(row[1], 0) + 1
    governance_counts = sorted(
        ((Governance(model=model).get_model_display(), count) for model, count in counts.items()),
        key=lambda pair: -pair[1],
    )
    return render(
        request,
        "portals/apcc_home.html",
        {
            "appointments": current_appointments(request.user),
            "due": first.my_due_work(request.user, now),
            # U7: this year's figures; the dashboard has the breakdown.
            "timeliness": current_timeliness(year=today.year, at=now, name_offices=False).total,
            "complaints": first.open_super_complaints(request.user, now),
            # The APCC answers for the national pairs (C1); the areas' pairs are the HMIs' and offices'.
            "cadences": _cadence_summary(request, today, [], national=True),
            "governance_counts": governance_counts,
            "work": monitoring_work(request.user, now),
            "now": now,
            "today": today,
        },
    )


# The trail sorts by time only: newest first unless the reader asks for oldest first.
AUDIT_SORTING = Sorting([Column("when", "When", ("at",), first="desc")], default="when")


@login_required
@require_GET
def audit_trail(request: HttpRequest) -> HttpResponse:
    """Search the audit trail (HMICFRS, by the permission of its group). Read-only by construction.

    Superuser status opens nothing here: a system administrator reads the trail in the admin.
    """
    if not holds(request.user, Perm.VIEW_AUDIT_TRAIL):
        raise PermissionDenied
    form = AuditSearchForm(request.GET or None)
    events = AuditEvent.objects.select_related("actor")
    if form.is_valid():
        data = form.cleaned_data
        if data["who"]:
            events = events.filter(
                Q(actor_label__icontains=data["who"]) | Q(actor__username__icontains=data["who"])
            )
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["object_type"]:
            events = events.filter(object_type=data["object_type"].strip().lower())
        if data["object_id"]:
            events = events.filter(object_id=data["object_id"].strip())
        if data["ip_address"]:
            events = events.filter(ip_address=data["ip_address"])
        if data["date_from"]:
            events = events.filter(at__date__gte=data["date_from"])
        if data["date_to"]:
            events = events.filter(at__date__lte=data["date_to"])
    events, sort = AUDIT_SORTING.apply(request, events)
    # The trail only grows: a count capped at 10,000 rows costs the same at 500,000 (search narrows it).
    page = CappedPaginator(events, 50).get_page(request.GET.get("page"))
    # Each row's record in words, linked where the reader may open it: the apps decide, one query a type.
    page.object_list = audit_names.name_events(page.object_list, request.user, timezone.now())
    return render(
        request,
        "audit/trail.html",
        {"form": form, "page_obj": page, "sort": sort, "querystring": sort.querystring},
    )
