"""Improvement plans (M4) with the PCC's holding-to-account notes and HMICFRS comments, and the APCC's
Engage toolkit: its versions, and the letter to the PCC that shares it (M8).

Thin views: records are fetched through monitoring.access (404 and a DENIED audit row when not
visible), changes go through monitoring.services, and an uploaded PDF is checked by its content by
the service; its refusal is shown on the file field with nothing stored.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contacts.selectors import office_of_area
from hmicfrs_mou.access import not_found
from hmicfrs_mou.audit import audit_record
from hmicfrs_mou.form_pages import form_page, posted
from hmicfrs_mou.forms import add_service_errors
from hmicfrs_mou.models import AuditAction
from hmicfrs_mou.uploads import check_pdf
from monitoring import access, services
from monitoring.forms_meetings import PlanForm, PlanNoteForm, ToolkitSendForm, ToolkitUploadForm
from monitoring.models import ImprovementPlanVersion, PlanNoteKind, ToolkitSending, ToolkitVersion
from monitoring.views.meetings import may, require_on_get

PLAN_TYPE = "monitoring.improvementplanversion"
TOOLKIT_TYPE = "monitoring.toolkitversion"
NOTE_LABELS = {
    PlanNoteKind.PCC: _("Add a holding-to-account note"),
    PlanNoteKind.HMICFRS: _("Add an HMICFRS comment"),
}


def _posted_files(request: HttpRequest) -> Any:
    return request.FILES if request.method == "POST" else None


def file_error(error: ValidationError, upload: UploadedFile | None) -> ValidationError:
    """A service's refusal, put on the file field when it is about the uploaded file itself.

    The service checks the actor, the case and the text before the file; a refusal that the
    file check alone repeats word for word is about the file.
    """
    if upload is None or hasattr(error, "error_dict") or getattr(error, "code", None) == "actor":
        return error
    upload.seek(0)
    try:
        check_pdf(upload)
    except ValidationError as file_refusal:
        if file_refusal.messages == error.messages:
            return ValidationError({"file": error.messages})
    return error


def pdf_download(content: bytes | memoryview, filename: str) -> HttpResponse:
    """A stored PDF as a download: never shown inline, never cached."""
    response = HttpResponse(bytes(content), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Improvement plans (M4) ------------------------------------------------------------------------------


def _plans(user: Any, now: dt.datetime) -> QuerySet:
    return access.plans_visible_to(user, now).defer("content")


def _plan_for_user(request: HttpRequest, pk: int, now: dt.datetime) -> ImprovementPlanVersion:
    plan = (
        _plans(request.user, now).select_related("case", "case__area", "submitted_by").filter(pk=pk).first()
    )
    if plan is None:
        raise not_found(request, object_type=PLAN_TYPE, object_id=pk)
    return plan


def _note_kind(user: Any, plan: ImprovementPlanVersion, now: dt.datetime) -> str | None:
    """The note this person writes on the plan: the PCC's office a holding-to-account note, HMICFRS a comment."""
    area = plan.case.area
    if may(lambda: access.require_pcc_office_of(user, area, now, "note")):
        return PlanNoteKind.PCC
    if may(lambda: access.require_hmicfrs_for(user, area, now, "comment")):
        return PlanNoteKind.HMICFRS
    return None


def _plan_page(
    request: HttpRequest, plan: ImprovementPlanVersion, now: dt.datetime, form: PlanNoteForm | None = None
) -> HttpResponse:
    user = request.user
    case = plan.case
    kind = _note_kind(user, plan, now)
    if form is None and kind is not None:
        form = PlanNoteForm(initial={"kind": kind})
    if form is not None:
        form.fields["text"].label = NOTE_LABELS.get(kind or form.data.get("kind", ""), _("Add a note"))
    return render(
        request,
        "monitoring/plans/plan.html",
        {
            "plan": plan,
            "case": case,
            "area": case.area,
            "versions": _plans(user, now)
            .filter(case=case)
            .select_related("submitted_by")
            .order_by("-version"),
            "causes": case.causes.all(),
            "notes": access.plan_notes_visible_to(user, plan, now).select_related("by"),
            "form": form,
            "note_kind": kind,
            "can_submit": may(lambda: access.require_chief_office_of(user, case.area, now, "submit")),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_new(request: HttpRequest, pk: int) -> HttpResponse:
    """M4: the chief's office submits a new version of the plan (earlier versions are kept)."""
    now = timezone.now()
    user = request.user
    case = access.get_case_for_user(request, pk, now)
    require_on_get(request, lambda: access.require_chief_office_of(user, case.area, now, "submit"))
    form = PlanForm(posted(request), _posted_files(request))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            plan = services.plan_submit(case=case, text=form.cleaned_data["text"], upload=upload, by=user)
        except ValidationError as error:
            add_service_errors(form, file_error(error, upload))
        else:
            messages.success(
                request,
                gettext(
                    "Version %(version)s of the improvement plan is submitted. The PCC's office and the HMI "
                    "have been told."
                )
                % {"version": plan.version},
            )
            return redirect("monitoring:plan", pk=plan.pk)
    latest = _plans(user, now).filter(case=case).order_by("-version").first()
    return render(
        request,
        "monitoring/plans/plan_form.html",
        {"form": form, "case": case, "area": case.area, "latest": latest},
    )


@login_required
@require_GET
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    """A version of the plan, links to every version, and the notes the person may read."""
    now = timezone.now()
    plan = _plan_for_user(request, pk, now)
    # An improvement plan is never public: every reading is on the trail (audit completeness).
    audit_record(action=AuditAction.VIEW, obj=plan, request=request)
    return _plan_page(request, plan, now)


@login_required
@require_POST
def plan_note(request: HttpRequest, pk: int) -> HttpResponse:
    """The PCC's holding-to-account note or HMICFRS's comment on a version of the plan."""
    now = timezone.now()
    plan = _plan_for_user(request, pk, now)
    form = PlanNoteForm(request.POST)
    if form.is_valid():
        try:
            note = services.plan_note_add(
                plan=plan, kind=form.cleaned_data["kind"], text=form.cleaned_data["text"], by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("%(kind)s added.") % {"kind": note.get_kind_display()})
            return redirect(reverse("monitoring:plan", kwargs={"pk": plan.pk}) + "#notes")
    return _plan_page(request, plan, now, form)


@login_required
@require_GET
def plan_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The PDF attached to a version of the plan, to those who may see the plan; audited."""
    now = timezone.now()
    plan = access.plans_visible_to(request.user, now).select_related("case__area").filter(pk=pk).first()
    if plan is None:
        raise not_found(request, object_type=PLAN_TYPE, object_id=pk)
    if not plan.file_name or plan.content is None:
        raise Http404("This version has no attached file.")
    audit_record(action=AuditAction.DOWNLOAD, obj=plan, request=request)
    name = slugify(plan.case.area.name)[:80] or "area"
    return pdf_download(plan.content, f"improvement-plan-{name}-v{plan.version}.pdf")


# --- The Engage toolkit (M8) -----------------------------------------------------------------------------


def _sendings_to(v: access.Viewer) -> QuerySet:
    """The toolkit letters sent to the PCC's offices the person works in."""
    if not v.governed_area_ids:
        return ToolkitSending.objects.none()
    return ToolkitSending.objects.filter(case__area_id__in=v.governed_area_ids, sent_at__lte=v.at)


def _downloadable(v: access.Viewer) -> QuerySet:
    """Toolkit versions the person may download: every one for the APCC; the one sent, for a PCC's office."""
    versions = ToolkitVersion.objects.all()
    if v.apcc:
        return versions
    return versions.filter(pk__in=_sendings_to(v).values("toolkit_id"))


@login_required
@require_http_methods(["GET", "POST"])
def toolkit(request: HttpRequest) -> HttpResponse:
    """M8: the toolkit's versions (APCC, HMICFRS), the upload (APCC lead), the copy sent (PCC's office)."""
    now = timezone.now()
    user = request.user
    v = access.viewer(user, now)
    sendings = list(
        _sendings_to(v)
        .select_related("case__area", "toolkit", "sent_by")
        .defer("toolkit__content")
        .order_by("-sent_at")
    )
    if not (v.apcc or v.hmicfrs or sendings):
        raise PermissionDenied("The Engage toolkit is the APCC's.")
    form = ToolkitUploadForm(posted(request), _posted_files(request))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            version = services.toolkit_upload(upload=upload, note=form.cleaned_data["note"], by=user)
        except ValidationError as error:
            add_service_errors(form, file_error(error, upload))
        else:
            messages.success(
                request,
                gettext("Version %(version)s of the Engage toolkit is uploaded.")
                % {"version": version.version},
            )
            return redirect("monitoring:toolkit")
    versions = (
        ToolkitVersion.objects.defer("content").select_related("uploaded_by").order_by("-version")
        if v.apcc or v.hmicfrs
        else ToolkitVersion.objects.none()
    )
    return render(
        request,
        "monitoring/plans/toolkit.html",
        {
            "versions": versions,
            "sendings": sendings,
            "form": form if v.apcc_lead or form.is_bound else None,
            "downloads": v.apcc,
        },
    )


@login_required
@require_GET
def toolkit_file(request: HttpRequest, version: int) -> HttpResponse:
    """A version of the toolkit as a PDF, to the APCC or the PCC's office it was sent to; audited."""
    toolkit = _downloadable(access.viewer(request.user)).filter(version=version).first()
    if toolkit is None:
        raise not_found(request, object_type=TOOLKIT_TYPE, object_id=version)
    audit_record(action=AuditAction.DOWNLOAD, obj=toolkit, request=request)
    stem = slugify(toolkit.file_name.removesuffix(".pdf").removesuffix(".PDF"))[:80] or "engage-toolkit"
    return pdf_download(toolkit.content, f"{stem}-v{toolkit.version}.pdf")


@login_required
@require_http_methods(["GET", "POST"])
def toolkit_send(request: HttpRequest, pk: int) -> HttpResponse:
    """M8: the APCC lead writes to the PCC of an area in Engage and shares the current toolkit."""
    now = timezone.now()
    user = request.user
    case = access.get_case_for_user(request, pk, now)
    require_on_get(request, lambda: access.require_apcc_lead(user, now, "write to the PCC"))
    sending = (
        ToolkitSending.objects.filter(case=case)
        .select_related("toolkit", "sent_by")
        .defer("toolkit__content")
        .first()
    )
    return form_page(
        request,
        form=ToolkitSendForm(posted(request)),
        template="monitoring/plans/toolkit_send.html",
        context={
            "case": case,
            "area": case.area,
            "sending": sending,
            "current": ToolkitVersion.objects.defer("content").order_by("-version").first(),
            "office": office_of_area(case.area, timezone.localdate(now)),
        },
        perform=lambda data: services.toolkit_send(case=case, letter=data["letter"], by=user),
        done=gettext("The letter is sent to the PCC's office with the Engage toolkit."),
        then=reverse("monitoring:toolkit-send", kwargs={"pk": case.pk}),
        instance=case,
    )
