"""Police super-complaints (S1–S3): the list, a super-complaint with its 43-PCC tracker, HMICFRS's forms.

Thin views: every record is fetched through responses.complaints (404, audited, when not visible;
403 when visible but the action is HMICFRS's), every change goes through its services, and a
service's ValidationError is shown on the form with nothing changed.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from hmicfrs_mou.form_pages import form_page, posted
from hmicfrs_mou.sorting import Column, Sorting
from responses import complaints
from responses.forms_plans import EligibilityForm, InvestigationForm, LinkReportForm, SuperComplaintForm
from responses.models import SuperComplaint, SuperComplaintState

PAGE_SIZE = 25


def _managed(request: HttpRequest, pk: int, now: dt.datetime) -> SuperComplaint:
    """A super-complaint the user may see (404 otherwise) and manage (403 otherwise)."""
    complaint = complaints.get_super_complaint_for_user(request, pk, now)
    if not complaints.manages_super_complaints(request.user):
        raise PermissionDenied("HMICFRS manages the super-complaints system.")
    return complaint


def _complaint_url(complaint: SuperComplaint) -> str:
    return reverse("responses:complaint", kwargs={"pk": complaint.pk})


COMPLAINT_SORTING = Sorting(
    [
        Column("title", _("Super-complaint"), ("title",)),
        Column("body", _("Designated body"), ("designated_body",)),
        Column("received", _("Received"), ("received_at",), first="desc"),
        Column("state", _("State"), ("state",)),
        Column("report", _("Report"), ("report__title",)),
    ],
    default="received",
)


@login_required
@require_GET
def complaint_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    if not complaints.may_open_super_complaints(request.user):
        raise PermissionDenied("Super-complaints are for HMICFRS, the APCC and PCCs' offices.")
    rows = complaints.super_complaints_visible_to(request.user, now).select_related("report")
    rows, sort = COMPLAINT_SORTING.apply(request, rows)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "responses/complaints/list.html",
        {
            "page_obj": page,
            "sort": sort,
            "querystring": sort.querystring,
            "can_manage": complaints.manages_super_complaints(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def complaint_new(request: HttpRequest) -> HttpResponse:
    """S1: record a super-complaint raised by a designated body."""
    if not complaints.manages_super_complaints(request.user):
        raise PermissionDenied("HMICFRS manages the super-complaints system.")
    return form_page(
        request,
        form=SuperComplaintForm(posted(request)),
        template="responses/complaints/new.html",
        context={},
        perform=lambda data: complaints.super_complaint_receive(
            title=data["title"],
            designated_body=data["designated_body"],
            received_at=data["received_at"],
            by=request.user,
        ),
        done=gettext("Super-complaint recorded."),
        then=_complaint_url,
    )


@login_required
@require_GET
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    now = timezone.now()
    complaint = complaints.get_super_complaint_for_user(request, pk, now)
    manage = complaints.manages_super_complaints(request.user)
    state = complaint.state
    return render(
        request,
        "responses/complaints/detail.html",
        {
            "complaint": complaint,
            "investigators": complaint.investigators.order_by("name"),
            "supporters": complaint.apcc_supporters.order_by("last_name", "first_name"),
            "tracker": complaints.pcc_response_tracker(report=complaint.report, at=now)
            if complaint.report
            else None,
            "published": complaint.report.is_published(now) if complaint.report else False,
            "can": {
                "decide": manage and state == SuperComplaintState.RECEIVED,
                "investigate": manage and state == SuperComplaintState.ELIGIBLE,
                "report": manage
                and (
                    state == SuperComplaintState.INVESTIGATING
                    or (state == SuperComplaintState.REPORTED and not complaint.report.is_published(now))
                ),
            },
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def complaint_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """S1: decide eligibility once; if eligible, the APCC is notified at once."""
    complaint = _managed(request, pk, timezone.now())
    return form_page(
        request,
        form=EligibilityForm(posted(request)),
        template="responses/complaints/decide.html",
        context={"complaint": complaint},
        perform=lambda data: complaints.super_complaint_decide_eligibility(
            complaint=complaint,
            eligible=data["decision"] == EligibilityForm.ELIGIBLE,
            reason=data["reason"],
            by=request.user,
        ),
        done=gettext("Eligibility decided."),
        then=_complaint_url,
    )


@login_required
@require_http_methods(["GET", "POST"])
def complaint_investigate(request: HttpRequest, pk: int) -> HttpResponse:
    """S2: start the investigation by HMICFRS, the IOPC and the College of Policing, with APCC support."""
    complaint = _managed(request, pk, timezone.now())
    return form_page(
        request,
        form=InvestigationForm(posted(request)),
        template="responses/complaints/investigate.html",
        context={"complaint": complaint},
        perform=lambda data: complaints.super_complaint_start_investigation(
            complaint=complaint, supporters=list(data["supporters"]), by=request.user
        ),
        done=gettext("Investigation started; the APCC portfolio leads supporting it have been told."),
        then=_complaint_url,
    )


@login_required
@require_http_methods(["GET", "POST"])
def complaint_report(request: HttpRequest, pk: int) -> HttpResponse:
    """S3: link the report with recommendations for PCCs; the tracker follows their responses."""
    complaint = _managed(request, pk, timezone.now())
    return form_page(
        request,
        form=LinkReportForm(posted(request), user=request.user),
        template="responses/complaints/report.html",
        context={"complaint": complaint, "back": reverse("responses:complaint", kwargs={"pk": complaint.pk})},
        perform=lambda data: complaints.super_complaint_link_report(
            complaint=complaint, report=data["report"], by=request.user
        ),
        done=gettext("Report linked."),
        then=_complaint_url,
    )
