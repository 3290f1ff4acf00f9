"""M6: the formal Engage letter to the chief officer and the PCC, made once as a PDF and kept as sent.

The letter is sent through monitoring.services.case_send_letter and read back from
EngageLetter.pdf with pypdf: what matters is the text the recipients get.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re

import pytest
from pypdf import PdfReader

from hmicfrs_mou.models import InboxMessage
from monitoring.models import EngageLetter
from monitoring.pdf import letter_context
from monitoring.services import CauseInput, case_send_letter
from tests.monitoring.conftest import ANNOUNCED, DECIDED, REASONS, TOLD, london, refused, take_case

pytestmark = pytest.mark.django_db

SENT_AT = london(2026, 3, 11, 11)
CAUSES = (
    "The force does not record crime accurately.",
    "The force does not respond to vulnerable people quickly enough.",
    "Leaders do not oversee the use of stop and search.",
)


def pdf_text(pdf: bytes) -> str:
    """The text of every page, whitespace collapsed (a line break must not hide a match)."""
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(re.sub(r"\s+", " ", pages[i].extract_text()) for i in range(len(pages)))


@pytest.fixture
def case(force_a, hmi_a, hmci):
    return take_case(
        force_a,
        hmi=hmi_a,
        hmci=hmci,
        decided=DECIDED,
        told=TOLD,
        announced=ANNOUNCED,
        causes=tuple(CauseInput(text) for text in CAUSES),
    )


def test_m6_the_letter_names_the_force_the_pcc_the_chief_officer_and_each_cause(
    case, hmi_a, pcc_a, chief_constable_a, pcc_office_a, chief_office_a
):
    """M6: The letter names the force, the PCC, the chief officer and each cause."""
    letter = case_send_letter(case=case, by=hmi_a, now=SENT_AT)
    stored = EngageLetter.objects.get(case=case)
    pdf = bytes(stored.pdf)
    assert pdf.startswith(b"%PDF")
    assert stored.sha256 == hashlib.sha256(pdf).hexdigest()
    assert (stored.sent_at, stored.sent_by) == (SENT_AT, hmi_a)
    assert letter.pk == stored.pk

    text = pdf_text(pdf)
    assert "Avon and Somerset Constabulary: enhanced monitoring (Engage)" in text
    assert "Chief Constable A Tester, Chief Constable, Avon and Somerset Constabulary" in text
    assert "Pcc A Tester, Police and Crime Commissioner for Avon and Somerset" in text
    for cause in CAUSES:
        assert cause in text
    assert REASONS in text
    assert "4 March 2026" in text  # the decision date
    assert "11 March 2026" in text  # the date of the letter
    assert "Police Performance Oversight Group (PPOG)" in text
    assert str(hmi_a) in text
    assert stored.addressed_to.splitlines() == [
        "Chief Constable A Tester, Chief Constable, Avon and Somerset Constabulary",
        "Pcc A Tester, Police and Crime Commissioner for Avon and Somerset",
    ]
    # Both offices are told the letter has gone, with the same message at the same moment.
    messages = list(
        InboxMessage.objects.filter(user__in=[pcc_office_a, chief_office_a], created_at=SENT_AT).values_list(
            "user", "subject", "body"
        )
    )
    assert len(messages) == 2
    assert messages[0][1:] == messages[1][1:]


def test_m6_without_named_people_the_letter_addresses_the_offices(case, hmi_a):
    """M6: Without named people the letter addresses the offices."""
    case_send_letter(case=case, by=hmi_a, now=SENT_AT)
    text = pdf_text(bytes(EngageLetter.objects.get(case=case).pdf))
    assert "The Chief Constable, Avon and Somerset Constabulary" in text
    assert "Police and Crime Commissioner for Avon and Somerset" in text
    for cause in CAUSES:
        assert cause in text


def test_m6_the_letter_context_is_built_from_the_case(case, hmi_a, pcc_a, chief_constable_a):
    """M6: The letter context is built from the case."""
    context = letter_context(case, sent_by=hmi_a, now=SENT_AT)
    assert context["area"] == "Avon and Somerset Constabulary"
    assert context["causes"] == list(CAUSES)
    assert context["decided_label"] == "4 March 2026"
    assert context["date_label"] == "11 March 2026"
    assert context["reference"] == f"ENGAGE-{case.pk:05d}"


def test_m6_the_letter_is_stored_once_and_a_second_send_is_refused(case, hmi_a):
    """M6: The letter is stored once and a second send is refused."""
    case_send_letter(case=case, by=hmi_a, now=SENT_AT)
    first = bytes(EngageLetter.objects.get(case=case).pdf)
    refused(
        lambda: case_send_letter(case=case, by=hmi_a, now=SENT_AT + dt.timedelta(days=1)),
        "The formal letter has already been sent.",
    )
    assert EngageLetter.objects.count() == 1
    assert bytes(EngageLetter.objects.get(case=case).pdf) == first
    case.refresh_from_db()
    assert case.letter_sent
