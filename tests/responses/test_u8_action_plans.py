"""U8: FRS action plans – the fire authority (a PFCC or mayor included) prepares, updates and regularly
publishes an action plan showing how each recommendation is being actioned.

Every report is built with inspections.services on one timeline (Europe/London, spring 2026):
  CREATED      Mon  2 March 09:00 GMT   FRS inspection and report, with its recommendations
  FINALISED    Mon 23 March 12:00 GMT
  SCHEDULED    Wed  1 April 10:00 BST
  PUBLICATION  Tue 21 April 10:00 BST   the report is public; the plan can be worked on from here
  AFTER        Fri  1 May   12:00 BST   the plan is prepared
  LATER        Mon  1 June  12:00 BST   an update, a second version

Personas: the Essex PFCC's office (Essex County Fire and Rescue Service is PFCC-governed: its staff
edit), the Essex FRS chief fire officer's office and HMICFRS staff (read), two other PCCs' offices
(Avon and Somerset; Kent, whose FRS has a separate fire authority), an APCC lead, and anonymous.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.models import Organisation, OrganisationKind, Role, User
from hmicfrs_mou.deadlines import LONDON
from hmicfrs_mou.models import AuditAction, AuditEvent
from inspections.models import Finding, FindingKind, InspectionKind, Report, ReportKind
from inspections.services import (
    finding_add,
    inspection_create,
    report_create,
    report_finalise,
    report_schedule,
)
from responses.models import ActionPlanItem, ActionPlanUpdate, ActionPlanVersion, ActionStatus
from responses.plans import (
    action_plan_item_save,
    action_plan_publish,
    action_plan_update_add,
    action_plans_visible_to,
    can_edit_plan,
    plan_rows,
)
from tests.conftest import force, make_person, office_of, org

pytestmark = pytest.mark.django_db

CREATED = dt.datetime(2026, 3, 2, 9, tzinfo=LONDON)
FINALISED = dt.datetime(2026, 3, 23, 12, tzinfo=LONDON)
SCHEDULED = dt.datetime(2026, 4, 1, 10, tzinfo=LONDON)
PUBLICATION = dt.datetime(2026, 4, 21, 10, tzinfo=LONDON)
AFTER = dt.datetime(2026, 5, 1, 12, tzinfo=LONDON)
LATER = dt.datetime(2026, 6, 1, 12, tzinfo=LONDON)
TARGET = dt.date(2026, 12, 31)
SECOND = dt.timedelta(seconds=1)
LOGIN = "login"


def frs(slug: str) -> Organisation:
    return org(OrganisationKind.FIRE_RESCUE_SERVICE, slug)


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def lead(hmicfrs) -> User:
    return make_person("u8_lead", hmicfrs, Role.HMI)


@pytest.fixture
def essex_frs(directory) -> Organisation:
    return frs("essex")


@pytest.fixture
def editor(essex_frs) -> User:
    """Staff of the Essex PFCC's office: the PFCC is the fire authority for Essex FRS."""
    return make_person("pfcc_office_essex", office_of(essex_frs), Role.OPCC_STAFF)


@pytest.fixture
def chief_office_essex_frs(essex_frs) -> User:
    return make_person("chief_office_essex_frs", essex_frs, Role.CHIEF_OFFICER_STAFF)


@pytest.fixture
def people(editor, chief_office_essex_frs, hmicfrs_staff, pcc_office_a, pcc_office_b, apcc_lead):
    return {
        "editor": editor,
        "chief_frs": chief_office_essex_frs,
        "hmicfrs": hmicfrs_staff,
        "pcc_a": pcc_office_a,
        "pcc_b": pcc_office_b,
        "apcc": apcc_lead,
        "anonymous": None,
    }


PERSONAS = ["editor", "chief_frs", "hmicfrs", "pcc_a", "pcc_b", "apcc", "anonymous"]


def frs_report(
    lead: User, area: Organisation, *, recommendations: int = 2, title: str = "", publish: bool = True
) -> Report:
    """An FRS inspection report about `area`, with recommendations and one area for improvement."""
    inspection = inspection_create(
        kind=InspectionKind.FRS,
        title=title or f"FRS inspection 2025–27: {area.name}",
        areas=[area],
        lead=lead,
        by=lead,
        now=CREATED,
    )
    report = report_create(
        inspection=inspection,
        kind=ReportKind.FORCE_SPECIFIC,
        title=f"{inspection.title}: report",
        body="The service keeps the public safe.\n\nIt should improve its prevention work.",
        by=lead,
        now=CREATED,
    )
    for n in range(recommendations):
        finding_add(report=report, kind=FindingKind.RECOMMENDATION, text=f"Recommendation {n + 1}.", by=lead)
    finding_add(report=report, kind=FindingKind.AREA_FOR_IMPROVEMENT, text="Improve prevention.", by=lead)
    report_finalise(report=report, by=lead, now=FINALISED)
    if publish:
        report_schedule(report=report, publication_at=PUBLICATION, by=lead, now=SCHEDULED)
    return Report.objects.get(pk=report.pk)


def recommendations(report: Report) -> list[Finding]:
    return list(report.findings.filter(kind=FindingKind.RECOMMENDATION).order_by("pk"))


@pytest.fixture
def report(lead, essex_frs) -> Report:
    return frs_report(lead, essex_frs)


def save(finding: Finding, by: User, now: dt.datetime = AFTER, **kwargs: object) -> ActionPlanItem:
    values: dict[str, object] = {
        "action": "Recruit two prevention officers.",
        "owner": "Head of Prevention",
        "target_on": TARGET,
        "status": ActionStatus.IN_PROGRESS,
    }
    values.update(kwargs)
    return action_plan_item_save(finding=finding, by=by, now=now, **values)


@pytest.fixture
def complete_plan(report, editor) -> Report:
    for finding in recommendations(report):
        save(finding, editor, action=f"Action for {finding.reference}.")
    return report


def snapshot() -> tuple:
    """Everything the plan services write, to show a refusal changed nothing."""
    return (
        list(ActionPlanItem.objects.order_by("pk").values()),
        list(ActionPlanUpdate.objects.order_by("pk").values()),
        list(ActionPlanVersion.objects.order_by("pk").values()),
    )


# --- items (U8) --------------------------------------------------------------------------------


def test_u8_fire_authority_records_action_owner_target_date_and_status(report, editor, essex_frs):
    finding = recommendations(report)[0]
    item = save(finding, editor)
    assert (item.area, item.action, item.owner, item.target_on, item.status, item.updated_at) == (
        essex_frs,
        "Recruit two prevention officers.",
        "Head of Prevention",
        TARGET,
        ActionStatus.IN_PROGRESS,
        AFTER,
    )
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE,
        object_type="responses.actionplanitem",
        object_id=str(item.pk),
        actor=editor,
    ).exists()


def test_u8_saving_again_changes_the_same_item(report, editor):
    finding = recommendations(report)[0]
    first = save(finding, editor)
    second = save(finding, editor, now=LATER, owner="Area Manager", status=ActionStatus.COMPLETE)
    assert first.pk == second.pk
    assert ActionPlanItem.objects.count() == 1
    second.refresh_from_db()
    assert (second.owner, second.status, second.updated_at) == ("Area Manager", ActionStatus.COMPLETE, LATER)


def test_u8_an_area_for_improvement_is_not_a_recommendation(report, editor):
    area_for_improvement = report.findings.get(kind=FindingKind.AREA_FOR_IMPROVEMENT)
    before = snapshot()
    with pytest.raises(ValidationError, match="recommendations of a fire and rescue service report"):
        save(area_for_improvement, editor)
    assert snapshot() == before


def test_u8_a_police_report_recommendation_has_no_fire_action_plan(lead, editor):
    essex_police = force("essex")
    inspection = inspection_create(
        kind=InspectionKind.PEEL,
        title="PEEL: Essex Police",
        areas=[essex_police],
        lead=lead,
        by=lead,
        now=CREATED,
    )
    police_report = report_create(
        inspection=inspection,
        kind=ReportKind.FORCE_SPECIFIC,
        title="PEEL",
        body="Text.",
        by=lead,
        now=CREATED,
    )
    recommendation = finding_add(
        report=police_report, kind=FindingKind.RECOMMENDATION, text="Do it.", by=lead
    )
    report_finalise(report=police_report, by=lead, now=FINALISED)
    report_schedule(report=police_report, publication_at=PUBLICATION, by=lead, now=SCHEDULED)
    before = snapshot()
    with pytest.raises(ValidationError, match="fire and rescue service report"):
        save(recommendation, editor)
    assert snapshot() == before


def test_u8_no_plan_before_the_report_is_published(lead, essex_frs, editor):
    unpublished = frs_report(lead, essex_frs, publish=False)
    with pytest.raises(ValidationError, match="not published yet"):
        save(recommendations(unpublished)[0], editor, now=AFTER)
    published = frs_report(lead, essex_frs, title="Second")
    with pytest.raises(ValidationError, match="not published yet"):
        save(recommendations(published)[0], editor, now=PUBLICATION - SECOND)
    assert save(recommendations(published)[0], editor, now=PUBLICATION).pk


@pytest.mark.parametrize(
    ("target_on", "allowed"),
    [
        (dt.date(2026, 4, 30), False),  # the day before AFTER
        (dt.date(2026, 5, 1), True),  # AFTER's own day
        (dt.date(2026, 5, 2), True),
    ],
)
def test_u8_a_new_item_cannot_have_a_target_date_in_the_past(report, editor, target_on, allowed):
    finding = recommendations(report)[0]
    if allowed:
        assert save(finding, editor, target_on=target_on).target_on == target_on
        return
    with pytest.raises(ValidationError) as refused:
        save(finding, editor, target_on=target_on)
    assert "target_on" in refused.value.message_dict
    assert not ActionPlanItem.objects.exists()


def test_u8_an_existing_item_keeps_its_past_target_date_but_cannot_move_to_another_past_date(report, editor):
    finding = recommendations(report)[0]
    save(finding, editor, target_on=dt.date(2026, 5, 15))
    # A month on, the target date has passed: the status can still be changed.
    kept = save(finding, editor, now=LATER, target_on=dt.date(2026, 5, 15), status=ActionStatus.COMPLETE)
    assert kept.status == ActionStatus.COMPLETE
    before = snapshot()
    with pytest.raises(ValidationError) as refused:
        save(finding, editor, now=LATER, target_on=dt.date(2026, 5, 20))
    assert "target_on" in refused.value.message_dict
    assert snapshot() == before


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("action", {"action": "   "}),
        ("owner", {"owner": ""}),
        ("target_on", {"target_on": None}),
        ("status", {"status": "abandoned"}),
    ],
)
def test_u8_item_missing_a_part_is_refused_with_nothing_changed(report, editor, field, values):
    finding = recommendations(report)[0]
    save(finding, editor)
    before = snapshot()
    with pytest.raises(ValidationError) as refused:
        save(finding, editor, now=LATER, **values)
    assert field in refused.value.message_dict
    assert snapshot() == before


# --- updates (U8) --------------------------------------------------------------------------------


def test_u8_dated_updates_are_kept_and_set_the_status(report, editor):
    item = save(recommendations(report)[0], editor)
    first = action_plan_update_add(
        item=item, text="One officer recruited.", status=ActionStatus.IN_PROGRESS, by=editor, now=AFTER
    )
    second = action_plan_update_add(
        item=item, text="Both in post.", status=ActionStatus.COMPLETE, by=editor, now=LATER
    )
    item.refresh_from_db()
    assert (item.status, item.updated_at) == (ActionStatus.COMPLETE, LATER)
    assert [(u.at, u.text, u.by) for u in item.updates.all()] == [
        (LATER, "Both in post.", editor),
        (AFTER, "One officer recruited.", editor),
    ]
    assert {first.pk, second.pk} == set(ActionPlanUpdate.objects.values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("text", "status", "field"), [("", ActionStatus.COMPLETE, "text"), ("Done.", "", "status")]
)
def test_u8_bad_update_is_refused_with_nothing_changed(report, editor, text, status, field):
    item = save(recommendations(report)[0], editor)
    before = snapshot()
    with pytest.raises(ValidationError) as refused:
        action_plan_update_add(item=item, text=text, status=status, by=editor, now=LATER)
    assert field in refused.value.message_dict
    assert snapshot() == before


# --- publishing (U8) -------------------------------------------------------------------------------


def test_u8_publishing_is_refused_until_every_recommendation_has_an_action(report, editor, essex_frs):
    first, second = recommendations(report)
    save(first, editor)
    before = snapshot()
    with pytest.raises(ValidationError, match=second.reference):
        action_plan_publish(report=report, area=essex_frs, by=editor, now=AFTER)
    assert snapshot() == before
    save(second, editor)
    version = action_plan_publish(report=report, area=essex_frs, by=editor, now=AFTER)
    assert (version.version, version.published_at, version.published_by) == (1, AFTER, editor)


def test_u8_versions_are_numbered_and_earlier_ones_kept(complete_plan, editor, essex_frs):
    report = complete_plan
    one = action_plan_publish(report=report, area=essex_frs, by=editor, now=AFTER)
    finding = recommendations(report)[0]
    item = ActionPlanItem.objects.get(finding=finding)
    action_plan_update_add(
        item=item, text="Halfway there.", status=ActionStatus.IN_PROGRESS, by=editor, now=LATER
    )
    save(finding, editor, now=LATER, action="A changed action.")
    two = action_plan_publish(report=report, area=essex_frs, by=editor, now=LATER)
    assert [v.version for v in ActionPlanVersion.objects.order_by("version")] == [1, 2]
    one.refresh_from_db()
    assert one.content["items"][0]["action"] == f"Action for {finding.reference}."
    assert one.content["items"][0]["updates"] == []
    assert two.content["items"][0]["action"] == "A changed action."
    assert two.content["items"][0]["updates"][0]["text"] == "Halfway there."
    assert two.content["fire_authority"] == "Police, Fire and Crime Commissioner for Essex"
    # The public snapshot names no member of staff.
    assert editor.username not in str(two.content)
    assert str(editor) not in str(two.content)


def test_u8_publish_is_refused_for_an_frs_the_report_is_not_about(complete_plan, editor, lead):
    other = frs("cumbria")
    with pytest.raises(ValidationError, match="not a fire and rescue service this report is about"):
        action_plan_publish(report=complete_plan, area=other, by=editor, now=AFTER)
    assert not ActionPlanVersion.objects.exists()


# --- who may edit (U8) -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "model"),
    [
        ("essex", "pfcc"),
        ("cumbria", "pfcc"),
        ("greater-manchester", "mayor_fire"),
        ("northamptonshire", "pfcc"),
    ],
)
def test_u8_the_office_of_a_pfcc_or_mayor_governing_the_frs_edits_its_plan(lead, slug, model):
    area = frs(slug)
    assert area.governance.get(ends_on__isnull=True).model == model
    staff = make_person(f"office_{slug}", office_of(area), Role.OPCC_STAFF)
    report = frs_report(lead, area)
    assert can_edit_plan(staff, area, AFTER)
    item = save(recommendations(report)[0], staff)
    assert item.area == area


def test_u8_who_may_edit_follows_governance_on_the_day_cumbria(lead):
    """Cumbria County Council was the fire authority until 31 March 2023; the PFCC from 1 April 2023."""
    cumbria = frs("cumbria")
    staff = make_person("office_cumbria", office_of(cumbria), Role.OPCC_STAFF)
    assert not can_edit_plan(staff, cumbria, dt.datetime(2023, 3, 31, 12, tzinfo=LONDON))
    assert can_edit_plan(staff, cumbria, dt.datetime(2023, 4, 1, 12, tzinfo=LONDON))


def test_u8_readers_cannot_edit_the_essex_plan(
    report, chief_office_essex_frs, hmicfrs_staff, pcc_office_a, apcc_lead, essex_frs
):
    finding = recommendations(report)[0]
    for person in (chief_office_essex_frs, hmicfrs_staff, pcc_office_a, apcc_lead):
        assert not can_edit_plan(person, essex_frs, AFTER)
        before = snapshot()
        with pytest.raises(ValidationError, match="prepare, update and publish"):
            save(finding, person)
        assert snapshot() == before


def test_u8_a_fire_authority_governed_frs_cannot_be_edited_by_hmicfrs_the_frs_or_the_pcc_kent(
    lead, hmicfrs_staff, pcc_office_b, editor
):
    """Kent FRS is governed by the Kent and Medway Fire and Rescue Authority, not by Kent's PCC.

    None of these can edit it: HMICFRS and the chief fire officer's office read, the PCC's office of
    Kent Police is not the fire authority, and the Essex PFCC's office is another FRS's. The fire
    authority's own staff can (next test).
    """
    kent = frs("kent")
    assert kent.governance.get(ends_on__isnull=True).model == "fire_authority"
    chief_kent = make_person("chief_office_kent_frs", kent, Role.CHIEF_OFFICER_STAFF)
    report = frs_report(lead, kent)
    finding = recommendations(report)[0]
    for person in (hmicfrs_staff, chief_kent, pcc_office_b, editor):
        assert not can_edit_plan(person, kent, AFTER)
        with pytest.raises(ValidationError):
            save(finding, person)
    assert not ActionPlanItem.objects.exists()
    # The readers still see it.
    assert action_plans_visible_to(hmicfrs_staff, AFTER).filter(report=report, organisation=kent).exists()
    assert action_plans_visible_to(chief_kent, AFTER).filter(report=report, organisation=kent).exists()
    assert not action_plans_visible_to(pcc_office_b, AFTER).filter(report=report).exists()


def test_u8_a_fire_authority_s_own_staff_prepare_and_publish_its_plan_kent(lead):
    """U8: the fire authority (not only a PFCC) prepares, updates and publishes the action plan."""
    kent = frs("kent")
    authority = kent.governance.get(ends_on__isnull=True).body
    staff = make_person("kent_fire_authority_staff", authority, Role.FIRE_AUTHORITY_STAFF)
    report = frs_report(lead, kent)
    assert can_edit_plan(staff, kent, AFTER)
    for finding in recommendations(report):
        save(finding, staff)
    assert ActionPlanItem.objects.filter(area=kent).count() == len(recommendations(report))


def test_u8_visibility_of_plans(report, people, essex_frs):
    expected = {
        "editor": True,
        "chief_frs": True,
        "hmicfrs": True,
        "pcc_a": False,
        "pcc_b": False,
        "apcc": False,
    }
    for persona, sees in expected.items():
        visible = action_plans_visible_to(people[persona], AFTER).filter(
            report=report, organisation=essex_frs
        )
        assert visible.exists() is sees, persona
    from django.contrib.auth.models import AnonymousUser

    assert not action_plans_visible_to(AnonymousUser(), AFTER).exists()
    # Before publication there is no plan, for anyone.
    assert not action_plans_visible_to(people["hmicfrs"], PUBLICATION - SECOND).exists()


def test_u8_hmicfrs_sees_when_each_plan_was_last_updated(complete_plan, editor, hmicfrs_staff, essex_frs):
    item = ActionPlanItem.objects.order_by("pk").first()
    action_plan_update_add(item=item, text="Progress.", status=ActionStatus.IN_PROGRESS, by=editor, now=LATER)
    action_plan_publish(report=complete_plan, area=essex_frs, by=editor, now=AFTER)
    row = plan_rows(hmicfrs_staff, LATER).get(report=complete_plan)
    assert (row.last_updated_at, row.last_published_at, row.last_version) == (LATER, AFTER, 1)
    assert (row.recommendation_count, row.item_count) == (2, 2)
    page = get(hmicfrs_staff, reverse("responses:plans"), LATER)
    assert "1 June 2026, 12:00" in page.text
    detail = get(hmicfrs_staff, plan_url(complete_plan, essex_frs), LATER)
    assert "1 June 2026, 12:00" in detail.text
    assert "Version 1" in detail.text


# --- pages: each persona -------------------------------------------------------------------------------


def client(user: User | None) -> Client:
    browser = Client()
    if user is not None:
        browser.force_login(user)
    return browser


def get(user: User | None, url: str, at: dt.datetime = AFTER):
    with time_machine.travel(at, tick=False):
        return client(user).get(url)


def post(user: User | None, url: str, data: dict, at: dt.datetime = AFTER):
    with time_machine.travel(at, tick=False):
        return client(user).post(url, data)


def check(response, expected) -> None:
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == expected


def each_persona(people, expected: list, call) -> None:
    for persona, status in zip(PERSONAS, expected, strict=True):
        response = call(people[persona])
        try:
            check(response, status)
        except AssertionError:
            pytest.fail(f"{persona}: expected {status}, got {response.status_code}")


def plan_url(report: Report, area: Organisation, name: str = "plan", **kwargs: object) -> str:
    return reverse(f"responses:{name}", kwargs={"report_pk": report.pk, "area_pk": area.pk, **kwargs})


def test_u8_plan_list_answers_each_persona(report, people):
    each_persona(
        people, [200, 200, 200, 200, 200, 200, LOGIN], lambda user: get(user, reverse("responses:plans"))
    )
    assert report.title in get(people["editor"], reverse("responses:plans")).text
    assert report.title in get(people["chief_frs"], reverse("responses:plans")).text
    assert report.title not in get(people["pcc_a"], reverse("responses:plans")).text


def listed_titles(page) -> list[str]:
    """The reports named in the list's rows, in the list's order."""
    return sorted((title for title in TITLES if title in page.text), key=page.text.index)


# In the list's order: the reports were all published at once, so by FRS name.
TITLES = ["Cumbria plan report", "Essex plan report", "Kent plan report"]


@pytest.fixture
def three_plans(lead, essex_frs) -> dict[str, Report]:
    """Three FRSs' plans, all published at once: the list orders them by FRS name (Cumbria, Essex, Kent)."""
    return {
        slug: frs_report(lead, frs(slug), title=f"{slug.capitalize()} plan report")
        for slug in ["essex", "kent", "cumbria"]
    }


def test_u8_hmicfrs_narrow_the_plan_list_to_one_frs(three_plans, hmicfrs_staff):
    url = reverse("responses:plans")
    every = get(hmicfrs_staff, url)
    assert "3 action plans" in every.text
    assert listed_titles(every) == TITLES
    assert "Clear filter" not in every.text
    kent = frs("kent")
    narrowed = get(hmicfrs_staff, f"{url}?service={kent.pk}")
    assert narrowed.status_code == 200
    assert listed_titles(narrowed) == ["Kent plan report"]
    assert f"1 action plan for {kent.name}" in narrowed.text
    assert f'<option value="{kent.pk}" selected>' in narrowed.text
    assert "Clear filter" in narrowed.text
    # Choosing "All fire and rescue services" is no filter, and no error.
    every_again = get(hmicfrs_staff, f"{url}?service=")
    assert listed_titles(every_again) == TITLES
    assert "There is a problem" not in every_again.text


@pytest.mark.parametrize("value", ["999999", "x", "police force"])
def test_u8_plan_list_filter_refuses_anything_but_an_frs(three_plans, hmicfrs_staff, value):
    """A value not in the list (an unknown id, not a number, a police force) is shown as an error, and
    the list is not narrowed: it is the whole list, not an empty one that would look like no plans."""
    if value == "police force":
        value = str(force("kent").pk)
    page = get(hmicfrs_staff, f"{reverse('responses:plans')}?service={value}")
    assert page.status_code == 200
    assert '<a href="#id_service">Choose a fire and rescue service from the list.</a>' in page.text
    assert "<title>Error:" in page.text
    assert listed_titles(page) == TITLES


def test_u8_plan_list_of_one_frs_has_no_filter_and_ignores_one(three_plans, editor):
    """The Essex PFCC's office reads its own FRS's plans: no filter is offered, and asking for another FRS's
    plans shows nothing of them (the list stays the office's own)."""
    url = reverse("responses:plans")
    own = get(editor, url)
    assert "Apply filter" not in own.text
    assert listed_titles(own) == ["Essex plan report"]
    asked = get(editor, f"{url}?service={frs('kent').pk}")
    assert asked.status_code == 200
    assert listed_titles(asked) == ["Essex plan report"]
    assert "Choose a fire and rescue service" not in asked.text


def test_u8_plan_list_count_stops_at_the_cap_and_the_filter_reaches_the_rest(
    three_plans, lead, hmicfrs_staff, monkeypatch
):
    from responses.views import plans as plan_views

    monkeypatch.setattr(plan_views, "PLANS_COUNT_CAP", 2)
    monkeypatch.setattr(plan_views, "PAGE_SIZE", 1)
    url = reverse("responses:plans")
    first = get(hmicfrs_staff, url)
    assert "More than 2 action plans: the first 2 are listed" in first.text
    # The pages go as far as the cap: Cumbria's plan, then Essex's; a page past them shows the last.
    assert listed_titles(first) == ["Cumbria plan report"]
    assert listed_titles(get(hmicfrs_staff, f"{url}?page=2")) == ["Essex plan report"]
    assert listed_titles(get(hmicfrs_staff, f"{url}?page=3")) == ["Essex plan report"]
    assert 'href="?page=2"' in first.text
    assert 'href="?page=3"' not in first.text
    # Kent's plan, past the cap, is reached through the filter, counted exactly.
    kent = get(hmicfrs_staff, f"{url}?service={frs('kent').pk}")
    assert listed_titles(kent) == ["Kent plan report"]
    assert "1 action plan for Kent" in kent.text
    # One FRS's plans past the cap: counted to it, and nothing sends the reader to the filter they used.
    for n in range(2):
        frs_report(lead, frs("kent"), title=f"Kent report {n}")
    many = get(hmicfrs_staff, f"{url}?service={frs('kent').pk}")
    assert "More than 2 action plans for Kent Fire and Rescue Service: the first 2 are listed" in many.text
    assert "Choose a fire and rescue service" not in many.text


def test_u8_plan_list_pages_keep_the_filter(lead, hmicfrs_staff, essex_frs, monkeypatch):
    from responses.views import plans as plan_views

    monkeypatch.setattr(plan_views, "PAGE_SIZE", 1)
    for n in range(2):
        frs_report(lead, essex_frs, title=f"Essex report {n}")
    frs_report(lead, frs("kent"), title="Kent report")
    page = get(hmicfrs_staff, f"{reverse('responses:plans')}?service={essex_frs.pk}")
    assert "2 action plans for Essex" in page.text
    assert f"?service={essex_frs.pk}&amp;page=2" in page.text


def test_u8_plan_page_answers_each_persona(report, people, essex_frs):
    url = plan_url(report, essex_frs)
    #                    editor chief hmicfrs pcc_a pcc_b apcc anon
    each_persona(people, [200, 200, 200, 404, 404, 404, LOGIN], lambda user: get(user, url))
    item_url = plan_url(report, essex_frs, "plan-item", finding_pk=recommendations(report)[0].pk)
    assert item_url in get(people["editor"], url).text
    assert item_url not in get(people["hmicfrs"], url).text


def test_u8_plan_pages_refused_to_an_outsider_are_audited(report, people, essex_frs):
    get(people["pcc_a"], plan_url(report, essex_frs))
    assert AuditEvent.objects.filter(
        action=AuditAction.DENIED,
        object_type="responses.actionplan",
        object_id=f"{report.pk}/{essex_frs.pk}",
        actor=people["pcc_a"],
    ).exists()


def test_u8_item_page_answers_each_persona(report, people, essex_frs):
    url = plan_url(report, essex_frs, "plan-item", finding_pk=recommendations(report)[0].pk)
    each_persona(people, [200, 403, 403, 404, 404, 404, LOGIN], lambda user: get(user, url))


def test_u8_item_page_for_a_finding_of_another_report_is_not_found(report, lead, editor, essex_frs):
    other = frs_report(lead, essex_frs, title="Another")
    url = plan_url(report, essex_frs, "plan-item", finding_pk=recommendations(other)[0].pk)
    assert get(editor, url).status_code == 404
    area_for_improvement = report.findings.get(kind=FindingKind.AREA_FOR_IMPROVEMENT)
    assert (
        get(editor, plan_url(report, essex_frs, "plan-item", finding_pk=area_for_improvement.pk)).status_code
        == 404
    )
    assert (
        AuditEvent.objects.filter(action=AuditAction.DENIED, object_type="inspections.finding").count() == 2
    )


def item_data(**overrides: str) -> dict[str, str]:
    data = {
        "action": "Recruit two prevention officers.",
        "owner": "Head of Prevention",
        "target_on_0": "31",
        "target_on_1": "12",
        "target_on_2": "2026",
        "status": ActionStatus.NOT_STARTED,
    }
    data.update(overrides)
    return data


def test_u8_item_form_saves_for_the_editor_and_refuses_the_others(report, people, essex_frs):
    finding = recommendations(report)[0]
    url = plan_url(report, essex_frs, "plan-item", finding_pk=finding.pk)
    each_persona(people, [302, 403, 403, 404, 404, 404, LOGIN], lambda user: post(user, url, item_data()))
    item = ActionPlanItem.objects.get(finding=finding)
    assert (item.owner, item.target_on, item.status) == (
        "Head of Prevention",
        TARGET,
        ActionStatus.NOT_STARTED,
    )
    assert ActionPlanItem.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"action": ""}, "Enter the action being taken."),
        (
            {"target_on_0": "30", "target_on_1": "4", "target_on_2": "2026"},
            "The target date must be today or in the future.",
        ),
        ({"target_on_0": "31", "target_on_1": "2", "target_on_2": "2027"}, "The date must be a real date"),
        ({"status": "abandoned"}, "Select a valid choice"),
    ],
)
def test_u8_item_form_bad_input_is_refused_with_nothing_changed(
    report, editor, essex_frs, overrides, message
):
    url = plan_url(report, essex_frs, "plan-item", finding_pk=recommendations(report)[0].pk)
    response = post(editor, url, item_data(**overrides))
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert message in response.text
    assert response.text.count("<title>Error: ") == 1
    assert not ActionPlanItem.objects.exists()


def test_u8_update_form_adds_a_dated_update(complete_plan, people, essex_frs):
    finding = recommendations(complete_plan)[0]
    url = plan_url(complete_plan, essex_frs, "plan-update", finding_pk=finding.pk)
    data = {"text": "One officer recruited.", "status": ActionStatus.IN_PROGRESS}
    each_persona(people, [302, 403, 403, 404, 404, 404, LOGIN], lambda user: post(user, url, data, LATER))
    update = ActionPlanUpdate.objects.get()
    assert (update.at, update.by, update.item.finding) == (LATER, people["editor"], finding)
    assert get(people["editor"], url).status_code == 405


def test_u8_update_form_bad_input_and_update_before_an_action_are_refused(report, editor, essex_frs):
    first, second = recommendations(report)
    save(first, editor)
    before = snapshot()
    empty = post(
        editor, plan_url(report, essex_frs, "plan-update", finding_pk=first.pk), {"status": "complete"}
    )
    assert empty.status_code == 200
    assert "Enter the update." in empty.text
    no_item = post(
        editor,
        plan_url(report, essex_frs, "plan-update", finding_pk=second.pk),
        {"text": "x", "status": "complete"},
    )
    assert no_item.status_code == 200
    assert "Record the action for this recommendation before adding an update." in no_item.text
    assert snapshot() == before


def test_u8_publish_page_refuses_an_incomplete_plan_then_publishes(report, people, essex_frs):
    url = plan_url(report, essex_frs, "plan-publish")
    save(recommendations(report)[0], people["editor"])
    refused = post(people["editor"], url, {})
    assert refused.status_code == 200
    assert "Every recommendation needs an action before the plan is published" in refused.text
    assert not ActionPlanVersion.objects.exists()
    save(recommendations(report)[1], people["editor"])
    each_persona(people, [302, 403, 403, 404, 404, 404, LOGIN], lambda user: post(user, url, {}))
    assert list(ActionPlanVersion.objects.values_list("version", flat=True)) == [1]


def test_u8_public_page_shows_the_latest_published_version_only(complete_plan, people, editor, essex_frs):
    url = plan_url(complete_plan, essex_frs, "plan-public")
    # Nothing published yet: not found for everyone, the fire authority included.
    each_persona(people, [404] * 6 + [404], lambda user: get(user, url))
    finding = recommendations(complete_plan)[0]
    action_plan_publish(report=complete_plan, area=essex_frs, by=editor, now=AFTER)
    save(finding, editor, now=LATER, action="The second version's action.")
    save(recommendations(complete_plan)[1], editor, now=LATER, action="Not yet published.")
    action_plan_publish(report=complete_plan, area=essex_frs, by=editor, now=LATER)
    save(finding, editor, now=LATER + SECOND, action="A draft change, never published.")
    each_persona(people, [200] * 7, lambda user: get(user, url, LATER + dt.timedelta(hours=1)))
    page = get(None, url, LATER + dt.timedelta(hours=1)).text
    assert "The second version&#x27;s action." in page or "The second version's action." in page
    assert f"Action for {finding.reference}." not in page
    assert "A draft change, never published." not in page
    assert str(editor) not in page
    # Asked for at a moment before version 2, the public saw version 1.
    earlier = get(None, url, AFTER + dt.timedelta(hours=1)).text
    assert f"Action for {finding.reference}." in earlier


def test_u8_plan_list_costs_the_same_queries_whatever_the_number_of_plans(
    lead, editor, hmicfrs_staff, essex_frs
):
    report = frs_report(lead, essex_frs, title="First")
    for finding in recommendations(report):
        save(finding, editor)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert get(hmicfrs_staff, reverse("responses:plans")).status_code == 200
        return len(captured)

    # The first sign-in also sets up the person's second factor (once): not the page's cost.
    queries()
    one = queries()
    for n, slug in enumerate(["kent", "cumbria", "avon", "devon-and-somerset"]):
        frs_report(lead, frs(slug), title=f"More {n}")
    assert plan_rows(hmicfrs_staff, AFTER).count() == 5
    assert queries() == one


def test_u8_plan_page_costs_the_same_queries_whatever_the_number_of_recommendations(lead, editor, essex_frs):
    few = frs_report(lead, essex_frs, recommendations=1, title="Few")
    many = frs_report(lead, essex_frs, recommendations=8, title="Many")
    for report in (few, many):
        for finding in recommendations(report):
            item = save(finding, editor)
            action_plan_update_add(
                item=item, text="Progress.", status=ActionStatus.IN_PROGRESS, by=editor, now=AFTER
            )
        action_plan_publish(report=report, area=essex_frs, by=editor, now=AFTER)

    def queries(report: Report) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert get(editor, plan_url(report, essex_frs)).status_code == 200
        return len(captured)

    assert queries(few) == queries(many)


# --- concurrency (PostgreSQL: real row locks between connections) ----------------------------------


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_u8_two_publications_at_once_get_consecutive_versions(directory):
    import threading
    import time
    from unittest import mock

    from responses import plans

    area = frs("essex")
    lead = make_person("u8_race_lead", org(OrganisationKind.HMICFRS, "hmicfrs"), Role.HMI)
    editor = make_person("u8_race_editor", office_of(area), Role.OPCC_STAFF)
    report = frs_report(lead, area)
    for finding in recommendations(report):
        save(finding, editor)
    real_snapshot = plans.plan_snapshot

    def slow_snapshot(**kwargs: object) -> dict:
        # Widen the window between reading the latest version and writing the next one.
        time.sleep(0.3)
        return real_snapshot(**kwargs)

    barrier = threading.Barrier(2)
    versions: list[int] = []
    errors: list[BaseException] = []

    def publish() -> None:
        try:
            barrier.wait()
            versions.append(action_plan_publish(report=report, area=area, by=editor, now=AFTER).version)
        except BaseException as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    with mock.patch("responses.plans.plan_snapshot", side_effect=slow_snapshot):
        threads = [threading.Thread(target=publish) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert sorted(versions) == [1, 2]
