"""The embargo model on every path, as one declarative table (DESIGN.md "Who sees what, when").

Roles × record kinds (and states) × time points × paths. The expectations are
written from the design's table below, not derived from inspections.access, so a
wrong access rule shows up as mismatches. A URL pattern that is neither in the
table's paths nor on the allow-list fails the run: a new way out for a record
must be added here before it can land.

Rules: I7 (draft to the force only, in its window), U3 (48 h to chief and PCC),
U4 (24 h to named interested parties; immediate release), U5 (24 h for an
accelerated cause of concern), publication at the moment itself.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from unittest import mock

import pytest
import time_machine
from django.contrib.admin.sites import site as admin_site
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from contacts.models import AssignmentKind, OrganisationKind, Role
from hmicfrs_mou.models import InboxMessage
from inspections.models import InspectionKind, Report, ReportKind
from inspections.services import (
    inspection_create,
    report_create,
    report_finalise,
    report_open_factual_accuracy,
    report_schedule,
    reports_due_notices,
)
from tests.conftest import force, make_person, office_of, org

pytestmark = pytest.mark.django_db

# Publication moment: 10:00 GMT on Monday 26 October 2026, the day after the clocks go back,
# so T−48h (10:00 UTC on Saturday 24th) is 11:00 BST by the wall clock.
# Kept in UTC: arithmetic on a London-zoned datetime is wall-clock arithmetic, which is
# exactly the mistake the rules forbid (T − 48 h must be 48 elapsed hours).
T = dt.datetime(2026, 10, 26, 10, 0, tzinfo=dt.UTC)
H = dt.timedelta(hours=1)
S = dt.timedelta(seconds=1)
TIMES = {
    "T-48h-1s": T - 48 * H - S,
    "T-48h": T - 48 * H,
    "T-24h-1s": T - 24 * H - S,
    "T-24h": T - 24 * H,
    "T-1s": T - S,
    "T": T,
    "T+1s": T + S,
}
ALWAYS, NEVER = "always", "never"


def from_(moment: dt.datetime) -> tuple[str, dt.datetime]:
    return ("from", moment)


def between(start: dt.datetime, end: dt.datetime) -> tuple[str, dt.datetime, dt.datetime]:
    return ("between", start, end)


# The table. For each record: who sees it when. A role not named follows "others".
SCENARIOS: dict[str, dict] = {
    "force_specific": {  # U3: chief and PCC of force A from T−48h, everyone from T
        "kind": ReportKind.FORCE_SPECIFIC,
        "windows": {
            "team": ALWAYS,
            "chief_a": from_(T - 48 * H),
            "pcc_a": from_(T - 48 * H),
            "others": from_(T),
        },
    },
    "other": {  # U4: named interested parties (APCC, force B) from T−24h
        "kind": ReportKind.OTHER,
        # The HMI for force B is the HMI for one of the inspected forces, so on the team.
        "windows": {
            "team": ALWAYS,
            "other_hmi": ALWAYS,
            "apcc": from_(T - 24 * H),
            "chief_b": from_(T - 24 * H),
            "others": from_(T),
        },
    },
    "immediate_release": {  # U4 "unless it is for immediate release": nobody outside the team before T
        "kind": ReportKind.OTHER,
        "immediate": True,
        "windows": {"team": ALWAYS, "other_hmi": ALWAYS, "others": from_(T)},
    },
    "accelerated_coc": {  # U5: PCC and chief of force A from T−24h
        "kind": ReportKind.ACCELERATED_CAUSE_OF_CONCERN,
        "windows": {
            "team": ALWAYS,
            "chief_a": from_(T - 24 * H),
            "pcc_a": from_(T - 24 * H),
            "others": from_(T),
        },
    },
    "force_specific_exception": {  # U3 exception recorded: the copy goes at T−24h instead
        "kind": ReportKind.FORCE_SPECIFIC,
        "distribution": T - 24 * H,
        "exception": "Exceptional circumstances: a late change to the findings after legal advice.",
        "windows": {
            "team": ALWAYS,
            "chief_a": from_(T - 24 * H),
            "pcc_a": from_(T - 24 * H),
            "others": from_(T),
        },
    },
    "draft_in_fac": {  # I7: the force's chief office only while the window is open; never the PCC; not public
        "kind": ReportKind.FORCE_SPECIFIC,
        "draft": (T - 72 * H, T - 24 * H),
        "windows": {"team": ALWAYS, "chief_a": between(T - 72 * H, T - 24 * H), "others": NEVER},
    },
    "rescheduled_after_distribution": {  # the copy went at T−72h for publication at T−24h; moved to T
        "kind": ReportKind.FORCE_SPECIFIC,
        "reschedule": True,
        "windows": {
            "team": ALWAYS,
            "chief_a": from_(T - 72 * H),
            "pcc_a": from_(T - 72 * H),
            "others": from_(T),
        },
    },
}

ROLES = [
    "team",
    "hmicfrs_not_team",
    "other_hmi",
    "chief_a",
    "pcc_a",
    "chief_b",
    "pcc_b",
    "apcc",
    "liaison_a",
    "chief_frs_a",
    "pcc_cumbria",
    "anonymous",
]


def expected_visible(windows: dict, role: str, at: dt.datetime) -> bool:
    window = windows.get(role, windows["others"])
    if window == ALWAYS:
        return True
    if window == NEVER:
        return False
    if window[0] == "from":
        return at >= window[1]
    return window[1] <= at < window[2]


# Paths: how each way out of the system shows a report. Every one must agree with the table.
PATHS = [
    "detail",
    "pdf",
    "fac_page",
    "list",
    "my_area",
    "search",
    "csv",
    "public_page",
    "public_index",
    "admin",
    "inbox",
]

# URL names that cannot show an inspection record, or are covered elsewhere, with the reason.
ALLOWLIST = {
    "home": "redirect only",
    "login": "sign-in",
    "logout": "sign-out",
    "accessibility": "static page",
    "privacy": "static page",
    "portal-hmicfrs": "portal homes list no reports (tests/contacts/test_access.py)",
    "portal-opcc": "as above",
    "portal-force": "as above",
    "portal-apcc": "as above",
    "audit-trail": "HMICFRS only; lists events, not records",
    "my-deadlines": "the person's own deadlines; only the team is named on report deadlines",
    "calendar-settings": "address of the feed only",
    "calendar-regenerate": "POST; changes the token",
    "calendar-feed": "the person's own deadlines (tests/core/test_deadline_pages.py); team only for reports",
    "inbox": "checked by the 'inbox' path here",
    "inbox-read-all": "POST",
    "inbox-message": "the person's own messages only",
    "health": "sweep heartbeat",
    "public:index": "forces and FRSs",
    "public:area": "a force or FRS",
}
# Whole families, with the reason they cannot show a report before the table allows.
ALLOWED_PREFIXES = (
    "contacts:",  # directory and meetings: no reports (tests/contacts/test_access.py)
    "admin:",  # report querysets in the admin are the "admin" path of this table
    "public_responses:",  # obligations exist only once their report is published (U6)
    "responses:",  # as above; action plans (U8) and super-complaints (S1–S3) are tested in tests/responses/
    "monitoring:",  # Scan/Engage: its own table and URL check in tests/monitoring/test_permission_matrix.py
    "public_monitoring:",  # as above
)
# P1–P3 pages: programmes, commissions and reference groups hold no report.
PREPARING = {
    "inspections:programmes",
    "inspections:programme",
    "inspections:programme-new",
    "inspections:programme-advance",
    "inspections:representation-new",
    "inspections:representation-consider",
    "inspections:commissions",
    "inspections:commission",
    "inspections:commission-new",
    "inspections:commission-estimate",
    "inspections:commission-accept",
    "inspections:reference-group",
}


@dataclass
class World:
    people: dict
    reports: dict


def _make_world() -> World:
    hmicfrs = org(OrganisationKind.HMICFRS, "hmicfrs")
    apcc = org(OrganisationKind.APCC, "apcc")
    force_a, force_b, cumbria = force("avon-and-somerset"), force("kent"), force("cumbria")
    frs_a = org(OrganisationKind.FIRE_RESCUE_SERVICE, "avon")
    people = {
        "team": make_person("team_hmi", hmicfrs, Role.HMI, **{AssignmentKind.HMI: [force_a]}),
        "hmicfrs_not_team": make_person("not_team", hmicfrs, Role.INSPECTION_STAFF),
        "other_hmi": make_person("other_hmi", hmicfrs, Role.HMI, **{AssignmentKind.HMI: [force_b]}),
        "chief_a": make_person("chief_a", force_a, Role.CHIEF_OFFICER_STAFF),
        "pcc_a": make_person("pcc_a", office_of(force_a), Role.OPCC_STAFF),
        "chief_b": make_person("chief_b", force_b, Role.CHIEF_OFFICER_STAFF),
        "pcc_b": make_person("pcc_b", office_of(force_b), Role.OPCC_STAFF),
        "apcc": make_person("apcc_lead", apcc, Role.APCC_JOINT_PERFORMANCE_LEAD),
        "liaison_a": make_person(
            "liaison_a", hmicfrs, Role.LIAISON_LEAD, **{AssignmentKind.LIAISON_LEAD: [office_of(force_a)]}
        ),
        "chief_frs_a": make_person("chief_frs_a", frs_a, Role.CHIEF_OFFICER_STAFF),
        "pcc_cumbria": make_person("pcc_cumbria", office_of(cumbria), Role.OPCC_CHIEF_EXECUTIVE),
        "anonymous": None,
    }
    lead = people["team"]
    reports = {}
    setup = T - 30 * 24 * H
    for name, spec in SCENARIOS.items():
        kind = spec["kind"]
        areas = [force_a, force_b] if kind == ReportKind.OTHER else [force_a]
        inspection = inspection_create(
            kind=InspectionKind.THEMATIC if kind == ReportKind.OTHER else InspectionKind.PEEL,
            title=f"Inspection for {name}",
            areas=areas,
            lead=lead,
            by=lead,
            now=setup,
        )
        report = report_create(
            inspection=inspection,
            kind=kind,
            title=f"Report zq{name}zq",
            body=f"Text of {name}.",
            areas=areas,
            interested_parties=[apcc, force_b] if kind == ReportKind.OTHER else [],
            by=lead,
            now=setup,
        )
        if "draft" in spec:
            opens, closes = spec["draft"]
            report_open_factual_accuracy(report=report, closes_at=closes, by=lead, now=opens)
        elif spec.get("reschedule"):
            report_finalise(report=report, by=lead, now=setup)
            report_schedule(report=report, publication_at=T - 24 * H, by=lead, now=setup)
            report_schedule(report=report, publication_at=T, by=lead, now=T - 48 * H - 2 * S)
        else:
            report_finalise(report=report, by=lead, now=setup)
            report_schedule(
                report=report,
                publication_at=T,
                by=lead,
                now=setup,
                immediate_release=spec.get("immediate", False),
                distribution_at=spec.get("distribution"),
                exception_reason=spec.get("exception", ""),
            )
        reports[name] = Report.objects.get(pk=report.pk)
    return World(people, reports)


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


ACCESS_NOTICES = ("Embargoed copy ready:", "Draft for factual-accuracy check:", "Published:")


def _observe(path: str, client: Client, user, report: Report, now: dt.datetime) -> bool | None:
    """Whether the path shows the report to the user at `now`; None when the path does not apply."""
    title = report.title
    if user is None and path not in ("public_page", "public_index"):
        # Every portal path asks a visitor to sign in first (tests/contacts/test_access.py).
        return None
    if path == "detail":
        return client.get(reverse("inspections:report", kwargs={"pk": report.pk})).status_code == 200
    if path == "pdf":
        return client.get(reverse("inspections:copy", kwargs={"pk": report.pk})).status_code == 200
    if path == "fac_page":
        return client.get(reverse("inspections:fac", kwargs={"pk": report.pk})).status_code == 200
    if path in ("list", "my_area", "search", "csv"):
        url = {
            "list": reverse("inspections:list"),
            "my_area": reverse("inspections:my-area"),
            "search": reverse("inspections:search") + "?q=zq",
            "csv": reverse("inspections:reports-csv"),
        }[path]
        response = client.get(url)
        if response.status_code in (403, 404):
            return False
        content = b"".join(response.streaming_content) if response.streaming else response.content
        text = content.decode()
        if path == "csv":
            return any(title in cell for row in csv.reader(io.StringIO(text)) for cell in row)
        return title in text
    if path == "public_page":
        return Client().get(reverse("public_reports:report", kwargs={"pk": report.pk})).status_code == 200
    if path == "public_index":
        return title in Client().get(reverse("public_reports:index")).content.decode()
    if path == "admin":
        request = RequestFactory().get("/admin/")
        request.user = user
        return admin_site._registry[Report].get_queryset(request).filter(pk=report.pk).exists()
    if path == "inbox":
        # The moments at which the person was told the report is there for them.
        return [
            message.created_at
            for message in InboxMessage.objects.filter(user=user, subject__contains=title)
            if message.subject.startswith(ACCESS_NOTICES)
        ]
    raise AssertionError(path)


def _inspected(role: str, name: str) -> bool:
    """Is the role's office one of the inspected (force A always; force B for the multi-force reports)?"""
    multi = SCENARIOS[name]["kind"] == ReportKind.OTHER
    return role in ("chief_a", "pcc_a") or (multi and role in ("chief_b", "pcc_b"))


def _expected(path: str, role: str, name: str, at: dt.datetime) -> bool | None:
    windows = SCENARIOS[name]["windows"]
    visible = expected_visible(windows, role, at)
    published = expected_visible({"others": windows["others"]}, "others", at)
    if path in ("public_page", "public_index"):
        return published
    if path == "fac_page":
        # The factual-accuracy page is the force's: it shows the draft to whoever may see the draft.
        return None if role == "team" else visible and "draft" in SCENARIOS[name]
    on_team = role == "team" or (role == "other_hmi" and SCENARIOS[name]["kind"] == ReportKind.OTHER)
    if path == "list":
        # The inspections list shows the team's inspections and those of the inspected offices.
        return visible and (on_team or _inspected(role, name))
    if path == "my_area":
        # 'Inspections in my area' is for the offices: their inspections' reports, and any other
        # report shared with them under embargo (published ones are on the public pages).
        return visible and not on_team and (_inspected(role, name) or not published)
    return visible


def test_urls_are_all_in_the_table_or_the_allow_list():
    covered = {
        "inspections:report",
        "inspections:copy",
        "inspections:fac",
        "inspections:list",
        "inspections:my-area",
        "inspections:search",
        "inspections:reports-csv",
        "public_reports:report",
        "public_reports:index",
    }
    names = set()

    def walk(patterns, namespace=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
            elif isinstance(entry, URLPattern) and entry.name:
                names.add(f"{namespace}{entry.name}")

    walk(get_resolver().url_patterns)
    team_actions = {n for n in names if n.startswith("inspections:") and n not in covered}
    # Workspace actions need the team (tests/inspections/test_workspace_views.py) and act on the same
    # visibility: listed here explicitly so a new one is noticed.
    workspace = {
        "inspections:new",
        "inspections:detail",
        "inspections:notify",
        "inspections:report-new",
        "inspections:report-open-fac",
        "inspections:fac-decide",
        "inspections:report-finalise",
        "inspections:report-redact",
        "inspections:finding-add",
        "inspections:report-schedule",
        "inspections:diary-note",
        "public_reports:report-pdf",
    }
    unknown = sorted(
        n
        for n in names
        if n not in covered
        and n not in ALLOWLIST
        and n not in workspace
        and n not in PREPARING
        and not n.startswith(ALLOWED_PREFIXES)
    )
    assert unknown == [], f"URL patterns neither in the matrix nor on the allow-list: {unknown}"
    assert team_actions <= workspace | PREPARING | {"public_reports:report-pdf"}


def test_permission_matrix_has_no_mismatches(directory):
    world = _make_world()
    cells = 0
    mismatches = []
    with mock.patch("inspections.views.documents.render_pdf", return_value=b"%PDF-1.7 stub"):
        for label, moment in TIMES.items():
            with time_machine.travel(moment, tick=False):
                reports_due_notices(now=moment)
                for role in ROLES:
                    user = world.people[role]
                    client = _client(user)
                    for name, report in world.reports.items():
                        report.refresh_from_db()
                        for path in PATHS:
                            seen = _observe(path, client, user, report, moment)
                            if seen is None:
                                continue
                            cells += 1
                            if path == "inbox":
                                # One way: nobody is told a report is theirs to read before they may.
                                early = [
                                    told
                                    for told in seen
                                    if not expected_visible(SCENARIOS[name]["windows"], role, told)
                                ]
                                if early:
                                    mismatches.append((label, role, name, path, "told before allowed", early))
                                continue
                            expected = _expected(path, role, name, moment)
                            if expected is not None and seen != expected:
                                mismatches.append((label, role, name, path, expected, seen))
    print(f"permission matrix: {cells} cells, {len(mismatches)} mismatches")
    assert cells >= 5000, cells
    assert mismatches == [], (
        "\n".join(map(str, mismatches[:60])) + f"\n({len(mismatches)} mismatches of {cells})"
    )
