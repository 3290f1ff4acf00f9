"""The findings register (M1): each force's or FRS's causes of concern, recommendations and areas for
improvement, tracked to closure; the page the PCC uses to hold the chief to account.

Thin views: the area and each finding are fetched through monitoring.access (404 and a DENIED
audit row when not visible), every change goes through monitoring.services and a refusal is shown
on the form it came from. The register reads FindingState (one row per finding) beside each
finding, so a page costs the same number of queries however many findings the area has: narrow
reads of the area's findings (ids, kinds, their reports' publication moments, their statuses) to
order, count and filter them, then the page's findings in full.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from hmicfrs_mou.access import not_found
from hmicfrs_mou.audit import audit_record
from hmicfrs_mou.forms import add_service_errors
from hmicfrs_mou.models import AuditAction
from hmicfrs_mou.pagination import KnownCountPaginator
from inspections.access import is_embargoed_for
from inspections.models import REPORT_TEXT, Finding, FindingKind, Report
from monitoring import access, services
from monitoring.forms_meetings import FindingNoteForm, FindingStatusForm, RegisterFilterForm
from monitoring.models import FindingEntryKind, FindingState, FindingStatus
from monitoring.receivers import kind_order
from monitoring.views.meetings import may

PAGE_SIZE = 25
AREA_TYPE = "contacts.organisation"
KIND_HEADINGS = {
    FindingKind.CAUSE_OF_CONCERN: _("Causes of concern"),
    FindingKind.RECOMMENDATION: _("Recommendations"),
    FindingKind.AREA_FOR_IMPROVEMENT: _("Areas for improvement"),
}
# What the chief's office may set; HMICFRS alone authorises closure.
CHIEF_STATUSES = [FindingStatus.BEING_PROGRESSED, FindingStatus.COMPLETE]
NOTE_LABELS = {
    FindingEntryKind.UPDATE: _("Add an update"),
    FindingEntryKind.PCC_NOTE: _("Add a holding-to-account note"),
    FindingEntryKind.HMICFRS_NOTE: _("Add an HMICFRS note"),
}


def state_of(finding: Finding) -> FindingState | None:
    try:
        return finding.register_state
    except FindingState.DoesNotExist:
        return None


@login_required
@require_GET
def register(request: HttpRequest, pk: int) -> HttpResponse:
    """M1: an area's findings by kind with their current status, filtered by status and kind, a page at a time."""
    now = timezone.now()
    user = request.user
    area = access.register_areas_for(user, now).filter(pk=pk).first()
    if area is None:
        raise not_found(request, object_type=AREA_TYPE, object_id=pk)
    form = RegisterFilterForm(request.GET or None)
    status = kind = ""
    if form.is_valid():
        status, kind = form.cleaned_data["status"], form.cleaned_data["kind"]
    # The area's findings grow with every report about it, so the page reads their register rows
    # (monitoring.models.RegisterRow), which hold what it counts, filters and orders by: the totals are one
    # count by status, the page one range of an index; only the page's findings are then read in full.
    rows = access.register_rows_for(user, area, now)
    by_status = Counter(
        dict(rows.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n"))
    )
    total = sum(by_status.values())
    chosen = rows
    if kind:
        chosen = chosen.filter(kind_order=kind_order(kind))
    if status:
        chosen = chosen.filter(status=status)
    # Causes of concern, recommendations, then areas for improvement; in each, the newest report first (one
    # not yet given a publication moment before all), then by reference.
    ordered = chosen.order_by("kind_order", F("public_from").desc(nulls_first=True), "reference")
    listed = ordered.values_list("finding_id", flat=True)
    # Without a kind chosen, the count is the one just made by status (the shared paginator still checks it
    # against the rows it reads); with one, the database counts.
    paginator = (
        Paginator(listed, PAGE_SIZE)
        if kind
        else KnownCountPaginator(listed, PAGE_SIZE, count=by_status[status] if status else total)
    )
    page = paginator.get_page(request.GET.get("page"))
    # The page's findings, already known visible (the read above went through monitoring.access).
    found = (
        Finding.objects.filter(pk__in=list(page.object_list))
        .select_related("report", "register_state")
        .defer(*(f"report__{name}" for name in (*REPORT_TEXT, "summary")))
        .in_bulk()
    )
    groups: list[dict[str, Any]] = []
    for finding in (found[pk] for pk in page.object_list):
        if not groups or groups[-1]["kind"] != finding.kind:
            groups.append({"kind": finding.kind, "heading": KIND_HEADINGS[finding.kind], "rows": []})
        state = state_of(finding)
        groups[-1]["rows"].append(
            {
                "finding": finding,
                "status": state.status if state else FindingStatus.AWAITING_REVIEW,
                "status_label": state.get_status_display() if state else FindingStatus.AWAITING_REVIEW.label,
                "updates": state.updates if state else 0,
                "changed_at": state.changed_at if state else None,
                "published": finding.report.is_published(now),
            }
        )
    filters = {key: value for key, value in (("status", status), ("kind", kind)) if value}
    return render(
        request,
        "monitoring/register/register.html",
        {
            "area": area,
            "form": form,
            "page_obj": page,
            "groups": groups,
            "totals": [
                {"status": value, "label": label, "count": by_status[value]}
                for value, label in FindingStatus.choices
            ],
            "total": total,
            "filtered": bool(filters),
            "querystring": urlencode(filters),
        },
    )


# --- A finding --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Actor:
    """What the person may do on a finding of a published report: the MOU's "who acts" for M1."""

    chief: bool
    pcc: bool
    hmicfrs: bool

    @property
    def note_kind(self) -> str | None:
        if self.chief:
            return FindingEntryKind.UPDATE
        if self.pcc:
            return FindingEntryKind.PCC_NOTE
        if self.hmicfrs:
            return FindingEntryKind.HMICFRS_NOTE
        return None


def _actor(user: Any, finding: Finding, now: dt.datetime) -> Actor:
    area = finding.area
    if area is None or not finding.report.is_published(now):
        return Actor(False, False, False)
    return Actor(
        chief=may(lambda: access.require_chief_office_of(user, area, now, "update")),
        pcc=may(lambda: access.require_pcc_office_of(user, area, now, "note")),
        hmicfrs=may(lambda: access.require_hmicfrs_for(user, area, now, "note")),
    )


def _status_form(actor: Actor, data: Any = None) -> FindingStatusForm:
    """The chief's office picks a status; HMICFRS authorises closure (a hidden status)."""
    if actor.hmicfrs and not actor.chief:
        return FindingStatusForm(
            data, prefix="status", closure=True, initial={"status": FindingStatus.CLOSURE_AUTHORISED}
        )
    return FindingStatusForm(data, prefix="status", shown=CHIEF_STATUSES)


def _note_form(actor: Actor, data: Any = None) -> FindingNoteForm:
    form = FindingNoteForm(data, prefix="note", initial={"kind": actor.note_kind})
    form.fields["text"].label = NOTE_LABELS.get(actor.note_kind or "", _("Add a note"))
    return form


def _finding_page(
    request: HttpRequest,
    finding: Finding,
    now: dt.datetime,
    *,
    status_form: FindingStatusForm | None = None,
    note_form: FindingNoteForm | None = None,
) -> HttpResponse:
    user = request.user
    report = finding.report
    published = report.is_published(now)
    if not published and is_embargoed_for(report, user, now):
        audit_record(action=AuditAction.VIEW, obj=finding, request=request, detail={"embargoed": True})
    actor = _actor(user, finding, now)
    state = FindingState.objects.filter(finding=finding).first()
    current = state.status if state else FindingStatus.AWAITING_REVIEW
    entries = list(
        access.finding_entries_visible_to(user, finding, now).select_related("by").order_by("at", "pk")
    )
    closed = current == FindingStatus.CLOSURE_AUTHORISED
    show_status = not closed and (actor.chief or (actor.hmicfrs and current == FindingStatus.COMPLETE))
    return render(
        request,
        "monitoring/register/finding.html",
        {
            "finding": finding,
            "report": report,
            "area": finding.area,
            "published": published,
            "report_visible": Report.objects.visible_to(user, now).filter(pk=report.pk).exists(),
            "state": state,
            "status_label": state.get_status_display() if state else FindingStatus.AWAITING_REVIEW.label,
            "history": [entry for entry in entries if entry.kind == FindingEntryKind.STATUS],
            "notes": [entry for entry in entries if entry.kind != FindingEntryKind.STATUS],
            "actor": actor,
            "closure": actor.hmicfrs and not actor.chief,
            "status_form": status_form or (_status_form(actor) if show_status else None),
            "note_form": note_form or (_note_form(actor) if actor.note_kind else None),
            "in_register": finding.area is not None
            and access.register_areas_for(user, now).filter(pk=finding.area_id).exists(),
        },
    )


def _finding_url(finding: Finding) -> str:
    return reverse("monitoring:finding", kwargs={"pk": finding.pk})


@login_required
@require_GET
def finding(request: HttpRequest, pk: int) -> HttpResponse:
    """M1: a finding, its report, its status history and notes, and what the person may do next."""
    now = timezone.now()
    return _finding_page(request, access.get_finding_for_user(request, pk, now), now)


@login_required
@require_POST
def finding_status(request: HttpRequest, pk: int) -> HttpResponse:
    """M1: the chief's office moves the finding on; HMICFRS for the area authorises closure once complete."""
    now = timezone.now()
    finding = access.get_finding_for_user(request, pk, now)
    form = _status_form(_actor(request.user, finding, now), request.POST)
    if form.is_valid():
        try:
            services.finding_status_set(
                finding=finding,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            label = FindingStatus(form.cleaned_data["status"]).label
            messages.success(
                request,
                gettext("The status of %(reference)s is now: %(label)s.")
                % {"reference": finding.reference, "label": label},
            )
            return redirect(_finding_url(finding))
    return _finding_page(request, finding, now, status_form=form)


@login_required
@require_POST
def finding_note(request: HttpRequest, pk: int) -> HttpResponse:
    """M1: the force's update, the PCC's holding-to-account note or HMICFRS's note."""
    now = timezone.now()
    finding = access.get_finding_for_user(request, pk, now)
    form = _note_form(_actor(request.user, finding, now), request.POST)
    if form.is_valid():
        try:
            entry = services.finding_note_add(
                finding=finding,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                gettext("%(kind)s added to %(reference)s.")
                % {"kind": entry.get_kind_display(), "reference": finding.reference},
            )
            return redirect(_finding_url(finding) + "#notes")
    return _finding_page(request, finding, now, note_form=form)
