"""Who reads the confidential records (C4, C5, L1, L2): every record kind × every role × time points.

The expectations are written from DESIGN.md ("Who sees what": conduct matters, shared unpublished
findings; C4 "confidential to them"; L1 "the PCC's office and the HMI") and from the table in
contacts.access, not from the code: a wrong rule shows up as mismatches. Each table reports its cells and
mismatches through tests/matrix.py (record_cells), so they are counted in the run's total; the pages are
asked at every moment of the matrix, not only once.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse

from contacts.models import (
    AssignmentKind,
    ChiefOfficerRecruitment,
    ConductMatter,
    PanelInvitation,
    Role,
    SharedFindings,
)
from contacts.services import appointment_start, assignment_start
from contacts.services_confidential import (
    conduct_matter_log,
    panel_invitation_record,
    recruitment_record,
    shared_findings_share,
)
from hmicfrs_mou.deadlines import LONDON
from hmicfrs_mou.models import AuditAction, AuditEvent
from tests.conftest import make_person, office_of
from tests.contacts.confidential_world import PANEL_MEETS, T0, T1
from tests.matrix import record_cells

pytestmark = pytest.mark.matrix

# Someone who leaves their post on 15 June 2026 reads nothing from then on.
LEFT_ON = dt.date(2026, 6, 15)
MOMENTS = {
    "before it was recorded": T0 - dt.timedelta(minutes=1),
    "as it is recorded": T0,
    "later that day": T1,
    "after some moved on": dt.datetime(2026, 7, 1, 9, tzinfo=LONDON),
}
PERSONAS = (
    "hmi_a",
    "former_hmi_a",
    "other_hmi",
    "named_staff",
    "unnamed_staff",
    "liaison_lead_a",
    "hmci",
    "pcc_office_a",
    "former_office_a",
    "pcc_office_b",
    "chief_office_a",
    "apcc_lead",
    "anonymous",
)
# Who reads each kind (while they hold the post), from the design.
READERS = {
    "shared findings (C4)": {"hmi_a", "former_hmi_a", "pcc_office_a", "former_office_a", "named_staff"},
    "panel invitation (C5)": {"hmi_a", "former_hmi_a", "pcc_office_a", "former_office_a"},
    "chief officer recruitment (L1)": {"hmi_a", "former_hmi_a", "pcc_office_a", "former_office_a"},
    # DESIGN.md: "the HMI for that force/FRS and named HMICFRS staff only" (not the office that logged it).
    "conduct matter (L2)": {"hmi_a", "former_hmi_a", "named_staff"},
}
DETAIL_URLS = {
    "shared findings (C4)": "contacts:shared-findings",
    "panel invitation (C5)": "contacts:panel-invitation",
    "chief officer recruitment (L1)": "contacts:recruitment",
    "conduct matter (L2)": "contacts:conduct-matter",
}


def expected(kind: str, persona: str, moment: str) -> bool:
    if persona not in READERS[kind] or moment == "before it was recorded":
        return False
    return not (persona.startswith("former_") and moment == "after some moved on")


@pytest.fixture
def people(
    hmicfrs,
    force_a,
    force_b,
    hmi_a,
    other_hmi,
    hmicfrs_staff,
    liaison_lead_a,
    pcc_office_a,
    pcc_office_b,
    chief_office_a,
    apcc_lead,
):
    former_hmi = make_person("former_hmi_a", hmicfrs, Role.HMI)
    assignment_start(
        person=former_hmi,
        kind=AssignmentKind.HMI,
        subject=force_a,
        starts_on=dt.date(2025, 7, 3),
        ends_on=LEFT_ON,
    )
    former_office = make_person("former_office_a", hmicfrs, Role.INSPECTION_STAFF)
    former_office.appointments.all().delete()
    appointment_start(
        person=former_office,
        organisation=office_of(force_a),
        role=Role.OPCC_STAFF,
        starts_on=dt.date(2025, 7, 3),
        ends_on=LEFT_ON,
    )
    return {
        "hmi_a": hmi_a,
        "former_hmi_a": former_hmi,
        "other_hmi": other_hmi,
        "named_staff": hmicfrs_staff,
        "unnamed_staff": make_person("unnamed_staff", hmicfrs, Role.INSPECTION_STAFF),
        "liaison_lead_a": liaison_lead_a,
        "hmci": make_person("hmci", hmicfrs, Role.HMCI),
        "pcc_office_a": pcc_office_a,
        "former_office_a": former_office,
        "pcc_office_b": pcc_office_b,
        "chief_office_a": chief_office_a,
        "apcc_lead": apcc_lead,
        "anonymous": AnonymousUser(),
    }


@pytest.fixture
def records(people, force_a):
    hmi, office, named = people["hmi_a"], people["pcc_office_a"], people["named_staff"]
    return {
        "shared findings (C4)": shared_findings_share(
            area=force_a, title="Early findings", findings="Text", named_staff=[named], by=hmi, now=T0
        ),
        "panel invitation (C5)": panel_invitation_record(
            area=force_a, received_on=T0.date(), meeting_on=PANEL_MEETS, purpose="PEEL", by=hmi, now=T0
        ),
        "chief officer recruitment (L1)": recruitment_record(
            area=force_a, process="Timetable", asks_panel=True, by=office, now=T0
        ),
        "conduct matter (L2)": conduct_matter_log(
            area=force_a, kind="conduct", summary="Matter", named_staff=[named], by=office, now=T0
        ),
    }


def test_c4_c5_l1_l2_permission_matrix(people, records):
    """Every kind × every role × four moments, through the one visibility rule (contacts.access)."""
    models = {
        "shared findings (C4)": SharedFindings,
        "panel invitation (C5)": PanelInvitation,
        "chief officer recruitment (L1)": ChiefOfficerRecruitment,
        "conduct matter (L2)": ConductMatter,
    }
    mismatches, checked = [], 0
    for kind, record in records.items():
        for persona in PERSONAS:
            for moment, at in MOMENTS.items():
                sees = models[kind].objects.visible_to(people[persona], at).filter(pk=record.pk).exists()
                checked += 1
                if sees != expected(kind, persona, moment):
                    mismatches.append(f"{kind} / {persona} / {moment}: sees={sees}")
    record_cells("contacts: confidential records", checked, len(mismatches))
    assert checked == len(READERS) * len(PERSONAS) * len(MOMENTS)
    assert mismatches == []


def _clients(people: dict) -> dict[str, Client]:
    clients = {}
    for persona in PERSONAS:
        clients[persona] = Client()
        if persona != "anonymous":
            clients[persona].force_login(people[persona])
    return clients


def test_c4_c5_l1_l2_pages_answer_the_matrix_and_audit_every_answer(people, records):
    """The record's page at each moment of the matrix: 200 with a read audited for a reader; 404 with a
    refusal audited for anyone else signed in (a reader too, before the record was made, and a former
    post-holder once they have moved on); the sign-in page for a visitor."""
    mismatches, checked = [], 0
    for moment, at in MOMENTS.items():
        with time_machine.travel(at, tick=False):
            clients = _clients(people)  # signed in at each moment: a session ends after 30 idle minutes
            for kind, record in records.items():
                url = reverse(DETAIL_URLS[kind], kwargs={"pk": record.pk})
                audit = AuditEvent.objects.filter(object_id=str(record.pk))
                for persona in PERSONAS:
                    views_before = audit.filter(action=AuditAction.VIEW).count()
                    denied_before = audit.filter(action=AuditAction.DENIED).count()
                    status = clients[persona].get(url).status_code
                    checked += 1
                    reads = expected(kind, persona, moment)
                    want = 302 if persona == "anonymous" else 200 if reads else 404
                    views = audit.filter(action=AuditAction.VIEW).count()
                    denied = audit.filter(action=AuditAction.DENIED).count()
                    audited = (views - views_before, denied - denied_before) == (
                        (1, 0) if want == 200 else (0, 1) if want == 404 else (0, 0)
                    )
                    if status != want or not audited:
                        mismatches.append(
                            f"{kind} / {persona} / {moment}: {status} (wanted {want}), audited={audited}"
                        )
    record_cells("contacts: confidential record pages", checked, len(mismatches))
    assert checked == len(READERS) * len(PERSONAS) * len(MOMENTS)
    assert mismatches == []


# Every page of the confidential records, and who may use it: a new page must be added here.
CONFIDENTIAL_PAGES = {
    "contacts:confidential": "anyone signed in; links only, no record",
    "contacts:shared-findings-list": "readers of C4, through visible_to (matrix above)",
    "contacts:shared-findings": "readers of C4 (matrix above, page by page)",
    "contacts:shared-findings-new": "the HMI for an area (403 otherwise; the service checks again)",
    "contacts:panel-invitations": "readers of C5, through visible_to",
    "contacts:panel-invitation": "readers of C5 (matrix above, page by page)",
    "contacts:panel-invitation-new": "the HMI for an area",
    "contacts:panel-representations": "readers of C5 (404 otherwise); the office asked acts",
    "contacts:panel-decision": "readers of C5 (404 otherwise); the HMI for the area acts",
    "contacts:panel-briefing": "readers of C5 (404 otherwise); the HMI for the area acts",
    "contacts:recruitments": "readers of L1, through visible_to",
    "contacts:recruitment": "readers of L1 (matrix above, page by page)",
    "contacts:recruitment-new": "the PCC's office of an area",
    "contacts:recruitment-advice": "readers of L1 (404 otherwise); the HMI for the area acts",
    "contacts:conduct-matters": "readers of L2, through visible_to: its own list, the only one",
    "contacts:conduct-matter": "readers of L2 (matrix above, page by page)",
    "contacts:conduct-matter-new": "the PCC's office of an area",
}
STEP_PAGES = {
    "contacts:panel-representations": "panel invitation (C5)",
    "contacts:panel-decision": "panel invitation (C5)",
    "contacts:panel-briefing": "panel invitation (C5)",
    "contacts:recruitment-advice": "chief officer recruitment (L1)",
}


def test_every_confidential_page_is_in_the_table():
    from django.urls import get_resolver

    resolver = get_resolver().namespace_dict["contacts"][1]
    names = {
        f"contacts:{pattern.name}"
        for pattern in resolver.url_patterns
        if pattern.name and str(pattern.pattern).startswith("confidential/")
    }
    assert names == set(CONFIDENTIAL_PAGES)


def test_step_pages_answer_404_to_anyone_who_may_not_read_the_record(people, records):
    """The pages of a step (representations, decision, briefing, advice) are the record's pages too, at
    every moment of the matrix: 404 exactly for those who may not read the record then."""
    mismatches, checked = [], 0
    for moment, at in MOMENTS.items():
        with time_machine.travel(at, tick=False):
            clients = _clients(people)
            for name, kind in STEP_PAGES.items():
                url = reverse(name, kwargs={"pk": records[kind].pk})
                for persona, client in clients.items():
                    if persona == "anonymous":
                        continue
                    status = client.get(url).status_code
                    checked += 1
                    if (status == 404) == expected(kind, persona, moment):
                        mismatches.append(f"{name} / {persona} / {moment}: {status}")
    record_cells("contacts: confidential step pages", checked, len(mismatches))
    assert checked == len(STEP_PAGES) * (len(PERSONAS) - 1) * len(MOMENTS)
    assert mismatches == []
