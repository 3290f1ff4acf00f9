"""Every page, in a real browser, passes axe-core and fits a phone (issue 12).

Each demo login signs in and walks its portal breadth-first from its home page, following the links a
person can follow (not sign-out, downloads, CSV, PDF or calendar feeds, the Django admin, paging or
sorting links); a visitor walks the public pages, sign-in and the password reset. A "kind" of page is
its URL pattern (plus the names of its query parameters), and each kind is visited at most
VISITS_PER_KIND times per login, so ninety meetings cost one or two visits, not ninety.

On each page, at 390 px wide:
- axe-core (tests/browser/vendor/, WCAG 2.0, 2.1 and 2.2 A and AA plus best practice) finds no
  violation of any impact;
- the document is no wider than the viewport: a wide table scrolls in its own box
  (.app-table-scroll), the page does not;
- a full-page screenshot of the first page of each kind goes to test-artifacts/every-page/, with
  walk-<language>-<login>.json: the pages checked, the time taken and where it went.
Then each login's home page and its widest pages (tables, charts) are checked with axe again at
1280 px. Every problem is collected, and the test fails once, listing page, rule, impact and the
elements concerned.

The walk runs once per language (English and Welsh), every login over all of its portal in both: the
browser asks for the language (Accept-Language) and the pages must declare it (<html lang>, whose
primary subtag is the code: en-GB for en). The portals whose pages are translated (WELSH_PORTALS: the
PCCs' offices) are Welsh throughout; the others' pages are not yet in Welsh and say so (their main
content is marked lang="en-GB" under the Welsh header and footer). Those Welsh walks still visit every
page (its <html lang>, its width at 390 px, its status) but run axe on the home page and the wide pages
only: what they add to the English walk is the Welsh header, navigation and footer, the same on every
page, and axe was about half of each walk's time. Screenshots in Welsh: each login's home, and every
kind of page of the Welsh portals.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter, deque
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import REPO_ROOT, sign_in
from tests.pages import kind_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.slow]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_SOURCE = AXE.read_text()
ARTIFACTS = REPO_ROOT / "test-artifacts" / "every-page"
LANGUAGES = ["en", "cy"]
WELSH_PORTALS = {"opcc", "opcc-cumbria"}
VISITOR_LANGUAGES = ["en", "cy"]
NARROW = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 900}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

# Every demo login with a portal; `admin` only reaches the Django admin, which is not the portal's markup.
PERSONAS = ["hmci", "hmi", "liaison", "inspector", "opcc", "opcc-cumbria", "force", "frs", "apcc", "iopc"]
# Where a visitor starts: the public pages, signing in and resetting a password, and a page not found.
VISITOR_START = [
    "/public/",
    "/accounts/login/",
    "/accounts/password-reset/",
    "/accessibility/",
    "/privacy/",
    "/public/forces/no-such-force/",
]
# Pages also checked at 1280 px (besides each login's home): the widest tables and the charts.
WIDE_KINDS = {
    "responses:dashboard",
    "monitoring:tracker",
    "monitoring:workspace",
    "inspections:list",
    "audit-trail",
    "public_monitoring:previously",
}
VISITS_PER_KIND = 1
SCREENSHOTS_TAKEN: set[str] = set()
PAGES_PER_LOGIN = 80

# Not followed: signing out, files (CSV, PDF, calendar feeds, uploads), the Django admin, and links that
# only page through or re-sort a list (the page itself is visited).
NOT_FOLLOWED = re.compile(
    r"^/(admin|static|media)/|/(logout|sign-?out)/|\.(csv|pdf|ics)$|/file/$|[?&](page|sort|o)="
)

RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
    targets: v.nodes.slice(0, 6).map(n => n.target.flat(Infinity).join(' ')),
  }));
}"""

# The elements that make the page wider than the viewport: each one that reaches past the right edge
# while its parent does not, and is not inside a box that scrolls or clips.
OVERFLOW = """() => {
  const width = window.innerWidth;
  const scrollWidth = document.documentElement.scrollWidth;
  if (scrollWidth <= width) return null;
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + [...el.classList].slice(0, 3).map(c => '.' + c).join('');
  const contained = el => {
    // An absolutely placed element (visually hidden text) escapes a scrolling box that is not positioned.
    if (['absolute', 'fixed'].includes(getComputedStyle(el).position)) return false;
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(p).overflowX)) return true;
    }
    return false;
  };
  const culprits = [];
  for (const el of document.body.querySelectorAll('*')) {
    const right = el.getBoundingClientRect().right;
    const parent = el.parentElement;
    if (right > width + 0.5 && parent && parent.getBoundingClientRect().right <= width + 0.5 && !contained(el)) {
      culprits.push(name(el) + ' (right edge ' + Math.round(right) + ' px)');
    }
  }
  return {scrollWidth, width, culprits: culprits.slice(0, 6)};
}"""


class Walk:
    """One login's (or the visitor's) walk over its pages, collecting every problem found."""

    def __init__(self, page: Page, origin: str, who: str, language: str) -> None:
        self.page = page
        self.origin = origin
        self.who = who
        self.language = language
        self.problems: list[str] = []
        self.visited: list[str] = []
        self.kinds: Counter[str] = Counter()
        self.first_of_kind: dict[str, str] = {}
        self.not_ok: list[str] = []
        self.timings: Counter[str] = Counter()
        self.limit = PAGES_PER_LOGIN
        # Screenshots and axe on every page, or (a portal not in this language) on its home only, and its
        # wide pages at 1280 px (check_wide): the rest of such a page is the English walk's.
        self.every_screenshot = self.runs_axe_on_every_page(who, language)
        self.axe_every_page = self.every_screenshot

    @staticmethod
    def runs_axe_on_every_page(who: str, language: str) -> bool:
        """English walks, the Welsh portals' and the visitor's: every page. Other Welsh walks: see the module."""
        return language == "en" or who in WELSH_PORTALS or who == "visitor"

    def local(self, url: str) -> str | None:
        """The path and query of a same-site URL worth visiting, or None."""
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            return None
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        return None if NOT_FOLLOWED.search(path) else path

    def links(self) -> list[str]:
        hrefs = self.page.eval_on_selector_all(
            "a[href]", "links => links.filter(a => !a.hasAttribute('download')).map(a => a.href)"
        )
        return [path for href in hrefs if (path := self.local(href.split("#", 1)[0]))]

    def axe(self, where: str) -> None:
        started = time.monotonic()
        # The context adds axe to every document as it loads (open_page); a page that lost it gets it here.
        if not self.page.evaluate("() => typeof axe !== 'undefined'"):
            self.page.evaluate(AXE_SOURCE)
        self.timings["inject axe"] += time.monotonic() - started
        violations = self.page.evaluate(RUN_AXE, AXE_TAGS)
        self.timings["axe"] += time.monotonic() - started
        for v in violations:
            self.problems.append(
                f"{self.who} {where}: axe {v['id']} ({v['impact']}) {v['help']}; "
                f"{v['count']} element(s): {' | '.join(v['targets'])}"
            )

    def width(self, where: str) -> None:
        overflow = self.page.evaluate(OVERFLOW)
        if overflow:
            self.problems.append(
                f"{self.who} {where}: the page is {overflow['scrollWidth']} px wide in a "
                f"{overflow['width']} px viewport; wider: {', '.join(overflow['culprits']) or '?'}"
            )

    def check(self, path: str) -> list[str]:
        """Visit one page at 390 px and check it; the links it offers."""
        started = time.monotonic()
        response = self.page.goto(f"{self.origin}{path}")
        self.timings["load"] += time.monotonic() - started
        here = self.local(self.page.url) or path
        status = response.status if response else 0
        # An error page is its own kind, so a page not found does not stand in for the page it replaced.
        kind = kind_of(here) if status == 200 else f"status-{status}"
        if status != 200:
            self.not_ok.append(f"{path} -> {status}")
            if status >= 500:
                self.problems.append(f"{self.who} {path}: answered {status}")
        if "html" not in (response.headers.get("content-type", "") if response else ""):
            return []
        if here != path and here in self.visited:
            return []
        self.visited.append(here)
        self.kinds[kind] += 1
        where = f"{here} [{kind}]"
        lang = self.page.evaluate("() => document.documentElement.lang")
        if lang.split("-")[0].lower() != self.language:
            self.problems.append(f"{self.who} {where}: <html lang> is {lang!r}, not {self.language!r}")
        if self.axe_every_page or len(self.visited) == 1:
            self.axe(where)
        self.width(where)
        if kind not in self.first_of_kind and (self.every_screenshot or len(self.visited) == 1):
            self.first_of_kind[kind] = here
            # One screenshot per kind of page in a run (the first login to reach it), and each home.
            name = f"{self.language}-{kind}" + (f"-{self.who}" if len(self.visited) == 1 else "")
            if name not in SCREENSHOTS_TAKEN:
                SCREENSHOTS_TAKEN.add(name)
                file = ARTIFACTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
                started = time.monotonic()
                self.page.screenshot(path=str(file), full_page=True)
                self.timings["screenshot"] += time.monotonic() - started
        return self.links()

    def run(self, start: Iterable[str]) -> None:
        queue = deque(start)
        queued = set(queue)
        while queue and len(self.visited) < self.limit:
            path = queue.popleft()
            if self.kinds[kind_of(path)] >= VISITS_PER_KIND:
                continue
            for link in self.check(path):
                if link not in queued and self.kinds[kind_of(link)] < VISITS_PER_KIND:
                    queued.add(link)
                    queue.append(link)

    def check_wide(self, home: str) -> None:
        """Axe again at 1280 px on the home page and the widest kinds this walk reached."""
        self.page.set_viewport_size(WIDE)
        paths = [home] + [path for kind, path in self.first_of_kind.items() if kind in WIDE_KINDS]
        for path in dict.fromkeys(paths):
            self.page.goto(f"{self.origin}{path}")
            self.axe(f"{path} at 1280 px")
        self.page.set_viewport_size(NARROW)

    def report(self, seconds: float) -> None:
        """What the walk checked and how long it took, in test-artifacts/every-page/walk-<language>-<who>.json."""
        with (ARTIFACTS / f"walk-{self.language}-{self.who}.json").open("w") as out:
            summary = {
                "who": self.who,
                "language": self.language,
                "pages": len(self.visited),
                "kinds": len(self.kinds),
                "seconds": round(seconds, 1),
                "not_ok": self.not_ok,
                "timings": {name: round(seconds, 1) for name, seconds in self.timings.items()},
                "visited": self.visited,
            }
            json.dump(summary, out, indent=1)

    def fail_on_problems(self) -> None:
        if self.problems:
            pytest.fail(
                f"{len(self.problems)} problem(s) on {self.who}'s pages:\n" + "\n".join(self.problems)
            )


def open_page(browser: Browser, language: str, axe_every_page: bool = True) -> Page:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=NARROW, locale=language)
    # axe-core (650 kB) goes to the browser once and runs in each new document before the page's own
    # scripts, instead of being sent over the wire for every page visited (about a fifth of a walk's time).
    # A walk that runs axe on a few pages only gets it on those (Walk.axe), not parsed into every page.
    if axe_every_page:
        context.add_init_script(AXE_SOURCE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("username", PERSONAS)
def test_every_page_a_login_reaches_passes_axe_and_fits_390_px(
    browser: Browser, live_server: Any, demo: dict[str, str], username: str, language: str
) -> None:
    started = time.monotonic()
    page = open_page(browser, language, axe_every_page=Walk.runs_axe_on_every_page(username, language))
    try:
        walk = Walk(page, live_server.url, username, language)
        sign_in(page, live_server, username, demo[username])
        home = walk.local(page.url) or "/"
        walk.run([home])
        assert len(walk.visited) > 5, f"{username} reached only {walk.visited}"
        walk.check_wide(home)
        walk.report(time.monotonic() - started)
        walk.fail_on_problems()
    finally:
        page.context.close()


@pytest.mark.parametrize("language", VISITOR_LANGUAGES)
def test_every_public_page_passes_axe_and_fits_390_px(
    browser: Browser, live_server: Any, demo: dict[str, str], language: str
) -> None:
    started = time.monotonic()
    page = open_page(browser, language)
    try:
        walk = Walk(page, live_server.url, "visitor", language)
        walk.run(VISITOR_START)
        assert len(walk.visited) > 5, f"the visitor reached only {walk.visited}"
        walk.check_wide("/public/")
        # The landing page and signing in, to look at in each language at both widths.
        for size in (WIDE, NARROW):
            page.set_viewport_size(size)
            for name, path in (("landing", "/public/"), ("sign-in", "/accounts/login/")):
                page.goto(f"{live_server.url}{path}")
                page.screenshot(
                    path=str(ARTIFACTS / f"{language}-{name}-{size['width']}.png"), full_page=True
                )
        # The second step of signing in, for a login that has a second factor.
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", "hmci")
        page.fill("#id_password", demo["hmci"])
        with page.expect_navigation():
            # The form's own button, in whichever language the page is in.
            page.locator("main form button[type=submit]").click()
        assert "/accounts/two-factor/" in page.url
        walk.axe("/accounts/two-factor/")
        walk.width("/accounts/two-factor/")
        walk.report(time.monotonic() - started)
        walk.fail_on_problems()
    finally:
        page.context.close()
