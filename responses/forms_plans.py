"""Forms for FRS action plans (U8) and the HMICFRS super-complaint pages (S1–S3).

Forms check the shape of the input; responses.plans and responses.complaints decide the MOU's
rules, and their ValidationErrors are shown on the same forms by the views.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from contacts.models import OrganisationKind, User
from hmicfrs_mou.forms import GovukDateField, GovukFormMixin
from inspections.forms import MomentFormMixin, time_field
from inspections.models import Report
from responses.complaints import apcc_people
from responses.models import ActionStatus

# --- U8: action plans ------------------------------------------------------------------------------


class ActionPlanItemForm(GovukFormMixin, forms.Form):
    action = forms.CharField(
        label="Action being taken",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
        help_text="How the recommendation is being actioned.",
        error_messages={"required": "Enter the action being taken."},
    )
    owner = forms.CharField(
        label="Owner",
        max_length=200,
        help_text="The post or team responsible, for example Head of Prevention.",
        error_messages={"required": "Enter who owns the action."},
    )
    target_on = GovukDateField(
        label="Target date",
        help_text="For example, 27 3 2027",
        error_messages={"required": "Enter the target date."},
    )
    status = forms.ChoiceField(
        label="Status",
        choices=ActionStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the status of the action."},
    )


class ActionPlanUpdateForm(GovukFormMixin, forms.Form):
    text = forms.CharField(
        label="Progress update",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
        help_text="Dated today; it stays on the plan and goes into the next published version.",
        error_messages={"required": "Enter the update."},
    )
    status = forms.ChoiceField(
        label="Status after this update",
        choices=ActionStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the status of the action."},
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
        label="Title", max_length=300, error_messages={"required": "Enter the title of the super-complaint."}
    )
    designated_body = forms.CharField(
        label="Designated body",
        max_length=300,
        help_text="The body designated to raise police super-complaints that raised this one.",
        error_messages={"required": "Enter the designated body that raised it."},
    )
    received_at = GovukDateField(
        label="Date received",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date the super-complaint was received."},
    )
    received_at_time = time_field("Time received")


class EligibilityForm(GovukFormMixin, forms.Form):
    ELIGIBLE, NOT_ELIGIBLE = "eligible", "not_eligible"
    decision = forms.ChoiceField(
        label="Is the super-complaint eligible for investigation?",
        choices=[(ELIGIBLE, "Eligible for investigation"), (NOT_ELIGIBLE, "Not eligible")],
        widget=forms.RadioSelect,
        help_text="If it is eligible, the APCC is notified at once. The decision is made once.",
        error_messages={"required": "Choose whether the super-complaint is eligible for investigation."},
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
        error_messages={"required": "Give the reason for the decision."},
    )


class InvestigationForm(GovukFormMixin, forms.Form):
    supporters = forms.ModelMultipleChoiceField(
        label="APCC portfolio leads supporting the investigation",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="HMICFRS, the IOPC and the College of Policing investigate; APCC portfolio leads support.",
        error_messages={
            "required": "Choose the APCC portfolio leads supporting the investigation.",
            "invalid_choice": "Choose people who hold an APCC role.",
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
        label="Report",
        queryset=Report.objects.none(),
        empty_label="Choose the report",
        help_text="The report of the investigation, about the police forces concerned. When it is published "
        "each of their PCCs owes a response within 56 days.",  # U6, S3
        error_messages={
            "required": "Choose the report.",
            "invalid_choice": "Choose one of the reports listed.",
        },
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["report"].queryset = police_only_reports(user)
