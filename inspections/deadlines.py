"""D1–D4 with the deadline engine: reminders to the HMICFRS staff responsible for each report."""

from __future__ import annotations

import datetime as dt

from hmicfrs_mou.deadlines import Computed, explain_diary_note, explain_hours_before
from hmicfrs_mou.reminders import DeadlineKind, deadline_register, register_kind
from inspections.models import Report, ReportKind

DISTRIBUTION_KIND = {
    ReportKind.FORCE_SPECIFIC: ("embargo_single_body", "D1", "U3"),
    ReportKind.OTHER: ("embargo_other", "D2", "U4"),
    ReportKind.ACCELERATED_CAUSE_OF_CONCERN: ("accelerated_coc_notice", "D4", "U5"),
}
for code, rule, _ in DISTRIBUTION_KIND.values():
    register_kind(
        DeadlineKind(
            code=code, rule=rule, label="Embargoed copy out", before_days=(7, 1), escalate_after_days=None
        )
    )
register_kind(
    DeadlineKind(code="diary_note", rule="D3", label="Diary note", before_days=(1,), escalate_after_days=None)
)


def distribution_due(report: Report) -> Computed:
    """D1/D2/D4: the latest moment the embargoed copy may go out."""
    _, rule, _ = DISTRIBUTION_KIND[ReportKind(report.kind)]
    if report.publication_at is None:
        raise ValueError("The report has no publication moment yet.")
    return explain_hours_before(report.publication_at, report.embargo_hours, rule=rule)


def register_report_deadlines(report: Report, *, now: dt.datetime) -> None:
    """Register (or move) the distribution and diary-note deadlines of a scheduled report."""
    responsible = [report.inspection.lead, *report.inspection.team.all()]
    code, _, _ = DISTRIBUTION_KIND[ReportKind(report.kind)]
    url = f"/inspections/reports/{report.pk}/"
    # Once the copy has gone there is nothing left to remind anyone to send.
    already_sent = report.distribution_notified_at is not None or (
        report.distribution_at is not None and report.distribution_at <= now
    )
    if not report.immediate_release and not already_sent:
        deadline_register(
            kind=code,
            subject_type="inspections.report",
            subject_id=report.pk,
            key=f"report:{report.pk}",
            title=f"Send the embargoed copy of “{report.title}”",
            due=distribution_due(report),
            subject_created_at=report.created_at,
            responsible=responsible,
            url=url,
            now=now,
            reason="Publication moment changed",
        )
    if report.kind != ReportKind.ACCELERATED_CAUSE_OF_CONCERN:
        start = explain_diary_note(report.publication_at)
        deadline_register(
            kind="diary_note",
            subject_type="inspections.report",
            subject_id=report.pk,
            key=f"diary:{report.pk}",
            title=f"Send the diary note for “{report.title}”",
            due=Computed(report.publication_at, start.working),
            subject_created_at=report.created_at,
            responsible=responsible,
            url=url,
            now=now,
            reason="Publication moment changed",
        )
