"""Responses in the Django admin: read-only and metadata only, for everyone, superusers included.

Every change goes through responses.services, responses.plans and responses.complaints (each checks who
is acting); the admin shows no response, comment, submission, action or plan text, public or not
(hmicfrs_mou.admin.ReadOnlyMetadataAdmin)."""

from __future__ import annotations

from django.contrib import admin

from hmicfrs_mou.admin import ReadOnlyMetadataAdmin
from responses import models as m


@admin.register(m.ResponseObligation)
class ResponseObligationAdmin(ReadOnlyMetadataAdmin):
    metadata_fields = (
        "id",
        "report",
        "area",
        "office",
        "published_on",
        "due_at",
        "state",
        "chief_comments_invited_at",
        "chief_comments_due_on",
        "published_url",
        "answered_by",
        "created_at",
    )
    list_display = ("report", "area", "office", "due_at", "state")
    list_filter = ("state",)
    search_fields = ("report__title", "area__name", "office__name")
    list_select_related = ("report", "area", "office")


@admin.register(m.ResponseTally)
class ResponseTallyAdmin(ReadOnlyMetadataAdmin):
    """The counts the timeliness pages read (responses.tallies): figures only, no response text."""

    metadata_fields = (
        "id",
        "area",
        "office",
        "report_kind",
        "year",
        "on_time",
        "late",
        "answered_elsewhere",
        "refreshed_at",
    )
    list_display = ("area", "office", "report_kind", "year", "on_time", "late", "answered_elsewhere")
    list_filter = ("year", "report_kind")
    search_fields = ("area__name", "office__name")
    list_select_related = ("area", "office")


@admin.register(m.RecommendationResponse)
class RecommendationResponseAdmin(ReadOnlyMetadataAdmin):
    metadata_fields = ("id", "obligation", "finding")
    list_display = ("obligation", "finding")
    list_filter = ("obligation__state",)
    search_fields = ("finding__reference",)


@admin.register(m.Submission)
class SubmissionAdmin(ReadOnlyMetadataAdmin):
    metadata_fields = (
        "id",
        "obligation",
        "version",
        "submitted_at",
        "submitted_by",
        "late",
        "size",
        "sha256",
        "published_url",
        "sent_to_home_secretary",
    )
    list_display = ("obligation", "version", "submitted_at", "late", "size")
    list_filter = ("late",)
    search_fields = ("obligation__report__title", "sha256")


@admin.register(m.ActionPlanItem)
class ActionPlanItemAdmin(ReadOnlyMetadataAdmin):
    metadata_fields = ("id", "finding", "area", "target_on", "status", "updated_at")
    list_display = ("finding", "area", "target_on", "status", "updated_at")
    list_filter = ("status",)
    search_fields = ("finding__reference", "area__name")


@admin.register(m.ActionPlanUpdate)
class ActionPlanUpdateAdmin(ReadOnlyMetadataAdmin):
    metadata_fields = ("id", "item", "status", "by", "at")
    list_display = ("item", "status", "by", "at")
    list_filter = ("status",)
    search_fields = ("item__finding__reference",)


@admin.register(m.ActionPlanVersion)
class ActionPlanVersionAdmin(ReadOnlyMetadataAdmin):
    metadata_fields = ("id", "report", "area", "version", "published_at", "published_by")
    list_display = ("report", "area", "version", "published_at")
    list_filter = ("published_at",)
    search_fields = ("report__title", "area__name")


@admin.register(m.SuperComplaint)
class SuperComplaintAdmin(ReadOnlyMetadataAdmin):
    metadata_fields = (
        "id",
        "title",
        "designated_body",
        "received_at",
        "state",
        "eligibility_decided_at",
        "apcc_notified_at",
        "report",
        "investigators",
        "apcc_supporters",
    )
    label_field = "title"
    list_display = ("title", "designated_body", "state", "received_at", "apcc_notified_at")
    list_filter = ("state",)
    search_fields = ("title", "designated_body")
