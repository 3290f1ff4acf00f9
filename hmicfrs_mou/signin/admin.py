"""The admin for sign-in security: read-only lists of second factors and failed sign-ins, and the two audited
actions that change them (a second factor reset, an unlock). No secret, code or typed value is shown.

Replaces django-otp's and django-axes' own admin classes (which would show secrets and let a row be
deleted without a trace): this app comes after theirs in INSTALLED_APPS."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django_otp.admin import OTPAdminSite
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from hmicfrs_mou.signin import services


class PortalAdminSite(OTPAdminSite):
    """django-otp's admin site (a staff member must also be verified by a device), signing in through the
    portal's sign-in page, so lockout and the second step are the same for the admin as for the portal."""

    name = "admin"

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        target = request.GET.get("next") or resolve_url("admin:index")
        return HttpResponseRedirect(f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': target})}")


for model in (TOTPDevice, StaticDevice, AccessAttempt, AccessLog, AccessFailureLog):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.action(description="Reset the second factor of the selected people (they set it up again)")
def reset_second_factor(model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Any]) -> None:
    people = {device.user for device in queryset.select_related("user")}
    for person in people:
        services.second_factor_reset(user=person, by=request.user, request=request)
    model_admin.message_user(
        request,
        f"Second factor reset for {len(people)} {'person' if len(people) == 1 else 'people'}.",
        messages.SUCCESS,
    )


@admin.register(TOTPDevice)
class AuthenticatorAppAdmin(ReadOnlyAdmin):
    list_display = ("user", "name", "confirmed", "created_at", "last_used_at")
    fields = ("user", "name", "confirmed", "created_at", "last_used_at")
    readonly_fields = fields
    search_fields = ("user__username", "user__first_name", "user__last_name")
    actions = (reset_second_factor,)


@admin.register(StaticDevice)
class RecoveryCodesAdmin(ReadOnlyAdmin):
    list_display = ("user", "name", "codes_left", "created_at", "last_used_at")
    fields = ("user", "name", "codes_left", "created_at", "last_used_at")
    readonly_fields = fields
    search_fields = ("user__username", "user__first_name", "user__last_name")
    actions = (reset_second_factor,)

    @admin.display(description="Codes left")
    def codes_left(self, device: StaticDevice) -> int:
        return device.token_set.count()


@admin.register(AccessAttempt)
class FailedSignInAdmin(ReadOnlyAdmin):
    list_display = ("attempt_time", "username", "ip_address", "failures_since_start", "locked_out")
    fields = ("attempt_time", "username", "ip_address", "user_agent", "failures_since_start")
    readonly_fields = fields
    search_fields = ("username", "ip_address")
    actions = ("unlock_accounts", "unlock_addresses")

    @admin.display(description="Locked out", boolean=True)
    def locked_out(self, attempt: AccessAttempt) -> bool:
        return attempt.failures_since_start >= settings.AXES_FAILURE_LIMIT

    @admin.action(description="Unlock the accounts of the selected attempts")
    def unlock_accounts(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        names = sorted({name for name in queryset.values_list("username", flat=True) if name})
        for name in names:
            services.lockout_clear(username=name, by=request.user, request=request)
        self.message_user(request, f"Unlocked {len(names)} account(s).", messages.SUCCESS)

    @admin.action(description="Unlock the addresses of the selected attempts")
    def unlock_addresses(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        addresses = sorted({ip for ip in queryset.values_list("ip_address", flat=True) if ip})
        for address in addresses:
            services.lockout_clear(ip_address=address, by=request.user, request=request)
        self.message_user(request, f"Unlocked {len(addresses)} address(es).", messages.SUCCESS)


@admin.register(AccessFailureLog)
class FailureLogAdmin(ReadOnlyAdmin):
    list_display = ("attempt_time", "username", "ip_address", "locked_out")
    fields = ("attempt_time", "username", "ip_address", "user_agent", "locked_out")
    readonly_fields = fields
