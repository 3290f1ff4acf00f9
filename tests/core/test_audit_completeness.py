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
is public (the uploaded file).
Chief's comments on a draft response and the confidential contacts records (C4, C5, L1, L2) are being
given their own pages: add their reads to EXTRA_READS below when they land.
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

from contacts.models import AssignmentKind, OrganisationKind, Role
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
    from responses.services import response_submit
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
    o = str(obligation.pk)
    return [
        Read("draft response", "page (PCC's office)", pcc, reverse("responses:obligation", kwargs={"pk": o}), "responses.responseobligation", o),
        Read("submitted response", "file (PCC's office)", pcc, reverse("responses:submission", kwargs={"pk": submission.pk}), "responses.submission", str(submission.pk)),
    ]  # fmt: skip


# Kinds that other pieces of work are adding: (kind, path, a function of the people giving the Read).
EXTRA_READS: list[Callable[[dict], Read]] = []


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
