"""M5, M10: the public Engage pages: police, fire, previously in Engage, and a case.

Force A is advised, decided, told and announced on the timeline of tests/monitoring/conftest.py
(announced Tuesday 10 March 2026, 10:00 GMT). Nothing of it is public before that second; from
it the decision, the causes and the dates are. The advice, evidence, decision reasons, exit
reasons, meetings and notes never are: each is written with a marker string looked for on
every public page at every moment.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hmicfrs_mou.deadlines import LONDON
from monitoring.history import load_engage_history
from monitoring.models import EngageCase, EngageCause, EngagePeriod
from monitoring.services import (
    AttendanceInput,
    CauseInput,
    action_add,
    case_exit,
    meeting_record_held,
    meeting_schedule,
    plan_note_add,
    plan_submit,
)
from tests.conftest import force
from tests.monitoring.conftest import ANNOUNCED, DECIDED, TOLD

pytestmark = pytest.mark.django_db

SECOND = dt.timedelta(seconds=1)
EXITED = dt.datetime(2026, 9, 1, 11, tzinfo=LONDON)

MARK_ADVICE = "qzADVICEqz"
MARK_EVIDENCE = "qzEVIDENCEqz"
MARK_CAUSE = "qzCAUSEqz"
MARK_EXIT_REASONS = "qzEXITREASONSqz"
MARK_IMPROVEMENTS = "qzIMPROVEDqz"
MARK_PLAN = "qzPLANqz"
MARK_PCC_NOTE = "qzPCCNOTEqz"
MARK_MEETING = "qzMEETINGqz"
MARK_ACTION = "qzACTIONqz"
SECRETS = (MARK_ADVICE, MARK_EVIDENCE, MARK_EXIT_REASONS, MARK_PLAN, MARK_PCC_NOTE, MARK_MEETING, MARK_ACTION)
PUBLIC_NAMES = ("public_monitoring:police", "public_monitoring:fire", "public_monitoring:previously")


@pytest.fixture
def marked_case(engage, force_a, hmi_a, hmci, chief_office_a, pcc_office_a, apcc_lead, apcc):
    """Force A through every step to exit, each private text carrying a marker."""
    case = engage(
        force_a,
        hmi=hmi_a,
        hmci=hmci,
        decided=DECIDED,
        told=TOLD,
        announced=ANNOUNCED,
        causes=(CauseInput(f"Crime recording {MARK_CAUSE}"), CauseInput("Call handling")),
    )
    EngageCase.objects.filter(pk=case.pk).update(
        advice=f"Advice {MARK_ADVICE}", evidence=f"Evidence {MARK_EVIDENCE}"
    )
    plan = plan_submit(case=case, text=f"Plan {MARK_PLAN}", by=chief_office_a, now=ANNOUNCED + SECOND)
    plan_note_add(
        plan=plan, kind="pcc", text=f"Note {MARK_PCC_NOTE}", by=pcc_office_a, now=ANNOUNCED + 2 * SECOND
    )
    scheduled = dt.datetime(2026, 4, 1, 10, tzinfo=LONDON)
    meeting = meeting_schedule(case=case, scheduled_for=dt.date(2026, 4, 6), by=hmi_a, now=scheduled)
    meeting = meeting_record_held(
        meeting=meeting,
        held_on=dt.date(2026, 4, 6),
        attendances=[AttendanceInput(apcc, "Lead", apcc_lead)],
        notes=f"Notes {MARK_MEETING}",
        by=hmi_a,
        now=dt.datetime(2026, 4, 6, 16, tzinfo=LONDON),
    )
    action_add(
        meeting=meeting,
        text=f"Offer {MARK_ACTION}",
        owner=apcc,
        offer_of_assistance=True,
        by=apcc_lead,
        now=dt.datetime(2026, 4, 6, 17, tzinfo=LONDON),
    )
    case_exit(
        case=case,
        reasons=f"Reasons {MARK_EXIT_REASONS}",
        improvements=f"Crime recording is now accurate {MARK_IMPROVEMENTS}",
        by=hmci,
        now=EXITED,
    )
    return EngageCase.objects.get(pk=case.pk)


def _get(url: str, at: dt.datetime) -> tuple[int, str]:
    with time_machine.travel(at, tick=False):
        response = Client().get(url)
    return response.status_code, response.content.decode()


def _case_url(case: EngageCase) -> str:
    return reverse("public_monitoring:case", kwargs={"pk": case.pk})


def test_m5_nothing_is_public_before_the_announcement(announced_case, force_a):
    before = ANNOUNCED - SECOND
    assert force_a.name not in _get(reverse("public_monitoring:police"), before)[1]
    assert _get(_case_url(announced_case), before)[0] == 404


def test_m5_from_the_announcement_the_decision_and_causes_are_listed(announced_case, force_a):
    status, page = _get(reverse("public_monitoring:police"), ANNOUNCED)
    assert status == 200
    assert force_a.name in page
    assert "4 March 2026" in page
    assert "The force does not record crime accurately." in page
    assert _case_url(announced_case) in page
    status, page = _get(_case_url(announced_case), ANNOUNCED)
    assert status == 200
    assert "HM Chief Inspector has placed Avon and Somerset Constabulary in Engage." in page
    assert "The force does not respond to vulnerable people quickly enough." in page
    assert "Still in Engage" in page
    assert "10 March 2026" in page
    # A police force is not on the fire page.
    assert force_a.name not in _get(reverse("public_monitoring:fire"), ANNOUNCED)[1]


def test_m5_a_decision_not_to_engage_is_never_public(engage, force_b, other_hmi, hmci):
    case = engage(force_b, hmi=other_hmi, hmci=hmci, decided=DECIDED, engage=False)
    later = DECIDED + dt.timedelta(days=30)
    assert _get(_case_url(case), later)[0] == 404
    assert force_b.name not in _get(reverse("public_monitoring:police"), later)[1]


@pytest.mark.parametrize(
    "at",
    [DECIDED + SECOND, TOLD + SECOND, ANNOUNCED, dt.datetime(2026, 4, 7, tzinfo=LONDON), EXITED + SECOND],
)
def test_m5_advice_evidence_reasons_plans_meetings_never_on_a_public_page(marked_case, at):
    urls = [reverse(name) for name in PUBLIC_NAMES] + [_case_url(marked_case)]
    for url in urls:
        page = _get(url, at)[1]
        for mark in SECRETS:
            assert mark not in page, (url, mark)
        # HMCI's decision reasons from the timeline (tests/monitoring/conftest.py REASONS).
        assert "The evidence shows failures" not in page


def test_m10_after_exit_the_area_is_previously_in_engage_with_its_dates(marked_case, force_a):
    after = EXITED + SECOND
    assert force_a.name not in _get(reverse("public_monitoring:police"), after)[1]
    status, page = _get(reverse("public_monitoring:previously"), after)
    assert status == 200
    assert force_a.name in page
    assert "4 March 2026" in page
    assert "1 September 2026" in page
    assert MARK_CAUSE in page
    status, page = _get(_case_url(marked_case), after)
    assert status == 200
    assert "Improvements made" in page
    assert MARK_IMPROVEMENTS in page
    assert "1 September 2026" in page
    # Before the exit the improvements are not public, and the area is not "previously in Engage".
    before = EXITED - SECOND
    assert force_a.name not in _get(reverse("public_monitoring:previously"), before)[1]
    assert MARK_IMPROVEMENTS not in _get(_case_url(marked_case), before)[1]


def test_m10_public_history_is_listed_at_its_precision(directory):
    load_engage_history()
    at = dt.datetime(2025, 8, 1, 12, tzinfo=LONDON)
    current = _get(reverse("public_monitoring:police"), at)[1]
    for name in ("Gloucestershire", "Staffordshire", "Devon", "Nottinghamshire", "Lincolnshire"):
        assert name in current
    assert "6 December 2024" in current
    assert "Not recorded in this portal" in current
    previously = _get(reverse("public_monitoring:previously"), at)[1]
    for text in ("Cleveland", "2019", "September 2023", "28 June 2022", "23 January 2025", "May 2024"):
        assert text in previously
    # The Met left most recently, so it comes first.
    assert previously.index("Metropolitan") < previously.index("Cleveland")
    met = EngageCase.objects.get(area=force("metropolitan"))
    status, page = _get(_case_url(met), at)
    assert status == 200
    assert "Recorded in this portal from public sources" in page
    assert "Loaded from public sources" not in page
    cleveland = EngageCase.objects.get(area=force("cleveland"))
    page = _get(_case_url(cleveland), at)[1]
    assert '<dd class="govuk-summary-list__value">2019</dd>' in page


def test_fire_page_says_when_no_service_is_in_engage(directory):
    status, page = _get(reverse("public_monitoring:fire"), dt.datetime(2026, 1, 5, tzinfo=LONDON))
    assert status == 200
    assert "Fire and rescue services in Engage" in page
    assert "None of the fire and rescue services is in Engage today." in page


def _more_public_periods(hmi_a, slugs: tuple[str, ...], *, ended: bool) -> None:
    """Announced cases for more forces, direct rows (their steps are tested elsewhere)."""
    start = dt.datetime(2023, 1, 9, 9, tzinfo=LONDON)
    for slug in slugs:
        area = force(slug)
        case = EngageCase.objects.create(
            area=area,
            advice="a",
            evidence="e",
            advised_by=hmi_a,
            advised_at=start,
            decision_engage=True,
            decision_reasons="r",
            decided_at=start,
            pcc_informed_at=start,
            announcement="x",
            announced_at=start,
            exited_at=start + dt.timedelta(days=90) if ended else None,
        )
        EngageCause.objects.bulk_create(
            EngageCause(case=case, text=f"Cause {n}", position=n) for n in range(3)
        )
        EngagePeriod.objects.create(
            case=case,
            area=area,
            starts_on=start.date(),
            ends_on=(start + dt.timedelta(days=90)).date() if ended else None,
        )


def test_public_pages_cost_the_same_queries_with_more_areas_in_engage(directory, announced_case, hmi_a):
    at = ANNOUNCED + dt.timedelta(days=200)

    def count(url: str) -> int:
        with time_machine.travel(at, tick=False), CaptureQueriesContext(connection) as captured:
            assert Client().get(url).status_code == 200
        return len(captured)

    urls = [reverse(name) for name in PUBLIC_NAMES]
    load_engage_history()
    before = [count(url) for url in urls]
    _more_public_periods(hmi_a, ("kent", "dorset", "essex"), ended=False)
    _more_public_periods(hmi_a, ("surrey", "sussex", "suffolk"), ended=True)
    assert [count(url) for url in urls] == before
    assert [count(_case_url(c)) for c in EngageCase.objects.all()[:2]] == [
        count(_case_url(announced_case))
    ] * 2


def test_public_pages_are_linked_from_the_public_navigation_and_index(directory):
    page = Client().get(reverse("public:index")).content.decode()
    assert f'href="{reverse("public_monitoring:police")}"' in page
    assert f'href="{reverse("public_monitoring:fire")}"' in page
    assert f'href="{reverse("public_monitoring:previously")}"' in page


def test_public_pages_accept_only_reads(directory, announced_case):
    with time_machine.travel(ANNOUNCED, tick=False):
        assert Client().post(reverse("public_monitoring:police")).status_code == 405
        assert Client().post(_case_url(announced_case)).status_code == 405
