"""Each inbox notice links to the page where its recipient can see the record, when there is one.

The methodology notice (I3) links, for the offices of the forces the inspection covers, to the
inspection's page, which lists the notices their office received; the APCC and the other PCCs' offices
have no page for the inspection (it answers "not found"), so theirs has no link. The notice that the
embargoed copy goes out later than usual (U3/U5) links to the office's inspections page, where the copy
appears once it is sent. The diary note (U2) is shown on no page outside the inspection team, so its
message carries no link and is read in the inbox.
"""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from hmicfrs_mou.models import InboxMessage
from inspections.services import diary_note_send, methodology_change_notify
from tests.inspections.conftest import HOUR, PUBLICATION, SCHEDULED, schedule
from tests.inspections.test_rules import NOW, WEEK_STARTS

pytestmark = pytest.mark.django_db


def _message(user, subject: str) -> InboxMessage:
    [message] = InboxMessage.objects.filter(user=user, subject__contains=subject)
    return message


def test_i3_the_methodology_notice_links_the_inspected_pccs_office_to_the_inspection(
    peel_a, lead_hmi, pcc_office_a, pcc_office_b, apcc_lead, client_for
):
    """I3: the PCC's office of the force inspected opens the notice on the inspection's page; the APCC
    and another force's PCC (who cannot open that page) get the message without a link."""
    notice = methodology_change_notify(
        inspection=peel_a, body="New questions on vetting.", by=lead_hmi, now=NOW
    )
    url = reverse("inspections:detail", kwargs={"pk": peel_a.pk})
    assert _message(pcc_office_a, "Change of methodology").url == url
    assert _message(pcc_office_b, "Change of methodology").url == ""
    assert _message(apcc_lead, "Change of methodology").url == ""
    # One message each, whichever list a person is on.
    assert (
        InboxMessage.objects.filter(user=pcc_office_a, subject__contains="Change of methodology").count() == 1
    )
    with time_machine.travel(NOW + HOUR, tick=False):
        page = client_for(pcc_office_a).get(url)
        assert page.status_code == 200
        assert notice.subject in page.content.decode()
        assert "New questions on vetting." in page.content.decode()
        assert client_for(pcc_office_b).get(url).status_code == 404


def test_u3_the_later_copy_notice_links_to_the_offices_inspections_page(
    final_report, pcc_office_a, client_for
):
    """U3/U5: the PCC's office is told the copy goes out later, with a link to its inspections page, where
    the embargoed copy appears once it is sent."""
    report = schedule(
        final_report, distribution_at=PUBLICATION - 24 * HOUR, exception_reason="A late legal review."
    )
    message = _message(pcc_office_a, "Embargoed copy later than usual")
    assert message.url == reverse("inspections:my-area")
    with time_machine.travel(SCHEDULED + HOUR, tick=False):
        assert client_for(pcc_office_a).get(message.url).status_code == 200
    with time_machine.travel(report.distribution_at + HOUR, tick=False):
        page = client_for(pcc_office_a).get(message.url).content.decode()
        assert report.title in page


def test_u2_the_diary_note_has_no_page_outside_the_team_so_no_link(peel_report, lead_hmi, pcc_office_a):
    """U2: no page shows a diary note to its recipients (the report's page shows it to the team only),
    so the message is read in the inbox and carries no link."""
    diary_note_send(report=peel_report, text="Publishing on 21 April.", by=lead_hmi, now=WEEK_STARTS)
    assert _message(pcc_office_a, "Diary note").url == ""
