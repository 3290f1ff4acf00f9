"""The catalogues' chain without its empty links translates every string as Django's full chain does.

hmicfrs_mou.language.drop_empty_fallbacks takes out of each language's fallbacks the catalogues that hold
no message (five of Django's own apps ship an empty `en` catalogue beside `en_GB`), so a string that is not
translated stops missing six catalogues in turn. These tests build Django's chain afresh, read every
message any catalogue in it holds, and hold the pruned chain to the same answers.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import trans_real

from hmicfrs_mou.language import drop_empty_fallbacks

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def _chain(catalogue: gettext.NullTranslations) -> list[gettext.NullTranslations]:
    links = []
    node: gettext.NullTranslations | None = catalogue
    while node is not None:
        links.append(node)
        node = node._fallback  # type: ignore[attr-defined]
    return links


def _messages(catalogue: gettext.NullTranslations) -> set[str]:
    """Every singular message id any link of the chain holds (Django's merged catalogue keeps several dicts)."""
    ids: set[str] = set()
    for link in _chain(catalogue):
        merged = getattr(link._catalog, "_catalogs", None)  # type: ignore[attr-defined]
        for part in merged if merged is not None else [link._catalog]:  # type: ignore[attr-defined]
            ids.update(key for key in part if isinstance(key, str) and key)
    return ids


@pytest.fixture
def fresh_catalogues() -> Iterator[None]:
    """Django's catalogues built again (with their whole chain), the process's own put back afterwards."""
    kept = dict(trans_real._translations)
    trans_real._translations.clear()
    try:
        with translation.override(None):
            yield
    finally:
        trans_real._translations.clear()
        trans_real._translations.update(kept)


def test_the_running_portal_has_no_empty_catalogue_in_any_chain():
    """Done once the apps are loaded (HmicfrsMouConfig.ready), for every language the portal offers."""
    for code in LANGUAGES:
        links = _chain(trans_real.translation(code))
        empty = [
            link for link in links if type(link) is gettext.GNUTranslations and set(link._catalog) <= {""}
        ]
        assert empty == [], code


@pytest.mark.usefixtures("fresh_catalogues")
@pytest.mark.parametrize("code", LANGUAGES)
def test_every_message_translates_as_it_did_with_the_whole_chain(code):
    full = trans_real.translation(code)
    before_links = len(_chain(full))
    messages = _messages(full) | {"A sentence no catalogue holds.", "Inspections in your area"}
    plurals = [("%(count)s day", "%(count)s days"), ("%(num)d minute", "%(num)d minutes")]
    expected = {message: full.gettext(message) for message in messages}
    expected_plurals = {
        (one, many, n): full.ngettext(one, many, n) for one, many in plurals for n in (0, 1, 2, 3, 6)
    }

    drop_empty_fallbacks()

    pruned = trans_real.translation(code)
    assert pruned is full  # pruned in place: the catalogue Django caches and activates
    assert len(_chain(pruned)) < before_links  # there were empty links to drop
    assert {message: pruned.gettext(message) for message in messages} == expected
    assert {
        (one, many, n): pruned.ngettext(one, many, n) for (one, many, n) in expected_plurals
    } == expected_plurals


@pytest.mark.usefixtures("fresh_catalogues")
def test_welsh_still_falls_back_to_british_english_and_django_s_own_words():
    drop_empty_fallbacks()
    welsh = trans_real.translation("cy")
    links = _chain(welsh)
    assert trans_real.translation("en-gb") in links  # Django's fallback to LANGUAGE_CODE is kept
    with translation.override("cy"):
        assert translation.gettext("Police force") != "Police force"  # the portal's catalogue
        assert translation.pgettext("abbrev. month", "April") != "April"  # Django's own Welsh
        assert translation.gettext("A sentence no catalogue holds.") == "A sentence no catalogue holds."
    with translation.override("en-gb"):
        assert translation.gettext("Police force") == "Police force"


@pytest.mark.usefixtures("fresh_catalogues")
def test_dropping_twice_changes_nothing():
    drop_empty_fallbacks()
    first = {code: _chain(trans_real.translation(code)) for code in LANGUAGES}
    drop_empty_fallbacks()
    assert {code: _chain(trans_real.translation(code)) for code in LANGUAGES} == first
