"""The register's file renderings: the CSV here, the XLSX in xlsx.py and the PDF in pdf.py, all from the one column
list in columns.py, and all taking the rows batch by batch (queries.register_batches), so that memory stays that
of one batch whatever the size of the register (of one part for a ZIP of PDFs)."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import chain, islice
from typing import IO

from ..core.instants import to_local
from ..core.spreadsheet import spreadsheet_safe
from ..record.words import Heads
from .columns import COLUMNS, Column, cell_text
from .filters import RegisterFilters
from .pdf import Part, render_pdf
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


def xlsx_chunks(
    batches: Iterable[list[RegisterRow]], lang: str, heads: Heads | None = None, now: datetime | None = None
) -> Iterator[bytes]:
    """The workbook written in write-only mode to a temporary file now (a spreadsheet is a zip archive: no byte of
    it is final before the last row), then streamed from that file."""
    return file_chunks(write_workbook(batches, lang, heads, now))


def to_xlsx(rows: list[RegisterRow], lang: str) -> bytes:
    return b"".join(xlsx_chunks([rows], lang))


def pdf_bytes(
    batches: Iterable[list[RegisterRow]],
    lang: str,
    filters: RegisterFilters | None,
    now: datetime,
    limit: int,
    heads: Heads | None = None,
) -> bytes:
    """The PDF of at most ``limit`` rows (the caller refuses a larger selection; rows recorded since it counted are
    left out rather than let the document grow)."""
    return render_pdf(list(islice(chain.from_iterable(batches), limit)), lang, filters, now, heads=heads)


class _Pipe:
    """What a ZipFile writes, taken out piece by piece: a write-only stream without seek (ZipFile then writes a
    data descriptor after each member instead of going back to its header)."""

    def __init__(self) -> None:
        self.pieces: list[bytes] = []

    def write(self, data: bytes, /) -> int:
        self.pieces.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def take(self) -> bytes:
        taken, self.pieces = b"".join(self.pieces), []
        return taken


def part_name(stem: str, number: int, parts: int, lang: str) -> str:
    width = len(str(parts))
    word = "part-{n}-of-{parts}" if lang == "en" else "deel-{n}-van-{parts}"
    return f"{stem}-{word.format(n=str(number).zfill(width), parts=parts)}.pdf"


def pdf_zip_chunks(
    batches: Iterable[list[RegisterRow]],
    lang: str,
    filters: RegisterFilters | None,
    now: datetime,
    *,
    total: int,
    part_size: int,
    stem: str,
    heads: Heads | None = None,
) -> Iterator[bytes]:
    """A selection too large for one PDF: a ZIP archive of PDFs of ``part_size`` incidents each, oldest awareness
    first, streamed one part at a time (memory stays that of one part). ``total`` is the count the caller showed;
    incidents recorded since are left out, as from a single PDF."""
    parts = max(1, -(-total // part_size))
    pipe = _Pipe()
    rows = islice(chain.from_iterable(batches), total)
    local = to_local(now)  # a ZIP's times are local times without a zone
    stamp = (local.year, local.month, local.day, local.hour, local.minute, local.second)
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        number, first = 0, 1
        while chunk := list(islice(rows, part_size)):
            number += 1
            pdf = render_pdf(chunk, lang, filters, now, Part(number, parts, first, total), heads)
            info = zipfile.ZipInfo(part_name(stem, number, parts, lang), date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, pdf)
            first += len(chunk)
            yield pipe.take()
    yield pipe.take()
