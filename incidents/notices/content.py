"""Assemble a document's content from the database (what the renderer needs, nothing more).

Everything addressed to one controller is made from that controller's own scope, the incident's shared facts
(title, description, fields, details) and the processor's settings; never from another controller's scope, the
incident-wide totals or the processor's internal note."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import cast

from flask import current_app
from sqlalchemy import select

from ..authorities import competence_of
from ..breaches.assessment import latest_severity
from ..breaches.models import AffectedContract, Filing, Incident, Obligation
from ..breaches.profile_pins import pinned_profiles
from ..breaches.scope import scope_of
from ..core.ap_options import natures, option
from ..core.fields import FIELD_KEYS, label
from ..core.instants import add_elapsed_hours, format_local, parse_instant
from ..core.profiles import AP_HOURS, ObligationRule
from ..core.scope import INCIDENT_WIDE_DETAILS, records, subjects
from ..core.scope_words import category_list, group_list, range_text, scope_rows
from ..extensions import db
from ..parties.models import Contract, Controller
from ..record.service import heads as record_heads
from .recipients import addressees
from .render import APClock, AuthorityFacts, ContractClause, FieldValue, NoticeContent

DETAIL_LABELS = {
    "incident_kind": ("Soort incident", "Kind of incident"),
    "period": ("Periode van de inbreuk", "Period of the breach"),
    "discovery": ("Hoe ontdekt", "How it was discovered"),
    "protection": (
        "Waren de gegevens versleuteld of anderszins onbegrijpelijk?",
        "Were the data encrypted or otherwise unintelligible?",
    ),
    "cross_border": ("Betrokkenen in andere landen", "Data subjects in other countries"),
    "reported_by": ("Gemeld door", "Reported by"),
    "recovery": ("Herstel van de gegevens", "Recovery of the data"),
}
PERIOD = {
    "nl": ("van {start} tot {end}", "vanaf {start}, nog niet beëindigd"),
    "en": ("from {start} to {end}", "from {start}, not yet ended"),
}
CATEGORY_WORDS = {"nl": ("Soorten", "Bijzondere persoonsgegevens"), "en": ("Kinds", "Special categories")}
NUMBER_WORDS = {"nl": "Aantal", "en": "Number"}


def affected_contracts(incident_id: int, controller_id: int) -> list[Contract]:
    """The controller's contracts in the incident, without those withdrawn by a correction (breaches/removal.py)."""
    return list(
        db.session.scalars(
            select(Contract)
            .join(AffectedContract, AffectedContract.contract_id == Contract.id)
            .where(
                AffectedContract.incident_id == incident_id,
                AffectedContract.controller_id == controller_id,
                AffectedContract.withdrawn_at.is_(None),
            )
            .order_by(Contract.reference)
        )
    )


def only_controller(incident_id: int, controller_id: int) -> bool:
    """The incident affects this controller and no other."""
    others = db.session.scalar(
        select(AffectedContract.controller_id)
        .where(AffectedContract.incident_id == incident_id, AffectedContract.controller_id != controller_id)
        .limit(1)
    )
    return others is None


def controller_scope(incident: Incident, controller_id: int) -> dict:
    """The controller's own scope; where it has no number or groups of its own and the incident affects only this
    controller, the incident's details are its own and fill the gap."""
    scope = scope_of(incident.id, controller_id)
    details = incident.details or {}
    if only_controller(incident.id, controller_id):
        for key in INCIDENT_WIDE_DETAILS:
            if key not in scope and key in details:
                scope[key] = details[key]
    return scope


def processor_contact_point(config: Mapping) -> str:
    """The processor's contact point: a name, a function and how to reach them (AVG art. 33 lid 3 sub b)."""
    name = config.get("PROCESSOR_CONTACT_NAME") or ""
    function = config.get("PROCESSOR_CONTACT_FUNCTION") or ""
    who = f"{name} ({function})" if name and function and function not in name else name or function
    return " · ".join(p for p in (who, config.get("PROCESSOR_CONTACT"), config.get("PROCESSOR_CONTACT_PHONE")) if p)


# What a notice made now reports, by the incident's status.
STAGES = {"suspected": "suspected", "confirmed": "established", "closed": "established", "dismissed": "unfounded"}


def authority_facts(controller: Controller, language: str) -> AuthorityFacts | None:
    """The controller's competent authority as a document names it; None outside the EEA (no lead authority)."""
    competence = competence_of(controller)
    found = competence.authority
    if found is None:
        return None
    note = found.note_en if language == "en" else found.note
    return AuthorityFacts(found.label(language), found.short_name, found.url, competence.lead, note)


def _ap_clock(incident: Incident, controller_id: int, issued_at: datetime, authority: AuthorityFacts | None) -> APClock:
    row = db.session.execute(
        select(Obligation.owner, Obligation.starts_at, Obligation.due_at, Obligation.clause).where(
            Obligation.incident_id == incident.id,
            Obligation.kind == "ap_notification",
            Obligation.controller_id == controller_id,
        )
    ).first()
    owner, starts, due, clause = row if row else ("controller", None, None, "")
    if owner == "controller" and starts is None and incident.confirmed_at is not None:
        # Not yet started: it starts when this notice reaches the controller, i.e. about now.
        starts = max(incident.confirmed_at, issued_at)
        due = add_elapsed_hours(starts, AP_HOURS)
    return APClock(owner, starts, due, clause, authority)


def _join(*parts: str | None) -> str | None:
    return "\n".join(p for p in parts if p) or None


def field_values(fields: Mapping[str, str], scope: Mapping, language: str, contact_point: str) -> dict[str, str]:
    """The contract fields for one controller: the shared text, completed with that controller's own figures.
    A recorded figure is never left out, so a field is 'unknown' only when nothing at all is recorded for it."""
    kinds, special = CATEGORY_WORDS["en" if language == "en" else "nl"]
    categories = category_list(scope.get("data_categories") or (), language)
    specials = category_list(scope.get("special_categories") or (), language)
    number = range_text(subjects(scope), language)
    values = {key: fields.get(key) or "" for key in FIELD_KEYS}
    values["affected_data"] = (
        _join(
            fields.get("affected_data"), categories and f"{kinds}: {categories}", specials and f"{special}: {specials}"
        )
        or ""
    )
    groups = group_list(scope.get("subject_groups") or (), language)
    values["data_subjects"] = (
        _join(
            fields.get("data_subjects"),
            groups,
            number and f"{NUMBER_WORDS['en' if language == 'en' else 'nl']}: {number}",
        )
        or ""
    )
    values["records"] = _join(range_text(records(scope), language), fields.get("records")) or ""
    values["contact_point"] = fields.get("contact_point") or contact_point
    return {k: v for k, v in values.items() if v}


def detail_rows(details: Mapping, language: str) -> list[tuple[str, str]]:
    """Every recorded AP-form detail the incident shares with all its controllers, as (label, value) rows."""
    lang = "en" if language == "en" else "nl"
    index = 1 if lang == "en" else 0
    rows: list[tuple[str, str]] = []
    if "incident_kind" in details:
        rows.append((DETAIL_LABELS["incident_kind"][index], option("incident_kind", details["incident_kind"], lang)))
    if "started_at" in details:
        start = format_local(parse_instant(details["started_at"]))
        if "ended_at" in details:
            period = PERIOD[lang][0].format(start=start, end=format_local(parse_instant(details["ended_at"])))
        else:
            period = PERIOD[lang][1].format(start=start)
        rows.append((DETAIL_LABELS["period"][index], period))
    if details.get("discovery"):
        rows.append((DETAIL_LABELS["discovery"][index], details["discovery"]))
    if "protection" in details:
        rows.append((DETAIL_LABELS["protection"][index], option("protection", details["protection"], lang)))
    if "cross_border" in details:
        rows.append((DETAIL_LABELS["cross_border"][index], option("cross_border", details["cross_border"], lang)))
    if details.get("reported_by") or details.get("reporter_kind"):
        kind = option("reporter_kind", details["reporter_kind"], lang) if details.get("reporter_kind") else None
        rows.append(
            (DETAIL_LABELS["reported_by"][index], " · ".join(p for p in (kind, details.get("reported_by")) if p))
        )
    if details.get("recovery"):
        rows.append((DETAIL_LABELS["recovery"][index], details["recovery"]))
    return rows


def own_rows(scope: Mapping, language: str) -> list[tuple[str, str]]:
    """What only this controller's scope adds beyond the contract fields: its countries and the note for it."""
    shown = {k: scope[k] for k in ("countries", "note") if k in scope}
    return scope_rows(shown, language)


def build(  # noqa: PLR0913 (keyword-only: each call names what it passes)
    incident: Incident,
    controller: Controller,
    *,
    kind: str,
    version: str | None,
    sequence: int,
    issued_at: datetime,
    next_update: str = "",
    report_sections: list[tuple[str, str]] | None = None,
    ack_url: str | None = None,
) -> NoticeContent:
    language = controller.language
    contracts = affected_contracts(incident.id, controller.id)
    profiles = pinned_profiles(incident.id, [c.id for c in contracts])
    clauses: list[ContractClause] = []
    required: set[str] = set()
    for contract in contracts:
        profile = profiles[contract.id]
        # A notice of a suspicion answers the clause owed from awareness where the contract has one (Citodent 6.2,
        # Doctolib 3.2); otherwise, and once the breach is established, the notice clause.
        early = profile.rule("awareness_notice") if incident.status == "suspected" else None
        rule = early or cast(ObligationRule, profile.rule("controller_notice"))  # every profile has one
        clauses.append(
            ContractClause(
                contract.reference, profile.title, profile.source, rule.clause, rule.wording, profile.paraphrase
            )
        )
        required.update(profile.required_fields)
    config = current_app.config
    contact_point = processor_contact_point(config)
    scope = controller_scope(incident, controller.id)
    values = field_values(incident.fields or {}, scope, language, contact_point)
    severity = latest_severity(incident.id, controller.id)
    if "nature" not in values and severity is not None:
        # Recorded by the severity assessment: never "not yet known" (the AP draft's 5.1 says the same).
        found = natures(severity.confidentiality, severity.integrity, severity.availability, language)
        if found:
            values["nature"] = "; ".join(found)
    fields = [
        FieldValue(key, label(key, language), values.get(key), key in required)
        for key in FIELD_KEYS
        if key in required or values.get(key)
    ]
    # the contracts' own breach contacts (BOZ Bijlage 3) where they name one, otherwise the controller's; the greeting
    # names the one person addressed (several: the organisation)
    people = addressees(incident.id, controller)
    greeted = people[0][0] if len(people) == 1 else ""
    return NoticeContent(
        language=language,
        kind=kind,
        version=version,
        sequence=sequence,
        processor_name=config["PROCESSOR_NAME"],
        processor_contact=config["PROCESSOR_CONTACT"],
        controller_name=controller.name,
        controller_kvk=controller.kvk,
        # the contracts' own breach contacts (BOZ Bijlage 3) where they name one, otherwise the controller's
        controller_contact=greeted,
        controller_email=", ".join(email for _name, email in people),
        addressed_to="; ".join(f"{name} <{email}>".strip() for name, email in people),
        incident_reference=incident.reference,
        incident_title=incident.title,
        description=incident.description,
        aware_at=incident.aware_at,
        confirmed_at=incident.confirmed_at,
        contracts=clauses,
        fields=fields,
        contact_point=contact_point,
        ap_clock=_ap_clock(incident, controller.id, issued_at, authority_facts(controller, language)),
        issued_at=issued_at,
        next_update=next_update,
        report_sections=report_sections or [],
        ack_url=ack_url,
        details=detail_rows(incident.details or {}, language),
        authority_contacts=_authority_contacts(incident, controller.id),
        record_heads=record_heads(),
        scope=own_rows(scope, language),
        stage=STAGES.get(incident.status, "established"),
        dismissed_at=incident.dismissed_at,
        dismiss_reason=incident.dismiss_reason or "",
        is_processor=controller.is_processor,
        sub_processor_report=_sub_processor_report(incident),
    )


def _sub_processor_report(incident: Incident) -> tuple[str, datetime, datetime | None] | None:
    """Reported to us by one of our sub-processors: its name, when it informed us, when it became aware itself."""
    if incident.reported_by_kind != "sub_processor" or incident.sub_processor is None:
        return None
    return incident.sub_processor.name, incident.informed_at or incident.aware_at, incident.sub_processor_aware_at


def _authority_contacts(incident: Incident, controller_id: int) -> list[tuple[str, str]]:
    """This controller's recorded contacts with authorities other than the AP (BOZ 5.7, Doctolib 7.2, Addendum 6.2):
    a notice after one tells of it, which is what fulfils the duty to keep the controller informed."""
    rows = db.session.execute(
        select(Filing.at, Filing.note, Filing.reference)
        .where(
            Filing.incident_id == incident.id,
            Filing.controller_id == controller_id,
            Filing.kind == "authority_contact",
        )
        .order_by(Filing.at, Filing.id)
    )
    return [(format_local(at), f"{note} ({reference})" if reference else (note or "")) for at, note, reference in rows]
