"""Changing the record past the application, as someone with the database file or the owner's role could: the
triggers switched off (SQLite: dropped; PostgreSQL: disabled by the owner), a row changed, and the triggers back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection


@contextmanager
def as_owner(database) -> Iterator[Connection]:
    """A connection with the owner's rights, committed at the end."""
    engine = create_engine(getattr(database, "owner_url", database.url))
    try:
        with engine.begin() as connection:
            yield connection
    finally:
        engine.dispose()


def _unguarded(owner: Connection, table: str, statement: str, **params) -> None:
    if owner.dialect.name == "postgresql":
        owner.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        owner.execute(text(statement), params)
        owner.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
        return
    names = [
        r[0]
        for r in owner.execute(
            text("SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name=:t"), {"t": table}
        )
    ]
    sql = {
        r[0]: r[1]
        for r in owner.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type='trigger' AND tbl_name=:t"), {"t": table}
        )
    }
    for name in names:
        owner.execute(text(f"DROP TRIGGER {name}"))
    owner.execute(text(statement), params)
    for statement_of_trigger in sql.values():
        owner.execute(text(statement_of_trigger))


def tamper(owner: Connection, table: str, change: str) -> int:
    """Make one change of this kind to the table's last row (or a new one); the row's id."""
    last = owner.execute(text(f"SELECT max(id) FROM {table}")).scalar()
    if change == "note":
        _unguarded(owner, table, f"UPDATE {table} SET note = 'TAMPERED' WHERE id = :id", id=last)
    elif change == "content":
        _unguarded(
            owner,
            table,
            f"UPDATE {table} SET content = :forged WHERE id = :id",
            id=last,
            forged=b"%PDF-1.4\n%FORGED",
        )
    elif change == "delete":
        _unguarded(owner, table, f"DELETE FROM {table} WHERE id = :id", id=last)
    elif change == "insert":  # a row added with plain SQL: no trigger stops an insert, but it has no link
        owner.execute(
            text(
                f"INSERT INTO {table} (incident_id, at, kind, details) "
                f"SELECT incident_id, at, 'forged', details FROM {table} WHERE id = :id"
            ),
            {"id": last},
        )
        return int(owner.execute(text(f"SELECT max(id) FROM {table}")).scalar())
    return int(last)
