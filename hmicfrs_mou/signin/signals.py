"""Sign-in signals: lockouts on the audit trail (each failed attempt already is: hmicfrs_mou.audit),
and what is noted on the session at sign-in."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from hmicfrs_mou.audit import audit_record
from hmicfrs_mou.models import AuditAction
from hmicfrs_mou.signin.middleware import LAST_SEEN_KEY, NOT_NEEDED_KEY
from hmicfrs_mou.signin.policy import has_second_factor, two_factor_required


@receiver(user_locked_out, dispatch_uid="signin_audit_lockout")
def _audit_lockout(
    sender: Any, request: HttpRequest | None = None, username: str = "", ip_address: str = "", **kwargs: Any
) -> None:
    audit_record(
        action=AuditAction.DENIED,
        request=request,
        actor=None,
        object_type="sign-in lockout",
        object_id=str(username or ip_address or "")[:64],
        detail={
            "lockout": True,
            "username": str(username or "")[:150],
            "ip_address": ip_address or "",
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "cool_off_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        },
    )


@receiver(user_logged_in, dispatch_uid="signin_note_second_factor")
def _note_second_factor(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """At sign-in, once: whether this person needs no second factor today (so pages ask nothing more of
    them), and the start of the idle clock."""
    session = getattr(request, "session", None)
    if session is None:
        return
    session[LAST_SEEN_KEY] = timezone.now().timestamp()
    if not two_factor_required(user) and not has_second_factor(user):
        session[NOT_NEEDED_KEY] = timezone.localdate().isoformat()
