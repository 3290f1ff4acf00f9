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
from hmicfrs_mou.search import Ask, Found, Hit, Matched, Part, asks_words, contains_all, listing
from inspections.models import REPORT_TEXT, Report
from responses.access import drafts_visible_to, obligations_for_chief, submissions_visible_to
from responses.complaints import super_complaints_visible_to
from responses.models import ActionPlanItem, ObligationState, ResponseObligation
from responses.plans import action_plans_visible_to, plan_keys

OBLIGATION_TYPE = "responses.responseobligation"
DRAFT_FIELDS = ("pcc_comments", "reply_to_chief", "chief_comments")


def _public_match(word: str, prefix: str = "") -> Q:
    """The obligations (`prefix` "obligation__" from a submission) whose report's title or force's or
    office's name holds the word: their report's, area's or office's id among the reports and organisations
    that hold it, each list read once (the report titles through their trigram index; the organisations, a
    small table, in full) and kept in a hash that every obligation's three ids are tested against. Not the
    obligations' ids from a union of those lists: joined back to every obligation under the other
    conditions, each obligation was read twice; nor a condition on each obligation's joined title and
    names, which upper-cased and scanned each obligation's three texts."""
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


def _any_word(words: list[str], *fields: str) -> Q:
    """Some word in one of `fields`."""
    condition = Q()
    for word in words:
        for name in fields:
            condition |= Q(**{f"{name}__icontains": word})
    return condition


def _matching_obligations(user: Any, words: list[str], at: dt.datetime) -> QuerySet[Any]:
    """The obligations the reader may open whose public fields hold every word; or, for the office's own,
    whose public fields and draft do; or whose public fields and one submitted version the reader may see do.

    A draft or a version that holds none of the words adds nothing to the public fields' match, so only
    those holding one are asked about the rest (on PostgreSQL through the trigram index on the versions'
    text): matched against every version's obligation, every version was joined and read."""
    visible = ResponseObligation.objects.visible_to(user, at)
    own = (
        drafts_visible_to(visible, user)
        .filter(_any_word(words, *DRAFT_FIELDS))
        .filter(_every_word(words, *DRAFT_FIELDS))
    )
    submitted = (
        submissions_visible_to(user)
        .filter(_any_word(words, "content"))
        .filter(_every_word(words, "content", prefix="obligation__"))
    )
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


def _named(rows: QuerySet[Any]) -> QuerySet[Any]:
    # The rows name the report; its text (a whole report) is not read.
    return rows.select_related("report", "area", "office").defer(*(f"report__{name}" for name in REPORT_TEXT))


@asks_words
def ask_responses(user: Any, words: list[str], at: dt.datetime) -> Ask:
    """The PCC responses the reader may open at `at` that match every word, soonest due first: the office's
    own (and those the reader may open), then the chief's office's, invited to comment, in the room left."""
    matching = _matching_obligations(user, words, at)
    for_chief = obligations_for_chief(user, at).filter(_every_word(words, "chief_comments"))

    def found(own: Matched, chiefs: Matched) -> tuple[Found]:
        shown = own.rows()
        rows = [
            _row(obligation, reverse("responses:obligation", kwargs={"pk": obligation.pk}))
            for obligation in shown
        ]
        # The chief's office's rows fill what the office's own leave: none are read when those fill the
        # group, and both are counted in full.
        room = own.limit - len(shown)
        rows += [
            _row(obligation, reverse("responses:chief-comments", kwargs={"pk": obligation.pk}))
            for obligation in (chiefs.rows()[:room] if room else [])
        ]
        # The office's own drafts among the rows: the obligation page puts every reading of one on the trail.
        drafts = sorted(obligation.pk for obligation in shown if obligation.own_draft)
        return (
            Found(
                rows=rows,
                count=own.count + chiefs.count,
                capped=own.capped or chiefs.capped,
                restricted={OBLIGATION_TYPE: {"draft": drafts}} if drafts else {},
            ),
        )

    return Ask(
        (
            Part(
                matching.order_by("due_at", "pk"),
                # Whether each row is a draft of the reader's office, asked with the rows, not after them.
                lambda rows: _named(rows).annotate(
                    own_draft=Exists(
                        drafts_visible_to(
                            ResponseObligation.objects.filter(
                                pk=OuterRef("pk"), state=ObligationState.AWAITING
                            ),
                            user,
                        )
                    )
                ),
            ),
            Part(for_chief.order_by("due_at", "pk"), _named),
        ),
        found,
    )


@asks_words
def ask_plans(user: Any, words: list[str], at: dt.datetime) -> Ask:
    """The FRS action plans the reader may read at `at` whose report, FRS or actions hold every word.

    Each word is matched as one list of plan ids read through the indexes (the reports whose title holds it,
    the FRSs whose name does, the plans with an action that does): as a condition on each plan's joined
    report and FRS, every plan of every published report was read."""
    plans = action_plans_visible_to(user, at)
    # From the links that can be plans (an FRS's): a word in the titles of thematic police reports does not
    # bring every force of each into the union (3,193 rows for "custody" at ten times the data, of which 111
    # an FRS's; the search's query 19 ms, 14 ms so).
    keys = plan_keys().order_by()
    for word in words:
        actions = ActionPlanItem.objects.filter(
            finding__report_id=OuterRef("report_id"),
            area_id=OuterRef("organisation_id"),
            action__icontains=word,
        )
        ids = (
            keys.filter(report_id__in=Report.objects.filter(title__icontains=word).values("pk"))
            .values("pk")
            .union(
                keys.filter(
                    organisation_id__in=Organisation.objects.filter(name__icontains=word).values("pk")
                ).values("pk"),
                keys.filter(Exists(actions)).values("pk"),
            )
        )
        plans = plans.filter(pk__in=ids)
    return listing(
        plans.order_by("-report__publication_at", "organisation__name", "pk"),
        lambda plan: Hit(
            title=f"Action plan: {plan.report.title}",
            url=reverse(
                "responses:plan", kwargs={"report_pk": plan.report_id, "area_pk": plan.organisation_id}
            ),
            detail=plan.organisation.name,
        ),
        read=lambda rows: rows.select_related("report", "organisation").defer(
            *(f"report__{name}" for name in REPORT_TEXT)
        ),
    )


@asks_words
def ask_complaints(user: Any, words: list[str], at: dt.datetime) -> Ask:
    """S1–S3: the super-complaints the reader may see at `at` whose title or designated body holds every
    word, the latest received first."""
    return listing(
        super_complaints_visible_to(user, at)
        .filter(contains_all(("title", "designated_body"), words))
        .order_by("-received_at", "-pk"),
        lambda complaint: Hit(
            title=complaint.title,
            url=reverse("responses:complaint", kwargs={"pk": complaint.pk}),
            detail=complaint.designated_body,
            tag=complaint.get_state_display(),
        ),
    )
