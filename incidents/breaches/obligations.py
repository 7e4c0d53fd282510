"""Recompute an incident's stored obligations from its anchors, contracts, filings and decisions.

Called by every service that changes an incident, inside the same transaction. Obligations are
only ever inserted or updated here (never deleted: only removal.py deletes those of a contract taken out before
anything was sent about it), and a fulfilled obligation keeps its deadline. Withdrawn contracts count for nothing.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import insert, select, true, update

from ..core.clock import OPEN_STATUSES, FilingFact, IncidentFacts, compute_deadlines
from ..core.clock import AffectedContract as AffectedFact
from ..core.reminders import first_reminder
from ..extensions import db
from ..parties.profile_versions import profiles_for
from ..settings import reminder_plan
from .models import AffectedContract, Decision, Filing, Incident, Obligation

STORED = (
    "owner",
    "clause",
    "hours",
    "starts_at",
    "due_at",
    "status",
    "met_at",
    "filing_id",
    "met_recorded_at",
    "backdated",
    "profile_version",
    "wording",
    "norm",
    "limited_by_ap",
    "owner_basis",
    "owner_conflict",
)


def _stored(d) -> dict:
    """A computed deadline's stored columns (the conflict as JSON, None without one)."""
    values = {name: getattr(d, name) for name in STORED}
    values["owner_conflict"] = [
        {"clause": clause, "wording": wording, "says": says} for clause, wording, says in d.owner_conflict
    ] or None
    return values


def latest_decision(incident_id: int, controller_id: int) -> Decision | None:
    """The controller's latest decision about the incident (None before it decided)."""
    return db.session.scalar(
        select(Decision)
        .where(Decision.incident_id == incident_id, Decision.controller_id == controller_id)
        .order_by(Decision.decided_at.desc(), Decision.id.desc())
        .limit(1)
    )


def latest_ap_decisions(incident_id: int, controller_ids: Collection[int] | None = None) -> dict[int, str]:
    where = [Decision.incident_id == incident_id]
    if controller_ids is not None:
        where.append(Decision.controller_id.in_(controller_ids))
    rows = db.session.execute(
        select(Decision.controller_id, Decision.notify_ap).where(*where).order_by(Decision.decided_at, Decision.id)
    )
    return {controller_id: notify_ap for controller_id, notify_ap in rows}


def recompute(incident: Incident, controller_ids: Collection[int] | None = None) -> int:
    """Bring the incident's obligations up to date; returns how many rows were written.

    With `controller_ids`, only those controllers' obligations: every deadline of a controller (its contracts' and
    its AP clock) depends on the incident's anchors and on that controller's own contracts, filings and decision
    only, so a change that concerns one controller (a delivered notice, a filing, a decision) need not read the
    other thousands."""
    only = sorted(set(controller_ids)) if controller_ids is not None else None

    def mine(column):
        return column.in_(only) if only is not None else true()

    rows = db.session.execute(
        select(
            AffectedContract.contract_id,
            AffectedContract.controller_id,
            AffectedContract.profile_key,  # set for every row: by _attach, and by migration 0016 for older ones
            AffectedContract.profile_version,
            AffectedContract.established_at,
        )
        .where(
            AffectedContract.incident_id == incident.id,
            AffectedContract.withdrawn_at.is_(None),
            mine(AffectedContract.controller_id),
        )
        .order_by(AffectedContract.contract_id)
    ).all()
    # Each contract's deadlines come from the profile version pinned when it was added (breaches/profile_pins.py).
    profiles = profiles_for((key, version) for _, _, key, version, _ in rows)
    affected = [
        AffectedFact(cid, controller_id, profiles[(key, version)], established_at)
        for cid, controller_id, key, version, established_at in rows
    ]
    filings = [
        FilingFact(*row)
        for row in db.session.execute(
            select(
                Filing.id,
                Filing.kind,
                Filing.at,
                Filing.contract_id,
                Filing.controller_id,
                Filing.recorded_at,
                Filing.channel,
            ).where(Filing.incident_id == incident.id, mine(Filing.controller_id))
        )
    ]
    existing = {
        row.key: row
        for row in db.session.execute(
            select(Obligation.id, Obligation.key, *(getattr(Obligation, n) for n in STORED)).where(
                Obligation.incident_id == incident.id, mine(Obligation.controller_id)
            )
        )
    }
    frozen = {key: (row.starts_at, row.due_at) for key, row in existing.items() if row.filing_id is not None}
    facts = IncidentFacts(
        incident.status, incident.aware_at, incident.confirmed_at, incident.dismissed_at, incident.authority_action_at
    )
    deadlines = compute_deadlines(facts, affected, filings, latest_ap_decisions(incident.id, only), frozen)

    inserts, updates = [], []
    reminders = reminder_plan()
    for d in deadlines:
        values = _stored(d)
        row = existing.get(d.key)
        if row is None:
            inserts.append(
                {
                    "incident_id": incident.id,
                    "key": d.key,
                    "kind": d.kind,
                    "contract_id": d.contract_id,
                    "controller_id": d.controller_id,
                    **values,
                    "next_reminder_at": first_reminder(d.status, d.starts_at, d.due_at, reminders),
                }
            )
        elif any(getattr(row, name) != value for name, value in values.items()):
            # A changed deadline starts its reminders again (their keys name the deadline, so none repeats).
            updates.append(
                {"id": row.id, **values, "next_reminder_at": first_reminder(d.status, d.starts_at, d.due_at, reminders)}
            )
    # An open obligation that no longer follows from the contracts (its contract was withdrawn by a correction,
    # see removal.py) has ended: it stops counting as due and stops reminding; met and missed ones keep their history.
    computed = {d.key for d in deadlines}
    updates += [
        {"id": row.id, **{n: getattr(row, n) for n in STORED}, "status": "ended", "next_reminder_at": None}
        for key, row in existing.items()
        if key not in computed and row.status in OPEN_STATUSES
    ]
    if inserts:
        db.session.execute(insert(Obligation.__table__), inserts)
    if updates:
        db.session.execute(update(Obligation), updates)
    return len(inserts) + len(updates)
