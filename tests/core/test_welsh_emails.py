"""Emails in their recipient's language (issue 12): Welsh for a person who chose Welsh, else English.

Each kind (a reminder, a notice, the morning email, a morning's escalations) is built inside
`translation.override(recipient_language(person))` (hmicfrs_mou/emails.py): subject, plain text,
HTML part (and its <html lang>) and List-Id label follow the person's `Preferences.language`; empty or
no preferences is English. The inbox copy of a reminder or of escalations is the email's subject and
text, so it follows too. Titles, a deadline's "working" and a notice's own subject and text are data
written by services in English and stay as they are. The sweep reads the preferences with the
reminders it claims (D1-D7 reminders: one query a batch, never one a reminder), and building an email
never changes the language of the request or task that built it.
"""

from __future__ import annotations

import datetime as dt
import html as html_text
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from contacts.models import User
from hmicfrs_mou.deadlines import LONDON, Computed, end_of_day
from hmicfrs_mou.emails import notice_email, recipient_language, reminder_email
from hmicfrs_mou.inbox import inbox_send
from hmicfrs_mou.models import InboxMessage, Preferences, Reminder
from hmicfrs_mou.outbox import outbox_send
from hmicfrs_mou.reminders import DeadlineKind, deadline_register, register_kind, sweep
from tests.core.test_mail import MONDAY, parsed, parts, register

pytestmark = pytest.mark.django_db

register_kind(
    DeadlineKind(code="welsh_kind", rule="D7", label="Meetings", before_days=(1,), escalate_after_days=7)
)

CREATED = dt.datetime(2026, 6, 1, 9, tzinfo=LONDON)
DUE = end_of_day(dt.date(2026, 6, 30))  # 1 July 2026 00:00 BST: "by the end of 30 June 2026"
FIRST_MORNING = dt.datetime(2026, 7, 8, 8, 0, tzinfo=LONDON)  # seven days overdue, at 08:00

# The portal's English words that must not be left in a Welsh email.
ENGLISH_FRAME = (
    "Dear ",
    "Open it in the portal",
    "You get this because",
    "is due in",
    "is overdue",
    "Due:",
    "How this was worked out",
    "Your inbox",
    "Your deadlines",
    "You chose one email",
    "updates from the",
    "has been escalated",
)


def person(username: str, language: str | None, *, digest: bool = False, first_name: str = "") -> User:
    """A person with an email address; `language` None: no preferences at all."""
    user = User.objects.create(username=username, email=f"{username}@example.invalid", first_name=first_name)
    if language is not None or digest:
        Preferences.objects.create(user=user, language=language or "", daily_digest=digest)
    return User.objects.get(pk=user.pk)


def to(user: User) -> list:
    return [message for message in mail.outbox if message.to == [user.email]]


def assert_welsh(message, *welsh: str) -> tuple[str, str]:
    """Both parts say each Welsh text, none of the English frame; the HTML part says lang="cy"."""
    plain, html = parts(parsed(message))
    assert '<html lang="cy">' in html
    for part in (plain, html_text.unescape(html)):
        for text in welsh:
            assert text in part, text
        for english in ENGLISH_FRAME:
            assert english not in part, english
    return plain, html


# --- a reminder (and its inbox copy) -------------------------------------------------------------


def test_d7_a_welsh_reminder_has_a_welsh_subject_body_and_inbox_copy(hmi_a):
    welsh = person("cymro", "cy", first_name="Dafydd")
    register(
        welsh, due=dt.datetime(2027, 3, 30, 9, 30, tzinfo=LONDON), created=MONDAY - dt.timedelta(hours=12)
    )
    sweep(now=MONDAY + dt.timedelta(hours=1))  # 08:00: the reminder a day ahead
    (email,) = to(welsh)
    assert email.subject == "Send the written follow-up: i'w gyflwyno ymhen 1 diwrnod"
    plain, html = assert_welsh(
        email,
        "Annwyl Dafydd,",
        "Dyddiad cau: 30 Mawrth 2027, 09:30 BST",
        "Sut y cafodd hyn ei gyfrifo:",
        "ym mhorth memorandwm cyd-ddealltwriaeth HMICFRS–APCC",
    )
    assert "Send the written follow-up: i'w gyflwyno ymhen 1 diwrnod." in plain
    assert "<strong>Send the written follow-up</strong>: i&#x27;w gyflwyno ymhen 1 diwrnod." in html
    assert "Agor yn y porth" in html
    # The working is the service's English, left as written.
    assert "meeting on Monday 22 March 2027 and five working days" in plain
    assert "Porth memorandwm cyd-ddealltwriaeth, nodiadau atgoffa:" in str(parsed(email)["List-Id"])
    inbox = InboxMessage.objects.get(user=welsh)
    assert (inbox.subject, inbox.body) == (email.subject, email.body)


def test_d7_a_late_welsh_reminder_says_so_in_welsh_in_its_subject(hmi_a):
    welsh = person("cymraes", "cy", first_name="Gwen")
    register(
        welsh, due=dt.datetime(2027, 3, 30, 9, 30, tzinfo=LONDON), created=MONDAY - dt.timedelta(hours=12)
    )
    sweep(now=MONDAY + dt.timedelta(hours=3))  # two hours after 08:00: late
    (email,) = to(welsh)
    assert email.subject == "[Hwyr] Send the written follow-up: i'w gyflwyno ymhen 1 diwrnod"
    assert InboxMessage.objects.get(user=welsh).subject == email.subject


@pytest.mark.parametrize("language", [None, "", "en-gb"])
def test_d7_a_reminder_is_english_without_a_welsh_choice(language):
    english = person("saesnes", language, first_name="Alice")
    register(
        english, due=dt.datetime(2027, 3, 30, 9, 30, tzinfo=LONDON), created=MONDAY - dt.timedelta(hours=12)
    )
    sweep(now=MONDAY + dt.timedelta(hours=1))
    (email,) = to(english)
    assert email.subject == "Send the written follow-up is due in 1 day"
    plain, html = parts(parsed(email))
    assert '<html lang="en-GB">' in html
    for part in (plain, html):
        assert "Dear Alice," in part
        assert "Due: 30 March 2027, 09:30 BST" in part
        assert "Annwyl" not in part
    assert InboxMessage.objects.get(user=english).subject == email.subject


def test_d7_one_sweep_writes_each_recipient_in_their_own_language_and_reads_preferences_once():
    """Several people on one deadline, Welsh and English: each email in its own language. The
    preferences come with the claimed reminders: as many queries read them for six people as for
    one (never a query a reminder)."""

    def run(people: list[User], key: str) -> int:
        register_for(people, key=key)
        with CaptureQueriesContext(connection) as queries:
            sweep(now=MONDAY + dt.timedelta(hours=1))
        return sum(1 for query in queries.captured_queries if "preferences" in query["sql"])

    def register_for(people: list[User], key: str) -> None:
        deadline_register(
            kind="cadence_c3",
            subject_type="tests.subject",
            subject_id=key,
            key=key,
            title="Send the written follow-up",
            due=Computed(dt.datetime(2027, 3, 30, 9, 30, tzinfo=LONDON), "by hand"),
            subject_created_at=MONDAY - dt.timedelta(hours=12),
            responsible=people,
            url="/deadlines/",
            now=MONDAY - dt.timedelta(hours=12),
        )

    alone = run([person("un", "cy")], "lang:1")
    several = [person(f"p{n}", "cy" if n % 2 else "en-gb") for n in range(6)]
    assert run(several, "lang:6") == alone
    for user in several:
        (email,) = to(user)
        welsh = user.preferences.language == "cy"
        assert email.subject.endswith("i'w gyflwyno ymhen 1 diwrnod" if welsh else "is due in 1 day")


# --- a notice --------------------------------------------------------------------------------------


def test_a_notice_to_a_welsh_person_has_the_portals_words_in_welsh_and_its_own_text_as_written():
    welsh = person("cymraes", "cy", first_name="Siân")
    inbox_send([welsh], "Embargoed copy available", "Read it before Tuesday.", "/inspections/1/", MONDAY)
    outbox_send(MONDAY)
    (email,) = to(welsh)
    # The notice's subject and text are the sending service's, in English: data, as in the inbox.
    assert email.subject == "Embargoed copy available"
    assert_welsh(
        email,
        "Annwyl Siân,",
        "Read it before Tuesday.",
        "Mae hefyd ym mewnflwch eich porth.",
        "/inspections/1/",
    )
    assert "Porth memorandwm cyd-ddealltwriaeth: hysbysiadau" in str(parsed(email)["List-Id"])


def test_a_notice_to_a_person_who_never_chose_is_english():
    english = person("neb", None)
    inbox_send([english], "Embargoed copy available", "Read it before Tuesday.", "/inspections/1/", MONDAY)
    outbox_send(MONDAY)
    (email,) = to(english)
    plain, html = parts(parsed(email))
    assert '<html lang="en-GB">' in html
    assert "Open it in the portal: " in plain
    assert "You get this because you are named on this record" in html


# --- the morning email -----------------------------------------------------------------------------


def test_the_morning_email_to_a_welsh_person_is_welsh_with_its_early_reminder_in_welsh():
    welsh = person("bore", "cy", digest=True, first_name="Elin")
    inbox_send([welsh], "First notice", "Before eight.", "/inspections/1/", MONDAY - dt.timedelta(hours=10))
    register(
        welsh,
        due=end_of_day(dt.date(2027, 3, 31)),
        key="mail:early",
        created=dt.datetime(2027, 3, 20, 9, tzinfo=LONDON),
    )
    sweep(now=dt.datetime(2027, 3, 24, 8, 1, tzinfo=LONDON))  # the 7-day reminder joins the morning email
    assert outbox_send(MONDAY + dt.timedelta(hours=1))["morning_emails"] == 1
    (email,) = to(welsh)
    assert email.subject == "Porth memorandwm cyd-ddealltwriaeth: 2 ddiweddariad ar gyfer 29 Mawrth 2027"
    assert_welsh(
        email,
        "Annwyl Elin,",
        "Eich diweddariadau o borth memorandwm cyd-ddealltwriaeth HMICFRS–APCC ar gyfer 29 Mawrth 2027:",
        "First notice",
        "Send the written follow-up: i'w gyflwyno ymhen 7 diwrnod",
        "Eich mewnflwch",
        "Gallwch newid hyn",
    )


def test_the_morning_email_to_an_english_person_is_english():
    english = person("morning", "", digest=True)
    inbox_send([english], "First notice", "Before eight.", "/inspections/1/", MONDAY - dt.timedelta(hours=10))
    outbox_send(MONDAY + dt.timedelta(hours=1))
    (email,) = to(english)
    assert email.subject == "MOU portal: 1 update for 29 March 2027"
    plain, html = parts(parsed(email))
    assert '<html lang="en-GB">' in html
    assert "Your updates from the HMICFRS–APCC MOU portal for 29 March 2027:" in plain


# --- a morning's escalations -----------------------------------------------------------------------


def escalate(count: int, owner: User, boss: User) -> None:
    for i in range(count):
        deadline_register(
            kind="welsh_kind",
            subject_type="tests.meeting",
            subject_id=i,
            key=f"welsh-meeting:{i}",
            title=f"Quarterly meeting {i}",
            due=Computed(DUE, "D7: by hand"),
            subject_created_at=CREATED,
            responsible=[owner],
            escalation=[boss],
            url=f"/meetings/{i}/",
            now=CREATED,
        )


@pytest.mark.parametrize(
    ("count", "subject", "lead"),
    [
        (
            1,
            "Quarterly meeting 0: yn hwyr ac wedi'i uwchgyfeirio atoch chi",
            "Mae dyddiad cau yn hwyr ac wedi'i uwchgyfeirio atoch chi (8 Gorffennaf 2026):",
        ),
        (
            2,
            "2 ddyddiad cau hwyr wedi'u huwchgyfeirio atoch chi",
            "Mae 2 ddyddiad cau yn hwyr ac wedi'u huwchgyfeirio atoch chi (8 Gorffennaf 2026):",
        ),
        (
            3,
            "3 dyddiad cau hwyr wedi'u huwchgyfeirio atoch chi",
            "Mae 3 dyddiad cau yn hwyr ac wedi'u huwchgyfeirio atoch chi (8 Gorffennaf 2026):",
        ),
    ],
)
def test_d7_a_welsh_persons_escalations_are_welsh_with_welsh_numbers(count, subject, lead):
    owner, boss = person("owner", None), person("pennaeth", "cy")
    escalate(count, owner, boss)
    sweep(now=DUE + dt.timedelta(days=7))  # the owner's own reminders, in English
    assert all("Annwyl" not in message.body for message in to(owner))
    sweep(now=FIRST_MORNING)
    (email,) = to(boss)
    assert email.subject == subject
    assert_welsh(
        email, lead, "Dyddiad cau: Erbyn diwedd 30 Mehefin 2026", "Eich dyddiadau cau", "Quarterly meeting 0"
    )
    inbox = InboxMessage.objects.get(user=boss, kind="escalations")
    assert (inbox.subject, inbox.body) == (email.subject, email.body)


def test_d7_an_english_persons_escalations_stay_english():
    owner, boss = person("owner", "cy"), person("boss", None)
    escalate(2, owner, boss)
    sweep(now=FIRST_MORNING)
    (email,) = to(boss)
    assert email.subject == "2 overdue deadlines have been escalated to you"
    plain, html = parts(parsed(email))
    assert '<html lang="en-GB">' in html
    assert "Due: By the end of 30 June 2026" in plain
    # The owner, who chose Welsh, had their overdue reminders in Welsh from the same sweep.
    assert any(message.subject.endswith(": yn hwyr") for message in to(owner))


# --- the caller's language is left as it was --------------------------------------------------------


@pytest.mark.parametrize(("active", "other"), [("en-gb", "cy"), ("cy", "en-gb")])
def test_building_an_email_in_another_language_does_not_leak_into_the_request(active, other):
    """A request (or task) in one language builds an email for a person who chose the other: the
    email is in the person's language, and the request's language is restored after, for its page
    and for the next email."""
    register(
        person("other", other),
        due=dt.datetime(2027, 3, 30, 9, 30, tzinfo=LONDON),
        key="leak:1",
        created=MONDAY - dt.timedelta(hours=12),
    )
    register(
        person("same", active),
        due=dt.datetime(2027, 3, 30, 9, 30, tzinfo=LONDON),
        key="leak:2",
        created=MONDAY - dt.timedelta(hours=12),
    )
    sweep(now=MONDAY + dt.timedelta(hours=1))  # plans and sends; rebuilt below, as a request would
    other_reminder = Reminder.objects.select_related("deadline", "recipient").get(recipient__username="other")
    same_reminder = Reminder.objects.select_related("deadline", "recipient").get(recipient__username="same")
    translation.activate(active)
    try:
        first = reminder_email(other_reminder)
        assert translation.get_language() == active
        second = reminder_email(same_reminder)
        assert translation.get_language() == active
        assert translation.gettext("Summary") == ("Crynodeb" if active == "cy" else "Summary")
    finally:
        translation.deactivate()
    welsh, english = (first, second) if other == "cy" else (second, first)
    assert welsh.subject.endswith("i'w gyflwyno ymhen 1 diwrnod")
    assert english.subject.endswith("is due in 1 day")


def test_the_recipients_language_is_their_own_choice_else_english():
    assert recipient_language(person("a", "cy")) == "cy"
    assert recipient_language(person("b", "en-gb")) == "en-gb"
    assert recipient_language(person("c", "")) == "en-gb"
    assert recipient_language(person("d", None)) == "en-gb"
    # A notice built for a Welsh person inside an English override comes out Welsh all the same.
    welsh = person("e", "cy")
    inbox_send([welsh], "A notice", "Its text.", "/inbox/", MONDAY)
    message = InboxMessage.objects.select_related("user__preferences").get(user=welsh)
    with translation.override("en-gb"):
        email = notice_email(message)
        assert translation.get_language() == "en-gb"
    assert re.search(r"^Annwyl e,$", email.body, re.M)
