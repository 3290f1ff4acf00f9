"""Writes for sign-in security: enrolment, recovery codes, an admin's reset of a second factor and unlock.

Each is audited; resets and unlocks carry before and after (hmicfrs_mou.audit.audit_access_change)."""

from __future__ import annotations

import time
from typing import Any

from axes.models import AccessAttempt
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from contacts.models import User
from hmicfrs_mou.audit import audit_access_change, audit_record
from hmicfrs_mou.models import AuditAction
from hmicfrs_mou.signin.sessions import end_sessions_of

RECOVERY_CODES = 10
APP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


def second_factor_snapshot(user: Any) -> dict[str, Any]:
    """What a person's second factor is made of, for before and after (never a secret or a code)."""
    devices = list(devices_for_user(user, confirmed=None))
    return {
        "authenticator_apps": sum(1 for d in devices if isinstance(d, TOTPDevice) and d.confirmed),
        "recovery_codes_left": sum(d.token_set.count() for d in devices if isinstance(d, StaticDevice)),
    }


def _require_self(user: Any, by: Any) -> None:
    if by is None or not by.is_authenticated or by.pk != user.pk:
        raise ValidationError(_("Only the person themselves can set up their second factor."))


def _require_admin(by: Any) -> None:
    if by is None or not by.is_authenticated or not (by.is_staff or by.is_superuser):
        raise ValidationError("Only an administrator can do this.")


def totp_pending(*, user: Any) -> TOTPDevice:
    """A new, unconfirmed authenticator-app device (confirmed by the first code it gives)."""
    return TOTPDevice(user=user, name=APP_NAME, confirmed=False)


def _new_recovery_codes(user: Any) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def totp_enrol(*, user: Any, key: str, code: str, by: Any, request: HttpRequest) -> list[str]:
    """Confirm an authenticator app by a code it shows, replace any earlier one, make new recovery codes
    (returned, to be shown once), verify this session with the app and end the person's other sessions."""
    _require_self(user, by)
    device = TOTPDevice(user=user, name=APP_NAME, key=key, confirmed=True)
    if not _code_matches(device, code):
        raise ValidationError(
            {"code": _("The code is not right. Check the time on your phone and try again")}
        )
    before = second_factor_snapshot(user)
    TOTPDevice.objects.filter(user=user).delete()
    device.save()
    codes = _new_recovery_codes(user)
    otp_login(request, device)
    end_sessions_of([user.pk], keep=request.session.session_key)
    audit_access_change(
        subject=user,
        what="second factor set up",
        before=before,
        after=second_factor_snapshot(user),
        request=request,
        actor=by,
    )
    return codes


def _code_matches(device: TOTPDevice, code: str) -> bool:
    """Check a code against an unsaved device (no throttling row to write yet)."""
    try:
        token = int(code)
    except ValueError:
        return False
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.verify(token, device.tolerance):
        device.last_t = totp.t()
        return True
    return False


@transaction.atomic
def recovery_codes_renew(*, user: Any, by: Any, request: HttpRequest) -> list[str]:
    """New recovery codes (the old ones stop working), shown once."""
    _require_self(user, by)
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationError(_("Set up an authenticator app first."))
    before = second_factor_snapshot(user)
    codes = _new_recovery_codes(user)
    audit_access_change(
        subject=user,
        what="recovery codes renewed",
        before=before,
        after=second_factor_snapshot(user),
        request=request,
        actor=by,
    )
    return codes


@transaction.atomic
def second_factor_reset(*, user: Any, by: Any, request: HttpRequest | None = None) -> None:
    """An administrator removes a person's second factor (a lost phone): every device and recovery code
    goes, every session of theirs ends, and they set it up again at their next sign-in."""
    _require_admin(by)
    before = second_factor_snapshot(user)
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user).delete()
    end_sessions_of([user.pk])
    audit_access_change(
        subject=user,
        what="second factor reset",
        before=before,
        after=second_factor_snapshot(user),
        request=request,
        actor=by,
        detail={"via": "admin"},
    )


@transaction.atomic
def lockout_clear(
    *, username: str = "", ip_address: str = "", by: Any, request: HttpRequest | None = None
) -> int:
    """An administrator unlocks an account (by username) or an address: its failed attempts are cleared."""
    _require_admin(by)
    if not username and not ip_address:
        raise ValidationError("Name the account or the address to unlock.")
    attempts = AccessAttempt.objects.filter(
        **({"username": username} if username else {"ip_address": ip_address})
    )
    failures = sum(attempts.values_list("failures_since_start", flat=True))
    cleared = attempts.count()
    attempts.delete()
    subject = User.objects.filter(username=username).first() if username else None
    before = {"failed_attempts": failures, "locked_out": True}
    after = {"failed_attempts": 0, "locked_out": False}
    what = f"unlocked the account {username}" if username else f"unlocked the address {ip_address}"
    if subject is not None:
        audit_access_change(subject=subject, what=what, before=before, after=after, request=request, actor=by)
    else:
        audit_record(
            action=AuditAction.UPDATE,
            actor=by,
            object_type="sign-in lockout",
            object_id=username or ip_address,
            request=request,
            detail={"access_change": what, "before": before, "after": after, "changed": sorted(before)},
        )
    return cleared
