"""Deliver the outbox: claim due messages, send them, record the outcome.

A message is claimed with a conditional UPDATE, so two senders never send the same one; the claim counts the
attempt. Only when the mail server accepted a notice is a controller_notice filing recorded (one per affected
contract of that controller, carrying the server's reply); a failure leaves the message in the outbox to be
retried with backoff, and after OUTBOX_MAX_ATTEMPTS it is `failed` until a person retries it.

One message never holds up the others: whatever goes wrong while one is made or sent (a refusal, a dropped
connection, a message that cannot be built) is recorded on that message (status, attempts, last_error; the log
gets its id and the kind of error, never its content) and the pass goes on with the next.

Accepted is accepted: once the server answered 250 to DATA, the message is sent and its filing carries that moment,
whatever happens to the connection afterwards (a 421 or a disconnect on QUIT; the transport closes the connection
at the end of the pass and ignores how).

At least once, not exactly once. SMTP has no two-phase commit. A sender that stops (killed, out of memory, the
database gone) after the server's 250 and before the commit of `sent` leaves the message `sending`; after
STALE_CLAIM (10 minutes) another pass takes it over and sends it again. That copy carries the same Message-ID as the
first (mime.py), so the receiving side can recognise it; the filing records the second acceptance. A message whose
attempts all ended that way is failed, not taken over for ever.
"""

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
from ..core.one_line import one_line
from ..extensions import db
from .batches import needs_rendering, render_pending
from .content import affected_contracts
from .mailer import MailError, transport_for
from .mime import email_bytes
from .models import OutboxMessage

log = structlog.get_logger("incidents.outbox")
STALE_CLAIM = timedelta(minutes=10)
SENDER_STOPPED = "the sender stopped during the attempt (killed or crashed); no reply was recorded"


def _stale(now: datetime):
    """Claimed by a sender that has not finished within STALE_CLAIM (it stopped), with attempts left."""
    return (
        (OutboxMessage.status == "sending")
        & (OutboxMessage.claimed_at < now - STALE_CLAIM)
        & (OutboxMessage.attempts < current_app.config["OUTBOX_MAX_ATTEMPTS"])
    )


def due_ids(now: datetime, limit: int = 100) -> list[int]:
    return list(
        db.session.scalars(
            select(OutboxMessage.id)
            .where(
                or_(
                    OutboxMessage.status.in_(("queued", "retrying")) & (OutboxMessage.next_attempt_at <= now),
                    _stale(now),
                )
            )
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
        )
    )


def claim(message_id: int, now: datetime) -> bool:
    """Take the message for one attempt (counted now, so an attempt whose sender stopped counts too)."""
    result = cast(
        "CursorResult[Any]",
        db.session.execute(  # an UPDATE's result has a rowcount
            update(OutboxMessage)
            .where(
                OutboxMessage.id == message_id,
                or_(OutboxMessage.status.in_(("queued", "retrying")), _stale(now)),
            )
            .values(status="sending", claimed_at=now, attempts=OutboxMessage.attempts + 1)
        ),
    )
    db.session.commit()
    return result.rowcount == 1


def give_up_stale(now: datetime) -> int:
    """Messages whose last attempt ended with its sender gone, and no attempts left: failed, shown as every other
    failure (a person may retry them). Without this a message that stops its sender every time (a PDF too big to
    render in the memory there is) would be taken over every STALE_CLAIM for ever. Returns how many."""
    given_up = 0
    limit = current_app.config["OUTBOX_MAX_ATTEMPTS"]
    exhausted = (
        (OutboxMessage.status == "sending")
        & (OutboxMessage.claimed_at < now - STALE_CLAIM)
        & (OutboxMessage.attempts >= limit)
    )
    for message_id in db.session.scalars(select(OutboxMessage.id).where(exhausted)).all():
        result = cast(
            "CursorResult[Any]",
            db.session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message_id, exhausted)
                .values(status="failed", claimed_at=None, next_attempt_at=None, last_error=SENDER_STOPPED)
                .execution_options(synchronize_session=False)
            ),
        )
        if result.rowcount == 1:  # not given up by another sender at the same moment
            message = db.session.get_one(OutboxMessage, message_id)
            db.session.refresh(message)
            _record_failure(message)
            given_up += 1
        db.session.commit()
    return given_up


def _backoff(attempts: int) -> timedelta:
    steps = current_app.config["OUTBOX_BACKOFF_SECONDS"]
    return timedelta(seconds=steps[min(attempts - 1, len(steps) - 1)])


def _record_delivery(message: OutboxMessage, reply: str, at: datetime) -> None:
    """The server accepted the message: that is the filing of the notice (for each contract of the controller that
    it fulfils) or of the investigation report, recorded through the breach service."""
    kind = message.details.get("kind", "notice")
    if kind in ("reminder", "forward"):
        # a reminder to people is not a filing: the reminders table already says what was sent; nor is a notice
        # forwarded by a processor-customer to its own controllers (notice_forwards holds it, this row its status)
        return
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


def _record_failure(message: OutboxMessage) -> None:
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


def _failed(message_id: int, error: str, now: datetime) -> str:
    """The attempt failed: back to the queue with backoff, or failed for good after the last attempt. Starts from a
    clean session (whatever failed may have left it unusable) and commits."""
    db.session.rollback()
    message = db.session.get_one(OutboxMessage, message_id)
    message.last_error = one_line(error)[:2000]  # whatever it holds, storable (no NUL) and on one line
    message.claimed_at = None
    if message.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        message.status, message.next_attempt_at = "failed", None
    else:
        message.status, message.next_attempt_at = "retrying", now + _backoff(message.attempts)
    _record_failure(message)
    db.session.commit()
    log.warning("mail_failed", outbox_id=message.id, attempt=message.attempts, status=message.status)
    return message.status


def _described(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _build(message: OutboxMessage) -> bytes:
    """The message's bytes; a notice queued by a batch gets its document first, with the facts as they are now
    (kept even if the sending fails: it is what will be sent)."""
    if needs_rendering(message):
        render_pending(message, now=utcnow())
        db.session.commit()
    return email_bytes(message)


def _mark_sent(message_id: int, reply: str, accepted_at: datetime) -> OutboxMessage:
    message = db.session.get_one(OutboxMessage, message_id)
    message.status, message.smtp_reply, message.sent_at = "sent", reply[:2000], accepted_at
    message.last_error, message.next_attempt_at, message.claimed_at = None, None, None
    return message


def _accepted(message_id: int, reply: str, accepted_at: datetime) -> None:
    """The server took the message: it is sent, whatever comes after. Its filing and timeline event are recorded
    with the moment of acceptance. Should that fail, the message is still marked sent (so it is never sent again)
    and the log says that its filing is missing, to be recorded by hand."""
    try:
        _record_delivery(_mark_sent(message_id, reply, accepted_at), reply, accepted_at)
        db.session.commit()
    except Exception as exc:
        db.session.rollback()
        log.error("mail_sent_unrecorded", outbox_id=message_id, error_type=type(exc).__name__)
        _mark_sent(message_id, reply, accepted_at)
        db.session.commit()


def deliver(message_id: int, transport=None, now: datetime | None = None) -> str:
    """Send one message if it can be claimed; returns its status afterwards. Whatever goes wrong with this message
    is recorded on it, not raised."""
    now = now or utcnow()
    if not claim(message_id, now):
        return "not_claimed"
    message = db.session.get_one(OutboxMessage, message_id)  # just claimed
    try:
        content = _build(message)
        recipients = list(message.recipients)
    except Exception as exc:  # a message that cannot be made fails alone
        log.warning("mail_unbuildable", outbox_id=message_id, error_type=type(exc).__name__)
        return _failed(message_id, _described(exc), now)
    transport = transport or transport_for(current_app)
    try:
        reply = transport.send(current_app.config["MAIL_FROM"], recipients, content)
    except MailError as exc:
        return _failed(message_id, str(exc), now)
    except Exception as exc:  # a transport's own mistake: this message fails, the connection is started afresh
        transport.close()
        return _failed(message_id, _described(exc), now)
    _accepted(message_id, reply, utcnow())
    log.info("mail_sent", outbox_id=message_id, attempt=message.attempts)
    return "sent"


def deliver_due(transport=None, now: datetime | None = None, limit: int = 100) -> dict[str, int]:
    """One pass of the worker: every message due, over one mail connection (closed at the end of the pass). A
    message whose delivery could not even be recorded (the database failed meanwhile) is counted as an error and
    left claimed: it is taken over after STALE_CLAIM, as after a crash."""
    counts: dict[str, int] = {}
    own = transport is None
    transport = transport or transport_for(current_app)
    try:
        given_up = give_up_stale(now or utcnow())
        if given_up:
            counts["failed"] = given_up
        for message_id in due_ids(now or utcnow(), limit):
            try:
                status = deliver(message_id, transport, now)
            except Exception as exc:
                db.session.rollback()
                log.error("mail_delivery_error", outbox_id=message_id, error_type=type(exc).__name__)
                status = "error"
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
