"""A query compiled once and run again with other values (hmicfrs_mou.compiled), and the person's scope
that uses it (inspections.access.scope_of): the rows are the ORM's own, for every value."""

from __future__ import annotations

import datetime as dt
from typing import cast

import pytest
from django.db import connection
from django.db.models import F
from django.db.models.sql import UpdateQuery
from django.test.utils import CaptureQueriesContext

from contacts.models import Assignment, AssignmentKind, Organisation, OrganisationKind, User
from contacts.selectors import _appointments_of as appointments_of
from contacts.selectors import appointments_in_force
from hmicfrs_mou import compiled
from hmicfrs_mou.compiled import CompiledQuery
from hmicfrs_mou.deadlines import LONDON
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
        CompiledQuery(_assignments, person_id=float, on=dt.date)


def test_strings_and_moments_are_placeholders_too(hmi_a, pcc_office_a):
    """A string and an aware moment (adapted as the ORM adapts a DateTimeField: on SQLite, text in UTC; a London
    summer moment an hour from its clock time) are filled in as the ORM's own compilation has them, and read
    the ORM's rows."""
    joined = dt.datetime(2025, 7, 2, 9, 30, tzinfo=dt.UTC)
    User.objects.filter(pk=hmi_a.pk).update(date_joined=joined)
    User.objects.filter(pk=pcc_office_a.pk).update(date_joined=joined + dt.timedelta(days=1))

    def joined_by(name: str, at: dt.datetime):
        return User.objects.filter(username=name, date_joined__lte=at).values_list("pk")

    query = CompiledQuery(joined_by, name=str, at=dt.datetime)
    for name, at in (
        (hmi_a.username, joined),
        (pcc_office_a.username, joined),
        (pcc_office_a.username, joined + dt.timedelta(days=1)),
        (hmi_a.username, joined - dt.timedelta(microseconds=1)),
        (hmi_a.username, dt.datetime(2025, 7, 2, 10, 30, tzinfo=LONDON)),  # 09:30 UTC, British Summer Time
        (hmi_a.username, dt.datetime(2025, 7, 2, 10, 29, 59, tzinfo=LONDON)),
    ):
        assert query.rows(name=name, at=at) == list(joined_by(name, at))
        sql, params = joined_by(name, at).query.get_compiler(connection.alias).as_sql()
        assert query.sql(name=name, at=at) == (sql, list(params))
    assert query.rows(name=pcc_office_a.username, at=joined) == []
    assert query.rows(name=hmi_a.username, at=joined) == [(hmi_a.pk,)]


def test_a_naive_moment_is_taken_as_london_time_as_the_orm_takes_it(monkeypatch, hmi_a):
    """A naive moment, whatever the season, is made aware in London time as a model's DateTimeField makes it
    (with the ORM's warning): filled in unchecked (CHECKED_CALLS 0), it is what the ORM would send."""
    monkeypatch.setattr(compiled, "CHECKED_CALLS", 0)

    def joined_by(at: dt.datetime):
        return User.objects.filter(date_joined__lte=at).values_list("pk")

    query = CompiledQuery(joined_by, at=dt.datetime)
    # Naive on purpose: what a caller that forgot the zone gives.
    for naive in (dt.datetime(2026, 1, 16, 8, 0), dt.datetime(2026, 6, 16, 8, 0)):  # noqa: DTZ001
        with pytest.warns(RuntimeWarning):
            expected_sql, expected = joined_by(naive).query.get_compiler(connection.alias).as_sql()
        with pytest.warns(RuntimeWarning):
            assert query.sql(at=naive) == (expected_sql, list(expected))


def test_a_lookup_that_escapes_its_string_is_refused_or_follows_the_orm(
    monkeypatch, directory, hmi_a, pcc_office_a
):
    """`contains` wraps and escapes its string, and `iexact` escapes it on SQLite (a LIKE): the sentinel's own
    % _ and backslash come out changed, so compiling refuses, rather than filling in "a_b" or "%" unescaped
    (which matched "axb", or every name). Where the lookup leaves the string as it is (`iexact` on
    PostgreSQL), the compiled query reads the ORM's rows. Unchecked (CHECKED_CALLS 0), so the refusal is the
    compilation's own, not a checked call's."""
    monkeypatch.setattr(compiled, "CHECKED_CALLS", 0)
    User.objects.filter(pk=hmi_a.pk).update(username="a_b")
    User.objects.filter(pk=pcc_office_a.pk).update(username="axb")
    with pytest.raises(ValueError, match="carries none"):
        CompiledQuery(
            lambda name: User.objects.filter(username__contains=name).values_list("pk"), name=str
        ).rows(name="a_b")

    def named(name: str):
        return User.objects.filter(username__iexact=name).order_by("pk").values_list("pk")

    query = CompiledQuery(named, name=str)
    if connection.vendor == "sqlite":
        with pytest.raises(ValueError, match="carries none"):
            query.rows(name="a_b")
        return
    for name in ("a_b", "axb", "%", "A_B", "a\\_b"):
        assert query.rows(name=name) == list(named(name))


def test_an_update_is_compiled_for_its_sql_and_never_read_for_rows(hmi_a):
    """An UPDATE's query compiles like a queryset (its SET value and its lookup are placeholders); asked for
    rows it refuses before anything runs, rather than running the UPDATE and then finding no rows to read."""

    def rename(pk: int, name: str) -> UpdateQuery:
        query = cast(UpdateQuery, User.objects.filter(pk=pk).query.chain(UpdateQuery))
        query.add_update_values({"first_name": name})
        return query

    query = CompiledQuery(rename, pk=int, name=str)
    expected_sql, expected = rename(hmi_a.pk, "Ada").get_compiler(connection.alias).as_sql()
    assert query.sql(pk=hmi_a.pk, name="Ada") == (expected_sql, list(expected))
    for read in (query.rows, lambda **values: query.instances(User.objects, **values)):
        with pytest.raises(TypeError, match="UPDATE"):
            read(pk=hmi_a.pk, name="Ada")
    assert User.objects.get(pk=hmi_a.pk).first_name == hmi_a.first_name
    with connection.cursor() as cursor:
        cursor.execute(*query.sql(pk=hmi_a.pk, name="Ada"))
    assert User.objects.get(pk=hmi_a.pk).first_name == "Ada"


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


def _fields(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def test_objects_are_the_querysets_own_with_their_select_related_objects(
    hmi_a, pcc_office_a, chief_office_a, liaison_lead_a
):
    """The person's appointments (contacts.selectors.appointments_in_force): each field converted as the ORM
    converts it (dates on SQLite too), the organisation and its parent attached, a parent-less one None."""
    query = CompiledQuery(appointments_of, person_id=int, on=dt.date)
    seen_parent = seen_no_parent = False
    for person in (hmi_a, pcc_office_a, chief_office_a, liaison_lead_a):
        for on in DAYS:
            expected = list(appointments_of(person.pk, on))
            built = query.objects(person_id=person.pk, on=on)
            assert [_fields(a) for a in built] == [_fields(a) for a in expected], (person, on)
            for got, want in zip(built, expected, strict=True):
                assert isinstance(got.starts_on, dt.date)
                assert _fields(got.organisation) == _fields(want.organisation)
                parent = want.organisation.parent
                with CaptureQueriesContext(connection) as queries:
                    got_parent = got.organisation.parent  # attached: no query
                assert queries.captured_queries == []
                assert (got_parent and _fields(got_parent)) == (parent and _fields(parent))
                seen_parent |= parent is not None
                seen_no_parent |= parent is None
    # An OPCC (whose parent is its PCC) and HMICFRS (none) were both among them.
    assert seen_parent
    assert seen_no_parent


def test_objects_carry_annotations_and_refuse_a_query_of_values(hmi_a, force_a):
    query = CompiledQuery(
        lambda person_id: Assignment.objects.filter(person_id=person_id).annotate(twice=F("subject_id") * 2),
        person_id=int,
    )
    (assignment,) = query.objects(person_id=hmi_a.pk)
    assert (assignment.subject_id, assignment.twice) == (force_a.pk, force_a.pk * 2)
    values = CompiledQuery(_assignments, person_id=int, on=dt.date)
    with pytest.raises(TypeError, match="values"):
        values.objects(person_id=hmi_a.pk, on=DAYS[-1])


def test_the_persons_appointments_are_read_compiled_once_a_request(hmi_a):
    """appointments_in_force: one query, the same appointments as the ORM's, kept on the user for the day."""
    user = User.objects.get(pk=hmi_a.pk)
    appointments_in_force(user, DAYS[-1])  # compiled
    user = User.objects.get(pk=hmi_a.pk)
    with CaptureQueriesContext(connection) as queries:
        first = appointments_in_force(user, DAYS[-1])
        again = appointments_in_force(user, DAYS[-1])
        organisation = first[0].organisation.name
    assert len(queries.captured_queries) == 1
    assert first is again
    assert [_fields(a) for a in first] == [_fields(a) for a in appointments_of(hmi_a.pk, DAYS[-1])]
    assert organisation
