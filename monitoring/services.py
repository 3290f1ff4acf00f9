"""Writes for Scan and Engage (M1, M3–M10). Each checks who is acting, validates, saves atomically and audits.

Bad input and the wrong actor raise ValidationError with a message for the
person and change nothing (every service is one transaction).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contacts.models import APCC_ROLES, AREA_KINDS, Organisation, Role, User
from contacts.selectors import hmis_for_area, holders_of, office_of_area, people_acting_for, roles_held
from hmicfrs_mou.audit import audit_record
from hmicfrs_mou.deadlines import explain_followup_deadline
from hmicfrs_mou.inbox import inbox_send
from hmicfrs_mou.models import LIVE_STATES, AuditAction, Deadline, DeadlineState
from hmicfrs_mou.reminders import deadline_close
from hmicfrs_mou.uploads import check_pdf
from inspections.models import Finding, FindingKind, InspectionNotice
from inspections.services import notice_send
from monitoring import access
from monitoring.deadlines import (
    FOLLOW_UP_KIND,
    OVERSIGHT_KIND,
    TOOLKIT_KIND,
    register_follow_up_deadline,
    register_oversight_deadline,
    register_toolkit_deadline,
)
from monitoring.models import (
    Attendance,
    DeputyNomination,
    EngageCase,
    EngageCause,
    EngageChartState,
    EngageLetter,
    EngagePeriod,
    EngageQuarterChange,
    FindingEntry,
    FindingEntryKind,
    FindingState,
    FindingStatus,
    FollowUp,
    ImprovementPlanVersion,
    MeetingAction,
    OversightMeeting,
    PlanNote,
    PlanNoteKind,
    RoutineConcern,
    ToolkitSending,
    ToolkitVersion,
)
from monitoring.pdf import letter_context, render_letter
from monitoring.selectors import quarter_changes

PCC_INFORMED_HOW = {
    "in_person": _("In person"),
    "video": _("By video call"),
    "telephone": _("By telephone"),
}


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _close_deadline(
    kind: str, key: str, now: dt.datetime, state: str = DeadlineState.MET, reason: str = ""
) -> None:
    for deadline in Deadline.objects.filter(kind=kind, key=key, state__in=LIVE_STATES):
        deadline_close(deadline=deadline, state=state, reason=reason, now=now)


def _area_url(area: Organisation) -> str:
    return f"/monitoring/areas/{area.pk}/"


def _require_text(value: str, field: str, message: str) -> str:
    if not value or not value.strip():
        raise ValidationError({field: message})
    return value.strip()


def _lock(case: EngageCase) -> EngageCase:
    """Re-read the case under a row lock: two people acting on one case at once see each other's step."""
    locked: EngageCase = EngageCase.objects.select_for_update().select_related("area").get(pk=case.pk)
    return locked


# --- M3: routine-monitoring concerns ---------------------------------------------------------------


@transaction.atomic
def concern_raise(
    *, area: Organisation, summary: str, text: str, by: User, now: dt.datetime | None = None
) -> RoutineConcern:
    """M3: the HMI tells the PCC and the chief in one notice: same text, same moment."""
    now = _now(now)
    if area.kind not in AREA_KINDS:
        raise ValidationError({"area": gettext("Choose a police force or fire and rescue service.")})
    access.require_hmi_for(by, area, now, "raise a routine-monitoring concern about it")
    summary = _require_text(summary, "summary", gettext("Enter a short summary of the concern."))
    text = _require_text(text, "text", gettext("Describe the concern."))
    notice = notice_send(
        kind=InspectionNotice.Kind.CONCERN,
        subject=f"Routine-monitoring concern: {area} – {summary}"[:300],
        body=text,
        areas=[area],
        by=by,
        url=_area_url(area),
        now=now,
    )
    concern = RoutineConcern(
        area=area, summary=summary[:300], text=text, notice=notice, raised_by=by, raised_at=now
    )
    concern.full_clean()
    concern.save()
    audit_record(action=AuditAction.CREATE, actor=by, obj=concern)
    return concern


@transaction.atomic
def concern_mark(
    *,
    concern: RoutineConcern,
    passed_to_apcc: bool,
    support_requested: bool,
    note: str = "",
    by: User,
    now: dt.datetime | None = None,
) -> RoutineConcern:
    """M3: the PCC records whether it passed the concern to the APCC or asked for support."""
    now = _now(now)
    access.require_pcc_office_of(by, concern.area, now, "record what it did with this concern")
    concern = RoutineConcern.objects.select_for_update().get(pk=concern.pk)
    already_passed = concern.passed_to_apcc_at is not None
    if already_passed and not passed_to_apcc:
        raise ValidationError(
            {"passed_to_apcc": gettext("The concern has been passed to the APCC; that cannot be taken back.")}
        )
    concern.passed_to_apcc = passed_to_apcc
    concern.support_requested = support_requested
    concern.pcc_note = note.strip()
    concern.pcc_marked_by = by
    concern.pcc_marked_at = now
    if passed_to_apcc and not already_passed:
        concern.passed_to_apcc_at = now
    concern.save(
        update_fields=[
            "passed_to_apcc",
            "passed_to_apcc_at",
            "support_requested",
            "pcc_note",
            "pcc_marked_by",
            "pcc_marked_at",
        ]
    )
    if passed_to_apcc and not already_passed:
        inbox_send(
            holders_of(APCC_ROLES, timezone.localdate(now)),
            f"Concern passed on by the PCC's office: {concern.area} – {concern.summary}",
            concern.text,
            f"/monitoring/concerns/{concern.pk}/",
            now,
        )
    audit_record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=concern,
        detail={"passed_to_apcc": passed_to_apcc, "support_requested": support_requested},
    )
    return concern


# --- M4–M6, M10: the Engage case ---------------------------------------------------------------------


@dataclass(frozen=True)
class CauseInput:
    text: str
    finding: Finding | None = None


@transaction.atomic
def case_advise(
    *,
    area: Organisation,
    advice: str,
    evidence: str,
    causes: Sequence[CauseInput],
    by: User,
    now: dt.datetime | None = None,
) -> EngageCase:
    """M4: the HMI for the area advises HMCI, with the evidence and the causes of concern."""
    now = _now(now)
    if area.kind not in AREA_KINDS:
        raise ValidationError({"area": gettext("Choose a police force or fire and rescue service.")})
    access.require_hmi_for(by, area, now, "advise HM Chief Inspector about Engage for it")
    advice = _require_text(advice, "advice", gettext("Give your advice to HM Chief Inspector."))
    evidence = _require_text(evidence, "evidence", gettext("Describe the evidence."))
    causes = [c for c in causes if c.text.strip()]
    if not causes:
        raise ValidationError({"causes": gettext("Give at least one cause of concern.")})
    for cause in causes:
        if cause.finding is not None and (
            cause.finding.area_id != area.pk or cause.finding.kind != FindingKind.CAUSE_OF_CONCERN
        ):
            raise ValidationError(
                {
                    "causes": gettext("%(reference)s is not a cause of concern for %(area)s.")
                    % {"reference": cause.finding.reference, "area": area}
                }
            )
    live = (
        EngageCase.objects.select_for_update()
        .filter(area=area, exited_at__isnull=True)
        .exclude(decision_engage=False)
    )
    if live.exists():
        raise ValidationError(
            gettext("%(area)s already has an open Engage case: add to that case instead.") % {"area": area}
        )
    case = EngageCase(area=area, advice=advice, evidence=evidence, advised_by=by, advised_at=now)
    case.full_clean()
    case.save()
    EngageCause.objects.bulk_create(
        [
            EngageCause(case=case, text=c.text.strip(), finding=c.finding, position=i)
            for i, c in enumerate(causes, 1)
        ]
    )
    inbox_send(
        holders_of((Role.HMCI,), timezone.localdate(now)),
        f"Engage decision needed: {area}",
        f"The HMI for {area} has advised on Engage. Read the advice and decide.",
        f"/monitoring/cases/{case.pk}/",
        now,
    )
    audit_record(action=AuditAction.CREATE, actor=by, obj=case)
    return case


@transaction.atomic
def case_decide(
    *, case: EngageCase, engage: bool, reasons: str, by: User, now: dt.datetime | None = None
) -> EngageCase:
    """M4: only HMCI decides, on the evidence and the HMI's advice; a decision records its reasons."""
    now = _now(now)
    access.require_hmci(by, now, "decide whether a force or FRS goes into Engage")
    case = _lock(case)
    if case.decided_at is not None:
        raise ValidationError(gettext("HM Chief Inspector has already decided this case."))
    reasons = _require_text(reasons, "reasons", gettext("Give the reasons for the decision."))
    case.decision_engage = engage
    case.decision_reasons = reasons
    case.decided_by = by
    case.decided_at = now
    case.full_clean()
    case.save(update_fields=["decision_engage", "decision_reasons", "decided_by", "decided_at"])
    if engage:
        period = EngagePeriod(case=case, area=case.area, starts_on=timezone.localdate(now))
        period.full_clean()
        period.save()
        case.period = period
        register_oversight_deadline(case, last_held=None, now=now)
    hmis = [case.advised_by]
    inbox_send(
        hmis,
        f"HM Chief Inspector's decision: {case.area} {'goes into Engage' if engage else 'stays in Scan'}",
        reasons
        + (
            "\n\nTell the PCC personally before anything is announced, then record it in the portal."
            if engage
            else ""
        ),
        f"/monitoring/cases/{case.pk}/",
        now,
    )
    audit_record(action=AuditAction.UPDATE, actor=by, obj=case, detail={"decision_engage": engage})
    return case


@transaction.atomic
def case_record_pcc_informed(
    *,
    case: EngageCase,
    person_told: str,
    told_at: dt.datetime,
    how: str,
    by: User,
    now: dt.datetime | None = None,
) -> EngageCase:
    """M6: the HMI records that they personally told the PCC/PFCC (who, when, how)."""
    now = _now(now)
    access.require_hmi_for(by, case.area, now, "record that the PCC was told")
    case = _lock(case)
    if case.decision_engage is not True:
        raise ValidationError(
            gettext("HM Chief Inspector has not decided to place this force or FRS in Engage.")
        )
    if case.pcc_informed_at is not None:
        raise ValidationError(gettext("It is already recorded that the PCC was told."))
    person_told = _require_text(person_told, "person_told", gettext("Enter the name of the person you told."))
    if how not in PCC_INFORMED_HOW:
        raise ValidationError({"how": gettext("Choose how you told them.")})
    if told_at > now:
        raise ValidationError({"told_at": gettext("The time you told them cannot be in the future.")})
    if case.decided_at and told_at < case.decided_at:
        raise ValidationError(
            {"told_at": gettext("The PCC cannot have been told of the decision before it was made.")}
        )
    case.pcc_informed_person = person_told[:200]
    case.pcc_informed_at = told_at
    case.pcc_informed_how = how
    case.pcc_informed_recorded_by = by
    case.pcc_informed_recorded_at = now
    case.save(
        update_fields=[
            "pcc_informed_person",
            "pcc_informed_at",
            "pcc_informed_how",
            "pcc_informed_recorded_by",
            "pcc_informed_recorded_at",
        ]
    )
    audit_record(action=AuditAction.UPDATE, actor=by, obj=case, detail={"step": "pcc_informed"})
    return case


@transaction.atomic
def case_announce(
    *, case: EngageCase, announcement: str, by: User, now: dt.datetime | None = None
) -> EngageCase:
    """M5: the decision and its causes of concern are published; never before the PCC was told (M6)."""
    now = _now(now)
    access.require_hmi_or_hmci(by, case.area, now, "announce an Engage decision")
    case = _lock(case)
    if case.decision_engage is not True:
        raise ValidationError(
            gettext("There is no decision to place this force or FRS in Engage to announce.")
        )
    if case.pcc_informed_at is None:
        raise ValidationError(
            gettext(
                "The PCC must be told personally before the decision is announced: record that they were told first."
            )
        )
    if case.announced_at is not None:
        raise ValidationError(gettext("The decision has already been announced."))
    announcement = _require_text(announcement, "announcement", gettext("Enter the public statement."))
    case.announcement = announcement
    case.announced_at = now
    case.announced_by = by
    case.full_clean()
    case.save(update_fields=["announcement", "announced_at", "announced_by"])
    engage_chart_refresh(now=now)
    on = timezone.localdate(now)
    register_toolkit_deadline(case, now=now)
    inbox_send(
        holders_of(APCC_ROLES, on),
        f"{case.area} has been placed in Engage",
        announcement,
        f"/monitoring/cases/{case.pk}/",
        now,
    )
    audit_record(action=AuditAction.UPDATE, actor=by, obj=case, detail={"step": "announced"})
    return case


@transaction.atomic
def case_send_letter(*, case: EngageCase, by: User, now: dt.datetime | None = None) -> EngageLetter:
    """M6: the formal letter to the chief officer and the PCC/PFCC, made once and kept as sent."""
    now = _now(now)
    access.require_hmi_for(by, case.area, now, "send the formal Engage letter")
    case = _lock(case)
    if case.decision_engage is not True:
        raise ValidationError(
            gettext("The formal letter follows HM Chief Inspector's decision to place the area in Engage.")
        )
    if case.pcc_informed_at is None:
        raise ValidationError(
            gettext("The formal letter follows telling the PCC personally: record that first.")
        )
    if EngageLetter.objects.filter(case=case).exists():
        raise ValidationError(gettext("The formal letter has already been sent."))
    context = letter_context(case, sent_by=by, now=now)
    pdf = render_letter(context)
    letter = EngageLetter.objects.create(
        case=case,
        addressed_to="\n".join(context["addressees"]),
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        sent_at=now,
        sent_by=by,
    )
    on = timezone.localdate(now)
    office = office_of_area(case.area, on)
    recipients = [case.area, *([office] if office else [])]
    inbox_send(
        people_acting_for(recipients),
        f"Formal letter: {case.area} placed in Engage",
        f"HMICFRS has sent the formal letter about {case.area} entering Engage. Open it from the case page.",
        f"/monitoring/cases/{case.pk}/",
        now,
    )
    audit_record(
        action=AuditAction.CREATE, actor=by, obj=letter, detail={"recipients": [o.pk for o in recipients]}
    )
    return letter


@transaction.atomic
def case_exit(
    *, case: EngageCase, reasons: str, improvements: str, by: User, now: dt.datetime | None = None
) -> EngageCase:
    """M10: HMCI decides the exit with reasons; the area returns to Scan and the case stays in history."""
    now = _now(now)
    access.require_hmci(by, now, "decide that a force or FRS leaves Engage")
    case = _lock(case)
    period = EngagePeriod.objects.select_for_update().filter(case=case).first()
    if period is None or case.exited_at is not None:
        raise ValidationError(gettext("This force or FRS is not in Engage under this case."))
    if case.announced_at is None:
        raise ValidationError(
            gettext("The decision to place the area in Engage was never announced; announce it first.")
        )
    reasons = _require_text(reasons, "reasons", gettext("Give the reasons for the exit."))
    improvements = _require_text(
        improvements, "improvements", gettext("Describe the improvements made (this is published).")
    )
    today = timezone.localdate(now)
    if period.starts_on >= today:
        raise ValidationError(gettext("A force or FRS cannot leave Engage on the day it entered."))
    period.ends_on = today
    period.full_clean()
    period.save(update_fields=["ends_on"])
    case.exit_reasons = reasons
    case.exit_improvements = improvements
    case.exited_at = now
    case.exited_by = by
    case.save(update_fields=["exit_reasons", "exit_improvements", "exited_at", "exited_by"])
    engage_chart_refresh(now=now)
    _close_deadline(OVERSIGHT_KIND, f"case:{case.pk}", now, DeadlineState.WAIVED, "Left Engage")
    _close_deadline(TOOLKIT_KIND, f"toolkit:{case.pk}", now, DeadlineState.WAIVED, "Left Engage")
    office = office_of_area(case.area, today)
    inbox_send(
        people_acting_for([case.area, *([office] if office else [])]),
        f"{case.area} leaves Engage",
        reasons,
        f"/monitoring/cases/{case.pk}/",
        now,
    )
    audit_record(action=AuditAction.UPDATE, actor=by, obj=case, detail={"step": "exited"})
    return case


# --- The tracker's chart: its summary, kept current --------------------------------------------------


@transaction.atomic
def engage_chart_refresh(*, now: dt.datetime | None = None) -> None:
    """Work out the summary behind the chart of areas in Engage (EngageQuarterChange) afresh, as at `now`.

    Called by every write that changes the public periods (an announcement, an exit, loaded history).
    It holds from `now` until the next announcement already recorded for a later moment, if any: the
    chart counts the periods itself for a moment outside that.
    """
    now = _now(now)
    # One refresh at a time: the second waits for the first and then writes its own figures.
    state = EngageChartState.objects.select_for_update().order_by("pk").first()
    changes = quarter_changes(now)
    EngageQuarterChange.objects.all().delete()
    EngageQuarterChange.objects.bulk_create(
        EngageQuarterChange(kind=kind, quarter=quarter, started=started, ended=ended)
        for (kind, quarter), (started, ended) in changes.items()
    )
    state = state or EngageChartState()
    state.as_of = now
    state.holds_until = (
        EngageCase.objects.filter(announced_at__gt=now)
        .order_by("announced_at")
        .values_list("announced_at", flat=True)
        .first()
    )
    state.save()


# --- M8: the toolkit ------------------------------------------------------------------------------------


@transaction.atomic
def toolkit_upload(
    *, upload: UploadedFile[Any], note: str = "", by: User, now: dt.datetime | None = None
) -> ToolkitVersion:
    """M8: the APCC uploads a new version of its Engage toolkit; earlier versions are kept."""
    now = _now(now)
    access.require_apcc_lead(by, now, "upload the Engage toolkit")
    checked = check_pdf(upload, by=by)
    latest = ToolkitVersion.objects.select_for_update().aggregate(v=Max("version"))["v"] or 0
    toolkit = ToolkitVersion.objects.create(
        version=latest + 1,
        file_name=checked.original_name,
        content=checked.content,
        sha256=checked.sha256,
        note=note.strip()[:300],
        uploaded_by=by,
        uploaded_at=now,
    )
    audit_record(action=AuditAction.CREATE, actor=by, obj=toolkit)
    return toolkit


@transaction.atomic
def toolkit_send(
    *, case: EngageCase, letter: str, by: User, now: dt.datetime | None = None
) -> ToolkitSending:
    """M8: the APCC lead writes to the PCC and shares the current toolkit; recorded against the case."""
    now = _now(now)
    access.require_apcc_lead(by, now, "write to the PCC and share the Engage toolkit")
    case = _lock(case)
    if case.announced_at is None or case.announced_at > now or case.exited_at is not None:
        raise ValidationError(gettext("The toolkit is shared with the PCC of a force or FRS in Engage."))
    if ToolkitSending.objects.filter(case=case).exists():
        raise ValidationError(gettext("The toolkit has already been shared for this case."))
    toolkit = ToolkitVersion.objects.order_by("-version").first()
    if toolkit is None:
        raise ValidationError(gettext("Upload the Engage toolkit before sharing it."))
    letter = _require_text(letter, "letter", gettext("Write the letter to the PCC."))
    sending = ToolkitSending.objects.create(
        case=case, toolkit=toolkit, letter=letter, sent_by=by, sent_at=now
    )
    office = office_of_area(case.area, timezone.localdate(now))
    inbox_send(
        people_acting_for([office] if office else []),
        f"From the APCC: support while {case.area} is in Engage",
        letter,
        f"/monitoring/cases/{case.pk}/",
        now,
    )
    _close_deadline(TOOLKIT_KIND, f"toolkit:{case.pk}", now)
    audit_record(action=AuditAction.CREATE, actor=by, obj=sending)
    return sending


# --- M4: improvement plans ---------------------------------------------------------------------------


@transaction.atomic
def plan_submit(
    *,
    case: EngageCase,
    text: str,
    upload: UploadedFile[Any] | None = None,
    by: User,
    now: dt.datetime | None = None,
) -> ImprovementPlanVersion:
    """M4: the force or FRS submits a new version of its improvement plan; earlier versions are kept."""
    now = _now(now)
    access.require_chief_office_of(by, case.area, now, "submit its improvement plan")
    case = _lock(case)
    if (
        case.decision_engage is not True
        or case.pcc_informed_recorded_at is None
        or case.pcc_informed_recorded_at > now
        or case.exited_at is not None
    ):
        raise ValidationError(
            gettext("An improvement plan is submitted while the force or FRS is in Engage.")
        )
    text = _require_text(text, "text", gettext("Write the plan, or summarise the attached plan."))
    checked = check_pdf(upload, by=by) if upload is not None else None
    latest = case.plans.aggregate(v=Max("version"))["v"] or 0
    plan = ImprovementPlanVersion.objects.create(
        case=case,
        version=latest + 1,
        text=text,
        file_name=checked.original_name if checked else "",
        content=checked.content if checked else None,
        submitted_by=by,
        submitted_at=now,
    )
    on = timezone.localdate(now)
    office = office_of_area(case.area, on)
    inbox_send(
        [*people_acting_for([office] if office else []), *hmis_for_area(case.area, on)],
        f"Improvement plan version {plan.version}: {case.area}",
        f"{case.area} has submitted version {plan.version} of its improvement plan.",
        f"/monitoring/plans/{plan.pk}/",
        now,
    )
    audit_record(action=AuditAction.CREATE, actor=by, obj=plan)
    return plan


@transaction.atomic
def plan_note_add(
    *, plan: ImprovementPlanVersion, kind: str, text: str, by: User, now: dt.datetime | None = None
) -> PlanNote:
    """The PCC records holding-to-account notes on a plan version; HMICFRS comments on it."""
    now = _now(now)
    area = plan.case.area
    if kind == PlanNoteKind.PCC:
        access.require_pcc_office_of(by, area, now, "record holding-to-account notes on this plan")
    elif kind == PlanNoteKind.HMICFRS:
        access.require_hmicfrs_for(by, area, now, "comment on this plan")
    else:
        raise ValidationError({"kind": gettext("Choose the kind of note.")})
    text = _require_text(text, "text", gettext("Write the note."))
    note = PlanNote.objects.create(plan=plan, kind=kind, text=text, by=by, at=now)
    audit_record(action=AuditAction.CREATE, actor=by, obj=note)
    return note


# --- M4, M7, M9: PPOG and FPOG ---------------------------------------------------------------------------


@transaction.atomic
def meeting_schedule(
    *, case: EngageCase, scheduled_for: dt.date, by: User, now: dt.datetime | None = None
) -> OversightMeeting:
    """M4: HMICFRS schedules the PPOG/FPOG (about three a year) for an area in Engage."""
    now = _now(now)
    access.require_hmicfrs_for(by, case.area, now, f"schedule a {case.oversight_group}")
    case = _lock(case)
    period = EngagePeriod.objects.filter(case=case).first()
    if period is None or period.ends_on is not None:
        raise ValidationError(
            gettext("A %(group)s is scheduled for a force or FRS in Engage.")
            % {"group": case.oversight_group}
        )
    if scheduled_for < timezone.localdate(now):
        raise ValidationError({"scheduled_for": gettext("The meeting date must be today or in the future.")})
    meeting = OversightMeeting.objects.create(
        case=case, scheduled_for=scheduled_for, scheduled_by=by, created_at=now
    )
    audit_record(action=AuditAction.CREATE, actor=by, obj=meeting)
    return meeting


@transaction.atomic
def deputy_nominate(
    *, meeting: OversightMeeting, deputy: User, by: User, now: dt.datetime | None = None
) -> DeputyNomination:
    """M7: a joint performance portfolio lead nominates a deputy of suitable seniority for one meeting."""
    now = _now(now)
    access.require_apcc_lead(by, now, "nominate a deputy for a PPOG or FPOG")
    if meeting.held_on is not None:
        raise ValidationError(gettext("The meeting has already been held."))
    if not roles_held(deputy, timezone.localdate(now)) & set(APCC_ROLES):
        raise ValidationError({"deputy": gettext("The deputy must work for the APCC.")})
    if deputy.pk == by.pk:
        raise ValidationError({"deputy": gettext("Nominate someone other than yourself.")})
    nomination, created = DeputyNomination.objects.get_or_create(
        meeting=meeting, deputy=deputy, defaults={"nominated_by": by, "nominated_at": now}
    )
    if not created:
        raise ValidationError(
            {"deputy": gettext("%(deputy)s is already nominated for this meeting.") % {"deputy": deputy}}
        )
    inbox_send(
        [deputy],
        f"You are nominated to attend the {meeting.case.oversight_group} for {meeting.case.area}",
        f"{by} has nominated you as the APCC's deputy for the meeting on {meeting.scheduled_for:%-d %B %Y}.",
        f"/monitoring/meetings/{meeting.pk}/",
        now,
    )
    audit_record(action=AuditAction.CREATE, actor=by, obj=nomination)
    return nomination


@dataclass(frozen=True)
class AttendanceInput:
    organisation: Organisation
    name: str
    person: User | None = None
    capacity: str = ""


@transaction.atomic
def meeting_record_held(
    *,
    meeting: OversightMeeting,
    held_on: dt.date,
    attendances: Sequence[AttendanceInput],
    notes: str = "",
    by: User,
    now: dt.datetime | None = None,
) -> OversightMeeting:
    """M7: a meeting is held only with an APCC joint performance portfolio lead or a nominated deputy there."""
    now = _now(now)
    access.require_meeting_recorder(by, meeting, now, f"record the {meeting.case.oversight_group}")
    meeting = (
        OversightMeeting.objects.select_for_update().select_related("case", "case__area").get(pk=meeting.pk)
    )
    if meeting.held_on is not None:
        raise ValidationError(gettext("This meeting is already recorded as held."))
    if held_on > timezone.localdate(now):
        raise ValidationError(
            {"held_on": gettext("A meeting cannot be recorded as held on a date in the future.")}
        )
    period = EngagePeriod.objects.filter(case=meeting.case).first()
    if period is None or held_on < period.starts_on:
        raise ValidationError(
            {"held_on": gettext("The meeting date is before the force or FRS entered Engage.")}
        )
    if not attendances:
        raise ValidationError({"attendances": gettext("Record who attended.")})
    deputies = set(meeting.nominations.values_list("deputy_id", flat=True))
    apcc_present = any(
        a.person is not None
        and (Role.APCC_JOINT_PERFORMANCE_LEAD in roles_held(a.person, held_on) or a.person.pk in deputies)
        for a in attendances
    )
    if not apcc_present:
        raise ValidationError(
            {
                "attendances": gettext(
                    "An APCC joint performance portfolio lead, or a deputy a lead nominated for this "
                    "meeting, must attend: record them, or nominate a deputy first."
                )
            }
        )
    Attendance.objects.bulk_create(
        [
            Attendance(
                meeting=meeting,
                organisation=a.organisation,
                person=a.person,
                name=(a.name or (str(a.person) if a.person else "")).strip()[:200],
                capacity=a.capacity.strip()[:200],
            )
            for a in attendances
        ]
    )
    meeting.held_on = held_on
    meeting.notes = notes.strip()
    meeting.recorded_by = by
    meeting.recorded_at = now
    meeting.save(update_fields=["held_on", "notes", "recorded_by", "recorded_at"])
    if meeting.case.exited_at is None:
        last = OversightMeeting.objects.filter(case=meeting.case, held_on__isnull=False).aggregate(
            m=Max("held_on")
        )["m"]
        register_oversight_deadline(meeting.case, last_held=last, now=now)
    audit_record(action=AuditAction.UPDATE, actor=by, obj=meeting, detail={"step": "held"})
    return meeting


@transaction.atomic
def action_add(
    *,
    meeting: OversightMeeting,
    text: str,
    owner: Organisation,
    offer_of_assistance: bool,
    by: User,
    now: dt.datetime | None = None,
) -> MeetingAction:
    """An action recorded at a held meeting; an offer of assistance gets its D6 follow-up deadline (M9)."""
    now = _now(now)
    access.require_meeting_recorder(by, meeting, now, f"record actions of the {meeting.case.oversight_group}")
    # Read again: the caller's copy may predate the meeting being recorded as held.
    meeting = OversightMeeting.objects.select_related("case", "case__area").get(pk=meeting.pk)
    if meeting.held_on is None:
        raise ValidationError(gettext("Record the meeting as held before adding its actions."))
    text = _require_text(text, "text", gettext("Describe the action."))
    due = explain_followup_deadline(meeting.held_on) if offer_of_assistance else None
    action = MeetingAction.objects.create(
        meeting=meeting,
        text=text,
        owner=owner,
        offer_of_assistance=offer_of_assistance,
        follow_up_due_at=due.value if due else None,
        follow_up_working=due.working if due else "",
        recorded_by=by,
        recorded_at=now,
    )
    if offer_of_assistance:
        register_follow_up_deadline(action, now=now)
    audit_record(action=AuditAction.CREATE, actor=by, obj=action)
    return action


@transaction.atomic
def follow_up_send(
    *, action: MeetingAction, text: str, copy_to_hmci: bool, by: User, now: dt.datetime | None = None
) -> FollowUp:
    """M9: the written follow-up of an offer of assistance, to the PCC, with a copy to HMCI (D6)."""
    now = _now(now)
    action = MeetingAction.objects.select_for_update().select_related("meeting__case__area").get(pk=action.pk)
    meeting = action.meeting
    access.require_apcc_lead_or_deputy(by, meeting, now, "send the follow-up of an offer of assistance")
    if not action.offer_of_assistance:
        raise ValidationError(gettext("Only an offer of assistance is followed up in writing."))
    if action.followed_up or FollowUp.objects.filter(action=action).exists():
        raise ValidationError(gettext("This offer of assistance has already been followed up."))
    text = _require_text(text, "text", gettext("Write the follow-up."))
    if not copy_to_hmci:
        raise ValidationError(
            {
                "copy_to_hmci": gettext(
                    "The follow-up must be copied to HM Chief Inspector: confirm the copy to send it."
                )
            }
        )
    on = timezone.localdate(now)
    hmci = holders_of((Role.HMCI,), on)
    if not hmci:
        raise ValidationError(
            gettext("No HM Chief Inspector is recorded in the directory to receive the copy.")
        )
    office = office_of_area(meeting.case.area, on)
    if office is None:
        raise ValidationError(
            gettext("No PCC's office is recorded for %(area)s.") % {"area": meeting.case.area}
        )
    follow_up = FollowUp.objects.create(
        action=action,
        text=text,
        sent_to=office,
        hmci_copy_to=hmci[0],
        hmci_copied_at=now,
        sent_by=by,
        sent_at=now,
        late=action.follow_up_due_at is not None and now >= action.follow_up_due_at,
    )
    action.followed_up = True
    action.save(update_fields=["followed_up"])
    subject = (
        f"Follow-up of the offer of assistance at the {meeting.case.oversight_group}: {meeting.case.area}"
    )
    url = f"/monitoring/actions/{action.pk}/"
    inbox_send(people_acting_for([office]), subject, text, url, now)
    inbox_send(hmci, f"Copy: {subject}", text, url, now)
    _close_deadline(FOLLOW_UP_KIND, f"action:{action.pk}", now)
    audit_record(action=AuditAction.CREATE, actor=by, obj=follow_up, detail={"late": follow_up.late})
    return follow_up


# --- M1: the findings register ------------------------------------------------------------------------

STATUS_ORDER = [
    FindingStatus.AWAITING_REVIEW,
    FindingStatus.BEING_PROGRESSED,
    FindingStatus.COMPLETE,
    FindingStatus.CLOSURE_AUTHORISED,
]


def _register_state(finding: Finding, now: dt.datetime) -> FindingState:
    state = FindingState.objects.select_for_update().filter(finding=finding).first()
    if state is None:
        state = FindingState.objects.create(
            finding=finding, area_id=finding.area_id, status=FindingStatus.AWAITING_REVIEW, changed_at=now
        )
    return state


def _area_of_published(finding: Finding, now: dt.datetime) -> Organisation:
    """The force or FRS of a published finding; refused for unpublished reports or findings of no one area."""
    if not finding.report.is_published(now):
        raise ValidationError(gettext("The register tracks findings of published reports."))
    if finding.area is None:
        raise ValidationError(gettext("This finding is not about one force or FRS."))
    return finding.area


@transaction.atomic
def finding_status_set(
    *, finding: Finding, status: str, note: str = "", by: User, now: dt.datetime | None = None
) -> FindingEntry:
    """M1: the force or FRS moves a finding on; only HMICFRS authorises closure, after it is complete."""
    now = _now(now)
    area = _area_of_published(finding, now)
    if status not in STATUS_ORDER:
        raise ValidationError({"status": gettext("Choose a status.")})
    if status == FindingStatus.CLOSURE_AUTHORISED:
        access.require_hmicfrs_for(by, area, now, "authorise closure of this finding")
    else:
        access.require_chief_office_of(by, area, now, "update the status of this finding")
    state = _register_state(finding, now)
    if state.status == FindingStatus.CLOSURE_AUTHORISED:
        raise ValidationError(gettext("Closure of this finding has been authorised; it cannot change."))
    if status == state.status:
        raise ValidationError({"status": gettext("The finding already has that status.")})
    if status == FindingStatus.CLOSURE_AUTHORISED and state.status != FindingStatus.COMPLETE:
        raise ValidationError(
            {"status": gettext("Closure is authorised once the force or FRS has marked it complete.")}
        )
    entry = FindingEntry.objects.create(
        finding=finding, kind=FindingEntryKind.STATUS, status=status, text=note.strip(), by=by, at=now
    )
    state.status = status
    state.changed_at = now
    state.save(update_fields=["status", "changed_at"])
    if status == FindingStatus.CLOSURE_AUTHORISED:
        Finding.objects.filter(pk=finding.pk).update(closed_at=now)
    audit_record(action=AuditAction.UPDATE, actor=by, obj=finding, detail={"status": status})
    return entry


@transaction.atomic
def finding_note_add(
    *, finding: Finding, kind: str, text: str, by: User, now: dt.datetime | None = None
) -> FindingEntry:
    """M1: updates from the force or FRS; holding-to-account notes from the PCC; notes from HMICFRS."""
    now = _now(now)
    area = _area_of_published(finding, now)
    if kind == FindingEntryKind.UPDATE:
        access.require_chief_office_of(by, area, now, "add an update to this finding")
    elif kind == FindingEntryKind.PCC_NOTE:
        access.require_pcc_office_of(by, area, now, "add a holding-to-account note")
    elif kind == FindingEntryKind.HMICFRS_NOTE:
        access.require_hmicfrs_for(by, area, now, "add a note to this finding")
    else:
        raise ValidationError({"kind": gettext("Choose the kind of entry.")})
    text = _require_text(text, "text", gettext("Write the update or note."))
    state = _register_state(finding, now)
    entry = FindingEntry.objects.create(finding=finding, kind=kind, text=text, by=by, at=now)
    # The count shown to everyone who reads the register: the force's updates only, so the number of
    # the PCC's (or HMICFRS's) notes is not told to those who may not read them.
    if kind == FindingEntryKind.UPDATE:
        state.updates += 1
        state.save(update_fields=["updates"])
    audit_record(action=AuditAction.CREATE, actor=by, obj=entry)
    return entry
