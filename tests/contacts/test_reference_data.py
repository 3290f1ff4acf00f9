"""The directory's reference data: the 43 forces, 44 FRSs and effective-dated governance."""

from __future__ import annotations

import datetime as dt
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from contacts.models import Governance, GovernanceModel, Organisation, OrganisationKind
from contacts.reference import load_reference_data
from contacts.selectors import governance_of_area
from contacts.services import governance_change
from tests.conftest import force, org

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        "organisations": Organisation.objects.count(),
        "governance": Governance.objects.count(),
    }


def test_directory_holds_43_forces_and_44_frss(directory):
    assert Organisation.objects.filter(kind=OrganisationKind.POLICE_FORCE).count() == 43
    assert Organisation.objects.filter(kind=OrganisationKind.FIRE_RESCUE_SERVICE).count() == 44
    assert Organisation.objects.filter(kind=OrganisationKind.POLICE_FORCE, country="Wales").count() == 4


def test_current_police_governance_matches_the_published_counts(directory):
    today = dt.date(2026, 1, 1)
    models = list(
        Governance.objects.in_force(today)
        .filter(area__kind=OrganisationKind.POLICE_FORCE)
        .values_list("model", flat=True)
    )
    assert len(models) == 43
    assert models.count(GovernanceModel.PCC) == 33
    assert models.count(GovernanceModel.PFCC) == 4
    assert models.count(GovernanceModel.MAYOR) == 5
    assert models.count(GovernanceModel.CITY_OF_LONDON) == 1


def test_every_area_has_exactly_one_governing_body_on_any_day(directory):
    for day in (
        dt.date(2023, 3, 31),
        dt.date(2023, 4, 1),
        dt.date(2024, 5, 6),
        dt.date(2024, 5, 7),
        dt.date(2026, 11, 26),
    ):
        per_area = Governance.objects.in_force(day).values_list("area_id", flat=True)
        assert len(per_area) == len(set(per_area)) == 87, day


def test_a_pfcc_governs_its_force_and_its_frs_as_one_body(directory):
    essex_police = governance_of_area(force("essex"), dt.date(2026, 1, 1))
    essex_fire = governance_of_area(org(OrganisationKind.FIRE_RESCUE_SERVICE, "essex"), dt.date(2026, 1, 1))
    assert essex_police.body == essex_fire.body
    assert essex_fire.model == GovernanceModel.PFCC
    assert essex_fire.pfcc_provisions_apply


def test_every_force_governing_body_has_an_office(directory):
    for governance in Governance.objects.in_force(dt.date(2026, 1, 1)).filter(
        area__kind=OrganisationKind.POLICE_FORCE
    ):
        assert Organisation.objects.filter(kind=OrganisationKind.OPCC, parent=governance.body).count() == 1


@pytest.mark.parametrize(
    ("slug", "day", "expected_body", "expected_model"),
    [
        # South Yorkshire: a PCC until the mayor took the functions on 7 May 2024 (SI 2024/414).
        (
            "south-yorkshire",
            dt.date(2024, 5, 6),
            "Police and Crime Commissioner for South Yorkshire",
            GovernanceModel.PCC,
        ),
        ("south-yorkshire", dt.date(2024, 5, 7), "Mayor of South Yorkshire", GovernanceModel.MAYOR),
        ("south-yorkshire", dt.date(2026, 11, 26), "Mayor of South Yorkshire", GovernanceModel.MAYOR),
        (
            "south-yorkshire",
            dt.date(2012, 11, 22),
            "Police and Crime Commissioner for South Yorkshire",
            GovernanceModel.PCC,
        ),
        ("cumbria", dt.date(2023, 3, 31), "Police and Crime Commissioner for Cumbria", GovernanceModel.PCC),
        (
            "cumbria",
            dt.date(2023, 4, 1),
            "Police, Fire and Crime Commissioner for Cumbria",
            GovernanceModel.PFCC,
        ),
        (
            "north-yorkshire",
            dt.date(2024, 5, 6),
            "Police, Fire and Crime Commissioner for North Yorkshire",
            GovernanceModel.PFCC,
        ),
        ("north-yorkshire", dt.date(2024, 5, 7), "Mayor of York and North Yorkshire", GovernanceModel.MAYOR),
        (
            "west-midlands",
            dt.date(2024, 5, 7),
            "Police and Crime Commissioner for West Midlands",
            GovernanceModel.PCC,
        ),
    ],
)
def test_governance_answers_for_the_day_asked(directory, slug, day, expected_body, expected_model):
    governance = governance_of_area(force(slug), day)
    assert governance is not None
    assert governance.body.name == expected_body
    assert governance.model == expected_model


def test_frs_governance_history_cumbria_county_council_then_pfcc(directory):
    cumbria_fire = org(OrganisationKind.FIRE_RESCUE_SERVICE, "cumbria")
    assert governance_of_area(cumbria_fire, dt.date(2023, 3, 31)).body.name == "Cumbria County Council"
    assert governance_of_area(cumbria_fire, dt.date(2023, 4, 1)).model == GovernanceModel.PFCC


def test_loading_twice_creates_nothing_new(directory):
    before = _counts()
    result = load_reference_data(settings.REFERENCE_DATA_DIR)
    assert (result.created, result.updated) == (0, 0)
    assert _counts() == before


def test_load_reference_data_command_reports_and_is_idempotent(directory):
    out = StringIO()
    call_command("load_reference_data", stdout=out)
    assert "0 created, 0 updated" in out.getvalue()


def test_governance_change_closes_the_current_period_and_keeps_history(directory):
    kent = force("kent")
    old = governance_of_area(kent, dt.date(2026, 1, 1))
    mayor = Organisation.objects.create(
        kind=OrganisationKind.GOVERNING_BODY, slug="mayor-of-kent", name="Mayor of Kent"
    )
    governance_change(area=kent, body=mayor, model=GovernanceModel.MAYOR, starts_on=dt.date(2028, 5, 11))
    assert governance_of_area(kent, dt.date(2028, 5, 10)).body == old.body
    assert governance_of_area(kent, dt.date(2028, 5, 11)).body == mayor
    assert Governance.objects.filter(area=kent).count() == 2


def test_governance_change_refuses_a_start_before_the_current_period(directory):
    south_yorkshire = force("south-yorkshire")
    body = governance_of_area(south_yorkshire, dt.date(2026, 1, 1)).body
    before = _counts()
    with pytest.raises(ValidationError, match="must start after the current one"):
        governance_change(
            area=south_yorkshire, body=body, model=GovernanceModel.MAYOR, starts_on=dt.date(2024, 1, 1)
        )
    assert _counts() == before


# --- Bad input: a malformed file stops the load, names the file and line, and changes nothing.


@pytest.fixture
def reference_copy(tmp_path: Path) -> Path:
    target = tmp_path / "reference"
    shutil.copytree(settings.REFERENCE_DATA_DIR, target)
    return target


def _rewrite_line(path: Path, line_number: int, old: str, new: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert old in lines[line_number - 1]
    lines[line_number - 1] = lines[line_number - 1].replace(old, new, 1)
    path.write_text("".join(lines), encoding="utf-8")


@pytest.mark.parametrize(
    ("filename", "line", "old", "new", "message"),
    [
        (
            "police_forces.csv",
            5,
            ",PCC,",
            ",Sheriff,",
            "police_forces.csv, line 5: governance 'Sheriff' is not one of",
        ),
        ("police_forces.csv", 1, "slug,", "slog,", "police_forces.csv, line 1: the header must be"),
        (
            "fire_rescue_services.csv",
            7,
            ",no,",
            ",maybe,",
            "fire_rescue_services.csv, line 7: mou_pfcc_provisions_apply must be yes or no",
        ),
        (
            "fire_rescue_services.csv",
            7,
            "combined fire authority,no,",
            "combined fire authority,yes,",
            "line 7: mou_pfcc_provisions_apply must be no",
        ),
        (
            "police_forces.csv",
            3,
            "bedfordshire,",
            "Bedford Shire,",
            "police_forces.csv, line 3: slug 'Bedford Shire'",
        ),
        (
            "police_forces.csv",
            3,
            "bedfordshire,",
            "avon-and-somerset,",
            "police_forces.csv, line 3: slug 'avon-and-somerset' appears twice",
        ),
        (
            "governance_history.csv",
            2,
            "2024-05-07",
            "2024-13-07",
            "governance_history.csv, line 2: ends_on must be a date",
        ),
        (
            "governance_history.csv",
            2,
            "police,south-yorkshire",
            "police,nowhere",
            "governance_history.csv, line 2: no police area",
        ),
    ],
)
def test_malformed_reference_file_stops_the_load_and_names_file_and_line(
    directory, reference_copy, filename, line, old, new, message
):
    _rewrite_line(reference_copy / filename, line, old, new)
    before = _counts()
    with pytest.raises(CommandError) as raised:
        call_command("load_reference_data", "--dir", str(reference_copy), stdout=StringIO())
    assert message in str(raised.value)
    assert "Nothing was loaded" in str(raised.value)
    assert _counts() == before


def test_a_short_row_is_refused_with_its_line(directory, reference_copy):
    path = reference_copy / "police_forces.csv"
    path.write_text(path.read_text(encoding="utf-8") + "extra-force,Extra Police\n", encoding="utf-8")
    before = _counts()
    with pytest.raises(CommandError, match=r"police_forces.csv, line 45: expected 9 columns"):
        call_command("load_reference_data", "--dir", str(reference_copy), stdout=StringIO())
    assert _counts() == before


def test_a_valid_new_row_after_a_bad_one_is_not_loaded_either(directory, reference_copy):
    """All or nothing: a good new force is not created when another line is bad."""
    path = reference_copy / "police_forces.csv"
    text = path.read_text(encoding="utf-8")
    text += "new-force,New Force Police,England,PCC,Police and Crime Commissioner for New Force,,,yes,\n"
    text += "bad-force,Bad Force Police,England,PCC,Police and Crime Commissioner for Bad Force,,31-12-2024,yes,\n"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match=r"line 46: governance_since must be a date"):
        call_command("load_reference_data", "--dir", str(reference_copy), stdout=StringIO())
    assert not Organisation.objects.filter(slug="new-force").exists()


def test_a_missing_file_is_named(directory, tmp_path):
    with pytest.raises(CommandError, match="police_forces.csv: cannot be read"):
        call_command("load_reference_data", "--dir", str(tmp_path), stdout=StringIO())
