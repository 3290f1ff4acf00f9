"""Search over the directory and the records an HMI shares in confidence (C4), for the portal search.

- Forces and fire and rescue services (public facts): found by their own name or by the name of the body
  governing them on the day, or of its office ("Mayor of London" finds the Metropolitan Police). Each
  links to the directory page for those who may open the directory, to the public page for the others.
- Unpublished findings shared in confidence (C4): only from `SharedFindings.objects.visible_to`
  (contacts/access.py: the HMI for the area, the office they were shared with, the HMICFRS staff named),
  matched in their title, text and area; a row shows the title and area only, and the page writes the
  records shown to the audit trail. Conduct matters (L2) are never searched: they are on their own list only.
- Meetings (C1–C4): only from `Meeting.objects.visible_to` (contacts/access.py: HMICFRS staff every meeting
  but a confidential one, which its attendees, its recorder and the HMI for the area alone see; anyone
  else the meetings of the organisations they act for), matched in their notes and the name of the force,
  service or office they were about; a row names the meeting, never its notes, and the confidential ones
  shown go to the audit trail, as opening one does.
- Invitations to brief a panel (C5) and chief officer recruitments (L1): only from `visible_to`, as C4
  (the HMI for the area and the office asked), matched in what each side has written on them and the
  area's name; a row names the area and the day, never what was written, and the page audits them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext

from contacts.models import (
    AREA_KINDS,
    ChiefOfficerRecruitment,
    Governance,
    Meeting,
    Organisation,
    OrganisationKind,
    PanelInvitation,
    SharedFindings,
)
from hmicfrs_mou.access import holds
from hmicfrs_mou.permissions import Perm
from hmicfrs_mou.search import Found, Hit, contains_all, total

MEETING_TYPE = "contacts.meeting"


def search_organisations(user: Any, words: list[str], at: dt.datetime, limit: int) -> Found:
    """Forces and FRSs whose name, or whose governing body's or its office's name, holds every word."""
    if not words:
        return Found()
    governance = Governance.objects.in_force(timezone.localdate(at))
    condition = Q()
    for word in words:
        governed_by = governance.filter(
            Q(body__name__icontains=word)
            | Q(body__children__kind=OrganisationKind.OPCC, body__children__name__icontains=word)
        ).values("area_id")
        condition &= Q(name__icontains=word) | Q(pk__in=governed_by)
    areas = Organisation.objects.filter(kind__in=AREA_KINDS).filter(condition)
    directory = holds(user, Perm.VIEW_DIRECTORY)
    shown = list(areas.order_by("name", "kind", "pk")[:limit])
    return Found(
        rows=[
            Hit(
                title=area.name,
                url=area.get_absolute_url() if directory else area.public_url,
                detail=area.get_kind_display(),
            )
            for area in shown
        ],
        count=total(areas, len(shown), limit),
        more_url=f"{reverse('contacts:directory')}?{urlencode({'q': ' '.join(words)})}" if directory else "",
    )


def _search_confidential(
    model: Any,
    user: Any,
    words: list[str],
    at: dt.datetime,
    limit: int,
    fields: tuple[str, ...],
    hit: Callable[[Any], Hit],
) -> Found:
    """C4, C5, L1: the records of `model` the reader may read at `at` (contacts.access, through
    `visible_to`) whose `fields` hold every word, newest first; every one shown goes to the audit trail."""
    if not words:
        return Found()
    records = model.objects.visible_to(user, at).filter(contains_all(fields, words))
    shown = list(records.select_related("area").order_by(f"-{model.CREATED_AT}", "-pk")[:limit])
    return Found(
        rows=[hit(record) for record in shown],
        count=total(records, len(shown), limit),
        restricted={model._meta.label_lower: {"confidential": [record.pk for record in shown]}}
        if shown
        else {},
    )


def search_shared_findings(user: Any, words: list[str], at: dt.datetime, limit: int) -> Found:
    """C4: the shared findings the reader may read at `at` that hold every word, newest first."""
    return _search_confidential(
        SharedFindings,
        user,
        words,
        at,
        limit,
        ("title", "findings", "area__name"),
        lambda record: Hit(
            title=record.title,
            url=reverse("contacts:shared-findings", kwargs={"pk": record.pk}),
            detail=record.area.name,
            tag=gettext("In confidence"),
        ),
    )


def search_panel_invitations(user: Any, words: list[str], at: dt.datetime, limit: int) -> Found:
    """C5: the invitations to brief a panel the reader may read at `at` whose purpose, representations,
    decision reasons, briefing notes or area hold every word, newest first."""
    return _search_confidential(
        PanelInvitation,
        user,
        words,
        at,
        limit,
        ("purpose", "representations", "decision_reasons", "briefing_notes", "area__name"),
        lambda record: Hit(
            title=gettext("Invitation to brief the panel: %(area)s") % {"area": record.area.name},
            url=reverse("contacts:panel-invitation", kwargs={"pk": record.pk}),
            detail=gettext("Panel meets on %(day)s") % {"day": date_format(record.meeting_on, "j F Y")},
            tag=gettext("In confidence"),
        ),
    )


def search_recruitments(user: Any, words: list[str], at: dt.datetime, limit: int) -> Found:
    """L1: the chief officer recruitments the reader may read at `at` whose process, advice or area hold
    every word, newest first. (Conduct matters, L2, are never searched.)"""
    return _search_confidential(
        ChiefOfficerRecruitment,
        user,
        words,
        at,
        limit,
        ("process", "advice", "area__name"),
        lambda record: Hit(
            title=gettext("Chief officer recruitment: %(area)s") % {"area": record.area.name},
            url=reverse("contacts:recruitment", kwargs={"pk": record.pk}),
            detail=gettext("Recorded on %(day)s")
            % {"day": date_format(timezone.localdate(record.recorded_at), "j F Y")},
            tag=gettext("In confidence"),
        ),
    )


def search_meetings(user: Any, words: list[str], at: dt.datetime, limit: int) -> Found:
    """C1–C4: the meetings the reader may see at `at` whose notes or subject hold every word, newest first."""
    if not words:
        return Found()
    meetings = Meeting.objects.visible_to(user, at).filter(contains_all(("notes", "subject__name"), words))
    shown = list(meetings.select_related("subject").order_by("-held_on", "-pk")[:limit])
    confidential = [meeting.pk for meeting in shown if meeting.confidential]
    return Found(
        rows=[
            Hit(
                title=str(meeting),
                url=reverse("contacts:meeting", kwargs={"pk": meeting.pk}),
                detail=meeting.get_kind_display(),
                tag=gettext("Confidential") if meeting.confidential else "",
            )
            for meeting in shown
        ],
        count=total(meetings, len(shown), limit),
        restricted={MEETING_TYPE: {"confidential": confidential}} if confidential else {},
    )
