"""Record who opened which incident or document, and who exported the register (NEN 7513 in spirit), and the
attempts of controller users and viewers that were refused.

One after-request hook covers every page, download and API read whose route names an incident, a document or
a controller, so a route added later is logged without anyone remembering to. Only ids, the route template and
the path, the user and the time are kept: never the incident's text, never the query string.

A controller user may see only its own organisation's data and a viewer may only read: for them a 403 or a 404 on
a route of the app (web or API, any method) is an attempt on what is not theirs, and NEN 7513 asks for attempts
too. The refusal undoes the request's work; its record is written after that rollback, on its own
(`transaction.after_rollback`).
"""

from __future__ import annotations

import structlog
from flask import Flask, g, request
from flask_login import current_user
from sqlalchemy import insert

from ..core.instants import utcnow
from ..extensions import db
from ..record import links as record_links
from ..transaction import after_rollback
from ..validation import is_id, parse_id
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
# A refused attempt: to read (GET, HEAD) or to change (any other method).
REFUSED_READ, REFUSED_WRITE = "refused_read", "refused_write"
# Users who may see part of the data only (a controller user: one organisation's) or may only read (a viewer).
# Processor staff may see every organisation's data: their 404s are ids that do not exist, not attempts.
SCOPED_ROLES = ("controller", "viewer")
REFUSED = (403, 404)


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
    if endpoint == "static":
        return response
    if response.status_code in REFUSED:
        _refused(response.status_code)
        return response
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
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
    try:
        # In the request's transaction (committed by the unit of work right after this hook), in a savepoint of its
        # own, so that a failed log write is undone alone.
        with db.session.begin_nested():
            _write((user.id, user.role, channel), action, 200, (incident_id, document_id, args.get("controller_id")))
    except Exception:  # the page was served; a failed log write is reported, never shown to the user
        log.exception("access_log_failed", endpoint=endpoint)
    return response


def _refused(status: int) -> None:
    """A refused attempt of a controller user or a viewer, on a route of the app: written once the request's own work
    is rolled back."""
    if request.url_rule is None:  # no route: an address that names nothing
        return
    user, channel = _user()
    if user is None or user.role not in SCOPED_ROLES:
        return
    args = request.view_args or {}
    # The ids the attempt named: in the route, or (an AP draft's controller) in the query string.
    incident_id, document_id, controller_id = (
        args[name] if name in args else parse_id(request.args.get(name))
        for name in ("incident_id", "document_id", "controller_id")
    )
    action = REFUSED_READ if request.method in ("GET", "HEAD") else REFUSED_WRITE
    who = (user.id, user.role, channel)
    after_rollback(lambda: _write(who, action, status, (incident_id, document_id, controller_id), existing_only=True))


def _write(
    who: tuple[int, str, str],
    action: str,
    status: int,
    ids: tuple[object, object, object],
    *,
    existing_only: bool = False,
) -> None:
    """One entry: by whom (user id, role, channel), and the incident, document and controller ids the route named. A
    document stands for its incident and controller. With ``existing_only`` (a refused attempt may name ids that do
    not exist) an id fills its column only when its row exists: the path names what was asked for."""
    from ..breaches.models import Incident
    from ..notices.models import Document
    from ..parties.models import Controller

    incident_id, document_id, controller_id = ids
    document = db.session.get(Document, document_id) if is_id(document_id) else None
    if document is not None:
        incident_id, controller_id = document.incident_id, document.controller_id
    if existing_only:
        incident_id, document_id = _existing(Incident, incident_id), _existing(Document, document_id)
        controller_id = _existing(Controller, controller_id)
    user_id, role, channel = who
    table = AccessEntry.__table__
    row_id = db.session.execute(
        insert(table)
        .returning(table.c.id)
        .values(
            at=utcnow(),
            user_id=user_id,
            role=role,
            channel=channel,
            action=action,
            route=request.url_rule.rule[:200] if request.url_rule else (request.endpoint or "")[:200],
            incident_id=incident_id,
            document_id=document_id,
            controller_id=controller_id,
            status=status,
            ip=(request.remote_addr or "")[:45] or None,
            path=request.path[:300],
        )
    ).scalar_one()
    record_links.note(db.session(), "access_log", row_id)  # a Core insert: linked into the record's chain too


def _existing(model: type, id_: object) -> int | None:
    """The id when a row of ``model`` has it, else None (an entry's id columns reference their tables)."""
    return id_ if is_id(id_) and db.session.get(model, id_) is not None else None
