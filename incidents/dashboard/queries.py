"""The dashboard's read-side queries: the open incidents with their next deadline and mail figures, a page at a
time, and the figures over all open incidents. They never write.

A fixed number of set-based statements whatever the number of open incidents: the figures (one), the page of
incidents with their aggregates (one), the next deadline of each incident on the page (one, a window function),
and the mail figures of the page (three). Every aggregate is restricted to the obligations of open incidents.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import and_, case, func, or_, select

from ..breaches.models import ACKNOWLEDGEMENT, Filing, Incident, Obligation
from ..core.clock import DUE_SOON, urgency
from ..core.instants import to_local
from ..extensions import db
from ..listing import Page, fetch_page
from ..notices.models import OutboxMessage
from ..parties.models import Controller
from .urgency import OpenByUrgency

OPEN = ("suspected", "confirmed")
PAGE_SIZE = 50
UNDELIVERED = ("retrying", "failed")


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


def _open_ids() -> Any:
    return select(Incident.id).where(Incident.status.in_(OPEN))


def _sum(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))


def summary(now: datetime) -> dict[str, Any]:
    """The figures over all open incidents and their deadlines by urgency (the metrics' "open now"), in one
    statement: one pass over the open incidents' deadlines, not one per figure."""
    is_running = Obligation.status == "running"
    overdue = and_(is_running, Obligation.due_at < now)
    tomorrow = end_of_local_day(now)
    soon = now + DUE_SOON  # the same boundary as clock.urgency(): exactly 4 h away is already "due soon"
    open_count = select(func.count()).select_from(Incident).where(Incident.status.in_(OPEN)).scalar_subquery()
    undelivered = (
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.incident_id.in_(_open_ids()), OutboxMessage.status.in_(UNDELIVERED))
        .scalar_subquery()
    )
    # Suspected for longer than SUSPECTED_ALERT_HOURS: EDPB 9/2022 allows only a short investigation, and the
    # confirmed-trigger clocks wait for the confirmation.
    suspected_since = now - timedelta(hours=float(current_app.config["SUSPECTED_ALERT_HOURS"]))
    long_suspected = (
        select(func.count())
        .select_from(Incident)
        .where(Incident.status == "suspected", Incident.aware_at < suspected_since)
        .scalar_subquery()
    )
    counts = db.session.execute(
        select(
            _sum(or_(overdue, Obligation.status == "missed")),
            _sum(and_(is_running, Obligation.due_at >= now, Obligation.due_at < tomorrow)),
            _sum(and_(is_running, Obligation.due_at >= now, Obligation.due_at <= soon)),
            _sum(is_running),
            open_count,
            undelivered,
            _sum(overdue),
            _sum(and_(is_running, Obligation.due_at > soon)),
            _sum(Obligation.status == "pending"),
            long_suspected,
        ).where(Obligation.incident_id.in_(_open_ids()))
    ).one()
    n = [c or 0 for c in counts]
    return {
        "undelivered": n[5],
        "open_incidents": n[4],
        "missed": n[0],
        "due_today": n[1],
        "due_soon": n[2],
        "running": n[3],
        "urgency": OpenByUrgency(missed=n[6], due_soon=n[2], later=n[7], pending=n[8]),
        "long_suspected": n[9],
    }


def open_incidents(now: datetime, number: int, total: int) -> Page:
    """Page ``number`` of the open incidents (``total`` of them), the most urgent first: by next deadline, those
    without a running clock last, then by the moment of awareness."""
    is_running = Obligation.status == "running"
    overdue = and_(is_running, Obligation.due_at < now)
    agg = (
        select(
            Obligation.incident_id,
            func.min(case((is_running, Obligation.due_at))).label("next_due"),
            _sum(or_(overdue, Obligation.status == "missed")).label("missed"),
            _sum(is_running).label("running"),
        )
        .where(Obligation.incident_id.in_(_open_ids()))
        .group_by(Obligation.incident_id)
        .subquery()
    )
    query = (
        select(Incident, agg.c.next_due, agg.c.missed, agg.c.running)
        .outerjoin(agg, agg.c.incident_id == Incident.id)
        .where(Incident.status.in_(OPEN))
    )
    order = [agg.c.next_due.is_(None), agg.c.next_due, Incident.aware_at, Incident.id]
    found = fetch_page(query, number, PAGE_SIZE, total=total, order=order)
    rows = [
        DashboardRow(
            incident,
            next_due,
            None,
            None,
            missed or 0,
            running or 0,
            urgency("running", next_due, now) if next_due else "pending",
        )
        for incident, next_due, missed, running in found.rows
    ]
    _add_next_deadlines(rows)
    _add_mail_figures(rows)
    return Page(rows, found.number, found.size, found.total)


def _add_next_deadlines(rows: list[DashboardRow]) -> None:
    """Per incident: the kind and controller of its most urgent running deadline (the earliest, the lowest id
    among equals). One statement for the whole page."""
    ids = [r.incident.id for r in rows if r.next_due is not None]
    if not ids:
        return
    rank = (
        func.row_number()
        .over(partition_by=Obligation.incident_id, order_by=(Obligation.due_at, Obligation.id))
        .label("rank")
    )
    ranked = (
        select(Obligation.incident_id, Obligation.kind, Controller.name, rank)
        .join(Controller, Controller.id == Obligation.controller_id)
        .where(Obligation.incident_id.in_(ids), Obligation.status == "running", Obligation.due_at.is_not(None))
        .subquery()
    )
    by_id = {r.incident.id: r for r in rows}
    for incident_id, kind, controller in db.session.execute(
        select(ranked.c.incident_id, ranked.c.kind, ranked.c.name).where(ranked.c.rank == 1)
    ):
        by_id[incident_id].next_kind, by_id[incident_id].next_controller = kind, controller


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
        elif status in UNDELIVERED:
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
