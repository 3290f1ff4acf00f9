"""Inspection fixtures, all built through inspections.services on one fixed timeline (Europe/London).

The timeline, spring 2026 (the clocks go forward on Sunday 29 March):
  CREATED      Mon  2 March 09:00 GMT   inspection and report created
  FAC_OPENS    Mon  9 March 09:00 GMT   the draft goes to the force for the factual-accuracy check (I7)
  FAC_CLOSES   Fri 20 March 17:00 GMT   the window closes
  FINALISED    Mon 23 March 12:00 GMT   the report is final
  SCHEDULED    Wed  1 April 10:00 BST   publication scheduled
  PUBLICATION  Tue 21 April 10:00 BST   T; the force-specific embargo opens at T−48h, others at T−24h
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache

import inspections.pdf
from contacts.models import Organisation, OrganisationKind, Role, User
from hmicfrs_mou.deadlines import LONDON
from inspections.models import Inspection, InspectionKind, Report, ReportKind
from inspections.services import (
    inspection_create,
    report_create,
    report_finalise,
    report_open_factual_accuracy,
    report_schedule,
)
from tests.conftest import make_person, office_of, org

CREATED = dt.datetime(2026, 3, 2, 9, tzinfo=LONDON)
FAC_OPENS = dt.datetime(2026, 3, 9, 9, tzinfo=LONDON)
FAC_CLOSES = dt.datetime(2026, 3, 20, 17, tzinfo=LONDON)
FINALISED = dt.datetime(2026, 3, 23, 12, tzinfo=LONDON)
SCHEDULED = dt.datetime(2026, 4, 1, 10, tzinfo=LONDON)
PUBLICATION = dt.datetime(2026, 4, 21, 10, tzinfo=LONDON)
SECOND = dt.timedelta(seconds=1)
HOUR = dt.timedelta(hours=1)

BODY = (
    "Avon and Somerset Police answers emergency calls promptly.\n\n"
    "The force's witness protection unit operates from a building on Example Street.\n\n"
    "The force needs to improve how it records crime."
)


def fsr(kind: str) -> Organisation:
    return org(OrganisationKind.FIRE_RESCUE_SERVICE, kind)


@pytest.fixture
def lead_hmi(hmicfrs: Organisation) -> User:
    """The senior responsible owner HMI: an HMI with no force of their own (not the HMI for force A)."""
    return make_person("lead_hmi", hmicfrs, Role.HMI)


@pytest.fixture
def named_staff(hmicfrs: Organisation) -> User:
    """HMICFRS staff named on a confidential disclosure (I5)."""
    return make_person("named_staff", hmicfrs, Role.INSPECTION_STAFF)


@pytest.fixture
def essex_frs(directory: None) -> Organisation:
    return fsr("essex")


@pytest.fixture
def kent_frs(directory: None) -> Organisation:
    return fsr("kent")


@pytest.fixture
def cumbria_frs(directory: None) -> Organisation:
    return fsr("cumbria")


@pytest.fixture
def pfcc_office_essex(essex_frs: Organisation) -> User:
    """Staff of the Essex PFCC's office: the fire authority for Essex FRS (and PCC for Essex Police)."""
    return make_person("pfcc_office_essex", office_of(essex_frs), Role.OPCC_STAFF)


@pytest.fixture
def chief_office_essex_frs(essex_frs: Organisation) -> User:
    return make_person("chief_office_essex_frs", essex_frs, Role.CHIEF_OFFICER_STAFF)


@pytest.fixture
def chief_office_kent_frs(kent_frs: Organisation) -> User:
    return make_person("chief_office_kent_frs", kent_frs, Role.CHIEF_OFFICER_STAFF)


@pytest.fixture
def peel_a(force_a: Organisation, lead_hmi: User) -> Inspection:
    """A PEEL inspection of force A, led by lead_hmi; hmi_a is on its team as the HMI for force A."""
    return inspection_create(
        kind=InspectionKind.PEEL,
        title="PEEL 2025–27: Avon and Somerset Police",
        areas=[force_a],
        lead=lead_hmi,
        by=lead_hmi,
        now=CREATED,
    )


@pytest.fixture
def thematic(force_a: Organisation, force_b: Organisation, lead_hmi: User) -> Inspection:
    return inspection_create(
        kind=InspectionKind.THEMATIC,
        title="Thematic: police response to stalking",
        areas=[force_a, force_b],
        lead=lead_hmi,
        by=lead_hmi,
        now=CREATED,
    )


@pytest.fixture
def frs_essex(essex_frs: Organisation, lead_hmi: User) -> Inspection:
    return inspection_create(
        kind=InspectionKind.FRS,
        title="FRS inspection: Essex County Fire and Rescue Service",
        areas=[essex_frs],
        lead=lead_hmi,
        by=lead_hmi,
        now=CREATED,
    )


def sees(user: object, report: Report, at: dt.datetime | None = None) -> bool:
    """Whether the user may see the report at the moment (inspections.access, through the queryset)."""
    return Report.objects.visible_to(user, at).filter(pk=report.pk).exists()


def draft(inspection: Inspection, kind: str = ReportKind.FORCE_SPECIFIC, **kwargs: object) -> Report:
    kwargs.setdefault("title", f"{inspection.title}: report")
    kwargs.setdefault("body", BODY)
    kwargs.setdefault("now", CREATED)
    return report_create(inspection=inspection, kind=kind, by=inspection.lead, **kwargs)


def final(inspection: Inspection, kind: str = ReportKind.FORCE_SPECIFIC, **kwargs: object) -> Report:
    return report_finalise(report=draft(inspection, kind, **kwargs), by=inspection.lead, now=FINALISED)


def schedule(
    report: Report, publication_at: dt.datetime = PUBLICATION, now: dt.datetime = SCHEDULED, **kwargs: object
) -> Report:
    return report_schedule(
        report=report, publication_at=publication_at, by=report.inspection.lead, now=now, **kwargs
    )


@pytest.fixture
def draft_report(peel_a: Inspection) -> Report:
    return draft(peel_a)


@pytest.fixture
def fac_report(draft_report: Report) -> Report:
    """The PEEL draft in its factual-accuracy window, FAC_OPENS to FAC_CLOSES (I7)."""
    return report_open_factual_accuracy(
        report=draft_report, closes_at=FAC_CLOSES, by=draft_report.inspection.lead, now=FAC_OPENS
    )


@pytest.fixture
def final_report(peel_a: Inspection) -> Report:
    return final(peel_a)


@pytest.fixture
def peel_report(final_report: Report) -> Report:
    """Force-specific (U3), published at PUBLICATION; the embargoed copy goes out 48 h before."""
    return schedule(final_report)


@pytest.fixture
def other_report(thematic: Inspection, apcc: Organisation, force_b: Organisation) -> Report:
    """Other report (U4) about forces A and B; the interested parties are the APCC and force B's OPCC."""
    return schedule(final(thematic, ReportKind.OTHER, interested_parties=[apcc, office_of(force_b)]))


@pytest.fixture
def accelerated_report(peel_a: Inspection) -> Report:
    """Accelerated cause of concern (U5) about force A, issued at PUBLICATION."""
    return schedule(
        final(peel_a, ReportKind.ACCELERATED_CAUSE_OF_CONCERN, title="Accelerated cause of concern")
    )


@pytest.fixture
def renders(monkeypatch) -> list[str]:
    """The HTML of each WeasyPrint render of a base, from an empty cache."""
    cache.clear()
    seen: list[str] = []
    real = inspections.pdf.html_to_pdf

    def counting(html: str, **kwargs) -> bytes:
        seen.append(html)
        return real(html, **kwargs)

    monkeypatch.setattr(inspections.pdf, "html_to_pdf", counting)
    return seen
