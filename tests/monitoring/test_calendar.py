"""M4, M7: PPOG/FPOG meetings in the calendar feed of those who attend, read back with vobject.

The APCC's joint performance leads and a deputy they nominated, the HMI for the area and the area's
PCC's and chief's offices see the meeting on its day; other HMICFRS staff, another area's office and
an APCC member who is not a lead do not.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
import vobject
from django.urls import reverse

from tests.monitoring.conftest import HELD_ON, NOMINATED_AT, SCHEDULED_AT

pytestmark = pytest.mark.django_db

AFTER_SCHEDULING = SCHEDULED_AT + dt.timedelta(hours=1)


def _events(client_for, user, at: dt.datetime) -> dict[str, object]:
    client_for(user).post(reverse("calendar-regenerate"))
    user.refresh_from_db()
    with time_machine.travel(at, tick=False):
        response = client_for(None).get(reverse("calendar-feed", kwargs={"token": user.calendar_token}))
    assert response.status_code == 200
    calendar = vobject.readOne(response.content.decode())
    return {str(event.uid.value): event for event in calendar.contents.get("vevent", [])}


@pytest.mark.parametrize("person", ["apcc_lead", "hmi_a", "pcc_office_a", "chief_office_a"])
def test_m4_those_who_attend_see_the_meeting_on_its_day(client_for, meeting, request, person):
    event = _events(client_for, request.getfixturevalue(person), AFTER_SCHEDULING)[
        f"oversight-meeting-{meeting.pk}@mou-portal"
    ]
    assert event.dtstart.value == HELD_ON
    assert event.dtend.value == HELD_ON + dt.timedelta(days=1)
    assert event.summary.value == "PPOG meeting: Avon and Somerset Constabulary"
    assert event.url.value.endswith(reverse("monitoring:meeting", args=[meeting.pk]))


@pytest.mark.parametrize("person", ["pcc_office_b", "other_hmi", "hmicfrs_staff", "apcc_deputy"])
def test_m4_others_do_not(client_for, meeting, request, person):
    events = _events(client_for, request.getfixturevalue(person), AFTER_SCHEDULING)
    assert f"oversight-meeting-{meeting.pk}@mou-portal" not in events


def test_m7_a_nominated_deputy_sees_the_meeting_once_nominated(client_for, held_meeting, apcc_deputy):
    events = _events(client_for, apcc_deputy, NOMINATED_AT + dt.timedelta(days=2))
    assert events[f"oversight-meeting-{held_meeting.pk}@mou-portal"].dtstart.value == HELD_ON
