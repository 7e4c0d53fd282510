"""The incident's timeline: who did what, when. Every feature that changes an incident records it here."""

from __future__ import annotations

from typing import Any

from ..core.instants import utcnow
from ..extensions import db
from .models import Incident, TimelineEvent


def actor_id(actor) -> int | None:
    """The id of the user who acted; None for the system (the outbox, the reminder worker)."""
    return getattr(actor, "id", None)


def record_event(incident: Incident, event_kind: str, actor, **details: Any) -> TimelineEvent:
    event = TimelineEvent(
        incident_id=incident.id, kind=event_kind, actor_id=actor_id(actor), details=details, at=utcnow()
    )
    db.session.add(event)
    return event
