"""Standing contact cadences (C1–C3): for each pair, the last meeting and whether one is overdue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Max, OuterRef, Q, Subquery

from contacts.models import (
    AREA_KINDS,
    Governance,
    Meeting,
    MeetingKind,
    Organisation,
    OrganisationKind,
)
from contacts.selectors import AreaRow, areas_governed_by, kinds_acted_for
from hmicfrs_mou.access import holds
from hmicfrs_mou.deadlines import Computed, cadence_next_due
from hmicfrs_mou.permissions import Perm

# The MOU is dated 3 July 2025; a pair that has never met is counted from then.
MOU_DATE = dt.date(2025, 7, 3)


@dataclass(frozen=True)
class Cadence:
    kind: MeetingKind
    rule: str
    months: int
    requirement: str


CADENCES: dict[str, Cadence] = {
    MeetingKind.HMCI_APCC_CHAIR: Cadence(MeetingKind.HMCI_APCC_CHAIR, "C1", 3, "usually quarterly"),
    MeetingKind.COO_APCC_CHIEF_EXECUTIVE: Cadence(
        MeetingKind.COO_APCC_CHIEF_EXECUTIVE, "C1", 3, "regularly (taken as quarterly)"
    ),
    MeetingKind.HMI_PCC_FORMAL: Cadence(MeetingKind.HMI_PCC_FORMAL, "C2", 6, "at least twice a year"),
    MeetingKind.OPCC_LIAISON: Cadence(MeetingKind.OPCC_LIAISON, "C3", 3, "at least once a quarter"),
}


@dataclass(frozen=True)
class CadenceRow:
    cadence: Cadence
    subject: Organisation | None
    label: str
    last_held_on: dt.date | None
    due: Computed
    overdue: bool

    @property
    def kind_label(self) -> str:
        return str(MeetingKind(self.cadence.kind).label)


def _national_pairs() -> list[tuple[Cadence, Organisation | None, str]]:
    return [
        (CADENCES[MeetingKind.HMCI_APCC_CHAIR], None, "HMCI and the APCC chair"),
        (
            CADENCES[MeetingKind.COO_APCC_CHIEF_EXECUTIVE],
            None,
            "Chief operating officer and the APCC chief executive",
        ),
    ]


def _pairs(on: dt.date) -> list[tuple[Cadence, Organisation | None, str]]:
    pairs = _national_pairs()
    governance = (
        Governance.objects.in_force(on)
        .filter(area__kind__in=AREA_KINDS)
        .select_related("area", "body")
        .order_by("area__name")
    )
    governing_bodies = set()
    for row in governance:
        # C2 is between the HMI and the PCC; an FRS has one only where a PFCC or mayor governs it.
        if row.pfcc_provisions_apply:
            pairs.append(
                (CADENCES[MeetingKind.HMI_PCC_FORMAL], row.area, f"HMI and {row.body.name} – {row.area.name}")
            )
            governing_bodies.add(row.body_id)
    offices = Organisation.objects.filter(
        kind=OrganisationKind.OPCC, parent_id__in=governing_bodies
    ).order_by("name")
    for office in offices:
        pairs.append((CADENCES[MeetingKind.OPCC_LIAISON], office, f"Liaison lead and {office.name}"))
    return pairs


Pair = tuple[Cadence, Organisation | None, str]


def _visible_pairs(
    pairs: list[Pair], user: Any, on: dt.date, governing: Mapping[int, int] | None = None
) -> list[Pair]:
    """The pairs the user may see on a day. `governing`: {area id: its governing body's id on the day} for
    areas whose governance the caller has read already (a home page's area rows)."""
    if holds(user, Perm.VIEW_ALL_MEETING):
        return pairs
    if not holds(user, Perm.VIEW_ASSOCIATED_MEETING):
        return []
    acted_for = set(kinds_acted_for(user).items())
    ids = {pk for pk, _ in acted_for}
    national = any(kind == OrganisationKind.APCC for _, kind in acted_for)
    # Which areas the person's bodies govern is asked only when a pair names an area not acted for directly
    # whose governance the caller has not read (the APCC's home lists the national pairs only; an office's
    # home passes the governance of its areas). Only an area can be governed: an office not acted for is
    # not visible through it.
    governing = governing or {}
    governed = {area_id for area_id, body_id in governing.items() if body_id in ids}
    if any(
        subject is not None and subject.pk not in ids and subject.is_area and subject.pk not in governing
        for _, subject, _ in pairs
    ):
        governed |= set(areas_governed_by(ids, on).values_list("area_id", flat=True))
    visible: list[Pair] = []
    for cadence, subject, label in pairs:
        if subject is None:
            if national:
                visible.append((cadence, subject, label))
        elif subject.pk in ids or subject.pk in governed:
            visible.append((cadence, subject, label))
    return visible


def cadence_rows(*, user: Any, on: dt.date) -> list[CadenceRow]:
    """Every standing pair the user may see, with its last meeting and next due date, on a day.

    A fixed number of queries whatever the number of meetings: the governance in
    force, the offices, and one query for every pair's last meeting (_last_held).
    """
    return _rows(_visible_pairs(_pairs(on), user, on), on)


def cadence_rows_of(
    *,
    user: Any,
    on: dt.date,
    areas: Iterable[AreaRow],
    offices: Iterable[Organisation],
    national: bool,
) -> list[CadenceRow]:
    """The standing pairs of these areas (C2) and offices (C3), and the national pairs (C1) if `national`,
    that the user may see on a day: cadence_rows narrowed to what a home page lists, built from the
    governance its area rows (contacts.selectors.area_rows) have already read, so the page does not ask who
    governs every area a second time. The same pairs, labels and visibility as cadence_rows."""
    areas = sorted(areas, key=lambda row: row.area.name)
    pairs = _national_pairs() if national else []
    bodies = set()
    for row in areas:
        if row.governance and row.governance.pfcc_provisions_apply:
            body = row.governance.body
            pairs.append(
                (CADENCES[MeetingKind.HMI_PCC_FORMAL], row.area, f"HMI and {body.name} – {row.area.name}")
            )
            bodies.add(body.pk)
    offices = sorted((o for o in offices if o.kind == OrganisationKind.OPCC), key=lambda office: office.name)
    # An office whose body governs none of the areas above (a liaison lead's office): is its body a PCC's or
    # a PFCC's on the day (as _pairs asks)? One query, and none when every office's body is among the areas'.
    unknown = {office.parent_id for office in offices if office.parent_id not in bodies}
    if unknown:
        for governance in Governance.objects.in_force(on).filter(
            body_id__in=unknown, area__kind__in=AREA_KINDS
        ):
            if governance.pfcc_provisions_apply:
                bodies.add(governance.body_id)
    for office in offices:
        if office.parent_id in bodies:
            pairs.append((CADENCES[MeetingKind.OPCC_LIAISON], office, f"Liaison lead and {office.name}"))
    governing = {row.area.pk: row.governance.body_id for row in areas if row.governance}
    return _rows(_visible_pairs(pairs, user, on, governing), on)


def cadence_rows_for_all(*, on: dt.date) -> list[CadenceRow]:
    """Every standing pair, for the deadline engine (no user: never shown as such)."""
    return _rows(_pairs(on), on)


def _last_held(
    pairs: list[tuple[Cadence, Organisation | None, str]], on: dt.date
) -> dict[tuple[str, int | None], Any]:
    """The day of each pair's last meeting by `on` (None if it has never met), in one query whose cost follows
    the number of pairs, not of meetings: for each pair, the newest row of Meeting's index on (kind, subject,
    held_on), where grouping every meeting ever held would read them all."""

    def newest(kind: str, subject: Any) -> Subquery:
        return Subquery(
            Meeting.objects.filter(kind=kind, subject=subject, held_on__lte=on)
            .order_by("-held_on")
            .values("held_on")[:1]
        )

    national = sorted({cadence.kind.value for cadence, subject, _ in pairs if subject is None})
    local = sorted({cadence.kind.value for cadence, subject, _ in pairs if subject is not None})
    subjects = {subject.pk for _, subject, _ in pairs if subject is not None}
    national_columns = {f"national_{i}": newest(kind, None) for i, kind in enumerate(national)}
    last: dict[tuple[str, int | None], Any] = {}
    if subjects:
        local_columns = {f"local_{i}": newest(kind, OuterRef("pk")) for i, kind in enumerate(local)}
        rows = Organisation.objects.filter(pk__in=subjects).annotate(**local_columns, **national_columns)
        for row in rows.values("pk", *local_columns, *national_columns):
            for i, kind in enumerate(local):
                last[(kind, row["pk"])] = row[f"local_{i}"]
            for i, kind in enumerate(national):
                last[(kind, None)] = row[f"national_{i}"]
    elif national:
        # Only the national pairs (an APCC lead who acts for no area): their meetings, a few a year.
        values = Meeting.objects.filter(subject=None, kind__in=national, held_on__lte=on).aggregate(
            **{f"national_{i}": Max("held_on", filter=Q(kind=kind)) for i, kind in enumerate(national)}
        )
        for i, kind in enumerate(national):
            last[(kind, None)] = values[f"national_{i}"]
    return last


def _rows(pairs: list[tuple[Cadence, Organisation | None, str]], on: dt.date) -> list[CadenceRow]:
    last = _last_held(pairs, on)
    rows = []
    for cadence, subject, label in pairs:
        held = last.get((cadence.kind.value, subject.pk if subject else None))
        if held is None:
            due = cadence_next_due(MOU_DATE, cadence.months, rule=cadence.rule)
            due = Computed(due.value, due.working.replace("Last meeting", "No meeting recorded; MOU dated"))
        else:
            due = cadence_next_due(held, cadence.months, rule=cadence.rule)
        rows.append(CadenceRow(cadence, subject, label, held, due, overdue=on > due.value))
    return rows
