"""A report's text as blocks: section headings and numbered paragraphs, as HMICFRS reports are set out.

The body (`Report.body`) is plain text with one small piece of markup:

- paragraphs are separated by blank lines; a single line break stays inside its paragraph;
- a line starting with "# " is a section heading, and a line starting with "## " a sub-heading;
  a heading is one line and needs no blank line around it;
- paragraphs are numbered 1, 2, 3 ... continuously through the whole report, across sections,
  as the published reports number them; headings are not numbered.

A body without headings (every report written before headings existed) is a list of numbered
paragraphs, as before. The numbers are the ones factual-accuracy comments cite (I7), so the same
body always gives the same numbers; the published text (U1, redactions applied) is parsed the same
way, and a redacted passage only changes the words of its paragraph.

Pure, no Django: the blocks carry plain text, never HTML. Templates escape it
(templates/inspections/_report_body.html renders the blocks for every page and PDF).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final, Literal

# "# " and "## " (a hash, or two, then a space). Three or more hashes, or none followed by a space,
# are ordinary text: a paragraph may start "#3 team" or "##" without becoming a heading.
_HEADING: Final = re.compile(r"(#{1,2})[ \t]+(\S.*)")


@dataclass(frozen=True)
class Heading:
    """A section heading (`level` 1, "# ") or a sub-heading (`level` 2, "## ")."""

    text: str
    level: Literal[1, 2]

    @property
    def is_heading(self) -> bool:
        return True


@dataclass(frozen=True)
class Paragraph:
    """A paragraph and its number in the report (from 1); `text` keeps its inner line breaks."""

    number: int
    text: str

    @property
    def is_heading(self) -> bool:
        return False


Block = Heading | Paragraph


def parse(body: str) -> list[Block]:
    """The body's headings and paragraphs in reading order, paragraphs numbered from 1."""
    blocks: list[Block] = []
    lines: list[str] = []
    number = 0

    def end_paragraph() -> None:
        nonlocal number
        text = "\n".join(lines).strip()
        lines.clear()
        if text:
            number += 1
            blocks.append(Paragraph(number=number, text=text))

    for line in body.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        stripped = line.strip()
        heading = _HEADING.fullmatch(stripped)
        if heading:
            end_paragraph()
            blocks.append(Heading(text=heading[2].strip(), level=1 if len(heading[1]) == 1 else 2))
        elif stripped:
            lines.append(line.rstrip())
        else:
            end_paragraph()
    end_paragraph()
    return blocks


def paragraphs(blocks: Iterable[Block]) -> list[Paragraph]:
    """The numbered paragraphs only."""
    return [block for block in blocks if isinstance(block, Paragraph)]


def headings(blocks: Iterable[Block]) -> list[Heading]:
    """The headings only, in order."""
    return [block for block in blocks if isinstance(block, Heading)]


def find_paragraph(blocks: Sequence[Block], reference: str | int | None) -> Paragraph | None:
    """Paragraph number `reference` ("12" or 12), or None when there is no such paragraph."""
    text = str(reference).strip() if reference is not None else ""
    if not text.isascii() or not text.isdecimal():
        return None
    number = int(text)
    return next((p for p in paragraphs(blocks) if p.number == number), None)


def plain_text(body: str) -> str:
    """The body without its markup: headings and paragraphs as lines of text, blank-line separated
    (for a search snippet or a plain-text email, where a "# " would be noise)."""
    return "\n\n".join(block.text for block in parse(body))
