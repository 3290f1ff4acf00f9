"""Sign-in security (issue 10): the second factor, lockout, idle timeout, sessions cut on change, password reset.

Most tests sign in through the real sign-in form (password, then the second step), not force_login."""

from __future__ import annotations

import base64
import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from contacts.models import ROLE_ORGANISATION_KINDS, Appointment, Organisation, OrganisationKind, Role, User
from contacts.selectors import governing_body_of_area
from contacts.services import access_sync, appointment_end
from hmicfrs_mou.models import AuditAction, AuditEvent
from hmicfrs_mou.signin import services
from hmicfrs_mou.signin.policy import two_factor_required
from tests.conftest import force, make_person, office_of, org

PASSWORD = "correct-horse-battery-staple"
T0 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


def post_password(client: Client, user: User, password: str = PASSWORD, **extra: Any) -> Any:
    return client.post(reverse("login"), {"username": user.username, "password": password}, **extra)


def code_for(device: TOTPDevice) -> str:
    """The code the person's app shows now (time_machine moves the clock the device reads too)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


def app_for(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


@pytest.fixture
def superuser(db: None) -> User:
    return User.objects.create_superuser("root", "root@example.invalid", PASSWORD)


@pytest.fixture
def portal_of(
    hmi_a: User,
    hmicfrs_staff: User,
    liaison_lead_a: User,
    apcc_lead: User,
    superuser: User,
    pcc_office_a: User,
    chief_office_a: User,
) -> dict[str, tuple[User, str]]:
    return {
        "hmi": (hmi_a, reverse("portal-hmicfrs")),
        "inspection staff": (hmicfrs_staff, reverse("portal-hmicfrs")),
        "liaison lead": (liaison_lead_a, reverse("portal-hmicfrs")),
        "apcc": (apcc_lead, reverse("portal-apcc")),
        "admin": (superuser, reverse("admin:index")),
        "opcc": (pcc_office_a, reverse("portal-opcc")),
        "chief office": (chief_office_a, reverse("portal-force")),
    }


REQUIRED = ["hmi", "inspection staff", "liaison lead", "apcc", "admin"]
OPTIONAL = ["opcc", "chief office"]


# --- The second factor ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", REQUIRED)
def test_required_roles_reach_no_portal_page_with_a_password_alone(portal_of, who):
    user, page = portal_of[who]
    assert two_factor_required(user)
    client = Client()
    with time_machine.travel(T0, tick=False):
        assert post_password(client, user).status_code == 302
        response = client.get(page)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("signin:setup"))
        for other in (
            reverse("inbox"),
            reverse("my-deadlines"),
            reverse("audit-trail"),
            reverse("admin:index"),
        ):
            assert client.get(other)["Location"].split("?")[0] in {reverse("signin:setup"), reverse("login")}


@pytest.mark.parametrize("who", REQUIRED + OPTIONAL)
def test_every_role_with_an_app_gives_its_code_after_the_password_then_reaches_the_portal(portal_of, who):
    user, page = portal_of[who]
    device = app_for(user)
    client = Client()
    with time_machine.travel(T0, tick=False):
        post_password(client, user)
        response = client.get(page)
        assert response["Location"].startswith(reverse("signin:verify"))
        wrong = client.post(
            reverse("signin:verify"), {"code": "000000" if code_for(device) != "000000" else "111111"}
        )
        assert "The security code is not right" in wrong.content.decode()
        assert client.get(page).status_code == 302
    # django-otp makes the next try wait after a wrong code (a second, doubling each time).
    with time_machine.travel(T0 + dt.timedelta(seconds=3), tick=False):
        done = client.post(reverse("signin:verify"), {"code": code_for(device), "next": page})
        assert done.status_code == 302
        assert done["Location"] == page
        assert client.get(page).status_code == 200
    assert AuditEvent.objects.filter(
        actor=user, action=AuditAction.SIGN_IN, detail__second_factor="authenticator app"
    ).exists()
    failed = AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED, detail__username=user.username)
    assert failed.count() == 1


@pytest.mark.parametrize("who", OPTIONAL)
def test_optional_roles_reach_their_portal_with_a_password_alone(portal_of, who):
    user, page = portal_of[who]
    assert not two_factor_required(user)
    client = Client()
    post_password(client, user)
    assert client.get(page).status_code == 200
    # They are offered a second factor: the set-up page is open to them.
    assert client.get(reverse("signin:setup")).status_code == 200
    assert client.get(reverse("signin:security")).status_code == 200


# --- Every role, in every kind of organisation it belongs to --------------------------------------------

# The second factor is required of HMICFRS staff, the APCC and admins (the default of the setting
# TWO_FACTOR_REQUIRED_ORGANISATION_KINDS, and every staff or superuser account); offered to everyone else.
KINDS_REQUIRING_A_SECOND_FACTOR = {OrganisationKind.HMICFRS, OrganisationKind.APCC}
# Where each kind of organisation's people land after signing in ("/" sends them there).
HOME_OF_KIND = {
    OrganisationKind.HMICFRS: "portal-hmicfrs",
    OrganisationKind.APCC: "portal-apcc",
    OrganisationKind.OPCC: "portal-opcc",
    OrganisationKind.GOVERNING_BODY: "portal-opcc",
    OrganisationKind.POLICE_FORCE: "portal-force",
    OrganisationKind.FIRE_RESCUE_SERVICE: "portal-force",
    OrganisationKind.IOPC: "responses:complaints",
    OrganisationKind.COLLEGE_OF_POLICING: "responses:complaints",
}
ROLE_KINDS = [(role, kind) for role in Role for kind in ROLE_ORGANISATION_KINDS[role]]
ADMINS = ["superuser", "staff"]


def test_every_role_is_in_the_sign_in_table():
    """Every role belongs to some kind of organisation, and every such kind has a home page here, so the
    table below covers a role added later."""
    assert set(ROLE_ORGANISATION_KINDS) == set(Role)
    assert {kind for _role, kind in ROLE_KINDS} <= set(HOME_OF_KIND)
    assert len(ROLE_KINDS) >= len(Role)


def _organisation_of_kind(kind: str) -> Organisation:
    on = timezone.localdate()
    if kind == OrganisationKind.OPCC:
        return office_of(force("avon-and-somerset"))
    if kind == OrganisationKind.GOVERNING_BODY:
        # A fire and rescue authority: the body governing Kent's FRS, which has no OPCC.
        body = governing_body_of_area(org(OrganisationKind.FIRE_RESCUE_SERVICE, "kent"), on)
        assert body is not None
        assert body.kind == OrganisationKind.GOVERNING_BODY
        return body
    if kind == OrganisationKind.POLICE_FORCE:
        return force("avon-and-somerset")
    return Organisation.objects.filter(kind=kind).order_by("pk").first()


def _persona(directory: None, role: str | None, kind: str) -> tuple[User, str, bool]:
    """The person, their home page and whether they must give a second factor."""
    if role is None:  # an admin: a superuser, or a staff account with no appointment
        user = (
            User.objects.create_superuser("root", "root@example.invalid", PASSWORD)
            if kind == "superuser"
            else User.objects.create_user("staff", "staff@example.invalid", PASSWORD, is_staff=True)
        )
        return user, reverse("admin:index"), True
    organisation = _organisation_of_kind(kind)
    user = make_person(f"signin_{role}", organisation, role)
    return user, reverse(HOME_OF_KIND[kind]), kind in KINDS_REQUIRING_A_SECOND_FACTOR


PERSONAS = [pytest.param(role, kind, id=f"{role}@{kind}") for role, kind in ROLE_KINDS] + [
    pytest.param(None, admin, id=f"admin ({admin})") for admin in ADMINS
]
PAGES_BEHIND_SIGN_IN = [
    "home",
    "portal-hmicfrs",
    "portal-opcc",
    "portal-force",
    "portal-apcc",
    "responses:complaints",
    "inbox",
    "my-deadlines",
    "audit-trail",
    "admin:index",
]


@pytest.mark.parametrize(("role", "kind"), PERSONAS)
def test_each_role_signs_in_with_a_second_factor_where_required_and_may_enrol_where_offered(
    directory, role, kind
):
    """For every role in every kind of organisation it belongs to, and for admins: whether a second factor
    is required; where it is, a password alone opens no page but the set-up, and the code from the
    person's app opens their home page; where it is offered, the password alone opens the home page, the
    person may set up an app, and from then on signs in with its code too."""
    user, home, required = _persona(directory, role, kind)
    assert two_factor_required(user) is required
    with time_machine.travel(T0, tick=False):
        password_only = Client()
        signed_in = post_password(password_only, user)
        assert signed_in.status_code == 302
        assert signed_in["Location"] == reverse("home")
        if required:
            for name in PAGES_BEHIND_SIGN_IN:
                response = password_only.get(reverse(name))
                assert response.status_code == 302, name
                assert response["Location"].startswith(reverse("signin:setup")), name
            app_for(user)
        else:
            assert password_only.get("/")["Location"] == home
            assert password_only.get(home).status_code == 200
            # Offered: they set up an app from the set-up page (QR code, a code to confirm it).
            page = password_only.get(reverse("signin:setup")).content.decode()
            assert "QR code for your authenticator app" in page
            secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
            key = base64.b32decode(secret)
            enrolled = password_only.post(reverse("signin:setup"), {"code": f"{totp(key):06d}"})
            assert enrolled["Location"] == reverse("signin:recovery-codes")
            assert TOTPDevice.objects.get(user=user, confirmed=True).bin_key == key
    # The next sign-in, with the app (a code not used before: half a minute later).
    with time_machine.travel(T0 + dt.timedelta(minutes=1), tick=False):
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        client = Client()
        post_password(client, user)
        asked = client.get(home)
        assert asked.status_code == 302
        assert asked["Location"].startswith(reverse("signin:verify"))
        done = client.post(reverse("signin:verify"), {"code": code_for(device), "next": "/"})
        assert done.status_code == 302
        landed = client.get(done["Location"])
        if done["Location"] == "/":
            assert landed["Location"] == home
            landed = client.get(home)
        assert landed.status_code == 200
    assert AuditEvent.objects.filter(
        actor=user, action=AuditAction.SIGN_IN, detail__second_factor="authenticator app"
    ).exists()


def test_the_setting_requires_a_second_factor_of_more_organisation_kinds(settings, pcc_office_a):
    settings.TWO_FACTOR_REQUIRED_ORGANISATION_KINDS = ["hmicfrs", "apcc", "opcc"]
    client = Client()
    post_password(client, pcc_office_a)
    assert client.get(reverse("portal-opcc"))["Location"].startswith(reverse("signin:setup"))


def test_enrolment_shows_a_qr_code_and_the_secret_is_confirmed_by_a_code_and_gives_recovery_codes_once(hmi_a):
    client = Client()
    post_password(client, hmi_a)
    with time_machine.travel(T0, tick=False):
        page = client.get(reverse("signin:setup") + "?next=/hmicfrs/").content.decode()
        assert "<svg" in page
        assert "QR code for your authenticator app" in page
        secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
        import base64

        key = base64.b32decode(secret)
        wrong = client.post(reverse("signin:setup"), {"code": "12345"})
        assert "The code is not right" in wrong.content.decode()
        assert not TOTPDevice.objects.filter(user=hmi_a).exists()
        good = f"{totp(key):06d}"
        response = client.post(reverse("signin:setup"), {"code": good})
        assert response["Location"] == reverse("signin:recovery-codes")
        codes_page = client.get(reverse("signin:recovery-codes")).content.decode()
        codes = re.findall(r"<code>([a-z2-7]{8})</code>", codes_page)
        assert len(codes) == 10
        assert 'href="/hmicfrs/"' in codes_page
        # Shown once.
        assert client.get(reverse("signin:recovery-codes"))["Location"] == reverse("signin:security")
        # This session is verified with the new app.
        assert client.get(reverse("portal-hmicfrs")).status_code == 200
    device = TOTPDevice.objects.get(user=hmi_a)
    assert device.confirmed
    assert device.bin_key == key
    assert sorted(StaticToken.objects.filter(device__user=hmi_a).values_list("token", flat=True)) == sorted(
        codes
    )
    event = AuditEvent.objects.get(detail__access_change="second factor set up")
    assert event.detail["before"] == {"authenticator_apps": 0, "recovery_codes_left": 0}
    assert event.detail["after"] == {"authenticator_apps": 1, "recovery_codes_left": 10}
    assert secret not in str(event.detail)
    assert codes[0] not in str(event.detail)


def test_a_recovery_code_signs_in_once(hmi_a):
    app_for(hmi_a)
    device = StaticDevice.objects.create(user=hmi_a, name="Recovery codes", confirmed=True)
    StaticToken.objects.create(device=device, token="abcd2345")
    first = Client()
    post_password(first, hmi_a)
    assert first.post(reverse("signin:verify"), {"code": "ABCD 2345"}).status_code == 302
    assert first.get(reverse("portal-hmicfrs")).status_code == 200
    second = Client()
    post_password(second, hmi_a)
    assert "not right" in second.post(reverse("signin:verify"), {"code": "abcd2345"}).content.decode()
    assert AuditEvent.objects.filter(actor=hmi_a, detail__second_factor="recovery code").count() == 1


def test_the_admin_requires_a_verified_second_factor(superuser):
    app_for(superuser)
    client = Client()
    post_password(client, superuser)
    response = client.get(reverse("admin:index"))
    assert response["Location"].startswith(reverse("signin:verify"))
    # The admin's own sign-in page sends to the portal's (one sign-in, with lockout and the second step).
    anonymous = Client().get(reverse("admin:login") + "?next=/admin/")
    assert anonymous["Location"] == reverse("login") + "?next=%2Fadmin%2F"


def test_force_login_in_the_tests_verifies_a_real_device(client_for, hmi_a, pcc_office_a):
    client = client_for(hmi_a)
    device = TOTPDevice.objects.get(user=hmi_a, confirmed=True)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(reverse("portal-hmicfrs")).status_code == 200
    # A person who needs none and has none is signed in without one.
    assert DEVICE_ID_SESSION_KEY not in client_for(pcc_office_a).session
    assert not TOTPDevice.objects.filter(user=pcc_office_a).exists()


def test_verify_and_setup_need_a_signed_in_person():
    for name in ("signin:verify", "signin:setup", "signin:security", "signin:keep-alive"):
        assert Client().get(reverse(name))["Location"].startswith(reverse("login"))


# --- An administrator resets a second factor -------------------------------------------------------------


def test_an_admin_resets_a_second_factor_through_an_audited_action_and_the_person_sets_it_up_again(
    client_for, superuser, hmi_a
):
    device = app_for(hmi_a)
    StaticToken.objects.create(
        device=StaticDevice.objects.create(user=hmi_a, name="Recovery codes", confirmed=True),
        token="zzzz2345",
    )
    person = client_for(hmi_a)
    assert person.get(reverse("portal-hmicfrs")).status_code == 200
    admin = client_for(superuser)
    response = admin.post(
        reverse("admin:otp_totp_totpdevice_changelist"),
        {"action": "reset_second_factor", "_selected_action": [device.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=hmi_a).exists()
    assert not StaticDevice.objects.filter(user=hmi_a).exists()
    # Their session has ended; at the next sign-in they set it up again.
    assert person.get(reverse("portal-hmicfrs"))["Location"].startswith(reverse("login"))
    fresh = Client()
    post_password(fresh, hmi_a)
    assert fresh.get(reverse("portal-hmicfrs"))["Location"].startswith(reverse("signin:setup"))
    event = AuditEvent.objects.get(detail__access_change="second factor reset")
    assert event.actor == superuser
    assert event.object_id == str(hmi_a.pk)
    assert event.detail["before"] == {"authenticator_apps": 1, "recovery_codes_left": 1}
    assert event.detail["after"] == {"authenticator_apps": 0, "recovery_codes_left": 0}
    assert event.detail["changed"] == ["authenticator_apps", "recovery_codes_left"]


def test_the_admin_shows_no_secret_and_cannot_change_or_delete_a_device(client_for, superuser, hmi_a):
    device = app_for(hmi_a)
    admin = client_for(superuser)
    page = admin.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk])).content.decode()
    assert device.key not in page
    assert admin.get(reverse("admin:otp_totp_totpdevice_add")).status_code == 403
    assert (
        admin.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


# Wrong actors for the sign-in services (hmicfrs_mou/signin/services.py); each service is tried in full,
# with the `wrong_actor` marker the coverage test counts, in tests/core/test_signin_actors.py.
def test_only_an_admin_resets_a_second_factor_or_unlocks(hmi_a, other_hmi, pcc_office_a):
    device = app_for(other_hmi)
    AccessAttempt.objects.create(
        username="other_hmi",
        ip_address="10.0.0.1",
        failures_since_start=10,
        user_agent="x",
        get_data="",
        post_data="",
        http_accept="",
        path_info="/",
    )
    before = AuditEvent.objects.count()
    for wrong in (hmi_a, pcc_office_a, None):
        with pytest.raises(ValidationError, match="Only an administrator"):
            services.second_factor_reset(user=other_hmi, by=wrong)
        with pytest.raises(ValidationError, match="Only an administrator"):
            services.lockout_clear(username="other_hmi", by=wrong)
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert AccessAttempt.objects.filter(username="other_hmi").exists()
    assert AuditEvent.objects.count() == before


def test_only_the_person_sets_up_their_own_second_factor(rf, hmi_a, other_hmi, superuser):
    request = rf.post("/")
    for wrong in (other_hmi, superuser):
        with pytest.raises(ValidationError, match="Only the person themselves"):
            services.totp_enrol(user=hmi_a, key="00" * 20, code="123456", by=wrong, request=request)
        with pytest.raises(ValidationError, match="Only the person themselves"):
            services.recovery_codes_renew(user=hmi_a, by=wrong, request=request)
    assert not TOTPDevice.objects.filter(user=hmi_a).exists()
    assert not StaticDevice.objects.filter(user=hmi_a).exists()


# --- Lockout -----------------------------------------------------------------------------------------------


def test_an_account_is_locked_after_ten_failures_for_the_cool_off_and_it_is_audited(hmi_a):
    app_for(hmi_a)
    with time_machine.travel(T0, tick=False):
        for n in range(10):
            response = post_password(Client(), hmi_a, "wrong password", REMOTE_ADDR=f"10.0.0.{n + 1}")
        # The tenth failure locks the account: from any address, even with the right password.
        assert response.status_code == 429
        refused = post_password(Client(), hmi_a, REMOTE_ADDR="10.9.9.9")
        assert refused.status_code == 429
        text = refused.content.decode()
        assert "You cannot sign in at the moment" in text
        assert "30 minutes" in text
        assert "_auth_user_id" not in refused.wsgi_request.session
    failures = AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED, detail__username="hmi_a")
    assert failures.count() == 11
    lockouts = AuditEvent.objects.filter(
        action=AuditAction.DENIED, detail__lockout=True, detail__username="hmi_a"
    )
    assert lockouts.count() == 2  # the tenth failure, then the refused attempt
    assert lockouts.first().detail["failure_limit"] == 10
    with time_machine.travel(T0 + dt.timedelta(minutes=29), tick=False):
        assert post_password(Client(), hmi_a).status_code == 429
    with time_machine.travel(T0 + dt.timedelta(minutes=61), tick=False):
        client = Client()
        assert post_password(client, hmi_a).status_code == 302
        assert client.get(reverse("portal-hmicfrs"))["Location"].startswith(reverse("signin:verify"))


def test_nine_failures_do_not_lock(pcc_office_a):
    for _ in range(9):
        assert post_password(Client(), pcc_office_a, "wrong password").status_code == 200
    assert post_password(Client(), pcc_office_a).status_code == 302
    assert not AuditEvent.objects.filter(action=AuditAction.DENIED, detail__lockout=True).exists()


def test_an_address_is_locked_after_ten_failures_whatever_the_names(pcc_office_a):
    for n in range(10):
        Client().post(reverse("login"), {"username": f"guess{n}", "password": "x"}, REMOTE_ADDR="10.1.1.1")
    assert post_password(Client(), pcc_office_a, REMOTE_ADDR="10.1.1.1").status_code == 429
    assert post_password(Client(), pcc_office_a, REMOTE_ADDR="10.1.1.2").status_code == 302


def test_the_limit_is_a_setting(settings, pcc_office_a):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        post_password(Client(), pcc_office_a, "wrong password")
    assert post_password(Client(), pcc_office_a).status_code == 429


def test_wrong_second_factor_codes_count_towards_the_lockout(hmi_a):
    device = app_for(hmi_a)
    client = Client()
    with time_machine.travel(T0, tick=False):
        post_password(client, hmi_a)
        bad = "000000" if code_for(device) != "000000" else "111111"
        for _ in range(10):
            response = client.post(reverse("signin:verify"), {"code": bad})
        assert response.status_code == 429
        # Signed out by the lockout.
        assert client.get(reverse("portal-hmicfrs"))["Location"].startswith(reverse("login"))


def test_an_admin_unlocks_an_account_through_an_audited_action(client_for, superuser, hmi_a):
    for _ in range(10):
        post_password(Client(), hmi_a, "wrong password")
    assert post_password(Client(), hmi_a).status_code == 429
    attempt = AccessAttempt.objects.filter(username="hmi_a").first()
    admin = client_for(superuser)
    changelist = reverse("admin:axes_accessattempt_changelist")
    page = admin.get(changelist).content.decode()
    assert "hmi_a" in page
    assert "wrong password" not in page
    response = admin.post(changelist, {"action": "unlock_accounts", "_selected_action": [attempt.pk]})
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="hmi_a").exists()
    assert post_password(Client(), hmi_a).status_code == 302
    event = AuditEvent.objects.get(detail__access_change="unlocked the account hmi_a")
    assert event.actor == superuser
    assert event.object_id == str(hmi_a.pk)
    assert event.detail["before"] == {"failed_attempts": 10, "locked_out": True}
    assert event.detail["after"] == {"failed_attempts": 0, "locked_out": False}


def test_an_admin_unlocks_an_address(client_for, superuser):
    for n in range(10):
        Client().post(reverse("login"), {"username": f"guess{n}", "password": "x"}, REMOTE_ADDR="10.1.1.1")
    admin = client_for(superuser)
    attempt = AccessAttempt.objects.filter(ip_address="10.1.1.1").first()
    admin.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "unlock_addresses", "_selected_action": [attempt.pk]},
    )
    assert not AccessAttempt.objects.filter(ip_address="10.1.1.1").exists()
    assert AuditEvent.objects.filter(
        detail__access_change="unlocked the address 10.1.1.1", actor=superuser
    ).exists()


def test_failed_attempts_cannot_be_deleted_in_the_admin_without_the_audited_action(client_for, superuser):
    Client().post(reverse("login"), {"username": "someone", "password": "x"})
    attempt = AccessAttempt.objects.get()
    admin = client_for(superuser)
    assert (
        admin.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert "delete_selected" not in admin.get(reverse("admin:axes_accessattempt_changelist")).content.decode()


# --- Idle timeout ------------------------------------------------------------------------------------------


def test_a_session_ends_after_thirty_minutes_idle_and_says_why(client_for, pcc_office_a):
    with time_machine.travel(T0, tick=False):
        client = client_for(pcc_office_a)
        assert client.get(reverse("portal-opcc")).status_code == 200
    with time_machine.travel(T0 + dt.timedelta(minutes=29), tick=False):
        assert client.get(reverse("portal-opcc")).status_code == 200
    with time_machine.travel(T0 + dt.timedelta(minutes=58), tick=False):
        assert client.get(reverse("portal-opcc")).status_code == 200  # 29 minutes after the last request
    with time_machine.travel(T0 + dt.timedelta(minutes=88, seconds=1), tick=False):
        response = client.get(reverse("portal-opcc"))
        assert response["Location"] == reverse("signin:timed-out")
        page = client.get(response["Location"]).content.decode()
        assert "we signed you out because you had not done anything for 30 minutes" in page
        assert client.get(reverse("portal-opcc"))["Location"].startswith(reverse("login"))
    assert AuditEvent.objects.filter(actor=pcc_office_a, action=AuditAction.SIGN_OUT).count() == 1


def test_the_idle_timeout_is_a_setting(settings, client_for, pcc_office_a):
    settings.SESSION_IDLE_TIMEOUT = 5 * 60
    with time_machine.travel(T0, tick=False):
        client = client_for(pcc_office_a)
        client.get(reverse("portal-opcc"))
    with time_machine.travel(T0 + dt.timedelta(minutes=6), tick=False):
        assert client.get(reverse("portal-opcc"))["Location"] == reverse("signin:timed-out")


def test_signed_in_pages_carry_the_timeout_warning_with_the_csp_nonce(client_for, pcc_office_a):
    response = client_for(pcc_office_a).get(reverse("portal-opcc"))
    page = response.content.decode()
    assert 'data-module="app-timeout-warning"' in page
    assert 'data-timeout="1800"' in page
    nonce = re.search(
        r'<script type="module" nonce="([^"]+)" src="/static/js/session-timeout.js"', page
    ).group(1)
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
    assert "app-timeout-warning" not in Client().get(reverse("login")).content.decode()


def test_stay_signed_in_restarts_the_idle_clock(client_for, pcc_office_a):
    with time_machine.travel(T0, tick=False):
        client = client_for(pcc_office_a)
        client.get(reverse("portal-opcc"))
    with time_machine.travel(T0 + dt.timedelta(minutes=28), tick=False):
        assert client.get(reverse("signin:keep-alive")).json() == {"seconds_left": 1800}
    with time_machine.travel(T0 + dt.timedelta(minutes=50), tick=False):
        assert client.get(reverse("portal-opcc")).status_code == 200


def test_the_idle_clock_moves_at_most_once_a_minute_and_the_warning_counts_from_it(client_for, pcc_office_a):
    """A request within a minute of the recorded one writes nothing to the session; the idle limit and the
    page's countdown both run from the recorded moment, so a person is never signed in for more than the
    limit after their last request, and the warning never promises time the server will not give."""

    def writes(response_of) -> tuple[int, list[str]]:
        with CaptureQueriesContext(connection) as queries:
            response = response_of()
        return response, [
            q["sql"] for q in queries.captured_queries if "UPDATE" in q["sql"] and "session" in q["sql"]
        ]

    with time_machine.travel(T0, tick=False):
        client = client_for(pcc_office_a)
        client.get(reverse("portal-opcc"))
    with time_machine.travel(T0 + dt.timedelta(seconds=30), tick=False):
        response, updates = writes(lambda: client.get(reverse("portal-opcc")))
        assert updates == []
        assert 'data-timeout="1770"' in response.content.decode()
    with time_machine.travel(T0 + dt.timedelta(seconds=61), tick=False):
        response, updates = writes(lambda: client.get(reverse("portal-opcc")))
        assert len(updates) == 1
        assert 'data-timeout="1800"' in response.content.decode()
    with time_machine.travel(T0 + dt.timedelta(seconds=90), tick=False):
        # "Stay signed in" moves the clock whenever it was last moved.
        assert client.get(reverse("signin:keep-alive")).json() == {"seconds_left": 1800}
    with time_machine.travel(T0 + dt.timedelta(minutes=31, seconds=30), tick=False):
        assert client.get(reverse("portal-opcc")).status_code == 200
    with time_machine.travel(T0 + dt.timedelta(minutes=61, seconds=31), tick=False):
        assert client.get(reverse("portal-opcc"))["Location"] == reverse("signin:timed-out")


# --- Sessions cut on change --------------------------------------------------------------------------------


def test_a_session_is_cut_when_the_persons_role_changes(client_for, pcc_office_a, pcc_office_b):
    client = client_for(pcc_office_a)
    bystander = client_for(pcc_office_b)
    assert client.get(reverse("portal-opcc")).status_code == 200
    appointment = Appointment.objects.get(person=pcc_office_a)
    appointment_end(appointment=appointment, ends_on=timezone.localdate() + dt.timedelta(days=30))
    assert client.get(reverse("portal-opcc"))["Location"].startswith(reverse("login"))
    assert bystander.get(reverse("portal-opcc")).status_code == 200


def test_a_session_is_cut_when_the_person_gains_a_role_or_their_groups_or_admin_flags_change(
    client_for, pcc_office_a, hmicfrs
):
    client = client_for(pcc_office_a)
    make_person_role = Appointment.objects.create(
        person=pcc_office_a, organisation=hmicfrs, role=Role.INSPECTION_STAFF
    )
    assert make_person_role.pk
    assert client.get(reverse("portal-opcc"))["Location"].startswith(reverse("login"))
    client = client_for(pcc_office_a)
    pcc_office_a.groups.add(Group.objects.create(name="Extra"))
    assert client.get(reverse("portal-opcc"))["Location"].startswith(reverse("login"))
    client = client_for(pcc_office_a)
    pcc_office_a.is_staff = True
    pcc_office_a.save()
    assert client.get(reverse("portal-opcc"))["Location"].startswith(reverse("login"))


def test_a_session_outlives_an_access_sync_that_changes_nothing_and_ends_with_one_that_does(
    client_for, pcc_office_a, pcc_office_b
):
    """Making a person's groups and grants match their appointments again (the admin does it on every save
    of a person) signs them out only when their groups change."""
    client = client_for(pcc_office_a)
    bystander = client_for(pcc_office_b)
    with CaptureQueriesContext(connection) as queries:
        access_sync(person=pcc_office_a)
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"]]
    assert client.get(reverse("portal-opcc")).status_code == 200
    Appointment.objects.filter(person=pcc_office_a).update(ends_on=timezone.localdate())
    access_sync(person=pcc_office_a)
    assert not pcc_office_a.groups.exists()
    assert client.get(reverse("portal-opcc"))["Location"].startswith(reverse("login"))
    assert bystander.get(reverse("portal-opcc")).status_code == 200


def test_a_session_is_cut_when_the_password_changes(client_for, pcc_office_a):
    client = client_for(pcc_office_a)
    assert client.get(reverse("portal-opcc")).status_code == 200
    pcc_office_a.set_password("another long passphrase here")
    pcc_office_a.save()
    assert client.get(reverse("portal-opcc"))["Location"].startswith(reverse("login"))


def test_setting_up_a_new_app_ends_the_persons_other_sessions_but_not_this_one(hmi_a, client_for):
    other = client_for(hmi_a)
    assert other.get(reverse("portal-hmicfrs")).status_code == 200
    this = client_for(hmi_a)
    with time_machine.travel(T0, tick=False):
        page = this.get(reverse("signin:setup")).content.decode()
        import base64

        key = base64.b32decode(re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", ""))
        this.post(reverse("signin:setup"), {"code": f"{totp(key):06d}"})
        assert this.get(reverse("portal-hmicfrs")).status_code == 200
        assert other.get(reverse("portal-hmicfrs"))["Location"].startswith(reverse("login"))


# --- Passwords ---------------------------------------------------------------------------------------------


def test_passwords_follow_length_over_complexity_and_refuse_common_ones(settings):
    names = [v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS]
    assert "CommonPasswordValidator" in names
    assert settings.AUTH_PASSWORD_VALIDATORS[1]["OPTIONS"]["min_length"] >= 12
    from django.contrib.auth.password_validation import validate_password

    with pytest.raises(ValidationError):
        validate_password("password1234")
    with pytest.raises(ValidationError):
        validate_password("Sh0rt!x")
    validate_password("plum wheelbarrow lantern")  # long, no character rules


def test_password_reset_by_email_is_single_use(pcc_office_a):
    client = Client()
    response = client.post(reverse("password_reset"), {"email": pcc_office_a.email})
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/password-reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    new = {"new_password1": "a much longer passphrase", "new_password2": "a much longer passphrase"}
    assert client.post(form_url, new)["Location"] == reverse("password_reset_complete")
    pcc_office_a.refresh_from_db()
    assert pcc_office_a.check_password("a much longer passphrase")
    again = Client().get(link, follow=True).content.decode()
    assert "This link has expired" in again
    assert AuditEvent.objects.filter(
        actor=pcc_office_a, detail__access_change="password reset by email link"
    ).exists()


def test_password_reset_refuses_a_common_password(pcc_office_a):
    client = Client()
    client.post(reverse("password_reset"), {"email": pcc_office_a.email})
    link = re.search(r"http://testserver(/accounts/password-reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    page = client.post(
        form_url, {"new_password1": "password1234", "new_password2": "password1234"}
    ).content.decode()
    assert "This password is too common" in page
    pcc_office_a.refresh_from_db()
    assert pcc_office_a.check_password(PASSWORD)


def test_password_reset_requests_are_throttled(settings, pcc_office_a):
    settings.PASSWORD_RESET_LIMIT_PER_HOUR = 3
    with time_machine.travel(T0, tick=False):
        for _ in range(3):
            assert Client().post(reverse("password_reset"), {"email": pcc_office_a.email}).status_code == 302
        refused = Client().post(reverse("password_reset"), {"email": pcc_office_a.email})
        assert refused.status_code == 429
        assert "Too many password reset requests" in refused.content.decode()
    assert len(mail.outbox) == 3
    with time_machine.travel(T0 + dt.timedelta(minutes=61), tick=False):
        assert Client().post(reverse("password_reset"), {"email": pcc_office_a.email}).status_code == 302
