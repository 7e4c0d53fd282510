"""One unit of work per request, built once at the boundary (the shape of Indico's `indico/web/rh.py`).

- After the view, the request commits when its response succeeded (status below 400) and nothing asked for a
  rollback; otherwise it rolls back. Views and API routes never commit or roll back themselves.
- A view that answers a refusal with a redirect (a status below 400) calls `refuse()`: what the refused service
  call flushed is rolled back at once and never committed.
- Work that must only follow a commit (waking the outbox, webhooks) is queued with `after_commit(fn)`; it runs once
  the commit succeeded and is dropped on a rollback.
- The one write that a refusal keeps is the record of the refused attempt (the access log, NEN 7513): it is queued
  with `after_rollback(fn)`, which runs in a transaction of its own once the request's work is rolled back, and is
  committed alone.

The exceptions, each committing per batch or per step of its own: the outbox sender (`notices/outbox.py`), the
webhook sender (`webhooks/delivery.py`), the reminder tick (`reminders/service.py`) and the CLI commands.
"""

from __future__ import annotations

from collections.abc import Callable

import structlog
from flask import Flask, Response, g

from .extensions import db

log = structlog.get_logger("incidents.transaction")


def init_app(app: Flask) -> None:
    """Register first: after_request hooks run in reverse order, so the commit comes after every other hook (the
    access log writes its row in the request's transaction)."""
    app.after_request(_finish)
    app.teardown_request(_teardown)


def refuse() -> None:
    """This request was refused: undo what it flushed now, and commit nothing whatever its status."""
    db.session.rollback()
    g.rollback_only = True


def rolled_back() -> bool:
    """Whether this request was refused (see `refuse`): nothing it does now is committed."""
    return bool(g.get("rollback_only", False))


def after_commit(fn: Callable[[], object]) -> None:
    """Run `fn` once this request's transaction is committed; never when it is rolled back."""
    g.setdefault("after_commit", []).append(fn)


def after_rollback(fn: Callable[[], object]) -> None:
    """Run `fn` once this request's work is rolled back (a refusal), and commit what it writes on its own; never when
    the request commits. Only for the record of the refusal itself."""
    g.setdefault("after_rollback", []).append(fn)


def _finish(response: Response) -> Response:
    # g may outlive the request (an application context kept open around several requests, as tests do): what
    # this request set is taken off it here.
    refused = g.pop("rollback_only", False)
    if response.status_code >= 400 or refused:
        db.session.rollback()
        g.pop("after_commit", None)
        _run_after_rollback(g.pop("after_rollback", []))
        return response
    g.pop("after_rollback", None)
    db.session.commit()
    for fn in g.pop("after_commit", []):
        try:
            fn()
        except Exception:  # the commit stands; what follows it is reported, never turned into an error page
            log.exception("after_commit_failed")
    return response


def _run_after_rollback(work: list[Callable[[], object]]) -> None:
    if not work:
        return
    try:
        for fn in work:
            fn()
        db.session.commit()
    except Exception:  # the refusal stands; a record that could not be written is reported, never shown
        db.session.rollback()
        log.exception("after_rollback_failed")


def _teardown(exc: BaseException | None) -> None:
    # An exception skipped after_request; whatever is still open is undone.
    if exc is not None or g.pop("rollback_only", False):
        db.session.rollback()
    g.pop("after_commit", None)
    g.pop("after_rollback", None)
