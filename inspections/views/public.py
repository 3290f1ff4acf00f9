"""Published reports for everyone, no sign-in (public pages of DESIGN.md).

A report is public from its publication moment, to the second, whoever asks:
these pages use the anonymous visitor's view of `Report.objects.visible_to`,
so a signed-in recipient of the embargoed copy sees nothing here early either.
No personal data: no names of inspectors, recipients or authors.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from contacts.models import AREA_KINDS, Organisation
from hmicfrs_mou.access import not_found
from hmicfrs_mou.pdf import render_pdf
from inspections.events import REPORT_SECTIONS
from inspections.forms import SearchForm
from inspections.models import Report
from inspections.pdf import public_report_context
from inspections.search import more_match, more_matched, search, snippet
from inspections.views.documents import pdf_response, report_filename

PAGE_SIZE = 20
AREAS_SHOWN = 10


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
    """Published reports, newest first; with words searched for, the reports that match (best first) and
    the forces and fire and rescue services whose names match."""
    form = SearchForm(request.GET or None)
    form.fields["q"].label = gettext("Search published reports, forces and fire and rescue services")
    form.fields["q"].help_text = gettext(
        "Words from a title, a summary or a finding, or the name of a force or service."
    )
    q = form.cleaned_data["q"].strip() if form.is_valid() else ""
    context: dict[str, Any] = {"form": form, "q": q}
    if q:
        # The anonymous visitor's view: published reports only, whoever is signed in.
        results = search(AnonymousUser(), q, timezone.now())
        reports = more_match(
            results, results.reports.select_related("inspection").without_text().prefetch_related("areas")
        )
        page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
        context.update(
            {
                "page_obj": page,
                "more": more_matched(page),
                "rows": [(report, snippet(report, report.summary, results.words)) for report in page],
                "areas": list(_areas_named(results.words)[:AREAS_SHOWN]),
                "querystring": urlencode({"q": q}),
            }
        )
    else:
        reports = published_reports().select_related("inspection").without_text().prefetch_related("areas")
        page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
        context.update({"page_obj": page, "rows": [(report, "") for report in page]})
    return render(request, "inspections/public/index.html", context)


def _areas_named(words: list[str]) -> QuerySet:
    """Forces and fire and rescue services whose name holds every word."""
    areas = Organisation.objects.filter(kind__in=AREA_KINDS)
    for word in words:
        areas = areas.filter(name__icontains=word)
    return areas.order_by("name")


@require_safe
def report(request: HttpRequest, pk: int) -> HttpResponse:
    published = _published_report(request, pk)
    # Sections the apps above add (responses: each PCC's response, on time, late, awaiting or overdue).
    return render(
        request,
        "inspections/public/report.html",
        {
            "report": public_report_context(published),
            "sections": REPORT_SECTIONS.render(published, timezone.now()),
        },
    )


@require_safe
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    published = _published_report(request, pk)
    pdf = render_pdf("pdf/report.html", public_report_context(published))
    return pdf_response(pdf, report_filename(published), disposition="inline", private=False)
