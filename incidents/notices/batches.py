"""Notices for many controllers at once. The request only queues: one batch row and one outbox row per controller,
in one short transaction (no PDF is made while the database is held); the worker renders each notice just before
its first attempt (`render_pending`) and sends it. A second click with the same form token finds the first batch,
and an initial notice a controller already has is never queued again."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..auth.models import User
from ..breaches.locks import lock_incident
from ..breaches.models import Incident
from ..breaches.timeline import record_event
from ..core.instants import utcnow
from ..errors import ValidationFailed
from ..extensions import db
from ..parties.models import Controller
from ..validation import clean_text
from .keys import ONCE, dedupe_key, notice_pattern
from .models import NOTICE_VERSIONS, NoticeBatch, OutboxMessage
from .recipients import notice_recipients
from .service import mail_row, open_for_notices, queue_mails, render_message, told_controllers

TOKEN_LENGTH = 64


def queue_batch(
    incident: Incident,
    controller_ids: Sequence[int],
    *,
    version: str,
    next_update: object,
    token: object,
    actor=None,
    now: datetime | None = None,
) -> NoticeBatch:
    """Queue a notice of `version` for each of the given controllers (checked by the caller to be affected).
    Controllers that already have their initial (or final) notice are skipped: the batch counts what it queued."""
    if version not in NOTICE_VERSIONS:
        raise ValidationFailed(f"version must be one of {', '.join(NOTICE_VERSIONS)}", "version", "invalid_choice")
    if not isinstance(token, str) or not 16 <= len(token) <= TOKEN_LENGTH or not token.isalnum():
        raise ValidationFailed("the form is out of date: load the page again", "token", "invalid")
    next_text = clean_text(next_update, "next_update", 500)
    # Batches of one incident take turns (as issuing does): each sees the notices the one before it queued.
    lock_incident(incident)
    open_for_notices(incident, version)  # after a dismissal: only the final notice that it proved unfounded
    now = now or utcnow()
    earlier = db.session.scalar(select(NoticeBatch).where(NoticeBatch.token == token))
    if earlier is not None:
        return earlier
    try:
        with db.session.begin_nested():
            batch = NoticeBatch(
                incident_id=incident.id,
                token=token,
                version=version,
                total=0,
                created_at=now,
                created_by_id=getattr(actor, "id", None),
            )
            db.session.add(batch)
            db.session.flush()
    except IntegrityError:  # the same form sent twice at once: the other request made the batch
        return db.session.scalars(select(NoticeBatch).where(NoticeBatch.token == token)).one()
    wanted = set(controller_ids)
    if incident.status == "dismissed":
        wanted &= told_controllers(incident)  # nobody is told it proved unfounded who was never told of it
    rows = _rows(incident, batch, sorted(wanted), version, next_text, actor, now)
    queue_mails(rows)
    batch.total = len(rows)
    record_event(incident, "notices_queued", actor, batch_id=batch.id, version=version, count=len(rows))
    db.session.flush()
    return batch


def _rows(
    incident: Incident,
    batch: NoticeBatch,
    controller_ids: list[int],
    version: str,
    next_update: str,
    actor,
    now: datetime,
) -> list[dict]:
    """The outbox rows to insert, one per controller that is still owed this notice."""
    pattern = notice_pattern(incident.id, version)
    taken: dict[int, int] = {}  # controller → notices of this version queued so far
    for controller_id, count in db.session.execute(
        select(OutboxMessage.controller_id, func.count())
        .where(OutboxMessage.incident_id == incident.id, OutboxMessage.dedupe_key.like(pattern))
        .group_by(OutboxMessage.controller_id)
    ):
        if controller_id is not None:
            taken[controller_id] = count
    emails = notice_recipients(incident.id, controller_ids)  # the contracts' breach contacts, or the controller's
    rows = []
    for controller_id in controller_ids:
        if version in ONCE and taken.get(controller_id):
            continue
        sequence = taken.get(controller_id, 0) + 1
        row = mail_row(
            incident_id=incident.id,
            controller_id=controller_id,
            dedupe_key=dedupe_key(incident.id, controller_id, "notice", version, sequence),
            recipients=emails[controller_id],
            subject="",
            now=now,
            created_by_id=getattr(actor, "id", None),
            details={"kind": "notice", "version": version, "sequence": sequence, "next_update": next_update},
        )
        rows.append({**row, "batch_id": batch.id})
    return rows


def needs_rendering(message: OutboxMessage) -> bool:
    return message.batch_id is not None and message.document_id is None


def render_pending(message: OutboxMessage, now: datetime | None = None) -> None:
    """The worker's part: make the queued notice's document and bodies, with the facts as they are now."""
    incident = db.session.get_one(Incident, message.incident_id)
    controller = db.session.get_one(Controller, message.controller_id)
    batch = db.session.get(NoticeBatch, message.batch_id)
    actor = db.session.get(User, batch.created_by_id) if batch is not None and batch.created_by_id else None
    render_message(
        message,
        incident,
        controller,
        actor=actor,
        now=now or utcnow(),
        next_update=message.details.get("next_update", ""),
    )


def progress(batch: NoticeBatch) -> dict[str, int]:
    """How many of the batch's messages are in each outbox status."""
    counts = dict(
        db.session.execute(
            select(OutboxMessage.status, func.count())
            .where(OutboxMessage.batch_id == batch.id)
            .group_by(OutboxMessage.status)
        ).all()
    )
    return {status: int(n) for status, n in counts.items()}


def finished(counts: dict[str, int]) -> bool:
    """Nothing of the batch is still waiting to be sent or being sent (failed ones wait for a person)."""
    return not any(counts.get(status) for status in ("queued", "sending", "retrying"))
