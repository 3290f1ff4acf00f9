"""PPOG/FPOG pages (M4, M7, M9, D6), improvement plans (M4) and the Engage toolkit (M8).

Force A (Avon and Somerset Police) enters Engage through the services; the pages are then driven
as each persona. The timeline (Europe/London, spring 2026; Good Friday is 3 April, Easter Monday
6 April):

  ADVISED     Mon  2 March 09:00 GMT   hmi_a advises HMCI
  DECIDED     Tue  3 March 10:00 GMT   HMCI decides: Engage (the period starts that day)
  TOLD        Wed  4 March 11:00 GMT   hmi_a tells the PCC personally
  ANNOUNCED   Thu  5 March 09:00 GMT   the decision is announced
  SCHEDULING  Mon  9 March 10:00 GMT   hmi_a schedules the PPOG for Wed 1 April
  HELD        Wed  1 April 17:00 BST   the PPOG is held; an offer of assistance is made
  DUE         end of Fri 10 April      D6: 1 April + 5 working days, skipping both Easter bank holidays
  ON_TIME     Thu  9 April 10:00 BST
  LATE        Mon 13 April 10:00 BST   three days after the last day
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfWriter

from contacts.models import Organisation, OrganisationKind, Role, User
from hmicfrs_mou.deadlines import LONDON
from hmicfrs_mou.models import AuditAction, AuditEvent
from monitoring.models import (
    Attendance,
    DeputyNomination,
    EngageCase,
    FollowUp,
    ImprovementPlanVersion,
    MeetingAction,
    OversightMeeting,
    PlanNote,
    PlanNoteKind,
    ToolkitSending,
    ToolkitVersion,
)
from monitoring.services import (
    AttendanceInput,
    CauseInput,
    action_add,
    case_advise,
    case_announce,
    case_decide,
    case_record_pcc_informed,
    meeting_record_held,
    meeting_schedule,
    plan_note_add,
    plan_submit,
    toolkit_send,
    toolkit_upload,
)
from tests.conftest import make_person
from tests.core.test_no_rule_codes import visible_text

pytestmark = pytest.mark.django_db

ADVISED = dt.datetime(2026, 3, 2, 9, tzinfo=LONDON)
DECIDED = dt.datetime(2026, 3, 3, 10, tzinfo=LONDON)
TOLD = dt.datetime(2026, 3, 4, 11, tzinfo=LONDON)
ANNOUNCED = dt.datetime(2026, 3, 5, 9, tzinfo=LONDON)
SCHEDULING = dt.datetime(2026, 3, 9, 10, tzinfo=LONDON)
MEETING_DAY = dt.date(2026, 4, 1)
HELD = dt.datetime(2026, 4, 1, 17, tzinfo=LONDON)
ON_TIME = dt.datetime(2026, 4, 9, 10, tzinfo=LONDON)
LATE = dt.datetime(2026, 4, 13, 10, tzinfo=LONDON)
DUE_TEXT = "By the end of Friday 10 April 2026"
M7_REFUSAL = (
    "An APCC joint performance portfolio lead, or a deputy a lead nominated for this meeting, must attend"
)
M9_REFUSAL = "The follow-up must be copied to HM Chief Inspector"


# --- Helpers ------------------------------------------------------------------------------------------


def travel(moment: dt.datetime):
    return time_machine.travel(moment, tick=False)


def client(user: User | None) -> Client:
    browser = Client()
    if user is not None:
        browser.force_login(user)
    return browser


def get(user: User | None, url: str, moment: dt.datetime, **kwargs):
    with travel(moment):
        return client(user).get(url, **kwargs)


def post(user: User | None, url: str, data: dict, moment: dt.datetime, **kwargs):
    with travel(moment):
        return client(user).post(url, data, **kwargs)


def date_fields(name: str, day: dt.date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_upload(name: str = "plan.pdf", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, pdf_bytes() if content is None else content, content_type="application/pdf"
    )


def denied(object_type: str, object_id: object) -> bool:
    return AuditEvent.objects.filter(
        action=AuditAction.DENIED, object_type=object_type, object_id=str(object_id)
    ).exists()


def text_of(response) -> str:
    return response.content.decode()


# --- Fixtures -----------------------------------------------------------------------------------------


@pytest.fixture
def hmci(hmicfrs: Organisation) -> User:
    return make_person("hmci", hmicfrs, Role.HMCI)


@pytest.fixture
def apcc_staff(apcc: Organisation) -> User:
    """Someone at the APCC who is not a joint performance portfolio lead (a possible deputy, M7)."""
    return make_person("apcc_staff", apcc, Role.APCC_STAFF)


@pytest.fixture
def case_a(force_a, hmi_a, hmci, pcc_office_a, chief_office_a, apcc_lead) -> EngageCase:
    """Force A in Engage, announced, built through the services (M4–M6)."""
    case = case_advise(
        area=force_a,
        advice="Place the force in Engage.",
        evidence="Crime recording has not improved.",
        causes=[CauseInput("The force does not record crime accurately.")],
        by=hmi_a,
        now=ADVISED,
    )
    case = case_decide(case=case, engage=True, reasons="The evidence is clear.", by=hmci, now=DECIDED)
    case = case_record_pcc_informed(
        case=case, person_told="The PCC", told_at=TOLD, how="in_person", by=hmi_a, now=TOLD
    )
    return case_announce(
        case=case, announcement="Avon and Somerset Police is in Engage.", by=hmi_a, now=ANNOUNCED
    )


@pytest.fixture
def meeting(case_a, hmi_a) -> OversightMeeting:
    return meeting_schedule(case=case_a, scheduled_for=MEETING_DAY, by=hmi_a, now=SCHEDULING)


@pytest.fixture
def held(meeting, apcc_lead, apcc) -> OversightMeeting:
    return meeting_record_held(
        meeting=meeting,
        held_on=MEETING_DAY,
        attendances=[AttendanceInput(organisation=apcc, name="", person=apcc_lead)],
        by=apcc_lead,
        now=HELD,
    )


@pytest.fixture
def offer(held, apcc_lead, apcc) -> MeetingAction:
    return action_add(
        meeting=held,
        text="The APCC offers a peer review of crime recording.",
        owner=apcc,
        offer_of_assistance=True,
        by=apcc_lead,
        now=HELD,
    )


@pytest.fixture
def plan(case_a, chief_office_a) -> ImprovementPlanVersion:
    return plan_submit(
        case=case_a,
        text="We will retrain every call handler.",
        upload=pdf_upload(),
        by=chief_office_a,
        now=ANNOUNCED,
    )


@pytest.fixture
def toolkit(apcc_lead) -> ToolkitVersion:
    return toolkit_upload(
        upload=pdf_upload("engage-toolkit.pdf"), note="First issue", by=apcc_lead, now=ANNOUNCED
    )


# --- Every page: the right persona gets 200, another area's office 404 with a DENIED row ----------------


PAGES = [
    # (url name, object the pk comes from, persona allowed, audit object type, moment)
    ("monitoring:meeting-new", "case", "hmi_a", "monitoring.engagecase", SCHEDULING),
    ("monitoring:meeting", "meeting", "pcc_office_a", "monitoring.oversightmeeting", SCHEDULING),
    ("monitoring:meeting-deputy", "meeting", "apcc_lead", "monitoring.oversightmeeting", SCHEDULING),
    ("monitoring:meeting-held", "meeting", "apcc_lead", "monitoring.oversightmeeting", HELD),
    ("monitoring:action-new", "held", "apcc_lead", "monitoring.oversightmeeting", HELD),
    ("monitoring:action", "offer", "pcc_office_a", "monitoring.meetingaction", ON_TIME),
    ("monitoring:action-follow-up", "offer", "apcc_lead", "monitoring.meetingaction", ON_TIME),
    ("monitoring:plan-new", "case", "chief_office_a", "monitoring.engagecase", ANNOUNCED),
    ("monitoring:plan", "plan", "pcc_office_a", "monitoring.improvementplanversion", ANNOUNCED),
    ("monitoring:plan-file", "plan", "pcc_office_a", "monitoring.improvementplanversion", ANNOUNCED),
    ("monitoring:toolkit-send", "case", "apcc_lead", "monitoring.engagecase", ANNOUNCED),
]


@pytest.mark.parametrize(("name", "source", "persona", "object_type", "moment"), PAGES)
def test_m4_m7_m9_each_page_answers_the_right_persona_and_404s_another_area(
    request, name, source, persona, object_type, moment, pcc_office_b, toolkit
):
    """The persona who works on the page gets it; force B's PCC office gets 404 and a DENIED row."""
    obj = request.getfixturevalue({"case": "case_a"}.get(source, source))
    url = reverse(name, kwargs={"pk": obj.pk})
    assert get(request.getfixturevalue(persona), url, moment).status_code == 200
    response = get(pcc_office_b, url, moment)
    assert response.status_code == 404
    assert denied(object_type, obj.pk)


@pytest.mark.parametrize("name", ["monitoring:meeting", "monitoring:meeting-held"])
def test_visitors_are_sent_to_sign_in(meeting, name):
    response = get(None, reverse(name, kwargs={"pk": meeting.pk}), SCHEDULING)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_meeting_page_is_seen_by_the_offices_hmicfrs_and_the_apcc(
    held, offer, pcc_office_a, chief_office_a, hmi_a, apcc_lead, hmicfrs_staff
):
    url = reverse("monitoring:meeting", kwargs={"pk": held.pk})
    for person in (pcc_office_a, chief_office_a, hmi_a, apcc_lead, hmicfrs_staff):
        response = get(person, url, ON_TIME)
        assert response.status_code == 200, person
        assert "PPOG" in text_of(response)


def test_meeting_form_pages_are_403_for_those_who_cannot_act(meeting, pcc_office_a, chief_office_a, hmi_a):
    """Seeing the case is not enough to act: scheduling is HMICFRS's, the deputy the APCC lead's."""
    assert (
        get(
            pcc_office_a, reverse("monitoring:meeting-new", kwargs={"pk": meeting.case_id}), SCHEDULING
        ).status_code
        == 403
    )
    assert (
        get(hmi_a, reverse("monitoring:meeting-deputy", kwargs={"pk": meeting.pk}), SCHEDULING).status_code
        == 403
    )
    assert (
        get(chief_office_a, reverse("monitoring:meeting-held", kwargs={"pk": meeting.pk}), HELD).status_code
        == 403
    )


def test_meeting_pages_declare_their_methods(meeting, apcc_lead):
    with travel(HELD):
        browser = client(apcc_lead)
        assert browser.put(reverse("monitoring:meeting", kwargs={"pk": meeting.pk})).status_code == 405
        assert (
            browser.delete(reverse("monitoring:meeting-held", kwargs={"pk": meeting.pk})).status_code == 405
        )


# --- The full flow: schedule, hold, offer, follow up on time and late (M4, M7, M9, D6) ------------------


def test_m7_m9_d6_full_flow_schedule_hold_offer_follow_up_on_time_then_late(
    case_a, hmi_a, apcc_lead, apcc, hmci, pcc_office_a
):
    """hmi_a schedules; apcc_lead records it held with themselves attending and an offer of assistance;
    the meeting shows the D6 date with its working; a follow-up copied to HMCI is "on time", and
    a second one after the deadline "late"."""
    response = post(
        hmi_a,
        reverse("monitoring:meeting-new", kwargs={"pk": case_a.pk}),
        date_fields("scheduled_for", MEETING_DAY),
        SCHEDULING,
    )
    meeting = OversightMeeting.objects.get(case=case_a)
    assert response.status_code == 302
    assert response["Location"] == reverse("monitoring:meeting", kwargs={"pk": meeting.pk})
    assert meeting.scheduled_for == MEETING_DAY

    page = text_of(get(apcc_lead, reverse("monitoring:meeting", kwargs={"pk": meeting.pk}), HELD))
    assert "Record as held" in page
    assert reverse("monitoring:meeting-deputy", kwargs={"pk": meeting.pk}) in page

    response = post(
        apcc_lead,
        reverse("monitoring:meeting-held", kwargs={"pk": meeting.pk}),
        {
            **date_fields("held_on", MEETING_DAY),
            "attendances": [f"{apcc_lead.pk}-{apcc.pk}"],
            "name_1": "Jo Bloggs",
            "organisation_1": str(case_a.area_id),
            "capacity_1": "Deputy Chief Constable",
            "notes": "Crime recording plan discussed.",
        },
        HELD,
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.held_on == MEETING_DAY
    attendees = {(a.name, a.person_id, a.capacity) for a in Attendance.objects.filter(meeting=meeting)}
    assert (str(apcc_lead), apcc_lead.pk, "APCC joint performance portfolio lead") in attendees
    assert ("Jo Bloggs", None, "Deputy Chief Constable") in attendees

    for text in ("The APCC offers a peer review.", "The APCC offers a second peer review."):
        response = post(
            apcc_lead,
            reverse("monitoring:action-new", kwargs={"pk": meeting.pk}),
            {"text": text, "owner": str(apcc.pk), "offer_of_assistance": "on"},
            HELD,
        )
        assert response.status_code == 302
    first, second = MeetingAction.objects.filter(meeting=meeting).order_by("pk")

    page = text_of(get(pcc_office_a, reverse("monitoring:meeting", kwargs={"pk": meeting.pk}), ON_TIME))
    assert DUE_TEXT in page
    assert "How this date was worked out" in page
    assert "Good Friday" in page
    assert "Easter Monday" in page
    assert "Awaiting follow-up" in page
    assert "Jo Bloggs" in page
    assert "Deputy Chief Constable" in page
    # In what the reader sees (the page's CSRF token is random and may hold any two characters).
    assert not re.search(r"\b(D6|M9)\b", visible_text(page))

    with travel(ON_TIME):
        browser = client(apcc_lead)
        response = browser.post(
            reverse("monitoring:action-follow-up", kwargs={"pk": first.pk}),
            {"text": "We will start the review on 20 April.", "copy_to_hmci": "on"},
            follow=True,
        )
    page = text_of(response)
    assert "It was sent on time" in page
    assert "Followed up on time" in page
    assert f"Copied to HM Chief Inspector {hmci}" in page
    assert "BST" in page
    follow_up = FollowUp.objects.get(action=first)
    assert follow_up.hmci_copy_to == hmci
    assert not follow_up.late

    overdue = text_of(get(pcc_office_a, reverse("monitoring:meeting", kwargs={"pk": meeting.pk}), LATE))
    assert "Overdue by 3 days" in overdue
    assert "Followed up on time" in overdue

    with travel(LATE):
        response = client(apcc_lead).post(
            reverse("monitoring:action-follow-up", kwargs={"pk": second.pk}),
            {"text": "Late, but here it is.", "copy_to_hmci": "on"},
            follow=True,
        )
    page = text_of(response)
    assert "It was sent late" in page
    assert "Followed up late" in page
    assert FollowUp.objects.get(action=second).late

    page = text_of(get(pcc_office_a, reverse("monitoring:meeting", kwargs={"pk": meeting.pk}), LATE))
    assert "Followed up late" in page
    assert "Followed up on time" in page


def test_d6_action_page_shows_the_deadline_the_working_and_the_status(offer, pcc_office_a):
    page = text_of(get(pcc_office_a, reverse("monitoring:action", kwargs={"pk": offer.pk}), ON_TIME))
    assert DUE_TEXT in page
    assert "Friday 10 April 2026" in page
    assert "How this date was worked out" in page
    assert "Awaiting follow-up" in page
    assert "Not sent yet" in page
    # The PCC's office reads it; only the APCC lead or deputy may write the follow-up.
    assert reverse("monitoring:action-follow-up", kwargs={"pk": offer.pk}) not in page


def test_m9_action_page_offers_the_follow_up_to_the_apcc_lead(offer, apcc_lead):
    page = text_of(get(apcc_lead, reverse("monitoring:action", kwargs={"pk": offer.pk}), ON_TIME))
    assert reverse("monitoring:action-follow-up", kwargs={"pk": offer.pk}) in page


# --- M7: the APCC lead or a nominated deputy must attend --------------------------------------------------


def test_m7_meeting_held_without_the_apcc_lead_or_deputy_is_refused_and_writes_nothing(
    meeting, hmi_a, chief_office_a, force_a
):
    response = post(
        hmi_a,
        reverse("monitoring:meeting-held", kwargs={"pk": meeting.pk}),
        {**date_fields("held_on", MEETING_DAY), "attendances": [f"{chief_office_a.pk}-{force_a.pk}"]},
        HELD,
    )
    assert response.status_code == 200
    page = text_of(response)
    assert M7_REFUSAL in page
    assert "There is a problem" in page
    assert "govuk-form-group--error" in page
    meeting.refresh_from_db()
    assert meeting.held_on is None
    assert not Attendance.objects.filter(meeting=meeting).exists()


def test_m7_a_free_text_name_alone_does_not_count_as_the_apcc_lead(meeting, hmi_a, apcc):
    response = post(
        hmi_a,
        reverse("monitoring:meeting-held", kwargs={"pk": meeting.pk}),
        {
            **date_fields("held_on", MEETING_DAY),
            "name_1": "Someone from the APCC",
            "organisation_1": str(apcc.pk),
        },
        HELD,
    )
    assert M7_REFUSAL in text_of(response)
    assert not Attendance.objects.filter(meeting=meeting).exists()


def test_m7_lead_nominates_a_deputy_who_then_records_the_meeting(meeting, apcc_lead, apcc_staff, apcc):
    response = post(
        apcc_lead,
        reverse("monitoring:meeting-deputy", kwargs={"pk": meeting.pk}),
        {"deputy": apcc_staff.pk},
        SCHEDULING,
    )
    assert response.status_code == 302
    assert DeputyNomination.objects.filter(
        meeting=meeting, deputy=apcc_staff, nominated_by=apcc_lead
    ).exists()
    page = text_of(get(apcc_staff, reverse("monitoring:meeting", kwargs={"pk": meeting.pk}), HELD))
    assert "Apcc Staff Tester, nominated by Apcc Lead Tester" in page
    response = post(
        apcc_staff,
        reverse("monitoring:meeting-held", kwargs={"pk": meeting.pk}),
        {**date_fields("held_on", MEETING_DAY), "attendances": [f"{apcc_staff.pk}-{apcc.pk}"]},
        HELD,
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.held_on == MEETING_DAY


def test_m7_deputy_choices_are_apcc_people_other_than_the_lead(meeting, apcc_lead, apcc_staff, pcc_office_a):
    page = text_of(
        get(apcc_lead, reverse("monitoring:meeting-deputy", kwargs={"pk": meeting.pk}), SCHEDULING)
    )
    assert f'value="{apcc_staff.pk}"' in page
    assert f'value="{apcc_lead.pk}"' not in page
    assert f'value="{pcc_office_a.pk}"' not in page


def test_m7_only_an_apcc_lead_nominates_a_deputy(meeting, hmi_a, apcc_staff):
    response = post(
        hmi_a,
        reverse("monitoring:meeting-deputy", kwargs={"pk": meeting.pk}),
        {"deputy": apcc_staff.pk},
        SCHEDULING,
    )
    assert response.status_code == 200
    assert "Only an APCC joint performance portfolio lead can nominate a deputy" in text_of(response)
    assert not DeputyNomination.objects.exists()


def test_m7_held_form_lists_the_known_people_of_the_area(
    meeting, hmi_a, apcc_lead, chief_office_a, pcc_office_a
):
    page = text_of(get(hmi_a, reverse("monitoring:meeting-held", kwargs={"pk": meeting.pk}), HELD))
    for person in (hmi_a, apcc_lead, chief_office_a, pcc_office_a):
        assert str(person) in page
    assert "APCC joint performance portfolio lead" in page
    assert "HMI for Avon and Somerset" in page


def test_held_meeting_bad_input_shows_errors_and_changes_nothing(meeting, apcc_lead, apcc):
    response = post(
        apcc_lead,
        reverse("monitoring:meeting-held", kwargs={"pk": meeting.pk}),
        {
            "held_on_0": "31",
            "held_on_1": "2",
            "held_on_2": "2026",
            "attendances": [f"{apcc_lead.pk}-{apcc.pk}"],
            "capacity_2": "Chair",
        },
        HELD,
    )
    page = text_of(response)
    assert response.status_code == 200
    assert "The date must be a real date" in page
    assert "Enter the name of other attendee 2." in page
    meeting.refresh_from_db()
    assert meeting.held_on is None


def test_m7_a_held_meeting_is_not_offered_for_recording_or_a_deputy_again(held, apcc_lead, apcc_staff):
    meeting_url = reverse("monitoring:meeting", kwargs={"pk": held.pk})
    for name in ("monitoring:meeting-held", "monitoring:meeting-deputy"):
        response = get(apcc_lead, reverse(name, kwargs={"pk": held.pk}), ON_TIME)
        assert response.status_code == 302
        assert response["Location"] == meeting_url
    response = post(
        apcc_lead,
        reverse("monitoring:meeting-deputy", kwargs={"pk": held.pk}),
        {"deputy": apcc_staff.pk},
        ON_TIME,
    )
    assert "The meeting has already been held." in text_of(response)
    assert not DeputyNomination.objects.exists()


def test_m4_schedule_in_the_past_is_refused(case_a, hmi_a):
    response = post(
        hmi_a,
        reverse("monitoring:meeting-new", kwargs={"pk": case_a.pk}),
        date_fields("scheduled_for", dt.date(2026, 3, 1)),
        SCHEDULING,
    )
    assert response.status_code == 200
    assert "The meeting date must be today or in the future." in text_of(response)
    assert not OversightMeeting.objects.exists()


def test_m4_only_hmicfrs_for_the_area_schedules(case_a, pcc_office_a):
    response = post(
        pcc_office_a,
        reverse("monitoring:meeting-new", kwargs={"pk": case_a.pk}),
        date_fields("scheduled_for", MEETING_DAY),
        SCHEDULING,
    )
    assert response.status_code == 200
    assert "Only HMICFRS staff responsible for Avon and Somerset" in text_of(response)
    assert not OversightMeeting.objects.exists()


def test_actions_are_added_only_after_the_meeting_is_held(meeting, apcc_lead, apcc):
    response = post(
        apcc_lead,
        reverse("monitoring:action-new", kwargs={"pk": meeting.pk}),
        {"text": "Too early.", "owner": str(apcc.pk)},
        SCHEDULING,
    )
    assert "Record the meeting as held before adding its actions." in text_of(response)
    assert not MeetingAction.objects.exists()


# --- M9: the follow-up is copied to HMCI ------------------------------------------------------------------


def test_m9_follow_up_without_the_copy_to_hmci_is_refused_on_the_checkbox(offer, apcc_lead):
    response = post(
        apcc_lead,
        reverse("monitoring:action-follow-up", kwargs={"pk": offer.pk}),
        {"text": "We will start on 20 April."},
        ON_TIME,
    )
    assert response.status_code == 200
    page = text_of(response)
    assert M9_REFUSAL in page
    # On the checkbox itself (its error id), and linked from the error summary.
    assert 'id="id_copy_to_hmci_error"' in page
    assert 'href="#id_copy_to_hmci"' in page
    assert not FollowUp.objects.exists()
    offer.refresh_from_db()
    assert not offer.followed_up


def test_m9_follow_up_by_someone_other_than_the_lead_or_deputy_is_refused(offer, hmi_a, pcc_office_a):
    assert (
        get(hmi_a, reverse("monitoring:action-follow-up", kwargs={"pk": offer.pk}), ON_TIME).status_code
        == 403
    )
    response = post(
        pcc_office_a,
        reverse("monitoring:action-follow-up", kwargs={"pk": offer.pk}),
        {"text": "Not mine to send.", "copy_to_hmci": "on"},
        ON_TIME,
    )
    assert response.status_code == 200
    assert "Only an APCC joint performance portfolio lead, or a deputy a lead nominated" in text_of(response)
    assert not FollowUp.objects.exists()


def test_m9_follow_up_form_names_hmci(offer, apcc_lead, hmci):
    page = text_of(get(apcc_lead, reverse("monitoring:action-follow-up", kwargs={"pk": offer.pk}), ON_TIME))
    assert "Send a copy to HM Chief Inspector" in page
    assert str(hmci) in page
    assert "The follow-up is due by the end of Friday 10 April 2026." in page


# --- Query counts: the meeting page costs the same with few or many rows --------------------------------


def test_meeting_page_query_count_does_not_grow_with_attendance_or_actions(
    held, apcc_lead, apcc, pcc_office_a
):
    url = reverse("monitoring:meeting", kwargs={"pk": held.pk})

    def add(count: int) -> None:
        for n in range(count):
            action_add(
                meeting=held, text=f"Offer {n}", owner=apcc, offer_of_assistance=True, by=apcc_lead, now=HELD
            )
            Attendance.objects.create(meeting=held, organisation=apcc, name=f"Guest {n}")

    def queries() -> int:
        with travel(ON_TIME):
            browser = client(pcc_office_a)
            browser.get(url)
            with CaptureQueriesContext(connection) as captured:
                assert browser.get(url).status_code == 200
        return len(captured)

    add(1)
    few = queries()
    add(8)
    assert queries() == few


# --- M4: improvement plans -------------------------------------------------------------------------------


def test_m4_chief_office_submits_versions_and_earlier_versions_are_kept(case_a, chief_office_a):
    url = reverse("monitoring:plan-new", kwargs={"pk": case_a.pk})
    page = text_of(get(chief_office_a, url, ANNOUNCED))
    assert 'enctype="multipart/form-data"' in page
    response = post(chief_office_a, url, {"text": "Version one.", "file": pdf_upload()}, ANNOUNCED)
    first = ImprovementPlanVersion.objects.get(case=case_a)
    assert response.status_code == 302
    assert response["Location"] == reverse("monitoring:plan", kwargs={"pk": first.pk})
    assert first.version == 1
    assert first.file_name == "plan.pdf"
    post(chief_office_a, url, {"text": "Version two."}, ANNOUNCED)
    second = ImprovementPlanVersion.objects.get(case=case_a, version=2)
    first.refresh_from_db()
    assert first.text == "Version one."
    page = text_of(get(chief_office_a, reverse("monitoring:plan", kwargs={"pk": second.pk}), ANNOUNCED))
    assert "Improvement plan, version 2" in page
    assert reverse("monitoring:plan", kwargs={"pk": first.pk}) in page


def test_m4_plan_by_the_pcc_office_is_refused(case_a, pcc_office_a):
    url = reverse("monitoring:plan-new", kwargs={"pk": case_a.pk})
    assert get(pcc_office_a, url, ANNOUNCED).status_code == 403
    response = post(pcc_office_a, url, {"text": "Not ours to write."}, ANNOUNCED)
    assert response.status_code == 200
    assert "Only the chief officer&#x27;s office of Avon and Somerset" in text_of(response)
    assert not ImprovementPlanVersion.objects.exists()


def test_m4_a_file_that_is_not_a_pdf_is_refused_on_the_file_field(case_a, chief_office_a):
    response = post(
        chief_office_a,
        reverse("monitoring:plan-new", kwargs={"pk": case_a.pk}),
        {"text": "Plan.", "file": pdf_upload("plan.pdf", b"<html>not a pdf</html>")},
        ANNOUNCED,
    )
    page = text_of(response)
    assert response.status_code == 200
    assert "is not a PDF" in page
    assert 'id="id_file_error"' in page
    assert not ImprovementPlanVersion.objects.exists()


def test_m4_plan_notes_pcc_note_private_to_the_office_and_hmicfrs_comment_shared(
    plan, pcc_office_a, hmi_a, chief_office_a
):
    url = reverse("monitoring:plan-note", kwargs={"pk": plan.pk})
    page = text_of(get(pcc_office_a, reverse("monitoring:plan", kwargs={"pk": plan.pk}), ANNOUNCED))
    assert "Add a holding-to-account note" in page
    assert (
        post(
            pcc_office_a, url, {"kind": PlanNoteKind.PCC, "text": "Ask about call handlers."}, ANNOUNCED
        ).status_code
        == 302
    )
    page = text_of(get(hmi_a, reverse("monitoring:plan", kwargs={"pk": plan.pk}), ANNOUNCED))
    assert "Add an HMICFRS comment" in page
    assert "Ask about call handlers." in page
    assert (
        post(
            hmi_a, url, {"kind": PlanNoteKind.HMICFRS, "text": "The plan needs dates."}, ANNOUNCED
        ).status_code
        == 302
    )
    page = text_of(get(chief_office_a, reverse("monitoring:plan", kwargs={"pk": plan.pk}), ANNOUNCED))
    assert "The plan needs dates." in page
    assert "Ask about call handlers." not in page
    assert 'action="' + url not in page


def test_m4_plan_note_by_the_wrong_actor_is_refused(plan, chief_office_a):
    response = post(
        chief_office_a,
        reverse("monitoring:plan-note", kwargs={"pk": plan.pk}),
        {"kind": PlanNoteKind.PCC, "text": "Marking our own homework."},
        ANNOUNCED,
    )
    assert response.status_code == 200
    assert "Only the office of the PCC" in text_of(response)
    assert not PlanNote.objects.exists()


def test_m4_plan_note_is_post_only(plan, pcc_office_a):
    assert (
        get(pcc_office_a, reverse("monitoring:plan-note", kwargs={"pk": plan.pk}), ANNOUNCED).status_code
        == 405
    )


def test_m4_plan_file_is_a_download_on_the_audit_trail(plan, pcc_office_a):
    response = get(pcc_office_a, reverse("monitoring:plan-file", kwargs={"pk": plan.pk}), ANNOUNCED)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.startswith(b"%PDF-")
    assert AuditEvent.objects.filter(
        action=AuditAction.DOWNLOAD, object_type="monitoring.improvementplanversion", object_id=str(plan.pk)
    ).exists()


def test_m4_plan_without_a_file_has_no_download(case_a, chief_office_a, pcc_office_a):
    plan = plan_submit(case=case_a, text="Text only.", by=chief_office_a, now=ANNOUNCED)
    assert (
        get(pcc_office_a, reverse("monitoring:plan-file", kwargs={"pk": plan.pk}), ANNOUNCED).status_code
        == 404
    )


def test_m4_apcc_does_not_see_improvement_plans(plan, apcc_lead):
    """Improvement plans stay with HMICFRS and the area's offices (monitoring.access)."""
    assert get(apcc_lead, reverse("monitoring:plan", kwargs={"pk": plan.pk}), ANNOUNCED).status_code == 404
    assert denied("monitoring.improvementplanversion", plan.pk)


# --- M8: the toolkit ---------------------------------------------------------------------------------------


def test_m8_apcc_lead_uploads_versions_and_every_version_is_kept(apcc_lead):
    url = reverse("monitoring:toolkit")
    page = text_of(get(apcc_lead, url, ANNOUNCED))
    assert "Upload a new version" in page
    assert (
        post(apcc_lead, url, {"file": pdf_upload("toolkit.pdf"), "note": "First"}, ANNOUNCED).status_code
        == 302
    )
    assert (
        post(apcc_lead, url, {"file": pdf_upload("toolkit-2.pdf"), "note": "Second"}, ANNOUNCED).status_code
        == 302
    )
    assert list(ToolkitVersion.objects.values_list("version", "file_name")) == [
        (2, "toolkit-2.pdf"),
        (1, "toolkit.pdf"),
    ]
    page = text_of(get(apcc_lead, url, ANNOUNCED))
    assert reverse("monitoring:toolkit-file", kwargs={"version": 1}) in page
    assert reverse("monitoring:toolkit-file", kwargs={"version": 2}) in page


def test_m8_toolkit_upload_refuses_a_file_that_is_not_a_pdf(apcc_lead):
    response = post(
        apcc_lead,
        reverse("monitoring:toolkit"),
        {"file": pdf_upload("toolkit.pdf", b"plain text")},
        ANNOUNCED,
    )
    assert response.status_code == 200
    assert 'id="id_file_error"' in text_of(response)
    assert not ToolkitVersion.objects.exists()


def test_m8_toolkit_list_for_apcc_staff_and_hmicfrs_upload_only_for_the_lead(
    toolkit, apcc_staff, hmicfrs_staff
):
    url = reverse("monitoring:toolkit")
    page = text_of(get(apcc_staff, url, ANNOUNCED))
    assert "engage-toolkit.pdf" in page
    assert reverse("monitoring:toolkit-file", kwargs={"version": 1}) in page
    assert "Upload a new version" not in page
    page = text_of(get(hmicfrs_staff, url, ANNOUNCED))
    assert "engage-toolkit.pdf" in page
    assert reverse("monitoring:toolkit-file", kwargs={"version": 1}) not in page
    response = post(hmicfrs_staff, url, {"file": pdf_upload()}, ANNOUNCED)
    assert "Only an APCC joint performance portfolio lead can upload the Engage toolkit." in text_of(response)
    assert ToolkitVersion.objects.count() == 1


def test_m8_toolkit_page_refuses_others(toolkit, chief_office_a, pcc_office_a):
    assert get(chief_office_a, reverse("monitoring:toolkit"), ANNOUNCED).status_code == 403
    assert get(pcc_office_a, reverse("monitoring:toolkit"), ANNOUNCED).status_code == 403
    response = get(None, reverse("monitoring:toolkit"), ANNOUNCED)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_m8_apcc_lead_writes_to_the_pcc_and_the_pcc_office_downloads_the_toolkit_sent(
    case_a, toolkit, apcc_lead, pcc_office_a, pcc_office_b
):
    url = reverse("monitoring:toolkit-send", kwargs={"pk": case_a.pk})
    page = text_of(get(apcc_lead, url, ANNOUNCED))
    assert "version 1" in page
    response = post(apcc_lead, url, {"letter": "Dear PCC, here is our toolkit."}, ANNOUNCED)
    assert response.status_code == 302
    sending = ToolkitSending.objects.get(case=case_a)
    assert sending.toolkit == toolkit
    page = text_of(get(pcc_office_a, reverse("monitoring:toolkit"), ANNOUNCED))
    assert "Dear PCC, here is our toolkit." in page
    file_url = reverse("monitoring:toolkit-file", kwargs={"version": 1})
    response = get(pcc_office_a, file_url, ANNOUNCED)
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    assert AuditEvent.objects.filter(
        action=AuditAction.DOWNLOAD, object_type="monitoring.toolkitversion"
    ).exists()
    assert get(pcc_office_b, file_url, ANNOUNCED).status_code == 404
    assert denied("monitoring.toolkitversion", 1)


def test_m8_toolkit_send_is_the_apcc_leads(case_a, toolkit, hmi_a, apcc_staff):
    url = reverse("monitoring:toolkit-send", kwargs={"pk": case_a.pk})
    assert get(apcc_staff, url, ANNOUNCED).status_code == 403
    response = post(hmi_a, url, {"letter": "From HMICFRS."}, ANNOUNCED)
    assert "Only an APCC joint performance portfolio lead can write to the PCC" in text_of(response)
    assert not ToolkitSending.objects.exists()


def test_m8_a_toolkit_sent_to_another_area_is_not_downloadable(case_a, toolkit, apcc_lead, pcc_office_b):
    toolkit_send(case=case_a, letter="Dear PCC.", by=apcc_lead, now=ANNOUNCED)
    assert get(pcc_office_b, reverse("monitoring:toolkit"), ANNOUNCED).status_code == 403


# --- No rule ids in pages ------------------------------------------------------------------------------------


def test_pages_show_no_rule_ids(held, offer, plan, toolkit, apcc_lead, hmi_a, pcc_office_a):
    plan_note_add(plan=plan, kind=PlanNoteKind.HMICFRS, text="Fine.", by=hmi_a, now=ANNOUNCED)
    later = meeting_schedule(case=held.case, scheduled_for=dt.date(2026, 7, 1), by=hmi_a, now=ON_TIME)
    pages = [
        (apcc_lead, reverse("monitoring:meeting", kwargs={"pk": held.pk}), ON_TIME),
        (apcc_lead, reverse("monitoring:action", kwargs={"pk": offer.pk}), ON_TIME),
        (apcc_lead, reverse("monitoring:action-follow-up", kwargs={"pk": offer.pk}), ON_TIME),
        (hmi_a, reverse("monitoring:meeting-held", kwargs={"pk": later.pk}), ON_TIME),
        (apcc_lead, reverse("monitoring:meeting-deputy", kwargs={"pk": later.pk}), ON_TIME),
        (pcc_office_a, reverse("monitoring:plan", kwargs={"pk": plan.pk}), ANNOUNCED),
        (apcc_lead, reverse("monitoring:toolkit"), ANNOUNCED),
    ]
    for person, url, moment in pages:
        # What a person reads: the tags' attributes carry random tokens (the CSRF token, the CSP nonce)
        # that can hold "D0" between two hyphens.
        main = visible_text(text_of(get(person, url, moment)).split('id="main-content"', 1)[1])
        assert not re.search(r"\b[MDUICPLS]\d{1,2}\b", main), (url, main)


def test_m4_fire_and_rescue_services_have_an_fpog(hmicfrs, hmci, apcc_lead):
    """An FRS in Engage meets as an FPOG; its attendees come from its own offices."""
    essex = Organisation.objects.get(kind=OrganisationKind.FIRE_RESCUE_SERVICE, slug="essex")
    hmi = make_person("hmi_essex", hmicfrs, Role.HMI, hmi=[essex])
    chief = make_person("chief_office_essex_frs", essex, Role.CHIEF_OFFICER_STAFF)
    case = case_advise(
        area=essex, advice="Engage.", evidence="Evidence.", causes=[CauseInput("Cause.")], by=hmi, now=ADVISED
    )
    case = case_decide(case=case, engage=True, reasons="Reasons.", by=hmci, now=DECIDED)
    case = case_record_pcc_informed(
        case=case, person_told="The PFCC", told_at=TOLD, how="video", by=hmi, now=TOLD
    )
    page = text_of(get(hmi, reverse("monitoring:meeting-new", kwargs={"pk": case.pk}), SCHEDULING))
    assert "Schedule a FPOG meeting" in page
    assert "fire performance oversight group" in page
    meeting = meeting_schedule(case=case, scheduled_for=MEETING_DAY, by=hmi, now=SCHEDULING)
    page = text_of(get(hmi, reverse("monitoring:meeting-held", kwargs={"pk": meeting.pk}), HELD))
    assert str(chief) in page
    assert str(apcc_lead) in page
    assert "HMI for Essex" in page


def test_m8_hmicfrs_reads_the_toolkit_list_but_does_not_download_it(toolkit, hmi_a):
    response = get(hmi_a, reverse("monitoring:toolkit-file", kwargs={"version": toolkit.version}), ANNOUNCED)
    assert response.status_code == 404
    assert denied("monitoring.toolkitversion", toolkit.version)
