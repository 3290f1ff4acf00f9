"""Forms for routine concerns (M3) and the Engage case from advice to exit (M4–M6, M10).

Forms check the shape of the input; monitoring.services decides the MOU's rules
(who acts, in which order) and its refusals are shown on these forms by the views.
Meeting, plan and register forms live in forms_meetings.py.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from hmicfrs_mou.forms import GovukDateField, GovukFormMixin
from inspections.forms import MomentFormMixin, time_field
from inspections.models import Finding
from monitoring.services import PCC_INFORMED_HOW, CauseInput

YES, NO = "yes", "no"
YES_LABEL, NO_LABEL = _("Yes"), _("No")
MAX_CAUSES = 5


def _yes_no(label: Any, *, yes: Any = YES_LABEL, no: Any = NO_LABEL, required: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=[(YES, yes), (NO, no)],
        coerce=lambda value: value == YES,
        widget=forms.RadioSelect,
        error_messages={"required": required},
    )


def _text(label: Any, *, required: Any = "", help_text: Any = "", rows: int = 5) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=bool(required),
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": required} if required else {},
    )


# --- Routine concerns ---------------------------------------------------------------------------


class ConcernForm(GovukFormMixin, forms.Form):
    summary = forms.CharField(
        label=_("Summary"),
        max_length=300,
        help_text=_("One line: it is the subject of the notice the chief and the PCC receive."),
        error_messages={
            "required": _("Enter a short summary of the concern."),
            "max_length": _("The summary must be 300 characters or fewer."),
        },
    )
    text = _text(
        _("The concern"),
        required=_("Describe the concern."),
        help_text=_("The chief officer and the PCC receive this text at the same moment."),
        rows=8,
    )


class ConcernMarkForm(GovukFormMixin, forms.Form):
    passed_to_apcc = _yes_no(
        _("Did you pass the concern to the APCC?"),
        required=_("Choose whether you passed the concern to the APCC."),
    )
    support_requested = _yes_no(
        _("Did you ask for additional support?"),
        required=_("Choose whether you asked for additional support."),
    )
    note = _text(_("Note (optional)"), help_text=_("For example, who you contacted and when."), rows=4)


# --- The Engage case ------------------------------------------------------------------------------


class AdviceForm(GovukFormMixin, forms.Form):
    """The HMI's advice to HMCI with up to five causes of concern, each optionally a finding of the area."""

    advice = _text(
        _("Your advice to HM Chief Inspector"),
        required=_("Give your advice to HM Chief Inspector."),
        help_text=_("Seen only by HMICFRS: never by the force or FRS, the PCC or the APCC."),
        rows=8,
    )
    evidence = _text(
        _("The evidence"),
        required=_("Describe the evidence."),
        help_text=_("Seen only by HMICFRS."),
        rows=8,
    )

    def __init__(self, *args: Any, findings: QuerySet[Finding], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(1, MAX_CAUSES + 1):
            self.fields[f"cause_{i}"] = forms.CharField(
                label=_("The cause of concern"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 3, "class": "govuk-textarea"}),
                help_text=_("Published with the decision if HM Chief Inspector places the area in Engage.")
                if i == 1
                else "",
            )
            self.fields[f"cause_{i}_finding"] = forms.ModelChoiceField(
                label=_("From an inspection report (optional)"),
                queryset=findings,
                required=False,
                empty_label=_("Not from a report"),
                widget=forms.Select(attrs={"class": "govuk-select"}),
                error_messages={"invalid_choice": _("Choose a cause of concern from the list.")},
            )
            self.fields[f"cause_{i}_finding"].label_from_instance = lambda f: f"{f.reference}: {f.text[:90]}"

    def cause_pairs(self) -> list[tuple[Any, Any]]:
        """(text field, finding field) for each of the boxes, for the template."""
        return [(self[f"cause_{i}"], self[f"cause_{i}_finding"]) for i in range(1, MAX_CAUSES + 1)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        given = 0
        for i in range(1, MAX_CAUSES + 1):
            text = (cleaned.get(f"cause_{i}") or "").strip()
            if text:
                given += 1
            elif cleaned.get(f"cause_{i}_finding") is not None:
                self.add_error(
                    f"cause_{i}", _("Describe the cause of concern, or choose “Not from a report”.")
                )
        if not given and "cause_1" not in self.errors:
            self.add_error("cause_1", _("Give at least one cause of concern."))
        return cleaned

    def causes(self) -> list[CauseInput]:
        data = self.cleaned_data
        return [
            CauseInput(text=data[f"cause_{i}"].strip(), finding=data.get(f"cause_{i}_finding"))
            for i in range(1, MAX_CAUSES + 1)
            if (data.get(f"cause_{i}") or "").strip()
        ]


class DecisionForm(GovukFormMixin, forms.Form):
    engage = _yes_no(
        _("Your decision"),
        yes=_("Place it in Engage"),
        no=_("Do not place it in Engage: it stays in Scan"),
        required=_("Choose whether to place the force or FRS in Engage."),
    )
    reasons = _text(
        _("Reasons for the decision"),
        required=_("Give the reasons for the decision."),
        help_text=_("Sent to the HMI; published with the announcement if it goes into Engage."),
    )


class PccInformedForm(MomentFormMixin, GovukFormMixin, forms.Form):
    """M6: who the HMI told, when (London time) and how."""

    moments: ClassVar[tuple[str, ...]] = ("told_at",)
    person_told = forms.CharField(
        label=_("Name of the person you told"),
        max_length=200,
        help_text=_("The PCC, PFCC or mayor (or the deputy mayor for policing)."),
        error_messages={"required": _("Enter the name of the person you told.")},
    )
    told_at = GovukDateField(
        label=_("Date you told them"),
        help_text=_("For example, 27 3 2026"),
        error_messages={"required": _("Enter the date you told them.")},
    )
    told_at_time = time_field(_("Time you told them"))
    told_at_time.error_messages["required"] = _("Enter the time you told them.")
    how = forms.ChoiceField(
        label=_("How did you tell them?"),
        choices=list(PCC_INFORMED_HOW.items()),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how you told them.")},
    )


class AnnounceForm(GovukFormMixin, forms.Form):
    announcement = _text(
        _("Public statement"),
        required=_("Enter the public statement."),
        help_text=_(
            "Published on the public Engage pages with the causes of concern, from the moment you announce."
        ),
        rows=8,
    )


class LetterForm(GovukFormMixin, forms.Form):
    """Confirming the formal letter: nothing to fill in."""


class ExitForm(GovukFormMixin, forms.Form):
    reasons = _text(_("Reasons for leaving Engage"), required=_("Give the reasons for the exit."))
    improvements = _text(
        _("Improvements made"),
        required=_("Describe the improvements made (this is published)."),
        help_text=_("Published on the public Engage pages."),
    )
