"""Benchmark the embargoed copy PDF: a full render of a long report, and each recipient's copy.

    .venv/bin/python benchmarks/pdf.py [--paragraphs 330] [--findings 12] [--runs 3] [--copies 20]
        [--out copy.pdf]

A scratch SQLite database (TESTING=true) gets the reference directory, an HMI
and five PCC office members for Avon and Somerset, and a force-specific report
built through the services (with a redaction, findings and a press release)
long enough for at least 50 pages.

Full render (a new version of the report, cache empty): the context, the HTML,
WeasyPrint, and laying the PDF out for stamping, --runs times. Per recipient
(the base in the cache): --copies copies, for the five people in turn, timing
the stamp alone and the whole path a download takes (context, cache key, cache,
stamp). Prints the pages, seconds and ms per page of the full render, the
per-recipient milliseconds and their share of a full render, the peak Python
allocation (tracemalloc, in separate runs, since tracing slows rendering) and the
process's maximum resident set size (ru_maxrss). The stamp font is subset
once per process, before the timings (as in a server that has made one copy).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import re
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FILLER = (
    "Inspectors examined how the force answers calls for service, how it identifies vulnerable people at "
    "first contact and how quickly it sends officers to the most urgent incidents. They read case files, "
    "listened to calls, interviewed officers and staff at every rank and reviewed the force's own "
    "performance data over the previous twelve months, comparing it with forces of a similar size and "
    "with the standards set out in the inspection framework."
)


def _max_rss_mib() -> float:
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _page_count(pdf: bytes) -> int:
    try:
        from pypdf import PdfReader
    except ImportError:  # pypdf is a dev dependency; count page objects instead
        return len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    return len(PdfReader(io.BytesIO(pdf)).pages)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--paragraphs", type=int, default=330)
    parser.add_argument("--findings", type=int, default=12)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--out", type=Path, help="write the last copy here")
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='mou-pdf-')}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hmicfrs_mou.settings")
    os.environ["TESTING"] = "true"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    import logging

    import django

    django.setup()
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db.models import prefetch_related_objects
    from django.template.loader import render_to_string
    from django.utils import timezone

    from contacts.models import AssignmentKind, Governance, Organisation, OrganisationKind, Role, User
    from contacts.reference import load_reference_data
    from contacts.services import appointment_start, assignment_start
    from hmicfrs_mou.pdf import html_to_pdf
    from hmicfrs_mou.pdf_stamp import prepare, stamp, stamp_font
    from hmicfrs_mou.roles import ensure_groups
    from inspections.models import FindingKind, InspectionKind, Report, ReportKind
    from inspections.pdf import (
        COPY_TEMPLATE,
        embargoed_base_context,
        recipient_marks,
        render_embargoed_copy,
    )
    from inspections.services import (
        finding_add,
        inspection_create,
        redaction_add,
        report_create,
        report_finalise,
        report_schedule,
    )

    call_command("migrate", verbosity=0)
    load_reference_data(settings.REFERENCE_DATA_DIR)
    ensure_groups()
    now = timezone.now()
    today = timezone.localdate(now)
    force = Organisation.objects.get(kind=OrganisationKind.POLICE_FORCE, slug="avon-and-somerset")
    hmicfrs = Organisation.objects.get(kind=OrganisationKind.HMICFRS)
    body = Governance.objects.in_force(today).get(area=force).body
    office = Organisation.objects.get(kind=OrganisationKind.OPCC, parent=body)

    def person(username: str, organisation: Organisation, role: str) -> User:
        user = User.objects.create_user(username=username, first_name=username.title(), last_name="Bench")
        appointment_start(person=user, organisation=organisation, role=role, starts_on=today)
        return user

    hmi = person("hmi", hmicfrs, Role.HMI)
    assignment_start(person=hmi, kind=AssignmentKind.HMI, subject=force, starts_on=today)
    recipients = [person(f"recipient{n}", office, Role.OPCC_STAFF) for n in range(1, 6)]

    secret = "the refuge at 14 Larkspur Close"
    text = "\n\n".join(
        f"{n}. {FILLER}" + (f" Victims were moved to {secret}." if n == 3 else "")
        for n in range(1, args.paragraphs + 1)
    )
    inspection = inspection_create(
        kind=InspectionKind.PEEL, title="PEEL 2026 benchmark", areas=[force], lead=hmi, by=hmi, now=now
    )
    report = report_create(
        inspection=inspection,
        kind=ReportKind.FORCE_SPECIFIC,
        title="PEEL 2026: Avon and Somerset Constabulary (benchmark)",
        body=text,
        summary=FILLER,
        press_release="\n\n".join([FILLER] * 6),
        by=hmi,
        now=now,
    )
    kinds = [FindingKind.CAUSE_OF_CONCERN, FindingKind.RECOMMENDATION, FindingKind.AREA_FOR_IMPROVEMENT]
    for n in range(args.findings):
        finding_add(report=report, kind=kinds[n % 3], text=f"Finding {n + 1}. {FILLER}", by=hmi)
    redaction_add(report=report, passage=secret, reason="A person's safety", by=hmi)
    report_finalise(report=report, by=hmi, now=now)
    report_schedule(report=report, publication_at=now + dt.timedelta(days=30), by=hmi, now=now)

    def loaded() -> Report:
        fresh = Report.objects.select_related("inspection").get(pk=report.pk)
        prefetch_related_objects([fresh], "areas", "findings__area", "redactions")
        return fresh

    def full_render() -> tuple[bytes, dict[str, float]]:
        """A new version: nothing cached. The stages of render_embargoed_copy, timed one by one."""
        cache.clear()
        fresh = loaded()
        cpu_started = time.process_time()
        times = [time.perf_counter()]
        context = embargoed_base_context(fresh)
        times.append(time.perf_counter())
        html = render_to_string(COPY_TEMPLATE, context)
        times.append(time.perf_counter())
        base = html_to_pdf(html)
        times.append(time.perf_counter())
        prepared = prepare(base)
        times.append(time.perf_counter())
        stages = dict(
            zip(
                ("context", "html", "weasyprint", "prepare"), (b - a for a, b in pairwise(times)), strict=True
            )
        )
        cpu.append(time.process_time() - cpu_started)
        return base, stages | {"prepared": prepared}  # type: ignore[dict-item]

    def copy_for(recipient: User) -> tuple[bytes, float, float]:
        """One recipient's download with the base cached: the whole path, and the stamp within it."""
        fresh = loaded()
        started = time.perf_counter()
        pdf = render_embargoed_copy(fresh, recipient, at=timezone.now())
        whole = time.perf_counter() - started
        marks = recipient_marks(fresh, recipient, at=timezone.now())
        font = stamp_font([marks["recipient_name"], marks["copy_for_label"]])
        started = time.perf_counter()
        stamp(
            prepared,
            font,
            watermark=marks["watermark_word"],
            caption=marks["recipient_name"],
            footer=lambda page, pages: [f"{marks['copy_for_label']} – page {page} of {pages}", "made"],
        )
        return pdf, whole, time.perf_counter() - started

    print(
        f"Embargoed copy benchmark: {args.paragraphs} paragraphs ({len(text.split()):,} words), "
        f"{args.findings} findings, Python {sys.version.split()[0]}"
    )
    stamp_font(["warm the font subset"])
    rss_before = _max_rss_mib()
    print(f"\nFull render (new version, empty cache), {args.runs} runs:")
    full: list[float] = []
    cpu: list[
        float
    ] = []  # CPU seconds of each full render: what other processes on the machine do not change
    weasy: list[float] = []
    base = b""
    for run in range(1, args.runs + 1):
        base, stages = full_render()
        prepared = stages.pop("prepared")
        full.append(sum(stages.values()))
        weasy.append(stages["weasyprint"])
        print(
            f"  run {run}: "
            + ", ".join(f"{name} {seconds * 1000:.0f} ms" for name, seconds in stages.items())
            + f", {len(base) / 1024:.0f} KiB"
        )
    rss_full = _max_rss_mib() - rss_before
    pages = _page_count(base)

    render_embargoed_copy(loaded(), recipients[0], at=timezone.now())  # the base into the cache
    whole_times, stamp_times = [], []
    pdf = b""
    for n in range(args.copies):
        pdf, whole, stamp_s = copy_for(recipients[n % len(recipients)])
        whole_times.append(whole)
        stamp_times.append(stamp_s)
    rss_copies = _max_rss_mib() - rss_before - rss_full

    tracemalloc.start()
    full_render()
    _, peak_full = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    render_embargoed_copy(loaded(), recipients[0], at=timezone.now())
    tracemalloc.start()
    copy_for(recipients[1])
    _, peak_copy = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    full_s = statistics.median(full)
    stamp_ms = statistics.median(stamp_times) * 1000
    whole_ms = statistics.median(whole_times) * 1000
    copy_pages = _page_count(pdf)
    print(f"\npages: {pages} (the stamped copy: {copy_pages}, {len(pdf) / 1024:.0f} KiB)")
    print(
        f"full render: median {full_s:.2f} s (min {min(full):.2f}, max {max(full):.2f}), "
        f"{full_s / pages * 1000:.1f} ms per page; WeasyPrint alone {statistics.median(weasy) / pages * 1000:.1f} ms per page; "
        f"CPU time {statistics.median(cpu[: args.runs]) / pages * 1000:.1f} ms per page"
    )
    print(
        f"per recipient, {args.copies} copies: stamp median {stamp_ms:.1f} ms "
        f"(max {max(stamp_times) * 1000:.1f}), {stamp_ms / (full_s * 1000) * 100:.1f}% of a full render; "
        f"whole download path {whole_ms:.1f} ms (max {max(whole_times) * 1000:.1f}), "
        f"{whole_ms / (full_s * 1000) * 100:.1f}% of a full render"
    )
    print(
        f"peak Python allocation (tracemalloc): full render {peak_full / 2**20:.1f} MiB, "
        f"one copy {peak_copy / 2**20:.1f} MiB"
    )
    print(
        f"max RSS: {_max_rss_mib():.0f} MiB; grew by {rss_full:.0f} MiB over the full renders, "
        f"{rss_copies:.0f} MiB over the copies"
    )
    if args.out:
        args.out.write_bytes(pdf)
        print(f"written to {args.out}")
    if pages < 50 or copy_pages != pages:
        print("ERROR: fewer than 50 pages (raise --paragraphs), or the copy lost pages")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
