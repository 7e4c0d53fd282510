"""Writers of one incident taking turns, where reading first and writing after would race."""

from __future__ import annotations

from sqlalchemy import select, update

from ..extensions import db
from .models import Incident


def lock_incident(incident: Incident) -> None:
    """Hold the incident until the caller's transaction ends: a concurrent caller waits here until then, and both
    read the incident afresh, with what the other committed.

    PostgreSQL: SELECT ... FOR UPDATE on its row. SQLite has one write lock for the whole database, taken at a
    transaction's first write and held to its end: a write that changes nothing takes it now, rather than at the
    first real write, after reads that another writer may have made stale."""
    db.session.flush()  # what the caller changed is kept: the refresh below reads it back
    table = Incident.__table__
    if db.session.get_bind().dialect.name == "sqlite":
        # Not the key (SQLite would check every table that refers to it), nor an indexed column.
        db.session.execute(update(table).where(table.c.id == incident.id).values(title=table.c.title))
    else:
        db.session.execute(select(table.c.id).where(table.c.id == incident.id).with_for_update())
    db.session.refresh(incident)
