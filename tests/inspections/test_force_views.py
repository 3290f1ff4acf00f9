"""The force's factual-accuracy page (I7): the draft goes to the force or FRS only, for its window.

Timeline (Europe/London): the draft goes to force A's chief's office at FAC_OPENS
(Mon 8 June 2026 09:00 BST) and the window closes at FAC_CLOSES (Fri 19 June 17:00).
Boundaries are checked just before, exactly at and just after (STYLE.md §11).
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from contacts.models import Role
from hmicfrs_mou.deadlines import LONDON
from hmicfrs_mou.models import AuditAction, AuditEvent
from inspections.models import FactualAccuracyComment, Inspection, InspectionKind, Report, ReportKind
from inspections.services import (
    fac_comment_decide,
    fac_comment_submit,
    inspection_create,
    report_create,
    report_finalise,
    report_open_factual_accuracy,
    report_schedule,
)
from tests.conftest import make_person

pytestmark = pytest.mark.django_db

CREATED = dt.datetime(2026, 6, 1, 9, tzinfo=LONDON)
FAC_OPENS = dt.datetime(2026, 6, 8, 9, tzinfo=LONDON)
IN_FAC = dt.datetime(2026, 6, 10, 12, tzinfo=LONDON)
FAC_CLOSES = dt.datetime(2026, 6, 19, 17, tzinfo=LONDON)
SECOND = dt.timedelta(seconds=1)

BODY = (
    "Avon and Somerset Police answers most emergency calls within target.\n\n"
    "Response times in rural areas are longer than the force's own standard.\n\n"
    "The force needs to improve how it records crime."
)

PERSONAS = [
    "hmi_a",
    "other_hmi",
    "hmicfrs_staff",
    "chief_office_a",
    "pcc_office_a",
    "pcc_office_b",
    "apcc_lead",
    "anonymous",
]
LOGIN = "login"

COMMENT = {
    "paragraph": "2",
    "current_text": "longer than the force's own standard",
    "proposed_correction": "within the force's own standard",
    "evidence": "Control room data, May 2026",
}


@pytest.fixture
def people(hmi_a, other_hmi, hmicfrs_staff, chief_office_a, pcc_office_a, pcc_office_b, apcc_lead):
    return {
        "hmi_a": hmi_a,
        "other_hmi": other_hmi,
        "hmicfrs_staff": hmicfrs_staff,
        "chief_office_a": chief_office_a,
        "pcc_office_a": pcc_office_a,
        "pcc_office_b": pcc_office_b,
        "apcc_lead": apcc_lead,
        "anonymous": None,
    }


@pytest.fixture
def lead(hmicfrs):
    return make_person("fac_lead", hmicfrs, Role.HMI)


@pytest.fixture
def inspection(force_a, lead) -> Inspection:
    return inspection_create(
        kind=InspectionKind.PEEL,
        title="PEEL 2026: Avon and Somerset",
        areas=[force_a],
        lead=lead,
        by=lead,
        now=CREATED,
    )


@pytest.fixture
def draft(inspection) -> Report:
    return report_create(
        inspection=inspection,
        kind=ReportKind.FORCE_SPECIFIC,
        title="PEEL 2026: Avon and Somerset – draft",
        body=BODY,
        by=inspection.lead,
        now=CREATED,
    )


@pytest.fixture
def in_fac(draft) -> Report:
    return report_open_factual_accuracy(
        report=draft, closes_at=FAC_CLOSES, by=draft.inspection.lead, now=FAC_OPENS
    )


def fac_url(report: Report) -> str:
    return reverse("inspections:fac", kwargs={"pk": report.pk})


def travel(moment: dt.datetime):
    return time_machine.travel(moment, tick=False)


def client(user) -> Client:
    browser = Client()
    if user is not None:
        browser.force_login(user)
    return browser


def get(user, url: str, moment: dt.datetime):
    with travel(moment):
        return client(user).get(url)


def post(user, url: str, data: dict, moment: dt.datetime):
    with travel(moment):
        return client(user).post(url, data)


def check(response, expected) -> None:
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == expected


#              hmi_a other  staff  chief  pcc_a  pcc_b  apcc   anon
FAC_MATRIX = [
    ("before the window", FAC_OPENS - SECOND, [404, 404, 404, 404, 404, 404, 404, LOGIN]),
    # The team sees the draft but the comments are the force's: 403. Never the PCC (I7): 404.
    ("window opens", FAC_OPENS, [403, 404, 404, 200, 404, 404, 404, LOGIN]),
    ("in the window", IN_FAC, [403, 404, 404, 200, 404, 404, 404, LOGIN]),
    ("last second", FAC_CLOSES - SECOND, [403, 404, 404, 200, 404, 404, 404, LOGIN]),
    ("window closes", FAC_CLOSES, [404, 404, 404, 404, 404, 404, 404, LOGIN]),
    ("after", FAC_CLOSES + SECOND, [404, 404, 404, 404, 404, 404, 404, LOGIN]),
]


@pytest.mark.parametrize(
    ("moment", "expected"), [row[1:] for row in FAC_MATRIX], ids=[row[0] for row in FAC_MATRIX]
)
def test_factual_accuracy_page_answers_each_persona_i7(people, in_fac, moment, expected):
    for persona, status in zip(PERSONAS, expected, strict=True):
        response = get(people[persona], fac_url(in_fac), moment)
        try:
            check(response, status)
        except AssertionError:
            pytest.fail(f"{persona} at {moment}: expected {status}, got {response.status_code}")


def test_a_draft_not_yet_sent_is_not_found(chief_office_a, draft):
    assert get(chief_office_a, fac_url(draft), IN_FAC).status_code == 404


def test_the_page_shows_the_numbered_draft_and_the_template_form(chief_office_a, in_fac):
    response = get(chief_office_a, fac_url(in_fac), IN_FAC)
    page = response.content.decode()
    assert 'id="paragraph-2"' in page
    assert "Response times in rural areas" in page
    for name in COMMENT:
        assert f'name="{name}"' in page
    assert "19 June 2026, 17:00" in page
    assert "including with the PCC" in page


def test_every_reading_of_the_draft_is_audited(chief_office_a, in_fac):
    get(chief_office_a, fac_url(in_fac), IN_FAC)
    get(chief_office_a, fac_url(in_fac), IN_FAC)
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.VIEW,
            object_type="inspections.report",
            object_id=str(in_fac.pk),
            actor=chief_office_a,
        ).count()
        == 2
    )


def test_chief_office_sends_a_correction_of_fact_i7(chief_office_a, in_fac):
    response = post(chief_office_a, fac_url(in_fac), COMMENT, IN_FAC)
    assert response.status_code == 302
    assert response["Location"] == fac_url(in_fac)
    comment = FactualAccuracyComment.objects.get(report=in_fac)
    assert comment.submitted_by == chief_office_a
    assert comment.submitted_at == IN_FAC
    assert comment.proposed_correction == COMMENT["proposed_correction"]
    page = get(chief_office_a, fac_url(in_fac), IN_FAC).content.decode()
    assert "within the force&#x27;s own standard" in page
    assert "Awaiting decision" in page


def test_the_last_second_of_the_window_still_takes_a_comment(chief_office_a, in_fac):
    assert post(chief_office_a, fac_url(in_fac), COMMENT, FAC_CLOSES - SECOND).status_code == 302
    assert FactualAccuracyComment.objects.filter(report=in_fac).count() == 1


@pytest.mark.parametrize("moment", [FAC_CLOSES, FAC_CLOSES + SECOND], ids=["at-close", "after-close"])
def test_a_comment_after_the_window_closed_is_refused_and_nothing_saved_i7(chief_office_a, in_fac, moment):
    response = post(chief_office_a, fac_url(in_fac), COMMENT, moment)
    assert response.status_code == 404
    assert not FactualAccuracyComment.objects.exists()


def test_a_comment_after_the_report_is_final_is_refused(chief_office_a, in_fac):
    """Finalising ends the window early; the draft is no longer the force's to comment on."""
    report_finalise(
        report=in_fac,
        by=in_fac.inspection.lead,
        now=IN_FAC,
        confirm_early_close=True,
        early_close_reason="The force agreed the draft; nothing to correct.",
    )
    assert post(chief_office_a, fac_url(in_fac), COMMENT, IN_FAC + SECOND).status_code == 404
    assert not FactualAccuracyComment.objects.exists()


def test_after_publication_the_page_is_still_not_found(chief_office_a, in_fac):
    """The published report is public, but its factual-accuracy check is over."""
    report_finalise(
        report=in_fac,
        by=in_fac.inspection.lead,
        now=IN_FAC,
        confirm_early_close=True,
        early_close_reason="The force agreed the draft; nothing to correct.",
    )
    publication = dt.datetime(2026, 7, 7, 10, tzinfo=LONDON)
    report_schedule(report=in_fac, publication_at=publication, by=in_fac.inspection.lead, now=IN_FAC)
    assert get(chief_office_a, fac_url(in_fac), publication + SECOND).status_code == 404


def test_the_pcc_cannot_post_a_comment_i7(pcc_office_a, hmi_a, in_fac):
    assert post(pcc_office_a, fac_url(in_fac), COMMENT, IN_FAC).status_code == 404
    assert post(hmi_a, fac_url(in_fac), COMMENT, IN_FAC).status_code == 403
    assert not FactualAccuracyComment.objects.exists()


@pytest.mark.parametrize("missing", list(COMMENT))
def test_every_template_field_is_needed(chief_office_a, in_fac, missing):
    data = {**COMMENT, missing: ""}
    response = post(chief_office_a, fac_url(in_fac), data, IN_FAC)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert "There is a problem" in page
    assert f'href="#id_{missing}"' in page
    assert not FactualAccuracyComment.objects.exists()


def test_earlier_comments_show_decisions_and_reasons(chief_office_a, in_fac, hmi_a):
    first = fac_comment_submit(report=in_fac, by=chief_office_a, now=IN_FAC, **COMMENT)
    fac_comment_decide(comment=first, accept=False, reason="The data covers urban areas only.", by=hmi_a)
    page = get(chief_office_a, fac_url(in_fac), IN_FAC).content.decode()
    assert "Rejected" in page
    assert "The data covers urban areas only." in page


def test_on_a_joint_report_each_force_sees_only_its_own_comments(
    chief_office_a, force_a, force_b, lead, apcc
):
    chief_office_b = make_person("chief_office_b", force_b, Role.CHIEF_OFFICER_STAFF)
    joint = inspection_create(
        kind=InspectionKind.THEMATIC,
        title="Stalking",
        areas=[force_a, force_b],
        lead=lead,
        by=lead,
        now=CREATED,
    )
    report = report_create(
        inspection=joint,
        kind=ReportKind.OTHER,
        title="Stalking: draft",
        body=BODY,
        interested_parties=[apcc],
        by=lead,
        now=CREATED,
    )
    report_open_factual_accuracy(report=report, closes_at=FAC_CLOSES, by=lead, now=FAC_OPENS)
    fac_comment_submit(
        report=report, by=chief_office_b, now=IN_FAC, **{**COMMENT, "proposed_correction": "Kent's fix"}
    )
    fac_comment_submit(
        report=report, by=chief_office_a, now=IN_FAC, **{**COMMENT, "proposed_correction": "Avon's fix"}
    )
    page_a = get(chief_office_a, fac_url(report), IN_FAC).content.decode()
    assert "Avon&#x27;s fix" in page_a
    assert "Kent&#x27;s fix" not in page_a
    page_b = get(chief_office_b, fac_url(report), IN_FAC).content.decode()
    assert "Kent&#x27;s fix" in page_b
    assert "Avon&#x27;s fix" not in page_b
