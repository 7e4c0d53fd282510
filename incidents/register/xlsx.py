"""The register as an Excel workbook: one sheet, a frozen bold header row with a filter, real numbers and
real datetimes (Amsterdam wall-clock time; Excel has no time zones, so the header names it)."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .columns import COLUMNS, cell_value
from .queries import RegisterRow

NUMBER_FORMATS = {"instant": "yyyy-mm-dd hh:mm", "number": "0.00", "int": "0"}
MAX_CELL = 32767  # Excel refuses longer text in a cell (an incident with thousands of contracts gets there)
CUT = {"nl": " … [afgekapt: zie CSV of PDF]", "en": " … [truncated: see CSV or PDF]"}


def _fit(value: object, lang: str) -> object:
    if isinstance(value, str) and len(value) > MAX_CELL:
        marker = CUT["en" if lang == "en" else "nl"]
        return value[: MAX_CELL - len(marker)] + marker
    return value


def workbook_bytes(rows: list[RegisterRow], lang: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Register"
    sheet.append([c.header(lang) for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    for r, row in enumerate(rows, start=2):
        for c, column in enumerate(COLUMNS, start=1):
            cell = sheet.cell(row=r, column=c, value=_fit(cell_value(column, row, lang), lang))
            if column.kind == "text" and cell.value is not None:
                cell.data_type = "s"  # user text starting with "=" stays text, never a formula
            elif column.kind in NUMBER_FORMATS:
                cell.number_format = NUMBER_FORMATS[column.kind]
            cell.alignment = wrap if column.long else top
    for c, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = column.width
    sheet.freeze_panes = "B2"  # the header row and the reference column stay in view
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(1, len(rows) + 1)}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
