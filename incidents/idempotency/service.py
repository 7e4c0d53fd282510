"""Idempotency keys of the API's POSTs (docs/API.md, "Safe retries and bad input").

A request with a key claims it in its own transaction before it does anything else: it inserts the key's row,
unique per API user and key. Its response is written into that row at the end and committed with its work, or
rolled back with it. Hence:

- A retry after that commit finds the row: the same request (same hash of method, path, query and body) gets the
  stored response again and does nothing; another request with the key gets 409.
- A retry while the first one still runs waits for it, in the database's own queue: on PostgreSQL its insert waits
  on the first one's uncommitted row in the unique index, on SQLite for the write lock the first one holds to its
  commit. At most `wait` seconds: then it answers as above, or, with the first one still running, 409 "in
  progress". If the first one fails, its row goes with its rollback and the waiting one goes on in its place.
- Two requests with one key never both act: only one insert of the row can commit.

Only a successful (2xx) response is kept: a refused request wrote nothing, and may be sent again with its key.
Keys are kept 24 hours: an older row counts as unused, and `purge_expired` deletes them (the worker, per batch).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError, OperationalError

from ..errors import Conflict
from ..extensions import db
from .models import IdempotencyKey

TTL = timedelta(hours=24)
HEADER = "Idempotency-Key"
PURGE_BATCH = 1000
ROUNDS = 3  # claim attempts: each lost race means the winner's row is there to be read on the next round


class KeyReused(Conflict):
    default_code = "idempotency_key_reused"


class InProgress(Conflict):
    default_code = "idempotency_key_in_progress"


@dataclass(frozen=True)
class Stored:
    """The response of the first request with a key, to be answered again."""

    status: int
    content_type: str
    body: bytes


def request_hash(method: str, path: str, query: bytes, body: bytes) -> str:
    """SHA-256 of what makes two requests the same request. A JSON body counts by its content: the same object
    with its keys in another order, or other white space, is the same request."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except (ValueError, UnicodeDecodeError, RecursionError):  # not JSON (the route will say so): as sent
        canonical = body
    digest = hashlib.sha256(f"{method} {path}?".encode() + query + b"\n")
    digest.update(canonical)
    return digest.hexdigest()


def claim(user_id: int, key: str, hashed: str, now: datetime, wait: float) -> IdempotencyKey | Stored:
    """Claim `key` of this user for the request with hash `hashed`, in the request's transaction: the row to
    `keep` its response in, or the stored response of the first request with the key (to answer again).

    Call it before the request writes anything: when a concurrent request with the key commits first, the
    transaction is rolled back (a savepoint would not do: on SQLite, releasing the outermost savepoint commits).
    Raises KeyReused (another request had the key) or InProgress (the first one still runs after `wait` s)."""
    for _ in range(ROUNDS):
        row = db.session.scalar(
            select(IdempotencyKey).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)
        )
        if row is not None and row.created_at > now - TTL:
            return _answer(row, hashed)
        claimed = IdempotencyKey(user_id=user_id, key=key, request_hash=hashed, created_at=now)
        try:
            with _waiting_at_most(wait):
                if row is not None:  # expired: the key is free again (a Core DELETE: a concurrent one may be first)
                    db.session.expunge(row)
                    db.session.execute(delete(IdempotencyKey.__table__).where(IdempotencyKey.id == row.id))
                db.session.add(claimed)
                db.session.flush()
        except IntegrityError:  # a request with this key committed meanwhile: read its row on the next round
            db.session.rollback()
        except OperationalError as exc:
            if not _waited_too_long(exc):
                raise
            db.session.rollback()
            raise _in_progress(wait) from None
        else:
            return claimed
    raise _in_progress(wait)


def keep(claimed: IdempotencyKey, status: int, content_type: str, body: bytes) -> None:
    """Store the response of the request that claimed the key; it is committed with the request's work."""
    claimed.status, claimed.content_type, claimed.body = status, content_type[:100], body
    db.session.flush()


def purge_expired(now: datetime, batch: int = PURGE_BATCH) -> int:
    """Delete the keys older than 24 hours, committing per batch (for the worker and `flask tick`). Returns how
    many were deleted."""
    deleted = 0
    while True:
        ids = list(
            db.session.scalars(
                select(IdempotencyKey.id)
                .where(IdempotencyKey.created_at <= now - TTL)
                .order_by(IdempotencyKey.id)
                .limit(batch)
            )
        )
        if ids:
            db.session.execute(delete(IdempotencyKey.__table__).where(IdempotencyKey.id.in_(ids)))
        db.session.commit()
        deleted += len(ids)
        if len(ids) < batch:
            return deleted


def _answer(row: IdempotencyKey, hashed: str) -> Stored:
    if row.request_hash != hashed:
        raise KeyReused(
            f"this {HEADER} was used for another request in the last 24 hours (another body, path or method); "
            "a new request needs a new key",
            HEADER,
        )
    if row.status is None:  # never committed so (see keep); kept safe all the same
        raise _in_progress(0)
    return Stored(row.status, row.content_type or "application/json", row.body or b"")


def _in_progress(wait: float) -> InProgress:
    return InProgress(
        f"the request with this {HEADER} is still being processed (waited {wait:g} s); nothing was done for this "
        "one: send it again later with the same key",
        HEADER,
    )


@contextmanager
def _waiting_at_most(seconds: float) -> Iterator[None]:
    """Let the statements inside wait at most `seconds` for another transaction's lock (PostgreSQL: lock_timeout,
    for this transaction; SQLite: the connection's busy timeout, put back afterwards)."""
    connection = db.session.connection()
    ms = max(1, round(seconds * 1000))
    if connection.dialect.name == "sqlite":
        # On the driver's connection: after a failed statement the session's own refuses to run anything.
        raw = connection.connection.dbapi_connection
        assert raw is not None
        cursor = raw.cursor()
        cursor.execute("PRAGMA busy_timeout")
        (before,) = cursor.fetchone() or (5000,)
        cursor.execute(f"PRAGMA busy_timeout = {ms}")
        try:
            yield
        finally:
            cursor.execute(f"PRAGMA busy_timeout = {int(before)}")
            cursor.close()
        return
    connection.exec_driver_sql(f"SET LOCAL lock_timeout = {ms}")
    yield  # on an error the transaction is rolled back, and the setting with it
    connection.exec_driver_sql("SET LOCAL lock_timeout TO DEFAULT")


def _waited_too_long(exc: OperationalError) -> bool:
    """PostgreSQL's lock_not_available, or SQLite's busy timeout."""
    return getattr(exc.orig, "sqlstate", None) == "55P03" or "database is locked" in str(exc.orig)
