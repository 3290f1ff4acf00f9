"""The second sign-in step, setting up a second factor, recovery codes, timeout and password reset pages."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any
from urllib.parse import urlencode

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from hmicfrs_mou.audit import audit_record, client_ip
from hmicfrs_mou.forms import add_service_errors
from hmicfrs_mou.models import AuditAction, AuditEvent
from hmicfrs_mou.signin import services
from hmicfrs_mou.signin.forms import CodeForm, GovukPasswordResetForm, SetupForm
from hmicfrs_mou.signin.middleware import seconds_left, touch
from hmicfrs_mou.signin.policy import has_second_factor, two_factor_required

PENDING_KEY = "signin_pending_totp_key"
NEW_CODES_KEY = "signin_new_recovery_codes"
NEXT_KEY = "signin_next"


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or request.session.get(NEXT_KEY) or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return str(target)
    return str(resolve_url(settings.LOGIN_REDIRECT_URL))


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@require_http_methods(["GET", "POST"])
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the authenticator app, or a recovery code."""
    user = request.user
    if user.is_verified():
        return redirect(_next(request))
    if not has_second_factor(user):
        return redirect(f"{resolve_url('signin:setup')}?{urlencode({'next': _next(request)})}")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        credentials = {"username": user.get_username()}
        if not AxesProxyHandler.is_allowed(request, credentials):
            logout(request)
            return get_lockout_response(request, None, credentials)
        device, throttled = _matching_device(user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            audit_record(
                action=AuditAction.SIGN_IN,
                actor=user,
                request=request,
                detail={
                    "second_factor": "recovery code"
                    if isinstance(device, StaticDevice)
                    else "authenticator app"
                },
            )
            request.session.pop(NEXT_KEY, None)
            return redirect(_next(request))
        # A wrong code counts as a failed sign-in: on the audit trail, and towards the lockout.
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            logout(request)
            return get_lockout_response(request, None, credentials)
        form.add_error(
            "code",
            _(
                "You entered a wrong code just before. Wait a few seconds, then enter the code the app shows now"
            )
            if throttled
            else _("The security code is not right. Check it and try again"),
        )
    return render(
        request,
        "registration/two_factor_verify.html",
        # No menu (nor its unread count) until the second factor is given.
        {"form": form, "next": _next(request), "nav_items": []},
    )


def _matching_device(user: Any, code: str) -> tuple[Any, bool]:
    """The device that accepts the code (verified inside a transaction, under django-otp's throttling:
    each wrong code makes the next wait longer), and whether every device asked was waiting."""
    kinds = (TOTPDevice,) if code.isdigit() and len(code) == 6 else (StaticDevice,)
    asked = waiting = 0
    with transaction.atomic():
        for device in devices_for_user(user, for_verify=True):
            if not isinstance(device, kinds):
                continue
            asked += 1
            waiting += not device.verify_is_allowed()[0]
            if device.verify_token(code):
                return device, False
    return None, bool(asked) and waiting == asked


@require_http_methods(["GET", "POST"])
@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: a QR code and the secret as text, confirmed by a code it shows."""
    user = request.user
    if has_second_factor(user) and not user.is_verified():
        return redirect(f"{resolve_url('signin:verify')}?{urlencode({'next': _next(request)})}")
    if request.GET.get("next"):
        request.session[NEXT_KEY] = _next(request)
    # One secret until it is confirmed: reloading the page keeps the QR code already scanned.
    key = request.session.get(PENDING_KEY)
    if not key:
        key = default_key()
        request.session[PENDING_KEY] = key
    device = services.totp_pending(user=user)
    device.key = key
    form = SetupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.totp_enrol(
                user=user, key=key, code=form.cleaned_data["code"], by=user, request=request
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session.pop(PENDING_KEY, None)
            request.session[NEW_CODES_KEY] = codes
            return redirect("signin:recovery-codes")
    secret = device.config_url.split("secret=")[1].split("&")[0]
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "secret": _grouped(secret),
            "qr_svg": qr.svg_inline(scale=5, border=2, title=_("QR code for your authenticator app")),
            "required": two_factor_required(user),
            "replacing": has_second_factor(user),
            **({} if user.is_verified() else {"nav_items": []}),
        },
    )


@require_GET
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, shown once."""
    codes = request.session.pop(NEW_CODES_KEY, None)
    if not codes:
        return redirect("signin:security")
    next_url = request.session.pop(NEXT_KEY, None) or resolve_url(settings.LOGIN_REDIRECT_URL)
    return render(request, "registration/recovery_codes.html", {"codes": codes, "next": next_url})


@require_http_methods(["GET", "POST"])
@login_required
def security(request: HttpRequest) -> HttpResponse:
    """The person's sign-in security: their authenticator app and recovery codes."""
    user = request.user
    if request.method == "POST":
        try:
            codes = services.recovery_codes_renew(user=user, by=user, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("signin:security")
        request.session[NEW_CODES_KEY] = codes
        return redirect("signin:recovery-codes")
    app = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return render(
        request,
        "registration/security.html",
        {
            "app": app,
            "codes_left": sum(d.token_set.count() for d in StaticDevice.objects.filter(user=user)),
            "required": two_factor_required(user),
        },
    )


@require_GET
def timed_out(request: HttpRequest) -> HttpResponse:
    """Where an idle session ends (the page says why); a live session is sent on to the portal."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "registration/timed_out.html", {"minutes": settings.SESSION_IDLE_TIMEOUT // 60})


@require_GET
@login_required
def keep_alive(request: HttpRequest) -> JsonResponse:
    """Called by the timeout warning's "Stay signed in": restarts the idle clock."""
    touch(request)
    return JsonResponse({"seconds_left": seconds_left(request)})


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset by email (a single-use link: it stops working once the password changes), throttled
    per address and per email address, each request on the audit trail."""

    form_class = GovukPasswordResetForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        email = form.cleaned_data["email"].strip().lower()
        fingerprint = hashlib.sha256(email.encode()).hexdigest()[:16]
        since = timezone.now() - dt.timedelta(hours=1)
        recent = AuditEvent.objects.filter(at__gte=since, object_type="password reset link")
        address = client_ip(self.request)
        limit = settings.PASSWORD_RESET_LIMIT_PER_HOUR
        if (
            recent.filter(ip_address=address).count() >= limit
            or recent.filter(object_id=fingerprint).count() >= limit
        ):
            return render(self.request, "registration/password_reset_throttled.html", status=429)
        audit_record(
            action=AuditAction.CREATE,
            request=self.request,
            object_type="password reset link",
            object_id=fingerprint,
            detail={"asked_for": "password reset link"},
        )
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")
    post_reset_login = False

    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)
        for field in form.fields.values():
            field.widget.attrs["class"] = (
                "govuk-input govuk-password-input__input govuk-js-password-input-input"
            )
            field.widget.attrs["autocomplete"] = "new-password"
        return form

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        audit_record(
            action=AuditAction.UPDATE,
            actor=form.user,
            obj=form.user,
            request=self.request,
            detail={"access_change": "password reset by email link"},
        )
        return response
