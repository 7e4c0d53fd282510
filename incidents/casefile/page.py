"""The incident page's data, section by section: each controller with its contracts, deadlines, decisions and
messages; the fields each profile requires; the filings; the guards and consultations the contracts ask for; the
timeline. Read-only: it never writes."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import get_locale
from sqlalchemy import Row, select

from ..breaches.models import ACKNOWLEDGEMENT, AffectedContract, Decision, Filing, Incident, Obligation, TimelineEvent
from ..core.clock import urgency
from ..core.fields import missing_fields
from ..core.guard import profile_guard
from ..core.profiles import ClauseProfile
from ..extensions import db
from ..notices.keys import is_initial_notice
from ..notices.models import Document, OutboxMessage
from ..parties.models import Contract, Controller
from ..profiles import all_profiles

Profiles = dict[str, ClauseProfile]
Affected = list[tuple[Contract, Controller]]


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
    affected = _affected(incident)
    groups = _groups(incident, affected, profiles)
    by_id = {contract.id: contract for contract, _controller in affected}
    _add_obligations(incident, groups, by_id, profiles, now)
    _add_decisions(incident, groups)
    _add_messages(incident, groups)
    guards, consult = _guards_and_consultations(affected, profiles, str(get_locale() or "nl"))
    return {
        "groups": list(groups.values()),
        "required_by": _required_by(affected, profiles),
        "filings": _filings(incident),
        "timeline": _timeline(incident),
        "contracts_by_id": by_id,
        "guards": guards,
        "consult_contracts": consult,
        "not_notified": [
            g for g in groups.values() if not any(is_initial_notice(m.dedupe_key) for m, _d, _a in g.messages)
        ],
    }


def _affected(incident: Incident) -> Affected:
    return [
        (contract, controller)
        for contract, controller in db.session.execute(
            select(Contract, Controller)
            .join(AffectedContract, AffectedContract.contract_id == Contract.id)
            .join(Controller, Controller.id == Contract.controller_id)
            .where(AffectedContract.incident_id == incident.id)
            .order_by(Controller.name, Contract.reference)
        )
    ]


def _groups(incident: Incident, affected: Affected, profiles: Profiles) -> OrderedDict[int, ControllerGroup]:
    """One group per controller, in name order, with its contracts and the fields each contract still misses."""
    groups: OrderedDict[int, ControllerGroup] = OrderedDict()
    values = incident.fields or {}
    for contract, controller in affected:
        profile = profiles.get(contract.profile_key)
        missing = missing_fields(profile.required_fields, values) if profile else []
        groups.setdefault(controller.id, ControllerGroup(controller)).contracts.append((contract, missing))
    return groups


def _wording(
    row: Obligation, group: ControllerGroup | None, profile: ClauseProfile | None, profiles: Profiles
) -> tuple[str, str | None]:
    """The clause wording shown beside a deadline, and the rule's mode."""
    if row.kind == "ap_notification":
        # As the clock engine does: a profile where the processor files decides, else the first one.
        found = [p for p in (profiles.get(c.profile_key) for c, _ in (group.contracts if group else [])) if p]
        chosen = next((p for p in found if p.processor_files_with_ap), found[0] if found else None)
        return (chosen.ap_wording if chosen else ""), None
    rule = profile.rule(row.kind) if profile else None
    return (rule.wording if rule else ""), (rule.mode if rule else None)


def _add_obligations(
    incident: Incident,
    groups: dict[int, ControllerGroup],
    by_id: dict[int, Contract],
    profiles: Profiles,
    now: datetime,
) -> None:
    for row in db.session.scalars(
        select(Obligation)
        .where(Obligation.incident_id == incident.id)
        .order_by(Obligation.due_at.is_(None), Obligation.due_at, Obligation.id)
    ):
        group = groups.get(row.controller_id)
        if group is None:
            continue
        contract = by_id.get(row.contract_id) if row.contract_id else None
        profile = profiles.get(contract.profile_key) if contract else None
        wording, mode = _wording(row, group, profile, profiles)
        group.obligations.append(
            ObligationView(
                row,
                contract.reference if contract else None,
                contract.profile_key if contract else None,
                wording,
                urgency(row.status, row.due_at, now),
                mode,
            )
        )


def _add_decisions(incident: Incident, groups: dict[int, ControllerGroup]) -> None:
    for decision in db.session.scalars(
        select(Decision).where(Decision.incident_id == incident.id).order_by(Decision.decided_at, Decision.id)
    ):
        if decision.controller_id in groups:
            groups[decision.controller_id].decisions.append(decision)


def _add_messages(incident: Incident, groups: dict[int, ControllerGroup]) -> None:
    """Each controller's messages with their document and, once given, the receipt acknowledgement."""
    acks = {
        f.document_id: f
        for f in db.session.scalars(
            select(Filing).where(Filing.incident_id == incident.id, Filing.kind == ACKNOWLEDGEMENT)
        )
    }
    documents = {d.id: d for d in db.session.scalars(select(Document).where(Document.incident_id == incident.id))}
    for message in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.incident_id == incident.id).order_by(OutboxMessage.id)
    ):
        if message.controller_id in groups:
            document = documents.get(message.document_id) if message.document_id is not None else None
            groups[message.controller_id].messages.append((message, document, acks.get(message.document_id)))


def _required_by(affected: Affected, profiles: Profiles) -> dict[str, list[str]]:
    """For each incident field, the profiles whose contracts require it."""
    required_by: dict[str, list[str]] = {}
    for contract, _controller in affected:
        profile = profiles.get(contract.profile_key)
        if profile is None:
            continue
        for key in profile.required_fields:
            keys = required_by.setdefault(key, [])
            if profile.key not in keys:
                keys.append(profile.key)
    return required_by


def _filings(incident: Incident) -> Sequence[Row[Filing, str]]:
    return db.session.execute(
        select(Filing, Controller.name)
        .join(Controller, Controller.id == Filing.controller_id)
        .where(Filing.incident_id == incident.id)
        .order_by(Filing.at, Filing.id)
    ).all()


def _guards_and_consultations(affected: Affected, profiles: Profiles, language: str) -> tuple[list, list]:
    """The contracts that forbid the processor to inform data subjects (with the clause's guard text), and those
    whose clause asks for a consultation with the controller."""
    guards, consult = [], []
    for contract, _controller in affected:
        profile = profiles.get(contract.profile_key)
        if profile and not profile.processor_may_inform_data_subjects:
            guards.append((contract, profile_guard(profile, language)))
        if profile and profile.rule("controller_consultation"):
            consult.append(contract)
    return guards, consult


def _timeline(incident: Incident) -> list[TimelineEvent]:
    return list(
        db.session.scalars(
            select(TimelineEvent)
            .where(TimelineEvent.incident_id == incident.id)
            .order_by(TimelineEvent.at.desc(), TimelineEvent.id.desc())
        )
    )
