"""Web pages of the drafts: the AP draft with a copy button per answer (the fast path to the AP's form) and its PDF;
the letter, e-mail and public notice to data subjects."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import get_locale

from ..breaches.lookup import incident_or_404
from ..breaches.obligations import latest_decision
from ..breaches.scope import scope_of
from ..core.filenames import name_part
from ..core.guard import profile_guard
from ..core.instants import utcnow
from ..errors import NotFound
from ..notices.content import affected_contracts
from ..profiles import all_profiles
from ..validation import is_id
from .edpb_render import edpb_filename, render_edpb_pdf
from .gather import affected_controller, draft_for, edpb_draft_for, letter_facts
from .letters import VARIANTS, compose_letter
from .pdf import filename, render_pdf

bp = Blueprint("drafts", __name__, url_prefix="/incidents")


def _draft(incident_id: int, controller_id: int):
    incident = incident_or_404(incident_id)
    try:
        controller = affected_controller(incident, controller_id if is_id(controller_id) else None)
    except NotFound:
        abort(404)
    return incident, controller, draft_for(incident, controller, utcnow(), str(get_locale() or "nl"))


@bp.get("/<int:incident_id>/ap-draft/<int:controller_id>")
def ap(incident_id: int, controller_id: int):
    incident, controller, draft = _draft(incident_id, controller_id)
    return render_template("drafts/ap.html", incident=incident, controller=controller, draft=draft)


@bp.get("/<int:incident_id>/ap-draft/<int:controller_id>.pdf")
def ap_pdf(incident_id: int, controller_id: int):
    _incident, _controller, draft = _draft(incident_id, controller_id)
    return Response(
        render_pdf(draft),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename(draft)}"'},
    )


def _edpb_draft(incident_id: int, controller_id: int):
    incident = incident_or_404(incident_id)
    try:
        controller = affected_controller(incident, controller_id if is_id(controller_id) else None)
    except NotFound:
        abort(404)
    return incident, controller, edpb_draft_for(incident, controller, utcnow(), str(get_locale() or "nl"))


@bp.get("/<int:incident_id>/edpb-draft/<int:controller_id>")
def edpb(incident_id: int, controller_id: int):
    incident, controller, draft = _edpb_draft(incident_id, controller_id)
    return render_template("drafts/edpb.html", incident=incident, controller=controller, draft=draft)


@bp.get("/<int:incident_id>/edpb-draft/<int:controller_id>.pdf")
def edpb_pdf(incident_id: int, controller_id: int):
    _incident, _controller, draft = _edpb_draft(incident_id, controller_id)
    return Response(
        render_edpb_pdf(draft),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{edpb_filename(draft)}"'},
    )


def _letters(incident_id: int, controller_id: int):
    """The incident, the controller, the letters' language, whether they apologise, and the letters."""
    incident = incident_or_404(incident_id)
    try:
        controller = affected_controller(incident, controller_id if is_id(controller_id) else None)
    except NotFound:
        abort(404)
    language = request.args.get("letter_lang") or controller.language or "nl"
    if language not in ("nl", "en"):
        abort(400, description="letter_lang must be nl or en")
    apology = request.args.get("apology", "")
    if apology not in ("", "0", "1"):
        abort(400, description="apology must be 0 or 1")
    facts = letter_facts(incident, controller)
    letters = [compose_letter(facts, variant, language, apology=apology == "1") for variant in VARIANTS]
    return incident, controller, language, apology, letters


# A letter downloaded as text, named in its own language: DL-2026-0006-brief-betrokkenen-GGZ-Kustland.txt.
LETTER_FILE_WORDS = {
    "nl": {"letter": "brief-betrokkenen", "email": "e-mail-betrokkenen", "public": "openbare-mededeling"},
    "en": {"letter": "letter-data-subjects", "email": "e-mail-data-subjects", "public": "public-communication"},
}


@bp.get("/<int:incident_id>/subjects-letter/<int:controller_id>/<any(letter, email, public):variant>.txt")
def subjects_text(incident_id: int, controller_id: int, variant: str):
    """One letter as a text file (UTF-8), to edit in a word processor or hand to a mailing house."""
    incident, controller, language, _apology, letters = _letters(incident_id, controller_id)
    letter = next((item for item in letters if item.variant == variant), None)
    if letter is None:
        abort(404)
    text = (f"{letter.subject}\n\n" if letter.variant == "email" and letter.subject else "") + letter.body
    name = "-".join(
        [
            incident.reference,
            LETTER_FILE_WORDS[language][variant],
            name_part(controller.name, "verwerkingsverantwoordelijke"),
        ]
    )
    return Response(
        text.replace("\n", "\r\n").encode("utf-8"),
        mimetype="text/plain",
        headers={"Content-Disposition": f'attachment; filename="{name}.txt"'},
    )


@bp.get("/<int:incident_id>/subjects-letter/<int:controller_id>")
def subjects(incident_id: int, controller_id: int):
    incident, controller, language, apology, letters = _letters(incident_id, controller_id)
    return render_template(
        "drafts/subjects.html",
        incident=incident,
        controller=controller,
        letters=letters,
        language=language,
        apology=apology == "1",
        download_args={"letter_lang": language, **({"apology": apology} if apology else {})},
        decision=latest_decision(incident.id, controller.id),
        guards=_subject_guards(incident, controller, str(get_locale() or "nl")),
        scope_note=scope_of(incident.id, controller.id).get("note") or "",
    )


def _subject_guards(incident, controller, language: str) -> list[str]:
    """The clauses of this controller's affected contracts that forbid the processor to inform data subjects
    itself, in the page's language (the clause's own words quoted)."""
    profiles = all_profiles()
    keys = (c.profile_key for c in affected_contracts(incident.id, controller.id))
    found = {key: profiles[key] for key in keys if key in profiles}
    return [profile_guard(p, language) for p in found.values() if not p.processor_may_inform_data_subjects]
