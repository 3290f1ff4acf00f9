"""Statutory-response fixtures (U6, D5), all built through inspections.services and responses.services.

The timeline (Europe/London, summer 2026):
  PUBLICATION  Tue  7 July 10:00 BST   a thematic report on forces A and B (and Essex FRS) is published:
                                       day 1 of 56; A's and B's PCCs each owe a response
  IN_PERIOD    Mon 20 July 12:00 BST   inside the 56 days (43 days left, today included)
  LAST_DAY     Mon 31 August           day 56 (a bank holiday; D5 counts calendar days)
  DUE          Tue  1 September 00:00 BST   the end of day 56: an upload at DUE is late

Fixture names are specific to this package (`response_lead`, `published`, `obligation_a`...),
so module fixtures of other test files here keep their own meaning.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from contacts.models import Organisation, OrganisationKind, Role, User
from hmicfrs_mou.deadlines import LONDON
from inspections.models import FindingKind, InspectionKind, Report, ReportKind
from inspections.services import (
    finding_add,
    inspection_create,
    report_create,
    report_finalise,
    report_schedule,
    reports_due_notices,
)
from responses.models import ResponseObligation
from responses.services import (
    recommendations_of,
    response_chief_comment,
    response_invite_chief,
    response_save,
)
from tests.conftest import make_person, org

PUBLICATION = dt.datetime(2026, 7, 7, 10, tzinfo=LONDON)
IN_PERIOD = dt.datetime(2026, 7, 20, 12, tzinfo=LONDON)
LAST_DAY = dt.date(2026, 8, 31)
DUE = dt.datetime(2026, 9, 1, 0, 0, tzinfo=LONDON)
SECOND = dt.timedelta(seconds=1)
PUBLISHED_URL = "https://www.avonandsomerset-pcc.gov.uk/responses/stalking"


# --- PDFs ---------------------------------------------------------------------------------------


def pdf_bytes(pages: int = 1) -> bytes:
    """A real, plain PDF made with pypdf."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_upload(name: str = "response.pdf", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, pdf_bytes() if content is None else content, content_type="application/pdf"
    )


def stored_files(root: Path) -> list[Path]:
    """Every file under the media root: a refused upload must leave none."""
    return [path for path in root.rglob("*") if path.is_file()]


@pytest.fixture
def media_root(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# --- Reports and obligations ------------------------------------------------------------------------


@pytest.fixture
def response_lead(hmicfrs: Organisation) -> User:
    """The lead HMI of the inspections here: HMICFRS, not on any force's assignment."""
    return make_person("response_lead_hmi", hmicfrs, Role.HMI)


def publish_report(
    *,
    lead: User,
    areas: list[Organisation],
    publication_at: dt.datetime = PUBLICATION,
    title: str = "Thematic: police response to stalking",
    recommendations: int = 2,
    interested: list[Organisation] | None = None,
    publish: bool = True,
) -> Report:
    """A report taken from draft to publication through the services; publication creates the obligations (U6).

    With `publish=False` the report is only scheduled: the queue has not yet run at its publication moment.
    """
    created = publication_at - dt.timedelta(days=40)
    single = len(areas) == 1
    inspection = inspection_create(
        kind=InspectionKind.THEMATIC, title=title, areas=areas, lead=lead, by=lead, now=created
    )
    report = report_create(
        inspection=inspection,
        kind=ReportKind.FORCE_SPECIFIC if single else ReportKind.OTHER,
        title=title,
        body="The report's text.",
        by=lead,
        interested_parties=[] if single else (interested or [org(OrganisationKind.APCC, "apcc")]),
        now=created,
    )
    for number in range(1, recommendations + 1):
        finding_add(
            report=report,
            kind=FindingKind.RECOMMENDATION,
            text=f"By March 2027, chief constables should do thing {number}.",
            by=lead,
        )
    finding_add(report=report, kind=FindingKind.AREA_FOR_IMPROVEMENT, text="Record crime better.", by=lead)
    report_finalise(report=report, by=lead, now=created + dt.timedelta(days=10))
    report_schedule(
        report=report, publication_at=publication_at, by=lead, now=created + dt.timedelta(days=20)
    )
    if publish:
        reports_due_notices(now=publication_at)
    return Report.objects.get(pk=report.pk)


@pytest.fixture
def essex(directory: None) -> Organisation:
    return org(OrganisationKind.FIRE_RESCUE_SERVICE, "essex")


@pytest.fixture
def published(
    response_lead: User, force_a: Organisation, force_b: Organisation, essex: Organisation
) -> Report:
    """The thematic report on forces A and B and Essex FRS, published at PUBLICATION with two recommendations."""
    return publish_report(lead=response_lead, areas=[force_a, force_b, essex])


@pytest.fixture
def obligation_a(published: Report, force_a: Organisation) -> ResponseObligation:
    return ResponseObligation.objects.get(report=published, area=force_a)


@pytest.fixture
def obligation_b(published: Report, force_b: Organisation) -> ResponseObligation:
    return ResponseObligation.objects.get(report=published, area=force_b)


def chief_of(area: Organisation) -> User:
    """A member of the chief officer's office of the force (made once per force)."""
    username = f"chief_office_{area.slug}".replace("-", "_")
    return User.objects.filter(username=username).first() or make_person(
        username, area, Role.CHIEF_OFFICER_STAFF
    )


CHIEF_COMMENTS = "The chief constable accepts the recommendations."


def chief_comments_entered(
    obligation: ResponseObligation, *, now: dt.datetime, text: str = CHIEF_COMMENTS
) -> ResponseObligation:
    """U6: the chief officer's office enters its comments from its own portal."""
    return response_chief_comment(obligation=obligation, comments=text, by=chief_of(obligation.area), now=now)


def complete(obligation: ResponseObligation, by: User, now: dt.datetime = IN_PERIOD) -> ResponseObligation:
    """Every part s55(4)–(5B) asks for, through the services: the PCC's office invites the chief's
    comments, the chief's office enters them in its own portal, the PCC's office writes the rest."""
    obligation.refresh_from_db()
    if obligation.chief_comments_invited_at is None:  # the same invitation twice is refused
        response_invite_chief(
            obligation=obligation,
            comments_due_on=now.astimezone(LONDON).date() + dt.timedelta(days=7),
            by=by,
            now=now,
        )
    chief_comments_entered(obligation, now=now)
    response_save(
        obligation=obligation,
        by=by,
        now=now,
        pcc_comments="The PCC welcomes the report.",
        reply_to_chief="The PCC will hold the chief constable to account for them.",
        published_url=PUBLISHED_URL,
        answers={
            finding.pk: ("A stalking lead in every district.", "")
            for finding in recommendations_of(obligation)
        },
    )
    obligation.refresh_from_db()
    return obligation
