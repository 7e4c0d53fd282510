"""A user's own notifications. Every query is scoped to one user id: nobody reads or marks another's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, func, insert, select, update

from ..breaches.models import Incident
from ..core.instants import utcnow
from ..extensions import db
from ..validation import is_id
from .models import Notification

PAGE_SIZE = 50


def notification_row(
    *,
    user_id: int,
    text: str,
    now: datetime,
    incident_id: int | None = None,
    reminder_id: int | None = None,
    kind: str = "reminder",
) -> dict:
    """The columns of one new notification."""
    return {
        "user_id": user_id,
        "incident_id": incident_id,
        "reminder_id": reminder_id,
        "kind": kind,
        "text": text,
        "created_at": now,
    }


def add_notifications(rows: list[dict]) -> None:
    """Add many notifications at once (rows from `notification_row`): one bulk insert."""
    if rows:
        db.session.execute(insert(Notification.__table__), rows)


@dataclass(frozen=True)
class Row:
    notification: Notification
    reference: str | None

    @property
    def unread(self) -> bool:
        return self.notification.read_at is None


def unread_count(user_id: int) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        )
        or 0
    )


def page_of(user_id: int, page: int = 1, size: int = PAGE_SIZE) -> tuple[list[Row], bool]:
    """One page of the user's notifications, newest first, and whether an older page exists."""
    page = max(page, 1)
    rows = db.session.execute(
        select(Notification, Incident.reference)
        .outerjoin(Incident, Incident.id == Notification.incident_id)
        .where(Notification.user_id == user_id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .offset((page - 1) * size)
        .limit(size + 1)
    ).all()
    return [Row(n, reference) for n, reference in rows[:size]], len(rows) > size


def mine(user_id: int, notification_id: object) -> Notification | None:
    """The notification if it belongs to this user; None for any other id (the view answers 404)."""
    if not is_id(notification_id):
        return None
    return db.session.scalar(
        select(Notification).where(Notification.id == notification_id, Notification.user_id == user_id)
    )


def mark_read(notification: Notification, now: datetime | None = None) -> bool:
    """Marks it read (once: the first reading time is kept); whether it was unread."""
    if notification.read_at is not None:
        return False
    notification.read_at = now or utcnow()
    db.session.flush()
    return True


def mark_all_read(user_id: int, now: datetime | None = None) -> int:
    result = cast(
        "CursorResult[Any]",
        db.session.execute(  # an UPDATE's result has a rowcount
            update(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
            .values(read_at=now or utcnow())
            .execution_options(synchronize_session=False)
        ),
    )
    return result.rowcount or 0
