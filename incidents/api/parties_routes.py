"""Profiles, controllers and contracts."""

from __future__ import annotations

from flask import jsonify, request
from sqlalchemy import select

from ..extensions import db
from ..parties import service
from ..parties.models import Contract, Controller
from ..profiles import all_profiles
from ..validation import parse_id
from . import ApiError, bp, json_body, scope
from .serializers import contract_json, controller_json


@bp.get("/profiles")
def list_profiles():
    return jsonify({"profiles": [p.as_dict() for p in all_profiles().values()]})


@bp.get("/controllers")
def list_controllers():
    query = select(Controller).order_by(Controller.name)
    if scope() is not None:
        query = query.where(Controller.id == scope())
    rows = db.session.scalars(query)
    return jsonify({"controllers": [controller_json(c) for c in rows]})


@bp.post("/controllers")
def create_controller():
    controller = service.create_controller(json_body())
    return jsonify(controller_json(controller)), 201


@bp.get("/contracts")
def list_contracts():
    query = select(Contract).order_by(Contract.id)
    if scope() is not None:
        query = query.where(Contract.controller_id == scope())
    if "controller_id" in request.args:
        controller_id = parse_id(request.args["controller_id"])
        if controller_id is None:
            raise ApiError(422, "invalid_type", "controller_id must be an integer id", "controller_id")
        query = query.where(Contract.controller_id == controller_id)
    if "reference" in request.args:
        reference = request.args["reference"]
        if len(reference) > service.MAX_REFERENCE:  # no contract has one: a clear refusal rather than an empty list
            raise ApiError(422, "too_long", f"reference is longer than {service.MAX_REFERENCE} characters", "reference")
        query = query.where(Contract.reference == reference)
    return jsonify({"contracts": [contract_json(c) for c in db.session.scalars(query)]})


@bp.post("/contracts")
def create_contract():
    contract = service.create_contract(json_body())
    return jsonify(contract_json(contract)), 201
