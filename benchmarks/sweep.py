"""Benchmark the reminder sweep: its cost must follow what is due, not how many deadlines exist.

    .venv/bin/python benchmarks/sweep.py [--sizes 2000,200000] [--due 2000]

For each size a scratch database is filled with that many live deadlines (one
person on each), of which --due are due now; the sweep is then run until it
has nothing left (plan, claim, deliver to the dummy email backend). Prints the
time per size, the reminders sent per second and how many sweeps it took (one,
while the due reminders fit in a sweep's time budget: BATCH is the size of a
claim, not a ceiling), the ratio of the largest to the smallest (goal: at most
1.5), and the query plan of the sweep's "what is due" query (on PostgreSQL it
must be an index scan, not a sequential scan). PostgreSQL when DATABASE_URL
names a PostgreSQL server (a scratch database NAME_bench_sweep is made there,
NAME being the database named, and dropped at the end); SQLite otherwise. DEBUG is off,
as deployed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _prepare_database() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        base, _, name = url.rpartition("/")
        # A scratch database named after the one given, so that two people's runs do not meet.
        scratch = f"{name.split('?')[0] or 'mou'}_bench_sweep"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
            conn.execute(f'CREATE DATABASE "{scratch}"')
        return f"{base}/{scratch}"
    return f"sqlite:///{tempfile.mkdtemp(prefix='mou-sweep-')}/bench.sqlite3"


def _drop_database(url: str) -> None:
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        base, _, scratch = url.rpartition("/")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{scratch}"')


def main() -> int:
    url = _prepare_database()
    try:
        return _run(url)
    finally:
        from django.db import connections

        connections.close_all()
        _drop_database(url)


def _run(url: str) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="2000,200000")
    parser.add_argument("--due", type=int, default=2000)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hmicfrs_mou.settings")
    os.environ["TESTING"] = "true"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    import django

    django.setup()
    from django.conf import settings

    # As deployed: a development checkout's .env turns DEBUG on, and with it a log of every query.
    settings.DEBUG = False
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from contacts.models import User
    from hmicfrs_mou.deadlines import LONDON
    from hmicfrs_mou.models import Deadline, DeadlineParty, InboxMessage, Reminder, SweepRun
    from hmicfrs_mou.reminders import BATCH, MORNING, SWEEP_BUDGET, DeadlineKind, register_kind, sweep

    call_command("migrate", verbosity=0)
    register_kind(DeadlineKind(code="bench", rule="D6", label="Benchmark", before_days=(14, 7, 1)))
    person = User.objects.create(username="bench", email="bench@example.invalid")
    # The sweep runs on its own clock from this start (`sweep(now=...)`): a minute after this morning's
    # 08:00 in London, when the day's reminders fire. From the wall clock instead, a run before 08:00 found
    # every reminder still ahead (each fires at 08:00 on its day) and sent none.
    now = dt.datetime.combine(timezone.localtime().date(), MORNING, tzinfo=LONDON) + dt.timedelta(minutes=1)
    created = now - dt.timedelta(days=60)

    print(f"Reminder sweep benchmark, {timezone.localtime(now):%Y-%m-%d %H:%M} – {connection.vendor}")
    results: dict[int, float] = {}
    for size in sizes:
        for model in (InboxMessage, Reminder, DeadlineParty, Deadline, SweepRun):
            model.objects.all()._raw_delete(model.objects.db)  # plain DELETE, no signals
        due = min(args.due, size)
        rows = []
        for i in range(size):
            # Due ones: the reminder 14 days ahead fired at 08:00 today, a minute ago. The rest: weeks away.
            due_at = (
                now + dt.timedelta(days=14, minutes=-60) if i < due else now + dt.timedelta(days=30 + i % 300)
            )
            rows.append(
                Deadline(
                    kind="bench",
                    subject_type="bench.subject",
                    subject_id=str(i),
                    key=f"bench:{i}",
                    title=f"Benchmark deadline {i}",
                    due_at=due_at,
                    working="D6: benchmark",
                    next_fire_at=due_at - dt.timedelta(days=14) + dt.timedelta(minutes=-(i % 50))
                    if i < due
                    else due_at - dt.timedelta(days=14),
                    created_at=created,
                )
            )
        started = time.perf_counter()
        Deadline.objects.bulk_create(rows, batch_size=5000)
        ids = list(Deadline.objects.values_list("pk", flat=True))
        DeadlineParty.objects.bulk_create(
            [DeadlineParty(deadline_id=pk, user=person, role="responsible") for pk in ids], batch_size=5000
        )
        fill = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

        plan = Deadline.objects.filter(next_fire_at__lte=now).order_by("next_fire_at", "pk")[:BATCH].explain()
        started, cpu_started = time.perf_counter(), time.process_time()
        sweeps = sent = first_sweep = 0
        while True:
            run = sweep(now=now)
            sweeps += 1
            sent += run.sent
            first_sweep = first_sweep or run.sent
            if run.due == 0 and run.sent == 0 and run.failed == 0:
                break
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        results[size] = elapsed
        print(
            f"\n{size:>8,} deadlines, {due:,} due: filled in {fill:.1f} s; {sweeps} sweep(s) sent {sent:,} "
            f"reminders in {elapsed:.2f} s: {sent / elapsed:,.0f} reminders per second "
            f"({elapsed / max(sent, 1) * 1000:.2f} ms each); the first sweep sent {first_sweep:,} "
            f"(claims of {BATCH}, a budget of {SWEEP_BUDGET.total_seconds():.0f} s a sweep); this process's "
            f"CPU {cpu / max(sent, 1) * 1000:.2f} ms each (the rest is the database, the disk and a busy machine)"
        )
        print("  plan of the 'what is due' query:")
        for line in plan.splitlines():
            print(f"    {line}")
        if sent != due:
            print(f"  ERROR: expected {due} reminders, sent {sent}")
            return 1
        if connection.vendor == "postgresql" and 'Seq Scan on "hmicfrs_mou_deadline"' in plan:
            print("  ERROR: the sweep reads the whole deadline table (sequential scan)")
            return 1

    smallest, largest = min(results), max(results)
    ratio = results[largest] / results[smallest]
    print(
        f"\nratio of sweep time at {largest:,} vs {smallest:,} deadlines (same number due): {ratio:.2f} (goal ≤ 1.5)"
    )
    return 0 if ratio <= 1.5 else 1


if __name__ == "__main__":
    raise SystemExit(main())
