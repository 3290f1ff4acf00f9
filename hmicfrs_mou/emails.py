"""Email kinds. Each renders templates/emails/<name>-subject.txt, -body.txt and -body.html.

A reminder email carries two identifiers of its ledger row that never change
between attempts: the X-Reference header (GOV.UK Notify's `reference`, by which
the engine asks Notify whether an attempt whose outcome was lost arrived) and
its Message-ID (SMTP cannot be asked; a repeat has the same Message-ID, so it
is recognisable and mail clients show it once).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string
from django.utils import timezone

from hmicfrs_mou.models import Reminder
from hmicfrs_mou.templatetags.deadline_tags import due_moment

STEP_WORDS = {
    "due": "is due today",
    "overdue": "is overdue",
    "escalation": "is overdue and has been escalated to you",
}


def _step_words(step: str) -> str:
    if step.startswith("before-"):
        days = int(step.removeprefix("before-").removesuffix("d"))
        return f"is due in {days} day{'s' if days != 1 else ''}"
    return STEP_WORDS.get(step, "needs attention")


def _context(reminder: Reminder) -> dict[str, Any]:
    deadline = reminder.deadline
    base = getattr(settings, "PORTAL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    return {
        "reminder": reminder,
        "deadline": deadline,
        "recipient": reminder.recipient,
        "when": _step_words(reminder.step),
        "due_local": timezone.localtime(deadline.due_at),
        "due_words": due_moment(deadline.due_at),
        "link": f"{base}{deadline.url or '/deadlines/'}",
        "late": reminder.late,
    }


def reminder_reference(reminder: Reminder) -> str:
    """The delivery reference: the ledger id, the same on every attempt."""
    return f"reminder-{reminder.pk}"


def reminder_message_id(reminder: Reminder) -> str:
    """A Message-ID that is the same on every attempt, so a repeat is one message to mail clients."""
    host = urlsplit(getattr(settings, "PORTAL_BASE_URL", "")).hostname or "mou-portal.invalid"
    return f"<{reminder_reference(reminder)}@{host}>"


def reminder_message(reminder: Reminder) -> tuple[str, str]:
    """Subject and plain text, shared by the email and the inbox copy."""
    context = _context(reminder)
    subject = render_to_string("emails/reminder-subject.txt", context).strip()
    return " ".join(subject.split()), render_to_string("emails/reminder-body.txt", context)


def reminder_email(
    reminder: Reminder, *, connection: BaseEmailBackend | None = None
) -> EmailMultiAlternatives:
    """The email for one reminder, with its reference and Message-ID; its subject and text are the inbox copy's."""
    context = _context(reminder)
    subject, text = reminder_message(reminder)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[reminder.recipient.email],
        headers={"X-Reference": reminder_reference(reminder), "Message-ID": reminder_message_id(reminder)},
        connection=connection,
    )
    message.attach_alternative(render_to_string("emails/reminder-body.html", context), "text/html")
    return message


def reminder_email_arrived(reminder: Reminder, *, connection: BaseEmailBackend) -> bool | None:
    """Whether an earlier attempt at this reminder reached the email service.

    True or False when the backend can be asked by reference (GOV.UK Notify: its
    `sent_with_reference`); None when it cannot (SMTP). Raises if the service
    cannot be reached, so the engine tries again later rather than guess.
    """
    lookup = getattr(connection, "sent_with_reference", None)
    if lookup is None:
        return None
    return bool(lookup(reminder_reference(reminder)))
