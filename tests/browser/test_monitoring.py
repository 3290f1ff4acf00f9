"""Scan and Engage in a real browser, one person at a time signing in through the login page.

1. The Engage journey (M4–M7, M9, D6): the HMI for force A advises HM Chief Inspector with a cause of
   concern; HMCI decides Engage with reasons; the HMI tries the announcement first and is refused
   because the PCC has not been told in person (M6), records telling the PCC, then announces; a
   visitor's public "Police forces in Engage" page lists the force with its cause (M5); HMICFRS
   schedules the PPOG; the APCC's joint performance portfolio lead records it held, with themselves
   there (M7), and an offer of assistance; the D6 reminder reaches the lead's inbox; the lead sends
   the follow-up, refused until the copy to HM Chief Inspector is ticked (M9); the action shows it
   followed up on time and copied, and HMCI's inbox has the copy.
2. Every monitoring page, as each demo persona who may open it, at 1280 and 390 pixels wide (and the
   main forms again with every error showing): one h1 and headings in order, every control
   labelled, every button and link with text, every table with a caption, no rule ids in the text
   or the title, every time of day with its zone, and nothing wider than a phone's screen outside a
   scrolling table box.

The journey runs on a timeline a week or more ahead of today, moved through with
`time_machine.travel(..., tick=True)` (the live server thread shares the clock; the session cookies
the browser gets then expire later than its own clock, never before). Each jump is followed by a
fresh sign-in. The reminder sweep runs at its own moment, as the worker would.

Screenshots go to test-artifacts/monitoring/ (the journey) and test-artifacts/monitoring/walk/ (every page),
git-ignored, for a person to look at. The other browser tests do not run axe-core, so neither does this.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from contacts.models import AssignmentKind, Organisation, OrganisationKind, Role, User
from hmicfrs_mou.deadlines import LONDON, explain_followup_deadline
from hmicfrs_mou.models import Deadline, InboxMessage
from hmicfrs_mou.reminders import KINDS, steps_for, sweep
from monitoring.deadlines import FOLLOW_UP_KIND
from monitoring.models import EngageCase, FollowUp, MeetingAction, OversightMeeting
from tests.browser.conftest import REPO_ROOT, sign_in
from tests.conftest import load_directory, make_person, office_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = REPO_ROOT / "test-artifacts" / "monitoring"
PASSWORD = "correct-horse-battery-staple"

ADVICE = (
    "Crime recording has not improved since the PEEL inspection raised it as a cause of concern. "
    "I advise that the constabulary moves into Engage."
)
EVIDENCE = "Crime data integrity audit: 84% of reported crimes recorded; no improvement in a year."
CAUSE = "The constabulary does not record crime accurately enough."
REASONS = "The evidence shows no progress against the cause of concern; the risk to victims persists."
ANNOUNCEMENT = (
    "HM Chief Inspector has placed Avon and Somerset Constabulary in enhanced monitoring (Engage) "
    "because of concerns about crime recording."
)
PCC_TOLD = "Clare Moody, Police and Crime Commissioner"
OFFER = "The APCC offers a peer review of the PCC's scrutiny of crime recording by another OPCC."
FOLLOW_UP = (
    "Dear Commissioner, following the PPOG the APCC confirms its offer of a peer review of your "
    "scrutiny of crime recording. We will contact your office to arrange it."
)

# A rule id of DESIGN.md (M3, D6, U3, I1, C2 …) as a word of its own: never in a page's text. A finding's
# reference ends in one ("R00005-C1"), so a hyphen before it is allowed.
RULE_ID = re.compile(r"(?<![-\w])[MDUIC]\d{1,2}\b")
# A time of day not followed by its zone.
BARE_TIME = re.compile(r"\b\d{1,2}:\d{2}\b(?!\s*(?:GMT|BST))")


# --- Helpers -----------------------------------------------------------------------------------------


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


def long_day(day: dt.date) -> str:
    """'16 December 2026', as the monitoring pages print a date."""
    return f"{day.day} {day:%B %Y}"


def weekday_words(day: dt.date) -> str:
    """'Wednesday 16 December 2026'."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def shot(page: Page, name: str) -> Path:
    """A full-page screenshot at test-artifacts/monitoring/<name>.png (a "/" in the name is a folder)."""
    path = ARTIFACTS / f"{re.sub(r'[^A-Za-z0-9_./-]+', '-', name)}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


def switch_user(page: Page, live_server: Any, username: str) -> None:
    page.context.clear_cookies()
    sign_in(page, live_server, username, PASSWORD)


def success(page: Page) -> Any:
    return page.locator(".govuk-notification-banner--success")


# Run in the page: what a person (or a screen reader) would trip over. Returns a list of problems.
PAGE_CHECKS = """
() => {
  const problems = [];
  const width = window.innerWidth;
  const main = document.querySelector('main');
  if (!main) return ['no <main>'];
  const h1s = document.querySelectorAll('h1');
  if (h1s.length !== 1) problems.push(`${h1s.length} h1 headings`);
  const visible = (el) => {
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') return false;
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0;
  };
  // Sideways overflow: anything in <main> past the right edge, unless inside a scrolling container.
  const scrolls = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll') return true;
    }
    return false;
  };
  if (document.documentElement.scrollWidth > width + 1) {
    problems.push(`the page scrolls sideways (${document.documentElement.scrollWidth}px wide at ${width}px)`);
  }
  const wide = new Set();
  for (const el of main.querySelectorAll('*')) {
    if (!visible(el) || scrolls(el)) continue;
    const box = el.getBoundingClientRect();
    if (box.right > width + 1) {
      const name = el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
      wide.add(name);
    }
  }
  if (wide.size) problems.push('wider than the screen: ' + [...wide].slice(0, 4).join(', '));
  // Headings go down one level at a time (h1, then h2, then h3).
  let level = 1;  // the error summary and the success banner (h2) come before the h1, as GOV.UK places them
  for (const h of main.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
    const next = Number(h.tagName[1]);
    if (next > level + 1) problems.push(`heading ${h.tagName.toLowerCase()} "${h.textContent.trim().slice(0, 40)}" after h${level}`);
    level = next;
  }
  // Every control has a label.
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (el.type === 'hidden') continue;
    const named = (el.labels && el.labels.length) || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
    if (!named) problems.push(`unlabelled ${el.tagName.toLowerCase()}#${el.id || el.name}`);
  }
  // Every button and link has a name.
  for (const el of document.querySelectorAll('button, a, [role=button]')) {
    if (!visible(el)) continue;
    const text = (el.innerText || '').trim() || el.getAttribute('aria-label') || '';
    if (!text) problems.push(`${el.tagName.toLowerCase()} without text: ${el.outerHTML.slice(0, 80)}`);
  }
  // Every table has a caption or a name, and header cells.
  for (const table of main.querySelectorAll('table')) {
    if (!table.querySelector('caption') && !table.getAttribute('aria-label')) problems.push('a table without a caption');
    if (!table.querySelector('th')) problems.push('a table without header cells');
  }
  return problems;
}
"""


# The text of <main> (hidden text too) without its hints ("for example 09:30" is not a moment).
MAIN_TEXT = """
() => {
  const main = document.querySelector('main').cloneNode(true);
  main.querySelectorAll('.govuk-hint, script, style').forEach((el) => el.remove());
  main.querySelectorAll('br').forEach((el) => el.replaceWith(' '));
  return main.textContent.replace(/\\s+/g, ' ');
}
"""


def page_problems(page: Page) -> list[str]:
    """Layout and labelling problems (PAGE_CHECKS), rule ids and times of day without their zone."""
    problems = list(page.evaluate(PAGE_CHECKS))
    text = page.evaluate(MAIN_TEXT)
    problems += [f"rule id in the text: {m}" for m in sorted(set(RULE_ID.findall(text)))]
    problems += [f"rule id in the title: {m}" for m in sorted(set(RULE_ID.findall(page.title())))]
    problems += [f"a time without its zone: {m}" for m in sorted(set(BARE_TIME.findall(text)))]
    return problems


def check(page: Page, name: str) -> None:
    """Screenshot the page and assert a person would find nothing wrong with it."""
    shot(page, name)
    problems = page_problems(page)
    assert not problems, f"{name} ({page.url}): {problems}"


# --- Fixtures ----------------------------------------------------------------------------------------


def _name(user: User, first: str, last: str) -> User:
    User.objects.filter(pk=user.pk).update(first_name=first, last_name=last)
    user.refresh_from_db()
    return user


@pytest.fixture
def people(settings: Any) -> dict[str, Any]:
    """The directory and the people of the journey, around force A (Avon and Somerset Constabulary).

    A fast hasher keeps the sign-ins quick; the live server thread reads the same settings object.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_directory()
    force_a = Organisation.objects.get(kind=OrganisationKind.POLICE_FORCE, slug="avon-and-somerset")
    hmicfrs = Organisation.objects.get(kind=OrganisationKind.HMICFRS, slug="hmicfrs")
    apcc = Organisation.objects.get(kind=OrganisationKind.APCC, slug="apcc")
    return {
        "force_a": force_a,
        "office_a": office_of(force_a),
        "apcc": apcc,
        "hmi": _name(
            make_person("hmi_a", hmicfrs, Role.HMI, **{AssignmentKind.HMI: [force_a]}), "Imran", "Shah"
        ),
        "hmci": _name(make_person("hmci", hmicfrs, Role.HMCI), "Harriet", "Moss"),
        "apcc_lead": _name(make_person("apcc_lead", apcc, Role.APCC_JOINT_PERFORMANCE_LEAD), "Amira", "Bell"),
        "pcc_office": _name(
            make_person("pcc_office_a", office_of(force_a), Role.OPCC_STAFF), "Olivia", "Carter"
        ),
    }


def journey_start() -> dt.date:
    """A Monday at least a week ahead: every moment of the journey is later than the browser's clock."""
    day = timezone.localdate() + dt.timedelta(days=7)
    while day.weekday() != 0:
        day += dt.timedelta(days=1)
    return day


# --- 1. The Engage journey ----------------------------------------------------------------------------


@pytest.mark.slow
def test_engage_journey_from_the_hmis_advice_to_the_follow_up_copied_to_hmci(
    page: Page, browser: Browser, live_server: Any, people: dict[str, Any]
) -> None:
    base = live_server.url
    force_a: Organisation = people["force_a"]
    hmi, hmci, lead = people["hmi"], people["hmci"], people["apcc_lead"]
    monday = journey_start()
    meeting_day = monday + dt.timedelta(days=9)  # the Wednesday of the week after

    # Monday 10:00. The HMI for force A advises HM Chief Inspector, from the area's monitoring page.
    with time_machine.travel(at(monday, 10), tick=True):
        switch_user(page, live_server, "hmi_a")
        page.get_by_role("link", name="Monitoring", exact=True).click()
        expect(page.locator("main h1")).to_have_text("Scan and Engage")
        row = page.locator("main tbody tr").filter(has=page.get_by_role("link", name=force_a.name))
        expect(row).to_contain_text("Your area")
        expect(row).to_contain_text("Scan")
        check(page, "01-hmi-workspace")
        row.get_by_role("link", name=force_a.name).click()
        expect(page.locator("main h1")).to_have_text(force_a.name)
        check(page, "02-hmi-area-in-scan")
        page.get_by_role("button", name="Advise HM Chief Inspector on Engage").click()
        expect(page.locator("main h1")).to_have_text("Advise HM Chief Inspector on Engage")
        page.get_by_label("Your advice to HM Chief Inspector").fill(ADVICE)
        page.get_by_label("The evidence").fill(EVIDENCE)
        page.locator("#id_cause_1").fill(CAUSE)
        check(page, "03-hmi-advice-form")
        page.get_by_role("button", name="Send your advice").click()
        expect(success(page)).to_contain_text("Your advice has been sent to HM Chief Inspector.")
        case = EngageCase.objects.get(area=force_a)
        assert case.advised_by == hmi
        case_url = f"{base}/monitoring/cases/{case.pk}/"
        expect(page).to_have_url(case_url)
        expect(page.locator("main h1")).to_have_text(f"Engage case: {force_a.name}")
        expect(page.locator("#advice ~ dl").first).to_contain_text(ADVICE)
        expect(page.locator("#causes + ol")).to_contain_text(CAUSE)
        check(page, "04-hmi-case-advised")

    # Monday 14:00. HMCI finds the advice in the inbox and decides: Engage, with reasons.
    with time_machine.travel(at(monday, 14), tick=True):
        switch_user(page, live_server, "hmci")
        page.get_by_role("link", name=re.compile(r"^Inbox")).click()
        page.get_by_role("link", name=f"Engage decision needed: {force_a.name}", exact=True).click()
        page.get_by_role("link", name="Go to it").click()
        expect(page).to_have_url(case_url)
        page.get_by_role("button", name="Decide on Engage").click()
        expect(page.locator("main h1")).to_have_text(f"Decide whether {force_a.name} goes into Engage")
        page.get_by_label("Place it in Engage", exact=True).check()
        page.get_by_label("Reasons for the decision").fill(REASONS)
        check(page, "05-hmci-decide-form")
        page.get_by_role("button", name="Record the decision").click()
        expect(success(page)).to_contain_text("Your decision has been recorded and sent to the HMI.")
        expect(page.locator("#decision + dl")).to_contain_text(REASONS)
        announce_step = page.locator(".govuk-task-list__item", has_text="Announce the decision publicly")
        expect(announce_step).to_contain_text("Cannot start yet: the PCC must be told in person first.")
        check(page, "06-hmci-case-decided")
        case.refresh_from_db()
        assert case.decision_engage is True
        assert case.decided_by == hmci

    # Tuesday 09:00. The HMI tries to announce first: refused, nothing announced.
    tuesday = monday + dt.timedelta(days=1)
    with time_machine.travel(at(tuesday, 9), tick=True):
        switch_user(page, live_server, "hmi_a")
        page.goto(case_url)
        expect(page.get_by_role("button", name="Announce the decision")).to_have_count(0)
        page.goto(f"{case_url}announce/")
        expect(page.locator("main h1")).to_have_text("Announce the decision")
        expect(page.locator("main .govuk-warning-text")).to_contain_text(
            "Cannot start yet: the PCC must be told in person first."
        )
        page.get_by_label("Public statement").fill(ANNOUNCEMENT)
        page.get_by_role("button", name="Announce the decision").click()
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_contain_text("There is a problem")
        expect(summary).to_contain_text(
            "The PCC must be told personally before the decision is announced: record that they were told first."
        )
        expect(page).to_have_title(re.compile(r"^Error: Announce the decision"))
        check(page, "07-hmi-announce-refused-pcc-not-told")
        case.refresh_from_db()
        assert case.announced_at is None
        assert case.announcement == ""

        # The HMI records telling the PCC in person at 08:30 that morning.
        page.get_by_role("link", name="Back to the case").click()
        page.get_by_role("button", name="Record that you told the PCC").click()
        expect(page.locator("main h1")).to_have_text("Record that you told the PCC")
        page.get_by_label("Name of the person you told").fill(PCC_TOLD)
        page.fill("#id_told_at_0", str(tuesday.day))
        page.fill("#id_told_at_1", str(tuesday.month))
        page.fill("#id_told_at_2", str(tuesday.year))
        page.fill("#id_told_at_time", "08:30")
        page.get_by_label("In person", exact=True).check()
        check(page, "08-hmi-pcc-told-form")
        page.get_by_role("button", name="Record it").click()
        expect(success(page)).to_contain_text("Recorded that the PCC was told.")
        told = timezone.localtime(at(tuesday, 8, 30))
        expect(page.locator("#pcc-told + dl")).to_contain_text(PCC_TOLD)
        expect(page.locator("#pcc-told + dl")).to_contain_text(
            f"{long_day(tuesday)} at 08:30 {told.tzname()}"
        )

        # Now the announcement goes through.
        page.get_by_role("button", name="Announce the decision").click()
        expect(page.locator("main .govuk-warning-text")).to_have_count(0)
        page.get_by_label("Public statement").fill(ANNOUNCEMENT)
        page.get_by_role("button", name="Announce the decision").click()
        expect(success(page)).to_contain_text("The decision has been announced and is now public.")
        expect(page.locator("#announcement ~ .govuk-inset-text").first).to_contain_text(ANNOUNCEMENT)
        check(page, "09-hmi-case-announced")
        case.refresh_from_db()
        assert case.pcc_informed_at == at(tuesday, 8, 30)
        assert case.announced_at is not None

        # A visitor: the public page lists the force with its cause of concern.
        visitor = browser.new_context()
        try:
            public = visitor.new_page()
            public.goto(f"{base}/public/engage/police/")
            expect(public.locator("main h1")).to_have_text("Police forces in Engage")
            row = public.locator("main tbody tr").filter(has=public.get_by_role("link", name=force_a.name))
            expect(row).to_have_count(1)
            expect(row).to_contain_text(CAUSE)
            expect(row).to_contain_text(long_day(monday))
            expect(public.locator("main")).not_to_contain_text(ADVICE)
            expect(public.locator("main")).not_to_contain_text(REASONS)
            check(public, "10-visitor-police-in-engage")
            row.get_by_role("link", name=force_a.name).click()
            expect(public.locator("main h1")).to_have_text(force_a.name)
            expect(public.locator("main")).to_contain_text("Still in Engage")
            expect(public.locator("main")).to_contain_text(ANNOUNCEMENT)
            expect(public.locator("main")).to_contain_text(CAUSE)
            expect(public.locator("main")).not_to_contain_text(EVIDENCE)
            check(public, "11-visitor-public-case")
        finally:
            visitor.close()

    # Wednesday 10:00. HMICFRS (the HMI for the area) schedules the PPOG for the Wednesday after.
    with time_machine.travel(at(monday + dt.timedelta(days=2), 10), tick=True):
        switch_user(page, live_server, "hmi_a")
        page.goto(case_url)
        page.get_by_role("button", name="Schedule a PPOG meeting").click()
        expect(page.locator("main h1")).to_have_text("Schedule a PPOG meeting")
        page.fill("#id_scheduled_for_0", str(meeting_day.day))
        page.fill("#id_scheduled_for_1", str(meeting_day.month))
        page.fill("#id_scheduled_for_2", str(meeting_day.year))
        check(page, "12-hmi-schedule-ppog")
        page.get_by_role("button", name="Schedule the meeting").click()
        expect(success(page)).to_contain_text("The PPOG is scheduled.")
        meeting = OversightMeeting.objects.get(case=case)
        meeting_url = f"{base}/monitoring/meetings/{meeting.pk}/"
        expect(page).to_have_url(meeting_url)
        expect(page.locator("main h1")).to_have_text("PPOG meeting")
        check(page, "13-hmi-ppog-scheduled")

    # The meeting day, 16:00. The APCC lead records it held, with themselves there, and the offer.
    with time_machine.travel(at(meeting_day, 16), tick=True):
        switch_user(page, live_server, "apcc_lead")
        page.goto(meeting_url)
        page.get_by_role("button", name="Record as held").click()
        expect(page.locator("main h1")).to_have_text("Record the meeting as held")
        page.fill("#id_held_on_0", str(meeting_day.day))
        page.fill("#id_held_on_1", str(meeting_day.month))
        page.fill("#id_held_on_2", str(meeting_day.year))
        page.get_by_label(re.compile(r"^Amira Bell, APCC joint performance portfolio lead")).check()
        page.get_by_label(re.compile(r"^Imran Shah, HMI for ")).check()
        page.get_by_label("Notes of the meeting (optional)").fill(
            "Progress against the improvement plan; crime recording audits have started."
        )
        check(page, "14-apcc-record-held-form")
        page.get_by_role("button", name="Record the meeting").click()
        expect(success(page)).to_contain_text("The meeting is recorded as held.")
        attended = page.get_by_role("table", name="Who attended")
        expect(attended).to_contain_text("Amira Bell")
        expect(attended).to_contain_text("Imran Shah")

        page.get_by_role("button", name="Add an action").click()
        page.get_by_label("Action", exact=True).fill(OFFER)
        page.get_by_label("Who owns the action").select_option(label=people["apcc"].name)
        page.get_by_label("This is an offer of assistance").check()
        check(page, "15-apcc-add-offer")
        page.get_by_role("button", name="Add the action").click()
        expect(success(page)).to_contain_text("The action is recorded.")
        action = MeetingAction.objects.get(meeting=meeting)
        due = explain_followup_deadline(meeting_day)
        last_day = timezone.localtime(due.value).date() - dt.timedelta(days=1)
        card = page.locator(".govuk-summary-card", has_text=OFFER)
        expect(card).to_contain_text(f"By the end of {weekday_words(last_day)}, copied to HM Chief Inspector")
        expect(card.locator(".govuk-tag", has_text="Awaiting follow-up")).to_be_visible()
        card.get_by_text("How this date was worked out").click()
        expect(card.locator(".govuk-details__text")).to_contain_text(
            f"{weekday_words(meeting_day)} + 5 working days"
        )
        check(page, "16-apcc-ppog-held-with-offer")

    # The first reminder (two days ahead, at 08:00): the worker's sweep runs a minute after its moment.
    deadline = Deadline.objects.get(kind=FOLLOW_UP_KIND, key=f"action:{action.pk}")
    first = steps_for(deadline, KINDS[FOLLOW_UP_KIND])[0]
    assert first.name == "before-2d"
    reminder_at = first.fire_at + dt.timedelta(minutes=1)
    assert reminder_at < due.value
    with time_machine.travel(reminder_at, tick=True):
        run = sweep()
        assert run.sent >= 1, run
        reminder = InboxMessage.objects.get(user=lead, reminder__deadline=deadline)
        assert reminder.subject.endswith("is due in 2 days"), reminder.subject
        assert not reminder.subject.startswith("[Late]"), reminder.subject

        switch_user(page, live_server, "apcc_lead")
        page.get_by_role("link", name=re.compile(r"^Inbox")).click()
        expect(page.locator("main h1")).to_have_text("Inbox")
        message = page.get_by_role("link", name=reminder.subject, exact=True)
        expect(message).to_be_visible()
        shot(page, "17-apcc-inbox-reminder")
        message.click()
        expect(page.locator("main h1")).to_have_text(reminder.subject)
        shot(page, "18-apcc-reminder-message")
        page.get_by_role("link", name="Go to it").click()
        action_url = f"{base}/monitoring/actions/{action.pk}/"
        expect(page).to_have_url(action_url)
        expect(page.locator("main h1")).to_have_text("Offer of assistance")
        page.get_by_role("button", name="Write the follow-up").click()
        expect(page.locator("main h1")).to_have_text("Follow up the offer of assistance in writing")
        page.get_by_label("Follow-up to the PCC's office").fill(FOLLOW_UP)

        # Without the copy to HMCI: refused on the box, nothing sent.
        page.get_by_role("button", name="Send the follow-up").click()
        refusal = "The follow-up must be copied to HM Chief Inspector: confirm the copy to send it."
        summary = page.locator(".govuk-error-summary")
        expect(summary.get_by_role("link", name=refusal)).to_be_visible()
        expect(page.locator("#id_copy_to_hmci_error")).to_contain_text(refusal)
        expect(page).to_have_title(re.compile(r"^Error: Follow up the offer of assistance"))
        expect(page.get_by_label("Follow-up to the PCC's office")).to_have_value(FOLLOW_UP)
        check(page, "19-apcc-follow-up-refused-without-copy")
        assert not FollowUp.objects.exists()
        assert not InboxMessage.objects.filter(user=hmci, subject__startswith="Copy:").exists()

        # With it: sent, on time.
        page.get_by_label("Send a copy to HM Chief Inspector").check()
        page.get_by_role("button", name="Send the follow-up").click()
        expect(page).to_have_url(action_url)
        expect(success(page)).to_contain_text(
            f"The follow-up is sent to {people['office_a'].name}, with a copy to HM Chief Inspector. "
            "It was sent on time."
        )
        expect(page.locator("main .govuk-tag", has_text="Followed up on time")).to_be_visible()
        copy_row = page.locator(".govuk-summary-list__row", has_text="Copy")
        expect(copy_row).to_contain_text("Copied to HM Chief Inspector Harriet Moss")
        expect(copy_row).to_contain_text(re.compile(r"\d{2}:\d{2} (GMT|BST) on "))
        check(page, "20-apcc-action-followed-up-on-time")
        follow_up = FollowUp.objects.get(action=action)
        assert not follow_up.late
        assert follow_up.hmci_copy_to == hmci
        assert follow_up.sent_to == people["office_a"]
        assert InboxMessage.objects.filter(
            user=people["pcc_office"], subject__startswith="Follow-up of the offer of assistance"
        ).exists()

        # HMCI's inbox has the copy.
        switch_user(page, live_server, "hmci")
        page.get_by_role("link", name=re.compile(r"^Inbox")).click()
        copy = page.get_by_role(
            "link", name=f"Copy: Follow-up of the offer of assistance at the PPOG: {force_a.name}", exact=True
        )
        expect(copy).to_be_visible()
        shot(page, "21-hmci-inbox-copy")
        copy.click()
        expect(page.locator("main")).to_contain_text("peer review of your scrutiny of crime recording")
        shot(page, "22-hmci-copy-message")


# --- 2. Every monitoring page, as each persona who may open it, on a desktop and on a phone ----------

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


def _published_report(area: Organisation, users: dict[str, User]) -> dict[str, Any]:
    """A PEEL report about `area` published ten days ago, one finding of each kind, with register history."""
    from inspections.models import Finding, FindingKind, InspectionKind, ReportKind
    from inspections.services import (
        finding_add,
        inspection_create,
        report_create,
        report_finalise,
        report_schedule,
    )
    from monitoring.models import FindingEntryKind, FindingStatus
    from monitoring.services import finding_note_add, finding_status_set

    hmi, force, opcc = users["hmi"], users["force"], users["opcc"]
    now = timezone.now()
    created, published = now - dt.timedelta(days=20), now - dt.timedelta(days=10)
    inspection = inspection_create(
        kind=InspectionKind.PEEL,
        title=f"PEEL 2026: {area} (register)",
        areas=[area],
        lead=hmi,
        by=hmi,
        now=created,
    )
    report = report_create(
        inspection=inspection,
        kind=ReportKind.FORCE_SPECIFIC,
        title=f"PEEL 2026: how well {area} records crime",
        body="Summary\n\nThe constabulary needs to improve how it records crime.",
        by=hmi,
        now=created,
    )
    texts = {
        FindingKind.CAUSE_OF_CONCERN: "The constabulary does not record crime accurately enough, "
        "and victims are not told when a crime is not recorded.",
        FindingKind.RECOMMENDATION: "Within six months, audit every incident closed without a crime record.",
        FindingKind.AREA_FOR_IMPROVEMENT: "The constabulary should improve how it answers 101 calls.",
    }
    findings = {
        kind: finding_add(report=report, kind=kind, text=text, by=hmi) for kind, text in texts.items()
    }
    report_finalise(report=report, by=hmi, now=created + dt.timedelta(hours=1))
    report_schedule(report=report, publication_at=published, by=hmi, now=created + dt.timedelta(hours=2))
    # Read again: each finding's report is the one from before it was scheduled.
    findings = {kind: Finding.objects.select_related("report").get(pk=f.pk) for kind, f in findings.items()}
    recommendation = findings[FindingKind.RECOMMENDATION]
    finding_status_set(
        finding=recommendation,
        status=FindingStatus.BEING_PROGRESSED,
        note="A daily audit of closed incidents started on Monday.",
        by=force,
        now=published + dt.timedelta(days=2),
    )
    finding_note_add(
        finding=recommendation,
        kind=FindingEntryKind.UPDATE,
        text="The first week's audit found 31 incidents that should have been recorded as crimes.",
        by=force,
        now=published + dt.timedelta(days=5),
    )
    finding_note_add(
        finding=recommendation,
        kind=FindingEntryKind.PCC_NOTE,
        text="Raised at the accountability board; the chief constable will report monthly.",
        by=opcc,
        now=published + dt.timedelta(days=6),
    )
    finding_note_add(
        finding=recommendation,
        kind=FindingEntryKind.HMICFRS_NOTE,
        text="Audit approach looks sound; revisit at the next PPOG.",
        by=hmi,
        now=published + dt.timedelta(days=7),
    )
    return {"recommendation": recommendation, "cause": findings[FindingKind.CAUSE_OF_CONCERN]}


def walkthrough_data() -> dict[str, Any]:
    """The demo, plus what it leaves out: a case awaiting HMCI, a case decided with the PCC not yet told,
    a published report with register history, and the public Engage history since 2019."""
    from monitoring.history import load_engage_history
    from monitoring.models import ImprovementPlanVersion, RoutineConcern
    from monitoring.services import CauseInput, case_advise, case_decide

    users = {u.username: u for u in User.objects.all()}
    area = {
        (o.kind, o.slug): o
        for o in Organisation.objects.filter(slug__in=["avon-and-somerset", "avon", "cumbria"])
    }
    avon_police = area[(OrganisationKind.POLICE_FORCE, "avon-and-somerset")]
    avon_fire = area[(OrganisationKind.FIRE_RESCUE_SERVICE, "avon")]
    cumbria_police = area[(OrganisationKind.POLICE_FORCE, "cumbria")]
    cumbria_fire = area[(OrganisationKind.FIRE_RESCUE_SERVICE, "cumbria")]
    now = timezone.now()
    hmi, hmci = users["hmi"], users["hmci"]
    awaiting = case_advise(
        area=cumbria_fire,
        advice="Prevention work has fallen behind; I advise Engage.",
        evidence="Home fire safety visits down by half in a year.",
        causes=[CauseInput("The service does not target prevention at the people most at risk.")],
        by=hmi,
        now=now - dt.timedelta(days=2),
    )
    decided = case_advise(
        area=cumbria_police,
        advice="Call handling has not improved since the routine concern; I advise Engage.",
        evidence="101 answer times doubled over six months; 999 answer times slipping.",
        causes=[CauseInput("The constabulary does not answer calls from the public quickly enough.")],
        by=hmi,
        now=now - dt.timedelta(days=3),
    )
    case_decide(
        case=decided,
        engage=True,
        reasons="The evidence shows the risk to the public from slow call handling.",
        by=hmci,
        now=now - dt.timedelta(days=1),
    )
    register = _published_report(avon_police, users)
    try:
        load_engage_history()
    except Exception as error:  # noqa: BLE001 - the walk-through still runs without the public history
        print(f"Engage history not loaded: {error}")
    police_case = EngageCase.objects.get(area=avon_police, historical=False)
    fire_case = EngageCase.objects.get(area=avon_fire, historical=False)
    police_meeting = OversightMeeting.objects.get(case=police_case)
    fire_meeting = OversightMeeting.objects.get(case=fire_case)
    offer = MeetingAction.objects.get(meeting=police_meeting, offer_of_assistance=True)
    other_action = MeetingAction.objects.get(meeting=police_meeting, offer_of_assistance=False)
    historical = EngageCase.objects.filter(historical=True, exited_at__isnull=False).first()
    return {
        "avon_police": avon_police.pk,
        "avon_fire": avon_fire.pk,
        "cumbria_police": cumbria_police.pk,
        "cumbria_fire": cumbria_fire.pk,
        "police_case": police_case.pk,
        "fire_case": fire_case.pk,
        "awaiting_case": awaiting.pk,
        "decided_case": decided.pk,
        "police_meeting": police_meeting.pk,
        "fire_meeting": fire_meeting.pk,
        "offer": offer.pk,
        "other_action": other_action.pk,
        "plan": ImprovementPlanVersion.objects.get(case=police_case).pk,
        "concern": RoutineConcern.objects.get(area=cumbria_police).pk,
        "recommendation": register["recommendation"].pk,
        "cause": register["cause"].pk,
        "historical_case": historical.pk if historical else None,
    }


# (persona, name, path): None is a visitor. `{key}` is filled from walkthrough_data().
PAGES: list[tuple[str | None, str, str]] = [
    # HMI for Avon and Somerset (police and fire) and Cumbria.
    ("hmi", "workspace", "/monitoring/"),
    ("hmi", "area-avon-police", "/monitoring/areas/{avon_police}/"),
    ("hmi", "area-cumbria-police", "/monitoring/areas/{cumbria_police}/"),
    ("hmi", "case-avon-police", "/monitoring/cases/{police_case}/"),
    ("hmi", "case-avon-fire", "/monitoring/cases/{fire_case}/"),
    ("hmi", "case-cumbria-decided", "/monitoring/cases/{decided_case}/"),
    ("hmi", "concern", "/monitoring/concerns/{concern}/"),
    ("hmi", "concern-new", "/monitoring/areas/{cumbria_police}/concerns/new/"),
    ("hmi", "advise", "/monitoring/areas/{cumbria_fire}/advise/"),
    ("hmi", "pcc-informed", "/monitoring/cases/{decided_case}/pcc-informed/"),
    ("hmi", "announce-blocked", "/monitoring/cases/{decided_case}/announce/"),
    ("hmi", "letter-blocked", "/monitoring/cases/{decided_case}/letter/"),
    ("hmi", "letter-preview", "/monitoring/cases/{fire_case}/letter/"),
    ("hmi", "letter-sent", "/monitoring/cases/{police_case}/letter/"),
    ("hmi", "meeting-new", "/monitoring/cases/{police_case}/meetings/new/"),
    ("hmi", "meeting-held-police", "/monitoring/meetings/{police_meeting}/"),
    ("hmi", "meeting-scheduled-fire", "/monitoring/meetings/{fire_meeting}/"),
    ("hmi", "held-form", "/monitoring/meetings/{fire_meeting}/held/"),
    ("hmi", "action-new", "/monitoring/meetings/{police_meeting}/actions/new/"),
    ("hmi", "action-offer", "/monitoring/actions/{offer}/"),
    ("hmi", "action-other", "/monitoring/actions/{other_action}/"),
    ("hmi", "plan", "/monitoring/plans/{plan}/"),
    ("hmi", "register", "/monitoring/areas/{avon_police}/register/"),
    ("hmi", "finding", "/monitoring/findings/{recommendation}/"),
    ("hmi", "toolkit", "/monitoring/toolkit/"),
    # HM Chief Inspector.
    ("hmci", "workspace", "/monitoring/"),
    ("hmci", "case-awaiting", "/monitoring/cases/{awaiting_case}/"),
    ("hmci", "decide", "/monitoring/cases/{awaiting_case}/decide/"),
    ("hmci", "exit", "/monitoring/cases/{police_case}/exit/"),
    ("hmci", "tracker", "/monitoring/tracker/"),
    ("hmci", "action-offer", "/monitoring/actions/{offer}/"),
    # HMICFRS staff without an assignment for the area.
    ("inspector", "workspace", "/monitoring/"),
    ("inspector", "case-avon-police", "/monitoring/cases/{police_case}/"),
    ("liaison", "area-avon-police", "/monitoring/areas/{avon_police}/"),
    # The Avon and Somerset OPCC.
    ("opcc", "workspace", "/monitoring/"),
    ("opcc", "area-avon-police", "/monitoring/areas/{avon_police}/"),
    ("opcc", "case-avon-police", "/monitoring/cases/{police_case}/"),
    ("opcc", "meeting-held-police", "/monitoring/meetings/{police_meeting}/"),
    ("opcc", "action-offer", "/monitoring/actions/{offer}/"),
    ("opcc", "plan", "/monitoring/plans/{plan}/"),
    ("opcc", "toolkit", "/monitoring/toolkit/"),
    ("opcc", "register", "/monitoring/areas/{avon_police}/register/"),
    ("opcc", "finding", "/monitoring/findings/{recommendation}/"),
    # The Cumbria OPCC (the PFCC's office): the routine concern.
    ("opcc-cumbria", "area-cumbria-police", "/monitoring/areas/{cumbria_police}/"),
    ("opcc-cumbria", "concern", "/monitoring/concerns/{concern}/"),
    ("opcc-cumbria", "concern-mark", "/monitoring/concerns/{concern}/pcc-response/"),
    # The chief constable's office and the chief fire officer's office.
    ("force", "workspace", "/monitoring/"),
    ("force", "case-avon-police", "/monitoring/cases/{police_case}/"),
    ("force", "plan-new", "/monitoring/cases/{police_case}/plans/new/"),
    ("force", "plan", "/monitoring/plans/{plan}/"),
    ("force", "register", "/monitoring/areas/{avon_police}/register/"),
    ("force", "finding", "/monitoring/findings/{recommendation}/"),
    ("force", "finding-cause", "/monitoring/findings/{cause}/"),
    ("frs", "area-avon-fire", "/monitoring/areas/{avon_fire}/"),
    ("frs", "case-avon-fire", "/monitoring/cases/{fire_case}/"),
    # The APCC's joint performance portfolio lead.
    ("apcc", "tracker", "/monitoring/tracker/"),
    ("apcc", "case-avon-police", "/monitoring/cases/{police_case}/"),
    ("apcc", "case-avon-fire", "/monitoring/cases/{fire_case}/"),
    ("apcc", "meeting-held-police", "/monitoring/meetings/{police_meeting}/"),
    ("apcc", "meeting-scheduled-fire", "/monitoring/meetings/{fire_meeting}/"),
    ("apcc", "deputy", "/monitoring/meetings/{fire_meeting}/deputy/"),
    ("apcc", "held-form", "/monitoring/meetings/{fire_meeting}/held/"),
    ("apcc", "action-offer", "/monitoring/actions/{offer}/"),
    ("apcc", "follow-up", "/monitoring/actions/{offer}/follow-up/"),
    ("apcc", "toolkit", "/monitoring/toolkit/"),
    ("apcc", "toolkit-send", "/monitoring/cases/{fire_case}/toolkit/"),
    # A visitor.
    (None, "public-police", "/public/engage/police/"),
    (None, "public-fire", "/public/engage/fire/"),
    (None, "public-previously", "/public/engage/previously/"),
    (None, "public-case", "/public/engage/{police_case}/"),
    (None, "public-case-historical", "/public/engage/{historical_case}/"),
]

# Forms also looked at with every error showing: submitted empty (nothing is written).
EMPTY_SUBMIT = {
    ("hmi", "advise"): "Send your advice",
    ("hmi", "pcc-informed"): "Record it",
    ("hmi", "held-form"): "Record the meeting",
    ("hmci", "decide"): "Record the decision",
    ("apcc", "follow-up"): "Send the follow-up",
    ("force", "plan-new"): "Submit the plan",
}


# Problems known and owned elsewhere, by screenshot name: each is reported, not failed on.
# Pages with a known layout problem, and the problems allowed for them (none today).
KNOWN: dict[str, tuple[str, ...]] = {}


def _known(label: str, problem: str) -> bool:
    return any(problem.startswith(start) for start in KNOWN.get(label, ()))


@pytest.mark.slow
@pytest.mark.parametrize("width_name", list(WIDTHS))
def test_every_monitoring_page_reads_well_on_a_desktop_and_a_phone(
    browser: Browser, live_server: Any, demo: dict[str, str], width_name: str
) -> None:
    keys = walkthrough_data()
    problems: list[str] = []
    personas = dict.fromkeys(persona for persona, _, _ in PAGES)
    width, height = WIDTHS[width_name]
    for persona in personas:
        context = browser.new_context(viewport={"width": width, "height": height})
        try:
            page = context.new_page()
            if persona is not None:
                sign_in(page, live_server, persona, demo[persona])
            for who, name, path in PAGES:
                if who != persona:
                    continue
                if "{historical_case}" in path and keys["historical_case"] is None:
                    continue
                url = live_server.url + path.format(**keys)
                response = page.goto(url)
                label = f"walk/{persona or 'visitor'}-{name}-{width_name}"
                status = response.status if response else None
                if status != 200:
                    problems.append(f"{label}: HTTP {status} for {url}")
                    continue
                shot(page, label)
                problems += [f"{label}: {p}" for p in page_problems(page) if not _known(label, p)]
                button = EMPTY_SUBMIT.get((persona, name))
                if button:
                    page.get_by_role("button", name=button).click()
                    expect(page.locator(".govuk-error-summary")).to_be_visible()
                    shot(page, f"{label}-errors")
                    problems += [f"{label}-errors: {p}" for p in page_problems(page)]
        finally:
            context.close()
    assert not problems, "\n".join(problems)
