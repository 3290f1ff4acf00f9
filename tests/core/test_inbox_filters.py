"""The inbox filters by unread and by kind (reminders of a deadline, or notices), as the GOV.UK "filter a list".

Each filter is tried against a person's own mix of messages; another person's messages never appear, the
filters keep through the pages, and the page costs the same queries however many messages match.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contacts.models import Role
from hmicfrs_mou.models import InboxMessage
from tests.conftest import make_person

pytestmark = pytest.mark.django_db

URL = reverse("inbox")


@pytest.fixture
def person(pcc_office_a):
    return pcc_office_a


def message(
    user, subject: str, *, kind: str = "notice", read: bool = False, minutes: int = 0
) -> InboxMessage:
    at = timezone.now() - dt.timedelta(minutes=minutes)
    return InboxMessage.objects.create(
        user=user, kind=kind, subject=subject, body=subject, created_at=at, read_at=at if read else None
    )


@pytest.fixture
def mix(person, hmicfrs):
    message(person, "Reminder unread", kind="reminder", minutes=1)
    message(person, "Reminder read", kind="reminder", read=True, minutes=2)
    message(person, "Notice unread", minutes=3)
    message(person, "Notice read", kind="report_published", read=True, minutes=4)
    someone_else = make_person("inbox_other", hmicfrs, Role.HMI)
    message(someone_else, "Not yours", kind="reminder")


def subjects(person, query: str = "") -> list[str]:
    browser = Client()
    browser.force_login(person)
    page = browser.get(URL + query).content.decode()
    order = ["Reminder unread", "Reminder read", "Notice unread", "Notice read", "Not yours"]
    return [subject for subject in order if f">{subject}</a>" in page]


def test_without_filters_the_inbox_shows_all_of_the_persons_messages(person, mix):
    assert subjects(person) == ["Reminder unread", "Reminder read", "Notice unread", "Notice read"]


def test_unread_only(person, mix):
    assert subjects(person, "?show=unread") == ["Reminder unread", "Notice unread"]


def test_reminders_only_and_notices_only(person, mix):
    assert subjects(person, "?kind=reminders") == ["Reminder unread", "Reminder read"]
    assert subjects(person, "?kind=notices") == ["Notice unread", "Notice read"]


def test_both_filters_together(person, mix):
    assert subjects(person, "?show=unread&kind=notices") == ["Notice unread"]


def test_an_unknown_filter_value_shows_an_error_and_every_message(person, mix):
    browser = Client()
    browser.force_login(person)
    page = browser.get(URL + "?kind=everything").content.decode()
    assert "Select a valid choice" in page
    assert subjects(person, "?kind=everything") == [
        "Reminder unread",
        "Reminder read",
        "Notice unread",
        "Notice read",
    ]


def test_the_filters_keep_through_the_pages(person):
    for n in range(30):
        message(person, f"Reminder {n}", kind="reminder", minutes=n)
    message(person, "A notice", minutes=100)
    browser = Client()
    browser.force_login(person)
    first = browser.get(URL + "?kind=reminders").content.decode()
    assert "30 messages shown" in first
    assert "kind=reminders&amp;page=2" in first or "kind=reminders&page=2" in first
    second = browser.get(URL + "?kind=reminders&page=2").content.decode()
    assert ">Reminder 29</a>" in second
    assert ">A notice</a>" not in second


def test_query_count_does_not_grow_with_messages(person):
    browser = Client()
    browser.force_login(person)
    message(person, "One", kind="reminder")
    browser.get(URL + "?show=unread")
    with CaptureQueriesContext(connection) as one:
        browser.get(URL + "?show=unread")
    for n in range(40):
        message(person, f"More {n}", kind="reminder")
    with CaptureQueriesContext(connection) as many:
        browser.get(URL + "?show=unread")
    assert len(many) == len(one)


@pytest.mark.parametrize(("unread", "shown"), [(99, "99"), (100, "99+"), (150, "99+")])
def test_the_headers_unread_count_stops_at_99(person, unread, shown):
    """The header counts unread messages no further than it shows them, so a backlog costs nothing more."""
    InboxMessage.objects.bulk_create(
        [InboxMessage(user=person, kind="notice", subject=f"n{n}", body="b") for n in range(unread)]
    )
    message(person, "Read already", read=True)
    client = Client()
    client.force_login(person)
    nav = {item["text"]: item for item in client.get(reverse("my-deadlines")).context["nav_items"]}
    assert str(nav["Inbox"]["count"]) == shown
