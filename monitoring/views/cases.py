"""Areas, routine concerns (M3) and Engage cases from the HMI's advice to exit (M2, M4–M6, M10).

Thin views: every record comes through monitoring.access (a 404 and an audit
row for anything the person may not see, the same answer as "does not exist"),
every change goes through monitoring.services inside hmicfrs_mou.form_pages.form_page,
so a refusal (the wrong person, the PCC not yet told, no decision yet) is shown
on the form with nothing changed. Which buttons appear is decided in
monitoring.permissions_ui from the same actor checks the services use.
Each page costs a fixed number of queries whatever the number of areas, cases
or concerns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from contacts.models import AREA_KINDS, Organisation
from contacts.selectors import AREA_ORDER
from hmicfrs_mou.access import not_found
from hmicfrs_mou.audit import audit_record
from hmicfrs_mou.form_pages import form_page, posted
from hmicfrs_mou.models import AuditAction
from hmicfrs_mou.sorting import Column, Sorting
from inspections.models import FindingKind
from monitoring import access, selectors, services
from monitoring.forms import (
    AdviceForm,
    AnnounceForm,
    ConcernForm,
    ConcernMarkForm,
    DecisionForm,
    ExitForm,
    LetterForm,
    PccInformedForm,
)
from monitoring.models import (
    CaseStep,
    EngageCase,
    EngageCause,
    EngageLetter,
    EngagePeriod,
    RoutineConcern,
)
from monitoring.pdf import letter_context
from monitoring.permissions_ui import (
    CaseActions,
    area_actions,
    case_actions,
    may_mark_concern,
    may_read_register,
    may_see_area,
)

AREA_TYPE = "contacts.organisation"
# The people named on a case's steps, fetched with the case in one query.
CASE_PEOPLE = (
    "advised_by",
    "decided_by",
    "pcc_informed_recorded_by",
    "announced_by",
    "exited_by",
)

# --- Status and steps -------------------------------------------------------------------------------


def shown_periods(user: Any, at: dt.datetime, area: Organisation | None = None) -> QuerySet:
    """M2, M5: Engage periods a person may know of: of cases they may see, and every announced one.

    With `area`, the periods of that area only, the cases they may see read for that area alone.
    """
    visible = EngageCase.objects.visible_to(user, at)
    periods = EngagePeriod.objects.all()
    if area is not None:
        visible, periods = visible.filter(area=area), periods.filter(area=area)
    return periods.filter(Q(case__in=visible.values("pk")) | Q(case__announced_at__lte=at))


@dataclass(frozen=True)
class CaseState:
    """What had happened on a case at a moment: each stored moment counts only once it is reached.

    Time is part of every rule (monitoring.access): the page read at a moment
    shows the case as it stood then, the same way visibility is decided.
    """

    decided: bool
    declined: bool
    told: bool
    announced: bool
    letter: EngageLetter | None
    toolkit: Any
    exited: bool
    step: CaseStep

    @property
    def live(self) -> bool:
        """From advice until HMCI declines or the area leaves Engage (the one-live-case rule)."""
        return not (self.exited or self.declined)


def state_at(case: EngageCase, at: dt.datetime) -> CaseState:
    def reached(moment: dt.datetime | None) -> bool:
        return moment is not None and moment <= at

    letter = _related(case, "letter")
    if letter is not None and not reached(letter.sent_at):
        letter = None
    toolkit = _related(case, "toolkit_sending")
    if toolkit is not None and not reached(toolkit.sent_at):
        toolkit = None
    decided, told, announced = (
        reached(case.decided_at),
        reached(case.pcc_informed_at),
        reached(case.announced_at),
    )
    declined = decided and case.decision_engage is False
    exited = reached(case.exited_at)
    if exited:
        step = CaseStep.EXITED
    elif declined:
        step = CaseStep.NOT_ENGAGED
    elif letter is not None:
        step = CaseStep.LETTER_SENT
    elif announced:
        step = CaseStep.ANNOUNCED
    elif told:
        step = CaseStep.PCC_INFORMED
    elif decided:
        step = CaseStep.DECIDED
    else:
        step = CaseStep.ADVISED
    return CaseState(decided, declined, told, announced, letter, toolkit, exited, step)


# Who takes each step (DESIGN.md "Who acts at each step": M4, M6, M10).
WHO_ACTS = {
    "decision": _("HM Chief Inspector"),
    "pcc_informed": _("the HMI for the area"),
    "announce": _("the HMI for the area or HM Chief Inspector"),
    "letter": _("the HMI for the area"),
    "exit": _("HM Chief Inspector"),
}


def _by(key: str) -> str:
    return gettext("To be done by %(who)s") % {"who": WHO_ACTS[key]}


@dataclass
class Step:
    """One step of a case as the task list shows it."""

    key: str
    title: str
    # "done", "to_do", "cannot_start" or "not_needed".
    state: str
    status: str
    moment: dt.datetime | None = None
    who: str = ""
    lines: list[str] = field(default_factory=list)
    blocked_by: str = ""
    url: str = ""

    @property
    def has_hint(self) -> bool:
        return bool(self.moment or self.lines or self.blocked_by)


def _who(person: Any) -> str:
    return str(person) if person else ""


def case_steps(
    case: EngageCase, state: CaseState, *, show_advice: bool, actions: CaseActions | None = None
) -> list[Step]:
    """The steps of a case in order, with the gate of each step that cannot start yet (M4–M6, M10).

    The announcement cannot start until the PCC has been told in person (M6);
    the formal letter not before HMCI's decision, then not before the PCC is told.
    The advice step is included only for those who may read the advice.
    """
    actions = actions or CaseActions()
    declined, decided, told, announced = state.declined, state.decided, state.told, state.announced
    letter = state.letter
    pk = case.pk

    def link(allowed: bool, name: str) -> str:
        return reverse(f"monitoring:{name}", kwargs={"pk": pk}) if allowed else ""

    def pending(key: str, title: str, blocked_by: str = "", url: str = "") -> Step:
        if declined:
            return Step(key, title, "not_needed", _("Not needed"))
        if case.historical:
            return Step(key, title, "not_needed", _("Not recorded"))
        if blocked_by:
            return Step(key, title, "cannot_start", _("Cannot start yet"), blocked_by=blocked_by)
        return Step(key, title, "to_do", _("Not yet started"), lines=[_by(key)], url=url)

    steps: list[Step] = []
    if show_advice and not case.historical:
        steps.append(
            Step(
                "advice",
                _("The HMI's advice to HM Chief Inspector"),
                "done",
                _("Completed"),
                case.advised_at,
                _who(case.advised_by),
            )
        )
    if decided:
        outcome = _("Place in Engage") if case.decision_engage else _("Do not place in Engage: stays in Scan")
        steps.append(
            Step(
                "decision",
                _("HM Chief Inspector's decision"),
                "done",
                _("Completed"),
                case.decided_at,
                _who(case.decided_by),
                [outcome],
            )
        )
    elif case.historical:
        steps.append(Step("decision", _("HM Chief Inspector's decision"), "not_needed", _("Not recorded")))
    else:
        steps.append(
            Step(
                "decision",
                _("HM Chief Inspector's decision"),
                "to_do",
                _("Waiting for the decision"),
                lines=[_by("decision")],
                url=link(actions.decide, "case-decide"),
            )
        )
    told_title = _("The HMI tells the PCC in person")
    if told:
        how = services.PCC_INFORMED_HOW.get(case.pcc_informed_how, case.pcc_informed_how)
        steps.append(
            Step(
                "pcc_informed",
                told_title,
                "done",
                _("Completed"),
                case.pcc_informed_at,
                "",
                [
                    f"{case.pcc_informed_person}, {how[:1].lower()}{how[1:]}"
                    if how
                    else case.pcc_informed_person
                ],
            )
        )
    else:
        steps.append(
            pending(
                "pcc_informed",
                told_title,
                "" if decided else _("HM Chief Inspector must decide first"),
                link(actions.pcc_informed, "case-pcc-informed"),
            )
        )
    announce_title = _("Announce the decision publicly")
    if announced:
        steps.append(
            Step(
                "announce",
                announce_title,
                "done",
                _("Completed"),
                case.announced_at,
                _who(case.announced_by),
            )
        )
    else:
        steps.append(
            pending(
                "announce",
                announce_title,
                "" if told else _("the PCC must be told in person first"),
                link(actions.announce, "case-announce"),
            )
        )
    letter_title = _("Send the formal letter to the chief officer and the PCC")
    if letter is not None:
        steps.append(
            Step(
                "letter",
                letter_title,
                "done",
                _("Completed"),
                letter.sent_at,
                _who(letter.sent_by),
            )
        )
    else:
        gate = ""
        if not decided:
            gate = _("HM Chief Inspector must decide first")
        elif not told:
            gate = _("the PCC must be told in person first")
        steps.append(pending("letter", letter_title, gate, link(actions.letter, "case-letter")))
    exit_title = _("Leave Engage and return to Scan")
    if state.exited:
        steps.append(Step("exit", exit_title, "done", _("Completed"), case.exited_at, _who(case.exited_by)))
    elif declined:
        steps.append(Step("exit", exit_title, "not_needed", _("Not needed")))
    elif not announced:
        steps.append(
            Step(
                "exit",
                exit_title,
                "cannot_start",
                _("Cannot start yet"),
                blocked_by=_("the decision must be announced first"),
            )
        )
    else:
        steps.append(
            Step(
                "exit",
                exit_title,
                "to_do",
                _("In Engage"),
                lines=[_by("exit")],
                url=link(actions.exit, "case-exit"),
            )
        )
    return steps


def _related(case: EngageCase, name: str) -> Any:
    """A one-to-one row of the case (letter, period, toolkit sending), or None."""
    try:
        return getattr(case, name)
    except ObjectDoesNotExist:
        return None


# --- Fetching -----------------------------------------------------------------------------------------


def _area_for_user(request: HttpRequest, pk: int, at: dt.datetime) -> Organisation:
    """A force or FRS whose monitoring page the person may open; otherwise 404 and an audit row."""
    area = Organisation.objects.filter(pk=pk, kind__in=AREA_KINDS).first()
    if area is None or not may_see_area(request.user, area, at):
        raise not_found(request, object_type=AREA_TYPE, object_id=pk)
    return area


# What the case page names of each step, read with the case in one query (the letter's PDF left behind).
CASE_STEPS_RELATED = ("letter", "letter__sent_by", "toolkit_sending", *CASE_PEOPLE)


def _case_url(case: EngageCase) -> str:
    return reverse("monitoring:case", kwargs={"pk": case.pk})


# --- Workspace and area -----------------------------------------------------------------------------


@dataclass
class AreaRow:
    area: Organisation
    in_engage: bool
    yours: bool
    # The live case the person may see, otherwise the latest one (exited or declined), and its state.
    case: EngageCase | None = None
    state: CaseState | None = None


_STEPS = list(CaseStep)
WORKSPACE_SORTING = Sorting(
    [
        Column(
            "area",
            _("Force or FRS"),
            value=lambda row: (not row.yours, row.area.kind != AREA_KINDS[0], row.area.name),
        ),
        Column("status", _("Status today"), value=lambda row: row.in_engage, first="desc"),
        Column(
            "case", _("Engage case"), value=lambda row: _STEPS.index(row.state.step) if row.state else None
        ),
    ],
    default="area",
)


@login_required
@require_GET
def workspace(request: HttpRequest) -> HttpResponse:
    """M2: every area HMICFRS works with (its own first), or an office's own areas, Scan or Engage today."""
    now = timezone.now()
    today = timezone.localdate(now)
    v = access.viewer(request.user, now)
    if v.apcc and not v.hmicfrs:
        return redirect("monitoring:tracker")
    areas = Organisation.objects.filter(kind__in=AREA_KINDS).order_by(*AREA_ORDER)
    if not v.hmicfrs:
        areas = areas.filter(pk__in=v.office_area_ids)
    engaged = set(shown_periods(request.user, now).in_force(today).values_list("area_id", flat=True))
    yours = v.hmicfrs_area_ids if v.hmicfrs else v.office_area_ids
    rows = {area.pk: AreaRow(area, area.pk in engaged, area.pk in yours) for area in areas}
    # Each area's live case, otherwise its latest: picked in the database, one row an area.
    cases = selectors.workspace_cases(request.user, now, None if v.hmicfrs else list(rows))
    for area_id, case in cases.items():
        row = rows.get(area_id)
        if row is not None:
            row.case, row.state = case, state_at(case, now)
    # Forces then FRSs by name; a column chosen sorts on it, equal rows keeping that order (a stable sort).
    # The area column puts the person's own areas first (HMICFRS: `yours` is false for no one else).
    ordered, sort = WORKSPACE_SORTING.sort_rows(request, rows.values())
    return render(
        request,
        "monitoring/cases/workspace.html",
        {
            "rows": ordered,
            "sort": sort,
            "hmicfrs": v.hmicfrs,
            "yours_count": sum(row.yours for row in ordered) if v.hmicfrs else 0,
            "engage_count": sum(row.in_engage for row in ordered),
            "today": today,
        },
    )


# The times in Engage the area page lists before "Show all" (at ten times the real size an area has
# some 17, against 2 at the real size).
AREA_HISTORY = 5


@login_required
@require_GET
def area(request: HttpRequest, pk: int) -> HttpResponse:
    """One area's monitoring: status now, Engage history (M10), routine concerns (M3), the live case."""
    now = timezone.now()
    today = timezone.localdate(now)
    user = request.user
    area = _area_for_user(request, pk, now)
    # M10: the history is kept and only grows; the most recent times are shown unless all are asked for.
    all_history = request.GET.get("history") == "all"
    shown = shown_periods(user, now, area)
    history = shown.order_by("-starts_on", "-pk")
    periods = list(history if all_history else history[: AREA_HISTORY + 1])
    more_history = len(periods) > AREA_HISTORY and not all_history
    periods = periods if all_history else periods[:AREA_HISTORY]
    # The cases of the periods shown, and any not left (the live one, or one HMCI declined).
    cases = [
        (case, state_at(case, now))
        for case in EngageCase.objects.visible_to(user, now)
        .filter(area=area)
        .filter(Q(pk__in=[period.case_id for period in periods]) | ~Q(exited_at__lte=now))
        .select_related("area", "period", "letter", "letter__sent_by", "toolkit_sending", *CASE_PEOPLE)
        .defer("letter__pdf")
        .order_by("-advised_at", "-pk")
    ]
    visible_ids = {case.pk for case, _ in cases}
    live, live_state = next(((case, state) for case, state in cases if state.live), (None, None))
    meetings: list[Any] = []
    actions: list[Any] = []
    steps: list[Step] = []
    if live is not None:
        steps = case_steps(live, live_state, show_advice=access.can_see_advice(user, live, now))
        meetings = list(
            access.meetings_visible_to(user, now).filter(case=live).order_by("scheduled_for", "pk")
        )
        actions = list(
            access.actions_visible_to(user, now)
            .filter(meeting__case=live)
            .select_related("meeting", "owner")
            .order_by("meeting__scheduled_for", "pk")
        )
    # An area's periods do not overlap (monitoring.selectors), so the only one that can be in force today is
    # the latest to have started, which is among the newest read above unless every one of those starts in
    # the future: the database is asked again only then, so the page's queries do not follow its history.
    started = [period for period in periods if period.starts_on is None or period.starts_on <= today]
    if started:
        in_engage = max(started, key=lambda period: period.starts_on or dt.date.min).in_force_on(today)
    else:
        in_engage = more_history and shown.in_force(today).exists()
    return render(
        request,
        "monitoring/cases/area.html",
        {
            "area": area,
            "in_engage": in_engage,
            "history": [{"period": p, "visible": p.case_id in visible_ids} for p in periods],
            "more_history": more_history,
            "declined": [case for case, state in cases if state.declined],
            "concerns": list(concerns_for_area(user, area, now)),
            "live": live,
            "live_state": live_state,
            "steps": steps,
            "meetings": meetings,
            "actions": actions,
            "can": area_actions(user, area, has_live_case=live is not None, at=now),
            "register": may_read_register(user, area, now),
        },
    )


def concerns_for_area(user: Any, area: Organisation, at: dt.datetime) -> QuerySet:
    return (
        access.concerns_visible_to(user, at)
        .filter(area=area)
        .select_related("raised_by")
        .order_by("-raised_at", "-pk")
    )


# --- Routine concerns (M3) --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def concern_new(request: HttpRequest, pk: int) -> HttpResponse:
    """M3: the HMI for the area tells the chief and the PCC of a concern in one notice."""
    now = timezone.now()
    area = _area_for_user(request, pk, now)
    return form_page(
        request,
        form=ConcernForm(posted(request)),
        template="monitoring/cases/concern_form.html",
        context={"area": area},
        perform=lambda data: services.concern_raise(
            area=area, summary=data["summary"], text=data["text"], by=request.user
        ),
        done=gettext("Concern sent to the chief officer and the PCC at the same moment."),
        then=lambda concern: reverse("monitoring:concern", kwargs={"pk": concern.pk}),
    )


def _concern_context(request: HttpRequest, concern: RoutineConcern, at: dt.datetime) -> dict[str, Any]:
    notice = concern.notice
    return {
        "concern": concern,
        "area": concern.area,
        "notice": notice,
        "recipients": list(notice.recipients.order_by("name")),
        "may_mark": may_mark_concern(request.user, concern, at),
    }


def _concern_for_user(request: HttpRequest, pk: int, at: dt.datetime) -> RoutineConcern:
    concern = access.get_concern_for_user(request, pk, at)
    # The notice and who recorded the PCC's answer, with the concern (get_concern_for_user fetches the area).
    return RoutineConcern.objects.select_related("area", "raised_by", "notice", "pcc_marked_by").get(
        pk=concern.pk
    )


def _concern_mark_form(request: HttpRequest, concern: RoutineConcern) -> ConcernMarkForm:
    initial = {}
    if concern.pcc_marked_at is not None:
        initial = {
            "passed_to_apcc": "yes" if concern.passed_to_apcc else "no",
            "support_requested": "yes" if concern.support_requested else "no",
            "note": concern.pcc_note,
        }
    return ConcernMarkForm(posted(request), initial=initial)


@login_required
@require_GET
def concern(request: HttpRequest, pk: int) -> HttpResponse:
    """M3: the concern as the chief and the PCC received it (one notice, one moment), and the PCC's answer."""
    now = timezone.now()
    concern = _concern_for_user(request, pk, now)
    context = _concern_context(request, concern, now)
    context["form"] = _concern_mark_form(request, concern) if context["may_mark"] else None
    return render(request, "monitoring/cases/concern.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def concern_mark(request: HttpRequest, pk: int) -> HttpResponse:
    """M3: the PCC's office records whether it passed the concern to the APCC or asked for support."""
    now = timezone.now()
    concern = _concern_for_user(request, pk, now)
    return form_page(
        request,
        form=_concern_mark_form(request, concern),
        template="monitoring/cases/concern_mark.html",
        context=_concern_context(request, concern, now),
        perform=lambda data: services.concern_mark(
            concern=concern,
            passed_to_apcc=data["passed_to_apcc"],
            support_requested=data["support_requested"],
            note=data["note"],
            by=request.user,
        ),
        done=gettext("Your answer has been recorded."),
        then=reverse("monitoring:concern", kwargs={"pk": concern.pk}),
        instance=concern,
    )


# --- The Engage case ----------------------------------------------------------------------------------------


def advice_findings(user: Any, area: Organisation, at: dt.datetime) -> QuerySet:
    """Causes of concern of the area in reports the person may see, to link a cause to (M1)."""
    return (
        access.findings_visible_to(user, at)
        .filter(area=area, kind=FindingKind.CAUSE_OF_CONCERN)
        .order_by("-report__publication_at", "reference")
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest, pk: int) -> HttpResponse:
    """M4: the HMI for the area advises HM Chief Inspector, with the evidence and the causes of concern."""
    now = timezone.now()
    area = _area_for_user(request, pk, now)
    form = AdviceForm(posted(request), findings=advice_findings(request.user, area, now))
    return form_page(
        request,
        form=form,
        template="monitoring/cases/advise.html",
        context={"area": area},
        perform=lambda data: services.case_advise(
            area=area,
            advice=data["advice"],
            evidence=data["evidence"],
            causes=form.causes(),
            by=request.user,
        ),
        done=gettext("Your advice has been sent to HM Chief Inspector."),
        then=_case_url,
    )


@login_required
@require_GET
def case(request: HttpRequest, pk: int) -> HttpResponse:
    """M4–M10: the case, its steps with their gates, causes, meetings, plans and the toolkit."""
    now = timezone.now()
    today = timezone.localdate(now)
    user = request.user
    case = access.get_case_for_user(request, pk, now, related=CASE_STEPS_RELATED, deferred=("letter__pdf",))
    show_advice = access.can_see_advice(user, case, now)
    see_letter = access.can_see_letter_and_plans(user, case, now)
    actions = case_actions(user, case, now)
    causes = list(EngageCause.objects.filter(case=case).select_related("finding").order_by("position", "pk"))
    linked = [cause.finding_id for cause in causes if cause.finding_id]
    findings = (
        set(access.findings_visible_to(user, now).filter(pk__in=linked).values_list("pk", flat=True))
        if linked
        else set()
    )
    meetings = list(access.meetings_visible_to(user, now).filter(case=case).order_by("scheduled_for", "pk"))
    plans = (
        list(
            access.plans_visible_to(user, now)
            .filter(case=case)
            .select_related("submitted_by")
            .defer("content")
            .order_by("-version")
        )
        if see_letter
        else []
    )
    if case.announced_at is None or case.announced_at > now:
        # Not yet public: each reading is on the audit trail, as for other embargoed records.
        audit_record(action=AuditAction.VIEW, obj=case, request=request, detail={"advice_shown": show_advice})
    period = _related(case, "period")
    state = state_at(case, now)
    return render(
        request,
        "monitoring/cases/case.html",
        {
            "case": case,
            "area": case.area,
            "state": state,
            "in_engage": period is not None and period.in_force_on(today),
            "period": period,
            "steps": case_steps(case, state, show_advice=show_advice, actions=actions),
            "show_advice": show_advice,
            "see_letter": see_letter,
            "causes": [{"cause": c, "linked": c.finding_id in findings} for c in causes],
            "meetings": meetings,
            "plans": plans,
            "can": actions,
            "pcc_informed_how": services.PCC_INFORMED_HOW.get(case.pcc_informed_how, ""),
        },
    )


def _step_page(
    request: HttpRequest,
    case: EngageCase,
    *,
    form: Any,
    template: str,
    perform: Any,
    done: str,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    return form_page(
        request,
        form=form,
        template=f"monitoring/cases/{template}",
        context={"case": case, "area": case.area, **(context or {})},
        perform=perform,
        done=done,
        then=_case_url(case),
        instance=case,
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """M4: HM Chief Inspector decides, with reasons (the service refuses anyone else)."""
    now = timezone.now()
    case = access.get_case_for_user(request, pk, now)
    return _step_page(
        request,
        case,
        form=DecisionForm(posted(request)),
        template="decide.html",
        context={"show_advice": access.can_see_advice(request.user, case, now)},
        perform=lambda data: services.case_decide(
            case=case, engage=data["engage"], reasons=data["reasons"], by=request.user
        ),
        done=gettext("Your decision has been recorded and sent to the HMI."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_pcc_informed(request: HttpRequest, pk: int) -> HttpResponse:
    """M6: the HMI records telling the PCC in person: who, when (London time) and how."""
    now = timezone.now()
    case = access.get_case_for_user(request, pk, now)
    return _step_page(
        request,
        case,
        form=PccInformedForm(posted(request)),
        template="pcc_informed.html",
        perform=lambda data: services.case_record_pcc_informed(
            case=case,
            person_told=data["person_told"],
            told_at=data["told_at"],
            how=data["how"],
            by=request.user,
        ),
        done=gettext("Recorded that the PCC was told. The decision can now be announced."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_announce(request: HttpRequest, pk: int) -> HttpResponse:
    """M5, M6: the public announcement, never before the PCC was told (the service refuses)."""
    now = timezone.now()
    case = access.get_case_for_user(request, pk, now)
    return _step_page(
        request,
        case,
        form=AnnounceForm(posted(request)),
        template="announce.html",
        perform=lambda data: services.case_announce(
            case=case, announcement=data["announcement"], by=request.user
        ),
        done=gettext("The decision has been announced and is now public."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """M6: confirm and send the formal letter to the chief officer and the PCC; kept exactly as sent."""
    now = timezone.now()
    case = access.get_case_for_user(request, pk, now)
    if not access.can_see_letter_and_plans(request.user, case, now):
        raise not_found(request, object_type="monitoring.engageletter", object_id=f"case:{pk}")
    letter = EngageLetter.objects.filter(case=case).select_related("sent_by").defer("pdf").first()
    preview = letter_context(case, sent_by=request.user, now=now) if letter is None else None
    return _step_page(
        request,
        case,
        form=LetterForm(posted(request)),
        template="letter.html",
        context={
            "letter": letter,
            "preview": preview,
            "may_send": case_actions(request.user, case, now).letter,
        },
        perform=lambda data: services.case_send_letter(case=case, by=request.user),
        done=gettext("The formal letter has been sent to the chief officer and the PCC."),
    )


@login_required
@require_GET
def case_letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """M6: the formal letter as sent, for HMICFRS for the area and the area's offices; always a download."""
    now = timezone.now()
    case = access.get_case_for_user(request, pk, now)
    letter = EngageLetter.objects.filter(case=case, sent_at__lte=now).first()
    if letter is None or not access.can_see_letter_and_plans(request.user, case, now):
        raise not_found(request, object_type="monitoring.engageletter", object_id=f"case:{pk}")
    audit_record(action=AuditAction.DOWNLOAD, obj=letter, request=request)
    response = HttpResponse(bytes(letter.pdf), content_type="application/pdf")
    name = slugify(case.area.name)[:80] or f"case-{case.pk}"
    response["Content-Disposition"] = f'attachment; filename="engage-letter-{name}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def case_exit(request: HttpRequest, pk: int) -> HttpResponse:
    """M10: HM Chief Inspector decides the exit with reasons; the area returns to Scan, the history kept."""
    now = timezone.now()
    case = access.get_case_for_user(request, pk, now)
    return _step_page(
        request,
        case,
        form=ExitForm(posted(request)),
        template="exit.html",
        perform=lambda data: services.case_exit(
            case=case,
            reasons=data["reasons"],
            improvements=data["improvements"],
            by=request.user,
        ),
        done=gettext("The force or FRS has left Engage and is back in Scan."),
    )
