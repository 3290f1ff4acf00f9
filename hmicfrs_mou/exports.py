"""CSV exports too long to stream while the reader waits: prepared by the task worker, with progress,
and downloaded when ready (issue 13).

An app registers each export it offers (`register_export`): its header, and for a person at a moment the
records they may see (from that app's access module, the one place that decides), how to write each as a
row, and which of them were seen only under an embargo. An export of up to `EXPORT_STREAM_ROWS` rows
streams at once, as before; a longer one is asked for on a page (`export_request`), prepared by the
worker (`export_run`, the task `hmicfrs_mou.tasks.export_prepare`) a chunk of rows at a time with its
progress written after each chunk, and kept for `EXPORT_KEEP`.

The file holds what the person could see at the moment they asked. It is theirs alone: any other reader
of its pages gets the same 404 as for an export that does not exist, on the audit trail. When it is
downloaded, every record in it is checked again against what they may see then: a record they may no
longer see (a report recalled, an appointment ended) refuses the download and asks for a new export,
so the file never outlives the rules. The download is the export on the audit trail, with the
embargoed records named, as the streamed export records itself.

This module imports no workflow app: the apps import it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from hmicfrs_mou.csv_export import BOM
from hmicfrs_mou.models import ExportJob, ExportState

logger = logging.getLogger(__name__)

# Rows written between two writes of the progress (and read at a time from the database).
EXPORT_CHUNK = 500
# A job the worker began this long ago and never finished died with its worker: it may be run again.
EXPORT_STALE = dt.timedelta(minutes=10)


def stream_limit() -> int:
    """The most rows an export streams while the reader waits; a longer one is prepared by the worker."""
    return int(settings.EXPORT_STREAM_ROWS)


def keep_for() -> dt.timedelta:
    return dt.timedelta(hours=int(settings.EXPORT_KEEP_HOURS))


@dataclass(frozen=True)
class Selection:
    """What one person may export at one moment: the records' ids, those seen only under an embargo, and
    the rows, in the export's order (an iterator that reads the database a chunk at a time)."""

    ids: list[int]
    embargoed: list[int]
    rows: Callable[[int], Iterable[Sequence[object]]]  # chunk size -> rows


@dataclass(frozen=True)
class ExportKind:
    code: str
    # What the export is, in words ("reports"), and the page to go back to.
    label: Any
    back_url: Callable[[], str]
    header: Sequence[str]
    filename: Callable[[dt.datetime], str]
    select: Callable[[Any, dt.datetime], Selection]
    # The ids among `ids` the person may see at the moment (the same access rules as `select`).
    still_visible: Callable[[Any, dt.datetime, list[int]], set[int]]
    # The audit trail's object type for the records.
    object_type: str


KINDS: dict[str, ExportKind] = {}


def register_export(kind: ExportKind) -> ExportKind:
    KINDS[kind.code] = kind
    return kind


def export_kind(code: str) -> ExportKind:
    return KINDS[code]


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def export_request(*, kind: str, by: Any, at: dt.datetime | None = None) -> ExportJob:
    """Ask the worker for a person's export of `kind`, as they may see it now: the job, queued.

    Only a signed-in, active person asks for their own export (PermissionDenied otherwise); the job is
    queued once its row is committed, so the worker never looks for a job that is not there yet."""
    if not _signed_in(by):
        raise PermissionDenied("Only a signed-in person may ask for an export.")
    if kind not in KINDS:
        raise ValueError(f"No export of kind {kind!r}")
    job = ExportJob.objects.create(kind=kind, requested_by=by, requested_at=at or timezone.now())
    transaction.on_commit(lambda: _queue(job.pk))
    return job


def _queue(job_id: Any) -> None:
    from django_q.tasks import async_task

    async_task("hmicfrs_mou.tasks.export_prepare", str(job_id), task_name=f"export {job_id}")


def _claim(job_id: Any, now: dt.datetime) -> ExportJob | None:
    """The job, marked running by this worker; None if it is done, or running elsewhere and not stale."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().select_related("requested_by").filter(pk=job_id).first()
        if job is None or job.state in (ExportState.READY, ExportState.FAILED):
            return None
        if job.state == ExportState.RUNNING and job.started_at and now - job.started_at < EXPORT_STALE:
            return None
        job.state, job.started_at, job.rows_done = ExportState.RUNNING, now, 0
        job.save(update_fields=["state", "started_at", "rows_done"])
    return job


def export_run(job_id: Any, *, now: dt.datetime | None = None) -> ExportJob | None:
    """Prepare a queued export (the task): the rows its person could see when they asked, written a chunk
    at a time with the progress saved after each. Safe to run twice: a job done, or being prepared by a
    live worker, is left as it is. Returns the job, or None when there was nothing to do."""
    job = _claim(job_id, now or timezone.now())
    if job is None:
        return None
    kind = KINDS.get(job.kind)
    try:
        if kind is None:
            raise ValueError(f"No export of kind {job.kind!r}")
        user = job.requested_by
        if not user.is_active:
            raise PermissionDenied("The person who asked for this export can no longer sign in.")
        selection = kind.select(user, job.requested_at)
        total = len(selection.ids)
        ExportJob.objects.filter(pk=job.pk).update(rows_total=total)
        buffer = io.StringIO()
        buffer.write(BOM)
        writer = csv.writer(buffer)
        writer.writerow(kind.header)
        done = 0
        for row in selection.rows(EXPORT_CHUNK):
            writer.writerow(row)
            done += 1
            if done % EXPORT_CHUNK == 0:
                ExportJob.objects.filter(pk=job.pk).update(rows_done=done)
        job.content = buffer.getvalue().encode("utf-8")
        job.record_ids, job.embargoed_ids = selection.ids, selection.embargoed
        job.rows_total, job.rows_done = total, done
        job.filename = kind.filename(job.requested_at)
        job.state, job.finished_at = ExportState.READY, timezone.now()
    except Exception as error:  # noqa: BLE001 - recorded on the job for its person to see; logged
        logger.exception("Export %s failed", job.pk)
        job.state, job.finished_at = ExportState.FAILED, timezone.now()
        job.error = str(error)[:2000]
        job.content = None
    job.save()
    return job


def job_for(user: Any, job_id: Any) -> ExportJob | None:
    """The export `job_id` if `user` asked for it, else None (the caller answers 404, on the trail)."""
    if not _signed_in(user):
        return None
    return ExportJob.objects.defer("content").filter(pk=job_id, requested_by=user).first()


def expired(job: ExportJob, now: dt.datetime) -> bool:
    return now >= job.requested_at + keep_for()


def unseen_records(job: ExportJob, user: Any, now: dt.datetime) -> list[int]:
    """The records in the file that `user` may not see at `now` (empty: the file may be downloaded)."""
    kind = KINDS[job.kind]
    ids = [int(pk) for pk in job.record_ids]
    if not ids:
        return []
    visible = kind.still_visible(user, now, ids)
    return [pk for pk in ids if pk not in visible]


def exports_expire(now: dt.datetime | None = None) -> int:
    """Delete the exports kept longer than EXPORT_KEEP (daily maintenance): how many."""
    now = now or timezone.now()
    deleted, _ = ExportJob.objects.filter(requested_at__lte=now - keep_for()).delete()
    return deleted
