"""Notices to many controllers recorded at once: "these controllers were told, by phone (or letter, portal, …), at
this time". One controller_notice filing per affected contract of each controller that has none yet, so a second
click of the same form records nothing more (the earliest notice is what a deadline counts); one timeline entry
says how many; the deadlines of those controllers only are recomputed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select

from ..core.fields import MAX_FIELD_LENGTH
from ..core.instants import utcnow
from ..extensions import db
from ..validation import clean_text
from .models import AffectedContract, Filing, Incident
from .obligations import recompute
from .service import _open, check_channel, filing_time
from .timeline import actor_id, record_event


def record_notice_filings(
    incident: Incident,
    controller_ids: Sequence[int],
    *,
    channel: object,
    at: datetime | None = None,
    note: object = None,
    actor=None,
    now: datetime | None = None,
) -> list[Filing]:
    """Record that each of these controllers (affected by the incident) was given notice by `channel` at `at`."""
    now = now or utcnow()
    _open(incident, "changed")
    check_channel(channel)
    at = filing_time(incident, at, now)
    text = clean_text(note, "note", MAX_FIELD_LENGTH) or None
    wanted = sorted(set(controller_ids))
    contracts = db.session.execute(
        select(AffectedContract.contract_id, AffectedContract.controller_id).where(
            AffectedContract.incident_id == incident.id,
            AffectedContract.withdrawn_at.is_(None),
            AffectedContract.controller_id.in_(wanted),
        )
    ).all()
    told = set(
        db.session.scalars(
            select(Filing.contract_id).where(
                Filing.incident_id == incident.id,
                Filing.kind == "controller_notice",
                Filing.controller_id.in_(wanted),
            )
        )
    )
    rows = [
        Filing(
            incident_id=incident.id,
            kind="controller_notice",
            contract_id=contract_id,
            controller_id=controller_id,
            at=at,
            channel=channel,
            note=text,
            recorded_by_id=actor_id(actor),
            recorded_at=now,
        )
        for contract_id, controller_id in contracts
        if contract_id not in told
    ]
    if rows:
        db.session.add_all(rows)
        db.session.flush()
        record_event(
            incident,
            "notice_filings",
            actor,
            count=len(rows),
            controllers=len({r.controller_id for r in rows}),
            channel=channel,
            at=at.isoformat(),
        )
        incident.updated_at = now
        recompute(incident, {r.controller_id for r in rows})
        db.session.flush()
    return rows
