"""The force's or FRS's factual-accuracy page (I7): the draft, the template form, and earlier decisions.

Only the chief's office of a force or FRS the report is about, and only while the
window is open. Visibility comes from inspections.access: after the window closes
the draft is no longer visible and the page is "not found", for reading and for
sending alike, so a comment after closing changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from contacts.models import (
    AREA_KINDS,
    OrganisationGroupObjectPermission,
    OrganisationUserObjectPermission,
)
from hmicfrs_mou.access import not_found, organisations_acted_for
from hmicfrs_mou.audit import audit_record
from hmicfrs_mou.models import AuditAction
from hmicfrs_mou.permissions import Perm
from inspections.access import get_report_for_user
from inspections.forms import FactualAccuracyCommentForm
from inspections.models import Report, ReportState
from inspections.services import fac_comment_submit
from inspections.views.workspace import paragraphs, posted, show_errors


def _window_open(report: Report, at: dt.datetime) -> bool:
    return (
        report.state == ReportState.FACTUAL_ACCURACY
        and report.fac_opens_at is not None
        and report.fac_closes_at is not None
        and report.fac_opens_at <= at < report.fac_closes_at
    )


def _own_areas(user: Any, report: Report) -> QuerySet:
    """The report's forces/FRSs whose chief's office the user works in."""
    return organisations_acted_for(user).filter(kind__in=AREA_KINDS, pk__in=report.areas.values("pk"))


def _comments_of(report: Report, areas: QuerySet) -> QuerySet:
    """Comments sent by people acting for these forces/FRSs (not another force's, on a joint report)."""
    perm = Q(permission__codename=Perm.ACT_FOR_ORGANISATION.codename) & Q(
        permission__content_type__app_label=Perm.ACT_FOR_ORGANISATION.app_label
    )
    direct = OrganisationUserObjectPermission.objects.filter(perm, content_object__in=areas).values("user_id")
    groups = OrganisationGroupObjectPermission.objects.filter(perm, content_object__in=areas).values(
        "group_id"
    )
    return (
        report.fac_comments.filter(Q(submitted_by__in=direct) | Q(submitted_by__groups__in=groups))
        .distinct()
        .select_related("submitted_by")
        .order_by("submitted_at", "pk")
    )


@login_required
@require_http_methods(["GET", "POST"])
def factual_accuracy(request: HttpRequest, pk: int) -> HttpResponse:
    now = timezone.now()
    report = get_report_for_user(request, pk, now)
    if not _window_open(report, now):
        # Published reports are visible to all, but the draft's check is over: not found.
        raise not_found(request, object_type="inspections.report", object_id=pk)
    areas = _own_areas(request.user, report)
    if not areas.exists():
        # The inspection team sees the draft too, but the comments are the force's or FRS's.
        raise PermissionDenied
    form = FactualAccuracyCommentForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            comment = fac_comment_submit(report=report, by=request.user, now=now, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(
                request, f"Your comment on paragraph {comment.paragraph} has been sent to HMICFRS."
            )
            return redirect("inspections:fac", pk=report.pk)
    if request.method == "GET":
        # The draft is not for the PCC or the public: every reading is on the trail.
        audit_record(action=AuditAction.VIEW, obj=report, request=request)
    return render(
        request,
        "inspections/force/fac.html",
        {
            "report": report,
            "form": form,
            "paragraphs": paragraphs(report.body),
            "comments": _comments_of(report, areas),
            "areas": areas.order_by("name"),
        },
    )
