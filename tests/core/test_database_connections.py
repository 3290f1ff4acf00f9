"""Persistent database connections: on by default for PostgreSQL (a new connection per request cost more
than the cheapest page), off for SQLite, and DATABASE_CONN_MAX_AGE overrides either.

Settings are read at import, so each case imports them in a fresh interpreter, as tests/core/test_settings.py
does. The test client keeps one connection whatever the setting (it disconnects close_old_connections
around each request), so the reuse test calls close_old_connections itself, as the end of a real request does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"

PRINT_SETTINGS = (
    "import json, hmicfrs_mou.settings as s; d = s.DATABASES['default'];"
    "print(json.dumps([d['ENGINE'], d['CONN_MAX_AGE'], d.get('CONN_HEALTH_CHECKS', False)]))"
)


def _run(code: str, **env: str) -> subprocess.CompletedProcess:
    ours = {"DATABASE_URL", "DATABASE_CONN_MAX_AGE", "DATABASE_PREPARED_STATEMENTS"}
    clean = {k: v for k, v in os.environ.items() if k not in ours}
    clean.update({"ENV_FILE": "", "DEBUG": "true", **env})
    return subprocess.run(  # noqa: S603 - our own interpreter on our own code
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, check=False
    )


def _settings(**env: str) -> list:
    result = _run(PRINT_SETTINGS, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_postgresql_keeps_connections_with_a_health_check_by_default():
    assert _settings(DATABASE_URL="postgres://mou@db:5432/mou") == [
        "django.db.backends.postgresql",
        600,
        True,
    ]


def test_sqlite_closes_its_connection_after_each_request_by_default():
    assert _settings(DATABASE_URL="sqlite:///conn.sqlite3") == ["django.db.backends.sqlite3", 0, False]


PRINT_OPTIONS = (
    "import json, hmicfrs_mou.settings as s; o = s.DATABASES['default'].get('OPTIONS', {});"
    "print(json.dumps([o.get('server_side_binding'), o.get('prepare_threshold')]))"
)


def test_postgresql_prepares_statements_unless_told_not_to():
    """Values bound by the server and a query asked five times prepared (Django's own default is neither,
    for transaction-mode poolers); DATABASE_PREPARED_STATEMENTS=false goes back to that, and SQLite has neither."""

    def options(**env: str) -> list:
        result = _run(PRINT_OPTIONS, **env)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    assert options(DATABASE_URL="postgres://mou@db:5432/mou") == [True, 5]
    assert options(DATABASE_URL="postgres://mou@db:5432/mou", DATABASE_PREPARED_STATEMENTS="false") == [
        None,
        None,
    ]
    assert options(DATABASE_URL="sqlite:///conn.sqlite3") == [None, None]


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_a_query_asked_again_on_a_connection_is_prepared_once():
    """The sixth time a connection asks the same query (other values), psycopg prepares it on the server, and
    later askings reuse it: the server keeps one prepared statement for it, not one a time."""
    from django.db import connection

    from contacts.models import Organisation

    if not connection.settings_dict["OPTIONS"].get("prepare_threshold"):
        pytest.skip("prepared statements are off here (DATABASE_PREPARED_STATEMENTS=false)")

    def prepared() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [row[0] for row in cursor.fetchall() if "contacts_organisation" in row[0]]

    before = prepared()
    for pk in range(8):
        list(Organisation.objects.filter(pk=pk, slug__startswith="a-never-used-prefix"))
    made = [statement for statement in prepared() if statement not in before]
    assert len(made) == 1
    assert "$1" in made[0]  # the values bound by the server, so other values reuse it


def test_the_setting_overrides_the_default_for_either_database():
    postgres = _settings(DATABASE_URL="postgres://mou@db:5432/mou", DATABASE_CONN_MAX_AGE="0")
    assert postgres == ["django.db.backends.postgresql", 0, True]
    sqlite = _settings(DATABASE_URL="sqlite:///conn.sqlite3", DATABASE_CONN_MAX_AGE="30")
    assert sqlite == ["django.db.backends.sqlite3", 30, False]


def test_a_bad_setting_refuses_to_start():
    result = _run(PRINT_SETTINGS, DATABASE_URL="postgres://mou@db:5432/mou", DATABASE_CONN_MAX_AGE="forever")
    assert result.returncode != 0
    assert "DATABASE_CONN_MAX_AGE must be a whole number" in result.stderr


# What the end of every request does (request_finished -> close_old_connections), twice, reporting the
# PostgreSQL server process that answered each time: the same process means the connection was reused.
BACKEND_PIDS = """
import json, django
django.setup()
from django.db import close_old_connections, connection
pids = []
for _ in range(3):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pids.append(cursor.fetchone()[0])
    close_old_connections()
print(json.dumps(pids))
"""


def _postgres_available() -> bool:
    try:
        psycopg.connect(POSTGRES_SERVER, connect_timeout=2).close()
    except psycopg.OperationalError:
        return False
    return True


@pytest.mark.skipif(not _postgres_available(), reason="needs the PostgreSQL server at 127.0.0.1:5432")
@pytest.mark.parametrize(("max_age", "reused"), [(None, True), ("0", False)])
def test_postgresql_reuses_one_connection_across_requests_unless_told_not_to(max_age, reused):
    env = {"DATABASE_URL": POSTGRES_SERVER, "DJANGO_SETTINGS_MODULE": "hmicfrs_mou.settings"}
    if max_age is not None:
        env["DATABASE_CONN_MAX_AGE"] = max_age
    result = _run(BACKEND_PIDS, **env)
    assert result.returncode == 0, result.stderr
    pids = json.loads(result.stdout)
    assert len(set(pids)) == (1 if reused else 3)


# A kept connection the server has since dropped (a restart, an idle timeout): the next request's first
# query finds it dead through the health check and opens another, rather than failing.
DROPPED_CONNECTION = """
import json, django, psycopg
django.setup()
from django.db import close_old_connections, connection
def backend_pid():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]
first = backend_pid()
close_old_connections()
with psycopg.connect(%r, autocommit=True) as admin:
    admin.execute("SELECT pg_terminate_backend(%%s)", [first])
close_old_connections()
print(json.dumps([first, backend_pid()]))
"""


@pytest.mark.skipif(not _postgres_available(), reason="needs the PostgreSQL server at 127.0.0.1:5432")
def test_a_connection_the_server_dropped_is_replaced_at_the_next_request():
    env = {"DATABASE_URL": POSTGRES_SERVER, "DJANGO_SETTINGS_MODULE": "hmicfrs_mou.settings"}
    result = _run(DROPPED_CONNECTION % POSTGRES_SERVER, **env)
    assert result.returncode == 0, result.stderr
    first, second = json.loads(result.stdout)
    assert second != first


# --- A prepared query after a migration changed its table (hmicfrs_mou/prepared.py) -------------------------

PROBE = "SELECT label FROM prepared_probe WHERE id = %s"


def _other_connection(connection) -> psycopg.Connection:
    """A second connection to the test database, as the process running a migration would have."""
    settings = connection.settings_dict
    return psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        password=settings["PASSWORD"] or None,
        autocommit=True,
    )


def _ask(connection, pk: int = 1):
    with connection.cursor() as cursor:
        cursor.execute(PROBE, [pk])
        return cursor.fetchone()


def _prepared_probes(connection) -> int:
    """How many statements on the probe table this connection has prepared on the server."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%FROM prepared_probe%"]
        )
        return cursor.fetchone()[0]


@pytest.fixture
def prepared_probe():
    """A table of its own and a query on it asked often enough to be prepared on this connection. Before
    that, DEALLOCATE ALL asked twice: the second time with nothing prepared, after which psycopg no longer
    reads that command as a reason to forget its statements (it looks at a query's result only the first
    time it sees its text), so the wrapper must not depend on it."""
    from django.db import connection

    if connection.settings_dict["OPTIONS"].get("prepare_threshold") is None:
        pytest.skip("prepared statements are off here (DATABASE_PREPARED_STATEMENTS=false)")
    try:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS prepared_probe")
            cursor.execute("CREATE TABLE prepared_probe (id integer PRIMARY KEY, label varchar(20))")
            cursor.execute("INSERT INTO prepared_probe VALUES (1, 'before')")
            cursor.execute("DEALLOCATE ALL")
            cursor.execute("DEALLOCATE ALL")
        for _ in range(8):
            assert _ask(connection) == ("before",)
        assert _prepared_probes(connection) == 1
        yield connection
    finally:
        if not connection.get_autocommit():
            connection.rollback()
            connection.set_autocommit(True)
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS prepared_probe")


def _changed_by_another_process(connection, column_type: str) -> None:
    with _other_connection(connection) as other:
        other.execute(f"ALTER TABLE prepared_probe ALTER COLUMN label TYPE {column_type}")


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_prepared_query_is_planned_again_after_a_migration_changes_its_table(prepared_probe, caplog):
    """A column's type changed by another process (a migration while the portal runs): the prepared query is
    planned again and answers, and goes on answering; without the wrapper the server refuses it, and goes on
    refusing it."""
    from django.db import NotSupportedError

    from hmicfrs_mou.prepared import replan_after_schema_change

    connection = prepared_probe
    assert connection.execute_wrappers[0] is replan_after_schema_change
    _changed_by_another_process(connection, "text")
    for _ in range(8):  # and prepared again afterwards
        assert _ask(connection) == ("before",)
    assert "planning it again" in caplog.text
    assert _prepared_probes(connection) == 1  # the new one: the refused one was dropped on the server

    _changed_by_another_process(connection, "varchar(30)")
    connection.execute_wrappers.remove(replan_after_schema_change)
    try:
        for _ in range(2):
            with pytest.raises(NotSupportedError, match="cached plan must not change result type"):
                _ask(connection)
    finally:
        connection.execute_wrappers.insert(0, replan_after_schema_change)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_connection_that_prepares_every_query_is_planned_again_too(prepared_probe):
    """psycopg told to prepare every query at once (a threshold of 0): the query asked again is itself
    prepared, so the statements on the server must be dropped before it, not after it, or psycopg would go
    on using one the server no longer has."""
    connection = prepared_probe
    raw = connection.connection
    raw.prepare_threshold = 0
    try:
        _changed_by_another_process(connection, "text")
        for _ in range(3):
            assert _ask(connection) == ("before",)
        assert _prepared_probes(connection) == 1
    finally:
        raw.prepare_threshold = connection.settings_dict["OPTIONS"]["prepare_threshold"]


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_the_refusal_fails_that_transaction_only(prepared_probe):
    """Inside a transaction (Django's, or autocommit turned off by hand) the refusal has spoilt it, so it is
    not asked again there: the refusal itself goes on to the caller, and the rollback drops the connection's
    prepared statements, so the next query is answered."""
    from django.db import NotSupportedError, transaction

    from hmicfrs_mou.prepared import replan_after_schema_change

    connection = prepared_probe
    assert replan_after_schema_change in connection.execute_wrappers
    _changed_by_another_process(connection, "text")
    with pytest.raises(NotSupportedError, match="cached plan"), transaction.atomic():
        _ask(connection)
    assert _ask(connection) == ("before",)

    for _ in range(8):
        _ask(connection)
    _changed_by_another_process(connection, "varchar(30)")
    connection.set_autocommit(False)
    try:
        with pytest.raises(NotSupportedError, match="cached plan"):
            _ask(connection)
        connection.rollback()
    finally:
        connection.set_autocommit(True)
    assert _ask(connection) == ("before",)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_another_refusal_of_the_same_kind_is_not_asked_again(prepared_probe, caplog):
    """The same SQLSTATE for something the server does not do at all (locking the nullable side of an
    outer join) is not a refused plan: it goes on once, with nothing forgotten and nothing logged."""
    from django.db import NotSupportedError

    connection = prepared_probe
    with (
        pytest.raises(NotSupportedError, match="nullable side of an outer join"),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "SELECT 1 FROM prepared_probe a LEFT JOIN prepared_probe b ON a.id = b.id WHERE a.id = %s FOR UPDATE OF b",
            [1],
        )
    assert "planning it again" not in caplog.text
    # Asked twice: a reset would drop the statements on the server only after the statement that follows it.
    assert [_prepared_probes(connection), _prepared_probes(connection)] == [1, 1]


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_each_connection_plans_for_tables_read_from_memory_without_the_jit():
    """The session settings every PostgreSQL connection of the portal starts with (hmicfrs_mou/settings.py):
    no JIT compilation, and a page read through an index priced as one read from memory (1.1), not from a
    spinning disk (the server's default, 4), so a join of a few hundred rows by id uses the index."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone() == ("1.1",)
