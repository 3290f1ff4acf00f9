"""The inspections app's records named on the audit trail (hmicfrs_mou.audit_names), for readers who may open them.

Each function answers only the ids the reader may open at the moment, through inspections.access; one query
per object type, whatever the number of rows on the page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.urls import reverse

from hmicfrs_mou.audit_names import RecordName, audit_names, int_ids
from inspections.access import debriefs_visible_to, disclosures_visible_to, inspections_visible_to
from inspections.models import Report


def report_names(reader: object, ids: Collection[str], at: dt.datetime) -> dict[str, RecordName]:
    reports = Report.objects.visible_to(reader, at).filter(pk__in=int_ids(ids)).only("pk", "title")
    return {
        str(report.pk): RecordName(f"Report: {report.title}", reverse("inspections:report", args=[report.pk]))
        for report in reports
    }


def inspection_names(reader: object, ids: Collection[str], at: dt.datetime) -> dict[str, RecordName]:
    inspections = inspections_visible_to(reader, at).filter(pk__in=int_ids(ids)).only("pk", "title")
    return {
        str(inspection.pk): RecordName(
            f"Inspection: {inspection.title}", reverse("inspections:detail", args=[inspection.pk])
        )
        for inspection in inspections
    }


def debrief_names(reader: object, ids: Collection[str], at: dt.datetime) -> dict[str, RecordName]:
    debriefs = debriefs_visible_to(reader, at).filter(pk__in=int_ids(ids)).select_related("area")
    return {
        str(debrief.pk): RecordName(
            f"Debrief: {debrief.area}, {debrief.held_on:%-d %B %Y}",
            reverse("inspections:debrief", args=[debrief.pk]),
        )
        for debrief in debriefs
    }


def disclosure_names(reader: object, ids: Collection[str], at: dt.datetime) -> dict[str, RecordName]:
    records = disclosures_visible_to(reader, at).filter(pk__in=int_ids(ids)).select_related("area", "source")
    return {
        str(record.pk): RecordName(
            f"Disclosure in confidence: {record.area or record.source}",
            reverse("inspections:disclosure", args=[record.pk]),
        )
        for record in records
    }


audit_names.register("inspections.report", "Report", report_names)
audit_names.register("inspections.inspection", "Inspection", inspection_names)
audit_names.register("inspections.debrief", "Debrief", debrief_names)
audit_names.register("inspections.evidencerecord", "Evidence record", disclosure_names)
