"""Records built once for a module (tests.conftest.module_db) are there for each of its tests, and what one
test writes is gone before the next: each test still runs in its own savepoint.

Every test here starts by checking the module's baseline, so whichever runs after another finds that one's
writes leaked, in whatever order the worker runs them.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from contacts.models import Appointment, Organisation, OrganisationKind, Role, User
from tests.conftest import make_person, org

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def built(module_db: None, django_db_blocker: Any) -> dict[str, int]:
    with django_db_blocker.unblock():
        person = make_person("built_once", org(OrganisationKind.HMICFRS, "hmicfrs"), Role.HMI)
        return {"person": person.pk, "people": User.objects.count(), "areas": Organisation.objects.count()}


def _appointments(person: int) -> int:
    return Appointment.objects.filter(person_id=person).count()


@pytest.mark.parametrize("step", ["first", "second", "third"])
def test_each_test_finds_the_modules_records_and_none_of_another_tests_writes(built, step):
    # The module's transaction, and this test's savepoint inside it.
    assert len(connection.atomic_blocks) == 2
    assert User.objects.filter(pk=built["person"], username="built_once").exists()
    assert (User.objects.count(), Organisation.objects.count()) == (built["people"], built["areas"])
    assert User.objects.get(pk=built["person"]).first_name == "Built Once"
    assert _appointments(built["person"]) == 1
    # Writes of every kind a test makes: a new row, a change to a module row, a deletion.
    make_person(f"written_by_{step}", org(OrganisationKind.HMICFRS, "hmicfrs"), Role.INSPECTION_STAFF)
    User.objects.filter(pk=built["person"]).update(first_name=step)
    Appointment.objects.filter(person_id=built["person"]).delete()
    assert (User.objects.count(), _appointments(built["person"])) == (built["people"] + 1, 0)
