from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from hmicfrs_mou.audit import audit_record
from hmicfrs_mou.models import AuditAction, AuditEvent


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
