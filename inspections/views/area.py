"""'Inspections in my area' for an OPCC or a chief officer's office, with embargoed copies and the office's
own steps of each inspection (I4, I5): the chief's decision on inviting the PCC, the PFCC's choice to attend,
the answer to a request for a discussion, and a disclosure in confidence."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from contacts.area_names import areas_of, describe
from contacts.models import OrganisationKind
from hmicfrs_mou.pagination import WindowCountPaginator
from inspections.access import office_area_ids, office_inspection_ids, scope_of, team_inspection_ids
from inspections.models import REPORT_TEXT, EvidenceRequest, Inspection, Report, StrategicPresentation


def _day(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


def _office_steps(
    inspection: Inspection,
    area_ids: set[int],
    chief: set[int],
    governed: set[int],
    pfcc_areas: frozenset[int],
    closed: set[tuple[int, int]],
    today: dt.date,
) -> list[dict[str, Any]]:
    """What the person's office does for this inspection (from prefetched rows and `area_ids`, the
    inspection's areas: no query here).

    `closed` holds (inspection, area) pairs whose evidence gathering ended (a report on the area is final).
    """
    steps: list[dict[str, Any]] = []
    for presentation in inspection.office_presentations:
        area, when = presentation.area, _day(presentation.held_on)
        open_ = presentation.held_on >= today
        if area.kind == OrganisationKind.POLICE_FORCE and area.pk in chief:
            done = presentation.pcc_invited
            steps.append(
                {
                    "text": gettext(
                        "Decide whether the PCC is invited to the strategic presentation on %(when)s"
                    )
                    % {"when": when},
                    "url": reverse("inspections:presentation-invitation", kwargs={"pk": presentation.pk})
                    if open_
                    else "",
                    "status": gettext("Not decided yet")
                    if done is None
                    else (gettext("PCC invited") if done else gettext("PCC not invited")),
                    "done": done is not None,
                }
            )
        elif (
            area.kind == OrganisationKind.FIRE_RESCUE_SERVICE
            and area.pk in governed
            and area.pk in pfcc_areas
        ):
            done = presentation.pfcc_attending
            steps.append(
                {
                    "text": gettext(
                        "Choose whether the PFCC attends the strategic presentation of %(area)s on %(when)s"
                    )
                    % {"area": area.name, "when": when},
                    "url": reverse("inspections:presentation-attendance", kwargs={"pk": presentation.pk})
                    if open_
                    else "",
                    "status": gettext("Not chosen yet")
                    if done is None
                    else (gettext("Attending") if done else gettext("Not attending")),
                    "done": done is not None,
                }
            )
    for item in inspection.office_evidence_requests:
        asked = f"{timezone.localtime(item.requested_at):%-d %B %Y at %H:%M %Z}"
        if item.area_id in governed and item.discussion != EvidenceRequest.Discussion.NO_OFFICE:
            waiting = item.discussion == EvidenceRequest.Discussion.REQUESTED
            steps.append(
                {
                    "text": gettext(
                        "Answer the request for a discussion with the PCC about %(area)s (asked %(asked)s)"
                    )
                    % {"area": item.area.name, "asked": asked},
                    "url": reverse("inspections:discussion-answer", kwargs={"pk": item.pk})
                    if waiting
                    else "",
                    "status": item.get_discussion_display(),
                    "done": not waiting,
                }
            )
        if item.area_id in chief:
            steps.append(
                {
                    "text": gettext("Evidence asked of %(area)s on %(asked)s: %(text)s")
                    % {"area": item.area.name, "asked": asked, "text": item.text},
                    "url": "",
                    "status": gettext("Send it to the inspection team"),
                    "done": False,
                }
            )
    if any(pk in governed and (inspection.pk, pk) not in closed for pk in area_ids):
        steps.append(
            {
                "text": gettext("Make a disclosure in confidence to the HMI"),
                "url": reverse("inspections:disclosure-new", kwargs={"pk": inspection.pk}),
                "status": "",
                "done": False,
            }
        )
    return steps


@login_required
@require_GET
def my_area(request: HttpRequest) -> HttpResponse:
    """The inspections of the forces and FRSs the person's office answers for, and every report they may
    see at this moment: drafts in a factual-accuracy window (chief's office only), embargoed copies from
    distribution, and published reports."""
    now = timezone.now()
    today = timezone.localdate(now)
    chief, governed = office_area_ids(request.user, now)
    mine = chief | governed
    # The page names each report and links to it: not its text, nor its areas (the inspection's are listed).
    reports = (
        Report.objects.visible_to(request.user, now)
        .defer(*REPORT_TEXT, "summary")
        .order_by("-publication_at", "-pk")
    )
    # The area's inspections the person is not on the team of (their own are in the workspace): as ids,
    # the areas' less the team's, which the database reads from the index, not from every inspection.
    listed = office_inspection_ids(request.user, now)
    inspections = (
        Inspection.objects.filter(pk__in=listed)
        .select_related("lead")
        .prefetch_related(
            Prefetch("reports", queryset=reports, to_attr="visible_reports"),
            Prefetch(
                "presentations",
                queryset=StrategicPresentation.objects.filter(area_id__in=mine)
                .select_related("area")
                .order_by("held_on", "pk"),
                to_attr="office_presentations",
            ),
            Prefetch(
                "evidence_requests",
                queryset=EvidenceRequest.objects.filter(area_id__in=mine, requested_at__lte=now)
                .select_related("area")
                .order_by("-requested_at", "-pk"),
                to_attr="office_evidence_requests",
            ),
        )
        .order_by("-created_at")
    )
    # Reports shared with the office under embargo from inspections of other areas (U4's interested
    # parties); once published they are on the public pages.
    shared = (
        reports.filter(publication_at__gt=now)
        .exclude(inspection__in=listed)
        .exclude(inspection__in=team_inspection_ids(request.user, now))
    )
    # Ten years of thematic inspections reach every office: a page at a time.
    page = WindowCountPaginator(inspections, 20).get_page(request.GET.get("page"))
    pfcc_areas = scope_of(request.user, now).pfcc_governed
    # Evidence (and disclosures) are taken until a report on the area is final: one query for the page.
    closed = set(
        Report.areas.through.objects.filter(
            report__inspection__in=[inspection.pk for inspection in page],
            report__finalised_at__lte=now,
            organisation_id__in=governed,
        ).values_list("report__inspection_id", "organisation_id")
    )
    # A thematic inspection covers every force: a card names a few areas, else counts them and names the
    # office's own among them (contacts.area_names); each report's page names them all.
    areas = areas_of(Inspection.areas.through, "inspection", [inspection.pk for inspection in page])
    for inspection in page:
        inspection_areas = areas.get(inspection.pk, [])
        inspection.area_names = describe(inspection_areas, mine)
        inspection.office_steps = _office_steps(
            inspection, {pk for pk, _, _ in inspection_areas}, chief, governed, pfcc_areas, closed, today
        )
    return render(
        request,
        "inspections/area/my_area.html",
        {"inspections": page, "page_obj": page, "shared": shared[:50], "now": now},
    )
