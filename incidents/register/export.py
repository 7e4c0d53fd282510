"""The register's renderings: the web table and the CSV here, the XLSX in xlsx.py and the PDF in pdf.py, all
from the one column list in columns.py."""

from __future__ import annotations

import csv
import io

from ..core.spreadsheet import spreadsheet_safe
from .columns import COLUMNS, Column, cell_text
from .pdf import render_pdf
from .queries import RegisterRow
from .xlsx import workbook_bytes


def table(rows: list[RegisterRow], lang: str) -> tuple[list[str], list[list[str]]]:
    """Headers and text cells, as the web page shows them."""
    return [c.header(lang) for c in COLUMNS], [[cell_text(c, r, lang) for c in COLUMNS] for r in rows]


def csv_separator(lang: str) -> str:
    """Dutch Excel expects a semicolon (the comma is its decimal sign); English Excel a comma."""
    return "," if lang == "en" else ";"


def _guard(column: Column, text: str) -> str:
    # A text cell that a spreadsheet would read as a formula is prefixed with an apostrophe.
    return spreadsheet_safe(text) if column.kind == "text" else text


def to_csv(rows: list[RegisterRow], lang: str) -> bytes:
    """UTF-8 with a byte-order mark (so Excel reads it as UTF-8), CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=csv_separator(lang), lineterminator="\r\n")
    writer.writerow([c.header(lang) for c in COLUMNS])
    for row in rows:
        writer.writerow([_guard(c, cell_text(c, row, lang)) for c in COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(rows: list[RegisterRow], lang: str) -> bytes:
    return workbook_bytes(rows, lang)


def to_pdf(rows: list[RegisterRow], lang: str, filters) -> bytes:
    return render_pdf(rows, lang, filters)
