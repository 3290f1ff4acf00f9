"""The portal search (issue 12): one page for every signed-in role, over what that role may see at that moment.

The wiring layer: each app answers for its own records from its own access module, through its `ask_*`
questions (inspections/search.py, responses/search.py, monitoring/search.py, contacts/search.py), and
this page only puts the groups together, asked at once by `hmicfrs_mou.search.answer`. Each group shows at
most `GROUP_LIMIT` rows and says how many match in all, with a link to a fuller list where one exists, so a
search costs the same number of queries however many records match. The unpublished, embargoed, draft and confidential records a search
shows are written to the audit trail in one entry, as their own pages write every reading of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from contacts import search as contacts_search
from hmicfrs_mou.audit import audit_record
from hmicfrs_mou.forms import GovukFormMixin
from hmicfrs_mou.models import AuditAction
from hmicfrs_mou.search import COUNT_CAP, GROUP_LIMIT, Ask, Found, answer, words_of
from inspections import search as inspections_search
from monitoring import search as monitoring_search
from responses import search as responses_search

MAX_QUERY_LENGTH = 200


class PortalSearchForm(GovukFormMixin, forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Search the portal"),
        help_text=gettext_lazy(
            "Words from a report, a finding, an inspection, a PCC response, an action plan, an Engage case, a "
            "meeting, a debrief, a super-complaint, a panel invitation or a chief officer recruitment, or the "
            "name of a force, fire and rescue service or office"
        ),
        max_length=MAX_QUERY_LENGTH,
        required=False,
        # Django fills in %(limit_value)d when the error is raised, so the words stay lazy until then.
        error_messages={
            "max_length": gettext_lazy("Search words must be %(limit_value)d characters or less")
        },
        widget=forms.TextInput(attrs={"type": "search", "spellcheck": "false"}),
    )


@dataclass(frozen=True)
class Group:
    """One kind of record on the results page."""

    key: str
    heading: str
    found: Found


# The groups in the order shown, each with its heading; `search_groups` asks for them in the same order.
GROUPS = (
    ("reports", gettext_lazy("Reports")),
    ("findings", gettext_lazy("Findings")),
    ("inspections", gettext_lazy("Inspections")),
    ("debriefs", gettext_lazy("Debriefs")),
    ("disclosures", gettext_lazy("Disclosures in confidence")),
    ("responses", gettext_lazy("PCC responses")),
    ("action-plans", gettext_lazy("Action plans")),
    ("engage", gettext_lazy("Engage cases")),
    ("shared-findings", gettext_lazy("Findings shared in confidence")),
    ("panel-invitations", gettext_lazy("Invitations to brief a panel")),
    ("recruitments", gettext_lazy("Chief officer recruitments")),
    ("super-complaints", gettext_lazy("Super-complaints")),
    ("meetings", gettext_lazy("Meetings")),
    ("organisations", gettext_lazy("Forces and fire and rescue services")),
)


def asks_for(user: Any, words: list[str], at: dt.datetime) -> list[Ask]:
    """The questions behind the groups, in the order of `GROUPS`, each from its own app's access rules."""
    return [
        inspections_search.ask_reports_and_findings(user, words, at),
        inspections_search.ask_inspections(user, words, at),
        inspections_search.ask_debriefs(user, words, at),
        inspections_search.ask_disclosures(user, words, at),
        responses_search.ask_responses(user, words, at),
        responses_search.ask_plans(user, words, at),
        monitoring_search.ask_cases(user, words, at),
        contacts_search.ask_shared_findings(user, words, at),
        contacts_search.ask_panel_invitations(user, words, at),
        contacts_search.ask_recruitments(user, words, at),
        responses_search.ask_complaints(user, words, at),
        contacts_search.ask_meetings(user, words, at),
        contacts_search.ask_organisations(user, words, at),
    ]


def search_groups(user: Any, words: list[str], at: dt.datetime) -> list[Group]:
    """Every group of the portal search for `user` at `at`, asked together (`hmicfrs_mou.search.answer`:
    one query for what every group matched, then the rows of those that matched)."""
    if not words:
        return [Group(key, str(heading), Found()) for key, heading in GROUPS]
    found = answer(asks_for(user, words, at), GROUP_LIMIT, COUNT_CAP)
    return [Group(key, str(heading), one) for (key, heading), one in zip(GROUPS, found, strict=True)]


def audit_shown(
    request: HttpRequest, words: list[str], object_type: str, shown: dict[str, list[int]]
) -> None:
    """One entry for the restricted records of one type a search showed, as the reports CSV export writes
    one for its rows: the record's id when it is one record, every id in the detail with the words searched
    for. Nothing when the search showed none."""
    ids = sorted({pk for pks in shown.values() for pk in pks})
    if not ids:
        return
    audit_record(
        action=AuditAction.VIEW,
        request=request,
        object_type=object_type,
        object_id=str(ids[0]) if len(ids) == 1 else "",
        detail={"search": words, **{what: sorted(set(pks)) for what, pks in shown.items()}},
    )


def _audit_restricted(request: HttpRequest, words: list[str], groups: list[Group]) -> None:
    """An entry per record type for the restricted records the results showed (at most one per group)."""
    restricted: dict[str, dict[str, list[int]]] = {}
    for group in groups:
        for object_type, shown in group.found.restricted.items():
            for what, ids in shown.items():
                restricted.setdefault(object_type, {}).setdefault(what, []).extend(ids)
    for object_type, shown in restricted.items():
        audit_shown(request, words, object_type, shown)


@login_required
@require_GET
def portal_search(request: HttpRequest) -> HttpResponse:
    """The results of a search, grouped by kind of record; the form alone, with a hint, before one."""
    form = PortalSearchForm(request.GET or None)
    q = form.cleaned_data["q"].strip() if form.is_valid() else ""
    words = words_of(q)
    context: dict[str, Any] = {"form": form, "q": q, "words": words, "limit": GROUP_LIMIT}
    if words:
        groups = search_groups(request.user, words, timezone.now())
        _audit_restricted(request, words, groups)
        context["groups"] = [group for group in groups if group.found.count]
        context["total"] = sum(group.found.count for group in groups)
        context["more"] = any(group.found.more_match for group in groups)
    return render(request, "search/portal.html", context)
