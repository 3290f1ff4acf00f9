"""Forms for preparing inspections: the programme and framework (P1), commissions (P2), reference groups (P3).

Forms check the shape of the input and keep choices to what the person may
choose; the services in inspections.services decide the MOU's rules, and their
ValidationErrors are shown on these forms by inspections.views.preparing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contacts.models import AREA_KINDS, Governance, Organisation, OrganisationKind
from hmicfrs_mou.forms import GovukDateField, GovukFormMixin
from inspections.forms import INTERESTED_PARTY_KINDS
from inspections.models import PROGRAMME_ORDER, ProgrammeState

# 2026, 2026–27, 2026-27 or 2026–2027 (the model keeps nine characters).
YEAR = re.compile(r"^\d{4}([–-](\d{2}|\d{4}))?$")
# Members of an external reference group other than the APCC and the PCCs' offices (P3).
OTHER_MEMBER_KINDS = tuple(
    kind for kind in INTERESTED_PARTY_KINDS if kind not in (OrganisationKind.APCC, OrganisationKind.OPCC)
)


def _choose_one(form: forms.Form, name: str, organisations: QuerySet, label: str) -> Organisation | None:
    """A choice of `organisations` when the person acts for several; none to make when only one."""
    choices = list(organisations)
    if len(choices) == 1:
        del form.fields[name]
        return choices[0]
    form.fields[name].queryset = organisations
    form.fields[name].label = label
    return None


# --- P1 ------------------------------------------------------------------------------------------


class ProgrammeForm(GovukFormMixin, forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        error_messages={"required": _("Enter the programme's title.")},
    )
    year = forms.CharField(
        label=_("Year"),
        max_length=9,
        help_text=_("For example, 2026–27"),
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
        error_messages={"required": _("Enter the year the programme covers.")},
    )
    framework = forms.CharField(
        label=_("Inspection framework"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("The inspections HMICFRS proposes and how they will be carried out."),
        error_messages={"required": _("Enter the inspection framework.")},
    )
    representations_due_on = GovukDateField(
        label=_("Date by which representations are asked"),
        help_text=_("HMCI asks the APCC chair for representations by this date. For example, 27 3 2027"),
        error_messages={"required": _("Enter the date by which representations are asked.")},
    )

    def clean_year(self) -> str:
        year = self.cleaned_data["year"].strip()
        if not YEAR.match(year):
            raise ValidationError(gettext("Enter the year as 4 digits, or a span such as 2026–27."))
        return year

    def clean_representations_due_on(self) -> Any:
        due = self.cleaned_data["representations_due_on"]
        if due is not None and due < timezone.localdate():
            raise ValidationError(
                gettext("The date by which representations are asked must be today or in the future.")
            )
        return due


class AdvanceForm(GovukFormMixin, forms.Form):
    """P1: the step the programme is moved to; the service refuses any but the next one."""

    to = forms.ChoiceField(
        choices=ProgrammeState.choices,
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Choose the step."),
            "invalid_choice": _("Choose a step of the programme."),
        },
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the programme's history with this step."),
    )

    @staticmethod
    def next_state(state: str) -> ProgrammeState | None:
        at = PROGRAMME_ORDER.index(state)
        return ProgrammeState(PROGRAMME_ORDER[at + 1]) if at + 1 < len(PROGRAMME_ORDER) else None


class RepresentationForm(GovukFormMixin, forms.Form):
    """P1: a representation from the APCC (its collated response) or from a PCC (a direct response)."""

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        empty_label=_("Choose the organisation"),
        error_messages={
            "required": _("Choose the organisation the representation is from."),
            "invalid_choice": _("Choose an organisation you work for."),
        },
    )
    text = forms.CharField(
        label=_("Representation"),
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=50000,
        help_text=_("Inspection types or topics that should be included in the programme."),
        error_messages={"required": _("Enter the representation.")},
    )

    def __init__(self, *args: Any, organisations: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.only_organisation = _choose_one(
            self, "organisation", organisations, gettext("Who the representation is from")
        )

    def chosen_organisation(self) -> Organisation:
        return self.only_organisation or self.cleaned_data["organisation"]


class ConsiderationForm(GovukFormMixin, forms.Form):
    consideration = forms.CharField(
        label=_("How HMICFRS considered the representation"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        error_messages={"required": _("Record how the representation was considered.")},
    )


# --- P2 ------------------------------------------------------------------------------------------


class CommissionForm(GovukFormMixin, forms.Form):
    """P2: a PCC's request for a commissioned inspection of the police force(s) its body governs today.

    The choices offered are the police forces governed today by the body whose
    office the person works in. A fire and rescue service that body governs is
    not offered, but if one is sent it reaches the service, which answers that a
    PFCC raises a request for assistance instead.
    """

    office = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        empty_label=_("Choose the office"),
        error_messages={
            "required": _("Choose the office making the request."),
            "invalid_choice": _("Choose an office you work in."),
        },
    )
    areas = forms.ModelMultipleChoiceField(
        label=_("Police forces to inspect"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The police forces your PCC governs today."),
        error_messages={
            "required": _("Choose the police force or forces to be inspected."),
            "invalid_choice": _("Choose police forces your PCC governs."),
            "invalid_pk_value": _("Choose police forces your PCC governs."),
        },
    )
    scope = forms.CharField(
        label=_("Scope of the inspection"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        help_text=_(
            "The matter or activities you want inspected. HMICFRS discusses the scope with you before "
            "accepting, and the OPCC meets the cost."
        ),  # P2
        error_messages={"required": _("Describe the scope of the inspection.")},
    )

    def __init__(self, *args: Any, offices: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offices = offices.select_related("parent")
        self.only_office = _choose_one(self, "office", offices, gettext("Office making the request"))
        rows = Governance.objects.in_force(timezone.localdate()).filter(
            body_id__in=[office.parent_id for office in offices if office.parent_id],
            area__kind__in=AREA_KINDS,
        )
        self.governed_by = dict(rows.values_list("area_id", "body_id"))
        governed = Organisation.objects.filter(pk__in=self.governed_by).order_by("name")
        field = self.fields["areas"]
        field.queryset = governed
        forces = [area for area in governed if area.kind == OrganisationKind.POLICE_FORCE]
        self.fire_services = [area for area in governed if area.kind == OrganisationKind.FIRE_RESCUE_SERVICE]
        field.widget.choices = [(area.pk, area.name) for area in forces]
        self.initial.setdefault("areas", [area.pk for area in forces])

    @property
    def has_forces(self) -> bool:
        return bool(self.fields["areas"].widget.choices)

    def chosen_office(self) -> Organisation:
        return self.only_office or self.cleaned_data["office"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        office = self.only_office or cleaned.get("office")
        areas = cleaned.get("areas")
        if office is not None and areas:
            others = [area.name for area in areas if self.governed_by.get(area.pk) != office.parent_id]
            if others:
                self.add_error(
                    "areas",
                    gettext("%(office)s does not answer for %(areas)s.")
                    % {"office": office, "areas": ", ".join(others)},
                )
        return cleaned


class EstimateForm(GovukFormMixin, forms.Form):
    days = forms.IntegerField(
        label=_("Estimated duration in days"),
        min_value=1,
        max_value=3650,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "numeric"}),
        error_messages={
            "required": _("Enter the estimated duration in days."),
            "invalid": _("Enter the duration as a whole number of days, for example 30."),
            "min_value": _("The duration must be at least 1 day."),
            "max_value": _("The duration must be at most 3,650 days."),
        },
    )
    cost_pounds = forms.DecimalField(
        label=_("Estimated cost in pounds (£)"),
        min_value=Decimal("0.01"),
        max_digits=10,
        decimal_places=2,
        help_text=_("Met by the OPCC. For example, 45000 or 45000.50"),  # P2
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "decimal"}),
        error_messages={
            "required": _("Enter the estimated cost in pounds."),
            "invalid": _("Enter the cost as a number of pounds, for example 45000.50."),
            "min_value": _("The cost must be more than £0."),
            "max_digits": _("The cost must be less than £100,000,000."),
            "max_whole_digits": _("The cost must be less than £100,000,000."),
            "max_decimal_places": _("Enter the cost to the nearest penny."),
        },
    )


# --- P3 ------------------------------------------------------------------------------------------


class ReferenceGroupForm(GovukFormMixin, forms.Form):
    apcc = forms.BooleanField(label=_("The APCC"), required=False)
    offices = forms.ModelMultipleChoiceField(
        label=_("Offices of PCCs"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Include the APCC or at least one PCC."),  # P3
        error_messages={
            "invalid_choice": _("Choose offices from the list."),
            "invalid_pk_value": _("Choose offices from the list."),
        },
    )
    others = forms.ModelMultipleChoiceField(
        label=_("Other members"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_(
            "Forces, fire and rescue services, panels and national bodies. Hold Ctrl (Cmd on a Mac) "
            "to choose more than one."
        ),
        error_messages={
            "invalid_choice": _("Choose other members from the list."),
            "invalid_pk_value": _("Choose other members from the list."),
        },
    )

    def __init__(self, *args: Any, current: Sequence[Organisation] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Members of a kind not offered here (a governing body, say) are kept as they are.
        self.kept = [
            m
            for m in current
            if m.kind not in (OrganisationKind.APCC, OrganisationKind.OPCC, *OTHER_MEMBER_KINDS)
        ]
        self.the_apcc = Organisation.objects.filter(kind=OrganisationKind.APCC).order_by("pk").first()
        if self.the_apcc is None:
            del self.fields["apcc"]
        self.fields["offices"].queryset = Organisation.objects.filter(kind=OrganisationKind.OPCC).order_by(
            "name"
        )
        self.fields["others"].queryset = Organisation.objects.filter(kind__in=OTHER_MEMBER_KINDS).order_by(
            "kind", "name"
        )

    @classmethod
    def initial_for(cls, members: list[Organisation]) -> dict[str, Any]:
        return {
            "apcc": any(m.kind == OrganisationKind.APCC for m in members),
            "offices": [m.pk for m in members if m.kind == OrganisationKind.OPCC],
            "others": [m.pk for m in members if m.kind in OTHER_MEMBER_KINDS],
        }

    def members(self) -> list[Organisation]:
        data = self.cleaned_data
        chosen = [self.the_apcc] if data.get("apcc") and self.the_apcc else []
        return chosen + list(data.get("offices", [])) + list(data.get("others", [])) + self.kept
