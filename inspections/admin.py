"""Inspections in the Django admin: read-only and metadata only, for everyone, superusers included.

Every change goes through inspections.services (each checks who is acting), so the admin adds, changes
and deletes nothing here, and shows no report text, finding, comment, debrief note, disclosure, notice
or chief's update (hmicfrs_mou.admin.ReadOnlyMetadataAdmin). For anyone but a superuser the lists also
go through inspections.access, as before."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from hmicfrs_mou.admin import ReadOnlyMetadataAdmin
from inspections import models as m
from inspections.access import debriefs_visible_to, evidence_visible_to, inspections_visible_to


class VisibleReportsMixin:
    report_path = "report"

    def get_queryset(self, request: HttpRequest) -> Any:
        queryset = super().get_queryset(request)  # type: ignore[misc]
        if request.user.is_superuser:
            return queryset
        visible = m.Report.objects.visible_to(request.user).values("pk")
        if self.report_path == "":
            return queryset.filter(pk__in=visible)
        return queryset.filter(**{f"{self.report_path}__in": visible})


@admin.register(m.Programme)
class ProgrammeAdmin(ReadOnlyMetadataAdmin):
    metadata_fields = ("id", "title", "year", "state", "representations_due_on", "created_at")
    label_field = "title"
    list_display = ("title", "year", "state")
    list_filter = ("state",)
    search_fields = ("title", "year")


@admin.register(m.ProgrammeEvent)
class ProgrammeEventAdmin(ReadOnlyMetadataAdmin):
    metadata_fields = ("id", "programme", "state", "at", "by")
    list_display = ("programme", "state", "at", "by")
    list_filter = ("state",)
    search_fields = ("programme__title",)


@admin.register(m.Representation)
class RepresentationAdmin(ReadOnlyMetadataAdmin):
    metadata_fields = ("id", "programme", "kind", "organisation", "received_at", "considered_at")
    list_display = ("programme", "kind", "organisation", "received_at")
    list_filter = ("kind",)
    search_fields = ("organisation__name",)


@admin.register(m.CommissionRequest)
class CommissionRequestAdmin(ReadOnlyMetadataAdmin):
    metadata_fields = (
        "id",
        "state",
        "estimated_days",
        "estimated_cost_pounds",
        "estimate_agreed_at",
        "decided_at",
        "created_at",
        "requested_by",
        "areas",
    )
    list_display = ("id", "state", "estimated_days", "estimated_cost_pounds", "created_at")
    list_filter = ("state",)
    search_fields = ("areas__name",)


@admin.register(m.Inspection)
class InspectionAdmin(ReadOnlyMetadataAdmin):
    metadata_fields = ("id", "kind", "title", "lead", "commission", "created_at", "areas", "team")
    label_field = "title"
    list_display = ("title", "kind", "lead", "created_at")
    list_filter = ("kind",)
    search_fields = ("title", "areas__name")

    def get_queryset(self, request: HttpRequest) -> Any:
        queryset = super().get_queryset(request)
        return (
            queryset
            if request.user.is_superuser
            else queryset.filter(pk__in=inspections_visible_to(request.user).values("pk"))
        )


@admin.register(m.ReferenceGroup)
class ReferenceGroupAdmin(ReadOnlyMetadataAdmin):
    metadata_fields = ("id", "inspection", "members")
    list_display = ("id", "inspection")
    list_filter = ("inspection__kind",)
    search_fields = ("inspection__title", "members__name")


@admin.register(m.InspectionNotice)
class InspectionNoticeAdmin(ReadOnlyMetadataAdmin):
    metadata_fields = ("id", "inspection", "kind", "sent_at", "sent_by", "recipients")
    list_display = ("inspection", "kind", "sent_at", "sent_by")
    list_filter = ("kind",)
    search_fields = ("inspection__title",)


@admin.register(m.Milestone)
class MilestoneAdmin(ReadOnlyMetadataAdmin):
    metadata_fields = ("id", "inspection", "name", "starts_on", "ends_on")
    list_display = ("name", "inspection", "starts_on", "ends_on")
    list_filter = ("starts_on",)
    search_fields = ("name", "inspection__title")


@admin.register(m.EvidenceRecord)
class EvidenceRecordAdmin(ReadOnlyMetadataAdmin):
    metadata_fields = ("id", "inspection", "kind", "source", "recorded_by", "recorded_at")
    list_display = ("inspection", "kind", "source", "recorded_at")
    list_filter = ("kind",)
    search_fields = ("inspection__title", "source__name")

    def get_queryset(self, request: HttpRequest) -> Any:
        # Even a superuser does not read disclosures in confidence here (I5).
        queryset = super().get_queryset(request)
        visible = evidence_visible_to(request.user).values("pk")
        if request.user.is_superuser:
            return queryset.exclude(kind=m.EvidenceRecord.Kind.CONFIDENTIAL_DISCLOSURE) | queryset.filter(
                pk__in=visible
            )
        return queryset.filter(pk__in=visible)


@admin.register(m.StrategicPresentation)
class StrategicPresentationAdmin(ReadOnlyMetadataAdmin):
    metadata_fields = ("id", "inspection", "area", "held_on", "pcc_invited", "pfcc_attending")
    list_display = ("inspection", "area", "held_on", "pcc_invited", "pfcc_attending")
    list_filter = ("held_on",)
    search_fields = ("inspection__title", "area__name")


@admin.register(m.Debrief)
class DebriefAdmin(ReadOnlyMetadataAdmin):
    metadata_fields = (
        "id",
        "inspection",
        "area",
        "held_on",
        "pcc_invited",
        "significant_concern",
        "recorded_by",
    )
    list_display = ("inspection", "area", "held_on", "pcc_invited", "significant_concern")
    list_filter = ("pcc_invited", "significant_concern")
    search_fields = ("inspection__title", "area__name")

    def get_queryset(self, request: HttpRequest) -> Any:
        queryset = super().get_queryset(request)
        return (
            queryset
            if request.user.is_superuser
            else queryset.filter(pk__in=debriefs_visible_to(request.user).values("pk"))
        )


@admin.register(m.ConfidentialityAcknowledgement)
class ConfidentialityAcknowledgementAdmin(ReadOnlyMetadataAdmin):
    metadata_fields = ("id", "debrief", "person", "at")
    list_display = ("id", "debrief", "person", "at")
    list_filter = ("at",)
    search_fields = ("person__username",)


@admin.register(m.ChiefUpdate)
class ChiefUpdateAdmin(ReadOnlyMetadataAdmin):
    metadata_fields = ("id", "inspection", "area", "by", "at")
    list_display = ("inspection", "area", "by", "at")
    list_filter = ("at",)
    search_fields = ("inspection__title", "area__name")


@admin.register(m.Report)
class ReportAdmin(VisibleReportsMixin, ReadOnlyMetadataAdmin):
    metadata_fields = (
        "id",
        "inspection",
        "kind",
        "title",
        "state",
        "fac_opens_at",
        "fac_closes_at",
        "finalised_at",
        "publication_at",
        "distribution_at",
        "immediate_release",
        "distribution_notified_at",
        "published_at",
        "created_at",
        "areas",
        "interested_parties",
    )
    label_field = "title"
    report_path = ""
    list_display = ("title", "kind", "state", "distribution_at", "publication_at")
    list_filter = ("kind", "state")
    search_fields = ("title", "areas__name")


@admin.register(m.Finding)
class FindingAdmin(VisibleReportsMixin, ReadOnlyMetadataAdmin):
    metadata_fields = ("id", "report", "area", "kind", "reference", "closed_at")
    label_field = "reference"
    list_display = ("reference", "kind", "area", "closed_at")
    list_filter = ("kind",)
    search_fields = ("reference", "area__name")


@admin.register(m.FactualAccuracyComment)
class FactualAccuracyCommentAdmin(VisibleReportsMixin, ReadOnlyMetadataAdmin):
    metadata_fields = ("id", "report", "submitted_by", "submitted_at", "decision", "decided_by", "decided_at")
    list_display = ("report", "decision", "submitted_at")
    list_filter = ("decision",)
    search_fields = ("report__title",)


@admin.register(m.Redaction)
class RedactionAdmin(VisibleReportsMixin, ReadOnlyMetadataAdmin):
    metadata_fields = ("id", "report", "by", "at")
    list_display = ("report", "by", "at")
    list_filter = ("at",)
    search_fields = ("report__title",)


@admin.register(m.DiaryNote)
class DiaryNoteAdmin(VisibleReportsMixin, ReadOnlyMetadataAdmin):
    metadata_fields = ("id", "report", "sent_at", "sent_by")
    list_display = ("report", "sent_at", "sent_by")
    list_filter = ("sent_at",)
    search_fields = ("report__title",)


@admin.register(m.EmbargoedCopyOpen)
class EmbargoedCopyOpenAdmin(VisibleReportsMixin, ReadOnlyMetadataAdmin):
    metadata_fields = ("id", "report", "person", "at")
    list_display = ("report", "person", "at")
    list_filter = ("at",)
    search_fields = ("report__title", "person__username")


@admin.register(m.EvidenceRequest)
class EvidenceRequestAdmin(ReadOnlyMetadataAdmin):
    metadata_fields = (
        "id",
        "inspection",
        "area",
        "requested_by",
        "requested_at",
        "discussion",
        "answered_by",
        "answered_at",
    )
    list_display = ("inspection", "area", "requested_at", "discussion", "answered_at")
    list_filter = ("discussion", ("requested_at", admin.DateFieldListFilter))
    search_fields = ("inspection__title", "area__name")
    list_select_related = ("inspection", "area")


@admin.register(m.AssistanceRequest)
class AssistanceRequestAdmin(ReadOnlyMetadataAdmin):
    metadata_fields = ("id", "office", "area", "requested_by", "requested_at")
    list_display = ("office", "area", "requested_by", "requested_at")
    list_filter = (("requested_at", admin.DateFieldListFilter),)
    search_fields = ("office__name", "area__name")
    list_select_related = ("office", "area", "requested_by")
