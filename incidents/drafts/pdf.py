"""The AP draft as a PDF: A4, the embedded DejaVu font, page numbers and the incident reference on every page."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer

from ..core.filenames import name_part
from ..core.instants import format_local
from ..pdf import build, clean, para_text, register_fonts, styles
from .compose import Draft

WORDS = {
    "nl": {
        "title": "Concept melding datalek aan de Autoriteit Persoonsgegevens",
        "generated": "Opgemaakt op",
        "gap": "NOG INVULLEN",
        "gaps": "Nog in te vullen ({n})",
        "late": "Te laat: {hint}",
        "page": "Pagina {page} van {pages}",
        "decision": "Laatste besluit van de verwerkingsverantwoordelijke, genomen door {name} ({at}): {reason}",
        "recorded": " (vastgelegd door {name})",
        "intro": "Neem de antwoorden over in het meldformulier van de AP (autoriteitpersoonsgegevens.nl). "
        "De nummers zijn die van de vragen in het formulier.",
        "title_structure": "Concept melding datalek in de structuur van het Nederlandse AP-meldformulier",
        "not_ap": "Deze verwerkingsverantwoordelijke meldt bij de {authority}, niet bij de AP. Dit concept volgt "
        "alleen de structuur van het meldformulier van de Nederlandse AP en is niet het formulier van de {authority}: "
        "gebruik het concept in het EDPB-sjabloon.",
    },
    "en": {
        "title": "Draft personal data breach notification to the Dutch DPA (AP)",
        "generated": "Generated on",
        "gap": "TO FILL IN",
        "gaps": "Still to fill in ({n})",
        "late": "Late: {hint}",
        "page": "Page {page} of {pages}",
        "decision": "The controller's latest decision, taken by {name} ({at}): {reason}",
        "recorded": " (recorded by {name})",
        "intro": "Copy the answers into the AP's notification form (autoriteitpersoonsgegevens.nl). "
        "The numbers are those of the form's questions.",
        "title_structure": "Draft personal data breach notification in the structure of the Dutch AP's form",
        "not_ap": "This controller notifies the {authority}, not the AP. This draft only follows the structure of "
        "the Dutch AP's notification form and is not the form of the {authority}: use the draft in the EDPB template.",
    },
}


def render_pdf(draft: Draft) -> bytes:
    register_fonts()
    w = dict(WORDS[draft.language])
    st = styles()
    if not draft.dutch_ap:  # never passes for the form of the authority this controller notifies
        w["title"], w["intro"] = w["title_structure"], w["not_ap"].format(authority=draft.authority)
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
        Paragraph(para_text(draft.filer_note), st["base"]),
        Paragraph(para_text(w["intro"]), st["base"]),
    ]
    decision = draft.decision
    if decision and decision.maker_name:
        story.append(
            Paragraph(
                para_text(
                    w["decision"].format(
                        name=decision.maker_name + (f" ({decision.maker_function})" if decision.maker_function else ""),
                        at=format_local(decision.decided_at),
                        reason=decision.reason or "—",
                    )
                    + (w["recorded"].format(name=decision.recorded_by) if decision.recorded_by else "")
                ),
                st["base"],
            )
        )
    late = next((a for a in draft.answers if a.highlight), None)
    if late:
        story += [Spacer(1, 3 * mm), Paragraph(para_text(w["late"].format(hint=late.hint or "")), st["warn"])]
    for chapter in draft.chapters:
        story.append(Paragraph(para_text(f"{chapter.number}. {chapter.title}"), st["h"]))
        for answer in chapter.answers:
            label = Paragraph(para_text(f"{answer.number} {answer.label}"), st["label"])
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
        story.extend(
            Paragraph(para_text(f"{a.number} {a.label}" + (f": {a.hint}" if a.hint else "")), st["row"]) for a in gaps
        )
    header = f"{draft.incident_reference} · {w['title']} · {draft.controller_name}"
    return build(
        story,
        title=f"{w['title']} {draft.incident_reference}",
        author=draft.controller_name,
        header=clean(header),
        page_text=w["page"],
    )


def filename(draft: Draft) -> str:
    """One file per controller: its name is in the file name, so two downloads cannot be mixed up."""
    name = name_part(draft.controller_name, "verwerkingsverantwoordelijke")
    kind = "AP-concept" if draft.dutch_ap else "concept-AP-structuur"
    return f"{draft.incident_reference}-{kind}-{name}.pdf"
