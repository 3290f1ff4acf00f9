"""D5 and U6 at publication: the PCC's office is told a response is due, with the deadline and its
working in plain words; an unanswered response is escalated to named people (the HMI for the force
and the HMICFRS liaison lead for the office) instead of nobody.

The timeline crosses the autumn clock change: the report is published on Monday 31 August 2026 at
10:00 BST, so day 56 is Sunday 25 October 2026, the day the clocks go back (a 25-hour day). The
response is due at the end of that day: 00:00 GMT on Monday 26 October, which is 00:00 UTC (a
"midnight BST" slip would make it an hour early). Escalation follows seven days later.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail

from hmicfrs_mou.models import Deadline, InboxMessage, PartyRole, Reminder
from hmicfrs_mou.reminders import sweep
from inspections.services import reports_due_notices
from responses.models import ResponseObligation
from tests.responses.conftest import publish_report

pytestmark = pytest.mark.django_db

PUBLISHED = dt.datetime(2026, 8, 31, 9, 0, tzinfo=dt.UTC)  # 10:00 BST
DUE = dt.datetime(2026, 10, 26, 0, 0, tzinfo=dt.UTC)  # the end of Sunday 25 October, GMT
ESCALATION = DUE + dt.timedelta(days=7, hours=8)  # 08:00 GMT: escalations go in the morning
SECOND = dt.timedelta(seconds=1)
MARGIN = dt.timedelta(minutes=5)
TITLE = "Thematic: policing of the night-time economy"


@pytest.fixture
def people(pcc_office_a, pcc_office_b, chief_office_a, hmi_a, other_hmi, liaison_lead_a, hmicfrs_staff):
    """Everyone exists before publication: the parties are those named on the day of publication."""
    return locals()


@pytest.fixture
def report(people, response_lead, force_a, force_b):
    return publish_report(lead=response_lead, areas=[force_a, force_b], title=TITLE, publication_at=PUBLISHED)


@pytest.fixture
def obligation_a(report, force_a):
    return ResponseObligation.objects.get(report=report, area=force_a)


def _steps(deadline: Deadline) -> dict[str, set[str]]:
    steps: dict[str, set[str]] = {}
    for step, username in Reminder.objects.filter(deadline=deadline).values_list(
        "step", "recipient__username"
    ):
        steps.setdefault(step, set()).add(username)
    return steps


# --- Publication: told, with the deadline and its working ---------------------------------------------


def test_u6_each_pcc_whose_force_the_report_covers_is_told_at_publication(report, people):
    for office, force in (
        ("pcc_office_a", "Avon and Somerset Constabulary"),
        ("pcc_office_b", "Kent Police"),
    ):
        message = InboxMessage.objects.get(user=people[office], subject=f"A response is due: {TITLE}")
        assert message.created_at == PUBLISHED
        assert f"The report covers {force}, so the PCC must respond to it." in message.body
        assert "HMICFRS published “" + TITLE + "” at 10:00 BST on Monday 31 August 2026." in message.body
        assert "The response is due by the end of Sunday 25 October 2026 (midnight GMT)." in message.body
        assert "That day counts as day 1 of the 56 days" in message.body
        assert "day 56 is Sunday 25 October 2026" in message.body
        assert (
            message.url == f"/responses/{ResponseObligation.objects.get(report=report, area__name=force).pk}/"
        )
    for outsider in ("chief_office_a", "hmi_a", "other_hmi", "liaison_lead_a", "hmicfrs_staff"):
        assert not InboxMessage.objects.filter(
            user=people[outsider], subject__startswith="A response is due"
        ).exists()


def test_u6_the_notice_names_no_rule_codes(report, people):
    body = InboxMessage.objects.get(user=people["pcc_office_a"], subject__startswith="A response is due").body
    for code in ("D5", "U6", "s55"):
        assert code not in body


def test_u6_the_notice_goes_once_however_often_publication_is_swept(report, people):
    reports_due_notices(now=PUBLISHED + SECOND)
    reports_due_notices(now=PUBLISHED + dt.timedelta(days=1))
    assert (
        InboxMessage.objects.filter(
            user=people["pcc_office_a"], subject__startswith="A response is due"
        ).count()
        == 1
    )


def test_u6_no_notice_before_publication(people, response_lead, force_a):
    publish_report(lead=response_lead, areas=[force_a], title=TITLE, publication_at=PUBLISHED, publish=False)
    reports_due_notices(now=PUBLISHED - SECOND)
    assert not InboxMessage.objects.filter(subject__startswith="A response is due").exists()


# --- D5: the deadline across the clock change, and its escalation --------------------------------------


def test_d5_day_56_is_the_day_the_clocks_go_back_and_ends_at_midnight_gmt(obligation_a):
    assert obligation_a.due_at == DUE
    deadline = Deadline.objects.get(key=f"response:{obligation_a.pk}")
    assert deadline.due_at == DUE


def test_d5_escalation_parties_are_the_hmi_for_the_force_and_the_liaison_lead(obligation_a, people):
    deadline = Deadline.objects.get(key=f"response:{obligation_a.pk}")
    parties = {(role, username) for role, username in deadline.parties.values_list("role", "user__username")}
    assert parties == {
        (PartyRole.RESPONSIBLE, "pcc_office_a"),
        (PartyRole.ESCALATION, "hmi_a"),
        (PartyRole.ESCALATION, "liaison_a"),
    }


def test_d5_around_the_last_day_reminders_then_escalation_go_to_the_named_people(obligation_a, people):
    deadline = Deadline.objects.get(key=f"response:{obligation_a.pk}")
    # The last minutes of Sunday 25 October (GMT): due today, not yet overdue.
    # (A sweep's clock runs on from its start, so the moments before are kept a few minutes clear of
    # the boundary: a slow sweep on a busy machine must not cross it.)
    with time_machine.travel(DUE - dt.timedelta(hours=1), tick=False):
        sweep(now=DUE - dt.timedelta(hours=1))  # midnight by BST reckoning: still day 56 in GMT
    with time_machine.travel(DUE - MARGIN, tick=False):
        sweep(now=DUE - MARGIN)
    assert "overdue" not in _steps(deadline)
    assert _steps(deadline)["due"] == {"pcc_office_a"}
    assert not Reminder.objects.filter(deadline=deadline, step="overdue", fire_at__lt=DUE).exists()
    mail.outbox.clear()
    with time_machine.travel(DUE, tick=False):
        sweep(now=DUE)
    assert _steps(deadline)["overdue"] == {"pcc_office_a"}
    assert "escalation" not in _steps(deadline)
    with time_machine.travel(ESCALATION - MARGIN, tick=False):
        sweep(now=ESCALATION - MARGIN)
    assert "escalation" not in _steps(deadline)
    mail.outbox.clear()
    with time_machine.travel(ESCALATION, tick=False):
        sweep(now=ESCALATION)
    assert _steps(deadline)["escalation"] == {"hmi_a", "liaison_a"}
    escalated = {message.to[0]: message for message in mail.outbox if "escalated to you" in message.subject}
    # Each force's response goes to its own HMI: force B's to the other HMI, never force A's.
    assert set(escalated) == {
        people["hmi_a"].email,
        people["liaison_lead_a"].email,
        people["other_hmi"].email,
    }
    assert "Avon and Somerset" in escalated[people["hmi_a"].email].subject
    assert "Avon and Somerset" not in escalated[people["other_hmi"].email].subject
    assert all("D5" not in message.subject for message in escalated.values())


def test_d5_a_response_submitted_in_time_is_never_escalated(obligation_a, people, media_root):
    from responses.services import response_submit
    from tests.responses.conftest import complete, pdf_upload

    moment = dt.datetime(2026, 9, 10, 12, tzinfo=dt.UTC)
    complete(obligation_a, people["pcc_office_a"], now=moment)
    response_submit(obligation=obligation_a, upload=pdf_upload(), by=people["pcc_office_a"], now=moment)
    with time_machine.travel(ESCALATION, tick=False):
        sweep(now=ESCALATION)
    deadline = Deadline.objects.get(key=f"response:{obligation_a.pk}")
    assert "escalation" not in _steps(deadline)
