"""Search over the Engage cases a person may open (M4–M10), for the portal search.

The cases come from `EngageCase.objects.visible_to` (monitoring/access.py): before the announcement (M5)
only HMICFRS for the area and, from the moment the PCC was told (M6), the area's offices; after it,
every APCC and HMICFRS role too. A word is matched in the force's or FRS's name, the causes of concern
(read with the case) and the public announcement once made; never in the HMI's advice or evidence, which
stay inside HMICFRS. Rows show the area and where the case stands, never its text.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.urls import reverse

from contacts.models import Organisation
from hmicfrs_mou.search import Ask, Hit, asks_words, listing
from monitoring.models import EngageCase, EngageCause

CASE_TYPE = "monitoring.engagecase"


def _standing(case: EngageCase, at: dt.datetime) -> str:
    if case.exited_at is not None and case.exited_at <= at:
        return "Left Engage"
    if case.decision_engage is False:
        return "Not placed in Engage"
    if case.announced_at is not None and case.announced_at <= at:
        return "In Engage"
    return "Not yet announced"


@asks_words
def ask_cases(user: Any, words: list[str], at: dt.datetime) -> Ask:
    """The Engage cases the reader may open at `at` that match every word, newest advice first."""
    condition = Q()
    for word in words:
        # Three lists of ids, each read once (the organisations, a small table, in full; on PostgreSQL the
        # causes and the announcements through their trigram indexes, monitoring 0005), and each case
        # tested by id: not every case's joined area name, announcement and causes read for each word.
        areas = Organisation.objects.filter(name__icontains=word).values("pk")
        causes = EngageCause.objects.filter(text__icontains=word).values("case_id")
        announced = EngageCase.objects.filter(announcement__icontains=word, announced_at__lte=at).values("pk")
        condition &= Q(area_id__in=areas) | Q(pk__in=announced) | Q(pk__in=causes)

    def unannounced(shown: list[EngageCase]) -> dict[str, dict[str, list[int]]]:
        # Cases not yet announced are HMICFRS's and the area's offices' alone: seen here, they are on the
        # trail.
        pks = sorted(case.pk for case in shown if case.announced_at is None or case.announced_at > at)
        return {CASE_TYPE: {"unannounced": pks}} if pks else {}

    return listing(
        EngageCase.objects.visible_to(user, at).filter(condition).order_by("-advised_at", "-pk"),
        lambda case: Hit(
            title=str(case),
            url=reverse("monitoring:case", kwargs={"pk": case.pk}),
            detail=case.area.get_kind_display(),
            tag=_standing(case, at),
        ),
        read=lambda rows: rows.select_related("area"),
        restricted=unannounced,
    )
