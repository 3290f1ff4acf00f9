"""Recording meetings (C1–C3): bad input gets a clear message and changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from contacts import views as contacts_views
from contacts.models import Meeting, MeetingKind
from hmicfrs_mou.models import AuditAction, AuditEvent
from tests.conftest import office_of

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 6, 15, 10, tzinfo=dt.UTC)


def _form(subject, parties, day=(10, 6, 2026), **extra):
    data = {
        "kind": MeetingKind.HMI_PCC_FORMAL,
        "held_on_0": str(day[0]),
        "held_on_1": str(day[1]),
        "held_on_2": str(day[2]),
        "subject": str(subject.pk) if subject else "",
        "parties": [str(p.pk) for p in parties],
        "notes": "Discussed PEEL.",
    }
    data.update(extra)
    return data


@time_machine.travel(TODAY, tick=False)
def test_hmi_records_a_c2_meeting_and_it_is_audited(client_for, hmi_a, hmicfrs, force_a):
    body = office_of(force_a).parent
    response = client_for(hmi_a).post(reverse("contacts:meeting-new"), _form(force_a, [hmicfrs, body]))
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("contacts:meeting", kwargs={"pk": meeting.pk})
    assert meeting.held_on == dt.date(2026, 6, 10)
    assert set(meeting.parties.all()) == {hmicfrs, body}
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_id=str(meeting.pk), actor=hmi_a
    ).exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"day": (16, 6, 2026)}, "A meeting can only be recorded once it has been held"),
        ({"day": (31, 2, 2026)}, "The date must be a real date"),
        ({"day": ("", 6, 2026)}, "The date must include a day"),
        ({"subject": None}, "Choose the force or FRS the HMI and PCC met about."),
        ({"kind": "opcc_liaison"}, "Choose the OPCC whose chief executive met the liaison lead."),
        ({"forged_subject": True}, "Select a valid choice."),
        ({"kind": "tea_party"}, "Select a valid choice. tea_party is not one of the available choices."),
    ],
)
@time_machine.travel(TODAY, tick=False)
def test_bad_meeting_input_is_refused_and_nothing_is_saved(
    client_for, hmi_a, hmicfrs, force_a, change, message
):
    body = office_of(force_a).parent
    data = _form(
        None if "subject" in change else force_a,
        change.get("parties", [hmicfrs, body]),
        change.get("day", (10, 6, 2026)),
    )
    if change.get("forged_subject"):
        data["subject"] = "999999"
    if "kind" in change:
        data["kind"] = change["kind"]
    client = client_for(hmi_a)
    events_before = AuditEvent.objects.count()
    response = client.post(reverse("contacts:meeting-new"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert response.context["form"].errors
    assert not Meeting.objects.exists()
    assert AuditEvent.objects.count() == events_before


@time_machine.travel(TODAY, tick=False)
def test_a_national_meeting_cannot_name_a_force(client_for, hmi_a, hmicfrs, apcc, force_a):
    data = _form(force_a, [hmicfrs, apcc], kind=MeetingKind.HMCI_APCC_CHAIR)
    response = client_for(hmi_a).post(reverse("contacts:meeting-new"), data)
    assert "A national meeting is not about one force, FRS or OPCC." in response.content.decode()
    assert not Meeting.objects.exists()


def test_opcc_staff_cannot_post_a_meeting(client_for, pcc_office_a, hmicfrs, force_a):
    response = client_for(pcc_office_a).post(reverse("contacts:meeting-new"), _form(force_a, [hmicfrs]))
    assert response.status_code == 403
    assert not Meeting.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_the_meetings_list_counts_no_further_than_its_cap(client_for, hmi_a, hmicfrs, force_a, monkeypatch):
    """The list's count stops at MEETINGS_COUNT_CAP (the years of meetings would make it grow): its pages go
    as far as the cap, newest first."""
    monkeypatch.setattr(contacts_views, "MEETINGS_COUNT_CAP", 1)
    body = office_of(force_a).parent
    for day in ((1, 6, 2026), (8, 6, 2026)):
        assert (
            client_for(hmi_a)
            .post(reverse("contacts:meeting-new"), _form(force_a, [hmicfrs, body], day=day))
            .status_code
            == 302
        )
    page = client_for(hmi_a).get(reverse("contacts:meetings")).content.decode()
    assert "8 June 2026" in page
    assert "1 June 2026" not in page
    monkeypatch.setattr(contacts_views, "MEETINGS_COUNT_CAP", 2_500)
    page = client_for(hmi_a).get(reverse("contacts:meetings")).content.decode()
    assert "8 June 2026" in page
    assert "1 June 2026" in page
