"""Roles as groups holding model-level permissions.

A person's groups follow their appointments (contacts.services.access_sync);
scope within a role comes from object permissions on organisations.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction

# This module is wiring, not the core's floor: it maps the directory's roles (contacts) to the groups
# whose permissions the core declares, so it imports contacts.models, and contacts.services imports it
# to keep each person's groups in step with their appointments. contacts.models imports nothing from
# the core, so this is no loop; the floor (access, audit, forms, permissions…) never imports contacts
# (import-linter, pyproject.toml).
from contacts.models import (
    APCC_ROLES,
    CHIEF_OFFICE_ROLES,
    GOVERNING_BODY_ROLES,
    HMICFRS_ROLES,
    INVESTIGATING_BODY_ROLES,
    OPCC_ROLES,
)
from hmicfrs_mou.permissions import Perm

HMICFRS_GROUP = "HMICFRS staff"
OPCC_GROUP = "OPCC staff"
CHIEF_OFFICE_GROUP = "Chief officer's office"
APCC_GROUP = "APCC"
# S2: IOPC and College of Policing staff hold no model permission (not even the directory): they see
# only the super-complaints their organisation investigates, which responses.complaints decides.
INVESTIGATING_BODY_GROUP = "IOPC and College of Policing staff"

GROUP_PERMISSIONS: dict[str, tuple[Perm, ...]] = {
    HMICFRS_GROUP: (
        Perm.VIEW_DIRECTORY,
        Perm.VIEW_ALL_MEETING,
        Perm.ADD_MEETING,
        Perm.VIEW_AUDIT_TRAIL,
        Perm.ADD_INSPECTION,
        Perm.VIEW_ALL_RESPONSES,
        Perm.VIEW_SERVICE_HEALTH,
    ),
    OPCC_GROUP: (Perm.VIEW_DIRECTORY, Perm.VIEW_ASSOCIATED_MEETING),
    CHIEF_OFFICE_GROUP: (Perm.VIEW_DIRECTORY,),
    APCC_GROUP: (Perm.VIEW_DIRECTORY, Perm.VIEW_ASSOCIATED_MEETING),
    INVESTIGATING_BODY_GROUP: (),
}

ROLE_GROUPS: dict[str, str] = {
    **{role: HMICFRS_GROUP for role in HMICFRS_ROLES},
    **{role: OPCC_GROUP for role in OPCC_ROLES},
    # Fire authority staff work in the governance portal alongside OPCCs.
    **{role: OPCC_GROUP for role in GOVERNING_BODY_ROLES},
    **{role: CHIEF_OFFICE_GROUP for role in CHIEF_OFFICE_ROLES},
    **{role: APCC_GROUP for role in APCC_ROLES},
    **{role: INVESTIGATING_BODY_GROUP for role in INVESTIGATING_BODY_ROLES},
}


@transaction.atomic
def ensure_groups() -> dict[str, Group]:
    """Create the role groups and set exactly their permissions. Safe to run again.

    The permissions are read in one query (the set-up, every reference-data load and the tests run this).
    """
    wanted_perms = {perm for perms in GROUP_PERMISSIONS.values() for perm in perms}
    by_key = {
        (permission.content_type.app_label, permission.codename): permission
        for permission in Permission.objects.filter(
            codename__in={perm.codename for perm in wanted_perms},
            content_type__app_label__in={perm.app_label for perm in wanted_perms},
        ).select_related("content_type")
    }
    groups = {}
    for name, perms in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        # A KeyError names a permission whose migration has not run: better than a group short of it.
        group.permissions.set([by_key[(perm.app_label, perm.codename)] for perm in perms])
        groups[name] = group
    return groups
