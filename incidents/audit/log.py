"""Record who opened which incident or document, and who exported the register (NEN 7513 in spirit).

One after-request hook covers every page, download and API read whose route names an incident, a document or
a controller, so a route added later is logged without anyone remembering to. Only ids, the route template,
the user and the time are kept: never the incident's text, never the query string.
"""

from __future__ import annotations

import structlog
from flask import Flask, g, request
from flask_login import current_user
from sqlalchemy import insert

from ..core.instants import utcnow
from ..extensions import db
from ..record import links as record_links
from .models import AccessEntry

log = structlog.get_logger("incidents.audit")
# Reads of many incidents at once: logged by name rather than by id.
LISTS = {
    "register.index": "view_register",
    "register.export": "export_register",
    "api.register": "export_register",
    "admin.access_log": "view_access_log",
    "admin.access_log_export": "export_access_log",
}


def init_app(app: Flask) -> None:
    app.after_request(record)


def _user():
    user = g.get("api_user")
    if user is not None:
        return user, "api"
    if current_user and current_user.is_authenticated:
        return current_user, "web"
    return None, ""


def record(response):
    endpoint = request.endpoint or ""
    if request.method not in ("GET", "HEAD") or response.status_code != 200 or endpoint == "static":
        return response
    args = request.view_args or {}
    incident_id, document_id = args.get("incident_id"), args.get("document_id")
    action = LISTS.get(endpoint)
    if action is None:
        if document_id is not None:
            action = "open_document"
        elif incident_id is not None:
            action = "open_incident"
        else:
            return response
    user, channel = _user()
    if user is None:
        return response
    controller_id = args.get("controller_id")
    if document_id is not None:
        from ..notices.models import Document

        document = db.session.get(Document, document_id)
        if document is not None:
            incident_id, controller_id = document.incident_id, document.controller_id
    try:
        # In the request's transaction (committed by the unit of work right after this hook), in a savepoint of its
        # own, so that a failed log write is undone alone.
        with db.session.begin_nested():
            row_id = db.session.execute(
                insert(AccessEntry.__table__)
                .returning(AccessEntry.__table__.c.id)
                .values(
                    at=utcnow(),
                    user_id=user.id,
                    role=user.role,
                    channel=channel,
                    action=action,
                    route=request.url_rule.rule[:200] if request.url_rule else endpoint[:200],
                    incident_id=incident_id,
                    document_id=document_id,
                    controller_id=controller_id,
                    status=response.status_code,
                    ip=(request.remote_addr or "")[:45] or None,
                )
            ).scalar_one()
            record_links.note(db.session(), "access_log", row_id)
    except Exception:  # the page was served; a failed log write is reported, never shown to the user
        log.exception("access_log_failed", endpoint=endpoint)
    return response
