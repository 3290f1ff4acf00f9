"""Forms for debriefs (I6), the chief's updates to the PCC (I8) and making a report final early (I7).

Forms check the shape of the input; the services decide the MOU's rules (who acts, when, what must be
given) and their ValidationErrors are shown on the same forms by the views. Checkboxes a rule asks for are
left optional here so the service's refusal, with its plain words, is the one shown.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from contacts.models import Organisation
from hmicfrs_mou.forms import GovukDateField, GovukFormMixin
from inspections.forms_steps import YES_NO


class DebriefForm(GovukFormMixin, forms.Form):
    area = forms.ModelChoiceField(
        label=_("Force or fire and rescue service"),
        queryset=Organisation.objects.none(),
        empty_label=_("Choose the force or FRS"),
        error_messages={
            "required": _("Choose the force or FRS the debrief was for."),
            "invalid_choice": _("Choose the force or FRS the debrief was for."),
        },
    )
    held_on = GovukDateField(
        label=_("Date of the debrief"),
        help_text=_("For example, 7 9 2026"),
        error_messages={"required": _("Enter the date of the debrief.")},
    )
    notes = forms.CharField(
        label=_("Notes of the debrief"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "The preliminary view given. Do not give grades, such as good or adequate: a debrief is never "
            "a graded judgment."
        ),
        error_messages={"required": _("Enter the notes of the debrief: the preliminary view given.")},
    )
    significant_concern = forms.BooleanField(
        label=_("The debrief shows significant concern"),
        required=False,
        help_text=_("The chief officer's office will be asked to update the PCC within 5 working days."),
    )

    def __init__(self, *args: Any, areas: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]
        if len(areas) == 1:
            self.initial.setdefault("area", areas[0].pk)


class AttendanceDecisionForm(GovukFormMixin, forms.Form):
    pcc_attends = forms.ChoiceField(
        label=_("Does the PCC attend the debrief?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text=_(
            "The chief constable decides. The PCC's office is told of the decision straight away, and it "
            "cannot be changed afterwards."
        ),
        error_messages={"required": _("Choose whether the PCC attends the debrief.")},
    )


class AcknowledgeForm(GovukFormMixin, forms.Form):
    confirmed = forms.BooleanField(
        label=_("I will keep the debrief confidential until the report is published"),
        required=False,
    )


class ChiefUpdateForm(GovukFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Your update to the PCC"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "What the force or service is doing about the concern. The PCC's office reads it in its portal."
        ),
        error_messages={"required": _("Enter the update.")},
    )


class FlagConcernForm(GovukFormMixin, forms.Form):
    """No fields: the page itself asks for the confirmation (a button)."""


class FinaliseForm(GovukFormMixin, forms.Form):
    """I7: while the factual-accuracy window is still open, a confirmation and a reason."""

    confirm_early_close = forms.BooleanField(
        label=_("End the factual-accuracy check now, before the window closes"),
        required=False,
    )
    early_close_reason = forms.CharField(
        label=_("Why the check ends early"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The chief officer's office is told that its window closed early, with this reason."),
    )

    def __init__(self, *args: Any, window_open: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not window_open:
            del self.fields["confirm_early_close"]
            del self.fields["early_close_reason"]
