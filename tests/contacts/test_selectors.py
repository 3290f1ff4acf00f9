"""The one home of each question the apps ask of the directory (contacts.selectors).

Who governs an area and which office speaks for it are asked for a day, so each is tested either
side of a change of governance; who acts for an organisation follows appointments (direct grants,
made by access_sync), and a group grant counts for nothing, wherever the question is asked.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from guardian.shortcuts import assign_perm

from contacts.access import confidential_roles, office_for_area
from contacts.models import AssignmentKind, Governance, GovernanceModel, Organisation, OrganisationKind, Role
from contacts.selectors import (
    AREA_PEOPLE_SHOWN,
    HMI_HISTORY_SHOWN,
    PEOPLE_SHOWN,
    AreaRow,
    acts_for_any,
    area_detail,
    area_rows,
    areas_governed_by,
    assigned_to,
    governance_of_area,
    governed_area_rows,
    governing_bodies_of_areas,
    governing_body_of_area,
    holders_of,
    is_hmicfrs_staff,
    kinds_acted_for,
    office_of_area,
    offices_by_area,
    offices_of_areas,
    organisations_acted_for,
    people_acting_for,
    with_governance_on,
)
from contacts.services import appointment_end, appointment_start, assignment_start, governance_change
from hmicfrs_mou.access import forget_cached_perms
from hmicfrs_mou.permissions import Perm
from hmicfrs_mou.roles import HMICFRS_GROUP
from inspections.models import FactualAccuracyComment, InspectionKind, Report
from inspections.services import fac_comment_submit, inspection_create, report_open_factual_accuracy
from inspections.views.force import _comments_of
from tests.conftest import APPOINTED, make_person, office_of
from tests.inspections.conftest import CREATED, FAC_CLOSES, FAC_OPENS, draft

TODAY = dt.date(2026, 1, 1)
CHANGE = dt.date(2028, 5, 11)


@pytest.fixture
def kent_mayor(force_b: Organisation) -> tuple[Organisation, Organisation]:
    """From CHANGE a mayor governs Kent Police (force B), with an office of its own."""
    mayor = Organisation.objects.create(
        kind=OrganisationKind.GOVERNING_BODY, slug="mayor-of-kent", name="Mayor of Kent"
    )
    office = Organisation.objects.create(
        kind=OrganisationKind.OPCC,
        slug="office-of-the-mayor-of-kent",
        name="Office of the Mayor of Kent",
        parent=mayor,
    )
    governance_change(area=force_b, body=mayor, model=GovernanceModel.MAYOR, starts_on=CHANGE)
    return mayor, office


# --- Who governs an area, and which office speaks for it, on a day ---------------------------------


def test_governance_and_office_of_an_area_follow_the_day_of_a_change(force_b, kent_mayor):
    mayor, mayors_office = kent_mayor
    pcc = governing_body_of_area(force_b, CHANGE - dt.timedelta(days=1))
    assert pcc is not None
    assert pcc != mayor
    assert office_of_area(force_b, CHANGE - dt.timedelta(days=1)) == Organisation.objects.get(
        kind=OrganisationKind.OPCC, parent=pcc
    )
    assert governing_body_of_area(force_b, CHANGE) == mayor
    assert governance_of_area(force_b, CHANGE).model == GovernanceModel.MAYOR
    assert office_of_area(force_b, CHANGE) == mayors_office


def test_an_frs_governed_by_a_fire_authority_has_no_office(directory):
    kent_frs = Organisation.objects.get(kind=OrganisationKind.FIRE_RESCUE_SERVICE, slug="kent")
    assert governing_body_of_area(kent_frs, TODAY) is not None
    assert office_of_area(kent_frs, TODAY) is None


def test_an_area_with_no_governance_recorded_on_the_day_has_no_body_and_no_office(directory):
    unrecorded = Organisation.objects.create(
        kind=OrganisationKind.POLICE_FORCE, slug="nowhere", name="Nowhere"
    )
    assert governance_of_area(unrecorded, TODAY) is None
    assert governing_body_of_area(unrecorded, TODAY) is None
    assert office_of_area(unrecorded, TODAY) is None
    assert offices_by_area([unrecorded], TODAY) == {}


def test_the_many_area_forms_give_the_same_answer_as_the_one_area_form(directory, force_b, kent_mayor):
    areas = list(Organisation.objects.areas())
    for day in (TODAY, CHANGE):
        one_by_one = {area.pk: office_of_area(area, day) for area in areas}
        assert offices_by_area(areas, day) == {pk: office for pk, office in one_by_one.items() if office}
        expected = {office.pk for office in one_by_one.values() if office}
        assert set(offices_of_areas(areas, day).values_list("pk", flat=True)) == expected
        assert set(offices_of_areas(Organisation.objects.areas().values("pk"), day)) == set(
            offices_of_areas(areas, day)
        )
        bodies = {governing_body_of_area(area, day).pk for area in areas}
        assert set(governing_bodies_of_areas(areas, day).values_list("pk", flat=True)) == bodies


@pytest.fixture
def essex_pfcc_areas(directory: None) -> tuple[Organisation, Organisation, Organisation]:
    """The Essex PFCC governs both Essex Police and Essex County Fire and Rescue Service."""
    police = Organisation.objects.get(kind=OrganisationKind.POLICE_FORCE, slug="essex")
    fire = Organisation.objects.get(kind=OrganisationKind.FIRE_RESCUE_SERVICE, slug="essex")
    body = governing_body_of_area(police, TODAY)
    assert body == governing_body_of_area(fire, TODAY)
    return body, police, fire


def test_areas_governed_by_a_body_on_a_day_of_one_kind_or_all(essex_pfcc_areas):
    body, police, fire = essex_pfcc_areas
    assert {row["area_id"] for row in areas_governed_by([body], TODAY)} == {police.pk, fire.pk}
    assert {
        row["area_id"] for row in areas_governed_by([body.pk], TODAY, kind=OrganisationKind.POLICE_FORCE)
    } == {police.pk}
    assert {
        row["area_id"]
        for row in areas_governed_by(
            Organisation.objects.filter(pk=body.pk), TODAY, kind=OrganisationKind.FIRE_RESCUE_SERVICE
        )
    } == {fire.pk}


# --- Who acts for an organisation: appointments, direct grants only --------------------------------


def test_acting_for_follows_appointments_in_both_directions(force_a, force_b, pcc_office_a, chief_office_a):
    office_a = office_of(force_a)
    assert set(organisations_acted_for(pcc_office_a)) == {office_a, office_a.parent}
    assert acts_for_any(pcc_office_a, [office_a])
    assert acts_for_any(pcc_office_a, Organisation.objects.filter(pk=office_a.parent_id))
    assert not acts_for_any(pcc_office_a, [force_a, office_of(force_b)])
    assert people_acting_for([office_a]) == [pcc_office_a]
    assert people_acting_for([force_a]) == [chief_office_a]
    assert set(people_acting_for({force_a, office_a})) == {pcc_office_a, chief_office_a}


def test_an_ended_appointment_ends_acting_for(force_a, pcc_office_a):
    appointment_end(appointment=pcc_office_a.appointments.get(), ends_on=dt.date(2026, 1, 1))
    assert not organisations_acted_for(pcc_office_a).exists()
    assert not acts_for_any(pcc_office_a, [office_of(force_a)])
    assert people_acting_for([office_of(force_a)]) == []


def test_the_kinds_acted_for_are_read_once_and_again_after_a_grant_changes(
    force_a, force_b, pcc_office_a, django_assert_num_queries
):
    office_a, office_b = office_of(force_a), office_of(force_b)
    with django_assert_num_queries(1):
        assert kinds_acted_for(pcc_office_a) == {
            office_a.pk: OrganisationKind.OPCC,
            office_a.parent_id: OrganisationKind.GOVERNING_BODY,
        }
        kinds_acted_for(pcc_office_a)
    appointment_start(person=pcc_office_a, organisation=office_b, role=Role.OPCC_STAFF, starts_on=APPOINTED)
    assert office_b.pk in kinds_acted_for(pcc_office_a)  # the grant made is seen at once
    for appointment in pcc_office_a.appointments.all():
        appointment_end(appointment=appointment, ends_on=dt.date(2026, 1, 1))
    assert kinds_acted_for(pcc_office_a) == {}  # and the grants taken away
    assert kinds_acted_for(AnonymousUser()) == {}


def test_visitors_and_inactive_people_act_for_nothing(force_a, pcc_office_a):
    assert not organisations_acted_for(AnonymousUser()).exists()
    assert not acts_for_any(AnonymousUser(), [office_of(force_a)])
    pcc_office_a.is_active = False
    pcc_office_a.save(update_fields=["is_active"])
    assert not organisations_acted_for(pcc_office_a).exists()
    assert not acts_for_any(pcc_office_a, [office_of(force_a)])
    assert people_acting_for([office_of(force_a)]) == []


@pytest.fixture
def group_granted(django_user_model, force_a):
    """Someone with no appointment, in a group holding the grant to act for force A: not the portal's
    way of granting it (access_sync makes direct grants from appointments), so it must count for nothing."""
    person = django_user_model.objects.create_user("group_granted", password="correct-horse-battery-staple")
    group = Group.objects.create(name="Given force A by hand")
    assign_perm(Perm.ACT_FOR_ORGANISATION.value, group, force_a)
    person.groups.add(group)
    return person


def test_a_group_grant_counts_for_nothing_in_any_direction(group_granted, force_a):
    assert not organisations_acted_for(group_granted).exists()
    assert not acts_for_any(group_granted, [force_a])
    assert group_granted not in people_acting_for([force_a])


@pytest.fixture
def fac_report(force_a: Organisation, hmicfrs: Organisation) -> Report:
    """A PEEL draft of force A in its factual-accuracy window, FAC_OPENS to FAC_CLOSES (I7)."""
    lead = make_person("lead_hmi", hmicfrs, Role.HMI)
    peel = inspection_create(
        kind=InspectionKind.PEEL, title="PEEL", areas=[force_a], lead=lead, by=lead, now=CREATED
    )
    return report_open_factual_accuracy(report=draft(peel), closes_at=FAC_CLOSES, by=lead, now=FAC_OPENS)


COMMENT = {
    "paragraph": "2",
    "current_text": "Example Street",
    "proposed_correction": "Sample Street",
    "evidence": "The lease.",
}


def test_a_group_grant_neither_lets_a_comment_in_nor_lists_one(
    group_granted, force_a, chief_office_a, fac_report
):
    """The factual-accuracy service and its page ask the same question. They used to disagree: the
    page counted group grants, the service did not; now neither does."""
    with pytest.raises(ValidationError, match="chief officer's office"):
        fac_comment_submit(report=fac_report, by=group_granted, now=FAC_OPENS, **COMMENT)
    assert not FactualAccuracyComment.objects.exists()
    fac_comment_submit(report=fac_report, by=chief_office_a, now=FAC_OPENS, **COMMENT)
    force_a_only = Organisation.objects.filter(pk=force_a.pk)
    assert [c.submitted_by for c in _comments_of(fac_report, force_a_only)] == [chief_office_a]
    # Their appointment ends and they keep the grant only through a group: no longer the force's.
    appointment_end(appointment=chief_office_a.appointments.get(), ends_on=APPOINTED + dt.timedelta(days=1))
    Group.objects.get(name="Given force A by hand").user_set.add(chief_office_a)
    forget_cached_perms(chief_office_a)
    assert list(_comments_of(fac_report, force_a_only)) == []


# --- Roles by name ---------------------------------------------------------------------------------


def test_hmicfrs_staff_is_read_from_appointments_in_force_on_the_day(
    hmicfrs, hmicfrs_staff, pcc_office_a, apcc_lead
):
    assert is_hmicfrs_staff(hmicfrs_staff)
    assert is_hmicfrs_staff(hmicfrs_staff, APPOINTED)
    assert not is_hmicfrs_staff(hmicfrs_staff, APPOINTED - dt.timedelta(days=1))
    assert not is_hmicfrs_staff(pcc_office_a)
    assert not is_hmicfrs_staff(apcc_lead)
    appointment_end(appointment=hmicfrs_staff.appointments.get(), ends_on=dt.date(2026, 6, 1))
    assert is_hmicfrs_staff(hmicfrs_staff, dt.date(2026, 5, 31))
    assert not is_hmicfrs_staff(hmicfrs_staff, dt.date(2026, 6, 1))


def test_neither_superuser_status_nor_the_group_alone_makes_hmicfrs_staff(django_user_model, directory):
    root = django_user_model.objects.create_superuser("root", "root@example.invalid", "pw-long-enough-123")
    assert not is_hmicfrs_staff(root)
    grouped = django_user_model.objects.create_user("grouped", password="correct-horse-battery-staple")
    grouped.groups.add(Group.objects.get(name=HMICFRS_GROUP))
    assert not is_hmicfrs_staff(grouped)


def test_a_permission_that_means_something_else_no_longer_makes_hmicfrs_staff(
    django_user_model, client_for, pcc_office_a
):
    """`view_all_meeting` (sees every meeting) once stood for "is HMICFRS staff": given to an OPCC
    member directly, it opens the meetings and nothing that is HMICFRS's."""
    pcc_office_a.user_permissions.add(
        Permission.objects.get(
            codename=Perm.VIEW_ALL_MEETING.codename, content_type__app_label=Perm.VIEW_ALL_MEETING.app_label
        )
    )
    pcc_office_a = django_user_model.objects.get(pk=pcc_office_a.pk)
    client = client_for(pcc_office_a)
    assert client.get(reverse("contacts:meetings")).status_code == 200
    assert client.get(reverse("responses:complaint-new")).status_code == 403
    assert not is_hmicfrs_staff(pcc_office_a)


def test_holders_and_assignments_on_a_day(hmicfrs, force_a, hmi_a, other_hmi, liaison_lead_a):
    assert holders_of((Role.HMI,), TODAY) == sorted([hmi_a, other_hmi], key=lambda user: user.pk)
    assert holders_of((Role.HMI,), TODAY, [hmicfrs]) == holders_of((Role.HMI,), TODAY)
    assert holders_of((Role.HMI,), APPOINTED - dt.timedelta(days=1)) == []
    assert assigned_to(AssignmentKind.HMI, force_a, TODAY) == [hmi_a]
    assert assigned_to(AssignmentKind.LIAISON_LEAD, office_of(force_a), TODAY) == [liaison_lead_a]
    assert assigned_to(AssignmentKind.HMI, force_a, APPOINTED - dt.timedelta(days=1)) == []


def test_the_directory_names_a_few_people_of_each_area_and_counts_the_rest(
    client_for, hmicfrs, force_a, force_b, hmi_a, django_assert_num_queries
):
    """A list of every area names at most PEOPLE_SHOWN HMIs of each, the earliest appointed first, and says
    how many more there are; the area's own page names up to AREA_PEOPLE_SHOWN (here, all five). Two queries
    for the people of every area."""
    more = [make_person(f"hmi_{n}", hmicfrs, Role.HMI, **{AssignmentKind.HMI: [force_a]}) for n in range(4)]
    rows = {
        row.area: row
        for row in area_rows(Organisation.objects.filter(pk__in=[force_a.pk, force_b.pk]), on=TODAY)
    }
    assert len(rows[force_a].hmis) == PEOPLE_SHOWN
    assert rows[force_a].hmis[0] == hmi_a
    assert rows[force_a].hmis_more == 5 - PEOPLE_SHOWN
    assert (rows[force_b].hmis, rows[force_b].hmis_more) == ([], 0)
    detail = area_detail(force_a, on=TODAY)
    assert set(detail.row.hmis) == {hmi_a, *more}
    assert detail.row.hmis_more == 0
    with django_assert_num_queries(3):  # the areas with their governance and offices, the people's two
        area_rows(Organisation.objects.filter(pk=force_a.pk), on=TODAY)
    page = client_for(hmi_a).get(reverse("contacts:directory")).content.decode()
    assert f"and {5 - PEOPLE_SHOWN} more" in page
    # The words come from the catalogue (the template's msgid), in the language being rendered.
    with translation.override("cy"):
        assert rows[force_a].hmis_more_text == f"a {5 - PEOPLE_SHOWN} arall"
    # As the template's own {% blocktranslate count %} said it, number formatting included.
    said = Template(
        "{% load i18n %}{% blocktranslate count counter=n %}and {{ counter }} more{% plural %}"
        "and {{ counter }} more{% endblocktranslate %}"
    )
    for language, count in (("en-gb", 1), ("en-gb", 1200), ("cy", 2)):
        with translation.override(language):
            row = AreaRow(force_a, None, liaison_leads_more=count)
            assert row.liaison_leads_more_text == said.render(Context({"n": count}))
    # The words are kept per language and number, and forgotten when a setting changes: a setting that
    # formats numbers otherwise is heard at once, as the template would.
    with translation.override("en-gb"), override_settings(USE_THOUSAND_SEPARATOR=True):
        row = AreaRow(force_a, None, liaison_leads_more=1200)
        assert row.liaison_leads_more_text == said.render(Context({"n": 1200})) == "and 1,200 more"
    with translation.override("en-gb"):
        assert row.liaison_leads_more_text == said.render(Context({"n": 1200})) == "and 1200 more"


def test_an_areas_page_names_at_most_its_share_of_hmis_in_force_and_counts_the_rest(
    client_for, hmicfrs, force_a, hmi_a
):
    """The area's own page names up to AREA_PEOPLE_SHOWN of its HMIs in force, the earliest appointed first,
    and says how many more: a list read and rendered in full would grow with the records."""
    for n in range(AREA_PEOPLE_SHOWN + 1):
        make_person(f"hmi_{n}", hmicfrs, Role.HMI, **{AssignmentKind.HMI: [force_a]})
    detail = area_detail(force_a, on=TODAY)
    assert len(detail.row.hmis) == AREA_PEOPLE_SHOWN
    assert detail.row.hmis[0] == hmi_a
    assert detail.row.hmis_more == 2
    page = client_for(hmi_a).get(force_a.get_absolute_url()).content.decode()
    assert f"{detail.row.hmis_names} and 2 more</dd>" in page


def test_a_row_names_its_people_as_the_template_would_list_them(hmicfrs, force_a, hmi_a):
    """The names joined in Python, as the loop with a comma between them said them, escaped by the page."""
    cheeky = make_person("cheeky", hmicfrs, Role.HMI, **{AssignmentKind.HMI: [force_a]})
    cheeky.first_name, cheeky.last_name = "<b>Bo", "O'Neil & Co"
    row = AreaRow(force_a, None, hmis=[hmi_a, cheeky])
    assert row.hmis_names == f"{hmi_a}, <b>Bo O'Neil & Co"
    assert AreaRow(force_a, None).liaison_leads_names == ""
    page = Template("{% include 'components/area_table.html' with rows=rows people=True %}").render(
        Context({"rows": [row]})
    )
    assert f"{hmi_a}, &lt;b&gt;Bo O&#x27;Neil &amp; Co</td>" in page
    assert "–</td>" in page  # no office, so no liaison lead to name
    empty = Template("{% include 'components/area_table.html' with rows=rows people=True %}").render(
        Context({"rows": [AreaRow(force_a, None)]})
    )
    assert "Not assigned</td>" in empty


def test_an_areas_page_lists_its_latest_hmis_and_says_how_many_came_before(
    client_for, hmicfrs, force_a, hmi_a, chief_office_a
):
    for n in range(HMI_HISTORY_SHOWN + 1):
        person = make_person(f"past_hmi_{n}", hmicfrs, Role.HMI)
        assignment_start(
            person=person, kind=AssignmentKind.HMI, subject=force_a, starts_on=dt.date(2010 + n, 1, 1)
        )
    detail = area_detail(force_a, on=TODAY)
    assert len(detail.hmi_history) == HMI_HISTORY_SHOWN
    assert detail.hmi_history_more == 2  # hmi_a's own assignment and the earliest past one
    starts = [assignment.starts_on for assignment in detail.hmi_history]
    assert starts == sorted(starts, reverse=True)
    assert chief_office_a in [appointment.person for appointment in detail.contacts]
    page = client_for(hmi_a).get(force_a.get_absolute_url()).content.decode()
    assert "And 2 earlier HMI appointments." in page
    assert detail.contacts_total == len(detail.contacts)


def test_an_areas_page_reads_its_office_and_panel_once_c4_c5_l1_l2(
    client_for, force_a, hmi_a, pcc_office_a, other_hmi, django_assert_max_num_queries
):
    """The area's page takes its panel, and the office its confidential links (C4, C5, L1, L2) depend on,
    from the one read of the area with its governance, office and panel: the same answers as asking afresh,
    in at most 10 queries."""
    body = governing_body_of_area(force_a, TODAY)
    panel = Organisation.objects.get(kind=OrganisationKind.PANEL, parent=body)  # the reference data's
    Organisation.objects.create(
        kind=OrganisationKind.PANEL, slug="force-a-panel-z", name="Z later panel", parent=body
    )
    detail = area_detail(force_a, on=TODAY)
    assert detail.panel == panel  # the first by name, as the page always showed
    assert detail.row.record_office == office_for_area(force_a, TODAY) == office_of(force_a)
    for user in (hmi_a, pcc_office_a, other_hmi):
        assert confidential_roles(user, force_a, office=detail.row.record_office) == confidential_roles(
            user, force_a
        )
    assert confidential_roles(pcc_office_a, force_a, office=detail.row.record_office) == {
        "hmi": False,
        "office": True,
    }
    client = client_for(hmi_a)
    client.get(force_a.get_absolute_url())  # the first request reads the site's settings
    with django_assert_max_num_queries(10):
        page = client.get(force_a.get_absolute_url()).content.decode()
    assert panel.name in page
    assert reverse("contacts:conduct-matters") in page


def test_a_fire_authoritys_frs_keeps_its_records_with_the_authority(directory):
    """C4: an FRS whose governing body has no office in the directory: its records belong to the body."""
    frs = Organisation.objects.get(kind=OrganisationKind.FIRE_RESCUE_SERVICE, slug="avon")
    row = area_rows([frs], on=TODAY, with_panels=True)[0]
    assert row.office is None
    assert row.record_office == office_for_area(frs, TODAY) == governing_body_of_area(frs, TODAY)
    assert row.record_office is not None


def test_the_areas_a_body_governs_come_with_their_governance_in_one_query(
    force_a, force_b, hmi_a, liaison_lead_a, django_assert_num_queries
):
    """An office's home: the forces and FRSs its bodies govern on a day, as area_rows gives them for the
    same areas (forces first, then by name), the governance read with the areas."""
    bodies = [governing_body_of_area(force_a, TODAY), governing_body_of_area(force_b, TODAY)]
    fire = Organisation.objects.get(kind=OrganisationKind.FIRE_RESCUE_SERVICE, slug="avon")
    bodies.append(governing_body_of_area(fire, TODAY))
    expected = area_rows(
        Organisation.objects.filter(pk__in=areas_governed_by(bodies, TODAY)).order_by("-kind", "name"),
        on=TODAY,
    )
    with django_assert_num_queries(3):  # the areas with their governance and offices, the people's two
        rows = governed_area_rows(bodies, on=TODAY)
    assert [row.area for row in rows] == [row.area for row in expected]
    assert rows[0].area.kind == OrganisationKind.POLICE_FORCE
    assert rows[-1].area == fire
    assert [row.hmis for row in rows if row.area == force_a] == [[hmi_a]]
    assert [(row.governance, row.office, row.hmis, row.liaison_leads) for row in rows] == [
        (row.governance, row.office, row.hmis, row.liaison_leads) for row in expected
    ]
    assert governed_area_rows([], on=TODAY) == []


def test_organisations_come_with_the_governance_in_force_joined_in_one_query(
    force_a, force_b, hmicfrs, django_assert_num_queries
):
    """Each organisation once, in the queryset's order, with the governance `governance_of_area` gives for
    the day (None for an office or HMICFRS); `area_rows` then asks nothing more of the governance."""
    office_a = office_of(force_a)
    queryset = Organisation.objects.filter(pk__in=[force_a.pk, force_b.pk, office_a.pk, hmicfrs.pk]).order_by(
        "name"
    )
    with django_assert_num_queries(1):
        read = with_governance_on(queryset, TODAY)
    assert read == list(queryset)
    for organisation in read:
        assert organisation.governance_on_day == governance_of_area(organisation, TODAY)
    assert {o.governance_on_day for o in read if o.pk in (office_a.pk, hmicfrs.pk)} == {None}
    assert read[[o.pk for o in read].index(force_a.pk)].governance_on_day.body == governing_body_of_area(
        force_a, TODAY
    )
    areas = [o for o in read if o.is_area]
    with django_assert_num_queries(1):  # the assignments (nobody to name); no governance, no offices
        rows = area_rows(areas, on=TODAY)
    assert [row.governance for row in rows] == [governance_of_area(area, TODAY) for area in areas]
    # Read for another day, the list's governance is not taken for this one: it is read again.
    with django_assert_num_queries(4):  # the list, its governance for the other day, offices, assignments
        area_rows(
            with_governance_on(Organisation.objects.filter(pk=force_a.pk), TODAY), on=TODAY + dt.timedelta(1)
        )


def test_the_office_and_panel_read_with_an_area_are_its_body_of_that_day_c4(
    force_a, force_b, kent_mayor, django_assert_num_queries
):
    """C4: the office an area's confidential records belong to comes with the area's one read: the office of
    the body governing it on the day (the first by name, as `office_of_area` takes, where a body has two),
    and with `panels` its panel; an area's row then reads no office. Across a change of body, each day has
    its own body's office."""
    body = governing_body_of_area(force_a, TODAY)
    for kind, name in (
        (OrganisationKind.OPCC, "Zz second office"),
        (OrganisationKind.PANEL, "Zz second panel"),
    ):
        Organisation.objects.create(kind=kind, slug=name.lower().replace(" ", "-"), name=name, parent=body)
    first_panel = Organisation.objects.filter(kind=OrganisationKind.PANEL, parent=body).order_by("name")[0]
    with django_assert_num_queries(1):
        [read] = with_governance_on(Organisation.objects.filter(pk=force_a.pk), TODAY, panels=True)
    assert read.office_on_day == office_of_area(force_a, TODAY) != None  # noqa: E711
    assert read.office_on_day.name != "Zz second office"
    assert read.panel_on_day == first_panel
    with django_assert_num_queries(1):  # the assignments (nobody to name): no governance, office or panel
        row = area_rows([read], on=TODAY, with_panels=True)[0]
    assert (row.office, row.panel, row.record_office) == (
        read.office_on_day,
        first_panel,
        office_for_area(force_a, TODAY),
    )
    # Read without panels, a row that wants them reads the offices and panels.
    [plain] = with_governance_on(Organisation.objects.filter(pk=force_a.pk), TODAY)
    assert not hasattr(plain, "panel_on_day") or plain.panel_on_day is None
    with django_assert_num_queries(2):  # the offices and panels, the assignments (nobody to name)
        assert area_rows([plain], on=TODAY, with_panels=True)[0].panel == first_panel
    mayor, mayors_office = kent_mayor
    for day in (CHANGE - dt.timedelta(days=1), CHANGE):
        [kent] = with_governance_on(Organisation.objects.filter(pk=force_b.pk), day)
        assert kent.office_on_day == office_of_area(force_b, day)
    assert kent.office_on_day == mayors_office
    # An office and a body govern nothing: nothing is joined.
    [office] = with_governance_on(Organisation.objects.filter(pk=mayors_office.pk), TODAY)
    assert (office.governance_on_day, office.office_on_day) == (None, None)


def test_two_periods_in_force_on_one_day_give_one_row(force_a):
    """Were two periods of governance in force on one day (the services prevent it), each organisation is
    still listed once."""
    current = governance_of_area(force_a, TODAY)
    Governance.objects.create(
        area=force_a,
        body=current.body,
        model=current.model,
        starts_on=TODAY - dt.timedelta(days=30),
        ends_on=TODAY + dt.timedelta(days=30),
    )
    assert Governance.objects.in_force(TODAY).filter(area=force_a).count() == 2
    read = with_governance_on(Organisation.objects.filter(pk=force_a.pk).order_by("name"), TODAY)
    assert read == [force_a]
    assert read[0].governance_on_day in Governance.objects.in_force(TODAY).filter(area=force_a)
