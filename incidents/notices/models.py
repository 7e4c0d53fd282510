from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, event
from sqlalchemy.orm import Mapped, deferred, mapped_column

from ..breaches.models import AppendOnlyError
from ..core.instants import utcnow
from ..db_types import UTCDateTime
from ..errors import N_, Conflict
from ..extensions import Model

DOCUMENT_KINDS = ("notice", "investigation_report")
NOTICE_VERSIONS = ("initial", "update", "final")
OUTBOX_STATUSES = ("queued", "sending", "sent", "retrying", "failed")


class Document(Model):
    """An issued document, kept as the exact bytes sent, with their SHA-256. Append-only."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    controller_id: Mapped[int] = mapped_column(ForeignKey("controllers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    version: Mapped[str | None] = mapped_column(String(20))
    sequence: Mapped[int] = mapped_column(default=1)
    language: Mapped[str] = mapped_column(String(5))
    provisional: Mapped[bool] = mapped_column(default=False)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100), default="application/pdf")
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    recipients: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @staticmethod
    def digest(content: bytes) -> str:
        return hashlib.sha256(content).hexdigest()

    def sent_bytes(self) -> bytes:
        """The bytes as sent: refused (409) when they no longer match the SHA-256 recorded with them, so that a
        changed document is never handed out as the one that was sent (flask verify names the row)."""
        if self.digest(self.content) != self.sha256:
            raise Conflict(
                N_(
                    "this document no longer matches the SHA-256 recorded when it was sent: the record was changed "
                    "past the application; the administrator can find out with flask verify"
                ),
                code="record_mismatch",
            )
        return self.content


class NoticeBatch(Model):
    """Notices asked for many controllers at once: the request queues one outbox row per controller under a batch
    and returns; the worker renders and sends them. The form's token makes a second click find the first batch."""

    __tablename__ = "notice_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    version: Mapped[str] = mapped_column(String(20))
    total: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class OutboxMessage(Model):
    """An e-mail stored before it is sent; the sender updates its status, never its content. A notice queued by a
    batch is stored without content and rendered once, by the worker, before its first attempt."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    # Notices and reports go to a controller with a document; reminders go to people, without either.
    controller_id: Mapped[int | None] = mapped_column(ForeignKey("controllers.id"), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    # Queued by a batch: rendered by the worker (document_id stays empty until then).
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("notice_batches.id"), index=True)
    recipients: Mapped[list[str]] = mapped_column(JSON)
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = deferred(mapped_column(Text, nullable=False))
    body_html: Mapped[str] = deferred(mapped_column(Text, nullable=False))
    ack_nonce: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(20), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    smtp_reply: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class NoticeForward(Model):
    """A controller that is itself a processor forwarded a notice it received to its own controllers (AVG art. 33
    lid 2) through the portal: the stored document, unchanged, sent by the outbox. Append-only; whether it was sent
    is the outbox row's status."""

    __tablename__ = "notice_forwards"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    controller_id: Mapped[int] = mapped_column(ForeignKey("controllers.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    recipients: Mapped[list[str]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    forwarded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    forwarded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"))


def _refuse_document_change(mapper, connection, target):
    raise AppendOnlyError("documents are append-only: an issued document is never changed or deleted")


def _refuse_forward_change(mapper, connection, target):
    raise AppendOnlyError("notice_forwards is append-only: a recorded forward is never changed or deleted")


event.listen(Document, "before_update", _refuse_document_change)
event.listen(Document, "before_delete", _refuse_document_change)
event.listen(NoticeForward, "before_update", _refuse_forward_change)
event.listen(NoticeForward, "before_delete", _refuse_forward_change)
