"""A controller that is itself a processor forwards a notice it received to its own controllers (AVG art. 33 lid 2).

The delivered document goes on unchanged (the stored bytes, as attachment) with a short cover text that names who
forwards it, through the outbox like every other e-mail. Each forward is recorded append-only (NoticeForward) with
who, when and to whom; whether the mail server accepted it is its outbox row's status. The forwarding controller's
own duty (its "onward clock") runs from when our notice reached it and is met by the first forward the mail server
accepted: no more than that is claimed (whether every controller of its own was told is not known here).

Services flush; the request commits once.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from markupsafe import escape
from sqlalchemy import insert, select

from ..breaches.models import Filing, Incident
from ..breaches.timeline import actor_id, record_event
from ..core.instants import format_local, utcnow
from ..errors import N_, Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..lookup import find
from ..parties.models import Controller
from ..validation import clean_text, email_address
from .models import Document, NoticeForward, OutboxMessage
from .service import mail_row

MAX_RECIPIENTS = 20
MAX_NOTE = 2000
SEPARATORS = re.compile(r"[,;\s]+")


def _recipients(value: object) -> list[str]:
    text = clean_text(value, "recipients", 20 * 254)
    found = [part for part in SEPARATORS.split(text) if part]
    if not found:
        raise ValidationFailed(N_("give at least one e-mail address"), "recipients", "required")
    if len(found) > MAX_RECIPIENTS:
        raise ValidationFailed(
            N_("at most %(max)d addresses at once"), "recipients", "too_many", {"max": MAX_RECIPIENTS}
        )
    return list(dict.fromkeys(email_address(part, "recipients") for part in found))


def forwardable_document(document_id: int, controller_id: int) -> Document:
    """A notice delivered to this controller (404 for any other document, as if it did not exist)."""
    document = find(Document, document_id)
    if document is None or document.controller_id != controller_id or document.kind != "notice":
        raise NotFound(N_("there is no notice with id %(id)s"), params={"id": document_id})
    delivered = db.session.scalar(
        select(OutboxMessage.id)
        .where(
            OutboxMessage.document_id == document.id,
            OutboxMessage.controller_id == controller_id,
            OutboxMessage.status == "sent",
        )
        .limit(1)
    )
    if delivered is None:
        raise Conflict(N_("this notice has not been delivered to you yet"), code="not_delivered")
    return document


def _cover(
    document: Document, incident: Incident, controller: Controller, actor, note: str, now: datetime
) -> tuple[str, str, str]:
    """The subject and the text and HTML bodies: Dutch, naming who forwards what, from whom."""
    processor = current_app.config["PROCESSOR_NAME"]
    who = f"{actor.name} <{actor.email}>" if getattr(actor, "name", "") else actor.email
    subject = f"Doorgestuurd door {controller.name}: melding datalek {incident.reference} van {processor}"
    lines = [
        "Geachte heer, mevrouw,",
        "",
        f"{who} van {controller.name} stuurt u hierbij de melding door van een inbreuk in verband met "
        f"persoonsgegevens, die {controller.name} als verwerker ontving van zijn eigen (sub)verwerker {processor} "
        f"(kenmerk {incident.reference}). {controller.name} verwerkt deze gegevens voor uw organisatie en informeert "
        "u hiermee onverwijld (AVG art. 33 lid 2).",
        "",
        "Als verwerkingsverantwoordelijke beslist u zelf of u de inbreuk meldt aan de toezichthouder (AVG art. 33 "
        "lid 1); uw termijn van 72 uur loopt vanaf het moment dat u deze melding ontvangt.",
        "",
        f"De bijlage ({document.filename}) is de melding zoals {processor} haar verzond, ongewijzigd "
        f"(SHA-256 {document.sha256}).",
    ]
    if note:
        lines += ["", f"Toelichting van {controller.name}:", note]
    lines += ["", f"Doorgestuurd op {format_local(now)} via het meldportaal van {processor}."]
    text = "\n".join(lines)
    html = "".join(f"<p>{escape(block).replace(chr(10), '<br>')}</p>" for block in text.split("\n\n"))
    return subject, text, f"<!doctype html><html><body>{html}</body></html>"


def forward_notice(
    document: Document, recipients: object, actor, note: object = "", now: datetime | None = None
) -> NoticeForward:
    """Queue the delivered notice, unchanged, to the addresses given, and record the forward (append-only)."""
    now = now or utcnow()
    addresses = _recipients(recipients)
    text_note = clean_text(note, "note", MAX_NOTE)
    incident = db.session.get_one(Incident, document.incident_id)
    controller = db.session.get_one(Controller, document.controller_id)
    subject, body_text, body_html = _cover(document, incident, controller, actor, text_note, now)
    key = f"forward:{incident.id}:{document.id}:{secrets.token_hex(12)}"
    db.session.execute(
        insert(OutboxMessage.__table__),
        [
            mail_row(
                incident_id=incident.id,
                # No controller: it is not a notice to one of our controllers (those rows count as notices sent to
                # them), but mail on behalf of one, to its own controllers. The document goes with it.
                controller_id=None,
                document_id=document.id,
                dedupe_key=key,
                recipients=addresses,
                subject=subject,
                body_text=body_text,
                body_html=body_html,
                details={"kind": "forward", "forwarded_by_controller_id": controller.id},
                now=now,
                created_by_id=actor_id(actor),
            )
        ],
    )
    outbox_id = db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key))
    forward = NoticeForward(
        incident_id=incident.id,
        controller_id=controller.id,
        document_id=document.id,
        recipients=addresses,
        note=text_note,
        forwarded_by_id=actor_id(actor),
        forwarded_at=now,
        outbox_id=outbox_id,
    )
    db.session.add(forward)
    db.session.flush()
    record_event(
        incident,
        "notice_forwarded",
        actor,
        controller_id=controller.id,
        document_id=document.id,
        forward_id=forward.id,
        outbox_id=outbox_id,
        recipients=len(addresses),
    )
    return forward


@dataclass(frozen=True)
class ForwardRow:
    forward: NoticeForward
    status: str  # the outbox row's: queued, sending, sent, retrying, failed
    sent_at: datetime | None
    by: str  # the user's label


def forwards_of(incident_id: int, controller_id: int) -> list[ForwardRow]:
    """A controller's forwards of an incident's notices, oldest first, each with its outbox status."""
    from ..auth.models import User

    rows = db.session.execute(
        select(NoticeForward, OutboxMessage.status, OutboxMessage.sent_at, User)
        .outerjoin(OutboxMessage, OutboxMessage.id == NoticeForward.outbox_id)
        .outerjoin(User, User.id == NoticeForward.forwarded_by_id)
        .where(NoticeForward.incident_id == incident_id, NoticeForward.controller_id == controller_id)
        .order_by(NoticeForward.forwarded_at, NoticeForward.id)
    ).all()
    return [ForwardRow(f, status or "queued", sent_at, user.label if user else "") for f, status, sent_at, user in rows]


@dataclass(frozen=True)
class OnwardDuty:
    """A processor-customer's own duty to inform its controllers (AVG art. 33 lid 2: "onverwijld", no hours): it
    runs from when our notice reached it and is met by its first forward that the mail server accepted."""

    starts_at: datetime | None  # our first notice accepted for it (its controller_notice filing), None: not yet
    met_at: datetime | None  # its first forward accepted by the mail server
    queued_at: datetime | None  # a forward asked for but not (yet) accepted

    @property
    def status(self) -> str:
        if self.starts_at is None:
            return "pending"
        return "met" if self.met_at is not None else "running"


def onward_duty(incident_id: int, controller_id: int) -> OnwardDuty:
    reached = db.session.scalar(
        select(Filing.at)
        .where(
            Filing.incident_id == incident_id,
            Filing.controller_id == controller_id,
            Filing.kind == "controller_notice",
        )
        .order_by(Filing.at)
        .limit(1)
    )
    forwards = forwards_of(incident_id, controller_id)
    sent = [f.sent_at for f in forwards if f.status == "sent" and f.sent_at is not None]
    waiting = [f.forward.forwarded_at for f in forwards if f.status != "sent"]
    return OnwardDuty(reached, min(sent) if sent else None, min(waiting) if waiting else None)
