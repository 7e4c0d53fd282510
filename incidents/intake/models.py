"""The inbound messages and their reviews. Both append-only: a message is stored once, exactly as it arrived, and
reviewed at most once (the unique review per message is what makes a second, concurrent accept fail cleanly)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, event
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from ..breaches.models import AppendOnlyError
from ..core.inbound import MAX_ADDRESS, MAX_HEADER, MAX_MESSAGE_ID, MAX_SUBJECT
from ..core.instants import utcnow
from ..db_types import UTCDateTime
from ..errors import N_, Conflict
from ..extensions import Model

CHANNELS = ("imap", "smtp")
DECISIONS = ("accept", "reject")


class InboundMessage(Model):
    """A message sent to the breach address, as received. `raw` is the message's bytes exactly as they reached the
    desk (SMTP: the DATA after dot-unstuffing, with no header added; IMAP: the RFC 822 bytes the server returned for
    BODY.PEEK[]); `sha256` is the SHA-256 of exactly those bytes. `received_at` is the arrival: the end of DATA for
    SMTP, the server's INTERNALDATE for IMAP. The header columns are decoded and normalised copies, for the queue."""

    __tablename__ = "inbound_messages"
    __table_args__ = (Index("ix_inbound_messages_received_at", "received_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    channel: Mapped[str] = mapped_column(String(10))
    envelope_from: Mapped[str | None] = mapped_column(String(MAX_ADDRESS))
    envelope_to: Mapped[list[str]] = mapped_column(JSON, default=list)
    from_header: Mapped[str] = mapped_column(String(MAX_HEADER), default="")
    to_header: Mapped[str] = mapped_column(String(MAX_HEADER), default="")
    subject: Mapped[str] = mapped_column(String(MAX_SUBJECT), default="")
    message_id: Mapped[str | None] = mapped_column(String(MAX_MESSAGE_ID), unique=True)
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    raw: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    review = relationship("InboundReview", uselist=False, viewonly=True)

    def original(self) -> bytes:
        """The bytes as received: refused (409) when they no longer match the SHA-256 recorded with them."""
        from ..core.inbound import sha256

        if sha256(self.raw) != self.sha256:
            raise Conflict(
                N_(
                    "this message no longer matches the SHA-256 recorded when it arrived: the record was changed "
                    "past the application; the administrator can find out with flask verify"
                ),
                code="record_mismatch",
            )
        return self.raw


class InboundReview(Model):
    """The one review of a message: accepted (with the incident it became) or rejected (with the reason)."""

    __tablename__ = "inbound_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    inbound_message_id: Mapped[int] = mapped_column(ForeignKey("inbound_messages.id"), unique=True)
    decision: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(Text)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), index=True)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    reviewer = relationship("User")


def _refuse(mapper, connection, target):
    raise AppendOnlyError(f"{type(target).__tablename__} is append-only: rows are never updated or deleted")


for _model in (InboundMessage, InboundReview):
    event.listen(_model, "before_update", _refuse)
    event.listen(_model, "before_delete", _refuse)
