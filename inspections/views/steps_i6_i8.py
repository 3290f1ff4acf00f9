"""Debriefs (I6), the chief's updates to the PCC (I8) and a draft flagged with significant concern.

| page                                | who acts                                             | others                |
|-------------------------------------|------------------------------------------------------|-----------------------|
| record a debrief (I6)               | the inspection team, from the inspection page        | 403 if they see the inspection, else 404 |
| a debrief and its notes (I6)        | read by the team, the force/FRS, the PCC only if invited (police) or the PFCC (FRS); every read of the notes audited; an attendee's office acknowledges confidentiality before reading, until publication | 404, audited |
| PCC's attendance (I6, police)       | the chief officer's office of the force              | 403 / 404             |
| debriefs and updates (I6, I8)       | the chief's office (updates owed) and the PCC's office (updates expected, received) | an empty page |
| update to the PCC (I8)              | the chief officer's office of the area               | 403 / 404             |
| flag a draft with concern (I8)      | the inspection team                                  | 403 / 404             |

Thin views: fetched through inspections.access, changed through inspections.services (which check the
actor again), a refusal shown on the form with nothing changed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from contacts.models import Organisation, OrganisationKind
from hmicfrs_mou.access import not_found
from hmicfrs_mou.audit import audit_record
from hmicfrs_mou.form_pages import form_page, posted
from hmicfrs_mou.models import AuditAction
from inspections import services
from inspections.access import (
    chief_updates_visible_to,
    debrief_attends_for,
    debrief_published,
    debriefs_visible_to,
    get_debrief_for_user,
    inspections_visible_to,
    is_team_member,
    office_areas,
)
from inspections.deadlines import pcc_update_deadlines
from inspections.forms_i6_i8 import (
    AcknowledgeForm,
    AttendanceDecisionForm,
    ChiefUpdateForm,
    DebriefForm,
    FlagConcernForm,
)
from inspections.forms_steps import yes_no
from inspections.models import ConfidentialityAcknowledgement, Debrief, Report
from inspections.views.workspace import _team_inspection, _team_report

LISTED = 50


def _debrief_url(debrief: Debrief) -> str:
    return reverse("inspections:debrief", kwargs={"pk": debrief.pk})


def _hub_url() -> str:
    return reverse("inspections:debriefs-and-updates")


# --- I6: the team records a debrief --------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def debrief_new(request: HttpRequest, pk: int) -> HttpResponse:
    """I6: the team records the debrief (a preliminary view, never graded) from the inspection page."""
    now = timezone.now()
    inspection = _team_inspection(request, pk, now)
    return form_page(
        request,
        form=DebriefForm(posted(request), areas=inspection.areas.order_by("name")),
        template="inspections/debriefs/debrief_form.html",
        context={"inspection": inspection},
        perform=lambda data: services.debrief_record(
            inspection=inspection,
            area=data["area"],
            held_on=data["held_on"],
            notes=data["notes"],
            significant_concern=data["significant_concern"],
            by=request.user,
            now=now,
        ),
        done=lambda d: (
            gettext(
                "Debrief recorded. The chief officer's office has been asked to decide whether the PCC attends."
            )
            if d.area.kind == OrganisationKind.POLICE_FORCE
            else gettext("Debrief recorded. The chief officer's office has been told.")
        ),
        then=_debrief_url,
    )


# --- I6: a debrief, its notes and who attends ---------------------------------------------------------------


def _acknowledgements(debrief: Debrief) -> list[ConfidentialityAcknowledgement]:
    return list(debrief.acknowledgements.select_related("person", "organisation").order_by("at", "pk"))


@login_required
@require_GET
def debrief_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """I6: the debrief. An attendee's office acknowledges confidentiality before it reads the notes (until
    publication); every showing of the notes is one row on the audit trail."""
    now = timezone.now()
    user = request.user
    debrief = get_debrief_for_user(request, pk, now)
    acknowledgements = _acknowledgements(debrief)
    attends_for = debrief_attends_for(user, debrief, now)
    published = debrief_published(debrief, now)
    acknowledged = any(ack.person_id == user.pk for ack in acknowledgements)
    must_acknowledge = attends_for is not None and not published and not acknowledged
    if not must_acknowledge:
        # I6: every read of the notes is on the audit trail, one row per page shown.
        audit_record(action=AuditAction.VIEW, obj=debrief, request=request)
    police = debrief.area.kind == OrganisationKind.POLICE_FORCE
    is_chief_office = attends_for is not None and attends_for.pk == debrief.area_id
    return render(
        request,
        "inspections/debriefs/debrief.html",
        {
            "debrief": debrief,
            "inspection": debrief.inspection,
            "team": is_team_member(user, debrief.inspection, now),
            "show_notes": not must_acknowledge,
            "ack_form": AcknowledgeForm() if must_acknowledge else None,
            "acknowledgements": acknowledgements,
            "attends_for": attends_for,
            "published": published,
            "police": police,
            "can_decide": police
            and is_chief_office
            and debrief.attendance_decided_at is None
            and not published,
            "deadlines": pcc_update_deadlines([debrief.area_id], debrief.inspection)
            if debrief.significant_concern
            else [],
            "now": now,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def debrief_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    """I6: an attendee acknowledges that the debrief is confidential until publication (then reads it)."""
    now = timezone.now()
    debrief = get_debrief_for_user(request, pk, now)
    if debrief_attends_for(request.user, debrief, now) is None:
        raise PermissionDenied
    return form_page(
        request,
        form=AcknowledgeForm(posted(request)),
        template="inspections/debriefs/acknowledge.html",
        context={"debrief": debrief, "inspection": debrief.inspection},
        perform=lambda data: services.debrief_acknowledge(
            debrief=debrief, confirmed=data["confirmed"], by=request.user, now=now
        ),
        done=gettext(
            "Thank you: your acknowledgement is recorded. Keep the debrief confidential until publication."
        ),
        then=_debrief_url(debrief),
    )


@login_required
@require_http_methods(["GET", "POST"])
def debrief_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """I6 (police): the chief officer's office decides whether the PCC attends."""
    now = timezone.now()
    debrief = get_debrief_for_user(request, pk, now)
    attends_for = debrief_attends_for(request.user, debrief, now)
    if attends_for is None or attends_for.pk != debrief.area_id:
        raise PermissionDenied
    return form_page(
        request,
        form=AttendanceDecisionForm(posted(request)),
        template="inspections/debriefs/attendance.html",
        context={"debrief": debrief, "inspection": debrief.inspection},
        perform=lambda data: services.debrief_attendance_decide(
            debrief=debrief, pcc_attends=yes_no(data["pcc_attends"]), by=request.user, now=now
        ),
        done=lambda d: (
            gettext("Decision recorded: the PCC attends the debrief. The PCC's office has been told.")
            if d.pcc_invited
            else gettext(
                "Decision recorded: the PCC does not attend the debrief. The PCC's office has been told."
            )
        ),
        then=_debrief_url(debrief),
        instance=debrief,
    )


# --- I6, I8: the offices' page: debriefs, updates owed or expected, updates sent or received -------------------


@login_required
@require_GET
def debriefs_and_updates(request: HttpRequest) -> HttpResponse:
    """The chief's office and the PCC's office: their debriefs (without the notes), the updates to the PCC owed
    (chief's office) or expected (PCC's office), with their deadlines, and the updates sent or received."""
    now = timezone.now()
    user = request.user
    chief_areas, governed = office_areas(user, now)
    debriefs = list(
        debriefs_visible_to(user, now)
        .filter(area_id__in=[*chief_areas, *governed])
        .select_related("inspection", "area")
        .prefetch_related(
            Prefetch(
                "acknowledgements",
                queryset=ConfidentialityAcknowledgement.objects.filter(person=user),
                to_attr="mine",
            )
        )
        .order_by("-held_on", "-pk")[:LISTED]
    )
    owed = list(pcc_update_deadlines(chief_areas)[:LISTED])
    expected = list(pcc_update_deadlines([a for a in governed if a not in chief_areas])[:LISTED])
    updates = list(
        chief_updates_visible_to(user, now)
        .select_related("inspection", "area", "by")
        .order_by("-at", "-pk")[:LISTED]
    )
    concerns = _concerns(chief_areas, now)
    return render(
        request,
        "inspections/debriefs/hub.html",
        {
            "debriefs": [
                {"debrief": d, "chief": d.area_id in chief_areas, "acknowledged": bool(d.mine)}
                for d in debriefs
            ],
            "owed": owed,
            "expected": expected,
            "updates": updates,
            "concerns": concerns,
            "is_chief_office": bool(chief_areas),
            "is_pcc_office": bool(governed),
            "now": now,
        },
    )


def _concerns(chief_areas: list[int], now: dt.datetime) -> list[dict[str, Any]]:
    """(inspection, area) pairs of the chief's office with a significant concern flagged: where it may send an
    update to the PCC. Two queries, whatever the number."""
    if not chief_areas:
        return []
    pairs: dict[tuple[int, int], dict[str, Any]] = {}
    for debrief in Debrief.objects.filter(
        area_id__in=chief_areas, significant_concern=True, recorded_at__lte=now
    ).select_related("inspection", "area"):
        pairs.setdefault(
            (debrief.inspection_id, debrief.area_id), {"inspection": debrief.inspection, "area": debrief.area}
        )
    for row in Report.areas.through.objects.filter(
        report__significant_concern_at__lte=now, organisation_id__in=chief_areas
    ).select_related("report__inspection", "organisation"):
        pairs.setdefault(
            (row.report.inspection_id, row.organisation_id),
            {"inspection": row.report.inspection, "area": row.organisation},
        )
    return sorted(pairs.values(), key=lambda pair: (pair["inspection"].title, pair["area"].name))[:LISTED]


@login_required
@require_http_methods(["GET", "POST"])
def chief_update_new(request: HttpRequest, pk: int, area_pk: int) -> HttpResponse:
    """I8: the chief officer's office sends an update to its PCC on a significant concern."""
    now = timezone.now()
    inspection = inspections_visible_to(request.user, now).filter(pk=pk).first()
    if inspection is None:
        raise not_found(request, object_type="inspections.inspection", object_id=pk)
    area = inspection.areas.filter(pk=area_pk).first()
    if area is None:
        raise not_found(request, object_type="contacts.organisation", object_id=area_pk)
    chief_areas, _governed = office_areas(request.user, now)
    if area.pk not in chief_areas:
        raise PermissionDenied
    return form_page(
        request,
        form=ChiefUpdateForm(posted(request)),
        template="inspections/debriefs/update_form.html",
        context={
            "inspection": inspection,
            "area": area,
            "deadlines": pcc_update_deadlines([area.pk], inspection),
            "now": now,
        },
        perform=lambda data: services.chief_update_record(
            inspection=inspection, area=area, text=data["text"], by=request.user, now=now
        ),
        done=gettext("Update sent to the PCC's office."),
        then=_hub_url(),
    )


# --- I8: the team flags a draft with significant concern ------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def report_flag_concern(request: HttpRequest, pk: int) -> HttpResponse:
    """I8: the team flags a draft as showing significant concern; the chief's office is given a task."""
    now = timezone.now()
    report = _team_report(request, pk, now)
    areas: list[Organisation] = list(report.areas.order_by("name"))
    return form_page(
        request,
        form=FlagConcernForm(posted(request)),
        template="inspections/debriefs/flag_concern.html",
        context={"report": report, "areas": areas},
        perform=lambda data: services.report_flag_significant_concern(
            report=report, by=request.user, now=now
        ),
        done=gettext(
            "The draft is flagged with significant concern. The chief officer's office has a task to update "
            "the PCC."
        ),
        then=reverse("inspections:report", kwargs={"pk": report.pk}),
        instance=report,
    )
