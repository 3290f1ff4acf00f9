"""Who may see which contacts records, at a given moment. The one place that decides it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from types import EllipsisType
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from contacts.models import (
    CHIEF_OFFICE_ROLES,
    GOVERNING_BODY_ROLES,
    OFFICE_ROLES,
    OPCC_ROLES,
    Assignment,
    AssignmentKind,
    ConductMatter,
    Meeting,
    MeetingKind,
    Organisation,
    OrganisationKind,
    Role,
)
from contacts.selectors import (
    appointments_in_force,
    areas_governed_by,
    governing_body_of_area,
    is_hmicfrs_staff,
    office_of_area,
    organisations_acted_for,
    roles_held,
)
from hmicfrs_mou.access import holds, moment, not_found, signed_in
from hmicfrs_mou.audit import audit_record
from hmicfrs_mou.models import AuditAction
from hmicfrs_mou.permissions import Perm


def areas_as_hmi(user: Any, on: dt.date) -> QuerySet[Any]:
    """Ids of the forces and FRSs the user is the HMI for on a day."""
    return Assignment.objects.in_force(on).filter(person=user, kind=AssignmentKind.HMI).values("subject_id")


def meetings_visible_to(queryset: QuerySet[Any], user: Any, at: dt.datetime | None = None) -> QuerySet[Any]:
    """Meetings the user may see at `at` (C1–C4).

    HMICFRS staff see every meeting, except that a confidential one (C4) is
    seen only by its attendees, whoever recorded it and the HMI for its area.
    Anyone else sees the meetings of organisations they act for.
    """
    at = moment(at)
    queryset = queryset.filter(created_at__lte=at)
    if holds(user, Perm.VIEW_ALL_MEETING):
        on = timezone.localdate(at)
        return queryset.filter(
            Q(confidential=False)
            | Q(recorded_by=user)
            | Q(pk__in=Meeting.attendees.through.objects.filter(user=user).values("meeting_id"))
            | Q(subject_id__in=areas_as_hmi(user, on))
        )
    if holds(user, Perm.VIEW_ASSOCIATED_MEETING):
        parties = Meeting.parties.through.objects.filter(organisation__in=organisations_acted_for(user))
        return queryset.filter(pk__in=parties.values("meeting_id"))
    return queryset.none()


def get_meeting_for_user(request: HttpRequest, pk: int) -> Meeting:
    """The meeting, or 404 (audited) if it does not exist or the user may not see it."""
    meeting: Meeting | None = (
        Meeting.objects.visible_to(request.user)
        .select_related("subject", "recorded_by")
        .prefetch_related("parties", "attendees")
        .filter(pk=pk)
        .first()
    )
    if meeting is None:
        raise not_found(request, object_type="contacts.meeting", object_id=pk)
    return meeting


def may_see_meetings(user: Any) -> bool:
    """Whether the user has meetings to see at all: HMICFRS every one, others their organisations'."""
    return holds(user, Perm.VIEW_ALL_MEETING) or holds(user, Perm.VIEW_ASSOCIATED_MEETING)


def can_record_meeting(user: Any) -> bool:
    return holds(user, Perm.ADD_MEETING)


# --- Who acts at each step (DESIGN.md "Who acts at each step") ---------------------------------------
#
# The rules every app's services call before they write: role and organisation are judged AT THAT
# MOMENT, from the dated appointments and assignments in the directory (not from the grants, which
# are the signed-in person's access as the last sync left it). Each raises `refuse(...)`: a plain
# message naming who may act; the service has written nothing yet. The apps above add their own
# rules (the inspection team, the office answering a response) in their access modules on these.


def refuse(message: str) -> ValidationError:
    """The refusal a service raises for the wrong actor: nothing has been written."""
    return ValidationError(message, code="actor")


def _day(at: dt.datetime) -> dt.date:
    return timezone.localdate(at)


def _appointed(
    user: Any, on: dt.date, roles: Iterable[str], organisations: Iterable[Any] | None = None
) -> bool:
    """Whether the person holds one of the roles (in one of the organisations, if given) on the day."""
    wanted = set(roles)
    ids = None if organisations is None else {o.pk for o in organisations if o is not None}
    # From the person's appointments of the day, read once per request (and again after any change).
    return any(
        appointment.role in wanted and (ids is None or appointment.organisation_id in ids)
        for appointment in appointments_in_force(user, on)
    )


def is_hmi_for_area(user: Any, area: Organisation, at: dt.datetime) -> bool:
    """The person is an HMI assigned to the force or FRS at that moment."""
    on = _day(at)
    return (
        _appointed(user, on, [Role.HMI])
        and Assignment.objects.in_force(on)
        .filter(person=user, kind=AssignmentKind.HMI, subject=area)
        .exists()
    )


def is_chief_office_of(user: Any, area: Organisation, at: dt.datetime) -> bool:
    """The person works in the chief officer's office of the force or FRS at that moment."""
    return _appointed(user, _day(at), CHIEF_OFFICE_ROLES, [area])


def is_pcc_office_of(user: Any, area: Organisation, at: dt.datetime) -> bool:
    """The person works for whoever governs the force or FRS at that moment: in its office (OPCC or
    equivalent), or on the staff of a body with no office in the directory (a fire authority)."""
    on = _day(at)
    office = office_of_area(area, on)
    if office is not None and _appointed(user, on, OPCC_ROLES, [office]):
        return True
    body = governing_body_of_area(area, on)
    return body is not None and _appointed(user, on, GOVERNING_BODY_ROLES, [body])


def require_hmicfrs_staff(user: Any, at: dt.datetime, what: str) -> None:
    """Anyone on HMICFRS's staff at that moment (P1, P2 decisions, C1–C3 records)."""
    if not is_hmicfrs_staff(user, _day(at)):
        raise refuse(f"Only HMICFRS staff can {what}.")


def require_hmi_for_area(user: Any, area: Organisation, at: dt.datetime, what: str) -> None:
    """M3, M6, L1, L2, C4, C5: the HMI for the force or FRS at that moment."""
    if not is_hmi_for_area(user, area, at):
        raise refuse(f"Only the HMI for {area} can {what}.")


def require_chief_office_of(user: Any, area: Organisation, at: dt.datetime, what: str) -> None:
    """I4 (police), I6 attendance, I7 comments, I8, U6 comments: the chief officer's office of the area."""
    if not is_chief_office_of(user, area, at):
        raise refuse(f"Only the chief officer's office of {area} can {what}.")


def require_chief_office_of_any(user: Any, areas: Iterable[Organisation], at: dt.datetime, what: str) -> None:
    """I7: the chief officer's office of one of the forces or FRSs (a report may cover several)."""
    areas = list(areas)
    if not _appointed(user, _day(at), CHIEF_OFFICE_ROLES, areas):
        names = " or ".join(str(area) for area in areas) or "the force or FRS"
        raise refuse(f"Only the chief officer's office of {names} can {what}.")


def require_pcc_office_of(user: Any, area: Organisation, at: dt.datetime, what: str) -> None:
    """I4 (FRS), I5, P2, L1, L2: the office of whoever governs the force or FRS at that moment."""
    if not is_pcc_office_of(user, area, at):
        raise refuse(f"Only the office of the PCC (or equivalent) for {area} can {what}.")


def require_office_staff(user: Any, office: Organisation, at: dt.datetime, what: str) -> None:
    """P1, P2, U6: staff of this OPCC (or equivalent office), or of the body it serves, at that moment."""
    on = _day(at)
    if office.kind == OrganisationKind.GOVERNING_BODY:
        offices = list(Organisation.objects.filter(kind=OrganisationKind.OPCC, parent=office))
        if _appointed(user, on, OPCC_ROLES, offices) or _appointed(user, on, GOVERNING_BODY_ROLES, [office]):
            return
    elif _appointed(user, on, OPCC_ROLES, [office]):
        return
    raise refuse(f"Only staff of {office} can {what}.")


def require_apcc_chair_or_chief_executive(user: Any, at: dt.datetime, what: str) -> None:
    """P1: the APCC's collated response comes from its chair or chief executive."""
    if not _appointed(user, _day(at), [Role.APCC_CHAIR, Role.APCC_CHIEF_EXECUTIVE]):
        raise refuse(f"Only the APCC chair or chief executive can {what}.")


def require_directory_administrator(user: Any, what: str) -> None:
    """The directory (appointments, assignments, governance) is kept by its administrators: people
    holding the model's change permission (the admin's own rule). A system process (the reference-data
    load, the demo, the nightly sync) acts with no person and passes `by=None`."""
    if user is None:
        return
    if not (signed_in(user) and user.has_perm("contacts.change_appointment")):
        raise refuse(f"Only an administrator of the directory can {what}.")


# --- Confidential records between an HMI and a PCC's office (C4, C5, L1, L2) -------------------------
#
# | record                                              | who reads it (from the moment it was recorded) |
# |-----------------------------------------------------|------------------------------------------------|
# | shared unpublished findings (C4)                    | staff of the office they were shared with; the HMI for the area; HMICFRS staff named on them |
# | panel invitation (C5), representations, decision, briefing | staff of the office asked; the HMI for the area |
# | chief officer recruitment (L1) and the HMI's advice | staff of the office that recorded it; the HMI for the area |
# | conduct matters (L2)                                | the HMI for the area; HMICFRS staff named on it (the office that logged it sees when and what kind, never the text) |
#
# Nobody else: not other HMICFRS staff (HMCI and the area's liaison lead included, unless named), not the
# chief's office, not the APCC, never public. Role, assignment and office are judged at the moment asked:
# an HMI moved to another area, or someone who left the office, no longer reads them. Conduct matters
# are on their own list only: no other list, search, export, feed or public page reads ConductMatter.
# Every read of a record's page is audited (`read_confidential`); a refusal answers 404, audited too.


def _hmi_area_ids(user: Any, on: dt.date) -> QuerySet[Any]:
    """The areas the person is the HMI for on a day (an HMI appointment and an HMI assignment), as a
    subquery: a list read first was one more query for each kind of record asked about (three in a search)."""
    if Role.HMI not in roles_held(user, on):
        return Assignment.objects.none().values("subject_id")
    return areas_as_hmi(user, on)


def _office_ids(user: Any, on: dt.date) -> list[int]:
    """The offices (OPCC or equivalent, or a governing body without one) the person works in on a day.

    From the person's appointments in force, which the page has read already (the navigation asks for
    them): none for an inactive account, as `appointments_in_force` gives none."""
    return [
        appointment.organisation_id
        for appointment in appointments_in_force(user, on)
        if appointment.role in OFFICE_ROLES
    ]


def confidential_visible_to(
    queryset: QuerySet[Any], user: Any, at: dt.datetime | None = None
) -> QuerySet[Any]:
    """C4, C5, L1, L2: the records of `queryset`'s model the user may read at `at` (see the table above)."""
    at = moment(at)
    model = queryset.model
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    on = timezone.localdate(at)
    readers = Q(area_id__in=_hmi_area_ids(user, on))
    if getattr(model, "OFFICE_READS", True):
        readers |= Q(office_id__in=_office_ids(user, on))
    if hasattr(model, "named_staff") and is_hmicfrs_staff(user, on):
        named = model.named_staff.through.objects.filter(user=user)
        readers |= Q(pk__in=named.values(f"{model._meta.model_name}_id"))
    return queryset.filter(readers, **{f"{model.CREATED_AT}__lte": at})


def conduct_matters_sent_by(user: Any, at: dt.datetime | None = None) -> QuerySet[Any]:
    """L2: the matters the person's office told its HMI about, for the office's own record of when and
    what kind (its list shows no text and links to nothing: the office does not read them back)."""
    at = moment(at)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ConductMatter.objects.none()
    return ConductMatter.objects.filter(
        office_id__in=_office_ids(user, timezone.localdate(at)), logged_at__lte=at
    )


def read_confidential(
    request: HttpRequest, queryset: QuerySet[Any], pk: int, at: dt.datetime | None = None
) -> Any:
    """The record, with this read on the audit trail; or 404 (on the trail too) if the user may not read it."""
    record = confidential_visible_to(queryset, request.user, at).filter(pk=pk).first()
    if record is None:
        raise not_found(request, object_type=queryset.model._meta.label_lower, object_id=pk)
    audit_record(action=AuditAction.VIEW, obj=record, request=request)
    return record


def hmi_areas(user: Any, at: dt.datetime | None = None) -> QuerySet[Any]:
    """The forces and FRSs the person is the HMI for at `at`."""
    return Organisation.objects.filter(pk__in=_hmi_area_ids(user, timezone.localdate(moment(at))))


def office_areas(user: Any, at: dt.datetime | None = None) -> QuerySet[Any]:
    """The forces and FRSs governed at `at` by a body whose office the person works in."""
    on = timezone.localdate(moment(at))
    offices = Organisation.objects.filter(pk__in=_office_ids(user, on))
    bodies = Organisation.objects.filter(Q(pk__in=offices.values("parent_id")) | Q(pk__in=offices))
    return Organisation.objects.filter(pk__in=areas_governed_by(bodies, on))


def office_for_area(area: Organisation, on: dt.date) -> Organisation | None:
    """The office a confidential record about the area belongs to: the office of whoever governs it on
    the day, or the governing body itself where it has no office in the directory (a fire authority)."""
    return office_of_area(area, on) or governing_body_of_area(area, on)


def may(check: Any, *args: Any) -> bool:
    """Whether a require_* check passes (for showing a button; the service checks again)."""
    try:
        check(*args)
    except ValidationError:
        return False
    return True


def require_liaison_lead_for(user: Any, office: Organisation, at: dt.datetime, what: str) -> None:
    """C3: the HMICFRS liaison lead assigned to the OPCC at that moment."""
    on = _day(at)
    is_lead = (
        _appointed(user, on, [Role.LIAISON_LEAD])
        and Assignment.objects.in_force(on)
        .filter(person=user, kind=AssignmentKind.LIAISON_LEAD, subject=office)
        .exists()
    )
    if not is_lead:
        raise refuse(f"Only the HMICFRS liaison lead for {office} can {what}.")


def require_meeting_recorder(user: Any, kind: str, subject: Organisation | None, at: dt.datetime) -> None:
    """C1–C3: who records a standing meeting: HMICFRS staff (national, C1); the HMI for the force or FRS
    (C2); the liaison lead for the OPCC (C3). A meeting about nothing valid is left to the service's
    own checks, after this person is known to be on HMICFRS's staff."""
    what = "record this meeting"
    if kind == MeetingKind.HMI_PCC_FORMAL and subject is not None and subject.is_area:
        require_hmi_for_area(user, subject, at, what)
    elif kind == MeetingKind.OPCC_LIAISON and subject is not None and subject.kind == OrganisationKind.OPCC:
        require_liaison_lead_for(user, subject, at, what)
    else:
        require_hmicfrs_staff(user, at, what)


def confidential_roles(
    user: Any,
    area: Organisation,
    at: dt.datetime | None = None,
    *,
    office: Organisation | None | EllipsisType = ...,
) -> dict[str, bool]:
    """Whether the person is, at `at`, the HMI for the area or on the staff of its PCC's office (the links
    to the confidential records on the area's page).

    `office`: the area's `office_for_area` on that day where the caller has read it already (the area's
    page has, in its `AreaRow.record_office`); read here otherwise."""
    on = timezone.localdate(moment(at))
    if isinstance(office, EllipsisType):
        office = office_for_area(area, on)
    return {
        "hmi": _hmi_area_ids(user, on).filter(subject_id=area.pk).exists(),
        "office": office is not None and office.pk in _office_ids(user, on),
    }
