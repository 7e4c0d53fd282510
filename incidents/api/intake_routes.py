"""Messages sent to the breach address (intake by e-mail): list and read them, download one as received, accept one
as a suspected incident or reject it with a reason. For processor staff only (not in CONTROLLER_ENDPOINTS)."""

from __future__ import annotations

import math

from flask import Response, current_app, g, jsonify, request
from sqlalchemy import func, select

from ..core.inbound import summarise
from ..core.instants import iso_z as iso
from ..extensions import db
from ..intake import service
from ..intake.models import InboundMessage, InboundReview
from ..lookup import find
from . import ApiError, bp, json_body, reject_unknown
from .incidents_routes import _page
from .serializers import incident_json

STATUSES = ("pending", "reviewed", "all")


def review_json(review: InboundReview | None) -> dict | None:
    if review is None:
        return None
    return {
        "decision": review.decision,
        "reason": review.reason,
        "incident_id": review.incident_id,
        "reviewed_by": review.reviewer.email if review.reviewer else None,
        "reviewed_at": iso(review.reviewed_at),
    }


def message_json(message: InboundMessage, review: InboundReview | None, *, full: bool = False) -> dict:
    body: dict[str, object] = {
        "id": message.id,
        "received_at": iso(message.received_at),
        "channel": message.channel,
        "envelope_from": message.envelope_from,
        "envelope_to": list(message.envelope_to or []),
        "from": message.from_header,
        "to": message.to_header,
        "subject": message.subject,
        "message_id": message.message_id,
        "size": message.size,
        "sha256": message.sha256,
        "review": review_json(review),
    }
    if full:
        summary = summarise(message.original())
        body["text"] = summary.text
        body["html_only"] = summary.html_only
        body["attachments"] = [
            {"name": a.name, "content_type": a.content_type, "size": a.size} for a in summary.attachments
        ]
    return body


def _message(inbound_id: int) -> InboundMessage:
    message = find(InboundMessage, inbound_id)
    if message is None:
        raise ApiError(404, "not_found", f"there is no inbound message with id {inbound_id}")
    return message


@bp.get("/inbound-messages")
def list_inbound_messages():
    status = request.args.get("status", "pending")
    if status not in STATUSES:
        raise ApiError(422, "invalid_choice", f"status must be one of {', '.join(STATUSES)}", "status")
    reviewed = InboundMessage.review.has()
    conditions = {"pending": [~reviewed], "reviewed": [reviewed], "all": []}[status]
    page, size = _page(), current_app.config["API_PAGE_SIZE"]
    total = db.session.scalar(select(func.count()).select_from(InboundMessage).where(*conditions)) or 0
    rows = db.session.execute(
        select(InboundMessage, InboundReview)
        .outerjoin(InboundReview, InboundReview.inbound_message_id == InboundMessage.id)
        .where(*conditions)
        .order_by(InboundMessage.received_at.desc(), InboundMessage.id.desc())
        .limit(size)
        .offset((page - 1) * size)
    ).all()
    return jsonify(
        {
            "inbound_messages": [message_json(m, r) for m, r in rows],
            "page": page,
            "pages": max(1, math.ceil(total / size)),
            "total": total,
        }
    )


@bp.get("/inbound-messages/<int:inbound_id>")
def get_inbound_message(inbound_id: int):
    message = _message(inbound_id)
    return jsonify(message_json(message, service.review_of(message), full=True))


@bp.get("/inbound-messages/<int:inbound_id>/original")
def get_inbound_original(inbound_id: int):
    message = _message(inbound_id)
    return Response(
        message.original(),
        mimetype="message/rfc822",
        headers={
            "X-Content-SHA256": message.sha256,
            "Content-Disposition": f'attachment; filename="bericht-{message.id}.eml"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.post("/inbound-messages/<int:inbound_id>/accept")
def accept_inbound_message(inbound_id: int):
    data = json_body()  # a malformed body is a 400 whether or not the message exists
    message = _message(inbound_id)
    reject_unknown(data, {"title"}, "accept takes only a title, not {name}")
    title = data.get("title")
    if title is None or (isinstance(title, str) and not title.strip()):  # none given: the subject
        title = message.subject or service.DEFAULT_TITLE
    incident = service.accept(message, title, actor=g.api_user)
    return jsonify(incident_json(incident)), 201


@bp.post("/inbound-messages/<int:inbound_id>/reject")
def reject_inbound_message(inbound_id: int):
    data = json_body()
    message = _message(inbound_id)
    reject_unknown(data, {"reason"}, "reject takes only a reason, not {name}")
    review = service.reject(message, data.get("reason"), actor=g.api_user)
    return jsonify(message_json(message, review))
