"""The register as an Excel workbook: one sheet, a frozen bold header row with a filter, real numbers and
real datetimes (Amsterdam wall-clock time; Excel has no time zones, so the header names it).

Written with openpyxl in write-only mode, batch by batch, into a temporary file: the rows go to disk as they come,
so memory stays that of one batch, whatever the number of incidents."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from datetime import datetime
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ..core.instants import utcnow
from ..record.words import Heads, record_rows
from ..record.words import heading as record_heading
from .columns import COLUMNS, cell_value
from .rows import RegisterRow

NUMBER_FORMATS = {"instant": "yyyy-mm-dd hh:mm", "number": "0.00", "int": "0"}
MAX_CELL = 32767  # Excel refuses longer text in a cell (an incident with thousands of contracts gets there)
CUT = {"nl": " … [afgekapt: zie CSV of PDF]", "en": " … [truncated: see CSV or PDF]"}
SPOOL = 1024 * 1024  # a workbook up to this size stays in memory; a larger one goes to disk


def _fit(value: object, lang: str) -> object:
    if isinstance(value, str) and len(value) > MAX_CELL:
        marker = CUT["en" if lang == "en" else "nl"]
        return value[: MAX_CELL - len(marker)] + marker
    return value


def write_workbook(
    batches: Iterable[list[RegisterRow]], lang: str, heads: Heads | None = None, now: datetime | None = None
) -> IO[bytes]:
    """The workbook in a temporary file (removed when closed), positioned anywhere: read it from the start."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Register")
    for c, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = column.width
    sheet.freeze_panes = "B2"  # the header row and the reference column stay in view
    bold, wrap, top = Font(bold=True), Alignment(wrap_text=True, vertical="top"), Alignment(vertical="top")
    header = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, value=column.header(lang))
        cell.font, cell.alignment = bold, wrap
        header.append(cell)
    sheet.append(header)
    count = 0
    for batch in batches:
        for row in batch:
            cells: list[object] = []
            for column in COLUMNS:
                value = _fit(cell_value(column, row, lang), lang)
                if value is None:
                    cells.append(None)
                    continue
                cell = WriteOnlyCell(sheet, value=value)
                if column.kind == "text":
                    cell.data_type = "s"  # user text starting with "=" stays text, never a formula
                elif column.kind in NUMBER_FORMATS:
                    cell.number_format = NUMBER_FORMATS[column.kind]
                cell.alignment = wrap if column.long else top
                cells.append(cell)
            sheet.append(cells)
            count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{count + 1}"
    if heads:
        # The record's chain heads when the export was made, on a sheet of their own (the register sheet stays a
        # plain table).
        record = book.create_sheet(record_heading(lang)[:31])
        record.column_dimensions["A"].width, record.column_dimensions["B"].width = 24, 90
        for label, value in record_rows(heads, now or utcnow(), lang):
            record.append([label, value])
    file = tempfile.SpooledTemporaryFile(max_size=SPOOL)  # noqa: SIM115 (closed by the caller, once streamed)
    book.save(file)
    return file
