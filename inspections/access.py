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
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from contacts.access import (
    areas_as_hmi,
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
from contacts.models import AREA_KINDS, Organisation, OrganisationKind, Role
from contacts.selectors import (
    areas_governed_by,
    governing_bodies_of_areas,
    is_hmicfrs_staff,
    office_of_area,
    offices_of_areas,
    organisations_acted_for,
    roles_held,
)
from hmicfrs_mou.access import moment, not_found
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


def team_inspections(user: Any, at: dt.datetime) -> QuerySet[Any]:
    """Inspections the user works on: as lead, as a team member, or as HMI for one of its areas."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Inspection.objects.none()
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


def _areas_of(user: Any, at: dt.datetime) -> tuple[QuerySet[Any], QuerySet[Any]]:
    """(forces/FRSs whose chief's office the user works in, forces/FRSs the user's PCC governs at `at`)."""
    acted_for = organisations_acted_for(user)
    chief_areas = acted_for.filter(kind__in=AREA_KINDS).values("pk")
    governed = areas_governed_by(
        acted_for.filter(kind=OrganisationKind.GOVERNING_BODY), timezone.localdate(at)
    )
    return chief_areas, governed


def _report_ids_for_areas(areas: QuerySet[Any]) -> QuerySet[Any]:
    return Report.areas.through.objects.filter(organisation_id__in=areas).values("report_id")


def reports_visible_to(queryset: QuerySet[Any], user: Any, at: dt.datetime | None = None) -> QuerySet[Any]:
    at = moment(at)
    published = published_condition(at)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.filter(published)
    visible = published | Q(inspection__in=team_inspections(user, at))

    chief_areas, governed = _areas_of(user, at)
    # I7: the draft goes to the force or FRS for the window; never to the PCC.
    visible |= Q(
        state=ReportState.FACTUAL_ACCURACY,
        fac_opens_at__lte=at,
        fac_closes_at__gt=at,
        pk__in=_report_ids_for_areas(chief_areas),
    )
    embargo = Q(state__in=RELEASED_STATES, distribution_at__lte=at, publication_at__gt=at)
    # U3, U5: the chief's office and the PCC of the force or FRS.
    visible |= (
        embargo
        & Q(kind__in=[ReportKind.FORCE_SPECIFIC, ReportKind.ACCELERATED_CAUSE_OF_CONCERN])
        & (Q(pk__in=_report_ids_for_areas(chief_areas)) | Q(pk__in=_report_ids_for_areas(governed)))
    )
    # U4: the named interested parties.
    visible |= (
        embargo
        & Q(kind=ReportKind.OTHER)
        & Q(
            pk__in=Report.interested_parties.through.objects.filter(
                organisation__in=organisations_acted_for(user)
            ).values("report_id")
        )
    )
    return queryset.filter(visible)


def is_embargoed_for(report: Report, user: Any, at: dt.datetime | None = None) -> bool:
    """True when a report the user may see is seen only because of the embargo window (not team, not public).

    Ask it only of a report already fetched through `visible_to`: it does not check visibility itself.
    """
    at = moment(at)
    if report.is_published(at):
        return False
    return not team_inspections(user, at).filter(pk=report.inspection_id).exists()


def get_report_for_user(request: HttpRequest, pk: int, at: dt.datetime | None = None) -> Report:
    report: Report | None = (
        Report.objects.visible_to(request.user, at).select_related("inspection").filter(pk=pk).first()
    )
    if report is None:
        raise not_found(request, object_type="inspections.report", object_id=pk)
    return report


def is_team_member(user: Any, inspection: Inspection, at: dt.datetime | None = None) -> bool:
    return team_inspections(user, moment(at)).filter(pk=inspection.pk).exists()


def inspections_visible_to(user: Any, at: dt.datetime | None = None) -> QuerySet[Any]:
    """Inspection records (not their reports): the team; the forces/FRSs and PCCs inspected (I1 told them)."""
    at = moment(at)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Inspection.objects.none()
    chief_areas, governed = _areas_of(user, at)
    areas = Inspection.areas.through.objects.filter(
        Q(organisation_id__in=chief_areas) | Q(organisation_id__in=governed)
    ).values("inspection_id")
    return Inspection.objects.filter(Q(pk__in=team_inspections(user, at)) | Q(pk__in=areas))


def evidence_visible_to(user: Any, at: dt.datetime | None = None) -> QuerySet[Any]:
    """I5: evidence to the team; a disclosure in confidence to the HMI for the area and named staff only."""
    at = moment(at)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return EvidenceRecord.objects.none()
    # A disclosure in confidence: the HMI for its force or FRS (so on a thematic the HMI for another
    # force does not read it) and named HMICFRS staff, as `disclosures_visible_to` says.
    confidential = Q(kind=EvidenceRecord.Kind.CONFIDENTIAL_DISCLOSURE)
    visible = Q(~confidential, inspection__in=team_inspections(user, at)) | _disclosure_q(user, at)
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
            Q(inspection__in=team_inspections(user, at))
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
        Q(inspection__in=team_inspections(user, at))
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
    hmi_areas = list(areas_as_hmi(user, on).values_list("subject_id", flat=True))
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
        Q(inspection__in=team_inspections(user, at), requested_at__lte=at)
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
    return set(chief_areas.values_list("pk", flat=True)), set(governed.values_list("area_id", flat=True))


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
    if chief_areas.filter(pk=debrief.area_id).exists():
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
    return [row["pk"] for row in chief_areas], [row["area_id"] for row in governed]
