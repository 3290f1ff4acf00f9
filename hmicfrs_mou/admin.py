from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from hmicfrs_mou.audit import audit_record
from hmicfrs_mou.models import (
    AuditAction,
    AuditEvent,
    Deadline,
    DeadlineChange,
    DeadlineParty,
    InboxMessage,
    Reminder,
    SweepRun,
)


class AuditedModelAdmin(admin.ModelAdmin):
    """Admin whose every add, change and deletion also goes on the audit trail."""

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        audit_record(action=AuditAction.CREATE, obj=obj, request=request, detail={"via": "admin"})
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        audit_record(
            action=AuditAction.UPDATE,
            obj=obj,
            request=request,
            detail={"via": "admin", "change": str(message)[:2000]},
        )
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        for obj in queryset:
            audit_record(action=AuditAction.DELETE, obj=obj, request=request, detail={"via": "admin"})
        return super().log_deletions(request, queryset)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Searchable, never editable: no add, change or delete, not even for superusers."""

    list_display = ("at", "actor_label", "action", "object_type", "object_id", "object_repr", "ip_address")
    list_filter = ("action", "object_type", ("at", admin.DateFieldListFilter))
    search_fields = ("actor_label", "object_repr", "object_id", "ip_address", "path")
    date_hierarchy = "at"
    list_select_related = ("actor",)
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Engine records are written by the engine only; admins search and read them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DeadlinePartyInline(admin.TabularInline):
    model = DeadlineParty
    extra = 0
    readonly_fields = ("user", "role")
    can_delete = False


class DeadlineChangeInline(admin.TabularInline):
    model = DeadlineChange
    extra = 0
    readonly_fields = ("at", "old_due_at", "new_due_at", "reason")
    can_delete = False


@admin.register(Deadline)
class DeadlineAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "due_at", "state", "next_fire_at")
    list_filter = ("kind", "state", ("due_at", admin.DateFieldListFilter))
    search_fields = ("title", "key", "subject_id")
    date_hierarchy = "due_at"
    inlines = (DeadlinePartyInline, DeadlineChangeInline)


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ("deadline", "step", "recipient", "fire_at", "status", "attempts", "late", "sent_at")
    list_filter = ("status", "late", "step")
    search_fields = ("deadline__title", "recipient__username", "last_error")
    list_select_related = ("deadline", "recipient")


@admin.register(InboxMessage)
class InboxMessageAdmin(ReadOnlyAdmin):
    list_display = ("subject", "user", "created_at", "read_at")
    list_filter = (("created_at", admin.DateFieldListFilter),)
    search_fields = ("subject", "user__username")
    list_select_related = ("user",)


@admin.register(SweepRun)
class SweepRunAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "finished_at", "due", "sent", "late", "failed", "retried")
    list_filter = (("started_at", admin.DateFieldListFilter),)
    search_fields = ("error",)


@admin.register(DeadlineParty)
class DeadlinePartyAdmin(ReadOnlyAdmin):
    list_display = ("deadline", "user", "role")
    list_filter = ("role",)
    search_fields = ("deadline__title", "user__username")
    list_select_related = ("deadline", "user")


@admin.register(DeadlineChange)
class DeadlineChangeAdmin(ReadOnlyAdmin):
    list_display = ("deadline", "at", "old_due_at", "new_due_at", "reason")
    list_filter = (("at", admin.DateFieldListFilter),)
    search_fields = ("deadline__title", "reason")
    list_select_related = ("deadline",)
