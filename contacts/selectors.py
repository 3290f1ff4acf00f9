"""Read queries for the directory, each a fixed number of queries whatever the data size."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
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
    OrganisationUserObjectPermission,
    User,
)
from hmicfrs_mou.permissions import Perm


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


# --- Who speaks for an area, and who acts for an organisation: one home for each question ------


def office_of_area(area: Organisation, on: dt.date) -> Organisation | None:
    """The office (OPCC or equivalent) of whoever governs the force or FRS on a day, or None."""
    governance = Governance.objects.in_force(on).filter(area=area).only("body_id").first()
    if governance is None:
        return None
    return Organisation.objects.filter(kind=OrganisationKind.OPCC, parent_id=governance.body_id).first()


def governing_body_of_area(area: Organisation, on: dt.date) -> Organisation | None:
    """The governing body (PCC, PFCC, mayor, fire authority) of a force or FRS on a day, or None."""
    governance = Governance.objects.in_force(on).filter(area=area).select_related("body").first()
    return governance.body if governance else None


def people_acting_for(organisations: Iterable[Organisation]) -> list[User]:
    """Active people holding the direct grant to act for any of the organisations (from their appointments)."""
    ids = OrganisationUserObjectPermission.objects.filter(
        content_object__in=list(organisations), permission__codename=Perm.ACT_FOR_ORGANISATION.codename
    ).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True))


def holders_of(
    roles: Iterable[str], on: dt.date, organisations: Iterable[Organisation] | None = None
) -> list[User]:
    """Active people appointed to any of the roles on a day (in the organisations, if given)."""
    appointments = Appointment.objects.in_force(on).filter(role__in=list(roles), person__is_active=True)
    if organisations is not None:
        appointments = appointments.filter(organisation__in=list(organisations))
    seen: dict[int, User] = {}
    for appointment in appointments.select_related("person").order_by("person_id"):
        seen.setdefault(appointment.person_id, appointment.person)
    return list(seen.values())


def hmis_for_area(area: Organisation, on: dt.date) -> list[User]:
    """The HMI(s) assigned to a force or FRS on a day."""
    return [
        a.person
        for a in Assignment.objects.in_force(on)
        .filter(kind=AssignmentKind.HMI, subject=area, person__is_active=True)
        .select_related("person")
    ]


def roles_held(user: object, on: dt.date) -> frozenset[str]:
    """The roles a person holds on a day (from their appointments in force), for actor checks."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return frozenset()
    return frozenset(
        Appointment.objects.in_force(on).filter(person=user).values_list("role", flat=True).distinct()
    )
