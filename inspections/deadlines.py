"""D1–D4 with the deadline engine: reminders to the HMICFRS staff responsible for each report."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from contacts.models import Organisation
from contacts.selectors import office_of_area, people_acting_for
from hmicfrs_mou.deadlines import (
    Computed,
    explain_diary_note,
    explain_hours_before,
    explain_working_days_task,
)
from hmicfrs_mou.models import LIVE_STATES, Deadline
from hmicfrs_mou.reminders import DeadlineKind, deadline_register, register_kind
from inspections.models import Inspection, Report, ReportKind

# (deadline kind, deadline rule id, publishing rule id, plain words for the moment counted from)
DISTRIBUTION_KIND = {
    ReportKind.FORCE_SPECIFIC: ("embargo_single_body", "D1", "U3", "Publication"),
    ReportKind.OTHER: ("embargo_other", "D2", "U4", "Publication"),
    ReportKind.ACCELERATED_CAUSE_OF_CONCERN: ("accelerated_coc_notice", "D4", "U5", "Issue"),
}
for code, rule, _, _ in DISTRIBUTION_KIND.values():
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
    _, rule, _, lead = DISTRIBUTION_KIND[ReportKind(report.kind)]
    if report.publication_at is None:
        raise ValueError("The report has no publication moment yet.")
    return explain_hours_before(report.publication_at, report.embargo_hours, rule=rule, lead=lead)


def register_report_deadlines(report: Report, *, now: dt.datetime) -> None:
    """Register (or move) the distribution and diary-note deadlines of a scheduled report."""
    responsible = [report.inspection.lead, *report.inspection.team.all()]
    code, _, _, _ = DISTRIBUTION_KIND[ReportKind(report.kind)]
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


# --- I8: the chief's office updates the PCC on a significant concern ---------------------------------------

PCC_UPDATE_KIND = "pcc_update"
register_kind(
    DeadlineKind(
        code=PCC_UPDATE_KIND,
        rule="I8",
        label="Update the PCC on a significant concern",
        before_days=(2, 1),
        escalate_after_days=None,
    )
)

# The MOU sets no period: where a debrief or draft shows significant concern "the chief keeps the PCC
# updated". The portal asks for the first update within five working days of the concern being flagged, so
# that it can be tracked and shown to both offices: the period the MOU itself gives for a written follow-up
# (M9), long enough for the chief's office to take stock of the concern, and short enough that the PCC hears
# of it while the draft is still being checked for factual accuracy (a window of about two weeks). A setting.
PCC_UPDATE_WORKING_DAYS = getattr(settings, "PCC_UPDATE_WORKING_DAYS", 5)


def pcc_update_due(flagged_at: dt.datetime) -> Computed:
    """I8: the update is due by the end of the fifth England-and-Wales working day after the concern was flagged."""
    return explain_working_days_task(
        timezone.localdate(flagged_at), PCC_UPDATE_WORKING_DAYS, rule="I8", lead="Significant concern flagged"
    )


def _pcc_update_prefix(area: Organisation | int, inspection: Inspection | int | None = None) -> str:
    area_pk = getattr(area, "pk", area)
    if inspection is None:
        return f"pcc-update:area{area_pk}:"
    return f"pcc-update:area{area_pk}:inspection{getattr(inspection, 'pk', inspection)}:"


def register_pcc_update_deadline(
    *,
    inspection: Inspection,
    area: Organisation,
    source: str,
    source_pk: int,
    flagged_at: dt.datetime,
    now: dt.datetime,
) -> Deadline:
    """I8: a task on the chief's office of `area` to update its PCC; the PCC's office is told it is coming.

    `source` is "debrief" or "report": the record flagged with significant concern.
    """
    on = timezone.localdate(now)
    office = office_of_area(area, on)
    what = "debrief" if source == "debrief" else "draft report"
    return deadline_register(
        kind=PCC_UPDATE_KIND,
        subject_type=f"inspections.{source}",
        subject_id=source_pk,
        key=f"{_pcc_update_prefix(area, inspection)}{source}{source_pk}",
        title=f"Update the PCC on the significant concern shown in the {what} of “{inspection.title}” ({area})",
        due=pcc_update_due(flagged_at),
        subject_created_at=flagged_at,
        responsible=people_acting_for([area]),
        informed=people_acting_for([office]) if office else [],
        url="/inspections/debriefs-and-updates/",
        now=now,
        reason="Significant concern flagged",
    )


def pcc_update_deadlines(areas: list[int], inspection: Inspection | None = None) -> QuerySet:
    """I8: the live update tasks for these forces/FRSs (of one inspection, if given), soonest first."""
    if not areas:
        return Deadline.objects.none()
    condition = Q()
    for area in areas:
        condition |= Q(key__startswith=_pcc_update_prefix(area, inspection))
    return Deadline.objects.filter(condition, kind=PCC_UPDATE_KIND, state__in=LIVE_STATES).order_by(
        "due_at", "pk"
    )
