"""Notices (queued for e-mail), the outbox and issued documents."""

from __future__ import annotations

from flask import Response, g, jsonify

from ..core.instants import iso_z
from ..lookup import find
from ..notices import service
from ..notices.models import Document, OutboxMessage
from ..notices.outbox import wake_pump
from ..transaction import after_commit
from . import ApiError, bp, json_body, reject_unknown, scope
from .incidents_routes import _incident


def outbox_json(m: OutboxMessage) -> dict:
    return {
        "id": m.id,
        "incident_id": m.incident_id,
        "controller_id": m.controller_id,
        "document_id": m.document_id,
        "status": m.status,
        "attempts": m.attempts,
        "recipients": list(m.recipients),
        "subject": m.subject,
        "smtp_reply": m.smtp_reply,
        "last_error": m.last_error,
        "sent_at": iso_z(m.sent_at),
        "next_attempt_at": iso_z(m.next_attempt_at),
        "created_at": iso_z(m.created_at),
        "kind": m.details.get("kind"),
        "version": m.details.get("version"),
    }


@bp.post("/incidents/<int:incident_id>/notices")
def issue_notices(incident_id: int):
    incident = _incident(incident_id)
    data = json_body()
    reject_unknown(data, {"controller_ids", "all", "version", "next_update"}, "'{name}' is not a notices parameter")
    if data.get("all") is not None and not isinstance(data["all"], bool):  # (the service reads 0 as false)
        raise ApiError(422, "invalid_type", "all must be true or false", "all")
    messages = service.issue_idempotently(
        service.issue_notices,
        incident,
        controller_ids=data.get("controller_ids"),
        all_=data.get("all"),
        version=data.get("version", "initial"),
        next_update=data.get("next_update", ""),
        actor=g.api_user,
    )
    after_commit(wake_pump)
    return jsonify(
        {
            "outbox": [
                {"id": m.id, "controller_id": m.controller_id, "status": m.status, "document_id": m.document_id}
                for m in messages
            ]
        }
    ), 202


@bp.get("/outbox/<int:message_id>")
def get_outbox(message_id: int):
    message = find(OutboxMessage, message_id)
    if message is not None and scope() is not None and message.controller_id != scope():
        message = None
    if message is None:
        raise ApiError(404, "not_found", f"there is no outbox message with id {message_id}")
    return jsonify(outbox_json(message))


@bp.get("/documents/<int:document_id>")
def get_document(document_id: int):
    document = find(Document, document_id)
    if document is not None and scope() is not None and document.controller_id != scope():
        document = None
    if document is None:
        raise ApiError(404, "not_found", f"there is no document with id {document_id}")
    return Response(
        document.sent_bytes(),
        mimetype=document.content_type,
        headers={
            "X-Content-SHA256": document.sha256,
            "Content-Disposition": f'attachment; filename="{document.filename}"',
            "Cache-Control": "private, no-store",
        },
    )
