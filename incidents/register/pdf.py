"""The register as a PDF: landscape A4, the app's embedded DejaVu fonts, the selection at the top, an overview
table of the summary columns, then per incident the other columns. "Page X of Y" on every page.

A PDF is for reading, printing and handing to the AP, and one PDF holds at most ``REGISTER_PDF_MAX`` incidents
(1,000 by default). reportlab lays a document out whole in memory (its page count is known only at the end, and
the "of Y" on every page waits for it), so memory grows with the document: the limit is what keeps it bounded. A
larger selection is a ZIP archive of such PDFs (export.pdf_zip_chunks), streamed part by part: each part says
which part it is and which incidents of the whole it holds, and memory stays that of one part."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import LongTable, Paragraph, Spacer, TableStyle

from ..core.instants import utcnow
from ..core.scope_words import number
from ..pdf import FONT, FONT_BOLD, build, para_text, register_fonts
from ..record.words import Heads, record_rows
from ..record.words import heading as record_heading
from .columns import COLUMNS, cell_text, local_text
from .filters import RegisterFilters
from .rows import RegisterRow
from .words import AP_SEVERITY, INCIDENT_STATUS, word

PAGE = landscape(A4)
MARGIN = 12 * mm
PADDING = 4 + 1  # cell padding left and right, and a little air
MAX_WORD = 26 * mm
TITLE_MIN = 30 * mm
WORDS = {
    "nl": {
        "title": "Register van datalekken",
        "basis": "AVG art. 33 lid 5: elk incident, gemeld of niet",
        "generated": "Opgemaakt op",
        "selection": "Selectie",
        "period": "Periode (kennisname)",
        "from_to": "{start} t/m {end}",
        "from": "vanaf {start}",
        "to": "tot en met {end}",
        "all": "alle",
        "controller": "Verwerkingsverantwoordelijke",
        "status": "Status",
        "severity": "Ernst (AP)",
        "none": "niet beoordeeld",
        "search": "Zoekterm",
        "count": "{n} incident(en)",
        "details": "Per incident",
        "empty": "Geen incidenten in deze selectie.",
        "page": "Pagina {page} van {pages}",
        "times": "Tijden in Amsterdamse tijd (Europe/Amsterdam).",
        "part": "Deel {part} van {parts}: incident {first} t/m {last} van {total} (oudste kennisname eerst)",
    },
    "en": {
        "title": "Breach register",
        "basis": "GDPR Art. 33(5): every incident, notified or not",
        "generated": "Generated at",
        "selection": "Selection",
        "period": "Period (aware at)",
        "from_to": "{start} to {end}",
        "from": "from {start}",
        "to": "up to {end}",
        "all": "all",
        "controller": "Controller",
        "status": "Status",
        "severity": "Severity (AP)",
        "none": "not assessed",
        "search": "Search",
        "count": "{n} incident(s)",
        "details": "Per incident",
        "empty": "No incidents in this selection.",
        "page": "Page {page} of {pages}",
        "times": "Times in Amsterdam time (Europe/Amsterdam).",
        "part": "Part {part} of {parts}: incidents {first} to {last} of {total} (oldest awareness first)",
    },
}


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=FONT, fontSize=8.5, leading=11)
    return {
        "base": base,
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=15, leading=19, spaceAfter=2),
        "cell": ParagraphStyle("cell", parent=base, fontSize=7, leading=8.5),
        "head": ParagraphStyle("head", parent=base, fontName=FONT_BOLD, fontSize=7, leading=8.5),
        "h": ParagraphStyle(
            "h",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=10,
            leading=13,
            spaceBefore=8,
            spaceAfter=2,
            textColor=colors.HexColor("#1f4e8c"),
            keepWithNext=1,
        ),
        "label": ParagraphStyle("label", parent=base, fontName=FONT_BOLD, fontSize=8, keepWithNext=1),
        "line": ParagraphStyle("line", parent=base),
    }


def selection(filters: RegisterFilters | None, lang: str) -> list[tuple[str, str]]:
    """The filters in words, for the top of the document."""
    w = WORDS[lang]
    f = filters or RegisterFilters()
    start, end = (d.isoformat() if d else None for d in (f.date_from, f.date_to))
    if start and end:
        period = w["from_to"].format(start=start, end=end)
    else:
        period = w["from"].format(start=start) if start else w["to"].format(end=end) if end else w["all"]
    severity = w["none"] if f.severity == "none" else word(AP_SEVERITY, f.severity, lang) or w["all"]
    chosen = [
        (w["period"], period),
        (w["controller"], f.controller_name or w["all"]),
        (w["status"], word(INCIDENT_STATUS, f.status, lang) or w["all"]),
        (w["severity"], severity),
    ]
    return [*chosen, (w["search"], f"“{f.search}”")] if f.search else chosen


def _widths(columns: list, headers: list[str], cells: list[list[str]], st: dict) -> list[float]:
    """Wide enough for each column's longest word (header) or value (the short cells), capped; the rest of
    the page width shared by the columns' spreadsheet widths. Never wider than the page."""
    head, cell = st["head"], st["cell"]
    minimum = []
    for i, column in enumerate(columns):
        words = [stringWidth(w, head.fontName, head.fontSize) for w in headers[i].split()]
        if column.key == "title":
            words.append(TITLE_MIN)
        else:
            words += [
                stringWidth(w, cell.fontName, cell.fontSize)
                for row in cells
                for w in (row[i].split() if column.kind in ("text", "instant") else [row[i]])
            ]
        minimum.append(min(max(words, default=0), MAX_WORD) + PADDING)
    available = PAGE[0] - 2 * MARGIN
    spare = available - sum(minimum)
    if spare <= 0:
        return [available * m / sum(minimum) for m in minimum]
    weight = sum(c.width for c in columns)
    return [m + spare * c.width / weight for m, c in zip(minimum, columns, strict=True)]


def _overview(rows: list[RegisterRow], lang: str, st: dict) -> LongTable:
    short = [c for c in COLUMNS if c.summary]
    headers = [c.header(lang) for c in short]
    cells = [[cell_text(c, r, lang) for c in short] for r in rows]
    widths = _widths(short, headers, cells, st)
    data = [[Paragraph(para_text(h), st["head"]) for h in headers]]
    data += [[Paragraph(para_text(text), st["cell"]) for text in row] for row in cells]
    result = LongTable(data, colWidths=widths, repeatRows=1)
    result.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#b8c0cc")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f8")),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return result


def _details(rows: list[RegisterRow], lang: str, st: dict) -> list:
    story: list = []
    for row in rows:
        story.append(Paragraph(para_text(f"{row.reference} · {row.title}"), st["h"]))
        for column in (c for c in COLUMNS if not c.summary):
            text = cell_text(column, row, lang)
            if text:
                story.append(Paragraph(para_text(column.header(lang)), st["label"]))
                story.extend(Paragraph(para_text(part), st["line"]) for part in _pieces(text))
                story.append(Spacer(1, 3))
    return story


def _pieces(text: str, size: int = 1500) -> list[str]:
    """The text as lines, a very long line (thousands of filings or controllers) cut after a "; " near
    ``size`` characters: many short paragraphs lay out in linear time, one huge paragraph does not."""
    pieces: list[str] = []
    for line in text.split("\n"):
        while len(line) > size:
            cut = line.rfind("; ", 0, size)
            cut = cut + 2 if cut > 0 else size
            pieces.append(line[:cut].rstrip())
            line = line[cut:]
        pieces.append(line)
    return pieces


@dataclass(frozen=True)
class Part:
    """Where a part of a register too large for one PDF stands in the whole (export.pdf_zip_chunks)."""

    number: int
    parts: int
    first: int  # the position of its first incident in the selection, from 1
    total: int


def render_pdf(
    rows: list[RegisterRow],
    lang: str,
    filters: RegisterFilters | None,
    now: datetime | None = None,
    part: Part | None = None,
    heads: Heads | None = None,
) -> bytes:
    register_fonts()
    lang = "en" if lang == "en" else "nl"
    w, st = WORDS[lang], _styles()
    now = now or utcnow()
    story = [
        Paragraph(para_text(w["title"]), st["title"]),
        Paragraph(para_text(w["basis"]), st["base"]),
        Paragraph(para_text(f"{w['generated']} {local_text(now)} · {w['times']}"), st["base"]),
        Spacer(1, 2 * mm),
        Paragraph(
            para_text(
                w["selection"]
                + ": "
                + " · ".join(f"{k}: {v}" for k, v in selection(filters, lang))
                + " · "
                + w["count"].format(n=len(rows))
            ),
            st["base"],
        ),
        Spacer(1, 3 * mm),
    ]
    if part is not None:
        line = w["part"].format(
            part=number(part.number, lang),
            parts=number(part.parts, lang),
            first=number(part.first, lang),
            last=number(part.first + len(rows) - 1, lang),
            total=number(part.total, lang),
        )
        story[-1:-1] = [Paragraph(para_text(line), st["base"])]
    if rows:
        story += [_overview(rows, lang, st), Paragraph(para_text(w["details"]), st["h"]), *_details(rows, lang, st)]
    else:
        story.append(Paragraph(para_text(w["empty"]), st["base"]))
    if heads:
        story.append(Paragraph(para_text(record_heading(lang)), st["h"]))
        story += [
            Paragraph(para_text(f"{label}: {value}" if label else value), st["base"])
            for label, value in record_rows(heads, now, lang)
        ]
    return build(
        story,
        title=w["title"],
        header=f"{w['title']} · {w['basis']}",
        page_text=w["page"],
        pagesize=PAGE,
        margin=MARGIN,
        top=13 * mm,
        bottom=13 * mm,
        font_size=7.5,
        header_y=8 * mm,
        footer_y=7 * mm,
    )
