"""How a list names the areas of each row (contacts/area_names.py): a few by name, a thematic inspection's
by count of each kind with the reader's own named, read in one query of ids, kinds and names; and the two
lists that show them (the HMI's inspections, the office's "inspections in my area")."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.area_names import NAMED_IN_FULL, areas_of, describe
from contacts.models import Organisation, OrganisationKind
from inspections.models import Inspection, InspectionKind
from inspections.services import inspection_create
from tests.inspections import test_workspace_views as workspace
from tests.inspections.test_workspace_views import CREATED, get

pytestmark = pytest.mark.django_db

# The workspace tests' lead HMI (reused, not copied): an HMI with no force of their own.
lead = workspace.lead

FORCE, SERVICE = OrganisationKind.POLICE_FORCE, OrganisationKind.FIRE_RESCUE_SERVICE


def test_a_few_areas_are_named_in_full_in_the_order_given():
    areas = [(pk, FORCE, f"Force {pk}") for pk in range(1, NAMED_IN_FULL + 1)]
    assert describe(areas, own=set()) == ", ".join(f"Force {pk}" for pk in range(1, NAMED_IN_FULL + 1))


def test_more_areas_are_counted_by_kind_with_the_readers_own_named():
    forces = [(pk, FORCE, f"Force {pk}") for pk in range(1, 44)]
    assert describe(forces, own={7}) == "43 police forces, including Force 7"
    assert describe(forces, own=set()) == "43 police forces"
    assert describe(forces, own={100}) == "43 police forces"  # not among them: not named
    mixed = [*forces[:4], (50, SERVICE, "Service 50")]
    assert describe(mixed, own={50, 2}) == (
        "4 police forces and 1 fire and rescue service, including Force 2 and Service 50"
    )
    services = [(pk, SERVICE, f"Service {pk}") for pk in range(1, 45)]
    assert describe(services, own=set()) == "44 fire and rescue services"


def _thematic(lead, areas: list[Organisation]) -> Inspection:
    return inspection_create(
        kind=InspectionKind.THEMATIC,
        title="Thematic: custody across England and Wales",
        areas=areas,
        lead=lead,
        by=lead,
        now=CREATED,
    )


def test_the_names_of_each_row_come_from_one_query(lead, force_a, force_b):
    forces = list(Organisation.objects.filter(kind=FORCE).order_by("name"))
    assert len(forces) > NAMED_IN_FULL
    wide = _thematic(lead, forces)
    narrow = _thematic(lead, [force_b, force_a])
    with CaptureQueriesContext(connection) as queries:
        areas = areas_of(Inspection.areas.through, "inspection", [wide.pk, narrow.pk])
    assert len(queries) == 1
    assert [pk for pk, _, _ in areas[narrow.pk]] == [force_a.pk, force_b.pk]  # by name: Avon before Kent
    assert describe(areas[wide.pk], {force_a.pk}) == f"{len(forces)} police forces, including {force_a.name}"
    assert describe(areas[narrow.pk], {force_a.pk}) == ", ".join(sorted([force_a.name, force_b.name]))


def test_the_office_sees_a_thematic_inspection_counted_with_its_own_force_named(
    lead, force_a, force_b, chief_office_a
):
    """'Inspections in my area' for the chief's office of force A: the thematic inspection of every force
    names force A and counts the rest; no other force's name is printed for it."""
    forces = list(Organisation.objects.filter(kind=FORCE))
    _thematic(lead, forces)
    page = get(chief_office_a, reverse("inspections:my-area"), CREATED).content.decode()
    assert f"{len(forces)} police forces, including {force_a.name}" in page
    assert force_b.name not in page


def test_the_hmi_list_counts_a_thematic_inspection_and_names_the_hmis_own_area(hmi_a, lead, force_a, force_b):
    forces = list(Organisation.objects.filter(kind=FORCE))
    _thematic(lead, forces)
    page = get(hmi_a, reverse("inspections:list"), CREATED).content.decode()
    assert f"{len(forces)} police forces, including {force_a.name}" in page
    assert force_b.name not in page


def test_the_searches_count_a_thematic_reports_areas_and_name_the_hmis_own(hmi_a, lead, force_a, force_b):
    """The reports search and the portal search name a report's areas as the inspection lists do."""
    from inspections.models import ReportKind
    from inspections.services import report_create

    forces = list(Organisation.objects.filter(kind=FORCE))
    report_create(
        inspection=_thematic(lead, forces),
        kind=ReportKind.OTHER,
        title="Custody across England and Wales",
        summary="How forces run custody suites.",
        body="Custody suites.",
        areas=forces,
        interested_parties=[force_a],
        by=lead,
        now=CREATED,
    )
    counted = f"{len(forces)} police forces, including {force_a.name}"
    for url in (reverse("inspections:search") + "?q=custody", reverse("search") + "?q=custody"):
        page = get(hmi_a, url, CREATED).content.decode()
        assert counted in page, url
        assert force_b.name not in page, url


def test_the_lists_ask_as_many_queries_for_a_thematic_inspection_as_for_one_of_two_areas(
    hmi_a, chief_office_a, lead, force_a, force_b
):
    """The areas are read in one query for the page, however many each row covers."""
    from django.test import Client

    _thematic(lead, [force_a, force_b])
    pages = ((hmi_a, reverse("inspections:list")), (chief_office_a, reverse("inspections:my-area")))

    def queries() -> list[int]:
        counts = []
        for user, url in pages:
            client = Client()
            client.force_login(user)
            client.get(url)  # the first request reads the session and the person's scope once
            with CaptureQueriesContext(connection) as asked:
                assert client.get(url).status_code == 200
            counts.append(len(asked))
        return counts

    narrow = queries()
    _thematic(lead, list(Organisation.objects.filter(kind=FORCE)))
    assert queries() == narrow
