"""The register's one read query: a row per incident, built from a fixed number of statements
(incidents with their latest assessment, then controllers, obligations, decisions and filings batched
over the same filtered ids). It never writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, exists, func, or_, select

from ..breaches.models import AffectedContract, Decision, Filing, Incident, Obligation, SeverityAssessment
from ..core.instants import utcnow
from ..extensions import db
from ..parties.models import Controller
from .filters import RegisterFilters

# The contract fields (core/fields.py) grouped as AVG art. 33 lid 5 names them.
FACT_FIELDS = ("nature", "cause")
EFFECT_FIELDS = ("affected_data", "data_subjects", "records", "consequences")
REMEDIAL_FIELDS = ("measures",)


@dataclass(frozen=True)
class DecisionEntry:
    controller_id: int
    controller: str
    notify_ap: str
    inform_subjects: str | None
    subjects_ground: str | None
    decided_at: datetime


@dataclass(frozen=True)
class FilingEntry:
    kind: str
    at: datetime
    reference: str | None
    controller_id: int


@dataclass
class RegisterRow:
    id: int
    reference: str
    title: str
    status: str
    aware_at: datetime
    confirmed_at: datetime | None
    dismissed_at: datetime | None
    dismiss_reason: str | None
    description: str
    fields: dict[str, str]
    incident_kind: str | None
    severity_band: str | None = None
    ap_severity: str | None = None
    se: float | None = None
    obligations_met: int = 0
    obligations_missed: int = 0
    obligations_open: int = 0
    controllers: list[str] = field(default_factory=list)
    decisions: list[DecisionEntry] = field(default_factory=list)  # the latest per controller, by name
    filings: list[FilingEntry] = field(default_factory=list)  # the whole log, oldest first

    def field_values(self, keys: tuple[str, ...]) -> dict[str, str | None]:
        return {k: self.fields.get(k) or None for k in keys}


def _latest_severity():
    """Per incident, its latest assessment (as assessment.latest_severity chooses it)."""
    ranked = select(
        SeverityAssessment.incident_id, SeverityAssessment.band, SeverityAssessment.ap_severity, SeverityAssessment.se,
        func.row_number().over(partition_by=SeverityAssessment.incident_id,
                               order_by=(SeverityAssessment.assessed_at.desc(), SeverityAssessment.id.desc()))
        .label("rank"),
    ).subquery()
    return select(ranked.c.incident_id, ranked.c.band, ranked.c.ap_severity, ranked.c.se).where(
        ranked.c.rank == 1).subquery("latest_severity")


def _conditions(filters: RegisterFilters, latest) -> list:
    conditions: list[Any] = []
    start, end = filters.aware_bounds()
    if start is not None:
        conditions.append(Incident.aware_at >= start)
    if end is not None:
        conditions.append(Incident.aware_at < end)
    if filters.status:
        conditions.append(Incident.status == filters.status)
    if filters.controller_id is not None:
        conditions.append(exists().where(AffectedContract.incident_id == Incident.id,
                                         AffectedContract.controller_id == filters.controller_id))
    if filters.severity == "none":
        conditions.append(latest.c.incident_id.is_(None))
    elif filters.severity:
        conditions.append(latest.c.ap_severity == filters.severity)
    return conditions


def register_rows(filters: RegisterFilters | None = None, now: datetime | None = None) -> list[RegisterRow]:
    """Every incident matching the filters, oldest awareness first."""
    filters = filters or RegisterFilters()
    now = now or utcnow()
    latest = _latest_severity()
    conditions = _conditions(filters, latest)
    found = db.session.execute(
        select(Incident, latest.c.band, latest.c.ap_severity, latest.c.se)
        .outerjoin(latest, latest.c.incident_id == Incident.id)
        .where(*conditions).order_by(Incident.aware_at, Incident.id)
    ).all()
    rows: dict[int, RegisterRow] = {}
    for incident, band, ap_severity, se in found:
        rows[incident.id] = RegisterRow(
            id=incident.id, reference=incident.reference, title=incident.title, status=incident.status,
            aware_at=incident.aware_at, confirmed_at=incident.confirmed_at, dismissed_at=incident.dismissed_at,
            dismiss_reason=incident.dismiss_reason, description=incident.description or "",
            fields=dict(incident.fields or {}), incident_kind=(incident.details or {}).get("incident_kind"),
            severity_band=band, ap_severity=ap_severity, se=se,
        )
    if rows:
        # The same filter as a subquery: no list of ids as bound parameters, however many incidents match.
        ids = select(Incident.id).outerjoin(latest, latest.c.incident_id == Incident.id).where(*conditions)
        _add_controllers(rows, ids)
        _add_obligation_counts(rows, ids, now)
        _add_decisions(rows, ids)
        _add_filings(rows, ids)
    return list(rows.values())


def _add_controllers(rows: dict[int, RegisterRow], ids) -> None:
    for incident_id, _controller_id, name in db.session.execute(
        select(AffectedContract.incident_id, Controller.id, Controller.name).distinct()
        .join(Controller, Controller.id == AffectedContract.controller_id)
        .where(AffectedContract.incident_id.in_(ids))
    ):
        rows[incident_id].controllers.append(name)
    for row in rows.values():
        row.controllers.sort(key=lambda n: (n.casefold(), n))


def _add_obligation_counts(rows: dict[int, RegisterRow], ids, now: datetime) -> None:
    running = Obligation.status == "running"
    overdue = and_(running, Obligation.due_at.is_not(None), Obligation.due_at < now)
    missed = or_(Obligation.status == "missed", overdue)
    still_open = or_(Obligation.status == "pending", and_(running, or_(Obligation.due_at.is_(None),
                                                                      Obligation.due_at >= now)))
    for incident_id, met, miss, open_ in db.session.execute(
        select(Obligation.incident_id,
               func.sum(case((Obligation.status == "met", 1), else_=0)),
               func.sum(case((missed, 1), else_=0)),
               func.sum(case((still_open, 1), else_=0)))
        .where(Obligation.incident_id.in_(ids)).group_by(Obligation.incident_id)
    ):
        row = rows[incident_id]
        row.obligations_met, row.obligations_missed, row.obligations_open = met or 0, miss or 0, open_ or 0


def _add_decisions(rows: dict[int, RegisterRow], ids) -> None:
    latest: dict[int, dict[int, DecisionEntry]] = {}
    for decision, name in db.session.execute(
        select(Decision, Controller.name).join(Controller, Controller.id == Decision.controller_id)
        .where(Decision.incident_id.in_(ids)).order_by(Decision.decided_at, Decision.id)
    ):
        latest.setdefault(decision.incident_id, {})[decision.controller_id] = DecisionEntry(
            decision.controller_id, name, decision.notify_ap, decision.inform_subjects, decision.subjects_ground,
            decision.decided_at)
    for incident_id, by_controller in latest.items():
        rows[incident_id].decisions = sorted(by_controller.values(),
                                             key=lambda d: (d.controller.casefold(), d.controller_id))


def _add_filings(rows: dict[int, RegisterRow], ids) -> None:
    for incident_id, kind, at, reference, controller_id in db.session.execute(
        select(Filing.incident_id, Filing.kind, Filing.at, Filing.reference, Filing.controller_id)
        .where(Filing.incident_id.in_(ids)).order_by(Filing.at, Filing.id)
    ):
        rows[incident_id].filings.append(FilingEntry(kind, at, reference, controller_id))
