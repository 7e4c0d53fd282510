"""Assemble a document's content from the database (what the renderer needs, nothing more)."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import select

from ..breaches.models import AffectedContract, Incident, Obligation
from ..core.fields import FIELD_KEYS, label
from ..core.instants import add_elapsed_hours
from ..core.profiles import AP_HOURS
from ..extensions import db
from ..parties.models import Contract, Controller
from ..profiles import all_profiles
from .render import APClock, ContractClause, FieldValue, NoticeContent


def affected_contracts(incident_id: int, controller_id: int) -> list[Contract]:
    return list(db.session.scalars(
        select(Contract).join(AffectedContract, AffectedContract.contract_id == Contract.id)
        .where(AffectedContract.incident_id == incident_id, AffectedContract.controller_id == controller_id)
        .order_by(Contract.reference)
    ))


def _ap_clock(incident: Incident, controller_id: int, issued_at: datetime) -> APClock:
    row = db.session.execute(
        select(Obligation.owner, Obligation.starts_at, Obligation.due_at, Obligation.clause).where(
            Obligation.incident_id == incident.id, Obligation.kind == "ap_notification",
            Obligation.controller_id == controller_id)
    ).first()
    owner, starts, due, clause = row if row else ("controller", None, None, "")
    if owner == "controller" and starts is None and incident.confirmed_at is not None:
        # Not yet started: it starts when this notice reaches the controller, i.e. about now.
        starts = max(incident.confirmed_at, issued_at)
        due = add_elapsed_hours(starts, AP_HOURS)
    return APClock(owner, starts, due, clause)


def build(incident: Incident, controller: Controller, *, kind: str, version: str | None, sequence: int,
          issued_at: datetime, next_update: str = "", report_sections: list[tuple[str, str]] | None = None,
          ack_url: str | None = None) -> NoticeContent:
    profiles = all_profiles()
    language = controller.language
    contracts = affected_contracts(incident.id, controller.id)
    clauses, required = [], set()
    for contract in contracts:
        profile = profiles[contract.profile_key]
        rule = profile.rule("controller_notice")
        clauses.append(ContractClause(contract.reference, profile.title, profile.source, rule.clause, rule.wording))
        required.update(profile.required_fields)
    values = incident.fields or {}
    fields = [FieldValue(key, label(key, language), values.get(key) or None, key in required)
              for key in FIELD_KEYS if key in required or values.get(key)]
    config = current_app.config
    return NoticeContent(
        language=language, kind=kind, version=version, sequence=sequence,
        processor_name=config["PROCESSOR_NAME"], processor_contact=config["PROCESSOR_CONTACT"],
        controller_name=controller.name, controller_kvk=controller.kvk, controller_contact=controller.contact_name,
        controller_email=controller.contact_email, incident_reference=incident.reference,
        incident_title=incident.title, description=incident.description, aware_at=incident.aware_at,
        confirmed_at=incident.confirmed_at, contracts=clauses, fields=fields,
        contact_point=values.get("contact_point") or config["PROCESSOR_CONTACT"],
        ap_clock=_ap_clock(incident, controller.id, issued_at), issued_at=issued_at, next_update=next_update,
        report_sections=report_sections or [], ack_url=ack_url,
    )
