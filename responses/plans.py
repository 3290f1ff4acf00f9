"""FRS action plans (U8): who may see and work on them, and the writes. The one place that decides it.

The national framework asks every fire authority, a PFCC or mayor included, to prepare, update and
regularly publish an action plan showing how each recommendation of an HMICFRS report is actioned.
A plan belongs to one FRS and one published report with recommendations for that FRS.

| record                                   | who                                                               |
|------------------------------------------|-------------------------------------------------------------------|
| the working plan: items, dated updates   | staff acting for the body governing the FRS on the day (read, write, publish); the FRS's chief fire officer's office and HMICFRS (read) |
| published versions                       | the same people; the public sees the latest published version only |

"The body governing the FRS" is asked of `Governance` for the day, never stored: when fire governance
moves (Cumbria County Council to the PFCC in 2023, North Yorkshire's PFCC to the mayor in 2024) the
plan moves with it. People act for a governing body through its office (an OPCC's staff act for the
office and for the body it serves); a fire authority or county council has no office in the
directory, so nobody can work on its plans yet (see `can_edit_plan`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone, translation

from contacts.models import Organisation, OrganisationKind, User
from contacts.selectors import (
    areas_governed_by,
    governing_body_of_area,
    is_hmicfrs_staff,
    organisations_acted_for,
)
from hmicfrs_mou.access import moment, not_found, signed_in
from hmicfrs_mou.audit import audit_record
from hmicfrs_mou.models import AuditAction
from inspections.models import Finding, FindingKind, Report, published_condition
from responses.access import require_action_plan_editor
from responses.models import ActionPlanItem, ActionPlanUpdate, ActionPlanVersion, ActionStatus

PLAN_OBJECT_TYPE = "responses.actionplan"

# A plan is identified by a report and one of its areas: the report–area link row.
PlanKey = Report.areas.through


# --- who -------------------------------------------------------------------------------------------


def reads_every_plan(user: Any, at: dt.datetime | None = None) -> bool:
    """HMICFRS staff read every FRS's plan (they see when it was last updated)."""
    return is_hmicfrs_staff(user, timezone.localdate(moment(at)))


def _governed_areas(user: Any, on: dt.date) -> QuerySet:
    """Ids (`area_id`) of the FRSs governed on the day by a body the user acts for."""
    bodies = organisations_acted_for(user).filter(kind=OrganisationKind.GOVERNING_BODY)
    return areas_governed_by(bodies, on, kind=OrganisationKind.FIRE_RESCUE_SERVICE)


def _chief_office_areas(user: Any) -> QuerySet:
    """Ids of the FRSs whose chief fire officer's office the user works in."""
    return organisations_acted_for(user).filter(kind=OrganisationKind.FIRE_RESCUE_SERVICE).values("pk")


def can_edit_plan(user: Any, area: Organisation, at: dt.datetime | None = None) -> bool:
    """U8: the fire authority prepares, updates and publishes its plan: people acting for the body
    governing the FRS on the day. For a PFCC or a mayor that is its office's staff; a fire authority's
    or county council's own staff have no role in the directory, so nobody can act for them yet."""
    if not signed_in(user) or area.kind != OrganisationKind.FIRE_RESCUE_SERVICE:
        return False
    return _governed_areas(user, timezone.localdate(moment(at))).filter(area_id=area.pk).exists()


# --- which plans ------------------------------------------------------------------------------------


def editable_area_ids(user: Any, at: dt.datetime | None = None) -> set[int]:
    """The FRSs whose plans the user may work on at the moment (one query)."""
    if not signed_in(user):
        return set()
    return set(_governed_areas(user, timezone.localdate(moment(at))).values_list("area_id", flat=True))


def recommendations_for(report: Report, area: Organisation) -> QuerySet:
    """The report's recommendations for this FRS, in the order they were made."""
    return Finding.objects.filter(report=report, area=area, kind=FindingKind.RECOMMENDATION).order_by("pk")


def plan_keys() -> QuerySet:
    """The report–area links that can be plans, whatever the moment: an FRS's (a police force's link to a
    report has a PCC's response, not a plan). The search narrows to these before it reads further."""
    return PlanKey.objects.filter(organisation__kind=OrganisationKind.FIRE_RESCUE_SERVICE)


def _plans_at(at: dt.datetime) -> QuerySet:
    """Every plan there is at the moment: an FRS of a published report with recommendations for it."""
    recommendations = Finding.objects.filter(
        report_id=OuterRef("report_id"),
        area_id=OuterRef("organisation_id"),
        kind=FindingKind.RECOMMENDATION,
    )
    return plan_keys().filter(published_condition(at, via="report")).filter(Exists(recommendations))


def action_plans_visible_to(user: Any, at: dt.datetime | None = None) -> QuerySet:
    """The plans (report–FRS link rows) the user may read at the moment: the governing body's staff,
    the FRS's chief fire officer's office, HMICFRS. Visitors read published versions only, elsewhere."""
    at = moment(at)
    if not signed_in(user):
        return PlanKey.objects.none()
    plans = _plans_at(at)
    if reads_every_plan(user, at):
        return plans
    return plans.filter(
        Q(organisation_id__in=_governed_areas(user, timezone.localdate(at)))
        | Q(organisation_id__in=_chief_office_areas(user))
    )


def plan_rows(user: Any, at: dt.datetime | None = None) -> QuerySet:
    """The plans the user may read, with when each was last updated and last published, and whether
    every recommendation has an action; a fixed number of queries however many plans there are."""
    at = moment(at)
    items = ActionPlanItem.objects.filter(
        finding__report_id=OuterRef("report_id"), area_id=OuterRef("organisation_id")
    )
    versions = ActionPlanVersion.objects.filter(
        report_id=OuterRef("report_id"), area_id=OuterRef("organisation_id")
    )
    recommendations = Finding.objects.filter(
        report_id=OuterRef("report_id"), area_id=OuterRef("organisation_id"), kind=FindingKind.RECOMMENDATION
    )
    return (
        action_plans_visible_to(user, at)
        .select_related("report", "organisation")
        .annotate(
            last_updated_at=Subquery(
                items.order_by().values("area_id").annotate(latest=Max("updated_at")).values("latest")[:1]
            ),
            last_published_at=Subquery(versions.order_by("-version").values("published_at")[:1]),
            last_version=Subquery(versions.order_by("-version").values("version")[:1]),
            recommendation_count=Subquery(
                recommendations.order_by().values("report_id").annotate(n=Count("pk")).values("n")[:1]
            ),
            item_count=Subquery(items.order_by().values("area_id").annotate(n=Count("pk")).values("n")[:1]),
        )
        .order_by("-report__publication_at", "organisation__name", "pk")
    )


@dataclass(frozen=True)
class Plan:
    """One FRS's action plan for one report, as the user may see it."""

    report: Report
    area: Organisation
    can_edit: bool


def get_plan_for_user(
    request: HttpRequest, report_pk: int, area_pk: int, at: dt.datetime | None = None
) -> Plan:
    """The plan, or 404 (audited) when there is none or the user may not read it."""
    at = moment(at)
    key = (
        action_plans_visible_to(request.user, at)
        .select_related("report__inspection", "organisation")
        .filter(report_id=report_pk, organisation_id=area_pk)
        .first()
    )
    if key is None:
        raise not_found(request, object_type=PLAN_OBJECT_TYPE, object_id=f"{report_pk}/{area_pk}")
    return Plan(
        report=key.report, area=key.organisation, can_edit=can_edit_plan(request.user, key.organisation, at)
    )


def latest_published_version(
    report_pk: int, area_pk: int, at: dt.datetime | None = None
) -> ActionPlanVersion | None:
    """The public's view: the latest version published by the moment, of a published report."""
    at = moment(at)
    return (
        ActionPlanVersion.objects.filter(
            published_condition(at, via="report"), report_id=report_pk, area_id=area_pk, published_at__lte=at
        )
        .select_related("report", "area")
        .order_by("-version")
        .first()
    )


# --- writes ----------------------------------------------------------------------------------------


def _check_editor(*, by: User, report: Report, area: Organisation, now: dt.datetime) -> None:
    require_action_plan_editor(by, area, now, "prepare, update and publish its action plan")
    if not report.is_published(now):
        raise ValidationError(
            "An action plan answers a published report: this report is not published yet."  # U8
        )


@transaction.atomic
def action_plan_item_save(
    *,
    finding: Finding,
    action: str,
    owner: str,
    target_on: dt.date | None,
    status: str,
    by: User,
    now: dt.datetime | None = None,
) -> ActionPlanItem:
    """U8: the action for one recommendation of an FRS report: what, who owns it, by when, how far.

    Refused, with nothing changed: a finding that is not a recommendation for an FRS of the report;
    a report not yet published; someone not acting for the FRS's governing body; a missing part;
    a target date already past for a new action (or changed to a past date on an existing one).
    """
    now = now or timezone.now()
    finding = Finding.objects.select_related("report", "area").get(pk=finding.pk)
    area = finding.area
    if (
        finding.kind != FindingKind.RECOMMENDATION
        or area is None
        or area.kind != OrganisationKind.FIRE_RESCUE_SERVICE
        or not finding.report.areas.filter(pk=area.pk).exists()
    ):
        raise ValidationError(
            "An action plan answers the recommendations of a fire and rescue service report: "  # U8
            f"{finding.reference} is not one."
        )
    _check_editor(by=by, report=finding.report, area=area, now=now)
    item = ActionPlanItem.objects.select_for_update().filter(finding=finding).first()
    errors: dict[str, str] = {}
    if not action.strip():
        errors["action"] = "Enter the action being taken."
    if not owner.strip():
        errors["owner"] = "Enter who owns the action."
    today = timezone.localdate(now)
    if target_on is None:
        errors["target_on"] = "Enter the target date."
    elif target_on < today and (item is None or target_on != item.target_on):
        errors["target_on"] = "The target date must be today or in the future."
    if status not in ActionStatus.values:
        errors["status"] = "Choose the status of the action."
    if errors:
        raise ValidationError(errors)
    created = item is None
    if created:
        item = ActionPlanItem(finding=finding, area=area)
    before = (
        {}
        if created
        else {
            "action": item.action,
            "owner": item.owner,
            "target_on": str(item.target_on),
            "status": item.status,
        }
    )
    item.action, item.owner, item.target_on, item.status = action.strip(), owner.strip(), target_on, status
    item.updated_at = now
    item.full_clean()
    item.save()
    audit_record(
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        actor=by,
        obj=item,
        detail={
            "finding": finding.reference,
            "status": status,
            "target_on": str(target_on),
            "before": before,
        },
    )
    return item


@transaction.atomic
def action_plan_update_add(
    *, item: ActionPlanItem, text: str, status: str, by: User, now: dt.datetime | None = None
) -> ActionPlanUpdate:
    """U8: a dated progress update on one action; the action takes the update's status."""
    now = now or timezone.now()
    item = (
        ActionPlanItem.objects.select_for_update().select_related("finding__report", "area").get(pk=item.pk)
    )
    _check_editor(by=by, report=item.finding.report, area=item.area, now=now)
    errors = {}
    if not text.strip():
        errors["text"] = "Enter the update."
    if status not in ActionStatus.values:
        errors["status"] = "Choose the status of the action."
    if errors:
        raise ValidationError(errors)
    update = ActionPlanUpdate(item=item, text=text.strip(), status=status, by=by, at=now)
    update.full_clean()
    update.save()
    item.status, item.updated_at = status, now
    item.save(update_fields=["status", "updated_at"])
    audit_record(
        action=AuditAction.CREATE,
        actor=by,
        obj=update,
        detail={"finding": item.finding.reference, "status": status},
    )
    return update


def _stored_label(label: Any) -> str:
    """A choice label as a published version stores it: in the source language, whoever publishes."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(label)


def plan_snapshot(*, report: Report, area: Organisation, body: Organisation | None) -> dict[str, Any]:
    """What a published version holds: the plan as it stands, without staff names."""
    items = {
        item.finding_id: item
        for item in ActionPlanItem.objects.filter(finding__report=report, area=area).prefetch_related(
            "updates"
        )
    }
    entries = []
    for finding in recommendations_for(report, area):
        item = items[finding.pk]
        entries.append(
            {
                "reference": finding.reference,
                "recommendation": finding.text,
                "action": item.action,
                "owner": item.owner,
                "target_on": item.target_on.isoformat(),
                "status": item.status,
                "status_label": _stored_label(ActionStatus(item.status).label),
                "updated_at": item.updated_at.isoformat(),
                "updates": [
                    {
                        "at": update.at.isoformat(),
                        "text": update.text,
                        "status": update.status,
                        "status_label": _stored_label(ActionStatus(update.status).label),
                    }
                    for update in item.updates.all()
                ],
            }
        )
    return {
        "report": {"pk": report.pk, "title": report.title},
        "area": {"pk": area.pk, "name": area.name},
        "fire_authority": body.name if body else "",
        "items": entries,
    }


@transaction.atomic
def action_plan_publish(
    *, report: Report, area: Organisation, by: User, now: dt.datetime | None = None
) -> ActionPlanVersion:
    """U8: publish the plan as it stands as the next version (1, 2, …); earlier versions are kept.

    Refused, with nothing changed, unless every recommendation for the FRS has an action.
    """
    now = now or timezone.now()
    # Lock the report row: two publications at once still get consecutive version numbers.
    report = Report.objects.select_for_update().get(pk=report.pk)
    if area.kind != OrganisationKind.FIRE_RESCUE_SERVICE or not report.areas.filter(pk=area.pk).exists():
        raise ValidationError(f"{area.name} is not a fire and rescue service this report is about.")
    _check_editor(by=by, report=report, area=area, now=now)
    recommendations = list(recommendations_for(report, area))
    if not recommendations:
        raise ValidationError(f"The report has no recommendations for {area.name}.")
    answered = set(
        ActionPlanItem.objects.filter(finding__in=recommendations).values_list("finding_id", flat=True)
    )
    missing = [finding.reference for finding in recommendations if finding.pk not in answered]
    if missing:
        raise ValidationError(
            "Every recommendation needs an action before the plan is published. Still to do: "  # U8
            + ", ".join(missing)
            + "."
        )
    latest = (
        ActionPlanVersion.objects.filter(report=report, area=area).aggregate(latest=Max("version"))["latest"]
        or 0
    )
    version = ActionPlanVersion(
        report=report,
        area=area,
        version=latest + 1,
        published_at=now,
        published_by=by,
        content=plan_snapshot(
            report=report, area=area, body=governing_body_of_area(area, timezone.localdate(now))
        ),
    )
    version.full_clean()
    version.save()
    audit_record(
        action=AuditAction.CREATE, actor=by, obj=version, detail={"version": version.version, "area": area.pk}
    )
    return version
