"""The e-mail as it goes to the mail server: the MIME message of an outbox row, with headers that are safe whatever a
name holds and a Message-ID that is the same on every attempt.

- **Headers.** A subject carries a controller's name (a reminder's does), and names are stored as typed: a line
  break in one would make the header invalid (the email package refuses it, and before it did, the outbox stopped
  on it for everyone). Every header value passes `one_line`: line breaks become spaces, control characters go, the
  rest (non-ASCII too) is kept and encoded as RFC 2047 words where needed, folded to the line length. Nothing a
  name holds can add a header.
- **Message-ID.** ``<outbox-{h}@{domain}>``: h is the first 32 hex digits of the SHA-256 of the outbox row's
  dedupe key and its random nonce, the domain that of `MAIL_FROM` (else the host of `BASE_URL`). It is derived from
  the row, not drawn per attempt, so a message sent again (a retry after a connection dropped during DATA, or the
  copy after a crash: outbox.py) is recognisably the same message; mail clients and archives can drop or thread the
  copy. The nonce keeps it unique when a database is started afresh and its keys repeat.
"""

from __future__ import annotations

import hashlib
import re
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from urllib.parse import urlsplit

from flask import current_app

from ..core.one_line import one_line
from ..extensions import db
from .models import Document, OutboxMessage

_DOMAIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$")
FALLBACK_DOMAIN = "datalekdesk"


def _domain_of(name: str | None) -> str | None:
    """A host name fit for the right-hand side of a Message-ID (ASCII; an international name as its IDNA form)."""
    if not name:
        return None
    try:
        name = name.strip().rstrip(".").encode("idna").decode("ascii")
    except UnicodeError:
        return None
    return name.lower() if _DOMAIN.match(name) else None


def id_domain() -> str:
    """The domain of the sender's address (MAIL_FROM), else the host of the configured BASE_URL."""
    address = parseaddr(one_line(str(current_app.config.get("MAIL_FROM") or "")))[1]
    base = current_app.config.get("BASE_URL")
    return (
        _domain_of(address.rpartition("@")[2] if "@" in address else None)
        or _domain_of(urlsplit(str(base)).hostname if base else None)
        or FALLBACK_DOMAIN
    )


def message_id(message: OutboxMessage) -> str:
    """The Message-ID of the outbox row: the same on every attempt (see the module's docstring)."""
    digest = hashlib.sha256(f"{message.dedupe_key}\n{message.ack_nonce}".encode()).hexdigest()[:32]
    return f"<outbox-{digest}@{id_domain()}>"


def email_bytes(message: OutboxMessage) -> bytes:
    """The MIME message as sent: bodies from the outbox, the PDF from the stored document (reminders have none)."""
    document = db.session.get(Document, message.document_id) if message.document_id else None
    email = EmailMessage()
    email["Subject"] = one_line(message.subject)
    email["From"] = one_line(current_app.config["MAIL_FROM"])
    email["To"] = ", ".join(one_line(recipient) for recipient in message.recipients)
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = message_id(message)
    email.set_content(message.body_text)
    email.add_alternative(message.body_html, subtype="html")
    if document is not None:
        email.add_attachment(document.content, maintype="application", subtype="pdf", filename=document.filename)
    # CRLF line endings (policy.SMTP): smtplib only fixes line endings of str messages, not of bytes.
    return email.as_bytes(policy=policy.SMTP)
