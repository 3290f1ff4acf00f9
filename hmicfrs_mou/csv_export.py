"""CSV exports: text cells a spreadsheet will not run as a formula (CSV injection).

A cell that starts with one of FORMULA_START is read by Excel, LibreOffice and
Google Sheets as a formula; a leading apostrophe makes it text. Every export of
text someone typed (names, titles, labels) writes it through `cell`.
"""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    """The value as a CSV text cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_START) else text
