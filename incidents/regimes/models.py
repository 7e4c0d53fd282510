from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from ..breaches.models import AppendOnlyError
from ..core.instants import utcnow
from ..db_types import UTCDateTime
from ..extensions import Model

# A filing sends a stage's report; a request is the recipient asking for one (NIS2 art. 23 lid 4 onder c); "not
# needed" records that a conditional stage's condition did not arise, with the reason in the note.
FILING_KINDS = ("filing", "request", "not_needed")
CHANNELS = ("portal", "email", "phone", "other")


class RegimeClassification(Model):
    """Whether an incident falls under a regime (a significant incident under NIS2: yes / no / needs information),
    with who decided, when and why. Never edited: a newer one supersedes it."""

    __tablename__ = "regime_classifications"
    __table_args__ = (Index("ix_regime_classifications_incident_regime", "incident_id", "regime", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    regime: Mapped[str] = mapped_column(String(64))
    answer: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    # "yes": since when we knew (the stages' start); never before the incident's awareness, never in the future
    aware_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RegimeFiling(Model):
    """A stage's report as filed with the recipient (with the recipient's reference and the content as filed, with
    its SHA-256), or a recipient's request for a report. Append-only."""

    __tablename__ = "regime_filings"
    __table_args__ = (Index("ix_regime_filings_incident_regime", "incident_id", "regime", "stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    regime: Mapped[str] = mapped_column(String(64))
    stage: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # a request: the deadline it set
    channel: Mapped[str | None] = mapped_column(String(20))
    recipient: Mapped[str] = mapped_column(String(200))
    reference: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    # the draft as filed (regimes/content.py as_json) and the SHA-256 of those bytes
    content: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # a report on request: the request (a row of this table) it answers
    request_id: Mapped[int | None]


class RegimeFacts(Model):
    """The answers a regime's reports need beyond the incident's own facts (indicators of compromise, root cause, …):
    edited in place; every change goes to the timeline, and a filing keeps the content as it was filed."""

    __tablename__ = "regime_facts"

    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), primary_key=True)
    regime: Mapped[str] = mapped_column(String(64), primary_key=True)
    values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class RegimeObligation(Model):
    """A stage's deadline for one incident, derived by core/stages.py and stored for the dashboard and the reminder
    worker (recomputed whenever its classification or filings change)."""

    __tablename__ = "regime_obligations"
    __table_args__ = (
        Index("ix_regime_obligations_status_due", "status", "due_at"),  # the dashboard: running, most urgent first
        Index("ix_regime_obligations_status_next_reminder", "status", "next_reminder_at"),  # the reminder worker
        UniqueConstraint("incident_id", "regime", "key", name="uq_regime_obligations_incident_regime_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    regime: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(100))
    stage: Mapped[str] = mapped_column(String(64))
    clause: Mapped[str] = mapped_column(String(100))
    recipient: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20))
    provisional: Mapped[bool] = mapped_column(default=False)
    met_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    filing_id: Mapped[int | None]
    next_reminder_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


APPEND_ONLY = (RegimeClassification, RegimeFiling)


def _refuse(mapper, connection, target):
    raise AppendOnlyError(f"{type(target).__tablename__} is append-only: rows are never updated or deleted")


for _model in APPEND_ONLY:
    event.listen(_model, "before_update", _refuse)
    event.listen(_model, "before_delete", _refuse)
