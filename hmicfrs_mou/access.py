"""The shared access core: what a user holds, whatever app asks.

Each app's own access module decides visibility of its records; this module
answers the questions they all share. Superuser status is deliberately ignored
here: a system administrator manages data in the admin, and must not see
embargoed or confidential records in the portal by accident of being a superuser.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import Permission
from django.db.models import OuterRef, Value
from django.db.models.functions import Concat
from django.http import Http404, HttpRequest
from django.utils import timezone

from hmicfrs_mou.audit import audit_record
from hmicfrs_mou.csv_export import JoinedIds
from hmicfrs_mou.models import AuditAction
from hmicfrs_mou.permissions import Perm

_CACHE_ATTR = "_mou_global_perms"
# The annotations `with_global_perms` puts on a user row: the names held through groups, and directly.
_BY_GROUP = "_mou_perms_by_group"
_OWN = "_mou_perms_own"


def _names_held(through: str) -> JoinedIds:
    """For the user row outside: the "app.codename" of each permission held `through` (a path to the user)."""
    return JoinedIds(
        Permission.objects.filter(**{through: OuterRef("pk")}).values(
            value=Concat("content_type__app_label", Value("."), "codename")
        )
    )


def with_global_perms(users: Any) -> Any:
    """A user queryset whose rows bring their `global_perms` with them (two subqueries in the same query).

    The sign-in backend loads each request's user so: nearly every page asks what its user holds, and this
    saves that page a query of its own.
    """
    return users.annotate(**{_BY_GROUP: _names_held("group__user"), _OWN: _names_held("user")})


def signed_in(user: Any) -> bool:
    """A person signed in whose account is active: the first question of every access rule."""
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def global_perms(user: Any) -> frozenset[str]:
    """Model-level permissions from the user's groups and own grants (never from is_superuser)."""
    if not signed_in(user):
        return frozenset()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None and hasattr(user, _BY_GROUP):
        # Loaded by `with_global_perms`: read once, then forgotten like any other cache.
        names = f"{getattr(user, _BY_GROUP) or ''},{getattr(user, _OWN) or ''}"
        cached = frozenset(name for name in names.split(",") if name)
        setattr(user, _CACHE_ATTR, cached)
        delattr(user, _BY_GROUP)
    if cached is None:
        rows = (
            Permission.objects.filter(group__user=user)
            .order_by()
            .values_list("content_type__app_label", "codename")
            .union(
                Permission.objects.filter(user=user)
                .order_by()
                .values_list("content_type__app_label", "codename")
            )
        )
        cached = frozenset(f"{app}.{code}" for app, code in rows)
        setattr(user, _CACHE_ATTR, cached)
    return cached


def holds(user: Any, perm: Perm) -> bool:
    return perm.value in global_perms(user)


def forget_cached_perms(user: Any) -> None:
    """Drop cached permissions after groups or grants change (tests, services)."""
    for attr in (
        _CACHE_ATTR,
        _BY_GROUP,
        _OWN,
        "_perm_cache",
        "_user_perm_cache",
        "_group_perm_cache",
        "_mou_orgs",
    ):
        if hasattr(user, attr):
            delattr(user, attr)


def moment(at: dt.datetime | None) -> dt.datetime:
    """The moment a visibility question is asked for; now by default."""
    return at or timezone.now()


def not_found(request: HttpRequest, *, object_type: str, object_id: object) -> Http404:
    """Record a refused reach for a record and return the 404 to raise.

    The answer is the same as for a record that does not exist, so a user
    cannot learn which ids are real; the attempt still goes on the trail.
    """
    audit_record(
        action=AuditAction.DENIED,
        request=request,
        object_type=object_type,
        object_id=str(object_id),
    )
    return Http404("No such record.")
