"""PPOG and FPOG meetings in the calendar feed of the people who attend them: the APCC's joint
performance leads and any deputy they nominated, the HMI (or liaison lead) for the area, and the
area's PCC's and chief's offices, each only for meetings of cases they may see (monitoring.access)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse

from hmicfrs_mou.calendar_feed import PAST_KEPT, FeedEvent, register_calendar_source, revision
from monitoring.access import meetings_visible_to, viewer


def oversight_meetings(user: object, now: dt.datetime) -> list[FeedEvent]:
    v = viewer(user, now)
    if not v.signed_in:
        return []
    attends = Q(nominations__deputy=user) | Q(case__area_id__in=v.hmicfrs_area_ids | v.office_area_ids)
    if v.apcc_lead:
        attends |= Q(pk__isnull=False)
    since = (now - PAST_KEPT).date()
    meetings = (
        meetings_visible_to(user, now)
        .filter(attends)
        .filter(Q(held_on__gte=since) | Q(held_on__isnull=True, scheduled_for__gte=since))
        .select_related("case__area")
        .distinct()
        .order_by("scheduled_for", "pk")[:200]
    )
    return [
        FeedEvent(
            uid=f"oversight-meeting-{meeting.pk}@mou-portal",
            summary=f"{meeting.case.oversight_group} meeting: {meeting.case.area}",
            start=meeting.held_on or meeting.scheduled_for,
            description="Performance oversight group meeting about an area in Engage.",
            url=reverse("monitoring:meeting", args=[meeting.pk]),
            # Its day is set when scheduled and moved only by recording when it was held.
            sequence=revision(meeting.recorded_at),
        )
        for meeting in meetings
    ]


register_calendar_source("monitoring.oversight_meetings", oversight_meetings)
