"""The reports CSV export (GET /inspections/reports.csv, and the long export prepared by the task worker,
hmicfrs_mou/exports.py): the reports a person may see at a moment (`Report.objects.visible_to`), newest
first, with those seen only under an embargo named for the audit trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import Count, F, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contacts.models import Organisation
from hmicfrs_mou.csv_export import JoinedIds, cell, iso_date, london_time, split_ids
from hmicfrs_mou.exports import ExportKind, Selection, register_export
from inspections.access import team_inspection_ids
from inspections.models import Report

REPORTS_CSV_HEADER = [
    "Title",
    "Kind",
    "State",
    "Forces and FRSs",
    "Publication date",
    "Publication time (UK)",
    "Findings",
]
# Rows read from the database at a time while the export streams (a server-side cursor on PostgreSQL).
REPORTS_CSV_CHUNK = 2000
REPORT_SUBJECT = "inspections.report"
# The most ids asked about in one query when an export's reports are checked again before its download.
CHECK_CHUNK = 2000


def report_rows(user: Any, at: dt.datetime) -> QuerySet[Any]:
    """The reports `user` may see at `at`, newest first, each with its findings counted and its areas' ids."""
    areas = Report.areas.through.objects.filter(report=OuterRef("pk")).values(value=F("organisation_id"))
    rows: QuerySet[Any] = (
        Report.objects.visible_to(user, at)
        .annotate(findings_count=Count("findings"), area_ids=JoinedIds(areas))
        .only("title", "kind", "state", "publication_at")
        .order_by("-publication_at", "-pk")
    )
    return rows


def embargoed_ids(user: Any, at: dt.datetime) -> list[int]:
    """The reports among them seen only because of an embargo window: named on the trail, as every
    embargoed read is."""
    return list(
        Report.objects.visible_to(user, at)
        .exclude(inspection__in=team_inspection_ids(user, at))
        .exclude(pk__in=Report.objects.published(at).values("pk"))
        .values_list("pk", flat=True)
    )


def csv_rows(rows: QuerySet[Any], chunk: int | None = None) -> Iterator[tuple[int, list[object]]]:
    """Each report's id and its row of the CSV."""
    # Every organisation's name and its place in the database's name order (its collation, as the export
    # always sorted): a few hundred, fixed by the directory, however many reports the export holds.
    names = dict(Organisation.objects.order_by("name").values_list("pk", "name"))
    rank = {pk: i for i, pk in enumerate(names)}
    for report in rows.iterator(chunk_size=chunk or REPORTS_CSV_CHUNK):
        areas = sorted(split_ids(report.area_ids), key=rank.__getitem__)
        yield (
            report.pk,
            [
                cell(report.title),
                report.kind_label,
                report.state_label,
                cell("; ".join(names[pk] for pk in areas)),
                iso_date(report.publication_at),
                london_time(report.publication_at),
                report.findings_count,
            ],
        )


def streamed_rows(rows: QuerySet[Any]) -> Iterator[list[object]]:
    """The CSV's rows alone, for the export streamed while the reader waits."""
    return (row for _, row in csv_rows(rows))


def filename(at: dt.datetime) -> str:
    return f"reports-{timezone.localdate(at):%Y-%m-%d}.csv"


def _select(user: Any, at: dt.datetime) -> Selection:
    rows: QuerySet[Any] = report_rows(user, at)
    return Selection(
        count=Report.objects.visible_to(user, at).count(),
        rows=lambda chunk: csv_rows(rows, chunk),
        embargoed=lambda written: sorted(set(embargoed_ids(user, at)) & set(written)),
    )


def _still_visible(user: Any, at: dt.datetime, ids: list[int]) -> set[int]:
    visible = Report.objects.visible_to(user, at)
    seen: set[int] = set()
    for start in range(0, len(ids), CHECK_CHUNK):
        seen.update(visible.filter(pk__in=ids[start : start + CHECK_CHUNK]).values_list("pk", flat=True))
    return seen


REPORTS_EXPORT = register_export(
    ExportKind(
        code="reports",
        label=_("reports"),
        back_url=lambda: reverse("inspections:list"),
        header=REPORTS_CSV_HEADER,
        filename=filename,
        select=_select,
        still_visible=_still_visible,
        object_type=REPORT_SUBJECT,
    )
)
