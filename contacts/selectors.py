"""Read queries for the directory, each a fixed number of queries whatever the data size."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet

from contacts.models import (
    AREA_KINDS,
    Appointment,
    Assignment,
    AssignmentKind,
    Governance,
    Organisation,
    OrganisationKind,
    User,
)


@dataclass
class AreaRow:
    area: Organisation
    governance: Governance | None
    hmis: list[User] = field(default_factory=list)
    liaison_leads: list[User] = field(default_factory=list)
    office: Organisation | None = None


# Forces before fire and rescue services ("police_force" sorts after "fire_rescue_service"), then by name.
AREA_ORDER = ("-kind", "name")


def areas(*, kind: str = "", q: str = "") -> QuerySet:
    queryset = Organisation.objects.filter(kind__in=AREA_KINDS)
    if kind in AREA_KINDS:
        queryset = queryset.filter(kind=kind)
    if q:
        queryset = queryset.filter(name__icontains=q)
    return queryset.order_by(*AREA_ORDER)


def area_rows(area_queryset: QuerySet, *, on: dt.date, with_people: bool = True) -> list[AreaRow]:
    """Each area with its governance, HMI(s), OPCC and liaison lead(s) in force on a day."""
    area_list = list(
        area_queryset.prefetch_related(
            Prefetch(
                "governance",
                queryset=Governance.objects.in_force(on).select_related("body"),
                to_attr="governance_now",
            ),
        )
    )
    rows = [AreaRow(area, area.governance_now[0] if area.governance_now else None) for area in area_list]
    body_ids = {row.governance.body_id for row in rows if row.governance}
    offices = {
        office.parent_id: office
        for office in Organisation.objects.filter(kind=OrganisationKind.OPCC, parent_id__in=body_ids)
    }
    if with_people:
        hmis: dict[int, list[User]] = defaultdict(list)
        for assignment in (
            Assignment.objects.in_force(on)
            .filter(kind=AssignmentKind.HMI, subject__in=[row.area for row in rows])
            .select_related("person")
        ):
            hmis[assignment.subject_id].append(assignment.person)
        leads: dict[int, list[User]] = defaultdict(list)
        for assignment in (
            Assignment.objects.in_force(on)
            .filter(kind=AssignmentKind.LIAISON_LEAD, subject__in=list(offices.values()))
            .select_related("person")
        ):
            leads[assignment.subject_id].append(assignment.person)
    for row in rows:
        if row.governance:
            row.office = offices.get(row.governance.body_id)
        if with_people:
            row.hmis = hmis.get(row.area.pk, [])
            if row.office:
                row.liaison_leads = leads.get(row.office.pk, [])
    return rows


@dataclass
class AreaDetail:
    row: AreaRow
    history: list[Governance]
    hmi_history: list[Assignment]
    panel: Organisation | None
    contacts: list[Appointment]


def area_detail(area: Organisation, *, on: dt.date) -> AreaDetail:
    row = area_rows(Organisation.objects.filter(pk=area.pk), on=on)[0]
    history = list(Governance.objects.filter(area=area).select_related("body").order_by("-starts_on"))
    hmi_history = list(
        Assignment.objects.filter(kind=AssignmentKind.HMI, subject=area)
        .select_related("person")
        .order_by("-starts_on")
    )
    panel = None
    if row.governance:
        panel = Organisation.objects.filter(kind=OrganisationKind.PANEL, parent=row.governance.body).first()
    org_ids = [area.pk] + ([row.office.pk] if row.office else [])
    contacts = list(
        Appointment.objects.in_force(on)
        .filter(Q(organisation_id__in=org_ids), person__is_active=True)
        .select_related("person", "organisation")
        .order_by("organisation__kind", "role", "person__last_name")
    )
    return AreaDetail(row, history, hmi_history, panel, contacts)
