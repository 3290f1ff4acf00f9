"""Who may change a person's sign-in security (issue 9 "Actor checks everywhere"; issue 10).

The writing services of hmicfrs_mou/signin/services.py, each tried with wrong actors: another role, the
same role (another HMI), the person themselves where the step is an administrator's, an administrator
where it is the person's own, and nobody. Each refusal says who may act and leaves everything as it was:
devices and recovery codes, failed attempts, sessions and the audit trail. A right actor then succeeds on
the same data, so a refusal is the actor check and not a broken set-up.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from contacts.models import User
from hmicfrs_mou.models import AuditEvent
from hmicfrs_mou.signin import services

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
KEY = "3132333435363738393031323334353637383930"  # hex, as TOTPDevice stores it


@pytest.fixture
def superuser() -> User:
    return User.objects.create_superuser("root", "root@example.invalid", "correct-horse-battery-staple")


@pytest.fixture
def staff_admin() -> User:
    return User.objects.create_user(
        "staff", "staff@example.invalid", "correct-horse-battery-staple", is_staff=True
    )


def _second_factor(user: User) -> tuple[list[str], list[str]]:
    return (
        sorted(TOTPDevice.objects.filter(user=user).values_list("key", flat=True)),
        sorted(StaticToken.objects.filter(device__user=user).values_list("token", flat=True)),
    )


def _app_and_codes(user: User) -> None:
    TOTPDevice.objects.create(user=user, name=services.APP_NAME, key=KEY, confirmed=True)
    device = StaticDevice.objects.create(user=user, name=services.RECOVERY_NAME, confirmed=True)
    StaticToken.objects.create(device=device, token="abcd2345")


def _locked(username: str, ip_address: str) -> AccessAttempt:
    return AccessAttempt.objects.create(
        username=username,
        ip_address=ip_address,
        failures_since_start=10,
        user_agent="x",
        get_data="",
        post_data="",
        http_accept="",
        path_info="/",
    )


def _state() -> tuple[object, ...]:
    return (
        sorted(TOTPDevice.objects.values_list("user_id", "key")),
        sorted(StaticToken.objects.values_list("device__user_id", "token")),
        sorted(AccessAttempt.objects.values_list("username", "ip_address", "failures_since_start")),
        Session.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.mark.wrong_actor("hmicfrs_mou.signin.services.second_factor_reset")
@pytest.mark.parametrize("who", ["hmi_a", "other_hmi", "pcc_office_a", "chief_office_a", None])
def test_only_an_administrator_resets_someone_elses_second_factor(who, hmi_a, staff_admin, request):
    """The person themselves (hmi_a), the same role (another HMI), other roles and nobody are refused;
    the devices, the codes, the person's session and the audit trail are as they were."""
    wrong = request.getfixturevalue(who) if who else None
    _app_and_codes(hmi_a)
    Client().force_login(hmi_a)
    before, factor = _state(), _second_factor(hmi_a)
    with pytest.raises(ValidationError, match="Only an administrator can do this"):
        services.second_factor_reset(user=hmi_a, by=wrong)
    assert (_state(), _second_factor(hmi_a)) == (before, factor)
    services.second_factor_reset(user=hmi_a, by=staff_admin)
    assert _second_factor(hmi_a) == ([], [])


@pytest.mark.wrong_actor("hmicfrs_mou.signin.services.lockout_clear")
@pytest.mark.parametrize("who", ["hmi_a", "other_hmi", "pcc_office_a", "apcc_lead", None])
def test_only_an_administrator_unlocks_an_account_or_an_address(who, hmi_a, superuser, request):
    """Not even the locked-out person (hmi_a) clears their own failed attempts, by name or by address."""
    wrong = request.getfixturevalue(who) if who else None
    _locked("hmi_a", "10.0.0.1")
    _locked("someone", "10.0.0.2")
    before = _state()
    for target in ({"username": "hmi_a"}, {"ip_address": "10.0.0.2"}):
        with pytest.raises(ValidationError, match="Only an administrator can do this"):
            services.lockout_clear(**target, by=wrong)
    assert _state() == before
    assert services.lockout_clear(username="hmi_a", by=superuser) == 1
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["someone"]


@pytest.mark.wrong_actor("hmicfrs_mou.signin.services.totp_enrol")
@pytest.mark.parametrize("who", ["other_hmi", "pcc_office_a", "superuser", None])
def test_only_the_person_sets_up_their_own_authenticator_app(who, rf, hmi_a, request):
    """With a right code for the key, another HMI, another role, an administrator and nobody are still
    refused: no device, no recovery codes, no audit row."""
    wrong = request.getfixturevalue(who) if who else None
    _app_and_codes(hmi_a)
    before, factor = _state(), _second_factor(hmi_a)
    device = TOTPDevice(key=KEY)
    with time_machine.travel(T0, tick=False):
        code = f"{totp(device.bin_key):06d}"
        with pytest.raises(ValidationError, match="Only the person themselves"):
            services.totp_enrol(user=hmi_a, key=KEY, code=code, by=wrong, request=rf.post("/"))
    assert (_state(), _second_factor(hmi_a)) == (before, factor)


@pytest.mark.wrong_actor("hmicfrs_mou.signin.services.recovery_codes_renew")
@pytest.mark.parametrize("who", ["other_hmi", "pcc_office_a", "superuser", None])
def test_only_the_person_renews_their_own_recovery_codes(who, rf, hmi_a, request):
    """The old codes keep working and no new ones are made for anyone else to see."""
    wrong = request.getfixturevalue(who) if who else None
    _app_and_codes(hmi_a)
    before, factor = _state(), _second_factor(hmi_a)
    with pytest.raises(ValidationError, match="Only the person themselves"):
        services.recovery_codes_renew(user=hmi_a, by=wrong, request=rf.post("/"))
    assert (_state(), _second_factor(hmi_a)) == (before, factor)
    codes = services.recovery_codes_renew(user=hmi_a, by=hmi_a, request=rf.post("/"))
    assert _second_factor(hmi_a)[1] == sorted(codes)
