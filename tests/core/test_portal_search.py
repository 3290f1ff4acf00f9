"""The portal search (issue 12): one page for every signed-in role, over what that role may see at that moment.

Run on the demo scenario (one login per role, around Avon and Somerset, as tests/core/test_home_pages.py):
a marker word is planted in an embargoed report (U3), a draft in its factual-accuracy check (I7), a PCC's
draft response (U6), findings shared in confidence (C4) and an Engage case not yet announced (M5, M6), and
each persona's search finds it only when that persona may open the record at that moment. Every row links
to a page its reader may open; the restricted records a search shows are on the audit trail.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contacts.models import (
    ChiefOfficerRecruitment,
    ConductMatterKind,
    Meeting,
    MeetingKind,
    Organisation,
    OrganisationKind,
    PanelInvitation,
    SharedFindings,
    User,
)
from contacts.selectors import office_of_area
from contacts.services import meeting_record
from contacts.services_confidential import (
    conduct_matter_log,
    panel_invitation_record,
    panel_representations_send,
    recruitment_advice_record,
    recruitment_record,
)
from hmicfrs_mou.models import AuditEvent
from hmicfrs_mou.search import COUNT_CAP, GROUP_LIMIT, Found, Hit, answer
from hmicfrs_mou.search_views import MAX_QUERY_LENGTH
from inspections.access import debriefs_visible_to, disclosures_visible_to, inspections_visible_to
from inspections.models import Finding, FindingKind, Inspection, InspectionKind, Report, ReportState
from inspections.services import debrief_record, disclosure_make, inspection_create
from monitoring import services as monitoring_services
from monitoring.models import EngageCase, EngageCause
from responses.complaints import super_complaint_receive, super_complaints_visible_to
from responses.models import ActionPlanItem, ResponseObligation
from tests.conftest import DEMO_HOMES, DEMO_WITHOUT_PORTAL

pytestmark = pytest.mark.django_db

URL = reverse("search")
HOMES = DEMO_HOMES
# People with no portal of their own: IOPC staff investigating super-complaints (S2) and the administrator.
NO_PORTAL = DEMO_WITHOUT_PORTAL
EVERYONE = [*HOMES, *NO_PORTAL]
PEEL = "PEEL 2025–27: Avon and Somerset Constabulary"
FRS_DRAFT = "Avon Fire & Rescue Service: effectiveness, efficiency and people"
THEMATIC = "Police response to stalking"


@pytest.fixture
def people(demo_people: dict[str, User]) -> dict[str, User]:
    return demo_people


def area(kind: str, slug: str) -> Organisation:
    return Organisation.objects.get(kind=kind, slug=slug)


def search(client_for: Any, user: User, q: str) -> dict[str, list[Any]]:
    """The rows of each group the person's search shows, by group key."""
    response = client_for(user).get(URL, {"q": q})
    assert response.status_code == 200
    return {group.key: list(group.found.rows) for group in response.context.get("groups") or []}


def finders(client_for: Any, people: dict[str, User], q: str, group: str) -> set[str]:
    """Who, of everyone, finds a row of `group` for `q`."""
    return {username for username in EVERYONE if search(client_for, people[username], q).get(group)}


def plant(title: str, marker: str) -> Report:
    report = Report.objects.get(title=title)
    Report.objects.filter(pk=report.pk).update(summary=f"{report.summary} {marker}")
    return report


def search_audits(user: User) -> list[AuditEvent]:
    """The person's audit entries written by a search (they hold the words searched for)."""
    return list(AuditEvent.objects.filter(actor=user, detail__has_key="search").order_by("pk"))


# --- Reports and findings: the embargo model -------------------------------------------------------


def test_u3_an_embargoed_report_is_found_by_its_recipients_only_until_publication(client_for, people):
    """U3: the force-specific PEEL report in its embargo window is found by the team, the chief's office and
    the PCC's office of the force; by nobody else (another PCC, the APCC, HMCI outside the team, IOPC) until
    it is published, and then by everyone."""
    peel = plant(PEEL, "zephyrquill")
    assert peel.state == ReportState.SCHEDULED
    assert finders(client_for, people, "zephyrquill", "reports") == {"hmi", "inspector", "force", "opcc"}
    with time_machine.travel(peel.publication_at + dt.timedelta(minutes=1), tick=False):
        assert finders(client_for, people, "zephyrquill", "reports") == set(EVERYONE)


def test_u3_the_snippet_of_an_embargoed_report_is_not_shown_to_those_who_may_not_see_it(client_for, people):
    plant(PEEL, "zephyrquill")
    outsider = client_for(people["opcc-cumbria"]).get(URL, {"q": "zephyrquill"})
    # The words searched for are echoed in the form and the heading; the summary's own words never are.
    assert "keeps people safe" not in outsider.content.decode()
    assert outsider.context["groups"] == []
    recipient = client_for(people["opcc"]).get(URL, {"q": "zephyrquill"}).content.decode()
    assert "<mark>zephyrquill</mark>" in recipient


def test_i7_a_draft_in_its_factual_accuracy_check_is_found_by_the_frs_and_the_team_never_the_pcc(
    client_for, people
):
    """I7: the draft goes to the force or FRS only, never to the PCC (or the police force next door)."""
    plant(FRS_DRAFT, "quorvantis")
    assert finders(client_for, people, "quorvantis", "reports") == {"hmi", "inspector", "frs"}


def test_u3_searching_an_embargoed_report_is_on_the_audit_trail_and_a_published_one_is_not(
    client_for, people
):
    """Every read of an embargoed record is written to the audit trail: the search names what it showed."""
    peel = plant(PEEL, "zephyrquill")
    opcc = people["opcc"]
    assert search(client_for, opcc, "protection")["findings"]  # the published thematic's
    assert search_audits(opcc) == []
    search(client_for, opcc, "zephyrquill")
    (event,) = search_audits(opcc)
    assert (event.action, event.object_type, event.object_id) == ("view", "inspections.report", str(peel.pk))
    assert event.detail["unpublished"] == event.detail["embargoed"] == [peel.pk]
    assert event.detail["search"] == ["zephyrquill"]


def test_findings_of_a_report_are_found_with_it_only_by_those_who_may_see_the_report(client_for, people):
    """U3: a finding of the embargoed PEEL report is found by its recipients, not by the PCC next door."""
    assert search(client_for, people["opcc"], "refuges").get("findings")
    assert not search(client_for, people["opcc-cumbria"], "refuges").get("findings")
    assert not search(client_for, people["apcc"], "refuges").get("findings")


# --- Confidential records (C4) ---------------------------------------------------------------------


def test_c4_findings_shared_in_confidence_are_found_only_by_the_hmi_and_the_office_they_went_to(
    client_for, people
):
    police = area(OrganisationKind.POLICE_FORCE, "avon-and-somerset")
    record = SharedFindings.objects.create(
        area=police,
        office=office_of_area(police, timezone.localdate()),
        title="Thematic findings ahead of publication",
        findings="The force's vetting backlog (marker: plinthwarden) is the longest in the region.",
        shared_by=people["hmi"],
        shared_at=timezone.now() - dt.timedelta(hours=1),
    )
    assert finders(client_for, people, "plinthwarden", "shared-findings") == {"hmi", "opcc"}
    (row,) = search(client_for, people["opcc"], "plinthwarden")["shared-findings"]
    # The row names the record; what was shared stays on its own page, whose every reading is audited.
    assert "vetting" not in row.title + row.detail + str(row.snippet)
    assert client_for(people["opcc"]).get(row.url).status_code == 200
    # Both of the office's searches showed it: both are on the trail.
    assert [event.detail["confidential"] for event in search_audits(people["opcc"])] == [[record.pk]] * 2


# --- PCC responses (U6) ----------------------------------------------------------------------------


def test_u6_each_office_finds_its_own_response_and_never_another_areas(client_for, people):
    cumbria = ResponseObligation.objects.get(report__title=THEMATIC, area__slug="cumbria")
    avon = ResponseObligation.objects.get(report__title=THEMATIC, area__slug="avon-and-somerset")

    def responses(username: str) -> set[str]:
        return {row.url for row in search(client_for, people[username], "stalking").get("responses", [])}

    def url(obligation: ResponseObligation) -> str:
        return reverse("responses:obligation", kwargs={"pk": obligation.pk})

    assert responses("opcc") == {url(avon)}
    assert responses("opcc-cumbria") == {url(cumbria)}
    # HMICFRS oversees every office's (read-only); the APCC and the chief's offices open none here.
    assert responses("hmci") == {url(avon), url(cumbria)}
    assert responses("apcc") == responses("frs") == responses("iopc") == set()


def test_u6_the_words_of_a_draft_response_are_found_only_by_the_office_writing_it(client_for, people):
    """The draft is the office's alone until it is submitted: HMICFRS and other offices never find its words."""
    cumbria = ResponseObligation.objects.get(report__title=THEMATIC, area__slug="cumbria")
    ResponseObligation.objects.filter(pk=cumbria.pk).update(pcc_comments="Our view: gravelmoth matters.")
    assert finders(client_for, people, "gravelmoth", "responses") == {"opcc-cumbria"}
    (event,) = search_audits(people["opcc-cumbria"])
    assert (event.object_type, event.detail["draft"]) == ("responses.responseobligation", [cumbria.pk])


# --- Engage cases (M5, M6) -------------------------------------------------------------------------


def test_m5_m6_an_engage_case_is_found_by_hmicfrs_then_the_pcc_once_told_then_the_apcc_once_announced(
    client_for, people
):
    now = timezone.now()
    cumbria = area(OrganisationKind.POLICE_FORCE, "cumbria")
    case = monitoring_services.case_advise(
        area=cumbria,
        advice="I advise Engage.",
        evidence="Call handling data.",
        causes=[monitoring_services.CauseInput("Calls to 101 (marker: tessellark) go unanswered.")],
        by=people["hmi"],
        now=now - dt.timedelta(days=3),
    )
    hmicfrs_for_the_area = {"hmci", "hmi", "liaison"}
    assert finders(client_for, people, "tessellark", "engage") == hmicfrs_for_the_area
    monitoring_services.case_decide(
        case=case,
        engage=True,
        reasons="Calls go unanswered.",
        by=people["hmci"],
        now=now - dt.timedelta(days=2),
    )
    monitoring_services.case_record_pcc_informed(
        case=case,
        person_told="The PFCC for Cumbria",
        told_at=now - dt.timedelta(days=1),
        how="in_person",
        by=people["hmi"],
        now=now - dt.timedelta(days=1),
    )
    # M6: the PCC is told first; the chief's office of the area reads the case from then too.
    assert finders(client_for, people, "tessellark", "engage") == hmicfrs_for_the_area | {"opcc-cumbria"}
    (event,) = search_audits(people["opcc-cumbria"])
    assert (event.object_type, event.detail["unannounced"]) == ("monitoring.engagecase", [case.pk])
    monitoring_services.case_announce(
        case=case, announcement="Cumbria Constabulary is in Engage.", by=people["hmci"], now=now
    )
    # M5: announced, the APCC and the rest of HMICFRS find it too; the other area's office still does not.
    announced = finders(client_for, people, "tessellark", "engage")
    assert {"apcc", "inspector"} <= announced
    assert "opcc" not in announced


# --- Every row opens; the directory is public ------------------------------------------------------


def test_every_row_links_to_a_page_its_reader_may_open(client_for, people):
    for username in EVERYONE:
        client = client_for(people[username])
        for q in ("Avon", "stalking", "PEEL"):
            for group, rows in search(client_for, people[username], q).items():
                for row in rows:
                    assert client.get(row.url).status_code == 200, (username, q, group, row.url)


def test_forces_services_and_offices_are_found_by_every_role_by_name(client_for, people):
    """Public data: a force by its name, a force by the name of the body or office governing it."""
    for username in EVERYONE:
        names = {row.title for row in search(client_for, people[username], "Avon").get("organisations", [])}
        assert {"Avon and Somerset Constabulary", "Avon Fire & Rescue Service"} <= names, username
    police = area(OrganisationKind.POLICE_FORCE, "avon-and-somerset")
    office = office_of_area(police, timezone.localdate())
    assert office is not None
    by_office = search(client_for, people["apcc"], office.name).get("organisations", [])
    assert police.name in {row.title for row in by_office}


# --- Cost: the same queries for 2 and 20 matches ---------------------------------------------------


def _queries(client: Any, q: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL, {"q": q})
    assert response.status_code == 200
    return len(captured)


def test_a_search_costs_no_more_queries_however_many_records_match(client_for, people):
    """Each group is capped: more matches never mean more queries (DESIGN.md Scale). Every group is counted
    in the one query that finds its rows."""
    hmi = people["hmi"]
    peel = Report.objects.get(title=PEEL)
    police = area(OrganisationKind.POLICE_FORCE, "avon-and-somerset")

    def add(n: int) -> None:
        for i in range(n):
            report = Report.objects.create(
                inspection=peel.inspection,
                kind=peel.kind,
                title=f"Draft {i}: lumenbrook",
                summary="The lumenbrook summary.",
                body="# Text\n\nBody.",
            )
            report.areas.add(police)
            Finding.objects.create(
                report=report, kind=FindingKind.RECOMMENDATION, reference=f"LB-{report.pk}", text="lumenbrook"
            )

    def counts() -> dict[str, int]:
        groups = client.get(URL, {"q": "lumenbrook"}).context["groups"]
        return {group.key: group.found.count for group in groups}

    client = client_for(hmi)
    add(2)
    client.get(URL, {"q": "lumenbrook"})  # the session and caches warmed
    two = _queries(client, "lumenbrook")
    assert counts() == {"reports": 2, "findings": 2}
    add(18)
    twenty = _queries(client, "lumenbrook")
    assert counts() == {"reports": 20, "findings": 20}
    add(30)
    fifty = _queries(client, "lumenbrook")
    groups = {group.key: group.found for group in client.get(URL, {"q": "lumenbrook"}).context["groups"]}
    assert groups["reports"].count == groups["findings"].count == 50
    assert len(groups["reports"].rows) == len(groups["findings"].rows) == GROUP_LIMIT
    # Counted as they are read: filling the rows, and far more matches, add no query.
    assert twenty == two
    assert fifty == twenty


def test_a_group_counts_up_to_the_cap_and_says_more_match_past_it(client_for, people, monkeypatch):
    """Scale: a group counts its matches up to `COUNT_CAP` and no further; past it the page says "more than"
    the cap and asks for another word, in the contents, the group's heading and the summary (not the reports
    search's wording about older reports, which is for its candidates)."""
    from hmicfrs_mou import search_views

    client = client_for(people["hmi"])
    full = {group.key: group.found for group in client.get(URL, {"q": "the"}).context["groups"]}
    # A group with more matches than it shows, other than the reports search's (the forces and services
    # whose names hold "the": 42 in the demo).
    key, found = next(
        (key, found) for key, found in full.items() if key not in ("reports", "findings") and found.count > 12
    )
    assert not found.capped
    monkeypatch.setattr(search_views, "COUNT_CAP", 12)
    response = client.get(URL, {"q": "the"})
    groups = {group.key: group.found for group in response.context["groups"]}
    assert (groups[key].count, groups[key].capped, groups[key].recent_only) == (12, True, False)
    assert len(groups[key].rows) == GROUP_LIMIT
    assert [hit.url for hit in groups[key].rows] == [hit.url for hit in found.rows]
    page = response.content.decode()
    heading = dict(search_views.GROUPS)[key]
    assert f"{heading} (12+)" in page
    assert f"Showing the first {GROUP_LIMIT} of more than 12. Add another word to narrow your search." in page
    assert "More than " in page.split('id="search-summary"')[1].split("</p>")[0]


def test_findings_past_the_cap_among_the_most_recent_reports_say_both(client_for, people, monkeypatch):
    """Scale: the findings group counts the findings of the most recent reports that match (the reports
    search's candidates) up to the cap: past both, the page says "more than" the cap and that older reports
    match too, rather than the cap as if it were every finding of those reports."""
    from hmicfrs_mou import search_views
    from inspections import search as inspections_search

    peel = Report.objects.get(title=PEEL)
    for i in range(3):
        report = Report.objects.create(
            inspection=peel.inspection, kind=peel.kind, title=f"Draft {i}: lumenbrook", body="# Text\n\nBody."
        )
        for j in range(6):
            Finding.objects.create(
                report=report, kind=FindingKind.RECOMMENDATION, reference=f"LB-{i}-{j}", text="lumenbrook"
            )
    monkeypatch.setattr(inspections_search, "SEARCH_CANDIDATES", 2)
    monkeypatch.setattr(search_views, "COUNT_CAP", GROUP_LIMIT)
    response = client_for(people["hmi"]).get(URL, {"q": "lumenbrook"})
    groups = {group.key: group.found for group in response.context["groups"]}
    findings, reports = groups["findings"], groups["reports"]
    assert (findings.count, findings.capped, findings.recent_only) == (GROUP_LIMIT, True, True)
    assert (reports.count, reports.capped, reports.recent_only) == (2, False, True)
    page = response.content.decode()
    assert (
        f"Showing the first {GROUP_LIMIT} of more than {GROUP_LIMIT} from the most recent reports that match. "
        "Older reports match too" in page
    )
    assert "Showing the first 2 of 2 from the most recent reports that match." in page


def test_every_group_shows_and_counts_what_reading_each_of_its_lists_alone_gives_whatever_the_limit(people):
    """The one query that asks every group at once (`answer`: a window count, the first ids of each list)
    gives each group the rows and count that reading each list on its own gives: its first `limit` records
    in order, read through the list's own conditions, and a COUNT of them all up to the cap (past it, the
    group says more match). For every group, every persona, small and large limits, the cap as deployed and
    a small one: the PCC responses group, whose rows are the office's own and then the chief's office's,
    included."""
    from hmicfrs_mou import search_views
    from hmicfrs_mou.search import Matched, answer

    now = timezone.now()
    # Avon's chief's office invited to comment on every response of the area: its rows in the group.
    invited = ResponseObligation.objects.filter(area__slug="avon-and-somerset")
    assert invited.update(chief_comments_invited_at=now - dt.timedelta(days=1)) >= 1

    class ReadAgain(Matched):
        """The rows read through the part's own conditions and order, not by id as `answer` reads them."""

        def rows(self) -> list[Any]:
            return list(self.part.read(self.part.matching.filter(pk__in=self.ids))) if self.ids else []

    def alone(ask: Any, limit: int, cap: int) -> list[Found]:
        read = []
        for part in ask.parts:
            count = part.matching.count()
            ids = [row.pk for row in part.matching[:limit]]
            read.append(ReadAgain(part, limit, ids, min(count, cap), count > cap))
        return list(ask.found(*read))

    checked = filled = capped = 0
    chief_rows = False
    for username in EVERYONE:
        for words in (["avon"], ["the"]):
            # The cap as deployed, and one small enough that many groups count no further than it.
            for limit, cap in ((1, COUNT_CAP), (3, COUNT_CAP), (3, 4)):
                asks = search_views.asks_for(people[username], words, now)
                together = answer(asks, limit, cap)
                expected = [found for ask in asks for found in alone(ask, limit, cap)]
                assert together == expected, (username, words, limit, cap)
                checked += len(together)
                filled += sum(1 for found in together if found.rows and found.count > len(found.rows))
                capped += sum(1 for found in together if found.capped)
                # Each group passes on that its list (or, for the PCC responses, one of its two) went past
                # the cap: worked out here from the lists' own counts, not through the groups' `found`.
                at = 0
                for ask in asks:
                    over = [part.matching.count() > cap for part in ask.parts]
                    groups = together[at : at + len(ask.found(*[Matched(part, limit) for part in ask.parts]))]
                    at += len(groups)
                    expected_capped = over if len(groups) == len(over) else [any(over)]
                    assert [found.capped for found in groups] == expected_capped, (username, words, cap)
                chief_rows |= any(
                    hit.url.startswith(reverse("responses:chief-invitations"))
                    for found in together
                    for hit in found.rows
                )
    # Groups with more matches than rows are among those compared, not only groups shown whole.
    assert checked > 500, checked
    assert filled > 50, filled
    assert capped > 5, capped
    assert chief_rows, "the chief's office found no PCC response: its rows were not compared"


def test_each_group_says_more_match_when_any_of_its_lists_counted_no_further_than_the_cap(people):
    """Scale: a group built from two lists (the PCC responses: the office's own, then the chief's office's)
    says more match when either went past the cap; the reports and findings groups each say so of their own
    list. Each list in turn is the only one past the cap, for every group and for a reader whose responses
    group has rows of both kinds (the HMI) and one with the chief's office's only (the force)."""
    from hmicfrs_mou import search_views
    from hmicfrs_mou.search import Matched

    now = timezone.now()
    for username in ("hmi", "force"):
        for ask in search_views.asks_for(people[username], ["avon"], now):
            for past in range(len(ask.parts)):
                matched = [
                    Matched(part, GROUP_LIMIT, [], COUNT_CAP if i == past else 0, i == past)
                    for i, part in enumerate(ask.parts)
                ]
                groups = ask.found(*matched)
                if len(groups) == len(ask.parts):
                    assert [found.capped for found in groups] == [i == past for i in range(len(groups))]
                else:
                    assert [found.capped for found in groups] == [True], (username, past)
                assert sum(found.count for found in groups) == COUNT_CAP


# --- Reachable from every portal; bad input --------------------------------------------------------


def test_the_search_is_linked_from_every_portals_header_for_every_role(client_for, people):
    for username in EVERYONE:
        client = client_for(people[username])
        page_url = reverse(HOMES[username]) if username in HOMES else reverse("inbox")
        page = client.get(page_url).content.decode()
        assert f'href="{URL}"' in page, username
        assert client.get(URL).status_code == 200, username


def test_visitors_see_no_search_link_and_are_sent_to_sign_in(client):
    assert f'href="{URL}"' not in client.get(reverse("public:index")).content.decode()
    response = client.get(URL, {"q": "stalking"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_empty_query_shows_the_form_with_a_hint_and_searches_nothing(client_for, people):
    client = client_for(people["opcc"])
    for params in ({}, {"q": ""}, {"q": "   "}, {"q": "&|!"}):
        response = client.get(URL, params)
        assert response.status_code == 200
        page = response.content.decode()
        assert 'id="search-hint"' in page, params
        assert "groups" not in response.context
        assert "There is a problem" not in page
    assert search_audits(people["opcc"]) == []


def test_an_overlong_query_gets_an_error_message_and_searches_nothing(client_for, people):
    response = client_for(people["opcc"]).get(URL, {"q": "stalking " * 40})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert f"Search words must be {MAX_QUERY_LENGTH} characters or less" in page
    assert "<title>Error: " in page
    assert "groups" not in response.context


def test_u3_the_full_list_of_reports_found_opens_for_every_role_and_audits_the_embargoed_copy(
    client_for, people
):
    """The "show all" list (the reports search, kept at its own address) is the same view of what the reader
    may see, and puts the embargoed reports it shows on the trail too."""
    peel = plant(PEEL, "zephyrquill")
    reports = search(client_for, people["opcc"], "zephyrquill")["reports"]
    assert [row.url for row in reports] == [reverse("inspections:report", kwargs={"pk": peel.pk})]
    full = client_for(people["opcc"]).get(reverse("inspections:search"), {"q": "zephyrquill"})
    assert full.status_code == 200
    assert "1 report<" in full.content.decode()
    assert [event.detail["embargoed"] for event in search_audits(people["opcc"])] == [[peel.pk]] * 2
    outsider = client_for(people["opcc-cumbria"]).get(reverse("inspections:search"), {"q": "zephyrquill"})
    assert "0 reports" in outsider.content.decode()
    assert search_audits(people["opcc-cumbria"]) == []


def test_u8_an_frs_action_plan_is_found_by_those_who_read_it_by_its_actions(client_for, people):
    """U8: the plan is read by the FRS's chief fire officer's office and HMICFRS (Avon's fire authority has
    no office in the directory); the police force and the PCC's offices never find it."""
    fire = area(OrganisationKind.FIRE_RESCUE_SERVICE, "avon")
    inspection = Report.objects.get(title=FRS_DRAFT).inspection
    report = Report.objects.create(
        inspection=inspection,
        kind="force_specific",
        title="Avon Fire & Rescue Service: 2024 inspection",
        body="# Text\n\nBody.",
        state=ReportState.PUBLISHED,
        publication_at=timezone.now() - dt.timedelta(days=30),
    )
    report.areas.add(fire)
    finding = Finding.objects.create(
        report=report, area=fire, kind=FindingKind.RECOMMENDATION, reference="AFRS-24-R1", text="Train crews."
    )
    ActionPlanItem.objects.create(
        finding=finding,
        area=fire,
        action="Run the brackenfold drills.",
        owner="Head of training",
        target_on=timezone.localdate() + dt.timedelta(days=90),
    )
    assert finders(client_for, people, "brackenfold", "action-plans") == {
        "hmci",
        "hmi",
        "inspector",
        "liaison",
        "frs",
    }


# --- Meetings (C1–C4) -------------------------------------------------------------------------------


def test_c2_c4_meetings_are_found_by_those_who_may_open_them_and_a_confidential_one_is_on_the_trail(
    client_for, people
):
    """A meeting is found by its notes or its force's name only by those its visibility lets open it; a
    confidential one (C4) only by its attendees, its recorder and the HMI for the area, and each search that
    shows it is on the trail, as opening it is. A row names the meeting, never its notes."""
    police = area(OrganisationKind.POLICE_FORCE, "avon-and-somerset")
    hmicfrs = Organisation.objects.get(kind=OrganisationKind.HMICFRS)
    today = timezone.localdate()
    body = office_of_area(police, today).parent
    held = meeting_record(
        kind=MeetingKind.HMI_PCC_FORMAL,
        held_on=today - dt.timedelta(days=3),
        subject=police,
        parties=[hmicfrs, body],
        notes="Discussed the custody suites (marker: quillbarrow).",
        by=people["hmi"],
    )
    in_confidence = meeting_record(
        kind=MeetingKind.HMI_PCC_FORMAL,
        held_on=today - dt.timedelta(days=2),
        subject=police,
        parties=[hmicfrs, body],
        notes="The chief constable's conduct (marker: thornwicket).",
        confidential=True,
        by=people["hmi"],
    )

    def allowed(meeting: Meeting) -> set[str]:
        return {u for u in EVERYONE if Meeting.objects.visible_to(people[u]).filter(pk=meeting.pk).exists()}

    assert "hmi" in allowed(held)
    assert "opcc-cumbria" not in allowed(held)
    assert finders(client_for, people, "quillbarrow", "meetings") == allowed(held)
    assert finders(client_for, people, "thornwicket", "meetings") == allowed(in_confidence)
    assert allowed(in_confidence) < allowed(held)
    (row,) = search(client_for, people["hmi"], "thornwicket")["meetings"]
    assert "conduct" not in row.title + row.detail + str(row.snippet)
    assert row.tag == "Confidential"
    assert client_for(people["hmi"]).get(row.url).status_code == 200
    shown = [
        event.detail["confidential"]
        for event in search_audits(people["hmi"])
        if "confidential" in event.detail
    ]
    assert [in_confidence.pk] in shown
    # Every word must match: the force's name and the open meeting's marker find that meeting alone.
    rows = search(client_for, people["hmi"], "Avon and Somerset quillbarrow")["meetings"]
    assert [r.url for r in rows] == [reverse("contacts:meeting", kwargs={"pk": held.pk})]


# --- Super-complaints (S1–S3) ----------------------------------------------------------------------


def test_s1_s3_a_super_complaint_is_found_by_those_who_may_see_it(client_for, people):
    """HMICFRS and the APCC find a super-complaint by its title or designated body; a PCC's office only once
    a published report about its force answers it (S3), so not here."""
    complaint = super_complaint_receive(
        title="Police use of stop and search (marker: ferrowind)",
        designated_body="Example Justice Trust",
        received_at=timezone.now() - dt.timedelta(days=2),
        by=people["hmci"],
    )
    allowed = {u for u in EVERYONE if super_complaints_visible_to(people[u]).filter(pk=complaint.pk).exists()}
    assert {"hmci", "apcc"} <= allowed
    assert "opcc" not in allowed
    assert finders(client_for, people, "ferrowind", "super-complaints") == allowed
    assert finders(client_for, people, "Example Justice", "super-complaints") == allowed
    (row,) = search(client_for, people["apcc"], "ferrowind")["super-complaints"]
    assert client_for(people["apcc"]).get(row.url).status_code == 200


# --- Inspections ------------------------------------------------------------------------------------


def test_i1_an_inspection_is_found_by_its_title_before_it_has_a_report_by_those_who_may_open_it(
    client_for, people
):
    police = area(OrganisationKind.POLICE_FORCE, "avon-and-somerset")
    inspection = inspection_create(
        kind=InspectionKind.THEMATIC,
        title="Neighbourhood policing (marker: gravelspoke)",
        areas=[police],
        lead=people["hmi"],
        by=people["hmi"],
    )
    allowed = {u for u in EVERYONE if inspections_visible_to(people[u]).filter(pk=inspection.pk).exists()}
    assert "hmi" in allowed
    assert "opcc-cumbria" not in allowed
    assert finders(client_for, people, "gravelspoke", "inspections") == allowed
    (row,) = search(client_for, people["hmi"], "gravelspoke")["inspections"]
    assert client_for(people["hmi"]).get(row.url).status_code == 200


def test_i6_a_debrief_is_found_by_those_who_may_read_its_notes_and_each_search_is_on_the_trail(
    client_for, people
):
    police = area(OrganisationKind.POLICE_FORCE, "avon-and-somerset")
    inspection = inspection_create(
        kind=InspectionKind.THEMATIC,
        title="Vetting and counter-corruption",
        areas=[police],
        lead=people["hmi"],
        by=people["hmi"],
    )
    debrief = debrief_record(
        inspection=inspection,
        area=police,
        held_on=timezone.localdate(),
        notes="Early view: the backlog (marker: lanternmoss) is shrinking.",
        by=people["hmi"],
    )
    allowed = {u for u in EVERYONE if debriefs_visible_to(people[u]).filter(pk=debrief.pk).exists()}
    assert "hmi" in allowed
    assert "opcc-cumbria" not in allowed
    assert finders(client_for, people, "lanternmoss", "debriefs") == allowed
    (row,) = search(client_for, people["hmi"], "lanternmoss")["debriefs"]
    assert "backlog" not in row.title + row.detail + str(row.snippet)
    assert any(event.detail.get("debriefs") == [debrief.pk] for event in search_audits(people["hmi"]))


def test_i5_a_disclosure_in_confidence_is_found_by_the_hmi_never_by_the_office_that_made_it(
    client_for, people
):
    """I5: only the HMI for the area (and HMICFRS staff named on it) read a disclosure: the same people
    find it, the office that made it does not, and each search that shows it is on the audit trail."""
    police = area(OrganisationKind.POLICE_FORCE, "avon-and-somerset")
    inspection = inspection_create(
        kind=InspectionKind.THEMATIC,
        title="Custody and detention",
        areas=[police],
        lead=people["hmi"],
        by=people["hmi"],
    )
    record = disclosure_make(
        inspection=inspection,
        area=police,
        summary="A concern about the custody sergeant rota (marker: sablequill).",
        by=people["opcc"],
    )
    allowed = {u for u in EVERYONE if disclosures_visible_to(people[u]).filter(pk=record.pk).exists()}
    assert "hmi" in allowed
    assert "opcc" not in allowed
    assert finders(client_for, people, "sablequill", "disclosures") == allowed
    (row,) = search(client_for, people["hmi"], "sablequill")["disclosures"]
    assert "rota" not in row.title + row.detail + str(row.snippet)
    assert any(event.detail.get("disclosures") == [record.pk] for event in search_audits(people["hmi"]))


def test_c5_a_panel_invitation_is_found_by_the_hmi_and_the_office_asked_by_what_either_side_wrote(
    client_for, people
):
    """C5: the invitation is read by the HMI for the area and the office asked for representations only
    (contacts.access): the same people find it, by the panel's purpose and by the office's representations,
    the row names the area and the day of the meeting but never what was written, and each search that
    shows it is on the audit trail."""
    police = area(OrganisationKind.POLICE_FORCE, "avon-and-somerset")
    invitation = panel_invitation_record(
        area=police,
        received_on=timezone.localdate(),
        meeting_on=timezone.localdate() + dt.timedelta(days=30),
        purpose="Brief the panel on the force's call handling (marker: quillmarsh).",
        by=people["hmi"],
    )
    panel_representations_send(
        invitation=invitation, representations="We ask for the grades (marker: fernlatch).", by=people["opcc"]
    )
    allowed = {
        u for u in EVERYONE if PanelInvitation.objects.visible_to(people[u]).filter(pk=invitation.pk).exists()
    }
    assert {"hmi", "opcc"} <= allowed
    assert "opcc-cumbria" not in allowed
    assert "hmci" not in allowed
    assert finders(client_for, people, "quillmarsh", "panel-invitations") == allowed
    assert finders(client_for, people, "fernlatch", "panel-invitations") == allowed
    (row,) = search(client_for, people["opcc"], "quillmarsh")["panel-invitations"]
    assert "call handling" not in row.title + row.detail + str(row.snippet)
    assert "Avon and Somerset" in row.title
    assert client_for(people["opcc"]).get(row.url).status_code == 200
    events = [e for e in search_audits(people["opcc"]) if e.object_type == "contacts.panelinvitation"]
    # Each of the office's three searches that showed it is on the trail (reading the page is a separate entry).
    assert [event.detail["confidential"] for event in events] == [[invitation.pk]] * 3


def test_l1_a_recruitment_is_found_by_the_office_and_its_hmi_only_and_l2_never(client_for, people):
    """L1: a chief officer recruitment is found by the office that recorded it and the HMI for the area,
    by its process or the HMI's advice; a conduct matter (L2) holding the same word is never found."""
    police = area(OrganisationKind.POLICE_FORCE, "avon-and-somerset")
    recruitment = recruitment_record(
        area=police,
        process="Advert, shortlisting and interviews (marker: brackenvale).",
        asks_pre_appointment_advice=True,
        by=people["opcc"],
    )
    recruitment_advice_record(
        recruitment=recruitment, advice="Look at vetting history (marker: mossgable).", by=people["hmi"]
    )
    conduct_matter_log(
        area=police,
        kind=ConductMatterKind.COMPLAINT,
        summary="A complaint about the chief constable (marker: brackenvale).",
        by=people["opcc"],
    )
    allowed = {
        u
        for u in EVERYONE
        if ChiefOfficerRecruitment.objects.visible_to(people[u]).filter(pk=recruitment.pk).exists()
    }
    assert {"hmi", "opcc"} <= allowed
    assert "opcc-cumbria" not in allowed
    assert finders(client_for, people, "brackenvale", "recruitments") == allowed
    assert finders(client_for, people, "mossgable", "recruitments") == allowed
    # The conduct matter's words find nothing anywhere, for anyone: no group lists it.
    for username in EVERYONE:
        found = search(client_for, people[username], "brackenvale")
        assert set(found) <= {"recruitments"}, username
        assert len(found.get("recruitments", [])) <= 1
    (row,) = search(client_for, people["hmi"], "mossgable")["recruitments"]
    assert "vetting" not in row.title + row.detail + str(row.snippet)
    assert any(
        event.object_type == "contacts.chiefofficerrecruitment"
        and event.detail["confidential"] == [recruitment.pk]
        for event in search_audits(people["hmi"])
    )


def test_u6_responses_match_a_word_in_the_reports_title_the_forces_or_offices_name_a_draft_or_a_submission(
    people,
):
    """The PCC responses a search matches, found by id in the reports and organisations (responses/search.py),
    are those whose report title, force or office name holds each word, or whose draft (the office's own)
    or submitted text does: the definition on the joined rows, written out here as the reference."""
    from hmicfrs_mou.search import contains_all
    from responses.access import drafts_visible_to, obligations_for_chief, submissions_visible_to
    from responses.models import Submission
    from responses.search import DRAFT_FIELDS, _matching_obligations, ask_responses

    public = ("report__title", "area__name", "office__name")
    now = timezone.now()
    cumbria = ResponseObligation.objects.get(report__title=THEMATIC, area__slug="cumbria")
    ResponseObligation.objects.filter(pk=cumbria.pk).update(pcc_comments="Our view: gravelmoth matters.")
    # A submitted version (its text) and the chief's comments, each holding a word of its own.
    avon = ResponseObligation.objects.get(report__title=THEMATIC, area__slug="avon-and-somerset")
    Submission.objects.create(
        obligation=avon,
        version=1,
        submitted_at=now,
        submitted_by=people["opcc"],
        stored_name="equivalence-test.pdf",
        original_name="response.pdf",
        size=1,
        sha256="0" * 64,
        content={"pcc_comments": "The quillfeather review is under way."},
        published_url="https://example.invalid/response",
    )
    ResponseObligation.objects.filter(pk=avon.pk).update(
        chief_comments="The chief's view: emberlode.", chief_comments_invited_at=now - dt.timedelta(days=1)
    )
    checked = 0
    found_by_submission = False
    word_sets = (
        ["avon"],
        ["stalking"],
        ["stalking", "cumbria"],
        ["gravelmoth"],
        ["police", "the"],
        ["quillfeather"],
        ["quillfeather", "somerset"],
        ["emberlode", "stalking"],
    )
    for username in EVERYONE:
        user = people[username]
        for words in word_sets:
            visible = ResponseObligation.objects.visible_to(user, now)
            own = drafts_visible_to(visible, user).filter(contains_all(public + DRAFT_FIELDS, words))
            submitted = submissions_visible_to(user).filter(
                contains_all(("content", *(f"obligation__{name}" for name in public)), words)
            )
            expected = set(
                visible.filter(
                    contains_all(public, words)
                    | Q(pk__in=own.values("pk"))
                    | Q(pk__in=submitted.values("obligation_id"))
                ).values_list("pk", flat=True)
            )
            assert set(_matching_obligations(user, words, now).values_list("pk", flat=True)) == expected, (
                username,
                words,
            )
            # The group's rows, the chief's office's included, are the reference's.
            chief = obligations_for_chief(user, now).filter(contains_all((*public, "chief_comments"), words))
            rows = {hit.url for hit in answer([ask_responses(user, words, now)], 1000)[0].rows}
            assert rows == {reverse("responses:obligation", kwargs={"pk": pk}) for pk in expected} | {
                reverse("responses:chief-comments", kwargs={"pk": pk})
                for pk in chief.values_list("pk", flat=True)
            }, (username, words)
            checked += bool(expected)
            found_by_submission |= bool(expected) and words[0] == "quillfeather"
    assert checked >= 10, checked
    assert found_by_submission, "no one's search matched the submitted text"


# --- Matched through lists of ids, read through indexes --------------------------------------------------


def test_u8_c1_plans_and_meetings_match_the_words_of_their_report_frs_actions_notes_or_subject(people):
    """The plans and meetings a search matches, found through one list of ids per word (responses/search.py,
    contacts/search.py), are those the definition on the joined rows gives, written out here as the
    reference: every word in the plan's report title, FRS name or one of its actions; in the meeting's
    notes or its subject's name. For every persona and each word set, some matching and some not."""
    from contacts.search import ask_meetings
    from hmicfrs_mou.search import contains_all
    from responses.plans import action_plans_visible_to
    from responses.search import ask_plans

    now = timezone.now()
    fire = area(OrganisationKind.FIRE_RESCUE_SERVICE, "avon")
    report = Report.objects.create(
        inspection=Report.objects.get(title=FRS_DRAFT).inspection,
        kind="force_specific",
        title="Avon Fire & Rescue Service: 2024 inspection",
        body="# Text\n\nBody.",
        state=ReportState.PUBLISHED,
        publication_at=now - dt.timedelta(days=30),
    )
    report.areas.add(fire)
    finding = Finding.objects.create(
        report=report, area=fire, kind=FindingKind.RECOMMENDATION, reference="AFRS-24-R2", text="Train crews."
    )
    ActionPlanItem.objects.create(
        finding=finding,
        area=fire,
        action="Run the thornwick drills.",
        owner="Head of training",
        target_on=timezone.localdate() + dt.timedelta(days=90),
    )
    meeting_record(
        kind=MeetingKind.HMI_PCC_FORMAL,
        held_on=timezone.localdate() - dt.timedelta(days=1),
        subject=area(OrganisationKind.POLICE_FORCE, "avon-and-somerset"),
        notes="The thornwick review of custody.",
        by=people["hmi"],
    )
    # A thematic report about police forces and an FRS (whose name is not Avon's): the search's ids start from
    # the links that can be plans, the FRS's, and this one must still be found by its report's words.
    kent_fire = area(OrganisationKind.FIRE_RESCUE_SERVICE, "kent")
    thematic = Report.objects.create(
        inspection=report.inspection,
        kind="other",
        title="Joint thematic: custody and fire safety",
        body="# Text\n\nBody.",
        state=ReportState.PUBLISHED,
        publication_at=now - dt.timedelta(days=20),
    )
    thematic.areas.add(
        kent_fire,
        area(OrganisationKind.POLICE_FORCE, "kent"),
        area(OrganisationKind.POLICE_FORCE, "avon-and-somerset"),
    )
    Finding.objects.create(
        report=thematic,
        area=kent_fire,
        kind=FindingKind.RECOMMENDATION,
        reference="JT-R1",
        text="Share cells.",
    )
    thematic_plan = thematic.areas.through.objects.get(report=thematic, organisation=kent_fire)

    def plans_by_definition(user: User, words: list[str]) -> set[int]:
        condition = Q()
        for word in words:
            actions = ActionPlanItem.objects.filter(
                finding__report_id=OuterRef("report_id"),
                area_id=OuterRef("organisation_id"),
                action__icontains=word,
            )
            condition &= (
                Q(report__title__icontains=word) | Q(organisation__name__icontains=word) | Q(Exists(actions))
            )
        return set(action_plans_visible_to(user, now).filter(condition).values_list("pk", flat=True))

    checked = {"plans": 0, "meetings": 0}
    for username in EVERYONE:
        user = people[username]
        for words in (
            ["avon"],
            ["thornwick"],
            ["thornwick", "avon"],
            ["inspection", "fire"],
            ["custody"],
            ["the"],
        ):
            plans = set(ask_plans(user, words, now).parts[0].matching.values_list("pk", flat=True))
            assert plans == plans_by_definition(user, words), (username, words)
            meetings = set(ask_meetings(user, words, now).parts[0].matching.values_list("pk", flat=True))
            expected = Meeting.objects.visible_to(user, now).filter(
                contains_all(("notes", "subject__name"), words)
            )
            assert meetings == set(expected.values_list("pk", flat=True)), (username, words)
            checked["plans"] += bool(plans)
            checked["meetings"] += bool(meetings)
    assert checked["plans"] >= 5, checked
    assert thematic_plan.pk in set(
        ask_plans(people["hmi"], ["custody"], now).parts[0].matching.values_list("pk", flat=True)
    )
    assert checked["meetings"] >= 5, checked


def test_m4_m5_engage_cases_match_a_word_in_the_areas_name_a_cause_or_the_announcement_once_made(people):
    """The Engage cases a search matches, found through one list of ids per word (monitoring/search.py), are
    those the definition on the joined rows gives, written out here as the reference: every word in the
    area's name, one of the causes of concern, or the public announcement once it is made (never before, nor
    in the HMI's advice or evidence). For every persona and each word set, some matching and some not."""
    from monitoring.search import ask_cases

    now = timezone.now()
    cumbria = area(OrganisationKind.POLICE_FORCE, "cumbria")
    announced = monitoring_services.case_advise(
        area=cumbria,
        advice="I advise Engage (advice word: mirelock).",
        evidence="Call handling data (evidence word: duskwillow).",
        causes=[monitoring_services.CauseInput("Calls to 101 (cause word: tessellark) go unanswered.")],
        by=people["hmi"],
        now=now - dt.timedelta(days=3),
    )
    monitoring_services.case_decide(
        case=announced,
        engage=True,
        reasons="Calls go unanswered.",
        by=people["hmci"],
        now=now - dt.timedelta(days=2),
    )
    monitoring_services.case_record_pcc_informed(
        case=announced,
        person_told="The PFCC for Cumbria",
        told_at=now - dt.timedelta(days=1),
        how="in_person",
        by=people["hmi"],
        now=now - dt.timedelta(days=1),
    )
    monitoring_services.case_announce(
        case=announced,
        announcement="Cumbria is in Engage (announced: brackenfold).",
        by=people["hmci"],
        now=now,
    )
    # The demo's case for Avon's FRS (announced months ago) is given a cause holding the same word as
    # Cumbria's, and its announcement is rewritten and moved to tomorrow: until then its words match nothing.
    later = EngageCase.objects.filter(area=area(OrganisationKind.FIRE_RESCUE_SERVICE, "avon")).latest(
        "advised_at"
    )
    EngageCause.objects.create(
        case=later, text="Crime recording (cause word: tessellark) is poor.", position=9
    )
    EngageCase.objects.filter(pk=later.pk).update(
        announcement="Avon Fire & Rescue Service is in Engage (tomorrow: quenwright).",
        announced_at=now + dt.timedelta(days=1),
    )

    def by_definition(user: User, words: list[str]) -> set[int]:
        condition = Q()
        for word in words:
            causes = EngageCause.objects.filter(case_id=OuterRef("pk"), text__icontains=word)
            condition &= (
                Q(area__name__icontains=word)
                | Q(announcement__icontains=word, announced_at__lte=now)
                | Q(Exists(causes))
            )
        return set(EngageCase.objects.visible_to(user, now).filter(condition).values_list("pk", flat=True))

    word_sets = (
        ["cumbria"],
        ["tessellark"],
        ["tessellark", "rescue"],
        ["brackenfold"],
        ["brackenfold", "cumbria"],
        ["quenwright"],
        ["mirelock"],
        ["duskwillow"],
        ["fire", "avon"],
    )
    matched = 0
    for username in EVERYONE:
        user = people[username]
        for words in word_sets:
            expected = by_definition(user, words)
            urls = [hit.url for hit in answer([ask_cases(user, words, now)], 1000)[0].rows]
            assert sorted(urls) == sorted(reverse("monitoring:case", kwargs={"pk": pk}) for pk in expected), (
                username,
                words,
            )
            assert not (expected and words[0] in ("quenwright", "mirelock", "duskwillow")), (username, words)
            matched += bool(expected)
    assert matched >= 10, matched


@pytest.mark.postgres_only
def test_postgresql_marks_the_words_the_search_stemmed_in_the_rows_it_read_by_id(client_for, people):
    """The reports and findings rows are read by id after the one query and headlined by PostgreSQL then
    (`with_snippets`): "inspections" finds "inspection" by its stem, and the passage marks the word found,
    which a plain cut of the text (a substring match) could not."""
    report = plant(PEEL, "the glimmerfen inspection")
    Finding.objects.filter(pk__in=Finding.objects.filter(report=report).values("pk")[:1]).update(
        text="A glimmerfen inspection of the control room."
    )
    with time_machine.travel(report.publication_at + dt.timedelta(minutes=1), tick=False):
        rows = search(client_for, people["apcc"], "glimmerfen inspections")
    assert [str(hit.snippet).count("<mark>inspection</mark>") for hit in rows["reports"]] == [1]
    assert [str(hit.snippet).count("<mark>inspection</mark>") for hit in rows["findings"]] == [1]


@pytest.mark.postgres_only
def test_postgresql_reads_the_trigram_indexes_for_words_within_a_text():
    """The trigram indexes (contacts 0009, inspections 0010 and 0011, responses 0008, monitoring 0005) hold
    the expressions Django writes for `icontains`: with sequential scans off, a match of a meeting's notes, a
    report's or an inspection's title, a submitted response's text, or an Engage case's cause of concern or
    announcement reads its index (a bitmap scan)."""
    from responses.models import Submission

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    assert "meeting_notes_trigram" in Meeting.objects.filter(notes__icontains="custody").order_by().explain()
    assert "report_title_trigram" in Report.objects.filter(title__icontains="custody").order_by().explain()
    assert (
        "inspection_title_trigram"
        in Inspection.objects.filter(title__icontains="custody").order_by().explain()
    )
    assert (
        "submission_content_trigram"
        in Submission.objects.filter(content__icontains="custody").order_by().explain()
    )
    assert (
        "engage_cause_text_trigram"
        in EngageCause.objects.filter(text__icontains="custody").order_by().explain()
    )
    assert (
        "engage_announcement_trigram"
        in EngageCase.objects.filter(announcement__icontains="custody").order_by().explain()
    )


def test_u6_the_chiefs_offices_responses_fill_the_rows_the_offices_own_leave_and_both_are_counted(people):
    """The PCC responses group shows the office's own matches first, then the chief's office's in the room
    they leave, never more than the limit, and counts both in full (`ask_responses`' `found`, given what
    each list matched)."""
    from hmicfrs_mou.search import Matched
    from responses.search import ask_responses

    now = timezone.now()
    a, b = ResponseObligation.objects.order_by("pk").values_list("pk", flat=True)[:2]
    ask = ask_responses(people["opcc"], ["stalking"], now)
    own_part, chief_part = ask.parts
    for own_ids, chief_ids, limit in (([], [a, b], 2), ([a], [b], 2), ([a], [a, b], 2), ([a, b], [a, b], 2)):
        own = Matched(own_part, limit, own_ids, len(own_ids) + 7)
        chiefs = Matched(chief_part, limit, chief_ids, len(chief_ids) + 5)
        (found,) = ask.found(own, chiefs)
        expected = [reverse("responses:obligation", kwargs={"pk": pk}) for pk in own_ids] + [
            reverse("responses:chief-comments", kwargs={"pk": pk}) for pk in chief_ids[: limit - len(own_ids)]
        ]
        assert [hit.url for hit in found.rows] == expected, (own_ids, chief_ids)
        assert found.count == len(own_ids) + 7 + len(chief_ids) + 5


def test_u6_a_response_shown_is_on_the_trail_as_a_draft_only_for_its_own_office_while_awaiting(people):
    """Of the PCC responses a search shows, those on the audit trail as drafts are exactly the reader's own
    office's responses still awaiting (`drafts_visible_to`), whoever reads: never HMICFRS's or another
    office's reading, never a submitted one."""
    from hmicfrs_mou.search import Matched
    from responses.access import drafts_visible_to
    from responses.models import ObligationState
    from responses.search import OBLIGATION_TYPE, ask_responses

    now = timezone.now()
    # One response of the Avon office submitted, the others still awaiting.
    avon = ResponseObligation.objects.filter(area__slug="avon-and-somerset").order_by("pk")
    assert avon.count() >= 1
    ResponseObligation.objects.filter(pk=avon[0].pk).update(state=ObligationState.SUBMITTED)
    all_ids = list(ResponseObligation.objects.order_by("pk").values_list("pk", flat=True))
    states = set(ResponseObligation.objects.values_list("state", flat=True))
    assert states >= {ObligationState.AWAITING, ObligationState.SUBMITTED}, states
    flagged = 0
    for username in EVERYONE:
        user = people[username]
        ask = ask_responses(user, ["the"], now)
        own = Matched(ask.parts[0], len(all_ids), all_ids, len(all_ids))
        (found,) = ask.found(own, Matched(ask.parts[1], len(all_ids)))
        expected = sorted(
            drafts_visible_to(
                ResponseObligation.objects.filter(pk__in=all_ids, state=ObligationState.AWAITING), user
            ).values_list("pk", flat=True)
        )
        assert found.restricted.get(OBLIGATION_TYPE, {}).get("draft", []) == expected, username
        flagged += bool(expected)
    assert 0 < flagged < len(EVERYONE), flagged


def test_a_question_without_words_or_a_part_answer_cannot_count_or_order_is_refused(people):
    """Every `ask_*` refuses an empty list of words (it would match every record the reader may open), and
    a part that is DISTINCT (its window count would count duplicates) or has no order of its own is refused
    when it is made."""
    from hmicfrs_mou import search_views
    from hmicfrs_mou.search import Part

    now = timezone.now()
    for ask in (
        search_views.contacts_search.ask_meetings,
        search_views.inspections_search.ask_reports_and_findings,
        search_views.responses_search.ask_responses,
        search_views.monitoring_search.ask_cases,
    ):
        with pytest.raises(ValueError, match="at least one word"):
            ask(people["hmi"], [], now)
    with pytest.raises(ValueError, match="DISTINCT"):
        Part(Report.objects.order_by("pk").distinct())
    with pytest.raises(ValueError, match="order_by"):
        Part(Report.objects.order_by())


def test_rows_read_by_id_keep_the_order_the_matches_gave_even_by_an_annotation(people):
    """A part read by id is ordered by what only its matching query computes (here a rank that puts the
    reports in the reverse of their ids, then by title): the rows shown come back in that order, not the
    ids' or the model's, and only the first `limit` of them, with the count of all."""
    from django.db.models import F

    from hmicfrs_mou.search import listing

    reports = Report.objects.order_by("pk")
    assert reports.count() >= 3
    ranked = reports.annotate(rank=F("pk") * -1).order_by("rank", "title")
    expected = list(ranked.values_list("pk", flat=True)[:3])
    # The rank's order is neither the ids' order nor the order the model reads them in by itself (the
    # demo's reports by their publication, newest first, nulls placed as each database places them): if
    # the demo ever changes so that they agree, these fail rather than the test passing for nothing.
    assert expected == sorted(expected, reverse=True)
    assert expected != list(Report.objects.filter(pk__in=expected).values_list("pk", flat=True))
    (found,) = answer([listing(ranked, lambda report: Hit(title=str(report.pk), url=""))], 3)
    assert [int(hit.title) for hit in found.rows] == expected
    assert found.count == reports.count()
