"""Benchmark every portal page at 1x and 10x the real data size (make bench).

    .venv/bin/python benchmarks/pages.py [--scales 1,10] [--repeat 15] [--pages SUBSTRINGS]

For each scale a fresh database is made (a temporary SQLite file, or a scratch
database mou_bench_<k>_<pid> on the PostgreSQL server DATABASE_URL points at, named
for this run so two runs at once do not drop each other's), migrated,
loaded with the reference data and filled by benchmarks/generate.py. Each scale runs
in its own process (this script with --worker), so settings are read afresh for its
database; the processes start together and stay up. Then each page is requested as
its persona in every scale: ten warm-up requests, one request whose SQL is captured,
and --repeat timed requests shared between four rounds, the scales taking turns round
by round, each round followed by as many requests of the floor. So the two scales of a page,
and a page and its floor, are timed in the same minutes: the machine's own drift
(seen here: the floor at 6.3 ms at the start of a run and 4.0 ms at its end) moves
both sides of each ratio alike.

The property that matters: every page costs the same number of queries at every
scale. The script exits 1 if any page's query count differs between scales (or
between requests), or any page answers with a status it should not; a page that
raises is reported with its traceback. A SELECT repeated within one request is
reported too (not a failure): on a list already full at 1x, a query per row would
cost the same at every scale. The report goes to stdout and, with every page's SQL,
to benchmarks/results/pages-<timestamp>.json; progress goes to stderr.

Goals (issue 13), for every page that answers in HTML: the median of its --repeat timed requests
at 10x at most HTML_TIME_GOAL (1.2) times the median at 1x, and at most FLOOR_GOAL (8) times the
median of the floor's requests made beside it at 10x; and at most QUERY_GOAL (12)
queries. A page may carry its own time goal (Page.time_ratio_goal). The CSV exports and the calendar
feed carry none: their cost is their rows. When the scales include 1 and 10 the script exits 1 if a
page misses a goal, and names it and the goal. --pages runs only the pages whose key, label or path contains one of its
comma-separated substrings (with the floor), e.g. --pages /monitoring/,/public/engage/.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"
FLOOR = "floor"
# A SELECT run this often in one request is reported even when its count is the same at every
# scale: on a page that is full (25 rows) at 1x already, a query per row does not grow with data.
REPEAT_WARNING = 3
TRACEBACK_LINES = 14


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    persona: str | None  # None: anonymous
    path: str  # may name {visible}, {confidential}, {inbox}, {token}, {report}...: generate.Personas.refs
    status: int = 200
    # The most the median time at 10x may be of the median time at 1x (None: no time goal here;
    # the query-count goal holds for every page). Issue 8 sets 1.2 for the monitoring pages.
    time_ratio_goal: float | None = None


MONITORING_TIME_GOAL = 1.2
# Issue 13's goals for every HTML page (not the CSV exports or the calendar feed, whose cost is their
# rows): 10x/1x time at most HTML_TIME_GOAL, p50 at 10x at most FLOOR_GOAL times the floor's, and at most
# QUERY_GOAL queries. A page that misses one is named and the run exits 1.
HTML_TIME_GOAL = 1.2
FLOOR_GOAL = 8.0
QUERY_GOAL = 12

PAGES = [
    Page(FLOOR, "floor: minimal authenticated view (HMI)", "hmi", "/__floor__/"),
    Page("hmicfrs_home", "HMICFRS home (HMI, 6 areas)", "hmi", "/hmicfrs/"),
    Page("opcc_home", "OPCC home (OPCC staff)", "opcc", "/opcc/"),
    Page("force_home", "force home (chief officer's office)", "force", "/force/"),
    Page("apcc_home", "APCC home (APCC lead)", "apcc", "/apcc/"),
    Page("directory", "directory (HMI)", "hmi", "/directory/"),
    Page("directory_filtered", "directory ?kind=police_force (HMI)", "hmi", "/directory/?kind=police_force"),
    Page(
        "area_detail", "area detail: Avon and Somerset (HMI)", "hmi", "/directory/forces/avon-and-somerset/"
    ),
    Page("meetings_hmicfrs", "meetings list (HMI)", "hmi", "/meetings/"),
    Page("meetings_opcc", "meetings list (OPCC staff)", "opcc", "/meetings/"),
    Page("meeting_detail", "meeting detail (OPCC staff)", "opcc", "/meetings/{visible}/"),
    Page(
        "meeting_detail_confidential",
        "meeting detail, confidential (HMI)",
        "hmi",
        "/meetings/{confidential}/",
    ),
    Page("cadences", "cadences (HMI)", "hmi", "/meetings/cadences/"),
    Page("audit", "audit trail (HMI)", "hmi", "/audit/"),
    Page("audit_search", "audit search ?action=sign_in (HMI)", "hmi", "/audit/?action=sign_in"),
    Page("my_deadlines", "my deadlines (HMI)", "hmi", "/deadlines/"),
    Page("my_deadlines_done", "my deadlines ?show=done (HMI)", "hmi", "/deadlines/?show=done"),
    Page("inbox", "inbox (HMI)", "hmi", "/inbox/"),
    Page("inbox_message", "inbox message (HMI)", "hmi", "/inbox/{inbox}/"),
    Page("calendar_settings", "calendar settings (HMI)", "hmi", "/deadlines/calendar/"),
    Page("calendar_feed", "calendar feed .ics (HMI's token, no session)", None, "/calendar/{token}.ics"),
    Page("health", "health page (HMI)", "hmi", "/health/"),
    Page("public_index", "public index (anonymous)", None, "/public/"),
    Page("public_area", "public area: Kent (anonymous)", None, "/public/forces/kent/"),
    Page("inspections_list", "inspections list (HMI)", "hmi", "/inspections/"),
    Page(
        "inspection_detail",
        "inspection detail, one of the HMI's areas (HMI)",
        "hmi",
        "/inspections/{inspection}/",
    ),
    Page("inspection_report", "report detail, published (HMI)", "hmi", "/inspections/reports/{area_report}/"),
    Page("inspections_search", "search reports ?q=custody (HMI)", "hmi", "/inspections/search/?q=custody"),
    # The portal search: fourteen groups, each over its own app's access rules (hmicfrs_mou/search_views.py).
    Page("portal_search", "portal search ?q=custody (HMI)", "hmi", "/search/?q=custody"),
    Page("inspections_csv", "reports CSV, every visible report (HMI)", "hmi", "/inspections/reports.csv"),
    Page("export_new", "long export: the page that asks for it (HMI)", "hmi", "/exports/reports/new/"),
    Page("my_area_opcc", "inspections in my area (OPCC staff)", "opcc", "/inspections/my-area/"),
    Page(
        "my_area_force", "inspections in my area (chief officer's office)", "force", "/inspections/my-area/"
    ),
    Page("public_reports", "public reports index (anonymous)", None, "/public/reports/"),
    Page(
        "public_report", "public report, the widest thematic (anonymous)", None, "/public/reports/{report}/"
    ),
    Page("timeliness", "response timeliness dashboard (APCC lead)", "apcc", "/responses/timeliness/"),
    Page(
        "timeliness_year",
        "response timeliness ?year=last year (APCC lead)",
        "apcc",
        "/responses/timeliness/?year={year}",
    ),
    Page("timeliness_hmi", "response timeliness dashboard (HMI)", "hmi", "/responses/timeliness/"),
    Page("timeliness_csv", "response timeliness CSV (APCC lead)", "apcc", "/responses/timeliness.csv"),
    Page("timeliness_403", "response timeliness: 403 (OPCC staff)", "opcc", "/responses/timeliness/", 403),
    Page("public_overdue", "public overdue responses (anonymous)", None, "/public/responses/"),
    Page("responses_awaited", "PCC responses awaited (OPCC staff)", "opcc", "/responses/"),
    Page("responses_all_hmi", "PCC responses, every office's, all (HMI)", "hmi", "/responses/?show=all"),
    Page("action_plans_hmi", "FRS action plans, every FRS's (HMI)", "hmi", "/responses/action-plans/"),
    Page(
        "engage_tracker",
        "Engage tracker, 87 areas (APCC lead)",
        "apcc",
        "/monitoring/tracker/",
        time_ratio_goal=MONITORING_TIME_GOAL,
    ),
    Page(
        "engage_tracker_police",
        "Engage tracker ?kind=police_force (APCC lead)",
        "apcc",
        "/monitoring/tracker/?kind=police_force",
        time_ratio_goal=MONITORING_TIME_GOAL,
    ),
    Page(
        "engage_tracker_csv",
        "Engage tracker CSV (APCC lead)",
        "apcc",
        "/monitoring/tracker.csv",
        time_ratio_goal=MONITORING_TIME_GOAL,
    ),
    Page(
        "monitoring_workspace",
        "monitoring workspace, 87 areas (HMI)",
        "hmi",
        "/monitoring/",
        time_ratio_goal=MONITORING_TIME_GOAL,
    ),
    Page(
        "monitoring_area",
        "monitoring of one area in Engage (HMI)",
        "hmi",
        "/monitoring/areas/{engage_area}/",
        time_ratio_goal=MONITORING_TIME_GOAL,
    ),
    Page(
        "engage_case_hmi",
        "Engage case (HMI)",
        "hmi",
        "/monitoring/cases/{engage_case}/",
        time_ratio_goal=MONITORING_TIME_GOAL,
    ),
    Page(
        "engage_case_opcc",
        "Engage case (OPCC staff)",
        "opcc",
        "/monitoring/cases/{engage_case}/",
        time_ratio_goal=MONITORING_TIME_GOAL,
    ),
    Page(
        "oversight_meeting",
        "PPOG meeting (APCC lead)",
        "apcc",
        "/monitoring/meetings/{engage_meeting}/",
        time_ratio_goal=MONITORING_TIME_GOAL,
    ),
    Page(
        "meeting_action",
        "offer of assistance (APCC lead)",
        "apcc",
        "/monitoring/actions/{engage_action}/",
        time_ratio_goal=MONITORING_TIME_GOAL,
    ),
    Page(
        "findings_register",
        "findings register of one force (OPCC staff)",
        "opcc",
        "/monitoring/areas/{engage_area}/register/",
        time_ratio_goal=MONITORING_TIME_GOAL,
    ),
    Page(
        "public_engage_police",
        "police forces in Engage (anonymous)",
        None,
        "/public/engage/police/",
        time_ratio_goal=MONITORING_TIME_GOAL,
    ),
    Page(
        "public_engage_fire",
        "fire and rescue services in Engage (anonymous)",
        None,
        "/public/engage/fire/",
        time_ratio_goal=MONITORING_TIME_GOAL,
    ),
    Page(
        "public_engage_previously",
        "previously in Engage (anonymous)",
        None,
        "/public/engage/previously/",
        time_ratio_goal=MONITORING_TIME_GOAL,
    ),
    Page(
        "public_engage_case",
        "public Engage case, left (anonymous)",
        None,
        "/public/engage/{engage_public_case}/",
        time_ratio_goal=MONITORING_TIME_GOAL,
    ),
    Page(
        "engage_case_404",
        "Engage case not visible: 404 (outsider OPCC)",
        "opcc_outsider",
        "/monitoring/cases/{engage_case}/",
        404,
    ),
    Page(
        "meeting_404",
        "meeting not visible: 404 (outsider OPCC)",
        "opcc_outsider",
        "/meetings/{visible}/",
        404,
    ),
]


def select_pages(spec: str | None) -> list[Page]:
    """The pages whose key, label or path contains one of the comma-separated substrings of spec
    (every page when spec is empty), always with the floor, which the ratio to floor needs."""
    wanted = [w.strip() for w in (spec or "").split(",") if w.strip()]
    if not wanted:
        return list(PAGES)
    return [
        page
        for page in PAGES
        if page.key == FLOOR or any(w in text for w in wanted for text in (page.key, page.label, page.path))
    ]


def time_ratio(by_scale: dict[int, float | None], low: int = 1, high: int = 10) -> float | None:
    """Median time at 10x over median time at 1x (None when either scale was not run or timed)."""
    low_ms, high_ms = by_scale.get(low), by_scale.get(high)
    if not low_ms or high_ms is None:
        return None
    return high_ms / low_ms


# The worker: one scale, one database, in its own process ----------------------


def _normalise(sql: str) -> str:
    """SQL with its values taken out, so the same query with other parameters counts as one."""
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+(?:\.\d+)?\b", "?", sql)
    sql = re.sub(r"\((?:\s*\?\s*,)+\s*\?\s*\)", "(?, ...)", sql)
    return re.sub(r"\s+", " ", sql).strip()


def _request(client: Any, path: str) -> tuple[int | None, str | None, str]:
    """Status and content type of a GET, or None and the traceback if the view raised."""
    try:
        response = client.get(path)
        if response.streaming:  # a streamed export costs its whole body, read after the view returns
            for _ in response.streaming_content:
                pass
        return response.status_code, None, response.get("Content-Type", "")
    except Exception:  # a 500 is a finding to report, not a reason to stop
        return None, traceback.format_exc(), ""


# Requests of a page before its counted and timed ones (see Meter.first).
WARM_UP = 10


class Meter:
    """One page in one worker: its first requests (a warm-up, then one whose SQL is captured), then the
    timed requests of each round the parent asks for. The worker follows each round with as many requests of
    the floor, kept in `floor_times`, so the page is compared with a floor timed in the same moments."""

    def __init__(self, page: Page, path: str, client: Any, profile_to: Path | None = None) -> None:
        self.page, self.path, self.client, self.profile_to = page, path, client, profile_to
        self.statuses: list[int | None] = []
        self.kinds: set[str] = set()
        self.errors: list[str] = []
        self.counts: list[int] = []
        self.times: list[float] = []
        self.floor_times: list[float] = []
        self.calls = 0
        # With --profile the timed requests also run under cProfile (so their times are the profiler's, not
        # the page's): the statistics go to a file per page for `python -m pstats`.
        self.profiler = cProfile.Profile() if profile_to else None
        self.first()

    def _count(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.calls += 1
        return execute(sql, params, many, context)

    def _get(self) -> None:
        status, error, content_type = _request(self.client, self.path)
        self.statuses.append(status)
        self.kinds.add(content_type.split(";")[0])
        if error and len(self.errors) < 2:
            self.errors.append(error)

    def first(self) -> None:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        # Warm-up, as a page is in a running portal: caches, first-use imports, and the statements its
        # connection has prepared (psycopg prepares a query the sixth time it is asked; the server then
        # plans it five more times before it keeps one plan: hmicfrs_mou/settings.py).
        for _ in range(WARM_UP):
            self._get()
        # The counted request: every statement, with its SQL (CaptureQueriesContext also lists the
        # BEGIN/COMMIT that Django logs for transactions, which the execute wrapper does not see).
        with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(self._count):
            self.calls = 0
            self._get()
        self.executed = self.calls
        self.sql = [q["sql"] for q in captured.captured_queries]
        self.slowest = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:3]

    def timed(self, repeat: int) -> list[float]:
        """`repeat` timed requests, one after another: no SQL capture (it costs time on SQLite), only a
        count of statements."""
        from django.db import connection

        times = []
        with connection.execute_wrapper(self._count):
            for _ in range(repeat):
                self.calls = 0
                started = time.perf_counter()
                if self.profiler:
                    self.profiler.enable()
                self._get()
                if self.profiler:
                    self.profiler.disable()
                times.append((time.perf_counter() - started) * 1000)
                self.counts.append(self.calls)
        self.times += times
        return times

    def result(self) -> dict[str, Any]:
        if self.profiler and self.profile_to:
            self.profiler.dump_stats(self.profile_to)
        times = self.times
        return {
            "key": self.page.key,
            "label": self.page.label,
            "path": self.path,
            "persona": self.page.persona or "anonymous",
            "expected_status": self.page.status,
            "statuses": sorted(set(self.statuses), key=str),
            "status_ok": all(s == self.page.status for s in self.statuses),
            "html": "text/html" in self.kinds,
            "errors": self.errors,
            "queries": len(self.sql),
            "queries_per_timed_request": sorted(set(self.counts)),
            "stable": set(self.counts) <= {self.executed},
            "median_ms": statistics.median(times) if times else None,
            "min_ms": min(times) if times else None,
            "timed_requests": len(times),
            # The floor's median over the requests made right after this page's, round by round.
            "floor_ms": statistics.median(self.floor_times) if self.floor_times else None,
            "sql": self.sql,
            "slowest_sql": [{"ms": float(q["time"]) * 1000, "sql": q["sql"]} for q in self.slowest],
            "sql_counts": Counter(_normalise(s) for s in self.sql),
        }


def _signed_in(client: Any, user: Any) -> Any:
    """The client signed in as a real sign-in leaves it: password step, then the second factor verified
    on the session for anyone who must have one (else every page but the sign-in steps redirects)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from hmicfrs_mou.signin.policy import required_kinds

    client.force_login(user)
    if user.is_staff or user.appointments.filter(organisation__kind__in=required_kinds()).exists():
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def worker(args: argparse.Namespace) -> int:
    global _protocol
    # The messages to the parent go on a copy of stdout kept for them alone; anything else written to stdout
    # (by Python or by a library's C code) goes to stderr, so it can never run into a message's line.
    _protocol = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    os.environ["DATABASE_URL"] = args.db
    os.environ["TESTING"] = "true"
    os.environ["DEBUG"] = "false"
    # The reports CSV streams at both scales, so its cost is measured: at 10x it holds 12,000 reports, which
    # a running portal prepares in the task worker instead (hmicfrs_mou/exports.py; its page is benched).
    os.environ["EXPORT_STREAM_ROWS"] = "1000000"
    os.environ["DJANGO_SETTINGS_MODULE"] = "hmicfrs_mou.settings"
    sys.path.insert(0, str(ROOT))
    import logging

    import django

    django.setup()
    logging.getLogger("django.request").setLevel(logging.ERROR)  # not a line for each expected 404
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    from benchmarks.generate import generate, sizes
    from contacts.reference import load_reference_data

    def log(message: str) -> None:
        print(f"[{args.scale}x] {message}", file=sys.stderr, flush=True)

    timings: dict[str, float] = {}
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    timings["migrate_s"] = time.perf_counter() - started
    started = time.perf_counter()
    load_reference_data(settings.REFERENCE_DATA_DIR)
    log("generating data")
    personas = generate(args.scale)
    timings["generate_s"] = time.perf_counter() - started
    data_sizes = sizes()
    log(f"generated in {timings['generate_s']:.1f}s: {data_sizes}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # As autovacuum leaves a database in use: statistics, and the visibility map that lets a count
            # read an index alone (a freshly bulk-loaded table has none, and every count visits the rows).
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0]}"
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        import sqlite3

        version = f"SQLite {sqlite3.sqlite_version}"

    clients: dict[str | None, Any] = {None: Client()}
    for name, user in personas.users.items():
        clients[name] = _signed_in(Client(), user)

    if args.profile:
        RESULTS_DIR.mkdir(exist_ok=True)
    pages = {page.key: page for page in select_pages(args.pages)}
    meters: dict[str, Meter] = {}
    measuring = 0.0

    def profile_to(page: Page) -> Path | None:
        return RESULTS_DIR / f"profile-{args.scale}x-{page.key}.prof" if args.profile else None

    with override_settings(ROOT_URLCONF="benchmarks.floor_urls"):
        floor_page = pages[FLOOR]
        # Under --profile the floor runs under the profiler too, so a page's ratio to it compares like with like.
        floor = meters[FLOOR] = Meter(
            floor_page, floor_page.path, clients[floor_page.persona], profile_to(floor_page)
        )
        _say({"ready": True})
        # The parent asks for one page at a time, a round of its timed requests, and alternates the scales
        # round by round: both scales' times of a page come from the same minutes of the machine.
        for line in sys.stdin:
            command = json.loads(line)
            if command.get("done"):
                break
            timings.setdefault("load_before", os.getloadavg()[0])
            started = time.perf_counter()
            # Every signed-in person's clock, before any request of this round: a scale may wait for the
            # slowest scale's data for longer than the idle timeout between its sign-ins and its first page.
            _seen_now(*clients.values())
            page = pages[command["key"]]
            meter = meters.get(page.key)
            if meter is None:
                path = page.path.format(**personas.refs)
                meter = meters[page.key] = Meter(page, path, clients[page.persona], profile_to(page))
            meter.timed(command["repeat"])
            if meter is not floor:
                meter.floor_times += floor.timed(command["repeat"])
            measuring += time.perf_counter() - started
            _say({"median_ms": statistics.median(meter.times), "queries": len(meter.sql)})
    timings["measure_s"] = measuring
    timings["load_after"] = os.getloadavg()[0]

    Path(args.out).write_text(
        json.dumps(
            {
                "scale": args.scale,
                "vendor": connection.vendor,
                "database_version": version,
                "django": django.get_version(),
                "sizes": data_sizes,
                "hmi_areas": personas.hmi_areas,
                "timings": timings,
                "pages": [meters[key].result() for key in pages if key in meters],
            },
            indent=1,
        )
    )
    return 0


def _seen_now(*clients: Any) -> None:
    """Moves each signed-in client's idle clock to now, outside the timed requests: the sign-in middleware
    moves it at most once a minute (TOUCH_EVERY), a session write in whichever request comes a minute after
    the last, and over a run of several minutes that request would be any page's. Its cost is the
    person's, once a minute, not the page's."""
    from django.conf import settings

    from hmicfrs_mou.signin.middleware import LAST_SEEN_KEY

    for client in clients:
        # Only a client with a session: asking an anonymous one for its session would give it one.
        if settings.SESSION_COOKIE_NAME in client.cookies and LAST_SEEN_KEY in client.session:
            session = client.session
            session[LAST_SEEN_KEY] = time.time()
            session.save()


# A worker's lines to the parent start with this; anything else on its stdout is passed on to stderr.
PROTOCOL = "@bench "
_protocol: Any = None  # the worker's channel to the parent (`worker` sets it)


def _say(message: dict[str, Any]) -> None:
    print(PROTOCOL + json.dumps(message), file=_protocol, flush=True)


# The parent: a database per scale, a worker per scale, the report ------------------


def _is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://", "pgsql://"))


def _scratch_url(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _postgres(url: str, statement: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(sql.SQL(statement).format(sql.Identifier(name)))


class Scale:
    """One scale's worker process and its database: started, then asked for a round of one page at a time."""

    def __init__(self, scale: int, base_url: str, workdir: Path, pages: str, profile: bool) -> None:
        self.scale = scale
        self.base_url = base_url
        self.out = workdir / f"results-{scale}.json"
        self.failed = ""
        if _is_postgres(base_url):
            self.name = f"mou_bench_{scale}_{os.getpid()}"
            _postgres(base_url, "DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)
            _postgres(base_url, "CREATE DATABASE {}", self.name)
            url = _scratch_url(base_url, self.name)
        else:
            self.name = ""
            url = f"sqlite:///{workdir / f'bench-{scale}.sqlite3'}"
        static_root = workdir / "static"  # an empty one, so WhiteNoise does not warn that it is missing
        static_root.mkdir(exist_ok=True)
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "TESTING": "true",
            "DEBUG": "false",
            "STATIC_ROOT": str(static_root),
        }
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--worker",
            "--scale",
            str(scale),
            "--db",
            url,
            "--out",
            str(self.out),
            "--pages",
            pages,
            *(["--profile"] if profile else []),
        ]
        self.started = time.perf_counter()
        try:
            self.process = subprocess.Popen(  # noqa: S603 - our own script
                command,
                env=env,
                cwd=ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                bufsize=1,
            )
        except BaseException:
            if self.name:
                _postgres(base_url, "DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)
            raise

    def _reply(self) -> dict[str, Any] | None:
        """The worker's next message; None (and the scale marked failed) when it has exited."""
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.startswith(PROTOCOL):
                reply: dict[str, Any] = json.loads(line[len(PROTOCOL) :])
                return reply
            print(line, end="", file=sys.stderr)
        self.failed = f"worker exited with {self.process.wait()}"
        return None

    def ready(self) -> bool:
        return not self.failed and self._reply() is not None

    def ask(self, key: str, repeat: int) -> None:
        if self.failed:
            return
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(json.dumps({"key": key, "repeat": repeat}) + "\n")
            self.process.stdin.flush()
        except BrokenPipeError:
            self.failed = f"worker exited with {self.process.wait()}"
            return
        self._reply()

    def stop(self) -> None:
        """After a failure in the parent: the worker is not left to generate its data for nothing."""
        if self.process.poll() is None:
            self.process.terminate()

    def finish(self) -> dict[str, Any]:
        try:
            if not self.failed and self.process.stdin:
                try:
                    self.process.stdin.write(json.dumps({"done": True}) + "\n")
                    self.process.stdin.close()
                except BrokenPipeError:
                    pass
            # Whatever the worker still writes is read before waiting for it, so a full pipe cannot stall it.
            if self.process.stdout:
                for line in self.process.stdout:
                    print(line, end="", file=sys.stderr)
            code = self.process.wait()
        finally:
            if self.name:
                _postgres(self.base_url, "DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)
        if self.failed or code != 0 or not self.out.exists():
            return {"scale": self.scale, "failed": self.failed or f"worker exited with {code}"}
        result: dict[str, Any] = json.loads(self.out.read_text())
        result["timings"]["total_s"] = time.perf_counter() - self.started
        return result


# Each page's timed requests come in this many rounds, the scales taking turns (the order reversed each
# round, so each scale goes first as often as the other): a machine that slows down or speeds up during the
# run moves both scales' times alike, where measuring one scale after the other put minutes, and whatever
# the machine did in them, between the two.
ROUNDS = 4


def rounds(repeat: int) -> list[int]:
    """--repeat timed requests shared between the rounds as evenly as they go (15: 4, 4, 4, 3)."""
    return [n for i in range(ROUNDS) if (n := repeat // ROUNDS + (1 if i < repeat % ROUNDS else 0))]


def measure(
    scales: list[int],
    repeat: int,
    base_url: str,
    workdir: Path,
    pages: list[Page],
    spec: str,
    profile: bool = False,
) -> list[dict[str, Any]]:
    """Every scale's worker started at once (each makes and fills its own database), then each page timed
    in up to ROUNDS rounds sharing its `repeat` requests per scale, the scales taking turns."""
    running: list[Scale] = []
    try:
        for scale in scales:
            running.append(Scale(scale, base_url, workdir, spec, profile))
        for one in running:
            one.ready()
        for page in pages:
            if page.key == FLOOR:  # measured beside every other page
                continue
            for index, size in enumerate(rounds(repeat)):
                for one in running if index % 2 == 0 else running[::-1]:
                    one.ask(page.key, size)
            print(
                f"{page.key}: "
                + ", ".join(f"{one.scale}x {'failed' if one.failed else 'done'}" for one in running),
                file=sys.stderr,
                flush=True,
            )
    except BaseException:
        for one in running:
            one.stop()
        raise
    finally:
        # Each scale finished (its database dropped) whatever another's finishing raises.
        results = []
        for one in running:
            try:
                results.append(one.finish())
            except Exception as error:  # noqa: BLE001 - reported as that scale's failure
                results.append({"scale": one.scale, "failed": f"finishing it failed: {error!r}"})
    return results


def _fmt_ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        return (
            "| "
            + " | ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(cells, widths, strict=True))
            )
            + " |"
        )

    return [line(headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *(line(r) for r in rows)]


def _repeated_queries(by_scale: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The normalised statements whose number differs between scales, most different first."""
    keys = set().union(*(r["sql_counts"] for r in by_scale))
    diffs = []
    for key in keys:
        counts = [r["sql_counts"].get(key, 0) for r in by_scale]
        if len(set(counts)) > 1:
            diffs.append({"counts": counts, "sql": key})
    return sorted(diffs, key=lambda d: -(max(d["counts"]) - min(d["counts"])))


def report(
    results: list[dict[str, Any]], started_at: dt.datetime, pages: list[Page] | None = None
) -> tuple[list[str], dict[str, Any], bool]:
    pages = PAGES if pages is None else pages
    ok_runs = [r for r in results if "failed" not in r]
    failed = [r for r in results if "failed" in r]
    lines = [
        f"Page benchmark – {started_at:%Y-%m-%d %H:%M %Z}",
        f"Database: {ok_runs[0]['database_version'] if ok_runs else 'unknown'}; "
        f"Python {platform.python_version()}; Django {ok_runs[0]['django'] if ok_runs else '?'}; "
        f"{os.cpu_count()} CPUs; {len(pages)} pages",
        "Forces and FRSs stay at 87 at every scale (43 + 44, fixed by law), with their governing bodies and",
        "OPCCs; people, appointments, assignments, past governance periods, meetings, audit events,",
        "deadlines, reminders, inbox messages, sweep runs, inspections, reports, findings, PCC response",
        "obligations and submissions scale with k.",
        "",
        "Data generated:",
    ]
    if ok_runs:
        size_keys = list(ok_runs[0]["sizes"])
        lines += _table(
            ["rows", *(f"{r['scale']}x" for r in ok_runs)],
            [[key, *(f"{r['sizes'][key]:,}" for r in ok_runs)] for key in size_keys]
            + [
                ["generation (s)", *(f"{r['timings']['generate_s']:.1f}" for r in ok_runs)],
                ["measurement (s)", *(f"{r['timings']['measure_s']:.1f}" for r in ok_runs)],
                # Other work on the machine moves the times (not the query counts): say how busy it was.
                [
                    "load average, 1 min, before/after measuring",
                    *(
                        f"{r['timings'].get('load_before', 0):.1f}/{r['timings'].get('load_after', 0):.1f}"
                        for r in ok_runs
                    ),
                ],
            ],
        )
        lines.append(f"HMI persona's areas: {', '.join(ok_runs[0]['hmi_areas'])}")
    lines.append("")
    for run in failed:
        lines.append(f"Scale {run['scale']}x FAILED: {run['failed']} (its traceback is on stderr)")
    if failed:
        lines.append("")

    all_same = bool(ok_runs) and not failed
    statuses_ok = True
    times_ok = True
    scales = [r["scale"] for r in ok_runs]
    ratio_checked = 1 in scales and 10 in scales
    missed_goals: list[str] = []
    queries_ok = floor_ok = True
    missed_queries: list[str] = []
    missed_floor: list[str] = []
    rows = []
    findings: list[str] = []
    warnings: list[str] = []
    pages_json = []
    for page in pages:
        by_scale = [next(p for p in r["pages"] if p["key"] == page.key) for r in ok_runs]
        if not by_scale:
            continue
        # Each page is compared with the floor's requests made right after its own, round by round (the
        # floor's row, with the median of all of them).
        floor = [
            p.get("floor_ms") or next(f for f in r["pages"] if f["key"] == FLOOR)["median_ms"]
            for r, p in zip(ok_runs, by_scale, strict=True)
        ]
        counts = [p["queries"] for p in by_scale]
        same = len(set(counts)) == 1 and all(p["stable"] for p in by_scale)
        all_same = all_same and same
        page_ok = all(p["status_ok"] for p in by_scale)
        statuses_ok = statuses_ok and page_ok
        label = page.label if page_ok else f"{page.label} [status {by_scale[-1]['statuses']}]"
        # The time goal: median (p50) of the --repeat timed requests at 10x over that at 1x.
        ratio = time_ratio({r["scale"]: p["median_ms"] for r, p in zip(ok_runs, by_scale, strict=True)})
        html = any(p.get("html") for p in by_scale) and page.key != FLOOR
        goal = page.time_ratio_goal or (HTML_TIME_GOAL if html else None)
        meets_goal = goal is None or not ratio_checked or (ratio is not None and ratio <= goal)
        times_ok = times_ok and meets_goal
        if not meets_goal:
            label = f"{label} [time goal missed]"
            missed_goals.append(
                f"{page.label} ({page.path}): median {_fmt_ms(by_scale[scales.index(10)]['median_ms'])} ms "
                f"at 10x is {'–' if ratio is None else f'{ratio:.2f}'}x the median "
                f"{_fmt_ms(by_scale[scales.index(1)]['median_ms'])} ms at 1x; the goal is at most {goal}x"
            )
        if html and max(counts) > QUERY_GOAL:
            queries_ok = False
            missed_queries.append(f"{page.label} ({page.path}): {max(counts)} queries")
        top = by_scale[-1]
        to_floor = top["median_ms"] / floor[-1] if top["median_ms"] and floor[-1] else None
        if html and ratio_checked and to_floor is not None and to_floor > FLOOR_GOAL:
            floor_ok = False
            missed_floor.append(f"{page.label} ({page.path}): {to_floor:.1f}x the floor at {scales[-1]}x")
        rows.append(
            [
                label,
                *(str(c) for c in counts),
                "yes" if same else "NO",
                *(_fmt_ms(p["median_ms"]) for p in by_scale),
                *(
                    f"{p['median_ms'] / f:.1f}" if p["median_ms"] and f else "–"
                    for p, f in zip(by_scale, floor, strict=True)
                ),
                "–" if ratio is None else f"{ratio:.2f}",
                "–" if goal is None else f"≤ {goal}" + ("" if meets_goal else " NO"),
            ]
        )
        repeated = _repeated_queries(by_scale) if not same else []
        for run, p in zip(ok_runs, by_scale, strict=True):
            for sql, n in p["sql_counts"].items():
                if n >= REPEAT_WARNING and sql.startswith("SELECT"):
                    warnings.append(f"{page.label} at {run['scale']}x: {n} times in one request: {sql[:300]}")
        if not same:
            findings.append(
                f"{page.label} ({page.path}): queries "
                + ", ".join(f"{r['scale']}x={c}" for r, c in zip(ok_runs, counts, strict=True))
                + "".join(
                    f"; {r['scale']}x timed requests made {p['queries_per_timed_request']}"
                    for r, p in zip(ok_runs, by_scale, strict=True)
                    if not p["stable"]
                )
            )
            for diff in repeated[:3]:
                findings.append(f"    repeated {diff['counts']} times: {diff['sql'][:400]}")
        for run, p in zip(ok_runs, by_scale, strict=True):
            if not p["status_ok"]:
                findings.append(
                    f"{page.label} ({p['path']}) at {run['scale']}x: status {p['statuses']}, expected {page.status}"
                )
            for error in p["errors"][:1]:
                # The end of the traceback here; the whole of it is in the JSON file.
                tail = "\n".join(error.rstrip().splitlines()[-TRACEBACK_LINES:])
                findings.append(f"    traceback at {run['scale']}x (last {TRACEBACK_LINES} lines):\n{tail}")
        pages_json.append(
            {
                "key": page.key,
                "label": page.label,
                "by_scale": [
                    {k: v for k, v in p.items() if k != "sql_counts"} | {"scale": r["scale"]}
                    for r, p in zip(ok_runs, by_scale, strict=True)
                ],
                "same_query_count": same,
                "queries_that_differ": repeated,
                "time_ratio_10x_1x": ratio,
                "time_ratio_goal": goal,
                "meets_time_goal": meets_goal if ratio_checked and goal is not None else None,
            }
        )
    headers = [
        "page",
        *(f"queries {s}x" for s in scales),
        "same?",
        *(f"median ms {s}x" for s in scales),
        *(f"ratio to floor {s}x" for s in scales),
        "time 10x/1x",
        "goal",
    ]
    if rows:
        lines += _table(headers, rows)
    lines.append("")
    if findings:
        lines.append("Findings:")
        lines += findings
        lines.append("")
    lines.append(
        f"Statements repeated {REPEAT_WARNING}+ times within one request (a possible N+1 hidden by a full page): "
        + ("none" if not warnings else "")
    )
    lines += [f"    {w}" for w in warnings]
    lines.append("")
    if missed_goals:
        lines.append("Pages slower at 10x than their time goal allows (median of the timed requests):")
        lines += [f"    {m}" for m in missed_goals]
        lines.append("")
    if missed_queries:
        lines.append(f"HTML pages over {QUERY_GOAL} queries:")
        lines += [f"    {m}" for m in missed_queries]
        lines.append("")
    if missed_floor:
        lines.append(f"HTML pages whose median at the largest scale is over {FLOOR_GOAL:g}x the floor's:")
        lines += [f"    {m}" for m in missed_floor]
        lines.append("")
    lines.append(f"query counts identical at all scales: {'yes' if all_same else 'no'}")
    with_goal = [p for p in pages_json if p["time_ratio_goal"] is not None]
    if with_goal and not ratio_checked:
        lines.append("time goals (10x/1x) not checked: run with --scales 1,10")
    elif with_goal:
        lines.append(
            f"time at 10x within the goal for all {len(with_goal)} pages that carry one: "
            + ("yes" if times_ok else f"no ({len(missed_goals)} missed)")
        )
        lines.append(
            f"HTML pages within {FLOOR_GOAL:g}x the floor at 10x: "
            + ("yes" if floor_ok else f"no ({len(missed_floor)} missed)")
        )
    lines.append(
        f"HTML pages within {QUERY_GOAL} queries: "
        + ("yes" if queries_ok else f"no ({len(missed_queries)} over)")
    )
    if not statuses_ok:
        lines.append("some pages answered with an unexpected status (see findings)")
    if failed:
        failed_scales = ", ".join(f"{r['scale']}x" for r in failed)
        lines.append(f"scales that failed to run: {failed_scales}")
    payload = {
        "started_at": started_at.isoformat(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "runs": [{k: v for k, v in r.items() if k != "pages"} for r in results],
        "pages": pages_json,
        "query_counts_identical": all_same,
        "statuses_ok": statuses_ok,
        "time_goals_met": times_ok,
        "time_goals_missed": missed_goals,
        "query_goal_met": queries_ok,
        "query_goal_missed": missed_queries,
        "floor_goal_met": floor_ok,
        "floor_goal_missed": missed_floor,
        "findings": findings,
        "repeated_within_request": warnings,
    }
    return lines, payload, all_same and statuses_ok and times_ok and queries_ok and floor_ok and not failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scales", default="1,10", help="comma-separated multiples of the real size (default 1,10)"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=15,
        help="timed requests per page and scale, shared between four rounds (default 15)",
    )
    parser.add_argument(
        "--pages",
        default="",
        help="comma-separated substrings: only the pages whose key, label or path contains one "
        "(and the floor); e.g. --pages /monitoring/,/public/engage/ (default: every page)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="run each page's timed requests under cProfile and write benchmarks/results/profile-<k>x-<page>.prof"
        " (read with python -m pstats); the times printed are then the profiler's",
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--scale", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args)

    # Smallest first: the goals read 1x and 10x by name, the floor goal the largest scale.
    scales = sorted({int(s) for s in args.scales.split(",") if s.strip()})
    pages = select_pages(args.pages)
    if len(pages) == 1 and args.pages:
        parser.error(f"--pages {args.pages!r} matches no page")
    base_url = os.environ.get("DATABASE_URL", "")
    if base_url and not _is_postgres(base_url):
        print("DATABASE_URL is not PostgreSQL: benchmarking on temporary SQLite files", file=sys.stderr)
        base_url = ""
    started_at = dt.datetime.now(dt.UTC).astimezone()
    workdir = Path(tempfile.mkdtemp(prefix="mou-bench-"))
    try:
        results = measure(scales, args.repeat, base_url, workdir, pages, args.pages, args.profile)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    lines, payload, ok = report(results, started_at, pages)
    print("\n".join(lines))
    RESULTS_DIR.mkdir(exist_ok=True)
    target = RESULTS_DIR / f"pages-{started_at:%Y%m%d-%H%M%S}.json"
    payload["report"] = lines
    target.write_text(json.dumps(payload, indent=1))
    print(f"\nResults written to {target.relative_to(ROOT)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
