"""The Django admin shows no content of a workflow record, to anyone, superusers included.

The admin is for reference data, users, roles, appointments and the audit trail (DESIGN.md). Every
workflow record (inspections, reports, findings, responses, submissions, plans, complaints, meetings,
monitoring records, deadlines, notices) is read-only there and shows metadata only: a marker planted in
every content field of every such record (embargoed report text, findings, drafts, responses, debrief
notes, disclosures, confidential meeting notes, chief's updates, monitoring letters and notes, notices,
and whatever a new model adds) must appear on no admin page a superuser can reach: the index, every
changelist (searched too), every record's page, history pages, related-lookup popups and autocomplete.

The markers are planted generically (every content field of every model that is not reference data,
see hmicfrs_mou.admin.is_content_field), and a model with no row gets one made, so a model another
change registers is crawled too. A model registered with a plain ModelAdmin that is not reference data
fails the first test.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.contrib import admin
from django.db import IntegrityError, connection, models, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from hmicfrs_mou.admin import (
    AuditedModelAdmin,
    ReadOnlyMetadataAdmin,
    is_content_field,
    metadata_errors,
    safe_label,
)
from hmicfrs_mou.audit import audit_record
from hmicfrs_mou.models import AuditAction, AuditEvent
from tests.monitoring.conftest import (  # noqa: F401 - fixtures
    ACTION_AT,
    announced_case,
    apcc_deputy,
    held_meeting,
    hmci,
    meeting,
    offer,
)

pytestmark = pytest.mark.django_db

PROJECT_APPS = {"contacts", "hmicfrs_mou", "inspections", "monitoring", "responses"}

# Reference data, users, roles, appointments and the audit trail (DESIGN.md): shown in full, editable
# where their admin says so (and audited). Everything else registered from the project's apps is a
# workflow record and must be a ReadOnlyMetadataAdmin.
REFERENCE_MODELS = {
    "contacts.user",
    "contacts.organisation",
    "contacts.governance",
    "contacts.appointment",
    "contacts.assignment",
    "contacts.organisationuserobjectpermission",
    "contacts.organisationgroupobjectpermission",
    "hmicfrs_mou.auditevent",
}

MARK = "ZQMK"
MARK_RE = re.compile(rf"{MARK}\d{{5}}")
NOW = ACTION_AT + dt.timedelta(minutes=5)


def _project_admins() -> list[tuple[type[models.Model], admin.ModelAdmin]]:
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in PROJECT_APPS
    ]


def _workflow_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS and model._meta.label_lower not in REFERENCE_MODELS
    ]


def _url(model: type[models.Model], view: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


# --- Static: every workflow admin is metadata only --------------------------------------------------------


def test_every_workflow_record_is_registered_read_only_and_metadata_only():
    wrong = [
        f"{model._meta.label} is registered with {type(model_admin).__name__}"
        for model, model_admin in _project_admins()
        if model._meta.label_lower not in REFERENCE_MODELS
        and not isinstance(model_admin, ReadOnlyMetadataAdmin)
    ]
    assert wrong == []
    errors = [
        str(e)
        for _, model_admin in _project_admins()
        if isinstance(model_admin, ReadOnlyMetadataAdmin)
        for e in metadata_errors(model_admin)
    ]
    assert errors == []


def test_the_system_checks_refuse_a_workflow_admin_that_shows_content():
    """What `manage.py check` says when a new admin lists, searches or filters a content field."""
    from inspections.models import Debrief

    class Leaky(ReadOnlyMetadataAdmin):
        metadata_fields = ("id", "area", "notes")
        list_display = ("area", "notes", "recorded_by")
        search_fields = ("notes", "area__name")
        list_filter = ("inspection",)
        readonly_fields = ("notes",)

    messages = [e.msg for e in metadata_errors(Leaky(Debrief, admin.site))]
    assert "Debrief.notes is content and may not be shown in the admin." in messages
    assert "list_display shows 'recorded_by', which is not a metadata field." in messages
    assert any("search_fields 'notes'" in m for m in messages)
    assert any("list_filter 'inspection'" in m for m in messages)
    assert any("readonly_fields is set" in m for m in messages)
    assert not any("area__name" in m for m in messages)


def test_every_content_field_type_counts_as_content():
    from inspections.models import Debrief, Finding, Report
    from monitoring.models import EngageLetter

    assert is_content_field(Report._meta.get_field("body"))
    assert is_content_field(Report._meta.get_field("press_release"))
    assert is_content_field(Debrief._meta.get_field("notes"))
    assert is_content_field(EngageLetter._meta.get_field("pdf"))
    assert not is_content_field(Report._meta.get_field("title"))  # a label (METADATA_TEXT_FIELDS)
    assert not is_content_field(Report._meta.get_field("state"))  # choices
    assert not is_content_field(Finding._meta.get_field("report"))


# --- The world: a real one, then a row for every model still without one, then markers everywhere ----------

_counter = itertools.count(1)


def _value_for(field: models.Field, made: dict, full: bool = False) -> Any:
    if not full and field.blank and isinstance(field, (models.CharField, models.TextField)):
        return ""  # "not yet" (a decision not made); content is planted afterwards anyway
    if field.choices:
        return field.choices[0][0]
    if isinstance(field, (models.ForeignKey, models.OneToOneField)):
        target = field.related_model
        candidates = target._base_manager.order_by("pk")
        if isinstance(field, models.OneToOneField):
            # One row each: a target this model does not point at yet.
            candidates = candidates.exclude(pk__in=field.model._base_manager.values(field.attname))
        return candidates.first() or _make_row(target, made)
    if isinstance(field, models.EmailField):
        return f"row{next(_counter)}@example.invalid"
    if isinstance(field, models.URLField):
        return "https://example.invalid/"
    if isinstance(field, models.SlugField):
        return f"row-{next(_counter)}"
    if isinstance(field, models.GenericIPAddressField):
        return "127.0.0.1"
    if isinstance(field, (models.CharField, models.TextField)):
        return f"row {next(_counter)}"[: field.max_length or 100]
    if isinstance(field, models.DateTimeField):
        return NOW
    if isinstance(field, models.DateField):
        return timezone.localdate(NOW)
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, (models.IntegerField, models.DecimalField, models.FloatField)):
        return next(_counter)
    if isinstance(field, models.JSONField):
        return {}
    if isinstance(field, models.BinaryField):
        return b""
    return None


def _make_row(model: type[models.Model], made: dict, full: bool = False) -> models.Model:
    """One row of `model` with every required field filled (`full`: every field), written without its
    save() rules."""
    values = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or (field.null and not field.is_relation and not full):
            continue
        if field.has_default() and not field.is_relation and not (full and field.choices):
            continue
        if full and not field.is_relation:
            values[field.name] = _value_for(field, made, full=True)
            continue
        if field.null and field.is_relation and not isinstance(field, models.OneToOneField):
            value = _value_for(field, made) if field.related_model._default_manager.exists() else None
        else:
            value = _value_for(field, made)
        values[field.name] = value
    obj = model(**values)
    with transaction.atomic():
        model._base_manager.bulk_create([obj])
    if obj.pk is None:
        obj = model._base_manager.order_by("-pk").first()
    made[model._meta.label] = obj
    return obj


def _plant(model: type[models.Model], obj: models.Model, planted: dict[str, str]) -> None:
    values = {}
    for field in model._meta.concrete_fields:
        if not is_content_field(field):
            continue
        marker = f"{MARK}{next(_counter):05d}"
        if isinstance(field, models.CharField) and (field.max_length or 0) < len(marker):
            continue
        planted[marker] = f"{model._meta.label}.{field.name} #{obj.pk}"
        if isinstance(field, models.JSONField):
            values[field.attname] = {"text": f"{marker} in a document", "items": [marker]}
        elif isinstance(field, models.BinaryField):
            values[field.attname] = f"%PDF-1.7 {marker}".encode()
        else:
            values[field.attname] = f"Confidential {marker} text"
    if not values:
        return
    try:
        model._base_manager.filter(pk=obj.pk).update(**values)
    except Exception:  # noqa: BLE001 - an append-only queryset: write as the database would
        table = connection.ops.quote_name(model._meta.db_table)
        sets = ", ".join(f"{connection.ops.quote_name(k)} = %s" for k in values)
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET {sets} WHERE id = %s", [*values.values(), obj.pk])  # noqa: S608


@pytest.fixture
def planted_world(offer, hmi_a, pcc_office_a, chief_office_a, liaison_lead_a, apcc_lead):  # noqa: F811
    """The Engage timeline to an offer of assistance, a row of every other model, and markers planted."""
    made: dict = {}
    failed = {}
    for model in _workflow_models():
        if model._default_manager.exists():
            continue
        try:
            _make_row(model, made)
        except IntegrityError:
            try:  # a check constraint wants a state filled in: fill in everything
                _make_row(model, made, full=True)
            except (IntegrityError, ValueError, TypeError) as error:  # a model that needs a real world
                failed[model._meta.label] = str(error)
        except (ValueError, TypeError) as error:
            failed[model._meta.label] = str(error)
    assert failed == {}, f"Could not make a row of {failed}: give the crawl a world with one."
    planted: dict[str, str] = {}
    for model in _workflow_models():
        for obj in model._base_manager.all():
            _plant(model, obj, planted)
    # Every record read once, as the portal audits a read: the trail keeps each record's name.
    for model in _workflow_models():
        for obj in model._base_manager.all()[:20]:
            audit_record(action=AuditAction.VIEW, obj=obj, actor=hmi_a, detail={"via": "crawl test"})
    return planted


# --- The crawl ------------------------------------------------------------------------------------------


class Crawl:
    def __init__(self, client: Any, planted: dict[str, str]) -> None:
        self.client = client
        self.planted = planted
        self.pages = 0
        self.leaks: list[str] = []

    def get(self, url: str, expect: tuple[int, ...] = (200,)) -> Any:
        response = self.client.get(url)
        self.pages += 1
        assert response.status_code in expect, (url, response.status_code)
        body = response.content.decode(errors="replace")
        for marker in set(MARK_RE.findall(body)):
            self.leaks.append(f"{url} shows {marker} ({self.planted.get(marker, '?')})")
        return response


@pytest.mark.slow
def test_a_superuser_crawling_the_whole_admin_reads_no_planted_content(planted_world, admin_user, client_for):
    # A marker in every content field of every workflow model.
    expected = {
        f"{model._meta.label}.{field.name}"
        for model in _workflow_models()
        for field in model._meta.concrete_fields
        if is_content_field(field)
        and not (isinstance(field, models.CharField) and (field.max_length or 0) < 9)
    }
    assert {where.split(" #")[0] for where in planted_world.values()} == expected
    assert len(expected) >= 60, len(expected)
    missing = [m._meta.label for m in _workflow_models() if not m._base_manager.exists()]
    assert missing == []
    with time_machine.travel(NOW, tick=False):
        # Signed in through the suite's helper (which takes any second-factor step there is).
        crawl = Crawl(client_for(admin_user), planted_world)
        crawl.get(reverse("admin:index"))
        for app_label in sorted({model._meta.app_label for model, _ in _project_admins()} | {"auth"}):
            crawl.get(reverse("admin:app_list", args=[app_label]))
        for model, model_admin in [*_project_admins(), *_other_admins()]:
            changelist = _url(model, "changelist")
            crawl.get(changelist)
            crawl.get(changelist + "?_popup=1&_to_field=id")
            searched = crawl.get(f"{changelist}?q={MARK}")
            if model._meta.label_lower not in REFERENCE_MODELS and model_admin.search_fields:
                # Search reaches no content: the markers are in every content field, and nothing matches.
                assert searched.context["cl"].result_count == 0, model._meta.label
            listed = set(model_admin.get_queryset(_request(admin_user)).values_list("pk", flat=True))
            for obj in model._base_manager.order_by("pk")[:5]:
                # A record the admin does not list (hidden even from superusers) is the admin's "no such record".
                expect = (200,) if obj.pk in listed else (302,)
                crawl.get(_url(model, "change", obj.pk), expect)
                crawl.get(_url(model, "history", obj.pk), expect)
        for model, model_admin in [*_project_admins(), *_other_admins()]:
            for field_name in model_admin.autocomplete_fields:
                for term in ("", MARK, "a"):
                    crawl.get(
                        reverse("admin:autocomplete")
                        + f"?app_label={model._meta.app_label}&model_name={model._meta.model_name}"
                        f"&field_name={field_name}&term={term}"
                    )
        # The audit trail names each workflow record by kind and id, and its search finds no content.
        events = crawl.get(_url(AuditEvent, "changelist") + "?action=view")
        assert "Engage cause" in events.content.decode() or "Meeting action" in events.content.decode()
    print(f"\nAdmin pages crawled as a superuser: {crawl.pages}; planted markers: {len(planted_world)}")
    assert crawl.leaks == []
    assert crawl.pages > 300


def _request(user: Any) -> Any:
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def _other_admins() -> list[tuple[type[models.Model], admin.ModelAdmin]]:
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label not in PROJECT_APPS
    ]


def test_the_admin_refuses_adding_changing_and_deleting_every_workflow_record(
    planted_world, admin_user, client_for
):
    refused = 0
    with time_machine.travel(NOW, tick=False):
        admin_client = client_for(admin_user)
        for model, model_admin in _project_admins():
            if not isinstance(model_admin, ReadOnlyMetadataAdmin):
                continue
            obj = model._base_manager.order_by("pk").first()
            before = model._base_manager.filter(pk=obj.pk).values().get()
            try:
                add = _url(model, "add")
            except NoReverseMatch:
                add = None
            if add:
                assert admin_client.get(add).status_code == 403, model
                assert admin_client.post(add, {"id": 999}).status_code == 403, model
            listed = model_admin.get_queryset(_request(admin_user)).filter(pk=obj.pk).exists()
            refusals = (403,) if listed else (403, 302)  # 302: the admin's "no such record"
            change = _url(model, "change", obj.pk)
            page = admin_client.get(change)
            assert page.status_code == (200 if listed else 302), model
            assert "Save" not in page.content.decode(), model  # a view page, no form to save
            assert admin_client.post(change, {"id": obj.pk}).status_code in refusals, model
            deleted = admin_client.post(_url(model, "delete", obj.pk), {"post": "yes"})
            assert deleted.status_code in refusals, model
            assert model._base_manager.filter(pk=obj.pk).values().get() == before, model
            refused += 1
    assert refused >= 40


def test_workflow_records_are_named_by_kind_and_id_not_their_text(planted_world):
    from monitoring.models import EngageCause, MeetingAction

    for model in (EngageCause, MeetingAction):
        obj = model.objects.first()
        assert MARK in str(obj)  # their str() quotes their text...
        assert MARK not in safe_label(obj)  # ...so the admin names them otherwise


# --- Access changes in the admin are audited with before and after ---------------------------------------


def test_an_admin_changing_flags_groups_and_permissions_is_audited_with_before_and_after(
    admin_user, client_for, hmi_a
):
    admin_client = client_for(admin_user)
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.create(name="Support desk")
    permission = Permission.objects.get(codename="view_organisation")
    url = reverse("admin:contacts_user_change", args=[hmi_a.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.update(
        {
            "username": hmi_a.username,
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "groups": [*hmi_a.groups.values_list("pk", flat=True), group.pk],
            "user_permissions": [permission.pk],
            "date_joined_0": "2025-07-03",
            "date_joined_1": "09:00:00",
            "last_login_0": "",
            "last_login_1": "",
        }
    )
    for prefix, formset in (
        ("appointments", hmi_a.appointments.all()),
        ("assignments", hmi_a.assignments.all()),
    ):
        data[f"{prefix}-TOTAL_FORMS"] = str(formset.count())
        data[f"{prefix}-INITIAL_FORMS"] = str(formset.count())
        for i, row in enumerate(formset):
            data[f"{prefix}-{i}-id"] = str(row.pk)
            data[f"{prefix}-{i}-person"] = str(hmi_a.pk)
            for field in ("role", "organisation", "kind", "subject", "starts_on", "ends_on"):
                if hasattr(row, field):
                    value = getattr(row, field)
                    data[f"{prefix}-{i}-{field}"] = "" if value is None else str(getattr(value, "pk", value))
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    event = AuditEvent.objects.filter(object_type="contacts.user", object_id=str(hmi_a.pk)).latest("at")
    assert event.action == AuditAction.UPDATE
    assert event.detail["access_change"] == "user"
    assert event.detail["before"]["is_staff"] is False
    assert event.detail["after"]["is_staff"] is True
    assert event.detail["before"]["is_superuser"] is False
    assert event.detail["after"]["is_superuser"] is True
    assert "Support desk" not in event.detail["before"]["groups"]
    assert event.detail["after"]["groups"] == sorted([*event.detail["before"]["groups"], "Support desk"])
    assert event.detail["after"]["user_permissions"] == ["contacts.view_organisation"]
    assert event.detail["after"]["appointments"] == event.detail["before"]["appointments"]
    assert {"is_staff", "is_superuser", "groups", "user_permissions"} <= set(event.detail["changed"])
    assert "password" not in event.detail["changed"]


def test_an_admin_ending_an_appointment_is_audited_with_before_and_after(admin_user, client_for, hmi_a):
    admin_client = client_for(admin_user)
    appointment = hmi_a.appointments.get()
    url = reverse("admin:contacts_appointment_change", args=[appointment.pk])
    response = admin_client.post(
        url,
        {
            "person": hmi_a.pk,
            "organisation": appointment.organisation_id,
            "role": appointment.role,
            "starts_on": appointment.starts_on.isoformat(),
            "ends_on": "2026-01-31",
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.filter(object_type="contacts.appointment").latest("at")
    assert event.detail["access_change"] == "appointment"
    assert event.detail["before"]["ends_on"] is None
    assert event.detail["after"]["ends_on"] == "2026-01-31"
    assert event.detail["changed"] == ["ends_on"]


def test_an_admin_changing_a_groups_permissions_is_audited_with_before_and_after(admin_user, client_for):
    admin_client = client_for(admin_user)
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.create(name="Readers")
    permission = Permission.objects.get(codename="view_organisation")
    url = reverse("admin:auth_group_change", args=[group.pk])
    response = admin_client.post(url, {"name": "Readers", "permissions": [permission.pk]})
    assert response.status_code == 302
    event = AuditEvent.objects.filter(object_type="auth.group", object_id=str(group.pk)).latest("at")
    assert event.detail["access_change"] == "group"
    assert event.detail["before"]["permissions"] == []
    assert event.detail["after"]["permissions"] == ["contacts.view_organisation"]


def test_the_audited_admin_mechanism_is_there_for_every_reference_admin():
    """Reference records that change access are edited through an AuditedModelAdmin naming the change."""
    from django.contrib.auth.models import Group

    from contacts.models import Appointment, Assignment, User

    for model in (User, Appointment, Assignment, Group):
        model_admin = admin.site._registry[model]
        assert isinstance(model_admin, AuditedModelAdmin), model
        assert model_admin.access_change, model


# --- Superuser status widens nothing in the portal ------------------------------------------------------

PORTAL_PAGES = [
    "portal-hmicfrs",
    "portal-opcc",
    "portal-force",
    "portal-apcc",
    "audit-trail",
    "inspections:list",
    "inspections:search",
    "inspections:disclosures",
    "inspections:debriefs-and-updates",
    "responses:awaiting",
    "responses:dashboard",
    "monitoring:workspace",
    "monitoring:tracker",
]


def test_a_superuser_sees_no_more_in_the_portal_than_a_person_with_no_role(
    offer,  # noqa: F811
    admin_user,
    client_for,
    pcc_office_a,
    hmi_a,
):
    """The portal asks the directory (roles and organisations at that moment), never is_superuser:
    with a world of records about, a superuser's pages are a role-less person's pages."""
    from contacts.models import User

    nobody = User.objects.create_user("nobody", password=None)
    with time_machine.travel(NOW, tick=False):
        superuser, plain = client_for(admin_user), client_for(nobody)
        for name in PORTAL_PAGES:
            as_superuser, as_nobody = superuser.get(reverse(name)), plain.get(reverse(name))
            assert as_superuser.status_code == as_nobody.status_code, name
            if as_superuser.status_code == 200:
                rows = [r.content.decode().count("govuk-table__row") for r in (as_superuser, as_nobody)]
                links = [r.content.decode().count('class="govuk-link') for r in (as_superuser, as_nobody)]
                assert rows[0] == rows[1], name
                assert links[0] == links[1], name
        # The same pages answer the people whose role they are for, so the refusals are the superuser's.
        assert client_for(hmi_a).get(reverse("portal-hmicfrs")).status_code == 200
        assert superuser.get(reverse("portal-hmicfrs")).status_code == 403
        assert client_for(pcc_office_a).get(reverse("portal-opcc")).status_code == 200
        assert superuser.get(reverse("portal-opcc")).status_code == 403
