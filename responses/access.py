"""Who may see statutory responses and their drafts (U6): the one place that decides it.

| record                     | who                                                                  |
|----------------------------|----------------------------------------------------------------------|
| obligation and its draft   | staff of the OPCC that must answer (acting for the office or its body) |
| submitted versions         | that OPCC; HMICFRS (the upload is the copy to HMICFRS and the Home Secretary) |
| the fact of a response (on time, late, awaiting) and its published address | everyone, once the report is published |
| the invitation to comment and the chief officer's comments | also the chief officer's office of the force, from the invitation on (never the PCC's draft) |
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from contacts import access as contacts_access
from contacts.models import CHIEF_OFFICE_ROLES, OPCC_ROLES, Appointment, Organisation, OrganisationKind
from contacts.selectors import is_hmicfrs_staff, organisations_acted_for
from hmicfrs_mou.access import holds, moment, not_found
from hmicfrs_mou.permissions import Perm
from responses.models import ResponseObligation, Submission


def _offices(user: Any) -> QuerySet[Any]:
    return organisations_acted_for(user).filter(kind=OrganisationKind.OPCC).values("pk")


def obligations_visible_to(
    queryset: QuerySet[Any], user: Any, at: dt.datetime | None = None
) -> QuerySet[Any]:
    """Obligations the user works on (their office's) or oversees (HMICFRS). Only published reports create them."""
    at = moment(at)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    queryset = queryset.filter(created_at__lte=at)
    if holds(user, Perm.VIEW_ALL_RESPONSES):
        return queryset
    return queryset.filter(office_id__in=_offices(user))


def drafts_visible_to(queryset: QuerySet[Any], user: Any) -> QuerySet[Any]:
    """The obligations of `queryset` whose draft parts the user may read: their own office's (as
    `can_see_draft`), for lists and search that ask of many rows at once."""
    return queryset.filter(office_id__in=_offices(user))


def can_see_draft(user: Any, obligation: ResponseObligation) -> bool:
    """The draft parts (before submission) are the office's alone; HMICFRS sees what was submitted."""
    return can_work_on(user, obligation)


def can_work_on(user: Any, obligation: ResponseObligation) -> bool:
    """Drafting and submitting is for the office that must answer, not HMICFRS."""
    return ResponseObligation.objects.filter(pk=obligation.pk, office_id__in=_offices(user)).exists()


def get_obligation_for_user(request: HttpRequest, pk: int) -> ResponseObligation:
    obligation: ResponseObligation | None = (
        ResponseObligation.objects.visible_to(request.user)
        .select_related("report", "area", "office", "chief_comments_by")
        .filter(pk=pk)
        .first()
    )
    if obligation is None:
        raise not_found(request, object_type="responses.responseobligation", object_id=pk)
    return obligation


def submissions_visible_to(user: Any) -> QuerySet[Any]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Submission.objects.none()
    if holds(user, Perm.VIEW_ALL_RESPONSES):
        return Submission.objects.all()
    return Submission.objects.filter(Q(obligation__office_id__in=_offices(user)))


def get_submission_for_user(request: HttpRequest, pk: int) -> Submission:
    submission: Submission | None = (
        submissions_visible_to(request.user).select_related("obligation").filter(pk=pk).first()
    )
    if submission is None:
        raise not_found(request, object_type="responses.submission", object_id=pk)
    return submission


# --- U6: the chief officer's comments, from the force's own portal ---------------------------------
#
# | record                                  | who                                                              |
# |-----------------------------------------|------------------------------------------------------------------|
# | the invitation and the chief's comments | the chief officer's office of that force, from the invitation on |
# | (the PCC's draft stays the OPCC's alone: the chief's office never sees it)                                  |


def _chief_office_areas(user: Any, on: dt.date) -> QuerySet[Any]:
    """The forces whose chief officer's office the user works in on the day (from their appointments)."""
    return (
        Appointment.objects.in_force(on)
        .filter(person=user, role__in=CHIEF_OFFICE_ROLES, organisation__kind=OrganisationKind.POLICE_FORCE)
        .values("organisation_id")
    )


def obligations_for_chief(user: Any, at: dt.datetime | None = None) -> QuerySet[Any]:
    """Obligations whose chief officer's comments the user's office has been invited to give (U6)."""
    at = moment(at)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ResponseObligation.objects.none()
    return ResponseObligation.objects.filter(
        chief_comments_invited_at__lte=at,
        area_id__in=_chief_office_areas(user, timezone.localdate(at)),
    )


def get_obligation_for_chief(request: HttpRequest, pk: int) -> ResponseObligation:
    obligation: ResponseObligation | None = (
        obligations_for_chief(request.user)
        .select_related("report", "area", "office", "chief_comments_by")
        .filter(pk=pk)
        .first()
    )
    if obligation is None:
        raise not_found(request, object_type="responses.responseobligation", object_id=pk)
    return obligation


def require_chief_office_of(user: Any, area: Organisation, at: dt.datetime, what: str) -> None:
    """U6: the chief officer's office of the force at that moment (role and organisation)."""
    contacts_access.require_chief_office_of(user, area, at, what)


def require_office_answering(user: Any, obligation: ResponseObligation, at: dt.datetime, what: str) -> None:
    """U6: staff of the office that must answer (the PCC's office fixed at publication), at that moment."""
    signed_in = getattr(user, "is_authenticated", False) and user.is_active
    works_there = (
        signed_in
        and Appointment.objects.in_force(timezone.localdate(at))
        .filter(person=user, role__in=OPCC_ROLES, organisation_id=obligation.office_id)
        .exists()
    )
    if not works_there:
        raise ValidationError(f"Only the office of the PCC for {obligation.area} can {what}.", code="actor")


# --- Who acts (DESIGN.md "Who acts at each step"): the rules the responses services call first ------


def require_super_complaint_manager(user: Any, at: dt.datetime, what: str) -> None:
    """S1–S3: HMICFRS manages the police super-complaints system: its staff at that moment."""
    if not is_hmicfrs_staff(user, timezone.localdate(at)):
        raise contacts_access.refuse(
            f"HMICFRS manages the police super-complaints system: only its staff can {what}."
        )


def require_action_plan_editor(user: Any, area: Organisation, at: dt.datetime, what: str) -> None:
    """U8: the fire authority's (or PFCC's, or mayor's) office: staff of whoever governs the FRS at that
    moment (its office's staff for a PFCC or mayor; a fire authority's own staff)."""
    if area.kind != OrganisationKind.FIRE_RESCUE_SERVICE or not contacts_access.is_pcc_office_of(
        user, area, at
    ):
        raise contacts_access.refuse(
            f"Only staff of the body governing {area.name} on the day (its fire authority, PFCC or mayor) "
            f"can {what}."
        )
