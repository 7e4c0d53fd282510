"""What a controller user may see: only rows of their own controller. Read-only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from ..breaches.models import ACKNOWLEDGEMENT, AffectedContract, Decision, Filing, Incident, Obligation, TimelineEvent
from ..core.clock import urgency
from ..extensions import db
from ..notices.models import Document, OutboxMessage
from ..parties.models import Contract


@dataclass
class PortalRow:
    incident: Incident
    ap_clock: Obligation | None
    urgency: str
    notices: int
    unacknowledged: int


def touches(incident_id: int, controller_id: int) -> bool:
    return (
        db.session.scalar(
            select(AffectedContract.contract_id)
            .where(AffectedContract.incident_id == incident_id, AffectedContract.controller_id == controller_id)
            .limit(1)
        )
        is not None
    )


def my_incidents(controller_id: int, now: datetime) -> list[PortalRow]:
    ids = select(AffectedContract.incident_id).where(AffectedContract.controller_id == controller_id)
    incidents = db.session.scalars(
        select(Incident).where(Incident.id.in_(ids)).order_by(Incident.aware_at.desc())
    ).all()
    clocks = {
        o.incident_id: o
        for o in db.session.scalars(
            select(Obligation).where(
                Obligation.controller_id == controller_id,
                Obligation.kind == "ap_notification",
                Obligation.incident_id.in_(ids),
            )
        )
    }
    sent = dict(
        db.session.execute(
            select(OutboxMessage.incident_id, func.count())
            .where(OutboxMessage.controller_id == controller_id, OutboxMessage.status == "sent")
            .group_by(OutboxMessage.incident_id)
        ).all()
    )
    acked = dict(
        db.session.execute(
            select(Filing.incident_id, func.count())
            .where(Filing.controller_id == controller_id, Filing.kind == ACKNOWLEDGEMENT)
            .group_by(Filing.incident_id)
        ).all()
    )
    rows = []
    for incident in incidents:
        clock = clocks.get(incident.id)
        state = urgency(clock.status, clock.due_at, now) if clock else "pending"
        rows.append(
            PortalRow(
                incident,
                clock,
                state,
                sent.get(incident.id, 0),
                max(0, sent.get(incident.id, 0) - acked.get(incident.id, 0)),
            )
        )
    return rows


@dataclass
class Question:
    event: TimelineEvent
    answers: list[TimelineEvent] = field(default_factory=list)


def questions(incident_id: int, controller_id: int | None = None) -> list[Question]:
    """Questions from controller users with the processor's answers (both kept in the timeline)."""
    events = db.session.scalars(
        select(TimelineEvent)
        .where(TimelineEvent.incident_id == incident_id, TimelineEvent.kind.in_(("question", "answer")))
        .order_by(TimelineEvent.at, TimelineEvent.id)
    ).all()
    asked = {
        e.id: Question(e)
        for e in events
        if e.kind == "question" and (controller_id is None or e.details.get("controller_id") == controller_id)
    }
    for e in events:
        if e.kind == "answer" and e.details.get("question_id") in asked:
            asked[e.details["question_id"]].answers.append(e)
    return list(asked.values())


def my_incident(incident: Incident, controller_id: int, now: datetime) -> dict:
    obligations = db.session.execute(
        select(Obligation, Contract.reference)
        .outerjoin(Contract, Contract.id == Obligation.contract_id)
        .where(Obligation.incident_id == incident.id, Obligation.controller_id == controller_id)
        .order_by(Obligation.due_at.is_(None), Obligation.due_at, Obligation.id)
    ).all()
    messages = db.session.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.incident_id == incident.id,
            OutboxMessage.controller_id == controller_id,
            OutboxMessage.status == "sent",
        )
        .order_by(OutboxMessage.id)
    ).all()
    documents: dict[int | None, Document] = {
        d.id: d
        for d in db.session.scalars(
            select(Document).where(Document.incident_id == incident.id, Document.controller_id == controller_id)
        )
    }
    filings = db.session.scalars(
        select(Filing)
        .where(Filing.incident_id == incident.id, Filing.controller_id == controller_id)
        .order_by(Filing.at, Filing.id)
    ).all()
    acks = {f.document_id: f for f in filings if f.kind == ACKNOWLEDGEMENT}
    decisions = db.session.scalars(
        select(Decision)
        .where(Decision.incident_id == incident.id, Decision.controller_id == controller_id)
        .order_by(Decision.decided_at, Decision.id)
    ).all()
    clock = next((o for o, _ref in obligations if o.kind == "ap_notification"), None)
    withdrawn = db.session.execute(
        select(Contract.reference, AffectedContract.withdrawn_at, AffectedContract.withdrawn_reason)
        .join(Contract, Contract.id == AffectedContract.contract_id)
        .where(
            AffectedContract.incident_id == incident.id,
            AffectedContract.controller_id == controller_id,
            AffectedContract.withdrawn_at.is_not(None),
        )
        .order_by(AffectedContract.withdrawn_at, Contract.reference)
    ).all()
    return {
        "withdrawn": withdrawn,  # (reference, when, why): contracts taken out of the incident by a correction
        "obligations": [(o, ref, urgency(o.status, o.due_at, now)) for o, ref in obligations],
        "ap_clock": clock,
        "ap_urgency": urgency(clock.status, clock.due_at, now) if clock else "pending",
        "messages": [(m, documents.get(m.document_id), acks.get(m.document_id)) for m in messages],
        "filings": filings,
        "decisions": decisions,
        "questions": questions(incident.id, controller_id),
    }
