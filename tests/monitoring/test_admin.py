"""Monitoring in the Django admin: every model registered, read-only, and no way round monitoring.access.

Workflow changes go through the services (each checks who is acting), so the admin adds,
changes and deletes no monitoring record, not even for a superuser. The HMI's advice and
evidence and the stored documents are never shown; for a member of staff who is not a
superuser every list is what monitoring.access lets them see at that moment.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import Client, RequestFactory
from django.urls import reverse

from hmicfrs_mou.models import AuditAction, AuditEvent
from monitoring.models import EngageCase, EngageLetter, ImprovementPlanVersion, ToolkitVersion
from monitoring.services import plan_submit
from tests.monitoring.conftest import ADVICE, ANNOUNCED, EVIDENCE, TOLD

pytestmark = pytest.mark.django_db

SECOND = dt.timedelta(seconds=1)
MONITORING_MODELS = list(apps.get_app_config("monitoring").get_models())


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_monitoring_model_is_registered_and_read_only(admin_user):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    for model in MONITORING_MODELS:
        model_admin = admin.site._registry[model]
        assert model_admin.has_add_permission(request) is False, model
        assert model_admin.has_change_permission(request) is False, model
        assert model_admin.has_delete_permission(request) is False, model
        assert model_admin.has_view_permission(request) is True, model


def test_advice_evidence_and_stored_documents_are_excluded_from_the_admin_forms(admin_user):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    hidden = {
        EngageCase: {"advice", "evidence"},
        EngageLetter: {"pdf"},
        ImprovementPlanVersion: {"content"},
        ToolkitVersion: {"content"},
    }
    for model, fields in hidden.items():
        model_admin = admin.site._registry[model]
        shown = set(model_admin.get_fields(request)) | set(model_admin.get_list_display(request))
        assert not fields & shown, (model, fields & shown)
        assert not fields & set(model_admin.search_fields), model


def test_superuser_reads_a_case_without_its_advice_and_cannot_change_it(admin_client, announced_case):
    with time_machine.travel(ANNOUNCED + SECOND, tick=False):
        listing = admin_client.get(_url(EngageCase, "changelist"))
        detail = admin_client.get(_url(EngageCase, "change", announced_case.pk))
        search = admin_client.get(_url(EngageCase, "changelist") + "?q=Crime")
    for response in (listing, detail, search):
        assert response.status_code == 200
        page = response.content.decode()
        assert ADVICE not in page
        assert EVIDENCE not in page
    assert announced_case.area.name in detail.content.decode()
    # Searching finds nothing by the advice's words.
    assert "0 Engage cases" in search.content.decode() or "0 results" in search.content.decode()
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="monitoring.engagecase", object_id=str(announced_case.pk)
    ).exists()


def test_the_admin_refuses_adding_changing_and_deleting_monitoring_records(admin_client, announced_case):
    before = EngageCase.objects.filter(pk=announced_case.pk).values().get()
    assert admin_client.get(_url(EngageCase, "add")).status_code == 403
    assert admin_client.post(_url(EngageCase, "add"), {"area": announced_case.area_id}).status_code == 403
    response = admin_client.post(_url(EngageCase, "change", announced_case.pk), {"announcement": "Changed"})
    assert response.status_code == 403
    assert (
        admin_client.post(_url(EngageCase, "delete", announced_case.pk), {"post": "yes"}).status_code == 403
    )
    assert EngageCase.objects.filter(pk=announced_case.pk).values().get() == before


def test_admin_changelists_answer_for_a_superuser(admin_client, offer):
    with time_machine.travel(ANNOUNCED + dt.timedelta(days=90), tick=False):
        for model in MONITORING_MODELS:
            assert admin_client.get(_url(model, "changelist")).status_code == 200, model


@pytest.fixture
def staff_apcc(apcc_lead):
    """The APCC lead made a member of staff who may view engage cases in the admin (not a superuser)."""
    apcc_lead.is_staff = True
    apcc_lead.save(update_fields=["is_staff"])
    apcc_lead.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="monitoring", codename__startswith="view_")
    )

    def client() -> Client:
        # Signed in afresh at each moment: a session idle for days has expired.
        signed_in = Client()
        signed_in.force_login(apcc_lead)
        return signed_in

    return client


def test_m5_the_admin_is_no_way_round_monitoring_access(staff_apcc, announced_case):
    """Before the announcement the APCC does not see the case, in the portal or in the admin."""
    with time_machine.travel(TOLD + SECOND, tick=False):
        client = staff_apcc()
        listing = client.get(_url(EngageCase, "changelist")).content.decode()
        detail = client.get(_url(EngageCase, "change", announced_case.pk))
    assert "Select engage case to view" in listing
    assert announced_case.area.name not in listing
    assert detail.status_code == 302  # the admin's "does not exist" answer: back to the index
    with time_machine.travel(ANNOUNCED + SECOND, tick=False):
        client = staff_apcc()
        listing = client.get(_url(EngageCase, "changelist")).content.decode()
        detail = client.get(_url(EngageCase, "change", announced_case.pk))
    assert announced_case.area.name in listing
    assert detail.status_code == 200
    assert ADVICE not in detail.content.decode()


def test_the_admin_shows_the_apcc_no_improvement_plan(staff_apcc, announced_case, chief_office_a):
    plan = plan_submit(case=announced_case, text="Plan v1", by=chief_office_a, now=ANNOUNCED + SECOND)
    with time_machine.travel(ANNOUNCED + 2 * SECOND, tick=False):
        client = staff_apcc()
        listing = client.get(_url(ImprovementPlanVersion, "changelist")).content.decode()
        detail = client.get(_url(ImprovementPlanVersion, "change", plan.pk))
    assert "Select improvement plan version to view" in listing
    assert "Improvement plan v1" not in listing
    assert detail.status_code == 302
