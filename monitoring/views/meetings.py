"""PPOG (police) and FPOG (fire) meetings: scheduling, the APCC's deputy, the record of the meeting,
its actions, and the written follow-up of an offer of assistance (M4, M7, M9, D6).

Thin views: every record is fetched through monitoring.access (404 and a DENIED audit row when it
is not visible), every change goes through monitoring.services. A form page is shown (GET) only to
those who may act (403 for others who may see the record); a POST always goes to the service, whose
refusal is shown on the form with nothing changed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from contacts.models import (
    APCC_ROLES,
    CHIEF_OFFICE_ROLES,
    OFFICE_ROLES,
    Appointment,
    Organisation,
    OrganisationKind,
    Role,
    User,
)
from contacts.selectors import (
    governing_body_of_area,
    hmis_for_area,
    holders_of,
    office_of_area,
)
from hmicfrs_mou.deadlines import due_day
from hmicfrs_mou.form_pages import form_page, posted
from hmicfrs_mou.forms import add_service_errors
from monitoring import access, services
from monitoring.forms_meetings import (
    ActionForm,
    DeputyForm,
    FollowUpForm,
    KnownAttendee,
    MeetingHeldForm,
    MeetingScheduleForm,
)
from monitoring.models import FollowUp, MeetingAction, OversightMeeting

# Bodies beside the area's own that may own an action or attend a meeting.
NATIONAL_KINDS = (OrganisationKind.HOME_OFFICE, OrganisationKind.IOPC, OrganisationKind.COLLEGE_OF_POLICING)
_RULE_PREFIX = re.compile(r"^[A-Z]\d+:\s*")


# --- Shared helpers (the plans and register pages use them too) ---------------------------------------


def may(check: Callable[[], None]) -> bool:
    """Whether an access.require_* check passes (it raises the refusal a service would)."""
    try:
        check()
    except ValidationError:
        return False
    return True


def require_on_get(request: HttpRequest, check: Callable[[], None]) -> None:
    """A form page is offered only to those who may act (403); a POST goes to the service, which refuses."""
    if request.method != "POST" and not may(check):
        raise PermissionDenied("You cannot do this.")


def plain_working(text: str) -> str:
    """A deadline's working without the rule id it starts with (rule ids stay out of pages)."""
    return _RULE_PREFIX.sub("", text)


def day_label(day: dt.date) -> str:
    """'Friday 10 April 2026'."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def meeting_url(meeting: OversightMeeting) -> str:
    return reverse("monitoring:meeting", kwargs={"pk": meeting.pk})


def action_url(action: MeetingAction) -> str:
    return reverse("monitoring:action", kwargs={"pk": action.pk})


def meeting_organisations(area: Organisation, on: dt.date) -> QuerySet:
    """The area, the office of its PCC (or governing body), the APCC, HMICFRS and the national bodies."""
    office = office_of_area(area, on) or governing_body_of_area(area, on)
    own = [area.pk] + ([office.pk] if office else [])
    kinds = (OrganisationKind.APCC, OrganisationKind.HMICFRS, *NATIONAL_KINDS)
    return (
        Organisation.objects.filter(Q(pk__in=own) | Q(kind__in=kinds))
        .annotate(
            place=Case(
                When(pk=area.pk, then=Value(0)),
                When(pk__in=own, then=Value(1)),
                When(kind=OrganisationKind.APCC, then=Value(2)),
                When(kind=OrganisationKind.HMICFRS, then=Value(3)),
                default=Value(4),
                output_field=IntegerField(),
            )
        )
        .order_by("place", "name")
    )


def known_attendees(area: Organisation, on: dt.date) -> list[KnownAttendee]:
    """People with a login who may attend: the chief's office, the PCC's office, the HMI(s), the APCC.

    Membership comes from contacts.selectors; one more query labels each person with their role.
    """
    office = office_of_area(area, on) or governing_body_of_area(area, on)
    national = {
        o.kind: o
        for o in Organisation.objects.filter(kind__in=[OrganisationKind.HMICFRS, OrganisationKind.APCC])
    }
    groups: list[tuple[Organisation, list[User]]] = [(area, holders_of(CHIEF_OFFICE_ROLES, on, [area]))]
    if office is not None:
        groups.append((office, holders_of(OFFICE_ROLES, on, [office])))
    hmicfrs = national.get(OrganisationKind.HMICFRS)
    if hmicfrs is not None:
        groups.append((hmicfrs, hmis_for_area(area, on)))
    apcc = national.get(OrganisationKind.APCC)
    if apcc is not None:
        groups.append((apcc, holders_of(APCC_ROLES, on, [apcc])))
    people = {person.pk for _, members in groups for person in members}
    roles: dict[tuple[int, int], str] = {}
    for person_id, organisation_id, role in (
        Appointment.objects.in_force(on)
        .filter(person_id__in=people, organisation_id__in=[org.pk for org, _ in groups])
        .order_by("starts_on", "pk")
        .values_list("person_id", "organisation_id", "role")
    ):
        # Stored with the meeting as its record of who came in what capacity: in the source language.
        with translation.override(settings.LANGUAGE_CODE):
            roles.setdefault((person_id, organisation_id), str(Role(role).label))
    known = []
    for organisation, members in groups:
        for person in members:
            capacity = roles.get((person.pk, organisation.pk), "")
            if organisation.kind == OrganisationKind.HMICFRS:
                capacity = f"HMI for {area.name}"
            known.append(KnownAttendee(person=person, organisation=organisation, capacity=capacity))
    return known


# --- Follow-up status of an offer of assistance (M9, D6) ------------------------------------------------


@dataclass(frozen=True)
class FollowUpStatus:
    key: str
    label: str
    colour: str


def follow_up_of(action: MeetingAction) -> FollowUp | None:
    try:
        return action.follow_up
    except FollowUp.DoesNotExist:
        return None


def _overdue(days: int) -> str:
    return ngettext("Overdue by %(days)s day", "Overdue by %(days)s days", days) % {"days": days}


def _by_the_end_of(day: dt.date) -> str:
    return gettext("by the end of %(day)s") % {"day": day_label(day)}


# Worded when the page is drawn, in the language of the page's content, as the other labels are (a page not
# yet in Welsh keeps its content English: hmicfrs_mou.language).
_overdue_label = lazy(_overdue, str)
_due_label = lazy(_by_the_end_of, str)


def follow_up_status(action: MeetingAction, now: dt.datetime) -> FollowUpStatus | None:
    """D6: awaiting, followed up on time, followed up late, or overdue by so many days."""
    if not action.offer_of_assistance or action.follow_up_due_at is None:
        return None
    follow_up = follow_up_of(action)
    if follow_up is not None:
        if follow_up.late:
            return FollowUpStatus("late", gettext_lazy("Followed up late"), "red")
        return FollowUpStatus("on_time", gettext_lazy("Followed up on time"), "green")
    if now < action.follow_up_due_at:
        return FollowUpStatus("awaiting", gettext_lazy("Awaiting follow-up"), "yellow")
    days = (timezone.localdate(now) - due_day(action.follow_up_due_at)).days
    return FollowUpStatus("overdue", _overdue_label(days), "red")


def action_row(action: MeetingAction, now: dt.datetime) -> dict[str, Any]:
    """An action with its follow-up deadline ('by the end of Friday 10 April 2026'), working and status."""
    row: dict[str, Any] = {"action": action, "follow_up": follow_up_of(action), "status": None}
    if action.offer_of_assistance and action.follow_up_due_at is not None:
        row.update(
            {
                "due_label": _due_label(due_day(action.follow_up_due_at)),
                "working": plain_working(action.follow_up_working),
                "status": follow_up_status(action, now),
            }
        )
    return row


# --- Pages ---------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest, pk: int) -> HttpResponse:
    """M4: HMICFRS staff responsible for the area schedule the PPOG/FPOG."""
    now = timezone.now()
    user = request.user
    case = access.get_case_for_user(request, pk, now)
    group = case.oversight_group
    require_on_get(request, lambda: access.require_hmicfrs_for(user, case.area, now, "schedule"))
    return form_page(
        request,
        form=MeetingScheduleForm(posted(request)),
        template="monitoring/meetings/schedule.html",
        context={"case": case, "group": group},
        perform=lambda data: services.meeting_schedule(
            case=case, scheduled_for=data["scheduled_for"], by=user
        ),
        done=gettext("The %(group)s is scheduled.") % {"group": group},
        then=meeting_url,
    )


@login_required
@require_GET
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    """The meeting, who attended, the APCC's deputies, notes and actions with each offer's follow-up (D6)."""
    now = timezone.now()
    user = request.user
    meeting = access.get_meeting_for_user(request, pk, now)
    v = access.viewer(user, now)
    held = meeting.held_on is not None
    actions = (
        access.actions_visible_to(user, now)
        .filter(meeting=meeting)
        .select_related("owner", "follow_up", "follow_up__hmci_copy_to", "follow_up__sent_to")
        .order_by("pk")
    )
    recorder = may(lambda: access.require_meeting_recorder(user, meeting, now, "record"))
    return render(
        request,
        "monitoring/meetings/meeting.html",
        {
            "meeting": meeting,
            "case": meeting.case,
            "area": meeting.case.area,
            "group": meeting.case.oversight_group,
            "attendances": meeting.attendances.select_related("organisation", "person"),
            "nominations": meeting.nominations.select_related("deputy", "nominated_by").order_by(
                "nominated_at", "pk"
            ),
            "rows": [action_row(action, now) for action in actions],
            "can": {
                "nominate": v.apcc_lead and not held,
                "record_held": recorder and not held,
                "add_action": recorder and held,
            },
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_deputy(request: HttpRequest, pk: int) -> HttpResponse:
    """M7: a joint performance portfolio lead nominates a deputy of suitable seniority for this meeting."""
    now = timezone.now()
    user = request.user
    meeting = access.get_meeting_for_user(request, pk, now)
    require_on_get(request, lambda: access.require_apcc_lead(user, now, "nominate"))
    if request.method != "POST" and meeting.held_on is not None:
        return redirect(meeting_url(meeting))
    apcc_people = [person.pk for person in holders_of(APCC_ROLES, timezone.localdate(now))]
    people = (
        User.objects.filter(pk__in=apcc_people)
        .exclude(pk=user.pk)
        .exclude(pk__in=meeting.nominations.values("deputy_id"))
        .order_by("last_name", "first_name", "username")
    )
    return form_page(
        request,
        form=DeputyForm(posted(request), people=people),
        template="monitoring/meetings/deputy.html",
        context={"meeting": meeting, "case": meeting.case, "group": meeting.case.oversight_group},
        perform=lambda data: services.deputy_nominate(meeting=meeting, deputy=data["deputy"], by=user),
        done=gettext("The deputy is nominated for this meeting and has been told."),
        then=meeting_url(meeting),
        instance=meeting,
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_held(request: HttpRequest, pk: int) -> HttpResponse:
    """M7: record the meeting as held; refused (nothing written) without the APCC lead or a nominated deputy."""
    now = timezone.now()
    user = request.user
    meeting = access.get_meeting_for_user(request, pk, now)
    require_on_get(request, lambda: access.require_meeting_recorder(user, meeting, now, "record"))
    if request.method != "POST" and meeting.held_on is not None:
        return redirect(meeting_url(meeting))
    area = meeting.case.area
    on = timezone.localdate(now)
    form = MeetingHeldForm(
        posted(request), known=known_attendees(area, on), organisations=meeting_organisations(area, on)
    )
    return form_page(
        request,
        form=form,
        template="monitoring/meetings/held.html",
        context={
            "meeting": meeting,
            "case": meeting.case,
            "group": meeting.case.oversight_group,
            "deputies": meeting.nominations.select_related("deputy").order_by("nominated_at", "pk"),
        },
        perform=lambda data: services.meeting_record_held(
            meeting=meeting,
            held_on=data["held_on"],
            attendances=form.attendance_inputs(),
            notes=data["notes"],
            by=user,
        ),
        done=gettext("The meeting is recorded as held."),
        then=meeting_url(meeting),
        instance=meeting,
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_new(request: HttpRequest, pk: int) -> HttpResponse:
    """An action of a held meeting; an offer of assistance gets its follow-up deadline (M9, D6)."""
    now = timezone.now()
    user = request.user
    meeting = access.get_meeting_for_user(request, pk, now)
    require_on_get(request, lambda: access.require_meeting_recorder(user, meeting, now, "record"))
    owners = meeting_organisations(meeting.case.area, timezone.localdate(now))
    return form_page(
        request,
        form=ActionForm(posted(request), owners=owners),
        template="monitoring/meetings/action_form.html",
        context={"meeting": meeting, "case": meeting.case, "group": meeting.case.oversight_group},
        perform=lambda data: services.action_add(
            meeting=meeting,
            text=data["text"],
            owner=data["owner"],
            offer_of_assistance=data["offer_of_assistance"],
            by=user,
        ),
        done=gettext("The action is recorded."),
        then=meeting_url(meeting),
        instance=meeting,
    )


def _lead_or_deputy(user: Any, meeting: OversightMeeting, now: dt.datetime) -> bool:
    return may(lambda: access.require_apcc_lead_or_deputy(user, meeting, now, "follow up"))


@login_required
@require_GET
def action(request: HttpRequest, pk: int) -> HttpResponse:
    """An action, its follow-up deadline with the working, and the follow-up if sent (M9, D6)."""
    now = timezone.now()
    user = request.user
    action = access.get_action_for_user(request, pk, now)
    follow_up = (
        FollowUp.objects.filter(action=action).select_related("sent_to", "hmci_copy_to", "sent_by").first()
    )
    row = action_row(action, now)
    row["follow_up"] = follow_up
    meeting = action.meeting
    return render(
        request,
        "monitoring/meetings/action.html",
        {
            "row": row,
            "action": action,
            "follow_up": follow_up,
            "meeting": meeting,
            "case": meeting.case,
            "group": meeting.case.oversight_group,
            "can_follow_up": action.offer_of_assistance
            and follow_up is None
            and _lead_or_deputy(user, meeting, now),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    """M9: the written follow-up to the PCC's office, copied to HMCI; late after the D6 deadline."""
    now = timezone.now()
    user = request.user
    action = access.get_action_for_user(request, pk, now)
    meeting = action.meeting
    require_on_get(request, lambda: access.require_apcc_lead_or_deputy(user, meeting, now, "follow up"))
    if request.method != "POST" and (not action.offer_of_assistance or action.followed_up):
        return redirect(action_url(action))
    hmci = holders_of((Role.HMCI,), timezone.localdate(now))
    form = FollowUpForm(posted(request), hmci_name=str(hmci[0]) if hmci else "")
    if request.method == "POST" and form.is_valid():
        try:
            follow_up = services.follow_up_send(
                action=action,
                text=form.cleaned_data["text"],
                copy_to_hmci=form.cleaned_data["copy_to_hmci"],
                by=user,
            )
        except ValidationError as error:
            action.refresh_from_db()
            add_service_errors(form, error)
        else:
            sent = (
                gettext(
                    "The follow-up is sent to %(office)s, with a copy to HM Chief Inspector. It was sent late."
                )
                if follow_up.late
                else gettext(
                    "The follow-up is sent to %(office)s, with a copy to HM Chief Inspector. It was sent on time."
                )
            )
            messages.success(request, sent % {"office": follow_up.sent_to})
            return redirect(action_url(action))
    return render(
        request,
        "monitoring/meetings/follow_up.html",
        {
            "form": form,
            "row": action_row(action, now),
            "action": action,
            "meeting": meeting,
            "case": meeting.case,
            "group": meeting.case.oversight_group,
            "office": office_of_area(meeting.case.area, timezone.localdate(now)),
        },
    )
