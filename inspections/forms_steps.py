"""Forms for the steps of an inspection done from the portals: I2 milestones, I3, I4, I5 and P2's later steps.

Forms check the shape of the input; the services decide the MOU's rules (who acts, when) and their
ValidationErrors are shown on the same forms by the views.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from contacts.models import Organisation, User
from hmicfrs_mou.forms import GovukDateField, GovukFormMixin

YES_NO: list[tuple[str, Any]] = [("yes", _("Yes")), ("no", _("No"))]


def yes_no(value: str | None) -> bool | None:
    """The radios' answer as a boolean (None when not answered)."""
    return {"yes": True, "no": False}.get(value or "")


def _yes_no_field(label: Any, required: Any, help_text: Any = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text=help_text,
        error_messages={"required": required},
    )


def _area_field(label: Any, required: Any) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=label,
        queryset=Organisation.objects.none(),
        empty_label=_("Choose the force or FRS"),
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
        label=_("Milestone"),
        max_length=200,
        help_text=_("For example, the final evidence-gathering period."),
        error_messages={"required": _("Enter the name of the milestone.")},
    )
    starts_on = GovukDateField(
        label=_("Starts on"),
        help_text=_("For example, 7 9 2026"),
        error_messages={"required": _("Enter the date the milestone starts.")},
    )
    ends_on = GovukDateField(
        label=_("Ends on (optional)"), required=False, help_text=_("Leave blank for a single day.")
    )


class ScheduleSendForm(GovukFormMixin, forms.Form):
    note = forms.CharField(
        label=_("A note to go with the milestones (optional)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


# --- I3 ---------------------------------------------------------------------------------------------


class MethodologyChangeForm(GovukFormMixin, forms.Form):
    body = forms.CharField(
        label=_("What is changing, and why"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        help_text=_("The APCC and every PCC receive this text at the same moment."),
        error_messages={"required": _("Describe the change of methodology.")},
    )


# --- I4 ---------------------------------------------------------------------------------------------


class PresentationForm(_AreaChoiceMixin, GovukFormMixin, forms.Form):
    area = _area_field(_("Force or FRS"), _("Choose the force or FRS giving the presentation."))
    held_on = GovukDateField(
        label=_("Date of the presentation"),
        help_text=_("For example, 12 5 2026"),
        error_messages={"required": _("Enter the date of the strategic presentation.")},
    )

    def __init__(self, *args: Any, areas: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_areas(areas)


class InvitationForm(GovukFormMixin, forms.Form):
    invited = _yes_no_field(
        _("Is the PCC invited to the strategic presentation?"),
        _("Choose whether the PCC is invited."),
        _("The chief constable decides. The PCC's office is told the decision."),
    )


class AttendanceForm(GovukFormMixin, forms.Form):
    attending = _yes_no_field(
        _("Will the PFCC attend the strategic presentation?"),
        _("Choose whether the PFCC will attend."),
        _("The PFCC chooses whether to attend; no invitation is needed."),
    )


# --- I5 ---------------------------------------------------------------------------------------------


class EvidenceRequestForm(_AreaChoiceMixin, GovukFormMixin, forms.Form):
    area = _area_field(_("Force or FRS asked"), _("Choose the force or FRS asked for evidence."))
    text = forms.CharField(
        label=_("Evidence asked for"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
        help_text=_(
            "The chief officer's office receives this text; the PCC's office is asked for a discussion "
            "at the same time and may decline."
        ),
        error_messages={"required": _("Describe the evidence asked for.")},
    )

    def __init__(self, *args: Any, areas: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_areas(areas)


class DiscussionAnswerForm(GovukFormMixin, forms.Form):
    accept = _yes_no_field(
        _("Will the PCC take part in the discussion?"),
        _("Choose whether the PCC will take part in the discussion."),
        _("The PCC may decline. The inspection team is told your answer."),
    )
    note = forms.CharField(
        label=_("Anything the team should know (optional)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class DisclosureForm(_AreaChoiceMixin, GovukFormMixin, forms.Form):
    area = _area_field(_("Force or FRS it is about"), _("Choose the force or FRS the disclosure is about."))
    summary = forms.CharField(
        label=_("What you want to tell HMICFRS in confidence"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        help_text=_(
            "Only the HMI for the force or FRS and the HMICFRS staff you name below can read it. "
            "It is never used as evidence, and every reading is recorded."
        ),
        error_messages={"required": _("Enter what you want to tell HMICFRS in confidence.")},
    )
    named_staff = forms.ModelMultipleChoiceField(
        label=_("HMICFRS staff who may also read it (optional)"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For example, the liaison lead for your office."),
        error_messages={"invalid_choice": _("Choose HMICFRS staff from the list.")},
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
    area = _area_field(_("Fire and rescue service"), _("Choose the fire and rescue service."))
    summary = forms.CharField(
        label=_("Summary of the interview"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        help_text=_("The interview with the PFCC is evidence for the inspection."),
        error_messages={"required": _("Enter a summary of the interview.")},
    )

    def __init__(self, *args: Any, areas: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_areas(areas)


# --- P2 ---------------------------------------------------------------------------------------------


class ScopeDiscussionForm(GovukFormMixin, forms.Form):
    notes = forms.CharField(
        label=_("What was agreed about the scope"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
        help_text=_("The requesting offices receive this text."),
        error_messages={"required": _("Record what was agreed about the scope.")},
    )


class DeclineForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for declining"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
        help_text=_("The requesting offices receive this reason."),
        error_messages={"required": _("Give the reason for declining the request.")},
    )


class AssistanceForm(_AreaChoiceMixin, GovukFormMixin, forms.Form):
    area = _area_field(_("Fire and rescue service"), _("Choose the fire and rescue service."))
    text = forms.CharField(
        label=_("Assistance you are asking for"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        error_messages={"required": _("Describe the assistance you are asking for.")},
    )

    def __init__(self, *args: Any, areas: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_areas(areas)
