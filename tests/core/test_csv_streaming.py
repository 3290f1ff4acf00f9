"""CSV exports stream: the same bytes as the in-memory export they replace (BOM, formula escaping, Excel's
dialect), the first chunk before any row is read, the export audited before it is sent, and memory that
stays the same whatever the number of rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
import tracemalloc

import pytest
import time_machine
from django.urls import reverse

from contacts.models import Role
from hmicfrs_mou.csv_export import BOM, ROWS_PER_CHUNK, cell, csv_chunks, streaming_csv_response
from hmicfrs_mou.models import AuditAction, AuditEvent
from inspections import exports as report_exports
from inspections.models import InspectionKind, Report
from inspections.services import inspection_create
from tests.conftest import make_person
from tests.inspections.conftest import CREATED, PUBLICATION, final, schedule

HEADER = ["Title", "Area", "Count"]
AFTER_PUBLICATION = PUBLICATION + dt.timedelta(days=1)


def _rows(n: int) -> list[list[object]]:
    """Text a spreadsheet would run, Welsh letters, quotes, commas, line breaks and empty cells."""
    texts = [
        '=HYPERLINK("http://example.invalid")',
        "Ynys Môn – the force’s",
        'a "quoted", text',
        "two\nlines",
    ]
    return [[cell(texts[i % len(texts)]), cell(None), i] for i in range(n)]


def _in_memory(header: list[object], rows: list[list[object]]) -> bytes:
    """How the export was written before it streamed: a BOM, then csv.writer into one buffer."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


@pytest.mark.parametrize("n", [0, 1, ROWS_PER_CHUNK, ROWS_PER_CHUNK + 1, 3 * ROWS_PER_CHUNK + 7])
def test_streamed_bytes_are_the_in_memory_export_byte_for_byte(n):
    rows = _rows(n)
    response = streaming_csv_response("export.csv", HEADER, iter(rows))
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="export.csv"'
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == _in_memory(HEADER, rows)


def test_the_bom_and_header_go_first_before_a_row_is_read():
    read = []

    def rows():
        for i in range(2 * ROWS_PER_CHUNK):
            read.append(i)
            yield [i]

    chunks = csv_chunks(HEADER, rows())
    assert next(chunks) == BOM + "Title,Area,Count\r\n"
    assert read == []
    assert next(chunks).count("\r\n") == ROWS_PER_CHUNK
    assert len(read) == ROWS_PER_CHUNK


# --- the reports CSV, streamed from the database ---------------------------------------------------------


@pytest.fixture
def lead(hmicfrs):
    return make_person("lead_hmi", hmicfrs, Role.HMI)


@pytest.fixture
def peel(force_a, lead):
    return inspection_create(
        kind=InspectionKind.PEEL,
        title="PEEL: Avon and Somerset",
        areas=[force_a],
        lead=lead,
        by=lead,
        now=CREATED,
    )


def _copies(template: Report, n: int) -> list[int]:
    """n more reports like the template, each about the template's areas, made in bulk; their ids."""
    fields = {
        f.attname: getattr(template, f.attname) for f in Report._meta.concrete_fields if not f.primary_key
    }
    made = Report.objects.bulk_create(
        [Report(**{**fields, "title": f"{template.title} {i}"}) for i in range(n)], batch_size=500
    )
    areas = list(template.areas.values_list("pk", flat=True))
    Report.areas.through.objects.bulk_create(
        [Report.areas.through(report_id=r.pk, organisation_id=a) for r in made for a in areas], batch_size=500
    )
    return [r.pk for r in made]


def _export(client) -> tuple[int, int]:
    """(peak bytes allocated from the request to the last chunk read, bytes of CSV sent)."""
    tracemalloc.start()
    try:
        with time_machine.travel(AFTER_PUBLICATION, tick=False):
            response = client.get(reverse("inspections:reports-csv"))
            assert response.streaming
            sent = sum(len(chunk) for chunk in response.streaming_content)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, sent


@pytest.mark.slow
@pytest.mark.django_db
def test_reports_csv_streams_in_the_same_memory_for_600_and_3600_reports(
    client_for, lead, peel, force_b, monkeypatch, settings
):
    """Memory is bounded by the rows read at a time (made small here, so two sizes well above it
    can be told apart), not by the rows in the export: the in-memory export held every row twice. (Up to
    EXPORT_STREAM_ROWS rows stream; raised here, so both sizes take that path.)"""
    monkeypatch.setattr(report_exports, "REPORTS_CSV_CHUNK", 50)
    settings.EXPORT_STREAM_ROWS = 10_000
    template = schedule(final(peel))
    template.areas.add(force_b)
    client = client_for(lead)

    extra = _copies(template, 3599)
    # Warm-up at the larger size: first-use imports, caches and CPython's free lists of small objects
    # (bounded, but blocks reused from them count as allocated where they were first made) fill here.
    _export(client)
    large_peak, large_sent = _export(client)
    Report.objects.filter(pk__in=extra[600:]).delete()
    small_peak, small_sent = _export(client)

    assert large_sent > 5.5 * small_sent
    assert large_peak < 1.25 * small_peak, (small_peak, large_peak)


@pytest.mark.django_db
def test_reports_csv_is_audited_before_the_first_row_and_joins_areas_in_name_order(
    client_for, lead, peel, force_b
):
    report = schedule(final(peel, title="=SUM(A1)"))
    report.areas.add(force_b)
    with time_machine.travel(AFTER_PUBLICATION, tick=False):
        response = client_for(lead).get(reverse("inspections:reports-csv"))
        event = AuditEvent.objects.get(action=AuditAction.EXPORT, actor=lead)
        assert event.detail == {"rows": 1, "embargoed": []}
        content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith(BOM)
    rows = list(csv.reader(io.StringIO(content.removeprefix(BOM))))
    assert rows[1][0] == "'=SUM(A1)"
    assert rows[1][3] == "Avon and Somerset Constabulary; Kent Police"


@pytest.mark.django_db
def test_a_report_about_no_area_has_an_empty_areas_cell(client_for, lead, peel):
    report = schedule(final(peel))
    report.areas.clear()
    with time_machine.travel(AFTER_PUBLICATION, tick=False):
        response = client_for(lead).get(reverse("inspections:reports-csv"))
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[1][0] == report.title
    assert rows[1][3] == ""
