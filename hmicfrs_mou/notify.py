"""A Django email backend that sends through GOV.UK Notify.

Settings: NOTIFY_API_KEY and NOTIFY_TEMPLATE_ID (a Notify email template with
the personalisation fields `subject`, `body` and `link`: the same words as the
plain-text part of the SMTP email, and the link to the record on its own so the
template can make it a button). The message's X-Reference
header (the reminder ledger id) goes to Notify as the reference, so a delivery
can be traced, and `sent_with_reference` asks Notify whether it holds one: the
reminder engine asks before sending again a reminder whose outcome was lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from notifications_python_client.notifications import NotificationsAPIClient

# Notify's status for a notification it failed to pass on through its own fault: it did not go.
# Any other status (created, sending, delivered, a failure at the recipient's end) means it went.
NOT_SENT = frozenset({"technical-failure"})


class NotifyEmailBackend(BaseEmailBackend):
    def __init__(
        self, fail_silently: bool = False, client: Any = None, timeout: float | None = None, **kwargs: Any
    ) -> None:
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.template_id = getattr(settings, "NOTIFY_TEMPLATE_ID", "")
        if client is None:
            api_key = getattr(settings, "NOTIFY_API_KEY", "")
            if not api_key or not self.template_id:
                raise ImproperlyConfigured(
                    "Set NOTIFY_API_KEY and NOTIFY_TEMPLATE_ID to send email through GOV.UK Notify."
                )
            client = NotificationsAPIClient(api_key, timeout=timeout or 30)
        self.client = client

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        sent = 0
        for message in email_messages:
            reference = message.extra_headers.get("X-Reference", "")
            try:
                for address in message.to:
                    self.client.send_email_notification(
                        email_address=address,
                        template_id=self.template_id,
                        personalisation={
                            "subject": message.subject,
                            "body": message.body,
                            "link": getattr(message, "portal_link", ""),
                        },
                        reference=reference or None,
                    )
                sent += 1
            except Exception:
                if not self.fail_silently:
                    raise
        return sent

    def sent_with_reference(self, reference: str) -> bool:
        """Whether Notify holds an email sent with this reference (it keeps them for seven days).

        Raises if Notify cannot be reached: the caller must not take silence for "not sent".
        """
        found = self.client.get_all_notifications(template_type="email", reference=reference)
        return any(item.get("status") not in NOT_SENT for item in found.get("notifications", []))
