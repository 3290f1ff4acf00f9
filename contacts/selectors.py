"""Read queries for the directory, each a fixed number of queries whatever the data size."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.signals import setting_changed
from django.db import router
from django.db.models import (
    Count,
    F,
    FilteredRelation,
    Prefetch,
    Q,
    QuerySet,
    Window,
    prefetch_related_objects,
)
from django.db.models.functions import RowNumber
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import formats, timezone
from django.utils.translation import get_language, ngettext

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
    in_force_condition,
)
from hmicfrs_mou.access import signed_in
from hmicfrs_mou.compiled import CompiledQuery
from hmicfrs_mou.pagination import first_rows
from hmicfrs_mou.permissions import Perm


@dataclass
class AreaRow:
    area: Organisation
    governance: Governance | None
    hmis: list[User] = field(default_factory=list)
    liaison_leads: list[User] = field(default_factory=list)
    office: Organisation | None = None
    # The governing body's police and crime panel, where `area_rows` was asked for panels.
    panel: Organisation | None = None
    # How many more are in force than `hmis` and `liaison_leads` name (a list shows a few of each).
    hmis_more: int = 0
    liaison_leads_more: int = 0

    # The names as one text, joined here rather than by a {% for %} with a comma between them, which
    # renders a loop's nodes for every name (a list names up to six people in each of the 87 rows).
    @property
    def hmis_names(self) -> str:
        return ", ".join(map(str, self.hmis))

    @property
    def liaison_leads_names(self) -> str:
        return ", ".join(map(str, self.liaison_leads))

    # "and 12 more", in the language of the page being rendered: said here rather than by a {% blocktranslate
    # count %} in the row's template, which costs twice as much (4.1 against 2.4 ms for the directory's 174
    # at ten times the data, when every area has more people than the list names).
    @property
    def hmis_more_text(self) -> str:
        return _and_more(self.hmis_more)

    @property
    def liaison_leads_more_text(self) -> str:
        return _and_more(self.liaison_leads_more)

    @property
    def record_office(self) -> Organisation | None:
        """The office a confidential record about the area belongs to on the row's day: its office, or the
        governing body where it has none in the directory (`contacts.access.office_for_area`)."""
        if self.office is not None:
            return self.office
        return self.governance.body if self.governance else None


def _and_more(count: int) -> str:
    return _and_more_in(get_language(), count)


@functools.lru_cache(maxsize=256)
def _and_more_in(language: str | None, count: int) -> str:
    # The catalogue's words for the template's "and {{ counter }} more" (the same msgid), the number
    # formatted as the template would. Kept per language and number: the words and the formatting are
    # the same every time (8 us a call, for up to 174 calls a page), until a setting changes.
    return ngettext("and %(counter)s more", "and %(counter)s more", count) % {
        "counter": formats.localize(count)
    }


@receiver(setting_changed)
def _forget_said(**kwargs: Any) -> None:
    """A test's changed setting (the language, number formatting) is not answered from the words kept."""
    _and_more_in.cache_clear()


# The directory names this many HMIs and liaison leads of each area at most, and says how many more there
# are: an area has one or two, and a long list would make the page grow with the history of assignments.
PEOPLE_SHOWN = 3


# Forces before fire and rescue services ("police_force" sorts after "fire_rescue_service"), then by name.
AREA_ORDER = ("-kind", "name")


def areas(*, kind: str = "", q: str = "") -> QuerySet[Any]:
    queryset = Organisation.objects.filter(kind__in=AREA_KINDS)
    if kind in AREA_KINDS:
        queryset = queryset.filter(kind=kind)
    if q:
        queryset = queryset.filter(name__icontains=q)
    return queryset.order_by(*AREA_ORDER)


def area_rows(
    area_queryset: QuerySet[Any] | list[Organisation],
    *,
    on: dt.date,
    with_people: bool = True,
    people_shown: int | None = PEOPLE_SHOWN,
    with_panels: bool = False,
) -> list[AreaRow]:
    """Each area with its governance, HMI(s), OPCC and liaison lead(s) in force on a day; at most
    `people_shown` HMIs and liaison leads of each (None: all), the earliest appointed first; with
    `with_panels`, the governing body's police and crime panel too (read with the offices).

    The areas as a queryset (read with their governance joined in, `with_governance_on`), or as a list
    already read (a page that has them from the person's appointments, or from `with_governance_on` for
    the same day), kept in its order."""
    if isinstance(area_queryset, list):
        area_list: list[Any] = area_queryset
    else:
        area_list = with_governance_on(area_queryset, on, panels=with_panels)
    if any(getattr(area, "_governance_day", None) != on for area in area_list):
        prefetch_related_objects(
            area_list,
            Prefetch(
                "governance",
                queryset=Governance.objects.in_force(on).select_related("body"),
                to_attr="governance_now",
            ),
        )
        for area in area_list:
            area.governance_on_day = area.governance_now[0] if area.governance_now else None
    rows = [AreaRow(area, area.governance_on_day) for area in area_list]
    return _complete(rows, on, with_people, people_shown, with_panels)


def with_governance_on(queryset: QuerySet[Any], on: dt.date, *, panels: bool = False) -> list[Organisation]:
    """The organisations of `queryset`, in its order, each with `governance_on_day`: its governance in force
    on the day (with its body), and `office_on_day`: that body's office (with `panels`, `panel_on_day`: its
    police and crime panel too), all joined into the same query; None for one that has none (an office, or
    an area whose governance the directory does not know). `area_rows` takes them as they are for that day.

    One row each: were two periods of an area's governance in force on one day (the services end one as
    the next begins), the earlier is kept, as the governance's own order has it; of two offices (or panels)
    of one body, the first by name, as `office_of_area` takes."""
    relations = {
        "governance_on_day": FilteredRelation("governance", condition=in_force_condition(on, "governance__")),
        # The office and the panel hang from the governance joined above, not from another join of the
        # governance: they are the body's of the period in force that day.
        "office_on_day": FilteredRelation(
            "governance_on_day__body__children",
            condition=Q(governance_on_day__body__children__kind=OrganisationKind.OPCC),
        ),
    }
    if panels:
        relations["panel_on_day"] = FilteredRelation(
            "governance_on_day__body__children",
            condition=Q(governance_on_day__body__children__kind=OrganisationKind.PANEL),
        )
    joined = queryset.annotate(**relations).select_related("governance_on_day__body", *list(relations)[1:])
    order = joined.query.order_by or Organisation._meta.ordering or ()
    joined = joined.order_by(
        *order,
        F("governance_on_day__starts_on").asc(nulls_first=True),
        "office_on_day__name",
        *(["panel_on_day__name"] if panels else []),
    )
    found: dict[int, Organisation] = {}
    for organisation in joined:
        if organisation.pk in found:
            continue
        for name in relations:
            # A relation that joined no row is not set on the instance at all.
            if not hasattr(organisation, name):
                setattr(organisation, name, None)
        organisation._governance_day = on
        organisation._panels_joined = panels
        found[organisation.pk] = organisation
    return list(found.values())


def governed_area_rows(
    bodies: Iterable[Organisation | int] | QuerySet[Any], *, on: dt.date, **options: Any
) -> list[AreaRow]:
    """`area_rows` of the forces and FRSs the bodies govern on a day (forces first, then by name): a
    governing body's office home lists them. The areas with their governance and offices are one query
    (`area_rows` joins them in)."""
    governed = Organisation.objects.filter(pk__in=areas_governed_by(bodies, on)).order_by(*AREA_ORDER)
    return area_rows(governed, on=on, **options)


def _complete(
    rows: list[AreaRow],
    on: dt.date,
    with_people: bool = True,
    people_shown: int | None = PEOPLE_SHOWN,
    with_panels: bool = False,
) -> list[AreaRow]:
    """The rows' offices (and panels), HMIs and liaison leads, for rows that have their governance."""
    body_ids = {row.governance.body_id for row in rows if row.governance}
    # The first of each kind by name, as `office_of_area` takes (a body has one of each).
    offices: dict[int, Organisation] = {}
    panels: dict[int, Organisation] = {}
    if all(_joined_for(row.area, on, with_panels) for row in rows):
        # Read with the areas (`with_governance_on`): no query.
        for row in rows:
            area: Any = row.area  # with its `office_on_day` and `panel_on_day`
            if row.governance and area.office_on_day is not None:
                offices.setdefault(row.governance.body_id, area.office_on_day)
            if row.governance and with_panels and area.panel_on_day is not None:
                panels.setdefault(row.governance.body_id, area.panel_on_day)
    elif body_ids:
        kinds = [OrganisationKind.OPCC, *([OrganisationKind.PANEL] if with_panels else [])]
        for organisation in Organisation.objects.filter(kind__in=kinds, parent_id__in=body_ids):
            found = offices if organisation.kind == OrganisationKind.OPCC else panels
            found.setdefault(organisation.parent_id, organisation)
    if with_people:
        hmis, leads = _people_of(rows, list(offices.values()), on, people_shown)
    for row in rows:
        if row.governance:
            row.office = offices.get(row.governance.body_id)
            row.panel = panels.get(row.governance.body_id)
        if with_people:
            row.hmis, row.hmis_more = hmis.get(row.area.pk, ([], 0))
            if row.office:
                row.liaison_leads, row.liaison_leads_more = leads.get(row.office.pk, ([], 0))
    return rows


def _joined_for(area: Organisation, on: dt.date, with_panels: bool) -> bool:
    """Whether `with_governance_on` read the area's office (and its panel, where wanted) for the day."""
    return getattr(area, "_governance_day", None) == on and (
        not with_panels or getattr(area, "_panels_joined", False)
    )


def _people_of(
    rows: list[AreaRow], offices: list[Organisation], on: dt.date, shown: int | None
) -> tuple[dict[int, tuple[list[User], int]], dict[int, tuple[list[User], int]]]:
    """The areas' HMIs and the offices' liaison leads in force, at most `shown` of each with how many more:
    two queries (the assignments, ranked within each area by the database; then the people named).

    Not one query with the people joined in: the join then runs inside the ranking, on every assignment in
    force rather than on the few named, and the directory took 53.8 ms instead of 48.6 ms at ten times the
    data (make bench, PostgreSQL, 2026-12-02). Nor with the first few chosen in a subquery and only those
    joined to their people (each counting its area's assignments): one query, but at ten times the data
    the directory's people took 32–41 ms that way against 15–26 ms in two queries, and six areas' people
    11.5–14 ms against 7.5–11 ms, the larger query costing more to build and read than the second round
    trip (same process, same database, alternately, 2026-12-02)."""
    partition = [F("kind"), F("subject_id")]
    assignments = (
        Assignment.objects.in_force(on)
        .filter(
            Q(kind=AssignmentKind.HMI, subject__in=[row.area for row in rows])
            | Q(kind=AssignmentKind.LIAISON_LEAD, subject__in=offices)
        )
        .annotate(
            position=Window(
                RowNumber(),
                partition_by=partition,
                order_by=[F("starts_on").asc(nulls_first=True), F("pk").asc()],
            ),
            of=Window(Count("pk"), partition_by=partition),
        )
        .order_by("position")
    )
    if shown is not None:
        assignments = assignments.filter(position__lte=shown)
    ranked = list(assignments.values_list("kind", "subject_id", "person_id", "of"))
    # Only what a name needs (User.__str__): the rows are shown, never saved.
    people = User.objects.only("first_name", "last_name", "username").in_bulk(
        {person_id for _, _, person_id, _ in ranked}
    )
    hmis: dict[int, tuple[list[User], int]] = {}
    leads: dict[int, tuple[list[User], int]] = {}
    for kind, subject_id, person_id, of in ranked:
        found = hmis if kind == AssignmentKind.HMI else leads
        named, _ = found.get(subject_id, ([], 0))
        named.append(people[person_id])
        found[subject_id] = (named, of - len(named))
    return hmis, leads


# An area's page lists this many of its past HMIs (newest first) and of its people, and says how many
# more there are: the page costs the same however long the history.
HMI_HISTORY_SHOWN = 10
CONTACTS_SHOWN = 50
# An area's own page names more of its HMIs and liaison leads in force than the directory's row does, not
# every one: a list the page reads and renders in full would grow with the records, however few there are.
AREA_PEOPLE_SHOWN = 10


@dataclass
class AreaDetail:
    row: AreaRow
    history: list[Governance]
    hmi_history: list[Assignment]
    panel: Organisation | None
    contacts: list[Appointment]
    hmi_history_total: int = 0
    contacts_total: int = 0

    @property
    def hmi_history_more(self) -> int:
        return self.hmi_history_total - len(self.hmi_history)

    @property
    def contacts_more(self) -> int:
        return self.contacts_total - len(self.contacts)


def area_detail(area: Organisation, *, on: dt.date) -> AreaDetail:
    row = area_rows([area], on=on, people_shown=AREA_PEOPLE_SHOWN, with_panels=True)[0]
    history = list(Governance.objects.filter(area=area).select_related("body").order_by("-starts_on"))
    hmi_history, hmi_total, _ = first_rows(
        Assignment.objects.filter(kind=AssignmentKind.HMI, subject=area).select_related("person"),
        "-starts_on",
        "-pk",
        limit=HMI_HISTORY_SHOWN,
    )
    panel = row.panel
    org_ids = [area.pk] + ([row.office.pk] if row.office else [])
    contacts, contacts_total, _ = first_rows(
        Appointment.objects.in_force(on)
        .filter(Q(organisation_id__in=org_ids), person__is_active=True)
        .select_related("person", "organisation"),
        "organisation__kind",
        "role",
        "person__last_name",
        "pk",
        limit=CONTACTS_SHOWN,
    )
    return AreaDetail(
        row, history, hmi_history, panel, contacts, hmi_history_total=hmi_total, contacts_total=contacts_total
    )


# --- One home for each question the apps ask of the directory -------------------------------------
#
# Who governs an area, which office speaks for it and who acts for an organisation are always asked
# for a day: governance changes (mayors took on PCC functions in 2024; PCCs are to be abolished in
# 2028), and so do appointments. Every app asks here; none queries Governance or the grants itself.


def governance_of_area(area: Organisation, on: dt.date) -> Governance | None:
    """The period of governance of a force or FRS in force on a day (body and model), or None."""
    return Governance.objects.in_force(on).filter(area=area).select_related("body").first()


def governing_body_of_area(area: Organisation, on: dt.date) -> Organisation | None:
    """The governing body (PCC, PFCC, mayor, fire authority) of a force or FRS on a day, or None."""
    governance = governance_of_area(area, on)
    return governance.body if governance else None


def office_of_area(area: Organisation, on: dt.date) -> Organisation | None:
    """The office (OPCC or equivalent) of whoever governs the force or FRS on a day, or None.

    A fire authority or county council has no office in the directory: None for its FRSs.
    """
    governance = Governance.objects.in_force(on).filter(area=area).only("body_id").first()
    if governance is None:
        return None
    return Organisation.objects.filter(kind=OrganisationKind.OPCC, parent_id=governance.body_id).first()


def _bodies_governing(areas: Iterable[Organisation | int] | QuerySet[Any], on: dt.date) -> QuerySet[Any]:
    return Governance.objects.in_force(on).filter(area_id__in=_ids(areas)).values("body_id")


def governing_bodies_of_areas(
    areas: Iterable[Organisation | int] | QuerySet[Any], on: dt.date
) -> QuerySet[Any]:
    """The bodies governing any of the areas on a day: `governing_body_of_area` for many areas at once,
    as one query that can also stand inside another (`areas` may be ids, or a queryset of them)."""
    return Organisation.objects.filter(pk__in=_bodies_governing(areas, on))


def offices_of_areas(areas: Iterable[Organisation | int] | QuerySet[Any], on: dt.date) -> QuerySet[Any]:
    """The offices of whoever governs any of the areas on a day: `office_of_area` for many areas at
    once, as one query that can also stand inside another (`areas` may be ids, or a queryset of them)."""
    return Organisation.objects.filter(kind=OrganisationKind.OPCC, parent_id__in=_bodies_governing(areas, on))


def offices_by_area(areas: Iterable[Organisation], on: dt.date) -> dict[int, Organisation]:
    """{area id: its office on the day} for the areas that have one; two queries however many areas."""
    governing = dict(
        Governance.objects.in_force(on)
        .filter(area_id__in=[area.pk for area in areas])
        .values_list("area_id", "body_id")
    )
    offices = {
        office.parent_id: office
        for office in Organisation.objects.filter(
            kind=OrganisationKind.OPCC, parent_id__in=governing.values()
        )
    }
    return {area_id: offices[body_id] for area_id, body_id in governing.items() if body_id in offices}


def areas_governed_by(
    bodies: Iterable[Organisation | int] | QuerySet[Any], on: dt.date, *, kind: str = ""
) -> QuerySet[Any]:
    """Ids (`area_id`) of the forces and FRSs (of one kind, if given) governed on a day by any of the
    bodies: the question turned round, as a subquery."""
    governance = Governance.objects.in_force(on).filter(body_id__in=_ids(bodies))
    if kind:
        governance = governance.filter(area__kind=kind)
    return governance.values("area_id")


def _ids(organisations: Iterable[Organisation | int] | QuerySet[Any]) -> Any:
    """Organisations (or their ids) as something `__in` takes: a queryset as it is, a subquery."""
    if isinstance(organisations, QuerySet):
        return organisations
    return [getattr(organisation, "pk", organisation) for organisation in organisations]


def _act_grants() -> QuerySet[Any]:
    return OrganisationUserObjectPermission.objects.filter(
        permission__codename=Perm.ACT_FOR_ORGANISATION.codename,
        permission__content_type__app_label=Perm.ACT_FOR_ORGANISATION.app_label,
    )


def organisations_acted_for(user: Any) -> QuerySet[Any]:
    """The organisations the user acts for: those on which they hold the direct grant (none for a
    visitor or an inactive account; never from superuser status).

    Only direct grants count, here and in `acts_for_any` and `people_acting_for`. The grant is made
    and taken away by contacts.services.access_sync from the person's appointments in force, as a
    direct user grant; that is the only way the portal grants it. A group object permission on an
    organisation is never made by the portal (its admin is read-only): it would carry no dates and
    no appointment in the directory to explain it, so counting it would let someone act for an
    organisation the directory says they do not work for. The three functions read the same table,
    so "who acts for it" and "what does this person act for" cannot disagree (they once did: the
    factual-accuracy page counted group grants, the notices did not).
    """
    if not signed_in(user):
        return Organisation.objects.none()
    return organisations_acted_for_by_id(user.pk)


def organisations_acted_for_by_id(user_id: int) -> QuerySet[Any]:
    """`organisations_acted_for` of the person with this id, for a caller that has checked they are signed in
    and active (inspections' scope, whose query is compiled once with the id as a parameter)."""
    return Organisation.objects.filter(
        pk__in=_act_grants().filter(user_id=user_id).values("content_object_id")
    )


def kinds_acted_for(user: Any) -> dict[int, str]:
    """The organisations the user acts for as {id: kind}, read once per request.

    Kept on the user object, as their appointments are: a page asks "does this person act for the APCC?"
    and "which of these does the person act for?" several times, and one read answers all of them.
    """
    if not signed_in(user):
        return {}
    kept: tuple[int, dict[int, str]] | None = getattr(user, "_kinds_acted_for", None)
    if kept is None or kept[0] != _appointments_generation:
        kept = (_appointments_generation, dict(organisations_acted_for(user).values_list("pk", "kind")))
        user._kinds_acted_for = kept
    return kept[1]


def keep_kinds_acted_for(user: Any, kinds: dict[int, str]) -> None:
    """Keep what a caller read with the same grants (`organisations_acted_for` with its kinds) as this
    request's answer to `kinds_acted_for`; inspections' scope reads them in its own query."""
    if signed_in(user):
        user._kinds_acted_for = (_appointments_generation, dict(kinds))


def acts_for_any(user: Any, organisations: Iterable[Organisation] | QuerySet[Any]) -> bool:
    """Whether the user acts for at least one of the organisations (direct grants only, as
    `organisations_acted_for` explains)."""
    if not signed_in(user):
        return False
    return _act_grants().filter(user=user, content_object_id__in=_ids(organisations)).exists()


def people_acting_for(organisations: Iterable[Organisation] | QuerySet[Any]) -> list[User]:
    """Active people acting for any of the organisations (direct grants only, as
    `organisations_acted_for` explains)."""
    ids = _act_grants().filter(content_object_id__in=_ids(organisations)).values("user_id")
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


def assigned_to(kind: str, subject: Organisation, on: dt.date) -> list[User]:
    """The active people assigned to a subject on a day: its HMI(s), or an OPCC's liaison lead(s)."""
    return [
        assignment.person
        for assignment in Assignment.objects.in_force(on)
        .filter(kind=kind, subject=subject, person__is_active=True)
        .select_related("person")
    ]


def hmis_for_area(area: Organisation, on: dt.date) -> list[User]:
    """The HMI(s) assigned to a force or FRS on a day."""
    return assigned_to(AssignmentKind.HMI, area, on)


# Bumped by every write to an appointment, an organisation or an act-for grant, so the appointments and the
# kinds acted for kept on a user object are never used after they change (a service that appoints someone,
# which grants them their organisations, and then asks what they hold or act for).
_appointments_generation = 0


def appointments_in_force(user: Any, on: dt.date) -> list[Appointment]:
    """The person's appointments in force on a day, with their organisations, earliest first.

    Kept on the user object (one per request) for each day asked about: the navigation, the portal
    check and every actor or visibility check of a page ask the same question, and read it once.
    """
    if not signed_in(user):
        return []
    kept: tuple[int, dict[dt.date, list[Appointment]]] | None = getattr(user, "_appointments_in_force", None)
    if kept is None or kept[0] != _appointments_generation:
        kept = (_appointments_generation, {})
        user._appointments_in_force = kept
    rows = kept[1].get(on)
    if rows is None:
        rows = _APPOINTMENTS.objects(router.db_for_read(Appointment), person_id=user.pk, on=on)
        kept[1][on] = rows
    return rows


def _appointments_of(person_id: int, on: dt.date) -> QuerySet[Appointment]:
    return (
        Appointment.objects.in_force(on)
        .filter(person_id=person_id)
        .select_related("organisation", "organisation__parent")
        .order_by("starts_on", "pk")
    )


# Asked on every signed-in page (the navigation, the portal check, every actor check): compiled once per
# database, as building and compiling its joins cost more than running it (hmicfrs_mou/compiled.py).
_APPOINTMENTS = CompiledQuery(_appointments_of, person_id=int, on=dt.date)


def _forget_appointments(**kwargs: Any) -> None:
    global _appointments_generation
    _appointments_generation += 1


for _model in (Appointment, Organisation, OrganisationUserObjectPermission):
    post_save.connect(
        _forget_appointments, sender=_model, dispatch_uid=f"contacts.selectors.appointments.{_model.__name__}"
    )
    post_delete.connect(
        _forget_appointments,
        sender=_model,
        dispatch_uid=f"contacts.selectors.appointments.delete.{_model.__name__}",
    )


def roles_held(user: object, on: dt.date) -> frozenset[str]:
    """The roles a person holds on a day (from their appointments in force), for actor checks."""
    return frozenset(appointment.role for appointment in appointments_in_force(user, on))


def is_hmicfrs_staff(user: Any, on: dt.date | None = None) -> bool:
    """Whether the person holds an appointment in HMICFRS (any role) on a day, today by default.

    The role is named here rather than borrowed from a permission (it was `view_all_meeting`, which
    means "sees every meeting"), and it is read from the dated appointments rather than from the
    HMICFRS group: the group is the signed-in person's permissions as the last access_sync left them,
    while this is also asked of other people (the staff named to read a disclosure in confidence, I5)
    and for the moment a visibility question is asked about, which only the appointments answer.
    """
    return any(
        appointment.organisation.kind == OrganisationKind.HMICFRS
        for appointment in appointments_in_force(user, on or timezone.localdate())
    )
