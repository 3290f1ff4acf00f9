"""The four portals and which one a person belongs to, from their appointments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from contacts.access import may_see_meetings
from contacts.models import INVESTIGATING_BODY_KINDS, Appointment, OrganisationKind
from contacts.selectors import appointments_in_force
from hmicfrs_mou.access import holds
from hmicfrs_mou.permissions import Perm
from hmicfrs_mou.unread import UNREAD_SHOWN_UP_TO, unread_count


class Portal(models.TextChoices):
    HMICFRS = "hmicfrs", "HMICFRS portal"
    OPCC = "opcc", "OPCC portal"
    FORCE = "force", "Force and FRS portal"
    APCC = "apcc", "APCC portal"


PORTAL_OF_KIND = {
    OrganisationKind.HMICFRS: Portal.HMICFRS,
    OrganisationKind.OPCC: Portal.OPCC,
    OrganisationKind.GOVERNING_BODY: Portal.OPCC,
    OrganisationKind.POLICE_FORCE: Portal.FORCE,
    OrganisationKind.FIRE_RESCUE_SERVICE: Portal.FORCE,
    OrganisationKind.APCC: Portal.APCC,
}

PORTAL_HOME = {
    Portal.HMICFRS: "portal-hmicfrs",
    Portal.OPCC: "portal-opcc",
    Portal.FORCE: "portal-force",
    Portal.APCC: "portal-apcc",
}


def current_appointments(user: Any, on: dt.date | None = None) -> list[Appointment]:
    """The user's appointments in force (today by default), read once per request (contacts)."""
    return appointments_in_force(user, on or timezone.localdate())


def portal_for(user: Any) -> Portal | None:
    """The portal of the user's earliest current appointment; None if they hold none."""
    for appointment in current_appointments(user):
        portal = PORTAL_OF_KIND.get(appointment.organisation.kind)
        if portal:
            return portal
    return None


def investigates(user: Any) -> bool:
    """S2: IOPC or College of Policing staff (no portal of their own: the super-complaints they investigate)."""
    return any(a.organisation.kind in INVESTIGATING_BODY_KINDS for a in current_appointments(user))


def portal_required(portal: Portal) -> Callable:
    """Only people whose appointment belongs to `portal`; others are refused (403), visitors sent to sign in."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if portal_for(request.user) != portal:
                raise PermissionDenied("This page belongs to another portal.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


SECTION_PREFIXES = {
    "Inspections": "/inspections/",
    "Monitoring": "/monitoring/",
    "Engage tracker": "/monitoring/",
}


# HMICFRS roles whose work is the national picture (their home shows it, with its links).
NATIONAL_ROLES = frozenset({"hmci", "coo", "chief_of_staff"})
# HMICFRS roles that work on inspections only: no responses or monitoring to act on.
INSPECTION_ONLY_ROLES = frozenset({"inspection_staff", "comms_staff"})


def _portal_items(user: Any, portal: Portal) -> list[tuple[str, str]]:
    """The sections of a portal the person uses, in one row at desktop width.

    At 1280 px the row holds seven items; what a role uses less often is linked from its home page
    instead (the national figures from HMCI's, action plans from a fire authority's office's).
    """
    appointments = current_appointments(user)
    roles = {a.role for a in appointments}
    items = [(reverse(PORTAL_HOME[portal]), gettext_noop("Home"))]
    if holds(user, Perm.VIEW_DIRECTORY):
        items.append((reverse("contacts:directory"), gettext_noop("Directory")))
    if portal == Portal.HMICFRS:
        items.append((reverse("inspections:list"), gettext_noop("Inspections")))
        if not roles <= INSPECTION_ONLY_ROLES:
            items.append((reverse("responses:awaiting"), gettext_noop("Responses")))
            items.append((reverse("monitoring:workspace"), gettext_noop("Monitoring")))
    elif portal == Portal.OPCC:
        items.append((reverse("inspections:my-area"), gettext_noop("Inspections")))
        items.append((reverse("responses:awaiting"), gettext_noop("Responses")))
        items.append((reverse("monitoring:workspace"), gettext_noop("Monitoring")))
    elif portal == Portal.FORCE:
        kinds = {a.organisation.kind for a in appointments}
        items.append((reverse("inspections:my-area"), gettext_noop("Inspections")))
        if OrganisationKind.FIRE_RESCUE_SERVICE in kinds:
            # U8: a fire and rescue service's action plan.
            items.append((reverse("responses:plans"), gettext_noop("Action plans")))
        items.append((reverse("monitoring:workspace"), gettext_noop("Monitoring")))
        if OrganisationKind.POLICE_FORCE in kinds:
            # U6: only a chief constable is invited to comment on the PCC's response.
            items.append((reverse("responses:chief-invitations"), gettext_noop("Comments on responses")))
    elif portal == Portal.APCC:
        items.append((reverse("monitoring:tracker"), gettext_noop("Engage tracker")))
        items.append((reverse("responses:complaints"), gettext_noop("Super-complaints")))
        items.append((reverse("responses:dashboard"), gettext_noop("Timeliness")))
    if portal != Portal.APCC and may_see_meetings(user):
        items.append((reverse("contacts:meetings"), gettext_noop("Meetings")))
    return items


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Service navigation items for base.html, by portal and role: only what the person can use."""
    user = getattr(request, "user", None)
    items: list[tuple[str, str]] = []
    unread = 0
    if user is None or not user.is_authenticated:
        items = [
            (reverse("public:index"), gettext_noop("Forces and fire and rescue services")),
            (reverse("public_reports:index"), gettext_noop("Reports")),
            (reverse("public_responses:overdue"), gettext_noop("Overdue responses")),
            (reverse("public_monitoring:police"), gettext_noop("In Engage")),
        ]
    else:
        portal = portal_for(user)
        if portal:
            items = _portal_items(user, portal)
        else:
            # No portal home to show their work: the people investigating super-complaints (S2), or an
            # administrator with no appointment.
            if investigates(user):
                items.append((reverse("responses:complaints"), gettext_noop("Super-complaints")))
            items.append((reverse("my-deadlines"), gettext_noop("My deadlines")))
        items.append((reverse("inbox"), gettext_noop("Inbox")))
        # Counted no further than the header shows ("99+"): a backlog of thousands costs no more to show.
        unread = unread_count(user)
        if user.is_staff:
            # A link to the admin, which checks its own permissions; no portal page is opened by is_staff.
            items.append((reverse("admin:index"), gettext_noop("Admin")))
    path = request.path if request else ""
    nav_items = []
    for href, text in items:
        # "Inspections" is the section for every page under /inspections/, wherever its link points;
        # likewise the monitoring entry (Monitoring, or the APCC's Engage tracker) for /monitoring/.
        prefix = SECTION_PREFIXES.get(text, href)
        active = path == href if href == "/" else path.startswith(prefix)
        # The sections are told apart by their English words above; the page shows them in its language.
        item = {"href": href, "text": gettext(text), "active": active}
        if text == "Inbox" and unread:
            item["count"] = unread if unread <= UNREAD_SHOWN_UP_TO else f"{UNREAD_SHOWN_UP_TO}+"
        nav_items.append(item)
    # Only the longest matching prefix is the current page.
    actives = [item for item in nav_items if item["active"]]
    if len(actives) > 1:
        keep = max(actives, key=lambda item: len(item["href"]))
        for item in actives:
            item["active"] = item is keep
    return {"nav_items": nav_items, "portal": portal_for(user) if user and user.is_authenticated else None}
