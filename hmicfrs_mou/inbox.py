"""Putting a notice in people's inboxes: the one way every app writes an InboxMessage for a notice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from hmicfrs_mou.models import InboxMessage


def inbox_send(people: Iterable[Any], subject: str, body: str, url: str, now: dt.datetime) -> int:
    """One message per person (a person named twice gets one), all stamped `now`; returns how many."""
    messages = [
        InboxMessage(user=person, subject=subject[:300], body=body, url=url, created_at=now)
        for person in {person.pk: person for person in people}.values()
    ]
    InboxMessage.objects.bulk_create(messages)
    return len(messages)
