"""When a request for a numbered notice (an update, an investigation report) is the last one asked for again.

A controller gets one initial and one final notice per incident (keys.py), but any number of updates and reports,
each with the next number. One that would say exactly what the controller's last one of its kind says, asked for
within NOTICE_REPEAT_MINUTES of it, is that one asked for again: a double click, a form sent twice, a retried or
parallel request (security review F-11: 10 parallel "update" requests sent 7 updates to every controller). The last
one is returned and nothing new is issued. "Says exactly the same" is a digest of the document's content without
its number, its moment of issue, the AP clock (which, while it has not started, is reckoned from that moment) and the
record's chain heads (which every recorded row moves on).

Later updates still go out: one with anything new (a changed fact, field, detail or scope, another "next update"
text) at any time, and the very same text once the window has passed (e.g. "no news yet; next update tomorrow").

The issuing holds the incident from this look-up to its commit (breaches/locks.py), so of concurrent requests each
sees what the one before it issued."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from .models import Document, OutboxMessage
from .render import NoticeContent

NOT_CONTENT = ("sequence", "issued_at", "ack_url", "ap_clock", "record_heads")


def content_digest(content: NoticeContent) -> str:
    """SHA-256 of what the document says, apart from its number and when it was issued."""
    said = {k: v for k, v in asdict(content).items() if k not in NOT_CONTENT}
    return hashlib.sha256(json.dumps(said, sort_keys=True, default=str).encode()).hexdigest()


def repeated(
    incident_id: int, controller_id: int, kind: str, version: str | None, digest: str, now: datetime
) -> OutboxMessage | None:
    """The controller's last message of this kind and version, if it says the same (`digest`) and was issued
    within NOTICE_REPEAT_MINUTES before `now`."""
    last = db.session.scalar(
        select(OutboxMessage)
        .join(Document, Document.id == OutboxMessage.document_id)
        .where(
            Document.incident_id == incident_id,
            Document.controller_id == controller_id,
            Document.kind == kind,
            Document.version.is_(None) if version is None else Document.version == version,
        )
        .order_by(Document.sequence.desc(), Document.id.desc())
        .limit(1)
    )
    window = timedelta(minutes=float(current_app.config["NOTICE_REPEAT_MINUTES"]))
    if last is not None and last.details.get("digest") == digest and window and now - last.created_at <= window:
        return last
    return None
