"""FRS action plans (U8): the fire authority's working plan, its published versions, and the public page.

Thin views: every plan is fetched through responses.plans (404, audited, when the user may not read
it; 403 when they may read it but not work on it), every change goes through its services, and a
service's ValidationError is shown on the form with nothing changed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST, require_safe

from contacts.selectors import governing_body_of_area
from hmicfrs_mou.access import not_found
from hmicfrs_mou.form_pages import posted
from hmicfrs_mou.forms import add_service_errors
from hmicfrs_mou.pagination import CappedPaginator
from inspections.models import Finding
from responses import plans
from responses.forms_plans import ActionPlanItemForm, ActionPlanUpdateForm, PlanFilterForm, PublishForm
from responses.models import ActionPlanItem, ActionPlanVersion

PAGE_SIZE = 25
# HMICFRS read every FRS's plans (about 300 today). Counting them all read every recommendation of every
# published report (34 ms on each view at ten times today's data, 2026-12-05; 7-10 ms counted to the cap), so
# the count stops here: past it the list says there are more and the filter by FRS reaches the rest, as the
# audit trail does.
PLANS_COUNT_CAP = 500


def _plan_url(plan: plans.Plan) -> str:
    return reverse("responses:plan", kwargs={"report_pk": plan.report.pk, "area_pk": plan.area.pk})


def _recommendation(request: HttpRequest, plan: plans.Plan, finding_pk: int) -> Finding:
    """A recommendation of this plan; any other id is "not found", audited."""
    finding = plans.recommendations_for(plan.report, plan.area).filter(pk=finding_pk).first()
    if finding is None:
        raise not_found(request, object_type="inspections.finding", object_id=finding_pk)
    return finding


def _editable(request: HttpRequest, report_pk: int, area_pk: int, now: dt.datetime) -> plans.Plan:
    plan = plans.get_plan_for_user(request, report_pk, area_pk, now)
    if not plan.can_edit:
        raise PermissionDenied("Only the fire authority's staff work on its action plan.")
    return plan


@login_required
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    """The FRS plans the user works on or reads, with when each was last updated and published; HMICFRS,
    who read every FRS's, may narrow the list to one FRS."""
    now = timezone.now()
    rows = plans.plan_rows(request.user, now)
    reads_all = plans.reads_every_plan(request.user, now)
    # The other readers' lists are their own FRS's plans: a filter would have one choice.
    form = PlanFilterForm(request.GET if "service" in request.GET else None) if reads_all else None
    service = form.service_chosen() if form else None
    if service is not None:
        rows = rows.filter(organisation=service)
    page = CappedPaginator(rows, PAGE_SIZE, cap=PLANS_COUNT_CAP).get_page(request.GET.get("page"))
    return render(
        request,
        "responses/plans/list.html",
        {
            "page_obj": page,
            "editable": plans.editable_area_ids(request.user, now),
            "reads_all": reads_all,
            "form": form,
            "service": service,
            "querystring": urlencode({"service": service.pk}) if service else "",
        },
    )


def _plan_page(
    request: HttpRequest, plan: plans.Plan, now: dt.datetime, publish_form: PublishForm | None = None
) -> HttpResponse:
    items = {
        item.finding_id: item
        for item in ActionPlanItem.objects.filter(finding__report=plan.report, area=plan.area)
        .select_related("finding")
        .prefetch_related("updates__by")
    }
    recommendations = [
        {"finding": finding, "item": items.get(finding.pk)}
        for finding in plans.recommendations_for(plan.report, plan.area)
    ]
    versions = list(
        ActionPlanVersion.objects.filter(report=plan.report, area=plan.area)
        .select_related("published_by")
        .order_by("-version")
    )
    return render(
        request,
        "responses/plans/detail.html",
        {
            "plan": plan,
            "report": plan.report,
            "area": plan.area,
            "recommendations": recommendations,
            "missing": [row["finding"].reference for row in recommendations if row["item"] is None],
            "last_updated_at": max((item.updated_at for item in items.values()), default=None),
            "versions": versions,
            "body": governing_body_of_area(plan.area, timezone.localdate(now)),
            "form": publish_form or PublishForm(),
        },
    )


@login_required
@require_GET
def plan_detail(request: HttpRequest, report_pk: int, area_pk: int) -> HttpResponse:
    now = timezone.now()
    return _plan_page(request, plans.get_plan_for_user(request, report_pk, area_pk, now), now)


def _item_page(
    request: HttpRequest,
    plan: plans.Plan,
    finding: Finding,
    item: ActionPlanItem | None,
    form: ActionPlanItemForm,
    update_form: ActionPlanUpdateForm,
) -> HttpResponse:
    return render(
        request,
        "responses/plans/item.html",
        {
            "plan": plan,
            "report": plan.report,
            "area": plan.area,
            "finding": finding,
            "item": item,
            "updates": item.updates.select_related("by") if item else [],
            "form": form,
            "update_form": update_form,
            "errors": form.errors or update_form.errors,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_item(request: HttpRequest, report_pk: int, area_pk: int, finding_pk: int) -> HttpResponse:
    """U8: the action for one recommendation: what, its owner, its target date and its status."""
    now = timezone.now()
    plan = _editable(request, report_pk, area_pk, now)
    finding = _recommendation(request, plan, finding_pk)
    item = ActionPlanItem.objects.filter(finding=finding).first()
    initial = (
        {"action": item.action, "owner": item.owner, "target_on": item.target_on, "status": item.status}
        if item
        else {}
    )
    form = ActionPlanItemForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plans.action_plan_item_save(
                finding=finding,
                action=data["action"],
                owner=data["owner"],
                target_on=data["target_on"],
                status=data["status"],
                by=request.user,
                now=now,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                gettext("Action for recommendation %(reference)s saved.") % {"reference": finding.reference},
            )
            return redirect(_plan_url(plan))
    return _item_page(request, plan, finding, item, form, ActionPlanUpdateForm())


@login_required
@require_POST
def plan_update(request: HttpRequest, report_pk: int, area_pk: int, finding_pk: int) -> HttpResponse:
    """U8: a dated progress update on one action."""
    now = timezone.now()
    plan = _editable(request, report_pk, area_pk, now)
    finding = _recommendation(request, plan, finding_pk)
    item = ActionPlanItem.objects.filter(finding=finding).first()
    update_form = ActionPlanUpdateForm(request.POST)
    if update_form.is_valid():
        if item is None:
            update_form.add_error(
                None, gettext("Record the action for this recommendation before adding an update.")
            )
        else:
            try:
                plans.action_plan_update_add(
                    item=item,
                    text=update_form.cleaned_data["text"],
                    status=update_form.cleaned_data["status"],
                    by=request.user,
                    now=now,
                )
            except ValidationError as error:
                add_service_errors(update_form, error)
            else:
                messages.success(
                    request,
                    gettext("Update added to recommendation %(reference)s.")
                    % {"reference": finding.reference},
                )
                return redirect(_plan_url(plan))
    initial = (
        {"action": item.action, "owner": item.owner, "target_on": item.target_on, "status": item.status}
        if item
        else {}
    )
    return _item_page(request, plan, finding, item, ActionPlanItemForm(initial=initial), update_form)


@login_required
@require_POST
def plan_publish(request: HttpRequest, report_pk: int, area_pk: int) -> HttpResponse:
    """U8: publish the plan as it stands as its next version."""
    now = timezone.now()
    plan = _editable(request, report_pk, area_pk, now)
    form = PublishForm(request.POST)
    form.is_valid()
    try:
        version = plans.action_plan_publish(report=plan.report, area=plan.area, by=request.user, now=now)
    except ValidationError as error:
        add_service_errors(form, error)
        return _plan_page(request, plan, now, publish_form=form)
    messages.success(
        request, gettext("Version %(version)s of the action plan published.") % {"version": version.version}
    )
    return redirect(_plan_url(plan))


def _public_context(version: ActionPlanVersion) -> dict[str, Any]:
    """The published snapshot with its dates as dates, for the template."""
    content = version.content
    items = [
        {
            **entry,
            "target_on": parse_date(entry["target_on"]),
            "updated_at": parse_datetime(entry["updated_at"]),
            "updates": [{**update, "at": parse_datetime(update["at"])} for update in entry["updates"]],
        }
        for entry in content.get("items", [])
    ]
    return {"version": version, "content": content, "items": items}


@require_safe
def plan_public(request: HttpRequest, report_pk: int, area_pk: int) -> HttpResponse:
    """For everyone, no sign-in: the latest published version only, without staff names (U8)."""
    version = plans.latest_published_version(report_pk, area_pk, timezone.now())
    if version is None:
        raise not_found(request, object_type=plans.PLAN_OBJECT_TYPE, object_id=f"{report_pk}/{area_pk}")
    return render(request, "responses/plans/public.html", _public_context(version))
