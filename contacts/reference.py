"""Loading the reference data: forces, FRSs, their governing bodies and governance history.

The files are read and checked in full before anything is written; one bad
line stops the load with its file and line named, and the database is left
as it was. Loading the same files again changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from contacts.models import Governance, GovernanceModel, Organisation, OrganisationKind

POLICE_FILE = "police_forces.csv"
FIRE_FILE = "fire_rescue_services.csv"
HISTORY_FILE = "governance_history.csv"

POLICE_COLUMNS = [
    "slug",
    "name",
    "country",
    "governance",
    "governing_body",
    "also_governs_fire",
    "governance_since",
    "verified",
    "notes",
]
FIRE_COLUMNS = [
    "slug",
    "name",
    "governance",
    "governing_body",
    "authority_type",
    "mou_pfcc_provisions_apply",
    "governance_since",
    "verified",
    "notes",
]
HISTORY_COLUMNS = [
    "area_kind",
    "area_slug",
    "governing_body",
    "governance",
    "starts_on",
    "ends_on",
    "verified",
    "source",
]

POLICE_MODELS = {
    "PCC": GovernanceModel.PCC,
    "PFCC": GovernanceModel.PFCC,
    "Mayor": GovernanceModel.MAYOR,
    "City of London Police Authority": GovernanceModel.CITY_OF_LONDON,
}
FIRE_MODELS = {
    "fire authority": GovernanceModel.FIRE_AUTHORITY,
    "PFCC": GovernanceModel.PFCC,
    "mayor": GovernanceModel.MAYOR_FIRE,
    "county council": GovernanceModel.COUNTY_COUNCIL,
}
AREA_KIND = {"police": OrganisationKind.POLICE_FORCE, "fire": OrganisationKind.FIRE_RESCUE_SERVICE}

NATIONAL_BODIES = [
    (
        OrganisationKind.HMICFRS,
        "hmicfrs",
        "His Majesty's Inspectorate of Constabulary and Fire & Rescue Services",
    ),
    (OrganisationKind.APCC, "apcc", "Association of Police and Crime Commissioners"),
    (OrganisationKind.HOME_OFFICE, "home-office", "Home Office"),
    (OrganisationKind.IOPC, "iopc", "Independent Office for Police Conduct"),
    (OrganisationKind.COLLEGE_OF_POLICING, "college-of-policing", "College of Policing"),
]

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class ReferenceDataError(Exception):
    """One or more lines of the reference files are wrong; nothing was loaded."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class AreaRecord:
    kind: str
    slug: str
    name: str
    country: str
    body_name: str
    body_detail: str
    model: str
    since: dt.date | None
    verified: bool
    notes: str
    authority_type: str


@dataclass(frozen=True)
class HistoryRecord:
    kind: str
    area_slug: str
    body_name: str
    body_detail: str
    model: str
    starts_on: dt.date | None
    ends_on: dt.date
    source: str


def split_body(full: str) -> tuple[str, str]:
    """'Mayor of X (Combined Authority; Deputy Mayor)' -> ('Mayor of X', 'Combined Authority; Deputy Mayor')."""
    if " (" in full and full.endswith(")"):
        name, detail = full.split(" (", 1)
        return name.strip(), detail[:-1].strip()
    return full.strip(), ""


def _rows(path: Path, columns: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        handle = path.open(newline="", encoding="utf-8")
    except OSError as error:
        raise ReferenceDataError([f"{path.name}: cannot be read ({error.strerror})."]) from None
    with handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or [name.strip() for name in reader.fieldnames] != columns:
            raise ReferenceDataError(
                [
                    f"{path.name}, line 1: the header must be {','.join(columns)} (found {','.join(reader.fieldnames or [])})."
                ]
            )
        try:
            for row in reader:
                if None in row or any(value is None for value in row.values()):
                    raise ReferenceDataError(
                        [f"{path.name}, line {reader.line_num}: expected {len(columns)} columns."]
                    )
                yield reader.line_num, {key: value.strip() for key, value in row.items()}
        except csv.Error as error:
            raise ReferenceDataError([f"{path.name}, line {reader.line_num}: {error}."]) from None
        except UnicodeDecodeError:
            raise ReferenceDataError([f"{path.name}: is not UTF-8 text."]) from None


def _date(value: str, where: str, column: str, problems: list[str]) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        problems.append(f"{where}: {column} must be a date like 2024-05-07, not {value!r}.")
        return None


def _yes_no(value: str, where: str, column: str, problems: list[str]) -> bool:
    if value not in ("yes", "no"):
        problems.append(f"{where}: {column} must be yes or no, not {value!r}.")
    return value == "yes"


def parse_areas(directory: Path) -> tuple[list[AreaRecord], list[HistoryRecord]]:
    """Read and check all three files; raise ReferenceDataError listing every problem found."""
    problems: list[str] = []
    areas: list[AreaRecord] = []
    seen: set[tuple[str, str]] = set()

    for filename, columns, kind, models in (
        (POLICE_FILE, POLICE_COLUMNS, OrganisationKind.POLICE_FORCE, POLICE_MODELS),
        (FIRE_FILE, FIRE_COLUMNS, OrganisationKind.FIRE_RESCUE_SERVICE, FIRE_MODELS),
    ):
        for line, row in _rows(directory / filename, columns):
            where = f"{filename}, line {line}"
            if not _SLUG.match(row["slug"]):
                problems.append(f"{where}: slug {row['slug']!r} must be lower-case words joined by hyphens.")
            if (kind, row["slug"]) in seen:
                problems.append(f"{where}: slug {row['slug']!r} appears twice.")
            seen.add((kind, row["slug"]))
            if not row["name"]:
                problems.append(f"{where}: name is empty.")
            if not row["governing_body"]:
                problems.append(f"{where}: governing_body is empty.")
            if row["governance"] not in models:
                problems.append(
                    f"{where}: governance {row['governance']!r} is not one of {', '.join(models)}."
                )
            country = row.get("country", "England")
            if kind == OrganisationKind.POLICE_FORCE and country not in ("England", "Wales"):
                problems.append(f"{where}: country must be England or Wales, not {country!r}.")
            if kind == OrganisationKind.FIRE_RESCUE_SERVICE:
                applies = _yes_no(
                    row["mou_pfcc_provisions_apply"], where, "mou_pfcc_provisions_apply", problems
                )
                expected = models.get(row["governance"]) in (GovernanceModel.PFCC, GovernanceModel.MAYOR_FIRE)
                if row["mou_pfcc_provisions_apply"] in ("yes", "no") and applies != expected:
                    problems.append(
                        f"{where}: mou_pfcc_provisions_apply must be {'yes' if expected else 'no'} "
                        f"for governance {row['governance']!r}."
                    )
            since = _date(row["governance_since"], where, "governance_since", problems)
            verified = _yes_no(row["verified"], where, "verified", problems)
            body_name, body_detail = split_body(row["governing_body"])
            areas.append(
                AreaRecord(
                    kind=kind,
                    slug=row["slug"],
                    name=row["name"],
                    country=country,
                    body_name=body_name,
                    body_detail=body_detail,
                    model=models.get(row["governance"], ""),
                    since=since,
                    verified=verified,
                    notes=row["notes"],
                    authority_type=row.get("authority_type", ""),
                )
            )

    history: list[HistoryRecord] = []
    history_path = directory / HISTORY_FILE
    if history_path.exists():
        for line, row in _rows(history_path, HISTORY_COLUMNS):
            where = f"{HISTORY_FILE}, line {line}"
            kind = AREA_KIND.get(row["area_kind"])
            if kind is None:
                problems.append(f"{where}: area_kind must be police or fire, not {row['area_kind']!r}.")
                continue
            if (kind, row["area_slug"]) not in seen:
                problems.append(f"{where}: no {row['area_kind']} area with slug {row['area_slug']!r}.")
            models = POLICE_MODELS if row["area_kind"] == "police" else FIRE_MODELS
            if row["governance"] not in models:
                problems.append(
                    f"{where}: governance {row['governance']!r} is not one of {', '.join(models)}."
                )
            starts_on = _date(row["starts_on"], where, "starts_on", problems)
            ends_on = _date(row["ends_on"], where, "ends_on", problems)
            _yes_no(row["verified"], where, "verified", problems)
            if ends_on is None:
                problems.append(f"{where}: ends_on is required for a past period of governance.")
                continue
            if starts_on and starts_on >= ends_on:
                problems.append(f"{where}: starts_on must be before ends_on.")
            body_name, body_detail = split_body(row["governing_body"])
            history.append(
                HistoryRecord(
                    kind,
                    row["area_slug"],
                    body_name,
                    body_detail,
                    models.get(row["governance"], ""),
                    starts_on,
                    ends_on,
                    row["source"],
                )
            )

    if problems:
        raise ReferenceDataError(problems)
    return areas, history


def _office_name(body_name: str, model: str) -> str:
    if model in (GovernanceModel.PCC, GovernanceModel.PFCC):
        return f"Office of the {body_name}"
    return f"Policing and crime office, {body_name}"


def _panel_name(body_name: str, model: str) -> str | None:
    if model == GovernanceModel.CITY_OF_LONDON:
        return (
            None  # The City's Police Authority Board is scrutinised within the Corporation, not by a panel.
        )
    if body_name.startswith("Mayor's Office for Policing and Crime"):
        return "London Assembly Police and Crime Committee"
    kind = "Police, Fire and Crime Panel" if model == GovernanceModel.PFCC else "Police and Crime Panel"
    if " for " in body_name:
        return f"{body_name.split(' for ', 1)[1]} {kind}"
    return f"{kind}, {body_name}"


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0

    def count(self, created: bool) -> None:
        if created:
            self.created += 1
        else:
            self.updated += 1


def _upsert(kind: str, slug: str, result: LoadResult, **fields: object) -> Organisation:
    organisation = Organisation.objects.filter(kind=kind, slug=slug).first()
    if organisation is None:
        organisation = Organisation(kind=kind, slug=slug, **fields)
        organisation.full_clean()
        organisation.save()
        result.created += 1
        return organisation
    changed = [name for name, value in fields.items() if getattr(organisation, name) != value]
    if changed:
        for name in changed:
            setattr(organisation, name, fields[name])
        organisation.full_clean()
        organisation.save(update_fields=changed)
        result.updated += 1
    return organisation


def _body(name: str, detail: str, model: str, result: LoadResult, authority_type: str = "") -> Organisation:
    body = _upsert(
        OrganisationKind.GOVERNING_BODY,
        slugify(name)[:100],
        result,
        name=name,
    )
    if detail and detail not in body.notes:
        body.notes = f"{body.notes}\n{detail}".strip()
        body.save(update_fields=["notes"])
    if authority_type and not body.authority_type:
        body.authority_type = authority_type
        body.save(update_fields=["authority_type"])
    return body


def _governance(
    area: Organisation,
    body: Organisation,
    model: str,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
    source: str,
    result: LoadResult,
) -> None:
    row = Governance.objects.filter(area=area, starts_on=starts_on).first()
    if row is None:
        row = Governance(
            area=area, body=body, model=model, starts_on=starts_on, ends_on=ends_on, source=source
        )
        row.full_clean()
        row.save()
        result.created += 1
    elif (row.body_id, row.model, row.ends_on, row.source) != (body.pk, model, ends_on, source):
        row.body, row.model, row.ends_on, row.source = body, model, ends_on, source
        row.full_clean()
        row.save()
        result.updated += 1


@transaction.atomic
def load_reference_data(directory: Path) -> LoadResult:
    """Load the directory from the reference files. All or nothing; idempotent."""
    areas, history = parse_areas(directory)
    result = LoadResult()
    for kind, slug, name in NATIONAL_BODIES:
        _upsert(kind, slug, result, name=name, verified=True)

    area_orgs: dict[tuple[str, str], Organisation] = {}
    # Past periods first, so the current period's start never overlaps an open one.
    for record in history:
        area_record = next(a for a in areas if (a.kind, a.slug) == (record.kind, record.area_slug))
        area = _upsert(
            record.kind,
            record.area_slug,
            result,
            name=area_record.name,
            country=area_record.country,
            verified=area_record.verified,
            notes=area_record.notes,
            authority_type="",
        )
        area_orgs[(record.kind, record.area_slug)] = area
        body = _body(record.body_name, record.body_detail, record.model, result)
        if record.model in (
            GovernanceModel.PCC,
            GovernanceModel.PFCC,
            GovernanceModel.MAYOR,
            GovernanceModel.CITY_OF_LONDON,
        ):
            _offices(body, record.model, result)
        _governance(area, body, record.model, record.starts_on, record.ends_on, record.source, result)

    for record in areas:
        area = _upsert(
            record.kind,
            record.slug,
            result,
            name=record.name,
            country=record.country,
            verified=record.verified,
            notes=record.notes,
            authority_type="",
        )
        body = _body(record.body_name, record.body_detail, record.model, result, record.authority_type)
        if record.kind == OrganisationKind.POLICE_FORCE:
            _offices(body, record.model, result)
        source = (
            "Reference data (police_forces.csv)"
            if record.kind == OrganisationKind.POLICE_FORCE
            else "Reference data (fire_rescue_services.csv)"
        )
        _governance(area, body, record.model, record.since, None, source, result)
    return result


def _offices(body: Organisation, model: str, result: LoadResult) -> None:
    """The OPCC (or mayoral equivalent) serving a PCC-equivalent body, and the panel scrutinising it."""
    _upsert(
        OrganisationKind.OPCC,
        f"office-{body.slug}"[:100],
        result,
        name=_office_name(body.name, model),
        parent=body,
    )
    panel = _panel_name(body.name, model)
    if panel:
        _upsert(
            OrganisationKind.PANEL,
            f"panel-{body.slug}"[:100],
            result,
            name=panel,
            parent=body,
            notes="Name derived from the governing body's; check the panel's own title locally.",
        )
