"""Standing meeting cadences (C1–C3): the last meeting of each pair and whether one is overdue (D7)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from contacts.cadences import cadence_rows, cadence_rows_for_all, cadence_rows_of
from contacts.models import MeetingKind, Organisation, OrganisationKind
from contacts.selectors import area_rows, areas
from contacts.services import meeting_record
from hmicfrs_mou.deadlines import add_months, cadence_next_due
from tests.conftest import office_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("last", "months", "due"),
    [
        (dt.date(2026, 1, 15), 3, dt.date(2026, 4, 15)),
        (dt.date(2026, 11, 30), 3, dt.date(2027, 2, 28)),
        (dt.date(2027, 11, 30), 3, dt.date(2028, 2, 29)),  # 2028 is a leap year
        (dt.date(2026, 8, 31), 6, dt.date(2027, 2, 28)),
        (dt.date(2026, 12, 31), 6, dt.date(2027, 6, 30)),
        (dt.date(2028, 2, 29), 6, dt.date(2028, 8, 29)),
        (dt.date(2026, 10, 1), 3, dt.date(2027, 1, 1)),
    ],
)
def test_cadence_next_due_counts_calendar_months_d7(last, months, due):
    assert add_months(last, months) == due
    computed = cadence_next_due(last, months, rule="C2")
    assert computed.value == due
    assert computed.working.startswith("Last meeting")


def test_a_cadence_needs_a_positive_period():
    with pytest.raises(ValueError, match="at least one month"):
        cadence_next_due(dt.date(2026, 1, 1), 0, rule="C1")


def _row(rows, kind, subject):
    return next(row for row in rows if row.cadence.kind == kind and row.subject == subject)


def test_c2_is_overdue_six_months_after_the_last_formal_meeting(hmi_a, hmicfrs, force_a):
    meeting_record(
        kind=MeetingKind.HMI_PCC_FORMAL,
        held_on=dt.date(2026, 3, 10),
        subject=force_a,
        parties=[hmicfrs, office_of(force_a).parent],
        by=hmi_a,
        now=dt.datetime(2026, 3, 10, 17, tzinfo=dt.UTC),
    )
    on_the_day = _row(cadence_rows(user=hmi_a, on=dt.date(2026, 9, 10)), MeetingKind.HMI_PCC_FORMAL, force_a)
    assert on_the_day.last_held_on == dt.date(2026, 3, 10)
    assert on_the_day.due.value == dt.date(2026, 9, 10)
    assert not on_the_day.overdue
    day_after = _row(cadence_rows(user=hmi_a, on=dt.date(2026, 9, 11)), MeetingKind.HMI_PCC_FORMAL, force_a)
    assert day_after.overdue


def test_a_pair_that_never_met_is_counted_from_the_mou(hmi_a, force_a):
    row = _row(cadence_rows(user=hmi_a, on=dt.date(2025, 12, 1)), MeetingKind.HMI_PCC_FORMAL, force_a)
    assert row.last_held_on is None
    assert row.due.value == dt.date(2026, 1, 3)
    assert "No meeting recorded" in row.due.working


def test_c1_pairs_are_national_and_quarterly(hmicfrs_staff, hmicfrs, apcc):
    meeting_record(
        kind=MeetingKind.HMCI_APCC_CHAIR,
        held_on=dt.date(2026, 6, 1),
        subject=None,
        parties=[hmicfrs, apcc],
        by=hmicfrs_staff,
        now=dt.datetime(2026, 6, 2, tzinfo=dt.UTC),
    )
    row = _row(cadence_rows(user=hmicfrs_staff, on=dt.date(2026, 9, 2)), MeetingKind.HMCI_APCC_CHAIR, None)
    assert row.due.value == dt.date(2026, 9, 1)
    assert row.overdue


def test_c2_covers_forces_and_only_frss_with_a_pfcc_or_mayor(hmicfrs_staff):
    rows = [
        row for row in cadence_rows(user=hmicfrs_staff, on=dt.date(2026, 6, 1)) if row.cadence.rule == "C2"
    ]
    frs = [row.subject.slug for row in rows if row.subject.kind == "fire_rescue_service"]
    assert len(rows) - len(frs) == 43
    assert sorted(frs) == [
        "cumbria",
        "essex",
        "greater-manchester",
        "london",
        "north-yorkshire",
        "northamptonshire",
        "staffordshire",
    ]


def test_c3_has_one_pair_per_current_office(hmicfrs_staff):
    rows = [
        row for row in cadence_rows(user=hmicfrs_staff, on=dt.date(2026, 6, 1)) if row.cadence.rule == "C3"
    ]
    assert len(rows) == 43


def test_opcc_staff_see_only_their_own_pairs(pcc_office_a, force_a):
    rows = cadence_rows(user=pcc_office_a, on=dt.date(2026, 6, 1))
    subjects = {row.subject for row in rows}
    assert subjects == {force_a, office_of(force_a)}


def _pairs_of(rows):
    return {(row.cadence.kind, row.subject, row.label, row.last_held_on, row.due.value) for row in rows}


def test_c1_c3_a_home_pages_pairs_built_from_its_own_area_rows_are_those_of_cadence_rows(
    hmicfrs_staff, pcc_office_a, force_a, force_b, django_assert_num_queries
):
    """cadence_rows_of (a home page's pairs, from the governance its area rows have read) gives the same
    pairs, labels and dates as cadence_rows, and still lets a person see only their own."""
    on = dt.date(2026, 6, 1)
    every_area = area_rows(areas(), on=on, with_people=False)
    offices = list(Organisation.objects.filter(kind=OrganisationKind.OPCC))
    everything = cadence_rows_of(user=hmicfrs_staff, on=on, areas=every_area, offices=offices, national=True)
    assert _pairs_of(everything) == _pairs_of(cadence_rows(user=hmicfrs_staff, on=on))
    assert len(everything) == len(cadence_rows(user=hmicfrs_staff, on=on))
    # Offices alone (a liaison lead's): whether each is a C3 pair is asked of the governance on the day.
    only_offices = cadence_rows_of(user=hmicfrs_staff, on=on, areas=[], offices=offices, national=False)
    assert _pairs_of(only_offices) == {
        pair
        for pair in _pairs_of(cadence_rows(user=hmicfrs_staff, on=on))
        if pair[0] == MeetingKind.OPCC_LIAISON
    }
    own = area_rows(Organisation.objects.filter(pk=force_a.pk), on=on)
    mine = cadence_rows_of(user=pcc_office_a, on=on, areas=own, offices=[office_of(force_a)], national=True)
    assert _pairs_of(mine) == _pairs_of(cadence_rows(user=pcc_office_a, on=on))
    assert {row.subject for row in mine} == {force_a, office_of(force_a)}
    # Who governs its areas comes from the rows: the office's visibility asks nothing more of the
    # governance, only the pairs' last meetings (one query).
    office_a = office_of(force_a)
    with django_assert_num_queries(1):
        cadence_rows_of(user=pcc_office_a, on=on, areas=own, offices=[office_a], national=True)
    # Handed another area's rows, the office still sees nothing of them.
    other = area_rows(Organisation.objects.filter(pk=force_b.pk), on=on)
    assert (
        cadence_rows_of(user=pcc_office_a, on=on, areas=other, offices=[office_of(force_b)], national=True)
        == []
    )


def test_apcc_sees_the_national_pairs_only(apcc_lead):
    rows = cadence_rows(user=apcc_lead, on=dt.date(2026, 6, 1))
    assert {row.cadence.rule for row in rows} == {"C1"}
    assert len(rows) == 2


@time_machine.travel(dt.datetime(2026, 9, 11, 9, tzinfo=dt.UTC), tick=False)
def test_cadence_page_shows_overdue_with_its_working(client_for, hmi_a, hmicfrs, force_a):
    meeting_record(
        kind=MeetingKind.HMI_PCC_FORMAL,
        held_on=dt.date(2026, 3, 10),
        subject=force_a,
        parties=[hmicfrs, office_of(force_a).parent],
        by=hmi_a,
    )
    page = client_for(hmi_a).get(reverse("contacts:cadences"), {"show": "overdue"}).content.decode()
    assert "Avon and Somerset Constabulary" in page
    assert "Last meeting Tuesday 10 March 2026 + 6 months = Thursday 10 September 2026" in page
    assert "Overdue" in page


def test_each_pairs_last_meeting_is_read_per_pair_and_costs_one_query(
    hmicfrs_staff,
    hmi_a,
    other_hmi,
    liaison_lead_a,
    hmicfrs,
    apcc,
    force_a,
    force_b,
    django_assert_num_queries,
):
    """C1-C3: the newest meeting held by the day counts (not a later one, not another pair's), national pairs
    included, in one query however many meetings there are."""
    held = {
        (MeetingKind.HMI_PCC_FORMAL, force_a, hmi_a): [
            dt.date(2026, 1, 5),
            dt.date(2026, 4, 2),
            dt.date(2026, 8, 1),
        ],
        (MeetingKind.HMI_PCC_FORMAL, force_b, other_hmi): [dt.date(2025, 11, 20)],
        (MeetingKind.OPCC_LIAISON, office_of(force_a), liaison_lead_a): [dt.date(2026, 3, 3)],
        (MeetingKind.HMCI_APCC_CHAIR, None, hmicfrs_staff): [dt.date(2026, 2, 1), dt.date(2026, 5, 1)],
    }
    for (kind, subject, by), days in held.items():
        if subject is None:
            parties = [hmicfrs, apcc]
        elif kind == MeetingKind.OPCC_LIAISON:
            parties = [hmicfrs, subject]
        else:
            parties = [hmicfrs, office_of(subject).parent]
        for day in days:
            meeting_record(
                kind=kind,
                held_on=day,
                subject=subject,
                parties=parties,
                by=by,
                now=dt.datetime(2026, 8, 2, tzinfo=dt.UTC),
            )
    on = dt.date(2026, 6, 1)
    rows = cadence_rows(user=hmicfrs_staff, on=on)
    assert _row(rows, MeetingKind.HMI_PCC_FORMAL, force_a).last_held_on == dt.date(2026, 4, 2)  # not 1 August
    assert _row(rows, MeetingKind.HMI_PCC_FORMAL, force_b).last_held_on == dt.date(2025, 11, 20)
    assert _row(rows, MeetingKind.OPCC_LIAISON, office_of(force_a)).last_held_on == dt.date(2026, 3, 3)
    assert _row(rows, MeetingKind.OPCC_LIAISON, office_of(force_b)).last_held_on is None
    assert _row(rows, MeetingKind.HMCI_APCC_CHAIR, None).last_held_on == dt.date(2026, 5, 1)
    assert _row(rows, MeetingKind.COO_APCC_CHIEF_EXECUTIVE, None).last_held_on is None
    # The governance in force, the offices, and the last meetings of every pair.
    with django_assert_num_queries(3):
        cadence_rows_for_all(on=on)


def test_the_national_pairs_alone_are_read_in_one_query(apcc_lead, hmicfrs_staff, hmicfrs, apcc):
    meeting_record(
        kind=MeetingKind.COO_APCC_CHIEF_EXECUTIVE,
        held_on=dt.date(2026, 4, 9),
        subject=None,
        parties=[hmicfrs, apcc],
        by=hmicfrs_staff,
        now=dt.datetime(2026, 4, 10, tzinfo=dt.UTC),
    )
    rows = cadence_rows(user=apcc_lead, on=dt.date(2026, 6, 1))
    assert _row(rows, MeetingKind.COO_APCC_CHIEF_EXECUTIVE, None).last_held_on == dt.date(2026, 4, 9)
    assert _row(rows, MeetingKind.HMCI_APCC_CHAIR, None).last_held_on is None
