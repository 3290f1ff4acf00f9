"""Who may see which contacts records, at a given moment. The one place that decides it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from contacts.models import Assignment, AssignmentKind, Meeting
from contacts.selectors import organisations_acted_for
from hmicfrs_mou.access import holds, moment, not_found
from hmicfrs_mou.permissions import Perm


def areas_as_hmi(user: Any, on: dt.date) -> QuerySet:
    """Ids of the forces and FRSs the user is the HMI for on a day."""
    return Assignment.objects.in_force(on).filter(person=user, kind=AssignmentKind.HMI).values("subject_id")


def meetings_visible_to(queryset: QuerySet, user: Any, at: dt.datetime | None = None) -> QuerySet:
    """Meetings the user may see at `at` (C1–C4).

    HMICFRS staff see every meeting, except that a confidential one (C4) is
    seen only by its attendees, whoever recorded it and the HMI for its area.
    Anyone else sees the meetings of organisations they act for.
    """
    at = moment(at)
    queryset = queryset.filter(created_at__lte=at)
    if holds(user, Perm.VIEW_ALL_MEETING):
        on = timezone.localdate(at)
        return queryset.filter(
            Q(confidential=False)
            | Q(recorded_by=user)
            | Q(pk__in=Meeting.attendees.through.objects.filter(user=user).values("meeting_id"))
            | Q(subject_id__in=areas_as_hmi(user, on))
        )
    if holds(user, Perm.VIEW_ASSOCIATED_MEETING):
        parties = Meeting.parties.through.objects.filter(organisation__in=organisations_acted_for(user))
        return queryset.filter(pk__in=parties.values("meeting_id"))
    return queryset.none()


def get_meeting_for_user(request: HttpRequest, pk: int) -> Meeting:
    """The meeting, or 404 (audited) if it does not exist or the user may not see it."""
    meeting = (
        Meeting.objects.visible_to(request.user)
        .select_related("subject", "recorded_by")
        .prefetch_related("parties", "attendees")
        .filter(pk=pk)
        .first()
    )
    if meeting is None:
        raise not_found(request, object_type="contacts.meeting", object_id=pk)
    return meeting


def may_see_meetings(user: Any) -> bool:
    """Whether the user has meetings to see at all: HMICFRS every one, others their organisations'."""
    return holds(user, Perm.VIEW_ALL_MEETING) or holds(user, Perm.VIEW_ASSOCIATED_MEETING)


def can_record_meeting(user: Any) -> bool:
    return holds(user, Perm.ADD_MEETING)
