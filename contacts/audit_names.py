"""The directory's records named on the audit trail (hmicfrs_mou.audit_names), for readers who may open them.

Visibility is contacts.access's; one query per object type, whatever the number of rows on the page. A
confidential record (C4, C5, L1, L2) is named by its kind and the area, never by what it says.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from django.db import models
from django.urls import reverse

from contacts.access import confidential_visible_to
from contacts.models import (
    AREA_KINDS,
    ChiefOfficerRecruitment,
    ConductMatter,
    Meeting,
    Organisation,
    PanelInvitation,
    SharedFindings,
    User,
)
from hmicfrs_mou.access import holds
from hmicfrs_mou.audit_names import Namer, RecordName, audit_names, int_ids
from hmicfrs_mou.permissions import Perm


def meeting_names(reader: object, ids: Collection[str], at: dt.datetime) -> dict[str, RecordName]:
    meetings = Meeting.objects.visible_to(reader, at).filter(pk__in=int_ids(ids)).select_related("subject")
    return {
        str(meeting.pk): RecordName(f"Meeting: {meeting}", reverse("contacts:meeting", args=[meeting.pk]))
        for meeting in meetings
    }


def person_names(reader: object, ids: Collection[str], at: dt.datetime) -> dict[str, RecordName]:
    """People by name: whoever reads the trail already reads every actor's name on it. No page to open."""
    people = User.objects.filter(pk__in=int_ids(ids)).only("pk", "first_name", "last_name", "username")
    return {str(person.pk): RecordName(f"Person: {person}") for person in people}


def organisation_names(reader: object, ids: Collection[str], at: dt.datetime) -> dict[str, RecordName]:
    """Organisations by name; a force's or FRS's directory page for those who may read the directory."""
    directory = holds(reader, Perm.VIEW_DIRECTORY)
    organisations = Organisation.objects.filter(pk__in=int_ids(ids)).only("pk", "name", "kind", "slug")
    return {
        str(organisation.pk): RecordName(
            f"Organisation: {organisation.name}",
            organisation.get_absolute_url() if directory and organisation.kind in AREA_KINDS else "",
        )
        for organisation in organisations
    }


def _confidential(model: type[models.Model], noun: str, url_name: str) -> Namer:
    def names(reader: object, ids: Collection[str], at: dt.datetime) -> dict[str, RecordName]:
        records: Any = confidential_visible_to(model._default_manager.all(), reader, at)
        return {
            str(record.pk): RecordName(
                f"{noun}: {record.area}", reverse(f"contacts:{url_name}", args=[record.pk])
            )
            for record in records.filter(pk__in=int_ids(ids)).select_related("area")
        }

    return names


audit_names.register("contacts.meeting", "Meeting", meeting_names)
audit_names.register("contacts.user", "Person", person_names)
audit_names.register("contacts.organisation", "Organisation", organisation_names)
for _model, _noun, _url_name in (
    (SharedFindings, "Findings shared in confidence", "shared-findings"),
    (PanelInvitation, "Panel invitation", "panel-invitation"),
    (ChiefOfficerRecruitment, "Chief officer recruitment", "recruitment"),
    (ConductMatter, "Conduct matter", "conduct-matter"),
):
    audit_names.register(_model._meta.label_lower, _noun, _confidential(_model, _noun, _url_name))
