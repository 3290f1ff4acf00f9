"""Background tasks (django-q2). Thin: each calls a service; each is safe to run twice."""

from __future__ import annotations

from django.utils import timezone

from contacts.deadlines import cadence_deadlines_sync
from contacts.models import User
from contacts.services import access_sync
from hmicfrs_mou.exports import export_run, exports_expire
from hmicfrs_mou.outbox import outbox_send
from hmicfrs_mou.reminders import deadlines_recompute, sweep
from inspections.services import reports_due_notices
from responses.tallies import tallies_rebuild


def sweep_reminders() -> dict[str, int]:
    """Every minute: send what is due (hmicfrs_mou.reminders)."""
    run = sweep()
    return {"due": run.due, "sent": run.sent, "late": run.late, "failed": run.failed}


def send_outbox() -> dict[str, int]:
    """Every minute: email the notices waiting, and the morning emails from 08:00 (hmicfrs_mou.outbox)."""
    return outbox_send()


def export_prepare(job_id: str) -> dict[str, object]:
    """Queued when a person asks for a long CSV export: prepare it (hmicfrs_mou.exports), and delete those
    past their keeping (the daily task does too; here they go within the hour of their end whenever the
    portal is used)."""
    exports_expire()
    job = export_run(job_id)
    return {"job": job_id, "state": job.state if job else "nothing to do"}


def daily_maintenance() -> dict[str, int]:
    """Daily: appointments that start or end today take effect; deadlines follow the calendar and their
    subjects; the response timeliness tallies are recounted; exports past their keeping are deleted."""
    today = timezone.localdate()
    people = 0
    for person in User.objects.filter(is_active=True).iterator():
        access_sync(person=person, on=today)
        people += 1
    pairs = cadence_deadlines_sync()
    moved = deadlines_recompute()
    # The services keep the tallies current; recounting them all nightly mends any a bulk change missed.
    tallies = tallies_rebuild()
    exports = exports_expire()
    return {
        "people": people,
        "cadence_pairs": pairs,
        "moved": moved,
        "response_tallies": tallies,
        "exports_deleted": exports,
    }


def report_notices() -> dict[str, int]:
    """Every minute: tell recipients an embargo window has opened, and that a report is published."""
    return reports_due_notices()
