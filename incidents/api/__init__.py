"""REST API v1 (see docs/API.md): bearer tokens, JSON in and out, JSON errors."""

from __future__ import annotations

import json
from decimal import Decimal

from flask import Blueprint, g, jsonify, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from .. import input_guard
from ..auth.service import user_for_token
from ..core.instants import InstantError, parse_instant
from ..errors import DomainError
from ..extensions import csrf
from ..validation import refuse_unstorable_json

PREFIX = "/api/v1"
bp = Blueprint("api", __name__, url_prefix=PREFIX)
csrf.exempt(bp)


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field


def error_response(status: int, code: str, message: str, field: str | None = None):
    body = {"code": code, "message": message}
    if field:
        body["field"] = field
    response = jsonify({"error": body})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@bp.before_request
def authenticate():
    if request.endpoint == "api.openapi":
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return error_response(401, "unauthorized", "send 'Authorization: Bearer <token>'")
    user = user_for_token(secret.strip())
    if user is None:
        return error_response(401, "unauthorized", "the token is unknown, expired or revoked")
    g.api_user = user
    if user.role == "viewer" and request.method not in ("GET", "HEAD"):
        return error_response(403, "read_only", "a viewer's token may only read")
    if user.role == "controller" and request.endpoint not in CONTROLLER_ENDPOINTS:
        return error_response(403, "forbidden", "a controller user's token cannot use this endpoint")
    return None


@bp.before_request
def one_value_per_query_parameter():
    """Every query parameter is given once and not empty or only white space: the API never guesses which of two
    values was meant, nor reads an empty value as "no filter" (leave the parameter out for that). Registered after
    `authenticate`, so a request without a valid token gets its 401 first."""
    if request.endpoint == "api.openapi":
        return None
    for name in request.args:
        values = request.args.getlist(name)
        if len(values) > 1:
            shown = name[:40]
            return error_response(
                422,
                "repeated_parameter",
                f"the query parameter '{shown}' is given {len(values)} times; give it once",
                shown,
            )
        if not values[0].strip():
            shown = name[:40]
            return error_response(
                422, "empty_parameter", f"the query parameter '{shown}' is empty; leave it out instead", shown
            )
    return None


# After the token check (a request without a valid token is 401 whatever it holds), before idempotency's claim.
input_guard.check_in(bp)


# What a controller user's token may do; each of these routes limits itself to that user's controller.
CONTROLLER_ENDPOINTS = frozenset(
    {
        "api.list_profiles",
        "api.list_controllers",
        "api.list_contracts",
        "api.list_incidents",
        "api.get_incident",
        "api.deadlines",
        "api.ap_draft",
        "api.edpb_draft",
        "api.record_decision",
        "api.record_filing",
        "api.get_document",
        "api.get_outbox",
        "api.get_scope",
    }
)


def scope() -> int | None:
    """The controller the API caller is limited to, or None for the processor's staff."""
    user = g.api_user
    return user.controller_id if user.role == "controller" else None


@bp.errorhandler(ApiError)
def on_api_error(exc: ApiError):
    return error_response(exc.status, exc.code, exc.message, exc.field)


@bp.errorhandler(DomainError)
def on_domain_error(exc: DomainError):
    return error_response(exc.status, exc.code, exc.message, exc.field)


def on_http_error(exc: HTTPException):
    code = (exc.name or "error").lower().replace(" ", "_")
    response = error_response(exc.code or 500, code, exc.description or exc.name)
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        # RFC 9110: a 405 says which methods the resource supports (werkzeug's own response did; this one is new).
        response.headers["Allow"] = ", ".join(sorted(exc.valid_methods))
    return response


bp.register_error_handler(HTTPException, on_http_error)


@bp.record_once
def _json_errors_for_unmatched_api_paths(state):
    """Blueprint handlers only run once a route matched: an unknown path or method under /api/v1
    must still answer in the JSON error shape. Other paths get the desk's own error page (error_pages.py)."""
    from ..error_pages import http_error

    def handle(exc: HTTPException):
        if request.path == PREFIX or request.path.startswith(PREFIX + "/"):
            return on_http_error(exc)
        return http_error(exc)

    state.app.register_error_handler(404, handle)
    state.app.register_error_handler(405, handle)


def json_body() -> dict:
    """The request's JSON object (no body at all: {}); anything else is a 400, white space alone included (it is not
    JSON). A string anywhere in it (a key too) that holds a NUL byte or an unpaired surrogate is a 422
    (invalid_text), whether it came as an escape ("\\u0000", "\\ud800") or as UTF-8-encoded surrogate bytes (which
    `json.loads` reads with "surrogatepass")."""
    raw = request.get_data(cache=True)
    if not raw:
        return {}
    try:
        data = json.loads(raw, parse_float=_number)
    except UnicodeDecodeError:
        raise ApiError(400, "malformed_json", "the request body is not valid JSON: it is not UTF-8") from None
    except (ValueError, RecursionError):
        raise ApiError(400, "malformed_json", "the request body is not valid JSON") from None
    if not isinstance(data, dict):
        raise ApiError(400, "malformed_json", "the request body must be a JSON object")
    refuse_unstorable_json(data)
    return data


def _number(text: str) -> int | float:
    """A JSON number written with a fraction or an exponent. One whose value is whole is an integer, as JSON Schema
    (and so the OpenAPI document) reads it: 5.0 and 5e0 are the integer 5. (Past 10**30 it stays a float: no integer
    the API takes is that large, and building one from an exponent such as 1e999999 would take forever.)"""
    number = Decimal(text)
    if number.is_finite() and number == number.to_integral_value() and number.adjusted() < 30:
        return int(number)
    return float(text)


def reject_unknown(data: dict, allowed: set[str] | frozenset[str], message: str) -> None:
    """Refuse a body naming a field the route does not take (the first in alphabetical order), rather than
    silently ignoring what the caller meant to change. ``message`` names it with {name}."""
    unknown = set(data) - allowed
    if unknown:
        name = sorted(unknown)[0]
        raise ApiError(422, "unknown_field", message.format(name=name), name)


def instant(data: dict, name: str, required: bool = False):
    value = data.get(name)
    if value is None:
        if required:
            raise ApiError(422, "required", f"{name} is required", name)
        return None
    try:
        return parse_instant(value)
    except InstantError as exc:
        raise ApiError(422, exc.code, f"{name}: {exc.message}", name) from None


# idempotency's before_request hook is registered after `authenticate` above, so it runs after it.
from . import (  # noqa: E402, F401
    drafts_routes,
    idempotency,
    incidents_routes,
    intake_routes,
    notices_routes,
    openapi,
    parties_routes,
    regimes_routes,
    register_routes,
)
