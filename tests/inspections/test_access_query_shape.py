"""The report visibility query in its index-friendly shape gives exactly the rows of the plain rules (issue 13).

`inspections.access.reports_visible_to` now reads the person's few ids first (one query, kept for the
moment asked about) and lists the unpublished reports they may see as a union of small queries; the
reference below is the rule table written as one condition over every report, as it was before. Both
must give the same reports for every persona at every boundary of I7, U3, U4 and U5.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from contacts.access import areas_as_hmi
from contacts.models import AREA_KINDS, AssignmentKind, Organisation, OrganisationKind, Role, User
from contacts.selectors import areas_governed_by, kinds_acted_for, organisations_acted_for
from contacts.services import assignment_start
from inspections.access import (
    inspections_visible_to,
    is_team_member,
    office_inspection_ids,
    remember_team_flag,
    scope_of,
    team_inspection_ids,
    team_inspection_ids_among,
    team_inspections,
    with_team_flag,
)
from inspections.models import (
    RELEASED_STATES,
    Inspection,
    Report,
    ReportKind,
    ReportState,
    published_condition,
)
from tests.conftest import make_person
from tests.inspections.conftest import (
    CREATED,
    FAC_CLOSES,
    FAC_OPENS,
    FINALISED,
    HOUR,
    PUBLICATION,
    SECOND,
    final,
    schedule,
)

pytestmark = pytest.mark.django_db

MOMENTS = {
    "created": CREATED,
    "fac opens -1s": FAC_OPENS - SECOND,
    "fac opens": FAC_OPENS,
    "fac closes -1s": FAC_CLOSES - SECOND,
    "fac closes": FAC_CLOSES,
    "finalised": FINALISED,
    "T-48h-1s": PUBLICATION - 48 * HOUR - SECOND,
    "T-48h": PUBLICATION - 48 * HOUR,
    "T-24h-1s": PUBLICATION - 24 * HOUR - SECOND,
    "T-24h": PUBLICATION - 24 * HOUR,
    "T-1s": PUBLICATION - SECOND,
    "T": PUBLICATION,
    "T+1s": PUBLICATION + SECOND,
}


def _reference_team(user: Any, at: dt.datetime) -> QuerySet[Any]:
    on = timezone.localdate(at)
    return Inspection.objects.filter(
        Q(lead=user)
        | Q(pk__in=Inspection.team.through.objects.filter(user=user).values("inspection_id"))
        | Q(
            pk__in=Inspection.areas.through.objects.filter(organisation_id__in=areas_as_hmi(user, on)).values(
                "inspection_id"
            )
        )
    )


def _reference_visible(user: Any, at: dt.datetime) -> set[int]:
    """The rule table as one condition over every report (the shape before issue 13)."""
    published = published_condition(at)
    if not getattr(user, "is_authenticated", False):
        return set(Report.objects.filter(published).values_list("pk", flat=True))
    acted_for = organisations_acted_for(user)
    chief_areas = acted_for.filter(kind__in=AREA_KINDS).values("pk")
    governed = areas_governed_by(
        acted_for.filter(kind=OrganisationKind.GOVERNING_BODY), timezone.localdate(at)
    )

    def for_areas(areas: QuerySet[Any]) -> Q:
        return Q(pk__in=Report.areas.through.objects.filter(organisation_id__in=areas).values("report_id"))

    embargo = Q(state__in=RELEASED_STATES, distribution_at__lte=at, publication_at__gt=at)
    visible = (
        published
        | Q(inspection__in=_reference_team(user, at))
        | Q(state=ReportState.FACTUAL_ACCURACY, fac_opens_at__lte=at, fac_closes_at__gt=at)
        & for_areas(chief_areas)
        | embargo
        & Q(kind__in=[ReportKind.FORCE_SPECIFIC, ReportKind.ACCELERATED_CAUSE_OF_CONCERN])
        & (for_areas(chief_areas) | for_areas(governed))
        | embargo
        & Q(kind=ReportKind.OTHER)
        & Q(
            pk__in=Report.interested_parties.through.objects.filter(organisation__in=acted_for).values(
                "report_id"
            )
        )
    )
    return set(Report.objects.filter(visible).values_list("pk", flat=True))


@pytest.fixture
def world(
    fac_report: Report,
    peel_report: Report,
    other_report: Report,
    accelerated_report: Report,
    frs_essex: Inspection,
    thematic: Inspection,
    force_b: Organisation,
) -> list[Report]:
    """Every kind and state of report: a draft in its window (I7), force-specific (U3), other with named
    parties (U4), accelerated (U5), an FRS report, and a thematic's force-specific report published early."""
    frs = schedule(final(frs_essex))
    early = schedule(
        final(thematic, areas=[force_b], title="Stalking: force B"),
        publication_at=FINALISED + 72 * HOUR,
        now=FINALISED,
    )
    return [fac_report, peel_report, other_report, accelerated_report, frs, early]


@pytest.fixture
def people(
    hmi_a: User,
    other_hmi: User,
    lead_hmi: User,
    hmicfrs_staff: User,
    chief_office_a: User,
    pcc_office_a: User,
    pcc_office_b: User,
    apcc_lead: User,
    chief_office_essex_frs: User,
    pfcc_office_essex: User,
) -> dict[str, Any]:
    return {
        "hmi_a": hmi_a,
        "other_hmi": other_hmi,
        "lead_hmi": lead_hmi,
        "hmicfrs_staff": hmicfrs_staff,
        "chief_office_a": chief_office_a,
        "pcc_office_a": pcc_office_a,
        "pcc_office_b": pcc_office_b,
        "apcc_lead": apcc_lead,
        "chief_office_essex_frs": chief_office_essex_frs,
        "pfcc_office_essex": pfcc_office_essex,
        "anonymous": AnonymousUser(),
    }


def test_i7_u3_u4_u5_index_friendly_visibility_gives_the_rule_tables_rows(
    world: list[Report], people: dict[str, Any]
) -> None:
    """I7, U3, U4, U5: for every persona at every boundary, the same reports as the plain rule table."""
    mismatches = []
    seen_unpublished = 0
    for name, user in people.items():
        for label, at in MOMENTS.items():
            expected = _reference_visible(user, at)
            got = set(Report.objects.visible_to(user, at).values_list("pk", flat=True))
            if got != expected:
                mismatches.append(f"{name} at {label}: extra {got - expected}, missing {expected - got}")
            seen_unpublished += len(got - set(Report.objects.published(at).values_list("pk", flat=True)))
    assert mismatches == []
    assert seen_unpublished > 0  # the world does exercise the unpublished rules


def test_i1_inspections_visible_to_and_team_match_the_plain_rules(
    world: list[Report], people: dict[str, Any]
) -> None:
    """I1: the team, and the forces/FRSs and PCCs inspected, see the inspection record; nobody else."""
    for name, user in people.items():
        if name == "anonymous":
            continue
        at = FINALISED
        on = timezone.localdate(at)
        acted_for = organisations_acted_for(user)
        areas = acted_for.filter(kind__in=AREA_KINDS).values("pk")
        governed = areas_governed_by(acted_for.filter(kind=OrganisationKind.GOVERNING_BODY), on)
        expected = set(
            Inspection.objects.filter(
                Q(pk__in=_reference_team(user, at))
                | Q(
                    pk__in=Inspection.areas.through.objects.filter(
                        Q(organisation_id__in=areas) | Q(organisation_id__in=governed)
                    ).values("inspection_id")
                )
            ).values_list("pk", flat=True)
        )
        assert set(inspections_visible_to(user, at).values_list("pk", flat=True)) == expected, name
        team = set(_reference_team(user, at).values_list("pk", flat=True))
        assert set(team_inspections(user, at).values_list("pk", flat=True)) == team, name
        # Asked of a few inspections, the same rule: the team's among them, and no other.
        every = sorted(Inspection.objects.values_list("pk", flat=True))
        for some in (set(every), set(every[::2]), team, set(every) - team, set()):
            assert team_inspection_ids_among(user, at, some) == team & some, name


def test_u3_scope_is_read_once_per_moment_and_again_after_a_change(
    world: list[Report], hmicfrs: Organisation, force_b: Organisation, django_assert_num_queries: Any
) -> None:
    """U3: the person's ids are one query for a moment, reused by the page's other lists; a new
    assignment (dated, as the rules are) is seen at once, not hidden by the kept ids."""
    hmi = make_person("new_hmi", hmicfrs, Role.HMI)
    at = PUBLICATION - SECOND
    with django_assert_num_queries(1):
        scope_of(hmi, at)
        scope_of(hmi, at)
    assert scope_of(hmi, at).hmi_areas == frozenset()
    thematic_report = world[2]  # U4, about forces A and B: the HMI for force B is on the team
    assert not Report.objects.visible_to(hmi, at).filter(pk=thematic_report.pk).exists()
    assignment_start(person=hmi, subject=force_b, kind=AssignmentKind.HMI, starts_on=None, by=None)
    assert scope_of(hmi, at).hmi_areas == frozenset({force_b.pk})
    assert Report.objects.visible_to(hmi, at).filter(pk=thematic_report.pk).exists()


def test_p2_i4_the_scope_names_the_areas_a_pfcc_governs_and_brings_the_kinds_acted_for(
    pcc_office_a: User, pfcc_office_essex: User, essex_frs: Organisation, django_assert_num_queries: Any
) -> None:
    """P2, I4: the PFCC's own choices are for the office of a PFCC (or a mayor with fire functions), so the
    scope says which governed areas those are; the organisations acted for come with their kinds, so the
    page asks contacts for them again at no cost."""
    at = PUBLICATION
    with django_assert_num_queries(1):
        essex = scope_of(pfcc_office_essex, at)
        kinds = kinds_acted_for(pfcc_office_essex)
    assert essex_frs.pk in essex.pfcc_governed
    assert essex.pfcc_governed <= essex.governed
    assert kinds == dict(organisations_acted_for(pfcc_office_essex).values_list("pk", "kind"))
    avon = scope_of(pcc_office_a, at)
    assert avon.governed
    assert avon.pfcc_governed == frozenset()  # a PCC, not a PFCC


def test_u3_visibility_for_a_signed_in_person_costs_one_query_before_the_list(
    world: list[Report], chief_office_a: User, django_assert_num_queries: Any
) -> None:
    """U3: building the queryset reads the person's ids (one query); the list itself is one more."""
    at = PUBLICATION - 24 * HOUR
    with django_assert_num_queries(2):
        list(Report.objects.visible_to(chief_office_a, at).values_list("pk", flat=True))
    with django_assert_num_queries(1):
        list(Report.objects.visible_to(chief_office_a, at).values_list("pk", flat=True))
    with django_assert_num_queries(1):
        list(Report.objects.visible_to(AnonymousUser(), at).values_list("pk", flat=True))


def test_i1_the_team_flag_read_with_an_inspection_answers_for_that_person_and_moment_only(
    peel_a: Inspection, lead_hmi: User, chief_office_a: User, django_assert_num_queries: Any
) -> None:
    """The inspection page reads whether its reader is on the team with the inspection (one query, not two);
    asked for anyone else, or another moment, the flag is not used and the database answers."""
    at = PUBLICATION
    for reader, on_team in ((lead_hmi, True), (chief_office_a, False)):
        scope_of(reader, at)  # read as the page reads it, before the inspection
        with django_assert_num_queries(1):
            inspection = remember_team_flag(
                with_team_flag(inspections_visible_to(reader, at), reader, at).get(pk=peel_a.pk), reader, at
            )
            assert is_team_member(reader, inspection, at) is on_team
    with django_assert_num_queries(1):
        assert (
            is_team_member(lead_hmi, inspection, at) is True
        )  # the chief's flag does not answer for the lead
    with django_assert_num_queries(2):  # another moment: the scope at that moment, then the question
        assert is_team_member(chief_office_a, inspection, at + HOUR) is False


def test_i1_team_inspection_ids_are_the_team_inspections_in_a_filter_and_an_exclusion(
    world: list[Report], people: dict[str, Any]
) -> None:
    """team_inspection_ids (the ids, for `__in`) picks the same reports as team_inspections, kept or left out,
    for every persona (the anonymous visitor and an inactive person included) at every boundary."""
    inactive = make_person(
        "inactive_hmi_shape", Organisation.objects.get(kind=OrganisationKind.HMICFRS), Role.HMI
    )
    inactive.is_active = False
    inactive.save()
    checked = 0
    for name, user in {**people, "inactive": inactive}.items():
        for label, at in MOMENTS.items():
            by_records = Report.objects.filter(inspection__in=team_inspections(user, at))
            by_ids = Report.objects.filter(inspection__in=team_inspection_ids(user, at))
            assert set(by_ids.values_list("pk", flat=True)) == set(by_records.values_list("pk", flat=True)), (
                name,
                label,
            )
            left_by_records = Report.objects.exclude(inspection__in=team_inspections(user, at))
            left_by_ids = Report.objects.exclude(inspection__in=team_inspection_ids(user, at))
            assert set(left_by_ids.values_list("pk", flat=True)) == set(
                left_by_records.values_list("pk", flat=True)
            ), (name, label)
            checked += by_ids.count()
    assert checked > 0  # some persona works on some inspection


def test_i1_office_inspection_ids_are_the_visible_inspections_less_the_teams(
    world: list[Report], people: dict[str, Any], peel_a: Inspection, force_a: Organisation
) -> None:
    """I1: the "inspections in my area" list (office_inspection_ids, the areas' ids less the team's) holds
    exactly the inspections the person may see that they are not on the team of, kept or left out by an
    `__in` filter, for every persona (the anonymous visitor and an inactive person included) at every
    boundary; a person of a chief's office who is also on an inspection's team does not have it listed."""
    inactive = make_person("inactive_office_shape", force_a, Role.CHIEF_OFFICER_STAFF)
    inactive.is_active = False
    inactive.save()
    # On the team of force A's PEEL inspection and in force A's chief's office: listed as team, not as area.
    both = make_person("office_and_team", force_a, Role.CHIEF_OFFICER_STAFF)
    peel_a.team.add(both)
    listed_somewhere = left_out_as_team = 0
    for name, user in {**people, "inactive": inactive, "both": both}.items():
        for label, at in MOMENTS.items():
            expected = set(
                inspections_visible_to(user, at)
                .exclude(pk__in=team_inspections(user, at).values("pk"))
                .values_list("pk", flat=True)
            )
            got = set(
                Inspection.objects.filter(pk__in=office_inspection_ids(user, at)).values_list("pk", flat=True)
            )
            assert got == expected, (name, label)
            left = set(
                Report.objects.exclude(inspection__in=office_inspection_ids(user, at)).values_list(
                    "pk", flat=True
                )
            )
            assert left == set(
                Report.objects.exclude(inspection__in=expected).values_list("pk", flat=True)
            ), (
                name,
                label,
            )
            listed_somewhere += len(got)
            if name == "both":
                assert peel_a.pk not in got
                assert peel_a.pk in set(inspections_visible_to(user, at).values_list("pk", flat=True))
                left_out_as_team += 1
    assert listed_somewhere > 0  # some office sees its area's inspections
    assert left_out_as_team == len(MOMENTS)
