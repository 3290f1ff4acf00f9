"""What each person sees first on their portal home: their own work that is due, soonest first, with days left.

Nothing here decides a date or who may see a record:
- every due moment is one the deadline engine already keeps (a live `Deadline` registered by
  hmicfrs_mou.reminders) or one stored on the record itself (a report's publication moment, the
  close of its factual-accuracy window);
- every record comes through its access module (`Report.objects.visible_to`,
  `obligations_visible_to`, `super_complaints_visible_to`, `reports_announced_to`), so a home page
  never shows what the person could not open.

Each piece costs a fixed number of queries whatever the data size: lists are cut at
HOME_LIST_LENGTH in the database and counted with one aggregate.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy, ngettext

from hmicfrs_mou.deadlines import due_day
from hmicfrs_mou.models import Deadline, PartyRole, soonest_live_deadline, with_soonest_live_deadline
from hmicfrs_mou.pagination import first_rows
from hmicfrs_mou.reminders import KINDS
from inspections.access import reports_announced_to, team_inspection_ids, unpublished_condition
from inspections.models import RELEASED_STATES, Report, ReportState
from responses.access import obligations_visible_to
from responses.complaints import super_complaints_visible_to
from responses.models import ResponseObligation, SuperComplaintState
from responses.selectors import overdue_responses

HOME_LIST_LENGTH = 10
# A tag turns from blue to orange when this few days are left.
SOON_DAYS = 7

if TYPE_CHECKING:
    # Words kept lazy until the page renders them, in the language of the page's content.
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class DueItem:
    """One thing due: what it is, the record it is about, and the moment it is due."""

    title: str
    url: str
    due_at: dt.datetime
    now: dt.datetime
    # What the moment is, in words ("Publication", "Diary note"); none when the title says it.
    what: StrOrPromise = ""
    # Said instead of "Overdue" once the moment has passed and passing it is no fault ("Published").
    past: StrOrPromise = ""

    @property
    def overdue(self) -> bool:
        return self.now >= self.due_at

    @property
    def days_left(self) -> int:
        """Whole days from today to the last day (London dates): 0 on the day, negative once past."""
        return (due_day(self.due_at) - timezone.localdate(self.now)).days

    @property
    def when(self) -> str:
        """'by the end of 16 January 2027' for a deadline at midnight; otherwise the London time and its zone."""
        local = timezone.localtime(self.due_at)
        if local.time() == dt.time(0, 0):
            return gettext("by the end of %(day)s") % {"day": date_format(due_day(self.due_at), "j F Y")}
        return f"{date_format(local, 'j F Y, H:i')} {local.tzname()}"

    @property
    def tag(self) -> str:
        days = self.days_left
        if self.overdue and self.past:
            return str(self.past)
        if self.overdue:
            late = max(-days, 0)
            if late == 0:
                return gettext("Overdue")
            return ngettext("Overdue by %(days)s day", "Overdue by %(days)s days", late) % {"days": late}
        if days <= 0:
            return gettext("Due today")
        if days == 1:
            return gettext("Due tomorrow")
        return ngettext("Due in %(days)s day", "Due in %(days)s days", days) % {"days": days}

    @property
    def tag_class(self) -> str:
        if self.overdue and self.past:
            return "govuk-tag--grey"
        if self.overdue:
            return "govuk-tag--red"
        if self.days_left <= SOON_DAYS:
            return "govuk-tag--orange"
        return "govuk-tag--blue"


@dataclass(frozen=True)
class DueList:
    """The first HOME_LIST_LENGTH items, soonest first, and how many there are in all."""

    items: list[DueItem]
    total: int
    overdue: int = 0

    @property
    def more(self) -> int:
        return max(self.total - len(self.items), 0)

    def __bool__(self) -> bool:
        return bool(self.total)


def _first_rows(
    queryset: QuerySet[Any], *order: str, overdue: Q | None = None, limit: int = HOME_LIST_LENGTH
) -> tuple[list[Any], int, int]:
    """A home panel's first rows with its counts, in one query (hmicfrs_mou.pagination.first_rows)."""
    return first_rows(queryset, *order, limit=limit, overdue=overdue)


def _deadline_items(deadlines: QuerySet[Deadline], now: dt.datetime) -> DueList:
    """Live deadlines, soonest first: one query (the first rows, with the counts)."""
    rows, total, overdue = _first_rows(
        deadlines.only("title", "url", "due_at"), "due_at", "pk", overdue=Q(due_at__lte=now)
    )
    return DueList([DueItem(row.title, row.url, row.due_at, now) for row in rows], total, overdue)


def _kind_label(code: str) -> str:
    kind = KINDS.get(code)
    return kind.label if kind else ""


def merged(*lists: DueList) -> DueList:
    """Several due lists as one, soonest first (each is already cut, so this costs no query)."""
    items = sorted((item for due in lists for item in due.items), key=lambda item: item.due_at)
    return DueList(
        items[:HOME_LIST_LENGTH],
        sum(due.total for due in lists),
        sum(due.overdue for due in lists),
    )


def my_due_work(user: Any, now: dt.datetime, *, exclude_kinds: tuple[str, ...] = ()) -> DueList:
    """The live deadlines the person is responsible for (not those they are only told about)."""
    mine = Deadline.objects.live().filter(
        pk__in=Deadline.objects.filter(parties__user=user, parties__role=PartyRole.RESPONSIBLE).values("pk")
    )
    if exclude_kinds:
        mine = mine.exclude(kind__in=exclude_kinds)
    return _deadline_items(mine, now)


def _ids_as_text(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """A subquery of primary keys as text, to match `Deadline.subject_id`."""
    keys: QuerySet[Any] = queryset.annotate(subject_key=Cast("pk", CharField())).values("subject_key")
    return keys


def chief_invitations_outstanding(user: Any, now: dt.datetime) -> DueList:
    """U6: the chief officer's comments the office has invited and still awaits, by the date it set.

    The date is the engine's `chief_comments` deadline for each response the office may see.
    """
    awaiting = obligations_visible_to(ResponseObligation.objects.all(), user, now).filter(
        chief_comments_invited_at__lte=now, chief_comments=""
    )
    deadlines = Deadline.objects.live().filter(
        kind="chief_comments",
        subject_type="responses.responseobligation",
        subject_id__in=_ids_as_text(awaiting),
    )
    return _deadline_items(deadlines, now)


def _report_items(
    reports: QuerySet[Report],
    moment: str,
    url_name: str,
    now: dt.datetime,
    *,
    what: StrOrPromise = "",
    past: StrOrPromise = "",
) -> DueList:
    rows, total, _ = _first_rows(reports.only("pk", "title", moment), moment, "pk")
    return DueList(
        [
            DueItem(
                row.title, reverse(url_name, kwargs={"pk": row.pk}), getattr(row, moment), now, what, past
            )
            for row in rows
        ],
        total,
    )


def embargoed_copies(user: Any, now: dt.datetime) -> DueList:
    """U3, U4, U5: reports the person may read now under embargo, by their publication moment."""
    reports = Report.objects.visible_to(user, now).filter(
        state__in=RELEASED_STATES, distribution_at__lte=now, publication_at__gt=now
    )
    return _report_items(
        reports, "publication_at", "inspections:report", now, what=gettext_lazy("Publication")
    )


def factual_accuracy_windows(user: Any, now: dt.datetime) -> DueList:
    """I7: drafts open to the person's force or FRS for comments, by the moment the window closes."""
    reports = Report.objects.visible_to(user, now).filter(
        state=ReportState.FACTUAL_ACCURACY, fac_opens_at__lte=now, fac_closes_at__gt=now
    )
    return _report_items(
        reports, "fac_closes_at", "inspections:fac", now, what=gettext_lazy("Factual-accuracy comments close")
    )


def _month_bounds(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    first = timezone.localtime(now).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    # Built on the local wall clock: re-attach the zone so a month starting in BST starts at BST midnight.
    zone = timezone.get_current_timezone()
    return (
        dt.datetime.combine(first.date(), dt.time(0, 0), tzinfo=zone),
        dt.datetime.combine(following.date(), dt.time(0, 0), tzinfo=zone),
    )


def reports_this_month(user: Any, now: dt.datetime) -> DueList:
    """Reports published, or to be published, this calendar month that the person may plan around."""
    start, end = _month_bounds(now)
    reports = reports_announced_to(user, now).filter(publication_at__gte=start, publication_at__lt=end)
    return _report_items(
        reports,
        "publication_at",
        "inspections:report",
        now,
        what=gettext_lazy("Publication"),
        past=gettext_lazy("Published"),
    )


@dataclass(frozen=True)
class ReportWork:
    """A report of the person's inspections, not yet published, and the next thing due on it."""

    report: Report
    next_due: DueItem | None


def my_reports_in_progress(user: Any, now: dt.datetime) -> tuple[list[ReportWork], int]:
    """The unpublished reports of the inspections the person works on, each with its soonest live
    deadline (from the engine), the report with the soonest first. One query."""
    reports = with_soonest_live_deadline(
        Report.objects.visible_to(user, now)
        .filter(inspection__in=team_inspection_ids(user, now))
        # The unpublished as the (state, publication_at) index finds them: written as "not published", the
        # database reads every report in the archive to leave out the published (7 ms at ten times the data).
        .filter(unpublished_condition(now))
        .only("pk", "title", "state", "publication_at", "created_at"),
        "inspections.report",
        ("kind", "title", "url", "due_at"),
    )
    rows, total, _ = _first_rows(reports, "-created_at", "-pk")
    work = []
    for row in rows:
        soonest = soonest_live_deadline(row)
        work.append(
            ReportWork(
                row,
                DueItem(soonest.title, soonest.url, soonest.due_at, now, _kind_label(soonest.kind))
                if soonest
                else None,
            )
        )
    # Soonest due first; reports with nothing due keep their order (newest first) after them.
    work.sort(key=lambda item: (item.next_due is None, item.next_due.due_at if item.next_due else now))
    return work, total


@dataclass(frozen=True)
class OverdueResponses:
    """U6, U7: responses overdue across England and Wales that the person may see."""

    count: int
    oldest: list[ResponseObligation]


def responses_overdue(user: Any, now: dt.datetime) -> OverdueResponses:
    overdue = obligations_visible_to(overdue_responses(now), user, now)
    rows, total, _ = _first_rows(overdue, limit=5)
    return OverdueResponses(total, rows)


def open_super_complaints(user: Any, now: dt.datetime) -> DueList:
    """S1–S3: super-complaints the person may see that are still open, the oldest first."""
    complaints = super_complaints_visible_to(user, now).exclude(
        state__in=[SuperComplaintState.NOT_ELIGIBLE, SuperComplaintState.REPORTED]
    )
    rows, total, _ = _first_rows(complaints, "received_at", "pk")
    return DueList(
        [
            DueItem(
                row.title,
                reverse("responses:complaint", kwargs={"pk": row.pk}),
                row.received_at,
                now,
                row.get_state_display(),
            )
            for row in rows
        ],
        total,
    )
