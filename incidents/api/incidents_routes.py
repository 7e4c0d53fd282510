"""Incidents, their contracts, state changes, filings, decisions and deadlines."""

from __future__ import annotations

import json
import math
from datetime import datetime
from typing import cast

from flask import current_app, g, jsonify, request
from sqlalchemy import ColumnElement, func, select

from ..breaches import scope as scope_service
from ..breaches import service
from ..breaches.models import INCIDENT_STATUSES, AffectedContract, Incident
from ..breaches.service import FilingInput, Reporter
from ..core.instants import not_in_future, utcnow
from ..core.text import line_of_error
from ..extensions import db
from ..lookup import find
from ..validation import is_id, parse_id
from . import ApiError, bp, error_response, instant, json_body, reject_unknown, scope
from .serializers import (
    deadlines_json,
    decision_json,
    filing_json,
    incident_json,
    incident_summary,
)

MAX_PAGE = 1_000_000


def _incident(incident_id: int) -> Incident:
    """The incident; for a controller user only one that touches their controller (404 otherwise, as if it
    did not exist)."""
    incident = find(Incident, incident_id)
    limit = scope()
    if (
        incident is not None
        and limit is not None
        and not db.session.scalar(
            select(AffectedContract.contract_id)
            .where(AffectedContract.incident_id == incident.id, AffectedContract.controller_id == limit)
            .limit(1)
        )
    ):
        incident = None
    if incident is None:
        raise ApiError(404, "not_found", f"there is no incident with id {incident_id}")
    return incident


def _own_controller(value: object) -> None:
    """A controller user acts only for their own controller."""
    limit = scope()
    if limit is not None and value != limit:
        raise ApiError(403, "forbidden", "a controller user may act only for their own controller", "controller_id")


def _page() -> int:
    page = parse_id(request.args.get("page", "1"))
    if page is None or page > MAX_PAGE:
        raise ApiError(422, "invalid_page", f"page must be a whole number from 1 to {MAX_PAGE}", "page")
    return page


@bp.get("/incidents")
def list_incidents():
    conditions: list[ColumnElement[bool]] = []
    if scope() is not None:
        conditions.append(
            Incident.id.in_(select(AffectedContract.incident_id).where(AffectedContract.controller_id == scope()))
        )
    status = request.args.get("status")
    if status is not None:
        if status not in INCIDENT_STATUSES:
            raise ApiError(422, "invalid_choice", f"status must be one of {', '.join(INCIDENT_STATUSES)}", "status")
        conditions.append(Incident.status == status)
    page, size = _page(), current_app.config["API_PAGE_SIZE"]
    # The total is a count(*) with the same conditions (SQLite counts a table without reading its rows), not a
    # count over a subquery of whole incident rows.
    total = db.session.scalar(select(func.count()).select_from(Incident).where(*conditions)) or 0
    rows = db.session.scalars(
        select(Incident).where(*conditions).order_by(Incident.id.desc()).limit(size).offset((page - 1) * size)
    )
    return jsonify(
        {
            "incidents": [incident_summary(i) for i in rows],
            "page": page,
            "pages": max(1, math.ceil(total / size)),
            "total": total,
        }
    )


def _reporter(data: dict) -> tuple[Reporter | None, datetime]:
    """Who reported the incident to the processor (additive keys of the request), and aware_at: when a reporter is
    given, aware_at is when the processor was informed (`informed_at`, which may stand for it)."""
    informed_at = instant(data, "informed_at")
    if informed_at is not None and not not_in_future(informed_at, utcnow()):
        raise ApiError(422, "in_future", "informed_at lies in the future", "informed_at")
    aware_at = instant(data, "aware_at", required=informed_at is None)
    if informed_at is not None and aware_at is not None and informed_at != aware_at:
        raise ApiError(
            422,
            "informed_at_differs",
            "informed_at is when the processor was informed, and so its aware_at: give one, or the same instant",
            "informed_at",
        )
    aware_at = cast(datetime, aware_at or informed_at)  # one of them is required above
    kind = data.get("reporter_kind")
    if kind is None:
        for key in ("reporter_name", "sub_processor_id", "sub_processor_aware_at"):
            if data.get(key) not in (None, ""):
                raise ApiError(422, "required", f"{key} needs reporter_kind", "reporter_kind")
        return None, aware_at
    return Reporter(
        kind=kind,
        name=data.get("reporter_name") or "",
        sub_processor_id=data.get("sub_processor_id"),
        sub_processor_aware_at=instant(data, "sub_processor_aware_at"),
    ), aware_at


@bp.post("/incidents")
def create_incident():
    data = json_body()
    reporter, aware_at = _reporter(data)
    incident = service.create_incident(
        title=data.get("title"),
        description=data.get("description", ""),
        aware_at=aware_at,
        reporter=reporter,
        status=data.get("status", "suspected"),
        confirmed_at=instant(data, "confirmed_at"),
        contract_ids=data.get("contract_ids"),
        fields=data.get("fields"),
        details=data.get("details"),
        actor=g.api_user,
    )
    if data.get("authority_action_at") is not None:
        service.record_authority_action(incident, instant(data, "authority_action_at"), actor=g.api_user)
    return jsonify(incident_json(incident)), 201


@bp.get("/incidents/<int:incident_id>")
def get_incident(incident_id: int):
    return jsonify(incident_json(_incident(incident_id), scope()))


@bp.patch("/incidents/<int:incident_id>")
def update_incident(incident_id: int):
    incident = _incident(incident_id)
    data = json_body()
    reject_unknown(
        data,
        {"title", "description", "fields", "details", "internal_note", "authority_action_at"},
        "'{name}' cannot be changed here",
    )
    if data.get("authority_action_at") is not None:
        service.record_authority_action(incident, instant(data, "authority_action_at"), actor=g.api_user)
    service.update_incident(
        incident,
        title=data.get("title"),
        description=data.get("description"),
        fields=data.get("fields"),
        details=data.get("details"),
        internal_note=data.get("internal_note"),
        actor=g.api_user,
    )
    return jsonify(incident_json(incident))


@bp.post("/incidents/<int:incident_id>/contracts")
def add_contracts(incident_id: int):
    incident = _incident(incident_id)
    data = json_body()
    if "contract_ids" not in data:
        raise ApiError(422, "required", "contract_ids is required", "contract_ids")
    reject_unknown(data, {"contract_ids", "established_at"}, "'{name}' is not a parameter of adding contracts")
    added = service.add_contracts(
        incident, data["contract_ids"], actor=g.api_user, established_at=instant(data, "established_at")
    )
    return jsonify({**incident_json(incident), "added_contract_ids": added})


@bp.post("/incidents/<int:incident_id>/confirm")
def confirm(incident_id: int):
    incident = _incident(incident_id)
    service.confirm(incident, instant(json_body(), "confirmed_at"), actor=g.api_user)
    return jsonify(incident_json(incident))


@bp.post("/incidents/<int:incident_id>/corrections")
def correct_anchor(incident_id: int):
    incident = _incident(incident_id)
    data = json_body()
    service.correct_anchor(incident, data.get("field"), instant(data, "value"), data.get("reason"), actor=g.api_user)
    return jsonify(incident_json(incident))


@bp.post("/incidents/<int:incident_id>/dismiss")
def dismiss(incident_id: int):
    incident = _incident(incident_id)
    service.dismiss(incident, json_body().get("reason"), actor=g.api_user)
    return jsonify(incident_json(incident))


@bp.post("/incidents/<int:incident_id>/filings")
def record_filing(incident_id: int):
    incident = _incident(incident_id)
    data = json_body()
    if scope() is not None:
        if data.get("kind") not in ("ap_notification", "ap_follow_up"):
            raise ApiError(403, "forbidden", "a controller user records only AP notifications and follow-ups", "kind")
        _own_controller(data.get("controller_id"))
    filing = service.record_filing(
        incident,
        FilingInput(
            kind=data.get("kind"),
            at=instant(data, "at"),
            contract_id=data.get("contract_id"),
            controller_id=data.get("controller_id"),
            channel=data.get("channel"),
            reference=data.get("reference"),
            note=data.get("note"),
            follow_up=data.get("follow_up"),
        ),
        actor=g.api_user,
    )
    return jsonify(filing_json(filing)), 201


@bp.post("/incidents/<int:incident_id>/decisions")
def record_decision(incident_id: int):
    incident = _incident(incident_id)
    data = json_body()
    _own_controller(data.get("controller_id"))
    decision = service.record_decision(
        incident,
        controller_id=data.get("controller_id"),
        notify_ap=data.get("notify_ap"),
        reason=data.get("reason"),
        inform_data_subjects=data.get("inform_data_subjects"),
        data_subjects_ground=data.get("data_subjects_ground"),
        decision_maker=data.get("decision_maker"),
        processor_informs=data.get("processor_informs", False),
        actor=g.api_user,
    )
    return jsonify(decision_json(decision)), 201


@bp.get("/incidents/<int:incident_id>/controllers/<int:controller_id>/scope")
def get_scope(incident_id: int, controller_id: int):
    incident = _incident(incident_id)
    _own_scope(incident, controller_id)
    return jsonify(scope_service.scope_of(incident.id, controller_id))


@bp.put("/incidents/<int:incident_id>/controllers/<int:controller_id>/scope")
def put_scope(incident_id: int, controller_id: int):
    incident = _incident(incident_id)
    _own_scope(incident, controller_id)
    scope_values = scope_service.set_scope(incident, controller_id, json_body(), actor=g.api_user)
    return jsonify(scope_values)


@bp.put("/incidents/<int:incident_id>/scopes")
def put_scopes(incident_id: int):
    incident = _incident(incident_id)
    if request.mimetype != "text/csv":
        raise ApiError(415, "unsupported_media_type", "send the scopes as Content-Type: text/csv")
    try:
        text = request.get_data().decode("utf-8")
    except UnicodeDecodeError as exc:
        message = f"the CSV must be UTF-8: line {line_of_error(exc)} is not"
        raise ApiError(422, "invalid_encoding", message, "file") from None
    try:
        scopes = scope_service.set_scopes_from_csv(incident, text, actor=g.api_user)
    except scope_service.ScopeCsvRefused as exc:
        response = error_response(422, exc.code, exc.message, exc.field)
        body = response.get_json()
        body["error"]["lines"] = [
            {"line": p.line, "field": p.field or None, "message": p.message} for p in exc.problems
        ]
        response.set_data(json.dumps(body))
        return response
    return jsonify({"scopes": [{"controller_id": cid, **values} for cid, values in sorted(scopes.items())]})


def _own_scope(incident: Incident, controller_id: int) -> None:
    """A controller's scope exists only for an affected controller (404 otherwise); a controller user reads only
    its own."""
    limit = scope()
    if (limit is not None and controller_id != limit) or not is_id(controller_id):
        raise ApiError(404, "not_found", f"controller {controller_id} is not affected by {incident.reference}")
    if controller_id not in scope_service.affected_controllers(incident.id):
        raise ApiError(404, "not_found", f"controller {controller_id} is not affected by {incident.reference}")


@bp.get("/incidents/<int:incident_id>/deadlines")
def deadlines(incident_id: int):
    incident = _incident(incident_id)
    return jsonify({"deadlines": deadlines_json(incident.id, utcnow(), scope())})
