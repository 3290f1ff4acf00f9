"""A force's or service's public page lists its published reports and its PCC's responses with their
timeliness (U1, U6), through sections the apps register with contacts.sections.

The report is public from its publication moment only (U1); the response is awaiting, then overdue after
day 56, or on time once the PCC's office has sent it (U6, D5). A fire and rescue service has reports but no
PCC responses.
"""

from __future__ import annotations

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from responses.services import response_submit
from tests.responses.conftest import DUE, IN_PERIOD, PUBLICATION, SECOND, complete, pdf_upload, publish_report

pytestmark = pytest.mark.django_db


def page(area, moment) -> str:
    with time_machine.travel(moment, tick=False):
        return Client().get(area.public_url).content.decode()


def test_u1_the_report_appears_on_the_force_page_from_its_publication_moment(response_lead, force_a):
    report = publish_report(
        lead=response_lead, areas=[force_a], title="PEEL: Avon and Somerset", publish=False
    )
    before = page(force_a, PUBLICATION - SECOND)
    assert report.title not in before
    assert "No report about Avon and Somerset Constabulary has been published" in before
    after = page(force_a, PUBLICATION)
    assert f">{report.title}</a>" in after
    assert "1 published report about Avon and Somerset Constabulary" in after


def test_u6_the_force_page_shows_its_pccs_response_awaiting_then_overdue(published, force_a):
    awaiting = page(force_a, IN_PERIOD)
    assert "PCC responses" in awaiting
    assert "Awaiting</strong> due by the end of" in awaiting
    overdue = page(force_a, DUE + SECOND)
    assert "Overdue</strong> was due by the end of" in overdue


def test_u6_a_response_sent_in_time_shows_on_time_with_its_link(
    published, obligation_a, pcc_office_a, force_a, media_root
):
    complete(obligation_a, pcc_office_a)
    response_submit(obligation=obligation_a, upload=pdf_upload(), by=pcc_office_a, now=IN_PERIOD + SECOND)
    shown = page(force_a, IN_PERIOD + 2 * SECOND)
    assert "Published on time</strong>" in shown
    assert "Read the response" in shown


def test_an_frs_page_lists_its_reports_and_no_pcc_responses(published, essex):
    shown = page(essex, IN_PERIOD)
    assert f">{published.title}</a>" in shown
    assert "PCC responses" not in shown


def test_the_area_page_costs_the_same_queries_with_more_reports(response_lead, force_a):
    publish_report(lead=response_lead, areas=[force_a], title="First")
    with time_machine.travel(IN_PERIOD, tick=False):
        Client().get(force_a.public_url)
        with CaptureQueriesContext(connection) as one:
            Client().get(force_a.public_url)
    for n in range(3):
        publish_report(lead=response_lead, areas=[force_a], title=f"More {n}")
    with time_machine.travel(IN_PERIOD, tick=False), CaptureQueriesContext(connection) as four:
        shown = Client().get(force_a.public_url).content.decode()
    assert "4 published reports" in shown
    assert "All 4 responses owed for reports about Avon and Somerset Constabulary" in shown
    assert len(four) == len(one)


def test_one_response_owed_is_captioned_as_the_response_not_all_one(published, force_a):
    shown = page(force_a, IN_PERIOD)
    assert "The response owed for reports about Avon and Somerset Constabulary" in shown
    assert "All 1 response" not in shown
