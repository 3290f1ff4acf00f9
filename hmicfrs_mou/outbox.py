"""Emailing the inbox: notices at once, and each morning's email for those who chose one.

Every notice written by `inbox_send` waits here as PENDING (or DIGEST). Each minute the outbox
claims a batch with one conditional UPDATE (another worker's update of the same rows finds them
claimed and skips them), sends each with its stable Message-ID (`<notice-N@host>`) and marks it
sent. As with reminders, a worker that dies between sending and marking leaves a claim that
lapses after CLAIM_LEASE; the next run asks GOV.UK Notify by reference whether it went, and over
SMTP sends again with the same Message-ID, so mail clients show the repeat once.

The morning email goes from 08:00 London: everything waiting as DIGEST from before 08:00 that day,
in one email per person (`<digest-USER-YYYYMMDD@host>`). Anything that arrives later waits for the
next morning; a worker that was down at 08:00 sends it at its first run after.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Any

from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from hmicfrs_mou.deadlines import LONDON
from hmicfrs_mou.emails import digest_email, digest_reference, notice_email, notice_reference
from hmicfrs_mou.models import EmailState, InboxMessage

logger = logging.getLogger(__name__)

BATCH = 200
CLAIM_LEASE = dt.timedelta(minutes=2)
MAX_ATTEMPTS = 4
MORNING = dt.time(8, 0)
DIGEST_CLAIM = "d:"


def _arrived(connection: BaseEmailBackend, reference: str) -> bool:
    """Whether an earlier attempt whose outcome was lost reached the email service (Notify can say)."""
    lookup = getattr(connection, "sent_with_reference", None)
    return bool(lookup(reference)) if lookup is not None else False


def _lapse_claims(now: dt.datetime) -> None:
    """Claims whose worker died go back to wait: a morning email's items to DIGEST, a notice to PENDING."""
    lapsed = InboxMessage.objects.filter(
        email_state=EmailState.SENDING, email_claimed_at__lt=now - CLAIM_LEASE
    )
    lapsed.filter(email_claim__startswith=DIGEST_CLAIM).update(email_state=EmailState.DIGEST)
    lapsed.exclude(email_claim__startswith=DIGEST_CLAIM).update(email_state=EmailState.PENDING)


def _fail_or_retry(ids: list[int], attempts: int, error: Exception) -> None:
    state = EmailState.FAILED if attempts >= MAX_ATTEMPTS else None
    logger.warning("Email of inbox messages %s failed (attempt %s): %s", ids, attempts, error)
    rows = InboxMessage.objects.filter(pk__in=ids)
    if state:
        rows.update(email_state=state, email_attempts=attempts)
    else:
        # Back to wait; tried again at the next run (each minute).
        rows.filter(email_claim__startswith=DIGEST_CLAIM).update(
            email_state=EmailState.DIGEST, email_attempts=attempts
        )
        rows.exclude(email_claim__startswith=DIGEST_CLAIM).update(
            email_state=EmailState.PENDING, email_attempts=attempts
        )


def send_notices(now: dt.datetime, connection: BaseEmailBackend) -> int:
    token = uuid.uuid4().hex
    ids = list(
        InboxMessage.objects.filter(email_state=EmailState.PENDING)
        .order_by("created_at")
        .values_list("pk", flat=True)[:BATCH]
    )
    if not ids:
        return 0
    InboxMessage.objects.filter(pk__in=ids, email_state=EmailState.PENDING).update(
        email_state=EmailState.SENDING, email_claim=token, email_claimed_at=now
    )
    sent = 0
    for message in InboxMessage.objects.filter(
        email_claim=token, email_state=EmailState.SENDING
    ).select_related("user__preferences"):
        attempts = message.email_attempts + 1
        try:
            if not (message.email_attempts and _arrived(connection, notice_reference(message))):
                notice_email(message, connection=connection).send(fail_silently=False)
        except Exception as error:  # noqa: BLE001 - any backend failure is retried, then recorded
            _fail_or_retry([message.pk], attempts, error)
            continue
        sent += InboxMessage.objects.filter(pk=message.pk, email_claim=token).update(
            email_state=EmailState.SENT, emailed_at=now, email_attempts=attempts
        )
    return sent


def send_morning_emails(now: dt.datetime, connection: BaseEmailBackend) -> int:
    local = now.astimezone(LONDON)
    if local.time() < MORNING:
        return 0
    cutoff = dt.datetime.combine(local.date(), MORNING, tzinfo=LONDON)
    waiting = InboxMessage.objects.filter(email_state=EmailState.DIGEST, created_at__lt=cutoff)
    people = list(waiting.order_by().values_list("user_id", flat=True).distinct()[:BATCH])
    sent = 0
    for user_id in people:
        token = f"{DIGEST_CLAIM}{uuid.uuid4().hex[:30]}"
        waiting.filter(user_id=user_id).update(
            email_state=EmailState.SENDING, email_claim=token, email_claimed_at=now
        )
        messages = list(
            InboxMessage.objects.filter(email_claim=token, email_state=EmailState.SENDING)
            .select_related("user__preferences")
            .order_by("created_at", "pk")
        )
        if not messages:
            continue
        user: Any = messages[0].user
        attempts = max(m.email_attempts for m in messages) + 1
        try:
            if not (attempts > 1 and _arrived(connection, digest_reference(user, local.date()))):
                digest_email(user, messages, local.date(), connection=connection).send(fail_silently=False)
        except Exception as error:  # noqa: BLE001 - retried at the next run, then recorded
            _fail_or_retry([m.pk for m in messages], attempts, error)
            continue
        InboxMessage.objects.filter(email_claim=token).update(
            email_state=EmailState.SENT, emailed_at=now, email_attempts=attempts
        )
        sent += 1
    return sent


def outbox_send(now: dt.datetime | None = None) -> dict[str, int]:
    """One run: lapsed claims back to wait, then the notices, then any morning emails due."""
    now = now or timezone.now()
    _lapse_claims(now)
    connection = get_connection(timeout=10)
    return {"notices": send_notices(now, connection), "morning_emails": send_morning_emails(now, connection)}
