"""Email kinds. Each renders templates/emails/<name>-subject.txt, -body.txt and -body.html."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
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


def reminder_message(reminder: Reminder) -> tuple[str, str]:
    """Subject and plain text, shared by the email and the inbox copy."""
    context = _context(reminder)
    subject = render_to_string("emails/reminder-subject.txt", context).strip()
    return " ".join(subject.split()), render_to_string("emails/reminder-body.txt", context)


def send_reminder_email(reminder: Reminder) -> None:
    """Send one reminder. The ledger id goes with it as the delivery reference (GOV.UK Notify)."""
    context = _context(reminder)
    subject, text = reminder_message(reminder)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[reminder.recipient.email],
        headers={"X-Reference": f"reminder-{reminder.pk}"},
    )
    message.attach_alternative(render_to_string("emails/reminder-body.html", context), "text/html")
    message.send(fail_silently=False)
