"""Who may see which inspection record, at a given moment: the embargo model of DESIGN.md.

Every path – pages, lists, search, counts, CSV, PDF, emails, feeds, public
pages and the admin – asks `Report.objects.visible_to(user, at)` or the
helpers here. Nothing is granted by a task at a time; the moments stored on
the report decide:

| report                   | before distribution | from distribution (embargo)   | from publication |
|--------------------------|---------------------|-------------------------------|------------------|
| draft (I7)               | inspection team; the force/FRS's chief office while the factual-accuracy window is open; never the PCC | – | – |
| force-specific (U3)      | team                | + chief's office and PCC      | everyone         |
| other (U4)               | team                | + named interested parties    | everyone         |
| accelerated CoC (U5)     | team                | + PCC and chief's office      | everyone         |
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import router
from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest
from django.utils import timezone

from contacts.access import (
    refuse,
    require_apcc_chair_or_chief_executive,
    require_chief_office_of,
    require_office_staff,
    require_pcc_office_of,
)
from contacts.access import (
    require_chief_office_of_any as require_chief_office_of_any,
)
from contacts.access import (
    require_hmi_for_area as require_hmi_for_area,
)
from contacts.access import (
    require_hmicfrs_staff as require_hmicfrs_staff,
)
from contacts.models import (
    AREA_KINDS,
    PFCC_EQUIVALENT_FIRE_MODELS,
    Assignment,
    AssignmentKind,
    Governance,
    Organisation,
    OrganisationKind,
    OrganisationUserObjectPermission,
    Role,
)
from contacts.selectors import (
    governing_bodies_of_areas,
    is_hmicfrs_staff,
    keep_kinds_acted_for,
    office_of_area,
    offices_of_areas,
    organisations_acted_for,
    organisations_acted_for_by_id,
    roles_held,
)
from hmicfrs_mou.access import moment, not_found, signed_in
from hmicfrs_mou.compiled import CompiledQuery
from inspections.models import (
    RELEASED_STATES,
    AssistanceRequest,
    ChiefUpdate,
    Debrief,
    EvidenceRecord,
    EvidenceRequest,
    Inspection,
    Report,
    ReportKind,
    ReportState,
    published_condition,
)

UNRELEASED_STATES = tuple(state for state in ReportState.values if state not in RELEASED_STATES)


# --- The person's scope at a moment: a few ids, read once -------------------------------------------------

_SCOPE_ATTR = "_inspections_scope"
# Bumped by every write to the rows a scope is read from (below), so a scope cached on a user object is
# never used after its person's assignments, grants or the governance of an area change.
_generation = 0


@dataclass(frozen=True)
class Scope:
    """What decides a person's view of inspection records at one moment, as literal ids.

    Visibility conditions built from these ids let the database estimate and use its indexes; built
    from subqueries, it guesses one row for each and hashes every inspection or report to test them.
    Empty sets drop their rules (an OPCC has no HMI areas; an HMI governs nothing).
    """

    at: dt.datetime
    generation: int
    # Forces/FRSs the person is the HMI for on the day of `at`.
    hmi_areas: frozenset[int]
    # OPCCs the person is the HMICFRS liaison lead for on that day (monitoring reads them from here too).
    liaison_offices: frozenset[int]
    # Organisations the person acts for (direct grants, as `organisations_acted_for`).
    acted_for: frozenset[int]
    # Forces/FRSs whose chief's office the person works in.
    chief_areas: frozenset[int]
    # Forces/FRSs governed on the day of `at` by a body the person acts for (its office's staff).
    governed: frozenset[int]
    # Those of `governed` whose body is a PFCC or a mayor with fire functions (P2, I4: the PFCC's choices).
    pfcc_governed: frozenset[int] = frozenset()


# Tags for the rows that are not organisations acted for (whose tag is their kind): no kind is named so.
_HMI, _LIAISON, _GOVERNED = "hmi area", "liaison office", "governed area"
_GOVERNED_PFCC = "governed area, pfcc"
_NOT_KINDS = (_HMI, _LIAISON, _GOVERNED, _GOVERNED_PFCC)


def _tagged(queryset: QuerySet[Any], tag: Any, ref: str) -> QuerySet[Any]:
    rows: QuerySet[Any] = (
        queryset.order_by().annotate(scope_tag=tag, scope_ref=F(ref)).values_list("scope_tag", "scope_ref")
    )
    return rows


def _scope_rows(user_id: int, on: dt.date) -> QuerySet[Any]:
    """`areas_as_hmi`, `organisations_acted_for` and `areas_governed_by` (contacts), read together as
    (tag, id) rows: the tag says which (an organisation acted for is tagged with its kind)."""
    acted_for = organisations_acted_for_by_id(user_id)
    assignments = Assignment.objects.in_force(on).filter(person_id=user_id)
    rows: QuerySet[Any] = _tagged(
        assignments.filter(kind=AssignmentKind.HMI), Value(_HMI), "subject_id"
    ).union(
        _tagged(assignments.filter(kind=AssignmentKind.LIAISON_LEAD), Value(_LIAISON), "subject_id"),
        _tagged(acted_for, F("kind"), "pk"),
        _tagged(
            Governance.objects.in_force(on).filter(
                body_id__in=acted_for.filter(kind=OrganisationKind.GOVERNING_BODY).values("pk")
            ),
            Case(
                When(model__in=PFCC_EQUIVALENT_FIRE_MODELS, then=Value(_GOVERNED_PFCC)),
                default=Value(_GOVERNED),
            ),
            "area_id",
        ),
        all=True,
    )
    return rows


# Asked for every signed-in request and every actor check: building and compiling the union cost about 2 ms
# of Python a time, running it a hundredth of that (hmicfrs_mou.compiled).
_SCOPE_QUERY = CompiledQuery(_scope_rows, user_id=int, on=dt.date)


def scope_of(user: Any, at: dt.datetime, *, fresh: bool = False) -> Scope:
    """The person's scope at `at`, in one query; kept on the user object for that moment, so the several
    lists of one page (which all ask for `now`) read it once. `fresh` reads it again whatever is kept,
    for a caller that keeps its own view of the person (monitoring's `viewer`)."""
    cached: Scope | None = getattr(user, _SCOPE_ATTR, None)
    if not fresh and cached is not None and cached.at == at and cached.generation == _generation:
        return cached
    generation = _generation
    if not signed_in(user):
        return Scope(at, generation, frozenset(), frozenset(), frozenset(), frozenset(), frozenset())
    ids: dict[str, set[int]] = {}
    kinds: dict[int, str] = {}
    rows = _SCOPE_QUERY.rows(router.db_for_read(Assignment), user_id=user.pk, on=timezone.localdate(at))
    for tag, ref in rows:
        ids.setdefault(tag, set()).add(ref)
        if tag not in _NOT_KINDS:
            kinds[ref] = tag
    # The organisations acted for came with their kinds: contacts keeps them for the rest of the request.
    keep_kinds_acted_for(user, kinds)
    scope = Scope(
        at=at,
        generation=generation,
        hmi_areas=frozenset(ids.get(_HMI, ())),
        liaison_offices=frozenset(ids.get(_LIAISON, ())),
        acted_for=frozenset().union(*(refs for tag, refs in ids.items() if tag not in _NOT_KINDS)),
        chief_areas=frozenset().union(*(ids.get(kind, set()) for kind in AREA_KINDS)),
        governed=frozenset(ids.get(_GOVERNED, set()) | ids.get(_GOVERNED_PFCC, set())),
        pfcc_governed=frozenset(ids.get(_GOVERNED_PFCC, ())),
    )
    setattr(user, _SCOPE_ATTR, scope)
    return scope


def own_areas(user: Any, at: dt.datetime) -> frozenset[int]:
    """The forces and FRSs that are the person's own at `at` (theirs as HMI, their chief's office's, or
    governed by the body they work for): what a list names among a thematic inspection's many areas."""
    scope = scope_of(user, at)
    return scope.hmi_areas | scope.chief_areas | scope.governed


def _forget_scopes(**kwargs: Any) -> None:
    # One counter for the process: any such change makes every cached scope stale.
    global _generation
    _generation += 1


for _model in (Assignment, Governance, Organisation, OrganisationUserObjectPermission):
    post_save.connect(
        _forget_scopes, sender=_model, dispatch_uid=f"inspections.access.scope.{_model.__name__}"
    )
    post_delete.connect(
        _forget_scopes, sender=_model, dispatch_uid=f"inspections.access.scope.delete.{_model.__name__}"
    )


def _team_ids(user: Any, scope: Scope, among: Collection[int] | None = None) -> QuerySet[Any]:
    """Ids of the inspections the user works on, as one list: each part read from its own index (written as
    an OR over the inspection row, the database scans every inspection and hashes the HMI's areas'
    inspections to test each one). `among`: only which of these inspections, each part read for them alone
    (asked of the whole list, an HMI's areas' inspections were all read to find a few: 1,978 at ten times
    the data)."""

    def only(rows: QuerySet[Any], field: str) -> QuerySet[Any]:
        return rows if among is None else rows.filter(**{f"{field}__in": among})

    parts = [
        only(Inspection.team.through.objects.filter(user=user), "inspection_id")
        .order_by()
        .values("inspection_id")
    ]
    if scope.hmi_areas:
        parts.append(
            only(
                Inspection.areas.through.objects.filter(organisation_id__in=scope.hmi_areas), "inspection_id"
            )
            .order_by()
            .values("inspection_id")
        )
    return only(Inspection.objects.filter(lead=user), "pk").order_by().values("pk").union(*parts)


def team_inspections(user: Any, at: dt.datetime) -> QuerySet[Any]:
    """Inspections the user works on: as lead, as a team member, or as HMI for one of its areas."""
    if not signed_in(user):
        return Inspection.objects.none()
    return Inspection.objects.filter(pk__in=_team_ids(user, scope_of(user, at)))


def team_inspection_ids(user: Any, at: dt.datetime) -> QuerySet[Any]:
    """The ids of `team_inspections`, for a filter such as `inspection__in=`. Given the inspections instead, the
    filter reads `IN (SELECT id FROM inspection WHERE id IN (...))`, and the database scans every inspection
    to match the few ids (a seventh of a home page's query at ten times the data)."""
    if not signed_in(user):
        return Inspection.objects.none().values("pk")
    return _team_ids(user, scope_of(user, at))


def team_inspection_ids_among(user: Any, at: dt.datetime, ids: Collection[int]) -> set[int]:
    """Which of the inspections `ids` the user works on at `at`: `team_inspections`' rule, asked of a few (the
    unpublished reports a search shows, the inspection of a page) and read for those alone."""
    wanted = set(ids)
    if not wanted or not signed_in(user):
        return set()
    return {row["pk"] for row in _team_ids(user, scope_of(user, at), among=wanted)}


def _areas_of(user: Any, at: dt.datetime) -> tuple[frozenset[int], frozenset[int]]:
    """(forces/FRSs whose chief's office the user works in, forces/FRSs the user's PCC governs at `at`)."""
    scope = scope_of(user, at)
    return scope.chief_areas, scope.governed


def _report_ids_for_areas(areas: frozenset[int]) -> QuerySet[Any]:
    return Report.areas.through.objects.filter(organisation_id__in=areas).values("report_id")


def unpublished_condition(at: dt.datetime) -> Q:
    """Not published at `at`: exactly the reports `published_condition(at)` leaves out (state is never null),
    written so the (state, publication_at) index finds them: the drafts, and released reports whose
    moment has not come or is not set. They are few, whatever the size of the archive."""
    return (
        Q(state__in=UNRELEASED_STATES)
        | Q(state__in=RELEASED_STATES, publication_at__gt=at)
        | Q(state__in=RELEASED_STATES, publication_at__isnull=True)
    )


def _unpublished_visible(user: Any, at: dt.datetime) -> QuerySet[Any]:
    """Ids of the reports not yet published at `at` that `user` may see then (the table above, less its last
    column), as one list: each rule is its own query from the few unpublished reports the index gives,
    joined to the user's inspections or areas. (As an OR of conditions on the report, the database
    hashes every inspection of the HMI's areas, every report of the chief's force, to test each.)"""
    scope = scope_of(user, at)
    unpublished = Report.objects.filter(unpublished_condition(at)).order_by()
    embargo = unpublished.filter(state__in=RELEASED_STATES, distribution_at__lte=at, publication_at__gt=at)
    force_kinds = [ReportKind.FORCE_SPECIFIC, ReportKind.ACCELERATED_CAUSE_OF_CONCERN]
    # The team: lead, member, or the HMI for one of the inspection's areas (`team_inspections`).
    rules = [unpublished.filter(inspection__lead=user), unpublished.filter(inspection__team=user)]
    if scope.hmi_areas:
        rules.append(unpublished.filter(inspection__areas__in=scope.hmi_areas))
    if scope.chief_areas:
        # I7: the draft goes to the force or FRS for the window; never to the PCC.
        rules.append(
            unpublished.filter(
                state=ReportState.FACTUAL_ACCURACY,
                fac_opens_at__lte=at,
                fac_closes_at__gt=at,
                areas__in=scope.chief_areas,
            )
        )
    if scope.chief_areas or scope.governed:
        # U3, U5: the chief's office and the PCC of the force or FRS.
        rules.append(embargo.filter(kind__in=force_kinds, areas__in=scope.chief_areas | scope.governed))
    if scope.acted_for:
        # U4: the named interested parties.
        rules.append(embargo.filter(kind=ReportKind.OTHER, interested_parties__in=scope.acted_for))
    first, *others = (rule.values("pk") for rule in rules)
    return first.union(*others)


def public_reports_about(area_id: int, at: dt.datetime) -> int:
    """How many reports about one force or service everyone may see at `at` (the published: what
    `reports_visible_to` gives the anonymous visitor), counted as every report about it less the unpublished.

    Both counts stay small whatever the archive: the first reads the area's entries alone (an index, not the
    reports), the second the few unpublished reports (`unpublished_condition`). Counted directly, the database
    joins every report about the area to every published report (3 ms at ten times the data, against 0.4)."""
    about = Report.areas.through.objects.filter(organisation_id=area_id).order_by()
    unpublished = about.filter(report__in=Report.objects.filter(unpublished_condition(at)).values("pk"))
    return about.count() - unpublished.count()


def reports_visible_to(queryset: QuerySet[Any], user: Any, at: dt.datetime | None = None) -> QuerySet[Any]:
    """The reports `user` may see at `at`: every published one, and the unpublished ones the table gives them.

    The unpublished ones are one small list (`_unpublished_visible`), so the published condition stays
    a plain condition on the row: no rule makes the database test every report of the archive against
    the user's inspections or areas.
    """
    at = moment(at)
    published = published_condition(at)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.filter(published)
    return queryset.filter(published | Q(pk__in=_unpublished_visible(user, at)))


def is_embargoed_for(report: Report, user: Any, at: dt.datetime | None = None) -> bool:
    """True when a report the user may see is seen only because of the embargo window (not team, not public).

    Ask it only of a report already fetched through `visible_to`: it does not check visibility itself.
    """
    at = moment(at)
    if report.is_published(at):
        return False
    return report.inspection_id not in team_inspection_ids_among(user, at, [report.inspection_id])


def get_report_for_user(request: HttpRequest, pk: int, at: dt.datetime | None = None) -> Report:
    """The report `pk` if the person may see it at `at` (`reports_visible_to`'s rule, asked of one report);
    else the 404 every unseen report answers, audited.

    The row is read first and says whether the report is published, which everyone may see: one plain query.
    Only an unpublished report is then looked for among the person's few (`_unpublished_visible`). Asked as
    `visible_to(...).filter(pk=pk)`, every read of a published report built and ran the whole union of the
    embargo rules (a tenth of the permission matrix's time)."""
    at = moment(at)
    user = request.user
    report: Report | None = Report.objects.select_related("inspection").filter(pk=pk).first()
    if report is None or not (
        report.is_published(at)
        or (
            signed_in(user)
            and Report.objects.filter(pk=report.pk, pk__in=_unpublished_visible(user, at)).exists()
        )
    ):
        raise not_found(request, object_type="inspections.report", object_id=pk)
    return report


# Set by `with_team_flag` on an inspection read for a person at a moment: (person id, moment, on the team).
_TEAM_FLAG = "_mou_team_flag"


def with_team_flag(inspections: QuerySet[Any], user: Any, at: dt.datetime) -> QuerySet[Any]:
    """Inspections whose rows say whether `user` is on each one's team at `at` (an EXISTS in the same query),
    so that a page which reads its inspection and then asks `is_team_member` reads once."""
    flagged: QuerySet[Any] = inspections.annotate(
        _mou_on_team=Exists(team_inspections(user, at).filter(pk=OuterRef("pk")))
    )
    return flagged


def is_team_member(user: Any, inspection: Inspection, at: dt.datetime | None = None) -> bool:
    at = moment(at)
    loaded = getattr(inspection, "_mou_on_team", None)
    if loaded is not None and getattr(inspection, _TEAM_FLAG, None) == (getattr(user, "pk", None), at):
        return bool(loaded)
    return inspection.pk in team_inspection_ids_among(user, at, [inspection.pk])


def remember_team_flag(inspection: Inspection, user: Any, at: dt.datetime) -> Inspection:
    """Mark an inspection read through `with_team_flag` as answering for this person at this moment only."""
    setattr(inspection, _TEAM_FLAG, (getattr(user, "pk", None), at))
    return inspection


def inspections_visible_to(user: Any, at: dt.datetime | None = None) -> QuerySet[Any]:
    """Inspection records (not their reports): the team; the forces/FRSs and PCCs inspected (I1 told them)."""
    at = moment(at)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Inspection.objects.none()
    scope = scope_of(user, at)
    ids = _team_ids(user, scope)
    if scope.chief_areas or scope.governed:
        ids = ids.union(
            Inspection.areas.through.objects.filter(organisation_id__in=scope.chief_areas | scope.governed)
            .order_by()
            .values("inspection_id")
        )
    return Inspection.objects.filter(pk__in=ids)


def office_inspection_ids(user: Any, at: dt.datetime | None = None) -> QuerySet[Any]:
    """Ids of the inspections `inspections_visible_to` shows `user` because their office answers for one of
    the inspection's forces or FRSs (the chief's office, the PCC's), less those the user works on
    (`team_inspections`): the "inspections in my area" page.

    One list of ids, the areas' less the team's (EXCEPT), for `pk__in=` or `inspection__in=`: the areas' are
    read from their index. Written as the visible inspections excluding the team's, the database scans
    every inspection to test each against the team (at ten times the data, 12,000 rows to list 20).
    """
    at = moment(at)
    if not signed_in(user):
        return Inspection.objects.none().values("pk")
    scope = scope_of(user, at)
    areas = scope.chief_areas | scope.governed
    if not areas:
        return Inspection.objects.none().values("pk")
    return (
        Inspection.areas.through.objects.filter(organisation_id__in=areas)
        .order_by()
        .values("inspection_id")
        .difference(_team_ids(user, scope))
    )


def evidence_visible_to(user: Any, at: dt.datetime | None = None) -> QuerySet[Any]:
    """I5: evidence to the team; a disclosure in confidence to the HMI for the area and named staff only."""
    at = moment(at)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return EvidenceRecord.objects.none()
    # A disclosure in confidence: the HMI for its force or FRS (so on a thematic the HMI for another
    # force does not read it) and named HMICFRS staff, as `disclosures_visible_to` says.
    confidential = Q(kind=EvidenceRecord.Kind.CONFIDENTIAL_DISCLOSURE)
    visible = Q(~confidential, inspection__in=team_inspection_ids(user, at)) | _disclosure_q(user, at)
    return EvidenceRecord.objects.filter(visible)


def debriefs_visible_to(user: Any, at: dt.datetime | None = None) -> QuerySet[Any]:
    """I6: from the moment it is recorded, the team and the force/FRS; the PCC only if invited (police,
    from the chief's decision) or the PFCC as of right (FRS, from the moment it is recorded)."""
    at = moment(at)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Debrief.objects.none()
    chief_areas, governed = _areas_of(user, at)
    recorded = Q(recorded_at__lte=at)
    invited = Q(attendance_decided_at__lte=at) | Q(attendance_decided_at__isnull=True)
    return Debrief.objects.filter(
        recorded
        & (
            Q(inspection__in=team_inspection_ids(user, at))
            | Q(area_id__in=chief_areas)
            | (Q(area_id__in=governed, pcc_invited=True) & invited)
        )
    )


def reports_announced_to(user: Any, at: dt.datetime | None = None) -> QuerySet[Any]:
    """Scheduled reports whose moments (embargoed copy, publication) the user may plan around at `at`.

    The team, for its inspections; the chief's office and the PCC of a force or FRS a force-specific
    report or accelerated cause of concern covers, from the moment it is scheduled (they already know
    the inspection: I1 told them; they are told only its moments, not the report's text); and anyone
    who may see the report now (an interested party from distribution, everyone once published).
    """
    at = moment(at)
    scheduled = Report.objects.filter(state__in=RELEASED_STATES, publication_at__isnull=False)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Report.objects.none()
    chief_areas, governed = _areas_of(user, at)
    recipient = Q(kind__in=[ReportKind.FORCE_SPECIFIC, ReportKind.ACCELERATED_CAUSE_OF_CONCERN]) & (
        Q(pk__in=_report_ids_for_areas(chief_areas)) | Q(pk__in=_report_ids_for_areas(governed))
    )
    return scheduled.filter(
        Q(inspection__in=team_inspection_ids(user, at))
        | recipient
        | Q(pk__in=reports_visible_to(Report.objects.all(), user, at).values("pk"))
    )


# --- Issue 9: who acts at the steps of I2–I5 and P2, at that moment ----------------------------------------


def _actor_refusal(message: str) -> ValidationError:
    """The refusal a service raises for the wrong actor: nothing has been written."""
    return refuse(message)


def require_inspection_team(user: Any, inspection: Inspection, at: dt.datetime, what: str) -> None:
    """I1–I8, U1–U5: the HMICFRS team (the inspection's lead, a member, or the HMI for one of its areas),
    on HMICFRS's staff at that moment."""
    if not (is_team_member(user, inspection, at) and is_hmicfrs_staff(user, timezone.localdate(at))):
        raise _actor_refusal(f"Only the inspection team for “{inspection.title}” can {what}.")


def require_senior_responsible_owner(user: Any, inspection: Inspection, at: dt.datetime, what: str) -> None:
    """I3: the senior responsible owner: the HMI leading the inspection, an HMI at that moment."""
    on = timezone.localdate(at)
    if user is None or user.pk != inspection.lead_id or Role.HMI not in roles_held(user, on):
        raise _actor_refusal(f"Only the senior responsible owner HMI for “{inspection.title}” can {what}.")


def require_area_chief_office(user: Any, area: Organisation, at: dt.datetime, what: str) -> None:
    """I4 (police), I6 attendance, I8: the chief officer's office of the force or FRS at that moment."""
    require_chief_office_of(user, area, at, what)


def require_area_pcc_office(user: Any, area: Organisation, at: dt.datetime, what: str) -> None:
    """I4 (FRS), I5, P2: the office of whoever governs the force or FRS at that moment."""
    require_pcc_office_of(user, area, at, what)


def require_representative(user: Any, organisation: Organisation, at: dt.datetime, what: str) -> None:
    """P1: the APCC's collated response from its chair or chief executive; a PCC's direct one from its office."""
    if organisation.kind == OrganisationKind.APCC:
        require_apcc_chair_or_chief_executive(user, at, what)
    elif organisation.kind in (OrganisationKind.OPCC, OrganisationKind.GOVERNING_BODY):
        require_office_staff(user, organisation, at, what)
    else:
        raise _actor_refusal(
            f"Representations come from the APCC or from a PCC: {organisation} cannot {what}."
        )


def require_pcc_office_requesting(
    user: Any, offices: list[Organisation], areas: list[Organisation], at: dt.datetime, what: str
) -> None:
    """P2: a PCC's office asks for its own force(s), alone or with others: the actor works for one of the
    requesting offices, and every force asked about is governed at that moment by one of those offices' PCCs.
    With no office named yet, only the forces are checked (the service then asks for the requesters)."""
    refusals = []
    for office in offices:
        try:
            require_office_staff(user, office, at, what)
        except ValidationError as refusal:
            refusals.append(refusal)
        else:
            break
    else:
        if refusals:
            raise refusals[0]
    on = timezone.localdate(at)
    requesting = {office.pk for office in offices} | {office.parent_id for office in offices}
    for area in areas:
        governing = office_of_area(area, on)
        if governing is None or not {governing.pk, governing.parent_id} & requesting:
            raise _actor_refusal(f"Only the office of the PCC (or equivalent) for {area} can {what}.")


# --- I5: disclosures in confidence ------------------------------------------------------------------------


def _disclosure_q(user: Any, at: dt.datetime) -> Q:
    """The disclosures in confidence `user` may read at `at`, as a condition on EvidenceRecord.

    From the moment it was made, the HMI for its force or FRS at `at` and the HMICFRS staff named on it
    (while they are HMICFRS staff) read it; nobody else: not the rest of the team, not the office that
    made it, not the force. A disclosure recorded without its area (before areas were kept) is matched
    through its source: the force or FRS, or the body or office governing it, as the HMI's areas.
    """
    on = timezone.localdate(at)
    hmi_areas = sorted(scope_of(user, at).hmi_areas)
    bodies = governing_bodies_of_areas(hmi_areas, on).values("pk")
    offices = offices_of_areas(hmi_areas, on).values("pk")
    readers = Q(area_id__in=hmi_areas) | (
        Q(area__isnull=True)
        & (Q(source_id__in=hmi_areas) | Q(source_id__in=bodies) | Q(source_id__in=offices))
    )
    if is_hmicfrs_staff(user, on):
        readers |= Q(
            pk__in=EvidenceRecord.named_staff.through.objects.filter(user=user).values("evidencerecord_id")
        )
    return Q(kind=EvidenceRecord.Kind.CONFIDENTIAL_DISCLOSURE, recorded_at__lte=at) & readers


def disclosures_visible_to(user: Any, at: dt.datetime | None = None) -> QuerySet[Any]:
    """I5: the disclosures in confidence the user may read at `at` (see `_disclosure_q`)."""
    at = moment(at)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return EvidenceRecord.objects.none()
    return EvidenceRecord.objects.filter(_disclosure_q(user, at))


def get_disclosure_for_user(request: HttpRequest, pk: int, at: dt.datetime | None = None) -> EvidenceRecord:
    """A disclosure the user may read (404, on the audit trail, otherwise); the caller audits the read."""
    record: EvidenceRecord | None = (
        disclosures_visible_to(request.user, at)
        .select_related("inspection", "source", "area", "recorded_by")
        .filter(pk=pk)
        .first()
    )
    if record is None:
        raise not_found(request, object_type="inspections.evidencerecord", object_id=pk)
    return record


def evidence_requests_visible_to(user: Any, at: dt.datetime | None = None) -> QuerySet[Any]:
    """I5: requests for evidence to the team, the chief's office asked and the PCC's office asked to discuss."""
    at = moment(at)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return EvidenceRequest.objects.none()
    chief_areas, governed = _areas_of(user, at)
    return EvidenceRequest.objects.filter(
        Q(inspection__in=team_inspection_ids(user, at), requested_at__lte=at)
        | Q(area_id__in=chief_areas, requested_at__lte=at)
        | Q(area_id__in=governed, requested_at__lte=at)
    )


def assistance_visible_to(user: Any, at: dt.datetime | None = None) -> QuerySet[Any]:
    """P2: a PFCC's request for assistance to HMICFRS staff and to the office that made it."""
    at = moment(at)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return AssistanceRequest.objects.none()
    if is_hmicfrs_staff(user, timezone.localdate(at)):
        return AssistanceRequest.objects.filter(requested_at__lte=at)
    return AssistanceRequest.objects.filter(office__in=organisations_acted_for(user), requested_at__lte=at)


def office_area_ids(user: Any, at: dt.datetime | None = None) -> tuple[set[int], set[int]]:
    """(ids of the forces/FRSs whose chief's office the user works in, ids of those the user's PCC governs)."""
    chief_areas, governed = _areas_of(user, moment(at))
    return set(chief_areas), set(governed)


# --- I6, I8: debriefs, their attendees, and the chief's updates to the PCC -------------------------------


def get_debrief_for_user(request: HttpRequest, pk: int, at: dt.datetime | None = None) -> Debrief:
    """A debrief the user may see (404, on the audit trail, otherwise); the caller audits a read of its notes."""
    debrief: Debrief | None = (
        debriefs_visible_to(request.user, at)
        .select_related("inspection", "area", "recorded_by", "attendance_decided_by")
        .filter(pk=pk)
        .first()
    )
    if debrief is None:
        raise not_found(request, object_type="inspections.debrief", object_id=pk)
    return debrief


def debrief_published(debrief: Debrief, at: dt.datetime) -> bool:
    """I6: confidentiality lasts until a report of the inspection on the debrief's force or FRS is published."""
    return (
        Report.objects.filter(inspection_id=debrief.inspection_id, areas=debrief.area_id)
        .filter(published_condition(at))
        .exists()
    )


def debrief_attends_for(user: Any, debrief: Debrief, at: dt.datetime) -> Organisation | None:
    """I6: the office the user attends the debrief for, at `at`: the chief's office of its force or FRS, or
    the PCC's (PFCC's) office when the PCC attends (invited by the chief, or the PFCC as of right); else None."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    chief_areas, _governed = _areas_of(user, at)
    if debrief.area_id in chief_areas:
        return debrief.area
    decided = debrief.attendance_decided_at is None or debrief.attendance_decided_at <= at
    if debrief.pcc_invited and decided:
        office = office_of_area(debrief.area, timezone.localdate(at))
        if office is not None and organisations_acted_for(user).filter(pk=office.pk).exists():
            return office
    return None


def require_debrief_attendee(user: Any, debrief: Debrief, at: dt.datetime, what: str) -> Organisation:
    """I6: only an attendee's office (the chief's; the PCC's when the PCC attends); returns that office."""
    office = debrief_attends_for(user, debrief, at)
    if office is None:
        raise _actor_refusal(
            f"Only the chief officer's office of {debrief.area}, and the PCC's office when the PCC attends, "
            f"can {what}."
        )
    return office


def chief_updates_visible_to(user: Any, at: dt.datetime | None = None) -> QuerySet[Any]:
    """I8: the chief's updates to the PCC: the chief's office that sent them and the PCC's office of the area."""
    at = moment(at)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ChiefUpdate.objects.none()
    chief_areas, governed = _areas_of(user, at)
    return ChiefUpdate.objects.filter(Q(area_id__in=chief_areas) | Q(area_id__in=governed), at__lte=at)


def office_areas(user: Any, at: dt.datetime | None = None) -> tuple[list[int], list[int]]:
    """(ids of the forces/FRSs whose chief's office the user works in, ids of those the user's PCC governs)."""
    chief_areas, governed = _areas_of(user, moment(at))
    return sorted(chief_areas), sorted(governed)
