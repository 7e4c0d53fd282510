"""One tick of the reminder worker: find deadlines whose next reminder has come, and send each reminder once.

Exactly once, with any number of workers and across crashes:
- the due obligations are selected with `FOR UPDATE SKIP LOCKED` on PostgreSQL, so concurrent workers take
  disjoint rows (SQLite serialises writers instead);
- an obligation's `next_reminder_at` is advanced with a conditional UPDATE: only the worker that moved it sends;
- the reminder row has a unique key (obligation, deadline, point), the last guard;
- everything a reminder causes (the outbox e-mail, the in-app notifications, the webhook deliveries) is written
  in the same transaction as the reminder row. A worker killed mid-run rolls back: nothing of that batch was
  sent, and the next tick sends it.
"""

from __future__ import annotations

import secrets
from datetime import datetime

import structlog
from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..auth.models import User
from ..breaches.models import Incident, Obligation
from ..core.instants import utcnow
from ..core.reminders import current, following, reminder_key
from ..extensions import db
from ..notices.models import OutboxMessage
from ..parties.models import Controller
from ..webhooks.models import Webhook, WebhookDelivery
from .models import Notification, Reminder
from .plan import plan
from .texts import message_for

log = structlog.get_logger("incidents.reminders")
BATCH = 200


def due_query(now: datetime, limit: int = BATCH):
    """The bare due-query: running obligations whose next reminder has come (index status, next_reminder_at)."""
    query = (select(Obligation).where(Obligation.status == "running", Obligation.next_reminder_at <= now)
             .order_by(Obligation.next_reminder_at, Obligation.id).limit(limit))
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=Obligation)
    return query


def tick(now: datetime | None = None, worker: str = "") -> int:
    """Send every reminder that has come; returns how many were sent."""
    now = now or utcnow()
    sent = 0
    while True:
        batch = db.session.scalars(due_query(now)).all()
        if not batch:
            db.session.rollback()
            return sent
        for obligation in batch:
            sent += remind(obligation, now, worker)
        db.session.commit()


def _insert_ignore(values: dict) -> int | None:
    """Insert the reminder unless its key exists; the new id, or None when another worker was first."""
    dialect = db.engine.dialect.name
    statement = (pg_insert if dialect == "postgresql" else sqlite_insert)(Reminder.__table__).values(**values)
    result = db.session.execute(statement.on_conflict_do_nothing(index_elements=["key"])
                                .returning(Reminder.__table__.c.id))
    return result.scalar()


def remind(obligation: Obligation, now: datetime, worker: str = "") -> int:
    chosen = plan()
    point = current(obligation.starts_at, obligation.due_at, now, chosen)
    advanced = db.session.execute(
        update(Obligation).where(Obligation.id == obligation.id,
                                 Obligation.next_reminder_at == obligation.next_reminder_at)
        .values(next_reminder_at=following(obligation.starts_at, obligation.due_at, now, chosen))
        .execution_options(synchronize_session=False))
    if advanced.rowcount != 1 or point is None:
        return 0  # another worker moved it first
    users = recipients(obligation, point.escalate)
    emails = sorted({u.email for u in users} | ({current_app.config["DPO_EMAIL"]}
                                                if point.escalate and current_app.config["DPO_EMAIL"] else set()))
    key = reminder_key(obligation.id, point, obligation.due_at)
    reminder_id = _insert_ignore({"key": key, "obligation_id": obligation.id, "incident_id": obligation.incident_id,
                                  "point": point.key, "fire_at": point.fire_at, "escalated": point.escalate,
                                  "recipients": emails, "sent_at": now, "worker": worker[:100]})
    if reminder_id is None:
        return 0
    incident = db.session.get(Incident, obligation.incident_id)
    controller = db.session.get(Controller, obligation.controller_id)
    text = message_for(incident, obligation, controller, point, now)
    if emails:
        db.session.add(OutboxMessage(
            incident_id=incident.id, controller_id=None, document_id=None, dedupe_key=f"reminder:{key}"[:120],
            recipients=emails, subject=text.subject, body_text=text.body, body_html=text.html,
            ack_nonce=secrets.token_hex(16), status="queued", next_attempt_at=now, created_at=now,
            details={"kind": "reminder", "reminder_id": reminder_id}))
    for user in users:
        db.session.add(Notification(user_id=user.id, incident_id=incident.id, reminder_id=reminder_id,
                                    kind="reminder", text=text.short, created_at=now))
    for hook in db.session.scalars(select(Webhook).where(
            Webhook.active.is_(True),
            (Webhook.controller_id.is_(None)) | (Webhook.controller_id == obligation.controller_id))):
        db.session.add(WebhookDelivery(webhook_id=hook.id, reminder_id=reminder_id, payload=text.payload,
                                       status="queued", next_attempt_at=now, created_at=now))
    log.info("reminder", obligation_id=obligation.id, point=point.key, escalated=point.escalate)
    return 1


def recipients(obligation: Obligation, escalate: bool) -> list[User]:
    """The incident's handler; for the controller's own AP clock also that controller's users; from the deadline
    on also every administrator."""
    incident = db.session.get(Incident, obligation.incident_id)
    found: dict[int, User] = {}
    handler = db.session.get(User, incident.created_by_id) if incident.created_by_id else None
    if handler is not None and handler.active and handler.is_staff:
        found[handler.id] = handler
    if obligation.owner == "controller":
        for user in db.session.scalars(select(User).where(User.role == "controller", User.active.is_(True),
                                                          User.controller_id == obligation.controller_id)):
            found[user.id] = user
    if escalate:
        for user in db.session.scalars(select(User).where(User.role == "admin", User.active.is_(True))):
            found[user.id] = user
    return [found[k] for k in sorted(found)]
