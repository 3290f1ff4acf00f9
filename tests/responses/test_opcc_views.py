"""The OPCC's response pages (U6, D5): persona answers for every page, and each action end to end.

Personas (STYLE §8): pcc_office_a owns force A's obligation; pcc_office_b (Kent) is the same role
for another force and gets 404, with a DENIED audit event, for A's records, even when it forges
ids in a POST; HMICFRS staff read (200) but every action is 403; force A's chief's office and
the APCC get 404; anonymous visitors are sent to sign in.

Every test runs at IN_PERIOD (Mon 20 July 2026 12:00 BST) unless it travels elsewhere; the report
was published Tue 7 July 2026, day 56 is Mon 31 August 2026 (see tests/responses/conftest.py).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hmicfrs_mou.deadlines import LONDON
from hmicfrs_mou.models import AuditAction, AuditEvent
from inspections.models import Finding
from responses.forms import FOREIGN_ANSWER
from responses.models import ObligationState, RecommendationResponse, ResponseObligation, Submission
from responses.services import recommendations_of, response_submit
from tests.core.test_no_rule_codes import visible_text
from tests.responses.conftest import (
    DUE,
    IN_PERIOD,
    PUBLICATION,
    PUBLISHED_URL,
    complete,
    pdf_bytes,
    pdf_upload,
    publish_report,
    stored_files,
)

pytestmark = pytest.mark.django_db

OBLIGATION_TYPE = "responses.responseobligation"
SUBMISSION_TYPE = "responses.submission"
ACTIONS = ["invite-chief", "edit", "submit", "answered-elsewhere"]
OBLIGATION_PAGES = ["obligation", *ACTIONS]
FILE_NAME = "Our response (final).pdf"
FILE_BYTES = pdf_bytes(2)


@pytest.fixture(autouse=True)
def _in_period():
    with time_machine.travel(IN_PERIOD, tick=False):
        yield


@pytest.fixture
def submitted_a(obligation_a, pcc_office_a, media_root) -> Submission:
    """Force A's response, complete and submitted once (v1) at IN_PERIOD."""
    complete(obligation_a, pcc_office_a)
    return response_submit(
        obligation=obligation_a, upload=pdf_upload(FILE_NAME, FILE_BYTES), by=pcc_office_a, now=IN_PERIOD
    )


def url(name: str, pk: int) -> str:
    return reverse(f"responses:{name}", kwargs={"pk": pk})


def denied(user, object_type: str, object_id: int) -> int:
    return AuditEvent.objects.filter(
        action=AuditAction.DENIED, actor=user, object_type=object_type, object_id=str(object_id)
    ).count()


def snapshot(obligation: ResponseObligation) -> tuple:
    obligation.refresh_from_db()
    return (
        obligation.state,
        obligation.chief_comments_invited_at,
        obligation.chief_comments_due_on,
        obligation.chief_comments,
        obligation.pcc_comments,
        obligation.reply_to_chief,
        obligation.published_url,
        obligation.answered_by_id,
        obligation.answered_reason,
        tuple(obligation.recommendation_responses.values_list("finding_id", "action", "no_action_reason")),
        tuple(obligation.submissions.values_list("pk", "sha256")),
    )


def forged_posts(obligation: ResponseObligation, other: ResponseObligation) -> dict[str, dict]:
    """Plausible data for each action, as the owner would post it."""
    due_on = IN_PERIOD.date() + dt.timedelta(days=5)
    return {
        "invite-chief": {
            "comments_due_on_0": due_on.day,
            "comments_due_on_1": due_on.month,
            "comments_due_on_2": due_on.year,
        },
        "edit": {
            "chief_comments": "Forged",
            "pcc_comments": "Forged",
            "reply_to_chief": "Forged",
            "published_url": "https://attacker.example.org/",
            **{f"action_{finding.pk}": "Forged" for finding in recommendations_of(obligation)},
        },
        "submit": {"file": SimpleUploadedFile("forged.pdf", pdf_bytes(), content_type="application/pdf")},
        "answered-elsewhere": {"answered_by": other.pk, "reason": "Forged"},
    }


# --- Personas -----------------------------------------------------------------------------------------


def test_u6_the_owning_office_opens_every_page(client_for, pcc_office_a, obligation_a, submitted_a):
    client = client_for(pcc_office_a)
    assert client.get(reverse("responses:awaiting")).status_code == 200
    for name in OBLIGATION_PAGES:
        assert client.get(url(name, obligation_a.pk)).status_code == 200, name
    assert client.get(url("submission", submitted_a.pk)).status_code == 200


@pytest.mark.parametrize("page", OBLIGATION_PAGES)
def test_u6_another_office_gets_404_on_a_response_page_and_the_reach_is_audited(
    client_for, pcc_office_b, obligation_a, page
):
    response = client_for(pcc_office_b).get(url(page, obligation_a.pk))
    assert response.status_code == 404
    assert denied(pcc_office_b, OBLIGATION_TYPE, obligation_a.pk) == 1


@pytest.mark.parametrize("page", ACTIONS)
def test_u6_another_office_posting_to_a_forged_obligation_id_changes_nothing(
    client_for, pcc_office_b, obligation_a, obligation_b, submitted_a, media_root, page
):
    before = snapshot(obligation_a)
    files_before = stored_files(media_root)
    data = forged_posts(obligation_a, obligation_b)[page]
    response = client_for(pcc_office_b).post(url(page, obligation_a.pk), data)
    assert response.status_code == 404
    assert snapshot(obligation_a) == before
    assert Submission.objects.count() == 1
    assert stored_files(media_root) == files_before
    assert denied(pcc_office_b, OBLIGATION_TYPE, obligation_a.pk) == 1


def test_u6_another_office_gets_404_on_a_forged_submission_id_and_the_reach_is_audited(
    client_for, pcc_office_b, submitted_a
):
    response = client_for(pcc_office_b).get(url("submission", submitted_a.pk))
    assert response.status_code == 404
    assert "Content-Disposition" not in response
    assert denied(pcc_office_b, SUBMISSION_TYPE, submitted_a.pk) == 1
    assert not AuditEvent.objects.filter(action=AuditAction.DOWNLOAD, actor=pcc_office_b).exists()


def test_u6_another_office_naming_a_forged_obligation_as_its_answer_is_refused_and_audited(
    client_for, pcc_office_b, obligation_a, obligation_b
):
    before_a, before_b = snapshot(obligation_a), snapshot(obligation_b)
    response = client_for(pcc_office_b).post(
        url("answered-elsewhere", obligation_b.pk), {"answered_by": obligation_a.pk, "reason": "Forged"}
    )
    assert response.status_code == 200
    assert "Choose one of your office&#x27;s other responses." in response.content.decode()
    assert (snapshot(obligation_a), snapshot(obligation_b)) == (before_a, before_b)
    assert denied(pcc_office_b, OBLIGATION_TYPE, obligation_a.pk) == 1


@pytest.mark.parametrize("persona", ["hmicfrs_staff", "hmi_a"])
def test_u6_hmicfrs_reads_the_response_and_its_versions(
    request, client_for, obligation_a, submitted_a, persona
):
    client = client_for(request.getfixturevalue(persona))
    listing = client.get(reverse("responses:awaiting") + "?show=all")
    assert listing.status_code == 200
    assert obligation_a.report.title in listing.content.decode()
    page = client.get(url("obligation", obligation_a.pk))
    assert page.status_code == 200
    body = page.content.decode()
    assert url("submission", submitted_a.pk) in body
    for action in ACTIONS:
        assert url(action, obligation_a.pk) not in body
    download = client.get(url("submission", submitted_a.pk))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == FILE_BYTES


def test_u6_hmicfrs_does_not_see_the_draft_being_prepared(
    client_for, hmicfrs_staff, pcc_office_a, obligation_a
):
    """Who sees what: the PCC response is the office's own while drafting; HMICFRS gets it once submitted."""
    client_for(pcc_office_a).post(
        url("edit", obligation_a.pk),
        {"pcc_comments": "DRAFT-ONLY the PCC's unpublished view", "chief_comments": "", "reply_to_chief": ""},
    )
    obligation_a.refresh_from_db()
    assert obligation_a.pcc_comments.startswith("DRAFT-ONLY")
    body = client_for(hmicfrs_staff).get(url("obligation", obligation_a.pk)).content.decode()
    assert "DRAFT-ONLY" not in body
    assert "What is still missing" not in body


@pytest.mark.parametrize("page", ACTIONS)
def test_u6_hmicfrs_gets_403_on_every_action_and_nothing_changes(
    client_for, hmicfrs_staff, obligation_a, obligation_b, submitted_a, media_root, page
):
    client = client_for(hmicfrs_staff)
    before = snapshot(obligation_a)
    assert client.get(url(page, obligation_a.pk)).status_code == 403
    response = client.post(url(page, obligation_a.pk), forged_posts(obligation_a, obligation_b)[page])
    assert response.status_code == 403
    assert snapshot(obligation_a) == before
    assert len(stored_files(media_root)) == 1


@pytest.mark.parametrize("persona", ["chief_office_a", "apcc_lead"])
def test_u6_the_chiefs_office_and_the_apcc_get_404(request, client_for, obligation_a, submitted_a, persona):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    for page in OBLIGATION_PAGES:
        assert client.get(url(page, obligation_a.pk)).status_code == 404, page
    assert client.get(url("submission", submitted_a.pk)).status_code == 404
    listing = client.get(reverse("responses:awaiting") + "?show=all").content.decode()
    assert obligation_a.report.title not in listing
    assert denied(user, OBLIGATION_TYPE, obligation_a.pk) == len(OBLIGATION_PAGES)


def test_u6_anonymous_visitors_are_sent_to_sign_in(client_for, obligation_a, submitted_a):
    client = client_for(None)
    paths = [reverse("responses:awaiting"), url("submission", submitted_a.pk)]
    paths += [url(page, obligation_a.pk) for page in OBLIGATION_PAGES]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url.startswith(reverse("login")), path
    assert client.post(url("edit", obligation_a.pk), {"pcc_comments": "x"}).status_code == 302
    obligation_a.refresh_from_db()
    assert obligation_a.pcc_comments != "x"


# --- The list ------------------------------------------------------------------------------------------


def test_u6_the_office_sees_its_reports_awaiting_a_response_with_the_d5_date_and_days_left(
    client_for, pcc_office_a, obligation_a, obligation_b
):
    response = client_for(pcc_office_a).get(reverse("responses:awaiting"))
    body = response.content.decode()
    assert "Reports awaiting your response" in body
    assert url("obligation", obligation_a.pk) in body
    assert url("obligation", obligation_b.pk) not in body
    assert "By the end of Monday 31 August 2026" in body
    # The working in plain words, with the zone, and no rule code (D5) on the page.
    assert "That day counts as day 1 of the 56 days" in body
    assert "so day 56 is Monday 31 August 2026" in body
    assert "(midnight BST)" in body
    assert not re.search(r"\bD5\b", visible_text(body))  # the CSRF token is random: read what is seen
    assert "43 days left" in body
    assert "Awaiting response" in body


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        pytest.param(
            dt.datetime(2026, 8, 31, 23, 59, 59, tzinfo=LONDON),
            "1 day left (today is the last day)",
            id="D5-day-56",
        ),
        pytest.param(DUE, "Overdue by 1 day", id="D5-exactly-at-the-end-of-day-56"),
        pytest.param(
            dt.datetime(2026, 9, 3, 12, tzinfo=LONDON), "Overdue by 3 days", id="D5-three-days-over"
        ),
    ],
)
def test_d5_the_list_counts_down_and_then_shows_how_overdue(
    client_for, pcc_office_a, obligation_a, moment, text
):
    with time_machine.travel(moment, tick=False):
        body = client_for(pcc_office_a).get(reverse("responses:awaiting")).content.decode()
    assert text in body


def test_u6_the_list_filters_submitted_responses_on_time_or_late(
    client_for, pcc_office_a, obligation_a, submitted_a
):
    client = client_for(pcc_office_a)
    awaiting = client.get(reverse("responses:awaiting")).content.decode()
    assert url("obligation", obligation_a.pk) not in awaiting
    submitted = client.get(reverse("responses:awaiting") + "?show=submitted").content.decode()
    assert url("obligation", obligation_a.pk) in submitted
    assert "Submitted on time" in submitted
    assert "1 version submitted" in submitted


def _publish_two_thematics(lead: Any, areas: list[Any]) -> None:
    """Two more published reports about the areas, a day and two after PUBLICATION: more responses due."""
    for days in (1, 2):
        publish_report(
            lead=lead,
            areas=areas,
            title=f"Thematic {days}",
            publication_at=PUBLICATION + dt.timedelta(days=days),
        )


def test_u6_the_list_costs_the_same_queries_for_more_obligations(
    client_for, hmicfrs_staff, response_lead, obligation_a, force_a, force_b
):
    client = client_for(hmicfrs_staff)
    path = reverse("responses:awaiting") + "?show=all"
    client.get(path)
    with CaptureQueriesContext(connection) as few:
        client.get(path)
    _publish_two_thematics(response_lead, [force_a, force_b])
    with CaptureQueriesContext(connection) as more:
        body = client.get(path).content.decode()
    assert "Thematic 2" in body
    assert len(more) == len(few)


def test_u6_the_list_pages_in_order_and_reads_the_uploads_of_the_rows_shown_only(
    client_for, hmicfrs_staff, response_lead, obligation_a, submitted_a, force_a, force_b, monkeypatch
):
    """Scale: every response is listed once, page after page, in the order asked for (soonest due, then
    by office name, both ways), each with its uploads counted; and those are counted for the page's rows
    alone, not for every response listed (at ten times the data, an HMI's list of all took 402 ms)."""
    from responses.views import opcc

    _publish_two_thematics(response_lead, [force_a, force_b])
    monkeypatch.setattr(opcc, "PAGE_SIZE", 2)
    client = client_for(hmicfrs_staff)
    obligations = ResponseObligation.objects.all()
    assert obligations.count() >= 5
    for params, order in (
        ({}, ("due_at", "pk")),
        ({"sort": "office", "order": "desc"}, ("-office__name", "-pk")),
    ):
        listed: list[int] = []
        pages = (obligations.count() + 1) // 2
        for number in range(1, pages + 1):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(
                    reverse("responses:awaiting"), {"show": "all", **params, "page": number}
                )
            shown = [row["obligation"].pk for row in response.context["rows"]]
            assert len(shown) == 2 or number == pages
            listed += shown
            counted = [query["sql"] for query in queries if 'COUNT("responses_submission"' in query["sql"]]
            assert len(counted) == 1
            assert f'"responses_responseobligation"."id" IN ({", ".join(map(str, shown))})' in counted[0]
            assert response.context["page_obj"].paginator.count == obligations.count()
        assert listed == list(obligations.order_by(*order).values_list("pk", flat=True)), params
    # The upload of the submitted one is on its row.
    body = client.get(reverse("responses:awaiting"), {"show": "submitted"}).content.decode()
    assert "1 version submitted" in body


def _filter_links(body: str) -> dict[str, str]:
    """Each filter's label and count as the page shows them, the current one included."""
    return {
        label: count
        for label, count in re.findall(
            r'(?:aria-current="page"|href="\?show=\w+")>([^<(]+) \(([^)]*)\)<', body
        )
    }


def test_u6_each_filter_counts_no_further_than_the_cap_and_the_list_says_more(
    client_for,
    hmicfrs_staff,
    pcc_office_a,
    response_lead,
    obligation_a,
    submitted_a,
    force_a,
    force_b,
    monkeypatch,
):
    """Scale: HMICFRS's list holds every response ever due, so each filter's count stops at a cap (a COUNT
    over LIMIT cap + 1 for each state, never a count of every response) and says "more than" past it; the
    list of all then pages as far as the cap, saying so. Under the cap the counts are exact."""
    from responses.views import opcc

    _publish_two_thematics(
        response_lead, [force_a, force_b]
    )  # 4 more due; of 6 in all, A's first is submitted
    monkeypatch.setattr(opcc, "PAGE_SIZE", 2)
    monkeypatch.setattr(opcc, "RESPONSES_COUNT_CAP", 3)
    client = client_for(hmicfrs_staff)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("responses:awaiting"), {"show": "all"})
    body = response.content.decode()
    assert _filter_links(body) == {
        "Awaiting a response": "more than 3",
        "Submitted": "1",
        "Answered by another response": "0",
        "All": "more than 3",
    }
    assert "More than 3 responses match. This list shows the first 3 in its current order." in body
    assert f'<a class="govuk-link" href="{reverse("search")}">Search to find a particular report</a>' in body
    sqls = [query["sql"] for query in queries]
    counts = [
        sql for sql in sqls if sql.startswith('SELECT COUNT(*) FROM (SELECT "responses_responseobligation"')
    ]
    assert len(counts) == len(ObligationState.values)
    assert all(sql.endswith("LIMIT 4) subquery") for sql in counts), counts
    assert not any('GROUP BY "responses_responseobligation"."state"' in sql for sql in sqls)
    # The pages go as far as the cap, in the order asked for: page 3 gives the last, page 2.
    first_three = list(ResponseObligation.objects.order_by("due_at", "pk").values_list("pk", flat=True)[:3])
    listed = []
    for number in (1, 2):
        page = client.get(reverse("responses:awaiting"), {"show": "all", "page": number})
        listed += [row["obligation"].pk for row in page.context["rows"]]
    assert listed == first_three
    last = client.get(reverse("responses:awaiting"), {"show": "all", "page": 3})
    assert [row["obligation"].pk for row in last.context["rows"]] == first_three[2:]
    assert 'href="?show=all&amp;page=3"' not in body

    # Under the cap: exact, and nothing said of more.
    assert ResponseObligation.objects.count() == 6
    monkeypatch.setattr(opcc, "RESPONSES_COUNT_CAP", 6)
    body = client.get(reverse("responses:awaiting"), {"show": "all"}).content.decode()
    assert _filter_links(body) == {
        "Awaiting a response": "5",
        "Submitted": "1",
        "Answered by another response": "0",
        "All": "6",
    }
    assert "More than" not in body

    # Every state under the cap and all of them over it: "All" says more, and its list says so; a state's
    # own list, under the cap, does not.
    monkeypatch.setattr(opcc, "RESPONSES_COUNT_CAP", 5)
    body = client.get(reverse("responses:awaiting"), {"show": "all"}).content.decode()
    assert _filter_links(body)["Awaiting a response"] == "5"
    assert _filter_links(body)["All"] == "more than 5"
    assert "More than 5 responses match" in body
    body = client.get(reverse("responses:awaiting"), {"show": "awaiting"}).content.decode()
    assert _filter_links(body)["All"] == "more than 5"
    assert "More than" not in body

    # An office counts its own responses only, under the same cap.
    monkeypatch.setattr(opcc, "RESPONSES_COUNT_CAP", 3)
    body = client_for(pcc_office_a).get(reverse("responses:awaiting")).content.decode()
    assert _filter_links(body) == {
        "Awaiting a response": "2",
        "Submitted": "1",
        "Answered by another response": "0",
        "All": "3",
    }
    assert "More than" not in body


def test_u6_a_count_in_the_thousands_reads_as_a_number_in_english_and_welsh(
    client_for, hmicfrs_staff, pcc_office_a, obligation_a, submitted_a, monkeypatch
):
    """The figures as the cap makes them at scale (counted by a stand-in: thousands of responses are not made
    here), with their thousands separated; and a figure out of step with the rows (the stand-in's) does
    not stand: the list counts its rows again and shows them."""
    from responses.views import opcc

    def figures(queryset: Any, cap: int) -> int:
        state = queryset.query.where.children[-1].rhs
        return {"awaiting": 1_234, "submitted": cap + 1, "answered_elsewhere": 0}[state]

    monkeypatch.setattr(opcc, "count_to", figures)
    response = client_for(hmicfrs_staff).get(reverse("responses:awaiting"), {"show": "submitted"})
    body = response.content.decode()
    assert _filter_links(body) == {
        "Awaiting a response": "1,234",
        "Submitted": "more than 5,000",
        "Answered by another response": "0",
        "All": "more than 5,000",
    }
    # The one submitted response, counted again: no "more than" for a list of one.
    assert [row["obligation"].pk for row in response.context["rows"]] == [obligation_a.pk]
    assert response.context["page_obj"].paginator.count == 1
    assert "More than" not in body

    client = client_for(pcc_office_a)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "cy"
    body = client.get(reverse("responses:awaiting"), {"show": "submitted"}).content.decode()
    assert '<html lang="cy"' in body
    assert "(1,234)" in body
    assert "(mwy na 5,000)" in body


# --- The builder -----------------------------------------------------------------------------------------


def test_u6_the_overview_names_each_missing_part(client_for, pcc_office_a, obligation_a):
    body = client_for(pcc_office_a).get(url("obligation", obligation_a.pk)).content.decode()
    assert "What is still missing" in body
    assert "The chief officer&#x27;s comments" in body
    assert "The web address where the response is published" in body
    for finding in recommendations_of(obligation_a):
        assert f"Recommendation {finding.reference}: the action taken or proposed, or why none" in body
    assert "govuk-task-list" in body
    assert "Cannot start yet" in body
    for action in ("invite-chief", "edit", "answered-elsewhere"):
        assert url(action, obligation_a.pk) in body
    assert url("submit", obligation_a.pk) not in body


def test_u6_a_complete_response_offers_the_upload(client_for, pcc_office_a, obligation_a):
    complete(obligation_a, pcc_office_a)
    body = client_for(pcc_office_a).get(url("obligation", obligation_a.pk)).content.decode()
    assert "What is still missing" not in body
    assert url("submit", obligation_a.pk) in body
    assert "Cannot start yet" not in body


def test_u6_inviting_the_chief_through_the_page(client_for, pcc_office_a, obligation_a):
    due_on = IN_PERIOD.date() + dt.timedelta(days=14)
    response = client_for(pcc_office_a).post(
        url("invite-chief", obligation_a.pk),
        {
            "comments_due_on_0": due_on.day,
            "comments_due_on_1": due_on.month,
            "comments_due_on_2": due_on.year,
        },
    )
    assert response.status_code == 302
    assert response.url == url("obligation", obligation_a.pk)
    obligation_a.refresh_from_db()
    assert obligation_a.chief_comments_due_on == due_on


def test_u6_a_chief_comments_date_in_the_past_is_refused_on_the_page(client_for, pcc_office_a, obligation_a):
    past = IN_PERIOD.date() - dt.timedelta(days=1)
    response = client_for(pcc_office_a).post(
        url("invite-chief", obligation_a.pk),
        {"comments_due_on_0": past.day, "comments_due_on_1": past.month, "comments_due_on_2": past.year},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in body
    assert "must be after today" in body
    obligation_a.refresh_from_db()
    assert obligation_a.chief_comments_invited_at is None


def test_u6_the_builder_saves_every_part_and_each_recommendation(client_for, pcc_office_a, obligation_a):
    first, second = recommendations_of(obligation_a)
    response = client_for(pcc_office_a).post(
        url("edit", obligation_a.pk),
        {
            "chief_comments": "The chief's comments.",
            "pcc_comments": "The PCC's comments.",
            "reply_to_chief": "The PCC's reply.",
            "published_url": PUBLISHED_URL,
            f"action_{first.pk}": "A stalking lead in each district.",
            f"reason_{first.pk}": "",
            f"action_{second.pk}": "",
            f"reason_{second.pk}": "The force already does this.",
        },
    )
    assert response.status_code == 302
    obligation_a.refresh_from_db()
    # U6: the chief's comments are the chief's office's to enter: a forged field from the OPCC is ignored.
    assert (obligation_a.chief_comments, obligation_a.pcc_comments, obligation_a.reply_to_chief) == (
        "",
        "The PCC's comments.",
        "The PCC's reply.",
    )
    assert obligation_a.published_url == PUBLISHED_URL
    answers = {
        a.finding_id: (a.action, a.no_action_reason) for a in obligation_a.recommendation_responses.all()
    }
    assert answers == {
        first.pk: ("A stalking lead in each district.", ""),
        second.pk: ("", "The force already does this."),
    }
    page = client_for(pcc_office_a).get(url("edit", obligation_a.pk)).content.decode()
    assert "A stalking lead in each district." in page


@pytest.mark.parametrize("forged", ["another_report", "not_a_finding", "area_for_improvement"])
def test_u6_a_forged_recommendation_id_is_refused_and_nothing_saved(
    client_for, pcc_office_a, obligation_a, response_lead, force_b, forged
):
    if forged == "another_report":
        other = publish_report(
            lead=response_lead,
            areas=[force_b],
            title="PEEL: Kent",
            publication_at=PUBLICATION + dt.timedelta(days=1),
        )
        finding_id = Finding.objects.filter(report=other).first().pk
    elif forged == "not_a_finding":
        finding_id = 987654
    else:
        finding_id = Finding.objects.get(report=obligation_a.report, kind="area_for_improvement").pk
    first = recommendations_of(obligation_a).first()
    before = snapshot(obligation_a)
    response = client_for(pcc_office_a).post(
        url("edit", obligation_a.pk),
        {
            "pcc_comments": "Saved?",
            f"action_{first.pk}": "Saved?",
            f"action_{finding_id}": "Forged answer",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert FOREIGN_ANSWER in body
    assert "<title>Error: " in body
    assert snapshot(obligation_a) == before
    assert not RecommendationResponse.objects.exists()


def test_u6_an_http_address_is_refused_on_the_page(client_for, pcc_office_a, obligation_a):
    response = client_for(pcc_office_a).post(
        url("edit", obligation_a.pk), {"pcc_comments": "Saved?", "published_url": "http://www.example.org/r"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_published_url"' in body
    assert "starting https://" in body
    obligation_a.refresh_from_db()
    assert obligation_a.pcc_comments == ""


# --- Submitting ---------------------------------------------------------------------------------------------


def test_u6_the_upload_page_is_a_multipart_form_once_complete(client_for, pcc_office_a, obligation_a):
    client = client_for(pcc_office_a)
    incomplete = client.get(url("submit", obligation_a.pk)).content.decode()
    assert "What is still missing" in incomplete
    assert 'type="file"' not in incomplete
    complete(obligation_a, pcc_office_a)
    ready = client.get(url("submit", obligation_a.pk)).content.decode()
    assert 'enctype="multipart/form-data"' in ready
    assert 'type="file"' in ready
    assert 'accept="application/pdf,.pdf"' in ready


def test_u6_an_incomplete_response_is_refused_on_upload(client_for, pcc_office_a, obligation_a, media_root):
    response = client_for(pcc_office_a).post(url("submit", obligation_a.pk), {"file": pdf_upload()})
    assert response.status_code == 200
    assert "The response is not complete" in response.content.decode()
    assert not Submission.objects.exists()
    assert stored_files(media_root) == []


def test_u6_a_submission_confirms_it_went_to_hmicfrs_and_the_home_secretary_on_time(
    client_for, pcc_office_a, obligation_a, media_root
):
    complete(obligation_a, pcc_office_a)
    response = client_for(pcc_office_a).post(
        url("submit", obligation_a.pk), {"file": pdf_upload(FILE_NAME, FILE_BYTES)}, follow=True
    )
    body = response.content.decode()
    assert response.redirect_chain == [(url("obligation", obligation_a.pk), 302)]
    assert "Version 1 of the response has been sent to HMICFRS and the Home Secretary." in body
    assert "It was submitted on time, before the end of Monday 31 August 2026." in body
    submission = Submission.objects.get()
    assert submission.late is False
    assert submission.submitted_by == pcc_office_a
    assert url("submission", submission.pk) in body


def test_u6_a_late_submission_is_accepted_and_the_confirmation_says_so(
    client_for, pcc_office_a, obligation_a, media_root
):
    complete(obligation_a, pcc_office_a)
    with time_machine.travel(DUE + dt.timedelta(days=2), tick=False):
        response = client_for(pcc_office_a).post(
            url("submit", obligation_a.pk), {"file": pdf_upload()}, follow=True
        )
    body = response.content.decode()
    assert "has been sent to HMICFRS and the Home Secretary" in body
    assert "It was submitted late: it was due by the end of Monday 31 August 2026." in body
    assert Submission.objects.get().late is True


def test_u6_a_second_upload_is_version_2_and_both_stay_downloadable(
    client_for, pcc_office_a, obligation_a, submitted_a, media_root
):
    client = client_for(pcc_office_a)
    second = pdf_bytes(3)
    response = client.post(
        url("submit", obligation_a.pk), {"file": pdf_upload("v2.pdf", second)}, follow=True
    )
    assert "Version 2 of the response" in response.content.decode()
    v2 = Submission.objects.get(version=2)
    assert b"".join(client.get(url("submission", submitted_a.pk)).streaming_content) == FILE_BYTES
    assert b"".join(client.get(url("submission", v2.pk)).streaming_content) == second


# --- Answered elsewhere ----------------------------------------------------------------------------------------


@pytest.fixture
def peel_a(response_lead, force_a) -> ResponseObligation:
    report = publish_report(
        lead=response_lead,
        areas=[force_a],
        title="PEEL: Avon and Somerset",
        publication_at=PUBLICATION + dt.timedelta(days=1),
    )
    return ResponseObligation.objects.get(report=report)


def test_u6_marking_a_report_answered_elsewhere_and_undoing_it(
    client_for, pcc_office_a, obligation_a, peel_a
):
    client = client_for(pcc_office_a)
    page = client.get(url("answered-elsewhere", peel_a.pk)).content.decode()
    assert f'value="{obligation_a.pk}"' in page
    response = client.post(
        url("answered-elsewhere", peel_a.pk),
        {"answered_by": obligation_a.pk, "reason": "The thematic response answers the same recommendations."},
    )
    assert response.status_code == 302
    peel_a.refresh_from_db()
    assert peel_a.state == ObligationState.ANSWERED_ELSEWHERE
    assert peel_a.answered_by == obligation_a
    overview = client.get(url("obligation", obligation_a.pk)).content.decode()
    assert "Also answers" in overview
    assert client.post(url("answered-elsewhere", peel_a.pk), {"undo": "1"}).status_code == 302
    peel_a.refresh_from_db()
    assert (peel_a.state, peel_a.answered_by, peel_a.answered_reason) == (ObligationState.AWAITING, None, "")


def test_u6_answered_elsewhere_without_a_reason_is_refused_on_the_page(
    client_for, pcc_office_a, obligation_a, peel_a
):
    response = client_for(pcc_office_a).post(
        url("answered-elsewhere", peel_a.pk), {"answered_by": obligation_a.pk, "reason": "  "}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Explain why the other response answers this report." in body
    assert 'href="#id_reason"' in body
    peel_a.refresh_from_db()
    assert peel_a.state == ObligationState.AWAITING


def test_u6_undo_on_a_submitted_response_that_is_not_linked_changes_nothing(
    client_for, pcc_office_a, obligation_a, submitted_a
):
    before = snapshot(obligation_a)
    response = client_for(pcc_office_a).post(url("answered-elsewhere", obligation_a.pk), {"undo": "1"})
    assert response.status_code == 302
    assert snapshot(obligation_a) == before
    assert obligation_a.state == ObligationState.SUBMITTED


def test_u6_the_answer_must_be_one_of_the_same_offices_responses(
    client_for, pcc_office_a, obligation_b, peel_a
):
    page = client_for(pcc_office_a).get(url("answered-elsewhere", peel_a.pk)).content.decode()
    assert f'value="{obligation_b.pk}"' not in page


# --- The download ---------------------------------------------------------------------------------------------


def test_u6_the_download_is_an_attachment_never_sniffed_or_cached_and_audited(
    client_for, pcc_office_a, submitted_a
):
    response = client_for(pcc_office_a).get(url("submission", submitted_a.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Our-response-final-v1.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == FILE_BYTES
    assert AuditEvent.objects.filter(
        action=AuditAction.DOWNLOAD,
        actor=pcc_office_a,
        object_type=SUBMISSION_TYPE,
        object_id=str(submitted_a.pk),
    ).exists()


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("Réponse «PCC» 2026.pdf", "Reponse-PCC-2026-v1.pdf"),
        ('a"b;c\r\nd.PDF', "a-b-c-d-v1.pdf"),
        ("....pdf", "response-v1.pdf"),
        ("отвѣтъ.pdf", "response-v1.pdf"),
    ],
)
def test_u6_the_download_name_is_plain_ascii(client_for, pcc_office_a, submitted_a, original, expected):
    Submission.objects.filter(pk=submitted_a.pk).update(original_name=original)
    response = client_for(pcc_office_a).get(url("submission", submitted_a.pk))
    assert response["Content-Disposition"] == f'attachment; filename="{expected}"'
