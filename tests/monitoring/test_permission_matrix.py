"""The Engage visibility model on every monitoring path, as one declarative table (DESIGN.md "Engage case" row).

Roles × monitoring records × time points × paths. The expectations below are
written from the design (M5, M6, M10 and the visibility table), not derived from
monitoring.access, so a wrong rule shows up as a mismatch. Every monitoring URL
pattern must be in this table or on its allow-list with a reason: a new way out
for an Engage record fails the URL check until it is added here.

| record              | before the PCC is told       | from the PCC told          | from the announcement        | after exit |
|---------------------|------------------------------|----------------------------|------------------------------|------------|
| case                | HMCI, COO, HMI and liaison lead for the area | + PCC's and chief's office of the area | + APCC, other HMICFRS staff | as it was |
| advice (marker)     | HMCI, COO, HMI and liaison lead for the area, never anyone else | | | |
| letter, plan        | –                            | + PCC's and chief's office | (not the APCC)               | as it was |
| PCC's note on plan  | HMICFRS for the area, the PCC's office; never the chief's office | | | |
| meeting, action     | whoever sees the case, from when they are recorded | | | |
| public pages        | –                            | –                          | everyone                     | "previously in Engage" |

The fire list is observed with an FRS case on the same timeline. The findings register (M1) of force A holds
the findings of a report published before the timeline: HMICFRS staff and the offices of the area see
the register and each finding at every time point, nobody else; the PCC's holding-to-account note on a
finding, from when it is written, only HMICFRS senior staff and staff for the area and the PCC's office.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from contacts.models import AssignmentKind, Organisation, OrganisationKind, Role
from hmicfrs_mou.deadlines import LONDON
from inspections.models import FindingKind
from monitoring import services
from monitoring.models import EngageCase, FindingEntryKind, PlanNoteKind
from tests.conftest import force, make_person, office_of, org
from tests.matrix import record_cells
from tests.monitoring.conftest import published_report

pytestmark = [pytest.mark.django_db, pytest.mark.matrix]

S = dt.timedelta(seconds=1)
M = dt.timedelta(minutes=1)
H = dt.timedelta(hours=1)

CONCERN_AT = dt.datetime(2026, 2, 20, 10, tzinfo=LONDON)
ADVISED = dt.datetime(2026, 3, 2, 10, tzinfo=LONDON)
DECIDED = dt.datetime(2026, 3, 4, 14, tzinfo=LONDON)
TOLD = dt.datetime(2026, 3, 5, 9, 30, tzinfo=LONDON)
LETTER_AT = TOLD + 30 * M
PLAN_AT = TOLD + 45 * M
NOTE_AT = TOLD + 50 * M
PASSED_AT = TOLD + 2 * H
# Across the spring clock change (Sunday 29 March 2026): the announcement is in BST.
ANNOUNCED = dt.datetime(2026, 3, 30, 10, tzinfo=LONDON)
MEETING_AT = ANNOUNCED + 10 * M
HELD_AT = ANNOUNCED + 20 * M
ACTION_AT = ANNOUNCED + 30 * M
EXITED = dt.datetime(2026, 9, 1, 11, tzinfo=LONDON)

TIMES = {
    "concern+1m": CONCERN_AT + M,
    "advised-1s": ADVISED - S,
    "advised": ADVISED,
    "decided+1h": DECIDED + H,
    "told-1s": TOLD - S,
    "told": TOLD,
    "letter-1s": LETTER_AT - S,
    "letter": LETTER_AT,
    "plan-1s": PLAN_AT - S,
    "plan": PLAN_AT,
    "note": NOTE_AT,
    "passed-1s": PASSED_AT - S,
    "passed": PASSED_AT,
    "told+3h": TOLD + 3 * H,
    "announced-1s": ANNOUNCED - S,
    "announced": ANNOUNCED,
    "meeting-1s": MEETING_AT - S,
    # Not between MEETING_AT and HELD_AT: the world is built in advance, so the notes recorded at HELD_AT
    # already exist then, and the meeting page shows a meeting's notes whenever they exist.
    "held": HELD_AT,
    "action-1s": ACTION_AT - S,
    "action": ACTION_AT,
    "announced+1h": ANNOUNCED + H,
    "exited-1s": EXITED - S,
    "exited": EXITED,
    "exited+1h": EXITED + H,
}

ROLES = [
    "hmci",
    "coo",
    "hmi_a",
    "liaison_a",
    "other_hmi",
    "hmicfrs_staff",
    "pcc_a",
    "chief_a",
    "pcc_b",
    "chief_b",
    "apcc_lead",
    "apcc_staff",
    "anonymous",
]
AREA_HMICFRS = {"hmci", "coo", "hmi_a", "liaison_a"}
OFFICES_A = {"pcc_a", "chief_a"}
FROM_ANNOUNCEMENT = {"apcc_lead", "apcc_staff", "other_hmi", "hmicfrs_staff"}
HMICFRS_OR_APCC = AREA_HMICFRS | {"other_hmi", "hmicfrs_staff", "apcc_lead", "apcc_staff"}

MARK_ADVICE = "zqADVICEzq"
MARK_EVIDENCE = "zqEVIDENCEzq"
MARK_REASONS = "zqREASONSzq"
MARK_CAUSE = "zqCAUSEzq"
MARK_PCC_NOTE = "zqPCCNOTEzq"
MARK_MEETING_NOTES = "zqPPOGNOTESzq"
MARK_FIRE_CAUSE = "zqFIRECAUSEzq"
MARK_FINDING_NOTE = "zqFINDINGNOTEzq"
# The cause of concern of the report published before the timeline (tests/monitoring/conftest.py).
FINDING_TEXT = "The force does not record crime accurately."
SECRET_MARKS = (MARK_ADVICE, MARK_EVIDENCE)


def case_visible(role: str, at: dt.datetime) -> bool:
    if role in AREA_HMICFRS:
        return at >= ADVISED
    if role in OFFICES_A:
        return at >= TOLD
    if role in FROM_ANNOUNCEMENT:
        return at >= ANNOUNCED
    return False


def expected(path: str, role: str, at: dt.datetime) -> bool | None:
    """What the design says `role` sees on `path` at `at` (None: the path does not apply)."""
    if role == "anonymous" and not path.startswith("public"):
        return False
    if path in ("case", "area_link", "workspace_link"):
        return case_visible(role, at)
    if path == "tracker_link":
        return role in HMICFRS_OR_APCC and case_visible(role, at)
    if path == "tracker_csv":
        return role in HMICFRS_OR_APCC and case_visible(role, at)
    if path == "advice":
        return role in AREA_HMICFRS and at >= ADVISED
    if path == "letter":
        return (role in AREA_HMICFRS or role in OFFICES_A) and at >= LETTER_AT
    if path == "plan":
        return (role in AREA_HMICFRS or role in OFFICES_A) and at >= PLAN_AT
    if path == "plan_pcc_note":
        return (role in AREA_HMICFRS or role == "pcc_a") and at >= NOTE_AT
    if path == "meeting":
        return case_visible(role, at) and at >= MEETING_AT
    if path == "meeting_notes":
        return case_visible(role, at) and at >= HELD_AT
    if path == "action":
        return case_visible(role, at) and at >= ACTION_AT
    if path == "concern":
        if role in AREA_HMICFRS or role in OFFICES_A:
            return at >= CONCERN_AT
        return role in ("apcc_lead", "apcc_staff") and at >= PASSED_AT
    if path in ("register", "finding"):
        return role in AREA_HMICFRS or role in {"other_hmi", "hmicfrs_staff"} or role in OFFICES_A
    if path == "finding_pcc_note":
        return (role in AREA_HMICFRS or role == "pcc_a") and at >= NOTE_AT
    if path == "public_fire_list":
        return ANNOUNCED <= at < EXITED
    if path in ("public_case", "public_current_list"):
        if path == "public_current_list":
            return ANNOUNCED <= at < EXITED
        return at >= ANNOUNCED
    if path == "public_previously":
        return at >= EXITED
    raise AssertionError(path)


PATHS = [
    "case",
    "advice",
    "letter",
    "plan",
    "plan_pcc_note",
    "meeting",
    "meeting_notes",
    "action",
    "concern",
    "area_link",
    "workspace_link",
    "tracker_link",
    "tracker_csv",
    "register",
    "finding",
    "finding_pcc_note",
    "public_case",
    "public_current_list",
    "public_fire_list",
    "public_previously",
]

# Every monitoring URL name is observed by a path above, or allowed here with the reason.
COVERED = {
    "monitoring:case": "case, advice",
    "monitoring:case-letter-pdf": "letter",
    "monitoring:plan": "plan, plan_pcc_note",
    "monitoring:meeting": "meeting, meeting_notes",
    "monitoring:action": "action",
    "monitoring:concern": "concern",
    "monitoring:area": "area_link",
    "monitoring:workspace": "workspace_link",
    "monitoring:tracker": "tracker_link",
    "monitoring:tracker-csv": "tracker_csv",
    "public_monitoring:case": "public_case",
    "public_monitoring:police": "public_current_list",
    "public_monitoring:fire": "public_fire_list",
    "monitoring:register": "register",
    "monitoring:finding": "finding, finding_pcc_note",
    "public_monitoring:previously": "public_previously",
}
ALLOWED = {
    # Forms that act: each calls a service that checks the actor (tests/monitoring/test_rules.py) and shows
    # the record only through the same access helpers as the pages above (tests/monitoring/test_*_views.py).
    "monitoring:concern-new": "form; HMI for the area only",
    "monitoring:concern-mark": "form; the PCC's office only",
    "monitoring:case-new": "form; HMI for the area only",
    "monitoring:case-decide": "form on a case fetched through get_case_for_user",
    "monitoring:case-pcc-informed": "as above",
    "monitoring:case-announce": "as above",
    "monitoring:case-letter": "as above; the PDF itself is the letter path",
    "monitoring:case-exit": "as above",
    "monitoring:meeting-new": "form on a case fetched through get_case_for_user",
    "monitoring:meeting-deputy": "form on a meeting fetched through get_meeting_for_user",
    "monitoring:meeting-held": "as above",
    "monitoring:action-new": "as above",
    "monitoring:action-follow-up": "form on an action fetched through get_action_for_user",
    "monitoring:plan-new": "form on a case fetched through get_case_for_user",
    "monitoring:plan-note": "form on a plan fetched through plans_visible_to",
    "monitoring:plan-file": "the plan's attachment, through plans_visible_to (tests/monitoring/test_meeting_views.py)",
    "monitoring:toolkit": "the APCC's toolkit: no case record (tests/monitoring/test_meeting_views.py)",
    "monitoring:toolkit-file": "as above",
    "monitoring:toolkit-send": "form on a case fetched through get_case_for_user",
    "monitoring:finding-status": "form on a finding fetched through get_finding_for_user",
    "monitoring:finding-note": "as above",
}


def _url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str = "") -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
            elif isinstance(entry, URLPattern) and entry.name:
                names.add(f"{namespace}{entry.name}")

    walk(get_resolver().url_patterns)
    return names


def test_every_monitoring_url_is_in_the_matrix_or_allowed():
    """The URL-coverage check: a monitoring URL missing from the table fails the run."""
    monitoring = {n for n in _url_names() if n.startswith(("monitoring:", "public_monitoring:"))}
    missing = sorted(monitoring - COVERED.keys() - ALLOWED.keys())
    assert missing == [], f"Monitoring URLs neither in the matrix nor on its allow-list: {missing}"
    stale = sorted((COVERED.keys() | ALLOWED.keys()) - monitoring)
    assert stale == [], f"Entries for URLs that no longer exist: {stale}"


@dataclass
class World:
    people: dict[str, Any]
    area: Organisation
    case: EngageCase
    ids: dict[str, int]


def _make_world() -> World:
    hmicfrs = org(OrganisationKind.HMICFRS, "hmicfrs")
    apcc = org(OrganisationKind.APCC, "apcc")
    force_a, force_b = force("avon-and-somerset"), force("kent")
    people: dict[str, Any] = {
        "hmci": make_person("m_hmci", hmicfrs, Role.HMCI),
        "coo": make_person("m_coo", hmicfrs, Role.CHIEF_OPERATING_OFFICER),
        "hmi_a": make_person("m_hmi_a", hmicfrs, Role.HMI, **{AssignmentKind.HMI: [force_a]}),
        "liaison_a": make_person(
            "m_liaison_a", hmicfrs, Role.LIAISON_LEAD, **{AssignmentKind.LIAISON_LEAD: [office_of(force_a)]}
        ),
        "other_hmi": make_person("m_other_hmi", hmicfrs, Role.HMI, **{AssignmentKind.HMI: [force_b]}),
        "hmicfrs_staff": make_person("m_staff", hmicfrs, Role.INSPECTION_STAFF),
        "pcc_a": make_person("m_pcc_a", office_of(force_a), Role.OPCC_STAFF),
        "chief_a": make_person("m_chief_a", force_a, Role.CHIEF_OFFICER_STAFF),
        "pcc_b": make_person("m_pcc_b", office_of(force_b), Role.OPCC_STAFF),
        "chief_b": make_person("m_chief_b", force_b, Role.CHIEF_OFFICER_STAFF),
        "apcc_lead": make_person("m_apcc_lead", apcc, Role.APCC_JOINT_PERFORMANCE_LEAD),
        "apcc_staff": make_person("m_apcc_staff", apcc, Role.APCC_STAFF),
        "anonymous": None,
    }
    p = people
    concern = services.concern_raise(
        area=force_a,
        summary="Call handling",
        text="Slow answering of 101 calls.",
        by=p["hmi_a"],
        now=CONCERN_AT,
    )
    case = services.case_advise(
        area=force_a,
        advice=f"Advice {MARK_ADVICE}",
        evidence=f"Evidence {MARK_EVIDENCE}",
        causes=[services.CauseInput(f"Crime recording {MARK_CAUSE}")],
        by=p["hmi_a"],
        now=ADVISED,
    )
    services.case_decide(case=case, engage=True, reasons=f"Reasons {MARK_REASONS}", by=p["hmci"], now=DECIDED)
    services.case_record_pcc_informed(
        case=case, person_told="The commissioner", told_at=TOLD, how="in_person", by=p["hmi_a"], now=TOLD
    )
    letter = services.case_send_letter(case=case, by=p["hmi_a"], now=LETTER_AT)
    plan = services.plan_submit(case=case, text="Plan version 1.", by=p["chief_a"], now=PLAN_AT)
    services.plan_note_add(
        plan=plan,
        kind=PlanNoteKind.PCC,
        text=f"Holding to account {MARK_PCC_NOTE}",
        by=p["pcc_a"],
        now=NOTE_AT,
    )
    services.concern_mark(
        concern=concern, passed_to_apcc=True, support_requested=False, by=p["pcc_a"], now=PASSED_AT
    )
    services.case_announce(case=case, announcement="Placed in Engage.", by=p["hmci"], now=ANNOUNCED)
    # An FRS in Engage on the same timeline, for the public fire list; its HMI is not one of the roles.
    frs = org(OrganisationKind.FIRE_RESCUE_SERVICE, "avon")
    hmi_f = make_person("m_hmi_f", hmicfrs, Role.HMI, **{AssignmentKind.HMI: [frs]})
    fire_case = services.case_advise(
        area=frs,
        advice=f"Advice {MARK_ADVICE}",
        evidence=f"Evidence {MARK_EVIDENCE}",
        causes=[services.CauseInput(f"Prevention {MARK_FIRE_CAUSE}")],
        by=hmi_f,
        now=ADVISED,
    )
    services.case_decide(
        case=fire_case, engage=True, reasons=f"Reasons {MARK_REASONS}", by=p["hmci"], now=DECIDED
    )
    services.case_record_pcc_informed(
        case=fire_case, person_told="The commissioner", told_at=TOLD, how="in_person", by=hmi_f, now=TOLD
    )
    services.case_announce(case=fire_case, announcement="Placed in Engage.", by=p["hmci"], now=ANNOUNCED)
    # The findings register (M1): a report about force A published before the timeline, with a PCC's note.
    report = published_report(force_a, make_person("m_lead_hmi", hmicfrs, Role.HMI))
    finding = report.findings.get(kind=FindingKind.CAUSE_OF_CONCERN)
    services.finding_note_add(
        finding=finding,
        kind=FindingEntryKind.PCC_NOTE,
        text=f"Holding to account {MARK_FINDING_NOTE}",
        by=p["pcc_a"],
        now=NOTE_AT,
    )
    meeting = services.meeting_schedule(
        case=case, scheduled_for=ANNOUNCED.date(), by=p["hmi_a"], now=MEETING_AT
    )
    meeting = services.meeting_record_held(
        meeting=meeting,
        held_on=ANNOUNCED.date(),
        attendances=[services.AttendanceInput(apcc, "Lead", p["apcc_lead"])],
        notes=f"Notes {MARK_MEETING_NOTES}",
        by=p["apcc_lead"],
        now=HELD_AT,
    )
    action = services.action_add(
        meeting=meeting,
        text="Peer support offered.",
        owner=apcc,
        offer_of_assistance=True,
        by=p["apcc_lead"],
        now=ACTION_AT,
    )
    for exiting in (case, fire_case):
        services.case_exit(
            case=exiting,
            reasons="Enough progress.",
            improvements="Crime recording now accurate.",
            by=p["hmci"],
            now=EXITED,
        )
    return World(
        people,
        force_a,
        EngageCase.objects.get(pk=case.pk),
        {
            "letter": letter.pk,
            "plan": plan.pk,
            "meeting": meeting.pk,
            "action": action.pk,
            "concern": concern.pk,
            "finding": finding.pk,
        },
    )


# Each page fetched once per person and moment (and each public page once per moment), not once per cell.
_PUBLIC: dict[str, tuple[int, str, str]] = {}  # by URL; emptied at each moment
REDIRECTS = (301, 302, 303, 307, 308)


def _get(client: Client, url: str, follow: bool = False, hops: int = 0) -> tuple[int, str]:
    """The page's status and text; with `follow`, the page a redirect leads to, as a browser ends on.

    A page is fetched without following, and a redirect is followed through the same cache, so a page
    read as a link's target and as itself (the tracker, the workspace) costs one request, not two.
    """
    cache = _PUBLIC if getattr(client, "public", False) else client.__dict__.setdefault("pages", {})
    if url not in cache:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        location = response.headers.get("Location", "") if response.status_code in REDIRECTS else ""
        cache[url] = (response.status_code, body.decode(errors="replace"), location)
    status, text, location = cache[url]
    if follow and location:
        assert hops < 5, f"{url} redirects in a loop"
        return _get(client, location, follow=True, hops=hops + 1)
    return status, text


def _public_client() -> Client:
    client = Client()
    client.public = True  # type: ignore[attr-defined]
    return client


def _observe(path: str, client: Client, world: World) -> bool:
    case_url = reverse("monitoring:case", kwargs={"pk": world.case.pk})
    if path in ("case", "advice"):
        status, text = _get(client, case_url)
        return status == 200 and (path == "case" or MARK_ADVICE in text)
    if path == "letter":
        return _get(client, reverse("monitoring:case-letter-pdf", kwargs={"pk": world.case.pk}))[0] == 200
    if path in ("plan", "plan_pcc_note"):
        status, text = _get(client, reverse("monitoring:plan", kwargs={"pk": world.ids["plan"]}))
        return status == 200 and (path == "plan" or MARK_PCC_NOTE in text)
    if path in ("meeting", "meeting_notes"):
        status, text = _get(client, reverse("monitoring:meeting", kwargs={"pk": world.ids["meeting"]}))
        return status == 200 and (path == "meeting" or MARK_MEETING_NOTES in text)
    if path == "action":
        return _get(client, reverse("monitoring:action", kwargs={"pk": world.ids["action"]}))[0] == 200
    if path == "concern":
        return _get(client, reverse("monitoring:concern", kwargs={"pk": world.ids["concern"]}))[0] == 200
    if path in ("area_link", "workspace_link", "tracker_link"):
        url = {
            "area_link": reverse("monitoring:area", kwargs={"pk": world.area.pk}),
            "workspace_link": reverse("monitoring:workspace"),
            "tracker_link": reverse("monitoring:tracker"),
        }[path]
        # The APCC's monitoring home is its tracker: follow the redirect, as a browser does.
        status, text = _get(client, url, follow=True)
        return status == 200 and case_url in text
    if path == "tracker_csv":
        status, text = _get(client, reverse("monitoring:tracker-csv"))
        if status != 200:
            return False
        rows = [row for row in csv.reader(io.StringIO(text)) if row and world.area.name in row]
        return any(MARK_CAUSE in cell or "Engage" in cell for row in rows for cell in row[1:])
    if path == "register":
        status, text = _get(client, reverse("monitoring:register", kwargs={"pk": world.area.pk}))
        return status == 200 and FINDING_TEXT in text
    if path in ("finding", "finding_pcc_note"):
        status, text = _get(client, reverse("monitoring:finding", kwargs={"pk": world.ids["finding"]}))
        return status == 200 and (path == "finding" or MARK_FINDING_NOTE in text)
    anonymous = _public_client()
    if path == "public_fire_list":
        text = _get(anonymous, reverse("public_monitoring:fire"))[1]
        return MARK_FIRE_CAUSE in text and MARK_CAUSE not in text
    if path == "public_case":
        return _get(anonymous, reverse("public_monitoring:case", kwargs={"pk": world.case.pk}))[0] == 200
    if path == "public_current_list":
        return MARK_CAUSE in _get(anonymous, reverse("public_monitoring:police"))[1]
    if path == "public_previously":
        return MARK_CAUSE in _get(anonymous, reverse("public_monitoring:previously"))[1]
    raise AssertionError(path)


SECRET_PAGES = ("monitoring:workspace", "monitoring:tracker", "monitoring:tracker-csv")


@pytest.mark.slow
def test_m5_m6_m10_engage_visibility_matrix_has_no_mismatches(directory):
    """Every role × path × time point agrees with the design table; the advice never leaks anywhere."""
    world = _make_world()
    cells = 0
    mismatches = []
    leaks = []
    for label, moment in TIMES.items():
        _PUBLIC.clear()
        with time_machine.travel(moment, tick=False):
            for role in ROLES:
                user = world.people[role]
                client = Client()
                if user is not None:
                    client.force_login(user)
                for path in PATHS:
                    want = expected(path, role, moment)
                    if want is None:
                        continue
                    seen = _observe(path, client, world)
                    cells += 1
                    if seen != want:
                        mismatches.append((label, role, path, want, seen))
                # The advice and evidence never appear outside HMICFRS senior and area staff.
                if role not in AREA_HMICFRS:
                    for name in SECRET_PAGES:
                        text = _get(client, reverse(name))[1]
                        for mark in SECRET_MARKS:
                            if mark in text:
                                leaks.append((label, role, name, mark))
                    for url in (
                        reverse("public_monitoring:police"),
                        reverse("public_monitoring:fire"),
                        reverse("public_monitoring:previously"),
                        reverse("public_monitoring:case", kwargs={"pk": world.case.pk}),
                    ):
                        text = _get(_public_client(), url)[1]
                        for mark in (
                            *SECRET_MARKS,
                            MARK_REASONS,
                            MARK_PCC_NOTE,
                            MARK_MEETING_NOTES,
                            MARK_FINDING_NOTE,
                        ):
                            if mark in text:
                                leaks.append((label, "public", url, mark))
    record_cells("monitoring: Engage", cells, len(mismatches))
    assert cells >= 6000, cells
    assert leaks == []
    assert mismatches == [], "\n".join(map(str, mismatches[:80])) + f"\n({len(mismatches)} of {cells})"
