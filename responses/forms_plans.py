"""Forms for FRS action plans (U8) and the HMICFRS super-complaint pages (S1–S3).

Forms check the shape of the input; responses.plans and responses.complaints decide the MOU's
rules, and their ValidationErrors are shown on the same forms by the views.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contacts.models import Organisation, OrganisationKind, User
from hmicfrs_mou.forms import GovukDateField, GovukFormMixin
from inspections.forms import MomentFormMixin, time_field
from inspections.models import Report
from responses.complaints import apcc_people
from responses.models import ActionStatus

# --- U8: action plans ------------------------------------------------------------------------------


class PlanFilterForm(GovukFormMixin, forms.Form):
    """The list of every FRS's plans, narrowed to one FRS (for HMICFRS, who read them all)."""

    service = forms.ModelChoiceField(
        label=_("Fire and rescue service"),
        queryset=Organisation.objects.filter(kind=OrganisationKind.FIRE_RESCUE_SERVICE).order_by("name"),
        required=False,
        empty_label=_("All fire and rescue services"),
        error_messages={"invalid_choice": _("Choose a fire and rescue service from the list.")},
    )

    def service_chosen(self) -> Organisation | None:
        """The FRS chosen; none when nothing, or something not in the list, was chosen (its error shows)."""
        if not self.is_bound or not self.is_valid():
            return None
        service: Organisation | None = self.cleaned_data["service"]
        return service


class ActionPlanItemForm(GovukFormMixin, forms.Form):
    action = forms.CharField(
        label=_("Action being taken"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
        help_text=_("How the recommendation is being actioned."),
        error_messages={"required": _("Enter the action being taken.")},
    )
    owner = forms.CharField(
        label=_("Owner"),
        max_length=200,
        help_text=_("The post or team responsible, for example Head of Prevention."),
        error_messages={"required": _("Enter who owns the action.")},
    )
    target_on = GovukDateField(
        label=_("Target date"),
        help_text=_("For example, 27 3 2027"),
        error_messages={"required": _("Enter the target date.")},
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=ActionStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the status of the action.")},
    )


class ActionPlanUpdateForm(GovukFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Progress update"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
        help_text=_("Dated today; it stays on the plan and goes into the next published version."),
        error_messages={"required": _("Enter the update.")},
    )
    status = forms.ChoiceField(
        label=_("Status after this update"),
        choices=ActionStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the status of the action.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Distinct ids: this form shares the page with the action's own form.
        self.auto_id = "id_update_%s"


class PublishForm(GovukFormMixin, forms.Form):
    """No fields: it carries a refusal to publish back to the page."""


# --- S1–S3: super-complaints (HMICFRS) --------------------------------------------------------------


class SuperComplaintForm(MomentFormMixin, GovukFormMixin, forms.Form):
    moments = ("received_at",)
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        error_messages={"required": _("Enter the title of the super-complaint.")},
    )
    designated_body = forms.CharField(
        label=_("Designated body"),
        max_length=300,
        help_text=_("The body designated to raise police super-complaints that raised this one."),
        error_messages={"required": _("Enter the designated body that raised it.")},
    )
    received_at = GovukDateField(
        label=_("Date received"),
        help_text=_("For example, 27 3 2026"),
        error_messages={"required": _("Enter the date the super-complaint was received.")},
    )
    received_at_time = time_field(_("Time received"))


class EligibilityForm(GovukFormMixin, forms.Form):
    ELIGIBLE, NOT_ELIGIBLE = "eligible", "not_eligible"
    decision = forms.ChoiceField(
        label=_("Is the super-complaint eligible for investigation?"),
        choices=[(ELIGIBLE, _("Eligible for investigation")), (NOT_ELIGIBLE, _("Not eligible"))],
        widget=forms.RadioSelect,
        help_text=_("If it is eligible, the APCC is notified at once. The decision is made once."),
        error_messages={"required": _("Choose whether the super-complaint is eligible for investigation.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
        error_messages={"required": _("Give the reason for the decision.")},
    )


class InvestigationForm(GovukFormMixin, forms.Form):
    supporters = forms.ModelMultipleChoiceField(
        label=_("APCC portfolio leads supporting the investigation"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "HMICFRS, the IOPC and the College of Policing investigate; APCC portfolio leads support."
        ),
        error_messages={
            "required": _("Choose the APCC portfolio leads supporting the investigation."),
            "invalid_choice": _("Choose people who hold an APCC role."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supporters"].queryset = apcc_people(timezone.localdate())


def police_only_reports(user: Any) -> QuerySet:
    """Reports the user can see that are about police forces, and only police forces (S3)."""
    others = Report.areas.through.objects.filter(~Q(organisation__kind=OrganisationKind.POLICE_FORCE)).values(
        "report_id"
    )
    police = Report.areas.through.objects.filter(organisation__kind=OrganisationKind.POLICE_FORCE).values(
        "report_id"
    )
    return (
        Report.objects.visible_to(user)
        .filter(pk__in=police)
        .exclude(pk__in=others)
        .order_by("-created_at", "-pk")
    )


class LinkReportForm(GovukFormMixin, forms.Form):
    report = forms.ModelChoiceField(
        label=_("Report"),
        queryset=Report.objects.none(),
        empty_label=_("Choose the report"),
        help_text=_(
            "The report of the investigation, about the police forces concerned. When it is published "
            "each of their PCCs owes a response within 56 days."
        ),  # U6, S3
        error_messages={
            "required": _("Choose the report."),
            "invalid_choice": _("Choose one of the reports listed."),
        },
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["report"].queryset = police_only_reports(user)
