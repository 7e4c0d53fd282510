"""Database engine settings that every connection needs."""

from __future__ import annotations

import hashlib

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db
from .record.spec import SQLITE_SHA256


def init_app(app: Flask) -> None:
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            _sqlite_pragmas(db.engine, round(float(app.config["SQLITE_BUSY_TIMEOUT_SECONDS"]) * 1000))


def _sqlite_pragmas(engine: Engine, busy_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # SQLite has one writer at a time: a write waits this long for the one before it, then fails.
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        cursor.close()
        # The record's chains cover a document's bytes by their SHA-256 (incidents/record/spec.py).
        dbapi_connection.create_function(SQLITE_SHA256, 1, _sha256, deterministic=True)

    @event.listens_for(engine, "before_cursor_execute")
    def savepoint_inside_a_transaction(connection, cursor, statement, _parameters, _context, _executemany):
        # The sqlite3 module opens a transaction only before an INSERT, UPDATE or DELETE. A SAVEPOINT sent before
        # any of them (a session that has only read, then begins a nested transaction) would open the transaction
        # itself, and its RELEASE would commit it: the request's unit of work would be committed in pieces. So the
        # transaction is begun first, and the savepoint nests in it.
        if statement.startswith("SAVEPOINT") and not connection.connection.dbapi_connection.in_transaction:
            cursor.execute("BEGIN")


def _sha256(value: bytes | str | None) -> str | None:
    if value is None:
        return None
    # a text where bytes belong (changed past the application) still hashes, and so shows as changed
    data = value.encode("utf-8", "surrogatepass") if isinstance(value, str) else bytes(value)
    return hashlib.sha256(data).hexdigest()
