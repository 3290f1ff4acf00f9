"""The portal's language: English or Welsh (issue 12).

Who chooses, first match wins:
1. a signed-in person's own choice (`Preferences.language`), copied into the session at sign-in and by
   the switch, so no page reads the database for it;
2. the switch's cookie (Django's `set_language`), for a visitor or a person who never chose;
3. the browser's Accept-Language; else British English.
`LocaleMiddleware` does 2 and 3; `PreferredLanguageMiddleware`, straight after it, does 1.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from fnmatch import fnmatchcase
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext_noop, trans_real
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from hmicfrs_mou.models import Preferences

SESSION_KEY = "language"

# Words from other apps' choices that the public pages show through `{% translate value %}` (kind of
# force or service, governance model, kind of inspection, finding headings, country). Listed here so
# makemessages finds them; tests/core/test_welsh.py checks every label of those choices is here.
PUBLIC_LABELS = (
    gettext_noop("Police force"),
    gettext_noop("Fire and rescue service"),
    gettext_noop("England"),
    gettext_noop("Wales"),
    gettext_noop("Police and crime commissioner"),
    gettext_noop("Police, fire and crime commissioner"),
    gettext_noop("Mayor (PCC functions)"),
    gettext_noop("City of London Police Authority"),
    gettext_noop("Fire and rescue authority"),
    gettext_noop("Mayor (fire and rescue authority)"),
    gettext_noop("County or unitary council"),
    gettext_noop("PEEL"),
    gettext_noop("Fire and rescue service inspection"),
    gettext_noop("Thematic"),
    gettext_noop("Commissioned"),
    gettext_noop("Joint inspection"),
    gettext_noop("Cause of concern"),
    gettext_noop("Recommendation"),
    gettext_noop("Area for improvement"),
    gettext_noop("Causes of concern"),
    gettext_noop("Recommendations"),
    gettext_noop("Areas for improvement"),
)

# The pages translated into Welsh, as template names (fnmatch patterns): the public pages, signing in, the
# error pages, the accessibility and privacy pages and the OPCC portal. Any other page asked for in Welsh
# keeps its header and footer in Welsh but renders its content (back link, messages, main) in English,
# marked lang="en-GB" (WCAG 3.1.2, language of parts), so no English page claims to be Welsh and no Welsh
# component (the due-work list, pagination) is dropped into an English page. tests/core/test_welsh.py
# checks that the catalogue translates every string of these templates.
TRANSLATED_PAGES = (
    "403.html",
    "404.html",
    "500.html",
    "public/*.html",
    "inspections/public/*.html",
    "monitoring/public/*.html",
    "responses/public/*.html",
    "pages/*.html",
    "registration/*.html",
    "portals/opcc_home.html",
    "responses/opcc/*.html",
    "deadlines/inbox.html",
    "deadlines/inbox_message.html",
    "deadlines/mine.html",
)


def page_translated(template_name: str | None) -> bool:
    """Whether the page rendered from this template is in the catalogue (a template from a string is)."""
    return template_name is None or any(fnmatchcase(template_name, pattern) for pattern in TRANSLATED_PAGES)


def content_language(template_name: str | None) -> str:
    """The language of a page's content: the active one for a translated page, else British English."""
    active = translation.get_language() or settings.LANGUAGE_CODE
    return active if page_translated(template_name) else "en-gb"


# Corrections to Django's own Welsh, which this catalogue overrides (LOCALE_PATHS come first): July is
# "Gorffennaf", and the sign-in error is not only for staff accounts.
DJANGO_CORRECTIONS = (
    gettext_noop("July"),
    gettext_noop(
        "Please enter a correct %(username)s and password. Note that both fields may be case-sensitive."
    ),
)


def _empty(catalogue: gettext.NullTranslations) -> bool:
    """A plain catalogue with no message in it, only the header that every .mo file carries."""
    return type(catalogue) is gettext.GNUTranslations and not set(catalogue._catalog) - {""}  # type: ignore[attr-defined]


def drop_empty_fallbacks() -> None:
    """Take the empty catalogues out of each language's chain of fallbacks.

    Django finds an `en` catalogue beside `en_GB` in five of its own apps, each empty (English is their
    source), and chains each behind the language's catalogue. A string that is not translated (every
    string of an English page) then misses six catalogues in turn before it comes back as itself: about
    a tenth of a page's time under the profiler (issue 13). Dropping a catalogue with no message cannot
    change what any string translates to. Run once the apps are loaded; a test that changes
    LANGUAGES, LANGUAGE_CODE or LOCALE_PATHS gets Django's catalogues afresh, with the chain (slower,
    not different).
    """
    for code, _name in settings.LANGUAGES:
        node: gettext.NullTranslations | None = trans_real.translation(code)
        while node is not None:
            after = node._fallback  # type: ignore[attr-defined]
            while after is not None and _empty(after):
                after = after._fallback
            node._fallback = after  # type: ignore[attr-defined]
            node = after


def supported(language: str) -> bool:
    return language in dict(settings.LANGUAGES)


class PreferredLanguageMiddleware:
    """Activates the language a signed-in person chose (kept on the session), over cookie and browser."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        language = session.get(SESSION_KEY) if session is not None else None
        if language and supported(language):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The header's switch: Django's view (the cookie, back to the page the person was on), and for a
    signed-in person their choice kept on their preferences and their session."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if supported(language) and request.user.is_authenticated:
        request.session[SESSION_KEY] = language
        preferences = Preferences.of(request.user)
        preferences.language = language
        preferences.full_clean()
        preferences.save()
    return response


@receiver(user_logged_in, dispatch_uid="language_at_sign_in")
def _language_at_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """At sign-in the person's own choice, if they made one, becomes the session's language."""
    session = getattr(request, "session", None)
    if session is None:
        return
    language = Preferences.objects.filter(user=user).values_list("language", flat=True).first()
    if language and supported(language):
        session[SESSION_KEY] = language
        translation.activate(language)
