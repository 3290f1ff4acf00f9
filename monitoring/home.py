"""Monitoring work for a person's portal home: what is theirs to do next, soonest first.

A fixed number of queries whatever the data size: live cases are a handful at any
time (an area has at most one), and open offers of assistance are few.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext

from hmicfrs_mou.access import moment
from monitoring import access
from monitoring.models import EngageCase, MeetingAction


@dataclass(frozen=True)
class CaseItem:
    case: EngageCase
    next_step: str
    url: str


@dataclass
class MonitoringWork:
    awaiting_decision: list[CaseItem] = field(default_factory=list)
    cases: list[CaseItem] = field(default_factory=list)
    offers: list[MeetingAction] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.awaiting_decision or self.cases or self.offers)


def _next_step(case: EngageCase, v: access.Viewer) -> str:
    """What happens next in plain words, from where the person stands."""
    if case.decided_at is None:
        if v.hmci:
            return gettext("Your decision is needed")
        return gettext("HM Chief Inspector to decide on the HMI's advice")
    if case.pcc_informed_recorded_at is None:
        return gettext("The HMI to tell the PCC in person, before any announcement")
    if case.announced_at is None:
        return gettext("To be announced publicly")
    if not case.letter_sent:
        return gettext("The HMI to send the formal letter")
    return gettext("In Engage: improvement plan and oversight group meetings")


def monitoring_work(user: Any, at: dt.datetime | None = None) -> MonitoringWork:
    """Live Engage cases the person works on, decisions awaiting HMCI, and open offers to follow up."""
    at = moment(at)
    v = access.viewer(user, at)
    work = MonitoringWork()
    if not v.signed_in:
        return work
    own_areas = v.hmicfrs_area_ids | v.office_area_ids
    live = (
        EngageCase.objects.visible_to(user, at)
        .filter(exited_at__isnull=True)
        .exclude(decision_engage=False)
        .select_related("area", "letter")
        .order_by("advised_at")
    )
    for case in live:
        item = CaseItem(case, _next_step(case, v), reverse("monitoring:case", kwargs={"pk": case.pk}))
        if case.decided_at is None and v.hmci:
            work.awaiting_decision.append(item)
        elif case.area_id in own_areas:
            work.cases.append(item)
    if v.apcc:
        offers = access.actions_visible_to(user, at).filter(offer_of_assistance=True, followed_up=False)
        if not v.apcc_lead:
            # A deputy follows up the offers of the meetings a lead nominated them for.
            offers = offers.filter(meeting__nominations__deputy=user)
        work.offers = list(offers.select_related("meeting__case__area").order_by("follow_up_due_at")[:10])
    return work
