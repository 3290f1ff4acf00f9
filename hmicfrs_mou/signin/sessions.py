"""Sessions are cut when what a person may do changes: their password, second factor, role or organisation.

The choice: delete the person's stored sessions at the moment of the change, rather than fold a version of
their roles and devices into `get_session_auth_hash`. Folding would need a field on the user (or a query on
every request to recompute it), and every page's query count is held flat by the tests; deleting costs
one scan of the live sessions, and only when access changes (rare: an appointment, an assignment, a group,
an account flag, a second factor). The password is already covered by Django itself: the session keeps a
hash of it, so a new password ends every other session at its next request.

Roles change on a date as well as by an edit (an appointment that ends tomorrow): those need no cut, as every
access check judges roles at the moment it is asked (`contacts.selectors.roles_held(user, on)`).

Needs a database-backed session engine (the default, or cached_db), which the settings use.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.module_loading import import_string

from contacts.models import Appointment, Assignment, User

ACCOUNT_FLAGS = ("is_active", "is_staff", "is_superuser")


def _session_model() -> Any:
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    return store.get_model_class()


def end_sessions_of(user_ids: Iterable[int], keep: str | None = None) -> int:
    """Delete every live session of the people (but `keep`, the session key of the request making the
    change, when the person changes their own second factor). Returns how many were ended."""
    wanted = {str(pk) for pk in user_ids if pk is not None}
    if not wanted:
        return 0
    model = _session_model()
    store_class = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    ended = 0
    for row in model.objects.filter(expire_date__gt=timezone.now()).only("session_key", "session_data"):
        if row.session_key == keep:
            continue
        data = store_class().decode(row.session_data)
        if str(data.get(SESSION_KEY)) in wanted:
            store_class(session_key=row.session_key).delete()
            ended += 1
    return ended


@receiver(post_save, sender=Appointment, dispatch_uid="signin_cut_on_appointment_save")
@receiver(post_delete, sender=Appointment, dispatch_uid="signin_cut_on_appointment_delete")
@receiver(post_save, sender=Assignment, dispatch_uid="signin_cut_on_assignment_save")
@receiver(post_delete, sender=Assignment, dispatch_uid="signin_cut_on_assignment_delete")
def _cut_on_role_change(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A role or organisation started, ended or changed: the person signs in again."""
    if kwargs.get("raw"):  # loading fixtures
        return
    end_sessions_of([instance.person_id])


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="signin_cut_on_groups")
@receiver(m2m_changed, sender=User.user_permissions.through, dispatch_uid="signin_cut_on_permissions")
def _cut_on_group_change(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any
) -> None:
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        end_sessions_of([instance.pk])
    elif isinstance(instance, (Group, Permission)) and pk_set:
        end_sessions_of(pk_set)


@receiver(pre_save, sender=User, dispatch_uid="signin_note_account_flags")
def _note_account_flags(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    if instance.pk is None or (update_fields is not None and not set(update_fields) & set(ACCOUNT_FLAGS)):
        return
    before = User.objects.filter(pk=instance.pk).values(*ACCOUNT_FLAGS).first()
    instance._signin_flags_before = before


@receiver(post_save, sender=User, dispatch_uid="signin_cut_on_account_flags")
def _cut_on_account_flags(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    before = getattr(instance, "_signin_flags_before", None)
    if created or before is None:
        return
    del instance._signin_flags_before
    if any(before[flag] != getattr(instance, flag) for flag in ACCOUNT_FLAGS):
        end_sessions_of([instance.pk])
