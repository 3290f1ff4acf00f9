"""Benchmark the embargoed copy PDF: time and memory to render a long report.

    .venv/bin/python benchmarks/pdf.py [--paragraphs 330] [--findings 12] [--runs 3] [--out copy.pdf]

A scratch SQLite database (TESTING=true) gets the reference directory, an HMI
and a PCC office member for Avon and Somerset, and a force-specific report
built through the services (with a redaction, findings and a press release)
long enough for at least 50 pages. The embargoed copy for the PCC office is
then rendered --runs times. Prints the pages, the seconds per render (context
and PDF separately), the peak Python allocation (tracemalloc, in a separate
run, since tracing slows rendering) and the growth of the process's maximum
resident set size (ru_maxrss) over the renders.
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
    parser.add_argument("--out", type=Path, help="write the last PDF here")
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
    from django.core.management import call_command
    from django.db.models import prefetch_related_objects
    from django.template.loader import render_to_string
    from django.utils import timezone

    from contacts.models import AssignmentKind, Governance, Organisation, OrganisationKind, Role, User
    from contacts.reference import load_reference_data
    from contacts.services import appointment_start, assignment_start
    from hmicfrs_mou.pdf import render_pdf
    from hmicfrs_mou.roles import ensure_groups
    from inspections.models import FindingKind, InspectionKind, Report, ReportKind
    from inspections.pdf import embargoed_copy_context
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
    recipient = person("recipient", office, Role.OPCC_STAFF)

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

    def render() -> tuple[bytes, float, float]:
        loaded = Report.objects.select_related("inspection").get(pk=report.pk)
        started = time.perf_counter()
        prefetch_related_objects([loaded], "areas", "findings__area", "redactions")
        context = embargoed_copy_context(loaded, recipient, at=timezone.now())
        built = time.perf_counter()
        watermark = render_to_string("pdf/watermark.svg", context).encode()
        pdf = render_pdf("pdf/embargoed_copy.html", context, generated={"watermark.svg": watermark})
        return pdf, built - started, time.perf_counter() - built

    print(
        f"Embargoed copy benchmark: {args.paragraphs} paragraphs ({len(text.split()):,} words), "
        f"{args.findings} findings, Python {sys.version.split()[0]}"
    )
    rss_before = _max_rss_mib()
    timings = []
    pdf = b""
    for run in range(1, args.runs + 1):
        pdf, context_s, render_s = render()
        timings.append(context_s + render_s)
        print(
            f"  run {run}: context {context_s * 1000:.0f} ms, PDF {render_s:.2f} s, {len(pdf) / 1024:.0f} KiB"
        )
    rss_growth = _max_rss_mib() - rss_before

    tracemalloc.start()
    render()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    pages = _page_count(pdf)
    print(f"\npages: {pages}")
    print(
        f"seconds per copy: median {statistics.median(timings):.2f}, min {min(timings):.2f}, max {max(timings):.2f}"
    )
    print(f"seconds per page: {statistics.median(timings) / pages:.3f}")
    print(f"peak Python allocation (tracemalloc): {peak / 2**20:.1f} MiB")
    print(f"max RSS: {_max_rss_mib():.0f} MiB, grew by {rss_growth:.0f} MiB over the {args.runs} renders")
    if args.out:
        args.out.write_bytes(pdf)
        print(f"written to {args.out}")
    if pages < 50:
        print("ERROR: fewer than 50 pages; raise --paragraphs")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
