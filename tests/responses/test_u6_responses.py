"""U6 and D5: the PCC's statutory response, through responses.services.

Timeline in tests/responses/conftest.py: published Tue 7 July 2026 10:00 BST; day 56 is
Mon 31 August; due (the end of that day) Tue 1 September 00:00 BST.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import ValidationError

from hmicfrs_mou.deadlines import LONDON
from hmicfrs_mou.models import Deadline, DeadlineState, InboxMessage
from inspections.models import Finding
from inspections.services import reports_due_notices
from responses.models import ObligationState, RecommendationResponse, ResponseObligation, Submission
from responses.services import (
    obligations_create_for_report,
    recommendations_of,
    response_invite_chief,
    response_mark_answered_elsewhere,
    response_missing,
    response_save,
    response_submit,
    submission_path,
)
from tests.conftest import office_of
from tests.responses.conftest import (
    DUE,
    IN_PERIOD,
    PUBLICATION,
    PUBLISHED_URL,
    SECOND,
    chief_comments_entered,
    complete,
    pdf_bytes,
    pdf_upload,
    publish_report,
    stored_files,
)

pytestmark = pytest.mark.django_db

UTC = dt.UTC


# --- U6: who owes a response ----------------------------------------------------------------------------


def test_u6_publication_creates_one_obligation_per_police_force_and_none_for_an_frs(
    published, force_a, force_b, essex
):
    obligations = ResponseObligation.objects.filter(report=published)
    assert {(o.area, o.office) for o in obligations} == {
        (force_a, office_of(force_a)),
        (force_b, office_of(force_b)),
    }
    assert not obligations.filter(area=essex).exists()
    assert all(o.state == ObligationState.AWAITING for o in obligations)


def test_u6_obligations_arise_only_at_publication_and_only_once(response_lead, force_a, force_b):
    report = publish_report(lead=response_lead, areas=[force_a, force_b], publish=False)
    reports_due_notices(now=PUBLICATION - SECOND)
    assert not ResponseObligation.objects.filter(report=report).exists()
    with pytest.raises(ValidationError, match="only once the report is published"):
        obligations_create_for_report(report=report, now=PUBLICATION - SECOND)
    reports_due_notices(now=PUBLICATION)
    assert ResponseObligation.objects.filter(report=report).count() == 2
    reports_due_notices(now=PUBLICATION + SECOND)
    assert obligations_create_for_report(report=report, now=PUBLICATION + SECOND) == []
    assert ResponseObligation.objects.filter(report=report).count() == 2


def test_u6_each_office_gets_a_d5_deadline_to_respond(obligation_a, obligation_b):
    for obligation in (obligation_a, obligation_b):
        deadline = Deadline.objects.get(key=f"response:{obligation.pk}")
        assert deadline.kind == "pcc_response"
        assert deadline.state == DeadlineState.OPEN
        assert deadline.due_at == DUE


# --- D5: the due moment -----------------------------------------------------------------------------------


D5_CASES = [
    pytest.param(
        dt.datetime(2026, 7, 7, 10, tzinfo=LONDON),
        dt.date(2026, 8, 31),
        dt.datetime(2026, 8, 31, 23, tzinfo=UTC),
        id="D5-summer-day-56-is-31-August",
    ),
    pytest.param(
        dt.datetime(2028, 1, 5, 10, tzinfo=LONDON),
        dt.date(2028, 2, 29),
        dt.datetime(2028, 3, 1, 0, tzinfo=UTC),
        id="D5-leap-year-day-56-is-29-February-2028",
    ),
    pytest.param(
        dt.datetime(2028, 1, 10, 10, tzinfo=LONDON),
        dt.date(2028, 3, 5),
        dt.datetime(2028, 3, 6, 0, tzinfo=UTC),
        id="D5-leap-year-counts-29-February",
    ),
    pytest.param(
        dt.datetime(2026, 2, 2, 10, tzinfo=LONDON),
        dt.date(2026, 3, 29),
        dt.datetime(2026, 3, 29, 23, tzinfo=UTC),
        id="D5-day-56-is-the-spring-clock-change-ends-at-midnight-BST",
    ),
    pytest.param(
        dt.datetime(2026, 8, 31, 10, tzinfo=LONDON),
        dt.date(2026, 10, 25),
        dt.datetime(2026, 10, 26, 0, tzinfo=UTC),
        id="D5-day-56-is-the-autumn-clock-change-ends-at-midnight-GMT",
    ),
    pytest.param(
        dt.datetime(2026, 7, 8, 0, 30, tzinfo=LONDON),
        dt.date(2026, 9, 1),
        dt.datetime(2026, 9, 1, 23, tzinfo=UTC),
        id="D5-published-0030-BST-counts-from-the-London-day-not-the-UTC-day",
    ),
]


@pytest.mark.parametrize(("publication_at", "last_day", "due_utc"), D5_CASES)
def test_d5_the_response_is_due_at_the_end_of_day_56_in_london(
    response_lead, force_a, publication_at, last_day, due_utc
):
    report = publish_report(lead=response_lead, areas=[force_a], publication_at=publication_at)
    obligation = ResponseObligation.objects.get(report=report, area=force_a)
    assert obligation.published_on == publication_at.astimezone(LONDON).date()
    assert obligation.published_on + dt.timedelta(days=55) == last_day
    assert obligation.due_at == due_utc
    assert obligation.due_at.astimezone(LONDON).time() == dt.time(0, 0)
    assert f"{last_day.day} {last_day:%B %Y}" in obligation.working
    assert obligation.working.startswith("Published ")  # plain words, not the rule id D5


# --- U6: the completeness check ------------------------------------------------------------------------------


def test_u6_the_completeness_check_names_each_missing_part(obligation_a, pcc_office_a):
    references = [finding.reference for finding in recommendations_of(obligation_a)]
    assert len(references) == 2
    assert response_missing(obligation_a, IN_PERIOD) == [
        "Invite the chief officer's comments and set a date for them",
        "The PCC's comments on the report",
        *[f"Recommendation {ref}: the action taken or proposed, or why none" for ref in references],
        "The web address where the response is published",
    ]
    # Once invited, the chief's comments are awaited; once they are in, the PCC's reply to them is due.
    response_invite_chief(
        obligation=obligation_a, comments_due_on=dt.date(2026, 7, 27), by=pcc_office_a, now=IN_PERIOD
    )
    obligation_a.refresh_from_db()
    assert response_missing(obligation_a, IN_PERIOD)[0] == (
        "The chief officer's comments: their office can enter them "
        "by the end of Monday 27 July 2026 (midnight BST)"
    )
    chief_comments_entered(obligation_a, now=IN_PERIOD)
    obligation_a.refresh_from_db()
    assert response_missing(obligation_a, IN_PERIOD)[:2] == [
        "The PCC's comments on the report",
        "The PCC's response to the chief officer's comments",
    ]


def test_u6_each_part_filled_leaves_the_check_once_saved(obligation_a, pcc_office_a):
    first, second = recommendations_of(obligation_a)
    response_save(
        obligation=obligation_a,
        by=pcc_office_a,
        pcc_comments="The PCC welcomes the report.",
        reply_to_chief="",
        published_url="",
        answers={first.pk: ("", "The force already does this."), second.pk: ("", "")},
    )
    missing = response_missing(obligation_a)
    assert "The PCC's comments on the report" not in missing
    assert f"Recommendation {first.reference}: the action taken or proposed, or why none" not in missing
    assert f"Recommendation {second.reference}: the action taken or proposed, or why none" in missing
    assert "Invite the chief officer's comments and set a date for them" in missing


def test_u6_a_submission_is_refused_until_the_response_is_complete(obligation_a, pcc_office_a, media_root):
    with pytest.raises(ValidationError) as refused:
        response_submit(obligation=obligation_a, upload=pdf_upload(), by=pcc_office_a, now=IN_PERIOD)
    message = refused.value.messages[0]
    assert message.startswith("The response is not complete")
    assert "Invite the chief officer's comments" in message
    assert "The web address where the response is published" in message
    assert not Submission.objects.exists()
    assert stored_files(media_root) == []
    obligation_a.refresh_from_db()
    assert obligation_a.state == ObligationState.AWAITING


def test_u6_a_complete_response_is_submitted_and_sent_to_hmicfrs_and_the_home_secretary(
    obligation_a, pcc_office_a, media_root
):
    complete(obligation_a, pcc_office_a)
    content = pdf_bytes()
    submission = response_submit(
        obligation=obligation_a,
        upload=pdf_upload("Our response.pdf", content),
        by=pcc_office_a,
        now=IN_PERIOD,
    )
    assert submission.version == 1
    assert submission.sent_to_home_secretary is True
    assert submission.late is False
    assert submission.published_url == PUBLISHED_URL
    assert submission.original_name == "Our response.pdf"
    assert submission.sha256 == hashlib.sha256(content).hexdigest()
    assert submission_path(submission).read_bytes() == content
    assert submission.stored_name != submission.original_name
    assert set(submission.content) == {
        "chief_comments",
        "chief_officer",
        "pcc_comments",
        "reply_to_chief",
        "recommendations",
    }
    obligation_a.refresh_from_db()
    assert obligation_a.state == ObligationState.SUBMITTED


def test_u6_versions_are_kept_and_never_overwritten(obligation_a, pcc_office_a, media_root):
    complete(obligation_a, pcc_office_a)
    first_bytes, second_bytes = pdf_bytes(1), pdf_bytes(2)
    assert first_bytes != second_bytes
    v1 = response_submit(
        obligation=obligation_a, upload=pdf_upload("v1.pdf", first_bytes), by=pcc_office_a, now=IN_PERIOD
    )
    response_save(
        obligation=obligation_a,
        by=pcc_office_a,
        pcc_comments="The PCC's comments, revised.",
        reply_to_chief=obligation_a.reply_to_chief,
        published_url=PUBLISHED_URL,
        answers={},
    )
    v2 = response_submit(
        obligation=obligation_a,
        upload=pdf_upload("v2.pdf", second_bytes),
        by=pcc_office_a,
        now=IN_PERIOD + dt.timedelta(days=1),
    )
    assert (v1.version, v2.version) == (1, 2)
    assert v1.stored_name != v2.stored_name
    v1.refresh_from_db()
    assert submission_path(v1).read_bytes() == first_bytes
    assert hashlib.sha256(submission_path(v1).read_bytes()).hexdigest() == v1.sha256
    assert submission_path(v2).read_bytes() == second_bytes
    assert v1.content["pcc_comments"] == "The PCC welcomes the report."
    assert v2.content["pcc_comments"] == "The PCC's comments, revised."
    assert len(stored_files(media_root)) == 2


@pytest.mark.parametrize(
    ("submitted_at", "late"),
    [
        pytest.param(DUE - SECOND, False, id="U6-D5-23:59:59-on-day-56-is-on-time"),
        pytest.param(DUE, True, id="U6-D5-exactly-at-the-end-of-day-56-is-late"),
        pytest.param(DUE + SECOND, True, id="U6-D5-just-after-is-late"),
        pytest.param(DUE + dt.timedelta(days=30), True, id="U6-D5-a-month-late-is-still-accepted"),
    ],
)
def test_u6_a_late_submission_is_accepted_and_marked_late(
    obligation_a, pcc_office_a, media_root, submitted_at, late
):
    complete(obligation_a, pcc_office_a)
    submission = response_submit(
        obligation=obligation_a, upload=pdf_upload(), by=pcc_office_a, now=submitted_at
    )
    assert submission.late is late
    assert submission.submitted_at == submitted_at
    assert len(stored_files(media_root)) == 1


def test_d5_the_deadline_is_met_on_submission_and_its_reminders_stop(obligation_a, pcc_office_a, media_root):
    complete(obligation_a, pcc_office_a)
    response_submit(obligation=obligation_a, upload=pdf_upload(), by=pcc_office_a, now=IN_PERIOD)
    deadline = Deadline.objects.get(key=f"response:{obligation_a.pk}")
    assert deadline.state == DeadlineState.MET
    assert deadline.state_changed_at == IN_PERIOD
    assert deadline.next_fire_at is None


def test_d5_a_late_submission_also_closes_the_overdue_deadline(obligation_a, pcc_office_a, media_root):
    complete(obligation_a, pcc_office_a)
    response_submit(
        obligation=obligation_a, upload=pdf_upload(), by=pcc_office_a, now=DUE + dt.timedelta(days=3)
    )
    assert Deadline.objects.get(key=f"response:{obligation_a.pk}").state == DeadlineState.MET


# --- U6: the chief officer's comments ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "days",
    [pytest.param(-1, id="U6-yesterday"), pytest.param(0, id="U6-today")],
)
def test_u6_a_chief_comments_date_not_in_the_future_is_refused_and_nothing_saved(
    obligation_a, pcc_office_a, chief_office_a, days
):
    with pytest.raises(ValidationError) as refused:
        response_invite_chief(
            obligation=obligation_a,
            comments_due_on=IN_PERIOD.date() + dt.timedelta(days=days),
            by=pcc_office_a,
            now=IN_PERIOD,
        )
    assert refused.value.message_dict["comments_due_on"] == [
        "The date for the chief officer's comments must be after today (Monday 20 July 2026): "
        "that date has already begun or passed."
    ]
    obligation_a.refresh_from_db()
    assert obligation_a.chief_comments_invited_at is None
    assert not InboxMessage.objects.filter(
        user=chief_office_a, subject__startswith="Your comments are invited"
    ).exists()


def test_u6_chief_comments_due_after_the_response_is_refused(obligation_a, pcc_office_a):
    with pytest.raises(ValidationError, match="before the response is"):
        response_invite_chief(
            obligation=obligation_a, comments_due_on=DUE.date(), by=pcc_office_a, now=IN_PERIOD
        )


def test_u6_inviting_the_chief_tells_the_chiefs_office(obligation_a, pcc_office_a, chief_office_a):
    due_on = IN_PERIOD.date() + dt.timedelta(days=10)
    response_invite_chief(obligation=obligation_a, comments_due_on=due_on, by=pcc_office_a, now=IN_PERIOD)
    obligation_a.refresh_from_db()
    assert obligation_a.chief_comments_due_on == due_on
    assert (
        InboxMessage.objects.filter(
            user=chief_office_a, subject__startswith="Your comments are invited"
        ).count()
        == 1
    )


# --- U6: the builder refuses bad input ----------------------------------------------------------------------


def test_u6_an_answer_for_a_recommendation_of_another_report_is_refused_and_nothing_saved(
    obligation_a, pcc_office_a, response_lead, force_b
):
    other = publish_report(
        lead=response_lead,
        areas=[force_b],
        title="PEEL: Kent Police",
        publication_at=PUBLICATION + dt.timedelta(days=2),
    )
    foreign = Finding.objects.filter(report=other).first()
    with pytest.raises(ValidationError, match="not in this report"):
        response_save(
            obligation=obligation_a,
            by=pcc_office_a,
            pcc_comments="Saved?",
            reply_to_chief="x",
            published_url="",
            answers={foreign.pk: ("Forged", "")},
        )
    obligation_a.refresh_from_db()
    assert obligation_a.pcc_comments == ""
    assert not RecommendationResponse.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "http://www.example.org/response",
        "www.example.org/response",
        "https://localhost/x",
        "javascript:alert(1)",
    ],
)
def test_u6_the_published_address_must_be_https(obligation_a, pcc_office_a, url):
    with pytest.raises(ValidationError) as refused:
        response_save(
            obligation=obligation_a,
            by=pcc_office_a,
            pcc_comments="Saved?",
            reply_to_chief="",
            published_url=url,
            answers={},
        )
    assert "published_url" in refused.value.message_dict
    obligation_a.refresh_from_db()
    assert obligation_a.published_url == ""
    assert obligation_a.pcc_comments == ""


# --- U6: answered by another response ----------------------------------------------------------------------


@pytest.fixture
def second_obligation_a(response_lead, force_a) -> ResponseObligation:
    """Another report on force A, published later: the same office owes a second response."""
    report = publish_report(
        lead=response_lead,
        areas=[force_a],
        title="PEEL: Avon and Somerset Police",
        publication_at=PUBLICATION + dt.timedelta(days=1),
    )
    return ResponseObligation.objects.get(report=report, area=force_a)


@pytest.mark.parametrize("reason", ["", "   "])
def test_u6_answered_elsewhere_needs_a_reason(obligation_a, second_obligation_a, pcc_office_a, reason):
    with pytest.raises(ValidationError) as refused:
        response_mark_answered_elsewhere(
            obligation=second_obligation_a, answered_by=obligation_a, reason=reason, by=pcc_office_a
        )
    assert "reason" in refused.value.message_dict
    second_obligation_a.refresh_from_db()
    assert second_obligation_a.answered_by is None
    assert second_obligation_a.state == ObligationState.AWAITING


def test_u6_answered_elsewhere_needs_a_response_of_the_same_office(obligation_a, obligation_b, pcc_office_a):
    with pytest.raises(ValidationError, match="same office"):
        response_mark_answered_elsewhere(
            obligation=obligation_a, answered_by=obligation_b, reason="The same findings.", by=pcc_office_a
        )
    obligation_a.refresh_from_db()
    assert obligation_a.answered_by is None
    assert obligation_a.state == ObligationState.AWAITING


def test_u6_an_obligation_cannot_answer_itself(obligation_a, pcc_office_a):
    with pytest.raises(ValidationError, match="same office"):
        response_mark_answered_elsewhere(
            obligation=obligation_a, answered_by=obligation_a, reason="Itself.", by=pcc_office_a
        )


def test_u6_answered_elsewhere_links_and_can_be_undone(obligation_a, second_obligation_a, pcc_office_a):
    response_mark_answered_elsewhere(
        obligation=second_obligation_a,
        answered_by=obligation_a,
        reason="The thematic response answers the same recommendations.",
        by=pcc_office_a,
    )
    second_obligation_a.refresh_from_db()
    assert second_obligation_a.state == ObligationState.ANSWERED_ELSEWHERE
    assert second_obligation_a.answered_by == obligation_a
    response_mark_answered_elsewhere(
        obligation=second_obligation_a, answered_by=None, reason="", by=pcc_office_a
    )
    second_obligation_a.refresh_from_db()
    assert second_obligation_a.state == ObligationState.AWAITING
    assert second_obligation_a.answered_by is None
    assert second_obligation_a.answered_reason == ""
