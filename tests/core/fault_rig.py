"""The rig for tests/core/test_reminder_processes.py: a TCP proxy in front of PostgreSQL that
can cut and refuse connections, a scratch database, worker processes, and a ticker.

    python -m tests.core.fault_rig tick SECONDS

runs the ticker: it enqueues the reminder sweep every SECONDS on the test's own queue (the
django-q2 scheduler looks at schedules only every 30 s, too coarse for a test of a minute).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


class Proxy:
    """A TCP proxy on 127.0.0.1 to PostgreSQL. `cut()` drops every connection and refuses new ones."""

    def __init__(self, target_host: str = "127.0.0.1", target_port: int = 5432) -> None:
        self.target = (target_host, target_port)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="db-proxy", daemon=True)
        self.open = True
        self.writers: set[asyncio.StreamWriter] = set()
        self.server: asyncio.base_events.Server | None = None
        self.port = 0

    def start(self) -> int:
        self.thread.start()
        self.server = self._run(asyncio.start_server(self._accept, "127.0.0.1", 0))
        self.port = self.server.sockets[0].getsockname()[1]
        return self.port

    def _run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(10)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.open:
            writer.transport.abort()
            return
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        pair = {writer, upstream_writer}
        self.writers |= pair
        try:
            await asyncio.gather(self._pipe(reader, upstream_writer), self._pipe(upstream_reader, writer))
        finally:
            self.writers -= pair

    @staticmethod
    async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        try:
            while data := await source.read(65536):
                sink.write(data)
                await sink.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            sink.transport.abort()

    async def _set(self, open_: bool) -> None:
        self.open = open_
        if not open_:
            for writer in list(self.writers):
                writer.transport.abort()

    def cut(self) -> None:
        self._run(self._set(False))

    def restore(self) -> None:
        self._run(self._set(True))

    def stop(self) -> None:
        if self.server is not None:
            with contextlib.suppress(Exception):
                self._run(self._set(False))
                self.server.close()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)


def admin_connection() -> psycopg.Connection:
    return psycopg.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres", autocommit=True)


def scratch_database(template: str) -> tuple[str, bool]:
    """A new database, (name, copied): a copy of the migrated test database if it exists and is not
    in use (a second or so), else empty, for the caller to migrate."""
    name = f"mou_faults_{uuid.uuid4().hex[:12]}"
    with admin_connection() as admin:
        try:
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            return name, True
        except (psycopg.errors.ObjectInUse, psycopg.errors.InvalidCatalogName):
            admin.execute(f'CREATE DATABASE "{name}"')
            return name, False


def drop_database(name: str) -> None:
    with admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    """A process in its own session (process group), so that it and its children can be killed together."""
    with log.open("ab") as out:
        return subprocess.Popen(  # noqa: S603 - our own interpreter and our own module
            [PYTHON, *args], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def kill_group(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)


def tick(every: float) -> None:
    import django

    django.setup()
    from django_q.tasks import async_task

    while True:
        async_task("hmicfrs_mou.tasks.sweep_reminders")
        time.sleep(every)


if __name__ == "__main__":
    if sys.argv[1:2] == ["tick"]:
        tick(float(sys.argv[2]))
