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

from contacts.access import may_see_meetings
from contacts.models import INVESTIGATING_BODY_KINDS, Appointment, OrganisationKind
from hmicfrs_mou.access import holds
from hmicfrs_mou.models import InboxMessage
from hmicfrs_mou.permissions import Perm


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
    """The user's appointments in force today, cached on the user for the request."""
    if not getattr(user, "is_authenticated", False):
        return []
    if on is None and hasattr(user, "_mou_appointments"):
        return user._mou_appointments
    rows = list(
        Appointment.objects.in_force(on or timezone.localdate())
        .filter(person=user)
        .select_related("organisation", "organisation__parent")
        .order_by("starts_on", "pk")
    )
    if on is None:
        user._mou_appointments = rows
    return rows


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


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Service navigation items for base.html, by portal."""
    user = getattr(request, "user", None)
    items: list[tuple[str, str]] = []
    unread = 0
    if user is None or not user.is_authenticated:
        items = [
            (reverse("public:index"), "Forces and fire and rescue services"),
            (reverse("public_reports:index"), "Reports"),
            (reverse("public_responses:overdue"), "Overdue responses"),
            (reverse("public_monitoring:police"), "In Engage"),
        ]
    else:
        portal = portal_for(user)
        if portal:
            items.append((reverse(PORTAL_HOME[portal]), "Home"))
        if holds(user, Perm.VIEW_DIRECTORY):
            items.append((reverse("contacts:directory"), "Directory"))
        if portal == Portal.HMICFRS:
            items.append((reverse("inspections:list"), "Inspections"))
        elif portal in (Portal.OPCC, Portal.FORCE):
            items.append((reverse("inspections:my-area"), "Inspections"))
        if portal in (Portal.OPCC, Portal.HMICFRS):
            items.append((reverse("responses:awaiting"), "Responses"))
        if portal in (Portal.OPCC, Portal.FORCE, Portal.HMICFRS):
            items.append((reverse("responses:plans"), "Action plans"))
            items.append((reverse("monitoring:workspace"), "Monitoring"))
        elif portal == Portal.APCC:
            items.append((reverse("monitoring:tracker"), "Engage tracker"))
        if portal in (Portal.HMICFRS, Portal.APCC) or investigates(user):
            items.append((reverse("responses:complaints"), "Super-complaints"))
        if portal == Portal.FORCE:
            items.append((reverse("responses:chief-invitations"), "Comments on responses"))
        if portal in (Portal.HMICFRS, Portal.APCC):
            items.append((reverse("responses:dashboard"), "Timeliness"))
        if may_see_meetings(user):
            items.append((reverse("contacts:meetings"), "Meetings"))
        items.append((reverse("my-deadlines"), "My deadlines"))
        items.append((reverse("inbox"), "Inbox"))
        unread = InboxMessage.objects.filter(user=user, read_at__isnull=True).count()
        if holds(user, Perm.VIEW_AUDIT_TRAIL):
            items.append((reverse("audit-trail"), "Audit trail"))
        if user.is_staff:
            # A link to the admin, which checks its own permissions; no portal page is opened by is_staff.
            items.append((reverse("admin:index"), "Admin"))
    path = request.path if request else ""
    nav_items = []
    for href, text in items:
        # "Inspections" is the section for every page under /inspections/, wherever its link points;
        # likewise the monitoring entry (Monitoring, or the APCC's Engage tracker) for /monitoring/.
        prefix = SECTION_PREFIXES.get(text, href)
        active = path == href if href == "/" else path.startswith(prefix)
        item = {"href": href, "text": text, "active": active}
        if text == "Inbox" and unread:
            item["count"] = unread
        nav_items.append(item)
    # Only the longest matching prefix is the current page.
    actives = [item for item in nav_items if item["active"]]
    if len(actives) > 1:
        keep = max(actives, key=lambda item: len(item["href"]))
        for item in actives:
            item["active"] = item is keep
    return {"nav_items": nav_items, "portal": portal_for(user) if user and user.is_authenticated else None}
