"""The moments of a report people plan around, for their calendar feed: the embargoed copy becoming
available (distribution) and publication. Who is told of which report is `reports_announced_to`."""

from __future__ import annotations

import datetime as dt

from django.db.models import CharField, Count, OuterRef, Subquery
from django.db.models.functions import Cast
from django.urls import reverse

from hmicfrs_mou.calendar_feed import PAST_KEPT, FeedEvent, register_calendar_source
from hmicfrs_mou.models import AuditAction, AuditEvent
from inspections.access import reports_announced_to, reports_visible_to, team_inspections
from inspections.models import REPORT_TEXT, Report

# A report's moments change only through report_schedule, which audits an update each time: the
# count of those is the revision a calendar needs to replace the event it holds.
_REVISIONS = Subquery(
    AuditEvent.objects.filter(
        object_type="inspections.report",
        object_id=Cast(OuterRef("pk"), CharField()),
        action=AuditAction.UPDATE,
    )
    .order_by()
    .values("object_id")
    .annotate(n=Count("pk"))
    .values("n")[:1]
)


def report_moments(user: object, now: dt.datetime) -> list[FeedEvent]:
    reports = list(
        reports_announced_to(user, now)
        .filter(publication_at__gte=now - PAST_KEPT)  # so never null below
        .select_related("inspection")
        .defer(*REPORT_TEXT)  # an event names the report, never shows its text
        .annotate(revisions=_REVISIONS)
        .order_by("publication_at", "pk")[:200]
    )
    if not reports:
        return []
    ids = [report.pk for report in reports]
    readable = set(
        reports_visible_to(Report.objects.filter(pk__in=ids), user, now).values_list("pk", flat=True)
    )
    team = set(team_inspections(user, now).filter(reports__pk__in=ids).values_list("reports__pk", flat=True))
    events = []
    for report in reports:
        # Before the copy reaches them, the chief's office and the PCC know the inspection, not the
        # report: the event names the inspection.
        name = report.title if report.pk in readable else f"the report of {report.inspection.title}"
        if report.pk in team:
            url = reverse("inspections:report", args=[report.pk])
        elif report.publication_at and report.publication_at <= now:
            url = reverse("public_reports:report", args=[report.pk])
        else:
            url = reverse("inspections:my-area")
        sequence = report.revisions or 0
        events.append(
            FeedEvent(
                uid=f"report-{report.pk}-publication@mou-portal",
                summary=f"Publication: {name}",
                start=report.publication_at,
                description="Published on the HMICFRS website at this time; embargoed until then.",
                url=url,
                sequence=sequence,
            )
        )
        if report.distribution_at and not report.immediate_release:
            events.append(
                FeedEvent(
                    uid=f"report-{report.pk}-embargoed-copy@mou-portal",
                    summary=f"Embargoed copy available: {name}",
                    start=report.distribution_at,
                    description="The embargoed copy can be read in the portal from this time until publication.",
                    url=url,
                    sequence=sequence,
                )
            )
    return events


register_calendar_source("inspections.reports", report_moments)
