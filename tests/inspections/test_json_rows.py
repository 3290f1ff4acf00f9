"""Short lists read inside their record's query as JSON (hmicfrs_mou.json_rows), on SQLite and PostgreSQL:
the same rows, in the same order, with the same values as the ORM reads them, in one query."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models import OuterRef
from django.test.utils import CaptureQueriesContext

from contacts.models import Organisation, User
from hmicfrs_mou.json_rows import JSONRows, instances
from inspections.models import Inspection, Milestone

pytestmark = pytest.mark.django_db


def with_lists(queryset):
    return queryset.annotate(
        area_list=JSONRows(
            Organisation.objects.filter(inspections=OuterRef("pk")).order_by("name", "pk"),
            "id",
            "name",
            "kind",
        ),
        member_list=JSONRows(
            User.objects.filter(inspection_teams=OuterRef("pk")).order_by("last_name", "pk"),
            "id",
            "username",
            "first_name",
            "last_name",
            "date_joined",
            "is_active",
        ),
        milestone_list=JSONRows(
            Milestone.objects.filter(inspection=OuterRef("pk")).order_by("starts_on", "pk"),
            "id",
            "inspection",
            "name",
            "starts_on",
            "ends_on",
        ),
    )


def test_the_lists_come_back_as_the_orm_reads_them_in_one_query(peel_a, thematic, hmi_a, other_hmi):
    joined = dt.datetime(2026, 3, 29, 0, 30, 15, 123456, tzinfo=dt.UTC)  # the night the clocks went forward
    User.objects.filter(pk=other_hmi.pk).update(date_joined=joined, last_name="Aardvark", is_active=False)
    thematic.team.set([hmi_a, other_hmi])
    peel_a.team.clear()
    Milestone.objects.filter(inspection=peel_a).delete()  # the empty lists
    Milestone.objects.create(inspection=thematic, name="Fieldwork", starts_on=dt.date(2026, 9, 1))
    Milestone.objects.create(
        inspection=thematic,
        name="Document request",
        starts_on=dt.date(2026, 7, 1),
        ends_on=dt.date(2026, 7, 31),
    )
    assert connection.features.supports_json_field  # asked once a process (SQLite asks the database)
    with CaptureQueriesContext(connection) as captured:
        read = {inspection.pk: inspection for inspection in with_lists(Inspection.objects.all())}
    assert len(captured.captured_queries) == 1
    for inspection in (peel_a, thematic):
        got = read[inspection.pk]
        areas = instances(Organisation, got.area_list)
        assert areas == list(inspection.areas.order_by("name", "pk"))
        assert [(a.name, a.kind) for a in areas] == list(
            inspection.areas.order_by("name", "pk").values_list("name", "kind")
        )
        members = instances(User, got.member_list)
        expected = list(inspection.team.order_by("last_name", "pk"))
        assert members == expected
        assert [(m.username, m.date_joined, m.is_active) for m in members] == [
            (m.username, m.date_joined, m.is_active) for m in expected
        ]
        milestones = instances(Milestone, got.milestone_list)
        assert [(m.pk, m.inspection_id, m.name, m.starts_on, m.ends_on) for m in milestones] == list(
            inspection.milestones.order_by("starts_on", "pk").values_list(
                "pk", "inspection_id", "name", "starts_on", "ends_on"
            )
        )
    assert [m.name for m in instances(Milestone, read[thematic.pk].milestone_list)] == [
        "Document request",
        "Fieldwork",
    ]
    assert read[peel_a.pk].member_list == read[peel_a.pk].milestone_list == []
    assert instances(User, read[peel_a.pk].member_list) == []
    aardvark = instances(User, read[thematic.pk].member_list)[0]
    assert (aardvark, aardvark.date_joined, aardvark.is_active) == (other_hmi, joined, False)
    assert aardvark.date_joined.utcoffset() == dt.timedelta(0)


def test_a_list_needs_its_fields():
    with pytest.raises(ValueError, match="needs the fields"):
        JSONRows(Milestone.objects.all())
