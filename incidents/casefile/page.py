"""The incident page's data (bounded: the fields each profile requires, the latest filings and timeline) and one
controller's page (its contracts, deadlines, decisions and messages, the guards and consultations its contracts ask
for). The controller list itself is in roster.py. Read-only: it never writes."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import get_locale
from sqlalchemy import Row, func, select

from ..breaches.channels import channel_refusal
from ..breaches.models import ACKNOWLEDGEMENT, AffectedContract, Decision, Filing, Incident, Obligation, TimelineEvent
from ..breaches.profile_pins import incident_profiles
from ..core.clock import urgency
from ..core.fields import missing_fields
from ..core.guard import profile_guard
from ..core.profiles import ClauseProfile
from ..extensions import db
from ..notices.forwards import forwards_of, onward_duty
from ..notices.keys import is_initial_notice
from ..notices.models import Document, OutboxMessage
from ..parties.models import Contract, Controller
from ..profiles import all_profiles
from ..regimes.overview import regime_overview

Profiles = dict[str, ClauseProfile]
LATEST = 30  # filings and timeline entries shown on the incident page; the rest one click away
Affected = list[tuple[Contract, Controller]]


@dataclass
class ObligationView:
    row: Obligation
    contract_reference: str | None
    profile_key: str | None
    wording: str
    urgency: str
    mode: str | None = None
    paraphrase: bool = False  # the profile holds the clause's gist, not its words


@dataclass
class ControllerGroup:
    controller: Controller
    obligations: list[ObligationView] = field(default_factory=list)
    contracts: list[tuple[Contract, list[str]]] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    messages: list = field(default_factory=list)  # (OutboxMessage, Document, acknowledgement Filing | None)


def incident_page(incident: Incident, now: datetime) -> dict:
    """What the incident page shows besides the controller list (roster.py): the fields each profile requires, the
    latest filings and timeline entries with their totals. Bounded whatever the number of contracts."""
    profiles = incident_profiles(incident.id)  # the versions its deadlines count from
    keys = list(profiles)
    return {
        "required_by": _required_by_profiles([profiles[k] for k in sorted(keys) if k in profiles]),
        "missing_by_profile": _missing_by_profile(incident, [profiles[k] for k in sorted(keys) if k in profiles]),
        "filings": _filings(incident, limit=LATEST),
        "filings_total": _count(Filing, incident),
        "timeline": _timeline(incident, limit=LATEST),
        "timeline_total": _count(TimelineEvent, incident),
        "mail_problems": _mail_problems(incident),
        "regimes": regime_overview(incident, now),
    }


def _mail_problems(incident: Incident, limit: int = 20) -> Sequence[Row]:
    """Messages that could not be delivered yet (retrying) or at all (failed), with their controller's name."""
    return db.session.execute(
        select(OutboxMessage, Controller.name)
        .join(Controller, Controller.id == OutboxMessage.controller_id)
        .where(OutboxMessage.incident_id == incident.id, OutboxMessage.status.in_(("retrying", "failed")))
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()


def controller_page(incident: Incident, controller: Controller, now: datetime) -> dict:
    """Everything about one controller of the incident: its contracts and what each still misses, its deadlines,
    decisions and messages, its filings, the guards and consultations its contracts ask for."""
    # the loaded profiles, with the versions this controller's contracts are held to in this incident over them
    profiles = {**all_profiles(), **incident_profiles(incident.id, controller.id)}
    affected = _affected(incident, controller.id)
    groups = _groups(incident, affected, profiles)
    by_id = {contract.id: contract for contract, _controller in affected}
    _add_obligations(incident, groups, by_id, profiles, now, controller.id)
    _add_decisions(incident, groups, controller.id)
    _add_messages(incident, groups, controller.id)
    guards, consult = _guards_and_consultations(affected, profiles, str(get_locale() or "nl"))
    group = groups.get(controller.id) or ControllerGroup(controller)
    return {
        "group": group,
        "groups": [group],
        "required_by": _required_by(affected, profiles),
        "filings": (filings := _filings(incident, controller_id=controller.id)),
        # why a notice fulfils nothing (a channel its contract does not allow), by filing id, in the page's language
        "refusals": _refusals(filings, by_id, profiles),
        "contracts_by_id": by_id,
        "guards": guards,
        "consult_contracts": consult,
        "notified": any(is_initial_notice(m.dedupe_key) for m, _d, _a in group.messages),
        # a controller that is itself a processor: its own onward duty (AVG art. 33 lid 2) and its forwards
        "onward": onward_duty(incident.id, controller.id) if controller.is_processor else None,
        "forwards": forwards_of(incident.id, controller.id) if controller.is_processor else [],
    }


def _refusals(filings: Sequence[Row], contracts: dict[int, Contract], profiles: Profiles) -> dict[int, str]:
    """Why a notice fulfils nothing (a channel its contract does not allow), by filing id, in the page's language;
    the contracts and profiles are the page's own, so no filing costs a query."""
    language = "en" if str(get_locale()) == "en" else "nl"
    found = {}
    for row in filings:
        filing = row[0]
        contract = contracts.get(filing.contract_id) if filing.contract_id else None
        reason = channel_refusal(filing, profiles.get(contract.profile_key) if contract else None, language)
        if reason is not None:
            found[filing.id] = reason
    return found


def _count(model, incident: Incident) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model).where(model.incident_id == incident.id)) or 0)


def _required_by_profiles(profiles: list[ClauseProfile]) -> dict[str, list[str]]:
    required_by: dict[str, list[str]] = {}
    for profile in profiles:
        for key in profile.required_fields:
            required_by.setdefault(key, []).append(profile.key)
    return required_by


def _missing_by_profile(incident: Incident, profiles: list[ClauseProfile]) -> list[tuple[str, list[str]]]:
    """For each profile of the incident's contracts, the fields it requires that are still empty."""
    values = incident.fields or {}
    return [(p.key, missing) for p in profiles if (missing := missing_fields(p.required_fields, values))]


def _affected(incident: Incident, controller_id: int) -> Affected:
    return [
        (contract, controller)
        for contract, controller in db.session.execute(
            select(Contract, Controller)
            .join(AffectedContract, AffectedContract.contract_id == Contract.id)
            .join(Controller, Controller.id == Contract.controller_id)
            .where(AffectedContract.incident_id == incident.id, AffectedContract.controller_id == controller_id)
            .order_by(Contract.reference)
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
    """The clause wording shown beside a deadline (the words it was computed from, stored with it; the profile's for a
    deadline stored before they were kept), and the rule's mode."""
    rule = profile.rule(row.kind) if profile else None
    if row.wording:
        return row.wording, (rule.mode if rule else None)
    if row.kind == "ap_notification":
        # As the clock engine does: a profile where the processor files decides, else the first one.
        found = [p for p in (profiles.get(c.profile_key) for c, _ in (group.contracts if group else [])) if p]
        chosen = next((p for p in found if p.processor_files_with_ap), found[0] if found else None)
        return (chosen.ap_wording if chosen else ""), None
    return (rule.wording if rule else ""), (rule.mode if rule else None)


def _add_obligations(
    incident: Incident,
    groups: dict[int, ControllerGroup],
    by_id: dict[int, Contract],
    profiles: Profiles,
    now: datetime,
    controller_id: int,
) -> None:
    for row in db.session.scalars(
        select(Obligation)
        .where(Obligation.incident_id == incident.id, Obligation.controller_id == controller_id)
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
                bool(profile and profile.paraphrase),
            )
        )


def _add_decisions(incident: Incident, groups: dict[int, ControllerGroup], controller_id: int) -> None:
    for decision in db.session.scalars(
        select(Decision)
        .where(Decision.incident_id == incident.id, Decision.controller_id == controller_id)
        .order_by(Decision.decided_at, Decision.id)
    ):
        if decision.controller_id in groups:
            groups[decision.controller_id].decisions.append(decision)


def _add_messages(incident: Incident, groups: dict[int, ControllerGroup], controller_id: int) -> None:
    """Each controller's messages with their document and, once given, the receipt acknowledgement."""
    acks = {
        f.document_id: f
        for f in db.session.scalars(
            select(Filing).where(
                Filing.incident_id == incident.id,
                Filing.controller_id == controller_id,
                Filing.kind == ACKNOWLEDGEMENT,
            )
        )
    }
    documents = {
        d.id: d
        for d in db.session.scalars(
            select(Document).where(Document.incident_id == incident.id, Document.controller_id == controller_id)
        )
    }
    for message in db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.incident_id == incident.id, OutboxMessage.controller_id == controller_id)
        .order_by(OutboxMessage.id)
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


def _filings(incident: Incident, *, controller_id: int | None = None, limit: int | None = None) -> Sequence[Row]:
    """The filings (newest first when limited), with the controller's name and the contract's reference."""
    query = (
        select(Filing, Controller.name, Contract.reference)
        .join(Controller, Controller.id == Filing.controller_id)
        .outerjoin(Contract, Contract.id == Filing.contract_id)
        .where(Filing.incident_id == incident.id)
    )
    if controller_id is not None:
        query = query.where(Filing.controller_id == controller_id)
    if limit is not None:
        query = query.order_by(Filing.at.desc(), Filing.id.desc()).limit(limit)
    else:
        query = query.order_by(Filing.at, Filing.id)
    return db.session.execute(query).all()


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


def _timeline(incident: Incident, limit: int | None = None, offset: int = 0) -> list[TimelineEvent]:
    query = (
        select(TimelineEvent)
        .where(TimelineEvent.incident_id == incident.id)
        .order_by(TimelineEvent.at.desc(), TimelineEvent.id.desc())
        .offset(offset)
    )
    return list(db.session.scalars(query.limit(limit) if limit is not None else query))


def timeline_page(incident: Incident, page: int, per_page: int = 200) -> tuple[list[TimelineEvent], int]:
    """One page of the whole timeline, newest first, and the number of pages."""
    pages = max(1, -(-_count(TimelineEvent, incident) // per_page))
    page = min(max(page, 1), pages)
    return _timeline(incident, per_page, (page - 1) * per_page), pages
