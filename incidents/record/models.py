from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.instants import utcnow
from ..db_types import UTCDateTime
from ..extensions import Model


class ChainLink(Model):
    """One link of a table's hash chain: the `seq`-th row linked in `table_name` is row `row_id`, and `hash` covers
    that row's content and the previous link's hash (incidents/core/chain.py). Append-only, as the rows it covers."""

    __tablename__ = "record_chain"
    __table_args__ = (
        UniqueConstraint("table_name", "seq", name="uq_record_chain_table_seq"),
        UniqueConstraint("table_name", "row_id", name="uq_record_chain_table_row"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    table_name: Mapped[str] = mapped_column(String(40))
    seq: Mapped[int] = mapped_column(BigInteger)
    row_id: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Verification(Model):
    """One run of `verify`: when, over how many rows, and the first row that did not match (None: intact)."""

    __tablename__ = "record_verifications"
    __table_args__ = (Index("ix_record_verifications_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ok: Mapped[bool]
    rows: Mapped[int] = mapped_column(BigInteger)
    seconds: Mapped[float]
    table_name: Mapped[str | None] = mapped_column(String(40))
    row_id: Mapped[int | None] = mapped_column(BigInteger)
    problem: Mapped[str | None] = mapped_column(String(200))
    heads: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
