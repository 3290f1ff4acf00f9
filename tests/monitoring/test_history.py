"""M2, M10: the public history of Engage, loaded from engage_history.csv (the history is kept).

"Who was in Engage on 1 March 2025?", by hand from the file (a month or year alone means its
first day; a period ends on the first day it no longer applies):
- cleveland            2019 – 2023-09             no: left 1 September 2023
- greater-manchester   2020-12 – 2022-10-31       no
- metropolitan         2022-06-28 – 2025-01-23    no: left 23 January 2025
- wiltshire            2022-06 – 2024-05          no
- gloucestershire      2022-06 –                  yes
- staffordshire        2022-06 –                  yes
- devon-and-cornwall   2022 –                     yes
- nottinghamshire      2024-03-11 –               yes
- lincolnshire         2024-12-06 –               yes
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from contacts.models import OrganisationKind, Role
from hmicfrs_mou.deadlines import LONDON
from monitoring.history import (
    DEFAULT_PATH,
    LOADED,
    EngageHistoryError,
    load_engage_history,
    parse_date,
)
from monitoring.models import DatePrecision, EngageCase, EngagePeriod
from monitoring.services import case_exit
from tests.conftest import force, make_person, org
from tests.monitoring.conftest import ANNOUNCED, DECIDED, TOLD

pytestmark = pytest.mark.django_db

SHARED = Path(__file__).resolve().parents[3] / "shared" / "reference" / "engage_history.csv"
HEADER = "force_slug,entered,left,precision,source,verified,notes\n"
IN_ENGAGE_1_MARCH_2025 = {
    "gloucestershire",
    "staffordshire",
    "devon-and-cornwall",
    "nottinghamshire",
    "lincolnshire",
}


def _write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "engage_history.csv"
    path.write_text(HEADER + "".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


def _in_force(on: dt.date) -> set[str]:
    return set(EngagePeriod.objects.in_force(on).values_list("area__slug", flat=True))


def test_the_copy_in_the_app_is_the_shared_reference_file():
    if SHARED.exists():
        assert DEFAULT_PATH.read_bytes() == SHARED.read_bytes()
    assert DEFAULT_PATH.exists()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2019", (dt.date(2019, 1, 1), DatePrecision.YEAR)),
        ("2023-09", (dt.date(2023, 9, 1), DatePrecision.MONTH)),
        ("2024-12-06", (dt.date(2024, 12, 6), DatePrecision.DAY)),
        ("2024-02-30", None),
        ("2023-13", None),
        ("Sept 2023", None),
        ("", None),
    ],
)
def test_dates_are_read_at_the_precision_they_are_given(value, expected):
    assert parse_date(value) == expected


def test_m2_loads_the_nine_forces_as_historical_cases_with_dated_periods(directory):
    result = load_engage_history()
    assert (result.created, result.updated, result.unchanged) == (9, 0, 0)
    assert EngageCase.objects.filter(historical=True).count() == 9
    assert EngagePeriod.objects.count() == 9

    met = EngageCase.objects.select_related("period").get(area=force("metropolitan"))
    assert met.historical is True
    assert met.decision_engage is True
    assert (met.advice, met.evidence) == (LOADED, LOADED)
    entered = dt.datetime(2022, 6, 28, 0, 0, tzinfo=LONDON)
    assert met.advised_at == met.decided_at == met.announced_at == entered
    assert met.exited_at == dt.datetime(2025, 1, 23, 0, 0, tzinfo=LONDON)
    assert "HMICFRS news release of January 2025" in met.source
    assert "removal announced 23 January 2025" in met.source
    assert met.source in met.announcement
    assert met.source in met.decision_reasons
    assert (met.period.starts_on, met.period.ends_on) == (dt.date(2022, 6, 28), dt.date(2025, 1, 23))
    assert (met.period.entered_label, met.period.left_label) == ("28 June 2022", "23 January 2025")
    assert met.advised_by.is_active is False
    assert not met.advised_by.has_usable_password()

    cleveland = EngagePeriod.objects.get(area=force("cleveland"))
    assert (cleveland.starts_on, cleveland.starts_precision) == (dt.date(2019, 1, 1), DatePrecision.YEAR)
    assert (cleveland.ends_on, cleveland.ends_precision) == (dt.date(2023, 9, 1), DatePrecision.MONTH)
    assert (cleveland.entered_label, cleveland.left_label) == ("2019", "September 2023")

    devon = EngageCase.objects.select_related("period").get(area=force("devon-and-cornwall"))
    assert devon.exited_at is None
    assert devon.period.ends_on is None
    assert devon.period.entered_label == "2022"


def test_m10_who_was_in_engage_on_1_march_2025(directory):
    load_engage_history()
    assert _in_force(dt.date(2025, 3, 1)) == IN_ENGAGE_1_MARCH_2025
    # The Met's last day in Engage was 22 January 2025.
    assert "metropolitan" in _in_force(dt.date(2025, 1, 22))
    assert "metropolitan" not in _in_force(dt.date(2025, 1, 23))
    assert _in_force(dt.date(2019, 6, 1)) == {"cleveland"}
    assert _in_force(dt.date(2018, 12, 31)) == set()


def test_loading_again_changes_nothing(directory):
    load_engage_history()
    before = list(EngageCase.objects.order_by("pk").values())
    periods = list(EngagePeriod.objects.order_by("pk").values())
    result = load_engage_history()
    assert (result.created, result.updated, result.unchanged) == (0, 0, 9)
    assert list(EngageCase.objects.order_by("pk").values()) == before
    assert list(EngagePeriod.objects.order_by("pk").values()) == periods


def test_a_corrected_line_updates_its_case_in_place(directory, tmp_path):
    load_engage_history()
    lines = DEFAULT_PATH.read_text(encoding="utf-8").splitlines()
    lines = [
        line.replace("gloucestershire,2022-06,,month,", "gloucestershire,2022-06,2025-07,month / month,")
        for line in lines[1:]
    ]
    result = load_engage_history(_write(tmp_path, *lines))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 8)
    period = EngagePeriod.objects.get(area=force("gloucestershire"))
    assert (period.ends_on, period.left_label) == (dt.date(2025, 7, 1), "July 2025")
    assert period.case.exited_at == dt.datetime(2025, 7, 1, tzinfo=LONDON)


def test_m10_a_reload_never_undoes_an_exit_decided_in_the_portal(directory):
    load_engage_history()
    hmci = make_person("hmci", org(OrganisationKind.HMICFRS, "hmicfrs"), Role.HMCI)
    lincs = EngageCase.objects.get(area=force("lincolnshire"))
    exited = dt.datetime(2026, 1, 12, 10, tzinfo=LONDON)
    case_exit(case=lincs, reasons="Progress.", improvements="Better call handling.", by=hmci, now=exited)
    result = load_engage_history()
    assert result.updated == 0
    lincs.refresh_from_db()
    assert lincs.exited_at == exited
    assert EngagePeriod.objects.get(case=lincs).ends_on == dt.date(2026, 1, 12)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("atlantis,2020,,year,a source,yes,", "line 3: no police force with slug 'atlantis'"),
        ("kent,Sept 2020,,month,a source,yes,", "line 3: entered must be a date"),
        ("kent,2020-09,2020-05,month / month,a source,yes,", "line 3: left must be after entered"),
        ("kent,2020-09,,year,a source,yes,", "line 3: precision says the entry is known to the year"),
        ("kent,2020-09,,month / month,a source,yes,", "line 3: precision gives one for the exit"),
        ("kent,2020-09,,fortnight,a source,yes,", "line 3: precision must be one of"),
        ("kent,2020-09,,month,a source,maybe,", "line 3: verified must be one of yes, partial, no"),
        ("kent,2020-09,,month,,yes,", "line 3: source is empty"),
        ("kent,2020-09,,month,a source,yes", "line 3: expected 7 columns"),
        ("cleveland,2021,,year,a source,yes,", "line 3: overlaps the period for cleveland on line 2"),
    ],
)
def test_a_bad_line_is_refused_naming_its_line_and_nothing_is_written(directory, tmp_path, line, message):
    path = _write(tmp_path, "cleveland,2019,2023-09,year / month,a source,yes,", line)
    with pytest.raises(EngageHistoryError) as caught:
        load_engage_history(path)
    assert any(message in problem for problem in caught.value.problems), caught.value.problems
    assert all(problem.startswith("engage_history.csv") for problem in caught.value.problems)
    assert not EngageCase.objects.exists()
    assert not EngagePeriod.objects.exists()


def test_a_wrong_header_is_refused(directory, tmp_path):
    path = tmp_path / "engage_history.csv"
    path.write_text("slug,entered\nkent,2020\n", encoding="utf-8")
    with pytest.raises(EngageHistoryError, match="line 1: the header must be"):
        load_engage_history(path)


def test_a_period_clashing_with_one_in_the_portal_is_refused(directory, tmp_path, engage, hmi_a, hmci):
    engage(force("avon-and-somerset"), hmi=hmi_a, hmci=hmci, decided=DECIDED, told=TOLD, announced=ANNOUNCED)
    path = _write(tmp_path, "avon-and-somerset,2025,,year,a source,yes,")
    with pytest.raises(EngageHistoryError) as caught:
        load_engage_history(path)
    assert "overlaps this one" in caught.value.problems[0]
    assert "line 2" in caught.value.problems[0]
    assert EngageCase.objects.filter(historical=True).count() == 0


def test_load_engage_history_command_reports_and_refuses_with_every_problem(directory, tmp_path, capsys):
    call_command("load_engage_history")
    assert "9 created, 0 updated, 0 unchanged" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    shutil.copy(DEFAULT_PATH, bad)
    with bad.open("a", encoding="utf-8") as handle:
        handle.write("kent,someday,,day,a source,yes,\n")
    with pytest.raises(CommandError, match="Nothing was loaded:\n  bad.csv, line 11: entered must be a date"):
        call_command("load_engage_history", "--file", str(bad))
