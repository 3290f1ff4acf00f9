"""Who writes to the directory and records the standing meetings (C1–C3), one row per writing service.

The directory (appointments, assignments, governance) is kept by its administrators (the model's change
permission), or by a system process passing no person; the C1–C3 meetings are recorded by HMICFRS staff
(national), the HMI for the force or FRS (C2), the liaison lead for the OPCC (C3). Each service is tried
with another role and with the same role elsewhere: refused, with a plain message and nothing written;
then the right party succeeds in the same world.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Any

import pytest
from django.contrib.auth.models import Permission

from contacts import services as s
from contacts.models import Appointment, Assignment, AssignmentKind, MeetingKind, Role, User
from hmicfrs_mou.deadlines import LONDON
from tests.conftest import APPOINTED, make_person, office_of
from tests.wrong_actor import Row, cases, refused_for_actor, try_row

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 4, 11, 30, tzinfo=LONDON)
HELD_ON = dt.date(2026, 3, 3)


class World:
    def __init__(self, request: pytest.FixtureRequest) -> None:
        self.request = request

    def __getattr__(self, name: str) -> Any:
        return self.request.getfixturevalue(name)

    @cached_property
    def directory_admin(self) -> User:
        """An administrator of the directory: holds the appointment model's change permission."""
        person = User.objects.create_user(username="directory_admin", password="correct-horse-battery-staple")
        person.user_permissions.add(Permission.objects.get(codename="change_appointment"))
        return User.objects.get(pk=person.pk)

    @cached_property
    def staff_without_permission(self) -> User:
        """Staff status (the admin's door) without the directory permission: not an administrator of it."""
        return User.objects.create_user(username="staff_only", password="x-" * 8, is_staff=True)

    @cached_property
    def liaison_lead_b(self) -> User:
        return make_person(
            "liaison_b",
            self.hmicfrs,
            Role.LIAISON_LEAD,
            **{AssignmentKind.LIAISON_LEAD: [office_of(self.force_b)]},
        )

    @cached_property
    def former_staff(self) -> User:
        person = make_person("former_staff", self.hmicfrs, Role.INSPECTION_STAFF)
        Appointment.objects.filter(person=person).update(ends_on=dt.date(2026, 3, 1))
        return person

    @cached_property
    def newcomer(self) -> User:
        return User.objects.create_user(username="newcomer", password="correct-horse-battery-staple")

    @cached_property
    def appointment(self) -> Appointment:
        return s.appointment_start(
            person=self.newcomer,
            organisation=self.force_a,
            role=Role.CHIEF_OFFICER_STAFF,
            starts_on=APPOINTED,
        )


ROWS = [
    Row(
        "contacts.services.appointment_start",
        "",
        "directory_admin",
        ("hmi_a", "staff_without_permission"),
        lambda w: (
            lambda p, o: (
                lambda by: s.appointment_start(
                    person=p, organisation=o, role=Role.CHIEF_OFFICER_STAFF, starts_on=APPOINTED, by=by
                )
            )
        )(w.newcomer, w.force_a),
    ),
    Row(
        "contacts.services.appointment_end",
        "",
        "directory_admin",
        ("pcc_office_a", "staff_without_permission"),
        lambda w: (lambda a: lambda by: s.appointment_end(appointment=a, ends_on=dt.date(2026, 4, 1), by=by))(
            w.appointment
        ),
    ),
    Row(
        "contacts.services.assignment_start",
        "",
        "directory_admin",
        ("hmi_a", "staff_without_permission"),
        lambda w: (
            lambda p, area: (
                lambda by: s.assignment_start(
                    person=p, kind=AssignmentKind.HMI, subject=area, starts_on=APPOINTED, by=by
                )
            )
        )(w.other_hmi, w.force_a),
    ),
    Row(
        "contacts.services.governance_change",
        "",
        "directory_admin",
        ("pcc_office_a", "staff_without_permission"),
        lambda w: (
            lambda area, body: (
                lambda by: s.governance_change(
                    area=area, body=body, model="pcc", starts_on=dt.date(2026, 5, 7), by=by
                )
            )
        )(w.force_a, office_of(w.force_a).parent),
    ),
    Row(
        "contacts.services.meeting_record",
        "c2",
        "hmi_a",
        ("pcc_office_a", "other_hmi"),
        lambda w: (
            lambda area: (
                lambda by: s.meeting_record(
                    kind=MeetingKind.HMI_PCC_FORMAL,
                    held_on=HELD_ON,
                    subject=area,
                    notes="Met.",
                    by=by,
                    now=NOW,
                )
            )
        )(w.force_a),
    ),
    Row(
        "contacts.services.meeting_record",
        "c3",
        "liaison_lead_a",
        ("pcc_office_a", "liaison_lead_b"),
        lambda w: (
            lambda office: (
                lambda by: s.meeting_record(
                    kind=MeetingKind.OPCC_LIAISON,
                    held_on=HELD_ON,
                    subject=office,
                    notes="Met.",
                    by=by,
                    now=NOW,
                )
            )
        )(office_of(w.force_a)),
    ),
    Row(
        "contacts.services.meeting_record",
        "c1",
        "hmicfrs_staff",
        ("apcc_lead", "former_staff"),
        lambda w: (
            lambda by: s.meeting_record(
                kind=MeetingKind.HMCI_APCC_CHAIR, held_on=HELD_ON, subject=None, notes="Met.", by=by, now=NOW
            )
        ),
    ),
]


@pytest.mark.parametrize(("row", "wrong"), cases(ROWS))
def test_each_directory_write_refuses_the_wrong_actor_and_writes_nothing(
    row: Row, wrong: str, request
) -> None:
    try_row(row, wrong, World(request))


@pytest.mark.wrong_actor("contacts.services.meeting_record")
def test_c2_an_hmi_is_judged_at_that_moment(request) -> None:
    """The HMI for force A whose assignment ended on 4 March cannot record a C2 meeting on the 5th."""
    world = World(request)
    hmi_a, force_a = world.hmi_a, world.force_a
    Assignment.objects.filter(person=hmi_a).update(ends_on=dt.date(2026, 3, 4))
    error = refused_for_actor(
        lambda: s.meeting_record(
            kind=MeetingKind.HMI_PCC_FORMAL,
            held_on=HELD_ON,
            subject=force_a,
            by=hmi_a,
            now=NOW + dt.timedelta(days=1),
        )
    )
    assert error.messages == ["Only the HMI for Avon and Somerset Constabulary can record this meeting."]
