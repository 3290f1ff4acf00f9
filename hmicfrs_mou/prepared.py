"""Prepared statements after a migration has changed a table under a running portal.

On PostgreSQL the portal prepares the queries a connection asks again and again (hmicfrs_mou/settings.py).
A prepared query keeps the shape of its result: once a migration changes the type of a column it returns
(run by another process, while the web and queue processes keep their connections), the server refuses
to run it again ("cached plan must not change result type", SQLSTATE 0A000), and would go on refusing it
on that connection for as long as the connection lives (ten minutes), page after page.

`replan_after_schema_change`, on every PostgreSQL connection that prepares, answers that refusal once:
outside a transaction the refused statement was all there was, so it drops every statement the connection
has prepared (`DEALLOCATE ALL`, which psycopg also reads as a sign to forget its own list of them) and asks
the query again, now planned afresh. Inside a transaction the refusal has already spoilt it: the error goes
on to the caller, and the rollback that ends the transaction makes psycopg drop the connection's prepared
statements, so only that one request fails. Restarting the processes after a migration (README) is still
the way to be sure; this keeps a forgotten restart from becoming ten minutes of errors.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import NotSupportedError

logger = logging.getLogger(__name__)

# feature_not_supported: what PostgreSQL answers a prepared statement whose result has changed shape.
REPLAN_SQLSTATE = "0A000"


def replan_after_schema_change(
    execute: Any, sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    """A Django execute wrapper: the query asked again, once, after its plan was refused outside a
    transaction; any other error, or one inside a transaction, goes on as it came."""
    try:
        return execute(sql, params, many, context)
    except NotSupportedError as error:
        connection = context["connection"]
        if getattr(error.__cause__, "sqlstate", None) != REPLAN_SQLSTATE or connection.in_atomic_block:
            raise
        logger.warning(
            "A prepared query was refused after a change to its tables; planning it again: %s", error
        )
        with connection.cursor() as cursor:
            cursor.execute("DEALLOCATE ALL")
        return execute(sql, params, many, context)


def install(sender: Any, connection: Any, **kwargs: Any) -> None:
    """On `connection_created`: the wrapper on each PostgreSQL connection that prepares statements, once
    (the same connection object is created again after a reconnection)."""
    if connection.vendor != "postgresql" or not connection.settings_dict["OPTIONS"].get("prepare_threshold"):
        return
    if replan_after_schema_change not in connection.execute_wrappers:
        connection.execute_wrappers.append(replan_after_schema_change)
