"""Reports as documents: the embargoed copy as a watermarked PDF (U3, U4, U5)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from hmicfrs_mou.audit import audit_record
from hmicfrs_mou.models import AuditAction
from hmicfrs_mou.pdf import render_pdf
from inspections.access import get_report_for_user, is_embargoed_for
from inspections.models import EmbargoedCopyOpen, Report
from inspections.pdf import public_report_context, render_embargoed_copy


def report_filename(report: Report, suffix: str = "") -> str:
    """An ASCII file name from the title, e.g. `peel-2026-avon-and-somerset-embargoed.pdf`."""
    stem = slugify(report.title)[:80].strip("-") or f"report-{report.pk}"
    return f"{stem}{suffix}.pdf"


def pdf_response(pdf: bytes, filename: str, *, disposition: str, private: bool) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    if private:
        response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def copy(request: HttpRequest, pk: int) -> HttpResponse:
    """The report as a PDF for the signed-in person, at this moment.

    Before publication: the embargoed copy, watermarked with the publication
    moment and the recipient on every page; only those who may see the report
    now (the team, and from distribution the recipients; a draft, the force in
    its factual-accuracy window) get it, anyone else a 404. From publication: the public version, without the watermark. Every
    opening is on the audit trail; an opening by a recipient under embargo is
    also an EmbargoedCopyOpen.
    """
    now = timezone.now()
    report = get_report_for_user(request, pk, now)
    prefetch_related_objects([report], "areas", "findings__area", "redactions")
    embargoed = not report.is_published(now)
    if embargoed:
        pdf = render_embargoed_copy(report, request.user, at=now)
        filename = report_filename(report, "-embargoed" if report.is_released else "-draft")
    else:
        pdf = render_pdf("pdf/report.html", public_report_context(report))
        filename = report_filename(report)
    with transaction.atomic():
        audit_record(
            action=AuditAction.DOWNLOAD, obj=report, request=request, detail={"embargoed": embargoed}
        )
        if is_embargoed_for(report, request.user, now):
            EmbargoedCopyOpen.objects.create(report=report, person=request.user, at=now)
    return pdf_response(pdf, filename, disposition="attachment", private=True)
