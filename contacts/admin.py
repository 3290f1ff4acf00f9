from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

from contacts.models import (
    Appointment,
    Assignment,
    Governance,
    Meeting,
    Organisation,
    OrganisationGroupObjectPermission,
    OrganisationUserObjectPermission,
    User,
)
from contacts.services import access_sync
from hmicfrs_mou.admin import AuditedModelAdmin


class AppointmentInline(admin.TabularInline):
    model = Appointment
    fk_name = "person"
    extra = 0
    autocomplete_fields = ("organisation",)


class AssignmentInline(admin.TabularInline):
    model = Assignment
    fk_name = "person"
    extra = 0
    autocomplete_fields = ("subject",)


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    list_display = ("username", "first_name", "last_name", "email", "is_active", "is_staff")
    list_filter = (
        "is_active",
        "is_staff",
        "groups",
        "appointments__role",
        "appointments__organisation__kind",
    )
    search_fields = ("username", "first_name", "last_name", "email")
    inlines = (AppointmentInline, AssignmentInline)
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("Contact", {"fields": ("job_title", "phone")}),
    )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Accounts are deactivated, never deleted: the audit trail points at them.
        return False

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        access_sync(person=form.instance)


@admin.register(Organisation)
class OrganisationAdmin(AuditedModelAdmin):
    list_display = ("name", "kind", "country", "parent", "verified")
    list_filter = ("kind", "country", "verified")
    search_fields = ("name", "slug", "notes")
    autocomplete_fields = ("parent",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Governance)
class GovernanceAdmin(AuditedModelAdmin):
    list_display = ("area", "body", "model", "starts_on", "ends_on")
    list_filter = ("model", "area__kind", "ends_on")
    search_fields = ("area__name", "body__name", "source")
    autocomplete_fields = ("area", "body")
    list_select_related = ("area", "body")


@admin.register(Appointment)
class AppointmentAdmin(AuditedModelAdmin):
    list_display = ("person", "role", "organisation", "starts_on", "ends_on")
    list_filter = ("role", "organisation__kind", "ends_on")
    search_fields = ("person__username", "person__first_name", "person__last_name", "organisation__name")
    autocomplete_fields = ("person", "organisation")
    list_select_related = ("person", "organisation")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        access_sync(person=obj.person)


@admin.register(Assignment)
class AssignmentAdmin(AuditedModelAdmin):
    list_display = ("person", "kind", "subject", "starts_on", "ends_on")
    list_filter = ("kind", "subject__kind", "ends_on")
    search_fields = ("person__username", "person__last_name", "subject__name")
    autocomplete_fields = ("person", "subject")
    list_select_related = ("person", "subject")


@admin.register(Meeting)
class MeetingAdmin(AuditedModelAdmin):
    """Meetings in the admin: an administrator manages records but does not read confidential notes."""

    list_display = ("kind", "subject", "held_on", "confidential", "recorded_by")
    list_filter = ("kind", "confidential", ("held_on", admin.DateFieldListFilter))
    search_fields = ("subject__name", "recorded_by__username")
    autocomplete_fields = ("subject", "parties", "attendees", "recorded_by")
    list_select_related = ("subject", "recorded_by")

    def get_queryset(self, request: HttpRequest) -> Any:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.visible_to(request.user)

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and obj.confidential:
            return ("notes",)
        return super().get_exclude(request, obj)


@admin.register(OrganisationUserObjectPermission)
class OrganisationUserObjectPermissionAdmin(admin.ModelAdmin):
    list_display = ("user", "permission", "content_object")
    list_filter = ("permission",)
    search_fields = ("user__username", "content_object__name")
    list_select_related = ("user", "permission", "content_object")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Granted from appointments only (access_sync), so they never drift apart.
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OrganisationGroupObjectPermission)
class OrganisationGroupObjectPermissionAdmin(admin.ModelAdmin):
    list_display = ("group", "permission", "content_object")
    list_filter = ("permission", "group")
    search_fields = ("group__name", "content_object__name")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Acting for an organisation comes from appointments as a direct grant; a group grant counts
        # for nothing in the portal (contacts.selectors), so none may be made here to look as if it did.
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
