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

from contacts.models import Appointment, Assignment, AssignmentKind, OrganisationKind, Role
from contacts.services import assignment_start
from hmicfrs_mou.exports import export_run
from hmicfrs_mou.models import AuditAction, AuditEvent, ExportJob, InboxMessage
from inspections.access import debriefs_visible_to, evidence_visible_to
from inspections.models import EvidenceRecord, InspectionKind, Report, ReportKind
from inspections.services import (
    debrief_attendance_decide,
    debrief_record,
    disclosure_make,
    inspection_create,
    report_create,
    report_finalise,
    report_open_factual_accuracy,
    report_schedule,
    reports_due_notices,
)
from tests.conftest import force, make_person, office_of, org
from tests.matrix import record_cells

pytestmark = [pytest.mark.django_db, pytest.mark.matrix]

# Publication moment: 10:00 GMT on Monday 26 October 2026, the day after the clocks go back,
# so T−48h (10:00 UTC on Saturday 24th) is 11:00 BST by the wall clock.
# Kept in UTC: arithmetic on a London-zoned datetime is wall-clock arithmetic, which is
# exactly the mistake the rules forbid (T − 48 h must be 48 elapsed hours).
T = dt.datetime(2026, 10, 26, 10, 0, tzinfo=dt.UTC)
H = dt.timedelta(hours=1)
S = dt.timedelta(seconds=1)
TIMES = {
    "T-72h-1s": T - 72 * H - S,
    "T-72h": T - 72 * H,
    "T-48h-1s": T - 48 * H - S,
    "T-48h": T - 48 * H,
    "T-24h-1s": T - 24 * H - S,
    "T-24h": T - 24 * H,
    "T-1s": T - S,
    "T": T,
    "T+1s": T + S,
    "T+1h": T + H,
}
# Each scenario is built twice (a second report of the same kind and timing), so that a rule that only
# holds for the first record of a kind, or a list that shows one record in place of another, shows up.
COPIES = ("", "~2")
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
    # The reports CSV as a queued export (hmicfrs_mou/exports.py): asked for, prepared by the worker and
    # downloaded through the pages, whatever its length.
    "export",
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
    "set_language": "POST; the person's language, no record",
    "search": "lists only what each app's access module gives the reader; tests/core/test_portal_search.py plants words in every kind of record for each persona",
    "portal-hmicfrs": "portal homes list no reports (tests/contacts/test_access.py)",
    "portal-opcc": "as above",
    "portal-force": "as above",
    "portal-apcc": "as above",
    "audit-trail": "HMICFRS only; lists events, not records",
    "my-deadlines": "the person's own deadlines; only the team is named on report deadlines",
    "calendar-settings": "address of the feed only",
    "calendar-regenerate": "POST; changes the token",
    "calendar-feed": "the person's own deadlines (tests/core/test_deadline_pages.py); team only for reports",
    "calendar-feed-organisation": "an organisation's moments: reports named by their inspection until the copy "
    "arrives (tests/core/test_calendar_feed.py)",
    "calendar-revoke": "POST; turns the feed address off",
    "email-settings": "the person's own email choices",
    "password_reset": "sign-in: no record",
    "password_reset_done": "sign-in: no record",
    "password_reset_confirm": "sign-in: no record",
    "password_reset_complete": "sign-in: no record",
    "inbox": "checked by the 'inbox' path here",
    "inbox-read-all": "POST",
    "inbox-message": "the person's own messages only",
    "health": "sweep heartbeat",
    "export-new": "the page that asks for a long export: names no record",
    "export": "an export's state and row counts, to its person only (tests/core/test_exports.py)",
    "export-progress": "as above, as JSON",
    "public:index": "forces and FRSs",
    "public:area": "a force or FRS",
}
# Whole families, with the reason they cannot show a report before the table allows.
ALLOWED_PREFIXES = (
    "contacts:",  # directory and meetings: no reports (tests/contacts/test_access.py)
    "signin:",  # two-factor sign-in and session pages: no record
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
    # P2's later steps and requests for assistance (tests/inspections/test_steps_i2_i5.py): no report.
    "inspections:commission-scope",
    "inspections:commission-decline",
    "inspections:assistance-list",
    "inspections:assistance-new",
    "inspections:assistance",
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
        "chief_cumbria": make_person("chief_cumbria", cumbria, Role.CHIEF_OFFICER_STAFF),
        "liaison_b": make_person(
            "liaison_b", hmicfrs, Role.LIAISON_LEAD, **{AssignmentKind.LIAISON_LEAD: [office_of(force_b)]}
        ),
        "anonymous": None,
    }
    lead = people["team"]
    reports = {}
    setup = T - 30 * 24 * H
    for base, spec, copy in [(b, sp, c) for b, sp in SCENARIOS.items() for c in COPIES]:
        name = base + copy
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


def _base(name: str) -> str:
    """The scenario a report was built from ("force_specific~2" is the second force_specific)."""
    return name.split("~")[0]


def _inspected(role: str, name: str) -> bool:
    """Is the role's office one of the inspected (force A always; force B for the multi-force reports)?"""
    multi = SCENARIOS[_base(name)]["kind"] == ReportKind.OTHER
    return role in ("chief_a", "pcc_a") or (multi and role in ("chief_b", "pcc_b"))


def _expected(path: str, role: str, name: str, at: dt.datetime) -> bool | None:
    windows = SCENARIOS[_base(name)]["windows"]
    visible = expected_visible(windows, role, at)
    published = expected_visible({"others": windows["others"]}, "others", at)
    if path in ("public_page", "public_index"):
        return published
    if path == "fac_page":
        # The factual-accuracy page is the force's: it shows the draft to whoever may see the draft.
        return None if role == "team" else visible and "draft" in SCENARIOS[_base(name)]
    on_team = role == "team" or (role == "other_hmi" and SCENARIOS[_base(name)]["kind"] == ReportKind.OTHER)
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
        "export-download",
        "public_reports:report",
        "public_reports:index",
        # Disclosures in confidence (I5): the disclosure matrix below.
        "inspections:disclosures",
        "inspections:disclosure",
        # Debrief notes (I6): the debrief matrix below.
        "inspections:debrief",
        "inspections:debriefs-and-updates",
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
        # Steps of an inspection from the portals (tests/inspections/test_steps_i2_i5.py): the team's
        # (403/404 outside it), and the offices' own (404 for another area's, 403 for another office's).
        "inspections:milestones",
        "inspections:milestone-change",
        "inspections:milestone-remove",
        "inspections:milestones-send",
        "inspections:methodology-change",
        "inspections:presentation-new",
        "inspections:evidence-request-new",
        "inspections:pfcc-interview-new",
        "inspections:presentation-invitation",
        "inspections:presentation-attendance",
        "inspections:discussion-answer",
        "inspections:disclosure-new",
        # I6, I7, I8 steps (tests/inspections/test_steps_i6_i8.py): the team's (403/404 outside it), and the
        # attendees' and the chief's office's own (404 for another area's debrief, 403 for another office).
        "inspections:debrief-new",
        "inspections:debrief-acknowledge",
        "inspections:debrief-attendance",
        "inspections:chief-update-new",
        "inspections:report-flag-concern",
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


# One-way pages: they need not show a report, but must never name one before the table allows.
# (The inbox page is not one: notices name a report before its copy arrives, by design, such as the
# moved date of an exception; the "inbox" path checks the notices that give access.)
LEAK_PAGES = {
    "portal_home": ("home", True),
    "my_deadlines": ("my-deadlines", False),
}


def _text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode(errors="replace")


class Observer:
    """What every path shows one person at one moment, each listing fetched once (not once per report)."""

    def __init__(self, user, moment: dt.datetime, public: dict) -> None:
        self.user, self.moment, self.public = user, moment, public
        self.client = _client(user)
        self.pages: dict[str, tuple[int, str]] = {}
        self.sets: dict[str, set[int]] = {}

    def page(self, key: str, url: str, follow: bool = False) -> tuple[int, str]:
        if key not in self.pages:
            response = self.client.get(url, follow=follow)
            self.pages[key] = (response.status_code, _text(response))
        return self.pages[key]

    def export(self) -> tuple[int, str]:
        """The person's queued reports export at this moment: asked for on its page, prepared as the worker
        prepares it (the queue runs it once the request commits, which a test's transaction never does),
        then downloaded."""
        if "export" not in self.pages:
            response = self.client.post(reverse("export-new", kwargs={"kind": "reports"}))
            assert response.status_code == 302, response.status_code
            job = ExportJob.objects.filter(requested_by=self.user).latest("requested_at")
            export_run(job.pk)
            download = self.client.get(reverse("export-download", kwargs={"pk": job.pk}))
            self.pages["export"] = (download.status_code, _text(download))
        return self.pages["export"]

    def ids(self, key: str) -> set[int]:
        if key not in self.sets:
            if key == "admin":
                request = RequestFactory().get("/admin/")
                request.user = self.user
                queryset = admin_site._registry[Report].get_queryset(request)
            else:
                queryset = Report.objects.visible_to(self.user, self.moment)
            self.sets[key] = set(queryset.values_list("pk", flat=True))
        return self.sets[key]

    def inbox(self) -> list[InboxMessage]:
        if "inbox" not in self.sets:
            self.sets["inbox"] = list(InboxMessage.objects.filter(user=self.user).order_by("pk"))  # type: ignore[assignment]
        return self.sets["inbox"]  # type: ignore[return-value]

    def observe(self, path: str, report: Report):
        """Whether the path shows the report; a list of moments for the inbox; None when it does not apply."""
        title = report.title
        if path == "public_page":
            # Asked once per report and moment (not with setdefault, whose argument, the request, would run
            # for every role: 1,960 requests for 140 answers, a fifth of this matrix's time).
            key = ("page", report.pk)
            if key not in self.public:
                url = reverse("public_reports:report", kwargs={"pk": report.pk})
                self.public[key] = Client().get(url).status_code == 200
            return self.public[key]
        if path == "public_index":
            if "index" not in self.public:
                self.public["index"] = Client().get(reverse("public_reports:index")).content.decode()
            return title in self.public["index"]
        if self.user is None:
            # Every portal path asks a visitor to sign in first (tests/contacts/test_access.py).
            return None
        if path == "detail":
            return self.client.get(reverse("inspections:report", kwargs={"pk": report.pk})).status_code == 200
        if path == "pdf":
            return self.client.get(reverse("inspections:copy", kwargs={"pk": report.pk})).status_code == 200
        if path == "fac_page":
            return self.client.get(reverse("inspections:fac", kwargs={"pk": report.pk})).status_code == 200
        if path in ("list", "my_area", "search", "csv"):
            url = {
                "list": reverse("inspections:list"),
                "my_area": reverse("inspections:my-area"),
                "search": reverse("inspections:search") + "?q=zq",
                "csv": reverse("inspections:reports-csv"),
            }[path]
            status, text = self.page(path, url)
            if status in (403, 404):
                return False
            if path == "csv":
                return any(title in cell for row in csv.reader(io.StringIO(text)) for cell in row)
            return title in text
        if path == "export":
            status, text = self.export()
            if status != 200:
                return False
            return any(title in cell for row in csv.reader(io.StringIO(text)) for cell in row)
        if path in ("admin", "queryset"):
            return report.pk in self.ids(path)
        if path == "inbox":
            # The moments at which the person was told the report is there for them.
            return [
                message.created_at
                for message in self.inbox()
                if title in message.subject and message.subject.startswith(ACCESS_NOTICES)
            ]
        if path in LEAK_PAGES:
            name, follow = LEAK_PAGES[path]
            return title in self.page(path, reverse(name), follow)[1]
        raise AssertionError(path)


MATRIX_PATHS = [*PATHS, "queryset", *LEAK_PAGES]
PER_REPORT_REQUESTS = ("detail", "pdf", "fac_page")
# Two more outsiders: a force no report covers, and the liaison lead for force B's office (not the team).
MATRIX_ROLES = [*ROLES[:-1], "chief_cumbria", "liaison_b", "anonymous"]


@pytest.mark.slow
def test_permission_matrix_has_no_mismatches(directory):
    """Roles × reports (two of each scenario) × time points around every window × paths, one world for all."""
    world = _make_world()
    cells = 0
    mismatches = []
    with mock.patch("inspections.views.documents.render_pdf", return_value=b"%PDF-1.7 stub"):
        for label, moment in TIMES.items():
            with time_machine.travel(moment, tick=False):
                reports_due_notices(now=moment)
                public: dict = {}  # the public pages are the same for everyone at a moment
                reports = {name: Report.objects.get(pk=report.pk) for name, report in world.reports.items()}
                for role in MATRIX_ROLES:
                    user = world.people[role]
                    observer = Observer(user, moment, public)
                    for name, report in reports.items():
                        windows = SCENARIOS[_base(name)]["windows"]
                        for path in MATRIX_PATHS:
                            if path in PER_REPORT_REQUESTS and name.endswith(COPIES[1:]):
                                # One request per cell: the first of each scenario only (the second is
                                # checked on every path that lists reports, and through the access layer).
                                continue
                            seen = observer.observe(path, report)
                            if seen is None:
                                continue
                            cells += 1
                            if path == "inbox":
                                # One way: nobody is told a report is theirs to read before they may.
                                early = [told for told in seen if not expected_visible(windows, role, told)]
                                if early:
                                    mismatches.append((label, role, name, path, "told before allowed", early))
                                continue
                            if path in LEAK_PAGES:
                                if seen and not expected_visible(windows, role, moment):
                                    mismatches.append((label, role, name, path, "named before allowed"))
                                continue
                            expected = _expected("detail" if path == "queryset" else path, role, name, moment)
                            if expected is not None and seen != expected:
                                mismatches.append((label, role, name, path, expected, seen))
    record_cells("inspections: reports", cells, len(mismatches))
    assert cells >= 15000, cells
    assert mismatches == [], (
        "\n".join(map(str, mismatches[:60])) + f"\n({len(mismatches)} mismatches of {cells})"
    )


# --- I5: disclosures in confidence, every role × time points × paths -----------------------------------
#
# DESIGN.md: "confidential PCC disclosure (I5) – the HMI for that force/FRS and named HMICFRS staff only;
# never evidence, never public". Read as: from the moment it is made, the HMI for the force at that moment
# (so the HMI who moves on stops, and the successor starts) and the HMICFRS staff named on it while they are
# HMICFRS staff. Nobody else: not the rest of the team, not the office that made it, not the force.

D = T - 10 * 24 * H  # the OPCC of force A makes the disclosure
HANDOVER = dt.date(2026, 10, 20)  # the HMI for force A hands over; the named liaison lead leaves HMICFRS
HANDOVER_AT = dt.datetime(2026, 10, 20, tzinfo=dt.UTC) - H  # midnight London (BST) starting 20 October
DISCLOSURE_TIMES = {
    "D-1s": D - S,
    "D": D,
    "D+1s": D + S,
    "handover-1s": HANDOVER_AT - S,
    "handover": HANDOVER_AT,
    "handover+1s": HANDOVER_AT + S,
}
DISCLOSURE_WINDOWS = {
    "hmi_a": between(D, HANDOVER_AT),  # the HMI for force A until the handover
    "new_hmi_a": from_(HANDOVER_AT),  # the HMI for force A from the handover
    "named": between(D, HANDOVER_AT),  # named, while HMICFRS staff
    "others": NEVER,
}
DISCLOSURE_ROLES = [
    "hmi_a",
    "new_hmi_a",
    "named",
    "lead",
    "team_staff",
    "liaison_not_named",
    "other_hmi",
    "pcc_a",
    "chief_a",
    "pcc_b",
    "chief_b",
    "apcc",
    "anonymous",
]
# The HMI for the force is on the team (as HMI for an inspected force), so also reads it on the inspection.
ON_THE_TEAM = {"hmi_a", "new_hmi_a", "lead", "team_staff"}
DISCLOSURE_PATHS = ["list", "page", "inspection_page", "my_area", "admin", "evidence", "inbox"]
SECRET = "zqsecretzq the PCC's worry about vetting"


def _disclosure_world():
    hmicfrs = org(OrganisationKind.HMICFRS, "hmicfrs")
    force_a, force_b = force("avon-and-somerset"), force("kent")
    apcc = org(OrganisationKind.APCC, "apcc")
    people = {
        "hmi_a": make_person("d_hmi_a", hmicfrs, Role.HMI, **{AssignmentKind.HMI: [force_a]}),
        "new_hmi_a": make_person("d_new_hmi_a", hmicfrs, Role.HMI),
        "named": make_person(
            "d_named", hmicfrs, Role.LIAISON_LEAD, **{AssignmentKind.LIAISON_LEAD: [office_of(force_a)]}
        ),
        "lead": make_person("d_lead", hmicfrs, Role.HMI),
        "team_staff": make_person("d_team_staff", hmicfrs, Role.INSPECTION_STAFF),
        "liaison_not_named": make_person("d_liaison", hmicfrs, Role.LIAISON_LEAD),
        "other_hmi": make_person("d_other_hmi", hmicfrs, Role.HMI, **{AssignmentKind.HMI: [force_b]}),
        "pcc_a": make_person("d_pcc_a", office_of(force_a), Role.OPCC_STAFF),
        "chief_a": make_person("d_chief_a", force_a, Role.CHIEF_OFFICER_STAFF),
        "pcc_b": make_person("d_pcc_b", office_of(force_b), Role.OPCC_STAFF),
        "chief_b": make_person("d_chief_b", force_b, Role.CHIEF_OFFICER_STAFF),
        "apcc": make_person("d_apcc", apcc, Role.APCC_JOINT_PERFORMANCE_LEAD),
        "anonymous": None,
    }
    inspection = inspection_create(
        kind=InspectionKind.PEEL,
        title="PEEL for the disclosure matrix",
        areas=[force_a],
        lead=people["lead"],
        team=[people["team_staff"]],
        by=people["lead"],
        now=D - 24 * H,
    )
    record = disclosure_make(
        inspection=inspection,
        area=force_a,
        summary=SECRET,
        named_staff=[people["named"]],
        by=people["pcc_a"],
        now=D,
    )
    # The handover: the HMI's assignment ends and the successor's starts; the named lead leaves HMICFRS.
    Assignment.objects.filter(person=people["hmi_a"], kind=AssignmentKind.HMI).update(ends_on=HANDOVER)
    assignment_start(person=people["new_hmi_a"], kind=AssignmentKind.HMI, subject=force_a, starts_on=HANDOVER)
    Appointment.objects.filter(person=people["named"]).update(ends_on=HANDOVER)
    return people, inspection, record


def _observe_disclosure(path: str, client: Client, user, inspection, record, now: dt.datetime):
    if user is None:
        return None  # every portal path asks a visitor to sign in first
    page_url = reverse("inspections:disclosure", kwargs={"pk": record.pk})
    if path == "list":
        return page_url in client.get(reverse("inspections:disclosures")).content.decode()
    if path == "page":
        return client.get(page_url).status_code == 200
    if path in ("inspection_page", "my_area"):
        url = (
            reverse("inspections:detail", kwargs={"pk": inspection.pk})
            if path == "inspection_page"
            else reverse("inspections:my-area")
        )
        response = client.get(url)
        return response.status_code == 200 and "zqsecretzq" in response.content.decode()
    if path == "admin":
        request = RequestFactory().get("/admin/")
        request.user = user
        return admin_site._registry[EvidenceRecord].get_queryset(request).filter(pk=record.pk).exists()
    if path == "evidence":
        # Never evidence: the queryset the evidence lists use shows it only to its readers, as a disclosure.
        return evidence_visible_to(user, now).filter(pk=record.pk).exists()
    if path == "inbox":
        return [m.created_at for m in InboxMessage.objects.filter(user=user, url=page_url)]
    raise AssertionError(path)


@pytest.mark.slow
def test_disclosure_matrix_has_no_mismatches(directory):
    """I5 × every role × time points × paths; each 200 reading is on the trail as a view, each refusal as denied."""
    people, inspection, record = _disclosure_world()
    cells, mismatches = 0, []
    for label, moment in DISCLOSURE_TIMES.items():
        with time_machine.travel(moment, tick=False):
            for role in DISCLOSURE_ROLES:
                user = people[role]
                client = _client(user)
                for path in DISCLOSURE_PATHS:
                    views_before = AuditEvent.objects.filter(action=AuditAction.VIEW, actor=user).count()
                    denied_before = AuditEvent.objects.filter(action=AuditAction.DENIED, actor=user).count()
                    seen = _observe_disclosure(path, client, user, inspection, record, moment)
                    if seen is None:
                        continue
                    cells += 1
                    if path == "inbox":
                        early = [
                            told for told in seen if not expected_visible(DISCLOSURE_WINDOWS, role, told)
                        ]
                        if early:
                            mismatches.append((label, role, path, "told before allowed", early))
                        continue
                    expected = expected_visible(DISCLOSURE_WINDOWS, role, moment)
                    if path == "my_area":
                        expected = False  # the text is never on an office's page, not even a reader's
                    if path == "inspection_page" and role not in ON_THE_TEAM:
                        expected = False  # the inspection is the team's; a named reader uses their own list
                    if seen != expected:
                        mismatches.append((label, role, path, expected, seen))
                    if path == "page":
                        # Every reading audited; every refusal on the trail as well.
                        action = AuditAction.VIEW if seen else AuditAction.DENIED
                        before = views_before if seen else denied_before
                        if AuditEvent.objects.filter(action=action, actor=user).count() != before + 1:
                            mismatches.append((label, role, path, "not audited", action))
    print(f"disclosure matrix: {cells} cells, {len(mismatches)} mismatches")
    assert cells >= 400, cells
    assert mismatches == [], (
        "\n".join(map(str, mismatches[:60])) + f"\n({len(mismatches)} mismatches of {cells})"
    )


# --- I6: debrief notes, every role × time points × paths ------------------------------------------------
#
# DESIGN.md: "debrief notes (I6) | team; force/FRS; PCC only if invited (police) or PFCC (FRS)". Written from
# that row: the team and the force's or service's chief's office from the moment the debrief is recorded;
# the PCC's office of a police force from the moment its chief's office invites it (never if it does not or
# has not decided); the PFCC's office of a service it governs as of right from the moment it is recorded;
# nobody else ever. Every showing of the page is one audit row (a read, or a refusal answered 404).

REC = T - 10 * 24 * H  # the debriefs are recorded
DEC = T - 5 * 24 * H  # the chief's office of force A decides
DEBRIEF_TIMES = {
    "REC-1s": REC - S,
    "REC": REC,
    "DEC-1s": DEC - S,
    "DEC": DEC,
    "T+1s": T + S,
}
DEBRIEF_SCENARIOS = {
    "police_invited": {
        "area": "force_a",
        "decide": True,
        "windows": {"team": from_(REC), "chief_a": from_(REC), "pcc_a": from_(DEC), "others": NEVER},
    },
    "police_not_invited": {
        "area": "force_a",
        "decide": False,
        "windows": {"team": from_(REC), "chief_a": from_(REC), "others": NEVER},
    },
    "police_undecided": {
        "area": "force_a",
        "windows": {"team": from_(REC), "chief_a": from_(REC), "others": NEVER},
    },
    # Cumbria FRS: governed by the Police, Fire and Crime Commissioner since April 2023, who attends by right.
    "frs_pfcc": {
        "area": "cumbria_frs",
        "windows": {
            "team": from_(REC),
            "chief_cumbria_frs": from_(REC),
            "pcc_cumbria": from_(REC),
            "others": NEVER,
        },
    },
    # Avon FRS: a combined fire authority, no PFCC; not the PCC of Avon and Somerset.
    "frs_fire_authority": {
        "area": "frs_a",
        "windows": {"team": from_(REC), "chief_frs_a": from_(REC), "others": NEVER},
    },
}
DEBRIEF_ROLES = [*ROLES[:-1], "chief_cumbria_frs", "anonymous"]
# The offices' hub lists the debriefs of their own forces/FRSs; the team reads them from the inspection.
DEBRIEF_PATHS = ["page", "queryset", "hub", "inspection_page", "audit"]
OFFICES = {"chief_a", "pcc_a", "chief_b", "pcc_b", "chief_frs_a", "pcc_cumbria", "chief_cumbria_frs"}


def _debrief_world():
    world = _make_world()
    people = world.people
    cumbria_frs = org(OrganisationKind.FIRE_RESCUE_SERVICE, "cumbria")
    people["chief_cumbria_frs"] = make_person("chief_cumbria_frs", cumbria_frs, Role.CHIEF_OFFICER_STAFF)
    areas = {
        "force_a": force("avon-and-somerset"),
        "frs_a": org(OrganisationKind.FIRE_RESCUE_SERVICE, "avon"),
        "cumbria_frs": cumbria_frs,
    }
    lead = people["team"]
    debriefs = {}
    for name, spec in DEBRIEF_SCENARIOS.items():
        area = areas[spec["area"]]
        inspection = inspection_create(
            kind=InspectionKind.PEEL if area.kind == OrganisationKind.POLICE_FORCE else InspectionKind.FRS,
            title=f"Debrief inspection {name}",
            areas=[area],
            lead=lead,
            by=lead,
            now=REC - 24 * H,
        )
        debrief = debrief_record(
            inspection=inspection,
            area=area,
            held_on=(REC - 24 * H).date(),
            notes=f"zqnotes{name}zq: a preliminary view.",
            by=lead,
            now=REC,
        )
        if "decide" in spec:
            debrief_attendance_decide(
                debrief=debrief, pcc_attends=spec["decide"], by=people["chief_a"], now=DEC
            )
        debriefs[name] = debrief
    return people, debriefs


def _observe_debrief(path: str, client: Client, user, debrief, now: dt.datetime):
    """Each page fetched once per person and moment: the hub and an inspection's page are the same for
    every debrief, and the debrief's page answers both "page" (its status) and "audit" (the rows its one
    request wrote), so a cell costs no request of its own (the client keeps what it fetched)."""
    if path == "queryset":
        return debriefs_visible_to(user, now).filter(pk=debrief.pk).exists()
    if user is None:
        return None  # every portal page asks a visitor to sign in first
    fetched = client.__dict__.setdefault("debrief_pages", {})
    page_url = reverse("inspections:debrief", kwargs={"pk": debrief.pk})
    if path in ("page", "audit"):
        if page_url not in fetched:
            # Each request of the page is one row: a read of the notes or of the acknowledgement form (VIEW
            # only when the notes are shown), or the refusal (DENIED). The first request answers "page";
            # "audit" is the rows that request wrote and those a second reading writes, which must agree.
            rows = AuditEvent.objects.filter(object_type="inspections.debrief", object_id=str(debrief.pk))
            written = []
            for _ in range(2):
                before = rows.count()
                status = client.get(page_url).status_code
                written.append(rows.count() - before)
            fetched[page_url] = (status, written[0] if written[0] == written[1] else tuple(written))
        status, written = fetched[page_url]
        return status == 200 if path == "page" else written
    url = (
        reverse("inspections:debriefs-and-updates")
        if path == "hub"
        else reverse("inspections:detail", kwargs={"pk": debrief.inspection_id})
    )
    if path not in ("hub", "inspection_page"):
        raise AssertionError(path)
    if url not in fetched:
        response = client.get(url)
        fetched[url] = (response.status_code, response.content.decode())
    status, text = fetched[url]
    if path == "hub":
        return page_url in text
    return status == 200 and page_url in text


def _expected_debrief(path: str, role: str, name: str, at: dt.datetime):
    visible = expected_visible(DEBRIEF_SCENARIOS[name]["windows"], role, at)
    if path == "hub":
        return visible and role in OFFICES
    if path == "audit":
        # A page that shows the notes, or refuses, writes one row; an attendee's office that has not yet
        # acknowledged sees the form, not the notes, and no read is recorded.
        return 0 if visible and role in OFFICES else 1
    return visible


@pytest.mark.slow
def test_debrief_matrix_has_no_mismatches(directory):
    people, debriefs = _debrief_world()
    cells, mismatches = 0, []
    for label, moment in DEBRIEF_TIMES.items():
        with time_machine.travel(moment, tick=False):
            for role in DEBRIEF_ROLES:
                user = people[role]
                client = _client(user)
                for name, debrief in debriefs.items():
                    for path in DEBRIEF_PATHS:
                        seen = _observe_debrief(path, client, user, debrief, moment)
                        if seen is None:
                            continue
                        cells += 1
                        expected = _expected_debrief(path, role, name, moment)
                        if seen != expected:
                            mismatches.append((label, role, name, path, expected, seen))
    print(f"debrief matrix: {cells} cells, {len(mismatches)} mismatches")
    assert cells >= 600, cells
    assert mismatches == [], "\n".join(map(str, mismatches[:60])) + f"\n({len(mismatches)} of {cells})"
