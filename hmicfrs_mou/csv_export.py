"""CSV exports that open correctly in Excel: UTF-8 with a BOM, ISO dates, header rows in words, and
text cells a spreadsheet will not run as a formula (CSV injection).

A cell that starts with one of FORMULA_START is read by Excel, LibreOffice and
Google Sheets as a formula; a leading apostrophe makes it text. Every export of
text someone typed (names, titles, labels) writes it through `cell`.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db.models import CharField, QuerySet, Subquery
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from hmicfrs_mou.deadlines import LONDON

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    """The value as a CSV text cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_START) else text


# Excel on Windows reads a CSV as the system's code page unless it starts with the UTF-8 byte-order
# mark: without it "Ynys Môn" arrives as "Ynys MÃ´n" and a curly apostrophe as three characters.
BOM = "\ufeff"


class _Echo:
    """A file-like object whose write returns the line, so csv.writer formats a row for the stream."""

    def write(self, value: str) -> str:
        return value


# Rows go out in batches: a chunk per row would be a write to the socket per row (12,000 of them for the
# reports at ten times today's data), while a batch this size is a few tens of kilobytes held at once.
ROWS_PER_CHUNK = 200


def csv_chunks(header: Sequence[object], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """The CSV text in chunks: the BOM and the header at once (before rows is first read, so before any
    query it runs), then the rows a batch at a time, holding no more than one batch."""
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow(header)
    batch: list[str] = []
    for row in rows:
        batch.append(writer.writerow(row))
        if len(batch) == ROWS_PER_CHUNK:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


def streaming_csv_response(
    filename: str, header: Sequence[object], rows: Iterable[Sequence[object]]
) -> StreamingHttpResponse:
    """An attachment CSV (UTF-8 with BOM, private) streamed from rows as the client reads it.

    Memory stays the same whatever the number of rows when rows is a generator over a queryset's
    .iterator(chunk_size=...), which reads the rows from a server-side cursor a chunk at a time.
    The caller audits the export before returning the response: by the time the rows are read the view
    has returned, and a client that stops reading half-way has still been sent the first rows.
    """
    response = StreamingHttpResponse(csv_chunks(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename) or ""
    response["Cache-Control"] = "private, no-store"
    return response


class JoinedIds(Subquery):
    """The ids a row refers to through a many-to-many table ("12,7,31"), read with the row in one query,
    for an export that names them (split_ids, then a lookup of the few names, read once): a prefetch would
    run once per chunk of a streamed export, a dictionary of every row's names would grow with the export,
    and joining the names in a subquery per row makes PostgreSQL scan the names table once per row.

    The queryset gives one column aliased "value" (e.g. .values(value=F("organisation_id"))); the ids come
    in no particular order. Other values without commas join as well: the sign-in backend loads a person's
    permission names and second-factor devices with them so (hmicfrs_mou.access, hmicfrs_mou.signin).
    """

    template = "ARRAY_TO_STRING(ARRAY(%(subquery)s), ',')"

    def __init__(self, queryset: QuerySet[Any], **extra: Any) -> None:
        super().__init__(queryset, output_field=CharField(), **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="COALESCE((SELECT GROUP_CONCAT(\"value\", ',') FROM (%(subquery)s)), '')",
            **extra_context,
        )


def split_ids(joined: str | None) -> list[int]:
    """The ids of a JoinedIds column."""
    return [int(part) for part in (joined or "").split(",") if part]


def iso_date(value: dt.date | dt.datetime | None) -> str:
    """A date as Excel reads one in any locale (YYYY-MM-DD); a moment as its London date."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value, LONDON).date()
    return value.isoformat()


def london_time(value: dt.datetime | None) -> str:
    """A moment's London wall-clock time with its zone, e.g. "09:30 BST"."""
    if value is None:
        return ""
    local = timezone.localtime(value, LONDON)
    return f"{local:%H:%M} {local.tzname()}"
