"""The portal under load as deployed (make load): gunicorn, a django-q2 cluster on Redis, PostgreSQL, locust.

    .venv/bin/python benchmarks/load.py [--scale 10] [--time 90] [--reminders 300]

1. A scratch database mou_load_<pid> on the PostgreSQL server DATABASE_URL names (default
   postgres://postgres@127.0.0.1:5432/postgres), migrated, with the reference data and
   benchmarks/generate.py's data at --scale; the personas get a password and (HMICFRS, APCC) an
   authenticator secret; --reminders deadlines fall due spread over the run. Dropped at the end,
   whatever happens.
2. gunicorn on 127.0.0.1 (a free port; one worker per core, --threads threads each) and
   `manage.py qcluster` on its own Redis database, with production settings (DEBUG off, WhiteNoise
   over collected static files) plus the floor's URL (benchmarks/load_settings.py).
3. locust, headless, for --time seconds: one User class per persona replaying its day
   (benchmarks/locustfile.py), signing in through the real forms, and the floor in the same run.
4. A table per journey (requests, throughput, p50/p95/p99, errors), the floor, the reminders'
   lateness (sent minus due) from the ledger, and the goals: no errors; each journey's p95 at most
   10x the floor's p50; lateness p99 at most 60 s. Exits 1 when one is missed.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import io
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.pages import _table  # noqa: E402  (the page bench's Markdown table, once ROOT is on the path)

PASSWORD = "load-test-password-" + "x" * 8  # noqa: S105 - a scratch database, dropped at the end
REMINDER_KEY = "load:"
GOAL_P95_OVER_FLOOR = 10
GOAL_LATENESS_P99_S = 60
USERS = {"hmi": 2, "opcc": 1, "force": 1, "apcc": 2, "public": 1, "floor": 1}


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.load_settings")
    import django

    django.setup()


# Steps run inside the scratch database's settings (a child process each) --------------------------


def prepare(scale: int, out: Path) -> None:
    """Migrate, load, generate; give the personas what a real sign-in needs; find the journeys' records."""
    _django()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from benchmarks.generate import generate
    from contacts.reference import load_reference_data
    from hmicfrs_mou.schedules import install_schedules
    from hmicfrs_mou.signin.policy import required_kinds
    from inspections.models import Report

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    load_reference_data(settings.REFERENCE_DATA_DIR)
    personas = generate(scale)
    generated_s = time.perf_counter() - started
    config: dict[str, Any] = {"personas": {}, "refs": dict(personas.refs), "generate_s": generated_s}
    now = timezone.now()
    for name in ("hmi", "opcc", "force", "apcc"):
        user = personas.users[name]
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
        person = {"username": user.username, "password": PASSWORD}
        if user.is_staff or user.appointments.filter(organisation__kind__in=required_kinds()).exists():
            key = secrets.token_hex(20)
            TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True, key=key)
            person["totp"] = key
        config["personas"][name] = person
    # The embargoed copy: a report not yet published that a persona may open, a recipient first.
    for name in ("opcc", "force", "apcc", "hmi"):
        reports = Report.objects.visible_to(personas.users[name], now).order_by("-pk")[:200]
        found = next((r for r in reports if not r.is_published(now)), None)
        if found is not None:
            config["refs"]["embargoed_copy"] = {"report": found.pk, "persona": name}
            break
    config["refs"]["obligation"] = _ready_obligation(personas.users["opcc"], now)
    install_schedules()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    out.write_text(json.dumps(config, default=str))


def _ready_obligation(user: Any, now: dt.datetime) -> int | None:
    """An obligation of the OPCC persona's office with every part written, so its PDF upload goes through."""
    from responses.access import can_work_on
    from responses.models import RecommendationResponse, ResponseObligation
    from responses.services import recommendations_of, response_missing

    for obligation in ResponseObligation.objects.visible_to(user).order_by("-pk")[:50]:
        if not can_work_on(user, obligation):
            continue
        obligation.chief_comments_invited_at = obligation.chief_comments_invited_at or now - dt.timedelta(
            days=30
        )
        obligation.chief_comments = obligation.chief_comments or "The force accepts the recommendations."
        obligation.reply_to_chief = obligation.reply_to_chief or "Noted; the PCC will oversee the plan."
        obligation.pcc_comments = obligation.pcc_comments or "The PCC welcomes the report."
        obligation.published_url = obligation.published_url or "https://opcc.example.invalid/response"
        obligation.save()
        for finding in recommendations_of(obligation):
            RecommendationResponse.objects.update_or_create(
                obligation=obligation, finding=finding, defaults={"action": "Action taken."}
            )
        if not response_missing(obligation):
            return obligation.pk
    return None


def seed_reminders(count: int, start: float, seconds: float) -> None:
    """`count` deadlines whose reminders fall due between `start` and `start + seconds` (epoch)."""
    _django()
    from django.utils import timezone

    from contacts.deadlines import PANEL_REPRESENTATIONS
    from contacts.models import User
    from hmicfrs_mou.models import Deadline, DeadlineParty
    from hmicfrs_mou.reminders import _applies, steps_for

    now = timezone.now()
    people = list(User.objects.filter(is_active=True).exclude(email="").values_list("pk", flat=True)[:500])
    made = []
    for i in range(count):
        due = dt.datetime.fromtimestamp(start + seconds * i / max(count - 1, 1), tz=dt.UTC)
        deadline = Deadline(
            kind=PANEL_REPRESENTATIONS.code,
            subject_type="load.subject",
            subject_id=str(i),
            key=f"{REMINDER_KEY}{i}",
            title=f"Load test deadline {i}",
            due_at=due,
            working="Load test",
            created_at=now,
        )
        fires = [s.fire_at for s in steps_for(deadline, PANEL_REPRESENTATIONS) if _applies(s, deadline)]
        deadline.next_fire_at = min((f for f in fires if f > now), default=due)
        made.append(deadline)
    Deadline.objects.bulk_create(made)
    DeadlineParty.objects.bulk_create(
        [
            DeadlineParty(deadline=d, user_id=people[i % len(people)], role="responsible")
            for i, d in enumerate(made)
        ]
    )


def lateness(end: float, out: Path) -> None:
    """Sent minus due, in seconds, for each ledger row of the load's deadlines due by `end`."""
    _django()
    from hmicfrs_mou.models import Reminder

    until = dt.datetime.fromtimestamp(end, tz=dt.UTC)
    rows = Reminder.objects.filter(deadline__key__startswith=REMINDER_KEY, fire_at__lte=until)
    # A sweep may be under way as the load ends: give it a moment to finish rather than count its rows unsent.
    for _ in range(30):
        if not rows.filter(sent_at__isnull=True).exists():
            break
        time.sleep(1)
    sent = [(r.sent_at - r.fire_at).total_seconds() for r in rows if r.sent_at]
    unsent = rows.filter(sent_at__isnull=True).count()
    out.write_text(json.dumps({"sent": sent, "unsent": unsent, "late_flag": rows.filter(late=True).count()}))


# The parent ------------------------------------------------------------------------------------


def _child(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, str(Path(__file__).resolve()), *args], env=env, cwd=ROOT, check=True)  # noqa: S603


def _postgres(url: str, statement: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(sql.SQL(statement).format(sql.Identifier(name)))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_http(port: int, deadline: float) -> None:
    import http.client

    while time.monotonic() < deadline:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            # Any answer will do (without the proxy's header it is the redirect to HTTPS).
            connection.request("GET", "/public/")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.5)
        finally:
            connection.close()
    raise RuntimeError("gunicorn did not answer in time")


def _stop(process: subprocess.Popen[bytes] | None) -> None:
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def _pdf() -> str:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return base64.b64encode(buffer.getvalue()).decode()


def _stats(times: list[float], errors: int, seconds: float) -> list[str]:
    return [
        str(len(times)),
        f"{len(times) / seconds:.1f}",
        f"{_percentile(times, 50):.0f}",
        f"{_percentile(times, 95):.0f}",
        f"{_percentile(times, 99):.0f}",
        str(errors),
    ]


def report(samples: list[list[Any]], seconds: float, late: dict[str, Any], lines: list[str]) -> bool:
    floor = [s[2] for s in samples if s[1] == "floor: floor"]
    floor_p50 = _percentile(floor, 50)
    ok = True
    headers = ["request", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors"]
    journeys = sorted({s[0] for s in samples} - {"floor"})
    goals = []
    for journey in journeys:
        mine = [s for s in samples if s[0] == journey]
        rows = []
        for name in dict.fromkeys(s[1] for s in mine):
            of = [s for s in mine if s[1] == name]
            rows.append([name.split(": ", 1)[1], *_stats([s[2] for s in of], sum(s[3] for s in of), seconds)])
        times = [s[2] for s in mine]
        errors = sum(s[3] for s in mine)
        rows.append(["whole journey", *_stats(times, errors, seconds)])
        lines += [f"Journey: {journey}", *_table(headers, rows), ""]
        p95 = _percentile(times, 95)
        pages_p95 = _percentile([s[2] for s in mine if "sign in" not in s[1]], 95)
        met = errors == 0 and p95 <= GOAL_P95_OVER_FLOOR * floor_p50
        ok = ok and met
        goals.append(
            f"  {journey}: errors {errors}, p95 {p95:.0f} ms = {p95 / floor_p50:.1f}x the floor's p50 "
            f"(goal 0 errors, ≤ {GOAL_P95_OVER_FLOOR}x): {'met' if met else 'MISSED'}; "
            f"without the sign-in steps p95 {pages_p95:.0f} ms = {pages_p95 / floor_p50:.1f}x"
        )
    floor_errors = sum(s[3] for s in samples if s[0] == "floor")
    lines += [
        "Floor (minimal signed-in view, same run):",
        *_table(headers, [["floor", *_stats(floor, floor_errors, seconds)]]),
        "",
    ]
    ok = ok and floor_errors == 0 and bool(floor)
    sent = late["sent"]
    late_p99 = _percentile(sent, 99)
    late_met = bool(sent) and late["unsent"] == 0 and late_p99 <= GOAL_LATENESS_P99_S
    ok = ok and late_met
    lines += [
        f"Reminders due during the run: {len(sent) + late['unsent']}; sent {len(sent)}, not sent by the end "
        f"{late['unsent']}; marked late (over 5 minutes) {late['late_flag']}",
        f"  lateness (sent minus due): p50 {_percentile(sent, 50):.1f} s, p99 {late_p99:.1f} s, "
        f"max {max(sent, default=float('nan')):.1f} s",
        "",
        "Goals:",
        *goals,
        f"  reminder lateness p99 {late_p99:.1f} s (goal ≤ {GOAL_LATENESS_P99_S} s, all sent): "
        f"{'met' if late_met else 'MISSED'}",
        f"All goals met: {'yes' if ok else 'NO'}",
    ]
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=10, help="multiple of the real data size (default 10)")
    parser.add_argument("--time", type=int, default=90, help="seconds of load (default 90, at most 120)")
    parser.add_argument("--reminders", type=int, default=300, help="deadlines falling due during the run")
    parser.add_argument("--threads", type=int, default=3, help="threads per gunicorn worker (default 3)")
    parser.add_argument("--users-scale", type=int, default=1, help="locust users per persona multiple")
    parser.add_argument("--prepare", help=argparse.SUPPRESS)
    parser.add_argument("--seed", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--lateness", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.prepare:
        prepare(args.scale, Path(args.prepare))
        return 0
    if args.seed:
        seed_reminders(int(args.seed[0]), float(args.seed[1]), float(args.seed[2]))
        return 0
    if args.lateness:
        lateness(float(args.lateness[0]), Path(args.lateness[1]))
        return 0
    seconds = min(args.time, 120)
    # Stopped from outside (timeout, Ctrl-C in make): still stop the servers and drop the database.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    base = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    if not base.startswith(("postgres://", "postgresql://")):
        parser.error("DATABASE_URL must name a PostgreSQL server")
    name = f"mou_load_{os.getpid()}"
    url = urlunsplit(urlsplit(base)._replace(path=f"/{name}"))
    work = Path(tempfile.mkdtemp(prefix="mou-load-"))
    cores = os.cpu_count() or 1
    env = {
        **os.environ,
        "ENV_FILE": "",  # not the checkout's development .env
        "DJANGO_SETTINGS_MODULE": "benchmarks.load_settings",
        "DATABASE_URL": url,
        "DEBUG": "false",
        "TESTING": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(work / "static"),
        "MEDIA_ROOT": str(work / "media"),
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        # A Redis database of its own (db 13), emptied first and last.
        "Q_REDIS_URL": os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/13"),
        "LOG_LEVEL": "WARNING",
    }
    lines: list[str] = []
    web = worker = None
    ok = False
    started_at = dt.datetime.now(dt.UTC)
    try:
        _postgres(base, "DROP DATABASE IF EXISTS {} WITH (FORCE)", name)
        _postgres(base, "CREATE DATABASE {}", name)
        import redis

        redis.Redis.from_url(env["Q_REDIS_URL"]).flushdb()
        print(f"[load] generating {args.scale}x data in {name}", file=sys.stderr, flush=True)
        _child(env, "--scale", str(args.scale), "--prepare", str(work / "config.json"))
        subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
            env=env,
            cwd=ROOT,
            check=True,
        )
        config = json.loads((work / "config.json").read_text())
        config["users"] = {k: v * args.users_scale for k, v in USERS.items()}
        config["pdf"] = _pdf()
        config["upload_every_s"] = 20
        (work / "locust.json").write_text(json.dumps(config))
        port = _free_port()
        log = (work / "servers.log").open("wb")
        web = subprocess.Popen(  # noqa: S603
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "hmicfrs_mou.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(cores),
                "--threads",
                str(args.threads),
                # Longer than a persona's longest pause (2 s): with gunicorn's default of 2 s the server
                # closes an idle connection just as the client reuses it (a reset the proxy would hide).
                "--keep-alive",
                "5",
                "--access-logfile",
                "-" if os.environ.get("LOAD_ACCESS_LOG") else "/dev/null",
            ],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        worker = subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "qcluster"],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        _wait_http(port, time.monotonic() + 60)
        # Reminders fall due from 5 s in to 70 s before the end, so the sweep (every minute) can reach them.
        start = time.time() + 5
        _child(env, "--seed", str(args.reminders), str(start), str(max(seconds - 70, 10)))
        samples_path = work / "samples.json"
        print(f"[load] locust for {seconds} s against 127.0.0.1:{port}", file=sys.stderr, flush=True)
        users = sum(config["users"].values())
        locust_started = time.time()
        load_before = os.getloadavg()[0]
        subprocess.run(  # noqa: S603
            [
                str(Path(sys.executable).parent / "locust"),
                "-f",
                str(ROOT / "benchmarks" / "locustfile.py"),
                "--headless",
                "-u",
                str(users),
                "-r",
                str(users),
                "-t",
                f"{seconds}s",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                str(work / "locust"),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            env={**os.environ, "LOAD_CONFIG": str(work / "locust.json"), "LOAD_SAMPLES": str(samples_path)},
            cwd=ROOT,
            check=False,
            stdout=subprocess.DEVNULL,
        )
        _child(env, "--lateness", str(locust_started + seconds), str(work / "lateness.json"))
        samples = json.loads(samples_path.read_text())
        late = json.loads((work / "lateness.json").read_text())
        lines += [
            f"Load run – {started_at:%Y-%m-%d %H:%M} UTC; {args.scale}x data (generated in {config['generate_s']:.0f} s); "
            f"{os.cpu_count()} CPUs",
            f"gunicorn: {cores} workers x {args.threads} threads; django-q2 cluster on Redis; PostgreSQL; "
            f"locust: {users} users ({', '.join(f'{k} {v}' for k, v in config['users'].items())}) for {seconds} s",
            f"embargoed copy: {config['refs'].get('embargoed_copy') or 'no report in embargo found (not exercised)'}; "
            f"upload: {'obligation ' + str(config['refs']['obligation']) if config['refs'].get('obligation') else 'no obligation ready (not exercised)'}",
            "",
        ]
        lines.append(
            f"load average (1 min) before/after the load: {load_before:.1f}/{os.getloadavg()[0]:.1f}"
        )
        lines.append("")
        ok = report(samples, seconds, late, lines)
    finally:
        _stop(web)
        _stop(worker)
        try:
            _postgres(base, "DROP DATABASE IF EXISTS {} WITH (FORCE)", name)
        finally:
            if not ok and (work / "servers.log").exists():
                tail = (work / "servers.log").read_text(errors="replace").splitlines()[-40:]
                print("\n".join(["[load] last lines of the servers' log:", *tail]), file=sys.stderr)
            shutil.rmtree(work, ignore_errors=True)
    print("\n".join(lines))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
