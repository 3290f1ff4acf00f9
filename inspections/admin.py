"""Inspections in the Django admin. For anyone but a superuser, report querysets go through
inspections.access, so the admin is no way round an embargo."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from hmicfrs_mou.admin import AuditedModelAdmin
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
class ProgrammeAdmin(AuditedModelAdmin):
    list_display = ("title", "year", "state")
    list_filter = ("state",)
    search_fields = ("title", "year")


@admin.register(m.ProgrammeEvent)
class ProgrammeEventAdmin(AuditedModelAdmin):
    list_display = ("programme", "state", "at", "by")
    list_filter = ("state",)
    search_fields = ("programme__title", "note")


@admin.register(m.Representation)
class RepresentationAdmin(AuditedModelAdmin):
    list_display = ("programme", "kind", "organisation", "received_at")
    list_filter = ("kind",)
    search_fields = ("organisation__name", "text")


@admin.register(m.CommissionRequest)
class CommissionRequestAdmin(AuditedModelAdmin):
    list_display = ("pk", "state", "estimated_days", "estimated_cost_pounds", "created_at")
    list_filter = ("state",)
    search_fields = ("scope",)


@admin.register(m.Inspection)
class InspectionAdmin(AuditedModelAdmin):
    list_display = ("title", "kind", "lead", "created_at")
    list_filter = ("kind",)
    search_fields = ("title", "areas__name")
    filter_horizontal = ("areas", "team")

    def get_queryset(self, request: HttpRequest) -> Any:
        queryset = super().get_queryset(request)
        return (
            queryset
            if request.user.is_superuser
            else queryset.filter(pk__in=inspections_visible_to(request.user).values("pk"))
        )


@admin.register(m.ReferenceGroup)
class ReferenceGroupAdmin(AuditedModelAdmin):
    list_display = ("inspection",)
    list_filter = ("inspection__kind",)
    search_fields = ("inspection__title", "members__name")


@admin.register(m.InspectionNotice)
class InspectionNoticeAdmin(AuditedModelAdmin):
    list_display = ("subject", "kind", "sent_at", "sent_by")
    list_filter = ("kind",)
    search_fields = ("subject", "body")


@admin.register(m.Milestone)
class MilestoneAdmin(AuditedModelAdmin):
    list_display = ("name", "inspection", "starts_on", "ends_on")
    list_filter = ("starts_on",)
    search_fields = ("name", "inspection__title")


@admin.register(m.EvidenceRecord)
class EvidenceRecordAdmin(AuditedModelAdmin):
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
class StrategicPresentationAdmin(AuditedModelAdmin):
    list_display = ("inspection", "area", "held_on", "pcc_invited", "pfcc_attending")
    list_filter = ("held_on",)
    search_fields = ("inspection__title", "area__name")


@admin.register(m.Debrief)
class DebriefAdmin(AuditedModelAdmin):
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
class ConfidentialityAcknowledgementAdmin(AuditedModelAdmin):
    list_display = ("debrief", "person", "at")
    list_filter = ("at",)
    search_fields = ("person__username",)


@admin.register(m.ChiefUpdate)
class ChiefUpdateAdmin(AuditedModelAdmin):
    list_display = ("inspection", "area", "by", "at")
    list_filter = ("at",)
    search_fields = ("inspection__title", "text")


@admin.register(m.Report)
class ReportAdmin(VisibleReportsMixin, AuditedModelAdmin):
    report_path = ""
    list_display = ("title", "kind", "state", "distribution_at", "publication_at")
    list_filter = ("kind", "state")
    search_fields = ("title", "areas__name")
    filter_horizontal = ("areas", "interested_parties")


@admin.register(m.Finding)
class FindingAdmin(VisibleReportsMixin, AuditedModelAdmin):
    list_display = ("reference", "kind", "area", "closed_at")
    list_filter = ("kind",)
    search_fields = ("reference", "text", "area__name")


@admin.register(m.FactualAccuracyComment)
class FactualAccuracyCommentAdmin(VisibleReportsMixin, AuditedModelAdmin):
    list_display = ("report", "paragraph", "decision", "submitted_at")
    list_filter = ("decision",)
    search_fields = ("report__title", "paragraph")


@admin.register(m.Redaction)
class RedactionAdmin(VisibleReportsMixin, AuditedModelAdmin):
    list_display = ("report", "reason", "by", "at")
    list_filter = ("at",)
    search_fields = ("report__title", "reason")


@admin.register(m.DiaryNote)
class DiaryNoteAdmin(VisibleReportsMixin, AuditedModelAdmin):
    list_display = ("report", "sent_at", "sent_by")
    list_filter = ("sent_at",)
    search_fields = ("report__title", "text")


@admin.register(m.EmbargoedCopyOpen)
class EmbargoedCopyOpenAdmin(VisibleReportsMixin, AuditedModelAdmin):
    list_display = ("report", "person", "at")
    list_filter = ("at",)
    search_fields = ("report__title", "person__username")
