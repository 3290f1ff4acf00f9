"""Audit completeness: every read of an embargoed or confidential record is on the audit trail.

The table below enumerates the sensitive record kinds and every path that shows their content (pages,
PDFs, CSV exports that carry it). Each read is performed once, as a person allowed to make it, at a
moment when the record is still embargoed or confidential; the audit rows it writes about that record
(Viewed, Downloaded or Exported) are counted. Reads must equal rows: one row per read, ratio 1.000,
printed in the terminal summary by tests/conftest.py (tests/matrix.py).

Kinds: a report under embargo (its page, its PDF copy, the reports CSV), a draft in the factual-accuracy
check (the force's page, the report page, the PDF), a disclosure in confidence (its page, the inspection
page that lists it), debrief notes (their page), an Engage case before its announcement (its page, the
letter PDF), an improvement plan's file, a confidential meeting (its page), a PCC's response before it
is public (the uploaded file), the chief officer's comments on it (the chief's office's page), and the
confidential records between an HMI and a PCC's office (EXTRA_READS): shared unpublished findings (C4),
an invitation to brief a panel (C5), a chief officer recruitment (L1) and a complaint or conduct matter
about the chief officer (L2), each on its page, read by each party allowed to read it. None of these
records has a file or download of its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from unittest import mock

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from contacts.models import (
    AssignmentKind,
    ChiefOfficerRecruitment,
    ConductMatter,
    OrganisationKind,
    PanelInvitation,
    Role,
    SharedFindings,
)
from contacts.services_confidential import (
    conduct_matter_log,
    panel_invitation_record,
    recruitment_record,
    shared_findings_share,
)
from hmicfrs_mou.models import AuditAction, AuditEvent
from inspections.models import InspectionKind, ReportKind
from inspections.services import (
    debrief_record,
    disclosure_make,
    inspection_create,
    report_create,
    report_finalise,
    report_open_factual_accuracy,
    report_schedule,
)
from tests.conftest import force, make_person, office_of, org
from tests.matrix import record_audit
from tests.monitoring import test_permission_matrix as engage

pytestmark = pytest.mark.django_db

T = dt.datetime(2026, 10, 26, 10, 0, tzinfo=dt.UTC)  # publication of the embargoed report
H = dt.timedelta(hours=1)
READ_AT = T - 30 * H  # inside the chief's and PCC's 48 hours; the draft's window is still open
READ_ACTIONS = (AuditAction.VIEW, AuditAction.DOWNLOAD, AuditAction.EXPORT)


@dataclass
class Read:
    kind: str
    path: str
    user: object
    url: str
    object_type: str
    object_id: str  # "" for an export, which names the kind of record, not one record


def _rows(read: Read, since: int) -> int:
    rows = AuditEvent.objects.filter(pk__gt=since, action__in=READ_ACTIONS, object_type=read.object_type)
    if read.object_id:
        rows = rows.filter(object_id=read.object_id)
    return rows.count()


def inspections_reads(people: dict) -> list[Read]:
    force_a = force("avon-and-somerset")
    lead = people["hmi_a"]
    setup = T - 20 * 24 * H
    inspection = inspection_create(
        kind=InspectionKind.PEEL, title="PEEL audit", areas=[force_a], lead=lead, by=lead, now=setup
    )
    embargoed = report_create(
        inspection=inspection,
        kind=ReportKind.FORCE_SPECIFIC,
        title="Report zqembargozq",
        body="Embargoed text.",
        areas=[force_a],
        by=lead,
        now=setup,
    )
    report_finalise(report=embargoed, by=lead, now=setup)
    report_schedule(report=embargoed, publication_at=T, by=lead, now=setup)
    draft = report_create(
        inspection=inspection,
        kind=ReportKind.FORCE_SPECIFIC,
        title="Report zqdraftzq",
        body="Draft text.",
        areas=[force_a],
        by=lead,
        now=setup,
    )
    report_open_factual_accuracy(report=draft, closes_at=T, by=lead, now=READ_AT - 24 * H)
    # A second inspection, still gathering evidence, for the disclosure and the debrief.
    gathering = inspection_create(
        kind=InspectionKind.PEEL, title="PEEL gathering", areas=[force_a], lead=lead, by=lead, now=setup
    )
    disclosure = disclosure_make(
        inspection=gathering,
        area=force_a,
        summary="zqdisclosurezq a worry about vetting",
        by=people["pcc_a"],
        now=READ_AT - 2 * H,
    )
    debrief = debrief_record(
        inspection=gathering,
        area=force_a,
        held_on=(READ_AT - 24 * H).date(),
        notes="zqdebriefzq a preliminary view",
        by=lead,
        now=READ_AT - 3 * H,
    )
    chief, pcc, hmi = people["chief_a"], people["pcc_a"], people["hmi_a"]
    report_type, evidence_type, debrief_type = (
        "inspections.report",
        "inspections.evidencerecord",
        "inspections.debrief",
    )
    e, d = str(embargoed.pk), str(draft.pk)
    return [
        Read("embargoed report", "page (chief's office)", chief, reverse("inspections:report", kwargs={"pk": e}), report_type, e),
        Read("embargoed report", "page (PCC's office)", pcc, reverse("inspections:report", kwargs={"pk": e}), report_type, e),
        Read("embargoed report", "page (team)", hmi, reverse("inspections:report", kwargs={"pk": e}), report_type, e),
        Read("embargoed report", "PDF copy (chief's office)", chief, reverse("inspections:copy", kwargs={"pk": e}), report_type, e),
        Read("embargoed report", "PDF copy (team)", hmi, reverse("inspections:copy", kwargs={"pk": e}), report_type, e),
        Read("embargoed report", "reports CSV (PCC's office)", pcc, reverse("inspections:reports-csv"), report_type, ""),
        Read("draft report", "factual-accuracy page (chief's office)", chief, reverse("inspections:fac", kwargs={"pk": d}), report_type, d),
        Read("draft report", "page (chief's office)", chief, reverse("inspections:report", kwargs={"pk": d}), report_type, d),
        Read("draft report", "page (team)", hmi, reverse("inspections:report", kwargs={"pk": d}), report_type, d),
        Read("draft report", "PDF (chief's office)", chief, reverse("inspections:copy", kwargs={"pk": d}), report_type, d),
        Read("disclosure", "page (HMI for the force)", hmi, reverse("inspections:disclosure", kwargs={"pk": disclosure.pk}), evidence_type, str(disclosure.pk)),
        Read("disclosure", "inspection page (HMI for the force)", hmi, reverse("inspections:detail", kwargs={"pk": gathering.pk}), evidence_type, str(disclosure.pk)),
        Read("debrief notes", "page (team)", hmi, reverse("inspections:debrief", kwargs={"pk": debrief.pk}), debrief_type, str(debrief.pk)),
    ]  # fmt: skip


def monitoring_reads(people: dict) -> list[Read]:
    """An Engage case read before its announcement (the monitoring matrix's world, reused)."""
    world = engage._make_world()
    case, ids = world.case, world.ids
    p = world.people
    return [
        Read("Engage case", "page (HMI for the area)", p["hmi_a"], reverse("monitoring:case", kwargs={"pk": case.pk}), "monitoring.engagecase", str(case.pk)),
        Read("Engage case", "page (PCC's office)", p["pcc_a"], reverse("monitoring:case", kwargs={"pk": case.pk}), "monitoring.engagecase", str(case.pk)),
        Read("Engage letter", "PDF (PCC's office)", p["pcc_a"], reverse("monitoring:case-letter-pdf", kwargs={"pk": case.pk}), "monitoring.engageletter", ""),
        Read("improvement plan", "page (chief's office)", p["chief_a"], reverse("monitoring:plan", kwargs={"pk": ids["plan"]}), "monitoring.improvementplanversion", str(ids["plan"])),
    ]  # fmt: skip


def responses_reads(people: dict, media_root) -> list[Read]:
    """A PCC's response before it is public: the draft on the office's page, and the uploaded file."""
    from responses.models import ResponseObligation
    from responses.services import response_chief_comment, response_invite_chief, response_submit
    from tests.responses import conftest as responses

    force_a = force("avon-and-somerset")
    lead = make_person("a_response_lead", org(OrganisationKind.HMICFRS, "hmicfrs"), Role.HMI)
    report = responses.publish_report(lead=lead, areas=[force_a], title="Thematic zqresponsezq")
    obligation = ResponseObligation.objects.get(report=report, area=force_a)
    pcc = people["pcc_a"]
    responses.complete(obligation, pcc, now=responses.IN_PERIOD)
    submission = response_submit(
        obligation=obligation, upload=responses.pdf_upload(), by=pcc, now=responses.IN_PERIOD
    )
    # A second response, still being drafted: the chief officer's office has been invited to comment and
    # has; its comments page shows them and the report's recommendations.
    other = responses.publish_report(lead=lead, areas=[force_a], title="Thematic zqchiefzq")
    invited = ResponseObligation.objects.get(report=other, area=force_a)
    response_invite_chief(
        obligation=invited, comments_due_on=responses.LAST_DAY, by=pcc, now=responses.IN_PERIOD
    )
    response_chief_comment(
        obligation=invited, comments="zqchiefcommentszq", by=people["chief_a"], now=responses.IN_PERIOD
    )
    o, c = str(obligation.pk), str(invited.pk)
    return [
        Read("draft response", "page (PCC's office)", pcc, reverse("responses:obligation", kwargs={"pk": o}), "responses.responseobligation", o),
        Read("submitted response", "file (PCC's office)", pcc, reverse("responses:submission", kwargs={"pk": submission.pk}), "responses.submission", str(submission.pk)),
        Read("chief's comments", "page (chief's office)", people["chief_a"], reverse("responses:chief-comments", kwargs={"pk": c}), "responses.responseobligation", c),
    ]  # fmt: skip


# The confidential records between an HMI and a PCC's office, made shortly before the reads.
MADE_AT = READ_AT - 2 * H


def _shared_findings(people: dict) -> SharedFindings:
    """C4, shared by the HMI for the force with its PCC's office (one record for both of its reads)."""
    record = SharedFindings.objects.first()
    return record or shared_findings_share(
        area=force("avon-and-somerset"),
        title="zqsharedzq",
        findings="zqsharedzq unpublished findings",
        by=people["hmi_a"],
        now=MADE_AT,
    )


def _panel_invitation(people: dict) -> PanelInvitation:
    """C5, recorded by the HMI; the PCC's office is asked for its representations."""
    made_on = MADE_AT.date()
    return PanelInvitation.objects.first() or panel_invitation_record(
        area=force("avon-and-somerset"),
        received_on=made_on - dt.timedelta(days=2),
        meeting_on=made_on + dt.timedelta(days=21),
        purpose="zqpanelzq brief the panel on the PEEL report",
        by=people["hmi_a"],
        now=MADE_AT,
    )


def _recruitment(people: dict) -> ChiefOfficerRecruitment:
    """L1, recorded by the PCC's office for its HMI."""
    return ChiefOfficerRecruitment.objects.first() or recruitment_record(
        area=force("avon-and-somerset"),
        process="zqrecruitmentzq a timetable",
        asks_panel=True,
        by=people["pcc_a"],
        now=MADE_AT,
    )


def _conduct_matter(people: dict) -> ConductMatter:
    """L2, logged by the PCC's office for the HMI alone (the office that logged it does not read it back)."""
    return ConductMatter.objects.first() or conduct_matter_log(
        area=force("avon-and-somerset"),
        kind="conduct",
        summary="zqconductzq a matter concerning the chief officer",
        by=people["pcc_a"],
        now=MADE_AT,
    )


def _confidential_read(
    kind: str, who: str, make: Callable[[dict], object], url_name: str
) -> Callable[[dict], Read]:
    def read(people: dict) -> Read:
        record = make(people)
        pk = str(record.pk)
        reader = {"hmi_a": "HMI for the force", "pcc_a": "PCC's office"}[who]
        return Read(
            kind,
            f"page ({reader})",
            people[who],
            reverse(url_name, kwargs={"pk": pk}),
            record._meta.label_lower,
            pk,
        )

    return read


# Kinds that other pieces of work add: a function of the people giving the Read (made in READ_AT's batch).
EXTRA_READS: list[Callable[[dict], Read]] = [
    _confidential_read("shared findings", "hmi_a", _shared_findings, "contacts:shared-findings"),
    _confidential_read("shared findings", "pcc_a", _shared_findings, "contacts:shared-findings"),
    _confidential_read("panel invitation", "hmi_a", _panel_invitation, "contacts:panel-invitation"),
    _confidential_read("panel invitation", "pcc_a", _panel_invitation, "contacts:panel-invitation"),
    _confidential_read("chief officer recruitment", "pcc_a", _recruitment, "contacts:recruitment"),
    _confidential_read("chief officer recruitment", "hmi_a", _recruitment, "contacts:recruitment"),
    _confidential_read("conduct matter", "hmi_a", _conduct_matter, "contacts:conduct-matter"),
]


def test_every_read_of_an_embargoed_or_confidential_record_is_audited(directory, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    hmicfrs = org(OrganisationKind.HMICFRS, "hmicfrs")
    force_a = force("avon-and-somerset")
    people = {
        "hmi_a": make_person("a_hmi_a", hmicfrs, Role.HMI, **{AssignmentKind.HMI: [force_a]}),
        "chief_a": make_person("a_chief_a", force_a, Role.CHIEF_OFFICER_STAFF),
        "pcc_a": make_person("a_pcc_a", office_of(force_a), Role.OPCC_STAFF),
    }
    reads = inspections_reads(people)
    engage_reads = monitoring_reads(people)
    from tests.responses.conftest import IN_PERIOD

    response_reads = responses_reads(people, tmp_path)
    reads += [make(people) for make in EXTRA_READS]
    unaudited = []
    total_rows = 0
    with mock.patch("inspections.views.documents.render_pdf", return_value=b"%PDF-1.7 stub"):
        batches = ((reads, READ_AT), (engage_reads, engage.TOLD + 3 * H), (response_reads, IN_PERIOD))
        for batch, moment in batches:
            with time_machine.travel(moment, tick=False):
                for read in batch:
                    client = Client()
                    client.force_login(read.user)
                    since = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
                    response = client.get(read.url)
                    assert response.status_code == 200, (read.kind, read.path, response.status_code)
                    rows = _rows(read, since)
                    total_rows += rows
                    if rows != 1:
                        unaudited.append((read.kind, read.path, rows))
    count = len(reads) + len(engage_reads) + len(response_reads)
    record_audit("embargoed and confidential reads", count, total_rows)
    assert unaudited == [], unaudited
    assert total_rows == count
