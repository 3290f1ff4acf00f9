"""Ten years of Scan and Engage for the page benchmarks, at a multiple `scale` of the real size.

Real size (1x): about 150 Engage cases over ten years (about ten areas in Engage at any
time, the rest closed, each area's periods one after another), 500 PPOG/FPOG meetings,
2,000 actions (one in four an offer of assistance, nearly all followed up), 5,000 entries
in the findings register, 30 routine concerns, two improvement-plan versions per case.
At 10x: 1,500 cases, 5,000 meetings, 20,000 actions, 50,000 register entries. The number
of areas in Engage today stays the same at every scale: there are still 87 areas.

Avon and Somerset Constabulary is always one of the areas in Engage (the benchmark HMI's
and OPCC's area), with a meeting, an outstanding offer of assistance and a plan.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db.models import Max

from contacts.models import Organisation, OrganisationKind, Role, User
from hmicfrs_mou.deadlines import LONDON, explain_followup_deadline
from inspections.models import RELEASED_STATES, Finding, InspectionNotice
from monitoring.models import (
    Attendance,
    EngageCase,
    EngageCause,
    EngagePeriod,
    FindingEntry,
    FindingEntryKind,
    FindingState,
    FindingStatus,
    FollowUp,
    ImprovementPlanVersion,
    MeetingAction,
    OversightMeeting,
    RegisterRow,
    RoutineConcern,
)
from monitoring.receivers import kind_order
from monitoring.services import engage_chart_refresh

BATCH = 2000
OPEN_CASES = 10
YEARS = 10


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=LONDON)


class MonitoringGenerator:
    def __init__(self, scale: int, today: dt.date, seed: int = 20250703) -> None:
        self.k = scale
        self.today = today
        self.rng = random.Random(seed * 7 + scale)
        # Today's picture (which areas are in Engage, since when, their causes and meetings) is the same
        # at every scale, as the number of areas in Engage is: only the history grows with the scale.
        # Drawn from the scale's own generator, the police forces in Engage were 3 at 1x and 8 at 10x,
        # so the public "in Engage" pages compared different numbers of rows.
        self.today_rng = random.Random(seed)

    def _person(self, role: str) -> User:
        return User.objects.filter(appointments__role=role, is_active=True).order_by("pk").first()  # type: ignore[return-value]

    def run(self) -> dict[str, Any]:
        rng = self.rng
        areas = list(Organisation.objects.areas().order_by("kind", "name"))
        avon = Organisation.objects.get(kind=OrganisationKind.POLICE_FORCE, slug="avon-and-somerset")
        hmi = self._person(Role.HMI)
        hmci = self._person(Role.HMCI) or hmi
        apcc_lead = self._person(Role.APCC_JOINT_PERFORMANCE_LEAD)
        chief = self._person(Role.CHIEF_OFFICER_STAFF)
        apcc = Organisation.objects.get(kind=OrganisationKind.APCC)
        hmicfrs = Organisation.objects.get(kind=OrganisationKind.HMICFRS)
        open_areas = [avon, *self.today_rng.sample([a for a in areas if a.pk != avon.pk], OPEN_CASES - 1)]
        closed_total = 150 * self.k - OPEN_CASES
        start = self.today - dt.timedelta(days=365 * YEARS)
        span = (self.today - dt.timedelta(days=400) - start).days

        # Closed cases: spread over the areas, each area's periods one after another.
        per_area: dict[int, int] = {}
        for i in range(closed_total):
            area = areas[i % len(areas)]
            per_area[area.pk] = per_area.get(area.pk, 0) + 1
        cases: list[EngageCase] = []
        periods: list[tuple[int, dt.date, dt.date | None]] = []
        for area in areas:
            count = per_area.get(area.pk, 0)
            slot = span // max(count, 1)
            for j in range(count):
                entered = start + dt.timedelta(days=j * slot + rng.randint(0, max(slot // 4, 1)))
                left = entered + dt.timedelta(days=max(30, int(slot * 0.7)))
                cases.append(self._case(area, entered, left, hmi, hmci))
                periods.append((area.pk, entered, left))
        for area in open_areas:
            entered = self.today - dt.timedelta(days=self.today_rng.randint(60, 500))
            cases.append(self._case(area, entered, None, hmi, hmci))
            periods.append((area.pk, entered, None))
        EngageCase.objects.bulk_create(cases, batch_size=BATCH)
        EngagePeriod.objects.bulk_create(
            [
                EngagePeriod(case=case, area_id=area_id, starts_on=entered, ends_on=left)
                for case, (area_id, entered, left) in zip(cases, periods, strict=True)
            ],
            batch_size=BATCH,
        )
        EngageCause.objects.bulk_create(
            [
                EngageCause(case=case, text=f"Cause of concern {n} about {case.area_id}.", position=n)
                for case in cases
                for n in range(1, self._rng_for(case).randint(2, 5))
            ],
            batch_size=BATCH,
        )
        ImprovementPlanVersion.objects.bulk_create(
            [
                ImprovementPlanVersion(
                    case=case,
                    version=v,
                    text="Improvement plan against the causes of concern.",
                    submitted_by=chief,
                    submitted_at=case.decided_at + dt.timedelta(days=30 * v),
                )
                for case in cases
                for v in (1, 2)
            ],
            batch_size=BATCH,
        )

        # Meetings: about 3.3 per case at every scale (500 at 1x, 5,000 at 10x). Four months apart
        # (D7) where the period is long enough; at 10x an area's periods are shorter (some 17 in ten
        # years), so they are held closer together rather than dropped, which left 1,500 at 10x.
        meetings: list[OversightMeeting] = []
        for case, (_, entered, left) in zip(cases, periods, strict=True):
            end = left or self.today
            count = 3 if self._rng_for(case).random() < 0.7 else 4
            gap = max(1, min(120, (end - entered).days // (count + 1)))
            for m in range(count):
                day = entered + dt.timedelta(days=gap * (m + 1))
                if day >= end:
                    break
                meetings.append(
                    OversightMeeting(
                        case=case,
                        scheduled_for=day,
                        held_on=day,
                        scheduled_by=hmi,
                        recorded_by=apcc_lead,
                        recorded_at=_at(day, 17),
                        created_at=_at(day - dt.timedelta(days=min(30, gap))),
                        notes="Progress against the improvement plan.",
                    )
                )
        avon_case = cases[closed_total]
        avon_meeting = OversightMeeting(
            case=avon_case,
            scheduled_for=self.today - dt.timedelta(days=3),
            held_on=self.today - dt.timedelta(days=3),
            scheduled_by=hmi,
            recorded_by=apcc_lead,
            recorded_at=_at(self.today - dt.timedelta(days=3), 17),
            created_at=_at(self.today - dt.timedelta(days=40)),
        )
        meetings.append(avon_meeting)
        OversightMeeting.objects.bulk_create(meetings, batch_size=BATCH)
        Attendance.objects.bulk_create(
            [
                Attendance(meeting=m, organisation=org, person=person, name=str(person))
                for m in meetings
                for org, person in ((apcc, apcc_lead), (hmicfrs, hmi))
            ],
            batch_size=BATCH,
        )

        # Actions: 4 a meeting, one in four an offer of assistance, followed up unless recent.
        actions: list[MeetingAction] = []
        for meeting in meetings:
            for n in range(4):
                offer = n == 0
                due = explain_followup_deadline(meeting.held_on) if offer else None
                actions.append(
                    MeetingAction(
                        meeting=meeting,
                        text=f"Action {n + 1} of the meeting.",
                        owner=apcc if offer else meeting.case.area,
                        offer_of_assistance=offer,
                        follow_up_due_at=due.value if due else None,
                        follow_up_working=due.working if due else "",
                        followed_up=offer
                        and due is not None
                        and due.value < _at(self.today - dt.timedelta(days=20)),
                        recorded_by=apcc_lead,
                        recorded_at=_at(meeting.held_on, 18),
                    )
                )
        MeetingAction.objects.bulk_create(actions, batch_size=BATCH)
        office = apcc
        FollowUp.objects.bulk_create(
            [
                FollowUp(
                    action=a,
                    text="Written follow-up of the offer of assistance.",
                    sent_to=office,
                    hmci_copy_to=hmci,
                    hmci_copied_at=a.follow_up_due_at - dt.timedelta(days=1),
                    sent_by=apcc_lead,
                    sent_at=a.follow_up_due_at - dt.timedelta(days=1),
                )
                for a in actions
                if a.followed_up
            ],
            batch_size=BATCH,
        )

        # The findings register: 5,000 entries a scale over the findings about one area.
        findings = list(Finding.objects.filter(area__isnull=False).values_list("pk", "area_id"))
        entries: list[FindingEntry] = []
        states: dict[int, FindingState] = {}
        if findings:
            for n in range(5000 * self.k):
                finding_id, area_id = findings[rng.randrange(len(findings))]
                at = _at(start + dt.timedelta(days=rng.randrange((self.today - start).days)))
                status_step = n % 3 == 0
                entries.append(
                    FindingEntry(
                        finding_id=finding_id,
                        kind=FindingEntryKind.STATUS if status_step else FindingEntryKind.UPDATE,
                        status=FindingStatus.BEING_PROGRESSED if status_step else "",
                        text="Update on progress.",
                        by=chief,
                        at=at,
                    )
                )
                state = states.setdefault(
                    finding_id, FindingState(finding_id=finding_id, area_id=area_id, changed_at=at)
                )
                state.updates += 0 if status_step else 1
                if status_step:
                    state.status = FindingStatus.BEING_PROGRESSED
            FindingEntry.objects.bulk_create(entries, batch_size=BATCH)
            FindingState.objects.bulk_create(list(states.values()), batch_size=BATCH)
        # The register's rows, as monitoring.receivers keeps them (bulk writes send no signals).
        statuses = {state.finding_id: state.status for state in states.values()}
        RegisterRow.objects.bulk_create(
            (
                RegisterRow(
                    finding_id=pk,
                    area_id=area_id,
                    report_id=report_id,
                    kind_order=kind_order(kind),
                    reference=reference,
                    public_from=publication_at if report_state in RELEASED_STATES else None,
                    status=statuses.get(pk, FindingStatus.AWAITING_REVIEW),
                )
                for pk, area_id, report_id, kind, reference, report_state, publication_at in Finding.objects.values_list(
                    "pk",
                    "area_id",
                    "report_id",
                    "kind",
                    "reference",
                    "report__state",
                    "report__publication_at",
                ).iterator(chunk_size=BATCH)
            ),
            batch_size=BATCH,
        )

        # Routine concerns, each with its notice.
        concerns = []
        for n in range(30 * self.k):
            area = areas[rng.randrange(len(areas))]
            at = _at(start + dt.timedelta(days=rng.randrange((self.today - start).days)))
            notice = InspectionNotice.objects.create(
                kind=InspectionNotice.Kind.CONCERN,
                subject="Routine concern",
                body="Concern.",
                sent_at=at,
                sent_by=hmi,
            )
            concerns.append(
                RoutineConcern(
                    area=area,
                    summary=f"Concern {n}",
                    text="Concern.",
                    notice=notice,
                    raised_by=hmi,
                    raised_at=at,
                )
            )
        RoutineConcern.objects.bulk_create(concerns, batch_size=BATCH)
        # The chart's summary, as the services keep it (the rows above are written directly).
        engage_chart_refresh()
        offer = MeetingAction.objects.filter(meeting=avon_meeting, offer_of_assistance=True).first()
        return {
            "engage_area": avon.pk,
            "engage_case": avon_case.pk,
            "engage_meeting": avon_meeting.pk,
            "engage_action": offer.pk if offer else 0,
            "engage_public_case": EngageCase.objects.filter(exited_at__isnull=False).aggregate(m=Max("pk"))[
                "m"
            ],
        }

    def _rng_for(self, case: EngageCase) -> random.Random:
        """The open cases draw from today's generator, the closed ones (the history) from the scale's."""
        return self.today_rng if case.exited_at is None else self.rng

    def _case(
        self, area: Organisation, entered: dt.date, left: dt.date | None, hmi: User, hmci: User
    ) -> EngageCase:
        decided = _at(entered)
        return EngageCase(
            area=area,
            advice="Advice to HMCI.",
            evidence="Evidence.",
            advised_by=hmi,
            advised_at=decided - dt.timedelta(days=7),
            decision_engage=True,
            decision_reasons="Insufficient progress against the cause of concern.",
            decided_by=hmci,
            decided_at=decided,
            pcc_informed_person="The commissioner",
            pcc_informed_at=decided + dt.timedelta(hours=4),
            pcc_informed_how="in_person",
            pcc_informed_recorded_by=hmi,
            pcc_informed_recorded_at=decided + dt.timedelta(hours=5),
            announcement=f"{area.name} placed in Engage.",
            announced_at=decided + dt.timedelta(days=2),
            announced_by=hmci,
            exit_reasons="Sufficient progress." if left else "",
            exit_improvements="Improvements made." if left else "",
            exited_at=_at(left) if left else None,
            exited_by=hmci if left else None,
        )
