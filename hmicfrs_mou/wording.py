"""Phrases several apps put together from parts, each written once so it is translated once: a list of
names joined with "and" (Welsh "a" or "ac"), and a number of police forces or fire and rescue services.
Part of the shared core's floor: it imports no app."""

from __future__ import annotations

from django.utils.translation import gettext, ngettext

_VOWELS = frozenset("aeiouwyâêîôûŵŷáéíóúẃýàèìòùẁỳäëïöüẅÿ")


def and_join(names: list[str]) -> str:
    """'A, B and C' in the active language. Welsh says "ac" before a vowel and "a" otherwise, so the
    last name's first letter chooses between two messages (both "and" in English)."""
    if len(names) <= 1:
        return "".join(names)
    head, last = ", ".join(names[:-1]), names[-1]
    if last[:1].lower() in _VOWELS:
        # Translators: the last name begins with a vowel.
        return gettext("%(names)s and %(last_beginning_with_a_vowel)s") % {
            "names": head,
            "last_beginning_with_a_vowel": last,
        }
    return gettext("%(names)s and %(last)s") % {"names": head, "last": last}


def police_forces(count: int) -> str:
    """'1 police force', '43 police forces'."""
    return ngettext("%(count)s police force", "%(count)s police forces", count) % {"count": count}


def fire_services(count: int) -> str:
    """'1 fire and rescue service', '44 fire and rescue services'."""
    return ngettext("%(count)s fire and rescue service", "%(count)s fire and rescue services", count) % {
        "count": count
    }
