"""Published reports for everyone, no sign-in (public pages of DESIGN.md).

A report is public from its publication moment, to the second, whoever asks:
these pages use the anonymous visitor's view of `Report.objects.visible_to`,
so a signed-in recipient of the embargoed copy sees nothing here early either.
No personal data: no names of inspectors, recipients or authors.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from hmicfrs_mou.access import not_found
from hmicfrs_mou.pdf import render_pdf
from inspections.events import report_sections
from inspections.models import Report
from inspections.pdf import public_report_context
from inspections.views.documents import pdf_response, report_filename

PAGE_SIZE = 20


def published_reports() -> QuerySet:
    """Reports public at this moment, newest first."""
    return Report.objects.visible_to(AnonymousUser(), timezone.now()).order_by("-publication_at", "-pk")


def _published_report(request: HttpRequest, pk: int) -> Report:
    report = (
        published_reports()
        .select_related("inspection")
        .prefetch_related("areas", "findings__area", "redactions")
        .filter(pk=pk)
        .first()
    )
    if report is None:
        # Not yet published looks the same as not existing; the attempt is on the trail.
        raise not_found(request, object_type="inspections.report", object_id=pk)
    return report


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    reports = published_reports().select_related("inspection").prefetch_related("areas")
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "inspections/public/index.html", {"page_obj": page})


@require_safe
def report(request: HttpRequest, pk: int) -> HttpResponse:
    published = _published_report(request, pk)
    # Sections the apps above add (responses: each PCC's response, on time, late, awaiting or overdue).
    return render(
        request,
        "inspections/public/report.html",
        {"report": public_report_context(published), "sections": report_sections(published, timezone.now())},
    )


@require_safe
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    published = _published_report(request, pk)
    pdf = render_pdf("pdf/report.html", public_report_context(published))
    return pdf_response(pdf, report_filename(published), disposition="inline", private=False)
