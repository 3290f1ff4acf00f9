"""Forms for the inspection workspace (HMICFRS) and the factual-accuracy page (force/FRS).

Forms check the shape of the input; the services decide the MOU's rules and
their ValidationErrors are shown on the same forms by the views.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contacts.models import AREA_KINDS, Appointment, Organisation, OrganisationKind, Role, User
from hmicfrs_mou.deadlines import LONDON
from hmicfrs_mou.forms import GovukDateField, GovukFormMixin
from inspections.models import (
    CommissionRequest,
    CommissionState,
    FindingKind,
    Inspection,
    InspectionKind,
    InspectionNotice,
    Report,
    ReportKind,
    ReportLanguage,
)

TIME_HINT = _("Use the 24-hour clock, for example 09:30 or 17:00. UK time.")
# Organisations that can be named to receive an embargoed copy (U4): people act for
# these, not for HMICFRS itself or for a governing body (its staff work in its office).
INTERESTED_PARTY_KINDS = (
    OrganisationKind.OPCC,
    OrganisationKind.APCC,
    OrganisationKind.POLICE_FORCE,
    OrganisationKind.FIRE_RESCUE_SERVICE,
    OrganisationKind.PANEL,
    OrganisationKind.HOME_OFFICE,
    OrganisationKind.IOPC,
    OrganisationKind.COLLEGE_OF_POLICING,
)


def london_moment(day: dt.date, time: dt.time) -> dt.datetime:
    """A wall-clock date and time in London as an aware moment.

    A time the clocks skip (01:00–01:59 on the last Sunday in March) is refused
    rather than silently moved; in the repeated hour in October the first
    (BST) occurrence is taken.
    """
    moment = dt.datetime.combine(day, time, tzinfo=LONDON)
    round_trip = moment.astimezone(dt.UTC).astimezone(LONDON)
    if round_trip.replace(tzinfo=None) != moment.replace(tzinfo=None):
        raise ValidationError(
            gettext(
                "That time does not exist on that day because the clocks go forward: choose another time."
            )
        )
    return moment


def time_field(label: Any, *, required: bool = True) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=required,
        input_formats=["%H:%M", "%H.%M"],
        help_text=TIME_HINT,
        widget=forms.TimeInput(
            format="%H:%M",
            attrs={"class": "govuk-input--width-5", "inputmode": "numeric", "autocomplete": "off"},
        ),
        error_messages={
            "required": _("Enter a time."),
            "invalid": _("Enter a time in the 24-hour clock, for example 09:30."),
        },
    )


class MomentFormMixin:
    """Combines a GovukDateField `<name>` with a time field `<name>_time` into one aware moment.

    The combined value replaces the date in cleaned_data, so a service's error for
    `<name>` lands on the date field.
    """

    moments: ClassVar[tuple[str, ...]] = ()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()  # type: ignore[misc]
        for name in self.moments:
            day, time = cleaned.get(name), cleaned.get(f"{name}_time")
            if name in self.errors or f"{name}_time" in self.errors:  # type: ignore[attr-defined]
                continue
            if day is None and time is None:
                continue
            if day is None:
                self.add_error(name, gettext("Enter the date as well as the time."))  # type: ignore[attr-defined]
            elif time is None:
                self.add_error(f"{name}_time", gettext("Enter the time as well as the date."))  # type: ignore[attr-defined]
            else:
                try:
                    cleaned[name] = london_moment(day, time)
                except ValidationError as error:
                    self.add_error(f"{name}_time", error)  # type: ignore[attr-defined]
        return cleaned


def hmicfrs_people(*, roles: tuple[str, ...] | None = None) -> QuerySet:
    """People with a current HMICFRS appointment (optionally in the given roles)."""
    appointments = Appointment.objects.in_force(timezone.localdate()).filter(
        organisation__kind=OrganisationKind.HMICFRS
    )
    if roles is not None:
        appointments = appointments.filter(role__in=roles)
    return User.objects.filter(pk__in=appointments.values("person_id"), is_active=True).order_by(
        "last_name", "first_name"
    )


# --- Inspections ------------------------------------------------------------------------------


class InspectionForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of inspection"), choices=InspectionKind.choices, widget=forms.RadioSelect
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    areas = forms.ModelMultipleChoiceField(
        label=_("Forces and fire and rescue services inspected"),
        queryset=Organisation.objects.none(),
        help_text=_(
            "Hold Ctrl (Cmd on a Mac) to choose more than one. PEEL inspects police forces; an FRS "
            "inspection inspects fire and rescue services."
        ),
        widget=forms.SelectMultiple(attrs={"size": 10}),
        error_messages={"required": _("Choose the forces or FRSs inspected.")},
    )
    lead = forms.ModelChoiceField(
        label=_("Lead HMI"),
        queryset=User.objects.none(),
        empty_label=_("Choose an HMI"),
        help_text=_("The senior responsible owner HMI."),
        error_messages={"required": _("Choose the lead HMI.")},
    )
    team = forms.ModelMultipleChoiceField(
        label=_("Inspection team"),
        queryset=User.objects.none(),
        required=False,
        help_text=_(
            "Hold Ctrl (Cmd on a Mac) to choose more than one. The HMI for each force or FRS inspected "
            "is on the team without being chosen here."
        ),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    commission = forms.ModelChoiceField(
        label=_("Commission request (commissioned inspections only)"),
        queryset=CommissionRequest.objects.none(),
        required=False,
        empty_label=_("Not a commissioned inspection"),
        help_text=_(
            "A commissioned inspection needs a request accepted once its duration and cost were agreed."
        ),  # P2
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["areas"].queryset = Organisation.objects.filter(kind__in=AREA_KINDS).order_by(
            "kind", "name"
        )
        self.fields["lead"].queryset = hmicfrs_people(roles=(Role.HMCI, Role.HMI))
        self.fields["team"].queryset = hmicfrs_people()
        self.fields["commission"].queryset = CommissionRequest.objects.filter(
            state=CommissionState.ACCEPTED, inspection__isnull=True
        )


class NoticeForm(GovukFormMixin, forms.Form):
    KIND_CHOICES: ClassVar = [
        (InspectionNotice.Kind.NOTIFICATION, InspectionNotice.Kind.NOTIFICATION.label),
        (InspectionNotice.Kind.SCHEDULE, InspectionNotice.Kind.SCHEDULE.label),
    ]
    kind = forms.ChoiceField(
        label=_("Kind of notice"), choices=KIND_CHOICES, widget=forms.RadioSelect, initial=KIND_CHOICES[0][0]
    )
    subject = forms.CharField(label=_("Subject"), max_length=300)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        help_text=_("Every recipient gets this text at the same moment."),
    )


# --- Reports ---------------------------------------------------------------------------------


class ReportForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind of report"), choices=ReportKind.choices, widget=forms.RadioSelect)
    title = forms.CharField(label=_("Title"), max_length=300)
    # Preselected English, the model's default; a post without it (not from this page) means English too.
    language = forms.ChoiceField(
        label=_("Language"),
        choices=ReportLanguage.choices,
        widget=forms.RadioSelect,
        initial=ReportLanguage.ENGLISH,
        required=False,
        help_text=_(
            "The language the report is written in. Its PDFs are marked with it, so screen readers "
            "read it out in that language."
        ),
    )
    areas = forms.ModelMultipleChoiceField(
        label=_("Forces and FRSs the report is about"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Leave all unticked for every force or FRS in the inspection. A force- or FRS-specific "
            "report, or an accelerated cause of concern, is about exactly one."
        ),
    )
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    body = forms.CharField(
        label=_("Report text"),
        widget=forms.Textarea(attrs={"rows": 16}),
        # The markup, said once (inspections/report_text.py); the numbers are the ones
        # factual-accuracy comments cite.
        help_text=Report._meta.get_field("body").help_text,
        error_messages={"required": _("Enter the report's text.")},
    )
    press_release = forms.CharField(
        label=_("Press release"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_("Goes with the embargoed copy to the chief and the PCC."),  # U3, U5
    )
    interested_parties = forms.ModelMultipleChoiceField(
        label=_("Interested parties (other reports only)"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_(
            "Who receives the embargoed copy at least 24 hours before publication. Hold Ctrl "  # U4
            "(Cmd on a Mac) to choose more than one."
        ),
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )

    def __init__(self, *args: Any, inspection: Inspection, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["areas"].queryset = inspection.areas.order_by("name")
        self.fields["interested_parties"].queryset = Organisation.objects.filter(
            kind__in=INTERESTED_PARTY_KINDS
        ).order_by("kind", "name")

    def clean_language(self) -> str:
        return self.cleaned_data["language"] or ReportLanguage.ENGLISH

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        parties = cleaned.get("interested_parties")
        kind = cleaned.get("kind")
        if kind == ReportKind.OTHER and not parties:
            self.add_error(
                "interested_parties",
                gettext("Choose the interested parties who receive the embargoed copy."),  # U4
            )
        elif kind and kind != ReportKind.OTHER and parties:
            self.add_error(
                "interested_parties",
                gettext(
                    "Interested parties are named for other reports only: a force- or FRS-specific report goes "
                    "to its chief and PCC."
                ),  # U3, U5
            )
        return cleaned


class OpenFactualAccuracyForm(MomentFormMixin, GovukFormMixin, forms.Form):
    moments = ("closes_at",)
    closes_at = GovukDateField(
        label=_("Date the check closes"),
        help_text=_("For example, 27 3 2027"),
        error_messages={"required": _("Enter the date the factual-accuracy check closes.")},
    )
    closes_at_time = time_field(_("Time the check closes"))


class DecisionForm(GovukFormMixin, forms.Form):
    ACCEPT, REJECT = "accept", "reject"
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(ACCEPT, _("Accept the correction")), (REJECT, _("Reject the correction"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether to accept or reject the correction.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The force or FRS sees the decision and this reason."),
        error_messages={"required": _("Give the reason for the decision.")},
    )


class RedactionForm(GovukFormMixin, forms.Form):
    passage = forms.CharField(
        label=_("Passage to take out"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Copy it exactly from the report's text."),
        error_messages={"required": _("Enter the passage to take out.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        help_text=_("For example, a person's safety, or national security."),  # U1
        error_messages={"required": _("Give the reason for the redaction.")},
    )


class FindingForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of finding"), choices=FindingKind.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("Finding"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Enter the finding.")},
    )
    area = forms.ModelChoiceField(
        label=_("Force or FRS"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("The report's first force or FRS"),
        help_text=_("Findings are tracked to closure for each force or FRS."),  # M1
    )

    def __init__(self, *args: Any, report: Report, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = report.areas.order_by("name")


class ScheduleForm(MomentFormMixin, GovukFormMixin, forms.Form):
    moments = ("publication_at", "distribution_at")
    publication_at = GovukDateField(
        label=_("Publication date"),
        help_text=_("For example, 27 3 2027"),
        error_messages={"required": _("Enter the publication date.")},
    )
    publication_at_time = time_field(_("Publication time"))
    distribution_at = GovukDateField(
        label=_("Date the embargoed copy goes out (optional)"),
        required=False,
        help_text=_("Leave blank to send it at the latest moment the MOU allows."),
    )
    distribution_at_time = time_field(_("Time the embargoed copy goes out (optional)"), required=False)
    immediate_release = forms.BooleanField(
        label=_("For immediate release"),
        required=False,
        help_text=_("Other reports only: no embargoed copy goes out in advance."),  # U4
    )
    exception_reason = forms.CharField(
        label=_("Exceptional circumstances (only if the copy goes out later than the MOU asks)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("The PCC is told the decision and these reasons."),  # U5
    )


class DiaryNoteForm(GovukFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Diary note"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Goes to the interested parties in the week before publication."),  # U2
        error_messages={"required": _("Enter the diary note.")},
    )


class SearchForm(GovukFormMixin, forms.Form):
    q = forms.CharField(label=_("Search reports and findings"), max_length=200, required=False)


# --- Force / FRS: factual accuracy (I7) -----------------------------------------------------------


class FactualAccuracyCommentForm(GovukFormMixin, forms.Form):
    """The factual-accuracy template: a correction of fact, where it is, and the evidence for it."""

    paragraph = forms.CharField(
        label=_("Paragraph or page"),
        max_length=40,
        help_text=_("The paragraph number shown beside the draft, for example 12."),
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
        error_messages={"required": _("Enter the paragraph or page.")},
    )
    current_text = forms.CharField(
        label=_("Text as it stands"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Enter the text as it stands.")},
    )
    proposed_correction = forms.CharField(
        label=_("Correction of fact"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("A correction of fact only, not a different view of the findings."),  # I7
        error_messages={"required": _("Enter the correction of fact.")},
    )
    evidence = forms.CharField(
        label=_("Evidence for the correction"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What shows the text as it stands is wrong."),
        error_messages={"required": _("Enter the evidence for the correction.")},
    )
