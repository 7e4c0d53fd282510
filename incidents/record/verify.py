"""Recomputing the chains: every link's hash from its row and the link before it, every row linked.

What can go wrong, each named by table and row id: a row whose content no longer gives its link's hash (changed), a
link whose row is gone (deleted), a gap in a chain's sequence (a link removed), a row without a link (added past
the application). Only the first problem of each table is named: from there on, that chain proves nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from hashlib import sha256

from sqlalchemy import literal_column, select, text
from sqlalchemy.engine import Connection

from ..core.chain import GENESIS
from .links import LINKS, head
from .spec import CHAINED, TABLES, canonical_sql

BATCH = 20_000
SEGMENT = 250_000  # links per segment: what one process checks at a time


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
    "stray": "a link that is no part of its chain (added past the application)",
}


@dataclass
class Outcome:
    rows: int = 0
    seconds: float = 0.0
    heads: dict[str, dict[str, object]] = field(default_factory=dict)
    # Per chain, the last seq up to which every link was checked and holds (a witness is proof up to there only).
    sound: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Segment:
    """Links `first` to `last` (by seq) of one table's chain: checked on their own, from the hash stored in the link
    before `first`, so the segments of a long chain can be checked side by side."""

    table: str
    first: int
    last: int


@dataclass(frozen=True)
class Checked:
    segment: Segment
    rows: int
    problem: Problem | None
    at_seq: int  # where the problem is (for the first one of a table)


Runner = Callable[[list[Segment]], list[Checked]]


def segments(heads: dict[str, int], size: int | None = None) -> list[Segment]:
    """The links 1 to each chain's head, in segments of `size`."""
    size = size or SEGMENT
    result = []
    for name in CHAINED:
        last = heads[name]
        result += [Segment(name, first, min(first + size - 1, last)) for first in range(1, last + 1, size)]
    return result


def check(connection: Connection, segment: Segment) -> Checked:
    return _chain(connection, segment)


def verify(connection: Connection, runner: Runner | None = None) -> Outcome:
    """Recompute every chain up to the heads it has now (the segments through `runner`, by default one after the
    other on this connection); links added meanwhile are left for the next run."""
    started = time.perf_counter()
    outcome = Outcome()
    heads = {name: head(connection, name) for name in CHAINED}
    outcome.heads = {name: {"seq": seq, "hash": last} for name, (seq, last) in heads.items()}
    checked = (runner or (lambda todo: [check(connection, s) for s in todo]))(
        segments({name: seq for name, (seq, _) in heads.items()})
    )
    for name in CHAINED:
        mine = [c for c in checked if c.segment.table == name]
        outcome.rows += sum(c.rows for c in mine)
        found = sorted((c for c in mine if c.problem is not None), key=lambda c: c.at_seq)
        outcome.sound[name] = found[0].at_seq - 1 if found else heads[name][0]
        problem = found[0].problem if found else _unlinked(connection, name)
        if problem is not None:
            outcome.problems.append(problem)
    outcome.problems += _stray(connection)
    outcome.seconds = time.perf_counter() - started
    return outcome


def _chain(connection: Connection, segment: Segment) -> Checked:
    """The rows of the segment checked, up to its first problem."""
    name = segment.table
    table = TABLES[name]
    if connection.dialect.name == "postgresql":
        connection.execute(text("SET LOCAL extra_float_digits = 1"))  # as when the rows were linked
    canonical = literal_column(canonical_sql(name, connection.dialect.name))
    query = (
        select(LINKS.c.seq, LINKS.c.row_id, LINKS.c.hash, table.c.id, canonical)
        .select_from(LINKS.outerjoin(table, table.c.id == LINKS.c.row_id))
        .where(LINKS.c.table_name == name, LINKS.c.seq.between(segment.first, segment.last))
        .order_by(LINKS.c.seq)
    )
    before = select(LINKS.c.hash).where(LINKS.c.table_name == name, LINKS.c.seq == segment.first - 1)
    previous = GENESIS if segment.first == 1 else (connection.scalar(before) or GENESIS)
    expected, rows, row_id = segment.first, 0, 0
    # Streamed in batches (a server-side cursor on PostgreSQL): memory stays that of one batch.
    result = connection.execute(query.execution_options(stream_results=True, yield_per=BATCH))
    try:
        for seq, row_id, stored, present, text_of_row in result:
            # the common case first, and link_hash written out (a million rows: the call itself is measurable)
            if seq == expected and present is not None:
                data = f"{previous}\n{name}\n{row_id}\n{text_of_row}".encode("utf-8", "surrogatepass")
                if sha256(data).hexdigest() == stored:
                    previous, expected, rows = stored, expected + 1, rows + 1
                    continue
            what = "gap" if seq != expected else "deleted" if present is None else "changed"
            return Checked(segment, rows, Problem(name, int(row_id), what), int(seq))
    finally:
        result.close()
    if expected <= segment.last:  # the segment's last links are gone: named by the row of the last one there is
        return Checked(segment, rows, Problem(name, int(row_id), "gap"), expected)
    return Checked(segment, rows, None, 0)


def _unlinked(connection: Connection, name: str) -> Problem | None:
    """The first row without a link of its chain (seq 1 and up: a link beside the chain links nothing)."""
    table = TABLES[name]
    linked = select(LINKS.c.row_id).where(LINKS.c.table_name == name, LINKS.c.seq >= 1)
    row_id = connection.scalar(select(table.c.id).where(table.c.id.not_in(linked)).order_by(table.c.id).limit(1))
    return None if row_id is None else Problem(name, int(row_id), "unlinked")


def _stray(connection: Connection) -> list[Problem]:
    """Links that are no part of a chain: before its first link, or of a table that is not chained."""
    query = (
        select(LINKS.c.table_name, LINKS.c.row_id)
        .where((LINKS.c.seq < 1) | LINKS.c.table_name.not_in(CHAINED))
        .order_by(LINKS.c.id)
        .limit(1)
    )
    row = connection.execute(query).first()
    return [] if row is None else [Problem(str(row[0]), int(row[1]), "stray")]


def find_link(connection: Connection, digest: str, table: str | None = None) -> tuple[str, int] | None:
    """(table, seq) of the chain link with this hash (in this table); None when no link of a chain has it."""
    query = select(LINKS.c.table_name, LINKS.c.seq).where(
        LINKS.c.hash == digest, LINKS.c.seq >= 1, LINKS.c.table_name.in_([table] if table else CHAINED)
    )
    row = connection.execute(query.limit(1)).first()
    return (row[0], int(row[1])) if row else None
