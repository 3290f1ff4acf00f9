"""Forms for PPOG/FPOG meetings and their actions (M7, M9), improvement plans (M4), the toolkit (M8)
and the findings register (M1).

Forms check the shape of the input; monitoring.services decides the MOU's rules and its
ValidationErrors are put on these same forms by the views (hmicfrs_mou.form_pages). Where a
service names the field it refuses (the M7 attendance, the M9 copy to HMCI), the form field
has that name, so the message appears on the control the person has to change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contacts.models import Organisation, User
from hmicfrs_mou.forms import GovukDateField, GovukFormMixin
from inspections.models import FindingKind
from monitoring.models import FindingEntryKind, FindingStatus, PlanNoteKind
from monitoring.services import AttendanceInput

DATE_HINT = _("For example, 27 3 2026")
PDF_ACCEPT = "application/pdf,.pdf"
# People without a login recorded at a meeting: rows on the form.
FREE_TEXT_ATTENDEES = 3


# --- Meetings ------------------------------------------------------------------------------------


class MeetingScheduleForm(GovukFormMixin, forms.Form):
    scheduled_for = GovukDateField(
        label=_("Date of the meeting"),
        help_text=DATE_HINT,
        error_messages={"required": _("Enter the date of the meeting.")},
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


class DeputyForm(GovukFormMixin, forms.Form):
    """M7: the deputy, chosen from the people appointed in the APCC today."""

    deputy = PersonChoiceField(
        label=_("Deputy"),
        help_text=_(
            "Someone of suitable seniority at the APCC, who will attend in place of a joint "
            "performance portfolio lead."
        ),
        queryset=User.objects.none(),
        empty_label=_("Choose a person"),
        error_messages={
            "required": _("Choose the person to attend as deputy."),
            "invalid_choice": _("Choose a person who works for the APCC."),
        },
    )

    def __init__(self, *args: Any, people: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deputy"].queryset = people


@dataclass(frozen=True)
class KnownAttendee:
    """A person with a login who may be recorded as attending, with the organisation they attend for."""

    person: User
    organisation: Organisation
    capacity: str

    @property
    def key(self) -> str:
        return f"{self.person.pk}-{self.organisation.pk}"

    @property
    def label(self) -> str:
        name = self.person.get_full_name() or self.person.username
        return f"{name}, {self.capacity} ({self.organisation.name})"


class MeetingHeldForm(GovukFormMixin, forms.Form):
    """M7: the date held, notes, and who attended: known people by checkbox, others by name."""

    held_on = GovukDateField(
        label=_("Date the meeting was held"),
        help_text=DATE_HINT,
        error_messages={"required": _("Enter the date the meeting was held.")},
    )
    # Named as the service names it, so its refusal (no APCC lead or nominated deputy) lands here.
    attendances = forms.MultipleChoiceField(
        label=_("Who attended"),
        help_text=_(
            "Select everyone who attended. An APCC joint performance portfolio lead, or a deputy "
            "a lead nominated for this meeting, must be among them."
        ),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose people from the list.")},
    )
    notes = forms.CharField(
        label=_("Notes of the meeting (optional)"),
        help_text=_("Confidential to the organisations that attended and HMICFRS."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(
        self, *args: Any, known: list[KnownAttendee], organisations: QuerySet, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.known = {attendee.key: attendee for attendee in known}
        self.fields["attendances"].choices = [(a.key, a.label) for a in known]
        for n in range(1, FREE_TEXT_ATTENDEES + 1):
            self.fields[f"name_{n}"] = forms.CharField(
                label=gettext("Name of other attendee %(number)s") % {"number": n},
                required=False,
                max_length=200,
            )
            self.fields[f"organisation_{n}"] = forms.ModelChoiceField(
                label=gettext("Organisation of other attendee %(number)s") % {"number": n},
                queryset=organisations,
                required=False,
                empty_label=_("Choose an organisation"),
                error_messages={"invalid_choice": _("Choose an organisation from the list.")},
            )
            self.fields[f"capacity_{n}"] = forms.CharField(
                label=gettext("Capacity of other attendee %(number)s (optional)") % {"number": n},
                help_text=_("For example, Deputy Chief Constable") if n == 1 else "",
                required=False,
                max_length=200,
            )
        # GovukFormMixin styled the fields declared on the class; these are added after it ran.
        for n in range(1, FREE_TEXT_ATTENDEES + 1):
            self.fields[f"name_{n}"].widget.attrs["class"] = "govuk-input"
            self.fields[f"organisation_{n}"].widget.attrs["class"] = "govuk-select"
            self.fields[f"capacity_{n}"].widget.attrs["class"] = "govuk-input"

    def other_rows(self) -> list[dict[str, forms.BoundField]]:
        """The free-text rows, for the template."""
        return [
            {
                "number": n,
                "name": self[f"name_{n}"],
                "organisation": self[f"organisation_{n}"],
                "capacity": self[f"capacity_{n}"],
            }
            for n in range(1, FREE_TEXT_ATTENDEES + 1)
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for n in range(1, FREE_TEXT_ATTENDEES + 1):
            name = (cleaned.get(f"name_{n}") or "").strip()
            organisation = cleaned.get(f"organisation_{n}")
            capacity = (cleaned.get(f"capacity_{n}") or "").strip()
            if name and organisation is None and f"organisation_{n}" not in self.errors:
                self.add_error(
                    f"organisation_{n}",
                    gettext("Choose the organisation %(name)s attended for.") % {"name": name},
                )
            elif not name and (organisation is not None or capacity):
                self.add_error(
                    f"name_{n}", gettext("Enter the name of other attendee %(number)s.") % {"number": n}
                )
        return cleaned

    def attendance_inputs(self) -> list[AttendanceInput]:
        """The attendance in the service's shape: known people first, then the people named."""
        rows = [
            AttendanceInput(
                organisation=self.known[key].organisation,
                name=str(self.known[key].person),
                person=self.known[key].person,
                capacity=self.known[key].capacity,
            )
            for key in self.cleaned_data.get("attendances", [])
        ]
        for n in range(1, FREE_TEXT_ATTENDEES + 1):
            name = (self.cleaned_data.get(f"name_{n}") or "").strip()
            if name:
                rows.append(
                    AttendanceInput(
                        organisation=self.cleaned_data[f"organisation_{n}"],
                        name=name,
                        capacity=(self.cleaned_data.get(f"capacity_{n}") or "").strip(),
                    )
                )
        return rows


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return obj.name


class ActionForm(GovukFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Action"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Describe the action.")},
    )
    owner = OrganisationChoiceField(
        label=_("Who owns the action"),
        queryset=Organisation.objects.none(),
        empty_label=_("Choose an organisation"),
        error_messages={
            "required": _("Choose the organisation that owns the action."),
            "invalid_choice": _("Choose an organisation from the list."),
        },
    )
    offer_of_assistance = forms.BooleanField(
        label=_("This is an offer of assistance"),
        help_text=_(
            "An offer of assistance is followed up in writing within five working days of the "
            "meeting, copied to HM Chief Inspector."
        ),
        required=False,
    )

    def __init__(self, *args: Any, owners: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners


class FollowUpForm(GovukFormMixin, forms.Form):
    """M9: the written follow-up. The copy to HMCI is checked by the service, whose message shows here."""

    text = forms.CharField(
        label=_("Follow-up to the PCC's office"),
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Write the follow-up.")},
    )
    copy_to_hmci = forms.BooleanField(label=_("Send a copy to HM Chief Inspector"), required=False)

    def __init__(self, *args: Any, hmci_name: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if hmci_name:
            self.fields["copy_to_hmci"].help_text = gettext(
                "%(name)s, HM Chief Inspector, gets a copy when you send it. The follow-up is not "
                "sent without the copy."
            ) % {"name": hmci_name}


# --- Improvement plans and the toolkit ----------------------------------------------------------------


class PlanForm(GovukFormMixin, forms.Form):
    text = forms.CharField(
        label=_("The improvement plan"),
        help_text=_(
            "How the force or FRS will address each cause of concern. If you attach the plan as a "
            "PDF, summarise it here."
        ),
        widget=forms.Textarea(attrs={"rows": 12}),
        error_messages={"required": _("Write the plan, or summarise the attached plan.")},
    )
    file = forms.FileField(
        label=_("Attach the plan as a PDF (optional)"),
        help_text=_("A PDF up to 20 MB, not password-protected, with no scripts or attached files."),
        required=False,
        error_messages={"empty": _("The selected file is empty."), "invalid": _("Select a PDF.")},
        widget=forms.FileInput(attrs={"accept": PDF_ACCEPT}),
    )


class PlanNoteForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(choices=PlanNoteKind.choices, widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write the note.")},
    )


class ToolkitUploadForm(GovukFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Upload a new version of the toolkit (PDF)"),
        help_text=_(
            "A PDF up to 20 MB, not password-protected, with no scripts or attached files. "
            "Earlier versions are kept."
        ),
        error_messages={
            "required": _("Select the PDF of the toolkit."),
            "empty": _("The selected file is empty."),
            "invalid": _("Select the PDF of the toolkit."),
        },
        widget=forms.FileInput(attrs={"accept": PDF_ACCEPT}),
    )
    note = forms.CharField(label=_("What changed in this version (optional)"), required=False, max_length=300)


class ToolkitSendForm(GovukFormMixin, forms.Form):
    letter = forms.CharField(
        label=_("Letter to the PCC"),
        widget=forms.Textarea(attrs={"rows": 12}),
        error_messages={"required": _("Write the letter to the PCC.")},
    )


# --- The findings register ------------------------------------------------------------------------

ALL = ""


class RegisterFilterForm(GovukFormMixin, forms.Form):
    """The register's filters, from the query string (GOV.UK "filter a list")."""

    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[(ALL, _("All statuses")), *FindingStatus.choices]
    )
    kind = forms.ChoiceField(
        label=_("Kind of finding"), required=False, choices=[(ALL, _("All kinds")), *FindingKind.choices]
    )


class FindingStatusForm(GovukFormMixin, forms.Form):
    """M1: a status change. Every status is accepted here: the service decides who may set which."""

    status = forms.ChoiceField(
        label=_("Status"),
        choices=FindingStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a status."), "invalid_choice": _("Choose a status.")},
    )
    note = forms.CharField(
        label=_("What has been done (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, shown: list[str] | None = None, closure: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if closure:
            self.fields["status"].widget = forms.HiddenInput()
            self.fields["note"].label = _("Reason for authorising closure (optional)")
        elif shown is not None:
            # What the person is offered; the choices checked stay all of them (see the class docstring).
            self.fields["status"].widget.choices = [
                (value, label) for value, label in FindingStatus.choices if value in shown
            ]


class FindingNoteForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(
        choices=[(value, label) for value, label in FindingEntryKind.choices if value != "status"],
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Choose the kind of entry."),
            "invalid_choice": _("Choose the kind of entry."),
        },
    )
    text = forms.CharField(
        label=_("Update or note"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write the update or note.")},
    )
