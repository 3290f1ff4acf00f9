"""Long CSV exports are prepared by the task worker (issue 13): asked for on a page, shown with their
progress, downloaded by their person only, checked against the visibility rules again when downloaded
(U3: what a person may see at a moment decides), audited, kept for a day and safe to run twice."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from contacts.models import Role
from hmicfrs_mou import exports
from hmicfrs_mou.csv_export import BOM
from hmicfrs_mou.exports import (
    ExportKind,
    Selection,
    export_request,
    export_run,
    exports_expire,
    register_export,
)
from hmicfrs_mou.models import AuditAction, AuditEvent, ExportJob, ExportState
from inspections.models import InspectionKind, Report, ReportState
from inspections.services import inspection_create
from tests.conftest import make_person
from tests.inspections.conftest import CREATED, PUBLICATION, final, schedule

pytestmark = pytest.mark.django_db

AFTER = PUBLICATION + dt.timedelta(days=1)


@pytest.fixture
def lead(hmicfrs):
    return make_person("export_lead", hmicfrs, Role.HMI)


@pytest.fixture
def reports(force_a, lead):
    """Three published force-specific reports on force A, newest last."""
    made = []
    for i in range(3):
        inspection = inspection_create(
            kind=InspectionKind.PEEL, title=f"PEEL {i}", areas=[force_a], lead=lead, by=lead, now=CREATED
        )
        made.append(schedule(final(inspection, title=f"Report {i}")))
    return made


@pytest.fixture
def long_exports(settings):
    """Two rows stream; three are prepared by the worker."""
    settings.EXPORT_STREAM_ROWS = 2


def _ask(client, django_capture_on_commit_callbacks):
    """Asks for the reports export on its page, the worker running the task as the job is committed."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("export-new", kwargs={"kind": "reports"}))
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("export", kwargs={"pk": job.pk})
    return job


def _csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8").removeprefix(BOM))))


def _probe(rows, count: int, embargoed=lambda written: [], code: str = "reports") -> ExportKind:
    """An export of `rows` (chunk -> (id, row)) counted as `count`, for the worker's own behaviour."""
    return ExportKind(
        code=code,
        label="probe rows",
        back_url=lambda: "/",
        header=["Row"],
        filename=lambda at: "probe.csv",
        select=lambda user, at: Selection(count=count, rows=rows, embargoed=embargoed),
        still_visible=lambda user, at, ids: set(ids),
        object_type="tests.probe",
    )


def test_a_long_export_is_asked_for_on_a_page_prepared_by_the_worker_and_downloaded(
    client_for, pcc_office_a, reports, long_exports, django_capture_on_commit_callbacks, settings
):
    client = client_for(pcc_office_a)
    with time_machine.travel(AFTER, tick=False):
        # More rows than stream: the link leads to a page, and a GET starts nothing.
        response = client.get(reverse("inspections:reports-csv"))
        assert response.status_code == 302
        assert response["Location"] == reverse("export-new", kwargs={"kind": "reports"})
        page = client.get(response["Location"])
        assert page.status_code == 200
        assert "An export of more than 2 rows is prepared in the background" in page.content.decode()
        assert ExportJob.objects.count() == 0
        assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()

        job = _ask(client, django_capture_on_commit_callbacks)
        job.refresh_from_db()
        assert job.state == ExportState.READY
        assert (job.rows_total, job.rows_done) == (3, 3)
        assert job.requested_by == pcc_office_a
        status = client.get(reverse("export", kwargs={"pk": job.pk})).content.decode()
        assert "Your export is ready" in status
        assert reverse("export-download", kwargs={"pk": job.pk}) in status
        assert "export-progress.js" not in status  # nothing left to poll

        download = client.get(reverse("export-download", kwargs={"pk": job.pk}))
        assert download.status_code == 200
        assert download["Content-Disposition"] == f'attachment; filename="reports-{AFTER:%Y-%m-%d}.csv"'
        assert download["Cache-Control"] == "private, no-store"
        event = AuditEvent.objects.get(action=AuditAction.EXPORT)
        assert event.actor == pcc_office_a
        assert event.object_type == "inspections.report"
        assert event.detail == {"rows": 3, "embargoed": [], "export": str(job.pk)}

        # The same bytes as the export streamed, had it been short enough.
        settings.EXPORT_STREAM_ROWS = 10
        streamed = client.get(reverse("inspections:reports-csv"))
        assert download.content == b"".join(streamed.streaming_content)
    rows = _csv(download.content)
    assert [row[0] for row in rows[1:]] == ["Report 2", "Report 1", "Report 0"]


def test_the_export_holds_what_its_person_could_see_when_they_asked_and_names_the_embargoed(
    client_for, pcc_office_a, reports, long_exports, django_capture_on_commit_callbacks
):
    """U3: an hour into the 48-hour embargo window, the PCC's office sees the copies: the file lists them, and
    the download names them on the trail as embargoed."""
    client = client_for(pcc_office_a)
    with time_machine.travel(PUBLICATION - dt.timedelta(hours=47), tick=False):
        job = _ask(client, django_capture_on_commit_callbacks)
        client.get(reverse("export-download", kwargs={"pk": job.pk}))
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert sorted(event.detail["embargoed"]) == sorted(report.pk for report in reports)
    with time_machine.travel(PUBLICATION - dt.timedelta(hours=49), tick=False):
        before = client.get(reverse("inspections:reports-csv"))
    assert before.status_code == 200  # before the window nothing is visible: an empty export streams
    assert _csv(b"".join(before.streaming_content))[1:] == []


@pytest.mark.wrong_actor("hmicfrs_mou.exports.export_request")
def test_an_export_is_its_persons_alone(
    client_for, pcc_office_a, pcc_office_b, lead, reports, long_exports, django_capture_on_commit_callbacks
):
    """Anyone else reaching for it, by its address, gets the 404 of an export that does not exist, and the
    reach is on the trail; a visitor is sent to sign in; the service refuses anyone not signed in."""
    with time_machine.travel(AFTER, tick=False):
        job = _ask(client_for(pcc_office_a), django_capture_on_commit_callbacks)
        for name in ("export", "export-progress", "export-download"):
            url = reverse(name, kwargs={"pk": job.pk})
            for other in (pcc_office_b, lead):
                assert client_for(other).get(url).status_code == 404, (name, other)
            anonymous = client_for(None).get(url)
            assert anonymous.status_code == 302
            assert anonymous["Location"].startswith(reverse("login"))
        denied = AuditEvent.objects.filter(action=AuditAction.DENIED, object_id=str(job.pk))
        assert denied.count() == 6
        assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
        missing = reverse("export", kwargs={"pk": "00000000-0000-0000-0000-000000000000"})
        assert client_for(pcc_office_a).get(missing).status_code == 404
    pcc_office_b.is_active = False
    pcc_office_b.save()
    for nobody in (AnonymousUser(), pcc_office_b):
        with pytest.raises(PermissionDenied):
            export_request(kind="reports", by=nobody)
    assert ExportJob.objects.count() == 1


def test_a_record_no_longer_visible_stops_the_download(
    client_for, pcc_office_a, reports, long_exports, django_capture_on_commit_callbacks
):
    """U3 at the moment of the download: a report taken back to draft after the export was made is no longer
    the office's to see, so the file is not sent; the page says why and the refusal is on the trail."""
    client = client_for(pcc_office_a)
    with time_machine.travel(AFTER, tick=False):
        job = _ask(client, django_capture_on_commit_callbacks)
        Report.objects.filter(pk=reports[1].pk).update(state=ReportState.DRAFT)
        response = client.get(reverse("export-download", kwargs={"pk": job.pk}), follow=True)
    assert response.redirect_chain == [(reverse("export", kwargs={"pk": job.pk}), 302)]
    assert "records you can no longer see" in response.content.decode()
    refusal = AuditEvent.objects.get(action=AuditAction.DENIED, object_id=str(job.pk))
    assert refusal.detail == {"no_longer_visible": [reports[1].pk]}
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_progress_is_written_as_the_rows_go_and_shown_while_it_runs(
    client_for, lead, monkeypatch, django_capture_on_commit_callbacks
):
    """The worker saves how far it has got every EXPORT_CHUNK rows; the page and its JSON show it."""
    monkeypatch.setattr(exports, "EXPORT_CHUNK", 2)
    seen: list[int] = []

    def rows(chunk: int):
        for i in range(7):
            seen.append(ExportJob.objects.values_list("rows_done", flat=True).get())
            yield 100 + i, [f"row {i}"]

    # Counted as 5: the rows written (7) are the file's records, whatever the count said.
    register_export(_probe(rows, 5, embargoed=lambda written: written[-1:], code="probe"))
    try:
        job = export_request(kind="probe", by=lead)
        running = ExportJob.objects.filter(pk=job.pk)
        running.update(state=ExportState.RUNNING, rows_total=10, rows_done=3, started_at=job.requested_at)
        client = client_for(lead)
        progress = client.get(reverse("export-progress", kwargs={"pk": job.pk})).json()
        assert progress == {
            "state": "running",
            "overdue": False,
            "state_label": "Being prepared",
            "rows_done": 3,
            "rows_total": 10,
            "percent": 30,
            "rows_text": "3 of 10 rows written",
        }
        page = client.get(reverse("export", kwargs={"pk": job.pk})).content.decode()
        assert 'value="30"' in page
        assert "3 of 10 rows written" in page
        assert "export-progress.js" in page
        # A worker that died an hour ago: its job is taken up again, from the start.
        running.update(started_at=job.requested_at - dt.timedelta(hours=1))
        done = export_run(job.pk)
        assert done is not None
        assert done.state == ExportState.READY
        assert seen == [0, 0, 2, 2, 4, 4, 6]
        assert _csv(bytes(ExportJob.objects.values_list("content", flat=True).get()))[1:] == [
            [f"row {i}"] for i in range(7)
        ]
        assert done.record_ids == [100 + i for i in range(7)]
        assert done.embargoed_ids == [106]
        assert (done.rows_total, done.rows_done) == (7, 7)
    finally:
        exports.KINDS.pop("probe")


def test_the_task_is_safe_to_run_twice_and_a_live_worker_is_left_alone(
    lead, reports, long_exports, django_capture_on_commit_callbacks
):
    with time_machine.travel(AFTER, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            job = export_request(kind="reports", by=lead)
        job.refresh_from_db()
        assert job.state == ExportState.READY
        assert export_run(job.pk) is None
        assert ExportJob.objects.get().finished_at == job.finished_at
        other = export_request(kind="reports", by=lead)
        ExportJob.objects.filter(pk=other.pk).update(state=ExportState.RUNNING, started_at=AFTER)
        assert export_run(other.pk) is None  # another worker began it a moment ago
        assert ExportJob.objects.get(pk=other.pk).state == ExportState.RUNNING


def test_a_failure_is_recorded_and_shown_and_nothing_is_sent(client_for, lead, reports, monkeypatch):
    def broken(user, at):
        raise RuntimeError("the database went away")

    monkeypatch.setitem(
        exports.KINDS, "reports", dataclasses.replace(exports.KINDS["reports"], select=broken)
    )
    job = export_request(kind="reports", by=lead)
    export_run(job.pk)
    job.refresh_from_db()
    assert job.state == ExportState.FAILED
    assert job.error == "the database went away"
    assert job.content is None
    client = client_for(lead)
    assert "could not be prepared" in client.get(reverse("export", kwargs={"pk": job.pk})).content.decode()
    download = client.get(reverse("export-download", kwargs={"pk": job.pk}))
    assert download.status_code == 302
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_a_failure_part_way_keeps_nothing_of_the_rows_written(lead, monkeypatch):
    def rows(chunk: int):
        yield 1, ["first"]
        yield 2, ["second"]
        raise RuntimeError("the connection dropped")

    probe = _probe(rows, 3)
    monkeypatch.setitem(exports.KINDS, "reports", probe)
    job = export_request(kind="reports", by=lead)
    export_run(job.pk)
    job.refresh_from_db()
    assert job.state == ExportState.FAILED
    assert job.error == "the connection dropped"
    assert job.content is None
    assert job.record_ids == []


def test_an_export_asked_for_by_someone_who_then_left_is_not_prepared(lead, reports):
    job = export_request(kind="reports", by=lead)
    lead.is_active = False
    lead.save()
    export_run(job.pk)
    job.refresh_from_db()
    assert job.state == ExportState.FAILED
    assert job.content is None


def test_an_export_is_kept_for_a_day_then_deleted(
    client_for, lead, reports, long_exports, django_capture_on_commit_callbacks
):
    client = client_for(lead)
    with time_machine.travel(AFTER, tick=False):
        job = _ask(client, django_capture_on_commit_callbacks)
    with time_machine.travel(AFTER + dt.timedelta(hours=23, minutes=59), tick=False):
        assert client.get(reverse("export-download", kwargs={"pk": job.pk})).status_code == 200
        assert exports_expire() == 0
    with time_machine.travel(AFTER + dt.timedelta(hours=24), tick=False):
        page = client.get(reverse("export", kwargs={"pk": job.pk})).content.decode()
        assert "no longer kept" in page
        download = client.get(reverse("export-download", kwargs={"pk": job.pk}))
        assert download.status_code == 302
        assert exports_expire() == 1
    assert not ExportJob.objects.exists()


def test_asking_twice_gives_the_export_already_being_prepared_and_a_stuck_one_says_so(
    client_for, lead, reports
):
    """A second ask (a second tab, a double click) while one is waiting gives that one back, not a second
    job for the worker; one waiting longer than any export takes says the worker may have stopped, and
    asking again then makes a new one."""
    with time_machine.travel(AFTER, tick=False):
        first = export_request(kind="reports", by=lead)
        assert export_request(kind="reports", by=lead) == first
        assert ExportJob.objects.count() == 1
        page = client_for(lead).get(reverse("export", kwargs={"pk": first.pk})).content.decode()
        assert "has stopped" not in page
        assert "export-progress.js" in page
    with time_machine.travel(AFTER + exports.stale_after(), tick=False):
        page = client_for(lead).get(reverse("export", kwargs={"pk": first.pk})).content.decode()
        assert "The export has stopped" in page
        assert "export-progress.js" not in page  # nothing to wait for
        progress = client_for(lead).get(reverse("export-progress", kwargs={"pk": first.pk})).json()
        assert progress["overdue"] is True
        second = export_request(kind="reports", by=lead)
    assert second != first
    assert ExportJob.objects.count() == 2
    # The stopped one no longer holds their place: it is recorded as failed, and says so.
    first.refresh_from_db()
    assert (first.state, first.error) == (ExportState.FAILED, exports.STOPPED)
    assert second.state == ExportState.QUEUED


def test_two_asks_at_the_same_moment_make_one_export(lead, reports, monkeypatch):
    """Two tabs asking at once: each reads that none is waiting, and the constraint lets one job in; the
    other ask gives that job back rather than failing or making a second."""
    with time_machine.travel(AFTER, tick=False):
        other_tab = export_request(kind="reports", by=lead)
        real_first = QuerySet.first
        reads = {"count": 0}

        def read_before_the_other_tab_committed(self):
            reads["count"] += 1
            return None if reads["count"] == 1 else real_first(self)

        monkeypatch.setattr(QuerySet, "first", read_before_the_other_tab_committed)
        assert export_request(kind="reports", by=lead) == other_tab
        monkeypatch.undo()
        assert ExportJob.objects.count() == 1
        with pytest.raises(IntegrityError), transaction.atomic():
            ExportJob.objects.create(kind="reports", requested_by=lead, requested_at=AFTER)
        # Once it is done, asking again makes a new export.
        ExportJob.objects.filter(pk=other_tab.pk).update(state=ExportState.READY)
        assert export_request(kind="reports", by=lead) != other_tab


def test_a_page_polling_an_exports_progress_does_not_keep_the_session_alive(client_for, pcc_office_a):
    """The progress asked for by the page itself, every two seconds, is not the person doing anything: 30
    minutes after their last real request the session ends, however long the page has been polling."""
    t0 = AFTER
    with time_machine.travel(t0, tick=False):
        client = client_for(pcc_office_a)
        assert client.get(reverse("portal-opcc")).status_code == 200
        job = export_request(kind="reports", by=pcc_office_a)
        progress = reverse("export-progress", kwargs={"pk": job.pk})
    for minutes in (5, 15, 25, 29):
        with time_machine.travel(t0 + dt.timedelta(minutes=minutes), tick=False):
            assert client.get(progress).status_code == 200
    with time_machine.travel(t0 + dt.timedelta(minutes=30, seconds=1), tick=False):
        assert client.get(progress)["Location"] == reverse("signin:timed-out")


def test_a_worker_whose_job_was_taken_over_records_nothing(lead, monkeypatch):
    """Only the worker holding the job (its claim's moment) writes the outcome: one that was taken over, as
    a stale job is, cannot overwrite what the other records; one whose job was deleted writes nothing back."""
    taken_over = ExportJob.objects.none()

    def rows(chunk: int):
        yield 1, ["first"]
        taken_over.update(started_at=timezone.now() + dt.timedelta(seconds=1))  # another worker's claim

    probe = _probe(rows, 1)
    monkeypatch.setitem(exports.KINDS, "reports", probe)
    job = export_request(kind="reports", by=lead)
    taken_over = ExportJob.objects.filter(pk=job.pk)
    export_run(job.pk)
    job.refresh_from_db()
    assert job.state == ExportState.RUNNING
    assert job.content is None
    deleted = export_request(
        kind="reports", by=make_person("export_other", lead.appointments.get().organisation, Role.HMI)
    )
    taken_over = ExportJob.objects.filter(pk=deleted.pk)

    def gone(chunk: int):
        yield 1, ["first"]
        ExportJob.objects.filter(pk=deleted.pk).delete()

    monkeypatch.setitem(exports.KINDS, "reports", _probe(gone, 1))
    assert export_run(deleted.pk) is None
    assert not ExportJob.objects.filter(pk=deleted.pk).exists()
