"""Deliver the outbox: claim due messages, send them, record the outcome.

A message is claimed with a conditional UPDATE, so two senders never send the same one. Only when
the mail server accepted a notice is a controller_notice filing recorded (one per affected contract
of that controller, carrying the server's reply); a failure leaves the message in the outbox to be
retried with backoff."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Any, cast

import structlog
from flask import Flask, current_app
from sqlalchemy import CursorResult, or_, select, update

from ..breaches.models import Incident
from ..breaches.service import FilingInput, record_observed_filings
from ..breaches.timeline import record_event
from ..core.instants import utcnow
from ..extensions import db
from .batches import needs_rendering, render_pending
from .content import affected_contracts
from .mailer import MailError, transport_for
from .mime import email_bytes
from .models import OutboxMessage

log = structlog.get_logger("incidents.outbox")
STALE_CLAIM = timedelta(minutes=10)


def due_ids(now: datetime, limit: int = 100) -> list[int]:
    return list(
        db.session.scalars(
            select(OutboxMessage.id)
            .where(
                or_(
                    OutboxMessage.status.in_(("queued", "retrying")) & (OutboxMessage.next_attempt_at <= now),
                    (OutboxMessage.status == "sending") & (OutboxMessage.claimed_at < now - STALE_CLAIM),
                )
            )
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
        )
    )


def claim(message_id: int, now: datetime) -> bool:
    result = cast(
        "CursorResult[Any]",
        db.session.execute(  # an UPDATE's result has a rowcount
            update(OutboxMessage)
            .where(
                OutboxMessage.id == message_id,
                or_(
                    OutboxMessage.status.in_(("queued", "retrying")),
                    (OutboxMessage.status == "sending") & (OutboxMessage.claimed_at < now - STALE_CLAIM),
                ),
            )
            .values(status="sending", claimed_at=now)
        ),
    )
    db.session.commit()
    return result.rowcount == 1


def _backoff(attempts: int) -> timedelta:
    steps = current_app.config["OUTBOX_BACKOFF_SECONDS"]
    return timedelta(seconds=steps[min(attempts - 1, len(steps) - 1)])


def _record_delivery(message: OutboxMessage, reply: str, at: datetime) -> None:
    """The server accepted the message: that is the filing of the notice (for each contract of the controller that
    it fulfils) or of the investigation report, recorded through the breach service."""
    kind = message.details.get("kind", "notice")
    if kind == "reminder":
        return  # a reminder to people is not a filing: the reminders table already says what was sent
    note, details = f"SMTP: {reply}"[:1000], {"outbox_id": message.id, "smtp_reply": reply}
    if kind == "notice":
        # It fulfils the duties of the contracts its document covered (recorded when it was made), not of one added
        # between the rendering and the delivery.
        covered = message.details.get("contracts")
        filings = [
            FilingInput(
                kind="controller_notice",
                contract_id=contract.id,
                controller_id=message.controller_id,
                at=at,
                channel="email",
                document_id=message.document_id,
                note=note,
                details={**details, "version": message.details.get("version")},
            )
            # a notice is addressed to a controller (only reminders have none, returned above)
            for contract in affected_contracts(message.incident_id, cast(int, message.controller_id))
            if covered is None or contract.reference in covered
        ]
    else:
        filings = [
            FilingInput(
                kind="investigation_report",
                controller_id=message.controller_id,
                at=at,
                channel="email",
                document_id=message.document_id,
                note=note,
                details=details,
            )
        ]
    incident = db.session.get_one(Incident, message.incident_id)
    record_observed_filings(incident, filings, now=at)
    record_event(
        incident,
        "mail_sent",
        None,
        outbox_id=message.id,
        document_id=message.document_id,
        controller_id=message.controller_id,
        smtp_reply=reply,
    )


def _failed(message: OutboxMessage, error: str, now: datetime) -> None:
    """The attempt failed: back to the queue with backoff, or failed for good after the last attempt."""
    message.attempts += 1
    message.last_error = error[:2000]
    message.claimed_at = None
    if message.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        message.status, message.next_attempt_at = "failed", None
    else:
        message.status, message.next_attempt_at = "retrying", now + _backoff(message.attempts)
    incident = db.session.get_one(Incident, message.incident_id)
    record_event(
        incident,
        "mail_failed",
        None,
        outbox_id=message.id,
        controller_id=message.controller_id,
        attempt=message.attempts,
        error=message.last_error,
        status=message.status,
    )
    db.session.commit()
    log.warning("mail_failed", outbox_id=message.id, attempt=message.attempts, status=message.status)


def deliver(message_id: int, transport=None, now: datetime | None = None) -> str:
    """Send one message if it can be claimed; returns its status afterwards."""
    now = now or utcnow()
    if not claim(message_id, now):
        return "not_claimed"
    message = db.session.get_one(OutboxMessage, message_id)  # just claimed
    if needs_rendering(message):
        # A notice queued by a batch: its document is made now, with the facts as they are, and kept even if the
        # sending fails (it is what will be sent).
        render_pending(message, now=utcnow())
        db.session.commit()
    transport = transport or transport_for(current_app)
    sender = current_app.config["MAIL_FROM"]
    try:
        reply = transport.send(sender, list(message.recipients), email_bytes(message))
    except MailError as exc:
        _failed(message, str(exc), now)
        return message.status
    accepted_at = utcnow()
    message.attempts += 1
    message.status, message.smtp_reply, message.sent_at = "sent", reply[:2000], accepted_at
    message.last_error, message.next_attempt_at, message.claimed_at = None, None, None
    _record_delivery(message, reply, accepted_at)
    db.session.commit()
    log.info("mail_sent", outbox_id=message.id, attempt=message.attempts)
    return "sent"


def deliver_due(transport=None, now: datetime | None = None, limit: int = 100) -> dict[str, int]:
    """One pass of the worker: every message due, over one mail connection (closed at the end of the pass)."""
    counts: dict[str, int] = {}
    own = transport is None
    transport = transport or transport_for(current_app)
    try:
        for message_id in due_ids(now or utcnow(), limit):
            status = deliver(message_id, transport, now)
            counts[status] = counts.get(status, 0) + 1
    finally:
        if own:
            transport.close()
    return counts


def retry_now(message: OutboxMessage) -> None:
    """A person asks to try again now, also after the attempts ran out."""
    if message.status in ("sent", "sending"):
        return
    message.status, message.next_attempt_at = "retrying", utcnow()
    db.session.flush()


class Pump:
    """A daemon thread per web process that delivers due mail; woken at once when mail is queued."""

    def __init__(self, app: Flask, interval: float):
        self.app, self.interval = app, interval
        self.wake = threading.Event()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="outbox-pump", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self.stopped.set()
        self.wake.set()
        if self.thread.is_alive():
            self.thread.join(timeout)

    def _run(self) -> None:
        while not self.stopped.is_set():
            self.wake.wait(self.interval)
            self.wake.clear()
            if self.stopped.is_set():
                return
            try:
                with self.app.app_context():
                    deliver_due()
                    db.session.remove()
            except Exception:  # the pump must survive a bad moment (database locked, …)
                log.exception("outbox_pump_error")


def init_app(app: Flask) -> None:
    interval = float(app.config.get("OUTBOX_PUMP_SECONDS") or 0)
    if interval <= 0:
        app.extensions["outbox_pump"] = None
        return
    pump = Pump(app, interval)
    app.extensions["outbox_pump"] = pump
    started = threading.Lock()

    @app.before_request
    def start_pump() -> None:
        if not pump.thread.is_alive() and started.acquire(blocking=False):
            pump.start()


def wake_pump() -> None:
    pump = current_app.extensions.get("outbox_pump")
    if pump is not None:
        pump.wake.set()
