"""Rule ids (C1, U3, M9, D6 ...) are for the code and its tests, never for the people who use the portal.

DESIGN.md numbers its rules so that each can be traced to its tests, but a page, a label, an error
message, an email, a calendar event, a CSV cell or a PDF says what the rule means in plain words
("at least 48 hours before publication"), never its id. Each test below renders one kind of
user-facing text and fails on anything that looks like a rule id, listing every leak it found:

- the pages the persona crawl visits (tests/contacts/test_access.py), for each of its personas;
- every kind of page, CSV, calendar feed and PDF the demo logins reach by following links from their home
  page (up to three of each kind);
- every choice label, verbose name and help text of every model field of the portal's apps;
- the label of every registered deadline kind, and the titles and workings of the deadlines made;
- the reminders, notices and morning emails sent, and the calendar feed's events.

Statute citations are written in words ("section 55(4) of the Police Act 1996"), so they never match.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import Counter
from collections.abc import Callable, Iterable
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
import time_machine
from django.apps import apps
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.contacts import test_access
from tests.pages import kind_of

pytestmark = pytest.mark.django_db

# The letters DESIGN.md's rule ids start with: contact (C), deadlines (D), inspections (I), leadership (L),
# monitoring (M), preparing (P), super-complaints (S) and publishing (U); one or two digits follow.
# A finding's own reference ("R00001-C1": cause of concern 1 of report 1) is an identifier, not a rule id.
RULE_ID = re.compile(r"(?<!R\d{5}-)\b[CDILMPSU]\d{1,2}\b")
APPS = ("contacts", "hmicfrs_mou", "inspections", "monitoring", "responses")

# The persona crawl's own list of pages, personas and records (reused, not copied).
VIEW_MATRIX = test_access.VIEW_MATRIX
RECORD_MATRIX = test_access.RECORD_MATRIX
PERSONAS = test_access.PERSONAS
people = test_access.people
meeting_a = test_access.meeting_a
confidential_meeting_a = test_access.confidential_meeting_a
national_meeting = test_access.national_meeting


# --- Text a person sees -----------------------------------------------------------------------------------


class _VisibleText(HTMLParser):
    """The text of a page as a person reads or hears it: no tags, scripts, styles or attributes, except
    the attributes a browser or screen reader shows or reads out (alt, title, aria-label, placeholder)."""

    SKIP = {"script", "style", "template"}
    SPOKEN = {"alt", "title", "aria-label", "placeholder"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skipping += 1
        self.parts.extend(value for name, value in attrs if name in self.SPOKEN and value)
        # A button's label is its value.
        if tag == "input" and dict(attrs).get("type") in {"submit", "button"}:
            self.parts.append(dict(attrs).get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def leaks_in(where: str, text: str) -> list[str]:
    """Each rule id in `text`, with a little context, labelled with where it was found."""
    found = []
    for match in RULE_ID.finditer(text):
        start, end = max(match.start() - 50, 0), min(match.end() + 30, len(text))
        found.append(f"{where}: {match.group()} in …{text[start:end].strip()}…")
    return found


def response_text(response) -> str:
    """What a person gets from a response: a page's visible text, a CSV's cells, a feed's events, a PDF's text."""
    kind = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "pdf" in kind:
        from pypdf import PdfReader

        return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
    text = body.decode("utf-8-sig", errors="replace")
    if "html" in kind:
        # The admin's password summary shows the start of a random salt and hash ("salt: S1*****"): not
        # words anyone reads, and a random "S1" there would fail this check by chance.
        return re.sub(r"\b(salt|hash) : \S+", "", visible_text(text))
    if "calendar" in kind:
        # Only the words people read: the summaries, descriptions and locations (not UIDs or URLs).
        text = re.sub(r"\r\n[ \t]", "", text)
        return " ".join(
            line.split(":", 1)[1]
            for line in text.splitlines()
            if line.split(";", 1)[0].split(":", 1)[0]
            in {"SUMMARY", "DESCRIPTION", "LOCATION", "X-WR-CALNAME"}
        )
    return text


def fail_on(leaks: list[str]) -> None:
    if leaks:
        unique = list(dict.fromkeys(leaks))
        pytest.fail(f"{len(unique)} rule id(s) reach people:\n" + "\n".join(unique))


# --- (a) The pages of the persona crawl ---------------------------------------------------------------------


def test_pages_of_the_persona_crawl_show_no_rule_codes(request, people, client_for):
    """Plain words: every page the persona crawl visits (test_every_view_answers_each_persona) and every
    meeting record it opens, for each of its personas, shows no rule id in its visible text."""
    leaks: list[str] = []
    urls = [url for url, _ in VIEW_MATRIX]
    for record, _ in RECORD_MATRIX:
        urls.append(reverse("contacts:meeting", kwargs={"pk": request.getfixturevalue(record).pk}))
    for persona in PERSONAS:
        client = client_for(people[persona])
        for url in urls:
            response = client.get(url)
            leaks += leaks_in(f"{persona} {url}", response_text(response))
    fail_on(leaks)


# --- (a) Every page the demo logins reach ---------------------------------------------------------------------


@pytest.fixture
def demo(settings, tmp_path) -> list:
    """The directory and the demo's records and logins (as `tests/browser` loads them)."""
    from hmicfrs_mou.demo import load_demo
    from tests.conftest import load_directory

    settings.DEMO_LOGINS_FILE = tmp_path / "logins.json"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from contacts.models import User

    load_directory()
    names = [login.username for login, _ in load_demo()]
    return list(User.objects.filter(username__in=names).order_by("username"))


# Links not to follow: they sign out, change something on GET, or only page through or re-sort a list.
NOT_FOLLOWED = re.compile(r"/(accounts/)?(logout|sign-?out)|/static/|/media/|[?&](page|sort|o)=")
PAGES_PER_LOGIN = 250
# Rule ids come from templates, labels and the workings of rules, so each kind of page (its URL pattern and
# the names of its query parameters) is read for a few of its records, not for all ninety meetings.
VISITS_PER_KIND = 3


def _links(html: str) -> Iterable[str]:
    yield from re.findall(r'<a\s[^>]*href="([^"#]+)', html)


def crawl(client: Client, start: str, read: Callable[[Any], str] = response_text) -> dict[str, str]:
    """The pages reachable from `start` by following links on the site, up to VISITS_PER_KIND of each kind:
    {url: what `read` takes from each (by default what a person gets)}."""
    seen: dict[str, str] = {}
    kinds: Counter[str] = Counter()
    queue = [start]
    while queue and len(seen) < PAGES_PER_LOGIN:
        url = queue.pop(0)
        if url in seen:
            continue
        kind = kind_of(url)
        if kinds[kind] >= VISITS_PER_KIND:
            continue
        kinds[kind] += 1
        response = client.get(url)
        if response.status_code in (301, 302) and not urlsplit(response["Location"]).netloc:
            queue.insert(0, urljoin(url, response["Location"]))
        if response.status_code != 200:
            seen[url] = ""
            continue
        seen[url] = read(response)
        if "html" in response.get("Content-Type", ""):
            for href in _links(response.content.decode()):
                target = urljoin(url, href.replace("&amp;", "&"))
                parts = urlsplit(target)
                if parts.netloc or parts.scheme or NOT_FOLLOWED.search(target):
                    continue
                path = parts.path + (f"?{parts.query}" if parts.query else "")
                if path not in seen and path not in queue:
                    queue.append(path)
    return seen


@pytest.mark.slow
def test_pages_the_demo_logins_reach_show_no_rule_codes(demo, client_for):
    """Plain words: every page, CSV, calendar feed and PDF that each demo login (and a visitor who is not
    signed in) reaches from their home page shows no rule id."""
    leaks: list[str] = []
    # The demo's moment: its reports are scheduled and published around late 2026.
    with time_machine.travel(dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC), tick=False):
        for login in [*demo, None]:
            client = client_for(login)
            start = "/public/" if login is None else "/"
            pages = crawl(client, start)
            assert len(pages) > 3, f"{login}: the crawl reached only {list(pages)}"
            for url, text in pages.items():
                leaks += leaks_in(f"{getattr(login, 'username', 'visitor')} {url}", text)
    fail_on(leaks)


# --- (b) Model choice labels, verbose names and help text -----------------------------------------------------


def test_model_choice_labels_and_field_words_show_no_rule_codes():
    """Plain words: every choice label, verbose name and help text of every model field of the portal's
    apps (shown on pages, in forms, in the admin and in exports) carries no rule id."""
    leaks: list[str] = []
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            where = model._meta.label
            leaks += leaks_in(where, str(model._meta.verbose_name))
            leaks += leaks_in(where, str(model._meta.verbose_name_plural))
            for field in model._meta.get_fields():
                if not hasattr(field, "verbose_name"):
                    continue
                leaks += leaks_in(f"{where}.{field.name}", str(field.verbose_name))
                leaks += leaks_in(f"{where}.{field.name}", str(getattr(field, "help_text", "")))
                for value, text in getattr(field, "flatchoices", None) or []:
                    leaks += leaks_in(f"{where}.{field.name}={value!r}", str(text))
    fail_on(leaks)


# --- (c) Deadlines: kinds, titles, workings, reminders, emails and feeds -------------------------------------


def test_deadline_kinds_and_workings_show_no_rule_codes():
    """Plain words: the label of every registered deadline kind, and the working each deadline rule
    explains itself with (shown beside every deadline, in feeds and in emails), carry no rule id."""
    from contacts.cadences import cadence_rows_for_all
    from hmicfrs_mou import deadlines as d
    from hmicfrs_mou.reminders import KINDS
    from inspections.deadlines import distribution_due, pcc_update_due
    from inspections.models import Report, ReportKind

    leaks: list[str] = []
    for code, kind in KINDS.items():
        leaks += leaks_in(f"kind {code}", kind.label)
    publication = dt.datetime(2026, 10, 26, 10, tzinfo=dt.UTC)
    day = dt.date(2026, 4, 1)  # Easter falls in the working days after it
    workings = {
        "diary note": d.explain_diary_note(publication),
        "PCC response": d.explain_response_deadline(day),
        "follow-up of an offer of assistance": d.explain_followup_deadline(day),
        "next PPOG/FPOG": d.explain_oversight_next_due(day),
        "panel representations": d.explain_panel_representations_deadline(day, day + dt.timedelta(days=30)),
        "PCC update": pcc_update_due(publication),
    }
    for report_kind in ReportKind:
        report = Report(kind=report_kind, publication_at=publication)
        workings[f"embargoed copy ({report_kind.label})"] = distribution_due(report)
    for row in cadence_rows_for_all(on=day):
        workings[f"standing meeting {row.label}"] = row.due
    for where, computed in workings.items():
        leaks += leaks_in(where, computed.working)
    fail_on(leaks)


def test_deadlines_reminders_emails_and_feeds_show_no_rule_codes(demo):
    """Plain words: the title and working of every deadline the demo makes, each reminder, notice and
    morning email sent for them, and each calendar feed event, carry no rule id."""
    from hmicfrs_mou.calendar_feed import deadline_events
    from hmicfrs_mou.models import Deadline, InboxMessage
    from hmicfrs_mou.outbox import outbox_send
    from hmicfrs_mou.reminders import sweep

    leaks: list[str] = []
    assert Deadline.objects.exists()
    for deadline in Deadline.objects.all():
        leaks += leaks_in(f"deadline {deadline.kind} title", deadline.title)
        leaks += leaks_in(f"deadline {deadline.kind} working", deadline.working)
    now = max(Deadline.objects.values_list("due_at", flat=True)) + dt.timedelta(days=8)
    sweep(now=now)
    outbox_send(now=now)
    for message in InboxMessage.objects.all():
        leaks += leaks_in(f"inbox {message.kind} subject", message.subject)
        leaks += leaks_in(f"inbox {message.kind} body", message.body)
    for email in mail.outbox:
        leaks += leaks_in("email subject", email.subject)
        leaks += leaks_in("email body", email.body)
        for content, _ in getattr(email, "alternatives", []):
            leaks += leaks_in("email html", visible_text(str(content)))
    for login in demo:
        for event in deadline_events(login, now):
            leaks += leaks_in(f"feed of {login.username}", f"{event.summary} {event.description}")
    fail_on(leaks)
