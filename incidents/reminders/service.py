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

from datetime import datetime
from typing import cast

import structlog
from flask import current_app
from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..auth.models import STAFF_ROLES, User
from ..breaches.models import Incident, Obligation
from ..core.instants import utcnow
from ..core.reminders import current, following, reminder_key
from ..extensions import db
from ..notices.keys import reminder_dedupe_key
from ..notices.service import mail_row, queue_mails
from ..notifications.service import add_notifications, notification_row
from ..parties.models import Controller
from ..settings import reminder_plan
from ..webhooks.models import Webhook
from ..webhooks.service import call_row, queue_calls
from .models import Reminder
from .texts import message_for

log = structlog.get_logger("incidents.reminders")
BATCH = 500


def due_query(now: datetime, limit: int = BATCH):
    """The bare due-query: running obligations whose next reminder has come (index status, next_reminder_at)."""
    query = (
        select(*DUE_COLUMNS)
        .where(Obligation.status == "running", Obligation.next_reminder_at <= now)
        .order_by(Obligation.next_reminder_at, Obligation.id)
        .limit(limit)
    )
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=Obligation)
    return query


DUE_COLUMNS = (
    Obligation.id,
    Obligation.incident_id,
    Obligation.controller_id,
    Obligation.kind,
    Obligation.owner,
    Obligation.clause,
    Obligation.starts_at,
    Obligation.due_at,
    Obligation.next_reminder_at,
)


def tick(now: datetime | None = None, worker: str = "") -> int:
    """Send every reminder that has come; returns how many were sent. One transaction per batch."""
    now = now or utcnow()
    context = _Context(now, worker)
    sent = 0
    while True:
        batch = db.session.execute(due_query(now)).all()
        if not batch:
            db.session.rollback()
            return sent
        sent += _remind_batch(batch, context)
        db.session.commit()


class _Context:
    """What every batch of one tick shares: the plan, the administrators, the webhooks, the DPO address."""

    def __init__(self, now: datetime, worker: str):
        self.now, self.worker, self.plan = now, worker[:100], reminder_plan()
        self.admins = db.session.execute(
            select(User.id, User.email).where(User.role == "admin", User.active.is_(True)).order_by(User.id)
        ).all()
        self.hooks: dict[int | None, list[int]] = {}
        for hook_id, controller_id in db.session.execute(
            select(Webhook.id, Webhook.controller_id).where(Webhook.active.is_(True))
        ):
            self.hooks.setdefault(controller_id, []).append(hook_id)
        self.dpo = current_app.config["DPO_EMAIL"]


def _insert_ignore(rows: list[dict]) -> dict[str, int]:
    """Insert the reminders whose key is new; returns key → id of those. A key another worker inserted first is
    skipped (on PostgreSQL the insert waits for that worker's commit, on SQLite the write lock does)."""
    dialect = db.engine.dialect.name
    table = Reminder.__table__
    statement = (pg_insert if dialect == "postgresql" else sqlite_insert)(table)
    # executemany with RETURNING ("insertmanyvalues"): compiled once, cached, batched by SQLAlchemy.
    result = db.session.execute(
        statement.on_conflict_do_nothing(index_elements=["key"]).returning(table.c.key, table.c.id), rows
    )
    return dict(result.all())


def _remind_batch(batch, context: _Context) -> int:
    now, chosen = context.now, context.plan
    advances, planned = [], []
    for row in batch:
        point = current(row.starts_at, row.due_at, now, chosen)
        advances.append(
            {"oid": row.id, "old": row.next_reminder_at, "nxt": following(row.starts_at, row.due_at, now, chosen)}
        )
        if point is not None:
            planned.append((row, point, reminder_key(row.id, point, row.due_at)))
    db.session.execute(
        update(Obligation.__table__)
        .where(
            Obligation.__table__.c.id == bindparam("oid"), Obligation.__table__.c.next_reminder_at == bindparam("old")
        )
        .values(next_reminder_at=bindparam("nxt")),
        advances,
    )
    # The batch was read without a lock (SQLite): a row that another worker or a request changed before this UPDATE
    # (a point sent, a filing, a dismissal, a moved deadline) was not advanced by it, and is not this worker's to
    # remind of. Read back, inside this write transaction, which rows this worker did advance.
    wanted = {a["oid"]: a["nxt"] for a in advances}
    advanced = {
        oid
        for oid, nxt in db.session.execute(
            select(Obligation.id, Obligation.next_reminder_at).where(
                Obligation.id.in_(wanted), Obligation.status == "running"
            )
        )
        if nxt == wanted[oid]
    }
    planned = [item for item in planned if item[0].id in advanced]
    if not planned:
        return 0
    people = _people(batch, context)
    values = []
    for row, point, key in planned:
        users = _recipients(row, point.escalate, people, context)
        emails = sorted({email for _uid, email in users} | ({context.dpo} if point.escalate and context.dpo else set()))
        values.append(
            {
                "key": key,
                "obligation_id": row.id,
                "incident_id": row.incident_id,
                "point": point.key,
                "fire_at": point.fire_at,
                "escalated": point.escalate,
                "recipients": emails,
                "sent_at": now,
                "worker": context.worker,
            }
        )
    inserted = _insert_ignore(values)
    mails: list[dict] = []
    notes: list[dict] = []
    calls: list[dict] = []
    for (row, point, key), value in zip(planned, values, strict=True):
        reminder_id = inserted.get(key)
        if reminder_id is None:
            continue  # another worker sent this one
        text = message_for(
            people["incidents"][row.incident_id],
            row,
            people["controllers"].get(row.controller_id),
            point,
            now,
            dpo=bool(context.dpo),
        )
        if value["recipients"]:
            mails.append(
                mail_row(
                    incident_id=row.incident_id,
                    dedupe_key=reminder_dedupe_key(key),
                    recipients=value["recipients"],
                    subject=text.subject,
                    body_text=text.body,
                    body_html=text.html,
                    now=now,
                    details={"kind": "reminder", "reminder_id": reminder_id},
                )
            )
        notes.extend(
            notification_row(
                user_id=user_id,
                incident_id=row.incident_id,
                reminder_id=reminder_id,
                text=text.short_en if user_id in people["english"] else text.short,
                now=now,
            )
            for user_id, _email in _recipients(row, point.escalate, people, context)
        )
        calls.extend(
            call_row(webhook_id=hook_id, reminder_id=reminder_id, payload=text.payload, now=now)
            for hook_id in context.hooks.get(None, []) + context.hooks.get(row.controller_id, [])
        )
    # Each feature inserts its own rows, in bulk: a tick reminds of thousands of deadlines at once.
    queue_mails(mails)
    add_notifications(notes)
    queue_calls(calls)
    log.info("reminders", sent=len(inserted), due=len(batch))
    return len(inserted)


def _people(batch, context: _Context) -> dict:
    """The incidents, controllers, handlers and controller users of a batch, each read with one query."""
    incident_ids = {row.incident_id for row in batch}
    controller_ids = {row.controller_id for row in batch}
    incidents = {
        r.id: r
        for r in db.session.execute(
            select(Incident.id, Incident.reference, Incident.created_by_id).where(Incident.id.in_(incident_ids))
        )
    }
    handler_ids = {r.created_by_id for r in incidents.values() if r.created_by_id}
    handlers = {
        r.id: (r.id, r.email)
        for r in db.session.execute(
            select(User.id, User.email).where(
                User.id.in_(handler_ids), User.active.is_(True), User.role.in_(STAFF_ROLES)
            )
        )
    }
    controller_users: dict[int, list[tuple[int, str]]] = {}
    for user_id, email, controller_id in db.session.execute(
        select(User.id, User.email, User.controller_id)
        .where(User.role == "controller", User.active.is_(True), User.controller_id.in_(controller_ids))
        .order_by(User.id)
    ):
        # The IN above matches no NULL: every row has a controller.
        controller_users.setdefault(cast(int, controller_id), []).append((user_id, email))
    controllers = {
        r.id: r
        for r in db.session.execute(
            select(
                Controller.id,
                Controller.name,
                Controller.country,
                Controller.main_establishment,
                Controller.is_processor,
            ).where(Controller.id.in_(controller_ids))
        )
    }
    told = {
        *handlers,
        *(uid for users in controller_users.values() for uid, _e in users),
        *(a[0] for a in context.admins),
    }
    english = (
        set(db.session.scalars(select(User.id).where(User.id.in_(told), User.language == "en"))) if told else set()
    )
    return {
        "incidents": incidents,
        "handlers": handlers,
        "controller_users": controller_users,
        "controllers": controllers,
        "english": english,  # users who chose English: their in-app notification is in English
    }


def _recipients(row, escalate: bool, people: dict, context: _Context) -> list[tuple[int, str]]:
    """The incident's handler; for the controller's own AP clock also that controller's users; from the deadline
    on also every administrator (and the DPO's address, added by the caller)."""
    found: dict[int, str] = {}
    incident = people["incidents"][row.incident_id]
    handler = people["handlers"].get(incident.created_by_id)
    if handler:
        found[handler[0]] = handler[1]
    controller = people["controllers"].get(row.controller_id)
    # A controller that is itself a processor has no AP deadline of its own (its controllers' 72 hours run from when
    # it informs them): its users are not reminded of one.
    if row.owner == "controller" and not (controller is not None and controller.is_processor):
        found.update(dict(people["controller_users"].get(row.controller_id, [])))
    if escalate:
        found.update(dict(context.admins))
    return sorted(found.items())
