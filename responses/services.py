"""Writes for statutory responses (U6), FRS action plans (U8) and super-complaints (S1–S3)."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from contacts.models import OrganisationKind, User
from contacts.selectors import office_of_area, people_acting_for
from hmicfrs_mou.audit import audit_record
from hmicfrs_mou.deadlines import Computed, end_of_day, explain_response_deadline
from hmicfrs_mou.models import AuditAction, Deadline, DeadlineState, InboxMessage
from hmicfrs_mou.reminders import DeadlineKind, deadline_close, deadline_register, register_kind
from hmicfrs_mou.uploads import check_pdf
from inspections.models import FindingKind, Report
from responses.models import (
    ObligationState,
    RecommendationResponse,
    ResponseObligation,
    Submission,
)

register_kind(
    DeadlineKind(
        code="pcc_response",
        rule="D5",
        label="PCC response (U6)",
        before_days=(28, 14, 7, 1),
        escalate_after_days=7,
    )
)
register_kind(
    DeadlineKind(
        code="chief_comments",
        rule="U6",
        label="Chief officer's comments",
        before_days=(7, 1),
        escalate_after_days=None,
    )
)

RESPONSES_DIR = "responses"


@transaction.atomic
def obligations_create_for_report(
    *, report: Report, now: dt.datetime | None = None
) -> list[ResponseObligation]:
    """U6: on publication, one obligation per police force the report involves, for the PCC governing it
    on the day of publication, due before the end of the 56 days beginning with that day (D5).
    Running it again creates nothing new."""
    now = now or timezone.now()
    if report.publication_at is None or report.publication_at > now:
        raise ValidationError("Responses are due only once the report is published.")
    published_on = timezone.localdate(report.publication_at)
    due = explain_response_deadline(published_on)
    created = []
    for area in report.areas.filter(kind=OrganisationKind.POLICE_FORCE):
        office = office_of_area(area, published_on)
        if office is None:
            continue
        obligation, made = ResponseObligation.objects.get_or_create(
            report=report,
            area=area,
            defaults={
                "office": office,
                "published_on": published_on,
                "due_at": due.value,
                "working": due.working,
                "created_at": now,
            },
        )
        if made:
            created.append(obligation)
            deadline_register(
                kind="pcc_response",
                subject_type="responses.responseobligation",
                subject_id=obligation.pk,
                key=f"response:{obligation.pk}",
                title=f"Publish and upload the response to “{report.title}” ({area.name})",
                due=due,
                subject_created_at=report.publication_at,
                responsible=people_acting_for([office]),
                url=f"/responses/{obligation.pk}/",
                now=now,
            )
    return created


@transaction.atomic
def response_invite_chief(
    *, obligation: ResponseObligation, comments_due_on: dt.date, by: User, now: dt.datetime | None = None
) -> ResponseObligation:
    """s55(4): the PCC invites the chief officer's comments by a date the PCC sets."""
    now = now or timezone.now()
    if comments_due_on <= timezone.localdate(now):
        raise ValidationError(
            {"comments_due_on": "The date for the chief officer's comments must be in the future."}
        )
    if end_of_day(comments_due_on) > obligation.due_at:
        raise ValidationError(
            {"comments_due_on": "The chief officer's comments must be due before the response is."}
        )
    obligation.chief_comments_invited_at, obligation.chief_comments_due_on = now, comments_due_on
    obligation.save(update_fields=["chief_comments_invited_at", "chief_comments_due_on"])
    chief_office = people_acting_for([obligation.area])
    InboxMessage.objects.bulk_create(
        [
            InboxMessage(
                user=person,
                subject=f"Comments invited: {obligation.report.title}",
                body=f"The PCC invites the chief officer's comments on the report by {comments_due_on:%-d %B %Y}.",
                created_at=now,
            )
            for person in chief_office
        ]
    )
    deadline_register(
        kind="chief_comments",
        subject_type="responses.responseobligation",
        subject_id=obligation.pk,
        key=f"chief-comments:{obligation.pk}",
        title=f"Chief officer's comments on “{obligation.report.title}”",
        due=Computed(
            end_of_day(comments_due_on), f"U6: the date set by the PCC, {comments_due_on:%-d %B %Y}"
        ),
        subject_created_at=obligation.created_at,
        responsible=chief_office,
        now=now,
    )
    audit_record(
        action=AuditAction.UPDATE, actor=by, obj=obligation, detail={"chief_invited_by": str(comments_due_on)}
    )
    return obligation


def recommendations_of(obligation: ResponseObligation):
    """The report's recommendations that this force's response must answer."""
    # In the order they were made (R2 before R10), which is the report's order.
    return obligation.report.findings.filter(kind=FindingKind.RECOMMENDATION).order_by("pk")


@transaction.atomic
def response_save(
    *,
    obligation: ResponseObligation,
    by: User,
    pcc_comments: str,
    chief_comments: str,
    reply_to_chief: str,
    published_url: str,
    answers: dict[int, tuple[str, str]],
) -> ResponseObligation:
    """Save the draft parts; `answers` maps a recommendation's id to (action, reason for no action)."""
    if published_url:
        check_published_url(published_url)
    recommendations = {finding.pk: finding for finding in recommendations_of(obligation)}
    unknown = set(answers) - recommendations.keys()
    if unknown:
        raise ValidationError("An answer names a recommendation that is not in this report.")
    obligation.pcc_comments, obligation.chief_comments = pcc_comments, chief_comments
    obligation.reply_to_chief, obligation.published_url = reply_to_chief, published_url
    obligation.save(update_fields=["pcc_comments", "chief_comments", "reply_to_chief", "published_url"])
    if chief_comments.strip():
        for deadline in Deadline.objects.filter(
            key=f"chief-comments:{obligation.pk}", state__in=["open", "missed"]
        ):
            deadline_close(deadline=deadline, state=DeadlineState.MET)
    for finding_id, (action, reason) in answers.items():
        RecommendationResponse.objects.update_or_create(
            obligation=obligation,
            finding=recommendations[finding_id],
            defaults={"action": action.strip(), "no_action_reason": reason.strip()},
        )
    audit_record(action=AuditAction.UPDATE, actor=by, obj=obligation, detail={"draft": True})
    return obligation


def check_published_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme != "https" or not parts.netloc or " " in url.strip() or "." not in parts.netloc:
        raise ValidationError(
            {"published_url": "Enter the web address where the PCC published the response, starting https://"}
        )
    return url.strip()


def response_missing(obligation: ResponseObligation) -> list[str]:
    """Each part s55(4)–(5B) asks for that the response does not have yet, in words for the OPCC."""
    missing = []
    if obligation.chief_comments_invited_at is None:
        missing.append("Invite the chief officer's comments and set a date for them")
    if not obligation.chief_comments.strip():
        missing.append("The chief officer's comments")
    if not obligation.pcc_comments.strip():
        missing.append("The PCC's comments on the report")
    if not obligation.reply_to_chief.strip():
        missing.append("The PCC's response to the chief officer's comments")
    answered = {answer.finding_id: answer for answer in obligation.recommendation_responses.all()}
    for finding in recommendations_of(obligation):
        answer = answered.get(finding.pk)
        if answer is None or not (answer.action or answer.no_action_reason):
            missing.append(f"Recommendation {finding.reference}: the action taken or proposed, or why none")
    if not obligation.published_url:
        missing.append("The web address where the response is published")
    return missing


@transaction.atomic
def response_submit(
    *, obligation: ResponseObligation, upload: UploadedFile, by: User, now: dt.datetime | None = None
) -> Submission:
    """U6: upload the published response. The upload is the copy to HMICFRS and the Home Secretary.
    A new version never overwrites an earlier one; a late one is accepted and marked late."""
    now = now or timezone.now()
    obligation = ResponseObligation.objects.select_for_update().get(pk=obligation.pk)
    missing = response_missing(obligation)
    if missing:
        raise ValidationError("The response is not complete: " + "; ".join(missing) + ".")
    checked = check_pdf(upload)
    stored_name = f"{uuid.uuid4().hex}.pdf"
    folder = Path(settings.MEDIA_ROOT) / RESPONSES_DIR
    folder.mkdir(parents=True, exist_ok=True)
    version = obligation.submissions.count() + 1
    content = {
        "chief_comments": obligation.chief_comments,
        "pcc_comments": obligation.pcc_comments,
        "reply_to_chief": obligation.reply_to_chief,
        "recommendations": {
            answer.finding.reference: {"action": answer.action, "no_action_reason": answer.no_action_reason}
            for answer in obligation.recommendation_responses.select_related("finding")
        },
    }
    submission = Submission.objects.create(
        obligation=obligation,
        version=version,
        submitted_at=now,
        submitted_by=by,
        late=now >= obligation.due_at,
        stored_name=stored_name,
        original_name=checked.original_name,
        size=checked.size,
        sha256=checked.sha256,
        content=content,
        published_url=obligation.published_url,
    )
    # Written last, after every check, so a refused upload leaves nothing behind.
    (folder / stored_name).write_bytes(checked.content)
    obligation.state = ObligationState.SUBMITTED
    obligation.answered_by, obligation.answered_reason = None, ""
    obligation.save(update_fields=["state", "answered_by", "answered_reason"])
    for deadline in Deadline.objects.filter(key=f"response:{obligation.pk}", state__in=["open", "missed"]):
        deadline_close(deadline=deadline, state=DeadlineState.MET, now=now)
    audit_record(
        action=AuditAction.CREATE,
        actor=by,
        obj=submission,
        detail={"late": submission.late, "sha256": checked.sha256},
    )
    return submission


def submission_path(submission: Submission) -> Path:
    return Path(settings.MEDIA_ROOT) / RESPONSES_DIR / submission.stored_name


@transaction.atomic
def response_mark_answered_elsewhere(
    *, obligation: ResponseObligation, answered_by: ResponseObligation | None, reason: str, by: User
) -> ResponseObligation:
    """A force report answered by the office's response to a national report with the same findings,
    or the reverse; `answered_by=None` undoes it."""
    if answered_by is None:
        if obligation.answered_by_id is None:
            raise ValidationError("This response is not marked as answered by another.")
        obligation.answered_by, obligation.answered_reason = None, ""
        obligation.state = (
            ObligationState.SUBMITTED if obligation.submissions.exists() else ObligationState.AWAITING
        )
    else:
        if answered_by.office_id != obligation.office_id or answered_by.pk == obligation.pk:
            raise ValidationError("Choose another response of the same office.")
        if not reason.strip():
            raise ValidationError({"reason": "Explain why the other response answers this report."})
        obligation.answered_by, obligation.answered_reason = answered_by, reason
        obligation.state = ObligationState.ANSWERED_ELSEWHERE
        # The other response answers this one: its reminders stop.
        for deadline in Deadline.objects.filter(
            key=f"response:{obligation.pk}", state__in=["open", "missed"]
        ):
            deadline_close(
                deadline=deadline,
                state=DeadlineState.WAIVED,
                reason=f"Answered by the response to {answered_by.report}",
            )
    obligation.full_clean()
    obligation.save(update_fields=["answered_by", "answered_reason", "state"])
    audit_record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=obligation,
        detail={"answered_by": getattr(answered_by, "pk", None)},
    )
    return obligation
