"""The Django admin reads as words: every model and field label a superuser sees is plain English.

Django makes a label from a field's or model's Python name when none is given: `fac_opens_at` becomes
"Fac opens at", `DeadlineParty` becomes "Deadline partys", `sha256` becomes "Sha256". The admin is for
system administrators, not developers, so each label names the thing in words ("Factual-accuracy window
opens", "Deadline parties", "SHA-256 fingerprint"). The crawl signs in as a superuser, opens the index,
every changelist, every add form it may open and the page of a record of every model, and checks every
column heading, form label, filter title and model name it finds.
"""

from __future__ import annotations

import contextlib
import re
from html.parser import HTMLParser

import pytest
import time_machine
from django.contrib import admin
from django.contrib.admin.utils import label_for_field
from django.urls import NoReverseMatch, reverse
from django.utils.text import capfirst

from tests.core.test_admin_no_content import (  # noqa: F401 - fixtures
    NOW,
    PROJECT_APPS,
    _project_admins,
    _url,
    announced_case,
    apcc_deputy,
    held_meeting,
    hmci,
    meeting,
    offer,
    planted_world,
)

pytestmark = pytest.mark.django_db

# Abbreviations the admin must spell as people do (Django lower-cases a name it makes from code).
ABBREVIATIONS = re.compile(
    r"\b(pcc|pfcc|opcc|apcc|hmci|hmi|hmicfrs|frs|fac|ppog|fpog|url|ip|sha256|pdf|csv|id)\b", re.IGNORECASE
)
# Django's plural of a name it was not told: "party" -> "partys", "entry" -> "entrys", "process" -> "processs".
BAD_PLURAL = re.compile(r"(?:[^aeiou]ys|ss|xs|chs|shs)$")
# Bare prepositions left from `at` and `by` fields: "At", "By" say nothing on their own.
BARE = {"At", "By", "On", "Of"}
# Compound words the portal hyphenates everywhere else.
UNHYPHENATED = re.compile(r"\b(super complaint|factual accuracy (?:window|comment|check))", re.IGNORECASE)


def label_problems(label: str) -> list[str]:
    """What reads badly in one admin label, if anything."""
    label = label.strip().rstrip(":").strip()
    problems = []
    if not label:
        return problems
    if "_" in label:
        problems.append("has an underscore")
    if label in BARE:
        problems.append("is a bare preposition")
    for match in ABBREVIATIONS.finditer(label):
        if match.group() != match.group().upper():
            problems.append(f"spells {match.group()!r} as a word, not as the abbreviation")
    if match := UNHYPHENATED.search(label):
        problems.append(f"{match.group()!r} wants its hyphen")
    return problems


def model_name_problems(model) -> list[str]:
    problems = []
    for name in (model._meta.verbose_name, model._meta.verbose_name_plural):
        problems += [f"{capfirst(name)!r} {p}" for p in label_problems(capfirst(str(name)))]
    plural = str(model._meta.verbose_name_plural)
    if BAD_PLURAL.search(plural) and plural != str(model._meta.verbose_name):
        problems.append(f"plural {plural!r} is Django's guess")
    return problems


class _Labels(HTMLParser):
    """The labels on an admin page: column headings, form labels, filter titles, fieldset legends, and on
    the index the model names (row headings, which on a changelist are records instead)."""

    COLLECT = {"label", "summary", "legend", "caption"}

    def __init__(self, row_headers: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.row_headers = row_headers
        self.labels: list[str] = []
        self._stack: list[str] = []
        self._thead = 0
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "thead":
            self._thead += 1
        row_header = tag == "th" and self.row_headers and dict(attrs).get("scope") == "row"
        # A fieldset's heading is an h2 (the page's other h2 is the record's own name, not a label).
        heading = tag == "h2" and "fieldset-heading" in (dict(attrs).get("class") or "")
        if tag in self.COLLECT or (tag == "th" and self._thead) or row_header or heading:
            self._stack.append(tag)
            self._text = []

    def handle_endtag(self, tag):
        if tag == "thead" and self._thead:
            self._thead -= 1
        if self._stack and self._stack[-1] == tag:
            self._stack.pop()
            text = re.sub(r"\s+", " ", "".join(self._text)).strip()
            if text:
                self.labels.append(re.sub(r"^By ", "", text))

    def handle_data(self, data):
        if self._stack:
            self._text.append(data)


def labels_on(html: str, row_headers: bool = False) -> list[str]:
    parser = _Labels(row_headers)
    parser.feed(html)
    return parser.labels


@pytest.mark.parametrize(
    ("label", "bad"),
    [
        ("Fac opens at", True),
        ("Sha256", True),
        ("Pcc invited", True),
        ("At", True),
        ("Super complaint", True),
        ("object_id", True),
        ("Factual-accuracy window opens", False),
        ("PCC invited", False),
        ("ID", False),
        ("SHA-256 fingerprint", False),
        ("Sent", False),
    ],
)
def test_the_label_check_finds_code_names(label, bad):
    """The check the crawl applies: a name made from code is found; words pass."""
    assert bool(label_problems(label)) is bad


def test_every_project_model_is_named_in_words():
    """Plain words (I7, U6, M9 ...): every model of the portal's apps has a singular and plural name in
    words ("Deadline parties", not "Deadline partys"; "Super-complaints"; "PCC responses")."""
    problems = [
        f"{model._meta.label}: {problem}"
        for model, _ in _project_admins()
        for problem in model_name_problems(model)
    ]
    assert problems == []


def test_every_shown_field_of_a_workflow_record_is_named_in_words():
    """Plain words: each field a read-only admin shows (I7's factual-accuracy window, U3's embargoed
    copy, M9's follow-up) is labelled in words, not its Python name."""
    from hmicfrs_mou.admin import ReadOnlyMetadataAdmin

    problems = []
    for model, model_admin in _project_admins():
        names = (
            model_admin.metadata_fields
            if isinstance(model_admin, ReadOnlyMetadataAdmin)
            else [f.name for f in model._meta.get_fields() if hasattr(f, "verbose_name") and f.concrete]
        )
        for name in names:
            label = capfirst(str(model._meta.get_field(name).verbose_name))
            problems += [f"{model._meta.label}.{name}: {label!r} {p}" for p in label_problems(label)]
    assert problems == []


@pytest.mark.slow
def test_a_superuser_walking_the_admin_reads_labels_in_words(planted_world, admin_user, client_for):  # noqa: F811
    """Plain words: the index, every changelist, every add form and a record's page of every model of the
    portal's apps, as a superuser sees them: no column, label, filter or model name reads as code."""
    problems: list[str] = []
    pages = 0
    with time_machine.travel(NOW, tick=False):
        client = client_for(admin_user)

        def walk(url: str, index: bool = False) -> None:
            nonlocal pages
            response = client.get(url)
            if response.status_code != 200:
                return
            pages += 1
            for label in labels_on(response.content.decode(), row_headers=index):
                problems.extend(f"{url}: {label!r} {p}" for p in label_problems(label))

        walk(reverse("admin:index"), index=True)
        for app_label in sorted(PROJECT_APPS):
            walk(reverse("admin:app_list", args=[app_label]), index=True)
        for model, model_admin in _project_admins():
            walk(_url(model, "changelist"))
            with contextlib.suppress(NoReverseMatch):
                walk(_url(model, "add"))
            listed = model_admin.get_queryset(_request(admin_user)).order_by("pk").first()
            if listed is not None:
                walk(_url(model, "change", listed.pk))
    assert pages > len(_project_admins()) * 2
    unique = list(dict.fromkeys(problems))
    assert not unique, f"{len(unique)} admin label(s) read as code:\n" + "\n".join(unique)


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_the_admin_shows_the_worded_labels(admin_client, directory):
    """A spot check of the words themselves on the pages (I7, U6, M9)."""
    from inspections.models import Report
    from monitoring.models import FollowUp
    from responses.models import SuperComplaint

    assert Report._meta.get_field("fac_opens_at").verbose_name == "factual-accuracy window opens"
    assert FollowUp._meta.verbose_name_plural == "written follow-ups"
    assert SuperComplaint._meta.verbose_name_plural == "super-complaints"
    index = admin_client.get(reverse("admin:index")).content.decode()
    assert "Deadline parties" in index
    assert "Deadline partys" not in index
    assert admin_client.get(reverse("admin:inspections_report_changelist")).status_code == 200
    column = label_for_field("distribution_at", Report, admin.site._registry[Report])
    assert capfirst(column) == "Embargoed copy goes out"
