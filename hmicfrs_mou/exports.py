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
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from hmicfrs_mou.access import signed_in
from hmicfrs_mou.csv_export import BOM
from hmicfrs_mou.models import ExportJob, ExportState

logger = logging.getLogger(__name__)

# Rows written between two writes of the progress (and read at a time from the database).
EXPORT_CHUNK = 500


# The longest the worker may spend on one export (django-q2 stops the task then): at ten times today's data
# the reports export takes about 2 s.
EXPORT_TIMEOUT = 600


# An export waiting for the worker or being prepared: a person has at most one of each kind.
WAITING = (ExportState.QUEUED, ExportState.RUNNING)
# What a job that stopped waiting records as its error (kept for the support team: neither its page, which
# says it has stopped, nor the admin shows it).
STOPPED = "Stopped: it waited longer than any export takes, and was replaced by a new one asked for."


def stale_after() -> dt.timedelta:
    """A job begun this long ago and not finished has died with its worker (django-q2 stops a task at its
    timeout): it may be run again, and its page says it has stopped. Longer than the task's timeout, so a
    live worker's job is never taken over; the queue's own redelivery of the task (Q_CLUSTER["retry"]) then
    finds it still running and leaves it."""
    return dt.timedelta(seconds=EXPORT_TIMEOUT + 30)


def stream_limit() -> int:
    """The most rows an export streams while the reader waits; a longer one is prepared by the worker."""
    return int(settings.EXPORT_STREAM_ROWS)


def keep_for() -> dt.timedelta:
    return dt.timedelta(hours=int(settings.EXPORT_KEEP_HOURS))


@dataclass(frozen=True)
class Selection:
    """What one person may export at one moment: about how many records (for the progress), the rows in
    the export's order, each with its record's id (an iterator that reads the database a chunk at a time:
    chunk size -> (id, row)), and which of the records written were seen only under an embargo.

    The file's list of records (checked again at its download) and the embargoed among them (named on the
    trail) are taken from the rows written, not from queries of their own: the data may move between two
    queries, and a record written must be a record checked and audited."""

    count: int
    rows: Callable[[int], Iterable[tuple[int, Sequence[object]]]]
    embargoed: Callable[[list[int]], list[int]]


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


def export_request(*, kind: str, by: Any, at: dt.datetime | None = None) -> ExportJob:
    """Ask the worker for a person's export of `kind`, as they may see it now: the job, queued.

    Only a signed-in, active person asks for their own export (PermissionDenied otherwise); the job is
    queued once its row is committed, so the worker never looks for a job that is not there yet. One being
    prepared for them already (asked twice, or from two tabs, even at the same moment) is given back rather
    than a second queued."""
    if not signed_in(by):
        raise PermissionDenied("Only a signed-in person may ask for an export.")
    if kind not in KINDS:
        raise ValueError(f"No export of kind {kind!r}")
    now = at or timezone.now()
    mine = ExportJob.objects.defer("content").filter(kind=kind, requested_by=by, state__in=WAITING)
    with transaction.atomic():
        # A person has at most one export of each kind waiting (a constraint: two asks at the same moment
        # make one job). One waiting past any export's time has stopped, as its page says: it is recorded as
        # failed, so that it no longer holds their place.
        mine.filter(_overdue(now)).update(state=ExportState.FAILED, finished_at=now, error=STOPPED)
        waiting = mine.first()
        if waiting is not None:
            return waiting
        try:
            with transaction.atomic():
                job = ExportJob.objects.create(kind=kind, requested_by=by, requested_at=now)
        except IntegrityError:
            # Asked at the same moment from another tab, whose job was committed first: that one is theirs.
            waiting = mine.first()
            if waiting is None:
                raise
            return waiting
        transaction.on_commit(lambda: _queue(job.pk))
    return job


def _queue(job_id: Any) -> None:
    from django_q.tasks import async_task

    async_task(
        "hmicfrs_mou.tasks.export_prepare", str(job_id), task_name=f"export {job_id}", timeout=EXPORT_TIMEOUT
    )


def _claim(job_id: Any, now: dt.datetime) -> ExportJob | None:
    """The job, marked running by this worker; None if it is done, or running elsewhere and not stale."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().select_related("requested_by").filter(pk=job_id).first()
        if job is None or job.state in (ExportState.READY, ExportState.FAILED):
            return None
        if job.state == ExportState.RUNNING and job.started_at and now - job.started_at < stale_after():
            return None
        job.state, job.started_at, job.rows_done = ExportState.RUNNING, now, 0
        job.save(update_fields=["state", "started_at", "rows_done"])
    return job


def export_run(job_id: Any, *, now: dt.datetime | None = None) -> ExportJob | None:
    """Prepare a queued export (the task): the rows its person could see when they asked, written a chunk
    at a time with the progress saved after each. Safe to run twice: a job done, or being prepared by a
    live worker, is left as it is; and only the worker holding the job (its claim's start) records the
    outcome, so one that was taken over, or whose job was deleted, writes nothing. Returns the job, or None
    when there was nothing to do."""
    claimed_at = now or timezone.now()
    job = _claim(job_id, claimed_at)
    if job is None:
        return None
    kind = KINDS.get(job.kind)
    outcome: dict[str, Any]
    try:
        if kind is None:
            raise ValueError(f"No export of kind {job.kind!r}")
        user = job.requested_by
        if not user.is_active:
            raise PermissionDenied("The person who asked for this export can no longer sign in.")
        selection = kind.select(user, job.requested_at)
        ExportJob.objects.filter(pk=job.pk, started_at=claimed_at).update(rows_total=selection.count)
        buffer = io.StringIO()
        buffer.write(BOM)
        writer = csv.writer(buffer)
        writer.writerow(kind.header)
        written: list[int] = []
        for pk, row in selection.rows(EXPORT_CHUNK):
            writer.writerow(row)
            written.append(pk)
            if len(written) % EXPORT_CHUNK == 0:
                ExportJob.objects.filter(pk=job.pk, started_at=claimed_at).update(rows_done=len(written))
        outcome = {
            "content": buffer.getvalue().encode("utf-8"),
            "record_ids": written,
            "embargoed_ids": selection.embargoed(written),
            "rows_total": len(written),
            "rows_done": len(written),
            "filename": kind.filename(job.requested_at),
            "state": ExportState.READY,
        }
    except BaseException as error:  # noqa: BLE001 - raised again below unless an ordinary error
        # Recorded on the job for its person to see, and logged; django-q2's timeout (a SystemExit) too,
        # which is then raised again for the worker to stop.
        logger.exception("Export %s failed", job.pk)
        outcome = {"state": ExportState.FAILED, "error": str(error)[:2000] or type(error).__name__}
        if not isinstance(error, Exception):
            ExportJob.objects.filter(pk=job.pk, started_at=claimed_at).update(
                **outcome, finished_at=timezone.now()
            )
            raise
    ExportJob.objects.filter(pk=job.pk, started_at=claimed_at).update(**outcome, finished_at=timezone.now())
    return ExportJob.objects.filter(pk=job.pk).first()


def job_for(user: Any, job_id: Any) -> ExportJob | None:
    """The export `job_id` if `user` asked for it, else None (the caller answers 404, on the trail)."""
    if not signed_in(user):
        return None
    return ExportJob.objects.defer("content").filter(pk=job_id, requested_by=user).first()


def expired(job: ExportJob, now: dt.datetime) -> bool:
    return now >= job.requested_at + keep_for()


def overdue(job: ExportJob, now: dt.datetime) -> bool:
    """Waiting or being prepared for longer than any export takes: its worker has died or is not running."""
    begun = job.started_at or job.requested_at
    return job.state in WAITING and now - begun >= stale_after()


def _overdue(now: dt.datetime) -> Q:
    """`overdue`, as a condition on the jobs waiting."""
    cutoff = now - stale_after()
    return Q(started_at__isnull=True, requested_at__lte=cutoff) | Q(started_at__lte=cutoff)


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
