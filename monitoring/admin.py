"""Scan and Engage in the Django admin: searchable and read-only.

Every monitoring record is history kept by the services (a step is never edited
once made; every change checks who is acting), so the admin adds, changes and
deletes nothing here. For anyone but a superuser each list goes through
monitoring.access, so the admin is no way round it; and for everyone, superusers
included, each admin shows metadata only (hmicfrs_mou.admin.ReadOnlyMetadataAdmin):
never the HMI's advice and evidence, a cause, a concern, a plan, a note, an action,
a follow-up, a letter or the stored documents. Opening a record is written to the
audit trail.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse

from hmicfrs_mou.admin import ReadOnlyMetadataAdmin
from hmicfrs_mou.audit import audit_record
from hmicfrs_mou.models import AuditAction
from monitoring import access
from monitoring import models as m


class MonitoringAdmin(ReadOnlyMetadataAdmin):
    """Read-only; `visible` narrows the rows to what monitoring.access lets a non-superuser see."""

    def visible(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        raise NotImplementedError

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return self.visible(request, queryset)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200:
            audit_record(
                action=AuditAction.VIEW,
                request=request,
                object_type=self.model._meta.label_lower,
                object_id=object_id,
                detail={"via": "admin"},
            )
        return response


def _visible_case_ids(request: HttpRequest) -> QuerySet:
    return m.EngageCase.objects.visible_to(request.user).values("pk")


class ByCaseAdmin(MonitoringAdmin):
    case_path = "case"

    def visible(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(**{f"{self.case_path}__in": _visible_case_ids(request)})


@admin.register(m.RoutineConcern)
class RoutineConcernAdmin(MonitoringAdmin):
    metadata_fields = (
        "id",
        "area",
        "notice",
        "raised_by",
        "raised_at",
        "passed_to_apcc",
        "passed_to_apcc_at",
        "support_requested",
        "pcc_marked_by",
        "pcc_marked_at",
    )
    list_display = ("area", "raised_at", "passed_to_apcc", "support_requested")
    list_filter = ("passed_to_apcc", "support_requested", ("raised_at", admin.DateFieldListFilter))
    search_fields = ("area__name",)
    list_select_related = ("area",)

    def visible(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(pk__in=access.concerns_visible_to(request.user).values("pk"))


@admin.register(m.EngageCase)
class EngageCaseAdmin(MonitoringAdmin):
    metadata_fields = (
        "id",
        "area",
        "advised_by",
        "advised_at",
        "decision_engage",
        "decided_by",
        "decided_at",
        "pcc_informed_at",
        "pcc_informed_recorded_by",
        "pcc_informed_recorded_at",
        "announced_at",
        "announced_by",
        "exited_at",
        "exited_by",
        "historical",
        "source",
    )
    list_display = ("area", "advised_at", "decision_engage", "announced_at", "exited_at", "historical")
    list_filter = ("decision_engage", "historical", "area__kind", ("announced_at", admin.DateFieldListFilter))
    search_fields = ("area__name", "source")
    list_select_related = ("area",)
    # The HMI's advice and evidence stay with HMICFRS staff for the area (monitoring.access.can_see_advice).

    def visible(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(pk__in=_visible_case_ids(request))


@admin.register(m.EngageCause)
class EngageCauseAdmin(ByCaseAdmin):
    metadata_fields = ("id", "case", "finding", "position")
    list_display = ("case", "position", "finding")
    list_filter = ("case__area__kind",)
    search_fields = ("case__area__name",)
    list_select_related = ("case__area", "finding")


@admin.register(m.EngagePeriod)
class EngagePeriodAdmin(ByCaseAdmin):
    metadata_fields = ("id", "case", "area", "starts_on", "starts_precision", "ends_on", "ends_precision")
    list_display = ("area", "starts_on", "starts_precision", "ends_on", "ends_precision")
    list_filter = ("area__kind", "starts_precision", ("starts_on", admin.DateFieldListFilter))
    search_fields = ("area__name",)
    list_select_related = ("area",)


@admin.register(m.EngageLetter)
class EngageLetterAdmin(ByCaseAdmin):
    metadata_fields = ("id", "case", "sha256", "sent_at", "sent_by")
    list_display = ("case", "sent_at", "sent_by", "sha256")
    list_filter = (("sent_at", admin.DateFieldListFilter),)
    search_fields = ("case__area__name", "sha256")
    list_select_related = ("case__area", "sent_by")

    def visible(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        cases = m.EngageCase.objects.visible_to(request.user).only("pk", "area_id", "pcc_informed_at")
        allowed = [case.pk for case in cases if access.can_see_letter_and_plans(request.user, case)]
        return queryset.filter(case_id__in=allowed)


@admin.register(m.ToolkitVersion)
class ToolkitVersionAdmin(MonitoringAdmin):
    metadata_fields = ("id", "version", "sha256", "uploaded_by", "uploaded_at")
    list_display = ("version", "uploaded_at", "uploaded_by")
    list_filter = (("uploaded_at", admin.DateFieldListFilter),)
    search_fields = ("sha256",)

    def visible(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        # The APCC's toolkit is shared with every PCC in Engage: it is no secret, only not public.
        return queryset


@admin.register(m.ToolkitSending)
class ToolkitSendingAdmin(ByCaseAdmin):
    metadata_fields = ("id", "case", "toolkit", "sent_by", "sent_at")
    list_display = ("case", "toolkit", "sent_at", "sent_by")
    list_filter = (("sent_at", admin.DateFieldListFilter),)
    search_fields = ("case__area__name",)
    list_select_related = ("case__area", "toolkit", "sent_by")


@admin.register(m.ImprovementPlanVersion)
class ImprovementPlanVersionAdmin(MonitoringAdmin):
    metadata_fields = ("id", "case", "version", "submitted_by", "submitted_at")
    list_display = ("case", "version", "submitted_at", "submitted_by")
    list_filter = (("submitted_at", admin.DateFieldListFilter),)
    search_fields = ("case__area__name",)
    list_select_related = ("case__area", "submitted_by")

    def visible(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(pk__in=access.plans_visible_to(request.user).values("pk"))


@admin.register(m.PlanNote)
class PlanNoteAdmin(MonitoringAdmin):
    metadata_fields = ("id", "plan", "kind", "by", "at")
    list_display = ("plan", "kind", "by", "at")
    list_filter = ("kind",)
    search_fields = ("plan__case__area__name",)
    list_select_related = ("plan__case__area", "by")

    def visible(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        # As access.plan_notes_visible_to: the PCC's notes go to the PCC's office and HMICFRS only.
        v = access.viewer(request.user)
        queryset = queryset.filter(plan__in=access.plans_visible_to(request.user).values("pk"))
        if v.hmicfrs:
            return queryset
        return queryset.filter(
            Q(kind=m.PlanNoteKind.HMICFRS) | Q(plan__case__area_id__in=v.governed_area_ids)
        )


@admin.register(m.OversightMeeting)
class OversightMeetingAdmin(MonitoringAdmin):
    metadata_fields = (
        "id",
        "case",
        "scheduled_for",
        "held_on",
        "scheduled_by",
        "recorded_by",
        "recorded_at",
        "created_at",
    )
    list_display = ("case", "scheduled_for", "held_on", "recorded_at")
    list_filter = (("scheduled_for", admin.DateFieldListFilter), "case__area__kind")
    search_fields = ("case__area__name",)
    list_select_related = ("case__area",)

    def visible(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(pk__in=access.meetings_visible_to(request.user).values("pk"))


class ByMeetingAdmin(MonitoringAdmin):
    def visible(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(meeting__in=access.meetings_visible_to(request.user).values("pk"))


@admin.register(m.DeputyNomination)
class DeputyNominationAdmin(ByMeetingAdmin):
    metadata_fields = ("id", "meeting", "deputy", "nominated_by", "nominated_at")
    list_display = ("meeting", "deputy", "nominated_by", "nominated_at")
    list_filter = (("nominated_at", admin.DateFieldListFilter),)
    search_fields = ("meeting__case__area__name", "deputy__username", "deputy__last_name")
    list_select_related = ("meeting__case__area", "deputy", "nominated_by")


@admin.register(m.Attendance)
class AttendanceAdmin(ByMeetingAdmin):
    metadata_fields = ("id", "meeting", "organisation", "person", "name", "capacity")
    list_display = ("meeting", "name", "organisation", "capacity")
    list_filter = ("organisation__kind",)
    search_fields = ("name", "organisation__name", "meeting__case__area__name")
    list_select_related = ("meeting__case__area", "organisation")


@admin.register(m.MeetingAction)
class MeetingActionAdmin(MonitoringAdmin):
    metadata_fields = (
        "id",
        "meeting",
        "owner",
        "offer_of_assistance",
        "follow_up_due_at",
        "followed_up",
        "recorded_by",
        "recorded_at",
    )
    list_display = ("meeting", "owner", "offer_of_assistance", "follow_up_due_at", "followed_up")
    list_filter = ("offer_of_assistance", "followed_up")
    search_fields = ("meeting__case__area__name", "owner__name")
    list_select_related = ("meeting__case__area", "owner")

    def visible(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(pk__in=access.actions_visible_to(request.user).values("pk"))


@admin.register(m.FollowUp)
class FollowUpAdmin(MonitoringAdmin):
    metadata_fields = (
        "id",
        "action",
        "sent_to",
        "hmci_copy_to",
        "hmci_copied_at",
        "sent_by",
        "sent_at",
        "late",
    )
    list_display = ("action", "sent_to", "sent_at", "late", "hmci_copied_at")
    list_filter = ("late", ("sent_at", admin.DateFieldListFilter))
    search_fields = ("sent_to__name", "action__meeting__case__area__name")
    list_select_related = ("action", "sent_to")

    def visible(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(action__in=access.actions_visible_to(request.user).values("pk"))


@admin.register(m.FindingEntry)
class FindingEntryAdmin(MonitoringAdmin):
    metadata_fields = ("id", "finding", "kind", "status", "by", "at")
    list_display = ("finding", "kind", "status", "by", "at")
    list_filter = ("kind", "status")
    search_fields = ("finding__reference",)
    list_select_related = ("finding", "by")

    def visible(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        # As access.finding_entries_visible_to: the PCC's notes go to the PCC's office and HMICFRS only.
        v = access.viewer(request.user)
        queryset = queryset.filter(finding__in=access.findings_visible_to(request.user).values("pk"))
        if v.hmicfrs:
            return queryset
        return queryset.filter(
            ~Q(kind=m.FindingEntryKind.PCC_NOTE) | Q(finding__area_id__in=v.governed_area_ids)
        )


@admin.register(m.FindingState)
class FindingStateAdmin(MonitoringAdmin):
    metadata_fields = ("id", "finding", "area", "status", "changed_at", "updates")
    list_display = ("finding", "area", "status", "changed_at", "updates")
    list_filter = ("status",)
    search_fields = ("finding__reference", "area__name")
    list_select_related = ("finding", "area")

    def visible(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(finding__in=access.findings_visible_to(request.user).values("pk"))


@admin.register(m.RegisterRow)
class RegisterRowAdmin(MonitoringAdmin):
    metadata_fields = ("id", "finding", "area", "report", "kind_order", "reference", "public_from", "status")
    list_display = ("reference", "area", "status", "public_from")
    list_filter = ("status",)
    search_fields = ("reference", "area__name")
    list_select_related = ("area",)

    def visible(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(finding__in=access.findings_visible_to(request.user).values("pk"))


@admin.register(m.EngageQuarterChange)
class EngageQuarterChangeAdmin(MonitoringAdmin):
    metadata_fields = ("id", "kind", "quarter", "started", "ended")
    list_display = ("quarter", "kind", "started", "ended")
    list_filter = ("kind",)
    search_fields = ("kind",)

    def visible(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        # Counts of public periods only (M5): what the tracker's chart shows.
        return queryset


@admin.register(m.EngageChartState)
class EngageChartStateAdmin(MonitoringAdmin):
    metadata_fields = ("id", "as_of", "holds_until")
    list_display = ("as_of", "holds_until")
    list_filter = (("as_of", admin.DateFieldListFilter),)
    search_fields = ("as_of",)

    def visible(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset
