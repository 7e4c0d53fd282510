"""A stored inbound message and its review, through the real intake service (for the tests that need a row in every
append-only table)."""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP

from incidents.core.instants import utcnow
from incidents.extensions import db
from incidents.intake import service


def inbound_message(subject: str = "Mogelijk datalek", body: str = "Een melding per e-mail.") -> bytes:
    msg = EmailMessage()
    msg["From"] = "Praktijk De Linde <fg@praktijk-delinde.example>"
    msg["To"] = "datalek@verwerker.example"
    msg["Subject"] = subject
    msg.set_content(body)
    return msg.as_bytes(policy=SMTP)


def inbound_message_and_review(reason: str = "Geen datalek"):
    """One message stored (as the SMTP receiver would) and rejected; committed. Returns the message."""
    stored = service.store_message(
        inbound_message(), channel="smtp", received_at=utcnow(), envelope_from="fg@praktijk-delinde.example"
    )
    service.reject(stored.message, reason)
    db.session.commit()
    return stored.message
