"""The incident page's view of the statutory regimes that bind us: each with its classification and stages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select

from ..breaches.models import Incident
from ..core.clock import urgency
from ..core.regimes import Regime
from ..core.stages import StageDeadline
from ..extensions import db
from . import registry, service
from .models import RegimeClassification, RegimeObligation


@dataclass(frozen=True)
class RegimeRow:
    regime: Regime
    classification: RegimeClassification | None
    stages: list[tuple[StageDeadline, str]]  # each with its urgency now


def regime_overview(incident: Incident, now: datetime) -> list[RegimeRow]:
    return [
        RegimeRow(
            regime,
            service.latest_classification(incident.id, regime.key),
            [(d, urgency(d.status, d.due_at, now)) for d in service.deadlines(incident, regime)],
        )
        for regime in registry.binding()
    ]


@dataclass(frozen=True)
class OpenStage:
    incident_id: int
    reference: str
    regime: Regime | None
    row: RegimeObligation
    urgency: str


def open_stages(now: datetime, limit: int = 20) -> tuple[list[OpenStage], int]:
    """The running stages of every incident, the most urgent first (for the dashboard), and how many run in all."""
    where = and_(RegimeObligation.status == "running", RegimeObligation.regime.in_([r.key for r in registry.binding()]))
    rows = db.session.execute(
        select(RegimeObligation, Incident.reference)
        .join(Incident, Incident.id == RegimeObligation.incident_id)
        .where(where)
        .order_by(RegimeObligation.due_at, RegimeObligation.id)
        .limit(limit)
    ).all()
    total = db.session.scalar(select(func.count()).select_from(RegimeObligation).where(where)) or 0
    regimes = registry.all_regimes()
    return [
        OpenStage(row.incident_id, reference, regimes.get(row.regime), row, urgency(row.status, row.due_at, now))
        for row, reference in rows
    ], total
