"""Render a notice or investigation report: PDF (reportlab platypus, embedded DejaVu, A4, page
numbers, the incident reference on every page) and the plain-text and HTML e-mail bodies, all from
one content structure. Pure: no Flask, no database."""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from markupsafe import escape as html_escape
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from ..core.instants import format_local
from .texts import words

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
FONT, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"


def _register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    # Plain compressed streams instead of ASCII85-wrapped ones: smaller files, less work.
    rl_config.useA85 = 0
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


@dataclass(frozen=True)
class ContractClause:
    reference: str
    profile_title: str
    source: str
    clause: str
    wording: str


@dataclass(frozen=True)
class FieldValue:
    key: str
    label: str
    value: str | None
    required: bool


@dataclass(frozen=True)
class APClock:
    owner: str  # controller | processor
    starts_at: datetime | None
    due_at: datetime | None
    clause: str


@dataclass
class NoticeContent:
    language: str
    kind: str  # notice | investigation_report
    version: str | None
    sequence: int
    processor_name: str
    processor_contact: str
    controller_name: str
    controller_kvk: str | None
    controller_contact: str
    controller_email: str
    incident_reference: str
    incident_title: str
    description: str
    aware_at: datetime
    confirmed_at: datetime | None
    contracts: list[ContractClause]
    fields: list[FieldValue]
    contact_point: str
    ap_clock: APClock
    issued_at: datetime
    next_update: str = ""
    report_sections: list[tuple[str, str]] = field(default_factory=list)
    ack_url: str | None = None
    details: list[tuple[str, str]] = field(default_factory=list)  # the shared AP-form details, as rows
    scope: list[tuple[str, str]] = field(default_factory=list)  # what only this controller is told

    @property
    def provisional(self) -> bool:
        return self.kind == "notice" and any(f.required and not f.value for f in self.fields)

    @property
    def missing(self) -> list[str]:
        return [f.label for f in self.fields if f.required and not f.value]


@dataclass(frozen=True)
class Rendered:
    subject: str
    pdf: bytes
    text: str
    html: str
    filename: str


# Control characters other than tab and newline, and lone surrogates (a PDF cannot encode them).
UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def clean(text: str | None) -> str:
    """User text normalised to NFC, with unprintable characters removed."""
    return UNPRINTABLE.sub("", unicodedata.normalize("NFC", (text or "").replace("\r\n", "\n")))


def para_text(text: str | None) -> str:
    """User text made safe for a reportlab Paragraph (which reads a small XML dialect)."""
    return xml_escape(clean(text)).replace("\n", "<br/>")


def _when(value: datetime | None, language: str) -> str:
    return format_local(value) if value else "—"


def _version_label(content: NoticeContent, w: dict[str, str]) -> str:
    if content.kind != "notice":
        return w["report_title"]
    label = w.get(f"version_{content.version}", content.version or "")
    return f"{label} {content.sequence}" if content.version == "update" else label


def _ap_lines(content: NoticeContent, w: dict[str, str]) -> list[str]:
    clock = content.ap_clock
    if clock.owner == "processor":
        return [w["ap_processor_files"].format(clause=clock.clause)]
    if clock.starts_at is None:
        return [w["ap_not_started"], w["ap_explain"]]
    return [f"{w['ap_start']}: {_when(clock.starts_at, content.language)}",
            f"{w['ap_due']}: {_when(clock.due_at, content.language)}", w["ap_explain"]]


def subject(content: NoticeContent) -> str:
    w = words(content.language)
    key = "subject_notice" if content.kind == "notice" else "subject_report"
    return clean(w[key].format(reference=content.incident_reference, version=_version_label(content, w),
                               processor=content.processor_name))


def sections(content: NoticeContent) -> list[tuple[str, list[tuple[str, str]]]]:
    """The document as (heading, [(label, value)]) sections: one structure for PDF, text and HTML."""
    w = words(content.language)
    result: list[tuple[str, list[tuple[str, str]]]] = [
        (w["parties"], [
            (w["processor"], f"{content.processor_name} · {content.processor_contact}"),
            (w["controller"], content.controller_name
             + (f" · {w['kvk']} {content.controller_kvk}" if content.controller_kvk else "")),
            (w["contact"], f"{content.controller_contact} <{content.controller_email}>".strip()),
        ]),
        (w["contracts"], [
            (f"{c.reference}", f"{c.source} — {c.clause}: “{c.wording}”") for c in content.contracts
        ]),
        (w["incident"], [
            (w["reference"], content.incident_reference),
            (w["title"], content.incident_title),
            (w["aware_at"], _when(content.aware_at, content.language)),
            (w["confirmed_at"], _when(content.confirmed_at, content.language) if content.confirmed_at
             else w["not_confirmed"]),
        ] + ([("", content.description)] if content.description else [])),
    ]
    if content.details:
        result.append((w["details"], content.details))
    if content.kind == "notice":
        result.append((w["information"], [(f.label, f.value or w["unknown"]) for f in content.fields]))
        if content.scope:
            result.append((w["scope"], content.scope))
        later = [(w["still_unknown"], ", ".join(content.missing))] if content.missing else []
        result.append((w["next_update"], later + [(w["next_update"], content.next_update
                                                   or w["next_update_default"])]))
    else:
        if content.scope:
            result.append((w["scope"], content.scope))
        result.append((w["report_title"], content.report_sections))
        # A notice names the contact point among its fields; a report names it here.
        result.append((w["contact_point"], [("", content.contact_point or content.processor_contact)]))
    result.append((w["ap_clock"], [("", line) for line in _ap_lines(content, w)]))
    return result


class _NumberedCanvas(pdf_canvas.Canvas):
    """Draws 'page X of Y' and the incident reference on every page once the page count is known."""

    def __init__(self, *args, header: str = "", page_text: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []
        self._header, self._page_text = header, page_text

    def showPage(self):  # noqa: N802 (reportlab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont(FONT, 8)
            self.setFillColor(colors.HexColor("#555555"))
            self.drawString(18 * mm, A4[1] - 12 * mm, self._header)
            self.drawRightString(A4[0] - 18 * mm, 10 * mm,
                                 self._page_text.format(page=self._pageNumber, pages=total))
            super().showPage()
        super().save()


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=FONT, fontSize=9.5, leading=12.5)
    return {
        "base": base,
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=15, leading=19, spaceAfter=4),
        "sub": ParagraphStyle("sub", parent=base, fontSize=10, textColor=colors.HexColor("#333333")),
        "h": ParagraphStyle("h", parent=base, fontName=FONT_BOLD, fontSize=11, leading=14, spaceBefore=9,
                            spaceAfter=3, textColor=colors.HexColor("#1f4e8c"), keepWithNext=1),
        "label": ParagraphStyle("label", parent=base, fontName=FONT_BOLD, fontSize=9),
        "row": ParagraphStyle("row", parent=base, spaceAfter=3.5),
        "warn": ParagraphStyle("warn", parent=base, fontName=FONT_BOLD, textColor=colors.HexColor("#a15c00")),
    }


def _rows(rows: list[tuple[str, str]], st: dict[str, ParagraphStyle]) -> list:
    """Each label/value pair as a bold label paragraph and plain value paragraphs. Single-style paragraphs
    take reportlab's fast line-breaking path, and a long value simply flows on to the next page."""
    flow = []
    for label, value in rows:
        if label:
            flow.append(Paragraph(para_text(label), st["label"]))
        flow.extend(Paragraph(para_text(part), st["row"])
                    for part in clean(value).split("\n\n") if part.strip())
    return flow


def render_pdf(content: NoticeContent) -> bytes:
    _register_fonts()
    w = words(content.language)
    st = _styles()
    title = w["notice_title"] if content.kind == "notice" else w["report_title"]
    story = [Paragraph(para_text(title), st["title"]),
             Paragraph(para_text(f"{content.incident_reference} · {_version_label(content, w)} · "
                                 f"{w['issued']} {_when(content.issued_at, content.language)}"), st["sub"])]
    if content.provisional:
        story += [Spacer(1, 3 * mm), Paragraph(para_text(w["provisional"]), st["warn"])]
    for heading, rows in sections(content):
        story.append(Paragraph(para_text(heading), st["h"]))  # keepWithNext: never alone at a page foot
        story.extend(_rows(rows, st))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm,
                            bottomMargin=18 * mm, title=f"{title} {content.incident_reference}",
                            author=content.processor_name, invariant=True)
    header = f"{content.incident_reference} · {content.processor_name} → {content.controller_name}"
    doc.build(story, canvasmaker=lambda *a, **k: _NumberedCanvas(*a, header=clean(header),
                                                                 page_text=w["page"], **k))
    return buffer.getvalue()


def render_text(content: NoticeContent) -> str:
    w = words(content.language)
    lines = [w["greeting"].format(name=content.controller_contact or content.controller_name), "",
             w["intro_notice"] if content.kind == "notice" else w["intro_report"], ""]
    if content.provisional:
        lines += [w["provisional"], ""]
    for heading, rows in sections(content):
        lines += [heading.upper(), "-" * len(heading)]
        for label, value in rows:
            lines.append(f"{label}: {clean(value)}" if label else clean(value))
        lines.append("")
    if content.ack_url:
        lines += [f"{w['ack']}: {content.ack_url}", ""]
    lines += [w["closing"], content.processor_name]
    return "\n".join(lines)


def render_html(content: NoticeContent) -> str:
    w = words(content.language)
    e = html_escape
    parts = [f"<p>{e(w['greeting'].format(name=content.controller_contact or content.controller_name))}</p>",
             f"<p>{e(w['intro_notice'] if content.kind == 'notice' else w['intro_report'])}</p>"]
    if content.provisional:
        parts.append(f"<p><strong>{e(w['provisional'])}</strong></p>")
    for heading, rows in sections(content):
        parts.append(f"<h3>{e(heading)}</h3><table cellpadding='4' style='border-collapse:collapse'>")
        for label, value in rows:
            body = e(clean(value)).replace("\n", "<br>")
            parts.append(f"<tr><th align='left' valign='top'>{e(label)}</th><td>{body}</td></tr>")
        parts.append("</table>")
    if content.ack_url:
        parts.append(f"<p><a href='{e(content.ack_url)}'>{e(w['ack'])}</a></p>")
    parts.append(f"<p>{e(w['closing'])}<br>{e(content.processor_name)}</p>")
    return "<!doctype html><html><body style='font-family:sans-serif'>" + "".join(parts) + "</body></html>"


def filename(content: NoticeContent) -> str:
    kind = "melding" if content.kind == "notice" else "rapportage"
    if content.language == "en":
        kind = "notice" if content.kind == "notice" else "report"
    version = f"-{content.version}" if content.kind == "notice" else ""
    return f"{content.incident_reference}-{kind}{version}-{content.sequence}.pdf"


def render(content: NoticeContent) -> Rendered:
    return Rendered(subject(content), render_pdf(content), render_text(content), render_html(content),
                    filename(content))
