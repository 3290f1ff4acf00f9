"""Realistic data for the page benchmarks, at a multiple `scale` of the real size.

Real size (1x), from DESIGN.md "Scale" and the MOU:
  * 43 forces and 44 FRSs with their governing bodies and OPCCs (the reference data);
  * about 1,100 accounts: HMICFRS ~250 (12 HMIs, each HMI for about 7 forces/FRSs;
    20 liaison leads, each for about 2 OPCCs), ~10 staff in each OPCC, ~5 in each of
    the 87 chief officers' offices, ~15 at the APCC, plus ~5% former staff;
  * one past period of governance per area (police authorities before PCCs, 2012);
  * ten years of C1–C3 meetings (C1 quarterly for both pairs, C2 twice a year for
    each force and PFCC-governed FRS, C3 quarterly for each OPCC), 5% confidential;
  * 50,000 audit events;
  * the deadline engine's history: for each meeting the next-meeting deadline it met
    (parties, the reminders 14, 7 and 1 days before to each responsible person, and
    their inbox messages, 0.5% failed), the live deadlines of every standing pair
    registered by contacts.deadlines.cadence_deadlines_sync, and a day of sweep runs;
  * about 120 reports a year over ten years (1,200), published: PEEL and accelerated
    causes of concern about one force, FRS reports about one FRS, thematic and joint
    reports about several forces (now and then all 43), a few findings each, and 1% still
    scheduled (in their embargo window); for each police force in a published report its
    PCC's response obligation (U6, D5), most with a first submission (about one in six
    late, one in twenty with a second version), 2% answered by another response, the
    rest awaiting or overdue.

At scale k, people, appointments, assignments, past governance periods, meetings,
audit events, deadlines, reminders, inbox messages, sweep runs, inspections, reports,
findings, response obligations and submissions are k times as many. The 87 forces and
FRSs, their governing bodies and OPCCs stay as they are: they are fixed by law.

Bulk rows go in with bulk_create. Their groups and guardian grants are bulk
inserts into the tables contacts.services.access_sync writes (group membership,
OrganisationUserObjectPermission with act_for_organisation); the benchmark
personas are made through the services themselves, as tests/conftest.py does.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from benchmarks.generate_monitoring import MonitoringGenerator
from contacts.cadences import CADENCES
from contacts.deadlines import KIND_OF_MEETING, cadence_deadlines_sync
from contacts.models import (
    AREA_KINDS,
    Appointment,
    Assignment,
    AssignmentKind,
    Governance,
    Meeting,
    MeetingKind,
    Organisation,
    OrganisationKind,
    OrganisationUserObjectPermission,
    Role,
    User,
)
from contacts.services import appointment_start, assignment_start, meeting_record
from hmicfrs_mou.deadlines import LONDON, explain_response_deadline
from hmicfrs_mou.models import (
    AuditAction,
    AuditEvent,
    Deadline,
    DeadlineParty,
    DeadlineState,
    InboxMessage,
    PartyRole,
    Reminder,
    ReminderStatus,
    SweepRun,
)
from hmicfrs_mou.permissions import Perm
from hmicfrs_mou.roles import ROLE_GROUPS, ensure_groups
from inspections.models import (
    Finding,
    FindingKind,
    Inspection,
    InspectionKind,
    Report,
    ReportKind,
    ReportState,
)
from monitoring.models import EngageCase, EngagePeriod, FindingEntry, MeetingAction, OversightMeeting
from responses.models import ObligationState, ResponseObligation, Submission
from responses.tallies import tallies_rebuild

# People at 1x. Single-holder roles stay single at every scale; the rest scale.
HMICFRS_STAFF = 250
HMICFRS_SINGLE = [Role.HMCI, Role.CHIEF_OPERATING_OFFICER, Role.CHIEF_OF_STAFF, Role.CHIEF_OF_STAFF]
HMIS = 12
LIAISON_LEADS = 20
COMMS_STAFF = 14
OPCC_STAFF = 10
OPCC_SINGLE = [Role.POLICING_BODY, Role.OPCC_CHIEF_EXECUTIVE]
CHIEF_OFFICE_STAFF = 5
CHIEF_OFFICE_SINGLE = [Role.CHIEF_OFFICER]
APCC_STAFF = 15
APCC_SINGLE = [
    Role.APCC_CHAIR,
    Role.APCC_CHIEF_EXECUTIVE,
    Role.APCC_PERFORMANCE_LEAD,
    Role.APCC_FIRE_GOVERNANCE_LEAD,
    Role.APCC_JOINT_PERFORMANCE_LEAD,
]
FORMER_STAFF_SHARE = 0.05
EARLIER_APPOINTMENT_SHARE = 0.2

# Meetings per pair per year at 1x, over ten years.
MEETING_YEARS = 10
C1_PER_YEAR = 4
C2_PER_YEAR = 2
C3_PER_YEAR = 4
CONFIDENTIAL_SHARE = 0.05

REMINDER_DAYS_BEFORE = (14, 7, 1)
FAILED_REMINDER_SHARE = 0.005
SWEEPS_PER_DAY = 24 * 60  # one a minute; a day of them at 1x

AUDIT_EVENTS = 50_000
AUDIT_YEARS = 10
BATCH = 5_000

# Reports at 1x: DESIGN.md "Scale", 80–150 a year over ten years.
REPORT_YEARS = 10
REPORTS_PER_YEAR = 120
# (inspection kind, report kind, what it is about, share)
REPORT_MIX = [
    (InspectionKind.PEEL, ReportKind.FORCE_SPECIFIC, "force", 40),
    (InspectionKind.FRS, ReportKind.FORCE_SPECIFIC, "frs", 33),
    (InspectionKind.THEMATIC, ReportKind.OTHER, "forces", 18),
    (InspectionKind.JOINT, ReportKind.OTHER, "mixed", 4),
    (InspectionKind.PEEL, ReportKind.ACCELERATED_CAUSE_OF_CONCERN, "force", 5),
]
NATIONAL_THEMATIC_SHARE = 0.15  # of thematic reports: about all 43 forces
SCHEDULED_SHARE = 0.01
# The summary of the embargoed custody thematic that every scale has (`_report_plan`). The portal search shows
# the first few reports by rank: other custody reports name custody in their title and, by chance, in a
# finding or two (a finding's words weigh less than a summary's). With the others' summary it ranked below
# those at 1x, found but not shown, and the search ran 10 queries at 1x and 12 at 10x, where another
# unpublished report was shown. Naming custody four times over, it ranks first at every scale.
SEARCH_REPORT_SUMMARY = (
    "Custody: people in custody, the custody staff who care for them and the custody suites."
)
FINDINGS_PER_REPORT = (1, 8)
THEMES = [
    "police response to stalking",
    "custody",
    "vetting and misconduct",
    "violence against women and girls",
    "digital forensics",
    "neighbourhood policing",
    "serious and organised crime",
    "child protection",
    "fraud",
    "roads policing",
]
SUBMITTED_SHARE = 0.88  # of responses whose 56 days have ended
LATE_SHARE = 0.16  # of those submitted
SECOND_VERSION_SHARE = 0.05
ANSWERED_ELSEWHERE_SHARE = 0.02

# The first PCC elections: the police authorities' governance ended here.
PCC_ELECTIONS = dt.date(2012, 11, 22)
PERSONA_START = dt.date(2025, 7, 3)

FIRST_NAMES = [
    "Aisha",
    "Alex",
    "Amir",
    "Anna",
    "Ben",
    "Bethan",
    "Carys",
    "Chloe",
    "Daniel",
    "David",
    "Deborah",
    "Dylan",
    "Elin",
    "Emma",
    "Faisal",
    "Fiona",
    "Gareth",
    "George",
    "Hannah",
    "Harriet",
    "Ian",
    "Imran",
    "Jack",
    "James",
    "Jasmine",
    "Kate",
    "Laura",
    "Liam",
    "Lucy",
    "Mark",
    "Megan",
    "Mohammed",
    "Naomi",
    "Nia",
    "Oliver",
    "Olivia",
    "Owen",
    "Priya",
    "Rachel",
    "Rhys",
    "Ruth",
    "Sam",
    "Sarah",
    "Sian",
    "Sophie",
    "Tom",
    "Usman",
    "Zara",
]
LAST_NAMES = [
    "Ahmed",
    "Bell",
    "Brown",
    "Carter",
    "Clarke",
    "Davies",
    "Edwards",
    "Evans",
    "Green",
    "Griffiths",
    "Hall",
    "Harris",
    "Hughes",
    "Jackson",
    "James",
    "Jones",
    "Khan",
    "Lewis",
    "Lloyd",
    "Martin",
    "Morgan",
    "Morris",
    "Moss",
    "Patel",
    "Phillips",
    "Price",
    "Reid",
    "Roberts",
    "Robinson",
    "Shah",
    "Smith",
    "Taylor",
    "Thomas",
    "Thompson",
    "Turner",
    "Walker",
    "Ward",
    "Watkins",
    "White",
    "Williams",
    "Wilson",
    "Wood",
    "Wright",
    "Young",
]
USER_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0"
AUDIT_MIX = [
    (AuditAction.SIGN_IN, 30),
    (AuditAction.SIGN_OUT, 10),
    (AuditAction.SIGN_IN_FAILED, 2),
    (AuditAction.VIEW, 38),
    (AuditAction.DOWNLOAD, 3),
    (AuditAction.CREATE, 8),
    (AuditAction.UPDATE, 5),
    (AuditAction.DENIED, 4),
]


@dataclass
class Personas:
    """The benchmark's people, made through the services, and the meetings it opens."""

    users: dict[str, User] = field(default_factory=dict)
    # Values the page addresses need: meeting ids, an inbox message id, a calendar token.
    refs: dict[str, object] = field(default_factory=dict)
    hmi_areas: list[str] = field(default_factory=list)


@dataclass
class _Person:
    user: User
    organisation: Organisation
    role: str
    active: bool = True


def _org(kind: str, slug: str) -> Organisation:
    return Organisation.objects.get(kind=kind, slug=slug)


def _current_offices(today: dt.date) -> dict[int, Organisation]:
    """The OPCC of each body governing a force today, by body id."""
    bodies = set(
        Governance.objects.in_force(today)
        .filter(area__kind=OrganisationKind.POLICE_FORCE)
        .values_list("body_id", flat=True)
    )
    return {
        o.parent_id: o for o in Organisation.objects.filter(kind=OrganisationKind.OPCC, parent_id__in=bodies)
    }


def _office_of(area: Organisation, today: dt.date) -> Organisation:
    body_id = Governance.objects.in_force(today).get(area=area).body_id
    return Organisation.objects.get(kind=OrganisationKind.OPCC, parent_id=body_id)


def _chunks(rows: Iterator[Any], size: int = BATCH) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class Generator:
    def __init__(self, scale: int, seed: int = 20250703) -> None:
        self.k = scale
        self.rng = random.Random(seed + scale)
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.people: list[_Person] = []
        self.planned_meetings: list[tuple[Meeting, int]] = []
        self.offices: dict[int, Organisation] = {}
        self.by_role: dict[str, list[User]] = {}
        self.serial = 0
        # The report the search benchmark must show at every scale (`_report_plan`).
        self.search_report: tuple[Any, ...] | None = None

    # People and appointments -------------------------------------------------

    def _roles_for(self, total: int, single: list[str], extra: list[tuple[str, int]], rest: str) -> list[str]:
        roles = list(single)
        for role, count in extra:
            roles += [role] * count
        return roles + [rest] * max(total - len(roles), 0)

    def _plan(
        self, offices: dict[int, Organisation], areas: list[Organisation]
    ) -> list[tuple[Organisation, str]]:
        k = self.k
        hmicfrs = _org(OrganisationKind.HMICFRS, "hmicfrs")
        apcc = _org(OrganisationKind.APCC, "apcc")
        plan = [
            (hmicfrs, role)
            for role in self._roles_for(
                HMICFRS_STAFF * k,
                HMICFRS_SINGLE,
                [
                    (Role.HMI, HMIS * k),
                    (Role.LIAISON_LEAD, LIAISON_LEADS * k),
                    (Role.COMMS_STAFF, COMMS_STAFF * k),
                ],
                Role.INSPECTION_STAFF,
            )
        ]
        for office in sorted(offices.values(), key=lambda o: o.name):
            plan += [(office, r) for r in self._roles_for(OPCC_STAFF * k, OPCC_SINGLE, [], Role.OPCC_STAFF)]
        for area in areas:
            plan += [
                (area, r)
                for r in self._roles_for(
                    CHIEF_OFFICE_STAFF * k, CHIEF_OFFICE_SINGLE, [], Role.CHIEF_OFFICER_STAFF
                )
            ]
        plan += [(apcc, r) for r in self._roles_for(APCC_STAFF * k, APCC_SINGLE, [], Role.APCC_STAFF)]
        return plan

    def _new_user(self, organisation: Organisation, role: str, active: bool) -> User:
        self.serial += 1
        first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
        username = f"{first}.{last}.{self.serial}".lower()
        return User(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@{organisation.kind.replace('_', '-')}.example.invalid",
            job_title=Role(role).label,
            password="!",  # unusable: the benchmark signs in with force_login
            is_active=active,
        )

    def people_and_appointments(self, offices: dict[int, Organisation], areas: list[Organisation]) -> None:
        plan = self._plan(offices, areas)
        generic = {
            OrganisationKind.HMICFRS: Role.INSPECTION_STAFF,
            OrganisationKind.OPCC: Role.OPCC_STAFF,
            OrganisationKind.POLICE_FORCE: Role.CHIEF_OFFICER_STAFF,
            OrganisationKind.FIRE_RESCUE_SERVICE: Role.CHIEF_OFFICER_STAFF,
            OrganisationKind.APCC: Role.APCC_STAFF,
        }
        # Former staff: 5% more people in each organisation, every appointment ended.
        former = [
            (organisation, generic[organisation.kind])
            for organisation, _ in self.rng.sample(plan, round(len(plan) * FORMER_STAFF_SHARE))
        ]
        # Former HMIs and liaison leads too, so past assignments point at people who left.
        former += [(plan[0][0], Role.HMI)] * max(HMIS * self.k // 4, 1)
        former += [(plan[0][0], Role.LIAISON_LEAD)] * max(LIAISON_LEADS * self.k // 4, 1)
        people = [(o, r, True) for o, r in plan] + [(o, r, False) for o, r in former]
        users = [self._new_user(o, r, active) for o, r, active in people]
        for chunk in _chunks(iter(users)):
            User.objects.bulk_create(chunk)
        self.people = [_Person(u, o, r, active) for u, (o, r, active) in zip(users, people, strict=True)]

        appointments = []
        for person in self.people:
            starts = self.today - dt.timedelta(days=self.rng.randrange(30, 9 * 365))
            if person.active:
                appointments.append(
                    Appointment(
                        person=person.user,
                        organisation=person.organisation,
                        role=person.role,
                        starts_on=starts,
                    )
                )
                self.by_role.setdefault(person.role, []).append(person.user)
                if self.rng.random() < EARLIER_APPOINTMENT_SHARE:
                    earlier = starts - dt.timedelta(days=self.rng.randrange(365, 4 * 365))
                    appointments.append(
                        Appointment(
                            person=person.user,
                            organisation=person.organisation,
                            role=generic[person.organisation.kind],
                            starts_on=earlier,
                            ends_on=starts,
                        )
                    )
            else:
                ends = starts
                appointments.append(
                    Appointment(
                        person=person.user,
                        organisation=person.organisation,
                        role=person.role,
                        starts_on=ends - dt.timedelta(days=self.rng.randrange(365, 6 * 365)),
                        ends_on=ends,
                    )
                )
                self.by_role.setdefault(f"former_{person.role}", []).append(person.user)
        for chunk in _chunks(iter(appointments)):
            Appointment.objects.bulk_create(chunk)

    def grants(self) -> None:
        """What access_sync would write for each current person: group and act_for_organisation grants."""
        groups = ensure_groups()
        permission = Permission.objects.get(
            content_type__app_label=Perm.ACT_FOR_ORGANISATION.app_label,
            codename=Perm.ACT_FOR_ORGANISATION.codename,
        )
        memberships = []
        grants = []
        for person in self.people:
            if not person.active:
                continue
            memberships.append(
                User.groups.through(user_id=person.user.pk, group_id=groups[ROLE_GROUPS[person.role]].pk)
            )
            scope = [person.organisation.pk]
            if person.organisation.kind == OrganisationKind.OPCC and person.organisation.parent_id:
                scope.append(person.organisation.parent_id)
            grants += [
                OrganisationUserObjectPermission(
                    user_id=person.user.pk, permission=permission, content_object_id=org
                )
                for org in scope
            ]
        for chunk in _chunks(iter(memberships)):
            User.groups.through.objects.bulk_create(chunk)
        for chunk in _chunks(iter(grants)):
            OrganisationUserObjectPermission.objects.bulk_create(chunk)

    # Assignments and governance ----------------------------------------------

    def assignments(self, offices: dict[int, Organisation], areas: list[Organisation]) -> None:
        """k current and k past HMIs per area; k current and k past liaison leads per OPCC."""
        rows = []
        for kind, subjects, holders, former in (
            (AssignmentKind.HMI, areas, self.by_role[Role.HMI], self.by_role[f"former_{Role.HMI}"]),
            (
                AssignmentKind.LIAISON_LEAD,
                sorted(offices.values(), key=lambda o: o.name),
                self.by_role[Role.LIAISON_LEAD],
                self.by_role[f"former_{Role.LIAISON_LEAD}"],
            ),
        ):
            for i, subject in enumerate(subjects):
                for j in range(self.k):
                    person = holders[(i * self.k + j) % len(holders)]
                    starts = self.today - dt.timedelta(days=self.rng.randrange(30, 3 * 365))
                    rows.append(Assignment(person=person, kind=kind, subject=subject, starts_on=starts))
                for j in range(self.k):
                    ends = self.today - dt.timedelta(days=3 * 365 + j * 400)
                    rows.append(
                        Assignment(
                            person=self.rng.choice(former + holders),
                            kind=kind,
                            subject=subject,
                            starts_on=ends - dt.timedelta(days=self.rng.randrange(200, 390)),
                            ends_on=ends,
                        )
                    )
        for chunk in _chunks(iter(rows)):
            Assignment.objects.bulk_create(chunk)

    def governance_history(self, areas: list[Organisation]) -> None:
        """k past periods per area before its earliest recorded one (which gets a start date if it has none)."""
        bodies = []
        for area in areas:
            word = (
                "Police Authority"
                if area.kind == OrganisationKind.POLICE_FORCE
                else "Fire Authority (former)"
            )
            bodies.append(
                Organisation(
                    kind=OrganisationKind.GOVERNING_BODY,
                    slug=f"bench-former-{area.kind}-{area.slug}"[:100].replace("_", "-"),
                    name=f"{area.name} {word}",
                    notes="Benchmark data: a former governing body.",
                )
            )
        Organisation.objects.bulk_create(bodies)
        rows = []
        for area, former_body in zip(areas, bodies, strict=True):
            earliest = Governance.objects.filter(area=area).order_by("starts_on").first()
            if earliest.starts_on is None:
                start = min(PCC_ELECTIONS, (earliest.ends_on or self.today) - dt.timedelta(days=365))
                Governance.objects.filter(pk=earliest.pk).update(starts_on=start)
            else:
                start = earliest.starts_on
            for _ in range(self.k):
                begins = start - dt.timedelta(days=2 * 365)
                rows.append(
                    Governance(
                        area=area,
                        body=former_body,
                        model=earliest.model,
                        starts_on=begins,
                        ends_on=start,
                        source="Benchmark data",
                    )
                )
                start = begins
        Governance.objects.bulk_create(rows)

    # Meetings and audit events -----------------------------------------------

    def _pairs(self, offices: dict[int, Organisation]) -> list[tuple[str, Organisation | None, Organisation]]:
        """Each standing pair (C1–C3): the kind, its subject and the party other than HMICFRS."""
        apcc = _org(OrganisationKind.APCC, "apcc")
        pairs: list[tuple[str, Organisation | None, Organisation]] = [
            (MeetingKind.HMCI_APCC_CHAIR, None, apcc),
            (MeetingKind.COO_APCC_CHIEF_EXECUTIVE, None, apcc),
        ]
        for governance in (
            Governance.objects.in_force(self.today)
            .filter(area__kind__in=AREA_KINDS)
            .select_related("area", "body")
            .order_by("area__name")
        ):
            if governance.pfcc_provisions_apply:
                pairs.append((MeetingKind.HMI_PCC_FORMAL, governance.area, governance.body))
        for office in sorted(offices.values(), key=lambda o: o.name):
            pairs.append((MeetingKind.OPCC_LIAISON, office, office))
        return pairs

    def meetings(self, offices: dict[int, Organisation]) -> None:
        hmicfrs = _org(OrganisationKind.HMICFRS, "hmicfrs")
        per_year = {
            MeetingKind.HMCI_APCC_CHAIR: C1_PER_YEAR,
            MeetingKind.COO_APCC_CHIEF_EXECUTIVE: C1_PER_YEAR,
            MeetingKind.HMI_PCC_FORMAL: C2_PER_YEAR,
            MeetingKind.OPCC_LIAISON: C3_PER_YEAR,
        }
        hmis: dict[int, list[int]] = {}
        leads: dict[int, list[int]] = {}
        for assignment in Assignment.objects.in_force(self.today).values_list(
            "kind", "subject_id", "person_id"
        ):
            kind, subject_id, person_id = assignment
            (hmis if kind == AssignmentKind.HMI else leads).setdefault(subject_id, []).append(person_id)
        national = {
            MeetingKind.HMCI_APCC_CHAIR: self.by_role[Role.HMCI][0].pk,
            MeetingKind.COO_APCC_CHIEF_EXECUTIVE: self.by_role[Role.CHIEF_OPERATING_OFFICER][0].pk,
        }
        span = MEETING_YEARS * 365
        end = self.today - dt.timedelta(days=2)
        planned = []  # (meeting, [party ids], attendee id)
        for kind, subject, party in self._pairs(offices):
            count = per_year[kind] * MEETING_YEARS * self.k
            for i in range(count):
                held_on = end - dt.timedelta(days=int((i + self.rng.random()) * span / count))
                if subject is None:
                    attendee = national[kind]
                elif kind == MeetingKind.HMI_PCC_FORMAL:
                    attendee = self.rng.choice(hmis[subject.pk])
                else:
                    attendee = self.rng.choice(leads[subject.pk])
                meeting = Meeting(
                    kind=kind,
                    held_on=held_on,
                    subject=subject,
                    notes=f"Standing meeting ({MeetingKind(kind).label}); actions agreed and recorded.",
                    confidential=subject is not None and self.rng.random() < CONFIDENTIAL_SHARE,
                    recorded_by_id=attendee,
                    created_at=timezone.make_aware(
                        dt.datetime.combine(held_on + dt.timedelta(days=1), dt.time(10, 0))
                    ),
                )
                planned.append((meeting, [hmicfrs.pk, party.pk], attendee))
        for chunk in _chunks(iter(planned)):
            Meeting.objects.bulk_create([m for m, _, _ in chunk])
        self.planned_meetings = [(m, orgs[1]) for m, orgs, _ in planned]
        parties = [
            Meeting.parties.through(meeting_id=m.pk, organisation_id=org)
            for m, orgs, _ in planned
            for org in orgs
        ]
        attendees = [Meeting.attendees.through(meeting_id=m.pk, user_id=a) for m, _, a in planned]
        for chunk in _chunks(iter(parties)):
            Meeting.parties.through.objects.bulk_create(chunk)
        for chunk in _chunks(iter(attendees)):
            Meeting.attendees.through.objects.bulk_create(chunk)

    def audit_events(self) -> None:
        actors = [
            (p.user.pk, f"{p.user.first_name} {p.user.last_name}", p.user.username) for p in self.people
        ]
        meetings = list(Meeting.objects.values_list("pk", flat=True))
        actions = [a for a, _ in AUDIT_MIX]
        weights = [w for _, w in AUDIT_MIX]
        span = AUDIT_YEARS * 365 * 86400
        rng = self.rng

        def events() -> Iterator[AuditEvent]:
            for _ in range(AUDIT_EVENTS * self.k):
                action = rng.choices(actions, weights)[0]
                actor_id, label, username = rng.choice(actors)
                pk = rng.choice(meetings)
                on_meeting = action in (
                    AuditAction.VIEW,
                    AuditAction.DOWNLOAD,
                    AuditAction.CREATE,
                    AuditAction.UPDATE,
                )
                anonymous = action == AuditAction.SIGN_IN_FAILED
                yield AuditEvent(
                    at=self.now - dt.timedelta(seconds=rng.randrange(60, span)),
                    actor_id=None if anonymous else actor_id,
                    actor_label="" if anonymous else label,
                    action=action,
                    object_type="contacts.meeting" if on_meeting or action == AuditAction.DENIED else "",
                    object_id=str(pk) if on_meeting or action == AuditAction.DENIED else "",
                    object_repr="Meeting" if on_meeting else "",
                    ip_address=f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
                    user_agent=USER_AGENT,
                    path=f"/meetings/{pk}/" if on_meeting else "/accounts/login/",
                    detail={"username": username} if anonymous else {},
                )

        for chunk in _chunks(events()):
            AuditEvent.objects.bulk_create(chunk)

    # The deadline engine's history ------------------------------------------------

    def _holders(self) -> dict[tuple[int, str], list[int]]:
        holders: dict[tuple[int, str], list[int]] = {}
        for person in self.people:
            if person.active:
                holders.setdefault((person.organisation.pk, person.role), []).append(person.user.pk)
        return holders

    def _reminders(self, deadline: Deadline, recipients: list[int]) -> list[Reminder]:
        day = timezone.localtime(deadline.due_at).date()
        rows = []
        for days in REMINDER_DAYS_BEFORE:
            fire_at = timezone.make_aware(dt.datetime.combine(day - dt.timedelta(days=days), dt.time(8, 0)))
            for recipient in recipients:
                failed = self.rng.random() < FAILED_REMINDER_SHARE
                rows.append(
                    Reminder(
                        deadline=deadline,
                        step=f"before-{days}d",
                        recipient_id=recipient,
                        fire_at=fire_at,
                        status=ReminderStatus.FAILED if failed else ReminderStatus.SENT,
                        attempts=4 if failed else 1,
                        sent_at=None if failed else fire_at + dt.timedelta(seconds=40),
                        last_error="SMTP 451: temporary failure" if failed else "",
                        created_at=fire_at,
                    )
                )
        return rows

    def _inbox(self, reminders: list[Reminder]) -> list[InboxMessage]:
        recent = self.now - dt.timedelta(days=30)
        return [
            InboxMessage(
                user_id=r.recipient_id,
                reminder=r,
                subject=f"Reminder: {r.deadline.title}",
                body=f"{r.deadline.title} is due on {timezone.localtime(r.deadline.due_at):%-d %B %Y}.",
                url=r.deadline.url,
                created_at=r.sent_at,
                read_at=None if r.sent_at >= recent else r.sent_at + dt.timedelta(hours=5),
            )
            for r in reminders
            if r.status == ReminderStatus.SENT
        ]

    def _save_reminders(self, reminders: list[Reminder]) -> None:
        for chunk in _chunks(iter(reminders)):
            Reminder.objects.bulk_create(chunk)
        for chunk in _chunks(iter(self._inbox(reminders))):
            InboxMessage.objects.bulk_create(chunk)

    def deadline_history(self, offices: dict[int, Organisation]) -> None:
        """For each past meeting, the next-meeting deadline it met, with its parties and reminders."""
        holders = self._holders()
        apcc = _org(OrganisationKind.APCC, "apcc")
        escalation = self.by_role[Role.CHIEF_OF_STAFF][0].pk
        office_by_body = {body_id: office.pk for body_id, office in offices.items()}
        planned = []  # (deadline, responsible ids)
        for meeting, party_id in self.planned_meetings:
            kind = meeting.kind
            cadence = CADENCES[kind]
            if kind == MeetingKind.HMCI_APCC_CHAIR:
                other = holders.get((apcc.pk, Role.APCC_CHAIR), [])
            elif kind == MeetingKind.COO_APCC_CHIEF_EXECUTIVE:
                other = holders.get((apcc.pk, Role.APCC_CHIEF_EXECUTIVE), [])
            elif kind == MeetingKind.HMI_PCC_FORMAL:
                office = office_by_body.get(party_id)
                other = holders.get((office, Role.POLICING_BODY), []) + holders.get(
                    (office, Role.OPCC_CHIEF_EXECUTIVE), []
                )
            else:
                other = holders.get((party_id, Role.OPCC_CHIEF_EXECUTIVE), [])
            due_on = meeting.held_on + dt.timedelta(days=self.rng.randrange(1, 45))
            due_at = timezone.make_aware(dt.datetime.combine(due_on, dt.time(23, 59)))
            subject_id = meeting.subject_id
            deadline = Deadline(
                kind=KIND_OF_MEETING[kind],
                subject_type="contacts.organisation" if subject_id else "contacts.meetingkind",
                subject_id=str(subject_id or kind),
                key=f"{kind}:{subject_id or 'national'}",
                title=f"Standing meeting: {MeetingKind(kind).label}",
                url="/meetings/cadences/",
                due_at=due_at,
                working=f"{cadence.months} months after the last meeting; due by the end of that day",
                state=DeadlineState.MET,
                state_reason=f"Meeting held on {meeting.held_on:%-d %B %Y}",
                state_changed_at=meeting.created_at,
                next_fire_at=None,
                created_at=due_at - dt.timedelta(days=cadence.months * 30),
            )
            planned.append((deadline, [meeting.recorded_by_id, *other], escalation))
        for chunk in _chunks(iter(planned)):
            Deadline.objects.bulk_create([d for d, _, _ in chunk])
        parties = []
        reminders = []
        for deadline, responsible, escalate in planned:
            parties += [
                DeadlineParty(deadline=deadline, user_id=u, role=PartyRole.RESPONSIBLE) for u in responsible
            ]
            parties.append(DeadlineParty(deadline=deadline, user_id=escalate, role=PartyRole.ESCALATION))
            reminders += self._reminders(deadline, responsible)
        for chunk in _chunks(iter(parties)):
            DeadlineParty.objects.bulk_create(chunk)
        self._save_reminders(reminders)

    def sweep_runs(self) -> None:
        runs = (
            SweepRun(
                started_at=self.now - dt.timedelta(minutes=i + 1),
                finished_at=self.now - dt.timedelta(minutes=i + 1) + dt.timedelta(seconds=2),
                due=i % 7,
                sent=i % 3,
            )
            for i in range(SWEEPS_PER_DAY * self.k)
        )
        for chunk in _chunks(runs):
            SweepRun.objects.bulk_create(chunk)

    def persona_deadlines(self, hmi: User, areas: list[Organisation]) -> int:
        """The HMI persona answers for its areas' past C2 deadlines since it was appointed; returns an inbox id."""
        mine = list(
            Deadline.objects.filter(
                kind=KIND_OF_MEETING[MeetingKind.HMI_PCC_FORMAL],
                subject_id__in=[str(area.pk) for area in areas],
                state=DeadlineState.MET,
                due_at__gte=timezone.make_aware(dt.datetime.combine(PERSONA_START, dt.time(0, 0))),
            )
        )
        DeadlineParty.objects.bulk_create(
            [DeadlineParty(deadline=d, user=hmi, role=PartyRole.RESPONSIBLE) for d in mine]
        )
        self._save_reminders([r for d in mine for r in self._reminders(d, [hmi.pk])])
        User.objects.filter(pk=hmi.pk).update(calendar_token=secrets.token_urlsafe(32))
        return (
            InboxMessage.objects.filter(user=hmi)
            .order_by("-created_at", "-pk")
            .values_list("pk", flat=True)[0]
        )

    # Inspections, reports, findings and PCC responses (U6, U7) ---------------------

    def _report_plan(
        self, forces: list[Organisation], services: list[Organisation]
    ) -> list[tuple[str, str, list[Organisation], dt.datetime, str]]:
        """(inspection kind, report kind, areas, publication moment, title) for each report."""
        rng = self.rng
        kinds = [(i, r, about) for i, r, about, _ in REPORT_MIX]
        weights = [w for *_, w in REPORT_MIX]
        span = REPORT_YEARS * 365
        plan = []
        for _ in range(REPORTS_PER_YEAR * REPORT_YEARS * self.k):
            inspection_kind, report_kind, about = rng.choices(kinds, weights)[0]
            if rng.random() < SCHEDULED_SHARE:
                day = self.today + dt.timedelta(days=rng.randrange(1, 14))
            else:
                day = self.today - dt.timedelta(days=rng.randrange(0, span))
            publication = dt.datetime.combine(day, dt.time(10, 0), tzinfo=LONDON)
            theme = rng.choice(THEMES)
            if about == "force":
                areas = [rng.choice(forces)]
                label = "PEEL" if report_kind == ReportKind.FORCE_SPECIFIC else "Accelerated cause of concern"
                title = f"{label} {day.year}: {areas[0].name}"
            elif about == "frs":
                areas = [rng.choice(services)]
                title = f"Fire and rescue service inspection {day.year}: {areas[0].name}"
            elif about == "forces":
                count = 43 if rng.random() < NATIONAL_THEMATIC_SHARE else rng.randrange(3, 12)
                areas = rng.sample(forces, min(count, len(forces)))
                title = f"Thematic {day.year}: {theme}"
            else:
                areas = rng.sample(forces, rng.randrange(2, 6)) + rng.sample(services, rng.randrange(1, 4))
                title = f"Joint inspection {day.year}: {theme}"
            plan.append((inspection_kind, report_kind, areas, publication, title))
        # At every scale, one national thematic on custody under embargo now (its copies went out 12 hours
        # ago, published in 12): the search benchmark (?q=custody) then shows, and audits, an unpublished
        # report at 1x as at 10x, so its query count compares like with like rather than whichever scale
        # drew one by chance. Shown, not only found: its summary (SEARCH_REPORT_SUMMARY) ranks it first.
        soon = (self.now + dt.timedelta(hours=12)).replace(second=0, microsecond=0)
        thematic = next(row for row in REPORT_MIX if row[2] == "forces")
        self.search_report = (thematic[0], thematic[1], list(forces), soon, f"Thematic {soon.year}: custody")
        plan.append(self.search_report)
        return sorted(plan, key=lambda row: row[3])

    def _offices_on(self) -> Any:
        """A function giving the OPCC answering for an area on a day, from governance held in memory."""
        periods: dict[int, list[tuple[dt.date | None, dt.date | None, int]]] = {}
        for area_id, body_id, starts_on, ends_on in Governance.objects.values_list(
            "area_id", "body_id", "starts_on", "ends_on"
        ):
            periods.setdefault(area_id, []).append((starts_on, ends_on, body_id))
        office_of_body = dict(
            Organisation.objects.filter(kind=OrganisationKind.OPCC).values_list("parent_id", "pk")
        )

        def office_on(area_id: int, day: dt.date) -> int | None:
            for starts_on, ends_on, body_id in periods.get(area_id, []):
                if (starts_on is None or starts_on <= day) and (ends_on is None or day < ends_on):
                    return office_of_body.get(body_id)
            return None

        return office_on

    def reports_and_responses(self) -> None:
        rng = self.rng
        forces = list(Organisation.objects.filter(kind=OrganisationKind.POLICE_FORCE).order_by("name"))
        services = list(
            Organisation.objects.filter(kind=OrganisationKind.FIRE_RESCUE_SERVICE).order_by("name")
        )
        apcc = _org(OrganisationKind.APCC, "apcc")
        hmis = self.by_role[Role.HMI]
        plan = self._report_plan(forces, services)

        inspections = []
        reports = []
        for row in plan:
            inspection_kind, report_kind, _, publication, title = row
            created = publication - dt.timedelta(days=rng.randrange(90, 400))
            inspection = Inspection(
                kind=inspection_kind, title=title, lead=rng.choice(hmis), created_at=created
            )
            inspections.append(inspection)
            scheduled = publication > self.now
            distribution = publication - dt.timedelta(hours=48 if report_kind != ReportKind.OTHER else 24)
            fac_opens = publication - dt.timedelta(days=40)
            reports.append(
                Report(
                    inspection=inspection,
                    kind=report_kind,
                    title=title,
                    summary=SEARCH_REPORT_SUMMARY
                    if row is self.search_report
                    else "What the inspection found, in brief.",
                    body="The report's text.\n\nIts findings and recommendations follow.",
                    state=ReportState.SCHEDULED if scheduled else ReportState.PUBLISHED,
                    fac_opens_at=fac_opens,
                    fac_closes_at=fac_opens + dt.timedelta(days=10),
                    finalised_at=fac_opens + dt.timedelta(days=14),
                    publication_at=publication,
                    distribution_at=distribution,
                    distribution_notified_at=distribution if distribution <= self.now else None,
                    published_at=None if scheduled else publication,
                    created_at=created,
                )
            )
        for chunk in _chunks(iter(inspections)):
            Inspection.objects.bulk_create(chunk)
        for report in reports:
            report.inspection_id = report.inspection.pk
        for chunk in _chunks(iter(reports)):
            Report.objects.bulk_create(chunk)

        inspection_areas = []
        report_areas = []
        interested = []
        findings = []
        letters = {
            FindingKind.CAUSE_OF_CONCERN: "C",
            FindingKind.RECOMMENDATION: "R",
            FindingKind.AREA_FOR_IMPROVEMENT: "A",
        }
        finding_kinds = list(letters)
        for (_, report_kind, areas, _, _), inspection, report in zip(plan, inspections, reports, strict=True):
            inspection_areas += [
                Inspection.areas.through(inspection_id=inspection.pk, organisation_id=a.pk) for a in areas
            ]
            report_areas += [Report.areas.through(report_id=report.pk, organisation_id=a.pk) for a in areas]
            if report_kind == ReportKind.OTHER:
                interested.append(
                    Report.interested_parties.through(report_id=report.pk, organisation_id=apcc.pk)
                )
            numbers: dict[str, int] = {}
            for _ in range(rng.randint(*FINDINGS_PER_REPORT)):
                kind = rng.choice(finding_kinds)
                numbers[kind] = numbers.get(kind, 0) + 1
                findings.append(
                    Finding(
                        report=report,
                        area=areas[0],
                        kind=kind,
                        reference=f"R{report.pk:05d}-{letters[kind]}{numbers[kind]}",
                        text=f"{FindingKind(kind).label} on {rng.choice(THEMES)}: the force should act by the next inspection.",
                    )
                )
        for through, rows in (
            (Inspection.areas.through, inspection_areas),
            (Report.areas.through, report_areas),
            (Report.interested_parties.through, interested),
            (Finding, findings),
        ):
            for chunk in _chunks(iter(rows)):
                through.objects.bulk_create(chunk)
        self._responses(plan, reports)

    def _responses(self, plan: list[Any], reports: list[Report]) -> None:
        """U6: an obligation per police force of each published report, as obligations_create_for_report
        makes them, and the submissions (bulk rows; no files: pages never open them)."""
        rng = self.rng
        office_on = self._offices_on()
        authors: dict[int, list[int]] = {}
        for person in self.people:
            if person.active and person.organisation.kind == OrganisationKind.OPCC:
                authors.setdefault(person.organisation.pk, []).append(person.user.pk)
        obligations = []
        for (_, _, areas, publication, _), report in zip(plan, reports, strict=True):
            if report.state != ReportState.PUBLISHED:
                continue
            published_on = timezone.localdate(publication)
            due = explain_response_deadline(published_on)
            for area in areas:
                office = (
                    office_on(area.pk, published_on) if area.kind == OrganisationKind.POLICE_FORCE else None
                )
                if office is None:
                    continue
                obligations.append(
                    ResponseObligation(
                        report=report,
                        area=area,
                        office_id=office,
                        published_on=published_on,
                        due_at=due.value,
                        working=due.working,
                        created_at=publication,
                    )
                )
        submissions = []
        answered_elsewhere = []
        for item in obligations:
            due_at = item.due_at
            if rng.random() < LATE_SHARE:
                first = due_at + dt.timedelta(days=rng.randrange(1, 60), hours=rng.randrange(0, 24))
            else:
                first = item.created_at + dt.timedelta(days=rng.randrange(7, 55), hours=rng.randrange(0, 12))
            people = authors.get(item.office_id)
            if first > self.now or not people or (due_at <= self.now and rng.random() > SUBMITTED_SHARE):
                if due_at <= self.now and rng.random() < ANSWERED_ELSEWHERE_SHARE / (1 - SUBMITTED_SHARE):
                    answered_elsewhere.append(item)
                continue
            item.state = ObligationState.SUBMITTED
            item.published_url = f"https://www.example-pcc.invalid/responses/{item.report.pk}"
            versions = 2 if rng.random() < SECOND_VERSION_SHARE else 1
            for version in range(1, versions + 1):
                moment = first + dt.timedelta(days=30 * (version - 1))
                if moment > self.now:
                    break
                submissions.append(
                    Submission(
                        obligation=item,
                        version=version,
                        submitted_at=moment,
                        submitted_by_id=rng.choice(people),
                        late=moment >= due_at,
                        stored_name=f"{uuid.uuid4().hex}.pdf",
                        original_name="response.pdf",
                        size=48_000 + rng.randrange(0, 200_000),
                        sha256=secrets.token_hex(32),
                        content={"pcc_comments": "The PCC's comments on the report."},
                        published_url=item.published_url,
                    )
                )
        for chunk in _chunks(iter(obligations)):
            ResponseObligation.objects.bulk_create(chunk)
        for submission in submissions:
            submission.obligation_id = submission.obligation.pk
        for chunk in _chunks(iter(submissions)):
            Submission.objects.bulk_create(chunk)
        # Answered by the same office's response to an earlier report (the office's first obligation).
        first_of_office: dict[int, ResponseObligation] = {}
        for item in obligations:
            first_of_office.setdefault(item.office_id, item)
        updated = []
        for item in answered_elsewhere:
            other = first_of_office[item.office_id]
            if other.pk != item.pk:
                item.answered_by = other
                item.answered_reason = "The response to the other report answers the same recommendations."
                item.state = ObligationState.ANSWERED_ELSEWHERE
                updated.append(item)
        ResponseObligation.objects.bulk_update(
            updated, ["answered_by", "answered_reason", "state"], batch_size=BATCH
        )

    # The benchmark's own people, through the services -------------------------

    def personas(self) -> Personas:
        hmicfrs = _org(OrganisationKind.HMICFRS, "hmicfrs")
        apcc = _org(OrganisationKind.APCC, "apcc")
        avon_police = _org(OrganisationKind.POLICE_FORCE, "avon-and-somerset")
        kent_police = _org(OrganisationKind.POLICE_FORCE, "kent")
        hmi_areas = [
            avon_police,
            _org(OrganisationKind.FIRE_RESCUE_SERVICE, "avon"),
            _org(OrganisationKind.POLICE_FORCE, "cumbria"),
            _org(OrganisationKind.FIRE_RESCUE_SERVICE, "cumbria"),
            kent_police,
            _org(OrganisationKind.FIRE_RESCUE_SERVICE, "kent"),
        ]
        avon_office = _office_of(avon_police, self.today)
        kent_office = _office_of(kent_police, self.today)
        cumbria_police = hmi_areas[2]

        def person(username: str, organisation: Organisation, role: str) -> User:
            user = User.objects.create(
                username=username,
                first_name=username.split("-")[1].title(),
                last_name="Benchmark",
                email=f"{username}@example.invalid",
                password="!",
            )
            appointment_start(person=user, organisation=organisation, role=role, starts_on=PERSONA_START)
            return user

        result = Personas(hmi_areas=[f"{a.get_kind_display()}: {a.name}" for a in hmi_areas])
        result.users = {
            "hmi": person("bench-hmi", hmicfrs, Role.HMI),
            "opcc": person("bench-opcc", avon_office, Role.OPCC_STAFF),
            "opcc_outsider": person("bench-outsider", kent_office, Role.OPCC_STAFF),
            "force": person("bench-force", avon_police, Role.CHIEF_OFFICER_STAFF),
            "apcc": person("bench-apcc", apcc, Role.APCC_JOINT_PERFORMANCE_LEAD),
        }
        hmi = result.users["hmi"]
        for area in hmi_areas:
            assignment_start(person=hmi, kind=AssignmentKind.HMI, subject=area, starts_on=PERSONA_START)
        result.refs["visible"] = meeting_record(
            kind=MeetingKind.HMI_PCC_FORMAL,
            held_on=self.today - dt.timedelta(days=10),
            subject=avon_police,
            parties=[hmicfrs, avon_office.parent],
            attendees=[hmi],
            notes="Formal meeting: PEEL findings and the force's response.",
            by=hmi,
        ).pk
        result.refs["confidential"] = meeting_record(
            kind=MeetingKind.HMI_PCC_FORMAL,
            held_on=self.today - dt.timedelta(days=5),
            subject=cumbria_police,
            parties=[hmicfrs, _office_of(cumbria_police, self.today).parent],
            attendees=[hmi],
            notes="Unpublished thematic findings shared with the PFCC in confidence (C4).",
            confidential=True,
            by=hmi,
        ).pk
        # The daily sync: every pair's live deadline, now with the persona among the HMIs.
        cadence_deadlines_sync()
        result.refs["inbox"] = self.persona_deadlines(hmi, hmi_areas)
        result.refs["token"] = User.objects.get(pk=hmi.pk).calendar_token
        result.refs.update(self.report_refs(avon_police))
        return result

    def report_refs(self, area: Organisation) -> dict[str, object]:
        """The newest published report about the most forces (public page), one about `area` (the HMI's
        pages) and its inspection, and last year (the dashboard's year filter)."""
        published = Report.objects.filter(state=ReportState.PUBLISHED)
        widest = (
            published.annotate(forces=Count("areas"))
            .order_by("-forces", "-publication_at")
            .values_list("pk", flat=True)
        )[0]
        mine = published.filter(areas=area).order_by("-publication_at").values_list("pk", "inspection_id")[0]
        return {"report": widest, "area_report": mine[0], "inspection": mine[1], "year": self.today.year - 1}


def generate(scale: int) -> Personas:
    """Fill a database that holds the reference data (and nothing else) to `scale` times the real size."""
    generator = Generator(scale)
    today = generator.today
    areas = list(Organisation.objects.areas().order_by("kind", "name"))
    offices = _current_offices(today)
    with transaction.atomic():
        ensure_groups()
        generator.people_and_appointments(offices, areas)
        generator.grants()
        generator.assignments(offices, areas)
        generator.governance_history(areas)
        generator.meetings(offices)
        generator.deadline_history(offices)
        generator.reports_and_responses()
        # The bulk inserts bypass the services, which keep the timeliness tallies current.
        tallies_rebuild()
        generator.sweep_runs()
        generator.audit_events()
        monitoring_refs = MonitoringGenerator(scale, today).run()
    with transaction.atomic():
        personas = generator.personas()
    personas.refs.update(monitoring_refs)
    return personas


def sizes() -> dict[str, int]:
    """Rows in the tables that matter, as generated."""
    return {
        "forces and FRSs": Organisation.objects.areas().count(),
        "OPCCs": Organisation.objects.filter(kind=OrganisationKind.OPCC).count(),
        "users": User.objects.count(),
        "active users": User.objects.filter(is_active=True).count(),
        "appointments": Appointment.objects.count(),
        "assignments": Assignment.objects.count(),
        "governance rows": Governance.objects.count(),
        "past governance rows": Governance.objects.filter(ends_on__isnull=False).count(),
        "meetings": Meeting.objects.count(),
        "confidential meetings": Meeting.objects.filter(confidential=True).count(),
        "audit events": AuditEvent.objects.count(),
        "deadlines": Deadline.objects.count(),
        "live deadlines": Deadline.objects.live().count(),
        "deadline parties": DeadlineParty.objects.count(),
        "reminders": Reminder.objects.count(),
        "inbox messages": InboxMessage.objects.count(),
        "sweep runs": SweepRun.objects.count(),
        "group memberships": User.groups.through.objects.count(),
        "organisation grants": OrganisationUserObjectPermission.objects.count(),
        "groups": Group.objects.count(),
        "inspections": Inspection.objects.count(),
        "reports": Report.objects.count(),
        "published reports": Report.objects.filter(state=ReportState.PUBLISHED).count(),
        "findings": Finding.objects.count(),
        "response obligations": ResponseObligation.objects.count(),
        "submissions": Submission.objects.count(),
        "responses answered elsewhere": ResponseObligation.objects.filter(answered_by__isnull=False).count(),
        "Engage cases": EngageCase.objects.count(),
        "areas in Engage today": EngagePeriod.objects.in_force().count(),
        "PPOG/FPOG meetings": OversightMeeting.objects.count(),
        "meeting actions": MeetingAction.objects.count(),
        "findings register entries": FindingEntry.objects.count(),
        "responses overdue now": ResponseObligation.objects.filter(
            state=ObligationState.AWAITING, due_at__lte=timezone.now()
        ).count(),
    }
