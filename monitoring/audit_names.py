"""The monitoring app's records named on the audit trail (hmicfrs_mou.audit_names), for readers who may open them.

Visibility is monitoring.access's; one query per object type, whatever the number of rows on the page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.urls import reverse

from hmicfrs_mou.audit_names import RecordName, audit_names, int_ids
from monitoring.access import actions_visible_to, concerns_visible_to, meetings_visible_to
from monitoring.models import EngageCase


def case_names(reader: object, ids: Collection[str], at: dt.datetime) -> dict[str, RecordName]:
    cases = EngageCase.objects.visible_to(reader, at).filter(pk__in=int_ids(ids)).select_related("area")
    return {
        str(case.pk): RecordName(f"Engage case: {case.area}", reverse("monitoring:case", args=[case.pk]))
        for case in cases
    }


def meeting_names(reader: object, ids: Collection[str], at: dt.datetime) -> dict[str, RecordName]:
    meetings = meetings_visible_to(reader, at).filter(pk__in=int_ids(ids)).select_related("case__area")
    return {
        str(meeting.pk): RecordName(
            f"{meeting.case.oversight_group} meeting: {meeting.case.area}, {meeting.scheduled_for:%-d %B %Y}",
            reverse("monitoring:meeting", args=[meeting.pk]),
        )
        for meeting in meetings
    }


def action_names(reader: object, ids: Collection[str], at: dt.datetime) -> dict[str, RecordName]:
    actions = actions_visible_to(reader, at).filter(pk__in=int_ids(ids)).select_related("meeting__case__area")
    return {
        str(action.pk): RecordName(
            f"Action from the {action.meeting.case.oversight_group} meeting: {action.meeting.case.area}, "
            f"{action.meeting.scheduled_for:%-d %B %Y}",
            reverse("monitoring:action", args=[action.pk]),
        )
        for action in actions
    }


def concern_names(reader: object, ids: Collection[str], at: dt.datetime) -> dict[str, RecordName]:
    concerns = concerns_visible_to(reader, at).filter(pk__in=int_ids(ids)).select_related("area")
    return {
        str(concern.pk): RecordName(
            f"Routine concern: {concern.area}", reverse("monitoring:concern", args=[concern.pk])
        )
        for concern in concerns
    }


audit_names.register("monitoring.engagecase", "Engage case", case_names)
audit_names.register("monitoring.oversightmeeting", "PPOG or FPOG meeting", meeting_names)
audit_names.register("monitoring.meetingaction", "Meeting action", action_names)
audit_names.register("monitoring.routineconcern", "Routine concern", concern_names)
