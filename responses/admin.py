from __future__ import annotations

from django.contrib import admin

from hmicfrs_mou.admin import AuditedModelAdmin
from responses import models as m


@admin.register(m.ResponseObligation)
class ResponseObligationAdmin(AuditedModelAdmin):
    list_display = ("report", "area", "office", "due_at", "state")
    list_filter = ("state",)
    search_fields = ("report__title", "area__name", "office__name")
    list_select_related = ("report", "area", "office")


@admin.register(m.RecommendationResponse)
class RecommendationResponseAdmin(AuditedModelAdmin):
    list_display = ("obligation", "finding")
    list_filter = ("obligation__state",)
    search_fields = ("finding__reference",)


@admin.register(m.Submission)
class SubmissionAdmin(AuditedModelAdmin):
    list_display = ("obligation", "version", "submitted_at", "late", "size")
    list_filter = ("late",)
    search_fields = ("obligation__report__title", "original_name", "sha256")

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        # Submitted versions are never overwritten.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(m.ActionPlanItem)
class ActionPlanItemAdmin(AuditedModelAdmin):
    list_display = ("finding", "area", "owner", "target_on", "status", "updated_at")
    list_filter = ("status",)
    search_fields = ("finding__reference", "owner", "action")


@admin.register(m.ActionPlanUpdate)
class ActionPlanUpdateAdmin(AuditedModelAdmin):
    list_display = ("item", "status", "by", "at")
    list_filter = ("status",)
    search_fields = ("text",)


@admin.register(m.ActionPlanVersion)
class ActionPlanVersionAdmin(AuditedModelAdmin):
    list_display = ("report", "area", "version", "published_at")
    list_filter = ("published_at",)
    search_fields = ("report__title", "area__name")


@admin.register(m.SuperComplaint)
class SuperComplaintAdmin(AuditedModelAdmin):
    list_display = ("title", "designated_body", "state", "received_at", "apcc_notified_at")
    list_filter = ("state",)
    search_fields = ("title", "designated_body")
