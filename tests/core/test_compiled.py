"""A query compiled once and run again with other values (hmicfrs_mou.compiled), and the person's scope
that uses it (inspections.access.scope_of): the rows are the ORM's own, for every value."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts.models import Assignment, AssignmentKind, Organisation, OrganisationKind
from hmicfrs_mou.compiled import CompiledQuery
from inspections import access

pytestmark = pytest.mark.django_db

DAYS = [dt.date(2020, 1, 1), dt.date(2025, 7, 2), dt.date(2025, 7, 3), dt.date(2026, 12, 3)]


def _assignments(person_id: int, on: dt.date):
    return (
        Assignment.objects.in_force(on)
        .filter(person_id=person_id)
        .order_by("pk")
        .values_list("pk", "subject_id")
    )


def test_the_rows_are_the_orms_for_each_value_given(hmi_a, liaison_lead_a, pcc_office_a):
    query = CompiledQuery(_assignments, person_id=int, on=dt.date)
    for person in (hmi_a, liaison_lead_a, pcc_office_a):
        for on in DAYS:
            assert query.rows(person_id=person.pk, on=on) == list(_assignments(person.pk, on)), (person, on)
    assert query.rows(person_id=hmi_a.pk, on=DAYS[-1])  # not empty: the HMI is assigned to force A


def test_it_is_compiled_once_and_read_in_one_query(hmi_a):
    query = CompiledQuery(_assignments, person_id=int, on=dt.date)
    query.rows(person_id=hmi_a.pk, on=DAYS[-1])
    with CaptureQueriesContext(connection) as queries:
        query.rows(person_id=hmi_a.pk, on=DAYS[0])
    assert len(queries.captured_queries) == 1


def test_two_placeholders_of_one_type_are_told_apart(hmi_a, force_a, force_b):
    query = CompiledQuery(
        lambda first, second: Organisation.objects.filter(pk__gte=first, pk__lte=second).values_list("pk"),
        first=int,
        second=int,
    )
    low, high = sorted((force_a.pk, force_b.pk))
    expected = list(Organisation.objects.filter(pk__gte=low, pk__lte=high).values_list("pk"))
    assert query.rows(first=low, second=high) == expected
    assert query.rows(first=high, second=low) == ([(low,)] if low == high else [])


def test_a_query_whose_sql_depends_on_the_values_is_refused(directory):
    def build(limit: int):
        # A different shape for different values: the compiled form of one would be wrong for the other.
        queryset = Organisation.objects.values_list("pk")
        return queryset.filter(pk__lt=limit) if limit % 2 else queryset.filter(pk__gt=limit, kind="x")

    with pytest.raises(ValueError, match="depends on its placeholders"):
        CompiledQuery(build, limit=int).rows(limit=5)


def test_a_placeholder_the_query_never_uses_is_refused(directory):
    query = CompiledQuery(lambda unused: Organisation.objects.values_list("pk"), unused=int)
    with pytest.raises(ValueError, match="reach no parameter"):
        query.rows(unused=1)


def test_every_placeholder_must_be_given_and_be_of_a_known_type(directory):
    query = CompiledQuery(_assignments, person_id=int, on=dt.date)
    with pytest.raises(TypeError):
        query.rows(person_id=1)
    with pytest.raises(TypeError):
        CompiledQuery(_assignments, person_id=str, on=dt.date)


def test_the_scope_read_compiled_is_the_scope_the_orm_reads(
    hmi_a, liaison_lead_a, pcc_office_a, chief_office_a, apcc_lead, force_b
):
    """inspections.access.scope_of: HMI areas, liaison offices, organisations acted for and areas governed,
    for each persona on each day (before and after their appointments began)."""
    for person in (hmi_a, liaison_lead_a, pcc_office_a, chief_office_a, apcc_lead):
        for on in DAYS:
            compiled = sorted(access._SCOPE_QUERY.rows(user_id=person.pk, on=on))
            assert compiled == sorted(access._scope_rows(person.pk, on)), (person, on)
    now = dt.datetime(2026, 12, 3, 12, tzinfo=dt.UTC)
    scope = access.scope_of(pcc_office_a, now, fresh=True)
    assert scope.governed
    assert scope.acted_for
    assert not scope.hmi_areas
    assert access.scope_of(hmi_a, now, fresh=True).hmi_areas
    assert Organisation.objects.filter(
        pk__in=access.scope_of(liaison_lead_a, now, fresh=True).liaison_offices, kind=OrganisationKind.OPCC
    ).exists()
    assert Assignment.objects.filter(person=hmi_a, kind=AssignmentKind.HMI).exists()


def test_a_build_that_derives_a_value_from_a_placeholder_is_refused_at_its_first_call(directory):
    """A year, or a branch on a date, compiles from the sentinels without complaint: the first calls are
    compared with the ORM's own compilation for their real values, and this one differs."""

    def by_year(on: dt.date):
        assignments = Assignment.objects.in_force(on)
        if on >= dt.date(2024, 1, 1):
            assignments = assignments.filter(kind=AssignmentKind.HMI)
        return assignments.filter(starts_on__year=on.year).values_list("pk")

    query = CompiledQuery(by_year, on=dt.date)
    with pytest.raises(ValueError, match="differs from the ORM"):
        query.rows(on=dt.date(2025, 7, 3))
    with pytest.raises(ValueError, match="differs from the ORM"):  # compiled again, refused again
        query.rows(on=dt.date(2025, 7, 3))


def test_a_value_derived_by_arithmetic_is_not_taken_for_another_placeholder(directory, force_a, force_b):
    query = CompiledQuery(
        lambda first, second: Organisation.objects.filter(pk__gte=first - 2, pk__lte=second).values_list(
            "pk"
        ),
        first=int,
        second=int,
    )
    with pytest.raises(ValueError, match="carries none of them"):
        query.rows(first=force_a.pk, second=force_b.pk)
