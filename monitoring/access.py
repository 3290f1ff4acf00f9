"""Who may see which monitoring record, and who may act at each step, at a given moment.

The one place that decides it for Scan and Engage (DESIGN.md "Engage case" row,
M3–M10). Pages, lists, CSV, the tracker, PDFs, the public pages and the admin
all ask here. Nothing is granted by a task: the moments stored on the case decide.

| record                               | before the PCC is told           | from the PCC told (M6)           | from the announcement (M5)        |
|--------------------------------------|----------------------------------|----------------------------------|-----------------------------------|
| case, its steps                      | HMICFRS senior staff; HMI and liaison lead for the area | + PCC's office and chief's office of the area | + every APCC role; other HMICFRS staff |
| HMI's advice and evidence            | HMICFRS senior staff; HMI and liaison lead for the area (always; never anyone else) | | |
| causes of concern, dates, decision   | as the case                      |                                  | + the public                      |
| formal letter, improvement plans     | –                                | HMICFRS (as above), PCC's and chief's office | (APCC: no)             |
| PPOG/FPOG meetings, actions, follow-ups | HMICFRS (as above)            | + PCC's and chief's office       | + every APCC role                 |
| PCC's holding-to-account notes       | the PCC's office, HMICFRS senior staff and those for the area only | | |
| routine concern (M3)                 | HMICFRS senior staff, HMI for the area; the PCC's and chief's office from the notice; the APCC once the PCC passed it on | | |

HMICFRS senior staff are HMCI, the chief operating officer and chiefs of staff.
A case HMCI decided not to open stays with HMICFRS. After exit (M10) a case is
read as it was, by the same people.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from contacts import access as contacts_access
from contacts.models import (
    APCC_ROLES,
    AREA_KINDS,
    HMICFRS_ROLES,
    Governance,
    Organisation,
    Role,
)
from contacts.selectors import roles_held
from hmicfrs_mou.access import moment, not_found
from inspections.access import scope_of
from inspections.models import Finding, Report, published_condition
from monitoring.models import (
    EngageCase,
    FindingEntry,
    FindingEntryKind,
    ImprovementPlanVersion,
    MeetingAction,
    OversightMeeting,
    PlanNote,
    PlanNoteKind,
    RegisterRow,
    RoutineConcern,
)

SENIOR_ROLES = frozenset({Role.HMCI, Role.CHIEF_OPERATING_OFFICER, Role.CHIEF_OF_STAFF})


@dataclass(frozen=True)
class Viewer:
    """What decides a person's view of monitoring at one moment (a fixed number of queries to build)."""

    user: Any
    at: dt.datetime
    roles: frozenset[str]
    # Areas the person is the HMI for, or the liaison lead for their office.
    hmicfrs_area_ids: frozenset[int]
    # Areas whose chief's office the person works in.
    chief_area_ids: frozenset[int]
    # Areas governed (at `at`) by a body whose office the person works in.
    governed_area_ids: frozenset[int]

    @property
    def signed_in(self) -> bool:
        return self.user is not None and getattr(self.user, "is_authenticated", False)

    @property
    def hmicfrs(self) -> bool:
        return bool(self.roles & set(HMICFRS_ROLES))

    @property
    def senior(self) -> bool:
        return bool(self.roles & SENIOR_ROLES)

    @property
    def hmci(self) -> bool:
        return Role.HMCI in self.roles

    @property
    def apcc(self) -> bool:
        return bool(self.roles & set(APCC_ROLES))

    @property
    def apcc_lead(self) -> bool:
        return Role.APCC_JOINT_PERFORMANCE_LEAD in self.roles

    @property
    def office_area_ids(self) -> frozenset[int]:
        """Areas the person sees as the PCC's office or the chief's office."""
        return self.chief_area_ids | self.governed_area_ids


def viewer(user: Any, at: dt.datetime | None = None) -> Viewer:
    """The person's monitoring view at `at` (now by default); cached on the user for that moment."""
    at = moment(at)
    cache: Viewer | None = getattr(user, "_monitoring_viewer", None)
    if cache is not None and cache.at == at:
        return cache
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Viewer(None, at, frozenset(), frozenset(), frozenset(), frozenset())
    on = timezone.localdate(at)
    roles = roles_held(user, on)
    # The person's assignments, grants and governed areas, as inspections reads them: one query, shared
    # with the reports on the same page (a home page, an area page) when they ask for the same moment;
    # inspections forgets it on any change of assignment, grant, governance or organisation.
    scope = scope_of(user, at)
    hmicfrs_areas: set[int] = set()
    if roles & set(HMICFRS_ROLES):
        hmicfrs_areas = set(scope.hmi_areas)
        offices = scope.liaison_offices
        if offices:
            office_bodies = Organisation.objects.filter(pk__in=offices).values("parent_id")
            hmicfrs_areas |= set(
                Governance.objects.in_force(on)
                .filter(body_id__in=office_bodies)
                .values_list("area_id", flat=True)
            )
    result = Viewer(user, at, roles, frozenset(hmicfrs_areas), scope.chief_areas, scope.governed)
    user._monitoring_viewer = result
    return result


# --- Cases --------------------------------------------------------------------------------------


def _case_q(v: Viewer, prefix: str = "") -> Q:
    """The cases `v` may see, as a Q on EngageCase (or on a model reaching it through `prefix`)."""

    def q(**kwargs: Any) -> Q:
        return Q(**{f"{prefix}{key}": value for key, value in kwargs.items()})

    if not v.signed_in:
        return q(pk__in=[])
    exists = q(advised_at__lte=v.at)
    if v.senior:
        return exists
    visible = q(pk__in=[])
    if v.hmicfrs_area_ids:
        visible |= q(area_id__in=v.hmicfrs_area_ids)
    if v.office_area_ids:
        # From when the HMI recorded telling the PCC (at or after telling): a moment before the record
        # existed must not be shown as one at which the office could read the case.
        visible |= q(area_id__in=v.office_area_ids, pcc_informed_recorded_at__lte=v.at)
        # Cases from the public history (no telling recorded here) are the offices' own once announced.
        visible |= q(area_id__in=v.office_area_ids, announced_at__lte=v.at)
    if v.apcc or v.hmicfrs:
        visible |= q(announced_at__lte=v.at)
    return exists & visible


def cases_visible_to(queryset: QuerySet[Any], user: Any, at: dt.datetime | None = None) -> QuerySet[Any]:
    return queryset.filter(_case_q(viewer(user, at)))


def public_cases(at: dt.datetime | None = None) -> QuerySet[Any]:
    """M5: what anyone may see: announced decisions to place an area in Engage."""
    return EngageCase.objects.filter(announced_at__lte=moment(at), decision_engage=True)


def can_see_advice(user: Any, case: EngageCase, at: dt.datetime | None = None) -> bool:
    """The HMI's advice and evidence stay inside HMICFRS: senior staff and those for the area."""
    v = viewer(user, at)
    return v.senior or (v.hmicfrs and case.area_id in v.hmicfrs_area_ids)


def is_office_of(user: Any, case: EngageCase, at: dt.datetime | None = None) -> bool:
    """The person works for the PCC's office or the chief's office of the case's area."""
    return case.area_id in viewer(user, at).office_area_ids


def can_see_letter_and_plans(user: Any, case: EngageCase, at: dt.datetime | None = None) -> bool:
    """The formal letter and improvement plans: HMICFRS for the area (or senior) and the area's offices."""
    v = viewer(user, at)
    if can_see_advice(user, case, at):
        return True
    return (
        case.area_id in v.office_area_ids
        and case.pcc_informed_recorded_at is not None
        and case.pcc_informed_recorded_at <= v.at
    )


def get_case_for_user(
    request: HttpRequest,
    pk: int,
    at: dt.datetime | None = None,
    *,
    related: tuple[str, ...] = (),
    deferred: tuple[str, ...] = (),
) -> EngageCase:
    """The case if the person may see it at `at`, with `related` read in the same query (a page that shows
    every step asks for them here rather than reading the case twice); else 404, on the audit trail."""
    case: EngageCase | None = (
        EngageCase.objects.visible_to(request.user, at)
        .select_related("area", "period", *related)
        .defer(*deferred)
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise not_found(request, object_type="monitoring.engagecase", object_id=pk)
    return case


def get_public_case(request: HttpRequest, pk: int) -> EngageCase:
    case: EngageCase | None = public_cases().select_related("area", "period").filter(pk=pk).first()
    if case is None:
        raise not_found(request, object_type="monitoring.engagecase", object_id=pk)
    return case


def plans_visible_to(user: Any, at: dt.datetime | None = None) -> QuerySet[Any]:
    v = viewer(user, at)
    if not v.signed_in:
        return ImprovementPlanVersion.objects.none()
    visible = Q(case__area_id__in=v.hmicfrs_area_ids) | Q(
        case__area_id__in=v.office_area_ids, case__pcc_informed_recorded_at__lte=v.at
    )
    if v.senior:
        visible = Q()
    return ImprovementPlanVersion.objects.filter(visible, submitted_at__lte=v.at)


def plan_notes_visible_to(
    user: Any, plan: ImprovementPlanVersion, at: dt.datetime | None = None
) -> QuerySet[Any]:
    """HMICFRS comments go to everyone who sees the plan; the PCC's notes to the PCC's office and HMICFRS."""
    v = viewer(user, at)
    notes = PlanNote.objects.filter(plan=plan, at__lte=v.at)
    area_id = plan.case.area_id
    if v.senior or area_id in v.hmicfrs_area_ids or area_id in v.governed_area_ids:
        return notes
    return notes.filter(kind=PlanNoteKind.HMICFRS)


def meetings_visible_to(user: Any, at: dt.datetime | None = None) -> QuerySet[Any]:
    """PPOG/FPOG meetings: whoever sees the case, except the public."""
    v = viewer(user, at)
    return OversightMeeting.objects.filter(_case_q(v, "case__"), created_at__lte=v.at)


def get_meeting_for_user(request: HttpRequest, pk: int, at: dt.datetime | None = None) -> OversightMeeting:
    meeting: OversightMeeting | None = (
        meetings_visible_to(request.user, at).select_related("case", "case__area").filter(pk=pk).first()
    )
    if meeting is None:
        raise not_found(request, object_type="monitoring.oversightmeeting", object_id=pk)
    return meeting


def actions_visible_to(user: Any, at: dt.datetime | None = None) -> QuerySet[Any]:
    v = viewer(user, at)
    return MeetingAction.objects.filter(_case_q(v, "meeting__case__"), recorded_at__lte=v.at)


def get_action_for_user(request: HttpRequest, pk: int, at: dt.datetime | None = None) -> MeetingAction:
    action: MeetingAction | None = (
        actions_visible_to(request.user, at)
        .select_related("meeting", "meeting__case", "meeting__case__area", "owner")
        .filter(pk=pk)
        .first()
    )
    if action is None:
        raise not_found(request, object_type="monitoring.meetingaction", object_id=pk)
    return action


# --- Routine concerns (M3) -------------------------------------------------------------------------


def concerns_visible_to(user: Any, at: dt.datetime | None = None) -> QuerySet[Any]:
    v = viewer(user, at)
    if not v.signed_in:
        return RoutineConcern.objects.none()
    visible = Q(area_id__in=v.hmicfrs_area_ids) | Q(area_id__in=v.office_area_ids)
    if v.senior:
        visible = Q()
    elif v.apcc:
        # M3: from the moment the PCC's office passed it on, not before (time is part of every rule).
        visible |= Q(passed_to_apcc_at__lte=v.at)
    return RoutineConcern.objects.filter(visible, raised_at__lte=v.at)


def get_concern_for_user(request: HttpRequest, pk: int, at: dt.datetime | None = None) -> RoutineConcern:
    concern: RoutineConcern | None = (
        concerns_visible_to(request.user, at).select_related("area", "raised_by").filter(pk=pk).first()
    )
    if concern is None:
        raise not_found(request, object_type="monitoring.routineconcern", object_id=pk)
    return concern


# --- The findings register (M1) ----------------------------------------------------------------------


def register_areas_for(user: Any, at: dt.datetime | None = None) -> QuerySet[Any]:
    """Areas whose register the person may read: HMICFRS staff all; an office its own areas."""
    v = viewer(user, at)
    areas = Organisation.objects.filter(kind__in=AREA_KINDS)
    if v.hmicfrs:
        return areas
    return areas.filter(pk__in=v.office_area_ids)


def findings_visible_to(user: Any, at: dt.datetime | None = None) -> QuerySet[Any]:
    """Findings in the register: HMICFRS those of reports it may see; an office its areas' published findings."""
    v = viewer(user, at)
    if v.hmicfrs:
        return Finding.objects.filter(report_id__in=Report.objects.visible_to(user, v.at).values("pk"))
    # The offices hold the chief to account for published findings; an embargoed copy's findings are
    # read in the copy itself (inspections.access), not in the register.
    # On the joined report: a finding is checked against its own report, not a list of every published one.
    return Finding.objects.filter(published_condition(v.at, via="report"), area_id__in=v.office_area_ids)


def register_rows_for(user: Any, area: Organisation, at: dt.datetime | None = None) -> QuerySet[Any]:
    """The area's findings register rows that `user` may see: the rows of
    `findings_visible_to(user, at).filter(area=area)`, read from the rows' own index.

    Everyone who may read the register sees a finding once its report is public (`public_from`); HMICFRS
    staff also see those of the reports they may see before that (their team's drafts), which are few and
    checked one by one.
    """
    v = viewer(user, at)
    rows = RegisterRow.objects.filter(area=area)
    public = Q(public_from__lte=v.at)
    if v.hmicfrs:
        # The reports' ids are read first: given the subquery, the database would test every report.
        pending = set(rows.exclude(public).order_by().values_list("report_id", flat=True).distinct())
        readable = list(
            Report.objects.visible_to(user, v.at).filter(pk__in=pending).values_list("pk", flat=True)
        )
        return rows.filter(public | Q(report_id__in=readable))
    if area.pk not in v.office_area_ids:
        return rows.none()
    return rows.filter(public)


def get_finding_for_user(request: HttpRequest, pk: int, at: dt.datetime | None = None) -> Finding:
    finding: Finding | None = (
        findings_visible_to(request.user, at).select_related("report", "area").filter(pk=pk).first()
    )
    if finding is None:
        raise not_found(request, object_type="inspections.finding", object_id=pk)
    return finding


def finding_entries_visible_to(user: Any, finding: Finding, at: dt.datetime | None = None) -> QuerySet[Any]:
    """The PCC's notes are for the PCC's office and HMICFRS; everything else for all who see the finding."""
    v = viewer(user, at)
    entries = FindingEntry.objects.filter(finding=finding, at__lte=v.at)
    area_id = finding.area_id
    if v.senior or area_id in v.hmicfrs_area_ids or area_id in v.governed_area_ids:
        return entries
    return entries.exclude(kind=FindingEntryKind.PCC_NOTE)


# --- Who acts at each step (DESIGN.md "Who acts at each step") ---------------------------------------


def refuse(message: str) -> ValidationError:
    """The refusal a service raises for the wrong actor: nothing has been written (contacts.access)."""
    return contacts_access.refuse(message)


def require_hmi_for(user: Any, area: Organisation, at: dt.datetime, what: str) -> None:
    """M3, M4 advice, M6: the HMI for the force or FRS at that moment (contacts.access)."""
    contacts_access.require_hmi_for_area(user, area, at, what)


def require_hmci(user: Any, at: dt.datetime, what: str) -> None:
    """M4, M10: only HM Chief Inspector decides entry to and exit from Engage."""
    if not viewer(user, at).hmci:
        raise refuse(f"Only HM Chief Inspector can {what}.")


def require_hmi_or_hmci(user: Any, area: Organisation, at: dt.datetime, what: str) -> None:
    v = viewer(user, at)
    if v.hmci:
        return
    require_hmi_for(user, area, at, what)


def require_hmicfrs_for(user: Any, area: Organisation, at: dt.datetime, what: str) -> None:
    """HMICFRS staff responsible for the area (HMI or liaison lead) or senior staff."""
    v = viewer(user, at)
    if not (v.senior or (v.hmicfrs and area.pk in v.hmicfrs_area_ids)):
        raise refuse(f"Only HMICFRS staff responsible for {area} can {what}.")


def require_pcc_office_of(user: Any, area: Organisation, at: dt.datetime, what: str) -> None:
    """The office of whoever governs the area at that moment (contacts.access)."""
    contacts_access.require_pcc_office_of(user, area, at, what)


def require_chief_office_of(user: Any, area: Organisation, at: dt.datetime, what: str) -> None:
    """The chief officer's office of the area at that moment (contacts.access)."""
    contacts_access.require_chief_office_of(user, area, at, what)


def require_apcc_lead(user: Any, at: dt.datetime, what: str) -> None:
    """M7, M8: the APCC joint performance portfolio leads."""
    if not viewer(user, at).apcc_lead:
        raise refuse(f"Only an APCC joint performance portfolio lead can {what}.")


def is_nominated_deputy(user: Any, meeting: OversightMeeting) -> bool:
    return meeting.nominations.filter(deputy=user).exists()


def require_apcc_lead_or_deputy(user: Any, meeting: OversightMeeting, at: dt.datetime, what: str) -> None:
    """M7–M9: a joint performance portfolio lead, or the deputy a lead nominated for this meeting."""
    v = viewer(user, at)
    if v.apcc_lead or (v.apcc and is_nominated_deputy(user, meeting)):
        return
    raise refuse(
        f"Only an APCC joint performance portfolio lead, or a deputy a lead nominated for this meeting, can {what}."
    )


def require_meeting_recorder(user: Any, meeting: OversightMeeting, at: dt.datetime, what: str) -> None:
    """Recording a PPOG/FPOG: the APCC lead or nominated deputy, or HMICFRS for the area (who run the group)."""
    v = viewer(user, at)
    if v.senior or (v.hmicfrs and meeting.case.area_id in v.hmicfrs_area_ids):
        return
    require_apcc_lead_or_deputy(user, meeting, at, what)
