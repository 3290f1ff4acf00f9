"""The chief officer's comments on the PCC's response (U6) on every path, as one declarative table.

Roles × scenarios × time points × {read the chief's page, enter the comments}. The expectations
are written from DESIGN.md ("U6 chief's comments; the response | the chief's office when invited;
the PCC's office"), not derived from responses.access, so a wrong rule shows up as mismatches. Each
scenario reports its cells and mismatches through tests/matrix.py (record_cells), counted in the run's total.

Timeline (Europe/London, summer 2026; tests/responses/conftest.py):
  INVITE   Mon 20 July 12:00 BST   the PCC's office invites the comments for Monday 27 July
  SUBMIT   Wed 22 July 12:00 BST   (scenario "submitted") the PCC's office submits the response
  END      Tue 28 July 00:00 BST   the end of the date the PCC's office set
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse

from contacts.models import AssignmentKind, OrganisationKind, Role
from hmicfrs_mou.deadlines import LONDON
from responses.models import ResponseObligation
from responses.services import response_chief_comment, response_invite_chief, response_submit
from tests.conftest import make_person, office_of, org
from tests.matrix import record_cells
from tests.responses.conftest import IN_PERIOD, complete, pdf_upload

pytestmark = [pytest.mark.django_db, pytest.mark.matrix]

INVITE = IN_PERIOD
SUBMIT = dt.datetime(2026, 7, 22, 12, tzinfo=LONDON)
END = dt.datetime(2026, 7, 28, 0, 0, tzinfo=LONDON)
S = dt.timedelta(seconds=1)
TIMES = {
    "INVITE-1s": INVITE - S,
    "INVITE": INVITE,
    "SUBMIT-1s": SUBMIT - S,
    "SUBMIT": SUBMIT,
    "END-1s": END - S,
    "END": END,
}
NEVER = "never"


def from_(start: dt.datetime) -> tuple[str, dt.datetime]:
    return ("from", start)


def between(start: dt.datetime, end: dt.datetime) -> tuple[str, dt.datetime, dt.datetime]:
    return ("between", start, end)


# The table. A role not named follows "others".
MATRIX: dict[str, dict[str, dict[str, object]]] = {
    "open": {  # invited; the PCC's office has not submitted
        "read": {"chief_a": from_(INVITE), "others": NEVER},
        "write": {"chief_a": between(INVITE, END), "others": NEVER},
    },
    "submitted": {  # the response went at SUBMIT: the comments are fixed from then on
        "read": {"chief_a": from_(INVITE), "others": NEVER},
        "write": {"chief_a": between(INVITE, SUBMIT), "others": NEVER},
    },
}
ROLES = [
    "chief_a",
    "chief_b",
    "pcc_a",
    "pcc_b",
    "hmi_a",
    "other_hmi",
    "liaison_a",
    "hmicfrs_staff",
    "apcc",
    "iopc",
    "anonymous",
]


def expected(window: object, at: dt.datetime) -> bool:
    if window == NEVER:
        return False
    kind, *bounds = window  # type: ignore[misc]
    if kind == "from":
        return at >= bounds[0]
    return bounds[0] <= at < bounds[1]


@pytest.fixture
def personas(directory, hmicfrs, apcc, force_a, force_b):
    return {
        "chief_a": make_person("m_chief_a", force_a, Role.CHIEF_OFFICER_STAFF),
        "chief_b": make_person("m_chief_b", force_b, Role.CHIEF_OFFICER),
        "pcc_a": make_person("m_pcc_a", office_of(force_a), Role.OPCC_CHIEF_EXECUTIVE),
        "pcc_b": make_person("m_pcc_b", office_of(force_b), Role.OPCC_STAFF),
        "hmi_a": make_person("m_hmi_a", hmicfrs, Role.HMI, **{AssignmentKind.HMI: [force_a]}),
        "other_hmi": make_person("m_hmi_b", hmicfrs, Role.HMI, **{AssignmentKind.HMI: [force_b]}),
        "liaison_a": make_person(
            "m_liaison_a", hmicfrs, Role.LIAISON_LEAD, **{AssignmentKind.LIAISON_LEAD: [office_of(force_a)]}
        ),
        "hmicfrs_staff": make_person("m_staff", hmicfrs, Role.INSPECTION_STAFF),
        "apcc": make_person("m_apcc", apcc, Role.APCC_JOINT_PERFORMANCE_LEAD),
        "iopc": make_person("m_iopc", org(OrganisationKind.IOPC, "iopc"), Role.INVESTIGATING_BODY_STAFF),
        "anonymous": None,
    }


def build(
    scenario: str, obligation: ResponseObligation, personas: dict, media_root: object
) -> ResponseObligation:
    pcc = personas["pcc_a"]
    if scenario == "open":
        response_invite_chief(obligation=obligation, comments_due_on=dt.date(2026, 7, 27), by=pcc, now=INVITE)
    else:
        complete(obligation, pcc, now=INVITE)
        response_submit(obligation=obligation, upload=pdf_upload(), by=pcc, now=SUBMIT)
    return ResponseObligation.objects.get(pk=obligation.pk)


def reads(user: object, obligation: ResponseObligation, at: dt.datetime) -> bool:
    client = Client()
    if user is not None:
        client.force_login(user)
    with time_machine.travel(at, tick=False):
        response = client.get(reverse("responses:chief-comments", kwargs={"pk": obligation.pk}))
    assert response.status_code in (200, 302, 404), response.status_code
    return response.status_code == 200


def writes(user: object, obligation: ResponseObligation, at: dt.datetime) -> bool:
    """Whether the service accepts the comments at `at`; whatever it does is rolled back."""
    with transaction.atomic():
        try:
            response_chief_comment(
                obligation=obligation, comments="Matrix comments.", by=user or AnonymousUser(), now=at
            )
        except ValidationError:
            return False
        finally:
            transaction.set_rollback(True)
    return True


@pytest.mark.parametrize("scenario", list(MATRIX))
def test_u6_chief_comments_permission_matrix(scenario, personas, obligation_a, media_root):
    obligation = build(scenario, obligation_a, personas, media_root)
    checks = {"read": reads, "write": writes}
    mismatches, cells = [], 0
    for action, check in checks.items():
        windows = MATRIX[scenario][action]
        for role in ROLES:
            window = windows.get(role, windows["others"])
            for label, at in TIMES.items():
                cells += 1
                got = check(personas[role], obligation, at)
                want = expected(window, at)
                if got != want:
                    mismatches.append(f"{scenario} {action} {role} at {label}: expected {want}, got {got}")
    record_cells(f"responses: chief's comments ({scenario})", cells, len(mismatches))
    assert cells == len(checks) * len(ROLES) * len(TIMES)
    assert mismatches == [], f"{len(mismatches)} mismatches of {cells}:\n" + "\n".join(mismatches)
    # The rolled-back writes left the comments as they were.
    obligation.refresh_from_db()
    assert obligation.chief_comments != "Matrix comments."
