"""The Django admin's ground rules, for every app.

The admin is for reference data, users, roles, appointments and the audit trail (DESIGN.md). Workflow
records (inspections, reports, findings, responses, submissions, plans, complaints, meetings, monitoring
records, deadlines, notices) go through the services, each of which checks who is acting; in the admin
they are read-only for everyone, superusers included, and show metadata only: ids, kinds, dates, states
and organisations, never the content of a report, a response, a debrief, a disclosure or a meeting.

`ReadOnlyMetadataAdmin` is the one way to register a workflow record: it names the fields it may show
(`metadata_fields`), refuses add, change and delete, names other workflow records by kind and id rather
than by their str() (which may quote their text), answers no autocomplete, and fails the system checks
(`manage.py check`) when a listed, searched or filtered field is content. tests/core/test_admin_no_content.py
plants marker text in every content field and crawls the whole admin as a superuser.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, ClassVar

from django.contrib import admin
from django.core import checks
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.text import capfirst

from hmicfrs_mou.audit import audit_access_change, audit_record
from hmicfrs_mou.models import (
    AuditAction,
    AuditEvent,
    Deadline,
    DeadlineChange,
    DeadlineParty,
    ExportJob,
    InboxMessage,
    Preferences,
    Reminder,
    SweepRun,
)

# Free text that is a label, not content: shown in the admin although it is a CharField without choices.
# Add to this list only after asking "could this ever quote a report, a response, a debrief, a disclosure
# or a meeting?" — the answer must be no.
METADATA_TEXT_FIELDS = frozenset(
    {
        "hmicfrs_mou.deadline.key",
        "hmicfrs_mou.deadline.subject_type",
        "hmicfrs_mou.deadline.subject_id",
        "hmicfrs_mou.deadline.title",  # made by the engine from a record's kind, area and title
        "hmicfrs_mou.deadline.kind",
        "hmicfrs_mou.deadline.url",
        "hmicfrs_mou.reminder.step",
        "hmicfrs_mou.inboxmessage.url",
        "monitoring.attendance.capacity",
        "contacts.panelbriefingsource.document_key",  # names a published document
        "inspections.programme.title",
        "inspections.programme.year",
        "inspections.inspection.title",
        "inspections.report.title",
        "inspections.milestone.name",
        "inspections.finding.reference",
        "monitoring.registerrow.reference",  # a copy of the finding's reference
        "monitoring.engagecase.source",
        "monitoring.engageletter.sha256",
        "monitoring.toolkitversion.sha256",
        "monitoring.attendance.name",
        "responses.submission.sha256",
        "responses.supercomplaint.title",  # published by the designated body
        "responses.supercomplaint.designated_body",
    }
)
_CONTENT_TYPES = (models.TextField, models.JSONField, models.BinaryField, models.FileField)
_LABEL_TYPES = (models.URLField, models.SlugField, models.EmailField, models.GenericIPAddressField)


def field_key(field: models.Field) -> str:
    return f"{field.model._meta.label_lower}.{field.name}"


def is_content_field(field: Any) -> bool:
    """Text that may carry what a record says (not what it is): never shown for a workflow record."""
    if not getattr(field, "concrete", False) or field.is_relation:
        return False
    if isinstance(field, _CONTENT_TYPES):
        return True
    if isinstance(field, models.CharField) and not isinstance(field, _LABEL_TYPES):
        return not field.choices and field_key(field) not in METADATA_TEXT_FIELDS
    return False


def is_workflow_model(model: type[models.Model]) -> bool:
    return isinstance(admin.site._registry.get(model), ReadOnlyMetadataAdmin)


def safe_label(obj: Any) -> str:
    """How the admin names a record: a workflow record by its kind and id (or its label field), since
    its str() may quote its text; anything else by its str()."""
    if obj is None:
        return "-"
    model_admin = admin.site._registry.get(type(obj))
    if isinstance(model_admin, ReadOnlyMetadataAdmin):
        if model_admin.label_field:
            return str(getattr(obj, model_admin.label_field))
        return f"{capfirst(obj._meta.verbose_name)} {obj.pk}"
    return str(obj)


def safe_label_for(object_type: str, object_id: str, fallback: str) -> str:
    """The label of a record known only by its "app.model" and id (the audit trail's object fields)."""
    try:
        from django.apps import apps

        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return fallback
    if is_workflow_model(model):
        return f"{capfirst(model._meta.verbose_name)} {object_id}"
    return fallback


class _Named:
    """Stands in for a record in the admin's templates (breadcrumbs, titles): its pk and a safe label."""

    def __init__(self, obj: Any) -> None:
        self.pk = obj.pk
        self._meta = obj._meta
        self._label = safe_label(obj)

    def __str__(self) -> str:
        return self._label


class SafeLabelsMixin:
    """Titles, breadcrumbs and history pages name the record by `safe_label`, never by its str()."""

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> Any:
        obj = kwargs.get("obj")
        if obj is not None:
            context["subtitle"] = safe_label(obj)
            context["original"] = _Named(obj)
        return super().render_change_form(request, context, *args, **kwargs)  # type: ignore[misc]

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        response = super().history_view(request, object_id, extra_context)  # type: ignore[misc]
        if isinstance(response, TemplateResponse) and response.context_data.get("object") is not None:
            obj = response.context_data["object"]
            response.context_data["object"] = _Named(obj)
            response.context_data["title"] = f"Change history: {safe_label(obj)}"
        return response


def record_snapshot(obj: Any) -> dict[str, Any]:
    """A record's own field values (ids for relations, pk lists for many-to-many), for before and after.
    A secret (a password, a calendar address's token) is never copied: only whether it changed shows, as
    a different fingerprint."""
    values: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if any(word in field.name for word in ("password", "token", "secret", "key")):
            secret = str(getattr(obj, field.attname) or "")
            values[field.name] = hashlib.sha256(secret.encode()).hexdigest()[:8] if secret else ""
            continue
        value = getattr(obj, field.attname)
        values[field.name] = value if isinstance(value, (str, int, bool, type(None))) else str(value)
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            values[field.name] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
    return values


class AuditedModelAdmin(admin.ModelAdmin):
    """Admin whose every add, change and deletion also goes on the audit trail, with before and after.

    `access_change` names changes to who may do what (users, appointments, groups): those entries carry
    "access_change" in their detail, as the portal's own access changes do (audit.audit_access_change),
    so one search finds them all. `audit_snapshot` says what before and after hold."""

    access_change: str = ""
    # A web address typed without its scheme is taken as https, as Django 6 will (and without the warning
    # Django 5.2 gives for every such form field until then).
    formfield_overrides: ClassVar = {models.URLField: {"assume_scheme": "https"}}

    def audit_snapshot(self, obj: Any) -> dict[str, Any]:
        return record_snapshot(obj)

    def _before_key(self, obj: Any) -> str:
        return f"_audit_before_{obj._meta.label_lower}_{obj.pk}"

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and request.method == "POST":
            # The state before a change: taken when the admin loads the record to change it.
            setattr(request, self._before_key(obj), self.audit_snapshot(obj))
        return obj

    def _write(
        self, request: HttpRequest, action: str, obj: Any, before: dict, after: dict, message: str
    ) -> None:
        detail: dict[str, Any] = {"via": "admin"}
        if message:
            detail["change"] = message[:2000]
        if self.access_change:
            audit_access_change(
                action=action,
                subject=obj,
                what=self.access_change,
                before=before,
                after=after,
                request=request,
                detail=detail,
            )
            return
        changed = sorted(key for key in before.keys() | after.keys() if before.get(key) != after.get(key))
        detail.update({"before": before, "after": after, "changed": changed})
        audit_record(action=action, obj=obj, request=request, detail=detail)

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        self._write(request, AuditAction.CREATE, obj, {}, self.audit_snapshot(obj), str(message))
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        before = getattr(request, self._before_key(obj), {})
        fresh = type(obj)._default_manager.filter(pk=obj.pk).first() or obj
        self._write(request, AuditAction.UPDATE, obj, before, self.audit_snapshot(fresh), str(message))
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        for obj in queryset:
            self._write(request, AuditAction.DELETE, obj, self.audit_snapshot(obj), {}, "")
        return super().log_deletions(request, queryset)


class ReadOnlyMetadataAdmin(SafeLabelsMixin, admin.ModelAdmin):
    """A workflow record in the admin: read-only for everyone and metadata only (see the module docstring).

    `metadata_fields` is the complete list of fields the admin may show, on the list and the record's
    page; `list_display`, `list_filter`, `search_fields` and `date_hierarchy` may only use them (a search
    may follow a relation to a label: "area__name"). Relations to other workflow records are named by
    kind and id. `label_field` names a metadata field that labels the record elsewhere (a report's
    title); without it the record is "<kind> <id>". Subclasses narrow `get_queryset` for staff who are
    not superusers as their access module does; they may hide rows, never add content."""

    metadata_fields: tuple[str, ...] = ()
    label_field: str | None = None

    def __init__(self, model: type[models.Model], admin_site: Any) -> None:
        super().__init__(model, admin_site)
        self._shown: dict[str, str] = {}
        for name in self.metadata_fields:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:  # reported by check() below
                field = None
            if field is None:
                continue
            if field.is_relation:
                shown = f"meta_{name}"
                setattr(self, shown, self._relation_display(field))
                self._shown[name] = shown
            else:
                self._shown[name] = name

    @staticmethod
    def _relation_display(field: Any) -> Callable[[Any], str]:
        if field.many_to_many or field.one_to_many:

            def show(obj: Any) -> str:
                return ", ".join(safe_label(item) for item in getattr(obj, field.name).all()) or "-"

        else:

            def show(obj: Any) -> str:
                return safe_label(getattr(obj, field.name))

            show.admin_order_field = field.name  # type: ignore[attr-defined]
        show.short_description = capfirst(field.verbose_name)  # type: ignore[attr-defined]
        return show

    def _label(self, obj: Any) -> str:
        return safe_label(obj)

    # What is shown -------------------------------------------------------------------------------------
    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [self._shown[name] for name in self.metadata_fields if name in self._shown]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list[tuple[None, dict[str, Any]]]:
        return [(None, {"fields": self.get_fields(request, obj)})]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return self.get_fields(request, obj)

    def get_inlines(self, request: HttpRequest, obj: Any) -> list[Any]:
        return []

    def get_list_display(self, request: HttpRequest) -> list[str]:
        names = [name for name in self.list_display if name != "__str__"] or [
            name for name in self.metadata_fields if not self.model._meta.get_field(name).many_to_many
        ]
        return [self._shown.get(name, name) for name in names]

    def get_list_display_links(self, request: HttpRequest, list_display: Any) -> list[str]:
        return list(list_display)[:1]

    def get_list_select_related(self, request: HttpRequest) -> Any:
        if self.list_select_related:
            return self.list_select_related
        related = [
            name
            for name in self.list_display
            if name in self._shown and self.model._meta.get_field(name).many_to_one
        ]
        return related or False

    def get_search_results(self, request: HttpRequest, queryset: Any, search_term: str) -> tuple[Any, bool]:
        # No autocomplete answers with a workflow record: its text is str(), which may quote content.
        if request.resolver_match and request.resolver_match.url_name == "autocomplete":
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)

    # Read-only for everyone ----------------------------------------------------------------------------
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    # Checked by manage.py check and the test suite -----------------------------------------------------
    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        return [*super().check(**kwargs), *metadata_errors(self)]


def _lookup_fields(model: type[models.Model], lookup: str) -> list[Any] | None:
    fields = []
    for part in lookup.lstrip("^=@").split(LOOKUP_SEP):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return fields if fields else None  # a transform or lookup such as __exact
        fields.append(field)
        if field.is_relation:
            model = field.related_model
    return fields


def metadata_errors(model_admin: ReadOnlyMetadataAdmin) -> list[checks.CheckMessage]:
    """Every way a ReadOnlyMetadataAdmin could show content, as system-check errors."""
    model = model_admin.model
    errors: list[checks.CheckMessage] = []

    def shows_content(fields: list[Any]) -> bool:
        # Through a relation, a reference record's name (an organisation, a person) is no content.
        return any(is_content_field(f) and (f.model is model or is_workflow_model(f.model)) for f in fields)

    def error(message: str) -> None:
        errors.append(checks.Error(message, obj=model_admin.__class__, id="hmicfrs_mou.E001"))

    for name in model_admin.metadata_fields:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            error(f"metadata_fields names {name!r}, which {model.__name__} does not have.")
            continue
        if is_content_field(field):
            error(f"{model.__name__}.{name} is content and may not be shown in the admin.")
    if model_admin.label_field and model_admin.label_field not in model_admin.metadata_fields:
        error(f"label_field {model_admin.label_field!r} is not one of the metadata fields.")
    allowed = set(model_admin.metadata_fields)
    for name in model_admin.list_display:
        if name != "__str__" and name not in allowed:
            error(f"list_display shows {name!r}, which is not a metadata field.")
    for item in model_admin.list_filter:
        name = item[0] if isinstance(item, (list, tuple)) else item
        if not isinstance(name, str):
            error(f"list_filter {item!r} is not a field name; name metadata fields only.")
            continue
        fields = _lookup_fields(model, name)
        if not fields or fields[0].name not in allowed or shows_content(fields):
            error(f"list_filter {name!r} is not a metadata field.")
        elif fields[-1].is_relation and is_workflow_model(fields[-1].related_model):
            # A related-record filter lists every such record by its str().
            error(f"list_filter {name!r} lists workflow records by name; filter on their kind or state.")
    for lookup in model_admin.search_fields:
        fields = _lookup_fields(model, lookup)
        if not fields or fields[0].name not in allowed or shows_content(fields):
            error(f"search_fields {lookup!r} searches content (or a field that is not a metadata field).")
    if model_admin.date_hierarchy and model_admin.date_hierarchy.split(LOOKUP_SEP)[0] not in allowed:
        error("date_hierarchy is not a metadata field.")
    for attr in ("inlines", "readonly_fields", "fields", "fieldsets", "exclude"):
        if getattr(model_admin, attr, None):
            error(f"{attr} is set; a ReadOnlyMetadataAdmin shows metadata_fields only.")
    return errors


@admin.register(AuditEvent)
class AuditEventAdmin(SafeLabelsMixin, admin.ModelAdmin):
    """Searchable, never editable: no add, change or delete, not even for superusers.

    A workflow record is named by its kind and id (`object_label`), not by the text kept when the
    event was written, which is the record's str() and may quote it; nor is that text searchable."""

    list_display = ("at", "actor_label", "action", "object_type", "object_id", "object_label", "ip_address")
    list_filter = ("action", "object_type", ("at", admin.DateFieldListFilter))
    search_fields = ("actor_label", "object_type", "object_id", "ip_address", "path")
    date_hierarchy = "at"
    list_select_related = ("actor",)
    fields = (
        "at",
        "actor",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "object_label",
        "ip_address",
        "user_agent",
        "path",
        "detail",
    )
    readonly_fields = fields

    @admin.display(description="Object")
    def object_label(self, event: AuditEvent) -> str:
        return safe_label_for(event.object_type, event.object_id, event.object_repr)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnlyMetadataAdmin):
    """Kept for older imports: every read-only admin is now a ReadOnlyMetadataAdmin."""


@admin.register(Deadline)
class DeadlineAdmin(ReadOnlyMetadataAdmin):
    metadata_fields = (
        "id",
        "kind",
        "subject_type",
        "subject_id",
        "key",
        "title",
        "url",
        "due_at",
        "state",
        "state_changed_at",
        "next_fire_at",
        "created_at",
    )
    label_field = "title"
    list_display = ("title", "kind", "due_at", "state", "next_fire_at")
    list_filter = ("kind", "state", ("due_at", admin.DateFieldListFilter))
    search_fields = ("title", "key", "subject_id")
    date_hierarchy = "due_at"


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyMetadataAdmin):
    metadata_fields = (
        "id",
        "deadline",
        "step",
        "recipient",
        "fire_at",
        "status",
        "claimed_at",
        "attempts",
        "next_attempt_at",
        "send_started_at",
        "sent_at",
        "late",
        "possible_repeat",
        "created_at",
    )
    list_display = ("deadline", "step", "recipient", "fire_at", "status", "attempts", "late", "sent_at")
    list_filter = ("status", "late", "step")
    search_fields = ("deadline__title", "recipient__username")
    list_select_related = ("deadline", "recipient")


@admin.register(InboxMessage)
class InboxMessageAdmin(ReadOnlyMetadataAdmin):
    """A notice's subject and text may quote what it is about (milestones, a chief's update): not shown."""

    metadata_fields = ("id", "user", "reminder", "url", "created_at", "read_at")
    list_display = ("id", "user", "created_at", "read_at")
    list_filter = (("created_at", admin.DateFieldListFilter),)
    search_fields = ("user__username",)
    list_select_related = ("user",)


@admin.register(SweepRun)
class SweepRunAdmin(ReadOnlyMetadataAdmin):
    metadata_fields = (
        "id",
        "started_at",
        "state",
        "heartbeat_at",
        "finished_at",
        "due",
        "sent",
        "late",
        "failed",
        "retried",
    )
    list_display = ("started_at", "finished_at", "due", "sent", "late", "failed", "retried")
    list_filter = ("state", ("started_at", admin.DateFieldListFilter))
    search_fields = ("state",)


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyMetadataAdmin):
    """A long CSV export: who asked, when, and how far it got; never the file, its rows or its error."""

    metadata_fields = (
        "id",
        "requested_by",
        "requested_at",
        "state",
        "rows_total",
        "rows_done",
        "started_at",
        "finished_at",
    )
    list_display = ("id", "requested_by", "requested_at", "state", "rows_total", "rows_done")
    list_filter = ("state", ("requested_at", admin.DateFieldListFilter))
    search_fields = ("requested_by__username",)
    list_select_related = ("requested_by",)


@admin.register(DeadlineParty)
class DeadlinePartyAdmin(ReadOnlyMetadataAdmin):
    metadata_fields = ("id", "deadline", "user", "role")
    list_display = ("deadline", "user", "role")
    list_filter = ("role",)
    search_fields = ("deadline__title", "user__username")
    list_select_related = ("deadline", "user")


@admin.register(DeadlineChange)
class DeadlineChangeAdmin(ReadOnlyMetadataAdmin):
    metadata_fields = ("id", "deadline", "at", "old_due_at", "new_due_at")
    list_display = ("deadline", "at", "old_due_at", "new_due_at")
    list_filter = (("at", admin.DateFieldListFilter),)
    search_fields = ("deadline__title",)
    list_select_related = ("deadline",)


@admin.register(Preferences)
class PreferencesAdmin(ReadOnlyMetadataAdmin):
    """A person's own settings, changed by that person in the portal only."""

    metadata_fields = ("id", "user", "calendar_alarm_days", "daily_digest")
    list_display = ("user", "calendar_alarm_days", "daily_digest")
    list_filter = ("daily_digest", "calendar_alarm_days")
    search_fields = ("user__username", "user__last_name")
    list_select_related = ("user",)
