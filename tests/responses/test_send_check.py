"""Sending the PCC's response (U6) is confirmed on a "check your answers" page first.

The upload is what sends the response to HMICFRS and the Home Secretary (section 55(5B)), so the page
before it shows what will go: the report, who it goes to, the version, whether it is on time (D5), and
every part of the response with a link to change it. Only the page's "Confirm and send" POST calls the
service, which is unchanged. The response page links to the report it answers, and the public report
page gives the day each response was published.

Every test runs at IN_PERIOD (Mon 20 July 2026 12:00 BST); day 56 is Mon 31 August 2026.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from hmicfrs_mou.models import AuditAction, AuditEvent
from responses.models import Submission
from responses.services import recommendations_of, response_submit
from tests.responses.conftest import (
    CHIEF_COMMENTS,
    DUE,
    IN_PERIOD,
    PUBLISHED_URL,
    complete,
    pdf_bytes,
    pdf_upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_period():
    with time_machine.travel(IN_PERIOD, tick=False):
        yield


def url(name: str, pk: int) -> str:
    return reverse(f"responses:{name}", kwargs={"pk": pk})


def test_u6_the_send_page_shows_what_will_be_sent_before_anything_goes(
    client_for, pcc_office_a, obligation_a, media_root
):
    """U6: the check page names the report, the recipients (HMICFRS and the Home Secretary), the version
    and the timing (D5), and every part of the response, each with a link to change it; opening it sends
    nothing."""
    complete(obligation_a, pcc_office_a)
    page = client_for(pcc_office_a).get(url("submit", obligation_a.pk))
    body = page.content.decode()
    assert page.status_code == 200
    assert '<h1 class="govuk-heading-l">Check your response before you send it</h1>' in body
    assert "<title>Check your response before you send it – " in body
    assert reverse("public_reports:report", args=[obligation_a.report_id]) in body
    assert "HMICFRS and the Home Secretary" in body
    assert "Version 1, the first the office has sent" in body
    assert "By the end of Monday 31 August 2026. Sent now, it is on time." in body
    for part in (CHIEF_COMMENTS, "The PCC welcomes the report.", "The PCC will hold the chief constable"):
        assert part in body, part
    for finding in recommendations_of(obligation_a):
        assert f"Recommendation {finding.reference}" in body
        assert f'{url("edit", obligation_a.pk)}#id_action_{finding.pk}"' in body
    assert "A stalking lead in every district." in body
    assert PUBLISHED_URL in body
    for anchor in ("id_pcc_comments", "id_reply_to_chief", "id_published_url"):
        assert f'{url("edit", obligation_a.pk)}#{anchor}"' in body
    assert re.search(r'<button type="submit" class="govuk-button"[^>]*>Confirm and send</button>', body)
    assert 'type="file"' in body
    assert not Submission.objects.exists()
    assert not AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="responses.submission"
    ).exists()


def test_u6_d5_the_check_page_warns_that_a_late_response_will_be_marked_late(
    client_for, pcc_office_a, obligation_a
):
    """D5: after day 56 the page says so before the office confirms."""
    complete(obligation_a, pcc_office_a)
    with time_machine.travel(DUE + dt.timedelta(hours=1), tick=False):
        body = client_for(pcc_office_a).get(url("submit", obligation_a.pk)).content.decode()
    assert "Sent now, it will be marked late." in body


def test_u6_the_check_page_of_a_new_version_says_which_version_goes(
    client_for, pcc_office_a, obligation_a, media_root
):
    """U6: a new upload is a new version; the first version decides the timing."""
    complete(obligation_a, pcc_office_a)
    response_submit(obligation=obligation_a, upload=pdf_upload(), by=pcc_office_a, now=IN_PERIOD)
    body = client_for(pcc_office_a).get(url("submit", obligation_a.pk)).content.decode()
    assert "Version 2. Version 1 has been sent already" in body
    assert "The first version decides whether the response was on time." in body


def test_u6_confirming_sends_it_through_the_service(client_for, pcc_office_a, obligation_a, media_root):
    """U6: the confirm button's POST is the upload, which sends it (one version, on time)."""
    complete(obligation_a, pcc_office_a)
    response = client_for(pcc_office_a).post(
        url("submit", obligation_a.pk), {"file": pdf_upload("ours.pdf", pdf_bytes(2))}, follow=True
    )
    assert response.redirect_chain == [(url("obligation", obligation_a.pk), 302)]
    assert (
        "Version 1 of the response has been sent to HMICFRS and the Home Secretary."
        in response.content.decode()
    )
    assert Submission.objects.get().late is False


def test_u6_an_incomplete_response_has_no_check_page_and_no_send_button(
    client_for, pcc_office_a, obligation_a
):
    """U6: while a part is missing the page names what is missing instead."""
    body = client_for(pcc_office_a).get(url("submit", obligation_a.pk)).content.decode()
    assert "What is still missing" in body
    assert "Confirm and send" not in body
    assert "Check your response before you send it" not in body


def test_u6_the_response_page_links_to_the_report_it_answers(
    client_for, pcc_office_a, hmicfrs_staff, obligation_a
):
    """U6: the response page links to the published report it answers, for the office and for HMICFRS."""
    link = reverse("public_reports:report", args=[obligation_a.report_id])
    for person in (pcc_office_a, hmicfrs_staff):
        body = client_for(person).get(url("obligation", obligation_a.pk)).content.decode()
        assert f'href="{link}" id="report-link">{obligation_a.report.title}</a>' in body
    assert client_for(None).get(link).status_code == 200


def test_u6_the_public_report_page_gives_the_day_each_response_was_published(
    client, pcc_office_a, obligation_a, media_root
):
    """U6: once sent, the public report page shows the day the response was published (sent), beside its
    on-time tag; before that, no day."""
    report_url = reverse("public_reports:report", args=[obligation_a.report_id])
    assert 'Published <time datetime="2026-07-20">' not in client.get(report_url).content.decode()
    complete(obligation_a, pcc_office_a)
    response_submit(obligation=obligation_a, upload=pdf_upload(), by=pcc_office_a, now=IN_PERIOD)
    body = client.get(report_url).content.decode()
    assert 'Published <time datetime="2026-07-20">20 July 2026</time>' in body
    assert "Published on time" in body
