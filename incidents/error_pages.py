"""The refusal answer: a DomainError that no view turned into a form error ends here (the API blueprint answers its
own JSON errors first, see `api/__init__.py`). What the request flushed is undone, and the answer says why, with the
refusal's status (404, 409 or 422): a page for a browser, the API's error shape for a caller that asked for JSON."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request

from .errors import DomainError
from .transaction import refuse


def init_app(app: Flask) -> None:
    app.register_error_handler(DomainError, refused)


def refused(exc: DomainError):
    refuse()
    if request.accept_mimetypes.best == "application/json":
        body = {"code": exc.code, "message": exc.message, **({"field": exc.field} if exc.field else {})}
        return jsonify({"error": body}), exc.status
    return render_template("errors/refused.html", error=exc), exc.status
