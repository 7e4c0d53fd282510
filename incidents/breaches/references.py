"""Incident references, DL-<year>-<number>: numbered per year (Europe/Amsterdam), unique and without gaps, however
many incidents are created at the same moment.

The last number of each year is a row of its own, and creating an incident bumps that row with one UPDATE in the
creating transaction. Concurrent creations take turns on it: on PostgreSQL the UPDATE locks the row to the end of
the transaction, and the next creation's UPDATE waits for that and then reads the committed number; on SQLite the
UPDATE takes the database's write lock, with the same effect. The wait is the database's own queue: no retry loop,
no error to turn into a 500. A creation that is rolled back (refused, or failed) undoes its bump, so no number is
skipped. Counting from the highest reference stored (the scheme before this one) let two transactions read the same
highest one; the second then failed on the unique reference (security review F-1).

A year's row is made by the first incident of that year, from the highest reference already stored for it (a
database from before the counters, or an import). Should a number come up that an incident stored past the counter
already has, the counter moves past the highest one stored."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from ..core.instants import to_local
from ..extensions import Model, db
from .models import Incident


class ReferenceCounter(Model):
    """The last incident number given out in a year."""

    __tablename__ = "reference_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int]


COUNTERS = ReferenceCounter.__table__


def next_reference(now: datetime) -> str:
    """The next reference of the year of `now`, reserved for the caller's transaction (call it right before the
    incident is stored: the counter stays locked until that transaction ends)."""
    year = to_local(now).year
    number = _bump(year)
    if number is None:
        _start(year)
        number = _bump(year)
        assert number is not None, "the counter row was just made"
    if _taken(_format(year, number)):
        db.session.execute(update(COUNTERS).where(COUNTERS.c.year == year).values(last=_highest(year)))
        number = _bump(year)
        assert number is not None
    return _format(year, number)


def _format(year: int, number: int) -> str:
    return f"DL-{year}-{number:04d}"


def _bump(year: int) -> int | None:
    """Add one to the year's counter and return it; None when the year has no counter yet."""
    bumped = db.session.execute(update(COUNTERS).where(COUNTERS.c.year == year).values(last=COUNTERS.c.last + 1))
    if cast(CursorResult, bumped).rowcount == 0:
        return None
    return db.session.scalar(select(COUNTERS.c.last).where(COUNTERS.c.year == year))


def _start(year: int) -> None:
    """Make the year's counter at the highest number stored; a concurrent creation that made it first wins (and
    this one then counts on from its number)."""
    dialect = db.session.get_bind().dialect.name
    insert = sqlite_insert if dialect == "sqlite" else postgresql_insert
    db.session.execute(
        insert(COUNTERS).values(year=year, last=_highest(year)).on_conflict_do_nothing(index_elements=["year"])
    )


def _highest(year: int) -> int:
    """The highest number of the year among the stored references (0 if none)."""
    # Longest first, then text: DL-2026-10000 sorts after DL-2026-9999.
    last = db.session.scalar(
        select(Incident.reference)
        .where(Incident.reference.like(f"DL-{year}-%"))
        .order_by(func.length(Incident.reference).desc(), Incident.reference.desc())
        .limit(1)
    )
    return int(last.rsplit("-", 1)[1]) if last else 0


def _taken(reference: str) -> bool:
    return db.session.scalar(select(Incident.id).where(Incident.reference == reference).limit(1)) is not None
