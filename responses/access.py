"""Who may see statutory responses and their drafts (U6): the one place that decides it.

| record                     | who                                                                  |
|----------------------------|----------------------------------------------------------------------|
| obligation and its draft   | staff of the OPCC that must answer (acting for the office or its body) |
| submitted versions         | that OPCC; HMICFRS (the upload is the copy to HMICFRS and the Home Secretary) |
| the fact of a response (on time, late, awaiting) and its published address | everyone, once the report is published |
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from contacts.models import OrganisationKind
from contacts.selectors import organisations_acted_for
from hmicfrs_mou.access import holds, moment, not_found
from hmicfrs_mou.permissions import Perm
from responses.models import ResponseObligation, Submission


def _offices(user: Any) -> QuerySet:
    return organisations_acted_for(user).filter(kind=OrganisationKind.OPCC).values("pk")


def obligations_visible_to(queryset: QuerySet, user: Any, at: dt.datetime | None = None) -> QuerySet:
    """Obligations the user works on (their office's) or oversees (HMICFRS). Only published reports create them."""
    at = moment(at)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    queryset = queryset.filter(created_at__lte=at)
    if holds(user, Perm.VIEW_ALL_RESPONSES):
        return queryset
    return queryset.filter(office_id__in=_offices(user))


def can_see_draft(user: Any, obligation: ResponseObligation) -> bool:
    """The draft parts (before submission) are the office's alone; HMICFRS sees what was submitted."""
    return can_work_on(user, obligation)


def can_work_on(user: Any, obligation: ResponseObligation) -> bool:
    """Drafting and submitting is for the office that must answer, not HMICFRS."""
    return ResponseObligation.objects.filter(pk=obligation.pk, office_id__in=_offices(user)).exists()


def get_obligation_for_user(request: HttpRequest, pk: int) -> ResponseObligation:
    obligation = (
        ResponseObligation.objects.visible_to(request.user)
        .select_related("report", "area", "office")
        .filter(pk=pk)
        .first()
    )
    if obligation is None:
        raise not_found(request, object_type="responses.responseobligation", object_id=pk)
    return obligation


def submissions_visible_to(user: Any) -> QuerySet:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Submission.objects.none()
    if holds(user, Perm.VIEW_ALL_RESPONSES):
        return Submission.objects.all()
    return Submission.objects.filter(Q(obligation__office_id__in=_offices(user)))


def get_submission_for_user(request: HttpRequest, pk: int) -> Submission:
    submission = submissions_visible_to(request.user).select_related("obligation").filter(pk=pk).first()
    if submission is None:
        raise not_found(request, object_type="responses.submission", object_id=pk)
    return submission
