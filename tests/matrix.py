"""A shared tally of the permission matrices and the audit-completeness checks, for the terminal summary.

Each matrix test calls `record_cells("name", cells, mismatches)` once it has run; an audit-completeness
test calls `record_audit("name", reads, audit_rows)`. tests/conftest.py prints the sums at the end of the
run:

    Permission matrix: N cells, 0 mismatches
    Audit completeness: reads R, audit rows A, ratio 1.000

A matrix that only prints a line of the older form ("disclosure matrix: 420 cells, 0 mismatches") is
counted too: conftest reads such lines from each test's captured output, which also reaches the
controller under pytest-xdist. Entries are keyed by test and label, so a line is never counted twice.
"""

from __future__ import annotations

import os
import re

MATRICES: dict[str, tuple[int, int]] = {}
AUDITS: dict[str, tuple[int, int]] = {}

MATRIX_LINE = re.compile(
    r"^\s*(?P<label>[^\n:]*?matri(?:x|ces)[^\n:]*?):\s*(?P<cells>\d+) cells(?: checked)?, (?P<bad>\d+) mismatch",
    re.IGNORECASE | re.MULTILINE,
)
AUDIT_LINE = re.compile(
    r"^\s*(?P<label>Audit completeness[^\n:]*?):\s*reads (?P<reads>\d+), audit rows (?P<rows>\d+)",
    re.MULTILINE,
)


def _test_id() -> str:
    return os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" ", 1)[0]


def record_cells(name: str, cells: int, mismatches: int) -> None:
    """Report one matrix: how many cells it checked and how many disagreed with its table."""
    label = f"Permission matrix [{name}]"
    MATRICES[f"{_test_id()}|{label.lower()}"] = (int(cells), int(mismatches))
    print(f"{label}: {cells} cells, {mismatches} mismatches")


def record_audit(name: str, reads: int, audit_rows: int) -> None:
    """Report one audit-completeness check: reads performed, and the audit rows they wrote."""
    label = f"Audit completeness [{name}]"
    AUDITS[f"{_test_id()}|{label.lower()}"] = (int(reads), int(audit_rows))
    print(f"{label}: reads {reads}, audit rows {audit_rows}")


def scrape(test_id: str, output: str) -> None:
    """Count the matrix and audit lines a test printed (its captured standard output)."""
    for match in MATRIX_LINE.finditer(output):
        key = f"{test_id}|{match.group('label').strip().lower()}"
        MATRICES[key] = (int(match.group("cells")), int(match.group("bad")))
    for match in AUDIT_LINE.finditer(output):
        key = f"{test_id}|{match.group('label').strip().lower()}"
        AUDITS[key] = (int(match.group("reads")), int(match.group("rows")))


def merge(data: dict) -> None:
    """Fold a worker's tally (as `snapshot()` made it) into this process's."""
    MATRICES.update({k: tuple(v) for k, v in data.get("matrices", {}).items()})
    AUDITS.update({k: tuple(v) for k, v in data.get("audits", {}).items()})


def snapshot() -> dict:
    return {"matrices": dict(MATRICES), "audits": dict(AUDITS)}


def summary_lines() -> list[str]:
    lines = []
    if MATRICES:
        cells = sum(c for c, _ in MATRICES.values())
        mismatches = sum(m for _, m in MATRICES.values())
        lines.append(f"Permission matrix: {cells} cells, {mismatches} mismatches ({len(MATRICES)} matrices)")
    if AUDITS:
        reads = sum(r for r, _ in AUDITS.values())
        rows = sum(a for _, a in AUDITS.values())
        ratio = rows / reads if reads else 0.0
        lines.append(f"Audit completeness: reads {reads}, audit rows {rows}, ratio {ratio:.3f}")
    return lines
