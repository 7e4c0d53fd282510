"""The clock engine: from an incident's anchors, its affected contracts and its filings to the
obligations it creates, each with its start, deadline and status (the rules in docs/API.md).

Pure: plain data in, plain data out. Windows are counted in elapsed hours, so a 72-hour window
across a DST change ends 72 real hours later, whatever the wall clock in Amsterdam says.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from .instants import add_elapsed_hours
from .profiles import AP_HOURS, ClauseProfile

OPEN_STATUSES = ("pending", "running")
DUE_SOON = timedelta(hours=4)


@dataclass(frozen=True)
class IncidentFacts:
    status: str  # suspected | confirmed | dismissed | closed
    aware_at: datetime
    confirmed_at: datetime | None


@dataclass(frozen=True)
class AffectedContract:
    contract_id: int
    controller_id: int
    profile: ClauseProfile


@dataclass(frozen=True)
class FilingFact:
    id: int
    kind: str
    at: datetime
    contract_id: int | None = None
    controller_id: int | None = None


@dataclass
class Deadline:
    key: str
    kind: str
    contract_id: int | None
    controller_id: int
    owner: str
    clause: str
    wording: str
    hours: int
    starts_at: datetime | None
    due_at: datetime | None
    status: str
    met_at: datetime | None
    filing_id: int | None


def obligation_key(kind: str, contract_id: int | None, controller_id: int) -> str:
    """Stable identity of an obligation within its incident."""
    return f"{kind}:contract:{contract_id}" if contract_id is not None else f"{kind}:controller:{controller_id}"


def _earliest(filings: Iterable[FilingFact]) -> dict[tuple[str, str, int], FilingFact]:
    """The earliest filing per (kind, 'contract' | 'controller', id); ties go to the lower id."""
    first: dict[tuple[str, str, int], FilingFact] = {}
    for filing in filings:
        if filing.kind == "ap_notification":
            owner, target = "controller", filing.controller_id
        else:
            owner, target = "contract", filing.contract_id
        if target is None:
            continue
        key = (filing.kind, owner, target)
        known = first.get(key)
        if known is None or (filing.at, filing.id) < (known.at, known.id):
            first[key] = filing
    return first


def _settle(
    deadline: Deadline,
    filing: FilingFact | None,
    incident: IncidentFacts,
    not_required: bool,
    frozen: Mapping[str, tuple[datetime | None, datetime | None]],
) -> Deadline:
    """Apply a fulfilling filing, freezing, dismissal and decisions to a freshly computed deadline."""
    if filing is not None:
        held = frozen.get(deadline.key)
        if held is not None and held[1] is not None:
            deadline.starts_at, deadline.due_at = held
        deadline.met_at = filing.at
        deadline.filing_id = filing.id
        on_time = deadline.due_at is None or filing.at <= deadline.due_at
        deadline.status = "met" if on_time else "missed"
    elif incident.status == "dismissed":
        deadline.status = "ended"
    elif not_required:
        deadline.status = "not_required"
    elif deadline.starts_at is None:
        deadline.status = "pending"
    else:
        deadline.status = "running"
    return deadline


def compute_deadlines(
    incident: IncidentFacts,
    contracts: Iterable[AffectedContract],
    filings: Iterable[FilingFact] = (),
    ap_decisions: Mapping[int, str] | None = None,
    frozen: Mapping[str, tuple[datetime | None, datetime | None]] | None = None,
) -> list[Deadline]:
    """Every obligation of the incident, in a stable order (contract obligations, then per controller).

    ``ap_decisions`` maps a controller id to its latest ``notify_ap`` decision; ``frozen`` maps an
    obligation key to the (starts_at, due_at) stored when it was fulfilled, which is kept as it was.
    """
    ap_decisions = ap_decisions or {}
    frozen = frozen or {}
    first = _earliest(filings)
    deadlines: list[Deadline] = []
    controllers: dict[int, list[AffectedContract]] = {}

    for affected in contracts:
        controllers.setdefault(affected.controller_id, []).append(affected)
        for rule in affected.profile.obligations:
            starts = incident.aware_at if rule.trigger == "suspected" else incident.confirmed_at
            key = obligation_key(rule.kind, affected.contract_id, affected.controller_id)
            deadline = Deadline(
                key=key,
                kind=rule.kind,
                contract_id=affected.contract_id,
                controller_id=affected.controller_id,
                owner="processor",
                clause=rule.clause,
                wording=rule.wording,
                hours=rule.hours,
                starts_at=starts,
                due_at=add_elapsed_hours(starts, rule.hours) if starts is not None else None,
                status="pending",
                met_at=None,
                filing_id=None,
            )
            filing = first.get((rule.kind, "contract", affected.contract_id))
            deadlines.append(_settle(deadline, filing, incident, False, frozen))

    for controller_id, affected_list in controllers.items():
        filer = next((a.profile for a in affected_list if a.profile.processor_files_with_ap), None)
        if filer is not None:
            owner, clause, wording = "processor", filer.ap_clause, filer.ap_wording
            starts = incident.confirmed_at
        else:
            profile = affected_list[0].profile
            owner, clause, wording = "controller", profile.ap_clause, profile.ap_wording
            notices = [
                first[("controller_notice", "contract", a.contract_id)].at
                for a in affected_list
                if ("controller_notice", "contract", a.contract_id) in first
            ]
            starts = max(incident.confirmed_at, min(notices)) if incident.confirmed_at is not None and notices else None
        key = obligation_key("ap_notification", None, controller_id)
        deadline = Deadline(
            key=key,
            kind="ap_notification",
            contract_id=None,
            controller_id=controller_id,
            owner=owner,
            clause=clause,
            wording=wording,
            hours=AP_HOURS,
            starts_at=starts,
            due_at=add_elapsed_hours(starts, AP_HOURS) if starts is not None else None,
            status="pending",
            met_at=None,
            filing_id=None,
        )
        filing = first.get(("ap_notification", "controller", controller_id))
        not_required = ap_decisions.get(controller_id) == "no"
        deadlines.append(_settle(deadline, filing, incident, not_required, frozen))
    return deadlines


def effective_status(status: str, due_at: datetime | None, now: datetime) -> str:
    """A stored ``running`` obligation whose deadline has passed is missed, without a write."""
    if status == "running" and due_at is not None and now > due_at:
        return "missed"
    return status


def urgency(status: str, due_at: datetime | None, now: datetime) -> str:
    """'missed', 'due_soon' (within 4 h), 'running', or the status itself for everything settled."""
    current = effective_status(status, due_at, now)
    if current == "running" and due_at is not None and due_at - now <= DUE_SOON:
        return "due_soon"
    return current
