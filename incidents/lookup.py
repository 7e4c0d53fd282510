"""Rows by the id a URL or a request body names. A value that cannot be an id (not an integer, below 1, beyond
32 bits: see validation.is_id) is no row, and is never sent to the database, which would refuse to compare it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import abort

from .extensions import db
from .validation import is_id

T = TypeVar("T")


def find(model: type[T], id_: object) -> T | None:
    """The row of ``model`` with this id, or None."""
    return db.session.get(model, id_) if is_id(id_) else None


def get_or_404(model: type[T], id_: object, visible: Callable[[T], bool] | None = None) -> T:
    """The row of ``model`` with this id, or a 404: also when ``visible(row)`` is false (the row is not the
    caller's to see, or not below the URL's parent), so a stranger's row looks like no row at all."""
    row = find(model, id_)
    if row is None or (visible is not None and not visible(row)):
        abort(404)
    return row
