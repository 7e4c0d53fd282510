"""Collect the facts for an AP draft from the database: the incident, the controller, the processor's settings,
the AP clock, the filings, the severity relied on and the latest decision. Read-only."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import func, select

from ..auth.models import User
from ..authorities import OUTSIDE_EEA_WORDS, authority_names, competence_of, edpb_template
from ..breaches.assessment import latest_severity
from ..breaches.models import AffectedContract, Filing, Incident, Obligation, SeverityAssessment
from ..breaches.obligations import latest_decision
from ..breaches.profile_pins import pinned_profiles
from ..errors import N_, NotFound
from ..extensions import db
from ..notices.content import affected_contracts, controller_scope, processor_contact_point
from ..parties.models import Controller
from .compose import APFiling, DecisionFacts, Draft, DraftFacts, Severity, compose
from .edpb import EDPBDraft, compose_edpb
from .letters import LetterFacts, contact_text, instant_or_none

AP_KINDS = ("ap_notification", "ap_follow_up")


def affected_controller(incident: Incident, controller_id: int | None) -> Controller:
    """The controller, if this incident touches one of its contracts; NotFound otherwise."""
    controller = db.session.get(Controller, controller_id) if controller_id else None
    touched = controller is not None and db.session.scalar(
        select(AffectedContract.contract_id)
        .where(AffectedContract.incident_id == incident.id, AffectedContract.controller_id == controller.id)
        .limit(1)
    )
    if controller is None or not touched:
        raise NotFound(
            N_("controller %(id)s is not affected by incident %(reference)s"),
            params={"id": controller_id, "reference": incident.reference},
        )
    return controller


def _ap_clock(incident: Incident, controller: Controller) -> Obligation | None:
    return db.session.scalar(
        select(Obligation)
        .where(
            Obligation.incident_id == incident.id,
            Obligation.controller_id == controller.id,
            Obligation.kind == "ap_notification",
        )
        .limit(1)
    )


def letter_facts(incident: Incident, controller: Controller) -> LetterFacts:
    """The letter is the controller's: it heard of the breach when the processor first informed it (its earliest
    notice; None while it has not been told), it uses only its own scope, and data subjects turn to it."""
    told = db.session.scalar(
        select(func.min(Filing.at)).where(
            Filing.incident_id == incident.id, Filing.controller_id == controller.id, Filing.kind == "controller_notice"
        )
    )
    severity = latest_severity(incident.id, controller.id)
    details = incident.details or {}
    return LetterFacts(
        controller.name,
        told,
        dict(incident.fields or {}),
        tuple(severity.data_types) if severity else (),
        details.get("incident_kind"),
        processor_name=current_app.config.get("PROCESSOR_NAME", ""),
        started_at=instant_or_none(details.get("started_at")),
        ended_at=instant_or_none(details.get("ended_at")),
        scope=controller_scope(incident, controller.id),
        contact=contact_text(
            controller.subjects_contact, controller.contact_name, controller.contact_email, controller.contact_phone
        ),
        controller_address=controller.address or "",
        description=incident.description or "",
        authority=_letter_authority(controller),
    )


def _letter_authority(controller: Controller) -> tuple[str, str] | None:
    """Where the letters send data subjects with a complaint: None for the AP, ("", "") outside the EEA."""
    names = authority_names(controller)
    return ("", "") if names == OUTSIDE_EEA_WORDS else names


def _user_label(user_id: int | None) -> str | None:
    user = db.session.get(User, user_id) if user_id else None
    return user.label if user else None


def _severity(row: SeverityAssessment | None) -> Severity | None:
    if row is None:
        return None
    return Severity(
        tuple(row.data_types),
        row.confidentiality,
        row.integrity,
        row.availability,
        row.se,
        row.band,
        row.ap_severity,
        row.assessed_at,
    )


def facts_for(incident: Incident, controller: Controller) -> DraftFacts:
    contracts = affected_contracts(incident.id, controller.id)
    found = list(pinned_profiles(incident.id, [c.id for c in contracts]).values())
    clock = _ap_clock(incident, controller)
    # As the clock engine decided: the processor files only where a contract says so and no other contract of the
    # controller reserves it to the controller (then the AP clock is the controller's, with the conflict on it).
    processor_files = clock is not None and clock.owner == "processor"
    filing_profile = next((p for p in found if p.processor_files_with_ap), None) if processor_files else None
    filings = db.session.scalars(
        select(Filing)
        .where(
            Filing.incident_id == incident.id,
            Filing.controller_id == controller.id,
            Filing.kind.in_((*AP_KINDS, "data_subject_communication")),
        )
        .order_by(Filing.at, Filing.id)
    ).all()
    decision = latest_decision(incident.id, controller.id)
    relied_on = (
        db.session.get(SeverityAssessment, decision.severity_id)
        if decision and decision.severity_id
        else latest_severity(incident.id, controller.id)
    )
    settings = current_app.config
    return DraftFacts(
        incident_reference=incident.reference,
        title=incident.title,
        description=incident.description or "",
        fields=dict(incident.fields or {}),
        details=dict(incident.details or {}),
        aware_at=incident.aware_at,
        confirmed_at=incident.confirmed_at,
        controller_name=controller.name,
        controller_kvk=controller.kvk,
        controller_contact_name=controller.contact_name or "",
        controller_contact_email=controller.contact_email,
        filer="processor" if filing_profile else "controller",
        ap_clause=f"{filing_profile.source}, {filing_profile.ap_clause}" if filing_profile else "",
        processor_name=settings["PROCESSOR_NAME"],
        processor_contact=settings["PROCESSOR_CONTACT"],
        legal_basis=controller.legal_basis or settings.get("AP_LEGAL_BASIS", "AVG"),
        contract_references=[c.reference for c in contracts],
        ap_starts_at=clock.starts_at if clock else None,
        ap_due_at=clock.due_at if clock else None,
        ap_status=clock.status if clock else None,
        ap_filings=[
            APFiling(f.kind, f.at, f.reference or "", (f.details or {}).get("follow_up"))
            for f in filings
            if f.kind in AP_KINDS
        ],
        severity=_severity(relied_on),
        decision=DecisionFacts(
            decision.notify_ap,
            decision.reason,
            decision.inform_subjects,
            decision.subjects_ground,
            decision.decided_at,
            decision.maker_name,
            decision.maker_function,
            decision.maker_via,
            decision.decided_by_id,
            _user_label(decision.decided_by_id),
        )
        if decision
        else None,
        subject_communications=[
            (f.at, f.channel or "other") for f in filings if f.kind == "data_subject_communication"
        ],
        scope=controller_scope(incident, controller.id),
        controller_address=controller.address or "",
        controller_sector=controller.sector or "",
        controller_dpo_registration=controller.dpo_registration or "",
        controller_joint=controller.joint_controllers or "",
        controller_contact_function=controller.contact_function or "",
        controller_contact_phone=controller.contact_phone or "",
        processor_contact_point=processor_contact_point(settings),
        controller_country=controller.country,
        controller_main_establishment=controller.main_establishment,
        competence=competence_of(controller),
    )


def draft_for(incident: Incident, controller: Controller, now: datetime, language: str = "nl") -> Draft:
    return compose(facts_for(incident, controller), now, language)


def edpb_draft_for(incident: Incident, controller: Controller, now: datetime, language: str = "nl") -> EDPBDraft:
    """The draft in the EDPB common template, from the same facts as the AP draft: the controller's own."""
    return compose_edpb(edpb_template(), facts_for(incident, controller), now, language)
