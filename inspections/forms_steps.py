"""Forms for the steps of an inspection done from the portals: I2 milestones, I3, I4, I5 and P2's later steps.

Forms check the shape of the input; the services decide the MOU's rules (who acts, when) and their
ValidationErrors are shown on the same forms by the views.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from contacts.models import Organisation, User
from hmicfrs_mou.forms import GovukDateField, GovukFormMixin

YES_NO: list[tuple[str, str]] = [("yes", "Yes"), ("no", "No")]


def yes_no(value: str | None) -> bool | None:
    """The radios' answer as a boolean (None when not answered)."""
    return {"yes": True, "no": False}.get(value or "")


def _yes_no_field(label: str, required: str, help_text: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text=help_text,
        error_messages={"required": required},
    )


def _area_field(label: str, required: str) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=label,
        queryset=Organisation.objects.none(),
        empty_label="Choose the force or FRS",
        error_messages={"required": required, "invalid_choice": required},
    )


class _AreaChoiceMixin:
    """Offers `areas` for the `area` field; with only one, it is chosen already."""

    def set_areas(self, areas: QuerySet) -> None:
        field = self.fields["area"]  # type: ignore[attr-defined]
        field.queryset = areas
        if len(areas) == 1:
            self.initial.setdefault("area", areas[0].pk)  # type: ignore[attr-defined]


# --- I2 ---------------------------------------------------------------------------------------------


class MilestoneForm(GovukFormMixin, forms.Form):
    name = forms.CharField(
        label="Milestone",
        max_length=200,
        help_text="For example, the final evidence-gathering period.",
        error_messages={"required": "Enter the name of the milestone."},
    )
    starts_on = GovukDateField(
        label="Starts on",
        help_text="For example, 7 9 2026",
        error_messages={"required": "Enter the date the milestone starts."},
    )
    ends_on = GovukDateField(
        label="Ends on (optional)", required=False, help_text="Leave blank for a single day."
    )


class ScheduleSendForm(GovukFormMixin, forms.Form):
    note = forms.CharField(
        label="A note to go with the milestones (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


# --- I3 ---------------------------------------------------------------------------------------------


class MethodologyChangeForm(GovukFormMixin, forms.Form):
    body = forms.CharField(
        label="What is changing, and why",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        help_text="The APCC and every PCC receive this text at the same moment.",
        error_messages={"required": "Describe the change of methodology."},
    )


# --- I4 ---------------------------------------------------------------------------------------------


class PresentationForm(_AreaChoiceMixin, GovukFormMixin, forms.Form):
    area = _area_field("Force or FRS", "Choose the force or FRS giving the presentation.")
    held_on = GovukDateField(
        label="Date of the presentation",
        help_text="For example, 12 5 2026",
        error_messages={"required": "Enter the date of the strategic presentation."},
    )

    def __init__(self, *args: Any, areas: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_areas(areas)


class InvitationForm(GovukFormMixin, forms.Form):
    invited = _yes_no_field(
        "Is the PCC invited to the strategic presentation?",
        "Choose whether the PCC is invited.",
        "The chief constable decides. The PCC's office is told the decision.",
    )


class AttendanceForm(GovukFormMixin, forms.Form):
    attending = _yes_no_field(
        "Will the PFCC attend the strategic presentation?",
        "Choose whether the PFCC will attend.",
        "The PFCC chooses whether to attend; no invitation is needed.",
    )


# --- I5 ---------------------------------------------------------------------------------------------


class EvidenceRequestForm(_AreaChoiceMixin, GovukFormMixin, forms.Form):
    area = _area_field("Force or FRS asked", "Choose the force or FRS asked for evidence.")
    text = forms.CharField(
        label="Evidence asked for",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
        help_text="The chief officer's office receives this text; the PCC's office is asked for a discussion "
        "at the same time and may decline.",
        error_messages={"required": "Describe the evidence asked for."},
    )

    def __init__(self, *args: Any, areas: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_areas(areas)


class DiscussionAnswerForm(GovukFormMixin, forms.Form):
    accept = _yes_no_field(
        "Will the PCC take part in the discussion?",
        "Choose whether the PCC will take part in the discussion.",
        "The PCC may decline. The inspection team is told your answer.",
    )
    note = forms.CharField(
        label="Anything the team should know (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class DisclosureForm(_AreaChoiceMixin, GovukFormMixin, forms.Form):
    area = _area_field("Force or FRS it is about", "Choose the force or FRS the disclosure is about.")
    summary = forms.CharField(
        label="What you want to tell HMICFRS in confidence",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        help_text="Only the HMI for the force or FRS and the HMICFRS staff you name below can read it. "
        "It is never used as evidence, and every reading is recorded.",
        error_messages={"required": "Enter what you want to tell HMICFRS in confidence."},
    )
    named_staff = forms.ModelMultipleChoiceField(
        label="HMICFRS staff who may also read it (optional)",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="For example, the liaison lead for your office.",
        error_messages={"invalid_choice": "Choose HMICFRS staff from the list."},
    )

    def __init__(self, *args: Any, areas: QuerySet, staff: list[tuple[User, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_areas(areas)
        field = self.fields["named_staff"]
        field.queryset = User.objects.filter(pk__in=[person.pk for person, _ in staff])
        field.choices = [
            (person.pk, f"{person.get_full_name() or person.username} – {what}") for person, what in staff
        ]


class PfccInterviewForm(_AreaChoiceMixin, GovukFormMixin, forms.Form):
    area = _area_field("Fire and rescue service", "Choose the fire and rescue service.")
    summary = forms.CharField(
        label="Summary of the interview",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        help_text="The interview with the PFCC is evidence for the inspection.",
        error_messages={"required": "Enter a summary of the interview."},
    )

    def __init__(self, *args: Any, areas: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_areas(areas)


# --- P2 ---------------------------------------------------------------------------------------------


class ScopeDiscussionForm(GovukFormMixin, forms.Form):
    notes = forms.CharField(
        label="What was agreed about the scope",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
        help_text="The requesting offices receive this text.",
        error_messages={"required": "Record what was agreed about the scope."},
    )


class DeclineForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Reason for declining",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
        help_text="The requesting offices receive this reason.",
        error_messages={"required": "Give the reason for declining the request."},
    )


class AssistanceForm(_AreaChoiceMixin, GovukFormMixin, forms.Form):
    area = _area_field("Fire and rescue service", "Choose the fire and rescue service.")
    text = forms.CharField(
        label="Assistance you are asking for",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        error_messages={"required": "Describe the assistance you are asking for."},
    )

    def __init__(self, *args: Any, areas: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_areas(areas)
