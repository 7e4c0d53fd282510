"""The register's particulars of a batch of incidents: controllers, obligation counts, missed obligations,
decisions, filings, notices and scopes, each one statement over the batch's ids (a page, or one batch of an
export), columns only, through the Core connection (no ORM row bookkeeping for thousands of rows). It never
writes."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Select, and_, case, func, or_, select

from ..auth.models import User
from ..breaches.models import AffectedContract, ControllerScope, Decision, Filing, Obligation
from ..extensions import db
from ..notices.models import OutboxMessage
from ..parties.models import Contract, Controller
from .rows import BackdatedEntry, DecisionEntry, FilingEntry, MissedEntry, NoticeEntry, RegisterRow


def complete(rows: dict[int, RegisterRow], now: datetime) -> None:
    """Fill in the particulars of these rows (by incident id), a fixed number of statements however many."""
    if not rows:
        return
    ids = list(rows)
    _add_controllers(rows, ids)
    _add_obligation_counts(rows, ids, now)
    _add_missed(rows, ids, now)
    _add_backdated(rows, ids)
    _add_decisions(rows, ids)
    notices = _add_filings(rows, ids)
    _add_notices(rows, ids, notices)
    _add_scopes(rows, ids)


def _run(statement: Select):
    """The statement's rows through the session's connection (the request's transaction), without the ORM."""
    return db.session.connection().execute(statement)


def _add_scopes(rows: dict[int, RegisterRow], ids: list[int]) -> None:
    for incident_id, controller_id, name, values in _run(
        select(ControllerScope.incident_id, Controller.id, Controller.name, ControllerScope.values)
        .join(Controller, Controller.id == ControllerScope.controller_id)
        .where(ControllerScope.incident_id.in_(ids))
    ):
        rows[incident_id].scopes.append((name, controller_id, dict(values or {})))
    for row in rows.values():
        row.scopes.sort(key=lambda s: (s[0].casefold(), s[1]))


def _add_controllers(rows: dict[int, RegisterRow], ids: list[int]) -> None:
    for incident_id, _controller_id, name, contracts, withdrawn in _run(
        select(
            AffectedContract.incident_id,
            Controller.id,
            Controller.name,
            func.count(),
            func.count(AffectedContract.withdrawn_at),
        )
        .join(Controller, Controller.id == AffectedContract.controller_id)
        .where(AffectedContract.incident_id.in_(ids))
        .group_by(AffectedContract.incident_id, Controller.id, Controller.name)
    ):
        rows[incident_id].controllers.append(name)
        if withdrawn == contracts:  # every contract of this controller withdrawn by a correction
            rows[incident_id].withdrawn.add(name)
    for row in rows.values():
        row.controllers.sort(key=lambda n: (n.casefold(), n))


def _missed_condition(now: datetime):
    overdue = and_(Obligation.status == "running", Obligation.due_at.is_not(None), Obligation.due_at < now)
    return or_(Obligation.status == "missed", overdue)


def _add_obligation_counts(rows: dict[int, RegisterRow], ids: list[int], now: datetime) -> None:
    running = Obligation.status == "running"
    still_open = or_(
        Obligation.status == "pending", and_(running, or_(Obligation.due_at.is_(None), Obligation.due_at >= now))
    )
    for incident_id, met, miss, open_ in _run(
        select(
            Obligation.incident_id,
            func.sum(case((Obligation.status == "met", 1), else_=0)),
            func.sum(case((_missed_condition(now), 1), else_=0)),
            func.sum(case((still_open, 1), else_=0)),
        )
        .where(Obligation.incident_id.in_(ids))
        .group_by(Obligation.incident_id)
    ):
        row = rows[incident_id]
        row.obligations_met, row.obligations_missed, row.obligations_open = met or 0, miss or 0, open_ or 0


def _add_missed(rows: dict[int, RegisterRow], ids: list[int], now: datetime) -> None:
    # The condition as a value, not as a filter on status: SQLite (without statistics) would otherwise walk the
    # status indexes over every missed obligation of all history instead of the batch's ids.
    missed = case((_missed_condition(now), 1), else_=0)
    found = _run(
        select(
            Obligation.incident_id,
            Obligation.kind,
            Obligation.status,
            Obligation.controller_id,
            Obligation.clause,
            Obligation.due_at,
            Obligation.met_at,
            Controller.name,
            Contract.reference,
            Obligation.id,
        )
        .join(Controller, Controller.id == Obligation.controller_id)
        .outerjoin(Contract, Contract.id == Obligation.contract_id)
        .where(Obligation.incident_id.in_(ids), missed == 1, Obligation.due_at.is_not(None))
    ).all()
    found.sort(key=lambda r: (r.due_at, r.id))  # earliest deadline first
    for incident_id, kind, status, controller_id, clause, due_at, met_at, name, contract, _id in found:
        done = met_at if status == "missed" else None
        due = cast(datetime, due_at)  # the query takes only obligations with a due_at
        rows[incident_id].missed.append(
            MissedEntry(kind, controller_id, name, contract, clause, due, done, (done or now) - due)
        )


def _add_backdated(rows: dict[int, RegisterRow], ids: list[int]) -> None:
    found = _run(
        select(
            Obligation.incident_id,
            Obligation.kind,
            Obligation.controller_id,
            Controller.name,
            Contract.reference,
            Obligation.due_at,
            Obligation.met_at,
            Obligation.met_recorded_at,
            Obligation.id,
        )
        .join(Controller, Controller.id == Obligation.controller_id)
        .outerjoin(Contract, Contract.id == Obligation.contract_id)
        .where(Obligation.incident_id.in_(ids), Obligation.backdated.is_(True))
    ).all()
    found.sort(key=lambda r: (r.due_at, r.id))
    for incident_id, kind, controller_id, name, contract, due_at, met_at, recorded_at, _id in found:
        rows[incident_id].backdated.append(
            BackdatedEntry(kind, controller_id, name, contract, due_at, met_at, recorded_at)
        )


def _add_decisions(rows: dict[int, RegisterRow], ids: list[int]) -> None:
    latest: dict[int, dict[int, DecisionEntry]] = {}
    for d in _run(
        select(
            Decision.incident_id,
            Decision.controller_id,
            Controller.name.label("controller"),
            Decision.notify_ap,
            Decision.inform_subjects,
            Decision.subjects_ground,
            Decision.decided_at,
            Decision.reason,
            Decision.maker_name,
            Decision.maker_function,
            Decision.maker_via,
            User.name.label("user_name"),
            User.email.label("user_email"),
        )
        .join(Controller, Controller.id == Decision.controller_id)
        .outerjoin(User, User.id == Decision.decided_by_id)
        .where(Decision.incident_id.in_(ids))
        .order_by(Decision.decided_at, Decision.id)
    ):
        latest.setdefault(d.incident_id, {})[d.controller_id] = DecisionEntry(
            d.controller_id,
            d.controller,
            d.notify_ap,
            d.inform_subjects,
            d.subjects_ground,
            d.decided_at,
            reason=d.reason or "",
            maker_name=d.maker_name,
            maker_function=d.maker_function,
            maker_via=d.maker_via,
            recorded_by=(d.user_name or d.user_email) or None,
        )
    for incident_id, by_controller in latest.items():
        rows[incident_id].decisions = sorted(
            by_controller.values(), key=lambda d: (d.controller.casefold(), d.controller_id)
        )


def _add_filings(rows: dict[int, RegisterRow], ids: list[int]) -> list:
    """The whole filing log, oldest first; returns the notices to controllers among them, for _add_notices."""
    notices = []
    for f in _run(
        select(
            Filing.incident_id,
            Filing.kind,
            Filing.at,
            Filing.reference,
            Filing.controller_id,
            Controller.name.label("controller"),
            Filing.channel,
            Filing.contract_id,
            Contract.reference.label("contract"),
            Filing.note,
            Filing.details,
        )
        .join(Controller, Controller.id == Filing.controller_id)
        .outerjoin(Contract, Contract.id == Filing.contract_id)
        .where(Filing.incident_id.in_(ids))
        .order_by(Filing.at, Filing.id)
    ):
        rows[f.incident_id].filings.append(
            FilingEntry(
                f.kind,
                f.at,
                f.reference,
                f.controller_id,
                f.controller,
                f.channel,
                f.contract_id,
                f.contract,
                (f.details or {}).get("follow_up"),
            )
        )
        if f.kind == "controller_notice":
            notices.append(f)
    return notices


def _add_notices(rows: dict[int, RegisterRow], ids: list[int], filed: list) -> None:
    """Per controller, each notice once: the outbox sends one e-mail per controller and files it per contract.
    ``filed``: the controller_notice filings, oldest first."""
    recipients: dict[int, tuple[str, ...]] = {}
    unsent: list = []
    for message in _run(
        select(
            OutboxMessage.id,
            OutboxMessage.incident_id,
            OutboxMessage.controller_id,
            OutboxMessage.recipients,
            OutboxMessage.status,
            OutboxMessage.created_at,
            OutboxMessage.details,
        ).where(OutboxMessage.incident_id.in_(ids), OutboxMessage.controller_id.is_not(None))
    ):
        recipients[message.id] = tuple(message.recipients or ())
        if (message.details or {}).get("kind") == "notice" and message.status != "sent":
            unsent.append(message)
    notices: dict[int, dict[tuple, NoticeEntry]] = {}
    for filing in filed:
        outbox_id = (filing.details or {}).get("outbox_id")
        mail = recipients.get(outbox_id) if isinstance(outbox_id, int) else None
        mailed = mail is not None
        key = (
            ("outbox", outbox_id)
            if mailed
            else ("filing", filing.controller_id, filing.at, filing.channel, filing.reference, filing.note)
        )
        notices.setdefault(filing.incident_id, {}).setdefault(
            key,
            NoticeEntry(
                filing.controller_id,
                filing.controller,
                filing.at,
                filing.channel,
                mail or (),
                filing.reference,
                None if mailed else filing.note,
            ),
        )
    if unsent:
        names = dict(
            _run(
                select(Controller.id, Controller.name).where(Controller.id.in_({m.controller_id for m in unsent}))
            ).all()
        )
        for message in unsent:
            notices.setdefault(message.incident_id, {})[("outbox", message.id)] = NoticeEntry(
                message.controller_id,
                names.get(message.controller_id, ""),
                message.created_at,
                "email",
                recipients[message.id],
                status=message.status,
            )
    for incident_id, entries in notices.items():
        rows[incident_id].notices = sorted(
            entries.values(), key=lambda n: (n.controller.casefold(), n.controller_id, n.at)
        )
