"""Keeps the findings register's rows (RegisterRow) in step with the findings, their reports and states.

Receivers rather than calls from inspections: inspections sits below monitoring and does not know the
register exists. Every write to a finding, a report or a register state in the portal goes through a
model's save(), so these see each one; a bulk write (bulk_create, QuerySet.update) does not send them and
must write the rows itself, as benchmarks/generate_monitoring.py does.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from inspections.models import RELEASED_STATES, Finding, FindingKind, Report
from monitoring.models import FindingState, FindingStatus, RegisterRow

KIND_ORDER = {FindingKind.CAUSE_OF_CONCERN: 0, FindingKind.RECOMMENDATION: 1}


def kind_order(kind: str) -> int:
    """Causes of concern, recommendations, then areas for improvement."""
    return KIND_ORDER.get(FindingKind(kind), 2)


def public_from(report: Report) -> Any:
    """From when everyone may see the report's findings: its publication moment once it is fixed."""
    return report.publication_at if report.state in RELEASED_STATES else None


@receiver(post_save, sender=Finding, dispatch_uid="register_row_for_finding")
def finding_saved(sender: type[Finding], instance: Finding, **kwargs: Any) -> None:
    report = instance.report
    RegisterRow.objects.update_or_create(
        finding=instance,
        defaults={
            "area_id": instance.area_id,
            "report": report,
            "kind_order": kind_order(instance.kind),
            "reference": instance.reference,
            "public_from": public_from(report),
        },
        create_defaults={
            "area_id": instance.area_id,
            "report": report,
            "kind_order": kind_order(instance.kind),
            "reference": instance.reference,
            "public_from": public_from(report),
            "status": FindingStatus.AWAITING_REVIEW,
        },
    )


@receiver(post_save, sender=Report, dispatch_uid="register_rows_for_report")
def report_saved(sender: type[Report], instance: Report, **kwargs: Any) -> None:
    RegisterRow.objects.filter(report=instance).exclude(public_from=public_from(instance)).update(
        public_from=public_from(instance)
    )


@receiver(post_save, sender=FindingState, dispatch_uid="register_row_status")
def state_saved(sender: type[FindingState], instance: FindingState, **kwargs: Any) -> None:
    RegisterRow.objects.filter(finding_id=instance.finding_id).update(status=instance.status)
