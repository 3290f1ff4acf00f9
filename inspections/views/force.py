"""The force's or FRS's factual-accuracy page (I7): the draft, the template form, and earlier decisions.

Only the chief's office of a force or FRS the report is about, and only while the
window is open. Visibility comes from inspections.access: after the window closes
the draft is no longer visible and the page is "not found", for reading and for
sending alike, so a comment after closing changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from contacts.models import AREA_KINDS
from contacts.selectors import organisations_acted_for, people_acting_for
from hmicfrs_mou.access import not_found
from hmicfrs_mou.audit import audit_record
from hmicfrs_mou.form_pages import form_page, posted
from hmicfrs_mou.models import AuditAction
from inspections.access import get_report_for_user
from inspections.forms import FactualAccuracyCommentForm
from inspections.models import Report, ReportState
from inspections.services import fac_comment_submit
from inspections.views.workspace import paragraphs


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
    """Comments sent by people acting for these forces/FRSs (not another force's, on a joint report).

    "Acting for" is the same question fac_comment_submit asks of the sender (contacts.selectors:
    direct grants from appointments only), so a comment the service accepted is listed here.
    """
    return (
        report.fac_comments.filter(submitted_by__in=people_acting_for(areas))
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
    if request.method == "GET":
        # The draft is not for the PCC or the public: every reading is on the trail.
        audit_record(action=AuditAction.VIEW, obj=report, request=request)
    return form_page(
        request,
        form=FactualAccuracyCommentForm(posted(request)),
        template="inspections/force/fac.html",
        context={
            "report": report,
            "paragraphs": paragraphs(report.body),
            "comments": _comments_of(report, areas),
            "areas": areas.order_by("name"),
        },
        perform=lambda data: fac_comment_submit(report=report, by=request.user, now=now, **data),
        done=lambda comment: f"Your comment on paragraph {comment.paragraph} has been sent to HMICFRS.",
        then=reverse("inspections:fac", kwargs={"pk": report.pk}),
    )
