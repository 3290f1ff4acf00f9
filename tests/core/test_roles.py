"""The role groups (hmicfrs_mou.roles): each holds exactly the permissions its role is given."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hmicfrs_mou.permissions import Perm
from hmicfrs_mou.roles import APCC_GROUP, GROUP_PERMISSIONS, HMICFRS_GROUP, ensure_groups

pytestmark = pytest.mark.django_db


def _held(group: Group) -> set[tuple[str, str]]:
    return set(group.permissions.values_list("content_type__app_label", "codename"))


def _wanted(name: str) -> set[tuple[str, str]]:
    return {(perm.app_label, perm.codename) for perm in GROUP_PERMISSIONS[name]}


def test_ensure_groups_sets_exactly_each_groups_permissions_again(directory):
    """A permission added to a group by hand is taken away, and one taken away is given back."""
    hmicfrs = Group.objects.get(name=HMICFRS_GROUP)
    apcc = Group.objects.get(name=APCC_GROUP)
    stray = Permission.objects.get(content_type__app_label="auth", codename="delete_group")
    apcc.permissions.add(stray)
    hmicfrs.permissions.remove(
        Permission.objects.get(
            content_type__app_label=Perm.VIEW_AUDIT_TRAIL.app_label, codename=Perm.VIEW_AUDIT_TRAIL.codename
        )
    )

    groups = ensure_groups()

    assert set(groups) == set(GROUP_PERMISSIONS)
    for name, group in groups.items():
        assert _held(group) == _wanted(name), name


def test_ensure_groups_reads_the_permissions_once_whatever_the_number_of_groups(directory):
    """One read of the permissions for all the groups, then a read and a write at most per group."""
    ensure_groups()
    with CaptureQueriesContext(connection) as queries:
        ensure_groups()
    by_codename = [q for q in queries.captured_queries if '"codename" IN' in q["sql"]]
    assert len(by_codename) == 1
    # get_or_create and the read of the group's current permissions, for each group; savepoints aside.
    selects = [q for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert len(selects) == 1 + 2 * len(GROUP_PERMISSIONS)
