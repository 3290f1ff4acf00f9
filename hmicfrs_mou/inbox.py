"""Putting a notice in people's inboxes: the one way every app writes an InboxMessage for a notice.

Each message is also emailed by the outbox (hmicfrs_mou.outbox): at once, or in the person's
morning email if they chose one on their preferences. A person without an email address is told
in the portal only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from hmicfrs_mou.models import EmailState, InboxMessage, Preferences


def inbox_send(
    people: Iterable[Any], subject: str, body: str, url: str, now: dt.datetime, *, kind: str = "notice"
) -> int:
    """One message per person (a person named twice gets one), all stamped `now`; returns how many."""
    unique = {person.pk: person for person in people}
    digest = set(
        Preferences.objects.filter(user_id__in=list(unique), daily_digest=True).values_list(
            "user_id", flat=True
        )
    )

    def state(person: Any) -> str:
        if not getattr(person, "email", ""):
            return EmailState.NONE
        return EmailState.DIGEST if person.pk in digest else EmailState.PENDING

    messages = [
        InboxMessage(
            user=person,
            kind=kind[:40],
            subject=subject[:300],
            body=body,
            url=url,
            created_at=now,
            email_state=state(person),
        )
        for person in unique.values()
    ]
    InboxMessage.objects.bulk_create(messages)
    return len(messages)
