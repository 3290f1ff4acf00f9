"""Every response to a signed-in user says `Cache-Control: private, no-store`; nothing the app sends is
compressed (BREACH).

Each named URL pattern of the portal is reversed (with real ids from a world built through the services
where it takes some) and fetched as each of several personas: whatever the answer (a page, a refusal,
a 404, a redirect, a 405 for a form's POST-only step), a signed-in user's response carries the header,
so a shared computer's back button shows nothing after signing out. The public pages, fetched by an
anonymous visitor, are left cacheable.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import UUIDConverter

from contacts.models import AREA_URL_SLUGS, Organisation
from hmicfrs_mou.middleware import PRIVATE_NO_STORE
from tests.monitoring.conftest import (  # noqa: F401 - fixtures
    announced_case,
    apcc_deputy,
    held_meeting,
    hmci,
    meeting,
    offer,
)
from tests.responses.conftest import (  # noqa: F401 - fixtures
    IN_PERIOD,
    essex,
    obligation_a,
    published,
    response_lead,
)

pytestmark = pytest.mark.django_db

NOW = IN_PERIOD + dt.timedelta(minutes=5)

# The route segment before an id names the record it is an id of.
SEGMENT_MODELS = {
    "inbox": "hmicfrs_mou.InboxMessage",
    "inspections": "inspections.Inspection",
    "reports": "inspections.Report",
    "comments": "inspections.FactualAccuracyComment",
    "programmes": "inspections.Programme",
    "representations": "inspections.Representation",
    "commissions": "inspections.CommissionRequest",
    "milestones": "inspections.Milestone",
    "disclosures": "inspections.EvidenceRecord",
    "presentations": "inspections.StrategicPresentation",
    "evidence-requests": "inspections.EvidenceRequest",
    "assistance": "inspections.AssistanceRequest",
    "debriefs": "inspections.Debrief",
    "areas": "contacts.Organisation",
    "organisation": "contacts.Organisation",
    "responses": "responses.ResponseObligation",
    "chief": "responses.ResponseObligation",
    "submissions": "responses.Submission",
    "super-complaints": "responses.SuperComplaint",
    "concerns": "monitoring.RoutineConcern",
    "cases": "monitoring.EngageCase",
    "engage": "monitoring.EngageCase",
    "actions": "monitoring.MeetingAction",
    "plans": "monitoring.ImprovementPlanVersion",
    "findings": "inspections.Finding",
    "items": "inspections.Finding",
    "toolkit": "monitoring.ToolkitVersion",
}
KWARG_MODELS = {
    "report_pk": "inspections.Report",
    "area_pk": "contacts.Organisation",
    "finding_pk": "inspections.Finding",
    "comment_pk": "inspections.FactualAccuracyComment",
    "milestone_pk": "inspections.Milestone",
    "representation_pk": "inspections.Representation",
}
# Under these prefixes "meetings" are Engage oversight meetings; elsewhere the directory's meetings.
MEETING_MODELS = {"monitoring/": "monitoring.OversightMeeting", "": "contacts.Meeting"}


def _patterns(patterns: list[Any], prefix: str = "", namespace: str = "") -> list[tuple[str, str, Any]]:
    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = ":".join(part for part in (namespace, pattern.namespace or "") if part)
            found += _patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            found.append((name, prefix + str(pattern.pattern), pattern))
    return found


def _first_id(label: str) -> int | None:
    from django.apps import apps

    row = apps.get_model(label)._base_manager.order_by("pk").values_list("pk", flat=True).first()
    return row


def _kwargs(route: str, pattern: URLPattern, area: Organisation) -> dict[str, Any] | None:
    converters = getattr(pattern.pattern, "converters", {})
    kwargs: dict[str, Any] = {}
    segments = route.split("/")
    for name in converters:
        if name == "kind_slug":
            kwargs[name] = AREA_URL_SLUGS[area.kind]
        elif name == "slug":
            kwargs[name] = area.slug
        elif name == "token":
            kwargs[name] = "not-a-real-calendar-address"
        elif name == "version":
            kwargs[name] = 1
        elif name == "area_pk":
            kwargs[name] = area.pk
        elif route.startswith("exports/") and name == "kind":
            kwargs[name] = "reports"
        elif isinstance(converters[name], UUIDConverter):
            # An export (hmicfrs_mou.exports) is named by a UUID: one that is not there still answers.
            kwargs[name] = _first_id("hmicfrs_mou.ExportJob") or uuid.UUID(int=0)
        elif name in KWARG_MODELS:
            kwargs[name] = _first_id(KWARG_MODELS[name])
        else:
            index = next((i for i, segment in enumerate(segments) if f":{name}>" in segment), 0)
            before = segments[index - 1] if index else ""
            if before == "meetings":
                label = MEETING_MODELS["monitoring/" if route.startswith("monitoring/") else ""]
            else:
                label = SEGMENT_MODELS.get(before)
            if label == "contacts.Organisation":
                kwargs[name] = area.pk  # the world's area
            else:
                kwargs[name] = _first_id(label) if label else 1
        if kwargs[name] is None:
            kwargs[name] = 1
    return kwargs


@pytest.fixture
def world(offer, obligation_a, force_a):  # noqa: F811
    return force_a


def test_every_response_to_a_signed_in_user_is_private_no_store(
    world, client_for, hmi_a, pcc_office_a, chief_office_a, apcc_lead, liaison_lead_a
):
    personas = (hmi_a, pcc_office_a, chief_office_a, apcc_lead, liaison_lead_a)
    urls = []
    for name, route, pattern in _patterns(get_resolver().url_patterns):
        urls.append((name, reverse(name, kwargs=_kwargs(route, pattern, world) or None)))
    assert len(urls) >= 140, len(urls)
    fetched = ok = 0
    wrong: list[str] = []
    unanswered: list[str] = []
    with time_machine.travel(NOW, tick=True):
        clients = [client_for(person) for person in personas]
        for name, url in urls:
            if name == "logout":
                continue  # signs the persona out; checked on its own below
            statuses = []
            for client in clients:
                response = client.get(url)
                statuses.append(response.status_code)
                fetched += 1
                if response.get("Cache-Control") != PRIVATE_NO_STORE:
                    wrong.append(f"{name} {url} {response.status_code} {response.get('Cache-Control')}")
                if response.status_code == 200:
                    ok += 1
                    break
            else:
                unanswered.append(f"{name} {url} {statuses}")
    print(
        f"\nSigned-in responses checked: {fetched} over {len(urls)} named URLs; pages that answered 200: {ok}"
    )
    print(
        "No persona had a page (a POST-only step, or a record in a state the world lacks):",
        *unanswered,
        sep="\n  ",
    )
    assert wrong == []
    assert ok >= 85


def test_the_admin_and_signing_out_are_private_no_store_too(client_for, admin_user, hmi_a):
    admin = client_for(admin_user)
    for url in ("/admin/", "/admin/contacts/user/", f"/admin/contacts/user/{admin_user.pk}/change/"):
        response = admin.get(url)
        assert response.status_code == 200
        assert response["Cache-Control"] == PRIVATE_NO_STORE
    client = client_for(hmi_a)
    response = client.post(reverse("logout"))
    assert response["Cache-Control"] == PRIVATE_NO_STORE  # the answer to signing out, too
    # Once signed out, the page the back button would show is not served from any cache: it asks again.
    assert client.get(reverse("portal-hmicfrs")).status_code == 302


@pytest.mark.parametrize(
    "name",
    [
        "public_reports:index",
        "public_responses:overdue",
        "public_monitoring:police",
        "public:index",
        "privacy",
    ],
)
def test_public_pages_for_anonymous_visitors_may_be_cached(client, directory, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


# --- BREACH: the app compresses nothing it renders --------------------------------------------------------


def test_breach_the_app_has_no_compression_middleware():
    assert not any("gzip" in middleware.lower() for middleware in settings.MIDDLEWARE)
    assert not any("brotli" in middleware.lower() for middleware in settings.MIDDLEWARE)


def test_breach_signed_in_pages_are_not_compressed_even_when_the_browser_accepts_it(
    client_for, hmi_a, pcc_office_a
):
    for person, url in ((hmi_a, reverse("portal-hmicfrs")), (pcc_office_a, reverse("inspections:search"))):
        response = client_for(person).get(
            url, {"q": "csrfmiddlewaretoken"}, HTTP_ACCEPT_ENCODING="gzip, deflate, br"
        )
        assert response.status_code == 200
        assert "Content-Encoding" not in response
        assert response.content.lstrip().startswith(b"<!DOCTYPE html>")
