"""The error answers of the web pages.

A DomainError that no view turned into a form error ends in `refused`: what the request flushed is undone, and the
answer says why, with the refusal's status (404, 409 or 422), in the page's language. The HTTP errors (403, 404,
405, 400 for a stale form, 500) get our own page as well, in the user's language and with the navigation, instead
of Werkzeug's bare English one. A caller that asks for JSON gets the API's error shape (the API blueprint answers
its own errors first, see `api/__init__.py`)."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from .errors import DomainError
from .transaction import refuse


def init_app(app: Flask) -> None:
    app.register_error_handler(DomainError, refused)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(InternalServerError, server_error)


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def refused(exc: DomainError):
    refuse()
    if _wants_json():
        body = {"code": exc.code, "message": exc.message, **({"field": exc.field} if exc.field else {})}
        return jsonify({"error": body}), exc.status
    return render_template("errors/refused.html", error=exc), exc.status


def http_error(exc: HTTPException):
    status = exc.code or 500
    if status < 400 or status == 401:  # redirects and the login challenge keep their own answers
        return exc
    if _wants_json():
        code = (exc.name or "error").lower().replace(" ", "_")
        return jsonify({"error": {"code": code, "message": exc.description or exc.name}}), status
    response = exc.get_response()
    response.data = render_template("errors/http.html", status=status).encode()
    response.mimetype = "text/html"
    return response


def server_error(exc: InternalServerError):
    refuse()
    if _wants_json():
        return jsonify({"error": {"code": "internal_server_error", "message": "internal server error"}}), 500
    try:
        return render_template("errors/http.html", status=500), 500
    except Exception:  # the page itself failed (a broken database, ...): the plainest answer there is
        return "500", 500
