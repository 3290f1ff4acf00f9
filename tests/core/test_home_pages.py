"""What each person sees first (issue 12): their own due work on their portal home, soonest first, with
days left, every row linking to its record; a navigation that holds only what the role can use.

Run on the demo scenario (one login per role, around Avon and Somerset): the dates come from the
deadline engine's rows and the reports' stored moments, read here, never worked out again.
"""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contacts.models import Organisation, OrganisationKind, User
from hmicfrs_mou.deadlines import due_day
from hmicfrs_mou.demo import _demo_inspections
from hmicfrs_mou.home import my_reports_in_progress
from hmicfrs_mou.models import LIVE_STATES, Deadline, DeadlineState, InboxMessage, PartyRole
from hmicfrs_mou.reminders import KINDS
from inspections.models import Report, ReportState
from responses.models import ResponseObligation
from tests.conftest import DEMO_HOMES

pytestmark = pytest.mark.django_db

HOMES = DEMO_HOMES
# At 1280 px the service navigation holds this many items in one row (tests/browser measures it).
NAV_ITEMS_IN_ONE_ROW = 7


@pytest.fixture
def people(demo_people: dict[str, User]) -> dict[str, User]:
    return demo_people


def page_of(client_for: Any, user: User) -> str:
    response = client_for(user).get(reverse(HOMES[user.username]))
    assert response.status_code == 200
    return response.content.decode()


def due_list(page: str, list_id: str = "due") -> list[tuple[str, str, str]]:
    """(href, title, tag) of each row of a due list on the page, in order."""
    match = re.search(rf'<ul class="govuk-task-list" id="{list_id}">(.*?)</ul>', page, re.S)
    if match is None:
        return []
    rows = re.findall(
        r'<a class="govuk-link govuk-task-list__link" href="([^"]+)"[^>]*>(.*?)</a>.*?'
        r'<strong class="govuk-tag [^"]*">(.*?)</strong>',
        match.group(1),
        re.S,
    )
    return [(href, unescape(title.strip()), tag.strip()) for href, title, tag in rows]


def days_tag(due_at: dt.datetime, now: dt.datetime) -> str:
    """The words a person should read for a moment still to come, from its last day."""
    days = (due_day(due_at) - timezone.localdate(now)).days
    return {0: "Due today", 1: "Due tomorrow"}.get(days, f"Due in {days} days")


def responsible_live(user: User) -> list[Deadline]:
    return list(
        Deadline.objects.filter(
            state__in=LIVE_STATES, parties__user=user, parties__role=PartyRole.RESPONSIBLE
        ).order_by("due_at", "pk")
    )


# --- Each person's own work, soonest first ---------------------------------------------------------


def test_home_lists_the_persons_own_deadlines_soonest_first_each_linked_to_its_record(client_for, people):
    now = timezone.now()
    for username in ("hmi", "inspector", "liaison", "opcc", "opcc-cumbria", "apcc"):
        user = people[username]
        expected = responsible_live(user)[:10]
        assert expected, f"the demo gives {username} work that is due"
        rows = due_list(page_of(client_for, user))
        assert [(href, title) for href, title, _ in rows] == [(d.url, d.title) for d in expected], username
        for (_, _, tag), deadline in zip(rows, expected, strict=True):
            if deadline.due_at > now:
                assert tag == days_tag(deadline.due_at, now), username
            else:
                assert tag.startswith("Overdue"), username


def test_home_leaves_out_deadlines_the_person_is_only_told_about(client_for, people):
    """HMCI is the escalation for every standing pair: those are counted, never listed as HMCI's own work."""
    hmci = people["hmci"]
    escalated = Deadline.objects.filter(parties__user=hmci, parties__role=PartyRole.ESCALATION)
    assert escalated.count() > 50
    page = page_of(client_for, hmci)
    listed = {title for _, title, _ in due_list(page)}
    assert listed == {d.title for d in responsible_live(hmci)}
    only_told = set(escalated.values_list("title", flat=True)) - {d.title for d in responsible_live(hmci)}
    assert only_told
    assert not listed & only_told


def test_hmci_home_shows_meetings_overdue_as_a_count_with_a_link_not_rows(client_for, people):
    page = page_of(client_for, people["hmci"])
    count = int(re.search(r"(\d+) standing meetings overdue", page).group(1))
    assert count > 50
    assert f'href="{reverse("contacts:cadences")}"' in page
    # Not one row per pair: no table of standing meetings on the home.
    assert "How the due date was worked out" not in page
    assert page.count("govuk-task-list__item") <= 10


def test_u6_hmci_home_counts_the_responses_overdue_nationally_and_links_them(client_for, people):
    obligations = list(ResponseObligation.objects.order_by("pk"))
    assert len(obligations) == 2  # the demo's published thematic: Avon and Somerset, and Cumbria
    with time_machine.travel(obligations[0].due_at + dt.timedelta(days=1), tick=False):
        page = page_of(client_for, people["hmci"])
    assert "2 PCC responses are overdue" in page
    for obligation in obligations:
        assert reverse("responses:obligation", kwargs={"pk": obligation.pk}) in page


def test_m4_hmci_home_says_when_no_engage_decision_awaits(client_for, people):
    assert "No Engage decision awaits you" in page_of(client_for, people["hmci"])


def test_hmci_home_lists_the_reports_of_this_month_hmci_may_see(client_for, people):
    """Reports published this month, from the access module: a report still under embargo is the team's."""
    published = Report.objects.get(title="Police response to stalking")
    with time_machine.travel(published.publication_at + dt.timedelta(hours=1), tick=False):
        rows = due_list(page_of(client_for, people["hmci"]), "this-month")
        peel = Report.objects.get(title__startswith="PEEL 2025–27: Avon")
    assert (reverse("inspections:report", kwargs={"pk": published.pk}), published.title, "Published") in rows
    assert peel.title not in [title for _, title, _ in rows]


def test_hmi_home_lists_their_reports_in_progress_with_what_is_due_next(client_for, people):
    page = page_of(client_for, people["hmi"])
    peel = Report.objects.get(title__startswith="PEEL 2025–27: Avon")
    next_due = (
        Deadline.objects.filter(
            state__in=LIVE_STATES, subject_type="inspections.report", subject_id=str(peel.pk)
        )
        .order_by("due_at")
        .first()
    )
    row = re.search(
        rf'href="{reverse("inspections:report", kwargs={"pk": peel.pk})}">.*?</tr>', page, re.S
    ).group(0)
    assert f'href="{next_due.url}"' in row
    assert days_tag(next_due.due_at, timezone.now()) in row


def test_each_report_in_progress_brings_its_soonest_live_deadline_in_one_query(people):
    """U2: every report in progress of the HMI's inspections with its soonest live deadline, as the engine's
    rows say when each is read alone; a report with none has none; one query for the whole panel."""
    hmi = people["hmi"]
    now = timezone.now()
    my_reports_in_progress(hmi, now)  # the person's scope, read once a request
    with CaptureQueriesContext(connection) as captured:
        work, total = my_reports_in_progress(hmi, now)
    assert len(captured.captured_queries) == 1
    assert total == len(work) >= 2
    for item in work:
        soonest = (
            Deadline.objects.filter(
                state__in=LIVE_STATES, subject_type="inspections.report", subject_id=str(item.report.pk)
            )
            .order_by("due_at", "pk")
            .first()
        )
        if soonest is None:
            assert item.next_due is None
        else:
            assert (item.next_due.title, item.next_due.url, item.next_due.due_at) == (
                soonest.title,
                soonest.url,
                soonest.due_at,
            )
            assert item.next_due.what == KINDS[soonest.kind].label
    # A report whose deadlines are all met has nothing due next.
    assert work[0].next_due is not None  # soonest first
    first = work[0].report
    Deadline.objects.filter(subject_type="inspections.report", subject_id=str(first.pk)).update(
        state=DeadlineState.MET
    )
    again = {item.report.pk: item.next_due for item in my_reports_in_progress(hmi, now)[0]}
    assert again[first.pk] is None


# --- The OPCC, the chief's office ------------------------------------------------------------------


def test_u3_opcc_home_lists_the_embargoed_copy_with_days_to_publication(client_for, people):
    peel = Report.objects.get(title__startswith="PEEL 2025–27: Avon")
    now = timezone.now()
    assert peel.distribution_at <= now < peel.publication_at
    rows = due_list(page_of(client_for, people["opcc"]), "embargoed")
    assert rows == [
        (
            reverse("inspections:report", kwargs={"pk": peel.pk}),
            peel.title,
            days_tag(peel.publication_at, now),
        )
    ]
    # Cumbria's report is not the Avon office's to read.
    assert "Cumbria" not in " ".join(title for _, title, _ in rows)


def test_u3_a_home_not_yet_in_welsh_says_publication_in_english_to_a_welsh_reader(client_for, people):
    """The force's home is not yet in Welsh: its content stays English under the Welsh header, including
    the words the view puts on each embargoed copy ("Publication: ..."), which wait for the page's
    language rather than taking the reader's when the view runs. The OPCC's home is Welsh throughout."""
    peel = Report.objects.get(title__startswith="PEEL 2025–27: Avon")
    assert peel.distribution_at <= timezone.now() < peel.publication_at
    force = unescape(
        client_for(people["force"]).get(reverse(HOMES["force"]), HTTP_ACCEPT_LANGUAGE="cy").content.decode()
    )
    assert "Allgofnodi" in force  # the header is Welsh
    assert "Publication: " in force
    assert "Cyhoeddi: " not in force
    opcc = unescape(
        client_for(people["opcc"]).get(reverse(HOMES["opcc"]), HTTP_ACCEPT_LANGUAGE="cy").content.decode()
    )
    assert "Cyhoeddi: " in opcc
    assert "Publication: " not in opcc


def test_u3_opcc_home_lists_no_embargoed_copy_before_distribution(client_for, people):
    peel = Report.objects.get(title__startswith="PEEL 2025–27: Avon")
    with time_machine.travel(peel.distribution_at - dt.timedelta(minutes=1), tick=False):
        page = page_of(client_for, people["opcc"])
    assert due_list(page, "embargoed") == []
    assert "No report is under embargo for your office." in page


def test_i7_chief_office_of_the_frs_sees_its_factual_accuracy_window_and_the_pcc_never(client_for, people):
    draft = Report.objects.get(state=ReportState.FACTUAL_ACCURACY)
    now = timezone.now()
    rows = due_list(page_of(client_for, people["frs"]))
    assert (
        reverse("inspections:fac", kwargs={"pk": draft.pk}),
        draft.title,
        days_tag(draft.fac_closes_at, now),
    ) in rows
    for username in ("opcc", "opcc-cumbria", "force"):
        page = page_of(client_for, people[username])
        assert draft.title not in unescape(page), username


def test_u6_force_home_lists_comments_invited_and_the_opcc_home_the_invitation_awaiting_them(
    client_for, people
):
    from responses.services import response_invite_chief

    obligation = ResponseObligation.objects.get(area__slug="avon-and-somerset")
    response_invite_chief(
        obligation=obligation,
        comments_due_on=timezone.localdate() + dt.timedelta(days=10),
        by=people["opcc"],
        now=timezone.now(),
    )
    deadline = Deadline.objects.get(
        kind="chief_comments", subject_id=str(obligation.pk), state__in=LIVE_STATES
    )
    expected = (deadline.url, deadline.title, days_tag(deadline.due_at, timezone.now()))
    assert expected in due_list(page_of(client_for, people["force"]))
    assert due_list(page_of(client_for, people["opcc"]), "invitations") == [expected]
    # The Cumbria office sent no invitation.
    assert due_list(page_of(client_for, people["opcc-cumbria"]), "invitations") == []


# --- The APCC --------------------------------------------------------------------------------------


def test_u7_apcc_home_shows_this_years_timeliness_super_complaints_and_engage(client_for, people):
    page = page_of(client_for, people["apcc"])
    assert f"PCC responses in {timezone.localdate().year}" in page
    assert reverse("responses:dashboard") in page
    assert "Open super-complaints" in page
    assert reverse("monitoring:tracker") in page


# --- Navigation ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_navigation_offers_only_what_the_role_can_open_in_one_row(client_for, people):
    for username in [*HOMES, "iopc", "admin"]:
        client = client_for(people[username])
        items = client.get(reverse("inbox")).context["nav_items"]
        assert len(items) <= NAV_ITEMS_IN_ONE_ROW, username
        for item in items:
            # Every link opens for the role (the admin's index checks its own permissions).
            assert client.get(item["href"]).status_code == 200, (username, item)


def test_inspection_staff_have_neither_the_audit_trail_nor_timeliness_in_their_navigation(client_for, people):
    texts = [
        item["text"] for item in client_for(people["inspector"]).get(reverse("inbox")).context["nav_items"]
    ]
    assert texts == ["Home", "Directory", "Inspections", "Meetings", "Inbox"]


def test_navigation_of_each_portal(client_for, people):
    def texts(username: str) -> list[str]:
        return [
            item["text"] for item in client_for(people[username]).get(reverse("inbox")).context["nav_items"]
        ]

    hmicfrs = ["Home", "Directory", "Inspections", "Responses", "Monitoring", "Meetings", "Inbox"]
    assert texts("hmci") == texts("hmi") == hmicfrs
    assert texts("opcc") == [
        "Home",
        "Directory",
        "Inspections",
        "Responses",
        "Monitoring",
        "Meetings",
        "Inbox",
    ]
    # U6: only the chief constable is invited to comment; U8: only an FRS has an action plan.
    assert texts("force") == [
        "Home",
        "Directory",
        "Inspections",
        "Monitoring",
        "Comments on responses",
        "Inbox",
    ]
    assert texts("frs") == ["Home", "Directory", "Inspections", "Action plans", "Monitoring", "Inbox"]
    assert texts("apcc") == ["Home", "Directory", "Engage tracker", "Super-complaints", "Timeliness", "Inbox"]


# --- The inbox -------------------------------------------------------------------------------------


def test_every_inbox_message_links_to_the_record_it_is_about(client_for, people):
    assert InboxMessage.objects.filter(user__username__in=HOMES).count() > 10
    for username in HOMES:
        user = people[username]
        client = client_for(user)
        page = client.get(reverse("inbox")).content.decode()
        for message in InboxMessage.objects.filter(user=user):
            assert message.url, message.subject
            assert f'href="{message.url}"' in page, message.subject
            assert client.get(message.url).status_code == 200, (username, message.url)


# --- Query counts: the same at 1x and 3x the data ---------------------------------------------------


def _queries(client_for: Any, user: User) -> int:
    client = client_for(user)
    url = reverse(HOMES[user.username])
    client.get(url)  # sessions and caches warmed
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.slow
def test_home_pages_cost_the_same_queries_with_three_times_the_data(client_for, people):
    once = {username: _queries(client_for, people[username]) for username in HOMES}
    area = Organisation.objects.get
    for _ in range(2):
        _demo_inspections(
            people,
            area(kind=OrganisationKind.POLICE_FORCE, slug="avon-and-somerset"),
            area(kind=OrganisationKind.FIRE_RESCUE_SERVICE, slug="avon"),
            area(kind=OrganisationKind.POLICE_FORCE, slug="cumbria"),
            timezone.localdate(),
        )
    assert Report.objects.count() == 12
    thrice = {username: _queries(client_for, people[username]) for username in HOMES}
    assert thrice == once
    # The data did reach the pages: three embargoed copies on the Avon office's home.
    assert len(due_list(page_of(client_for, people["opcc"]), "embargoed")) == 3
