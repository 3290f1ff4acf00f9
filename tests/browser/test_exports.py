"""A long CSV export in a real browser (issue 13): the reports link leads to a page that asks for it, the
worker prepares it (in-process in the tests), and the status page shows its progress, updating itself
while it runs, then the download. Both pages pass axe-core. Screenshots: test-artifacts/screenshots/
export-*.png."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from hmicfrs_mou.models import AuditAction, AuditEvent, ExportJob, ExportState
from inspections.models import Report
from tests.browser.conftest import shot, sign_in
from tests.browser.test_every_page import AXE_SOURCE, AXE_TAGS, RUN_AXE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def axe_violations(page: Page) -> list[dict[str, Any]]:
    page.evaluate(AXE_SOURCE)
    return page.evaluate(RUN_AXE, AXE_TAGS)


def test_a_long_reports_export_is_prepared_shown_with_its_progress_and_downloaded(
    page: Page, live_server: Any, demo: dict[str, str], settings: Any
) -> None:
    # The demo's reports are few: any export of more than one row is "long" here.
    settings.EXPORT_STREAM_ROWS = 1
    base = live_server.url
    sign_in(page, live_server, "hmi", demo["hmi"])
    page.goto(f"{base}/inspections/")
    page.get_by_role("link", name="Download the reports you can see (CSV)").click()
    expect(page).to_have_url(f"{base}/exports/reports/new/")
    expect(page.locator("main h1")).to_have_text("Export reports as CSV")
    expect(page.locator("main")).to_contain_text("An export of more than 1 row is prepared in the background")
    assert axe_violations(page) == []
    shot(page, "export-new")

    page.get_by_role("button", name="Prepare the export").click()
    job = ExportJob.objects.get()
    expect(page).to_have_url(f"{base}/exports/{job.pk}/")
    expect(page.locator(".govuk-panel")).to_contain_text("Your export is ready")
    expect(page).to_have_title(re.compile("^Ready to download: export of reports"))
    assert axe_violations(page) == []
    shot(page, "export-ready")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=f"Download reports-{timezone.localdate():%Y-%m-%d}.csv").click()
    download = download_info.value
    with open(download.path(), encoding="utf-8-sig") as handle:
        table = list(csv.reader(io.StringIO(handle.read())))
    assert {row[0] for row in table[1:]} == set(Report.objects.values_list("title", flat=True))
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, actor__username="hmi").exists()

    # An export still being prepared: the page shows how far it has got and updates itself, then shows
    # the download once the worker has finished, without the reader reloading it.
    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportState.RUNNING, rows_total=8, rows_done=2, started_at=timezone.now()
    )
    page.goto(f"{base}/exports/{job.pk}/")
    bar = page.locator("progress#export-progress")
    expect(bar).to_have_attribute("value", "25")
    expect(page.locator("main")).to_contain_text("2 of 8 rows written")
    expect(page.locator("main")).to_contain_text("This page updates itself")  # shown by the script
    assert axe_violations(page) == []
    shot(page, "export-running")
    ExportJob.objects.filter(pk=job.pk).update(rows_done=6)
    expect(page.locator("main")).to_contain_text("6 of 8 rows written", timeout=10_000)
    expect(bar).to_have_attribute("value", "75")
    # Announced once, not at every update: the live region holds the latest tenth reached.
    expect(page.locator("[data-export-announce]")).to_have_text("6 of 8 rows written")
    ExportJob.objects.filter(pk=job.pk).update(state=ExportState.READY, rows_done=8)
    expect(page.locator(".govuk-panel")).to_contain_text("Your export is ready", timeout=10_000)
