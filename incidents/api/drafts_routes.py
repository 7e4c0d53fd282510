"""The AP notification draft and the draft in the EDPB common template: the same structures as the pages and the
PDFs, as JSON (or as the PDF itself)."""

from __future__ import annotations

from flask import Response, jsonify, request

from ..core.instants import utcnow
from ..drafts.edpb_render import edpb_filename, edpb_json, render_edpb_pdf
from ..drafts.gather import affected_controller, draft_for, edpb_draft_for
from ..drafts.pdf import filename, render_pdf
from ..drafts.serialize import draft_json
from ..validation import parse_id
from . import ApiError, bp, scope
from .incidents_routes import _incident


def _arguments(incident_id: int):
    """The incident, the controller asked for (its own only, for a controller user), the language and the format."""
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
    return incident, affected_controller(incident, controller_id), language, output


@bp.get("/incidents/<int:incident_id>/ap-draft")
def ap_draft(incident_id: int):
    incident, controller, language, output = _arguments(incident_id)
    draft = draft_for(incident, controller, utcnow(), language)
    if output == "pdf":
        return Response(
            render_pdf(draft),
            mimetype="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{filename(draft)}"'},
        )
    return jsonify(draft_json(draft, incident.id, controller.id))


@bp.get("/incidents/<int:incident_id>/edpb-draft")
def edpb_draft(incident_id: int):
    incident, controller, language, output = _arguments(incident_id)
    draft = edpb_draft_for(incident, controller, utcnow(), language)
    if output == "pdf":
        return Response(
            render_edpb_pdf(draft),
            mimetype="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{edpb_filename(draft)}"'},
        )
    return jsonify(edpb_json(draft, incident.id, controller.id))
