"""Read-side queries for pages: the dashboard and the incident page. They never write."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, or_, select

from ..core.clock import urgency
from ..core.fields import missing_fields
from ..core.instants import to_local
from ..extensions import db
from ..parties.models import Contract, Controller
from ..profiles import all_profiles
from .models import AffectedContract, Decision, Filing, Incident, Obligation, TimelineEvent

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
                .where(Obligation.incident_id == incident.id, Obligation.status == "running",
                       Obligation.due_at == next_due)
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
            func.sum(case((and_(is_running, Obligation.due_at >= now,
                                Obligation.due_at <= now + timedelta(hours=4)), 1), else_=0)),
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
    from ..notices.models import OutboxMessage
    from .models import ACKNOWLEDGEMENT

    ids = [r.incident.id for r in rows]
    if not ids:
        return
    by_id = {r.incident.id: r for r in rows}
    for incident_id, status, n in db.session.execute(
        select(OutboxMessage.incident_id, OutboxMessage.status, func.count())
        .where(OutboxMessage.incident_id.in_(ids)).group_by(OutboxMessage.incident_id, OutboxMessage.status)
    ):
        if status == "sent":
            by_id[incident_id].sent += n
        elif status in ("retrying", "failed"):
            by_id[incident_id].undelivered += n
    for incident_id, n, last in db.session.execute(
        select(Filing.incident_id, func.count(), func.max(Filing.at))
        .where(Filing.incident_id.in_(ids), Filing.kind == ACKNOWLEDGEMENT).group_by(Filing.incident_id)
    ):
        by_id[incident_id].acknowledged = n
        by_id[incident_id].last_ack = last
    for incident_id, n in db.session.execute(
        select(Filing.incident_id, func.count(func.distinct(Filing.controller_id)))
        .where(Filing.incident_id.in_(ids), Filing.kind == "ap_notification").group_by(Filing.incident_id)
    ):
        by_id[incident_id].ap_filed = n


@dataclass
class ObligationView:
    row: Obligation
    contract_reference: str | None
    profile_key: str | None
    wording: str
    urgency: str
    mode: str | None = None


@dataclass
class ControllerGroup:
    controller: Controller
    obligations: list[ObligationView] = field(default_factory=list)
    contracts: list[tuple[Contract, list[str]]] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    messages: list = field(default_factory=list)  # (OutboxMessage, Document, acknowledgement Filing | None)


def incident_page(incident: Incident, now: datetime) -> dict:
    profiles = all_profiles()
    groups: OrderedDict[int, ControllerGroup] = OrderedDict()
    affected = db.session.execute(
        select(Contract, Controller)
        .join(AffectedContract, AffectedContract.contract_id == Contract.id)
        .join(Controller, Controller.id == Contract.controller_id)
        .where(AffectedContract.incident_id == incident.id)
        .order_by(Controller.name, Contract.reference)
    ).all()
    references: dict[int, Contract] = {}
    values = incident.fields or {}
    for contract, controller in affected:
        group = groups.setdefault(controller.id, ControllerGroup(controller))
        profile = profiles.get(contract.profile_key)
        missing = missing_fields(profile.required_fields, values) if profile else []
        group.contracts.append((contract, missing))
        references[contract.id] = contract

    for row in db.session.scalars(
        select(Obligation).where(Obligation.incident_id == incident.id)
        .order_by(Obligation.due_at.is_(None), Obligation.due_at, Obligation.id)
    ):
        contract = references.get(row.contract_id) if row.contract_id else None
        profile = profiles.get(contract.profile_key) if contract else None
        rule = None
        if row.kind == "ap_notification":
            # As the clock engine does: a profile where the processor files decides, else the first one.
            group = groups.get(row.controller_id)
            found = [p for p in (profiles.get(c.profile_key) for c, _ in (group.contracts if group else [])) if p]
            chosen = next((p for p in found if p.processor_files_with_ap), found[0] if found else None)
            wording = chosen.ap_wording if chosen else ""
        else:
            rule = profile.rule(row.kind) if profile else None
            wording = rule.wording if rule else ""
        view = ObligationView(row, contract.reference if contract else None,
                              contract.profile_key if contract else None, wording,
                              urgency(row.status, row.due_at, now),
                              rule.mode if rule else None)
        if row.controller_id in groups:
            groups[row.controller_id].obligations.append(view)

    for decision in db.session.scalars(
        select(Decision).where(Decision.incident_id == incident.id).order_by(Decision.decided_at, Decision.id)
    ):
        if decision.controller_id in groups:
            groups[decision.controller_id].decisions.append(decision)

    required_by: dict[str, list[str]] = {}
    for contract, _controller in affected:
        profile = profiles.get(contract.profile_key)
        for key in profile.required_fields if profile else ():
            required_by.setdefault(key, [])
            if profile.key not in required_by[key]:
                required_by[key].append(profile.key)

    filings = db.session.execute(
        select(Filing, Controller.name)
        .join(Controller, Controller.id == Filing.controller_id)
        .where(Filing.incident_id == incident.id)
        .order_by(Filing.at, Filing.id)
    ).all()
    from flask_babel import get_locale

    from ..core.guard import profile_guard
    from ..notices.models import Document, OutboxMessage
    from .models import ACKNOWLEDGEMENT

    language = str(get_locale() or "nl")

    acks = {f.document_id: f for f in db.session.scalars(
        select(Filing).where(Filing.incident_id == incident.id, Filing.kind == ACKNOWLEDGEMENT))}
    documents = {d.id: d for d in db.session.scalars(select(Document).where(Document.incident_id == incident.id))}
    for message in db.session.scalars(select(OutboxMessage).where(OutboxMessage.incident_id == incident.id)
                                      .order_by(OutboxMessage.id)):
        if message.controller_id in groups:
            groups[message.controller_id].messages.append(
                (message, documents.get(message.document_id), acks.get(message.document_id)))
    guards, consult = [], []
    for contract, _controller in affected:
        profile = profiles.get(contract.profile_key)
        if profile and not profile.processor_may_inform_data_subjects:
            guards.append((contract, profile_guard(profile, language)))
        if profile and profile.rule("controller_consultation"):
            consult.append(contract)

    timeline = db.session.scalars(
        select(TimelineEvent).where(TimelineEvent.incident_id == incident.id)
        .order_by(TimelineEvent.at.desc(), TimelineEvent.id.desc())
    ).all()
    return {
        "groups": list(groups.values()),
        "required_by": required_by,
        "filings": filings,
        "timeline": timeline,
        "contracts_by_id": references,
        "guards": guards,
        "consult_contracts": consult,
        "not_notified": [g for g in groups.values() if not any(
            m.dedupe_key.endswith(":initial") for m, _d, _a in g.messages)],
    }
