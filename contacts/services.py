"""Writes to the directory. Each service validates, saves atomically and audits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from contacts.access import require_directory_administrator, require_meeting_recorder
from contacts.deadlines import cadence_deadlines_sync
from contacts.models import (
    Appointment,
    Assignment,
    Governance,
    Meeting,
    MeetingKind,
    Organisation,
    OrganisationKind,
    OrganisationUserObjectPermission,
    User,
)
from contacts.selectors import governing_body_of_area
from hmicfrs_mou.access import forget_cached_perms
from hmicfrs_mou.audit import audit_record
from hmicfrs_mou.models import AuditAction
from hmicfrs_mou.permissions import Perm
from hmicfrs_mou.roles import ROLE_GROUPS, ensure_groups


def _scope_of(appointment: Appointment) -> list[Organisation]:
    """The organisations an appointment lets its holder act for.

    OPCC staff act for their office and for the governing body it serves, so
    records addressed to the PCC (C2) reach them as well as the office's own (C3).
    """
    organisation = appointment.organisation
    scope = [organisation]
    if organisation.kind == OrganisationKind.OPCC and organisation.parent is not None:
        scope.append(organisation.parent)
    return scope


@transaction.atomic
def access_sync(*, person: User, on: dt.date | None = None) -> None:
    """Make the person's groups and organisation grants match their appointments in force on `on`.

    Idempotent; run by the appointment services and daily, so that appointments
    starting or ending on a later date take effect on that date.
    """
    on = on or timezone.localdate()
    current = list(
        Appointment.objects.in_force(on).filter(person=person).select_related("organisation__parent")
    )
    groups_by_name = {group.name: group for group in Group.objects.filter(name__in=set(ROLE_GROUPS.values()))}
    if len(groups_by_name) < len(set(ROLE_GROUPS.values())):
        groups_by_name = ensure_groups()
    wanted_groups = {groups_by_name[ROLE_GROUPS[a.role]] for a in current}
    role_groups = set(groups_by_name.values())
    # Only what changes is written: each add or remove, even of nothing, tells the sign-in module that the
    # person's groups changed, which ends their sessions (hmicfrs_mou.signin.sessions), and reads every
    # session to find theirs.
    held_groups = set(person.groups.filter(pk__in=[group.pk for group in role_groups]))
    if stale := (role_groups - wanted_groups) & held_groups:
        person.groups.remove(*stale)
    if missing := wanted_groups - held_groups:
        person.groups.add(*missing)

    wanted_orgs = {org.pk: org for a in current for org in _scope_of(a)}
    held = set(
        OrganisationUserObjectPermission.objects.filter(
            user=person, permission__codename=Perm.ACT_FOR_ORGANISATION.codename
        ).values_list("content_object_id", flat=True)
    )
    for org_id in held - wanted_orgs.keys():
        remove_perm(Perm.ACT_FOR_ORGANISATION.value, person, Organisation.objects.get(pk=org_id))
    for org_id in wanted_orgs.keys() - held:
        assign_perm(Perm.ACT_FOR_ORGANISATION.value, person, wanted_orgs[org_id])
    forget_cached_perms(person)


@transaction.atomic
def appointment_start(
    *,
    person: User,
    organisation: Organisation,
    role: str,
    starts_on: dt.date | None,
    ends_on: dt.date | None = None,
    by: User | None = None,
    request: HttpRequest | None = None,
) -> Appointment:
    """A person's appointment to a role in an organisation (the directory's administrators; `by=None` for
    a system process such as the reference-data load)."""
    require_directory_administrator(by, "appoint people")
    appointment = Appointment(
        person=person, organisation=organisation, role=role, starts_on=starts_on, ends_on=ends_on
    )
    appointment.full_clean()
    appointment.save()
    audit_record(action=AuditAction.CREATE, actor=by, obj=appointment, request=request)
    access_sync(person=person)
    return appointment


@transaction.atomic
def appointment_end(
    *, appointment: Appointment, ends_on: dt.date, by: User | None = None, request: HttpRequest | None = None
) -> Appointment:
    require_directory_administrator(by, "end an appointment")
    appointment.ends_on = ends_on
    appointment.full_clean()
    appointment.save(update_fields=["ends_on"])
    audit_record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=appointment,
        request=request,
        detail={"ends_on": ends_on.isoformat()},
    )
    access_sync(person=appointment.person)
    return appointment


@transaction.atomic
def assignment_start(
    *,
    person: User,
    kind: str,
    subject: Organisation,
    starts_on: dt.date | None,
    ends_on: dt.date | None = None,
    by: User | None = None,
    request: HttpRequest | None = None,
) -> Assignment:
    require_directory_administrator(by, "assign an HMI or a liaison lead")
    assignment = Assignment(person=person, kind=kind, subject=subject, starts_on=starts_on, ends_on=ends_on)
    assignment.full_clean()
    assignment.save()
    audit_record(action=AuditAction.CREATE, actor=by, obj=assignment, request=request)
    return assignment


@transaction.atomic
def governance_change(
    *,
    area: Organisation,
    body: Organisation,
    model: str,
    starts_on: dt.date,
    source: str = "",
    by: User | None = None,
    request: HttpRequest | None = None,
) -> Governance:
    """Record that `body` governs `area` from `starts_on`, closing the period before it.

    The earlier period is kept (ends_on = starts_on), so questions about any
    past day still get the answer that was true then.
    """
    require_directory_administrator(by, "record a change of governance")
    current = Governance.objects.select_for_update().filter(area=area, ends_on__isnull=True).first()
    if current is not None:
        if current.starts_on and current.starts_on >= starts_on:
            raise ValidationError(
                f"The new governance must start after the current one, which started on {current.starts_on:%-d %B %Y}."
            )
        current.ends_on = starts_on
        current.full_clean()
        current.save(update_fields=["ends_on"])
        audit_record(
            action=AuditAction.UPDATE,
            actor=by,
            obj=current,
            request=request,
            detail={"ends_on": str(starts_on)},
        )
    governance = Governance(area=area, body=body, model=model, starts_on=starts_on, source=source)
    governance.full_clean()
    governance.save()
    audit_record(action=AuditAction.CREATE, actor=by, obj=governance, request=request)
    return governance


def _meeting_parties(kind: str, subject: Organisation | None, held_on: dt.date) -> list[Organisation]:
    hmicfrs = Organisation.objects.get(kind=OrganisationKind.HMICFRS)
    if kind in (MeetingKind.HMCI_APCC_CHAIR, MeetingKind.COO_APCC_CHIEF_EXECUTIVE):
        return [hmicfrs, Organisation.objects.get(kind=OrganisationKind.APCC)]
    if kind == MeetingKind.HMI_PCC_FORMAL and subject is not None:
        body = governing_body_of_area(subject, held_on)
        if body is None:
            raise ValidationError(
                {"subject": f"No governing body is recorded for {subject} on {held_on:%-d %B %Y}."}
            )
        return [hmicfrs, body]
    return [hmicfrs, subject] if subject is not None else [hmicfrs]


@transaction.atomic
def meeting_record(
    *,
    kind: str,
    held_on: dt.date,
    subject: Organisation | None,
    parties: Iterable[Organisation] | None = None,
    attendees: Iterable[User] = (),
    notes: str = "",
    confidential: bool = False,
    by: User,
    request: HttpRequest | None = None,
    now: dt.datetime | None = None,
) -> Meeting:
    """Record a meeting held under C1–C3. A meeting cannot be recorded before it is held.

    Without `parties`, they follow from the kind: HMICFRS and the APCC (C1);
    HMICFRS and the body governing the force or FRS on the day (C2); HMICFRS
    and the OPCC (C3). The parties' staff can see the record. Recorded by HMICFRS (C1), the HMI for the
    force or FRS (C2) or the liaison lead for the OPCC (C3), at that moment.
    """
    now = now or timezone.now()
    require_meeting_recorder(by, kind, subject, now)
    errors: dict[str, Any] = {}
    if held_on > timezone.localdate(now):
        errors["held_on"] = (
            "A meeting can only be recorded once it has been held: the date must be today or earlier."
        )
    national = kind in (MeetingKind.HMCI_APCC_CHAIR, MeetingKind.COO_APCC_CHIEF_EXECUTIVE)
    if national and subject is not None:
        errors["subject"] = "A national meeting is not about one force, FRS or OPCC."  # C1
    if kind == MeetingKind.HMI_PCC_FORMAL and (subject is None or not subject.is_area):
        errors["subject"] = "Choose the force or FRS the HMI and PCC met about."  # C2
    if kind == MeetingKind.OPCC_LIAISON and (subject is None or subject.kind != OrganisationKind.OPCC):
        errors["subject"] = "Choose the OPCC whose chief executive met the liaison lead."  # C3
    if errors:
        raise ValidationError(errors)
    parties = list(parties) if parties is not None else _meeting_parties(kind, subject, held_on)
    if not parties:
        raise ValidationError({"parties": "Choose at least one organisation that took part."})
    meeting = Meeting(
        kind=kind,
        held_on=held_on,
        subject=subject,
        notes=notes,
        confidential=confidential,
        recorded_by=by,
        created_at=now,
    )
    meeting.full_clean()
    meeting.save()
    meeting.parties.set(parties)
    meeting.attendees.set(list(attendees))
    audit_record(action=AuditAction.CREATE, actor=by, obj=meeting, request=request)
    # The pair's next meeting is due from this one: move its deadline in the same transaction.
    cadence_deadlines_sync(now=now, only=(kind, subject.pk if subject else None))
    return meeting
