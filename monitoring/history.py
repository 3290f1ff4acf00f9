"""Loading the public history of Engage (M2, M10: "the history is kept").

`engage_history.csv` lists the police forces publicly reported as entering (and
leaving) Engage since 2019, with each date at the precision its source gives: a
year ("2019"), a month ("2023-09") or a day ("2024-12-06"). Each line becomes a
historical EngageCase with its EngagePeriod, so "who was in Engage on 1 March
2025?" is answered by `EngagePeriod.objects.in_force(date)` for the past as for
cases worked in the portal.

As for the directory's reference data (contacts.reference), the whole file is
read and checked before anything is written; one bad line stops the load with
the file and line named, and the database is left as it was. Loading the same
file again changes nothing. This is reference data, not a step of a case: the
services, which check who is acting, are not called. An exit decided later in
the portal (a case with `exited_by`) is never undone by a reload.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from contacts.models import Organisation, OrganisationKind
from hmicfrs_mou.deadlines import LONDON
from monitoring.models import DatePrecision, EngageCase, EngagePeriod, date_label
from monitoring.services import engage_chart_refresh

HISTORY_FILE = "engage_history.csv"
DEFAULT_PATH = Path(settings.BASE_DIR) / "monitoring" / "reference_data" / HISTORY_FILE
COLUMNS = ["force_slug", "entered", "left", "precision", "source", "verified", "notes"]
VERIFIED = ("yes", "partial", "no")
LOADED = "Loaded from public sources"
# The person recorded as advising on a case loaded from history: no one in the portal did.
HISTORY_USERNAME = "public-records"

_FORMATS = (
    (re.compile(r"^\d{4}$"), DatePrecision.YEAR),
    (re.compile(r"^\d{4}-\d{2}$"), DatePrecision.MONTH),
    (re.compile(r"^\d{4}-\d{2}-\d{2}$"), DatePrecision.DAY),
)
SOURCE_MAX = EngageCase._meta.get_field("source").max_length


class EngageHistoryError(Exception):
    """One or more lines of the history file are wrong; nothing was loaded."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class HistoryRecord:
    line: int
    where: str
    slug: str
    starts_on: dt.date
    starts_precision: str
    ends_on: dt.date | None
    ends_precision: str
    source: str


@dataclass
class HistoryLoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged


def parse_date(value: str) -> tuple[dt.date, str] | None:
    """'2019' -> 1 January 2019 (year); '2023-09' -> 1 September 2023 (month); '2024-12-06' (day)."""
    for pattern, precision in _FORMATS:
        if pattern.match(value):
            parts = [int(p) for p in value.split("-")] + [1, 1]
            try:
                return dt.date(parts[0], parts[1], parts[2]), precision
            except ValueError:
                return None
    return None


def start_of_day(day: dt.date) -> dt.datetime:
    """The first instant of a London day."""
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=LONDON)


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    name = path.name
    try:
        handle = path.open(newline="", encoding="utf-8")
    except OSError as error:
        raise EngageHistoryError([f"{name}: cannot be read ({error.strerror})."]) from None
    with handle:
        reader = csv.DictReader(handle)
        try:
            if reader.fieldnames is None or [f.strip() for f in reader.fieldnames] != COLUMNS:
                raise EngageHistoryError(
                    [
                        f"{name}, line 1: the header must be {','.join(COLUMNS)} "
                        f"(found {','.join(reader.fieldnames or [])})."
                    ]
                )
            for row in reader:
                if None in row or any(value is None for value in row.values()):
                    raise EngageHistoryError(
                        [f"{name}, line {reader.line_num}: expected {len(COLUMNS)} columns."]
                    )
                yield reader.line_num, {key.strip(): value.strip() for key, value in row.items()}
        except csv.Error as error:
            raise EngageHistoryError([f"{name}, line {reader.line_num}: {error}."]) from None
        except UnicodeDecodeError:
            raise EngageHistoryError([f"{name}: is not UTF-8 text."]) from None


def _precisions(value: str, where: str, problems: list[str]) -> list[str]:
    """'year / month' -> [year, month]; 'day' -> [day] (the entry's only)."""
    parts = [part.strip() for part in value.split("/")]
    allowed = [choice.value for choice in DatePrecision]
    if not value or len(parts) > 2 or any(part not in allowed for part in parts):
        problems.append(
            f"{where}: precision must be one of {', '.join(allowed)} for the entry, optionally followed by "
            f"' / ' and one for the exit (like 'year / month'), not {value!r}."
        )
        return []
    return parts


def parse_history(path: Path) -> list[HistoryRecord]:
    """Read and check every line of the file; raise EngageHistoryError listing every problem found."""
    problems: list[str] = []
    records: list[HistoryRecord] = []
    for line, row in _rows(path):
        where = f"{path.name}, line {line}"
        slug = row["force_slug"]
        if not re.match(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", slug):
            problems.append(f"{where}: force_slug {slug!r} must be lower-case words joined by hyphens.")
        entered = parse_date(row["entered"])
        if entered is None:
            problems.append(
                f"{where}: entered must be a date like 2024-03-11, a month like 2023-09 or a year like 2019, "
                f"not {row['entered']!r}."
            )
        left = parse_date(row["left"]) if row["left"] else None
        if row["left"] and left is None:
            problems.append(
                f"{where}: left must be empty, a date like 2025-01-23, a month like 2023-09 or a year, "
                f"not {row['left']!r}."
            )
        precisions = _precisions(row["precision"], where, problems)
        if precisions and entered and precisions[0] != entered[1]:
            problems.append(
                f"{where}: precision says the entry is known to the {precisions[0]}, "
                f"but entered {row['entered']!r} is given to the {entered[1]}."
            )
        if len(precisions) == 2 and not row["left"]:
            problems.append(f"{where}: precision gives one for the exit, but left is empty.")
        if len(precisions) == 2 and left and precisions[1] != left[1]:
            problems.append(
                f"{where}: precision says the exit is known to the {precisions[1]}, "
                f"but left {row['left']!r} is given to the {left[1]}."
            )
        if entered and left and left[0] <= entered[0]:
            problems.append(f"{where}: left must be after entered.")
        if row["verified"] not in VERIFIED:
            problems.append(
                f"{where}: verified must be one of {', '.join(VERIFIED)}, not {row['verified']!r}."
            )
        if not row["source"]:
            problems.append(f"{where}: source is empty: say where the dates come from.")
        source = row["source"] + (f"; {row['notes']}" if row["notes"] else "")
        if len(source) > SOURCE_MAX:
            problems.append(f"{where}: source and notes together are longer than {SOURCE_MAX} characters.")
        if entered is None or (row["left"] and left is None):
            continue
        records.append(
            HistoryRecord(
                line=line,
                where=where,
                slug=slug,
                starts_on=entered[0],
                starts_precision=entered[1],
                ends_on=left[0] if left else None,
                ends_precision=left[1] if left else DatePrecision.DAY,
                source=source,
            )
        )
    for index, record in enumerate(records):
        for earlier in records[:index]:
            if earlier.slug == record.slug and _overlap(earlier.starts_on, earlier.ends_on, record):
                problems.append(
                    f"{record.where}: overlaps the period for {record.slug} on line {earlier.line}."
                )
    if problems:
        raise EngageHistoryError(problems)
    return records


def _overlap(starts_on: dt.date, ends_on: dt.date | None, record: HistoryRecord) -> bool:
    """Half-open periods [starts_on, ends_on) meet when each starts before the other ends."""
    return (ends_on is None or record.starts_on < ends_on) and (
        record.ends_on is None or starts_on < record.ends_on
    )


def _history_user() -> object:
    """The stand-in for 'advised by' on a case loaded from history: inactive, cannot sign in, holds no role."""
    user_model = get_user_model()
    user = user_model.objects.filter(username=HISTORY_USERNAME).first()
    if user is None:
        user = user_model(
            username=HISTORY_USERNAME, first_name="Public", last_name="records", is_active=False
        )
        user.set_unusable_password()
        user.save()
    return user


def _texts(area: Organisation, record: HistoryRecord) -> tuple[str, str]:
    """The public announcement and the decision's recorded reasons, from the source."""
    entered = date_label(record.starts_on, record.starts_precision)
    when = f"on {entered}" if record.starts_precision == DatePrecision.DAY else f"in {entered}"
    announcement = f"{area.name} was placed in Engage {when}. Source: {record.source}."
    reasons = f"{LOADED}: {record.source}."
    return announcement, reasons


def _check_against_database(
    records: list[HistoryRecord],
) -> tuple[dict[str, Organisation], dict[int, EngageCase]]:
    """Each force exists, and no line clashes with a period or live case already in the portal."""
    problems: list[str] = []
    areas = {
        area.slug: area
        for area in Organisation.objects.filter(
            kind=OrganisationKind.POLICE_FORCE, slug__in={r.slug for r in records}
        )
    }
    existing: dict[int, EngageCase] = {}
    for record in records:
        area = areas.get(record.slug)
        if area is None:
            problems.append(f"{record.where}: no police force with slug {record.slug!r} in the directory.")
            continue
        match = (
            EngageCase.objects.filter(area=area, historical=True, period__starts_on=record.starts_on)
            .select_related("period")
            .first()
        )
        if match is not None:
            existing[record.line] = match
        others = EngagePeriod.objects.filter(area=area)
        live = EngageCase.objects.filter(area=area, exited_at__isnull=True).exclude(decision_engage=False)
        if match is not None:
            others = others.exclude(case=match)
            live = live.exclude(pk=match.pk)
        for period in others:
            if _overlap(period.starts_on, period.ends_on, record):
                problems.append(
                    f"{record.where}: {area.name} already has a period in Engage from {period.entered_label}"
                    f"{' to ' + period.left_label if period.ends_on else ''} that overlaps this one."
                )
        if record.ends_on is None and (match is None or match.exited_by_id is None) and live.exists():
            problems.append(
                f"{record.where}: {area.name} already has an open Engage case in the portal; "
                "a period with no exit cannot be loaded beside it."
            )
    if problems:
        raise EngageHistoryError(problems)
    return areas, existing


def _case_fields(area: Organisation, record: HistoryRecord) -> dict[str, object]:
    entered_at = start_of_day(record.starts_on)
    announcement, reasons = _texts(area, record)
    return {
        "decision_engage": True,
        "decision_reasons": reasons,
        "decided_at": entered_at,
        "announcement": announcement,
        "announced_at": entered_at,
        "source": record.source,
        "historical": True,
    }


def _exit_fields(record: HistoryRecord) -> dict[str, object]:
    if record.ends_on is None:
        return {"exited_at": None, "exit_reasons": ""}
    return {"exited_at": start_of_day(record.ends_on), "exit_reasons": f"{LOADED}: {record.source}."}


def _create(area: Organisation, record: HistoryRecord, advised_by: object) -> None:
    entered_at = start_of_day(record.starts_on)
    case = EngageCase(
        area=area,
        advice=LOADED,
        evidence=LOADED,
        advised_by=advised_by,
        advised_at=entered_at,
        **_case_fields(area, record),
        **_exit_fields(record),
    )
    case.full_clean()
    case.save()
    period = EngagePeriod(
        case=case,
        area=area,
        starts_on=record.starts_on,
        starts_precision=record.starts_precision,
        ends_on=record.ends_on,
        ends_precision=record.ends_precision,
    )
    period.full_clean()
    period.save()


def _update(case: EngageCase, area: Organisation, record: HistoryRecord) -> bool:
    """Bring a loaded case into line with its line; True if anything changed."""
    period = case.period
    wanted_case = _case_fields(area, record)
    wanted_period: dict[str, object] = {"starts_precision": record.starts_precision}
    if case.exited_by_id is None:
        # An exit HMCI decided in the portal stands; otherwise the file says when the area left.
        wanted_case |= _exit_fields(record)
        wanted_period |= {"ends_on": record.ends_on, "ends_precision": record.ends_precision}
    case_changes = [name for name, value in wanted_case.items() if getattr(case, name) != value]
    period_changes = [name for name, value in wanted_period.items() if getattr(period, name) != value]
    for name in case_changes:
        setattr(case, name, wanted_case[name])
    for name in period_changes:
        setattr(period, name, wanted_period[name])
    if case_changes:
        case.full_clean()
        case.save(update_fields=case_changes)
    if period_changes:
        period.full_clean()
        period.save(update_fields=period_changes)
    return bool(case_changes or period_changes)


@transaction.atomic
def load_engage_history(path: Path = DEFAULT_PATH) -> HistoryLoadResult:
    """Load the Engage history file. Every line is checked first; all or nothing; idempotent."""
    records = parse_history(Path(path))
    areas, existing = _check_against_database(records)
    result = HistoryLoadResult()
    advised_by = None
    for record in records:
        area = areas[record.slug]
        case = existing.get(record.line)
        if case is None:
            advised_by = advised_by or _history_user()
            _create(area, record, advised_by)
            result.created += 1
        elif _update(case, area, record):
            result.updated += 1
        else:
            result.unchanged += 1
    if result.created or result.updated:
        # The chart's summary counts the public periods this changed.
        engage_chart_refresh()
    return result
