"""Storing inbound messages and reviewing them. Each operation only flushes; the caller commits (a request, or the
receiver and the IMAP fetch, which commit per message: see receiver.py and imap.py).

A message is stored once: a second copy of the same bytes (same SHA-256), or of the same Message-ID (a sender that
retried after losing our answer, the same message fetched by IMAP and received by SMTP), is recognised and not
stored again. Both are unique in the database as well, so two stores at the same moment cannot both succeed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from ..breaches.models import Incident
from ..breaches.service import create_incident
from ..breaches.timeline import actor_id, record_event
from ..core.fields import MAX_DESCRIPTION_LENGTH, MAX_TITLE_LENGTH
from ..core.inbound import MAX_ADDRESS, one_line, sha256, summarise
from ..core.instants import utcnow
from ..errors import N_, Conflict
from ..extensions import db
from ..validation import required_text
from .models import InboundMessage, InboundReview

MAX_REASON = 2000
# The title of an incident accepted from a message without a subject when the API caller gives none (stored data:
# Dutch, as the desk's documents; the web form offers the same words in the page's language).
DEFAULT_TITLE = "Vermoedelijk datalek gemeld per e-mail"


@dataclass(frozen=True)
class Stored:
    message: InboundMessage
    new: bool  # False: a copy of a message stored before (nothing written)


def addressed_to(address: str, recipients: list[str]) -> bool:
    """Whether one of `recipients` is the breach address (compared without regard to case)."""
    wanted = address.strip().lower()
    return bool(wanted) and any(r.strip().lower() == wanted for r in recipients)


def _existing(digest: str, message_id: str | None) -> InboundMessage | None:
    condition = InboundMessage.sha256 == digest
    if message_id:
        condition = or_(condition, InboundMessage.message_id == message_id)
    return db.session.scalars(select(InboundMessage).where(condition).limit(1)).first()


def store_message(
    raw: bytes,
    *,
    channel: str,
    received_at: datetime,
    envelope_from: str | None = None,
    envelope_to: list[str] | None = None,
) -> Stored:
    """Store `raw` as it arrived (or find the copy stored before). `received_at` is the arrival, kept to the
    second."""
    digest = sha256(raw)
    summary = summarise(raw)
    found = _existing(digest, summary.message_id)
    if found is not None:
        return Stored(found, new=False)
    message = InboundMessage(
        received_at=received_at.replace(microsecond=0),
        channel=channel,
        envelope_from=one_line(envelope_from, MAX_ADDRESS) if envelope_from is not None else None,
        envelope_to=[one_line(r, MAX_ADDRESS) for r in envelope_to or []],
        from_header=summary.from_header,
        to_header=summary.to_header,
        subject=summary.subject,
        message_id=summary.message_id,
        size=len(raw),
        sha256=digest,
        raw=raw,
        stored_at=utcnow(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(message)
            db.session.flush()
    except IntegrityError:  # stored by someone else a moment ago
        found = _existing(digest, summary.message_id)
        if found is None:
            raise
        return Stored(found, new=False)
    return Stored(message, new=True)


def awaiting_review():
    return select(InboundMessage).where(~InboundMessage.review.has())


def pending_count() -> int:
    return int(db.session.scalar(select(func.count()).select_from(awaiting_review().subquery())) or 0)


def page_of_pending(page: int, size: int = 50) -> tuple[list[InboundMessage], bool]:
    """Messages awaiting review, newest first; and whether there is an older page."""
    rows = db.session.scalars(
        awaiting_review()
        .order_by(InboundMessage.received_at.desc(), InboundMessage.id.desc())
        .offset((page - 1) * size)
        .limit(size + 1)
    ).all()
    return list(rows[:size]), len(rows) > size


def page_of_all(page: int, size: int = 50) -> tuple[list[InboundMessage], bool]:
    rows = db.session.scalars(
        select(InboundMessage)
        .order_by(InboundMessage.received_at.desc(), InboundMessage.id.desc())
        .offset((page - 1) * size)
        .limit(size + 1)
    ).all()
    return list(rows[:size]), len(rows) > size


def review_of(message: InboundMessage) -> InboundReview | None:
    return db.session.scalars(select(InboundReview).where(InboundReview.inbound_message_id == message.id)).first()


def messages_of_incident(incident_id: int) -> list[InboundMessage]:
    """The stored messages an incident was accepted from (one, as things are)."""
    return list(
        db.session.scalars(
            select(InboundMessage)
            .join(InboundReview, InboundReview.inbound_message_id == InboundMessage.id)
            .where(InboundReview.incident_id == incident_id)
            .order_by(InboundMessage.id)
        ).all()
    )


def _not_reviewed(message: InboundMessage) -> None:
    if review_of(message) is not None:
        raise Conflict(N_("this message has already been reviewed"), code="already_reviewed")


def _review(review: InboundReview) -> None:
    """Write the one review of a message; a review written by someone else in the meantime refuses this one."""
    try:
        with db.session.begin_nested():
            db.session.add(review)
            db.session.flush()
    except IntegrityError:
        raise Conflict(N_("this message has already been reviewed"), code="already_reviewed") from None


def accept(message: InboundMessage, title: object, actor=None) -> Incident:
    """Make the message a suspected incident: aware at the message's arrival (its clocks start there), the body as
    its description, and a timeline event that names the stored message and its SHA-256."""
    _not_reviewed(message)
    title = required_text(title, "title", MAX_TITLE_LENGTH, "title")
    text = summarise(message.original()).text
    incident = create_incident(
        title=title,
        description=text[:MAX_DESCRIPTION_LENGTH],
        aware_at=message.received_at,
        status="suspected",
        actor=actor,
    )
    record_event(
        incident,
        "mail_intake",
        actor,
        inbound_message_id=message.id,
        sha256=message.sha256,
        received_at=message.received_at.isoformat(),
    )
    _review(
        InboundReview(
            inbound_message_id=message.id,
            decision="accept",
            incident_id=incident.id,
            reviewed_by_id=actor_id(actor),
            reviewed_at=utcnow(),
        )
    )
    return incident


def reject(message: InboundMessage, reason: object, actor=None) -> InboundReview:
    _not_reviewed(message)
    reason = required_text(reason, "reason", MAX_REASON, "reason")
    review = InboundReview(
        inbound_message_id=message.id,
        decision="reject",
        reason=reason,
        reviewed_by_id=actor_id(actor),
        reviewed_at=utcnow(),
    )
    _review(review)
    return review
