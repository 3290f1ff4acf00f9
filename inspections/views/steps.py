"""The inspection team's steps from the inspection page (I2–I5), and each reader's disclosures in confidence.

| page                          | who acts                                            | others          |
|-------------------------------|-----------------------------------------------------|-----------------|
| milestones, schedule (I2)     | the inspection team                                 | 403 if they see the inspection, else 404 |
| methodology change (I3)       | the senior responsible owner HMI (the lead)         | 403 / 404       |
| strategic presentation (I4)   | the team records it; the decision is the offices'   | 403 / 404       |
| evidence request (I5)         | the team                                            | 403 / 404       |
| PFCC interview (I5)           | the team, for an FRS governed by a PFCC or mayor    | 403 / 404       |
| disclosures (I5)              | read by the HMI for the area and named HMICFRS staff; every reading audited | 404, audited |

Thin views, as in inspections.views.workspace: fetched through inspections.access, changed through
inspections.services (which check the actor again), a refusal shown on the form with nothing changed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contacts.models import OrganisationKind
from contacts.selectors import offices_by_area
from hmicfrs_mou.access import not_found
from hmicfrs_mou.audit import audit_record
from hmicfrs_mou.form_pages import form_page, posted
from hmicfrs_mou.models import AuditAction
from inspections import services
from inspections.access import disclosures_visible_to, get_disclosure_for_user
from inspections.forms_steps import (
    EvidenceRequestForm,
    MethodologyChangeForm,
    MilestoneForm,
    PfccInterviewForm,
    PresentationForm,
    ScheduleSendForm,
)
from inspections.models import Inspection, InspectionNotice, Milestone
from inspections.views.workspace import _team_inspection


def _detail_url(inspection: Inspection, anchor: str = "") -> str:
    url = reverse("inspections:detail", kwargs={"pk": inspection.pk})
    return f"{url}#{anchor}" if anchor else url


def _milestones_url(inspection: Inspection) -> str:
    return reverse("inspections:milestones", kwargs={"pk": inspection.pk})


# --- I2: milestones ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def milestones(request: HttpRequest, pk: int) -> HttpResponse:
    """I2: the PEEL schedule's milestones, edited by the team; sent to the chief and the PCC together."""
    now = timezone.now()
    inspection = _team_inspection(request, pk, now)
    last_sent = (
        inspection.notices.filter(kind=InspectionNotice.Kind.SCHEDULE)
        .order_by("-sent_at")
        .only("sent_at")
        .first()
    )
    return form_page(
        request,
        form=MilestoneForm(posted(request)),
        template="inspections/workspace/milestones.html",
        context={"inspection": inspection, "milestones": inspection.milestones.all(), "last_sent": last_sent},
        perform=lambda data: services.milestone_add(
            inspection=inspection,
            name=data["name"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            by=request.user,
            now=now,
        ),
        done=gettext(
            "Milestone added. Send the schedule to the chief's office and the PCC's office when it is ready."
        ),
        then=_milestones_url(inspection),
    )


def _milestone(request: HttpRequest, inspection: Inspection, milestone_pk: int) -> Milestone:
    milestone = inspection.milestones.filter(pk=milestone_pk).first()
    if milestone is None:
        raise not_found(request, object_type="inspections.milestone", object_id=milestone_pk)
    milestone.inspection = inspection
    return milestone


@login_required
@require_http_methods(["GET", "POST"])
def milestone_change(request: HttpRequest, pk: int, milestone_pk: int) -> HttpResponse:
    now = timezone.now()
    inspection = _team_inspection(request, pk, now)
    milestone = _milestone(request, inspection, milestone_pk)
    initial = {"name": milestone.name, "starts_on": milestone.starts_on, "ends_on": milestone.ends_on}
    return form_page(
        request,
        form=MilestoneForm(posted(request), initial=initial),
        template="inspections/workspace/milestone_form.html",
        context={"inspection": inspection, "milestone": milestone},
        perform=lambda data: services.milestone_change(
            milestone=milestone,
            name=data["name"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            by=request.user,
            now=now,
        ),
        done=gettext("Milestone changed. Send the schedule again so that both offices have it."),
        then=_milestones_url(inspection),
        instance=milestone,
    )


@login_required
@require_POST
def milestone_remove(request: HttpRequest, pk: int, milestone_pk: int) -> HttpResponse:
    now = timezone.now()
    inspection = _team_inspection(request, pk, now)
    milestone = _milestone(request, inspection, milestone_pk)
    try:
        services.milestone_remove(milestone=milestone, by=request.user, now=now)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, gettext("Milestone removed."))
    return redirect(_milestones_url(inspection))


@login_required
@require_http_methods(["GET", "POST"])
def milestones_send(request: HttpRequest, pk: int) -> HttpResponse:
    """I2: the schedule, with every milestone in the notice itself, to both offices in one notice."""
    now = timezone.now()
    inspection = _team_inspection(request, pk, now)
    areas = list(inspection.areas.order_by("name"))
    offices = offices_by_area(areas, timezone.localdate(now))
    return form_page(
        request,
        form=ScheduleSendForm(posted(request)),
        template="inspections/workspace/milestones_send.html",
        context={
            "inspection": inspection,
            "preview": services.schedule_text(inspection),
            "has_milestones": inspection.milestones.exists(),
            "recipients": [(area, offices.get(area.pk)) for area in areas],
        },
        perform=lambda data: services.milestones_send(
            inspection=inspection, note=data["note"], by=request.user, now=now
        ),
        done=gettext("Schedule sent to each chief officer's office and PCC's office in one notice."),
        then=_detail_url(inspection, "notices"),
    )


# --- I3: methodology change ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def methodology_change(request: HttpRequest, pk: int) -> HttpResponse:
    """I3: the senior responsible owner HMI tells the APCC and every PCC of a major change of methodology."""
    now = timezone.now()
    inspection = _team_inspection(request, pk, now)
    if inspection.lead_id != request.user.pk:
        raise PermissionDenied
    return form_page(
        request,
        form=MethodologyChangeForm(posted(request)),
        template="inspections/workspace/methodology_change.html",
        context={"inspection": inspection},
        perform=lambda data: services.methodology_change_notify(
            inspection=inspection, body=data["body"], by=request.user, now=now
        ),
        done=gettext("Notice of the change of methodology sent to the APCC and every PCC."),
        then=_detail_url(inspection, "notices"),
    )


# --- I4: the strategic presentation, recorded by the team ---------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def presentation_new(request: HttpRequest, pk: int) -> HttpResponse:
    now = timezone.now()
    inspection = _team_inspection(request, pk, now)
    return form_page(
        request,
        form=PresentationForm(posted(request), areas=inspection.areas.order_by("name")),
        template="inspections/workspace/step_form.html",
        context={
            "inspection": inspection,
            "heading": _("Record a strategic presentation"),
            "intro": _(
                "For a police force, the chief constable's office decides whether the PCC is invited. "
                "For a fire and rescue service governed by a PFCC, the PFCC's office chooses whether to attend. "
                "They are told once you record the presentation and answer from their own portal."
            ),
            "button": _("Record the presentation"),
        },
        perform=lambda data: services.presentation_arrange(
            inspection=inspection, area=data["area"], held_on=data["held_on"], by=request.user, now=now
        ),
        done=gettext("Strategic presentation recorded. The office that decides has been told."),
        then=_detail_url(inspection, "presentations"),
    )


# --- I5: evidence, the PFCC's interview ---------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def evidence_request_new(request: HttpRequest, pk: int) -> HttpResponse:
    now = timezone.now()
    inspection = _team_inspection(request, pk, now)
    return form_page(
        request,
        form=EvidenceRequestForm(posted(request), areas=inspection.areas.order_by("name")),
        template="inspections/workspace/step_form.html",
        context={
            "inspection": inspection,
            "heading": _("Ask for evidence"),
            "intro": _(
                "The chief officer's office is asked for the evidence, and the PCC's office is asked for "
                "a discussion with the PCC at the same time. The PCC may decline."
            ),
            "button": _("Send the request"),
        },
        perform=lambda data: services.evidence_request(
            inspection=inspection, area=data["area"], text=data["text"], by=request.user, now=now
        ),
        done=gettext("Evidence requested, and a discussion with the PCC requested."),
        then=_detail_url(inspection, "evidence-requests"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def pfcc_interview_new(request: HttpRequest, pk: int) -> HttpResponse:
    now = timezone.now()
    inspection = _team_inspection(request, pk, now)
    areas = inspection.areas.filter(kind=OrganisationKind.FIRE_RESCUE_SERVICE).order_by("name")
    return form_page(
        request,
        form=PfccInterviewForm(posted(request), areas=areas),
        template="inspections/workspace/step_form.html",
        context={
            "inspection": inspection,
            "heading": _("Record an interview with the PFCC"),
            "intro": _(
                "For a fire and rescue service governed by a PFCC or mayor, the PFCC is interviewed and the "
                "interview is evidence."
            ),
            "button": _("Record the interview"),
        },
        perform=lambda data: services.pfcc_interview_record(
            inspection=inspection, area=data["area"], summary=data["summary"], by=request.user, now=now
        ),
        done=gettext("Interview with the PFCC recorded as evidence."),
        then=_detail_url(inspection, "evidence"),
    )


# --- I5: disclosures in confidence, for their readers -------------------------------------------------


@login_required
@require_GET
def disclosures(request: HttpRequest) -> HttpResponse:
    """The disclosures in confidence the person may read now: as the HMI for the area or named on them.

    The list shows when, from whom and about what; the text is read on each disclosure's page, where
    the reading is recorded.
    """
    now = timezone.now()
    records = (
        disclosures_visible_to(request.user, now)
        .select_related("inspection", "source", "area")
        .order_by("-recorded_at", "-pk")
    )
    return render(request, "inspections/workspace/disclosures.html", {"records": records[:200], "now": now})


@login_required
@require_GET
def disclosure(request: HttpRequest, pk: int) -> HttpResponse:
    """One disclosure in confidence: 404 (on the audit trail) unless the person may read it; each reading audited."""
    now = timezone.now()
    record = get_disclosure_for_user(request, pk, now)
    audit_record(action=AuditAction.VIEW, obj=record, request=request)
    return render(
        request,
        "inspections/workspace/disclosure.html",
        {"record": record, "named": record.named_staff.order_by("last_name", "first_name")},
    )
