"""The OPCC's statutory responses (U6, D5): what awaits a response, the builder, the upload.

Thin views: every obligation and submission is fetched through responses.access (404 and a
DENIED audit event when it is not visible; 403 when it is visible but the user does not work
for the office that must answer, as HMICFRS does not), every change goes through
responses.services, and a service's refusal is shown on the form with nothing changed.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max, OuterRef, Subquery
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from hmicfrs_mou.audit import audit_record
from hmicfrs_mou.form_pages import form_page, posted
from hmicfrs_mou.forms import add_service_errors
from hmicfrs_mou.models import AuditAction
from hmicfrs_mou.pagination import CappedPaginator, count_to
from hmicfrs_mou.portals import Portal, portal_for
from hmicfrs_mou.sorting import Column, Sorting
from responses import services
from responses.access import (
    can_work_on,
    get_obligation_for_user,
    get_submission_for_user,
    submissions_visible_to,
)
from responses.forms import AnsweredElsewhereForm, InviteChiefForm, ResponseForm, SubmitForm
from responses.models import ObligationState, ResponseObligation, Submission

PAGE_SIZE = 25
# Each filter's count stops here: past it the list says "more than". HMICFRS's list is every office's
# responses ever due (3,253 at today's size, so still counted exactly); grouping all of them by state on each
# view took 5.8 ms at ten times the data, and grows with every year. Counted to the cap, each state is read
# no further than 5,001 rows (about 2 ms in all at ten times the data).
RESPONSES_COUNT_CAP = 5_000
OBLIGATION_TYPE = "responses.responseobligation"
SHOW_CHOICES = {
    "awaiting": _("Awaiting a response"),
    "submitted": _("Submitted"),
    "answered_elsewhere": _("Answered by another response"),
    "all": _("All"),
}
_UNSAFE_IN_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def _obligation_url(obligation: ResponseObligation) -> str:
    return reverse("responses:obligation", kwargs={"pk": obligation.pk})


def _obligation_to_work_on(request: HttpRequest, pk: int) -> ResponseObligation:
    """An obligation the user may see (404 otherwise) and works on for its office (403 otherwise)."""
    obligation = get_obligation_for_user(request, pk)
    if not can_work_on(request.user, obligation):
        raise PermissionDenied
    return obligation


# --- Timing (D5) ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    """How an obligation stands against its D5 deadline, in words for the page."""

    last_day: dt.date
    text: str
    tag: str
    tag_class: str


def last_day_of(obligation: ResponseObligation) -> dt.date:
    """Day 56: `due_at` is the first instant after it (an exclusive bound), in London."""
    return (timezone.localtime(obligation.due_at) - dt.timedelta(microseconds=1)).date()


def timing(obligation: ResponseObligation, now: dt.datetime, *, first_late: bool | None = None) -> Timing:
    last_day = last_day_of(obligation)
    if obligation.state == ObligationState.ANSWERED_ELSEWHERE:
        return Timing(
            last_day,
            gettext("Answered by another response"),
            gettext("Answered elsewhere"),
            "govuk-tag--grey",
        )
    if obligation.state == ObligationState.SUBMITTED:
        if first_late:
            return Timing(
                last_day,
                gettext("Submitted after the deadline"),
                gettext("Submitted late"),
                "govuk-tag--orange",
            )
        return Timing(
            last_day, gettext("Submitted by the deadline"), gettext("Submitted on time"), "govuk-tag--green"
        )
    today = timezone.localdate(now)
    if now >= obligation.due_at:
        days = max((today - last_day).days, 1)
        return Timing(
            last_day,
            ngettext("Overdue by %(days)s day", "Overdue by %(days)s days", days) % {"days": days},
            gettext("Overdue"),
            "govuk-tag--red",
        )
    # Today counts: on day 56 one day is left.
    days = (last_day - today).days + 1
    text = (
        gettext("1 day left (today is the last day)")
        if days == 1
        else ngettext("%(days)s day left", "%(days)s days left", days) % {"days": days}
    )
    return Timing(last_day, text, gettext("Awaiting response"), "govuk-tag--blue")


# --- The list ---------------------------------------------------------------------------------


RESPONSE_SORTING = Sorting(
    [
        Column("report", _("Report"), ("report__title",)),
        Column("force", _("Force"), ("area__name",)),
        Column("office", _("Office"), ("office__name",)),
        Column("due", _("Due"), ("due_at",)),
        Column("status", _("Status"), ("state",)),
    ],
    default="due",
)


@login_required
@require_GET
def awaiting(request: HttpRequest) -> HttpResponse:
    """U6: the reports awaiting the office's response; HMICFRS sees every office's, read-only."""
    now = timezone.now()
    show = request.GET.get("show", "awaiting")
    if show not in SHOW_CHOICES:
        show = "awaiting"
    visible = ResponseObligation.objects.visible_to(request.user, now)
    counted = {
        state: count_to(visible.filter(state=state), RESPONSES_COUNT_CAP) for state in ObligationState.values
    }
    counted["all"] = sum(counted.values())  # over the cap when any state is
    listed = visible if show == "all" else visible.filter(state=show)
    listed, sort = RESPONSE_SORTING.apply(request, listed)
    # The page's ids first, in order, counted by the filters' counts above (so not counted again); then those
    # rows alone with their uploads counted. Read as one query, every response listed was joined to its
    # uploads and grouped before the first page was kept (an HMI's list of all at ten times the data: 321 ms,
    # and a COUNT of the same grouping, 41 ms; the page took 402 ms, now 34).
    page = CappedPaginator(
        listed.values_list("pk", flat=True), PAGE_SIZE, cap=RESPONSES_COUNT_CAP, counted=counted[show]
    ).get_page(request.GET.get("page"))
    first = Submission.objects.filter(obligation=OuterRef("pk")).order_by("version")
    shown = (
        visible.filter(pk__in=list(page))
        .select_related("report", "area", "office")
        .annotate(
            versions=Count("submissions"),
            last_submitted_at=Max("submissions__submitted_at"),
            first_late=Subquery(first.values("late")[:1]),
        )
    )
    by_pk = {obligation.pk: obligation for obligation in shown}
    rows = [
        {"obligation": obligation, "timing": timing(obligation, now, first_late=obligation.first_late)}
        for obligation in (by_pk[pk] for pk in page if pk in by_pk)
    ]
    filters = [
        {
            "value": value,
            "label": label,
            "count": min(counted[value], RESPONSES_COUNT_CAP),
            "capped": counted[value] > RESPONSES_COUNT_CAP,
            "current": value == show,
        }
        for value, label in SHOW_CHOICES.items()
    ]
    return render(
        request,
        "responses/opcc/awaiting.html",
        {
            "page_obj": page,
            "rows": rows,
            "filters": filters,
            "show": show,
            "sort": sort,
            "querystring": sort.querystring or f"show={show}",
            "oversight": portal_for(request.user) == Portal.HMICFRS,
        },
    )


# --- The builder overview -----------------------------------------------------------------------


def _tasks(obligation: ResponseObligation, answers: dict[int, Any], recommendations: list) -> list[dict]:
    """The builder as a GOV.UK task list: each part of s55(4)–(5B), then the upload."""
    answered = sum(
        1
        for finding in recommendations
        if (answer := answers.get(finding.pk)) is not None and (answer.action or answer.no_action_reason)
    )
    now = timezone.now()
    due_words = services.chief_comments_due_words(obligation)
    invited_hint = (
        gettext("Comments due %(due)s") % {"due": due_words}
        if obligation.chief_comments_due_on
        else gettext("Set a date for the chief officer's comments")
    )
    if obligation.chief_comments.strip():
        at = timezone.localtime(obligation.chief_comments_at) if obligation.chief_comments_at else None
        chief_hint = (
            gettext("Entered by their office at %(at)s")
            % {"at": f"{at:%H:%M} {at.tzname()} on {date_format(at, 'j F Y')}"}
            if at
            else gettext("Entered by their office")
        )
    elif obligation.chief_comments_invited_at is None:
        chief_hint = gettext("Their office enters them in its own portal once you invite them")
    elif services.chief_comments_closed_without(obligation, now):
        chief_hint = gettext("None arrived by the date you set: the response can go without them")
    else:
        chief_hint = gettext("Waiting for their office to enter them, %(due)s") % {"due": due_words}
    chief_done = bool(obligation.chief_comments.strip()) or services.chief_comments_closed_without(
        obligation, now
    )
    return [
        {
            "id": "invite",
            "name": gettext("Invite the chief officer's comments"),
            "hint": invited_hint,
            "url_name": "responses:invite-chief",
            "anchor": "",
            "done": obligation.chief_comments_invited_at is not None,
        },
        {
            "id": "chief",
            "name": gettext("The chief officer's comments"),
            "hint": chief_hint,
            # Entered by the chief officer's office in its own portal (U6): no link here.
            "url_name": "",
            "anchor": "",
            "done": chief_done,
        },
        {
            "id": "pcc",
            "name": gettext("Write the PCC's comments on the report"),
            "url_name": "responses:edit",
            "anchor": "#id_pcc_comments",
            "done": bool(obligation.pcc_comments.strip()),
        },
        {
            "id": "reply",
            "name": gettext("Respond to the chief officer's comments"),
            "url_name": "responses:edit",
            "anchor": "#id_reply_to_chief",
            "done": bool(obligation.reply_to_chief.strip())
            or (chief_done and not obligation.chief_comments.strip()),
        },
        {
            "id": "recommendations",
            "name": gettext("Answer each recommendation"),
            "hint": gettext("%(answered)s of %(total)s answered")
            % {"answered": answered, "total": len(recommendations)},
            "url_name": "responses:edit",
            "anchor": "#recommendations",
            "done": answered == len(recommendations),
        },
        {
            "id": "url",
            "name": gettext("Give the web address where the response is published"),
            "url_name": "responses:edit",
            "anchor": "#id_published_url",
            "done": bool(obligation.published_url),
        },
    ]


@login_required
@require_GET
def obligation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    now = timezone.now()
    obligation = get_obligation_for_user(request, pk)
    can_work = can_work_on(request.user, obligation)
    submissions = list(
        submissions_visible_to(request.user)
        .filter(obligation=obligation)
        .select_related("submitted_by")
        .order_by("-version")
    )
    first_late = submissions[-1].late if submissions else None
    context: dict[str, Any] = {
        "obligation": obligation,
        "working": services.response_working_words(obligation),
        "due_words": services.response_due_words(obligation),
        "chief_due_words": services.chief_comments_due_words(obligation),
        "can_work": can_work,
        "timing": timing(obligation, now, first_late=first_late),
        "submissions": submissions,
        "answered_by": (
            ResponseObligation.objects.visible_to(request.user, now)
            .select_related("report", "area")
            .filter(pk=obligation.answered_by_id)
            .first()
            if obligation.answered_by_id
            else None
        ),
        "answers_for": ResponseObligation.objects.visible_to(request.user, now)
        .filter(answered_by=obligation)
        .select_related("report", "area"),
    }
    if can_work:
        # The draft is the office's alone until it is submitted (Who sees what: PCC response); every
        # reading of it is on the trail (audit completeness).
        audit_record(action=AuditAction.VIEW, obj=obligation, request=request, detail={"draft": True})
        recommendations = list(services.recommendations_of(obligation))
        answers = {answer.finding_id: answer for answer in obligation.recommendation_responses.all()}
        missing = services.response_missing(obligation)
        context.update(
            {
                "missing": missing,
                "tasks": _tasks(obligation, answers, recommendations),
                "recommendations": [(finding, answers.get(finding.pk)) for finding in recommendations],
            }
        )
    return render(request, "responses/opcc/obligation.html", context)


# --- Actions ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def invite_chief(request: HttpRequest, pk: int) -> HttpResponse:
    """s55(4): invite the chief officer's comments by a date the PCC sets."""
    obligation = _obligation_to_work_on(request, pk)
    return form_page(
        request,
        form=InviteChiefForm(posted(request), initial={"comments_due_on": obligation.chief_comments_due_on}),
        template="responses/opcc/invite_chief.html",
        context={
            "obligation": obligation,
            "last_day": last_day_of(obligation),
            "due_words": services.response_due_words(obligation),
        },
        perform=lambda data: services.response_invite_chief(
            obligation=obligation, comments_due_on=data["comments_due_on"], by=request.user
        ),
        done=lambda invited: (
            gettext("The chief officer's office has been told. It can enter its comments %(due)s.")
            % {"due": services.chief_comments_due_words(invited)}
        ),
        then=_obligation_url(obligation),
        instance=obligation,
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The parts of the response, and for every recommendation the action or why none (s55(5B))."""
    obligation = _obligation_to_work_on(request, pk)
    recommendations = list(services.recommendations_of(obligation))
    answers = {answer.finding_id: answer for answer in obligation.recommendation_responses.all()}
    initial: dict[str, Any] = {
        "pcc_comments": obligation.pcc_comments,
        "reply_to_chief": obligation.reply_to_chief,
        "published_url": obligation.published_url,
    }
    for finding_id, answer in answers.items():
        initial[f"action_{finding_id}"] = answer.action
        initial[f"reason_{finding_id}"] = answer.no_action_reason
    form = ResponseForm(posted(request), initial=initial, recommendations=recommendations)
    return form_page(
        request,
        form=form,
        template="responses/opcc/edit.html",
        context={"obligation": obligation, "chief_due_words": services.chief_comments_due_words(obligation)},
        perform=lambda data: services.response_save(
            obligation=obligation,
            by=request.user,
            pcc_comments=data["pcc_comments"],
            reply_to_chief=data["reply_to_chief"],
            published_url=data["published_url"].strip(),
            answers=form.answers(),
        ),
        done=gettext("The response has been saved."),
        then=_obligation_url(obligation),
        instance=obligation,
    )


@login_required
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    """U6: check the response, then upload the published PDF; the upload is the copy to HMICFRS and the
    Home Secretary. The GET is the check page; only its confirming POST calls the service."""
    obligation = _obligation_to_work_on(request, pk)
    form = SubmitForm(posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            submission = services.response_submit(
                obligation=obligation, upload=form.cleaned_data["file"], by=request.user
            )
        except ValidationError as error:
            obligation.refresh_from_db()
            if services.response_missing(obligation):
                add_service_errors(form, error)
            else:
                # Everything else the service refuses is about the file itself.
                add_service_errors(form, ValidationError({"file": error.messages}))
        else:
            due = date_format(last_day_of(obligation), "l j F Y")
            timeliness = (
                gettext("It was submitted late: it was due by the end of %(due)s.") % {"due": due}
                if submission.late
                else gettext("It was submitted on time, before the end of %(due)s.") % {"due": due}
            )
            messages.success(
                request,
                gettext(
                    "Version %(version)s of the response has been sent to HMICFRS and the Home Secretary."
                )
                % {"version": submission.version}
                + " "
                + timeliness,
            )
            return redirect("responses:obligation", pk=obligation.pk)
    # A "check your answers" page: the parts of the response that go with the upload, where it goes and
    # whether it would count as on time, all read before the one button that sends it.
    now = timezone.now()
    recommendations = list(services.recommendations_of(obligation))
    answers = {answer.finding_id: answer for answer in obligation.recommendation_responses.all()}
    return render(
        request,
        "responses/opcc/submit.html",
        {
            "form": form,
            "obligation": obligation,
            "missing": services.response_missing(obligation),
            "versions": obligation.submissions.count(),
            "timing": timing(obligation, now),
            "late_if_sent_now": now >= obligation.due_at,
            "chief_comments_closed_without": services.chief_comments_closed_without(obligation, now),
            "recommendations": [(finding, answers.get(finding.pk)) for finding in recommendations],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def answered_elsewhere(request: HttpRequest, pk: int) -> HttpResponse:
    """Link this report to another response of the same office that answers it, or undo the link."""
    obligation = _obligation_to_work_on(request, pk)
    choices = (
        ResponseObligation.objects.visible_to(request.user)
        .filter(office_id=obligation.office_id)
        .exclude(pk=obligation.pk)
        .select_related("report", "area")
        .order_by("-published_on", "pk")
    )
    if request.method == "POST" and "undo" in request.POST:
        # Only a link can be undone: the service would otherwise reset a submitted response to awaiting.
        if obligation.answered_by_id is not None:
            services.response_mark_answered_elsewhere(
                obligation=obligation, answered_by=None, reason="", by=request.user
            )
            messages.success(request, gettext("This report awaits its own response again."))
        return redirect("responses:obligation", pk=obligation.pk)
    form = AnsweredElsewhereForm(
        posted(request),
        choices=choices,
        initial={"answered_by": obligation.answered_by_id, "reason": obligation.answered_reason},
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                services.response_mark_answered_elsewhere(
                    obligation=obligation,
                    answered_by=form.cleaned_data["answered_by"],
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                )
            except ValidationError as error:
                obligation.refresh_from_db()
                add_service_errors(form, error)
            else:
                messages.success(request, gettext("This report is marked as answered by the other response."))
                return redirect("responses:obligation", pk=obligation.pk)
        elif any(error.code == "invalid_choice" for error in form.errors.as_data().get("answered_by", [])):
            # An id that is not one of the office's responses: a reach for another record goes on the trail.
            audit_record(
                action=AuditAction.DENIED,
                request=request,
                object_type=OBLIGATION_TYPE,
                object_id=str(request.POST.get("answered_by", ""))[:64],
            )
    return render(
        request,
        "responses/opcc/answered_elsewhere.html",
        {"form": form, "obligation": obligation, "has_choices": choices.exists()},
    )


# --- Download ----------------------------------------------------------------------------------------


def download_name(submission: Submission) -> str:
    """The name the person gave, reduced to plain ASCII letters, digits, dots, dashes and underscores."""
    name = unicodedata.normalize("NFKD", submission.original_name).encode("ascii", "ignore").decode()
    stem = name[:-4] if name.lower().endswith(".pdf") else name
    stem = _UNSAFE_IN_NAME.sub("-", stem).strip(".-_")[:80]
    return f"{stem or 'response'}-v{submission.version}.pdf"


@login_required
@require_GET
def submission_file(request: HttpRequest, pk: int) -> FileResponse:
    """A submitted version's PDF: always a download, never shown inline or cached."""
    submission = get_submission_for_user(request, pk)
    try:
        handle = services.submission_path(submission).open("rb")
    except FileNotFoundError:
        raise Http404("The file of this version is missing.") from None
    audit_record(action=AuditAction.DOWNLOAD, obj=submission, request=request)
    response = FileResponse(
        handle, as_attachment=True, filename=download_name(submission), content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
