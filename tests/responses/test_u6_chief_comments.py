"""U6: the chief officer's office enters its comments on the PCC's response in its own portal.

Timeline (tests/responses/conftest.py): published Tue 7 July 2026 10:00 BST; the PCC's office
invites the chief's comments at IN_PERIOD (Mon 20 July 12:00 BST) for Monday 27 July, so the chief's
office may enter them until the end of that day (28 July 00:00 BST); the response is due at the end
of Monday 31 August.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.models import Appointment, OrganisationKind, Role
from contacts.services import appointment_end
from hmicfrs_mou.deadlines import LONDON
from hmicfrs_mou.models import AuditAction, AuditEvent, Deadline, DeadlineState, InboxMessage
from responses.models import ObligationState, ResponseObligation
from responses.services import (
    response_chief_comment,
    response_invite_chief,
    response_mark_answered_elsewhere,
    response_missing,
    response_save,
    response_submit,
)
from tests.conftest import make_person, org
from tests.responses.conftest import (
    CHIEF_COMMENTS,
    IN_PERIOD,
    PUBLISHED_URL,
    chief_comments_entered,
    complete,
    pdf_upload,
    publish_report,
)

pytestmark = pytest.mark.django_db

COMMENTS_DUE_ON = dt.date(2026, 7, 27)
COMMENTS_END = dt.datetime(2026, 7, 28, 0, 0, tzinfo=LONDON)  # the end of Monday 27 July, BST
SECOND = dt.timedelta(seconds=1)
CHIEF_URL = "responses:chief-comments"


@pytest.fixture
def chief_office_b(force_b):
    return make_person("chief_office_b", force_b, Role.CHIEF_OFFICER_STAFF)


@pytest.fixture
def invited(obligation_a, pcc_office_a) -> ResponseObligation:
    response_invite_chief(
        obligation=obligation_a, comments_due_on=COMMENTS_DUE_ON, by=pcc_office_a, now=IN_PERIOD
    )
    obligation_a.refresh_from_db()
    return obligation_a


def _nothing_written(obligation: ResponseObligation) -> None:
    obligation.refresh_from_db()
    assert obligation.chief_comments == ""
    assert obligation.chief_comments_by is None
    assert obligation.chief_comments_at is None
    assert not InboxMessage.objects.filter(subject__startswith="The chief officer's comments").exists()
    assert not AuditEvent.objects.filter(
        object_type="responses.responseobligation", detail__chief_comments__isnull=False
    ).exists()


# --- The invitation -------------------------------------------------------------------------------


def test_u6_the_invitation_tells_the_chiefs_office_with_the_date_and_a_link_to_its_page(
    chief_office_a, chief_office_b, invited
):
    message = InboxMessage.objects.get(user=chief_office_a, subject__startswith="Your comments are invited")
    assert "by the end of Monday 27 July 2026 (midnight BST)" in message.body
    assert message.url == reverse(CHIEF_URL, kwargs={"pk": invited.pk})
    assert not InboxMessage.objects.filter(user=chief_office_b).exists()
    deadline = Deadline.objects.get(key=f"chief-comments:{invited.pk}")
    assert deadline.due_at == COMMENTS_END
    assert list(deadline.parties.values_list("user_id", flat=True)) == [chief_office_a.pk]
    assert "U6" not in deadline.working
    assert "midnight BST" in deadline.working


def test_u6_inviting_again_moves_the_date_and_tells_the_chiefs_office_again(
    chief_office_a, invited, pcc_office_a
):
    response_invite_chief(
        obligation=invited, comments_due_on=dt.date(2026, 8, 3), by=pcc_office_a, now=IN_PERIOD + SECOND
    )
    invited.refresh_from_db()
    assert invited.chief_comments_due_on == dt.date(2026, 8, 3)
    assert (
        InboxMessage.objects.filter(
            user=chief_office_a, subject__startswith="Your comments are invited"
        ).count()
        == 2
    )
    assert Deadline.objects.get(key=f"chief-comments:{invited.pk}").due_at == dt.datetime(
        2026, 8, 4, tzinfo=LONDON
    )


def test_u6_the_same_invitation_again_warns_and_sends_nothing(chief_office_a, invited, pcc_office_a):
    """Inviting again for the date already set would tell the chief's office the same thing twice."""
    with pytest.raises(ValidationError) as refused:
        response_invite_chief(
            obligation=invited, comments_due_on=COMMENTS_DUE_ON, by=pcc_office_a, now=IN_PERIOD + SECOND
        )
    assert "already invited on Monday 20 July 2026" in str(refused.value)
    assert "nothing has been sent again" in str(refused.value)
    assert (
        InboxMessage.objects.filter(
            user=chief_office_a, subject__startswith="Your comments are invited"
        ).count()
        == 1
    )
    invited.refresh_from_db()
    assert invited.chief_comments_invited_at == IN_PERIOD


@pytest.mark.parametrize(
    ("due_on", "words"),
    [
        pytest.param(dt.date(2026, 7, 19), "must be after today (Monday 20 July 2026)", id="U6-in-the-past"),
        pytest.param(dt.date(2026, 7, 20), "must be after today (Monday 20 July 2026)", id="U6-today"),
        pytest.param(dt.date(2026, 9, 1), "before the response is", id="U6-after-the-response"),
    ],
)
def test_u6_a_comments_date_in_the_past_is_refused_with_a_clear_message(
    obligation_a, pcc_office_a, chief_office_a, due_on, words
):
    with pytest.raises(ValidationError) as refused:
        response_invite_chief(obligation=obligation_a, comments_due_on=due_on, by=pcc_office_a, now=IN_PERIOD)
    assert words in refused.value.message_dict["comments_due_on"][0]
    obligation_a.refresh_from_db()
    assert obligation_a.chief_comments_invited_at is None
    assert not InboxMessage.objects.filter(user=chief_office_a).exists()
    assert not Deadline.objects.filter(key=f"chief-comments:{obligation_a.pk}").exists()


def test_u6_a_missing_comments_date_is_refused(obligation_a, pcc_office_a):
    with pytest.raises(ValidationError) as refused:
        response_invite_chief(obligation=obligation_a, comments_due_on=None, by=pcc_office_a, now=IN_PERIOD)
    assert refused.value.message_dict["comments_due_on"] == [
        "Enter the date the chief officer's comments are due."
    ]
    obligation_a.refresh_from_db()
    assert obligation_a.chief_comments_invited_at is None


def test_u6_an_overdue_response_can_still_invite_comments_for_a_later_date(obligation_a, pcc_office_a):
    late = dt.datetime(2026, 9, 3, 12, tzinfo=LONDON)
    response_invite_chief(
        obligation=obligation_a, comments_due_on=dt.date(2026, 9, 10), by=pcc_office_a, now=late
    )
    obligation_a.refresh_from_db()
    assert obligation_a.chief_comments_due_on == dt.date(2026, 9, 10)


@pytest.mark.wrong_actor("responses.services.response_invite_chief")
@pytest.mark.parametrize(
    "persona",
    [
        pytest.param("chief_office_a", id="other-role-chief-of-the-same-force"),
        pytest.param("hmi_a", id="other-role-hmi-for-the-force"),
        pytest.param("liaison_lead_a", id="other-role-liaison-lead"),
        pytest.param("pcc_office_b", id="same-role-other-area"),
    ],
)
def test_u6_only_the_office_answering_invites_the_chief(request, obligation_a, persona):
    actor = request.getfixturevalue(persona)
    with pytest.raises(ValidationError) as refused:
        response_invite_chief(
            obligation=obligation_a, comments_due_on=COMMENTS_DUE_ON, by=actor, now=IN_PERIOD
        )
    assert refused.value.messages == [
        "Only the office of the PCC for Avon and Somerset Constabulary can invite the chief officer's comments."
    ]
    obligation_a.refresh_from_db()
    assert obligation_a.chief_comments_invited_at is None
    assert not InboxMessage.objects.filter(subject__startswith="Your comments are invited").exists()
    assert not Deadline.objects.filter(key=f"chief-comments:{obligation_a.pk}").exists()


def test_u6_no_invitation_once_the_response_is_submitted(obligation_a, pcc_office_a, media_root):
    complete(obligation_a, pcc_office_a)
    response_submit(obligation=obligation_a, upload=pdf_upload(), by=pcc_office_a, now=IN_PERIOD)
    before = ResponseObligation.objects.get(pk=obligation_a.pk).chief_comments_due_on
    with pytest.raises(ValidationError, match="already submitted"):
        response_invite_chief(
            obligation=obligation_a, comments_due_on=dt.date(2026, 8, 20), by=pcc_office_a, now=IN_PERIOD
        )
    assert ResponseObligation.objects.get(pk=obligation_a.pk).chief_comments_due_on == before


# --- The chief's office enters its comments ----------------------------------------------------------


def test_u6_the_chiefs_office_enters_its_comments_and_the_pccs_office_is_told(
    invited, chief_office_a, pcc_office_a
):
    at = IN_PERIOD + dt.timedelta(days=2)
    response_chief_comment(
        obligation=invited, comments="  We accept both recommendations.  ", by=chief_office_a, now=at
    )
    invited.refresh_from_db()
    assert invited.chief_comments == "We accept both recommendations."
    assert (invited.chief_comments_by, invited.chief_comments_at) == (chief_office_a, at)
    assert Deadline.objects.get(key=f"chief-comments:{invited.pk}").state == DeadlineState.MET
    told = InboxMessage.objects.get(
        user=pcc_office_a, subject__startswith="The chief officer's comments have arrived"
    )
    assert "12:00 BST on Wednesday 22 July 2026" in told.body
    assert told.url == reverse("responses:obligation", kwargs={"pk": invited.pk})
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, actor=chief_office_a, object_id=str(invited.pk)
    ).exists()


def test_u6_the_chiefs_office_may_change_its_comments_until_the_date(invited, chief_office_a, pcc_office_a):
    chief_comments_entered(invited, now=IN_PERIOD)
    response_chief_comment(
        obligation=invited, comments="Revised.", by=chief_office_a, now=COMMENTS_END - SECOND
    )
    invited.refresh_from_db()
    assert invited.chief_comments == "Revised."
    assert InboxMessage.objects.filter(
        user=pcc_office_a, subject__startswith="The chief officer's comments have changed"
    ).exists()


@pytest.mark.wrong_actor("responses.services.response_chief_comment")
@pytest.mark.parametrize(
    "persona",
    [
        pytest.param("pcc_office_a", id="other-role-the-pccs-own-office"),
        pytest.param("hmi_a", id="other-role-hmi-for-the-force"),
        pytest.param("liaison_lead_a", id="other-role-liaison-lead"),
        pytest.param("apcc_lead", id="other-role-apcc"),
        pytest.param("chief_office_b", id="same-role-other-area"),
    ],
)
def test_u6_only_the_chiefs_office_of_that_force_enters_the_comments(request, invited, persona):
    actor = request.getfixturevalue(persona)
    with pytest.raises(ValidationError) as refused:
        response_chief_comment(obligation=invited, comments="Forged.", by=actor, now=IN_PERIOD)
    assert refused.value.messages == [
        "Only the chief officer's office of Avon and Somerset Constabulary can enter the chief officer's "
        "comments on this response."
    ]
    _nothing_written(invited)
    assert Deadline.objects.get(key=f"chief-comments:{invited.pk}").state == DeadlineState.OPEN


@pytest.mark.wrong_actor("responses.services.response_chief_comment")
def test_u6_a_chief_officer_whose_appointment_has_ended_is_refused(invited, chief_office_a):
    appointment = Appointment.objects.get(person=chief_office_a)
    appointment_end(appointment=appointment, ends_on=dt.date(2026, 7, 21))
    with pytest.raises(ValidationError, match="Only the chief officer's office"):
        response_chief_comment(
            obligation=invited, comments="Too late.", by=chief_office_a, now=IN_PERIOD + dt.timedelta(days=2)
        )
    _nothing_written(invited)


def test_u6_comments_are_refused_before_any_invitation(obligation_a, chief_office_a):
    with pytest.raises(ValidationError, match="has not invited the chief officer's comments"):
        response_chief_comment(obligation=obligation_a, comments="Early.", by=chief_office_a, now=IN_PERIOD)
    _nothing_written(obligation_a)


def test_u6_comments_are_taken_to_the_last_second_of_the_date_and_refused_after(invited, chief_office_a):
    with pytest.raises(ValidationError) as refused:
        response_chief_comment(obligation=invited, comments="Late.", by=chief_office_a, now=COMMENTS_END)
    assert refused.value.messages == [
        "The date the PCC's office set for the chief officer's comments has passed "
        "(they were due by the end of Monday 27 July 2026 (midnight BST))."
    ]
    _nothing_written(invited)
    response_chief_comment(
        obligation=invited, comments="Just in time.", by=chief_office_a, now=COMMENTS_END - SECOND
    )
    invited.refresh_from_db()
    assert invited.chief_comments == "Just in time."


def test_u6_comments_are_refused_once_the_response_is_submitted(
    invited, chief_office_a, pcc_office_a, media_root
):
    complete(invited, pcc_office_a)
    response_submit(obligation=invited, upload=pdf_upload(), by=pcc_office_a, now=IN_PERIOD + SECOND)
    with pytest.raises(ValidationError, match="already submitted the response"):
        response_chief_comment(
            obligation=invited, comments="After.", by=chief_office_a, now=IN_PERIOD + 2 * SECOND
        )
    invited.refresh_from_db()
    assert invited.chief_comments == CHIEF_COMMENTS


def test_u6_comments_are_refused_once_the_report_is_answered_by_another_response(
    invited, chief_office_a, pcc_office_a, response_lead, force_a
):
    other_report = publish_report(lead=response_lead, areas=[force_a], title="PEEL: Avon and Somerset")
    other = ResponseObligation.objects.get(report=other_report)
    response_mark_answered_elsewhere(
        obligation=invited, answered_by=other, reason="Same findings.", by=pcc_office_a
    )
    with pytest.raises(ValidationError, match="answered by another response"):
        response_chief_comment(obligation=invited, comments="x", by=chief_office_a, now=IN_PERIOD)
    _nothing_written(invited)


@pytest.mark.parametrize("text", ["", "   \n  "])
def test_u6_empty_comments_are_refused(invited, chief_office_a, text):
    with pytest.raises(ValidationError) as refused:
        response_chief_comment(obligation=invited, comments=text, by=chief_office_a, now=IN_PERIOD)
    assert refused.value.message_dict == {"comments": ["Enter the chief officer's comments on the report."]}
    _nothing_written(invited)


# --- The OPCC writes its reply and submits: the submission holds the chief's comments ------------------


@pytest.mark.wrong_actor("responses.services.response_save")
def test_u6_the_pccs_office_cannot_write_the_chiefs_comments(invited, pcc_office_a, chief_office_a):
    chief_comments_entered(invited, now=IN_PERIOD)
    with pytest.raises(TypeError):
        response_save(  # the builder has no field for them
            obligation=invited,
            by=pcc_office_a,
            pcc_comments="",
            reply_to_chief="",
            published_url="",
            answers={},
            chief_comments="Overwritten by the OPCC.",  # type: ignore[call-arg]
        )
    with pytest.raises(ValidationError, match="Only the office of the PCC"):
        response_save(
            obligation=invited,
            by=chief_office_a,
            pcc_comments="Forged PCC view",
            reply_to_chief="",
            published_url="",
            answers={},
            now=IN_PERIOD,
        )
    invited.refresh_from_db()
    assert (invited.chief_comments, invited.pcc_comments) == (CHIEF_COMMENTS, "")


def test_u6_the_submitted_response_holds_the_chiefs_comments_and_the_reply(
    obligation_a, pcc_office_a, media_root
):
    complete(obligation_a, pcc_office_a)
    submission = response_submit(obligation=obligation_a, upload=pdf_upload(), by=pcc_office_a, now=IN_PERIOD)
    chief = submission.content["chief_officer"]
    assert submission.content["chief_comments"] == CHIEF_COMMENTS
    assert (
        submission.content["reply_to_chief"] == "The PCC will hold the chief constable to account for them."
    )
    assert chief["office"] == "Avon and Somerset Constabulary"
    assert dt.datetime.fromisoformat(chief["received_at"]) == IN_PERIOD
    assert chief["entered_by"] == "Chief Office Avon And Somerset Tester"
    assert chief["none_received"] is False
    assert chief["invited_at"]
    assert chief["due_on"] == "2026-07-27"


def test_u6_without_comments_by_the_date_the_response_goes_without_them(invited, pcc_office_a, media_root):
    response_save(
        obligation=invited,
        by=pcc_office_a,
        pcc_comments="The PCC welcomes the report.",
        reply_to_chief="",
        published_url=PUBLISHED_URL,
        answers={
            finding.pk: ("Act.", "") for finding in invited.report.findings.filter(kind="recommendation")
        },
        now=IN_PERIOD,
    )
    invited.refresh_from_db()
    assert response_missing(invited, COMMENTS_END - SECOND)[0].startswith("The chief officer's comments")
    with pytest.raises(ValidationError, match="The chief officer's comments"):
        response_submit(obligation=invited, upload=pdf_upload(), by=pcc_office_a, now=COMMENTS_END - SECOND)
    assert response_missing(invited, COMMENTS_END) == []
    submission = response_submit(obligation=invited, upload=pdf_upload(), by=pcc_office_a, now=COMMENTS_END)
    assert submission.content["chief_comments"] == ""
    assert submission.content["chief_officer"]["none_received"] is True
    invited.refresh_from_db()
    assert invited.state == ObligationState.SUBMITTED


# --- Pages -----------------------------------------------------------------------------------------------


def _chief_page(obligation):
    return reverse(CHIEF_URL, kwargs={"pk": obligation.pk})


def test_u6_the_chiefs_office_adds_its_comments_from_its_page_and_the_pccs_office_reads_them(
    client_for, invited, chief_office_a, pcc_office_a
):
    chief = client_for(chief_office_a)
    with time_machine.travel(IN_PERIOD + dt.timedelta(hours=1), tick=False):
        listing = chief.get(reverse("responses:chief-invitations")).content.decode()
        assert "Thematic: police response to stalking" in listing
        assert "By the end of Monday 27 July 2026 (midnight BST)" in listing
        page = chief.get(_chief_page(invited))
        assert page.status_code == 200
        body = page.content.decode()
        assert "Send the comments to the PCC" in body
        assert "12:00 BST on 20 July 2026" in body
        posted = chief.post(_chief_page(invited), {"comments": "The constabulary accepts the findings."})
        assert posted.status_code == 302
        builder = client_for(pcc_office_a).get(reverse("responses:obligation", kwargs={"pk": invited.pk}))
    text = builder.content.decode()
    assert "The constabulary accepts the findings." in text
    assert "13:00 BST on 20 July 2026" in text
    invited.refresh_from_db()
    assert invited.chief_comments_by == chief_office_a


def test_u6_the_chiefs_page_never_shows_the_pccs_draft(client_for, invited, chief_office_a, pcc_office_a):
    response_save(
        obligation=invited,
        by=pcc_office_a,
        pcc_comments="DRAFT-ONLY PCC view",
        reply_to_chief="DRAFT-ONLY reply",
        published_url="",
        answers={},
        now=IN_PERIOD,
    )
    with time_machine.travel(IN_PERIOD, tick=False):
        body = client_for(chief_office_a).get(_chief_page(invited)).content.decode()
    assert "DRAFT-ONLY" not in body


def test_u6_an_empty_post_from_the_page_is_refused_with_the_error_summary(
    client_for, invited, chief_office_a
):
    with time_machine.travel(IN_PERIOD, tick=False):
        response = client_for(chief_office_a).post(_chief_page(invited), {"comments": ""})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in body
    assert "Enter the chief officer&#x27;s comments on the report." in body
    _nothing_written(invited)


def test_u6_after_the_date_the_page_says_why_and_offers_no_form(client_for, invited, chief_office_a):
    with time_machine.travel(COMMENTS_END, tick=False):
        client = client_for(chief_office_a)
        body = client.get(_chief_page(invited)).content.decode()
        posted = client.post(_chief_page(invited), {"comments": "Late."})
    assert "has passed" in body
    assert "<textarea" not in body
    assert posted.status_code == 200
    _nothing_written(invited)


@pytest.mark.parametrize(
    "persona",
    ["chief_office_b", "pcc_office_a", "pcc_office_b", "hmi_a", "liaison_lead_a", "apcc_lead"],
)
def test_u6_anyone_but_the_invited_chiefs_office_gets_404_and_the_reach_is_audited(
    request, client_for, invited, persona
):
    actor = request.getfixturevalue(persona)
    with time_machine.travel(IN_PERIOD, tick=False):
        response = client_for(actor).get(_chief_page(invited))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(
        action=AuditAction.DENIED,
        actor=actor,
        object_type="responses.responseobligation",
        object_id=str(invited.pk),
    ).exists()


def test_u6_before_the_invitation_the_chiefs_office_gets_404(client_for, obligation_a, chief_office_a):
    with time_machine.travel(IN_PERIOD, tick=False):
        assert client_for(chief_office_a).get(_chief_page(obligation_a)).status_code == 404


def test_u6_the_chiefs_list_costs_the_same_queries_for_more_invitations(
    client_for, invited, chief_office_a, pcc_office_a, response_lead, force_a
):
    client = client_for(chief_office_a)

    def queries() -> tuple[int, str]:
        with time_machine.travel(IN_PERIOD + SECOND, tick=False), CaptureQueriesContext(connection) as seen:
            body = client.get(reverse("responses:chief-invitations")).content.decode()
        return len(seen), body

    queries()  # warm the session and the permission caches
    one, _ = queries()
    for number in range(3):
        report = publish_report(lead=response_lead, areas=[force_a], title=f"PEEL {number}")
        obligation = ResponseObligation.objects.get(report=report)
        response_invite_chief(
            obligation=obligation, comments_due_on=COMMENTS_DUE_ON, by=pcc_office_a, now=IN_PERIOD
        )
    four, body = queries()
    assert body.count("Waiting for your comments") == 4
    assert four == one


def test_u6_iopc_staff_have_no_chiefs_page(client_for, invited, directory):
    iopc = make_person("iopc_person", org(OrganisationKind.IOPC, "iopc"), Role.INVESTIGATING_BODY_STAFF)
    with time_machine.travel(IN_PERIOD, tick=False):
        assert client_for(iopc).get(_chief_page(invited)).status_code == 404
