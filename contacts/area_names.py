"""How a list names the forces and fire and rescue services each of its rows covers (an inspection's areas).

A thematic inspection covers every force in England and Wales, or every service. Listed name by name, the
chief's office's "inspections in my area" read and printed hundreds of names a page (20 inspections of up
to 43 areas each: 476 rows read a request at ten times the data, a quarter of the page's time) in cells
nobody reads to the end. A row of a few areas still names them all; a wider one says how many of each kind
and names the reader's own among them ("43 police forces, including Kent Police"). The record's own page
lists every area.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext, ngettext

from contacts.models import OrganisationKind
from hmicfrs_mou.wording import and_join, fire_services, police_forces

# A row names every area up to this many; past it, the counts and the reader's own.
NAMED_IN_FULL = 4


def _counted(forces: int, services: int, others: int) -> str:
    parts = []
    if forces:
        parts.append(police_forces(forces))
    if services:
        parts.append(fire_services(services))
    if others:
        parts.append(ngettext("%(count)s other body", "%(count)s other bodies", others) % {"count": others})
    return and_join(parts)


def describe(areas: list[tuple[int, str, str]], own: Collection[int]) -> str:
    """`areas` as (id, kind, name), in the order to name them: every name when there are few, else the
    counts by kind and the reader's own (`own`, organisation ids) among them."""
    if len(areas) <= NAMED_IN_FULL:
        return ", ".join(name for _, _, name in areas)
    kinds = [kind for _, kind, _ in areas]
    forces = kinds.count(OrganisationKind.POLICE_FORCE)
    services = kinds.count(OrganisationKind.FIRE_RESCUE_SERVICE)
    counted = _counted(forces, services, len(areas) - forces - services)
    mine = [name for pk, _, name in areas if pk in own]
    if not mine:
        return counted
    return gettext("%(counted)s, including %(own)s") % {"counted": counted, "own": and_join(mine)}


def areas_of(
    through: type[Model], parent: str, parent_ids: Iterable[Any]
) -> dict[Any, list[tuple[int, str, str]]]:
    """The areas of each row of a list, by the row's id, as (id, kind, name) in name order, for `describe`:
    one query over the many-to-many `through` table (`parent` names its column for the row), reading ids,
    kinds and names, never an Organisation object."""
    rows: dict[Any, list[tuple[int, str, str]]] = defaultdict(list)
    for parent_id, pk, kind, name in (
        through._default_manager.filter(**{f"{parent}_id__in": list(parent_ids)})
        .order_by("organisation__name", "organisation_id")
        .values_list(f"{parent}_id", "organisation_id", "organisation__kind", "organisation__name")
    ):
        rows[parent_id].append((pk, kind, name))
    return rows
