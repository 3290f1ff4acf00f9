"""The backend that loads each request's signed-in person, with what every page asks of them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import router
from django.db.models import F, OuterRef
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from hmicfrs_mou.access import with_global_perms
from hmicfrs_mou.compiled import CompiledQuery
from hmicfrs_mou.csv_export import JoinedIds, split_ids
from hmicfrs_mou.unread import with_unread_count

# The second-factor devices a person can verify with; their confirmed ones come with the person.
DEVICE_MODELS = (TOTPDevice, StaticDevice)


def _devices_attr(model: Any) -> str:
    return f"_mou_confirmed_{model._meta.model_name}"


def with_confirmed_devices(users: Any) -> Any:
    """A user queryset whose rows bring the ids of their confirmed devices, one subquery per kind."""
    return users.annotate(
        **{
            _devices_attr(model): JoinedIds(
                model.objects.filter(user=OuterRef("pk"), confirmed=True).values(value=F("pk"))
            )
            for model in DEVICE_MODELS
        }
    )


def confirmed_devices(user: Any) -> frozenset[str] | None:
    """The persistent ids (django-otp's "app.model/id") of the person's confirmed devices, as loaded with
    them; None when they were not loaded so (the caller then asks the database)."""
    if not all(hasattr(user, _devices_attr(model)) for model in DEVICE_MODELS):
        return None
    return frozenset(
        f"{model.model_label()}/{pk}"
        for model in DEVICE_MODELS
        for pk in split_ids(getattr(user, _devices_attr(model)))
    )


class PortalBackend(ModelBackend):
    """Django's ModelBackend (passwords; permissions for the admin), whose `get_user` also brings the
    person's permissions (`hmicfrs_mou.access.global_perms`), the header's unread count and their confirmed
    second-factor devices (`hmicfrs_mou.signin.middleware.SecondFactorMiddleware`).

    AuthenticationMiddleware calls `get_user` once per request; the navigation, the second-factor check,
    the portal check and most access checks then ask those questions. Loading the answers in the same
    query saves every signed-in page up to three.
    """

    def get_user(self, user_id: Any) -> Any:
        """The person and their answers, from SQL compiled once per database.

        The query is the same on every request but for the id, and compiling its five subqueries cost
        about 5 ms of Python on every page against 0.1 ms to run it (measured on SQLite): a tenth of a
        simple page. So the ORM compiles it once (hmicfrs_mou.compiled) and each request runs the SQL with
        its own id.
        """
        model = get_user_model()
        pk = model._meta.pk.to_python(user_id)
        user = next(iter(_PERSON.instances(model._default_manager, router.db_for_read(model), pk=pk)), None)
        return user if user is not None and self.user_can_authenticate(user) else None

    @staticmethod
    def _loaded(model: Any) -> Any:
        return with_confirmed_devices(with_unread_count(with_global_perms(model._default_manager.all())))


_PERSON = CompiledQuery(lambda pk: PortalBackend._loaded(get_user_model()).filter(pk=pk), pk=int)
