"""Text written to a CSV or spreadsheet that a person opens: a cell a spreadsheet would run as a formula is
prefixed with an apostrophe (CSV injection). Pure."""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text


def unguarded(text: str) -> str:
    """A cell read back from such a file: the apostrophe that guarded a formula-like text is dropped."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text
