"""The incident page's view of the statutory regimes that bind us: each with its classification and stages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..breaches.models import Incident
from ..core.clock import urgency
from ..core.regimes import Regime
from ..core.stages import StageDeadline
from . import registry, service
from .models import RegimeClassification


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
