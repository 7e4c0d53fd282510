"""Recomputing the chains: every link's hash from its row and the link before it, every row linked.

What can go wrong, each named by table and row id: a row whose content no longer gives its link's hash (changed), a
link whose row is gone (deleted), a gap in a chain's sequence (a link removed), a row without a link (added past
the application). Only the first problem of each table is named: from there on, that chain proves nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ..core.chain import GENESIS, link_hash
from .links import LINKS, head
from .spec import CHAINED, TABLES

BATCH = 20_000


@dataclass(frozen=True)
class Problem:
    table: str
    row_id: int
    what: str  # changed | deleted | gap | unlinked

    def __str__(self) -> str:
        return f"{self.table} id {self.row_id}: {WHAT[self.what]}"


WHAT = {
    "changed": "the row does not match its link (changed after it was recorded)",
    "deleted": "the row of this link is gone (deleted)",
    "gap": "the chain skips a link before this row (a link was removed)",
    "unlinked": "the row has no link (added past the application)",
}


@dataclass
class Outcome:
    rows: int = 0
    seconds: float = 0.0
    heads: dict[str, dict[str, object]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(connection: Connection) -> Outcome:
    started = time.perf_counter()
    outcome = Outcome()
    for name in CHAINED:
        problem, rows = _chain(connection, name)
        outcome.rows += rows
        seq, last = head(connection, name)
        outcome.heads[name] = {"seq": seq, "hash": last}
        if problem is None:
            problem = _unlinked(connection, name)
        if problem is not None:
            outcome.problems.append(problem)
    outcome.seconds = time.perf_counter() - started
    return outcome


def _chain(connection: Connection, name: str) -> tuple[Problem | None, int]:
    """The first problem along the table's chain (None if there is none) and the number of rows checked."""
    table = TABLES[name]
    query = (
        select(LINKS.c.seq, LINKS.c.row_id, LINKS.c.hash, table)
        .select_from(LINKS.outerjoin(table, table.c.id == LINKS.c.row_id))
        .where(LINKS.c.table_name == name)
        .order_by(LINKS.c.seq)
    )
    previous, expected, rows = GENESIS, 1, 0
    columns = [c.name for c in table.columns if c.name != "id"]
    # Streamed in batches (a server-side cursor on PostgreSQL): memory stays that of one batch.
    result = connection.execute(query.execution_options(stream_results=True, yield_per=BATCH))
    try:
        for row in result:
            seq, row_id, stored, present = row[0], int(row[1]), row[2], row[3]
            if seq != expected:
                return Problem(name, row_id, "gap"), rows
            if present is None:
                return Problem(name, row_id, "deleted"), rows
            values = dict(zip(columns, row[4:], strict=True))
            if link_hash(previous, name, row_id, values) != stored:
                return Problem(name, row_id, "changed"), rows
            previous, expected, rows = stored, expected + 1, rows + 1
    finally:
        result.close()
    return None, rows


def _unlinked(connection: Connection, name: str) -> Problem | None:
    table = TABLES[name]
    linked = select(LINKS.c.row_id).where(LINKS.c.table_name == name)
    row_id = connection.scalar(select(table.c.id).where(table.c.id.not_in(linked)).order_by(table.c.id).limit(1))
    return None if row_id is None else Problem(name, int(row_id), "unlinked")


def find_link(connection: Connection, digest: str) -> tuple[str, int] | None:
    """(table, seq) of the link with this hash; None when no link has it."""
    row = connection.execute(select(LINKS.c.table_name, LINKS.c.seq).where(LINKS.c.hash == digest).limit(1)).first()
    return (row[0], int(row[1])) if row else None
