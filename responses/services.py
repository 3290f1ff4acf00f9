"""Writes for statutory responses (U6), FRS action plans (U8) and super-complaints (S1–S3)."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from contacts.models import AssignmentKind, Organisation, OrganisationKind, User
from contacts.selectors import assigned_to, hmis_for_area, office_of_area, people_acting_for
from hmicfrs_mou.audit import audit_record
from hmicfrs_mou.deadlines import LONDON, Computed, due_day, end_of_day, explain_response_deadline
from hmicfrs_mou.inbox import inbox_send
from hmicfrs_mou.models import AuditAction, Deadline, DeadlineState
from hmicfrs_mou.reminders import DeadlineKind, deadline_close, deadline_register, register_kind
from hmicfrs_mou.uploads import check_pdf
from inspections.models import Finding, FindingKind, Report
from responses.access import require_chief_office_of, require_office_answering
from responses.models import (
    ObligationState,
    RecommendationResponse,
    ResponseObligation,
    Submission,
)
from responses.tallies import tally_recount

register_kind(
    DeadlineKind(
        code="pcc_response",
        rule="D5",
        label="PCC response",
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


# --- Words for people (no rule codes) ------------------------------------------------------------


def _day(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def _zone_at_end_of(day: dt.date) -> str:
    """GMT or BST: the zone in force in the last minute of a London day."""
    return (end_of_day(day) - dt.timedelta(minutes=1)).astimezone(LONDON).tzname() or ""


def response_due_words(obligation: ResponseObligation) -> str:
    """'by the end of Monday 31 August 2026 (midnight BST)': the response's deadline (D5) in words."""
    last = due_day(obligation.due_at)
    return f"by the end of {_day(last)} (midnight {_zone_at_end_of(last)})"


def response_working_words(obligation: ResponseObligation) -> str:
    """How the response's deadline was worked out (D5, s55(5A)), in plain words for the PCC's office."""
    last = due_day(obligation.due_at)
    return (
        f"The report was published on {_day(obligation.published_on)}. That day counts as day 1 of the "
        f"56 days the law allows for the response (section 55 of the Police Act 1996), so day 56 is "
        f"{_day(last)}. Weekends and bank holidays count. The response must be published on the PCC's "
        f"website and uploaded here before the end of that day (midnight {_zone_at_end_of(last)})."
    )


def chief_comments_due_words(obligation: ResponseObligation) -> str:
    day = obligation.chief_comments_due_on
    return f"by the end of {_day(day)} (midnight {_zone_at_end_of(day)})" if day else ""


def escalation_people(area: Organisation, office: Organisation, on: dt.date) -> list[User]:
    """D5 escalation: the HMI for the force and the HMICFRS liaison lead for the PCC's office, on the day."""
    people = {person.pk: person for person in hmis_for_area(area, on)}
    people.update({person.pk: person for person in assigned_to(AssignmentKind.LIAISON_LEAD, office, on)})
    return list(people.values())


def _response_due_notice(obligation: ResponseObligation, report: Report, now: dt.datetime) -> None:
    """Publication: the PCC's office is told a response is due, with the deadline and its working."""
    published = timezone.localtime(report.publication_at)
    inbox_send(
        people_acting_for([obligation.office]),
        f"A response is due: {report.title}",
        f"HMICFRS published “{report.title}” at {published:%H:%M} {published.tzname()} on "
        f"{_day(published.date())}. The report covers {obligation.area.name}, so the PCC must respond to it.\n\n"
        f"The response is due {response_due_words(obligation)}.\n\n"
        f"How the date was worked out: {response_working_words(obligation)}\n\n"
        "The response holds the PCC's comments on the report, the chief officer's comments and the PCC's "
        "response to them, and for every recommendation the action taken or proposed, or why none. "
        "Start by inviting the chief officer's comments.",
        f"/responses/{obligation.pk}/",
        now,
    )


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
            tally_recount(obligation, now)
            # D5: seven days after the deadline, an unanswered response goes to named people: the HMI
            # for the force and the HMICFRS liaison lead for the office (as appointed on publication).
            deadline_register(
                kind="pcc_response",
                subject_type="responses.responseobligation",
                subject_id=obligation.pk,
                key=f"response:{obligation.pk}",
                title=f"Publish and upload the response to “{report.title}” ({area.name})",
                due=due,
                subject_created_at=report.publication_at,
                responsible=people_acting_for([office]),
                escalation=escalation_people(area, office, published_on),
                url=f"/responses/{obligation.pk}/",
                now=now,
            )
            _response_due_notice(obligation, report, now)
    return created


def _still_open(obligation: ResponseObligation) -> None:
    """The response is still being prepared: not yet submitted, nor answered by another response."""
    if obligation.state == ObligationState.SUBMITTED or obligation.submissions.exists():
        raise ValidationError("The PCC's office has already submitted this response.")
    if obligation.state == ObligationState.ANSWERED_ELSEWHERE:
        raise ValidationError("This report is marked as answered by another response.")


@transaction.atomic
def response_invite_chief(
    *,
    obligation: ResponseObligation,
    comments_due_on: dt.date | None,
    by: User,
    now: dt.datetime | None = None,
) -> ResponseObligation:
    """U6, s55(4): the PCC's office invites the chief officer's comments by a date it sets. The chief's
    office is told in its own portal, where it enters them. Inviting again moves the date."""
    now = now or timezone.now()
    require_office_answering(by, obligation, now, "invite the chief officer's comments")
    obligation = (
        ResponseObligation.objects.select_for_update().select_related("report", "area").get(pk=obligation.pk)
    )
    _still_open(obligation)
    if comments_due_on is None:
        raise ValidationError({"comments_due_on": "Enter the date the chief officer's comments are due."})
    if (
        obligation.chief_comments_invited_at is not None
        and comments_due_on == obligation.chief_comments_due_on
    ):
        # The same invitation again would only send the chief's office the same message twice.
        raise ValidationError(
            {
                "comments_due_on": "The chief officer's office was already invited on "
                f"{_day(timezone.localdate(obligation.chief_comments_invited_at))} to comment "
                f"{chief_comments_due_words(obligation)}; nothing has been sent again. "
                "To move the date, enter a different one."
            }
        )
    today = timezone.localdate(now)
    if comments_due_on <= today:
        raise ValidationError(
            {
                "comments_due_on": "The date for the chief officer's comments must be after today "
                f"({_day(today)}): that date has already begun or passed."
            }
        )
    # Before the response's own deadline the comments must come before it; once the response is
    # overdue (a late one is still owed) any later date will do.
    if now < obligation.due_at and end_of_day(comments_due_on) > obligation.due_at:
        raise ValidationError(
            {
                "comments_due_on": "The chief officer's comments must be due before the response is "
                f"(the response is due {response_due_words(obligation)})."
            }
        )
    obligation.chief_comments_invited_at, obligation.chief_comments_due_on = now, comments_due_on
    obligation.save(update_fields=["chief_comments_invited_at", "chief_comments_due_on"])
    chief_office = people_acting_for([obligation.area])
    due_words = chief_comments_due_words(obligation)
    inbox_send(
        chief_office,
        f"Your comments are invited: {obligation.report.title}",
        f"The office of the PCC for {obligation.area.name} invites the chief officer's comments on the report "
        f"“{obligation.report.title}”. Please enter them in the portal {due_words}.\n\n"
        "The PCC's response will include your comments as you enter them, with the PCC's response to them. "
        "You can change them until that date, or until the PCC's office submits the response.",
        f"/responses/chief/{obligation.pk}/",
        now,
    )
    deadline_register(
        kind="chief_comments",
        subject_type="responses.responseobligation",
        subject_id=obligation.pk,
        key=f"chief-comments:{obligation.pk}",
        title=f"Chief officer's comments on “{obligation.report.title}”",
        due=Computed(end_of_day(comments_due_on), f"The date the PCC's office set: {due_words}."),
        subject_created_at=obligation.created_at,
        responsible=chief_office,
        url=f"/responses/chief/{obligation.pk}/",
        now=now,
    )
    audit_record(
        action=AuditAction.UPDATE, actor=by, obj=obligation, detail={"chief_invited_by": str(comments_due_on)}
    )
    return obligation


def chief_may_comment(obligation: ResponseObligation, now: dt.datetime) -> str:
    """Why the chief's office cannot enter its comments at `now` ("" when it can): invited, the date
    the PCC's office set not yet past, and the response not yet submitted (U6)."""
    if obligation.chief_comments_invited_at is None or obligation.chief_comments_invited_at > now:
        return "The PCC's office has not invited the chief officer's comments on this response."
    # Judged at `now` from the stored moments: a version submitted by then fixes the comments.
    # (Read through .all() so a list that prefetched the submissions asks nothing more.)
    if any(submission.submitted_at <= now for submission in obligation.submissions.all()):
        return "The PCC's office has already submitted the response, so the comments can no longer change."
    if obligation.state == ObligationState.ANSWERED_ELSEWHERE:
        return "The PCC's office has marked this report as answered by another response."
    due_on = obligation.chief_comments_due_on
    if due_on is not None and now >= end_of_day(due_on):
        return (
            "The date the PCC's office set for the chief officer's comments has passed "
            f"(they were due {chief_comments_due_words(obligation)})."
        )
    return ""


@transaction.atomic
def response_chief_comment(
    *, obligation: ResponseObligation, comments: str, by: User, now: dt.datetime | None = None
) -> ResponseObligation:
    """U6, s55(4)-(5A): the chief officer's office enters its comments on the report, in its own portal,
    while invited (until the end of the date the PCC's office set) and before the response is submitted.
    The PCC's office is told; the response it submits holds them as entered."""
    now = now or timezone.now()
    require_chief_office_of(by, obligation.area, now, "enter the chief officer's comments on this response")
    obligation = (
        ResponseObligation.objects.select_for_update().select_related("report", "area").get(pk=obligation.pk)
    )
    reason = chief_may_comment(obligation, now)
    if reason:
        raise ValidationError(reason, code="moment")
    comments = (comments or "").strip()
    if not comments:
        raise ValidationError({"comments": "Enter the chief officer's comments on the report."})
    first = not obligation.chief_comments.strip()
    obligation.chief_comments, obligation.chief_comments_by, obligation.chief_comments_at = comments, by, now
    obligation.save(update_fields=["chief_comments", "chief_comments_by", "chief_comments_at"])
    for deadline in Deadline.objects.filter(
        key=f"chief-comments:{obligation.pk}", state__in=["open", "missed"]
    ):
        deadline_close(deadline=deadline, state=DeadlineState.MET, now=now)
    at = timezone.localtime(now)
    inbox_send(
        people_acting_for([obligation.office]),
        f"The chief officer's comments {'have arrived' if first else 'have changed'}: {obligation.report.title}",
        f"The chief officer's office of {obligation.area.name} "
        f"{'entered its' if first else 'changed its'} comments on “{obligation.report.title}” "
        f"at {at:%H:%M} {at.tzname()} on {_day(at.date())}. They are part of the response: read them and "
        "write the PCC's response to them before you submit it.",
        f"/responses/{obligation.pk}/",
        now,
    )
    audit_record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=obligation,
        detail={"chief_comments": "entered" if first else "changed"},
    )
    return obligation


def recommendations_of(obligation: ResponseObligation) -> QuerySet[Finding]:
    """The report's recommendations that this force's response must answer."""
    # In the order they were made (R2 before R10), which is the report's order.
    return obligation.report.findings.filter(kind=FindingKind.RECOMMENDATION).order_by("pk")


@transaction.atomic
def response_save(
    *,
    obligation: ResponseObligation,
    by: User,
    pcc_comments: str,
    reply_to_chief: str,
    published_url: str,
    answers: dict[int, tuple[str, str]],
    now: dt.datetime | None = None,
) -> ResponseObligation:
    """Save the draft parts; `answers` maps a recommendation's id to (action, reason for no action).
    The chief officer's comments are not among them: the chief's office enters those itself (U6)."""
    now = now or timezone.now()
    require_office_answering(by, obligation, now, "write this response")
    if published_url:
        check_published_url(published_url)
    recommendations = {finding.pk: finding for finding in recommendations_of(obligation)}
    unknown = set(answers) - recommendations.keys()
    if unknown:
        raise ValidationError("An answer names a recommendation that is not in this report.")
    obligation.pcc_comments = pcc_comments
    obligation.reply_to_chief, obligation.published_url = reply_to_chief, published_url
    obligation.save(update_fields=["pcc_comments", "reply_to_chief", "published_url"])
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


def chief_comments_closed_without(obligation: ResponseObligation, now: dt.datetime) -> bool:
    """The date the PCC's office set has passed and the chief officer's office sent no comments."""
    return (
        not obligation.chief_comments.strip()
        and obligation.chief_comments_due_on is not None
        and now >= end_of_day(obligation.chief_comments_due_on)
    )


def response_missing(obligation: ResponseObligation, now: dt.datetime | None = None) -> list[str]:
    """Each part s55(4)–(5B) asks for that the response does not have yet, in words for the OPCC.

    The chief officer's comments are awaited until the end of the date the office set; if none came
    by then, the response goes without them (and without a reply to them)."""
    now = now or timezone.now()
    missing = []
    if obligation.chief_comments_invited_at is None:
        missing.append("Invite the chief officer's comments and set a date for them")
    elif not obligation.chief_comments.strip() and not chief_comments_closed_without(obligation, now):
        missing.append(
            "The chief officer's comments: their office can enter them "
            f"{chief_comments_due_words(obligation)}"
        )
    if not obligation.pcc_comments.strip():
        missing.append("The PCC's comments on the report")
    if obligation.chief_comments.strip() and not obligation.reply_to_chief.strip():
        missing.append("The PCC's response to the chief officer's comments")
    answered = {answer.finding_id: answer for answer in obligation.recommendation_responses.all()}
    for finding in recommendations_of(obligation):
        answer = answered.get(finding.pk)
        if answer is None or not (answer.action or answer.no_action_reason):
            missing.append(f"Recommendation {finding.reference}: the action taken or proposed, or why none")
    if not obligation.published_url:
        missing.append("The web address where the response is published")
    return missing


def submission_content(obligation: ResponseObligation, now: dt.datetime) -> dict[str, Any]:
    """The response as sent to HMICFRS and the Home Secretary (U6, s55(4)–(5B)): the PCC's comments,
    the chief officer's comments as their office entered them (when invited, by whom, when), the
    PCC's response to them, and for every recommendation the action or why none."""
    received = obligation.chief_comments_at
    by = obligation.chief_comments_by
    return {
        "pcc_comments": obligation.pcc_comments,
        "chief_comments": obligation.chief_comments,
        "chief_officer": {
            "invited_at": obligation.chief_comments_invited_at.isoformat()
            if obligation.chief_comments_invited_at
            else None,
            "due_on": obligation.chief_comments_due_on.isoformat()
            if obligation.chief_comments_due_on
            else None,
            "received_at": received.isoformat() if received else None,
            "entered_by": (by.get_full_name() or by.get_username()) if by else "",
            "office": obligation.area.name,
            "none_received": chief_comments_closed_without(obligation, now),
        },
        "reply_to_chief": obligation.reply_to_chief,
        "recommendations": {
            answer.finding.reference: {"action": answer.action, "no_action_reason": answer.no_action_reason}
            for answer in obligation.recommendation_responses.select_related("finding").order_by("finding_id")
        },
    }


@transaction.atomic
def response_submit(
    *, obligation: ResponseObligation, upload: UploadedFile[bytes], by: User, now: dt.datetime | None = None
) -> Submission:
    """U6: upload the published response. The upload is the copy to HMICFRS and the Home Secretary.
    A new version never overwrites an earlier one; a late one is accepted and marked late."""
    now = now or timezone.now()
    require_office_answering(by, obligation, now, "submit this response")
    obligation = (
        ResponseObligation.objects.select_for_update(of=("self",))
        .select_related("area", "chief_comments_by")
        .get(pk=obligation.pk)
    )
    missing = response_missing(obligation, now)
    if missing:
        raise ValidationError("The response is not complete: " + "; ".join(missing) + ".")
    checked = check_pdf(upload, by=by)
    stored_name = f"{uuid.uuid4().hex}.pdf"
    folder = Path(settings.MEDIA_ROOT) / RESPONSES_DIR
    folder.mkdir(parents=True, exist_ok=True)
    version = obligation.submissions.count() + 1
    content = submission_content(obligation, now)
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
    tally_recount(obligation, now)
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
    *,
    obligation: ResponseObligation,
    answered_by: ResponseObligation | None,
    reason: str,
    by: User,
    now: dt.datetime | None = None,
) -> ResponseObligation:
    """A force report answered by the office's response to a national report with the same findings,
    or the reverse; `answered_by=None` undoes it."""
    now = now or timezone.now()
    require_office_answering(by, obligation, now, "change how this report is answered")
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
    tally_recount(obligation, now)
    audit_record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=obligation,
        detail={"answered_by": getattr(answered_by, "pk", None)},
    )
    return obligation
