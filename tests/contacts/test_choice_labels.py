"""The labels the long tables read (kind_label, model_label) say what get_FOO_display() says, in each language.

They look the value up in its enum instead of hashing every choice (hmicfrs_mou.choices.choice_label); these tests
hold them to Django's own answer, so a new choice or a new translation cannot make them drift.
"""

from __future__ import annotations

import pytest
from django.utils import translation

from contacts.models import (
    Governance,
    GovernanceModel,
    Meeting,
    MeetingKind,
    Organisation,
    OrganisationKind,
)
from hmicfrs_mou.models import AuditAction, AuditEvent
from inspections.models import (
    Finding,
    FindingKind,
    Inspection,
    InspectionKind,
    Report,
    ReportKind,
    ReportState,
)

CASES = [
    (Organisation, "kind", "kind_label", OrganisationKind),
    (Governance, "model", "model_label", GovernanceModel),
    (Meeting, "kind", "kind_label", MeetingKind),
    (Inspection, "kind", "kind_label", InspectionKind),
    (Finding, "kind", "kind_label", FindingKind),
    (Report, "kind", "kind_label", ReportKind),
    (Report, "state", "state_label", ReportState),
    (AuditEvent, "action", "action_label", AuditAction),
]


@pytest.mark.parametrize("language", ["en-gb", "cy"])
@pytest.mark.parametrize(("model", "field", "label", "choices"), CASES)
def test_each_label_is_the_display_of_every_choice(model, field, label, choices, language):
    assert {value for value, _ in model._meta.get_field(field).flatchoices} == set(choices.values)
    with translation.override(language):
        # The field's own choices, so a field moved to another enum than `choices` fails here.
        for value, _ in model._meta.get_field(field).flatchoices:
            record = model(**{field: value})
            display = getattr(record, f"get_{field}_display")()
            assert str(getattr(record, label)) == display, (model.__name__, value, language)


def test_the_welsh_label_is_welsh_where_the_catalogue_has_it():
    """Not a comparison of two English strings: at least one organisation kind reads differently in Welsh."""
    record = Organisation(kind=OrganisationKind.POLICE_FORCE)
    with translation.override("en-gb"):
        english = str(record.kind_label)
    with translation.override("cy"):
        welsh = str(record.kind_label)
    assert english == "Police force"
    assert welsh != english


@pytest.mark.parametrize(("model", "field", "label", "choices"), CASES)
def test_a_value_outside_the_choices_reads_as_itself_as_django_shows_it(model, field, label, choices):
    record = model(**{field: "no_such_choice"})
    assert getattr(record, label) == "no_such_choice" == getattr(record, f"get_{field}_display")()
