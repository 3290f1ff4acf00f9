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

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from contacts.access import areas_as_hmi
from contacts.models import AREA_KINDS, OrganisationKind
from contacts.selectors import (
    areas_governed_by,
    governing_bodies_of_areas,
    is_hmicfrs_staff,
    offices_of_areas,
    organisations_acted_for,
)
from hmicfrs_mou.access import moment, not_found
from inspections.models import (
    RELEASED_STATES,
    Debrief,
    EvidenceRecord,
    Inspection,
    Report,
    ReportKind,
    ReportState,
    published_condition,
)


def team_inspections(user: Any, at: dt.datetime) -> QuerySet:
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


def _areas_of(user: Any, at: dt.datetime) -> tuple[QuerySet, QuerySet]:
    """(forces/FRSs whose chief's office the user works in, forces/FRSs the user's PCC governs at `at`)."""
    acted_for = organisations_acted_for(user)
    chief_areas = acted_for.filter(kind__in=AREA_KINDS).values("pk")
    governed = areas_governed_by(
        acted_for.filter(kind=OrganisationKind.GOVERNING_BODY), timezone.localdate(at)
    )
    return chief_areas, governed


def _report_ids_for_areas(areas: QuerySet) -> QuerySet:
    return Report.areas.through.objects.filter(organisation_id__in=areas).values("report_id")


def reports_visible_to(queryset: QuerySet, user: Any, at: dt.datetime | None = None) -> QuerySet:
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
    report = Report.objects.visible_to(request.user, at).select_related("inspection").filter(pk=pk).first()
    if report is None:
        raise not_found(request, object_type="inspections.report", object_id=pk)
    return report


def is_team_member(user: Any, inspection: Inspection, at: dt.datetime | None = None) -> bool:
    return team_inspections(user, moment(at)).filter(pk=inspection.pk).exists()


def inspections_visible_to(user: Any, at: dt.datetime | None = None) -> QuerySet:
    """Inspection records (not their reports): the team; the forces/FRSs and PCCs inspected (I1 told them)."""
    at = moment(at)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Inspection.objects.none()
    chief_areas, governed = _areas_of(user, at)
    areas = Inspection.areas.through.objects.filter(
        Q(organisation_id__in=chief_areas) | Q(organisation_id__in=governed)
    ).values("inspection_id")
    return Inspection.objects.filter(Q(pk__in=team_inspections(user, at)) | Q(pk__in=areas))


def evidence_visible_to(user: Any, at: dt.datetime | None = None) -> QuerySet:
    """I5: evidence to the team; a disclosure in confidence to the HMI for the area and named staff only."""
    at = moment(at)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return EvidenceRecord.objects.none()
    on = timezone.localdate(at)
    # The HMI for the force or FRS whose PCC (or office) disclosed it: the source is matched to the
    # areas, so on a thematic the HMI for another force does not read it.
    hmi_areas = list(areas_as_hmi(user, on).values_list("subject_id", flat=True))
    bodies = governing_bodies_of_areas(hmi_areas, on).values("pk")
    offices = offices_of_areas(hmi_areas, on).values("pk")
    confidential = Q(kind=EvidenceRecord.Kind.CONFIDENTIAL_DISCLOSURE)
    visible = Q(~confidential, inspection__in=team_inspections(user, at)) | (
        confidential & (Q(source_id__in=hmi_areas) | Q(source_id__in=bodies) | Q(source_id__in=offices))
    )
    if is_hmicfrs_staff(user, on):
        # Named HMICFRS staff, for as long as they are HMICFRS staff.
        visible |= confidential & Q(
            pk__in=EvidenceRecord.named_staff.through.objects.filter(user=user).values("evidencerecord_id")
        )
    return EvidenceRecord.objects.filter(visible)


def debriefs_visible_to(user: Any, at: dt.datetime | None = None) -> QuerySet:
    """I6: the team; the force/FRS; the PCC only if invited (police) or as of right (PFCC)."""
    at = moment(at)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Debrief.objects.none()
    chief_areas, governed = _areas_of(user, at)
    return Debrief.objects.filter(
        Q(inspection__in=team_inspections(user, at))
        | Q(area_id__in=chief_areas)
        | Q(area_id__in=governed, pcc_invited=True)
    )


def reports_announced_to(user: Any, at: dt.datetime | None = None) -> QuerySet:
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
