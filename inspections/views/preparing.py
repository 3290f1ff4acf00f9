"""Preparing for inspections: the programme and framework (P1), commissions (P2), reference groups (P3).

Who sees what:

| page                 | HMICFRS staff                  | APCC staff                 | OPCC staff                                | others    |
|----------------------|--------------------------------|----------------------------|-------------------------------------------|-----------|
| programmes (P1)      | all; inspection staff act      | all                        | all                                       | 403       |
| representations (P1) | all; inspection staff consider | all; send the collated one | their own and the APCC's; send a direct one | 403     |
| commissions (P2)     | all; inspection staff act      | 404 (list 403)             | their office's (others' 404); request     | 404 (list 403) |
| reference group (P3) | the inspection's team          | 404                        | 403 if the inspection is visible, else 404 | as OPCC  |

Thin views, as in inspections.views.workspace: a record the person may not see
is "not found" (404, on the audit trail); one they see but may not act on is
403; every change goes through inspections.services and a refusal is shown on
the form with nothing changed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contacts.models import Organisation, OrganisationKind
from contacts.selectors import is_hmicfrs_staff, organisations_acted_for
from hmicfrs_mou.access import holds, not_found
from hmicfrs_mou.form_pages import form_page, posted
from hmicfrs_mou.forms import add_service_errors
from hmicfrs_mou.permissions import Perm
from inspections import services
from inspections.access import inspections_visible_to, is_team_member
from inspections.forms_preparing import (
    AdvanceForm,
    CommissionForm,
    ConsiderationForm,
    EstimateForm,
    ProgrammeForm,
    ReferenceGroupForm,
    RepresentationForm,
)
from inspections.models import (
    CommissionRequest,
    CommissionState,
    Inspection,
    Programme,
    ProgrammeEvent,
    ProgrammeState,
    ReferenceGroup,
    Representation,
    RepresentationKind,
)

PAGE_SIZE = 25
# Representations are taken, and considered, from the moment the APCC chair is asked until submission (P1).
OPEN_STATES = (ProgrammeState.REPRESENTATIONS_REQUESTED, ProgrammeState.UNDER_CONSIDERATION)
# The button that moves a programme to each step (P1).
ADVANCE_ACTIONS = {
    ProgrammeState.REPRESENTATIONS_REQUESTED: _("Ask the APCC chair for representations"),
    ProgrammeState.UNDER_CONSIDERATION: _("Start considering the representations"),
    ProgrammeState.SUBMITTED: _("Submit to the Home Secretary for approval"),
    ProgrammeState.APPROVED: _("Record the Home Secretary's approval"),
    ProgrammeState.LAID: _("Record that it was laid before Parliament"),
}


# --- who is asking ----------------------------------------------------------------------------------


def runs_inspections(user: Any) -> bool:
    """HMICFRS staff who run inspections: they advance programmes, consider representations, decide commissions."""
    return holds(user, Perm.ADD_INSPECTION)


def representing(user: Any) -> QuerySet:
    """The APCC and PCCs' offices the person acts for: who a representation may come from (P1)."""
    return organisations_acted_for(user).filter(kind__in=(OrganisationKind.APCC, OrganisationKind.OPCC))


def offices_of(user: Any) -> QuerySet:
    """The PCCs' offices the person works in."""
    return organisations_acted_for(user).filter(kind=OrganisationKind.OPCC).order_by("name")


def _may_see_programmes(user: Any) -> bool:
    return is_hmicfrs_staff(user) or representing(user).exists()


def representations_visible_to(user: Any) -> QuerySet:
    """P1: HMICFRS and the APCC see every representation; a PCC's office its own and the APCC's collated one."""
    acted_for = organisations_acted_for(user)
    if is_hmicfrs_staff(user) or acted_for.filter(kind=OrganisationKind.APCC).exists():
        return Representation.objects.all()
    if not acted_for.filter(kind=OrganisationKind.OPCC).exists():
        return Representation.objects.none()
    # An office acts for its PCC's body too, so a representation made as the body is its own.
    return Representation.objects.filter(
        Q(organisation__in=acted_for) | Q(kind=RepresentationKind.APCC_COLLATED)
    )


def commissions_visible_to(user: Any) -> QuerySet:
    """P2: HMICFRS staff see every request; a PCC's office sees the requests it made or joined."""
    if is_hmicfrs_staff(user):
        return CommissionRequest.objects.all()
    requested = CommissionRequest.requested_by.through.objects.filter(
        organisation__in=organisations_acted_for(user)
    ).values("commissionrequest_id")
    return CommissionRequest.objects.filter(pk__in=requested)


def _programme(request: HttpRequest, pk: int) -> Programme:
    """A programme for someone who may see programmes (403 otherwise); 404 if there is none."""
    if not _may_see_programmes(request.user):
        raise PermissionDenied
    programme = Programme.objects.filter(pk=pk).first()
    if programme is None:
        raise not_found(request, object_type="inspections.programme", object_id=pk)
    return programme


def _commission(request: HttpRequest, pk: int) -> CommissionRequest:
    commission = commissions_visible_to(request.user).filter(pk=pk).first()
    if commission is None:
        raise not_found(request, object_type="inspections.commissionrequest", object_id=pk)
    return commission


def _programme_url(programme: Programme) -> str:
    return reverse("inspections:programme", kwargs={"pk": programme.pk})


def _commission_url(commission: CommissionRequest) -> str:
    return reverse("inspections:commission", kwargs={"pk": commission.pk})


# --- P1: the programme and framework ---------------------------------------------------------------


@login_required
@require_GET
def programme_list(request: HttpRequest) -> HttpResponse:
    if not _may_see_programmes(request.user):
        raise PermissionDenied
    page = Paginator(Programme.objects.order_by("-year", "-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "inspections/preparing/programme_list.html",
        {"page_obj": page, "can_create": runs_inspections(request.user)},
    )


@transaction.atomic
@login_required
@require_http_methods(["GET", "POST"])
def programme_new(request: HttpRequest) -> HttpResponse:
    if not runs_inspections(request.user):
        raise PermissionDenied
    return form_page(
        request,
        form=ProgrammeForm(posted(request)),
        template="inspections/preparing/programme_form.html",
        context={},
        perform=lambda data: services.programme_create(
            title=data["title"],
            year=data["year"],
            framework=data["framework"],
            representations_due_on=data["representations_due_on"],
            by=request.user,
        ),
        done=gettext("Programme created as a draft."),
        then=_programme_url,
    )


def _programme_page(
    request: HttpRequest, programme: Programme, advance_form: AdvanceForm | None = None
) -> HttpResponse:
    user = request.user
    acts = runs_inspections(user)
    next_state = AdvanceForm.next_state(programme.state)
    if advance_form is None and acts and next_state is not None:
        advance_form = AdvanceForm(initial={"to": next_state.value})
    elif advance_form is not None and next_state is not None:
        # A refused form keeps its errors and note; its button now offers the real next step.
        data = advance_form.data.copy()
        data["to"] = next_state.value
        advance_form.data = data
    open_ = programme.state in OPEN_STATES
    representations = (
        representations_visible_to(user)
        .filter(programme=programme)
        .select_related("organisation")
        .order_by("received_at", "pk")
    )
    return render(
        request,
        "inspections/preparing/programme_detail.html",
        {
            "programme": programme,
            "events": ProgrammeEvent.objects.filter(programme=programme).select_related("by"),
            "representations": representations,
            "collated": RepresentationKind.APCC_COLLATED,
            "acts": acts,
            "next_state": next_state,
            "advance_action": ADVANCE_ACTIONS.get(next_state, ""),
            "hmicfrs": is_hmicfrs_staff(user),
            "form": advance_form,
            "open": open_,
            "may_represent": open_ and representing(user).exists(),
            "may_consider": acts and open_,
        },
    )


@login_required
@require_GET
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _programme_page(request, _programme(request, pk))


@login_required
@require_POST
def programme_advance(request: HttpRequest, pk: int) -> HttpResponse:
    """P1: one step on; a skip, or a submission before every representation is considered, is refused."""
    programme = _programme(request, pk)
    if not runs_inspections(request.user):
        raise PermissionDenied
    form = AdvanceForm(request.POST)
    if form.is_valid():
        try:
            services.programme_advance(
                programme=programme,
                to=form.cleaned_data["to"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as error:
            programme.refresh_from_db()
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                gettext("The programme is now at “%(state)s”.") % {"state": programme.get_state_display()},
            )
            return redirect(_programme_url(programme))
    return _programme_page(request, programme, form)


@login_required
@require_http_methods(["GET", "POST"])
def representation_new(request: HttpRequest, pk: int) -> HttpResponse:
    """P1: the APCC's collated response, or a PCC's direct one, while representations are asked for."""
    programme = _programme(request, pk)
    organisations = representing(request.user).order_by("kind", "name")
    if not organisations.exists():
        raise PermissionDenied
    form = RepresentationForm(posted(request), organisations=organisations)
    return form_page(
        request,
        form=form,
        template="inspections/preparing/representation_form.html",
        context={"programme": programme, "open": programme.state in OPEN_STATES},
        perform=lambda data: services.representation_record(
            programme=programme, organisation=form.chosen_organisation(), text=data["text"], by=request.user
        ),
        done=gettext("Representation sent to HMICFRS."),
        then=_programme_url(programme),
        instance=programme,
    )


@login_required
@require_http_methods(["GET", "POST"])
def representation_consider(request: HttpRequest, pk: int, representation_pk: int) -> HttpResponse:
    """P1: HMICFRS records how it considered a representation, until the programme is submitted."""
    programme = _programme(request, pk)
    # Looked for on this programme, among those the person may see: another id is "not found".
    representation = (
        representations_visible_to(request.user)
        .filter(programme=programme, pk=representation_pk)
        .select_related("organisation")
        .first()
    )
    if representation is None:
        raise not_found(request, object_type="inspections.representation", object_id=representation_pk)
    if not runs_inspections(request.user):
        raise PermissionDenied
    form = ConsiderationForm(posted(request), initial={"consideration": representation.consideration})

    def consider(data: dict[str, Any]) -> object:
        if programme.state not in OPEN_STATES:
            raise ValidationError(
                gettext(
                    "The programme has been submitted: its representations can no longer be considered."
                )  # P1
            )
        return services.representation_consider(
            representation=representation, consideration=data["consideration"], by=request.user
        )

    return form_page(
        request,
        form=form,
        template="inspections/preparing/consider.html",
        context={"programme": programme, "representation": representation},
        perform=consider,
        done=gettext("Consideration recorded for the representation from %(organisation)s.")
        % {"organisation": representation.organisation},
        then=_programme_url(programme),
        instance=representation,
    )


# --- P2: commissioned inspections -------------------------------------------------------------------


def _may_see_commissions(user: Any) -> bool:
    return is_hmicfrs_staff(user) or offices_of(user).exists()


@login_required
@require_GET
def commission_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not _may_see_commissions(user):
        raise PermissionDenied
    commissions = (
        commissions_visible_to(user)
        .prefetch_related(
            Prefetch("requested_by", queryset=Organisation.objects.order_by("name")),
            Prefetch("areas", queryset=Organisation.objects.order_by("name")),
        )
        .order_by("-created_at", "-pk")
    )
    page = Paginator(commissions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "inspections/preparing/commission_list.html",
        {"page_obj": page, "can_request": offices_of(user).exists(), "hmicfrs": is_hmicfrs_staff(user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def commission_new(request: HttpRequest) -> HttpResponse:
    """P2: a PCC's office asks HMICFRS to inspect the police force(s) its PCC governs."""
    offices = offices_of(request.user)
    if not offices.exists():
        raise PermissionDenied
    form = CommissionForm(posted(request), offices=offices)
    return form_page(
        request,
        form=form,
        template="inspections/preparing/commission_form.html",
        context={},
        perform=lambda data: services.commission_request(
            requested_by=[form.chosen_office()],
            areas=list(data["areas"]),
            scope=data["scope"],
            by=request.user,
        ),
        done=gettext("Request sent to HMICFRS."),
        then=_commission_url,
    )


def _commission_page(
    request: HttpRequest, commission: CommissionRequest, form: Form | None = None
) -> HttpResponse:
    acts = runs_inspections(request.user)
    if form is None and acts:
        form = Form()
    return render(
        request,
        "inspections/preparing/commission_detail.html",
        {
            "commission": commission,
            "requested_by": commission.requested_by.order_by("name"),
            "areas": commission.areas.order_by("name"),
            "acts": acts,
            "accepted": commission.state == CommissionState.ACCEPTED,
            "form": form,
        },
    )


@login_required
@require_GET
def commission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _commission_page(request, _commission(request, pk))


@login_required
@require_http_methods(["GET", "POST"])
def commission_estimate(request: HttpRequest, pk: int) -> HttpResponse:
    """P2: the estimated duration and cost, met by the OPCC, agreed before acceptance."""
    commission = _commission(request, pk)
    if not runs_inspections(request.user):
        raise PermissionDenied
    initial = {"days": commission.estimated_days, "cost_pounds": commission.estimated_cost_pounds}
    form = EstimateForm(posted(request), initial=initial)

    def agree(data: dict[str, Any]) -> object:
        if commission.state == CommissionState.ACCEPTED:
            raise ValidationError(
                gettext("The request has been accepted: its duration and cost can no longer change.")
            )
        return services.commission_agree_estimate(
            request=commission, days=data["days"], cost_pounds=data["cost_pounds"], by=request.user
        )

    return form_page(
        request,
        form=form,
        template="inspections/preparing/estimate.html",
        context={"commission": commission},
        perform=agree,
        done=gettext("Estimated duration and cost agreed."),
        then=_commission_url(commission),
        instance=commission,
    )


@login_required
@require_POST
def commission_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """P2: accepted only once the duration and cost are agreed; the service refuses otherwise."""
    commission = _commission(request, pk)
    if not runs_inspections(request.user):
        raise PermissionDenied
    form = Form(request.POST)
    try:
        if commission.state == CommissionState.ACCEPTED:
            raise ValidationError(gettext("The request has already been accepted."))
        services.commission_accept(request=commission, by=request.user)
    except ValidationError as error:
        commission.refresh_from_db()
        add_service_errors(form, error)
        return _commission_page(request, commission, form)
    messages.success(request, gettext("Request accepted."))
    return redirect(_commission_url(commission))


# --- P3: the external reference group ---------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def reference_group(request: HttpRequest, pk: int) -> HttpResponse:
    """P3: the inspection's team chooses the group's members; a group with no APCC and no PCC is warned of."""
    now = timezone.now()
    inspection = inspections_visible_to(request.user, now).filter(pk=pk).first()
    if inspection is None:
        raise not_found(request, object_type="inspections.inspection", object_id=pk)
    if not is_team_member(request.user, inspection, now):
        raise PermissionDenied
    current = _members(inspection)
    form = ReferenceGroupForm(
        posted(request), initial=ReferenceGroupForm.initial_for(current), current=current
    )
    if request.method == "POST" and form.is_valid():
        _, warnings = services.reference_group_set(
            inspection=inspection, members=form.members(), by=request.user
        )
        messages.success(request, gettext("Reference group saved."))
        for warning in warnings:
            messages.warning(request, warning)
        return redirect("inspections:reference-group", pk=inspection.pk)
    return render(
        request,
        "inspections/preparing/reference_group.html",
        {"form": form, "inspection": inspection, "members": current, "kept": form.kept},
    )


def _members(inspection: Inspection) -> list[Organisation]:
    group = ReferenceGroup.objects.filter(inspection=inspection).first()
    return list(group.members.order_by("kind", "name")) if group else []
