"""P2 from the pages: a commission's scope discussed and a request declined (HMICFRS), and a PFCC's request
for assistance with its fire and rescue service, a record of its own (the PFCC's office asks; HMICFRS reads).

| page                        | HMICFRS staff        | the PFCC's office that asked | others            |
|-----------------------------|----------------------|------------------------------|-------------------|
| commission scope, decline   | act                  | 403 (their own request)      | 404, audited      |
| requests for assistance     | all                  | their office's; ask          | list 403; one 404 |
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from contacts.models import Governance, GovernanceModel, Organisation, OrganisationKind
from contacts.selectors import is_hmicfrs_staff, organisations_acted_for
from hmicfrs_mou.access import not_found
from hmicfrs_mou.form_pages import form_page, posted
from inspections import services
from inspections.access import assistance_visible_to
from inspections.forms_steps import AssistanceForm, DeclineForm, ScopeDiscussionForm
from inspections.models import AssistanceRequest
from inspections.views.preparing import _commission, _commission_url, runs_inspections

PAGE_SIZE = 25


# --- P2: a commission's scope and refusal ------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def commission_scope(request: HttpRequest, pk: int) -> HttpResponse:
    """P2: HMICFRS records the discussion of the scope with the requesting PCC(s)."""
    commission = _commission(request, pk)
    if not runs_inspections(request.user):
        raise PermissionDenied
    return form_page(
        request,
        form=ScopeDiscussionForm(posted(request), initial={"notes": commission.scope_discussion}),
        template="inspections/preparing/commission_step.html",
        context={
            "commission": commission,
            "heading": _("Record the discussion of the scope"),
            "button": _("Record the discussion"),
        },
        perform=lambda data: services.commission_scope_discuss(
            request=commission, notes=data["notes"], by=request.user
        ),
        done=gettext("Discussion of the scope recorded. The requesting offices have been told."),
        then=_commission_url(commission),
        instance=commission,
    )


@login_required
@require_http_methods(["GET", "POST"])
def commission_decline(request: HttpRequest, pk: int) -> HttpResponse:
    """P2: HMICFRS declines the request, with its reason."""
    commission = _commission(request, pk)
    if not runs_inspections(request.user):
        raise PermissionDenied
    return form_page(
        request,
        form=DeclineForm(posted(request)),
        template="inspections/preparing/commission_step.html",
        context={
            "commission": commission,
            # Lazy, so the page renders it in its content's language: the template compares it with its own
            # {% translate "Decline the request" %} to make the button a warning.
            "heading": _("Decline the request"),
            "button": _("Decline the request"),
        },
        perform=lambda data: services.commission_decline(
            request=commission, reason=data["reason"], by=request.user
        ),
        done=gettext("Request declined. The requesting offices have been told the reason."),
        then=_commission_url(commission),
        instance=commission,
    )


# --- P2: a PFCC's request for assistance -------------------------------------------------------------


def _pfcc_fire_services(user: Any) -> QuerySet:
    """The fire and rescue services governed today by a PFCC or mayor whose office the person works in."""
    today = timezone.localdate()
    offices = organisations_acted_for(user).filter(kind=OrganisationKind.OPCC).values("parent_id")
    governed = (
        Governance.objects.in_force(today)
        .filter(
            body_id__in=offices,
            model__in=[GovernanceModel.PFCC, GovernanceModel.MAYOR_FIRE],
            area__kind=OrganisationKind.FIRE_RESCUE_SERVICE,
        )
        .values("area_id")
    )
    return Organisation.objects.filter(pk__in=governed).order_by("name")


@login_required
@require_GET
def assistance_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    fire_services = _pfcc_fire_services(user)
    in_office = organisations_acted_for(user).filter(kind=OrganisationKind.OPCC).exists()
    if not (is_hmicfrs_staff(user) or in_office):
        raise PermissionDenied
    requests = assistance_visible_to(user).select_related("office", "area", "requested_by")
    page = Paginator(requests.order_by("-requested_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "inspections/preparing/assistance_list.html",
        {"page_obj": page, "can_ask": fire_services.exists(), "hmicfrs": is_hmicfrs_staff(user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def assistance_new(request: HttpRequest) -> HttpResponse:
    fire_services = _pfcc_fire_services(request.user)
    if not fire_services.exists():
        raise PermissionDenied
    return form_page(
        request,
        form=AssistanceForm(posted(request), areas=fire_services),
        template="inspections/preparing/assistance_form.html",
        context={},
        perform=lambda data: services.assistance_request(
            area=data["area"], text=data["text"], by=request.user
        ),
        done=gettext("Request for assistance sent to HMICFRS."),
        then=lambda record: reverse("inspections:assistance", kwargs={"pk": record.pk}),
    )


@login_required
@require_GET
def assistance_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record: AssistanceRequest | None = (
        assistance_visible_to(request.user)
        .select_related("office", "area", "requested_by")
        .filter(pk=pk)
        .first()
    )
    if record is None:
        raise not_found(request, object_type="inspections.assistancerequest", object_id=pk)
    return render(request, "inspections/preparing/assistance_detail.html", {"record": record})
