from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.db.models import Q

from contacts.models import AREA_KINDS, MeetingKind, Organisation, OrganisationKind, User
from hmicfrs_mou.forms import GovukDateField, GovukFormMixin


class DirectoryFilterForm(GovukFormMixin, forms.Form):
    KIND_CHOICES: ClassVar = [
        ("", "Forces and fire and rescue services"),
        (OrganisationKind.POLICE_FORCE, "Police forces"),
        (OrganisationKind.FIRE_RESCUE_SERVICE, "Fire and rescue services"),
    ]
    q = forms.CharField(label="Name contains", required=False, max_length=100)
    kind = forms.ChoiceField(
        label="Show",
        choices=KIND_CHOICES,
        required=False,
        widget=forms.Select(attrs={"class": "govuk-!-width-full"}),
    )


class MeetingForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Kind of meeting", choices=MeetingKind.choices)
    held_on = GovukDateField(
        label="Date held",
        help_text="For example, 27 3 2027",
        error_messages={"required": "Enter the date the meeting was held."},
    )
    subject = forms.ModelChoiceField(
        label="Force, FRS or OPCC",
        queryset=Organisation.objects.none(),
        required=False,
        help_text="The force or FRS for an HMI and PCC meeting (C2); the OPCC for a liaison meeting (C3). "
        "Leave blank for a national meeting (C1).",
    )
    attendees = forms.ModelMultipleChoiceField(
        label="HMICFRS attendees",
        queryset=User.objects.none(),
        required=False,
        help_text="Hold Ctrl (Cmd on a Mac) to choose more than one. The organisations that took part follow "
        "from the kind of meeting; their staff will see this record.",
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    notes = forms.CharField(
        label="Notes", widget=forms.Textarea(attrs={"rows": 6}), required=False, max_length=20000
    )
    confidential = forms.BooleanField(
        label="Unpublished information was shared in confidence (C4)",
        required=False,
        help_text="Only the attendees, the HMI for the area and the organisations that took part will see it.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = Organisation.objects.filter(
            Q(kind__in=AREA_KINDS) | Q(kind=OrganisationKind.OPCC)
        ).order_by("kind", "name")
        self.fields["attendees"].queryset = (
            User.objects.filter(appointments__organisation__kind=OrganisationKind.HMICFRS, is_active=True)
            .distinct()
            .order_by("last_name", "first_name")
        )
