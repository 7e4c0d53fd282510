"""Plain helpers for the notices tests: reading PDFs and e-mails back, building expectations by hand."""

from __future__ import annotations

import email
import io
import re
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage

from pypdf import PdfReader

PROCESSOR = "Voorbeeld Verwerker B.V."  # config/defaults.py PROCESSOR_NAME
ENVELOPE_FROM = "datalek@verwerker.example"  # the address in MAIL_FROM
BASE_URL = "http://localhost"  # config/testing.py


def iso(value: datetime | None) -> str | None:
    """The API's instant format, written out by hand: UTC, to the second, with a Z."""
    return None if value is None else value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def flat(text: str) -> str:
    """Collapse the line breaks a PDF puts into wrapped text."""
    return " ".join(text.split())


def pdf_pages(content: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages]


def pdf_text(content: bytes) -> str:
    return flat(" ".join(pdf_pages(content)))


def pdf_fonts(content: bytes) -> set[str]:
    names: set[str] = set()
    for page in PdfReader(io.BytesIO(content)).pages:
        fonts = page["/Resources"].get_object().get("/Font") or {}
        for ref in fonts.get_object().values():
            names.add(str(ref.get_object()["/BaseFont"]))
    return names


def parse(content: bytes) -> EmailMessage:
    return email.message_from_bytes(content, policy=policy.default)


def text_part(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def html_part(message: EmailMessage) -> str:
    return message.get_body(("html",)).get_content()


def pdf_attachments(message: EmailMessage) -> list[tuple[str, bytes]]:
    return [
        (part.get_filename(), part.get_content())
        for part in message.iter_attachments()
        if part.get_content_type() == "application/pdf"
    ]


ACK_LINK = re.compile(re.escape(BASE_URL) + r"/ack/[A-Za-z0-9_\-.]+")


def ack_link(message: EmailMessage) -> str:
    links = ACK_LINK.findall(text_part(message))
    assert len(links) == 1, links
    return links[0]


def ack_path(message: EmailMessage) -> str:
    return ack_link(message)[len(BASE_URL) :]
