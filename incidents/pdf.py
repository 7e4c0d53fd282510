"""The PDF kit of the notices, the AP drafts and the register: the embedded DejaVu fonts, the document styles,
user text made safe for reportlab, and a canvas that draws a header and "page X of Y" on every page.
Pure: no Flask, no database."""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import SimpleDocTemplate

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"


def register_fonts() -> None:
    """Register the DejaVu fonts once per process: they cover every character users type (ë, ĳ, €, …)."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    # Plain compressed streams instead of ASCII85-wrapped ones: smaller files, less work.
    rl_config.useA85 = 0
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


# Control characters other than tab and newline, and lone surrogates (a PDF cannot encode them).
UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def clean(text: str | None) -> str:
    """User text normalised to NFC, with unprintable characters removed."""
    return UNPRINTABLE.sub("", unicodedata.normalize("NFC", (text or "").replace("\r\n", "\n")))


def para_text(text: str | None) -> str:
    """User text made safe for a reportlab Paragraph (which reads a small XML dialect)."""
    return xml_escape(clean(text)).replace("\n", "<br/>")


def styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles of the A4 documents (notices, investigation reports, AP drafts)."""
    base = ParagraphStyle("base", fontName=FONT, fontSize=9.5, leading=12.5)
    return {
        "base": base,
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=15, leading=19, spaceAfter=4),
        "sub": ParagraphStyle("sub", parent=base, fontSize=10, textColor=colors.HexColor("#333333")),
        "h": ParagraphStyle(
            "h",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=11,
            leading=14,
            spaceBefore=9,
            spaceAfter=3,
            textColor=colors.HexColor("#1f4e8c"),
            keepWithNext=1,
        ),
        "label": ParagraphStyle("label", parent=base, fontName=FONT_BOLD, fontSize=9),
        "row": ParagraphStyle("row", parent=base, spaceAfter=3.5),
        "warn": ParagraphStyle("warn", parent=base, fontName=FONT_BOLD, textColor=colors.HexColor("#a15c00")),
    }


class NumberedCanvas(pdf_canvas.Canvas):
    """Draws the header at the top left and "page X of Y" at the bottom right of every page, once the page count
    is known. ``margin`` is the distance of both from the page's side, ``header_y`` the header's distance from
    the top and ``footer_y`` the page number's distance from the bottom."""

    def __init__(
        self,
        *args,
        header: str = "",
        page_text: str = "",
        font_size: float = 8,
        margin: float = 18 * mm,
        header_y: float = 12 * mm,
        footer_y: float = 10 * mm,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []
        self._header, self._page_text = header, page_text
        self._font_size, self._margin, self._header_y, self._footer_y = font_size, margin, header_y, footer_y

    def showPage(self):  # noqa: N802 (reportlab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            width, height = self._pagesize
            self.setFont(FONT, self._font_size)
            self.setFillColor(colors.HexColor("#555555"))
            self.drawString(self._margin, height - self._header_y, self._header)
            self.drawRightString(
                width - self._margin, self._footer_y, self._page_text.format(page=self._pageNumber, pages=total)
            )
            super().showPage()
        super().save()


def numbered(header: str, page_text: str, **layout) -> Callable[..., NumberedCanvas]:
    """A ``canvasmaker`` for ``doc.build``: a NumberedCanvas with this header and page text ("Page {page} of
    {pages}"); ``layout`` takes NumberedCanvas's font_size, margin, header_y and footer_y."""
    return lambda *args, **kwargs: NumberedCanvas(*args, header=header, page_text=page_text, **layout, **kwargs)


def build(  # noqa: PLR0913 (keyword-only page settings)
    story: list,
    *,
    title: str,
    header: str,
    page_text: str,
    author: str | None = None,
    pagesize: tuple[float, float] = A4,
    margin: float = 18 * mm,
    top: float = 18 * mm,
    bottom: float = 18 * mm,
    **layout,
) -> bytes:
    """The story laid out as a PDF with the fonts registered and a NumberedCanvas whose header and page number
    keep to the side margin. ``invariant``: the same story gives the same bytes (no creation time or random
    document id)."""
    register_fonts()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=top,
        bottomMargin=bottom,
        title=title,
        author=author,
        invariant=True,
    )
    doc.build(story, canvasmaker=numbered(header, page_text, margin=margin, **layout))
    return buffer.getvalue()
