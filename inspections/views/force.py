"""The force's or FRS's factual-accuracy page (I7): the draft, the template form, and earlier decisions.

Only the chief's office of a force or FRS the report is about, and only while the
window is open. Visibility comes from inspections.access: after the window closes
the draft is no longer visible and the page is "not found", for reading and for
sending alike, so a comment after closing changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from contacts.models import AREA_KINDS, Appointment, AssignmentKind, Organisation, OrganisationKind, User
from contacts.selectors import (
    areas_governed_by,
    assigned_to,
    office_of_area,
    offices_of_areas,
    organisations_acted_for,
    people_acting_for,
)
from hmicfrs_mou.access import not_found
from hmicfrs_mou.audit import audit_record
from hmicfrs_mou.form_pages import form_page, posted
from hmicfrs_mou.models import AuditAction
from inspections import report_text
from inspections.access import evidence_requests_visible_to, get_report_for_user, inspections_visible_to
from inspections.forms import FactualAccuracyCommentForm, hmicfrs_people
from inspections.forms_steps import (
    AttendanceForm,
    DisclosureForm,
    DiscussionAnswerForm,
    InvitationForm,
    yes_no,
)
from inspections.models import Report, ReportState, StrategicPresentation
from inspections.services import (
    disclosure_make,
    fac_comment_submit,
    pcc_discussion_answer,
    presentation_attendance_choose,
    presentation_invitation_decide,
)


def _window_open(report: Report, at: dt.datetime) -> bool:
    return (
        report.state == ReportState.FACTUAL_ACCURACY
        and report.fac_opens_at is not None
        and report.fac_closes_at is not None
        and report.fac_opens_at <= at < report.fac_closes_at
    )


def _own_areas(user: Any, report: Report) -> QuerySet:
    """The report's forces/FRSs whose chief's office the user works in."""
    return organisations_acted_for(user).filter(kind__in=AREA_KINDS, pk__in=report.areas.values("pk"))


def _comments_of(report: Report, areas: QuerySet) -> QuerySet:
    """Comments sent by people acting for these forces/FRSs (not another force's, on a joint report).

    "Acting for" is the same question fac_comment_submit asks of the sender (contacts.selectors:
    direct grants from appointments only), so a comment the service accepted is listed here.
    """
    return (
        report.fac_comments.filter(submitted_by__in=people_acting_for(areas))
        .select_related("submitted_by")
        .order_by("submitted_at", "pk")
    )


@login_required
@require_http_methods(["GET", "POST"])
def factual_accuracy(request: HttpRequest, pk: int) -> HttpResponse:
    now = timezone.now()
    report = get_report_for_user(request, pk, now)
    if not _window_open(report, now):
        # Published reports are visible to all, but the draft's check is over: not found.
        raise not_found(request, object_type="inspections.report", object_id=pk)
    areas = _own_areas(request.user, report)
    if not areas.exists():
        # The inspection team sees the draft too, but the comments are the force's or FRS's.
        raise PermissionDenied
    blocks = report_text.parse(report.body)
    initial: dict[str, str] = {}
    if request.method == "GET":
        # The draft is not for the PCC or the public: every reading is on the trail.
        audit_record(action=AuditAction.VIEW, obj=report, request=request)
        # "Suggest a correction" beside a paragraph: the form starts with its number and its text,
        # taken from the draft here, never from the link.
        chosen = report_text.find_paragraph(blocks, request.GET.get("paragraph"))
        if chosen is not None:
            initial = {"paragraph": str(chosen.number), "current_text": chosen.text}
    return form_page(
        request,
        form=FactualAccuracyCommentForm(posted(request), initial=initial),
        template="inspections/force/fac.html",
        context={
            "report": report,
            "blocks": blocks,
            "comments": _comments_of(report, areas),
            "areas": areas.order_by("name"),
        },
        perform=lambda data: fac_comment_submit(report=report, by=request.user, now=now, **data),
        done=lambda comment: (
            gettext("Your comment on paragraph %(paragraph)s has been sent to HMICFRS.")
            % {"paragraph": comment.paragraph}
        ),
        then=reverse("inspections:fac", kwargs={"pk": report.pk}),
    )


# --- I4, I5: the offices' own steps of an inspection --------------------------------------------------
#
# Each step is reached from "Inspections in your area". A record of an inspection the person's office
# is not concerned with is "not found" (404, on the audit trail); one they see but whose step is another
# office's is 403. The services check the actor again, at the moment of acting.


def _presentation(request: HttpRequest, pk: int, at: dt.datetime) -> StrategicPresentation:
    presentation = (
        StrategicPresentation.objects.filter(inspection__in=inspections_visible_to(request.user, at))
        .select_related("inspection", "area")
        .filter(pk=pk)
        .first()
    )
    if presentation is None:
        raise not_found(request, object_type="inspections.strategicpresentation", object_id=pk)
    return presentation


@login_required
@require_http_methods(["GET", "POST"])
def presentation_invitation(request: HttpRequest, pk: int) -> HttpResponse:
    """I4 (police): the chief officer's office decides whether the PCC is invited."""
    now = timezone.now()
    presentation = _presentation(request, pk, now)
    if not organisations_acted_for(request.user).filter(pk=presentation.area_id).exists():
        raise PermissionDenied
    initial = (
        {} if presentation.pcc_invited is None else {"invited": "yes" if presentation.pcc_invited else "no"}
    )
    return form_page(
        request,
        form=InvitationForm(posted(request), initial=initial),
        template="inspections/force/presentation_decision.html",
        context={"presentation": presentation, "field": "invited"},
        perform=lambda data: presentation_invitation_decide(
            presentation=presentation, invited=yes_no(data["invited"]), by=request.user, now=now
        ),
        done=lambda p: (
            gettext("Decision recorded: the PCC is invited. The PCC's office has been told.")
            if p.pcc_invited
            else gettext("Decision recorded: the PCC is not invited. The PCC's office has been told.")
        ),
        then=reverse("inspections:my-area"),
        instance=presentation,
    )


@login_required
@require_http_methods(["GET", "POST"])
def presentation_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """I4 (FRS): the PFCC's office records whether the PFCC chooses to attend."""
    now = timezone.now()
    presentation = _presentation(request, pk, now)
    office = office_of_area(presentation.area, timezone.localdate(now))
    if office is None or not organisations_acted_for(request.user).filter(pk=office.pk).exists():
        raise PermissionDenied
    initial = (
        {}
        if presentation.pfcc_attending is None
        else {"attending": "yes" if presentation.pfcc_attending else "no"}
    )
    return form_page(
        request,
        form=AttendanceForm(posted(request), initial=initial),
        template="inspections/force/presentation_decision.html",
        context={"presentation": presentation, "field": "attending"},
        perform=lambda data: presentation_attendance_choose(
            presentation=presentation, attending=yes_no(data["attending"]), by=request.user, now=now
        ),
        done=lambda p: (
            gettext("Choice recorded: the PFCC will attend.")
            if p.pfcc_attending
            else gettext("Choice recorded: the PFCC will not attend.")
        ),
        then=reverse("inspections:my-area"),
        instance=presentation,
    )


@login_required
@require_http_methods(["GET", "POST"])
def discussion_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """I5: the PCC's office accepts or declines the discussion the team asked for with the evidence."""
    now = timezone.now()
    evidence_request = (
        evidence_requests_visible_to(request.user, now)
        .select_related("inspection", "area")
        .filter(pk=pk)
        .first()
    )
    if evidence_request is None:
        raise not_found(request, object_type="inspections.evidencerequest", object_id=pk)
    office = office_of_area(evidence_request.area, timezone.localdate(now))
    if office is None or not organisations_acted_for(request.user).filter(pk=office.pk).exists():
        raise PermissionDenied
    return form_page(
        request,
        form=DiscussionAnswerForm(posted(request)),
        template="inspections/force/discussion_answer.html",
        context={"evidence_request": evidence_request},
        perform=lambda data: pcc_discussion_answer(
            request=evidence_request,
            accept=yes_no(data["accept"]),
            note=data["note"],
            by=request.user,
            now=now,
        ),
        done=lambda r: (
            gettext("Answer sent: the PCC will take part in the discussion.")
            if r.discussion == "accepted"
            else gettext("Answer sent: the PCC declines the discussion.")
        ),
        then=reverse("inspections:my-area"),
        instance=evidence_request,
    )


def _hmicfrs_staff_for(offices: list[Organisation], on: dt.date) -> list[tuple[User, str]]:
    """HMICFRS staff to offer as readers of a disclosure, each with what they do: the offices' liaison
    leads first, then the rest (one query for the roles, whatever the number of staff)."""
    leads = [person for office in offices for person in assigned_to(AssignmentKind.LIAISON_LEAD, office, on)]
    lead_ids = {lead.pk for lead in leads}
    others = [person for person in hmicfrs_people() if person.pk not in lead_ids]
    people = list({person.pk: person for person in [*leads, *others]}.values())
    roles: dict[int, str] = {}
    for appointment in Appointment.objects.in_force(on).filter(
        person__in=people, organisation__kind=OrganisationKind.HMICFRS
    ):
        roles.setdefault(appointment.person_id, appointment.get_role_display())
    return [
        (
            person,
            gettext("Liaison lead for your office")
            if person.pk in lead_ids
            else roles.get(person.pk, "HMICFRS"),
        )
        for person in people
    ]


@login_required
@require_http_methods(["GET", "POST"])
def disclosure_new(request: HttpRequest, pk: int) -> HttpResponse:
    """I5: the PCC's office makes a disclosure in confidence about a force or FRS inspected."""
    now = timezone.now()
    today = timezone.localdate(now)
    inspection = inspections_visible_to(request.user, now).filter(pk=pk).first()
    if inspection is None:
        raise not_found(request, object_type="inspections.inspection", object_id=pk)
    acted_for = organisations_acted_for(request.user).filter(kind=OrganisationKind.OPCC)
    offices = list(acted_for)
    governed = offices_of_areas(inspection.areas.all(), today).filter(pk__in=[o.pk for o in offices])
    areas = inspection.areas.filter(
        pk__in=areas_governed_by([o.parent_id for o in governed if o.parent_id], today)
    ).order_by("name")
    if not areas.exists():
        raise PermissionDenied
    staff = _hmicfrs_staff_for(list(governed), today)
    return form_page(
        request,
        form=DisclosureForm(posted(request), areas=areas, staff=staff),
        template="inspections/force/disclosure_form.html",
        context={"inspection": inspection},
        perform=lambda data: disclosure_make(
            inspection=inspection,
            area=data["area"],
            summary=data["summary"],
            named_staff=list(data["named_staff"]),
            by=request.user,
            now=now,
        ),
        done=gettext(
            "Your disclosure has been sent in confidence. Only the HMI for the force or FRS and the staff you "
            "named can read it."
        ),
        then=reverse("inspections:my-area"),
    )
