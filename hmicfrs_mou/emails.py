"""Email kinds. Each renders templates/emails/<name>-body.txt and -body.html; its subject is said here.

Every email the portal sends is automatic and says so, so that mail clients and servers treat it
as such: `Auto-Submitted: auto-generated` (RFC 3834: no auto-reply loops), Outlook's
`X-Auto-Response-Suppress: All`, a `List-Id` per kind (for people's mail rules), a stable
Message-ID per reminder, notice or morning email, and plain-text and HTML parts that say the same
thing, each with the link to the record.

A reminder email carries two identifiers of its ledger row that never change
between attempts: the X-Reference header (GOV.UK Notify's `reference`, by which
the engine asks Notify whether an attempt whose outcome was lost arrived) and
its Message-ID (SMTP cannot be asked; a repeat has the same Message-ID, so it
is recognisable and mail clients show it once).

Language (issue 12): each email is in its recipient's language, their own choice
(`Preferences.language`), else British English, whatever language is active where it is built
(a request, the sweep): every builder renders inside `translation.override(recipient_language(...))`,
which restores the caller's language after. Subject, both parts and the list label follow it; the
inbox copy of a reminder or of escalations is the email's subject and text, so it follows it too.
What services wrote is data and stays as written: a deadline's or record's title, a deadline's
"working", and a notice's subject and text. `recipient_language` reads `user.preferences`: load it
with the person (`select_related("...__preferences")`), or it costs a query.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext, gettext_noop, ngettext

from hmicfrs_mou.models import InboxMessage, Reminder
from hmicfrs_mou.templatetags.deadline_tags import due_moment

# Translated when an email is built, in its recipient's language (`_step_words`).
STEP_WORDS = {
    "due": gettext_noop("is due today"),
    "overdue": gettext_noop("is overdue"),
    "escalation": gettext_noop("is overdue and has been escalated to you"),
}


def _step_words(step: str) -> str:
    """What the reminder says of its deadline, in the active language ("is due in 7 days")."""
    if step.startswith("before-"):
        days = int(step.removeprefix("before-").removesuffix("d"))
        return ngettext("is due in %(days)s day", "is due in %(days)s days", days) % {"days": days}
    return gettext(STEP_WORDS.get(step, gettext_noop("needs attention")))


def _title_and_words(title: str, words: str) -> str:
    """A deadline's title (data, as written) and what is happening to it, as a subject."""
    return gettext("%(title)s %(when)s") % {"title": title, "when": words}


def recipient_language(user: Any) -> str:
    """The language of this person's emails: their own choice (`Preferences.language`), else British
    English. Reads `user.preferences` (one query unless it was loaded with the person)."""
    preferences = getattr(user, "preferences", None)
    language = getattr(preferences, "language", "") or ""
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def portal_base() -> str:
    return str(getattr(settings, "PORTAL_BASE_URL", "http://127.0.0.1:8000")).rstrip("/")


def mail_host() -> str:
    return urlsplit(getattr(settings, "PORTAL_BASE_URL", "")).hostname or "mou-portal.invalid"


def link_to(url: str, default: str = "/") -> str:
    return f"{portal_base()}{url or default}"


def when_words(moment: dt.datetime) -> str:
    """A deadline's moment in words with its zone, in the active language (see `due_moment`)."""
    return due_moment(moment)


def list_id(kind: str, label: str) -> str:
    """RFC 2919: a name in words and a dot-atom id per kind, for people's mail rules."""
    atom = re.sub(r"[^a-z0-9-]+", "-", kind.lower()).strip("-") or "notices"
    return f'"{label}" <{atom}.{mail_host()}>'


def automatic_headers(*, reference: str, kind: str, label: str) -> dict[str, str]:
    """The headers every email of the portal carries (see the module's docstring)."""
    return {
        "Message-ID": f"<{reference}@{mail_host()}>",
        "X-Reference": reference,
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "All",
        "List-Id": list_id(kind, label),
    }


def _context(reminder: Reminder) -> dict[str, Any]:
    deadline = reminder.deadline
    return {
        "reminder": reminder,
        "deadline": deadline,
        "recipient": reminder.recipient,
        "when": _step_words(reminder.step),
        "due_local": timezone.localtime(deadline.due_at),
        "due_words": when_words(deadline.due_at),
        "link": link_to(deadline.url, "/deadlines/"),
        "late": reminder.late,
    }


def reminder_reference(reminder: Reminder) -> str:
    """The delivery reference: the ledger id, the same on every attempt."""
    return f"reminder-{reminder.pk}"


def reminder_message_id(reminder: Reminder) -> str:
    """A Message-ID that is the same on every attempt, so a repeat is one message to mail clients."""
    return f"<{reminder_reference(reminder)}@{mail_host()}>"


def reminder_message(reminder: Reminder, context: dict[str, Any] | None = None) -> tuple[str, str]:
    """Subject and plain text, shared by the email and the inbox copy, in the recipient's language."""
    with translation.override(recipient_language(reminder.recipient)):
        context = context or _context(reminder)
        return _reminder_subject(context), render_to_string("emails/reminder-body.txt", context)


def _reminder_subject(context: dict[str, Any]) -> str:
    """The subject: "[Late] " if it is late, then the deadline's title and what is happening to it, on one
    line. Said here, not by a template of its own: one line cost a template's rendering a reminder."""
    # gettext("...") as a call of its own, not inside an f-string: makemessages (xgettext) finds no call
    # inside an f-string, and the Welsh "[Hwyr]" would go from the catalogue at its next run.
    late = gettext("[Late]") + " " if context["late"] else ""
    return " ".join(f"{late}{_title_and_words(context['deadline'].title, context['when'])}".split())


def _email(
    *,
    subject: str,
    text: str,
    html: str,
    to: str,
    headers: dict[str, str],
    link: str,
    connection: BaseEmailBackend | None,
) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=subject, body=text, to=[to], headers=headers, connection=connection
    )
    message.attach_alternative(html, "text/html")
    # For GOV.UK Notify's template (its `link` personalisation); SMTP ignores it.
    message.portal_link = link  # type: ignore[attr-defined]
    return message


def reminder_email(
    reminder: Reminder, *, connection: BaseEmailBackend | None = None, kind_label: str = ""
) -> EmailMultiAlternatives:
    """The email for one reminder, with its reference and Message-ID; its subject and text are the inbox
    copy's. In the recipient's language; `kind_label` (the kind of deadline's name) is as registered."""
    with translation.override(recipient_language(reminder.recipient)):
        context = _context(reminder)
        subject, text = reminder_message(reminder, context)
        return _email(
            subject=subject,
            text=text,
            html=render_to_string("emails/reminder-body.html", context),
            to=reminder.recipient.email,
            headers=automatic_headers(
                reference=reminder_reference(reminder),
                kind=f"reminders-{reminder.deadline.kind}",
                label=gettext("MOU portal reminders: %(kind)s")
                % {"kind": kind_label or gettext("deadlines")},
            ),
            link=context["link"],
            connection=connection,
        )


def notice_reference(message: InboxMessage) -> str:
    return f"notice-{message.pk}"


def notice_email(
    message: InboxMessage, *, connection: BaseEmailBackend | None = None
) -> EmailMultiAlternatives:
    """A notice (what the inbox shows), emailed with its own stable reference and Message-ID.

    The portal's words around it are in the recipient's language; the notice's subject and text are
    as the service that sent it wrote them."""
    with translation.override(recipient_language(message.user)):
        context: dict[str, Any] = {
            "message": message,
            "recipient": message.user,
            "link": link_to(message.url, reverse("inbox")),
        }
        return _email(
            subject=message.subject,
            text=render_to_string("emails/notice-body.txt", context),
            html=render_to_string("emails/notice-body.html", context),
            to=message.user.email,
            headers=automatic_headers(
                reference=notice_reference(message),
                kind=f"notices-{message.kind}",
                label=gettext("MOU portal notices"),
            ),
            link=context["link"],
            connection=connection,
        )


def digest_reference(user: Any, day: dt.date) -> str:
    return f"digest-{user.pk}-{day:%Y%m%d}"


def digest_email(
    user: Any, messages: list[InboxMessage], day: dt.date, *, connection: BaseEmailBackend | None = None
) -> EmailMultiAlternatives:
    """The person's morning email: every notice and early reminder since the last one, each with its link.

    In the person's language; each item's subject and text are as they are in the inbox."""
    with translation.override(recipient_language(user)):
        items = [{"message": m, "link": link_to(m.url, reverse("inbox"))} for m in messages]
        context = {
            "recipient": user,
            "items": items,
            "day": day,
            "inbox": link_to(reverse("inbox")),
            "choice": link_to(reverse("email-settings")),
        }
        count = len(messages)
        subject = ngettext(
            "MOU portal: %(count)s update for %(day)s", "MOU portal: %(count)s updates for %(day)s", count
        ) % {"count": count, "day": date_format(day, "j F Y")}
        return _email(
            subject=subject,
            text=render_to_string("emails/digest-body.txt", context),
            html=render_to_string("emails/digest-body.html", context),
            to=user.email,
            headers=automatic_headers(
                reference=digest_reference(user, day),
                kind="morning-email",
                label=gettext("MOU portal morning email"),
            ),
            link=context["inbox"],
            connection=connection,
        )


def email_arrived(reference: str, *, connection: BaseEmailBackend) -> bool | None:
    """Whether an earlier attempt at the email with this reference reached the email service.

    True or False when the backend can be asked by reference (GOV.UK Notify: its
    `sent_with_reference`); None when it cannot (SMTP). Raises if the service
    cannot be reached, so the engine tries again later rather than guess.
    """
    lookup = getattr(connection, "sent_with_reference", None)
    if lookup is None:
        return None
    return bool(lookup(reference))


def reminder_email_arrived(reminder: Reminder, *, connection: BaseEmailBackend) -> bool | None:
    """Whether an earlier attempt at this reminder reached the email service (see `email_arrived`)."""
    return email_arrived(reminder_reference(reminder), connection=connection)


def escalations_reference(first: Reminder) -> str:
    """A person's escalations of one morning go as one email, known by its first reminder's reference.

    The same on every attempt (the reminders begun together are sent again together); one
    escalation alone is the email it would have been on its own.
    """
    return reminder_reference(first)


def escalations_email(
    user: Any, reminders: list[Reminder], at: dt.datetime, *, connection: BaseEmailBackend | None = None
) -> EmailMultiAlternatives:
    """One email for everything escalated to a person since the last morning, each with its link.

    Its plain text is also the inbox copy. One item reads as a reminder would ("... is overdue and
    has been escalated to you"); several are counted in the subject and listed. In the person's
    language, titles as written.
    """
    with translation.override(recipient_language(user)):
        items = [
            {
                "deadline": reminder.deadline,
                "due_words": when_words(reminder.deadline.due_at),
                "link": link_to(reminder.deadline.url, "/deadlines/"),
            }
            for reminder in reminders
        ]
        count = len(items)
        late = any(reminder.late for reminder in reminders)
        if count == 1:
            subject = _title_and_words(reminders[0].deadline.title, gettext(STEP_WORDS["escalation"]))
        else:
            subject = ngettext(
                "%(count)s overdue deadline has been escalated to you",
                "%(count)s overdue deadlines have been escalated to you",
                count,
            ) % {"count": count}
        if late:
            subject = gettext("[Late]") + " " + subject
        context = {
            "recipient": user,
            "items": items,
            "count": count,
            "day": timezone.localtime(at).date(),
            "late": late,
            "deadlines": link_to(reverse("my-deadlines")),
        }
        return _email(
            subject=" ".join(subject.split()),
            text=render_to_string("emails/escalations-body.txt", context),
            html=render_to_string("emails/escalations-body.html", context),
            to=user.email,
            headers=automatic_headers(
                reference=escalations_reference(reminders[0]),
                kind="reminders-escalations",
                label=gettext("MOU portal reminders: escalations"),
            ),
            link=context["deadlines"],
            connection=connection,
        )
