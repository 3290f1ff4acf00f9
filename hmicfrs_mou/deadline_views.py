"""Pages of the deadline engine: my deadlines, the inbox, the calendar feed and the health page."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import ClassVar
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from contacts.models import User
from contacts.selectors import organisations_acted_for, people_acting_for
from hmicfrs_mou.access import holds
from hmicfrs_mou.audit import audit_record
from hmicfrs_mou.calendar_feed import build_calendar, organisation_events, person_events
from hmicfrs_mou.form_pages import posted
from hmicfrs_mou.forms import GovukFormMixin
from hmicfrs_mou.models import (
    LIVE_STATES,
    AuditAction,
    Deadline,
    DeadlineState,
    InboxMessage,
    Preferences,
    Reminder,
    ReminderStatus,
    SweepRun,
    SweepState,
)
from hmicfrs_mou.permissions import Perm
from hmicfrs_mou.reminders import SWEEP_LIFETIME
from hmicfrs_mou.unread import forget_unread_count

SOON = dt.timedelta(days=30)
# The sweep runs every minute; three silent minutes means the worker has stopped.
HEARTBEAT_STALE = dt.timedelta(minutes=3)


@login_required
@require_safe
def my_deadlines(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    mine = Deadline.objects.for_person(request.user).prefetch_related("changes")
    tab = request.GET.get("show", "soon")
    if tab == "overdue":
        deadlines = mine.filter(state__in=LIVE_STATES, due_at__lte=now).order_by("due_at")
    elif tab == "done":
        deadlines = mine.filter(state__in=[DeadlineState.MET, DeadlineState.WAIVED]).order_by("-due_at")
    else:
        tab = "soon"
        deadlines = mine.filter(state__in=LIVE_STATES, due_at__gt=now).order_by("due_at")
    counts = Deadline.objects.for_person(request.user).aggregate(
        overdue=Count("pk", filter=Q(state__in=LIVE_STATES, due_at__lte=now), distinct=True),
        soon=Count(
            "pk", filter=Q(state__in=LIVE_STATES, due_at__gt=now, due_at__lte=now + SOON), distinct=True
        ),
    )
    page = Paginator(deadlines, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "deadlines/mine.html",
        {"page_obj": page, "tab": tab, "counts": counts, "now": now, "querystring": f"show={tab}"},
    )


REMINDER_KIND = "reminder"


class InboxFilterForm(GovukFormMixin, forms.Form):
    """The inbox's filters, from the query string (GOV.UK "filter a list")."""

    show = forms.ChoiceField(
        label=_("Messages"),
        required=False,
        choices=[("", _("Read and unread")), ("unread", _("Unread only"))],
    )
    kind = forms.ChoiceField(
        label=_("Kind of message"),
        required=False,
        choices=[
            ("", _("Reminders and notices")),
            ("reminders", _("Reminders")),
            ("notices", _("Notices")),
        ],
    )


@login_required
@require_safe
def inbox(request: HttpRequest) -> HttpResponse:
    """The person's messages, newest first, filtered by unread and by kind (reminders or notices)."""
    form = InboxFilterForm(request.GET or None)
    found = InboxMessage.objects.filter(user=request.user)
    filters = {}
    if form.is_valid():
        filters = {name: value for name, value in form.cleaned_data.items() if value}
    if filters.get("show") == "unread":
        found = found.filter(read_at__isnull=True)
    if filters.get("kind") == "reminders":
        found = found.filter(kind=REMINDER_KIND)
    elif filters.get("kind") == "notices":
        found = found.exclude(kind=REMINDER_KIND)
    page = Paginator(found, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "deadlines/inbox.html",
        {"page_obj": page, "form": form, "filtered": bool(filters), "querystring": urlencode(filters)},
    )


@login_required
@require_safe
def inbox_message(request: HttpRequest, pk: int) -> HttpResponse:
    message = InboxMessage.objects.filter(user=request.user, pk=pk).first()
    if message is None:
        raise Http404("No such message.")
    if message.read_at is None:
        InboxMessage.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=timezone.now())
        forget_unread_count(request.user)
    return render(request, "deadlines/inbox_message.html", {"message": message})


@login_required
@require_POST
def inbox_mark_all_read(request: HttpRequest) -> HttpResponse:
    count = InboxMessage.objects.filter(user=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    messages.success(
        request,
        ngettext("%(count)s message marked as read.", "%(count)s messages marked as read.", count)
        % {"count": count},
    )
    return redirect("inbox")


class PreferencesForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = Preferences
        fields: ClassVar = ["calendar_alarm_days"]
        widgets: ClassVar = {"calendar_alarm_days": forms.RadioSelect}


class EmailPreferencesForm(GovukFormMixin, forms.ModelForm):
    daily_digest = forms.TypedChoiceField(
        label="How do you want to get emails from the portal?",
        choices=[("false", "Each one as it is sent"), ("true", "One email each morning at 8am")],
        coerce=lambda value: value == "true",
        widget=forms.RadioSelect,
        help_text="Reminders on the day something is due, and when it is overdue, always come straight away.",
        error_messages={
            "required": "Choose how you want to get emails.",
            "invalid_choice": "Choose how you want to get emails.",
        },
    )

    class Meta:
        model = Preferences
        fields: ClassVar = ["daily_digest"]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def email_settings(request: HttpRequest) -> HttpResponse:
    preferences = Preferences.of(request.user)
    form = EmailPreferencesForm(
        posted(request),
        instance=preferences,
        initial={"daily_digest": "true" if preferences.daily_digest else "false"},
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your email choice has been saved.")
        return redirect("email-settings")
    return render(request, "deadlines/email.html", {"form": form})


def _feed_addresses(request: HttpRequest, user: User) -> list[dict[str, str]]:
    """The person's own address and one per organisation they act for now (checked again at each use)."""
    token = user.calendar_token
    if not token:
        return []
    feeds = [
        {
            "name": "Your deadlines and the moments you plan around",
            "url": request.build_absolute_uri(reverse("calendar-feed", kwargs={"token": token})),
        }
    ]
    for organisation in organisations_acted_for(user).order_by("name"):
        feeds.append(
            {
                "name": f"Everyone's deadlines at {organisation.name}",
                "url": request.build_absolute_uri(
                    reverse(
                        "calendar-feed-organisation", kwargs={"token": token, "organisation": organisation.pk}
                    )
                ),
            }
        )
    return feeds


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def calendar_settings(request: HttpRequest) -> HttpResponse:
    preferences = Preferences.of(request.user)
    form = PreferencesForm(posted(request), instance=preferences)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your calendar alerts have been saved.")
        return redirect("calendar-settings")
    return render(
        request,
        "deadlines/calendar.html",
        {"feeds": _feed_addresses(request, request.user), "form": form},
    )


@login_required
@require_POST
def calendar_regenerate(request: HttpRequest) -> HttpResponse:
    """A new secret address; the old one stops working at once."""
    User.objects.filter(pk=request.user.pk).update(calendar_token=secrets.token_urlsafe(32))
    audit_record(
        action=AuditAction.UPDATE,
        actor=request.user,
        obj=request.user,
        request=request,
        detail={"calendar_address": "new"},
    )
    messages.success(
        request, "Your calendar address has been changed. Subscriptions to the old address have stopped."
    )
    return redirect("calendar-settings")


@login_required
@require_POST
def calendar_revoke(request: HttpRequest) -> HttpResponse:
    """No address at all: every subscription stops until the person makes a new one."""
    User.objects.filter(pk=request.user.pk).update(calendar_token="")
    audit_record(
        action=AuditAction.UPDATE,
        actor=request.user,
        obj=request.user,
        request=request,
        detail={"calendar_address": "revoked"},
    )
    messages.success(
        request, "Your calendar addresses have been turned off. Subscriptions to them have stopped."
    )
    return redirect("calendar-settings")


def _feed_user(request: HttpRequest, token: str) -> User:
    """The person a feed address belongs to; every use, good or bad, is on the audit trail like a sign-in."""
    user = User.objects.filter(calendar_token=token, is_active=True).first() if len(token) >= 20 else None
    if user is None:
        audit_record(
            action=AuditAction.DENIED,
            request=request,
            object_type="calendar_feed",
            detail={"reason": "unknown calendar address"},
        )
        raise Http404
    return user


def _ics(body: bytes) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The person's deadlines and the moments they plan around, as iCalendar. The token is the only credential."""
    user = _feed_user(request, token)
    now = timezone.now()
    audit_record(
        action=AuditAction.CALENDAR_FEED,
        actor=user,
        request=request,
        object_type="calendar_feed",
        object_id=str(user.pk),
        detail={"feed": "person"},
    )
    body = build_calendar(
        person_events(user, now),
        name="MOU portal",
        base_url=request.build_absolute_uri("/").rstrip("/"),
        now=now,
        alarm_days=Preferences.of(user).calendar_alarm_days,
    )
    return _ics(body)


@require_safe
def calendar_feed_organisation(request: HttpRequest, token: str, organisation: int) -> HttpResponse:
    """An organisation's deadlines, for a person acting for it at the moment of each use."""
    user = _feed_user(request, token)
    org = organisations_acted_for(user).filter(pk=organisation).first()
    if org is None:
        audit_record(
            action=AuditAction.DENIED,
            actor=user,
            request=request,
            object_type="calendar_feed",
            object_id=str(organisation),
            detail={"reason": "not acting for the organisation"},
        )
        raise Http404
    now = timezone.now()
    audit_record(
        action=AuditAction.CALENDAR_FEED,
        actor=user,
        request=request,
        obj=org,
        detail={"feed": "organisation"},
    )
    body = build_calendar(
        organisation_events(user, list(people_acting_for([org])), now),
        name=f"MOU portal: {org.name}",
        base_url=request.build_absolute_uri("/").rstrip("/"),
        now=now,
        alarm_days=Preferences.of(user).calendar_alarm_days,
    )
    return _ics(body)


def _shown_state(run: SweepRun, now: dt.datetime) -> str:
    """A run still marked running after SWEEP_LIFETIME has crashed, whether or not a sweep has said so yet."""
    if run.state == SweepState.RUNNING and run.started_at < now - SWEEP_LIFETIME:
        return SweepState.CRASHED
    return run.state


@login_required
@require_safe
def health(request: HttpRequest) -> HttpResponse:
    """The sweep's heartbeat, for HMICFRS and administrators: a stopped or crashing worker shows within minutes."""
    if not holds(request.user, Perm.VIEW_SERVICE_HEALTH):
        raise PermissionDenied
    now = timezone.now()
    recent = list(SweepRun.objects.order_by("-started_at")[:10])
    for run in recent:
        run.shown_state = _shown_state(run, now)
        run.shown_state_label = SweepState(run.shown_state).label
    last = recent[0] if recent else None
    day = SweepRun.objects.filter(started_at__gte=now - dt.timedelta(days=1)).aggregate(
        runs=Count("pk"),
        sent=Count("pk", filter=Q(sent__gt=0)),
        crashed=Count("pk", filter=Q(state=SweepState.CRASHED)),
    )
    # One query for the four counts, each reading an index (reminder_status_sent, reminder_retry).
    sent_day = Q(status=ReminderStatus.SENT, sent_at__gte=now - dt.timedelta(days=1))
    waiting = Q(status__in=[ReminderStatus.PENDING, ReminderStatus.SENDING])
    totals = Reminder.objects.filter(sent_day | waiting).aggregate(
        sent_day=Count("pk", filter=sent_day),
        late_day=Count("pk", filter=sent_day & Q(late=True)),
        repeats_day=Count("pk", filter=sent_day & Q(possible_repeat=True)),
        waiting=Count("pk", filter=waiting),
    )
    failed = Reminder.objects.filter(status=ReminderStatus.FAILED).select_related("recipient", "deadline")[
        :50
    ]
    last_word = None
    if last is not None:
        last_word = max(moment for moment in (last.started_at, last.heartbeat_at, last.finished_at) if moment)
    stale = last_word is None or last_word < now - HEARTBEAT_STALE
    return render(
        request,
        "deadlines/health.html",
        {
            "last": last,
            "last_word": last_word,
            "last_crashed": last is not None and last.shown_state == SweepState.CRASHED,
            "stale": stale,
            "day": day,
            "totals": totals,
            "failed": failed,
            "now": now,
            "recent": recent,
        },
    )
