"""Running a verification and keeping its outcome; the chain heads a document states."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timedelta

import structlog
from flask import current_app

from ..core.instants import utcnow
from ..extensions import db
from .links import head
from .models import Verification
from .spec import CHAINED
from .verify import Checked, Outcome, Runner, Segment, check, verify

log = structlog.get_logger("incidents.record")


def run_verification() -> Outcome:
    """Recompute every chain and record the outcome (flushed; the caller commits). Long chains are checked in
    segments by RECORD_VERIFY_PROCESSES processes side by side (default: one per core)."""
    processes = int(current_app.config.get("RECORD_VERIFY_PROCESSES") or os.cpu_count() or 1)
    if multiprocessing.current_process().daemon:  # a worker's pool process may not start processes of its own
        processes = 1
    outcome = verify(db.session.connection(), _in_processes(processes) if processes > 1 else None)
    first = outcome.problems[0] if outcome.problems else None
    db.session.add(
        Verification(
            at=utcnow(),
            ok=outcome.ok,
            rows=outcome.rows,
            seconds=round(outcome.seconds, 3),
            table_name=first.table if first else None,
            row_id=first.row_id if first else None,
            problem=first.what if first else None,
            heads=outcome.heads,
        )
    )
    db.session.flush()
    return outcome


def _in_processes(count: int) -> Runner:
    def run(todo: list[Segment]) -> list[Checked]:
        if len(todo) < 2:
            return [_check(segment) for segment in todo]
        # Forked: each child has the application, and opens connections of its own (_forget_connections).
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(min(count, len(todo)), mp_context=context, initializer=_forget_connections) as pool:
            return list(pool.map(_check, todo))

    return run


def _forget_connections() -> None:
    db.engine.dispose(close=False)  # the parent's pooled connections stay the parent's


def _check(segment: Segment) -> Checked:
    with db.engine.connect() as connection:
        return check(connection, segment)


def verify_when_due(now: datetime) -> int:
    """Verify the record when the last verification is older than RECORD_VERIFY_HOURS (0: never here), and
    commit (a worker's step of its own). The rows checked; 0 when it was not due. A mismatch is logged as an error
    and shown on the admin page and by `flask check`."""
    hours = float(current_app.config.get("RECORD_VERIFY_HOURS") or 0)
    latest = db.session.scalar(db.select(db.func.max(Verification.at)))
    if hours <= 0 or (latest is not None and now - latest < timedelta(hours=hours)):
        return 0
    outcome = run_verification()
    db.session.commit()
    if not outcome.ok:
        log.error("record_mismatch", problems=[str(p) for p in outcome.problems])
    return outcome.rows


def heads() -> list[tuple[str, int, str]]:
    """(table, seq, hash) of every chain's last link, as this transaction sees them now."""
    connection = db.session.connection()
    return [(name, *head(connection, name)) for name in CHAINED]


def heads_header(heads: list[tuple[str, int, str]]) -> str:
    """The heads as one HTTP header value: ``filings=<hash>, documents=<hash>, ...``."""
    return ", ".join(f"{name}={digest}" for name, _seq, digest in heads)


def verifications(limit: int = 10) -> list[Verification]:
    """The latest runs of `verify`, newest first."""
    query = db.select(Verification).order_by(Verification.at.desc(), Verification.id.desc()).limit(limit)
    return list(db.session.scalars(query))
