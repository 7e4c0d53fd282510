"""An inbound e-mail message read for the review queue: its headers decoded and normalised, its text body, and its
attachments by name and size. Pure (the standard library's e-mail parser only).

Nothing here is trusted: a header that does not parse is shown as it stands (normalised), an HTML part is never
rendered (its text is not even extracted: it is listed as a part the reviewer can read in the original .eml), and
every value is cut to what its column holds, with control characters, NUL and lone surrogates removed.
"""

from __future__ import annotations

import email
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage, Message

# What the columns hold (inbound_messages).
MAX_ADDRESS = 320
MAX_HEADER = 1000
MAX_SUBJECT = 500
MAX_MESSAGE_ID = 500
MAX_BODY = 100_000
# Control characters (but tab and newline), NUL and unpaired surrogates: never stored, never shown.
_UNWANTED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str
    size: int


@dataclass(frozen=True)
class InboundSummary:
    """What the queue shows of a message. `text` is the first text/plain body part (empty when there is none);
    `html_only` says the message had an HTML body and no plain text one."""

    from_header: str
    to_header: str
    subject: str
    message_id: str | None
    text: str
    html_only: bool
    attachments: list[Attachment] = field(default_factory=list)


def sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def one_line(value: object, limit: int) -> str:
    """A header value as one line: NFC, unwanted characters removed, runs of white space made one space, cut."""
    text = unicodedata.normalize("NFC", _UNWANTED.sub("", str(value)))
    return " ".join(text.split())[:limit]


def body_text(value: str, limit: int = MAX_BODY) -> str:
    """A body as text: NFC, line ends made \\n, unwanted characters removed, trailing space of lines dropped, cut."""
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", _UNWANTED.sub("", text))
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()[:limit]


def _header(message: Message, name: str, limit: int) -> str:
    try:
        value = message.get(name)
    except Exception:  # a header that the parser cannot decode: its raw form, normalised
        value = next((v for k, v in message.raw_items() if k.lower() == name.lower()), "")
    return one_line(value or "", limit)


def _text_of(part: Message) -> str:
    try:
        return str(part.get_content())  # type: ignore[attr-defined]
    except Exception:  # an unknown charset, a broken transfer encoding: the bytes as far as they decode
        payload = part.get_payload(decode=True)
        return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""


def _attachments(message: EmailMessage) -> list[Attachment]:
    found = []
    for part in message.iter_attachments():
        payload = part.get_payload(decode=True)
        size = len(payload) if isinstance(payload, bytes) else 0
        name = one_line(part.get_filename() or "", 255)
        found.append(Attachment(name=name, content_type=one_line(part.get_content_type(), 100), size=size))
    return found


def summarise(raw: bytes) -> InboundSummary:
    """Read `raw` (the message as received) for the queue."""
    message = email.message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)  # policy.default makes EmailMessage objects
    plain = message.get_body(("plain",))
    html = message.get_body(("html",)) if plain is None else None
    try:
        attachments = _attachments(message)
    except Exception:  # a malformed multipart structure: listed as none here; the original .eml has them all
        attachments = []
    return InboundSummary(
        from_header=_header(message, "From", MAX_HEADER),
        to_header=_header(message, "To", MAX_HEADER),
        subject=_header(message, "Subject", MAX_SUBJECT),
        message_id=_header(message, "Message-ID", MAX_MESSAGE_ID) or None,
        text=body_text(_text_of(plain)) if plain is not None else "",
        html_only=html is not None,
        attachments=attachments,
    )
