"""JSON shapes of the API. Add fields freely; never rename or remove one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from ..authorities import competence_of
from ..breaches.channels import channel_refusal, contract_profile
from ..breaches.models import AffectedContract, Decision, Filing, Incident, Obligation, SeverityAssessment
from ..breaches.profile_pins import incident_profiles
from ..breaches.scope import scopes_of
from ..core.clock import effective_status
from ..core.fields import missing_fields
from ..core.instants import iso_z
from ..core.scope import INCIDENT_WIDE_DETAILS, totals
from ..extensions import db
from ..parties.models import Contract, Controller, SubProcessor
from ..profiles import all_profiles


def controller_json(c: Controller) -> dict:
    return {
        "id": c.id,
        "name": c.name,
        "kvk": c.kvk,
        "contact_name": c.contact_name,
        "contact_email": c.contact_email,
        "language": c.language,
        "created_at": iso_z(c.created_at),
        "contact_function": c.contact_function,
        "contact_phone": c.contact_phone,
        "address": c.address,
        "sector": c.sector,
        "dpo_registration": c.dpo_registration,
        "legal_basis": c.legal_basis,
        "joint_controllers": c.joint_controllers,
        "subjects_contact": c.subjects_contact,
        "country": c.country,
        "main_establishment": c.main_establishment,
        "authority": _authority(c),
        "is_processor": c.is_processor,
    }


def _authority(c: Controller) -> dict | None:
    """The competent authority, or null for a controller outside the EEA (no lead authority: never one picked)."""
    found = competence_of(c).authority
    return found.as_dict() if found else None


def contract_json(c: Contract) -> dict:
    return {
        "id": c.id,
        "controller_id": c.controller_id,
        "profile": c.profile_key,
        "reference": c.reference,
        "services": c.services,
        "data_categories": c.data_categories,
        "breach_contact_name": c.breach_contact_name,
        "breach_contact_email": c.breach_contact_email,
        "created_at": iso_z(c.created_at),
    }


def incident_summary(i: Incident) -> dict:
    return {
        "id": i.id,
        "reference": i.reference,
        "title": i.title,
        "status": i.status,
        "aware_at": iso_z(i.aware_at),
        "confirmed_at": iso_z(i.confirmed_at),
        "dismissed_at": iso_z(i.dismissed_at),
        "created_at": iso_z(i.created_at),
        "updated_at": iso_z(i.updated_at),
    }


def reporter_json(i: Incident) -> dict:
    """Who reported the incident to the processor and when it was informed (null: not recorded)."""
    found = db.session.get(SubProcessor, i.sub_processor_id) if i.sub_processor_id else None
    name = found.name if found is not None else None
    return {
        "reporter_kind": i.reported_by_kind,
        "reporter_name": i.reported_by_name,
        "sub_processor_id": i.sub_processor_id,
        "sub_processor_name": name,
        "sub_processor_aware_at": iso_z(i.sub_processor_aware_at),
        "informed_at": iso_z(i.informed_at),
    }


def incident_json(i: Incident, controller_id: int | None = None) -> dict:
    query = (
        select(
            Contract.id,
            Contract.reference,
            Contract.controller_id,
            Contract.profile_key,
            Controller.name,
            AffectedContract.withdrawn_at,
            AffectedContract.withdrawn_reason,
            AffectedContract.established_at,
        )
        .join(AffectedContract, AffectedContract.contract_id == Contract.id)
        .join(Controller, Controller.id == Contract.controller_id)
        .where(AffectedContract.incident_id == i.id)
        .order_by(Contract.id)
    )
    if controller_id is not None:  # a controller user sees only their own contracts, not the other customers
        query = query.where(AffectedContract.controller_id == controller_id)
    contracts = db.session.execute(query)
    profiles = {**all_profiles(), **incident_profiles(i.id, controller_id)}  # the pinned versions over the loaded
    contract_rows = contracts.all()
    values = i.fields or {}
    completeness = []
    for cid, ref, _ctl, prof, _name, withdrawn_at, _why, _established in contract_rows:
        if withdrawn_at is not None:
            continue  # withdrawn by a correction: it asks for no facts
        required = list(profiles[prof].required_fields) if prof in profiles else []
        missing = missing_fields(required, values)
        completeness.append(
            {
                "contract_id": cid,
                "reference": ref,
                "profile": prof,
                "required": required,
                "missing": missing,
                "complete": not missing,
            }
        )
    scopes = scopes_of(i.id)
    details = dict(i.details or {})
    if controller_id is None:
        affected_ids = sorted({row[2] for row in contract_rows})
        extra: dict = {"internal_note": i.internal_note, "totals": totals(scopes.get(c, {}) for c in affected_ids)}
    else:
        # A controller sees its own scope and the shared facts; never the incident-wide figures, which hold the
        # other controllers' numbers, nor the processor's internal note.
        affected_ids, extra = [controller_id], {}
        details = {k: v for k, v in details.items() if k not in INCIDENT_WIDE_DETAILS}
    return {
        **incident_summary(i),
        "description": i.description,
        "dismiss_reason": i.dismiss_reason,
        "authority_action_at": iso_z(i.authority_action_at),
        **reporter_json(i),
        "fields": dict(i.fields or {}),
        "details": details,
        "scopes": [{"controller_id": ctl, **scopes.get(ctl, {})} for ctl in affected_ids],
        **extra,
        "contracts": [
            {
                "id": cid,
                "reference": ref,
                "controller_id": ctl,
                "profile": prof,
                "controller_name": name,
                "withdrawn_at": iso_z(withdrawn_at),
                "withdrawn_reason": why,
                "established_at": iso_z(established_at),
            }
            for cid, ref, ctl, prof, name, withdrawn_at, why, established_at in contract_rows
        ],
        "completeness": completeness,
    }


DEADLINE_COLUMNS = (
    Obligation.kind,
    Obligation.contract_id,
    Obligation.controller_id,
    Obligation.owner,
    Obligation.clause,
    Obligation.status,
    Obligation.starts_at,
    Obligation.due_at,
    Obligation.met_at,
    Obligation.hours,
    Obligation.filing_id,
    Obligation.met_recorded_at,
    Obligation.backdated,
    Obligation.profile_version,
    Obligation.norm,
    Obligation.limited_by_ap,
    Obligation.owner_basis,
    Obligation.owner_conflict,
)


def deadlines_json(incident_id: int, now: datetime, controller_id: int | None = None) -> list[dict]:
    query = select(*DEADLINE_COLUMNS).where(Obligation.incident_id == incident_id).order_by(Obligation.id)
    if controller_id is not None:
        query = query.where(Obligation.controller_id == controller_id)
    rows = db.session.execute(query)
    return [
        {
            "kind": row.kind,
            "contract_id": row.contract_id,
            "controller_id": row.controller_id,
            "owner": row.owner,
            "clause": row.clause,
            "status": effective_status(row.status, row.due_at, now),
            "starts_at": iso_z(row.starts_at),
            "due_at": iso_z(row.due_at),
            "met_at": iso_z(row.met_at),
            "hours": row.hours,
            "filing_id": row.filing_id,
            "met_recorded_at": iso_z(row.met_recorded_at),
            "backdated": bool(row.backdated),
            "profile_version": row.profile_version or None,
            "norm": row.norm,
            "limited_by_ap": bool(row.limited_by_ap),
            "owner_basis": row.owner_basis or None,
            "owner_conflict": row.owner_conflict or [],
        }
        for row in rows
    ]


def filing_json(f: Filing) -> dict:
    return {
        "id": f.id,
        "incident_id": f.incident_id,
        "kind": f.kind,
        "contract_id": f.contract_id,
        "controller_id": f.controller_id,
        "at": iso_z(f.at),
        "channel": f.channel,
        "reference": f.reference,
        "note": f.note,
        "recorded_by": f.recorded_by_id,
        "recorded_at": iso_z(f.recorded_at),
        "follow_up": (f.details or {}).get("follow_up"),
        **_fulfils(f),
    }


def _fulfils(f: Filing) -> dict:
    reason = channel_refusal(f, contract_profile(f)) if f.kind == "controller_notice" else None
    return {"fulfils": reason is None, "reason": reason}


def decision_json(d: Decision) -> dict:
    severity = db.session.get(SeverityAssessment, d.severity_id) if d.severity_id else None
    return {
        "id": d.id,
        "incident_id": d.incident_id,
        "controller_id": d.controller_id,
        "notify_ap": d.notify_ap,
        "reason": d.reason,
        "decided_by": d.decided_by_id,
        "decided_at": iso_z(d.decided_at),
        "inform_data_subjects": d.inform_subjects,
        "data_subjects_ground": d.subjects_ground,
        "processor_informs": bool(d.processor_informs),
        "decision_maker": None
        if d.maker_name is None
        else {"name": d.maker_name, "function": d.maker_function, "via": d.maker_via},
        "severity": None
        if severity is None
        else {
            "id": severity.id,
            "se": severity.se,
            "band": severity.band,
            "ap_severity": severity.ap_severity,
            "assessed_at": iso_z(severity.assessed_at),
        },
    }


def count(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
