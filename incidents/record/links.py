"""Linking new rows into their table's hash chain, in the transaction that wrote them.

Every flush notes the new rows of the chained tables; just before the transaction commits, their links are written:
each table's new rows in id order, each link's hash over the row's canonical text as the database writes it out
(spec.py) and the previous link's hash. So a committed row always has its link, and a row rolled back never gets one.

Two transactions must not both extend a table's chain from the same head. On SQLite the writer's lock already
serialises them (a transaction that wrote a row holds it until it ends). On PostgreSQL each table's chain has an
advisory lock, taken just before the links are written and held to the commit, always in the order of `CHAINED`,
so no two transactions wait on each other; it is held only for the last moments of a transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask
from sqlalchemy import event, insert, literal_column, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, SessionTransaction

from ..core.chain import GENESIS, link_hash
from ..core.instants import utcnow
from .models import ChainLink
from .spec import CHAINED, SPEC, TABLES, canonical_sql

PENDING = "record_chain_pending"
LOCK_SPACE = 0x5245  # pg_advisory_xact_lock(LOCK_SPACE, index of the table in CHAINED)
BATCH = 1000
LINKS = ChainLink.__table__


def init_app(app: Flask) -> None:
    for name, fn in (("after_flush", _collect), ("before_commit", _link), ("after_transaction_end", _forget)):
        if not event.contains(Session, name, fn):
            event.listen(Session, name, fn)


def _collect(session: Session, _flush_context) -> None:
    for obj in session.new:
        name = getattr(obj, "__tablename__", None)
        if name in SPEC:
            session.info.setdefault(PENDING, {}).setdefault(name, set()).add(obj.id)


def note(session: Session, table: str, row_id: int) -> None:
    """A row inserted with a Core statement (which no flush sees) is linked at the commit as well."""
    session.info.setdefault(PENDING, {}).setdefault(table, set()).add(row_id)


def _link(session: Session) -> None:
    if session.in_nested_transaction():
        # A savepoint released (SQLAlchemy calls this hook for it too): the rows are linked at the commit of the
        # whole transaction, never inside a savepoint that an enclosing one could still roll back.
        return
    if session.new:
        session.flush()  # the commit would flush them after this hook: written (and noted) now, before the links
    if not session.info.get(PENDING):
        return
    pending = session.info.pop(PENDING)
    link_rows(session.connection(), pending)


def _forget(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost transaction ended (committed, or rolled back unlinked)
        session.info.pop(PENDING, None)


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def head(connection: Connection, name: str) -> tuple[int, str]:
    """(seq, hash) of the table's last link; (0, GENESIS) before its first."""
    row = connection.execute(
        select(LINKS.c.seq, LINKS.c.hash).where(LINKS.c.table_name == name).order_by(LINKS.c.seq.desc()).limit(1)
    ).first()
    return (int(row[0]), row[1]) if row else (0, GENESIS)


def link_rows(connection: Connection, pending: dict[str, set[int]], present: set[str] | None = None) -> int:
    """Link these rows (ids per table) that have no link yet; the number linked. `present`: the columns the table
    has yet, for a migration before the one that adds the others (spec.canonical_sql)."""
    linked = 0
    for name in CHAINED:
        ids = sorted(pending.get(name, ()))
        if not ids:
            continue
        _lock(connection, CHAINED.index(name))
        if connection.dialect.name == "postgresql":
            # float8 as text, the same whatever the session set (spec.canonical_sql)
            connection.execute(text("SET LOCAL extra_float_digits = 1"))
        linked += _extend(connection, name, ids, present)
    return linked


def _lock(connection: Connection, key: int) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:space, :key)"), {"space": LOCK_SPACE, "key": key})
    elif not connection.connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]
        # SQLite outside a transaction (rows written and committed by another path): the writer's lock is taken
        # before the head is read, so no other writer extends the chain from the same head meanwhile.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _extend(connection: Connection, name: str, ids: list[int], present: set[str] | None = None) -> int:
    table = TABLES[name]
    canonical = literal_column(canonical_sql(name, connection.dialect.name, present))
    seq, previous = head(connection, name)
    now = utcnow()
    count = 0
    for chunk in _chunks(ids):
        done = set(
            connection.scalars(select(LINKS.c.row_id).where(LINKS.c.table_name == name, LINKS.c.row_id.in_(chunk)))
        )
        links = []
        query = select(table.c.id, canonical).where(table.c.id.in_(chunk)).order_by(table.c.id)
        for row_id, text_of_row in connection.execute(query):
            if row_id in done:
                continue
            seq += 1
            previous = link_hash(previous, name, int(row_id), text_of_row)
            links.append({"table_name": name, "seq": seq, "row_id": row_id, "hash": previous, "linked_at": now})
        if links:
            connection.execute(insert(LINKS), links)
            count += len(links)
    return count


def link_all(connection: Connection, name: str, present: set[str] | None = None) -> int:
    """Link every row of the table that has none yet, in id order (the rows stored before the chain began)."""
    table = TABLES[name]
    linked = select(LINKS.c.row_id).where(LINKS.c.table_name == name)
    ids = list(connection.scalars(select(table.c.id).where(table.c.id.not_in(linked)).order_by(table.c.id)))
    return link_rows(connection, {name: set(ids)}, present) if ids else 0
