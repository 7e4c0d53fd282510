"""The register's one read query: a row per incident, built from a fixed number of statements
(incidents with their latest assessment, then controllers, obligations, decisions, filings and notices batched
over the same filtered ids). It never writes.

Besides AVG art. 33 lid 5 (facts, effects, remedial action) it holds what the Addendum's Annex B asks of a file of
breaches: the period of the breach, who reported it to the processor, to whom it was reported (each notice to a
controller with its recipient, channel and time) and the data-recovery procedure; and for every controller's latest
decision the reason, who at the controller decided and who recorded it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import and_, case, exists, func, or_, select

from ..auth.models import User
from ..breaches.models import (
    AffectedContract,
    ControllerScope,
    Decision,
    Filing,
    Incident,
    Obligation,
    SeverityAssessment,
)
from ..core.instants import ensure_utc, utcnow
from ..extensions import db
from ..notices.models import OutboxMessage
from ..parties.models import Contract, Controller
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
    reason: str = ""
    maker_name: str | None = None  # who at the controller decided
    maker_function: str | None = None
    maker_via: str | None = None  # how the processor learned it (models.DECISION_VIA)
    recorded_by: str | None = None  # the desk's user who recorded it


@dataclass(frozen=True)
class FilingEntry:
    kind: str
    at: datetime
    reference: str | None
    controller_id: int
    controller: str = ""
    channel: str | None = None
    contract_id: int | None = None
    contract: str | None = None  # the contract's reference
    follow_up: str | None = None


@dataclass(frozen=True)
class NoticeEntry:
    """A notice to a controller: sent (a controller_notice filing, once however many contracts it covered) or
    still in the outbox (queued, retrying, failed)."""

    controller_id: int
    controller: str
    at: datetime  # when it was sent; for one not sent, when it was created
    channel: str | None
    recipients: tuple[str, ...] = ()
    reference: str | None = None
    note: str | None = None
    status: str = "sent"  # notices/models.py OUTBOX_STATUSES


@dataclass(frozen=True)
class MissedEntry:
    """An obligation filed after its deadline, or still open past it."""

    kind: str
    controller_id: int
    controller: str
    contract: str | None  # the contract's reference; None for the AP notification (per controller)
    clause: str
    due_at: datetime
    met_at: datetime | None  # None: not done yet
    late_by: timedelta  # met_at - due_at, or now - due_at when not done yet


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
    started_at: datetime | None = None  # the period of the breach (details.started_at / ended_at)
    ended_at: datetime | None = None
    reporter_kind: str | None = None  # core/ap_form.py REPORTER_KINDS
    reported_by: str | None = None  # who reported the breach to the processor
    recovery: str | None = None  # the data-recovery procedure
    severity_band: str | None = None
    ap_severity: str | None = None
    se: float | None = None
    obligations_met: int = 0
    obligations_missed: int = 0
    obligations_open: int = 0
    controllers: list[str] = field(default_factory=list)
    decisions: list[DecisionEntry] = field(default_factory=list)  # the latest per controller, by name
    filings: list[FilingEntry] = field(default_factory=list)  # the whole log, oldest first
    notices: list[NoticeEntry] = field(default_factory=list)  # per controller by name, then oldest first
    missed: list[MissedEntry] = field(default_factory=list)  # earliest deadline first
    # Each controller's own scope (breaches/scope.py), by controller name: who was affected by how much.
    scopes: list[tuple[str, int, dict]] = field(default_factory=list)

    def field_values(self, keys: tuple[str, ...]) -> dict[str, str | None]:
        return {k: self.fields.get(k) or None for k in keys}


def _instant(value: object) -> datetime | None:
    """An ISO instant from an incident's details (stored as "...Z"); anything else is None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return ensure_utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        return None


def _text(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _latest_severity():
    """Per incident, its latest assessment for the whole incident (as assessment.latest_severity chooses it);
    where there is none, its latest for one controller."""
    whole = case((SeverityAssessment.controller_id.is_(None), 0), else_=1)
    ranked = select(
        SeverityAssessment.incident_id,
        SeverityAssessment.band,
        SeverityAssessment.ap_severity,
        SeverityAssessment.se,
        func.row_number()
        .over(
            partition_by=SeverityAssessment.incident_id,
            order_by=(whole, SeverityAssessment.assessed_at.desc(), SeverityAssessment.id.desc()),
        )
        .label("rank"),
    ).subquery()
    return (
        select(ranked.c.incident_id, ranked.c.band, ranked.c.ap_severity, ranked.c.se)
        .where(ranked.c.rank == 1)
        .subquery("latest_severity")
    )


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
        conditions.append(
            exists().where(
                AffectedContract.incident_id == Incident.id, AffectedContract.controller_id == filters.controller_id
            )
        )
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
        .where(*conditions)
        .order_by(Incident.aware_at, Incident.id)
    ).all()
    rows: dict[int, RegisterRow] = {}
    for incident, band, ap_severity, se in found:
        details = incident.details or {}
        rows[incident.id] = RegisterRow(
            id=incident.id,
            reference=incident.reference,
            title=incident.title,
            status=incident.status,
            aware_at=incident.aware_at,
            confirmed_at=incident.confirmed_at,
            dismissed_at=incident.dismissed_at,
            dismiss_reason=incident.dismiss_reason,
            description=incident.description or "",
            fields=dict(incident.fields or {}),
            incident_kind=details.get("incident_kind"),
            started_at=_instant(details.get("started_at")),
            ended_at=_instant(details.get("ended_at")),
            reporter_kind=_text(details.get("reporter_kind")),
            reported_by=_text(details.get("reported_by")),
            recovery=_text(details.get("recovery")),
            severity_band=band,
            ap_severity=ap_severity,
            se=se,
        )
    if rows:
        # The same filter as a subquery: no list of ids as bound parameters, however many incidents match.
        ids = select(Incident.id).outerjoin(latest, latest.c.incident_id == Incident.id).where(*conditions)
        _add_controllers(rows, ids)
        _add_obligation_counts(rows, ids, now)
        _add_missed(rows, ids, now)
        _add_decisions(rows, ids)
        _add_filings(rows, ids)
        _add_notices(rows, ids)
        _add_scopes(rows, ids)
    return list(rows.values())


def _add_scopes(rows: dict[int, RegisterRow], ids) -> None:
    for incident_id, controller_id, name, values in db.session.execute(
        select(ControllerScope.incident_id, Controller.id, Controller.name, ControllerScope.values)
        .join(Controller, Controller.id == ControllerScope.controller_id)
        .where(ControllerScope.incident_id.in_(ids))
    ):
        rows[incident_id].scopes.append((name, controller_id, dict(values or {})))
    for row in rows.values():
        row.scopes.sort(key=lambda s: (s[0].casefold(), s[1]))


def _add_controllers(rows: dict[int, RegisterRow], ids) -> None:
    for incident_id, _controller_id, name in db.session.execute(
        select(AffectedContract.incident_id, Controller.id, Controller.name)
        .distinct()
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
    still_open = or_(
        Obligation.status == "pending", and_(running, or_(Obligation.due_at.is_(None), Obligation.due_at >= now))
    )
    for incident_id, met, miss, open_ in db.session.execute(
        select(
            Obligation.incident_id,
            func.sum(case((Obligation.status == "met", 1), else_=0)),
            func.sum(case((missed, 1), else_=0)),
            func.sum(case((still_open, 1), else_=0)),
        )
        .where(Obligation.incident_id.in_(ids))
        .group_by(Obligation.incident_id)
    ):
        row = rows[incident_id]
        row.obligations_met, row.obligations_missed, row.obligations_open = met or 0, miss or 0, open_ or 0


def _missed_condition(now: datetime):
    overdue = and_(Obligation.status == "running", Obligation.due_at.is_not(None), Obligation.due_at < now)
    return or_(Obligation.status == "missed", overdue)


def _add_missed(rows: dict[int, RegisterRow], ids, now: datetime) -> None:
    for obligation, name, contract in db.session.execute(
        select(Obligation, Controller.name, Contract.reference)
        .join(Controller, Controller.id == Obligation.controller_id)
        .outerjoin(Contract, Contract.id == Obligation.contract_id)
        .where(Obligation.incident_id.in_(ids), _missed_condition(now), Obligation.due_at.is_not(None))
        .order_by(Obligation.due_at, Obligation.id)
    ):
        done = obligation.met_at if obligation.status == "missed" else None
        due_at = cast(datetime, obligation.due_at)  # the query takes only obligations with a due_at
        rows[obligation.incident_id].missed.append(
            MissedEntry(
                obligation.kind,
                obligation.controller_id,
                name,
                contract,
                obligation.clause,
                due_at,
                done,
                (done or now) - due_at,
            )
        )


def _add_decisions(rows: dict[int, RegisterRow], ids) -> None:
    latest: dict[int, dict[int, DecisionEntry]] = {}
    for decision, name, user_name, user_email in db.session.execute(
        select(Decision, Controller.name, User.name, User.email)
        .join(Controller, Controller.id == Decision.controller_id)
        .outerjoin(User, User.id == Decision.decided_by_id)
        .where(Decision.incident_id.in_(ids))
        .order_by(Decision.decided_at, Decision.id)
    ):
        latest.setdefault(decision.incident_id, {})[decision.controller_id] = DecisionEntry(
            decision.controller_id,
            name,
            decision.notify_ap,
            decision.inform_subjects,
            decision.subjects_ground,
            decision.decided_at,
            reason=decision.reason or "",
            maker_name=decision.maker_name,
            maker_function=decision.maker_function,
            maker_via=decision.maker_via,
            recorded_by=(user_name or user_email) or None,
        )
    for incident_id, by_controller in latest.items():
        rows[incident_id].decisions = sorted(
            by_controller.values(), key=lambda d: (d.controller.casefold(), d.controller_id)
        )


def _add_filings(rows: dict[int, RegisterRow], ids) -> None:
    for filing, name, contract in db.session.execute(
        select(Filing, Controller.name, Contract.reference)
        .join(Controller, Controller.id == Filing.controller_id)
        .outerjoin(Contract, Contract.id == Filing.contract_id)
        .where(Filing.incident_id.in_(ids))
        .order_by(Filing.at, Filing.id)
    ):
        rows[filing.incident_id].filings.append(
            FilingEntry(
                filing.kind,
                filing.at,
                filing.reference,
                filing.controller_id,
                name,
                filing.channel,
                filing.contract_id,
                contract,
                (filing.details or {}).get("follow_up"),
            )
        )


def _add_notices(rows: dict[int, RegisterRow], ids) -> None:
    """Per controller, each notice once: the outbox sends one e-mail per controller and files it per contract."""
    outbox: dict[int, OutboxMessage] = {}
    unsent: list[OutboxMessage] = []
    for message in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.incident_id.in_(ids), OutboxMessage.controller_id.is_not(None))
    ):
        outbox[message.id] = message
        if (message.details or {}).get("kind") == "notice" and message.status != "sent":
            unsent.append(message)
    notices: dict[int, dict[tuple, NoticeEntry]] = {}
    for filing, name in db.session.execute(
        select(Filing, Controller.name)
        .join(Controller, Controller.id == Filing.controller_id)
        .where(Filing.incident_id.in_(ids), Filing.kind == "controller_notice")
        .order_by(Filing.at, Filing.id)
    ):
        outbox_id = (filing.details or {}).get("outbox_id")
        mail = outbox.get(outbox_id) if isinstance(outbox_id, int) else None
        key = (
            ("outbox", outbox_id)
            if mail is not None
            else ("filing", filing.controller_id, filing.at, filing.channel, filing.reference, filing.note)
        )
        notices.setdefault(filing.incident_id, {}).setdefault(
            key,
            NoticeEntry(
                filing.controller_id,
                name,
                filing.at,
                filing.channel,
                tuple(mail.recipients or ()) if mail is not None else (),
                filing.reference,
                None if mail is not None else filing.note,
            ),
        )
    if unsent:
        names = dict(
            db.session.execute(
                select(Controller.id, Controller.name).where(Controller.id.in_({m.controller_id for m in unsent}))
            ).all()
        )
        for message in unsent:
            controller_id = cast(int, message.controller_id)  # the outbox was read with is_not(None) above
            notices.setdefault(message.incident_id, {})[("outbox", message.id)] = NoticeEntry(
                controller_id,
                names.get(controller_id, ""),
                message.created_at,
                "email",
                tuple(message.recipients or ()),
                status=message.status,
            )
    for incident_id, entries in notices.items():
        rows[incident_id].notices = sorted(
            entries.values(), key=lambda n: (n.controller.casefold(), n.controller_id, n.at)
        )
