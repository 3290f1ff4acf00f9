"""Public-domain material a panel briefing may rely on (C5), offered by the apps above.

C5: at a panel meeting an HMI gives only information already in the public domain. The briefing
notes list the published documents they rely on, chosen from what is public at that moment. The
directory cannot ask inspections whether a report is published (inspections sits above it), so
inspections registers a source here in its ready(), as it registers its report sections and its
calendar moments; contacts asks every registered source.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from dataclasses import dataclass


@dataclass(frozen=True)
class PublicDocument:
    """A document in the public domain at a moment: "inspections.report:12", its title and when."""

    key: str
    title: str
    published_at: dt.datetime
    url: str = ""


# A source answers: the documents public at `at` (only those with the given keys, when keys are given).
PublicSource = Callable[[dt.datetime, Collection[str] | None], list[PublicDocument]]

SOURCES: dict[str, PublicSource] = {}


def register_public_source(name: str, source: PublicSource) -> PublicSource:
    """Add (or replace, by name) a source of public-domain documents; apps call it in ready()."""
    SOURCES[name] = source
    return source


def public_documents(at: dt.datetime, keys: Collection[str] | None = None) -> list[PublicDocument]:
    """Every document public at `at` (or those of `keys` that are), newest first."""
    found = [doc for source in SOURCES.values() for doc in source(at, keys)]
    return sorted(found, key=lambda doc: (doc.published_at, doc.key), reverse=True)
