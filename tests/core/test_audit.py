"""The audit trail: append-only, searchable by HMICFRS (and by admins in the admin), written for sign-ins, refusals and changes."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import translation

from hmicfrs_mou.audit import audit_record
from hmicfrs_mou.models import AppendOnlyError, AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(hmi_a):
    return audit_record(action=AuditAction.VIEW, actor=hmi_a, object_type="contacts.meeting", object_id="7")


def test_an_event_cannot_be_changed_through_the_model(event):
    event.object_id = "8"
    with pytest.raises(AppendOnlyError):
        event.save()


def test_an_event_cannot_be_deleted_through_the_model_or_a_queryset(event):
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(object_id="9")
    assert AuditEvent.objects.get(pk=event.pk).object_id == "7"


def test_the_database_refuses_an_update_even_in_raw_sql(event):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE hmicfrs_mou_auditevent SET object_id = 'x' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).object_id == "7"


@pytest.mark.postgres_only
def test_postgresql_refuses_a_delete_even_in_raw_sql(event):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM hmicfrs_mou_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_sign_in_failed_sign_in_and_sign_out_are_recorded(client, hmi_a):
    client.post(reverse("login"), {"username": "hmi_a", "password": "wrong"}, REMOTE_ADDR="198.51.100.4")
    failed = AuditEvent.objects.get(action=AuditAction.SIGN_IN_FAILED)
    assert failed.detail == {"username": "hmi_a"}
    assert failed.ip_address == "198.51.100.4"
    assert "wrong" not in str(failed.detail)

    client.post(reverse("login"), {"username": "hmi_a", "password": "correct-horse-battery-staple"})
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN, actor=hmi_a).count() == 1
    client.post(reverse("logout"))
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_OUT, actor=hmi_a).count() == 1


def test_forwarded_address_is_ignored_unless_a_proxy_is_trusted(client, hmi_a, settings):
    client.post(reverse("login"), {"username": "nobody", "password": "x"}, HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert AuditEvent.objects.latest("pk").ip_address == "127.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    client.post(reverse("login"), {"username": "nobody", "password": "x"}, HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert AuditEvent.objects.latest("pk").ip_address == "1.2.3.4"


def test_hmicfrs_can_search_the_trail(client_for, hmi_a, pcc_office_a, event):
    audit_record(action=AuditAction.SIGN_IN, actor=pcc_office_a)
    page = client_for(hmi_a).get(
        reverse("audit-trail"), {"action": "view", "object_type": "contacts.meeting"}
    )
    assert page.status_code == 200
    assert list(page.context["page_obj"]) == [event]
    by_person = client_for(hmi_a).get(reverse("audit-trail"), {"who": "pcc office"})
    assert [e.actor for e in by_person.context["page_obj"]] == [pcc_office_a]


def test_trail_search_refuses_a_backwards_date_range(client_for, hmi_a):
    page = client_for(hmi_a).get(
        reverse("audit-trail"),
        {
            "date_from_0": "5",
            "date_from_1": "6",
            "date_from_2": "2026",
            "date_to_0": "1",
            "date_to_1": "6",
            "date_to_2": "2026",
        },
    )
    assert "The to date must be the same as or after the from date." in page.content.decode()


def test_opcc_staff_cannot_see_the_trail(client_for, pcc_office_a):
    assert client_for(pcc_office_a).get(reverse("audit-trail")).status_code == 403


def test_a_superuser_without_a_portal_role_reads_the_trail_in_the_admin_not_the_portal(admin_client, event):
    """No portal permission comes from superuser status: the trail page is HMICFRS's (its group)."""
    assert admin_client.get(reverse("audit-trail")).status_code == 403
    assert admin_client.get(reverse("admin:hmicfrs_mou_auditevent_changelist")).status_code == 200


def test_admin_can_search_but_not_add_change_or_delete(admin_client, event):
    changelist = admin_client.get(reverse("admin:hmicfrs_mou_auditevent_changelist"), {"q": "contacts"})
    assert changelist.status_code == 200
    assert admin_client.get(reverse("admin:hmicfrs_mou_auditevent_add")).status_code == 403
    url = reverse("admin:hmicfrs_mou_auditevent_change", args=[event.pk])
    assert admin_client.post(url, {"object_id": "99"}).status_code == 403
    delete = reverse("admin:hmicfrs_mou_auditevent_delete", args=[event.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).object_id == "7"


def test_admin_changes_are_audited(admin_client, force_a):
    url = reverse("admin:contacts_organisation_change", args=[force_a.pk])
    data = {
        "kind": force_a.kind,
        "slug": force_a.slug,
        "name": force_a.name,
        "country": force_a.country,
        "parent": "",
        "authority_type": "",
        "website": "https://www.avonandsomerset.police.uk",
        "notes": force_a.notes,
        "verified": "on",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_id=str(force_a.pk))
    assert event.detail["via"] == "admin"


def test_the_trail_names_a_record_in_english_whatever_language_the_person_reads(pcc_office_a):
    """The trail is one record for everyone: a name built from a choice label (an appointment's role) is
    stored in English even when the person acting reads the portal in Welsh."""
    appointment = pcc_office_a.appointments.first()
    with translation.override("cy"):
        welsh_name = str(appointment)
        event = audit_record(action=AuditAction.VIEW, obj=appointment, actor=pcc_office_a)
    english_name = str(appointment)
    assert welsh_name != english_name  # the role has Welsh, so the check can tell the two apart
    assert event.object_repr == english_name
