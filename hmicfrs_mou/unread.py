"""The unread count in the header's Inbox item: counted no further than the header shows ("99+").

The sign-in backend loads it with the request's user (`with_unread_count`), so no page pays a query of its
own for it; a view that marks messages read forgets it, and the header counts again.
"""

from __future__ import annotations

from typing import Any

from django.db.models import IntegerField, OuterRef, Subquery

from hmicfrs_mou.models import InboxMessage

# The count stops growing in the header at this many ("99+"), so the item keeps its width.
UNREAD_SHOWN_UP_TO = 99
_ATTR = "_mou_unread"


class _CountOf(Subquery):
    """How many rows a (sliced) subquery gives: COUNT(*) over it, as the ORM cannot count a slice inside."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS counted)"

    def __init__(self, queryset: Any) -> None:
        super().__init__(queryset, output_field=IntegerField())


def with_unread_count(users: Any) -> Any:
    """A user queryset whose rows bring their unread count, capped, from one correlated subquery.

    Counting inside a LIMIT keeps a backlog of thousands as cheap as a handful (the index on user and
    read_at).
    """
    unread = InboxMessage.objects.filter(user=OuterRef("pk"), read_at__isnull=True).order_by().values("pk")
    return users.annotate(**{_ATTR: _CountOf(unread[: UNREAD_SHOWN_UP_TO + 1])})


def unread_count(user: Any) -> int:
    """The person's unread messages, up to UNREAD_SHOWN_UP_TO + 1: as loaded with them, or counted now."""
    loaded = getattr(user, _ATTR, None)
    if loaded is None:
        loaded = (
            InboxMessage.objects.filter(user=user, read_at__isnull=True)
            .order_by()[: UNREAD_SHOWN_UP_TO + 1]
            .count()
        )
        setattr(user, _ATTR, loaded)
    return int(loaded)


def forget_unread_count(user: Any) -> None:
    """After messages are marked read: the header counts again."""
    if hasattr(user, _ATTR):
        delattr(user, _ATTR)
