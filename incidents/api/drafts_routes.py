"""The AP notification draft: the same structure as the page and the PDF, as JSON (or as the PDF itself)."""

from __future__ import annotations

from flask import Response, jsonify, request

from ..core.instants import utcnow
from ..drafts.gather import affected_controller, draft_for
from ..drafts.pdf import filename, render_pdf
from ..drafts.serialize import draft_json
from ..validation import parse_id
from . import ApiError, bp, scope
from .incidents_routes import _incident


@bp.get("/incidents/<int:incident_id>/ap-draft")
def ap_draft(incident_id: int):
    incident = _incident(incident_id)
    raw = request.args.get("controller_id")
    if raw is None:
        raise ApiError(422, "required", "controller_id is required", "controller_id")
    controller_id = parse_id(raw)
    if controller_id is None:
        raise ApiError(422, "invalid_id", "controller_id must be a positive integer", "controller_id")
    language = request.args.get("language", "nl")
    if language not in ("nl", "en"):
        raise ApiError(422, "invalid_choice", "language must be nl or en", "language")
    output = request.args.get("format", "json")
    if output not in ("json", "pdf"):
        raise ApiError(422, "invalid_choice", "format must be json or pdf", "format")
    if scope() is not None and controller_id != scope():
        raise ApiError(
            404, "not_found", f"controller {controller_id} is not affected by {incident.reference}", "controller_id"
        )
    controller = affected_controller(incident, controller_id)
    draft = draft_for(incident, controller, utcnow(), language)
    if output == "pdf":
        return Response(
            render_pdf(draft),
            mimetype="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{filename(draft)}"'},
        )
    return jsonify(draft_json(draft, incident.id, controller.id))
