from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contacts.models import (
    AREA_KINDS,
    ConductMatterKind,
    MeetingKind,
    Organisation,
    OrganisationKind,
    PanelAnswer,
    PanelDecision,
    User,
)
from contacts.public_domain import PublicDocument
from hmicfrs_mou.forms import GovukDateField, GovukFormMixin


class DirectoryFilterForm(GovukFormMixin, forms.Form):
    KIND_CHOICES: ClassVar = [
        ("", _("Forces and fire and rescue services")),
        (OrganisationKind.POLICE_FORCE, _("Police forces")),
        (OrganisationKind.FIRE_RESCUE_SERVICE, _("Fire and rescue services")),
    ]
    q = forms.CharField(label=_("Name contains"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Show"),
        choices=KIND_CHOICES,
        required=False,
        widget=forms.Select(attrs={"class": "govuk-!-width-full"}),
    )


class MeetingForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind of meeting"), choices=MeetingKind.choices)
    held_on = GovukDateField(
        label=_("Date held"),
        help_text=_("For example, 27 3 2027"),
        error_messages={"required": _("Enter the date the meeting was held.")},
    )
    subject = forms.ModelChoiceField(
        label=_("Force, FRS or OPCC"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_(
            "The force or FRS for an HMI and PCC meeting; the OPCC for a liaison meeting. "
            "Leave blank for a national meeting."
        ),
    )
    attendees = forms.ModelMultipleChoiceField(
        label=_("HMICFRS attendees"),
        queryset=User.objects.none(),
        required=False,
        help_text=_(
            "Hold Ctrl (Cmd on a Mac) to choose more than one. The organisations that took part follow "
            "from the kind of meeting; their staff will see this record."
        ),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 6}), required=False, max_length=20000
    )
    confidential = forms.BooleanField(
        label=_("Unpublished information was shared in confidence"),
        required=False,
        help_text=_(
            "Only the attendees, the HMI for the area and the organisations that took part will see it."
        ),
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


# --- Confidential records between an HMI and a PCC's office (C4, C5, L1, L2) ---------------------------


def _hmicfrs_people() -> Any:
    return (
        User.objects.filter(appointments__organisation__kind=OrganisationKind.HMICFRS, is_active=True)
        .distinct()
        .order_by("last_name", "first_name")
    )


class _AreaForm(GovukFormMixin, forms.Form):
    """A form about one of the areas the person may act for (the view passes them)."""

    area = forms.ModelChoiceField(
        label=_("Force or fire and rescue service"),
        queryset=Organisation.objects.none(),
        empty_label=_("Choose a force or service"),
        error_messages={"required": _("Choose the force or fire and rescue service.")},
    )

    def __init__(self, *args: Any, areas: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas.order_by("-kind", "name")
        only = list(areas[:2])
        if len(only) == 1 and not self.is_bound:
            self.initial.setdefault("area", only[0].pk)


class SharedFindingsForm(_AreaForm):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    findings = forms.CharField(
        label=_("What you are sharing"),
        help_text=_(
            "Unpublished information or findings about this force or service. Only the PCC's office, "
            "you and the HMICFRS staff you name will be able to read it."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        max_length=20000,
    )
    named_staff = forms.ModelMultipleChoiceField(
        label=_("Other HMICFRS staff who may read it (optional)"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Hold Ctrl (Cmd on a Mac) to choose more than one."),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["named_staff"].queryset = _hmicfrs_people()


class PanelInvitationForm(_AreaForm):
    received_on = GovukDateField(
        label=_("Date the invitation arrived"),
        help_text=_("For example, 27 3 2027"),
        error_messages={"required": _("Enter the date the invitation arrived.")},
    )
    meeting_on = GovukDateField(
        label=_("Date of the panel meeting"),
        help_text=_("For example, 27 3 2027"),
        error_messages={"required": _("Enter the date of the panel meeting.")},
    )
    purpose = forms.CharField(
        label=_("What the panel asks you to brief it on"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=5000,
    )


class PanelRepresentationsForm(GovukFormMixin, forms.Form):
    representations = forms.CharField(
        label=_("Your representations"),
        help_text=_("The HMI will read them before deciding whether to accept the invitation."),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        max_length=20000,
    )


class PanelDecisionForm(GovukFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=PanelDecision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether you accept or decline the invitation.")},
    )
    reasons = forms.CharField(
        label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 5}), required=False, max_length=5000
    )


class _PassedOnChoices(forms.MultipleChoiceField):
    """Checkboxes whose choices are passed on as they are: a report not (or no longer) published is
    refused by the service, with its own message, rather than here as "not one of the choices"."""

    def valid_value(self, value: Any) -> bool:
        return True


class PanelBriefingForm(GovukFormMixin, forms.Form):
    notes = forms.CharField(
        label=_("Briefing notes"),
        help_text=_("At a panel you give only information already in the public domain."),
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
        max_length=20000,
    )
    sources = _PassedOnChoices(
        label=_("Published reports the briefing relies on"),
        help_text=_("Only reports already published can be chosen."),
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, documents: list[PublicDocument], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sources"].choices = [
            (
                document.key,
                gettext("%(title)s (published %(on)s)")
                % {"title": document.title, "on": f"{timezone.localtime(document.published_at):%-d %B %Y}"},
            )
            for document in documents
        ]


class RecruitmentForm(_AreaForm):
    process = forms.CharField(
        label=_("The appointment process"),
        help_text=_("The timetable, the appointment panel and the criteria."),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=20000,
    )
    asks_panel = forms.BooleanField(label=_("Invite the HMI to sit on the appointment panel"), required=False)
    asks_pre_appointment_advice = forms.BooleanField(
        label=_("Ask the HMI for advice before appointment"), required=False
    )
    shortlisted_forces = forms.ModelMultipleChoiceField(
        label=_("Current forces or services of shortlisted applicants (optional)"),
        help_text=_(
            "The HMI can give an overview of how efficient and effective each one is. Hold Ctrl (Cmd on a "
            "Mac) to choose more than one."
        ),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["shortlisted_forces"].queryset = Organisation.objects.filter(
            kind__in=AREA_KINDS
        ).order_by("-kind", "name")


class RecruitmentAdviceForm(GovukFormMixin, forms.Form):
    panel_answer = forms.ChoiceField(
        label=_("Will you sit on the appointment panel?"),
        choices=[
            (PanelAnswer.WILL_SIT, _("Yes, I will sit on the panel")),
            (PanelAnswer.WILL_NOT_SIT, _("No, I will not sit on the panel")),
        ],
        widget=forms.RadioSelect,
        required=False,
    )
    advice = forms.CharField(
        label=_("Your advice"), widget=forms.Textarea(attrs={"rows": 8}), required=False, max_length=20000
    )

    def __init__(self, *args: Any, asks_panel: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not asks_panel:
            del self.fields["panel_answer"]


class ConductMatterForm(_AreaForm):
    kind = forms.ChoiceField(
        label=_("What kind of matter is it?"),
        choices=ConductMatterKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _(
                "Choose whether it is a complaint, a conduct matter or a death or serious injury matter."
            )
        },
    )
    summary = forms.CharField(
        label=_("What the HMI needs to know"),
        help_text=_(
            "Only the HMI for the force or service and the HMICFRS staff you name will be able to read it. "
            "Your office will see when you sent it and what kind of matter it was, not what it says."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        max_length=20000,
    )
    named_staff = forms.ModelMultipleChoiceField(
        label=_("Other HMICFRS staff who may read it (optional)"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Hold Ctrl (Cmd on a Mac) to choose more than one."),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["named_staff"].queryset = _hmicfrs_people()
