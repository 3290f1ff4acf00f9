"""The pages of a long CSV export (hmicfrs_mou/exports.py): ask for it, watch it being prepared, download it.

Each page answers its person only: an export asked for by someone else, or one that does not exist, is
the same 404, and the reach is on the audit trail.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hmicfrs_mou.access import not_found
from hmicfrs_mou.audit import audit_record
from hmicfrs_mou.exports import KINDS, expired, export_request, job_for, overdue, stream_limit, unseen_records
from hmicfrs_mou.models import AuditAction, ExportJob, ExportState

EXPORT_SUBJECT = "hmicfrs_mou.exportjob"


def _job_or_404(request: HttpRequest, pk: uuid.UUID) -> ExportJob:
    job = job_for(request.user, pk)
    if job is None:
        raise not_found(request, object_type=EXPORT_SUBJECT, object_id=pk)
    return job


@login_required
@require_http_methods(["GET", "POST"])
def export_new(request: HttpRequest, kind: str) -> HttpResponse:
    """A long export: what will happen, and the button that asks the task worker for it."""
    export = KINDS.get(kind)
    if export is None:
        raise Http404("No such export.")
    if request.method == "POST":
        job = export_request(kind=kind, by=request.user)
        return redirect("export", pk=job.pk)
    return render(
        request,
        "exports/new.html",
        {"export": export, "limit": stream_limit(), "back_url": export.back_url()},
    )


def _progress(job: ExportJob) -> dict[str, object]:
    percent = min(100, round(100 * job.rows_done / job.rows_total)) if job.rows_total else 0
    return {
        "state": job.state,
        "overdue": overdue(job, timezone.now()),
        "state_label": str(job.state_label),
        "rows_done": job.rows_done,
        "rows_total": job.rows_total,
        "percent": percent,
        "rows_text": (
            _("%(done)s of %(total)s rows written") % {"done": job.rows_done, "total": job.rows_total}
            if job.rows_total
            else _("Counting the rows.")
        ),
    }


@login_required
@require_GET
def export_status(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The export's progress, and its download link when it is ready."""
    job = _job_or_404(request, pk)
    export = KINDS.get(job.kind)
    context = {
        "job": job,
        "export": export,
        "progress": _progress(job),
        "expired": expired(job, timezone.now()),
        "waiting": job.state in (ExportState.QUEUED, ExportState.RUNNING)
        and not overdue(job, timezone.now()),
        "status_url": reverse("export-progress", kwargs={"pk": job.pk}),
        "new_url": reverse("export-new", kwargs={"kind": job.kind}) if export else "",
    }
    return render(request, "exports/status.html", context)


@login_required
@require_GET
def export_progress(request: HttpRequest, pk: uuid.UUID) -> JsonResponse:
    """The progress as JSON, for the status page's script to show without reloading the page."""
    response = JsonResponse(_progress(_job_or_404(request, pk)))
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def export_download(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The file, to its person, while it is kept and while they may still see every record in it."""
    job = _job_or_404(request, pk)
    now = timezone.now()
    if job.state != ExportState.READY or expired(job, now):
        return redirect("export", pk=job.pk)
    unseen = unseen_records(job, request.user, now)
    if unseen:
        # The rules have moved since the export was made (a report withdrawn, an appointment ended): the
        # file is not sent, and the reach is on the trail as a refusal.
        audit_record(
            action=AuditAction.DENIED,
            request=request,
            object_type=EXPORT_SUBJECT,
            object_id=str(job.pk),
            detail={"no_longer_visible": unseen[:100]},
        )
        messages.error(
            request,
            _(
                "This export holds records you can no longer see, so it cannot be downloaded. "
                "Ask for a new export."
            ),
        )
        return redirect("export", pk=job.pk)
    export = KINDS[job.kind]
    audit_record(
        action=AuditAction.EXPORT,
        request=request,
        object_type=export.object_type,
        detail={"rows": job.rows_total, "embargoed": job.embargoed_ids, "export": str(job.pk)},
    )
    content = ExportJob.objects.filter(pk=job.pk).values_list("content", flat=True).get()
    response = HttpResponse(bytes(content or b""), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=True, filename=job.filename) or ""
    )
    response["Cache-Control"] = "private, no-store"
    return response
