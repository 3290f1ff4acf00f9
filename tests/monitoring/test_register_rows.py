"""M1: the findings register's rows (monitoring.models.RegisterRow) follow their findings, reports and states.

The register page reads these rows instead of every finding of the area, so a row that fell behind would
show a finding too early (before publication, U1) or with a stale status. Each test drives the real
services (inspections and monitoring) and compares the rows with the findings they stand for; the last one
compares, for every persona and moment around publication, what `register_rows_for` gives with what the
access module's `findings_visible_to` gives for the same area.
"""

from __future__ import annotations

import importlib

import pytest
import time_machine
from django.apps import apps as django_apps

from inspections.models import Finding, FindingKind
from inspections.services import finding_add, report_finalise, report_schedule
from monitoring.access import findings_visible_to, register_rows_for
from monitoring.models import FindingStatus, RegisterRow
from monitoring.services import finding_status_set
from tests.inspections import test_workspace_views as workspace
from tests.inspections.test_workspace_views import (
    AFTER,
    BEFORE_DISTRIBUTION,
    CREATED,
    FINALISED,
    IN_EMBARGO,
    PUBLICATION,
    SCHEDULED,
    SECOND,
)

pytestmark = pytest.mark.django_db

register_rows_migration = importlib.import_module("monitoring.migrations.0003_register_rows")

# The workspace tests' own fixtures (reused, not copied): an inspection of force A, its lead, a draft report
# with one finding about force A.
lead = workspace.lead
inspection = workspace.inspection
draft = workspace.draft


def row_of(finding) -> RegisterRow:
    return RegisterRow.objects.get(finding=finding)


def test_m1_a_finding_gets_its_row_when_added_not_public_before_scheduling(draft):
    finding = draft.findings.get()
    row = row_of(finding)
    assert row.area_id == finding.area_id
    assert row.report_id == draft.pk
    assert row.reference == finding.reference
    assert row.kind_order == 2  # an area for improvement comes after causes of concern and recommendations
    assert row.public_from is None
    assert row.status == FindingStatus.AWAITING_REVIEW


def test_m1_scheduling_and_rescheduling_move_the_rows_public_moment(draft):
    lead_hmi = draft.inspection.lead
    cause = finding_add(report=draft, kind=FindingKind.CAUSE_OF_CONCERN, text="Vetting backlog.", by=lead_hmi)
    assert row_of(cause).kind_order == 0
    final = report_finalise(report=draft, by=lead_hmi, now=FINALISED)
    assert row_of(cause).public_from is None  # final but not scheduled: no publication moment yet
    report_schedule(report=final, publication_at=PUBLICATION, by=lead_hmi, now=SCHEDULED)
    assert {row.public_from for row in RegisterRow.objects.filter(report=draft)} == {PUBLICATION}
    later = PUBLICATION.replace(day=PUBLICATION.day + 2)
    final.refresh_from_db()
    report_schedule(report=final, publication_at=later, by=lead_hmi, now=SCHEDULED)
    assert {row.public_from for row in RegisterRow.objects.filter(report=draft)} == {later}


def test_m1_a_status_change_reaches_the_row(draft, chief_office_a):
    lead_hmi = draft.inspection.lead
    final = report_finalise(report=draft, by=lead_hmi, now=FINALISED)
    report_schedule(report=final, publication_at=PUBLICATION, by=lead_hmi, now=SCHEDULED)
    finding = Finding.objects.get(report=draft)  # not draft.findings: it would carry the unscheduled draft
    finding_status_set(finding=finding, status=FindingStatus.BEING_PROGRESSED, by=chief_office_a, now=AFTER)
    assert row_of(finding).status == FindingStatus.BEING_PROGRESSED


def test_m1_register_rows_show_what_the_access_module_shows_to_each_persona_at_each_moment(
    draft, force_a, hmi_a, other_hmi, hmicfrs_staff, chief_office_a, pcc_office_a, pcc_office_b, apcc_lead
):
    """U1 and M1: the same findings as findings_visible_to, before and after publication, for everyone."""
    lead_hmi = draft.inspection.lead
    finding_add(report=draft, kind=FindingKind.RECOMMENDATION, text="Publish response data.", by=lead_hmi)
    final = report_finalise(report=draft, by=lead_hmi, now=FINALISED)
    report_schedule(report=final, publication_at=PUBLICATION, by=lead_hmi, now=SCHEDULED)
    people = [
        lead_hmi,
        hmi_a,
        other_hmi,
        hmicfrs_staff,
        chief_office_a,
        pcc_office_a,
        pcc_office_b,
        apcc_lead,
    ]
    cells = 0
    for moment in (CREATED, BEFORE_DISTRIBUTION, IN_EMBARGO, PUBLICATION - SECOND, PUBLICATION, AFTER):
        with time_machine.travel(moment, tick=False):
            for person in people:
                expected = set(
                    findings_visible_to(person, moment).filter(area=force_a).values_list("pk", flat=True)
                )
                rows = set(register_rows_for(person, force_a, moment).values_list("finding_id", flat=True))
                assert rows == expected, (person.username, moment)
                cells += 1
    assert cells == 48
    # The comparison can fail: before publication the office sees none and the lead sees both.
    with time_machine.travel(BEFORE_DISTRIBUTION, tick=False):
        assert register_rows_for(pcc_office_a, force_a, BEFORE_DISTRIBUTION).count() == 0
        assert register_rows_for(lead_hmi, force_a, BEFORE_DISTRIBUTION).count() == 2
    with time_machine.travel(AFTER, tick=False):
        assert register_rows_for(pcc_office_a, force_a, AFTER).count() == 2


def test_m1_the_migration_fills_a_row_for_every_finding_already_there(draft, chief_office_a):
    """Migration 0003 gives the findings made before it their rows, with their published moment and status."""
    lead_hmi = draft.inspection.lead
    finding_add(report=draft, kind=FindingKind.CAUSE_OF_CONCERN, text="Vetting backlog.", by=lead_hmi)
    final = report_finalise(report=draft, by=lead_hmi, now=FINALISED)
    report_schedule(report=final, publication_at=PUBLICATION, by=lead_hmi, now=SCHEDULED)
    progressed = Finding.objects.get(report=draft, kind=FindingKind.CAUSE_OF_CONCERN)
    finding_status_set(
        finding=progressed, status=FindingStatus.BEING_PROGRESSED, by=chief_office_a, now=AFTER
    )
    fields = ("finding_id", "area_id", "report_id", "kind_order", "reference", "public_from", "status")
    kept = sorted(RegisterRow.objects.values_list(*fields))
    RegisterRow.objects.all().delete()

    register_rows_migration.fill(django_apps, None)

    assert sorted(RegisterRow.objects.values_list(*fields)) == kept
    assert len(kept) == 2
    assert (progressed.pk, FindingStatus.BEING_PROGRESSED) in {(row[0], row[-1]) for row in kept}
