"""The refusal page: a DomainError that no view turned into a form error ends here (the API answers its own
JSON errors first, see `api/__init__.py`). What the request flushed is undone, and the page says why, with the
refusal's status (404, 409 or 422), so a browser and a script see the same answer."""

from __future__ import annotations

from flask import Flask, render_template

from .errors import DomainError
from .transaction import refuse


def init_app(app: Flask) -> None:
    app.register_error_handler(DomainError, refused)


def refused(exc: DomainError):
    refuse()
    return render_template("errors/refused.html", error=exc), exc.status
