"""The responses app's records named on the audit trail (hmicfrs_mou.audit_names), for readers who may open them.

Visibility is responses.access's (obligations) and responses.complaints' (super-complaints); one query per
object type, whatever the number of rows on the page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.urls import reverse

from hmicfrs_mou.audit_names import RecordName, audit_names, int_ids
from responses.complaints import super_complaints_visible_to
from responses.models import ResponseObligation


def response_names(reader: object, ids: Collection[str], at: dt.datetime) -> dict[str, RecordName]:
    obligations = (
        ResponseObligation.objects.visible_to(reader, at)
        .filter(pk__in=int_ids(ids))
        .select_related("report", "area")
        .only("pk", "report__title", "area__name")
    )
    return {
        str(obligation.pk): RecordName(
            f"PCC response for {obligation.report.title} ({obligation.area.name})",
            reverse("responses:obligation", args=[obligation.pk]),
        )
        for obligation in obligations
    }


def super_complaint_names(reader: object, ids: Collection[str], at: dt.datetime) -> dict[str, RecordName]:
    complaints = super_complaints_visible_to(reader, at).filter(pk__in=int_ids(ids)).only("pk", "title")
    return {
        str(complaint.pk): RecordName(
            f"Super-complaint: {complaint.title}", reverse("responses:complaint", args=[complaint.pk])
        )
        for complaint in complaints
    }


audit_names.register("responses.responseobligation", "PCC response", response_names)
audit_names.register("responses.supercomplaint", "Super-complaint", super_complaint_names)
