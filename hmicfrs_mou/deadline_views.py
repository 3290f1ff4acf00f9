"""Pages of the deadline engine: my deadlines, the inbox, the calendar feed and the health page."""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe
from icalendar import Alarm, Calendar, Event

from contacts.models import User
from hmicfrs_mou.access import holds
from hmicfrs_mou.models import (
    LIVE_STATES,
    Deadline,
    DeadlineState,
    InboxMessage,
    Reminder,
    ReminderStatus,
    SweepRun,
    SweepState,
)
from hmicfrs_mou.permissions import Perm
from hmicfrs_mou.reminders import SWEEP_LIFETIME

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


@login_required
@require_safe
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(InboxMessage.objects.filter(user=request.user), 25).get_page(request.GET.get("page"))
    return render(request, "deadlines/inbox.html", {"page_obj": page})


@login_required
@require_safe
def inbox_message(request: HttpRequest, pk: int) -> HttpResponse:
    message = InboxMessage.objects.filter(user=request.user, pk=pk).first()
    if message is None:
        raise Http404("No such message.")
    if message.read_at is None:
        InboxMessage.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=timezone.now())
    return render(request, "deadlines/inbox_message.html", {"message": message})


@login_required
@require_POST
def inbox_mark_all_read(request: HttpRequest) -> HttpResponse:
    count = InboxMessage.objects.filter(user=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    messages.success(request, f"{count} message{'s' if count != 1 else ''} marked as read.")
    return redirect("inbox")


@login_required
@require_safe
def calendar_settings(request: HttpRequest) -> HttpResponse:
    token = request.user.calendar_token
    feed = request.build_absolute_uri(reverse("calendar-feed", kwargs={"token": token})) if token else ""
    return render(request, "deadlines/calendar.html", {"feed": feed})


@login_required
@require_POST
def calendar_regenerate(request: HttpRequest) -> HttpResponse:
    """A new secret address; the old one stops working at once."""
    User.objects.filter(pk=request.user.pk).update(calendar_token=secrets.token_urlsafe(32))
    messages.success(
        request, "Your calendar address has been changed. Subscriptions to the old address have stopped."
    )
    return redirect("calendar-settings")


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The person's own live deadlines as iCalendar. The token is the only credential."""
    if len(token) < 20:
        raise Http404
    user = User.objects.filter(calendar_token=token, is_active=True).first()
    if user is None:
        raise Http404
    calendar = Calendar()
    calendar.add("prodid", "-//HMICFRS-APCC MOU portal//deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "MOU portal deadlines")
    base = request.build_absolute_uri("/").rstrip("/")
    for deadline in Deadline.objects.for_person(user).filter(state__in=LIVE_STATES).order_by("due_at")[:500]:
        event = Event()
        event.add("uid", f"deadline-{deadline.pk}@mou-portal")
        event.add("summary", deadline.title)
        event.add("dtstart", deadline.due_at)
        event.add("dtend", deadline.due_at)
        event.add("dtstamp", timezone.now())
        event.add("description", f"{deadline.working}\n{base}{deadline.url}")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", deadline.title)
        alarm.add("trigger", dt.timedelta(days=-1))
        event.add_component(alarm)
        calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


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
    sent_day = Reminder.objects.filter(status=ReminderStatus.SENT, sent_at__gte=now - dt.timedelta(days=1))
    totals = {
        "sent_day": sent_day.count(),
        "late_day": sent_day.filter(late=True).count(),
        "repeats_day": sent_day.filter(possible_repeat=True).count(),
        "waiting": Reminder.objects.filter(
            status__in=[ReminderStatus.PENDING, ReminderStatus.SENDING]
        ).count(),
    }
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
