"""The register's columns and its renderings. One column list serves the web table, CSV, XLSX and PDF,
so every rendering shows the same values.

Instants are shown in Europe/Amsterdam local time as "YYYY-MM-DD HH:MM" (the header says so); the API's
JSON carries them in UTC. Codes (status, kind, decisions, filing kinds) are shown as stored, so that an
export reads the same in either language; only headers, field labels and decimal commas follow the language.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ..core.fields import label
from ..core.instants import to_local
from ..notices.render import clean
from .queries import EFFECT_FIELDS, FACT_FIELDS, REMEDIAL_FIELDS, RegisterRow

LOCAL_FORMAT = "%Y-%m-%d %H:%M"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    key: str
    nl: str
    en: str
    value: Callable[[RegisterRow, str], object]
    kind: str = "text"  # text | instant | int | number
    width: int = 14  # characters in the spreadsheet; relative width in the PDF table
    long: bool = False  # long text: wrapped in the spreadsheet
    summary: bool | None = None  # in the PDF's overview table (default: unless long), else under it

    def __post_init__(self):
        if self.summary is None:
            object.__setattr__(self, "summary", not self.long)

    def header(self, lang: str) -> str:
        return self.en if lang == "en" else self.nl


def local_text(value: datetime) -> str:
    return to_local(value).strftime(LOCAL_FORMAT)


def _labelled(row: RegisterRow, keys: tuple[str, ...], lang: str, lead: str = "") -> str:
    parts = [lead] if lead else []
    parts += [f"{label(k, lang)}: {v}" for k, v in row.field_values(keys).items() if v]
    return "\n".join(parts)


def _decisions(row: RegisterRow, lang: str) -> str:
    return "; ".join(f"{d.controller}: {d.notify_ap} / {d.inform_subjects or '—'}"
                     + (f" ({d.subjects_ground})" if d.subjects_ground else "") for d in row.decisions)


def _filings(row: RegisterRow, lang: str) -> str:
    return "; ".join(f"{f.kind} {local_text(f.at)}" + (f" ({f.reference})" if f.reference else "")
                     for f in row.filings)


COLUMNS: tuple[Column, ...] = (
    Column("reference", "Referentie", "Reference", lambda r, _: r.reference, width=14),
    Column("title", "Titel", "Title", lambda r, _: r.title, width=30),
    Column("status", "Status", "Status", lambda r, _: r.status, width=11),
    Column("aware_at", "Kennisname (Amsterdamse tijd)", "Aware at (Amsterdam time)", lambda r, _: r.aware_at,
           "instant", 17),
    Column("confirmed_at", "Vastgesteld op (Amsterdamse tijd)", "Confirmed at (Amsterdam time)",
           lambda r, _: r.confirmed_at, "instant", 17),
    Column("dismissed_at", "Afgewezen op (Amsterdamse tijd)", "Dismissed at (Amsterdam time)",
           lambda r, _: r.dismissed_at, "instant", 17, summary=False),
    Column("dismiss_reason", "Reden afwijzing", "Reason for dismissal", lambda r, _: r.dismiss_reason, width=30,
           long=True),
    Column("controllers", "Verwerkingsverantwoordelijken", "Controllers", lambda r, _: "; ".join(r.controllers),
           width=30, long=True),
    Column("incident_kind", "Soort incident", "Kind of incident", lambda r, _: r.incident_kind, width=18),
    Column("facts", "Feiten", "Facts", lambda r, lang: _labelled(r, FACT_FIELDS, lang, r.description), width=45,
           long=True),
    Column("effects", "Gevolgen", "Effects", lambda r, lang: _labelled(r, EFFECT_FIELDS, lang), width=45, long=True),
    Column("remedial_action", "Genomen maatregelen", "Remedial action",
           lambda r, lang: _labelled(r, REMEDIAL_FIELDS, lang), width=45, long=True),
    Column("severity_band", "Ernst (ENISA)", "Severity (ENISA)", lambda r, _: r.severity_band, width=10),
    Column("ap_severity", "Ernst (AP)", "Severity (AP)", lambda r, _: r.ap_severity, width=13),
    Column("se", "SE-score", "SE score", lambda r, _: r.se, "number", 8),
    Column("obligations_met", "Verplichtingen nagekomen", "Obligations met", lambda r, _: r.obligations_met,
           "int", 10),
    Column("obligations_missed", "Verplichtingen gemist", "Obligations missed", lambda r, _: r.obligations_missed,
           "int", 10),
    Column("obligations_open", "Verplichtingen open", "Obligations open", lambda r, _: r.obligations_open,
           "int", 10),
    Column("decisions", "Besluiten (laatste per verantwoordelijke)", "Decisions (latest per controller)",
           _decisions, width=40, long=True),
    Column("filings_count", "Aantal registraties", "Number of filings", lambda r, _: len(r.filings), "int", 10),
    Column("filings", "Registraties", "Filings", _filings, width=50, long=True),
)


def cell_text(column: Column, row: RegisterRow, lang: str) -> str:
    """The value as text: the web table, the CSV and the PDF show exactly this."""
    value = column.value(row, lang)
    if value is None or value == "":
        return ""
    if column.kind == "instant":
        return local_text(value)  # type: ignore[arg-type]
    if column.kind == "number":
        text = f"{value:.2f}"
        return text.replace(".", ",") if lang != "en" else text
    if column.kind == "int":
        return str(value)
    return clean(str(value))


def cell_value(column: Column, row: RegisterRow, lang: str) -> object:
    """The value for a spreadsheet cell: numbers as numbers, instants as local wall-clock datetimes."""
    value = column.value(row, lang)
    if value is None or value == "":
        return None
    if column.kind == "instant":
        local = to_local(value)  # type: ignore[arg-type]
        return datetime(local.year, local.month, local.day, local.hour, local.minute)
    if column.kind in ("int", "number"):
        return value
    return clean(str(value))


def table(rows: list[RegisterRow], lang: str) -> tuple[list[str], list[list[str]]]:
    """Headers and text cells, as the web page shows them."""
    return [c.header(lang) for c in COLUMNS], [[cell_text(c, r, lang) for c in COLUMNS] for r in rows]


def csv_separator(lang: str) -> str:
    """Dutch Excel expects a semicolon (the comma is its decimal sign); English Excel a comma."""
    return "," if lang == "en" else ";"


def _guard(column: Column, text: str) -> str:
    # A text cell that a spreadsheet would read as a formula is prefixed with an apostrophe.
    return "'" + text if column.kind == "text" and text.startswith(FORMULA_START) else text


def to_csv(rows: list[RegisterRow], lang: str) -> bytes:
    """UTF-8 with a byte-order mark (so Excel reads it as UTF-8), CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=csv_separator(lang), lineterminator="\r\n")
    writer.writerow([c.header(lang) for c in COLUMNS])
    for row in rows:
        writer.writerow([_guard(c, cell_text(c, row, lang)) for c in COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(rows: list[RegisterRow], lang: str) -> bytes:
    from .xlsx import workbook_bytes

    return workbook_bytes(rows, lang)


def to_pdf(rows: list[RegisterRow], lang: str, filters) -> bytes:
    from .pdf import render_pdf

    return render_pdf(rows, lang, filters)
