"""Every time of day a person reads names its clock (GMT or BST).

DESIGN.md's deadlines are all Europe/London, and the embargo rules (U3, U4, U5) turn on the hour: a
time shown without its zone leaves the reader to guess whether "10:00" in late October is GMT or
BST. Templates therefore show times with Django's `T` (the zone's abbreviation) or through the
`due_moment` filter. Machine formats (`c`, `r`, `U`, as in `<time datetime="...">`) are not read by
people and are left alone.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.template import Context, Template
from django.test import override_settings
from django.utils import timezone, translation

from hmicfrs_mou.templatetags.deadline_tags import due_moment

TEMPLATES = Path(settings.BASE_DIR) / "templates"

# `|date:"..."`, `|time:"..."` or `{% now "..." %}` with its format (either quote).
FORMAT = re.compile(
    r"""\|(?:date|time):(?P<q>["'])(?P<fmt>.*?)(?P=q)|{%\s*now\s+(?P<q2>["'])(?P<fmt2>.*?)(?P=q2)"""
)
# A bare `|time` uses TIME_FORMAT, which has no zone.
BARE_TIME = re.compile(r"\|time(?![:\w])")
# Format characters that show a time of day, and those that name its zone.
TIME_CHARS = set("aAfgGhHiPs")
ZONE_CHARS = set("eOTZ")
MACHINE_FORMATS = {"c", "r", "U"}


def _unescaped(fmt: str) -> str:
    """The format's own characters: a backslash makes the next one literal (`\\a\\t` is "at")."""
    return re.sub(r"\\.", "", fmt)


def times_without_zone(text: str) -> list[str]:
    found = []
    for match in FORMAT.finditer(text):
        fmt = match.group("fmt") if match.group("fmt") is not None else match.group("fmt2")
        chars = set(_unescaped(fmt))
        if fmt in MACHINE_FORMATS or not chars & TIME_CHARS:
            continue
        if not chars & ZONE_CHARS:
            found.append(match.group())
    found += [match.group() for match in BARE_TIME.finditer(text)]
    return found


def test_every_template_time_names_its_zone():
    """U3/U4/D1/D2: a time shown by any template (pages, emails, PDFs) carries its zone (`T` gives GMT or
    BST), so that an embargo or deadline hour is never read on the wrong clock."""
    problems = []
    for path in sorted(TEMPLATES.rglob("*")):
        if path.suffix not in {".html", ".txt", ".xml", ".ics"} or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        for lineno, line in enumerate(text.splitlines(), 1):
            for shown in times_without_zone(line):
                problems.append(f"{path.relative_to(TEMPLATES)}:{lineno}: {shown}")
    assert not problems, "Times shown without their zone (add T, e.g. 'j F Y, H:i T'):\n" + "\n".join(
        problems
    )


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ('{{ v|date:"j F Y, H:i" }}', ['|date:"j F Y, H:i"']),
        ("{{ v|date:'H:i:s' }}", ["|date:'H:i:s'"]),
        ("{{ v|time }}", ["|time"]),
        ('{% now "H:i" %}', ['{% now "H:i"']),
        ('{{ v|date:"j F Y, H:i T" }}', []),
        (r'{{ v|date:"j F Y \a\t H:i T" }}', []),
        ('{{ v|date:"j F Y" }}', []),
        ("<time datetime=\"{{ v|date:'c' }}\">", []),
        (r'{{ v|date:"j F Y \a\t" }}', []),
    ],
)
def test_the_scan_finds_times_without_a_zone(template, expected):
    """The scan above: a time without its zone is found; dates, machine formats and escaped letters are not."""
    assert times_without_zone(template) == expected


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        # The last Sunday of October 2026: 01:59 BST, then the clocks go back to 01:00 GMT.
        (dt.datetime(2026, 10, 25, 0, 59, tzinfo=dt.UTC), "25 October 2026, 01:59 BST"),
        (dt.datetime(2026, 10, 25, 1, 0, tzinfo=dt.UTC), "25 October 2026, 01:00 GMT"),
        (dt.datetime(2026, 1, 15, 10, 0, tzinfo=dt.UTC), "15 January 2026, 10:00 GMT"),
        (dt.datetime(2026, 7, 7, 9, 0, tzinfo=dt.UTC), "7 July 2026, 10:00 BST"),
    ],
)
def test_django_T_names_the_london_zone(moment, shown):
    """D1: with TIME_ZONE Europe/London, the `T` format gives GMT or BST for the moment shown, either side
    of a clock change."""
    assert Template('{{ v|date:"j F Y, H:i T" }}').render(Context({"v": moment})) == shown


def test_an_escaped_T_stays_a_letter_and_dates_are_untouched():
    """D1: only the format letter `T` becomes the zone; `\\T` is the letter itself, and a date (no time)
    or a format without `T` is formatted exactly as Django does."""
    moment = dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC)
    rendered = Template(r'{{ v|date:"\T H:i T" }}|{{ d|date:"j F Y" }}|{{ v|date:"H:i" }}').render(
        Context({"v": moment, "d": dt.date(2026, 10, 25)})
    )
    assert rendered == "T 01:30 GMT|25 October 2026|01:30"


def test_d1_a_due_moment_is_said_in_the_language_and_zone_of_the_moment_it_is_shown():
    """D1: `due_moment` keeps what it has said per moment, language and zone; a Welsh reader after an English
    one, another zone made current, or another zone set for the portal each get their own words."""
    moment = dt.datetime(2026, 10, 25, 0, 59, tzinfo=dt.UTC)
    midnight = dt.datetime(2026, 11, 10, 0, 0, tzinfo=dt.UTC)  # midnight GMT: the end of 9 November
    with translation.override("en-gb"):
        assert due_moment(moment) == "25 October 2026, 01:59 BST"
        assert due_moment(midnight) == "By the end of 9 November 2026"
    with translation.override("cy"):
        assert due_moment(moment) == "25 Hydref 2026, 01:59 BST"
    with translation.override("en-gb"), timezone.override(ZoneInfo("UTC")):
        assert due_moment(moment) == "25 October 2026, 00:59 UTC"
    with translation.override("en-gb"), override_settings(TIME_ZONE="America/New_York"):
        assert due_moment(moment) == "24 October 2026, 20:59 EDT"
    with translation.override("en-gb"):
        assert due_moment(moment) == "25 October 2026, 01:59 BST"
    assert due_moment(None) == ""
    # The hour the clocks go back happens twice: the same London wall time, told apart by `fold`.
    london = ZoneInfo("Europe/London")
    with translation.override("en-gb"):
        assert due_moment(dt.datetime(2026, 10, 25, 1, 30, tzinfo=london)) == "25 October 2026, 01:30 BST"
        assert (
            due_moment(dt.datetime(2026, 10, 25, 1, 30, fold=1, tzinfo=london))
            == "25 October 2026, 01:30 GMT"
        )
