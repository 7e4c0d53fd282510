from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.instants import utcnow
from ..db_types import UTCDateTime
from ..extensions import Model


class Reminder(Model):
    """One reminder actually sent. The unique key (obligation, deadline, point) makes it happen once, however many
    workers tick at the same time."""

    __tablename__ = "reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    obligation_id: Mapped[int] = mapped_column(ForeignKey("obligations.id"), index=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    point: Mapped[str] = mapped_column(String(30))
    fire_at: Mapped[datetime] = mapped_column(UTCDateTime)
    escalated: Mapped[bool] = mapped_column(default=False)
    recipients: Mapped[list[str]] = mapped_column(JSON, default=list)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    worker: Mapped[str] = mapped_column(String(100), default="")


class Notification(Model):
    """An in-app notification for one user; read_at is set when they open it."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    reminder_id: Mapped[int | None] = mapped_column(ForeignKey("reminders.id"))
    kind: Mapped[str] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
