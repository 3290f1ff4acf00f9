"""Published reports as public-domain material for a panel briefing (C5, contacts.public_domain)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.urls import reverse

from contacts.public_domain import PublicDocument, register_public_source
from inspections.models import Report

PREFIX = "inspections.report:"


def published_reports(at: dt.datetime, keys: Collection[str] | None = None) -> list[PublicDocument]:
    """The reports published at `at` (those of `keys` only, when given), as public documents."""
    reports = Report.objects.published(at)
    if keys is not None:
        ids = [key.removeprefix(PREFIX) for key in keys if key.startswith(PREFIX)]
        reports = reports.filter(pk__in=[int(pk) for pk in ids if pk.isdigit()])
    return [
        PublicDocument(
            key=f"{PREFIX}{pk}",
            title=title,
            published_at=published_at,
            url=reverse("public_reports:report", kwargs={"pk": pk}),
        )
        for pk, title, published_at in reports.order_by("-publication_at").values_list(
            "pk", "title", "publication_at"
        )
    ]


register_public_source("inspections.reports", published_reports)
