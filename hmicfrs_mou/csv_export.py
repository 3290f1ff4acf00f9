"""CSV exports that open correctly in Excel: UTF-8 with a BOM, ISO dates, header rows in words, and
text cells a spreadsheet will not run as a formula (CSV injection).

A cell that starts with one of FORMULA_START is read by Excel, LibreOffice and
Google Sheets as a formula; a leading apostrophe makes it text. Every export of
text someone typed (names, titles, labels) writes it through `cell`.
"""

from __future__ import annotations

import csv
import datetime as dt
from typing import Any

from django.http import HttpResponse
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


def csv_response(filename: str) -> tuple[HttpResponse, Any]:
    """An attachment CSV response (UTF-8 with BOM, private) and a writer for its rows."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename) or ""
    response["Cache-Control"] = "private, no-store"
    response.write(BOM)
    return response, csv.writer(response)


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
