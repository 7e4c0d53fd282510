"""The built-in SMTP receiver for on-premise use (aiosmtpd): `flask --app wsgi intake serve`.

It takes mail for the breach address (INTAKE_ADDRESS) only: any other recipient is refused with 550 at RCPT, and a
message larger than INTAKE_MAX_BYTES with 552 (aiosmtpd's own limit). Each message is stored and committed before
the receiver answers 250; when storing fails the answer is 451 (try again later), so the sender keeps the message
and retries: a message is never lost, and a retry of one stored already (same bytes or same Message-ID) is
answered 250 without storing it twice.

What is stored is the DATA as it arrived, after the SMTP dot-unstuffing (RFC 5321 4.5.2) and nothing else: the
receiver adds no header. Its SHA-256 is over exactly those bytes. The envelope (MAIL FROM, RCPT TO) is kept beside
them, and the arrival is the moment the DATA ended, in UTC to the second.
"""

from __future__ import annotations

import asyncio

import structlog
from aiosmtpd.controller import Controller
from flask import Flask

from ..core.instants import utcnow
from ..extensions import db
from .service import addressed_to, store_message

log = structlog.get_logger("incidents.intake")


class Handler:
    """aiosmtpd's handler: refuse other recipients, store each message in the application's database."""

    def __init__(self, app: Flask):
        self.app = app

    @property
    def address(self) -> str:
        return str(self.app.config.get("INTAKE_ADDRESS") or "")

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd's name)
        if not addressed_to(self.address, [address]):
            return "550 5.1.1 Mailbox unavailable: this server only takes mail for the breach address"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        arrived = utcnow()
        loop = asyncio.get_running_loop()
        try:
            new = await loop.run_in_executor(None, self._store, envelope, arrived)
        except Exception as exc:  # the database is away: the sender keeps the message and tries again
            log.error("intake_store_failed", channel="smtp", error=type(exc).__name__)
            return "451 4.3.0 Could not store the message now; try again later"
        return "250 2.0.0 Stored" if new else "250 2.0.0 Stored before"

    def _store(self, envelope, arrived) -> bool:
        with self.app.app_context():
            try:
                stored = store_message(
                    bytes(envelope.original_content),
                    channel="smtp",
                    received_at=arrived,
                    envelope_from=envelope.mail_from,
                    envelope_to=list(envelope.rcpt_tos),
                )
                stored_id, new = stored.message.id, stored.new
                db.session.commit()
            except Exception:
                db.session.rollback()
                raise
            finally:
                db.session.remove()
        log.info("intake_stored", channel="smtp", message=stored_id, new=new)
        return new


def receiver(app: Flask, host: str | None = None, port: int | None = None) -> Controller:
    """The receiver for `app`, not yet started (`.start()`, `.stop()`)."""
    config = app.config
    return Controller(
        Handler(app),
        hostname=host or config["INTAKE_SMTP_HOST"],
        port=int(port if port is not None else config["INTAKE_SMTP_PORT"]),
        server_hostname=config.get("INTAKE_SMTP_NAME") or "localhost",  # the name in the greeting (no DNS look-up)
        data_size_limit=int(config["INTAKE_MAX_BYTES"]),
        enable_SMTPUTF8=True,
        ident="Datalekdesk intake",
    )
