"""Render a notice or investigation report: PDF (reportlab platypus, embedded DejaVu, A4, page
numbers, the incident reference on every page) and the plain-text and HTML e-mail bodies, all from
one content structure. Pure: no Flask, no database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from markupsafe import escape as html_escape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from ..core.filenames import name_part
from ..core.instants import format_local
from ..core.profiles import cited
from ..pdf import build, clean, para_text, register_fonts, styles
from ..record.words import heading as record_heading
from ..record.words import record_rows
from .texts import words


@dataclass(frozen=True)
class ContractClause:
    reference: str
    profile_title: str
    source: str
    clause: str
    wording: str
    paraphrase: bool = False


@dataclass(frozen=True)
class FieldValue:
    key: str
    label: str
    value: str | None
    required: bool


@dataclass(frozen=True)
class AuthorityFacts:
    """The controller's competent supervisory authority as the notice names it (config/authorities.toml)."""

    name: str  # "Autoriteit Persoonsgegevens (AP)", in the notice's language
    short_name: str  # "AP"
    url: str  # its page on notifying a breach
    lead: bool = False  # the lead authority of the controller's main establishment (cross-border)
    note: str = ""  # e.g. Germany: the Land's authority supervises private bodies


DUTCH_AP = AuthorityFacts(
    "Autoriteit Persoonsgegevens (AP)",
    "AP",
    "https://www.autoriteitpersoonsgegevens.nl/themas/beveiliging/datalekken/zo-meldt-u-een-datalek",
)


@dataclass(frozen=True)
class APClock:
    owner: str  # controller | processor
    starts_at: datetime | None
    due_at: datetime | None
    clause: str
    # The authority the controller notifies; None when it is established outside the EEA without a main
    # establishment there (no lead authority: every authority where affected data subjects live).
    authority: AuthorityFacts | None = DUTCH_AP


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
    # What the notice reports, as the incident stood when it was made: a suspicion, an established breach, or
    # (after a dismissal) that the suspicion proved unfounded. Its title and subject say so.
    stage: str = "established"
    dismissed_at: datetime | None = None
    dismiss_reason: str = ""
    # Everyone the notice is addressed to, "name <address>; …": the contracts' breach contacts (BOZ Bijlage 3) or
    # the controller's contact.
    addressed_to: str = ""
    # Contacts with (or disclosures to) authorities other than the AP recorded for this controller: (when, what).
    authority_contacts: list[tuple[str, str]] = field(default_factory=list)
    # The record's chain heads when the document was made: (table, seq, hash) (incidents/record).
    record_heads: list[tuple[str, int, str]] = field(default_factory=list)
    # The controller is itself a processor (Controller.is_processor): the notice tells it of its own duty to inform
    # its controllers (AVG art. 33 lid 2) instead of an AP deadline of its own.
    is_processor: bool = False
    # Reported to us by a sub-processor: (its name, when it informed us, when it became aware itself or None).
    sub_processor_report: tuple[str, datetime, datetime | None] | None = None

    @property
    def provisional(self) -> bool:
        if self.kind != "notice" or self.stage == "unfounded":
            return False
        return any(f.required and not f.value for f in self.fields)

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


def _when(value: datetime | None, language: str) -> str:
    return format_local(value) if value else "—"


def _version_label(content: NoticeContent, w: dict[str, str]) -> str:
    if content.kind != "notice":
        return w["report_title"]
    label = w.get(f"version_{content.version}", content.version or "")
    return f"{label} {content.sequence}" if content.version == "update" else label


def authority_words(clock: APClock, w: dict[str, str]) -> dict[str, str]:
    """How a document names the controller's authority: its full name and its short name (the EEA's authorities
    where none is competent on its own)."""
    found = clock.authority
    if found is None:
        return {"authority": w["authority_each"], "short": w["authority_each_short"]}
    return {"authority": found.name, "short": found.short_name}


def _authority_lines(clock: APClock, w: dict[str, str]) -> list[str]:
    """Which authority applies and where it is notified; a controller outside the EEA is told that none was picked."""
    found = clock.authority
    if found is None:
        return [w["authority_outside_eea"]]
    lines = [w["authority_lead" if found.lead else "authority_is"].format(name=found.name, url=found.url)]
    return lines + ([found.note] if found.note else [])


def _ap_lines(content: NoticeContent, w: dict[str, str]) -> list[str]:
    clock = content.ap_clock
    named = authority_words(clock, w)
    authority = _authority_lines(clock, w)
    if clock.owner == "processor":
        return [w["ap_processor_files"].format(clause=clock.clause, **named), *authority]
    if clock.starts_at is None:
        return [*authority, w["ap_not_started"], w["ap_explain"]]
    return [
        *authority,
        f"{w['ap_start']}: {_when(clock.starts_at, content.language)}",
        f"{w['ap_due']}: {_when(clock.due_at, content.language)}",
        w["ap_explain"],
    ]


def _ap_section(content: NoticeContent, w: dict[str, str]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The controller's AP clock; for a controller that is itself a processor, its own onward duty instead: it has
    no AP deadline of its own, and its controllers' 72 hours run from when it informs them."""
    named = authority_words(content.ap_clock, w)
    if not content.is_processor:
        return [(w["ap_clock"].format(**named), [("", line) for line in _ap_lines(content, w)])]
    duty = w["onward_duty_suspected"] if content.stage == "suspected" else w["onward_duty"]
    rows = [("", duty), ("", w["onward_their_clock"])]
    if content.ap_clock.owner == "processor":
        rows.append(("", w["ap_processor_files"].format(clause=content.ap_clock.clause, **named)))
    rows.append(("", w["onward_forward"]))
    carry = [
        (w["onward_our_aware"], _when(content.aware_at, content.language)),
        *_report_rows(content, w),
        (w["onward_told_you"], _when(content.issued_at, content.language)),
        (w["onward_reference"], content.incident_reference),
        (w["onward_contact"], content.contact_point or content.processor_contact),
    ]
    return [(w["onward_title"], rows), (w["onward_carry"], carry)]


def _report_rows(content: NoticeContent, w: dict[str, str]) -> list[tuple[str, str]]:
    """Who reported the incident to us, where it was one of our sub-processors: its name, when it informed us (our
    moment of becoming aware) and when it became aware itself."""
    if content.sub_processor_report is None:
        return []
    name, informed, their_aware = content.sub_processor_report
    value = w["reported_by_sub_processor_value"].format(name=name, informed=_when(informed, content.language))
    if their_aware is not None:
        value += " " + w["sub_processor_aware"].format(at=_when(their_aware, content.language))
    return [(w["reported_by_sub_processor"], value)]


def _staged(content: NoticeContent, key: str) -> str:
    """The key of a notice's wording for its stage (a report has one wording)."""
    return f"{key}_{content.stage}" if content.kind == "notice" and content.stage != "established" else key


def title(content: NoticeContent) -> str:
    w = words(content.language)
    return w[_staged(content, "notice_title")] if content.kind == "notice" else w["report_title"]


def subject(content: NoticeContent) -> str:
    w = words(content.language)
    key = _staged(content, "subject_notice") if content.kind == "notice" else "subject_report"
    return clean(
        w[key].format(
            reference=content.incident_reference, version=_version_label(content, w), processor=content.processor_name
        )
    )


def _stage_rows(content: NoticeContent, w: dict[str, str]) -> list[tuple[str, str]]:
    if content.kind != "notice" or content.stage == "established":
        return []
    rows = [("", w[f"stage_{content.stage}"])]
    if content.stage == "unfounded":
        rows += [(w["dismissed_at"], _when(content.dismissed_at, content.language))]
        rows += [(w["dismiss_reason"], content.dismiss_reason)] if content.dismiss_reason else []
    return rows


def sections(content: NoticeContent) -> list[tuple[str, list[tuple[str, str]]]]:
    """The document as (heading, [(label, value)]) sections: one structure for PDF, text and HTML."""
    w = words(content.language)
    result: list[tuple[str, list[tuple[str, str]]]] = [
        (
            w["parties"],
            [
                (w["processor"], f"{content.processor_name} · {content.processor_contact}"),
                (
                    w["controller"],
                    content.controller_name
                    + (f" · {w['kvk']} {content.controller_kvk}" if content.controller_kvk else ""),
                ),
                (
                    w["contact"],
                    content.addressed_to or f"{content.controller_contact} <{content.controller_email}>".strip(),
                ),
            ],
        ),
        (
            w["contracts"],
            [
                (f"{c.reference}", f"{c.source} — {c.clause}: {cited(c.wording, c.paraphrase, content.language)}")
                for c in content.contracts
            ],
        ),
        (
            w["incident"],
            [
                (w["reference"], content.incident_reference),
                (w["title"], content.incident_title),
                (w["aware_at"], _when(content.aware_at, content.language)),
                *_report_rows(content, w),
                (
                    w["confirmed_at"],
                    _when(content.confirmed_at, content.language) if content.confirmed_at else w["not_confirmed"],
                ),
            ]
            + ([(w["description"], content.description)] if content.description else [])
            + _stage_rows(content, w),
        ),
    ]
    if content.details:
        result.append((w["details"], content.details))
    if content.kind == "notice" and content.stage == "unfounded":
        return result + _record(content)  # nothing more to report, and no AP clock: there was no breach
    if content.kind == "notice":
        result.append((w["information"], [(f.label, f.value or w["unknown"]) for f in content.fields]))
        if content.scope:
            result.append((w["scope"], content.scope))
        if content.authority_contacts:
            result.append(
                (w["authority_contacts"].format(**authority_words(content.ap_clock, w)), content.authority_contacts)
            )
        later = [(w["still_unknown"], ", ".join(content.missing))] if content.missing else []
        result.append((w["next_update"], later + [(w["next_update"], content.next_update or w["next_update_default"])]))
    else:
        if content.scope:
            result.append((w["scope"], content.scope))
        result.append((w["report_title"], content.report_sections))
        # A notice names the contact point among its fields; a report names it here.
        result.append((w["contact_point"], [("", content.contact_point or content.processor_contact)]))
    result.extend(_ap_section(content, w))
    return result + _record(content)


def _record(content: NoticeContent) -> list[tuple[str, list[tuple[str, str]]]]:
    if not content.record_heads:
        return []
    return [(record_heading(content.language), record_rows(content.record_heads, content.issued_at, content.language))]


def _rows(rows: list[tuple[str, str]], st: dict[str, ParagraphStyle]) -> list:
    """Each label/value pair as a bold label paragraph and plain value paragraphs. Single-style paragraphs
    take reportlab's fast line-breaking path, and a long value simply flows on to the next page."""
    flow = []
    for label, value in rows:
        if label:
            flow.append(Paragraph(para_text(label), st["label"]))
        flow.extend(Paragraph(para_text(part), st["row"]) for part in clean(value).split("\n\n") if part.strip())
    return flow


def render_pdf(content: NoticeContent) -> bytes:
    register_fonts()
    w = words(content.language)
    st = styles()
    heading = title(content)
    story = [
        Paragraph(para_text(heading), st["title"]),
        Paragraph(
            para_text(
                f"{content.incident_reference} · {_version_label(content, w)} · "
                f"{w['issued']} {_when(content.issued_at, content.language)}"
            ),
            st["sub"],
        ),
    ]
    if content.provisional:
        story += [Spacer(1, 3 * mm), Paragraph(para_text(w["provisional"]), st["warn"])]
    for heading, rows in sections(content):
        story.append(Paragraph(para_text(heading), st["h"]))  # keepWithNext: never alone at a page foot
        story.extend(_rows(rows, st))
    header = f"{content.incident_reference} · {content.processor_name} → {content.controller_name}"
    return build(
        story,
        title=f"{heading} {content.incident_reference}",
        author=content.processor_name,
        header=clean(header),
        page_text=w["page"],
    )


def render_text(content: NoticeContent) -> str:
    w = words(content.language)
    lines = [
        w["greeting"].format(name=content.controller_contact or content.controller_name),
        "",
        w["intro_notice"] if content.kind == "notice" else w["intro_report"],
        "",
    ]
    if content.is_processor and content.stage != "unfounded":
        lines += [w["intro_processor"], ""]
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


# The HTML e-mail fits a phone: no fixed widths, long words and links wrap (mail clients read inline styles only).
BODY_STYLE = "font-family:sans-serif;margin:0;padding:8px;max-width:680px"
TABLE_STYLE = "border-collapse:collapse;width:100%;table-layout:fixed"
CELL_STYLE = "overflow-wrap:anywhere;word-break:break-word"


def render_html(content: NoticeContent) -> str:
    w = words(content.language)
    e = html_escape
    parts = [
        f"<p>{e(w['greeting'].format(name=content.controller_contact or content.controller_name))}</p>",
        f"<p>{e(w['intro_notice'] if content.kind == 'notice' else w['intro_report'])}</p>",
    ]
    if content.is_processor and content.stage != "unfounded":
        parts.append(f"<p><strong>{e(w['intro_processor'])}</strong></p>")
    if content.provisional:
        parts.append(f"<p><strong>{e(w['provisional'])}</strong></p>")
    for heading, rows in sections(content):
        parts.append(f"<h3>{e(heading)}</h3><table cellpadding='4' style='{TABLE_STYLE}'>")
        for label, value in rows:
            body = e(clean(value)).replace("\n", "<br>")
            parts.append(
                f"<tr><th align='left' valign='top' style='{CELL_STYLE}'>{e(label)}</th>"
                f"<td style='{CELL_STYLE}'>{body}</td></tr>"
            )
        parts.append("</table>")
    if content.ack_url:
        parts.append(f"<p><a href='{e(content.ack_url)}' style='{CELL_STYLE}'>{e(w['ack'])}</a></p>")
    parts.append(f"<p>{e(w['closing'])}<br>{e(content.processor_name)}</p>")
    return (
        "<!doctype html><html><head><meta name='viewport' content='width=device-width, initial-scale=1'></head>"
        f"<body style='{BODY_STYLE}'>" + "".join(parts) + "</body></html>"
    )


# The words of a file name, in the document's language: "DL-2026-0006-melding-aanvulling-2-GGZ-Kustland.pdf".
FILE_WORDS = {
    "nl": {
        "notice": "melding",
        "report": "rapportage",
        "initial": "eerste",
        "update": "aanvulling",
        "final": "definitief",
    },
    "en": {"notice": "notice", "report": "report", "initial": "initial", "update": "update", "final": "final"},
}


def filename(content: NoticeContent) -> str:
    """One language per name, and the controller's name in it: the notices of one incident to several controllers
    do not collide in a downloads folder."""
    words = FILE_WORDS["en" if content.language == "en" else "nl"]
    parts = [content.incident_reference]
    if content.kind == "notice":
        parts += [words["notice"], words.get(content.version or "", content.version or "")]
        if content.version == "update" or content.sequence > 1:
            parts.append(str(content.sequence))
    else:
        parts += [words["report"], str(content.sequence)]
    fallback = "verwerkingsverantwoordelijke" if content.language != "en" else "controller"
    parts.append(name_part(content.controller_name, fallback))
    return "-".join(parts) + ".pdf"


def render(content: NoticeContent) -> Rendered:
    return Rendered(
        subject(content), render_pdf(content), render_text(content), render_html(content), filename(content)
    )
