"""Helpers for the confidential records' tests (C4, C5, L1, L2): one timeline and a counter of writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from contacts.models import ChiefOfficerRecruitment, ConductMatter, PanelInvitation, SharedFindings
from contacts.public_domain import PublicDocument
from hmicfrs_mou.deadlines import LONDON
from hmicfrs_mou.models import AuditEvent, Deadline, InboxMessage

# Monday 1 June 2026, 10:00 BST. Representations asked then are due by the end of Monday 8 June.
T0 = dt.datetime(2026, 6, 1, 10, 0, tzinfo=LONDON)
T1 = T0 + dt.timedelta(hours=2)
REPRESENTATIONS_DUE = dt.datetime(2026, 6, 9, 0, 0, tzinfo=LONDON)
PANEL_MEETS = dt.date(2026, 6, 25)
# Before anyone in the tests was appointed (tests.conftest.APPOINTED is 3 July 2025).
BEFORE_APPOINTMENTS = dt.datetime(2025, 7, 1, 10, 0, tzinfo=LONDON)

PUBLISHED = PublicDocument(
    "test.report:1", "PEEL 2025: Avon and Somerset", dt.datetime(2026, 3, 1, tzinfo=LONDON)
)
LATER = PublicDocument("test.report:2", "Thematic: stalking", dt.datetime(2026, 7, 1, tzinfo=LONDON))


def fake_public_source(at: dt.datetime, keys: Collection[str] | None = None) -> list[PublicDocument]:
    """Two documents: one public from March 2026, one only from July 2026."""
    return [doc for doc in (PUBLISHED, LATER) if doc.published_at <= at and (keys is None or doc.key in keys)]


def writes() -> tuple[int, ...]:
    """Every table a confidential-record service writes to, counted (to assert nothing was written)."""
    return (
        SharedFindings.objects.count(),
        PanelInvitation.objects.count(),
        ChiefOfficerRecruitment.objects.count(),
        ConductMatter.objects.count(),
        AuditEvent.objects.count(),
        InboxMessage.objects.count(),
        Deadline.objects.count(),
    )
