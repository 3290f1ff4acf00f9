"""Pages for the confidential records between an HMI and a PCC's office (C4, C5, L1, L2).

Thin: each page fetches through contacts.access (a read of a record's page is audited there; a record the
person may not read answers 404, audited too) and writes through contacts.services_confidential.
Conduct matters (L2) appear on their own list only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from contacts.access import (
    conduct_matters_sent_by,
    hmi_areas,
    may,
    office_areas,
    read_confidential,
    require_hmi_for_area,
    require_office_staff,
)
from contacts.forms import (
    ConductMatterForm,
    PanelBriefingForm,
    PanelDecisionForm,
    PanelInvitationForm,
    PanelRepresentationsForm,
    RecruitmentAdviceForm,
    RecruitmentForm,
    SharedFindingsForm,
)
from contacts.models import (
    ChiefOfficerRecruitment,
    ConductMatter,
    PanelDecision,
    PanelInvitation,
    SharedFindings,
)
from contacts.public_domain import public_documents
from contacts.services_confidential import (
    conduct_matter_log,
    panel_briefing_record,
    panel_invitation_decide,
    panel_invitation_record,
    panel_representations_send,
    recruitment_advice_record,
    recruitment_record,
    shared_findings_share,
)
from hmicfrs_mou.form_pages import form_page, posted

PAGE_SIZE = 25


def _page(request: HttpRequest, queryset: QuerySet) -> Any:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _form(
    request: HttpRequest,
    *,
    form: Any,
    heading: str,
    caption: str,
    button: str,
    back: str,
    back_label: str,
    perform: Callable[[dict[str, Any]], Any],
    done: str,
    then: Callable[[Any], str],
    intro: str = "",
    record: Any = None,
) -> HttpResponse:
    return form_page(
        request,
        form=form,
        template="contacts/confidential/form.html",
        context={
            "heading": heading,
            "caption": caption,
            "button": button,
            "back": back,
            "back_label": back_label,
            "intro": intro,
            "record": record,
        },
        perform=perform,
        done=done,
        then=then,
    )


# --- The hub -----------------------------------------------------------------------------------------


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Where an HMI and a PCC's office find their confidential records; lists none of them itself."""
    return render(
        request,
        "contacts/confidential/index.html",
        {"as_hmi": hmi_areas(request.user).exists(), "as_office": office_areas(request.user).exists()},
    )


# --- C4: shared unpublished findings ---------------------------------------------------------------------


@login_required
@require_GET
def shared_findings_list(request: HttpRequest) -> HttpResponse:
    records = SharedFindings.objects.visible_to(request.user).select_related("area", "office", "shared_by")
    return render(
        request,
        "contacts/confidential/shared_findings_list.html",
        {"page_obj": _page(request, records), "can_share": hmi_areas(request.user).exists()},
    )


@login_required
@require_GET
def shared_findings_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = read_confidential(
        request,
        SharedFindings.objects.select_related("area", "office", "shared_by").prefetch_related("named_staff"),
        pk,
    )
    return render(request, "contacts/confidential/shared_findings_detail.html", {"record": record})


@login_required
@require_http_methods(["GET", "POST"])
def shared_findings_new(request: HttpRequest) -> HttpResponse:
    areas = hmi_areas(request.user)
    if not areas.exists():
        raise PermissionDenied
    return _form(
        request,
        form=SharedFindingsForm(posted(request), areas=areas),
        heading=_("Share unpublished findings with a PCC"),
        caption=_("In confidence"),
        button=_("Share in confidence"),
        back=reverse("contacts:shared-findings-list"),
        back_label=_("Back to shared findings"),
        intro=_(
            "The PCC's office will be told there is something to read, not what it says. Every reading "
            "is recorded."
        ),
        perform=lambda data: shared_findings_share(
            area=data["area"],
            title=data["title"],
            findings=data["findings"],
            named_staff=data["named_staff"],
            by=request.user,
            request=request,
        ),
        done=gettext("Findings shared in confidence."),
        then=lambda record: reverse("contacts:shared-findings", kwargs={"pk": record.pk}),
    )


# --- C5: panel invitations -------------------------------------------------------------------------------


def _invitations() -> QuerySet:
    return PanelInvitation.objects.select_related(
        "area", "office", "panel", "recorded_by", "representations_by", "decided_by", "briefing_by"
    )


@login_required
@require_GET
def panel_invitation_list(request: HttpRequest) -> HttpResponse:
    records = PanelInvitation.objects.visible_to(request.user).select_related("area", "office")
    return render(
        request,
        "contacts/confidential/panel_invitation_list.html",
        {
            "page_obj": _page(request, records),
            "can_record": hmi_areas(request.user).exists(),
            "now": timezone.now(),
        },
    )


@login_required
@require_GET
def panel_invitation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = read_confidential(request, _invitations().prefetch_related("sources"), pk)
    now = timezone.now()
    user = request.user
    is_hmi = may(require_hmi_for_area, user, invitation.area, now, "decide")
    is_office = may(require_office_staff, user, invitation.office, now, "send representations")
    undecided = not invitation.decision
    return render(
        request,
        "contacts/confidential/panel_invitation_detail.html",
        {
            "invitation": invitation,
            "now": now,
            "can_represent": is_office and undecided and invitation.representations_at is None,
            "can_decide": is_hmi
            and undecided
            and (invitation.representations_at is not None or now >= invitation.representations_due_at),
            "waiting_for_representations": is_hmi
            and undecided
            and invitation.representations_at is None
            and now < invitation.representations_due_at,
            "can_brief": is_hmi and invitation.decision == PanelDecision.ACCEPTED,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def panel_invitation_new(request: HttpRequest) -> HttpResponse:
    areas = hmi_areas(request.user)
    if not areas.exists():
        raise PermissionDenied
    return _form(
        request,
        form=PanelInvitationForm(posted(request), areas=areas),
        heading=_("Record an invitation to brief a panel"),
        caption=_("Police and crime panels"),
        button=_("Record and ask for representations"),
        back=reverse("contacts:panel-invitations"),
        back_label=_("Back to panel invitations"),
        intro=_(
            "The PCC's office will be asked for its representations before you decide whether to accept. "
            "They are due 5 working days from today, or by the last working day before the panel meets if that "
            "is sooner."
        ),
        perform=lambda data: panel_invitation_record(
            area=data["area"],
            received_on=data["received_on"],
            meeting_on=data["meeting_on"],
            purpose=data["purpose"],
            by=request.user,
            request=request,
        ),
        done=gettext("Invitation recorded. The PCC's office has been asked for its representations."),
        then=lambda record: reverse("contacts:panel-invitation", kwargs={"pk": record.pk}),
    )


def _invitation_step(
    request: HttpRequest, pk: int, *, form: Any, heading: str, button: str, perform: Callable, done: str
) -> HttpResponse:
    invitation = read_confidential(request, _invitations(), pk)
    url = reverse("contacts:panel-invitation", kwargs={"pk": invitation.pk})
    return _form(
        request,
        form=form(invitation),
        heading=heading,
        caption=gettext("Invitation to brief the panel: %(area)s") % {"area": invitation.area},
        button=button,
        back=url,
        back_label=_("Back to the invitation"),
        perform=lambda data: perform(invitation, data),
        done=done,
        then=lambda _result: url,
        record=invitation,
    )


@login_required
@require_http_methods(["GET", "POST"])
def panel_representations(request: HttpRequest, pk: int) -> HttpResponse:
    return _invitation_step(
        request,
        pk,
        form=lambda invitation: PanelRepresentationsForm(posted(request)),
        heading=_("Send your representations"),
        button=_("Send representations"),
        perform=lambda invitation, data: panel_representations_send(
            invitation=invitation, representations=data["representations"], by=request.user, request=request
        ),
        done=gettext("Representations sent to the HMI."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def panel_decision(request: HttpRequest, pk: int) -> HttpResponse:
    return _invitation_step(
        request,
        pk,
        form=lambda invitation: PanelDecisionForm(posted(request)),
        heading=_("Decide on the invitation"),
        button=_("Record decision"),
        perform=lambda invitation, data: panel_invitation_decide(
            invitation=invitation,
            decision=data["decision"],
            reasons=data["reasons"],
            by=request.user,
            request=request,
        ),
        done=gettext("Decision recorded. The PCC's office has been told."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def panel_briefing(request: HttpRequest, pk: int) -> HttpResponse:
    documents = public_documents(timezone.now())
    return _invitation_step(
        request,
        pk,
        form=lambda invitation: PanelBriefingForm(
            posted(request),
            documents=documents,
            initial={
                "notes": invitation.briefing_notes,
                "sources": [source.document_key for source in invitation.sources.all()],
            },
        ),
        heading=_("Briefing notes for the panel"),
        button=_("Save briefing notes"),
        perform=lambda invitation, data: panel_briefing_record(
            invitation=invitation,
            notes=data["notes"],
            sources=data["sources"],
            by=request.user,
            request=request,
        ),
        done=gettext("Briefing notes saved."),
    )


# --- L1: chief officer recruitment ----------------------------------------------------------------------


def _recruitments() -> QuerySet:
    return ChiefOfficerRecruitment.objects.select_related("area", "office", "recorded_by", "advised_by")


@login_required
@require_GET
def recruitment_list(request: HttpRequest) -> HttpResponse:
    records = ChiefOfficerRecruitment.objects.visible_to(request.user).select_related("area", "office")
    return render(
        request,
        "contacts/confidential/recruitment_list.html",
        {"page_obj": _page(request, records), "can_record": office_areas(request.user).exists()},
    )


@login_required
@require_GET
def recruitment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    recruitment = read_confidential(request, _recruitments().prefetch_related("shortlisted_forces"), pk)
    can_advise = recruitment.advised_at is None and may(
        require_hmi_for_area, request.user, recruitment.area, timezone.now(), "advise"
    )
    return render(
        request,
        "contacts/confidential/recruitment_detail.html",
        {"recruitment": recruitment, "can_advise": can_advise},
    )


@login_required
@require_http_methods(["GET", "POST"])
def recruitment_new(request: HttpRequest) -> HttpResponse:
    areas = office_areas(request.user)
    if not areas.exists():
        raise PermissionDenied
    return _form(
        request,
        form=RecruitmentForm(posted(request), areas=areas),
        heading=_("Recruiting a chief officer"),
        caption=_("Involve your HMI"),
        button=_("Send to the HMI"),
        back=reverse("contacts:recruitments"),
        back_label=_("Back to recruitments"),
        intro=_("Only your office and the HMI for the force or service will see this."),
        perform=lambda data: recruitment_record(
            area=data["area"],
            process=data["process"],
            asks_panel=data["asks_panel"],
            asks_pre_appointment_advice=data["asks_pre_appointment_advice"],
            shortlisted_forces=data["shortlisted_forces"],
            by=request.user,
            request=request,
        ),
        done=gettext("Recruitment recorded. The HMI has been told."),
        then=lambda record: reverse("contacts:recruitment", kwargs={"pk": record.pk}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def recruitment_advice(request: HttpRequest, pk: int) -> HttpResponse:
    recruitment = read_confidential(request, _recruitments(), pk)
    url = reverse("contacts:recruitment", kwargs={"pk": recruitment.pk})
    return _form(
        request,
        form=RecruitmentAdviceForm(posted(request), asks_panel=recruitment.asks_panel),
        heading=_("Record your advice"),
        caption=gettext("Chief officer recruitment: %(area)s") % {"area": recruitment.area},
        button=_("Record advice"),
        back=url,
        back_label=_("Back to the recruitment"),
        perform=lambda data: recruitment_advice_record(
            recruitment=recruitment,
            advice=data["advice"],
            panel_answer=data.get("panel_answer", ""),
            by=request.user,
            request=request,
        ),
        done=gettext("Advice recorded. The PCC's office has been told."),
        then=lambda _result: url,
        record=recruitment,
    )


# --- L2: complaint and conduct matters about the chief officer -----------------------------------------


@login_required
@require_GET
def conduct_matter_list(request: HttpRequest) -> HttpResponse:
    """L2: the log's own list, the only list conduct matters are on: kind, area and date, never the text."""
    records = ConductMatter.objects.visible_to(request.user).select_related("area", "office")
    sent = conduct_matters_sent_by(request.user).select_related("area", "logged_by")
    return render(
        request,
        "contacts/confidential/conduct_matter_list.html",
        {
            "page_obj": _page(request, records),
            "sent": Paginator(sent, PAGE_SIZE).get_page(request.GET.get("sent_page")),
            "can_log": office_areas(request.user).exists(),
        },
    )


@login_required
@require_GET
def conduct_matter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    matter = read_confidential(
        request,
        ConductMatter.objects.select_related("area", "office", "logged_by").prefetch_related("named_staff"),
        pk,
    )
    return render(request, "contacts/confidential/conduct_matter_detail.html", {"matter": matter})


@login_required
@require_http_methods(["GET", "POST"])
def conduct_matter_new(request: HttpRequest) -> HttpResponse:
    areas = office_areas(request.user)
    if not areas.exists():
        raise PermissionDenied
    return _form(
        request,
        form=ConductMatterForm(posted(request), areas=areas),
        heading=_("Tell the HMI about a matter concerning the chief officer"),
        caption=_("Complaints and conduct matters"),
        button=_("Send to the HMI in confidence"),
        back=reverse("contacts:conduct-matters"),
        back_label=_("Back to conduct matters"),
        intro=_(
            "The HMI will be told there is something to read, not what it says. Every reading is recorded."
        ),
        perform=lambda data: conduct_matter_log(
            area=data["area"],
            kind=data["kind"],
            summary=data["summary"],
            named_staff=data["named_staff"],
            by=request.user,
            request=request,
        ),
        done=gettext(
            "Sent to the HMI in confidence. Only the HMI and the HMICFRS staff you named can read it."
        ),
        then=lambda record: reverse("contacts:conduct-matters"),
    )
