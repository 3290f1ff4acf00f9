"""The reports CSV read back as Excel on Windows reads it: the UTF-8 byte-order mark decides the
encoding (without it Excel uses the Windows code page and Welsh names and curly apostrophes break),
dates are ISO dates, times name their zone, and the header row is in words."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
import time_machine
from django.urls import reverse

from tests.inspections.conftest import PUBLICATION, SCHEDULED, final, schedule

pytestmark = pytest.mark.django_db

TITLE = "Heddlu Gogledd Cymru: policing Ynys Môn – the force’s response"


def excel_reads(raw: bytes) -> list[list[str]]:
    """Excel's rule: a BOM means UTF-8; anything else is read in the Windows code page."""
    if raw.startswith(b"\xef\xbb\xbf"):
        text = raw[3:].decode("utf-8")
    else:
        text = raw.decode("cp1252", errors="replace")
    return list(csv.reader(io.StringIO(text)))


def test_u3_welsh_names_and_curly_apostrophes_survive_excel(client_for, peel_a, lead_hmi):
    report = schedule(final(peel_a, title=TITLE))
    with time_machine.travel(SCHEDULED + dt.timedelta(hours=1), tick=False):
        response = client_for(lead_hmi).get(reverse("inspections:reports-csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="reports-2026-04-01.csv"')
    rows = excel_reads(b"".join(response.streaming_content))
    header, row = rows[0], rows[1]
    assert header == [
        "Title",
        "Kind",
        "State",
        "Forces and FRSs",
        "Publication date",
        "Publication time (UK)",
        "Findings",
    ]
    assert row[0] == TITLE == report.title
    assert "Ã" not in row[0]  # no mojibake
    assert "â€" not in row[0]
    assert row[4] == PUBLICATION.date().isoformat() == "2026-04-21"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row[4])
    assert row[5] == "10:00 BST"


def test_without_the_mark_excel_would_have_broken_the_name():
    """Why the mark is there: the same bytes without it, read as Excel would."""
    raw = TITLE.encode("utf-8")
    assert excel_reads(raw)[0][0] != TITLE
