"""The signed-in person each request loads: with their permissions, unread count and second-factor devices,
in one query."""

from __future__ import annotations

from unittest import mock

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from contacts.models import User
from hmicfrs_mou.access import forget_cached_perms, global_perms
from hmicfrs_mou.models import InboxMessage
from hmicfrs_mou.signin import backends
from hmicfrs_mou.signin.backends import PortalBackend
from hmicfrs_mou.unread import UNREAD_SHOWN_UP_TO, unread_count

pytestmark = pytest.mark.django_db


def _fresh(user: User) -> tuple[frozenset[str], int]:
    """The answers worked out the long way, on a copy that was not loaded by the backend."""
    copy = User.objects.get(pk=user.pk)
    return global_perms(copy), unread_count(copy)


def test_the_backend_loads_permissions_and_unread_count_with_the_person_in_one_query(hmi_a, other_hmi):
    extra = Group.objects.create(name="Extra for the test")
    extra.permissions.add(Permission.objects.get(codename="change_user"))
    hmi_a.groups.add(extra)
    hmi_a.user_permissions.add(Permission.objects.get(codename="view_group"))
    InboxMessage.objects.bulk_create(InboxMessage(user=hmi_a, subject=f"m{i}", body="x") for i in range(3))
    InboxMessage.objects.create(user=hmi_a, subject="read", body="x", read_at="2026-01-01T00:00Z")
    InboxMessage.objects.create(user=other_hmi, subject="someone else's", body="x")
    expected_perms, expected_unread = _fresh(hmi_a)
    assert {"contacts.change_user", "auth.view_group"} <= expected_perms
    assert expected_unread == 3

    with CaptureQueriesContext(connection) as queries:
        loaded = PortalBackend().get_user(hmi_a.pk)
        perms, unread = global_perms(loaded), unread_count(loaded)
    assert len(queries) == 1
    assert (perms, unread) == (expected_perms, 3)

    # Forgotten like any cached answer: asked again, the database answers.
    hmi_a.groups.remove(extra)
    forget_cached_perms(loaded)
    assert "contacts.change_user" not in global_perms(loaded)


def test_a_person_with_nothing_loads_empty_answers_and_an_inactive_one_is_not_loaded(hmicfrs_staff):
    bare = User.objects.create_user("bare", password="x")
    loaded = PortalBackend().get_user(bare.pk)
    assert (global_perms(loaded), unread_count(loaded)) == (frozenset(), 0)
    assert global_perms(PortalBackend().get_user(hmicfrs_staff.pk)) == _fresh(hmicfrs_staff)[0]
    bare.is_active = False
    bare.save()
    assert PortalBackend().get_user(bare.pk) is None
    assert PortalBackend().get_user(10**9) is None


def test_the_header_counts_no_further_than_it_shows(client_for, hmi_a):
    InboxMessage.objects.bulk_create(
        InboxMessage(user=hmi_a, subject=f"m{i}", body="x") for i in range(UNREAD_SHOWN_UP_TO + 50)
    )
    page = client_for(hmi_a).get(reverse("inbox")).content.decode()
    assert f'app-nav-count">{UNREAD_SHOWN_UP_TO}+<' in page


def test_the_page_of_the_last_unread_message_shows_no_count_in_its_own_header(client_for, hmi_a):
    message = InboxMessage.objects.create(user=hmi_a, subject="Only one", body="x")
    client = client_for(hmi_a)
    assert 'app-nav-count">1<' in client.get(reverse("inbox")).content.decode()
    page = client.get(reverse("inbox-message", kwargs={"pk": message.pk})).content.decode()
    assert "Only one" in page
    assert "app-nav-count" not in page


def test_a_signed_in_page_asks_the_database_nothing_more_for_the_header(client_for, hmi_a):
    """The user, their permissions and unread count are one query; the header adds none."""
    client = client_for(hmi_a)
    client.get(reverse("inbox"))
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("inbox"))
    sql = [q["sql"] for q in queries.captured_queries]
    assert not [s for s in sql if "auth_permission" in s and "contacts_user" not in s], sql
    assert sum("read_at" in s and "IS NULL" in s for s in sql) == 1, sql


def test_a_verified_session_costs_no_query_for_its_device(client_for, hmi_a):
    client = client_for(hmi_a)
    assert client.get(reverse("inbox")).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("inbox")).status_code == 200
    device_reads = [q["sql"] for q in queries.captured_queries if "otp_totp_totpdevice" in q["sql"]]
    # One read: the devices' ids inside the query that loads the person.
    assert len(device_reads) == 1, device_reads
    assert "contacts_user" in device_reads[0]


@pytest.mark.parametrize("spoil", ["unconfirmed", "given_to_another", "anothers_device", "no_such_device"])
def test_the_sessions_device_counts_only_while_it_is_the_persons_and_confirmed(
    client_for, hmi_a, other_hmi, spoil
):
    """The checks django-otp makes, made on what the backend loaded: otherwise the second step is asked."""
    client = client_for(hmi_a)
    assert client.get(reverse("inbox")).status_code == 200
    mine = TOTPDevice.objects.get(user=hmi_a, confirmed=True)
    theirs = TOTPDevice.objects.create(user=other_hmi, name="Theirs", confirmed=True)
    # Changed without signals, so the session is not cut for another reason (hmicfrs_mou.signin.sessions).
    if spoil == "unconfirmed":
        TOTPDevice.objects.filter(pk=mine.pk).update(confirmed=False)
    elif spoil == "given_to_another":
        TOTPDevice.objects.filter(pk=mine.pk).update(user=other_hmi)
    else:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = (
            theirs.persistent_id if spoil == "anothers_device" else f"{TOTPDevice.model_label()}/999999"
        )
        session.save()
    response = client.get(reverse("inbox"))
    assert response.status_code == 302
    assert response["Location"].startswith(("/accounts/two-factor/", "/accounts/set-up/")), response[
        "Location"
    ]
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_a_static_device_verifies_a_session_as_well(client_for, hmi_a):
    """A recovery code's device (django-otp's static device) is loaded with the person too."""
    client = client_for(hmi_a)
    codes = StaticDevice.objects.create(user=hmi_a, name="Recovery codes", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = codes.persistent_id
    session.save()
    response = client.get(reverse("inbox"))
    assert response.status_code == 200
    assert response.wsgi_request.user.otp_device.persistent_id == codes.persistent_id


def test_the_persons_query_is_compiled_once_and_gives_each_person_their_own_answers(hmi_a, apcc_lead):
    """The SQL is compiled once per database (compiling cost ~5 ms a page); each request runs it with its id."""
    InboxMessage.objects.create(user=apcc_lead, subject="For the APCC", body="x")
    backends._PERSON._compiled.clear()
    backend = PortalBackend()
    with CaptureQueriesContext(connection) as queries:
        first = backend.get_user(hmi_a.pk)
        backends._PERSON._checks_left.clear()  # the first calls are checked against the ORM (hmicfrs_mou.compiled)
        with mock.patch.object(backends._PERSON, "_build", side_effect=AssertionError("compiled twice")):
            second = backend.get_user(apcc_lead.pk)
            assert backend.get_user(str(hmi_a.pk)).pk == hmi_a.pk  # the session keeps the id as text
            assert backend.get_user(10**9) is None
    assert len(queries) == 4
    assert (first.pk, second.pk) == (hmi_a.pk, apcc_lead.pk)
    assert (global_perms(first), unread_count(first)) == _fresh(hmi_a)
    assert (global_perms(second), unread_count(second)) == _fresh(apcc_lead) == (_fresh(apcc_lead)[0], 1)
    assert first.get_session_auth_hash() == User.objects.get(pk=hmi_a.pk).get_session_auth_hash()


def test_the_compiled_person_is_the_person_the_orm_reads(hmi_a, apcc_lead):
    """Every field and every answer of the compiled read equal the ORM's own read of the same query."""
    InboxMessage.objects.create(user=hmi_a, subject="One", body="x")
    for person in (hmi_a, apcc_lead):
        compiled = PortalBackend().get_user(person.pk)
        orm = PortalBackend._loaded(User).get(pk=person.pk)
        for field in User._meta.concrete_fields:
            assert getattr(compiled, field.attname) == getattr(orm, field.attname), field.name
        assert (global_perms(compiled), unread_count(compiled)) == _fresh(person)
