"""The HMICFRS inspection workspace: inspections, their timeline, and a report from draft to publication.

Thin views: every record is fetched through inspections.access (404 when not
visible, 403 when visible but the action is the team's), every change goes
through inspections.services, and a service's ValidationError is shown on the
form with nothing changed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from contacts.area_names import areas_of, describe
from contacts.models import Organisation, OrganisationKind, User
from contacts.selectors import organisations_acted_for
from hmicfrs_mou.access import holds, not_found
from hmicfrs_mou.audit import audit_record
from hmicfrs_mou.csv_export import streaming_csv_response
from hmicfrs_mou.exports import stream_limit
from hmicfrs_mou.form_pages import form_page, posted
from hmicfrs_mou.forms import add_service_errors
from hmicfrs_mou.json_rows import JSONRows, instances
from hmicfrs_mou.models import (
    LIVE_STATES,
    AuditAction,
    Deadline,
    soonest_live_deadline,
    with_soonest_live_deadline,
)
from hmicfrs_mou.pagination import WindowCountPaginator, first_rows
from hmicfrs_mou.permissions import Perm
from hmicfrs_mou.sorting import Column, Sorting
from inspections import exports as report_exports
from inspections import report_text, services
from inspections import search as report_search
from inspections.access import (
    debriefs_visible_to,
    evidence_requests_visible_to,
    evidence_visible_to,
    get_report_for_user,
    inspections_visible_to,
    is_embargoed_for,
    is_team_member,
    own_areas,
    remember_team_flag,
    with_team_flag,
)
from inspections.deadlines import distribution_due
from inspections.forms import (
    DecisionForm,
    DiaryNoteForm,
    FindingForm,
    InspectionForm,
    NoticeForm,
    OpenFactualAccuracyForm,
    RedactionForm,
    ReportForm,
    ScheduleForm,
    SearchForm,
)
from inspections.forms_i6_i8 import FinaliseForm
from inspections.models import (
    EvidenceRecord,
    FactualAccuracyComment,
    Inspection,
    InspectionKind,
    Milestone,
    Redaction,
    Report,
    ReportKind,
    ReportState,
)

PAGE_SIZE = 25
SEARCH_FINDINGS_SHOWN = 50
REPORT_SUBJECT = "inspections.report"
OPEN_STATES = (ReportState.DRAFT, ReportState.FACTUAL_ACCURACY)


def may_start_inspections(user: Any) -> bool:
    """HMICFRS staff may start an inspection."""
    return holds(user, Perm.ADD_INSPECTION)


def _inspection_for_user(
    request: HttpRequest, pk: int, at: dt.datetime, lists: dict[str, JSONRows] | None = None
) -> Inspection:
    """The inspection if the person may see it at `at` (404 and an audit row otherwise), with whether they
    are on its team, and any short `lists` of what belongs to it read in the same query."""
    inspection = (
        with_team_flag(inspections_visible_to(request.user, at), request.user, at)
        .select_related("lead")
        .annotate(**(lists or {}))
        .filter(pk=pk)
        .first()
    )
    if inspection is None:
        raise not_found(request, object_type="inspections.inspection", object_id=pk)
    return remember_team_flag(inspection, request.user, at)


def _team_inspection(request: HttpRequest, pk: int, at: dt.datetime) -> Inspection:
    inspection = _inspection_for_user(request, pk, at)
    if not is_team_member(request.user, inspection, at):
        raise PermissionDenied
    return inspection


def _team_report(request: HttpRequest, pk: int, at: dt.datetime) -> Report:
    """A report the user may see (404 otherwise) and works on (403 otherwise)."""
    report = get_report_for_user(request, pk, at)
    if not is_team_member(request.user, report.inspection, at):
        raise PermissionDenied
    return report


# --- Inspections --------------------------------------------------------------------------------


INSPECTION_SORTING = Sorting(
    [
        Column("title", _("Inspection"), ("title",)),
        Column("kind", _("Kind"), ("kind",)),
        Column("lead", _("Lead HMI"), ("lead__last_name", "lead__first_name")),
        Column("started", _("Started"), ("created_at",), first="desc"),
    ],
    default="started",
)


@login_required
@require_GET
def inspection_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    inspections = (
        inspections_visible_to(request.user, now)
        .select_related("lead")
        .prefetch_related(
            # Only the reports this user may see: a draft's title is not the PCC's to read.
            Prefetch(
                "reports",
                queryset=Report.objects.visible_to(request.user, now)
                .without_text()
                .order_by("created_at", "pk"),
            ),
        )
    )
    inspections, sort = INSPECTION_SORTING.apply(request, inspections)
    # The count rides on the page's rows: the database sorts every visible inspection for the page anyway,
    # and a second COUNT read them all again (an HMI sees about 2,000 at ten times the data).
    page = WindowCountPaginator(inspections, PAGE_SIZE).get_page(request.GET.get("page"))
    # A thematic inspection covers every force: a row names a few areas, else counts them and names the
    # reader's own among them (contacts.area_names); the inspection's page names them all.
    own = own_areas(request.user, now)
    areas = areas_of(Inspection.areas.through, "inspection", [inspection.pk for inspection in page])
    for inspection in page:
        inspection.area_names = describe(areas.get(inspection.pk, []), own)
    return render(
        request,
        "inspections/workspace/list.html",
        {
            "page_obj": page,
            "sort": sort,
            "querystring": sort.querystring,
            "can_start": may_start_inspections(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def inspection_new(request: HttpRequest) -> HttpResponse:
    if not may_start_inspections(request.user):
        raise PermissionDenied
    user = request.user

    def done(inspection: Inspection) -> str:
        if is_team_member(user, inspection):
            return gettext("Inspection started.")
        return gettext(
            "Inspection “%(title)s” started. You are not on its team, so it is not listed here."
        ) % {"title": inspection.title}

    def then(inspection: Inspection) -> str:
        # Someone who starts an inspection for others' team does not see it afterwards: back to the list.
        if is_team_member(user, inspection):
            return reverse("inspections:detail", kwargs={"pk": inspection.pk})
        return reverse("inspections:list")

    return form_page(
        request,
        form=InspectionForm(posted(request), initial={"team": [user.pk]}),
        template="inspections/workspace/inspection_form.html",
        context={},
        perform=lambda data: services.inspection_create(
            kind=data["kind"],
            title=data["title"],
            areas=list(data["areas"]),
            lead=data["lead"],
            team=list(data["team"]),
            commission=data["commission"],
            by=user,
        ),
        done=done,
        then=then,
    )


@login_required
@require_GET
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    now = timezone.now()
    user = request.user
    # The inspection's areas, team and milestones are short lists: read with it, in its query.
    inspection = _inspection_for_user(
        request,
        pk,
        now,
        lists={
            "area_list": JSONRows(
                Organisation.objects.filter(inspections=OuterRef("pk")).order_by("name", "pk"),
                "id",
                "name",
                "kind",
            ),
            "member_list": JSONRows(
                User.objects.filter(inspection_teams=OuterRef("pk")).order_by(
                    "last_name", "first_name", "pk"
                ),
                "id",
                "username",
                "first_name",
                "last_name",
            ),
            "milestone_list": JSONRows(
                Milestone.objects.filter(inspection=OuterRef("pk")).order_by("starts_on", "pk"),
                "id",
                "name",
                "starts_on",
                "ends_on",
            ),
        },
    )
    team = is_team_member(user, inspection, now)
    notices = inspection.notices.select_related("sent_by").prefetch_related("recipients")
    if not team:
        # Outside the team, the notices this person's organisation received.
        notices = notices.filter(recipients__in=organisations_acted_for(user)).distinct()
    reports = (
        Report.objects.visible_to(user, now)
        .filter(inspection=inspection)
        .without_text()
        .order_by("created_at", "pk")
    )
    if team:
        # D1–D4: the team sees what is due next on each report, read with the reports.
        reports = with_soonest_live_deadline(reports, REPORT_SUBJECT, ("title", "due_at", "working"))
    rows = [{"report": report, "due": soonest_live_deadline(report) if team else None} for report in reports]
    evidence = list(
        evidence_visible_to(user, now).filter(inspection=inspection).select_related("source", "recorded_by")
    )
    for record in evidence:
        if record.kind == EvidenceRecord.Kind.CONFIDENTIAL_DISCLOSURE:
            audit_record(action=AuditAction.VIEW, obj=record, request=request)
    areas = instances(Organisation, inspection.area_list)
    return render(
        request,
        "inspections/workspace/detail.html",
        {
            "inspection": inspection,
            "team": team,
            "areas": areas,
            "members": instances(User, inspection.member_list),
            "notices": notices,
            "milestones": instances(Milestone, inspection.milestone_list),
            "presentations": inspection.presentations.select_related("area", "decided_by").order_by(
                "held_on"
            ),
            "debriefs": debriefs_visible_to(user, now)
            .filter(inspection=inspection)
            .select_related("area")
            .order_by("held_on"),
            "evidence": evidence,
            "confidential": EvidenceRecord.Kind.CONFIDENTIAL_DISCLOSURE,
            "evidence_requests": evidence_requests_visible_to(user, now)
            .filter(inspection=inspection)
            .select_related("area", "requested_by")
            .order_by("-requested_at", "-pk"),
            "rows": rows,
            "now": now,
            # I2: milestones belong to PEEL; I3: the lead sends; I5: a PFCC is interviewed for an FRS.
            "is_peel": inspection.kind == InspectionKind.PEEL,
            "is_lead": inspection.lead_id == user.pk,
            "has_fire": any(area.kind == OrganisationKind.FIRE_RESCUE_SERVICE for area in areas),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def inspection_notify(request: HttpRequest, pk: int) -> HttpResponse:
    """I1/I2: one notice, the same text at the same moment, to each force/FRS and its PCC."""
    inspection = _team_inspection(request, pk, timezone.now())
    form = NoticeForm(posted(request))
    return form_page(
        request,
        form=form,
        template="inspections/workspace/notice_form.html",
        context={"inspection": inspection},
        perform=lambda data: services.inspection_notify(
            inspection=inspection,
            kind=data["kind"],
            subject=data["subject"],
            body=data["body"],
            by=request.user,
        ),
        done=gettext("Notice sent to each force or FRS and its PCC at the same moment."),
        then=reverse("inspections:detail", kwargs={"pk": inspection.pk}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _team_inspection(request, pk, timezone.now())
    return form_page(
        request,
        form=ReportForm(posted(request), inspection=inspection),
        template="inspections/workspace/report_form.html",
        context={"inspection": inspection},
        perform=lambda data: services.report_create(
            inspection=inspection,
            kind=data["kind"],
            title=data["title"],
            body=data["body"],
            summary=data["summary"],
            press_release=data["press_release"],
            language=data["language"],
            areas=list(data["areas"]) or None,
            interested_parties=list(data["interested_parties"]),
            by=request.user,
        ),
        done=gettext("Draft report added."),
        then=_report_url,
    )


# --- A report --------------------------------------------------------------------------------------


@login_required
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    now = timezone.now()
    user = request.user
    report = get_report_for_user(request, pk, now)
    team = is_team_member(user, report.inspection, now)
    published = report.is_published(now)
    embargoed = not team and is_embargoed_for(report, user, now)
    if not published:
        # Every reading before publication is on the trail, the team's too (audit completeness).
        audit_record(action=AuditAction.VIEW, obj=report, request=request, detail={"embargoed": embargoed})
    context: dict[str, Any] = {
        "report": report,
        "team": team,
        "published": published,
        "embargoed": embargoed,
        # Outside the team, before publication, the report is seen either as a draft in the
        # factual-accuracy check (I7) or as an embargoed copy (U3–U5).
        "in_fac_check": embargoed and report.state == ReportState.FACTUAL_ACCURACY,
        "areas": report.areas.order_by("name"),
        "findings": report.findings.select_related("area"),
        "now": now,
    }
    if team:
        # The team's page names the interested parties too: both lists from one query.
        context["areas"], parties = _areas_and_interested_parties(report)
        comments = list(report.fac_comments.select_related("submitted_by", "decided_by"))
        # Read once, with who redacted each: the published text below applies the same rows.
        prefetch_related_objects(
            [report], Prefetch("redactions", queryset=Redaction.objects.select_related("by"))
        )
        context.update(
            {
                "blocks": report_text.parse(report.body),
                "published_blocks": report_text.parse(services.published_text(report)),
                "comments": comments,
                "pending": sum(c.decision == FactualAccuracyComment.Decision.PENDING for c in comments),
                "redactions": report.redactions.all(),
                "interested_parties": parties,
                "deadlines": Deadline.objects.filter(
                    subject_type=REPORT_SUBJECT, subject_id=str(report.pk), state__in=LIVE_STATES
                ).order_by("due_at"),
                "diary_note": getattr(report, "diary_note", None),
                "distribution": distribution_due(report) if report.publication_at else None,
                "can": _actions(report, now),
            }
        )
    return render(request, "inspections/workspace/report.html", context)


def _areas_and_interested_parties(report: Report) -> tuple[list[Organisation], list[Organisation]]:
    """The report's areas and its interested parties (U4), by name, in one query rather than one each: the
    organisations are a fixed few hundred, each asked of the two link tables' indexes."""
    linked = list(
        Organisation.objects.annotate(
            in_areas=Exists(Report.areas.through.objects.filter(report=report, organisation=OuterRef("pk"))),
            in_parties=Exists(
                Report.interested_parties.through.objects.filter(report=report, organisation=OuterRef("pk"))
            ),
        )
        .filter(Q(in_areas=True) | Q(in_parties=True))
        .order_by("name")
    )
    return [o for o in linked if o.in_areas], [o for o in linked if o.in_parties]


def _actions(report: Report, now: dt.datetime) -> dict[str, bool]:
    """Which team actions make sense in the report's state; the services refuse the rest anyway."""
    published = report.is_published(now)
    open_draft = report.state in OPEN_STATES
    return {
        "open_fac": report.state == ReportState.DRAFT,
        "decide": open_draft,
        "finalise": open_draft,
        "redact": not published,
        "finding": not published,
        "schedule": report.state in (ReportState.FINAL, ReportState.SCHEDULED) and not published,
        "diary_note": report.state == ReportState.SCHEDULED
        and not published
        and report.kind != ReportKind.ACCELERATED_CAUSE_OF_CONCERN
        and not hasattr(report, "diary_note"),
    }


def _report_url(report: Report) -> str:
    return reverse("inspections:report", kwargs={"pk": report.pk})


@login_required
@require_http_methods(["GET", "POST"])
def report_open_fac(request: HttpRequest, pk: int) -> HttpResponse:
    """I7: send the draft to the force or FRS, and only to it, until the chosen moment."""
    report = _team_report(request, pk, timezone.now())
    return form_page(
        request,
        form=OpenFactualAccuracyForm(posted(request)),
        template="inspections/workspace/open_fac.html",
        context={"report": report},
        perform=lambda data: services.report_open_factual_accuracy(
            report=report, closes_at=data["closes_at"], by=request.user
        ),
        done=gettext("The draft has gone to the force or FRS for its factual-accuracy check."),
        then=_report_url(report),
        instance=report,
    )


@login_required
@require_http_methods(["GET", "POST"])
def fac_decide(request: HttpRequest, pk: int, comment_pk: int) -> HttpResponse:
    """I7: HMICFRS accepts or rejects each comment, with its reason."""
    report = _team_report(request, pk, timezone.now())
    # The comment is looked for on this report only: an id from another report is "not found".
    comment = report.fac_comments.select_related("submitted_by").filter(pk=comment_pk).first()
    if comment is None:
        raise not_found(request, object_type="inspections.factualaccuracycomment", object_id=comment_pk)
    form = DecisionForm(posted(request))

    def decide(data: dict[str, Any]) -> object:
        if report.state not in OPEN_STATES:
            raise ValidationError(
                gettext("The report is final: its factual-accuracy decisions can no longer change.")
            )
        return services.fac_comment_decide(
            comment=comment,
            accept=data["decision"] == DecisionForm.ACCEPT,
            reason=data["reason"],
            by=request.user,
        )

    return form_page(
        request,
        form=form,
        template="inspections/workspace/decide.html",
        context={"report": report, "comment": comment},
        perform=decide,
        done=gettext("Decision recorded for the comment on paragraph %(paragraph)s.")
        % {"paragraph": comment.paragraph},
        then=_report_url(report),
        instance=comment,
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_finalise(request: HttpRequest, pk: int) -> HttpResponse:
    """I7: while the factual-accuracy window is still open, the team confirms and gives its reason."""
    now = timezone.now()
    report = _team_report(request, pk, now)
    window_open = report.state == ReportState.FACTUAL_ACCURACY and report.fac_closes_at > now
    return form_page(
        request,
        form=FinaliseForm(posted(request), window_open=window_open),
        template="inspections/workspace/finalise.html",
        context={
            "report": report,
            "window_open": window_open,
            "pending": report.fac_comments.filter(decision=FactualAccuracyComment.Decision.PENDING).count(),
        },
        perform=lambda data: services.report_finalise(
            report=report,
            by=request.user,
            now=now,
            confirm_early_close=data.get("confirm_early_close", False),
            early_close_reason=data.get("early_close_reason", ""),
        ),
        done=gettext("The report is final."),
        then=_report_url(report),
        instance=report,
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_redact(request: HttpRequest, pk: int) -> HttpResponse:
    """U1: take a passage out before publication."""
    report = _team_report(request, pk, timezone.now())
    return form_page(
        request,
        form=RedactionForm(posted(request)),
        template="inspections/workspace/redact.html",
        context={"report": report, "blocks": report_text.parse(report.body)},
        perform=lambda data: services.redaction_add(
            report=report, passage=data["passage"], reason=data["reason"], by=request.user
        ),
        done=gettext("Passage redacted from the published text."),
        then=_report_url(report),
        instance=report,
    )


@login_required
@require_http_methods(["GET", "POST"])
def finding_add(request: HttpRequest, pk: int) -> HttpResponse:
    """M1: a finding with a reference that never changes."""
    report = _team_report(request, pk, timezone.now())
    return form_page(
        request,
        form=FindingForm(posted(request), report=report),
        template="inspections/workspace/finding_form.html",
        context={"report": report},
        perform=lambda data: services.finding_add(
            report=report, kind=data["kind"], text=data["text"], area=data["area"], by=request.user
        ),
        done=gettext("Finding added."),
        then=_report_url(report),
        instance=report,
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    """U3/U4/U5: the publication moment and when the embargoed copies go out, with the working shown."""
    report = _team_report(request, pk, timezone.now())
    form = ScheduleForm(posted(request), initial=_schedule_initial(report))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.report_schedule(
                report=report,
                publication_at=data["publication_at"],
                distribution_at=data["distribution_at"],
                immediate_release=data["immediate_release"],
                exception_reason=data["exception_reason"],
                by=request.user,
            )
        except ValidationError as error:
            # report_schedule refuses before changing anything, but the instance in hand
            # must not show the values it was refused.
            report.refresh_from_db()
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("Publication scheduled."))
            return redirect("inspections:report", pk=report.pk)
    # The latest distribution moment for the publication moment asked for, else the one stored.
    asked = (
        form.cleaned_data.get("publication_at") if form.is_bound and hasattr(form, "cleaned_data") else None
    )
    preview = Report(kind=report.kind, publication_at=asked) if isinstance(asked, dt.datetime) else report
    distribution = distribution_due(preview) if preview.publication_at else None
    return render(
        request,
        "inspections/workspace/schedule.html",
        {"form": form, "report": report, "distribution": distribution, "asked": preview is not report},
    )


def _schedule_initial(report: Report) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    for name in ("publication_at", "distribution_at"):
        value = getattr(report, name)
        if value is not None and not report.immediate_release:
            local = timezone.localtime(value)
            initial[name], initial[f"{name}_time"] = local.date(), local.time()
    initial["immediate_release"] = report.immediate_release
    initial["exception_reason"] = report.embargo_exception
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def diary_note(request: HttpRequest, pk: int) -> HttpResponse:
    """U2/D3: a note to the interested parties in the week before publication."""
    report = _team_report(request, pk, timezone.now())
    return form_page(
        request,
        form=DiaryNoteForm(posted(request)),
        template="inspections/workspace/diary_note.html",
        context={"report": report},
        perform=lambda data: services.diary_note_send(report=report, text=data["text"], by=request.user),
        done=gettext("Diary note sent."),
        then=_report_url(report),
        instance=report,
    )


# --- Export and search ------------------------------------------------------------------------------


@login_required
@require_GET
def reports_csv(request: HttpRequest) -> HttpResponse:
    """The reports the user may see now, and only those (visible_to), streamed as CSV and audited as an
    export before the first row is sent; more than EXPORT_STREAM_ROWS of them are prepared by the task
    worker instead, from a page that asks for it (hmicfrs_mou/exports.py), rather than held open here."""
    now = timezone.now()
    user = request.user
    rows = report_exports.report_rows(user, now)
    count = Report.objects.visible_to(user, now).count()
    if count > stream_limit():
        return redirect("export-new", kind=report_exports.REPORTS_EXPORT.code)
    audit_record(
        action=AuditAction.EXPORT,
        request=request,
        object_type=REPORT_SUBJECT,
        detail={"rows": count, "embargoed": report_exports.embargoed_ids(user, now)},
    )
    return streaming_csv_response(
        report_exports.filename(now), report_exports.REPORTS_CSV_HEADER, report_exports.streamed_rows(rows)
    )


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Reports and findings the reader may see that match the words searched for, best match first; the
    portal search (hmicfrs_mou/search_views.py) links here for the full list of both."""
    form = SearchForm(request.GET or None)
    q = form.cleaned_data["q"].strip() if form.is_valid() else ""
    context: dict[str, Any] = {"form": form, "q": q}
    if q:
        now = timezone.now()
        results = report_search.search(request.user, q, now)
        # The count rides on the page's rows and on the first findings (a window count): counted apart,
        # each list's matches were found twice, every report or finding that holds a common word.
        page = WindowCountPaginator(
            report_search.more_match(results, results.reports.without_text()), PAGE_SIZE
        ).get_page(request.GET.get("page"))
        own = own_areas(request.user, now)
        areas = areas_of(Report.areas.through, "report", [report.pk for report in page])
        # The findings' reports are read for the rows shown only, not joined to every match before the
        # first are kept; a row names its report, never its text.
        findings, findings_count, _ = first_rows(
            results.findings.prefetch_related(Prefetch("report", queryset=Report.objects.without_text())),
            limit=SEARCH_FINDINGS_SHOWN,
        )
        # Unpublished reports shown (embargoed, or drafts) are on the trail, as their page puts every reading.
        shown = report_search.unpublished_shown(
            request.user, [*page, *(finding.report for finding in findings)], now
        )
        if shown:
            # One entry for them all, as the CSV export writes: the report's id when there is one.
            unpublished = shown["unpublished"]
            audit_record(
                action=AuditAction.VIEW,
                request=request,
                object_type=REPORT_SUBJECT,
                object_id=str(unpublished[0]) if len(unpublished) == 1 else "",
                detail={"search": results.words, **shown},
            )
        context.update(
            {
                "page_obj": page,
                "more": report_search.more_matched(page),
                "report_rows": [
                    (
                        report,
                        report_search.snippet(report, report.summary, results.words),
                        describe(areas.get(report.pk, []), own),
                    )
                    for report in page
                ],
                "finding_rows": [
                    (finding, report_search.snippet(finding, finding.text, results.words))
                    for finding in findings
                ],
                "findings_shown": len(findings),
                "findings_count": findings_count,
                "querystring": urlencode({"q": q}),
            }
        )
    return render(request, "inspections/workspace/search.html", context)
