"""A stage's draft as a PDF: A4, the embedded DejaVu font, the incident reference and page numbers on every page."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer

from ..core.filenames import name_part
from ..core.instants import format_local
from ..pdf import build, clean, para_text, register_fonts, styles
from .content import StageDraft

WORDS = {
    "nl": {
        "draft": "Concept",
        "to": "Aan",
        "from": "Van",
        "contact": "Contactpunt",
        "clause": "Grondslag",
        "aware": "Kennisname van het incident",
        "since": "Significant sinds",
        "due": "Uiterste termijn",
        "provisional": " (voorlopig: geteld vanaf de uiterste termijn van de vorige fase)",
        "earlier": "Eerder ingediend",
        "gap": "NOG INVULLEN",
        "gaps": "Nog in te vullen ({n})",
        "page": "Pagina {page} van {pages}",
        "from_incident": "uit de gegevens van het incident",
        "generated": "Opgemaakt op",
        "no_reference": "zonder kenmerk",
    },
    "en": {
        "draft": "Draft",
        "to": "To",
        "from": "From",
        "contact": "Contact point",
        "clause": "Basis",
        "aware": "Became aware of the incident",
        "since": "Significant since",
        "due": "Deadline",
        "provisional": " (provisional: counted from the deadline of the previous stage)",
        "earlier": "Filed before",
        "gap": "TO FILL IN",
        "gaps": "Still to fill in ({n})",
        "page": "Page {page} of {pages}",
        "from_incident": "from the incident's facts",
        "generated": "Generated on",
        "no_reference": "no reference",
    },
}


def render_pdf(draft: StageDraft) -> bytes:
    register_fonts()
    w = WORDS[draft.language]
    st = styles()
    title = f"{w['draft']} {draft.stage.name(draft.language)} · {draft.regime.name(draft.language)}"
    rows = [
        (w["to"], draft.recipient),
        (w["from"], draft.organisation),
        (w["contact"], draft.contact),
        (w["clause"], f"{draft.stage.clause}: {draft.wording}"),
        (w["aware"], format_local(draft.aware_at)),
    ]
    if draft.significant_since:
        rows.append((w["since"], format_local(draft.significant_since)))
    if draft.due_at:
        rows.append((w["due"], format_local(draft.due_at) + (w["provisional"] if draft.provisional else "")))
    for stage, reference, at in draft.earlier:
        rows.append((w["earlier"], f"{stage}: {format_local(at)} ({reference or w['no_reference']})"))
    story = [
        Paragraph(para_text(title), st["title"]),
        Paragraph(
            para_text(
                f"{draft.incident_reference} · {draft.incident_title} · {w['generated']} "
                f"{format_local(draft.generated_at)}"
            ),
            st["sub"],
        ),
        Spacer(1, 2 * mm),
    ]
    for name, text in rows:
        story.append(Paragraph(para_text(f"{name}: {text}"), st["base"]))
    for number, answer in enumerate(draft.answers, start=1):
        label = Paragraph(para_text(f"{number}. {answer.question}"), st["label"])
        value: list[Paragraph]
        if answer.gap:
            value = [Paragraph(para_text(f"[{w['gap']}]"), st["warn"])]
        else:
            parts = [part for part in clean(answer.value).split("\n\n") if part.strip()]
            value = [Paragraph(para_text(part), st["row"]) for part in parts]
            if answer.source == "incident":
                value.append(Paragraph(para_text(f"({w['from_incident']})"), st["row"]))
        story.append(KeepTogether([label, *value[:1]]))
        story.extend(value[1:])
    if draft.gaps:
        story.append(Paragraph(para_text(w["gaps"].format(n=len(draft.gaps))), st["h"]))
        story.extend(Paragraph(para_text(a.question), st["row"]) for a in draft.gaps)
    return build(
        story,
        title=title,
        author=draft.organisation,
        header=clean(f"{draft.incident_reference} · {title}"),
        page_text=w["page"],
    )


def filename(draft: StageDraft, extension: str = "pdf") -> str:
    stage = name_part(draft.stage.name(draft.language), draft.stage.key)
    return f"{draft.incident_reference}-{draft.regime.key}-{stage}.{extension}"
