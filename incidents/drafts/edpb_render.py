"""The EDPB-template draft as a PDF (A4, the embedded DejaVu font, page numbers) and as JSON: renderings of the one
`EDPBDraft` (drafts/edpb.py)."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer

from ..core.filenames import name_part
from ..core.instants import format_local, iso_z
from ..pdf import build, clean, para_text, register_fonts, styles
from .edpb import EDPBDraft

WORDS = {
    "nl": {
        "title": "Concept melding datalek in het gemeenschappelijke EDPB-sjabloon",
        "generated": "Opgemaakt op",
        "gap": "NOG INVULLEN",
        "gaps": "Nog in te vullen ({n})",
        "page": "Pagina {page} van {pages}",
        "authority": "Melden bij: {authority}",
        "no_authority": "Geen toezichthouder gekozen: zie de vraag naar de bevoegde toezichthouder.",
        "template": "Sjabloon: {title}, {version}",
    },
    "en": {
        "title": "Draft personal data breach notification in the EDPB common template",
        "generated": "Generated on",
        "gap": "TO FILL IN",
        "gaps": "Still to fill in ({n})",
        "page": "Page {page} of {pages}",
        "authority": "Notify: {authority}",
        "no_authority": "No authority picked: see the question on the competent authority.",
        "template": "Template: {title}, {version}",
    },
}


def render_edpb_pdf(draft: EDPBDraft) -> bytes:
    register_fonts()
    w = WORDS[draft.language]
    st = styles()
    story = [
        Paragraph(para_text(w["title"]), st["title"]),
        Paragraph(
            para_text(
                f"{draft.incident_reference} · {draft.controller_name} · {w['generated']} "
                f"{format_local(draft.generated_at)}"
            ),
            st["sub"],
        ),
        Spacer(1, 2 * mm),
        Paragraph(
            para_text(w["template"].format(title=draft.template_title, version=draft.template_version)), st["base"]
        ),
        Paragraph(
            para_text(w["authority"].format(authority=draft.authority) if draft.authority else w["no_authority"]),
            st["base"],
        ),
    ]
    if draft.status_note:
        story.append(Paragraph(para_text(draft.status_note), st["warn"]))
    for section in draft.sections:
        story.append(Paragraph(para_text(section.title), st["h"]))
        for answer in section.answers:
            label = Paragraph(para_text(f"{answer.key} · {answer.label}"), st["label"])
            if answer.gap:
                value = [Paragraph(para_text(f"[{w['gap']}] {answer.hint or ''}".strip()), st["warn"])]
            else:
                value = [
                    Paragraph(para_text(part), st["row"]) for part in clean(answer.value).split("\n\n") if part.strip()
                ]
            story.append(KeepTogether([label, *value[:1]]))
            story.extend(value[1:])
    gaps = draft.gaps
    if gaps:
        story.append(Paragraph(para_text(w["gaps"].format(n=len(gaps))), st["h"]))
        story.extend(Paragraph(para_text(f"{a.key} · {a.label}"), st["row"]) for a in gaps)
    return build(
        story,
        title=f"{w['title']} {draft.incident_reference}",
        author=draft.controller_name,
        header=clean(f"{draft.incident_reference} · {w['title']} · {draft.controller_name}"),
        page_text=w["page"],
    )


def edpb_filename(draft: EDPBDraft) -> str:
    """One file per controller: its name is in the file name, so two downloads cannot be mixed up."""
    name = name_part(draft.controller_name, "verwerkingsverantwoordelijke")
    return f"{draft.incident_reference}-EDPB-concept-{name}.pdf"


def edpb_json(draft: EDPBDraft, incident_id: int, controller_id: int) -> dict:
    return {
        "incident_id": incident_id,
        "incident_reference": draft.incident_reference,
        "controller_id": controller_id,
        "controller_name": draft.controller_name,
        "language": draft.language,
        "generated_at": iso_z(draft.generated_at),
        "template": {"title": draft.template_title, "version": draft.template_version, "status": draft.template_status},
        "authority": draft.authority,
        "sections": [
            {
                "key": s.key,
                "title": s.title,
                "answers": [
                    {
                        "key": a.key,
                        "question": a.label,
                        "answer": a.value,
                        "source": a.source,
                        "gap": a.gap,
                        "highlight": a.highlight,
                        "hint": a.hint,
                    }
                    for a in s.answers
                ],
            }
            for s in draft.sections
        ],
        "gaps": [a.key for a in draft.gaps],
    }
