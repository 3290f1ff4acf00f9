from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.http import HttpRequest

from contacts.models import (
    Appointment,
    Assignment,
    ChiefOfficerRecruitment,
    Governance,
    Meeting,
    Organisation,
    OrganisationGroupObjectPermission,
    OrganisationUserObjectPermission,
    PanelBriefingSource,
    PanelInvitation,
    SharedFindings,
    User,
)
from contacts.services import access_sync
from hmicfrs_mou.admin import AuditedModelAdmin, ReadOnlyMetadataAdmin, record_snapshot
from hmicfrs_mou.audit import access_snapshot


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
    # Flags, groups, permissions, appointments and assignments: each change is an access change,
    # audited with before and after (the inlines' appointments and assignments included).
    access_change = "user"
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

    def audit_snapshot(self, obj: Any) -> dict[str, Any]:
        return {**record_snapshot(obj), **access_snapshot(obj)}

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
    access_change = "appointment"
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
    access_change = "assignment"
    list_display = ("person", "kind", "subject", "starts_on", "ends_on")
    list_filter = ("kind", "subject__kind", "ends_on")
    search_fields = ("person__username", "person__last_name", "subject__name")
    autocomplete_fields = ("person", "subject")
    list_select_related = ("person", "subject")


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyMetadataAdmin):
    """Meetings in the admin: read-only and metadata only (never the notes, confidential or not);
    they are recorded through contacts.services."""

    metadata_fields = (
        "id",
        "kind",
        "held_on",
        "subject",
        "confidential",
        "recorded_by",
        "created_at",
        "parties",
        "attendees",
    )
    list_display = ("kind", "subject", "held_on", "confidential", "recorded_by")
    list_filter = ("kind", "confidential", ("held_on", admin.DateFieldListFilter))
    search_fields = ("subject__name", "recorded_by__username")
    list_select_related = ("subject", "recorded_by")

    def get_queryset(self, request: HttpRequest) -> Any:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.visible_to(request.user)


@admin.register(OrganisationUserObjectPermission)
class OrganisationUserObjectPermissionAdmin(AuditedModelAdmin):
    access_change = "object permission"
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
class OrganisationGroupObjectPermissionAdmin(AuditedModelAdmin):
    access_change = "group object permission"
    list_display = ("group", "permission", "content_object")
    list_filter = ("permission", "group")
    search_fields = ("group__name", "content_object__name")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Acting for an organisation comes from appointments as a direct grant; a group grant counts
        # for nothing in the portal (contacts.selectors), so none may be made here to look as if it did.
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(AuditedModelAdmin, DjangoGroupAdmin):
    """Groups carry model permissions: each change is an access change, audited with before and after."""

    access_change = "group"
    list_filter = ("permissions__content_type__app_label",)

    def audit_snapshot(self, obj: Any) -> dict[str, Any]:
        return {
            "name": obj.name,
            "permissions": sorted(
                f"{app}.{codename}"
                for app, codename in obj.permissions.values_list("content_type__app_label", "codename")
            )
            if obj.pk
            else [],
            "members": sorted(obj.user_set.values_list("username", flat=True)) if obj.pk else [],
        }


class ConfidentialRecordAdmin(ReadOnlyMetadataAdmin):
    """C4, C5, L1 in the admin: read-only and metadata only (never the findings, the invitation, the
    representations, the decision's reasons, the briefing, the appointment process or the advice).
    Staff who are not superusers see only the rows contacts.access lets them read in the portal.

    Conduct matters (L2) are not registered at all: they are on no list but their own, and even that a
    matter about a chief officer exists is confidential to the HMI for the area and the staff named."""

    def get_queryset(self, request: HttpRequest) -> Any:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.visible_to(request.user)


@admin.register(SharedFindings)
class SharedFindingsAdmin(ConfidentialRecordAdmin):
    metadata_fields = ("id", "area", "office", "shared_by", "shared_at", "named_staff")
    list_display = ("id", "area", "office", "shared_at")
    list_filter = (("shared_at", admin.DateFieldListFilter),)
    search_fields = ("area__name", "office__name")


@admin.register(PanelInvitation)
class PanelInvitationAdmin(ConfidentialRecordAdmin):
    metadata_fields = (
        "id",
        "area",
        "office",
        "panel",
        "received_on",
        "meeting_on",
        "recorded_by",
        "recorded_at",
        "representations_due_at",
        "representations_at",
        "decision",
        "decided_at",
        "briefing_at",
    )
    list_display = ("id", "area", "meeting_on", "decision")
    list_filter = ("decision", ("meeting_on", admin.DateFieldListFilter))
    search_fields = ("area__name", "office__name")


@admin.register(ChiefOfficerRecruitment)
class ChiefOfficerRecruitmentAdmin(ConfidentialRecordAdmin):
    metadata_fields = (
        "id",
        "area",
        "office",
        "asks_panel",
        "asks_pre_appointment_advice",
        "recorded_by",
        "recorded_at",
        "advised_at",
    )
    list_display = ("id", "area", "recorded_at", "advised_at")
    list_filter = ("asks_panel", "asks_pre_appointment_advice")
    search_fields = ("area__name", "office__name")


@admin.register(PanelBriefingSource)
class PanelBriefingSourceAdmin(ReadOnlyMetadataAdmin):
    """A document a panel briefing relies on: which and when, never what the briefing draws from it."""

    metadata_fields = ("id", "invitation", "document_key", "published_at")
    list_display = ("invitation", "document_key", "published_at")
    list_filter = (("published_at", admin.DateFieldListFilter),)
    search_fields = ("document_key",)

    def get_queryset(self, request: HttpRequest) -> Any:
        # Only the sources of invitations the admin lists (as PanelInvitationAdmin decides).
        invitations = admin.site._registry[PanelInvitation].get_queryset(request)
        return super().get_queryset(request).filter(invitation__in=invitations.values("pk"))
