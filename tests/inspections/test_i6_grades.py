"""I6: a debrief gives a preliminary view, never a graded judgment on the PEEL scale.

The grade words (outstanding, good, adequate, requires improvement, inadequate) are refused when used as a
grade, in any form; "good" and "adequate" stay ordinary words in prose. Both sides, as a table.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from hmicfrs_mou.deadlines import LONDON
from inspections.models import Debrief
from inspections.services import debrief_record, has_grade

GRADED = [
    "Effectiveness: adequate. Efficiency: good.",
    "Efficiency: good",
    "Efficiency: Good; Effectiveness: Adequate",
    "Legitimacy – good",
    "Effectiveness — Good",
    "Effectiveness - adequate",
    "Effectiveness = good",
    "Efficiency (good)",
    "Good: effectiveness",
    "Overall: Requires improvement",
    "Overall good.",
    "overall, adequate",
    "rated good",
    "rated as good",
    "graded as adequate",
    "good overall grade",
    "an adequate grade",
    "a good rating",
    "judged adequate",
    "we would grade it good",
    "The force's response was adequate.",
    "Good",
    "ADEQUATE",
    "Outstanding",
    "The force is outstanding at answering calls.",
    "requires improvement",
    "Requires-Improvement",
    "required improvement in custody",
    "inadequate",
    "Crime recording was inadequately supervised.",
]

PROSE = [
    "A good discussion with the chief officer team.",
    "The force made good progress on vetting.",
    "Officers showed a good understanding of vulnerability.",
    "The force has a good working relationship with partners.",
    "It was a good meeting.",
    "The chief gave a good account of the plans.",
    "Adequate staffing levels were seen in custody.",
    "Resources appear adequate for the demand in the north.",
    "Adequately resourced teams answered calls promptly.",
    "Goodwill between the force and its partners is clear.",
    "Response times in rural areas are a concern.",
    "Good morning to all who attended.",
]


@pytest.mark.parametrize("text", GRADED)
def test_i6_a_grade_in_any_form_is_found(text: str) -> None:
    assert has_grade(text), text


@pytest.mark.parametrize("text", PROSE)
def test_i6_ordinary_prose_is_not_taken_for_a_grade(text: str) -> None:
    assert not has_grade(text), text


@pytest.mark.django_db
def test_i6_a_debrief_with_grades_is_refused_and_nothing_is_written(peel_a, force_a, hmi_a) -> None:
    with pytest.raises(ValidationError) as caught:
        debrief_record(
            inspection=peel_a,
            area=force_a,
            held_on=dt.date(2026, 3, 3),
            notes="Effectiveness: adequate. Efficiency: good.",
            by=hmi_a,
            now=dt.datetime(2026, 3, 4, 11, tzinfo=LONDON),
        )
    assert caught.value.message_dict["notes"] == [
        "A debrief gives a preliminary view, never a graded judgment: remove the grade."
    ]
    assert not Debrief.objects.exists()
