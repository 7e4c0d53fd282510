"""The dashboard's read-side queries: the open incidents with their next deadline and mail figures. They never
write."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, or_, select

from ..breaches.models import ACKNOWLEDGEMENT, Filing, Incident, Obligation
from ..core.clock import urgency
from ..core.instants import to_local
from ..extensions import db
from ..notices.models import OutboxMessage
from ..parties.models import Controller

OPEN = ("suspected", "confirmed")


@dataclass
class DashboardRow:
    incident: Incident
    next_due: datetime | None
    next_kind: str | None
    next_controller: str | None
    missed: int
    running: int
    urgency: str
    sent: int = 0
    acknowledged: int = 0
    undelivered: int = 0
    last_ack: datetime | None = None
    ap_filed: int = 0  # controllers (or the processor for them) that recorded their AP notification


def end_of_local_day(now: datetime) -> datetime:
    local = to_local(now)
    return local.start_of("day").add(days=1)


def dashboard(now: datetime) -> tuple[list[DashboardRow], dict[str, int]]:
    is_running = Obligation.status == "running"
    overdue = and_(is_running, Obligation.due_at < now)
    agg = (
        select(
            Obligation.incident_id,
            func.min(case((is_running, Obligation.due_at))).label("next_due"),
            func.sum(case((or_(overdue, Obligation.status == "missed"), 1), else_=0)).label("missed"),
            func.sum(case((is_running, 1), else_=0)).label("running"),
        )
        .group_by(Obligation.incident_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Incident, agg.c.next_due, agg.c.missed, agg.c.running)
        .outerjoin(agg, agg.c.incident_id == Incident.id)
        .where(Incident.status.in_(OPEN))
    ).all()

    result: list[DashboardRow] = []
    for incident, next_due, missed, running in rows:
        kind = controller = None
        if next_due is not None:
            hit = db.session.execute(
                select(Obligation.kind, Controller.name)
                .join(Controller, Controller.id == Obligation.controller_id)
                .where(
                    Obligation.incident_id == incident.id, Obligation.status == "running", Obligation.due_at == next_due
                )
                .limit(1)
            ).first()
            if hit:
                kind, controller = hit
        state = urgency("running", next_due, now) if next_due else "pending"
        result.append(DashboardRow(incident, next_due, kind, controller, missed or 0, running or 0, state))
    _add_mail_figures(result)
    far = datetime.max.replace(tzinfo=now.tzinfo)
    result.sort(key=lambda r: (r.next_due or far, r.incident.aware_at))

    open_ids = select(Incident.id).where(Incident.status.in_(OPEN))
    tomorrow = end_of_local_day(now)
    counts = db.session.execute(
        select(
            func.sum(case((or_(overdue, Obligation.status == "missed"), 1), else_=0)),
            func.sum(case((and_(is_running, Obligation.due_at >= now, Obligation.due_at < tomorrow), 1), else_=0)),
            # Same boundary as clock.urgency(): exactly 4 h away is already "due soon".
            func.sum(
                case(
                    (and_(is_running, Obligation.due_at >= now, Obligation.due_at <= now + timedelta(hours=4)), 1),
                    else_=0,
                )
            ),
            func.sum(case((is_running, 1), else_=0)),
        ).where(Obligation.incident_id.in_(open_ids))
    ).one()
    summary = {
        "undelivered": sum(r.undelivered for r in result),
        "open_incidents": len(result),
        "missed": counts[0] or 0,
        "due_today": counts[1] or 0,
        "due_soon": counts[2] or 0,
        "running": counts[3] or 0,
    }
    return result, summary


def _add_mail_figures(rows: list[DashboardRow]) -> None:
    """Per incident: notices sent, receipts confirmed (and the latest), messages not delivered."""
    ids = [r.incident.id for r in rows]
    if not ids:
        return
    by_id = {r.incident.id: r for r in rows}
    for incident_id, status, n in db.session.execute(
        select(OutboxMessage.incident_id, OutboxMessage.status, func.count())
        .where(OutboxMessage.incident_id.in_(ids))
        .group_by(OutboxMessage.incident_id, OutboxMessage.status)
    ):
        if status == "sent":
            by_id[incident_id].sent += n
        elif status in ("retrying", "failed"):
            by_id[incident_id].undelivered += n
    for incident_id, n, last in db.session.execute(
        select(Filing.incident_id, func.count(), func.max(Filing.at))
        .where(Filing.incident_id.in_(ids), Filing.kind == ACKNOWLEDGEMENT)
        .group_by(Filing.incident_id)
    ):
        by_id[incident_id].acknowledged = n
        by_id[incident_id].last_ack = last
    for incident_id, n in db.session.execute(
        select(Filing.incident_id, func.count(func.distinct(Filing.controller_id)))
        .where(Filing.incident_id.in_(ids), Filing.kind == "ap_notification")
        .group_by(Filing.incident_id)
    ):
        by_id[incident_id].ap_filed = n
