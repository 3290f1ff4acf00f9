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
from hmicfrs_mou.search import Ask, Hit, asks_words, contains_all, listing

MEETING_TYPE = "contacts.meeting"


@asks_words
def ask_organisations(user: Any, words: list[str], at: dt.datetime) -> Ask:
    """Forces and FRSs whose name, or whose governing body's or its office's name, holds every word."""
    governance = Governance.objects.in_force(timezone.localdate(at))
    condition = Q()
    for word in words:
        governed_by = governance.filter(
            Q(body__name__icontains=word)
            | Q(body__children__kind=OrganisationKind.OPCC, body__children__name__icontains=word)
        ).values("area_id")
        condition &= Q(name__icontains=word) | Q(pk__in=governed_by)
    directory = holds(user, Perm.VIEW_DIRECTORY)
    return listing(
        Organisation.objects.filter(kind__in=AREA_KINDS).filter(condition).order_by("name", "kind", "pk"),
        lambda area: Hit(
            title=area.name,
            url=area.get_absolute_url() if directory else area.public_url,
            detail=area.get_kind_display(),
        ),
        more_url=f"{reverse('contacts:directory')}?{urlencode({'q': ' '.join(words)})}" if directory else "",
    )


def _ask_confidential(
    model: Any,
    user: Any,
    words: list[str],
    at: dt.datetime,
    fields: tuple[str, ...],
    hit: Callable[[Any], Hit],
) -> Ask:
    """C4, C5, L1: the records of `model` the reader may read at `at` (contacts.access, through
    `visible_to`) whose `fields` hold every word, newest first; every one shown goes to the audit trail."""
    return listing(
        model.objects.visible_to(user, at)
        .filter(contains_all(fields, words))
        .order_by(f"-{model.CREATED_AT}", "-pk"),
        hit,
        read=lambda rows: rows.select_related("area"),
        restricted=lambda shown: {model._meta.label_lower: {"confidential": [record.pk for record in shown]}},
    )


@asks_words
def ask_shared_findings(user: Any, words: list[str], at: dt.datetime) -> Ask:
    """C4: the shared findings the reader may read at `at` that hold every word, newest first."""
    return _ask_confidential(
        SharedFindings,
        user,
        words,
        at,
        ("title", "findings", "area__name"),
        lambda record: Hit(
            title=record.title,
            url=reverse("contacts:shared-findings", kwargs={"pk": record.pk}),
            detail=record.area.name,
            tag=gettext("In confidence"),
        ),
    )


@asks_words
def ask_panel_invitations(user: Any, words: list[str], at: dt.datetime) -> Ask:
    """C5: the invitations to brief a panel the reader may read at `at` whose purpose, representations,
    decision reasons, briefing notes or area hold every word, newest first."""
    return _ask_confidential(
        PanelInvitation,
        user,
        words,
        at,
        ("purpose", "representations", "decision_reasons", "briefing_notes", "area__name"),
        lambda record: Hit(
            title=gettext("Invitation to brief the panel: %(area)s") % {"area": record.area.name},
            url=reverse("contacts:panel-invitation", kwargs={"pk": record.pk}),
            detail=gettext("Panel meets on %(day)s") % {"day": date_format(record.meeting_on, "j F Y")},
            tag=gettext("In confidence"),
        ),
    )


@asks_words
def ask_recruitments(user: Any, words: list[str], at: dt.datetime) -> Ask:
    """L1: the chief officer recruitments the reader may read at `at` whose process, advice or area hold
    every word, newest first. (Conduct matters, L2, are never searched.)"""
    return _ask_confidential(
        ChiefOfficerRecruitment,
        user,
        words,
        at,
        ("process", "advice", "area__name"),
        lambda record: Hit(
            title=gettext("Chief officer recruitment: %(area)s") % {"area": record.area.name},
            url=reverse("contacts:recruitment", kwargs={"pk": record.pk}),
            detail=gettext("Recorded on %(day)s")
            % {"day": date_format(timezone.localdate(record.recorded_at), "j F Y")},
            tag=gettext("In confidence"),
        ),
    )


@asks_words
def ask_meetings(user: Any, words: list[str], at: dt.datetime) -> Ask:
    """C1–C4: the meetings the reader may see at `at` whose notes or subject hold every word, newest first."""
    meetings = Meeting.objects.visible_to(user, at)
    for word in words:
        # One list of ids a word matches, read through the indexes (the trigram index on the notes on
        # PostgreSQL, the subject's): as a condition on each meeting's notes and joined subject, every
        # meeting was read.
        about = Organisation.objects.filter(name__icontains=word).values("pk")
        ids = (
            Meeting.objects.order_by()
            .filter(notes__icontains=word)
            .values("pk")
            .union(Meeting.objects.order_by().filter(subject_id__in=about).values("pk"))
        )
        meetings = meetings.filter(pk__in=ids)
    return listing(
        meetings.order_by("-held_on", "-pk"),
        lambda meeting: Hit(
            title=str(meeting),
            url=reverse("contacts:meeting", kwargs={"pk": meeting.pk}),
            detail=meeting.get_kind_display(),
            tag=gettext("Confidential") if meeting.confidential else "",
        ),
        read=lambda rows: rows.select_related("subject"),
        restricted=lambda shown: (
            {MEETING_TYPE: {"confidential": [meeting.pk for meeting in shown if meeting.confidential]}}
            if any(meeting.confidential for meeting in shown)
            else {}
        ),
    )
