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
from .profiles import (
    AP_CLAUSE,
    AP_HOURS,
    AP_WORDING,
    FILED_AS,
    LIMITED_BY_AP,
    STARTED_BY,
    ClauseProfile,
    ObligationRule,
)

OPEN_STATUSES = ("pending", "running")
DUE_SOON = timedelta(hours=4)


@dataclass(frozen=True)
class IncidentFacts:
    status: str  # suspected | confirmed | dismissed | closed
    aware_at: datetime
    confirmed_at: datetime | None
    dismissed_at: datetime | None = None  # a dismissed incident without one ends every duty still open
    # When the processor learned of an investigation or seizure by authorities (or a suspicion of one): a breach in
    # itself under contracts that say so (ClauseProfile.authority_action_clause).
    authority_action_at: datetime | None = None


@dataclass(frozen=True)
class AffectedContract:
    contract_id: int
    controller_id: int
    profile: ClauseProfile
    # A contract added after the breach was established: when it was established for this contract (default: when
    # it was added). Its confirmed-trigger clocks start then, not at the incident's confirmed_at.
    established_at: datetime | None = None

    def breach_established(self, incident: IncidentFacts) -> datetime | None:
        """When the personal data breach counts as established for this contract (None while suspected)."""
        confirmed = incident.confirmed_at
        if confirmed is not None and self.established_at is not None:
            confirmed = max(self.established_at, confirmed)
        return confirmed

    def established(self, incident: IncidentFacts) -> datetime | None:
        """When a breach under this contract counts as established: the personal data breach, or earlier an
        investigation or seizure by authorities where the contract counts that as a breach (None: neither yet)."""
        confirmed = self.breach_established(incident)
        action = incident.authority_action_at if self.profile.authority_action_clause else None
        if action is not None and self.established_at is not None:
            action = max(self.established_at, action)
        known = [t for t in (confirmed, action) if t is not None]
        return min(known) if known else None


@dataclass(frozen=True)
class FilingFact:
    id: int
    kind: str
    at: datetime
    contract_id: int | None = None
    controller_id: int | None = None
    recorded_at: datetime | None = None  # when it was recorded (at may lie before: a backdated filing)
    channel: str | None = None  # a notice's channel: a contract may allow only some (profile.notice_channels)


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
    met_recorded_at: datetime | None = None
    backdated: bool = False  # the fulfilling filing was recorded after the deadline, with a time before it
    profile_version: str = ""
    trigger: str = "confirmed"
    norm: str = "term"  # core/profiles.py NORMS; the AP clock is a term (AVG art. 33(1): "uiterlijk 72 uur")
    limited_by_ap: bool = False  # due_at is the controller's AP deadline, earlier than the duty's own hours
    # The AP clock: the contract clause that has the processor file for the controller (the 72 hours themselves are
    # AVG art. 33(1)), and, when the controller's contracts disagree about who files, each side's clause.
    owner_basis: str = ""
    owner_conflict: tuple[tuple[str, str, str], ...] = ()  # (clause, wording, "processor" | "controller")


def obligation_key(kind: str, contract_id: int | None, controller_id: int) -> str:
    """Stable identity of an obligation within its incident."""
    return f"{kind}:contract:{contract_id}" if contract_id is not None else f"{kind}:controller:{controller_id}"


def _target(filing: FilingFact) -> tuple[str, int | None]:
    if filing.kind in ("ap_notification", "investigation_report", "authority_contact"):  # per controller
        return "controller", filing.controller_id
    return "contract", filing.contract_id


def _by_duty(
    filings: Iterable[FilingFact], incident: IncidentFacts, profiles: Mapping[int, ClauseProfile]
) -> dict[tuple[str, str, int], list[FilingFact]]:
    """The filings that can fulfil something, per (kind, 'contract' | 'controller', id), earliest first (ties by id).
    A notice by a channel its contract (``profiles``: by contract id) does not allow fulfils nothing, nor does it
    tell the controller; after a dismissal nothing more is fulfilled."""
    found: dict[tuple[str, str, int], list[FilingFact]] = {}
    for filing in filings:
        owner, target = _target(filing)
        if target is None:
            continue
        profile = profiles.get(target) if filing.kind == "controller_notice" else None
        if profile is not None and not profile.allows(filing.channel):
            continue
        if incident.dismissed_at is not None and filing.at > incident.dismissed_at:
            continue
        found.setdefault((filing.kind, owner, target), []).append(filing)
    for candidates in found.values():
        candidates.sort(key=lambda f: (f.at, f.id))
    return found


def _fulfilling(deadline: Deadline, candidates: list[FilingFact], incident: IncidentFacts) -> FilingFact | None:
    """The earliest filing that can fulfil the duty. A duty that has not started cannot be met; a duty owed once
    the breach is established (trigger confirmed) is met only by a filing at or after it was established for its
    contract (its start): a notice given while the incident was only suspected reported a suspicion, not an
    established breach, and one given before a contract was found to be affected did not tell of that contract."""
    starts = deadline.starts_at
    if starts is None:
        return None
    if deadline.kind == "ap_notification" or deadline.trigger == "suspected":
        return candidates[0] if candidates else None
    return next((f for f in candidates if f.at >= starts), None)


def _settle(
    deadline: Deadline,
    candidates: list[FilingFact],
    incident: IncidentFacts,
    not_required: bool,
    frozen: Mapping[str, tuple[datetime | None, datetime | None]],
) -> Deadline:
    """Apply a fulfilling filing, freezing, dismissal and decisions to a freshly computed deadline.

    Freezing holds a fulfilled deadline against moving *later* (an anchor edited after the fact cannot turn a late
    filing into an on-time one); newly recorded facts that make it earlier still move it, and may make the filing
    late."""
    filing = _fulfilling(deadline, candidates, incident)
    if filing is not None:
        held = frozen.get(deadline.key)
        if held is not None and held[1] is not None and (deadline.due_at is None or held[1] < deadline.due_at):
            deadline.starts_at, deadline.due_at = held
        deadline.met_at = filing.at
        deadline.filing_id = filing.id
        deadline.met_recorded_at = filing.recorded_at
        on_time = deadline.due_at is None or filing.at <= deadline.due_at
        deadline.status = "met" if on_time else "missed"
        deadline.backdated = (
            on_time
            and deadline.due_at is not None
            and filing.recorded_at is not None
            and filing.recorded_at > deadline.due_at
        )
    elif incident.status == "dismissed":
        # A duty that was overdue when the incident was dismissed stays missed: the breach of contract happened on
        # its due date, whatever the suspicion later proved to be. One still open then has ended.
        overdue = (
            deadline.due_at is not None
            and incident.dismissed_at is not None
            and deadline.due_at < incident.dismissed_at
        )
        deadline.status = "missed" if overdue else "ended"
    elif not_required:
        deadline.status = "not_required"
    elif deadline.starts_at is None:
        deadline.status = "pending"
    else:
        deadline.status = "running"
    return deadline


def _established_notice_at(
    affected_list: list[AffectedContract],
    by_duty: Mapping[tuple[str, str, int], list[FilingFact]],
    incident: IncidentFacts,
) -> datetime | None:
    """When the processor first told the controller of the established breach: its earliest notice on any of the
    controller's contracts at or after the breach was established for that contract (a notice of the suspicion
    alone does not make the controller aware of a breach)."""
    times = [
        f.at
        for a in affected_list
        if (established := a.breach_established(incident)) is not None
        for f in by_duty.get(("controller_notice", "contract", a.contract_id), [])
        if f.at >= established
    ]
    return min(times) if times else None


def compute_deadlines(
    incident: IncidentFacts,
    contracts: Iterable[AffectedContract],
    filings: Iterable[FilingFact] = (),
    ap_decisions: Mapping[int, str] | None = None,
    frozen: Mapping[str, tuple[datetime | None, datetime | None]] | None = None,
) -> list[Deadline]:
    """Every obligation of the incident, in a stable order (contract obligations, then per controller).

    ``ap_decisions`` maps a controller id to its latest ``notify_ap`` decision; ``frozen`` maps an
    obligation key to the (starts_at, due_at) stored when it was fulfilled, which never moves later.
    """
    ap_decisions = ap_decisions or {}
    frozen = frozen or {}
    contracts = list(contracts)
    by_duty = _by_duty(filings, incident, {a.contract_id: a.profile for a in contracts})
    deadlines: list[Deadline] = []
    controllers: dict[int, list[AffectedContract]] = {}
    ap_due: dict[int, datetime | None] = {}

    limited: list[tuple[AffectedContract, ObligationRule]] = []
    for affected in contracts:
        controllers.setdefault(affected.controller_id, []).append(affected)
        for rule in affected.profile.obligations:
            if rule.kind in LIMITED_BY_AP:
                limited.append((affected, rule))  # after the controller's AP clock, which bounds it
                continue
            started_by = STARTED_BY.get(rule.kind)
            if started_by is not None:
                facts = by_duty.get((started_by, "controller", affected.controller_id))
                if not facts:
                    continue  # nothing recorded that starts it: no duty
                deadline = _contract_deadline(incident, affected, rule, facts[0].at)
            else:
                deadline = _contract_deadline(incident, affected, rule)
            filed_as = FILED_AS.get(rule.kind, rule.kind)
            candidates = by_duty.get((filed_as, "contract", affected.contract_id), [])
            deadlines.append(_settle(deadline, candidates, incident, False, frozen))

    for controller_id, affected_list in controllers.items():
        filer = next((a.profile for a in affected_list if a.profile.processor_files_with_ap), None)
        reserver = next((a.profile for a in affected_list if a.profile.ap_reserved_clause), None)
        conflict: tuple[tuple[str, str, str], ...] = ()
        basis = ""
        if filer is not None and reserver is None:
            # The processor files, for the controller; the 72 hours are the law's (AVG art. 33(1)), the delegation
            # the contract's.
            owner, clause, wording, source, basis = "processor", AP_CLAUSE, AP_WORDING, filer, filer.ap_clause
            # from the established breach of the earliest contract that has the processor file
            known = [
                t
                for a in affected_list
                if a.profile.processor_files_with_ap and (t := a.breach_established(incident)) is not None
            ]
            starts = min(known) if known else None
        else:
            # Where one contract has the processor file and another reserves it to the controller, the controller
            # owns it, and the conflict is shown with both clauses.
            source = affected_list[0].profile
            owner, clause, wording = "controller", source.ap_clause, source.ap_wording
            starts = _established_notice_at(affected_list, by_duty, incident)
            if filer is not None and reserver is not None:
                conflict = (
                    (filer.ap_clause, filer.ap_wording, "processor"),
                    (reserver.ap_reserved_clause, reserver.ap_reserved_wording, "controller"),
                )
                clause, wording = AP_CLAUSE, AP_WORDING
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
            profile_version=source.version,
            owner_basis=basis,
            owner_conflict=conflict,
        )
        candidates = by_duty.get(("ap_notification", "controller", controller_id), [])
        not_required = ap_decisions.get(controller_id) == "no"
        deadlines.append(_settle(deadline, candidates, incident, not_required, frozen))
        # the AP deadline bounds the report even after a decision not to notify: the decision does not move it
        ap_due[controller_id] = deadline.due_at

    for affected, rule in limited:
        deadline = _contract_deadline(incident, affected, rule)
        bound = ap_due.get(affected.controller_id)
        # Its outer limit is the controller's AP deadline once that clock runs; before, its own hours (72: the
        # earliest that deadline could be, as the controller cannot be told before the breach is established).
        if bound is not None and deadline.starts_at is not None and bound > deadline.starts_at:
            deadline.due_at, deadline.limited_by_ap = bound, True
        candidates = by_duty.get((rule.kind, "controller", affected.controller_id), [])
        deadlines.append(_settle(deadline, candidates, incident, False, frozen))
    return deadlines


def _contract_deadline(
    incident: IncidentFacts, affected: AffectedContract, rule: ObligationRule, started: datetime | None = None
) -> Deadline:
    if started is not None:
        starts: datetime | None = started
    elif rule.trigger == "suspected":
        # a contract found to be affected later owes its notice from awareness only from when it was added
        starts = max(incident.aware_at, affected.established_at or incident.aware_at)
    else:
        starts = affected.established(incident)
    return Deadline(
        key=obligation_key(rule.kind, affected.contract_id, affected.controller_id),
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
        profile_version=affected.profile.version,
        trigger=rule.trigger,
        norm=rule.norm,
    )


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
