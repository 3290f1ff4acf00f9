"""A report's text as headings and numbered paragraphs (inspections.report_text), the numbers the
factual-accuracy comments cite (I7) and the published text keeps after redactions (U1)."""

from __future__ import annotations

import pytest

from inspections.report_text import (
    Heading,
    Paragraph,
    find_paragraph,
    headings,
    paragraphs,
    parse,
    plain_text,
)


def test_a_plain_body_is_numbered_paragraphs_as_before():
    body = "First paragraph.\n\nSecond paragraph.\n\n\n\nThird paragraph."
    assert parse(body) == [
        Paragraph(1, "First paragraph."),
        Paragraph(2, "Second paragraph."),
        Paragraph(3, "Third paragraph."),
    ]


def test_paragraphs_are_numbered_through_the_whole_report_and_headings_are_not_i7():
    body = (
        "# Overall summary\n\n"
        "The force is good.\n\n"
        "# Investigating crime\n\n"
        "Investigations are thorough.\n\n"
        "## Keeping victims informed\n\n"
        "Victims are not updated.\n\n"
        "Too many files lack a plan."
    )
    assert parse(body) == [
        Heading("Overall summary", 1),
        Paragraph(1, "The force is good."),
        Heading("Investigating crime", 1),
        Paragraph(2, "Investigations are thorough."),
        Heading("Keeping victims informed", 2),
        Paragraph(3, "Victims are not updated."),
        Paragraph(4, "Too many files lack a plan."),
    ]


def test_a_heading_needs_no_blank_line_around_it():
    body = "# Summary\nThe force is good.\nIt is improving.\n## Detail\nMore."
    assert parse(body) == [
        Heading("Summary", 1),
        Paragraph(1, "The force is good.\nIt is improving."),
        Heading("Detail", 2),
        Paragraph(2, "More."),
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("# Summary", Heading("Summary", 1)),
        ("##   Detail  ", Heading("Detail", 2)),
        ("  # Indented", Heading("Indented", 1)),
        ("#\tTabbed", Heading("Tabbed", 1)),
        ("### Three hashes", Paragraph(1, "### Three hashes")),
        ("#3 team visited", Paragraph(1, "#3 team visited")),
        ("#", Paragraph(1, "#")),
        ("# ", Paragraph(1, "#")),
        ("Section 5 # of the Act", Paragraph(1, "Section 5 # of the Act")),
    ],
)
def test_only_one_or_two_hashes_and_a_space_make_a_heading(line, expected):
    assert parse(line) == [expected]


def test_line_breaks_inside_a_paragraph_stay_and_windows_line_ends_are_read():
    body = "One line\r\nand the next.\r\n\r\n# Heading\r\nLast."
    assert parse(body) == [
        Paragraph(1, "One line\nand the next."),
        Heading("Heading", 1),
        Paragraph(2, "Last."),
    ]


def test_an_empty_body_has_no_blocks():
    assert parse("") == []
    assert parse("\n\n  \n") == []


def test_markup_in_the_text_is_kept_as_text_for_the_template_to_escape():
    blocks = parse('# <b>Bold</b>\n\n<script>alert("x")</script> & more')
    assert blocks == [Heading("<b>Bold</b>", 1), Paragraph(1, '<script>alert("x")</script> & more')]


def test_a_redaction_changes_the_words_not_the_numbers_u1():
    draft = "# Protecting people\n\nThe refuge is at 14 Larkspur Close.\n\nThe force is good."
    published = draft.replace("The refuge is at 14 Larkspur Close.", "[Redacted]")
    assert [(p.number, p.text) for p in paragraphs(parse(published))] == [
        (1, "[Redacted]"),
        (2, "The force is good."),
    ]


@pytest.mark.parametrize(
    ("reference", "number"),
    [
        ("1", 1),
        ("2", 2),
        (" 2 ", 2),
        (2, 2),
        ("3", None),
        ("0", None),
        ("-1", None),
        ("two", None),
        ("", None),
        (None, None),
        ("²", None),
        ("1e1", None),
    ],
)
def test_find_paragraph_by_its_number(reference, number):
    blocks = parse("# Heading\n\nOne.\n\nTwo.")
    found = find_paragraph(blocks, reference)
    assert (found.number if found else None) == number


def test_headings_and_plain_text():
    blocks = parse("# A\n\nOne.\n\n## B\n\nTwo.")
    assert headings(blocks) == [Heading("A", 1), Heading("B", 2)]
    assert plain_text("# A\n\nOne.\n\n## B\n\nTwo.") == "A\n\nOne.\n\nB\n\nTwo."
