"""Search over the statutory responses (U6) and FRS action plans (U8) a person may open, for the portal search.

Every row comes from the access rules of this app (responses/access.py, responses/plans.py), and a word
is matched only in text the reader may read:

| what is matched                                   | in whose rows                                           |
|---------------------------------------------------|---------------------------------------------------------|
| the report's title, the force's name, the office's | every obligation the reader may open                   |
| the draft's parts (PCC's comments, reply, chief's) | the office's own obligations only (`drafts_visible_to`) |
| the submitted versions' text                      | those the reader may see (`submissions_visible_to`)      |
| the chief's comments                              | the chief's office invited to give them (`obligations_for_chief`) |
| a plan's report, FRS and actions                  | the plans the reader may read (`action_plans_visible_to`) |
| a super-complaint's title and designated body     | those the reader may see (`super_complaints_visible_to`) |

Rows show titles and names only, never draft text.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse

from contacts.models import Organisation
from hmicfrs_mou.search import Found, Hit, contains_all, total
from inspections.models import Report
from inspections.search import REPORT_TEXT
from responses.access import drafts_visible_to, obligations_for_chief, submissions_visible_to
from responses.complaints import super_complaints_visible_to
from responses.models import ActionPlanItem, ObligationState, ResponseObligation
from responses.plans import action_plans_visible_to

OBLIGATION_TYPE = "responses.responseobligation"
DRAFT_FIELDS = ("pcc_comments", "reply_to_chief", "chief_comments")


def _public_match(word: str, prefix: str = "") -> Q:
    """The obligations (`prefix` "obligation__" from a submission) whose report's title or force's or
    office's name holds the word. Asked of the reports and organisations, each a small table, and matched
    by id: as a condition on the joined title and names of every obligation, the database upper-cased and
    scanned each obligation's three texts, the most of a search's time."""
    names = Organisation.objects.filter(name__icontains=word).values("pk")
    return (
        Q(**{f"{prefix}report_id__in": Report.objects.filter(title__icontains=word).values("pk")})
        | Q(**{f"{prefix}area_id__in": names})
        | Q(**{f"{prefix}office_id__in": names})
    )


def _every_word(words: list[str], *fields: str, prefix: str = "") -> Q:
    """Every word in the public fields (`_public_match`) or in one of `fields` of the row itself."""
    condition = Q()
    for word in words:
        either = _public_match(word, prefix)
        for name in fields:
            either |= Q(**{f"{name}__icontains": word})
        condition &= either
    return condition


def _matching_obligations(user: Any, words: list[str], at: dt.datetime) -> QuerySet[Any]:
    visible = ResponseObligation.objects.visible_to(user, at)
    own = drafts_visible_to(visible, user).filter(_every_word(words, *DRAFT_FIELDS))
    submitted = submissions_visible_to(user).filter(_every_word(words, "content", prefix="obligation__"))
    return visible.filter(
        _every_word(words) | Q(pk__in=own.values("pk")) | Q(pk__in=submitted.values("obligation_id"))
    )


def _row(obligation: ResponseObligation, url: str) -> Hit:
    return Hit(
        title=f"Response to {obligation.report.title}",
        url=url,
        detail=f"{obligation.area.name} – {obligation.office.name}",
        tag=obligation.get_state_display(),
    )


def search_responses(user: Any, words: list[str], at: dt.datetime, limit: int) -> Found:
    """The PCC responses the reader may open at `at` that match every word, soonest due first."""
    if not words:
        return Found()
    related = ("report", "area", "office")
    # The rows name the report; its text (a whole report) is not read.
    unread = [f"report__{name}" for name in REPORT_TEXT]
    matching = _matching_obligations(user, words, at)
    for_chief = obligations_for_chief(user, at).filter(_every_word(words, "chief_comments"))
    shown = list(matching.select_related(*related).defer(*unread).order_by("due_at", "pk")[:limit])
    rows = [
        _row(obligation, reverse("responses:obligation", kwargs={"pk": obligation.pk}))
        for obligation in shown
    ]
    # The chief's office's rows fill what the office's own leave. When those fill the limit, no row of the
    # chief's is read (an empty slice asks the database nothing), and `total` counts them instead.
    room = limit - len(shown)
    for_chief_shown = list(for_chief.select_related(*related).defer(*unread).order_by("due_at", "pk")[:room])
    rows += [
        _row(obligation, reverse("responses:chief-comments", kwargs={"pk": obligation.pk}))
        for obligation in for_chief_shown
    ]
    # The office's own drafts among the rows: the obligation page puts every reading of one on the trail.
    drafts = sorted(
        drafts_visible_to(
            ResponseObligation.objects.filter(pk__in=[o.pk for o in shown], state=ObligationState.AWAITING),
            user,
        ).values_list("pk", flat=True)
    )
    return Found(
        rows=rows,
        count=total(matching, len(shown), limit) + total(for_chief, len(for_chief_shown), room),
        restricted={OBLIGATION_TYPE: {"draft": drafts}} if drafts else {},
    )


def search_plans(user: Any, words: list[str], at: dt.datetime, limit: int) -> Found:
    """The FRS action plans the reader may read at `at` whose report, FRS or actions hold every word."""
    if not words:
        return Found()
    condition = Q()
    for word in words:
        actions = ActionPlanItem.objects.filter(
            finding__report_id=OuterRef("report_id"),
            area_id=OuterRef("organisation_id"),
            action__icontains=word,
        )
        condition &= (
            Q(report__title__icontains=word) | Q(organisation__name__icontains=word) | Q(Exists(actions))
        )
    plans = action_plans_visible_to(user, at).filter(condition)
    shown = list(
        plans.select_related("report", "organisation")
        .defer(*(f"report__{name}" for name in REPORT_TEXT))
        .order_by("-report__publication_at", "organisation__name", "pk")[:limit]
    )
    rows = [
        Hit(
            title=f"Action plan: {plan.report.title}",
            url=reverse(
                "responses:plan", kwargs={"report_pk": plan.report_id, "area_pk": plan.organisation_id}
            ),
            detail=plan.organisation.name,
        )
        for plan in shown
    ]
    return Found(rows=rows, count=total(plans, len(shown), limit))


def search_for(user: Any, words: list[str], at: dt.datetime, limit: int) -> tuple[Found, Found]:
    """The portal search's groups from this app: (PCC responses, FRS action plans)."""
    return search_responses(user, words, at, limit), search_plans(user, words, at, limit)


def search_complaints(user: Any, words: list[str], at: dt.datetime, limit: int) -> Found:
    """S1–S3: the super-complaints the reader may see at `at` whose title or designated body holds every
    word, the latest received first."""
    if not words:
        return Found()
    complaints = super_complaints_visible_to(user, at).filter(
        contains_all(("title", "designated_body"), words)
    )
    shown = list(complaints.order_by("-received_at", "-pk")[:limit])
    return Found(
        rows=[
            Hit(
                title=complaint.title,
                url=reverse("responses:complaint", kwargs={"pk": complaint.pk}),
                detail=complaint.designated_body,
                tag=complaint.get_state_display(),
            )
            for complaint in shown
        ],
        count=total(complaints, len(shown), limit),
    )
