"""Forms for the OPCC's statutory response (U6): the builder, the upload and the answered-elsewhere link.

The forms only shape input; every rule (dates, the https address, which recommendations
belong to the report, what a PDF may contain) is the service's, and its refusal is put
back on the form with `add_service_errors`.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from hmicfrs_mou.forms import GovukDateField, GovukFormMixin
from inspections.models import Finding
from responses.models import ResponseObligation

FOREIGN_ANSWER = gettext_noop("An answer names a recommendation that is not in this report.")
# Per-recommendation field names: action_<finding id>, reason_<finding id>.
ANSWER_FIELD = re.compile(r"^(action|reason)_(\d+)$")
TEXT_LIMIT = 50_000


def _text(label: Any, help_text: Any = "", rows: int = 6, css: str = "") -> forms.CharField:
    attrs: dict[str, Any] = {"rows": rows}
    if css:
        attrs["class"] = css
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs=attrs),
    )


class InviteChiefForm(GovukFormMixin, forms.Form):
    """s55(4): the PCC invites the chief officer's comments by a date the PCC sets."""

    comments_due_on = GovukDateField(
        label=_("Date the chief officer's comments are due"),
        help_text=_(
            "For example, 27 3 2027. It must be after today and before the response is due. "
            "Their office can enter comments until the end of that day (UK time)."
        ),
        error_messages={"required": _("Enter the date the chief officer's comments are due.")},
    )


class ChiefCommentsForm(GovukFormMixin, forms.Form):
    """U6: the chief officer's office enters its comments on the report, in its own portal."""

    comments = forms.CharField(
        label=_("The chief officer's comments on the report"),
        help_text=_(
            "These go into the PCC's response exactly as you write them, with the PCC's response to them."
        ),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={"required": _("Enter the chief officer's comments on the report.")},
    )


class ResponseForm(GovukFormMixin, forms.Form):
    """The parts of the response (s55(4)–(5B)); one pair of boxes per recommendation of the report.

    Every box may be left empty while drafting: the completeness check on the
    overview names what is still missing, and submission waits for it.
    """

    pcc_comments = _text(_("The PCC's comments on the report"))
    reply_to_chief = _text(_("The PCC's response to the chief officer's comments"))
    published_url = forms.CharField(
        label=_("Web address where the response is published"),
        help_text=_("The page on the PCC's website, starting https://"),
        required=False,
        max_length=500,
        widget=forms.URLInput(attrs={"spellcheck": "false", "autocomplete": "url"}),
    )

    def __init__(self, *args: Any, recommendations: list[Finding], **kwargs: Any) -> None:
        self.recommendations = list(recommendations)
        super().__init__(*args, **kwargs)
        # Added after GovukFormMixin has styled the declared fields, so they carry their class themselves.
        for finding in self.recommendations:
            self.fields[f"action_{finding.pk}"] = _text(
                gettext("Recommendation %(reference)s: the action taken or proposed")
                % {"reference": finding.reference},
                rows=4,
                css="govuk-textarea",
            )
            self.fields[f"reason_{finding.pk}"] = _text(
                gettext("Recommendation %(reference)s: why no action is taken or proposed")
                % {"reference": finding.reference},
                _("Leave this empty if you have described the action."),
                rows=3,
                css="govuk-textarea",
            )
        self.answer_rows = [
            (finding, self[f"action_{finding.pk}"], self[f"reason_{finding.pk}"])
            for finding in self.recommendations
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        known = {finding.pk for finding in self.recommendations}
        posted_ids = {
            int(match.group(2)) for key in self.data if (match := ANSWER_FIELD.match(key)) is not None
        }
        if posted_ids - known:
            # A forged or stale id: refuse the whole form, so nothing is saved.
            raise forms.ValidationError(gettext(FOREIGN_ANSWER), code="foreign_answer")
        return cleaned

    def answers(self) -> dict[int, tuple[str, str]]:
        """The answers in the service's shape: {finding id: (action, reason for no action)}."""
        return {
            finding.pk: (
                self.cleaned_data.get(f"action_{finding.pk}", ""),
                self.cleaned_data.get(f"reason_{finding.pk}", ""),
            )
            for finding in self.recommendations
        }


class SubmitForm(GovukFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Upload the response as published (PDF)"),
        help_text=_(
            "A PDF of the response exactly as the PCC published it, up to 20 MB, "
            "not password-protected, with no scripts or attached files."
        ),
        error_messages={
            "required": _("Select the PDF of the published response."),
            "empty": _("The selected file is empty."),
            "invalid": _("Select the PDF of the published response."),
        },
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
    )


class ObligationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ResponseObligation) -> str:
        return f"{obj.report.title} ({obj.area.name})"


class AnsweredElsewhereForm(GovukFormMixin, forms.Form):
    """Link this report to another response of the same office that answers its findings."""

    answered_by = ObligationChoiceField(
        label=_("The response that answers this report"),
        queryset=ResponseObligation.objects.none(),
        empty_label=_("Choose a response"),
        error_messages={
            "required": _("Choose the response that answers this report."),
            "invalid_choice": _("Choose one of your office's other responses."),
        },
    )
    reason = forms.CharField(
        label=_("Why that response answers this report"),
        help_text=_("For example, the national report makes the same recommendations."),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, choices: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["answered_by"].queryset = choices
