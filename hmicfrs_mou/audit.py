"""Writing the audit trail. Every sensitive read, refusal and change goes through `audit_record`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import models
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import translation

from hmicfrs_mou.models import AuditAction, AuditEvent


def client_ip(request: HttpRequest | None) -> str | None:
    """The address the request came from.

    X-Forwarded-For is trusted only when the deployment says a proxy sets it
    (TRUSTED_PROXY_COUNT), otherwise a client could write any address into the trail.
    """
    if request is None:
        return None
    hops = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    if hops and forwarded:
        chain = [part.strip() for part in forwarded.split(",") if part.strip()]
        if len(chain) >= hops:
            return chain[-hops]
    remote: str | None = request.META.get("REMOTE_ADDR")
    return remote or None


def audit_record(
    *,
    action: str,
    actor: Any = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    request: HttpRequest | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. `obj` fills the object fields; without it pass type and id as text."""
    if actor is None and request is not None:
        actor = request.user
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    # The trail is kept in the portal's source language whatever language the person reads it in: a record's
    # name that uses a choice label would otherwise be stored in Welsh for a Welsh reader.
    with translation.override(settings.LANGUAGE_CODE):
        if obj is not None:
            object_type = obj._meta.label_lower
            object_id = str(obj.pk)
            object_repr = str(obj)[:300]
        else:
            object_repr = ""
        actor_label = (str(actor) if actor else "")[:300]
    return AuditEvent.objects.create(
        actor=actor,
        actor_label=actor_label,
        action=action,
        object_type=object_type,
        object_id=str(object_id)[:64],
        object_repr=object_repr,
        ip_address=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request else "")[:300],
        path=(request.get_full_path() if request else "")[:500],
        detail=detail or {},
    )


@receiver(user_logged_in, dispatch_uid="audit_sign_in")
def _audit_sign_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    audit_record(action=AuditAction.SIGN_IN, actor=user, request=request)


@receiver(user_logged_out, dispatch_uid="audit_sign_out")
def _audit_sign_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(action=AuditAction.SIGN_OUT, actor=user, request=request)


@receiver(user_login_failed, dispatch_uid="audit_sign_in_failed")
def _audit_sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # The password is never written; only the name that was tried.
    audit_record(
        action=AuditAction.SIGN_IN_FAILED,
        request=request,
        detail={"username": str(credentials.get("username", ""))[:150]},
    )


def access_snapshot(user: Any) -> dict[str, Any]:
    """What a person's access is made of, as plain values for the audit trail's before and after.

    The account flags, groups and direct permissions, and (when the directory has them) the person's
    appointments and assignments. Never the password: only whether one is usable."""
    if user is None or getattr(user, "pk", None) is None:
        return {}
    snapshot: dict[str, Any] = {
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
        "has_usable_password": user.has_usable_password(),
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "user_permissions": sorted(
            f"{app}.{codename}"
            for app, codename in user.user_permissions.values_list("content_type__app_label", "codename")
        ),
    }
    for related, fields in (
        ("appointments", ("role", "organisation__name", "starts_on", "ends_on")),
        ("assignments", ("kind", "subject__name", "starts_on", "ends_on")),
    ):
        manager = getattr(user, related, None)
        if manager is not None:
            snapshot[related] = sorted(
                " | ".join(str(value) for value in row) for row in manager.values_list(*fields)
            )
    return snapshot


def audit_access_change(
    *,
    subject: models.Model,
    what: str,
    before: dict[str, Any],
    after: dict[str, Any],
    request: HttpRequest | None = None,
    actor: Any = None,
    detail: dict[str, Any] | None = None,
    action: str = AuditAction.UPDATE,
) -> AuditEvent:
    """One audit entry for a change to who may do what: roles, appointments, groups, permissions,
    account flags, unlocks, second-factor resets. `before` and `after` are plain values (see
    `access_snapshot`); the keys that differ are listed under "changed"."""
    changed = sorted(key for key in before.keys() | after.keys() if before.get(key) != after.get(key))
    return audit_record(
        action=action,
        actor=actor,
        obj=subject,
        request=request,
        detail={
            **(detail or {}),
            "access_change": what,
            "before": _plain(before),
            "after": _plain(after),
            "changed": changed,
        },
    )


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    """JSON-safe copies (dates and other objects as text)."""
    return {
        key: value if isinstance(value, (str, int, float, bool, list, type(None))) else str(value)
        for key, value in values.items()
    }
