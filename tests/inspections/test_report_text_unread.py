"""Pages that name a report leave its text in the database (`inspections.models.REPORT_TEXT`, read past by
`ReportQuerySet.without_text`): a real report runs to a hundred pages, and a list of 25 that read each
one's text carried megabytes from the database to name them. The report's own page still reads it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.inspections.conftest import PUBLICATION

pytestmark = pytest.mark.django_db

AFTER = PUBLICATION + dt.timedelta(days=1)
TEXT_COLUMNS = ('"inspections_report"."body"', '"inspections_report"."press_release"')


def _reads_the_text(client, path: str, title: str) -> bool:
    """Whether the page selected the report's text; the page must name the report, or it proves nothing."""
    with time_machine.travel(AFTER, tick=False), CaptureQueriesContext(connection) as asked:
        response = client.get(path)
        assert response.status_code == 200, path
        content = b"".join(response.streaming_content) if response.streaming else response.content
    assert title in content.decode(), f"{path} does not name the report"
    return any(column in query["sql"] for query in asked.captured_queries for column in TEXT_COLUMNS)


def test_lists_that_name_a_report_leave_its_text_unread(client_for, peel_report, lead_hmi):
    hmi = client_for(lead_hmi)
    hmi.post(reverse("calendar-regenerate"))
    lead_hmi.refresh_from_db()
    pages = {
        "inspections list": (hmi, reverse("inspections:list")),
        "inspection page": (hmi, reverse("inspections:detail", args=[peel_report.inspection_id])),
        "reports search": (hmi, reverse("inspections:search") + "?q=PEEL"),
        "calendar feed": (
            client_for(None),
            reverse("calendar-feed", kwargs={"token": lead_hmi.calendar_token}),
        ),
        "public reports": (client_for(None), reverse("public_reports:index")),
        "public reports search": (client_for(None), reverse("public_reports:index") + "?q=PEEL"),
    }
    title = peel_report.title
    reading = [name for name, (client, path) in pages.items() if _reads_the_text(client, path, title)]
    assert reading == []


def test_the_reports_own_page_still_reads_its_text(client_for, peel_report):
    """The check above can see a read of the text: the public report page makes one."""
    assert _reads_the_text(
        client_for(None), reverse("public_reports:report", args=[peel_report.pk]), peel_report.title
    )
