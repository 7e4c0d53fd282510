"""Which controllers an incident touches: the one place that answers it from the affected contracts."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from .models import AffectedContract, Incident


def is_affected(incident: Incident, controller_id: int) -> bool:
    """The incident touches at least one of this controller's contracts."""
    return (
        db.session.scalar(
            select(AffectedContract.contract_id)
            .where(AffectedContract.incident_id == incident.id, AffectedContract.controller_id == controller_id)
            .limit(1)
        )
        is not None
    )


def affected_controller_ids(incident: Incident) -> set[int]:
    return set(
        db.session.scalars(select(AffectedContract.controller_id).where(AffectedContract.incident_id == incident.id))
    )
