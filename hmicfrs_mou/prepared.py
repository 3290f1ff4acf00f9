"""Prepared statements after a migration has changed a table under a running portal.

On PostgreSQL the portal prepares the queries a connection asks again and again (hmicfrs_mou/settings.py).
A prepared query keeps the shape of its result: once a migration changes the type of a column it returns
(run by another process, while the web and queue processes keep their connections), the server refuses
to run it again ("cached plan must not change result type", SQLSTATE 0A000), and would go on refusing it
on that connection for as long as the connection lives (ten minutes), page after page.

`replan_after_schema_change`, on every PostgreSQL connection that prepares, answers that refusal (and no
other error: the same SQLSTATE also means other things the server does not do) once. Outside a transaction
the refused statement was all there was: psycopg is told to forget what the connection prepared, as its
own rollback does, and they are dropped on the server (DEALLOCATE ALL); the query is asked again, planned
afresh. Inside a transaction the refusal has already spoilt it: the error goes on to
the caller, and the rollback that ends the transaction makes psycopg drop the prepared statements, so only
that one request fails. A statement run for many rows is never asked again (rows before the refusal may
have been written). Restarting the processes after a migration (README) is still the way to be sure; this
keeps a forgotten restart from becoming ten minutes of errors.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import psycopg
from django.db import NotSupportedError

logger = logging.getLogger(__name__)

# What PostgreSQL answers a prepared statement whose result has changed shape: feature_not_supported, from
# the plan cache's revalidation (the function is named in the error whatever the server's language).
REPLAN_SQLSTATE = "0A000"
REPLAN_FUNCTION = "RevalidateCachedQuery"


def _refused_plan(error: NotSupportedError) -> bool:
    cause = error.__cause__
    diag = getattr(cause, "diag", None)
    return getattr(cause, "sqlstate", None) == REPLAN_SQLSTATE and (
        getattr(diag, "source_function", None) == REPLAN_FUNCTION
    )


def _forget_prepared(raw: Any) -> bool:
    """psycopg's own reset of a connection's prepared statements (what its rollback does), then the server's
    dropped at once: after this, nothing prepared is used or kept on either side. False where this psycopg
    has no such reset (a private part of it; tests/core/test_database_connections.py holds it to this one)."""
    manager = getattr(raw, "_prepared", None)
    if manager is None or not callable(getattr(manager, "clear", None)):
        return False
    manager.clear()
    # Now, not after the next statement as the reset leaves it: that statement may itself be prepared
    # (a threshold of 0) and would be dropped on the server while psycopg went on using it.
    raw.execute("DEALLOCATE ALL", prepare=False)
    return True


def replan_after_schema_change(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    """A Django execute wrapper: the query asked again, once, after the server refused its prepared plan
    outside a transaction; any other error, one inside a transaction or one for many rows goes on as it came."""
    try:
        return execute(sql, params, many, context)
    except NotSupportedError as error:
        connection = context["connection"]
        raw = connection.connection
        idle = raw is not None and raw.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        if many or not idle or not _refused_plan(error) or not _forget_prepared(raw):
            raise
        logger.warning(
            "A prepared query was refused after a change to its tables; planning it again: %s", error
        )
        return execute(sql, params, many, context)


def install(sender: Any, connection: Any, **kwargs: Any) -> None:
    """On `connection_created`: the wrapper on each PostgreSQL connection that prepares statements, once
    (the signal comes again for the same connection after it reconnects, and its wrappers are kept). First
    in the list: Django's `execute_wrapper()` takes off the last one when its block ends, which must be its
    own even when the connection opened inside the block."""
    if (
        connection.vendor != "postgresql"
        or connection.settings_dict["OPTIONS"].get("prepare_threshold") is None
    ):
        return
    if replan_after_schema_change not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, replan_after_schema_change)
