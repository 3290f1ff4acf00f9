"""Welsh (Cymraeg) for the public pages and signing in (issue 12).

- The catalogue (locale/cy/LC_MESSAGES/django.po) translates every string the listed pages use: each
  msgid found in those templates and Python modules is in the catalogue, translated, never fuzzy.
- The compiled catalogue (django.mo, committed for machines without GNU msgfmt) says the same as the .po.
- Pages asked for in Welsh (the browser's Accept-Language, the header's switch, or a signed-in person's
  own choice) are in Welsh and declare it (<html lang="cy">); dates have Welsh month names and still
  name their zone (GMT or BST).
"""

from __future__ import annotations

import ast
import datetime as dt
import gettext
import html as html_text
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation.template import templatize

from contacts.models import AREA_KINDS, GovernanceModel, Role
from hmicfrs_mou.language import PUBLIC_LABELS, SESSION_KEY, page_translated
from hmicfrs_mou.models import Preferences
from inspections.models import FindingKind, InspectionKind
from inspections.pdf import FINDING_HEADINGS
from responses.models import ResponseObligation
from tests.core import test_no_rule_codes
from tests.inspections.test_pdf import PUBLICATION, build_report
from tests.responses.conftest import IN_PERIOD, publish_report

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "cy" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
# The demo's logins and the crawl of the pages each reaches, as the check for rule ids reads them.
demo = test_no_rule_codes.demo
crawl = test_no_rule_codes.crawl
# The logins whose portal is in Welsh: the demo's two offices of police and crime commissioners.
WELSH_LOGINS = {"opcc", "opcc-cumbria"}
TEMPLATES = ROOT / "templates"

# The pages the Welsh catalogue covers: public pages, signing in, the error pages and what they include.
LISTED_TEMPLATES = sorted(
    {
        TEMPLATES / "base.html",
        TEMPLATES / "403.html",
        TEMPLATES / "404.html",
        TEMPLATES / "500.html",
        *TEMPLATES.glob("public/*.html"),
        *TEMPLATES.glob("inspections/public/*.html"),
        *TEMPLATES.glob("monitoring/public/*.html"),
        *TEMPLATES.glob("responses/public/*.html"),
        *TEMPLATES.glob("pages/*.html"),
        *TEMPLATES.glob("registration/*.html"),
        *TEMPLATES.glob("registration/*.txt"),
        *TEMPLATES.glob("components/*.html"),
        # The date widget: the OPCC's invitation to the chief officer asks for a date.
        TEMPLATES / "widgets" / "govuk_date.html",
        # The OPCC portal: its home, the response builder and pages, the inbox and my deadlines.
        TEMPLATES / "portals" / "opcc_home.html",
        TEMPLATES / "portals" / "_due_list.html",
        TEMPLATES / "portals" / "_my_due_work.html",
        *TEMPLATES.glob("responses/opcc/*.html"),
        TEMPLATES / "deadlines" / "inbox.html",
        TEMPLATES / "deadlines" / "inbox_message.html",
        TEMPLATES / "deadlines" / "mine.html",
        # Emails, in their recipient's language (hmicfrs_mou/emails.py), and the report PDFs' frame.
        *TEMPLATES.glob("emails/*"),
        TEMPLATES / "pdf" / "report.html",
        TEMPLATES / "pdf" / "embargoed_copy.html",
    }
)
LISTED_MODULES = [
    ROOT / "hmicfrs_mou" / "language.py",
    ROOT / "hmicfrs_mou" / "signin" / "forms.py",
    ROOT / "hmicfrs_mou" / "signin" / "views.py",
    ROOT / "hmicfrs_mou" / "signin" / "services.py",
    ROOT / "inspections" / "views" / "public.py",
    ROOT / "monitoring" / "views" / "public.py",
    ROOT / "responses" / "forms.py",
    ROOT / "responses" / "views" / "opcc.py",
    ROOT / "hmicfrs_mou" / "home.py",
    # The header's navigation, every portal's (the header follows the person's language on every page).
    ROOT / "hmicfrs_mou" / "portals.py",
    # The inbox's filters and its "marked as read" message (its other pages are not yet in Welsh).
    ROOT / "hmicfrs_mou" / "deadline_views.py",
    ROOT / "hmicfrs_mou" / "emails.py",
    ROOT / "inspections" / "pdf.py",
]
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy"}


def parse_po(text: str) -> list[dict]:
    """The entries of a .po file: msgid, msgid_plural, msgstr (a list: one per plural form), flags."""
    entries = []
    for block in text.strip().split("\n\n"):
        entry: dict = {"flags": set(), "msgstr": {}, "obsolete": False}
        field = None
        for line in block.splitlines():
            if line.startswith("#~"):
                entry["obsolete"] = True
                continue
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
                continue
            if line.startswith("#"):
                continue
            match = re.match(r'^(msgid_plural|msgid|msgstr(?:\[(\d)\])?)\s+(".*")$', line)
            if match:
                field = match.group(1)
                value = ast.literal_eval(match.group(3))
                if field.startswith("msgstr"):
                    field = int(match.group(2) or 0)
                    entry["msgstr"][field] = value
                else:
                    entry[field] = value
            elif line.startswith('"'):
                value = ast.literal_eval(line)
                if isinstance(field, int):
                    entry["msgstr"][field] += value
                else:
                    entry[field] += value
        if "msgid" in entry and not entry["obsolete"]:
            entry["msgstr"] = [entry["msgstr"][n] for n in sorted(entry["msgstr"])]
            entries.append(entry)
    return entries


@pytest.fixture(scope="module")
def catalogue() -> dict[str, dict]:
    return {entry["msgid"]: entry for entry in parse_po(PO.read_text(encoding="utf-8")) if entry["msgid"]}


# gettext calls, and the _("...") that templatize writes for a filter's argument (|default:_("To date")).
_TEMPLATIZED_CALL = re.compile(
    r"""(?:\b(?:n?p?gettext)|(?<![\w.])_)\(u?('(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*")""", re.S
)


def template_msgids(path: Path) -> set[str]:
    """The msgids makemessages takes from a template: Django's templatize, then the gettext calls."""
    source = templatize(path.read_text(encoding="utf-8"), str(path))
    return {ast.literal_eval(literal.replace("\n", "\\n")) for literal in _TEMPLATIZED_CALL.findall(source)}


def module_msgids(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in GETTEXT_NAMES
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value)
    return found


def test_no_gettext_call_hides_inside_an_f_string():
    """makemessages (xgettext) finds no gettext call inside an f-string: a string wrapped there would leave the
    catalogue at its next run, and its Welsh with it (a late reminder's "[Late]" nearly did)."""
    hidden = []
    for app in ("hmicfrs_mou", "inspections", "monitoring", "responses", "contacts"):
        for path in sorted((ROOT / app).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.JoinedStr):
                    continue
                for inner in ast.walk(node):
                    if (
                        isinstance(inner, ast.Call)
                        and isinstance(inner.func, ast.Name)
                        and inner.func.id in GETTEXT_NAMES
                    ):
                        hidden.append(f"{path.relative_to(ROOT)}:{inner.lineno}")
    assert hidden == [], "move each call out of its f-string:\n" + "\n".join(hidden)


def test_the_welsh_catalogue_translates_every_string_of_the_listed_pages(catalogue):
    """Every string wrapped in the listed templates and modules is in the catalogue (makemessages has been
    run), has a Welsh translation for every plural form, and is not fuzzy."""
    wanted: dict[str, str] = {}
    for path in LISTED_TEMPLATES:
        for msgid in template_msgids(path):
            wanted.setdefault(msgid, str(path.relative_to(ROOT)))
    for path in LISTED_MODULES:
        for msgid in module_msgids(path):
            wanted.setdefault(msgid, str(path.relative_to(ROOT)))
    assert len(wanted) > 250
    missing = sorted(f"{where}: {msgid!r}" for msgid, where in wanted.items() if msgid not in catalogue)
    untranslated = sorted(
        f"{wanted[msgid]}: {msgid!r}"
        for msgid in wanted
        if msgid in catalogue and not all(form.strip() for form in catalogue[msgid]["msgstr"])
    )
    fuzzy = sorted(msgid for msgid, entry in catalogue.items() if "fuzzy" in entry["flags"])
    assert missing == [], "run makemessages -l cy and translate:\n" + "\n".join(missing)
    assert untranslated == [], "\n".join(untranslated)
    assert fuzzy == []


def test_the_catalogue_keeps_the_placeholders_and_plural_forms(catalogue):
    """A translation has the same %(name)s placeholders as its English, and Welsh's four plural forms."""
    for msgid, entry in catalogue.items():
        if not all(entry["msgstr"]):
            continue
        names = set(re.findall(r"%\((\w+)\)s", msgid))
        for form in entry["msgstr"]:
            assert set(re.findall(r"%\((\w+)\)s", form)) <= names | set(
                re.findall(r"%\((\w+)\)s", entry.get("msgid_plural", ""))
            ), msgid
        if "msgid_plural" in entry:
            assert len(entry["msgstr"]) == 4, msgid


def test_the_welsh_words_show_no_rule_codes(catalogue):
    """Plain words in Welsh too: no rule id (U3, D1 ...) in any translation (tests/core/test_no_rule_codes.py)."""
    rule_id = re.compile(r"(?<!R\d{5}-)\b[CDILMPSU]\d{1,2}\b")
    leaks = [form for entry in catalogue.values() for form in entry["msgstr"] if rule_id.search(form)]
    assert leaks == []


def test_the_compiled_catalogue_is_current_with_the_po(catalogue):
    """django.mo (committed: compilemessages needs GNU msgfmt) says exactly what django.po says."""
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    table = compiled._catalog  # type: ignore[attr-defined]
    expected: dict[object, str] = {}
    for msgid, entry in catalogue.items():
        if not all(entry["msgstr"]):
            continue
        if "msgid_plural" in entry:
            for n, form in enumerate(entry["msgstr"]):
                expected[(msgid, n)] = form
        else:
            expected[msgid] = entry["msgstr"][0]
    compiled_entries = {key: value for key, value in table.items() if key != ""}
    assert compiled_entries == expected, "run manage.py compilemessages after editing django.po"


def test_every_public_label_from_other_apps_is_listed_and_translated():
    """Kinds of force or service, governance models, kinds of inspection and finding headings are shown
    through {% translate value %}: each is listed in hmicfrs_mou.language.PUBLIC_LABELS and has Welsh."""
    labels = (
        [str(kind.label) for kind in AREA_KINDS]
        + [str(label) for _, label in GovernanceModel.choices]
        + [str(label) for _, label in InspectionKind.choices]
        + [str(label) for _, label in FindingKind.choices]
        + [str(heading) for heading in FINDING_HEADINGS.values()]
    )
    assert sorted(set(labels) - set(PUBLIC_LABELS)) == []
    with translation.override("cy"):
        untranslated = [label for label in labels if translation.gettext(label) == label and label != "PEEL"]
    assert untranslated == []


def test_every_role_has_its_welsh_name_for_the_appointments_each_home_page_shows(catalogue):
    """The OPCC home (and every portal's) names the person's appointments by their role's label: each
    label of contacts.models.Role has Welsh in the catalogue."""
    untranslated = [
        str(label)
        for _, label in Role.choices
        if not (catalogue.get(str(label), {}).get("msgstr") or [""])[0]
    ]
    assert untranslated == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "welsh"),
    [
        ("/public/", ["Heddluoedd a gwasanaethau tân ac achub", "Neidio i'r prif gynnwys"]),
        ("/accounts/login/", ["Mewngofnodi i borth memorandwm cyd-ddealltwriaeth HMICFRS–APCC", "Cyfrinair"]),
        ("/accounts/password-reset/", ["Ailosod eich cyfrinair", "Cyfeiriad e-bost"]),
        ("/public/reports/", ["Adroddiadau arolygu cyhoeddedig", "Chwilio"]),
        ("/public/engage/police/", ["Heddluoedd yn Engage", "Monitro uwch"]),
        ("/accessibility/", ["Datganiad hygyrchedd ar gyfer porth", "Gweithdrefn orfodi"]),
        ("/privacy/", ["Preifatrwydd"]),
    ],
)
def test_public_pages_and_signing_in_are_in_welsh_when_the_browser_asks_for_it(
    client, directory, path, welsh
):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="cy")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="cy"' in html
    assert response["Content-Language"] == "cy"
    for text in welsh:
        assert text in html
    assert "Skip to main content" not in html
    # The switch back names English in English.
    assert 'lang="en-GB">English</button>' in html
    # And the same page in English by default.
    english = client.get(path).content.decode()
    assert '<html lang="en-GB"' in english
    assert "Skip to main content" in english
    assert 'lang="cy">Cymraeg</button>' in english


@pytest.mark.django_db
def test_a_page_not_found_is_in_welsh_too(client):
    response = client.get("/public/no-such-page/", HTTP_ACCEPT_LANGUAGE="cy")
    assert response.status_code == 404
    assert "Heb ddod o hyd i'r dudalen" in response.content.decode()


@pytest.mark.django_db
def test_a_published_report_in_welsh_keeps_its_text_and_names_the_zone(hmi_a, force_a):
    """U3 report page in Welsh: the portal's words are Welsh, the report's title and text are not
    translated, the publication moment has Welsh day and month names and still says GMT."""
    report = build_report(lead=hmi_a, areas=[force_a])
    with time_machine.travel(PUBLICATION + dt.timedelta(hours=1), tick=False):
        response = Client().get(
            reverse("public_reports:report", kwargs={"pk": report.pk}), HTTP_ACCEPT_LANGUAGE="cy"
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="cy"' in html
    assert report.title in html
    assert "10:00 GMT, Dydd Llun 26 Hydref 2026" in html
    assert "Achosion pryder" in html
    assert "Darllen neu lawrlwytho'r adroddiad hwn (PDF)" in html


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.UTC), "1 Gorffennaf 2026, 10:00 BST"),
        (dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), "1 Rhagfyr 2026, 09:00 GMT"),
        # The hour the clocks go back: the zone is still named (hmicfrs_mou/templatetags/zone_dates.py).
        (dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC), "25 Hydref 2026, 01:30 BST"),
        (dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC), "25 Hydref 2026, 01:30 GMT"),
    ],
)
def test_the_date_filter_gives_welsh_month_names_and_the_zone(moment, expected):
    template = Template('{{ moment|date:"j F Y, H:i T" }}')
    with translation.override("cy"):
        rendered = template.render(Context({"moment": moment.astimezone(ZoneInfo("Europe/London"))}))
    assert rendered == expected


@pytest.mark.django_db
def test_the_switch_keeps_the_page_and_sets_the_language_for_a_visitor(client):
    response = client.post(reverse("set_language"), {"language": "cy", "next": "/public/reports/"})
    assert response.status_code == 302
    assert response["Location"] == "/public/reports/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "cy"
    page = client.get("/public/reports/", HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="cy"' in page.content.decode()
    # Never sent elsewhere.
    away = client.post(reverse("set_language"), {"language": "en-gb", "next": "https://example.com/"})
    assert away["Location"] == "/"


@pytest.mark.django_db
def test_a_signed_in_persons_choice_is_stored_and_follows_them_to_their_next_sign_in(pcc_office_a):
    client = Client()
    client.force_login(pcc_office_a)
    client.post(reverse("set_language"), {"language": "cy", "next": "/public/"})
    assert Preferences.objects.get(user=pcc_office_a).language == "cy"
    # Another browser (English, no cookie): the choice comes back with the sign-in.
    other = Client()
    other.force_login(pcc_office_a)
    assert other.session[SESSION_KEY] == "cy"
    page = other.get("/accessibility/", HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="cy"' in page.content.decode()
    # Switching back is kept too.
    other.post(reverse("set_language"), {"language": "en-gb", "next": "/accessibility/"})
    assert Preferences.objects.get(user=pcc_office_a).language == "en-gb"
    assert '<html lang="en-GB"' in other.get("/accessibility/", HTTP_ACCEPT_LANGUAGE="cy").content.decode()


@pytest.mark.django_db
def test_an_unknown_language_changes_nothing(pcc_office_a):
    client = Client()
    client.force_login(pcc_office_a)
    client.post(reverse("set_language"), {"language": "fr", "next": "/public/"})
    assert not Preferences.objects.filter(user=pcc_office_a).exists()
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_the_opcc_portal_is_in_welsh_for_an_opcc_person_who_asks_for_it(hmi_a, force_a, pcc_office_a):
    """U6 pages in Welsh: the OPCC home, reports awaiting a response, the response builder's overview and
    form, and my deadlines; the report's title (data) stays as it is, and nothing is left in English."""
    report = publish_report(lead=hmi_a, areas=[force_a], title="Thematic: police response to stalking")
    obligation = ResponseObligation.objects.get(report=report, area=force_a)
    client = Client()
    client.force_login(pcc_office_a)
    pages = {
        reverse("portal-opcc"): [
            "Porth swyddfa'r comisiynydd heddlu a throseddu",
            "Eich gwaith i'w gyflwyno",
        ],
        reverse("responses:awaiting"): ["Adroddiadau sy'n aros am eich ymateb", "Yn aros am ymateb"],
        reverse("responses:obligation", kwargs={"pk": obligation.pk}): [
            "Paratoi'r ymateb",
            "Gwahodd sylwadau'r prif swyddog",
            "Fersiynau a gyflwynwyd",
        ],
        reverse("responses:edit", kwargs={"pk": obligation.pk}): [
            "Ysgrifennu'r ymateb",
            "Sylwadau'r comisiynydd heddlu a throseddu ar yr adroddiad",
            ": y camau a gymerwyd neu a gynigir",
        ],
        reverse("my-deadlines"): ["Fy nyddiadau cau", "Sut y cafodd hyn ei gyfrifo"],
        reverse("inbox"): ["Mewnflwch", "Nodi bod y cyfan wedi'i ddarllen"],
    }
    with time_machine.travel(IN_PERIOD, tick=False):
        for path, welsh in pages.items():
            response = client.get(path, HTTP_ACCEPT_LANGUAGE="cy")
            assert response.status_code == 200, path
            html = html_text.unescape(response.content.decode())
            assert '<html lang="cy"' in html, path
            assert '<div class="govuk-width-container" lang="en-GB">' not in html, path  # Welsh, as the page
            for text in welsh:
                assert text in html, (path, text)
            for english in ("Reports awaiting your response", "How this was worked out", "Your work due"):
                assert english not in html, (path, english)
        assert (
            report.title
            in client.get(reverse("responses:awaiting"), HTTP_ACCEPT_LANGUAGE="cy").content.decode()
        )


def test_the_pages_rendered_in_welsh_are_the_pages_the_catalogue_covers():
    """WCAG 3.1.2 (language of parts): a page is rendered in Welsh only when every string of its template is
    in the catalogue: the templates matched by TRANSLATED_PAGES are the listed ones, no more, no fewer."""

    def portal_page(path: Path) -> bool:
        """Whether the template is a page of the portal: it extends base.html, directly or through a layout."""
        while match := re.search(r'{% extends "([^"]+)" %}', path.read_text()):
            if match.group(1) == "base.html":
                return True
            path = TEMPLATES / match.group(1)
        return False

    pages = {path for path in TEMPLATES.rglob("*.html") if portal_page(path)}
    assert len(pages) > 100
    for path in sorted(pages):
        name = str(path.relative_to(TEMPLATES))
        assert page_translated(name) == (path in LISTED_TEMPLATES), name


@pytest.mark.django_db
def test_a_page_not_yet_in_welsh_keeps_its_content_english_and_says_so(hmi_a, pcc_office_a):
    """The header and footer follow the person's language; the content of a page not in the catalogue is
    English and marked so, including the shared lists of due work that are Welsh on the OPCC's home."""
    container = '<div class="govuk-width-container" lang="en-GB">'
    hmi = Client()
    hmi.force_login(hmi_a)
    html = html_text.unescape(hmi.get(reverse("portal-hmicfrs"), HTTP_ACCEPT_LANGUAGE="cy").content.decode())
    assert '<html lang="cy"' in html
    assert container in html
    assert "Your work due" in html
    assert "Eich gwaith i'w gyflwyno" not in html
    assert "Allgofnodi" in html  # the header's "Sign out", in Welsh
    opcc = Client()
    opcc.force_login(pcc_office_a)
    html = html_text.unescape(opcc.get(reverse("portal-opcc"), HTTP_ACCEPT_LANGUAGE="cy").content.decode())
    assert container not in html
    assert "Eich gwaith i'w gyflwyno" in html
    english = opcc.get(reverse("monitoring:workspace"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en-GB"' in english
    assert container not in english


class _TextNodes(HTMLParser):
    """Each piece of text a person reads on a page, as its own string (not inside scripts or styles), and
    whether it sits in content marked English (a page not yet in Welsh keeps its content English)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.nodes: list[str] = []
        self._stack: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"br", "img", "input", "meta", "link", "hr", "wbr", "source"}:
            return
        skipped = tag in {"script", "style", "template"} or dict(attrs).get("lang") == "en-GB"
        self._stack.append((tag, skipped or (bool(self._stack) and self._stack[-1][1])))

    def handle_endtag(self, tag: str) -> None:
        while self._stack:
            if self._stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._stack and self._stack[-1][1]:
            return
        text = re.sub(r"\s+", " ", data).strip()
        if text:
            self.nodes.append(text)


@pytest.mark.slow
@pytest.mark.django_db
def test_no_string_of_the_catalogue_is_left_english_on_a_welsh_page_a_pcc_office_or_visitor_reaches(
    demo, client_for, catalogue
):
    """The Welsh portals are Welsh throughout, not only their templates: every page an OPCC login (and a
    visitor) reaches from their home in Welsh is checked for any piece of text that is a string of the
    catalogue left untranslated: a choice label, a form's words, a service's message. The English
    content of a page not yet in Welsh (marked lang="en-GB") and data (names, titles) are not strings of
    the catalogue, so they are not counted."""
    # A string is left English when the page shows its msgid where Welsh differs (or there is no Welsh yet).
    untranslated = {
        msgid
        for msgid, entry in catalogue.items()
        if "msgid_plural" not in entry and (entry["msgstr"] or [""])[0].strip() != msgid
    }
    assert {"Sign out", "Inbox"} <= untranslated, "the check must see the words the header shows"
    leaks: set[str] = set()
    pages = 0

    def read(response: Any) -> str:
        nonlocal pages
        if "html" in response.get("Content-Type", ""):
            html = response.content.decode()
            assert '<html lang="cy"' in html
            parser = _TextNodes()
            parser.feed(html)
            pages += 1
            leaks.update(
                f"{response.wsgi_request.path}: {node!r}" for node in parser.nodes if node in untranslated
            )
        return ""

    with time_machine.travel(dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC), tick=False):
        for login in [*(user for user in demo if user.username in WELSH_LOGINS), None]:
            client = client_for(login)
            client.defaults["HTTP_ACCEPT_LANGUAGE"] = "cy"
            crawl(client, "/public/" if login is None else "/", read=read)
    assert pages > 40
    first_seen: dict[str, list[str]] = {}
    for leak in sorted(leaks):
        path, node = leak.split(": ", 1)
        first_seen.setdefault(node, []).append(path)
    assert first_seen == {}, "\n".join(
        f"{node} on {len(paths)} pages: {paths[:3]}" for node, paths in first_seen.items()
    )
