"""The register's file renderings: the CSV here, the XLSX in xlsx.py and the PDF in pdf.py, all from the one column
list in columns.py, and all taking the rows batch by batch (queries.register_batches), so that memory stays that
of one batch whatever the size of the register."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import chain, islice
from typing import IO

from ..core.spreadsheet import spreadsheet_safe
from .columns import COLUMNS, Column, cell_text
from .filters import RegisterFilters
from .pdf import render_pdf
from .rows import RegisterRow
from .xlsx import write_workbook

CHUNK = 64 * 1024  # bytes per piece of a file streamed from disk


def csv_separator(lang: str) -> str:
    """Dutch Excel expects a semicolon (the comma is its decimal sign); English Excel a comma."""
    return "," if lang == "en" else ";"


def _guard(column: Column, text: str) -> str:
    # A text cell that a spreadsheet would read as a formula is prefixed with an apostrophe.
    return spreadsheet_safe(text) if column.kind == "text" else text


def csv_chunks(batches: Iterable[list[RegisterRow]], lang: str) -> Iterator[bytes]:
    """The CSV in pieces: the byte-order mark (so Excel reads it as UTF-8) and the header, then one piece per batch
    of rows. CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=csv_separator(lang), lineterminator="\r\n")
    writer.writerow([c.header(lang) for c in COLUMNS])
    yield "\ufeff".encode() + buffer.getvalue().encode("utf-8")
    for batch in batches:
        buffer.seek(0)
        buffer.truncate()
        for row in batch:
            writer.writerow([_guard(c, cell_text(c, row, lang)) for c in COLUMNS])
        yield buffer.getvalue().encode("utf-8")


def to_csv(rows: list[RegisterRow], lang: str) -> bytes:
    """The whole CSV of these rows at once (a handful of rows; exports stream csv_chunks)."""
    return b"".join(csv_chunks([rows], lang))


def file_chunks(file: IO[bytes]) -> Iterator[bytes]:
    """A file from its start, in pieces, closed (and so, for a temporary file, removed) when done or abandoned."""
    try:
        file.seek(0)
        while piece := file.read(CHUNK):
            yield piece
    finally:
        file.close()


def xlsx_chunks(batches: Iterable[list[RegisterRow]], lang: str) -> Iterator[bytes]:
    """The workbook written in write-only mode to a temporary file now (a spreadsheet is a zip archive: no byte of
    it is final before the last row), then streamed from that file."""
    return file_chunks(write_workbook(batches, lang))


def to_xlsx(rows: list[RegisterRow], lang: str) -> bytes:
    return b"".join(xlsx_chunks([rows], lang))


def pdf_bytes(
    batches: Iterable[list[RegisterRow]], lang: str, filters: RegisterFilters | None, now: datetime, limit: int
) -> bytes:
    """The PDF of at most ``limit`` rows (the caller refuses a larger selection; rows recorded since it counted are
    left out rather than let the document grow)."""
    return render_pdf(list(islice(chain.from_iterable(batches), limit)), lang, filters, now)
