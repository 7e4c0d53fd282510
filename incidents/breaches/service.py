"""Operations that change an incident. Each validates, writes, records the change on the timeline
and recomputes the incident's obligations, all in the caller's one transaction (they only flush)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import insert, select, update

from ..core.ap_form import MAX_DETAIL_TEXT, DetailError, clean_details
from ..core.fields import FIELD_KEYS, MAX_DESCRIPTION_LENGTH, MAX_FIELD_LENGTH, MAX_TITLE_LENGTH
from ..core.instants import format_local, not_in_future, utcnow
from ..core.profiles import CHANNELS, cited
from ..core.text import UNSTORABLE_MESSAGES
from ..errors import N_, Conflict, Term, ValidationFailed, fill
from ..extensions import db
from ..parties.models import Contract
from ..profiles import all_profiles
from ..validation import clean_text, is_id, required_text, term
from .affected import affected_controller_ids
from .assessment import latest_severity
from .models import (
    ACKNOWLEDGEMENT,
    AP_FOLLOW_UPS,
    DECISION_VIA,
    FILING_KINDS,
    INFORM_SUBJECTS_CHOICES,
    NOTIFY_AP_CHOICES,
    REPORTER_KINDS,
    SUBJECTS_GROUNDS,
    AffectedContract,
    Decision,
    Filing,
    Incident,
    Obligation,
)
from .obligations import latest_ap_decisions, latest_decision, recompute
from .profile_pins import pinned_profiles, pins
from .references import next_reference
from .timeline import actor_id, record_event

CHUNK = 5000
# The words a refusal uses for an incident that is no longer open, and for what cannot be done to it.
CLOSED_WORDS = {"dismissed": N_("dismissed"), "closed": N_("closed")}
ACTION_WORDS = {"changed": N_("changed"), "confirmed": N_("confirmed"), "dismissed": N_("dismissed")}


def check_channel(channel: object) -> None:
    """A notice's channel is one of CHANNELS (the same list the clause profiles' notice_channels name)."""
    if channel not in CHANNELS:
        raise ValidationFailed(
            N_("channel must be one of %(choices)s"),
            "channel",
            "invalid_choice",
            {"choices": ", ".join(CHANNELS)},
        )


def filing_time(incident: Incident, at: datetime | None, now: datetime) -> datetime:
    """When a filing was made (default now): not in the future, and not before the processor became aware."""
    at = _past_instant(at or now, "at", now, "at")
    if at < incident.aware_at:
        raise ValidationFailed(N_("at lies before the processor became aware of the incident"), "at", "before_aware_at")
    return at


def _past_instant(value: datetime, field: str, now: datetime, label: str) -> datetime:
    if not not_in_future(value, now):
        raise ValidationFailed(
            N_("%(label)s (%(when)s) lies in the future"),
            field,
            "in_future",
            {"label": term(label), "when": format_local(value)},
        )
    return value


def clean_fields(values: object) -> dict[str, str]:
    if values is None:
        return {}
    if not isinstance(values, dict):
        raise ValidationFailed(N_("fields must be an object of field key to text"), "fields", "invalid_type")
    cleaned: dict[str, str] = {}
    for key, value in values.items():
        if key not in FIELD_KEYS:
            raise ValidationFailed(
                N_("'%(key)s' is not a field; known fields: %(known)s"),
                f"fields.{key}",
                "unknown_field",
                {"key": key, "known": ", ".join(FIELD_KEYS)},
            )
        cleaned[key] = clean_text(value, f"fields.{key}", MAX_FIELD_LENGTH)
    return cleaned


def _contract_ids(values: object) -> list[int]:
    if values is None:
        return []
    if not isinstance(values, list) or any(isinstance(v, bool) or not isinstance(v, int) for v in values):
        raise ValidationFailed(N_("contract_ids must be a list of integer ids"), "contract_ids", "invalid_type")
    return list(dict.fromkeys(values))


def _load_contracts(ids: list[int]) -> dict[int, tuple[int, str]]:
    """contract id -> (controller id, profile key); unknown ids are refused, all of them named."""
    found: dict[int, tuple[int, str]] = {}
    storable = [i for i in ids if is_id(i)]
    for start in range(0, len(storable), CHUNK):
        chunk = storable[start : start + CHUNK]
        for cid, controller_id, profile_key in db.session.execute(
            select(Contract.id, Contract.controller_id, Contract.profile_key).where(Contract.id.in_(chunk))
        ):
            found[cid] = (controller_id, profile_key)
    unknown = [i for i in ids if i not in found] if len(found) != len(ids) else []
    if unknown:
        shown = ", ".join(str(i) for i in unknown[:20]) + (" …" if len(unknown) > 20 else "")
        raise ValidationFailed(
            N_("unknown contract id(s): %(ids)s"), "contract_ids", "unknown_contract", {"ids": shown}
        )
    gone = {key for _, key in found.values()} - all_profiles().keys()
    if gone:
        raise ValidationFailed(
            N_("contracts use profile(s) no longer configured: %(profiles)s"),
            "contract_ids",
            "unknown_profile",
            {"profiles": ", ".join(sorted(gone))},
        )
    return found


def _attach(
    incident: Incident, contracts: dict[int, tuple[int, str]], now: datetime, established_at: datetime | None = None
) -> None:
    versions = pins(incident.id, {key for _, key in contracts.values()})
    rows = [
        {
            "incident_id": incident.id,
            "contract_id": cid,
            "controller_id": controller_id,
            "added_at": now,
            "profile_key": key,
            "profile_version": versions[key],
            "established_at": established_at,
        }
        for cid, (controller_id, key) in contracts.items()
    ]
    if rows:
        # Core insert: every column is given and the model has no ORM events, so skip the ORM bookkeeping.
        db.session.execute(insert(AffectedContract.__table__), rows)


def create_incident(  # noqa: PLR0913 (keyword-only, one per field of the request that creates it)
    *,
    title: object,
    description: object = "",
    aware_at: datetime,
    status: str = "suspected",
    confirmed_at: datetime | None = None,
    contract_ids: object = None,
    fields: object = None,
    details: object = None,
    reporter: object = None,
    actor=None,
    now: datetime | None = None,
) -> Incident:
    """A new incident. `reporter` (optional) says who reported it to the processor (`Reporter`): then aware_at is
    when the processor was informed, and every clock runs from that moment."""
    now = now or utcnow()
    title = required_text(title, "title", MAX_TITLE_LENGTH, "title")
    description = clean_text(description, "description", MAX_DESCRIPTION_LENGTH)
    if status not in ("suspected", "confirmed"):
        raise ValidationFailed(N_("status must be 'suspected' or 'confirmed'"), "status", "invalid_choice")
    _past_instant(aware_at, "aware_at", now, "aware_at")
    if status == "confirmed":
        confirmed_at = confirmed_at or aware_at
        _past_instant(confirmed_at, "confirmed_at", now, "confirmed_at")
        if confirmed_at < aware_at:
            raise ValidationFailed(N_("confirmed_at lies before aware_at"), "confirmed_at", "before_aware_at")
    elif confirmed_at is not None:
        raise ValidationFailed(
            N_("a suspected incident has no confirmed_at; use status 'confirmed'"), "confirmed_at", "not_confirmed"
        )
    values = clean_fields(fields)
    extra = incident_details(details, {}, now)
    reported = clean_reporter(reporter, aware_at, now)
    ids = _contract_ids(contract_ids)
    contracts = _load_contracts(ids)

    incident = Incident(
        reference=next_reference(now),
        title=title,
        description=description,
        status=status,
        aware_at=aware_at,
        confirmed_at=confirmed_at,
        fields={k: v for k, v in values.items() if v},
        details=extra,
        created_at=now,
        updated_at=now,
        created_by_id=actor_id(actor),
        **reported,
    )
    db.session.add(incident)
    db.session.flush()
    _attach(incident, contracts, now)
    record_event(incident, "created", actor, status=status, contracts=len(contracts))
    if reported:
        record_event(
            incident,
            "reported",
            actor,
            kind=reported["reported_by_kind"],
            name=reported["reported_by_name"],
            sub_processor_id=reported["sub_processor_id"],
            sub_processor_aware_at=format_local(reported["sub_processor_aware_at"])
            if reported["sub_processor_aware_at"]
            else None,
            informed_at=format_local(reported["informed_at"]),
        )
    if ids:
        record_event(incident, "contracts_added", actor, contract_ids=ids)
    recompute(incident)
    db.session.flush()
    return incident


@dataclass(frozen=True)
class Reporter:
    """Who reported an incident to the processor, as a page or the API gives it (the Addendum's Annex B: "de naam van
    degene die de schending meldt"). The processor was informed at the incident's aware_at."""

    kind: object
    name: object = ""
    sub_processor_id: object = None
    sub_processor_aware_at: datetime | None = None


def clean_reporter(value: object, informed_at: datetime, now: datetime) -> dict:
    """The incident's reporter columns (empty: no reporter given). A sub-processor's report names the sub-processor
    and may say when it became aware itself: not in the future and not after it informed us."""
    if value is None:
        return {}
    if not isinstance(value, Reporter):
        raise ValidationFailed(N_("reporter must be an object"), "reporter", "invalid_type")
    if value.kind not in REPORTER_KINDS:
        raise ValidationFailed(
            N_("reporter_kind must be one of %(choices)s"),
            "reporter_kind",
            "invalid_choice",
            {"choices": ", ".join(REPORTER_KINDS)},
        )
    name = clean_text(value.name, "reporter_name", 200)
    sub_processor_id = None
    if value.kind == "sub_processor":
        from ..parties.sub_processors import get_sub_processor

        if value.sub_processor_id is None:
            raise ValidationFailed(
                N_("a report by a sub-processor names the sub-processor"), "sub_processor_id", "required"
            )
        sub_processor_id = get_sub_processor(value.sub_processor_id).id
    else:
        if value.sub_processor_id is not None:
            raise ValidationFailed(
                N_("only a report by a sub-processor names a sub-processor"), "sub_processor_id", "not_sub_processor"
            )
        if value.sub_processor_aware_at is not None:
            raise ValidationFailed(
                N_("only a report by a sub-processor says when the sub-processor became aware"),
                "sub_processor_aware_at",
                "not_sub_processor",
            )
        if not name:
            raise ValidationFailed(N_("say who reported the incident (a name)"), "reporter_name", "required")
    their_aware_at = value.sub_processor_aware_at
    if their_aware_at is not None:
        _past_instant(their_aware_at, "sub_processor_aware_at", now, "sub_processor_aware_at")
        if their_aware_at > informed_at:
            raise ValidationFailed(
                N_("the sub-processor cannot have become aware after it informed the processor"),
                "sub_processor_aware_at",
                "after_informed_at",
            )
    return {
        "reported_by_kind": value.kind,
        "reported_by_name": name or None,
        "sub_processor_id": sub_processor_id,
        "sub_processor_aware_at": their_aware_at,
        "informed_at": informed_at,
    }


def incident_details(values: object, current: dict, now: datetime) -> dict:
    try:
        return clean_details(values, current, now)
    except DetailError as exc:
        raise _detail_refusal(exc) from None


def _detail_refusal(exc: DetailError) -> ValidationFailed:
    """core/ap_form.py says what is wrong in English; the refusals a page meets are said as msgids (with the same
    English), so that the page can say them in its language."""
    key = exc.field.rsplit(".", 1)[-1]
    known: dict[str, tuple[str, dict]] = {
        "in_future": (N_("%(field)s lies in the future"), {"field": term(key)}),
        "too_long": (N_("%(field)s is longer than %(max)d characters"), {"field": term(key), "max": MAX_DETAIL_TEXT}),
        "before_start": (N_("ended_at lies before started_at"), {}),
        "below_minimum": (N_("subjects_max is below subjects_min"), {}),
    }
    for msgid in UNSTORABLE_MESSAGES.values():  # a NUL byte or a surrogate: the message says which
        if fill(msgid, {"field": key}) == exc.message:
            known["invalid_text"] = (msgid, {"field": term(key)})
    said = known.get(exc.code)
    if said is None or fill(said[0], said[1]) != exc.message:
        return ValidationFailed(exc.message, exc.field, exc.code)
    return ValidationFailed(said[0], exc.field, exc.code, said[1])


def record_authority_action(incident: Incident, at: datetime, actor=None, now: datetime | None = None) -> None:
    """When the processor learned of an investigation into or seizure of the personal data by authorities, or a
    suspicion of one. Under contracts that count it as a breach (BOZ art. 1.2 a, limb i) it starts their clocks.
    Recorded once (a later change could hide lateness), not in the future, not before awareness."""
    _open(incident, "changed")
    now = now or utcnow()
    if incident.authority_action_at is not None:
        raise Conflict(
            N_("the investigation or seizure by authorities is already recorded (%(when)s)"),
            "authority_action_at",
            "already_recorded",
            {"when": format_local(incident.authority_action_at)},
        )
    _past_instant(at, "authority_action_at", now, "authority_action_at")
    if at < incident.aware_at:
        raise ValidationFailed(N_("authority_action_at lies before aware_at"), "authority_action_at", "before_aware_at")
    incident.authority_action_at = at
    incident.updated_at = now
    record_event(incident, "authority_action", actor, at=at.isoformat())
    recompute(incident)
    db.session.flush()


def update_incident(
    incident: Incident, *, title=None, description=None, fields=None, details=None, internal_note=None, actor=None
) -> list[str]:
    """Edit text, field values and details; returns the names changed (each change goes to the timeline)."""
    changed: list[str] = []
    current_details = dict(incident.details or {})
    new_details = incident_details(details, current_details, utcnow())
    if title is not None:
        new = required_text(title, "title", MAX_TITLE_LENGTH, "title")
        if new != incident.title:
            record_event(incident, "edited", actor, field="title", old=incident.title, new=new)
            incident.title = new
            changed.append("title")
    if description is not None:
        new = clean_text(description, "description", MAX_DESCRIPTION_LENGTH)
        if new != incident.description:
            record_event(incident, "edited", actor, field="description")
            incident.description = new
            changed.append("description")
    if internal_note is not None:
        new = clean_text(internal_note, "internal_note", MAX_DESCRIPTION_LENGTH)
        if new != (incident.internal_note or ""):
            record_event(incident, "edited", actor, field="internal_note")
            incident.internal_note = new
            changed.append("internal_note")
    values = clean_fields(fields)
    if values:
        current = dict(incident.fields or {})
        for key, new in values.items():
            if (current.get(key) or "") != new:
                record_event(incident, "field_set", actor, field=key, old=current.get(key) or "", new=new)
                if new:
                    current[key] = new
                else:
                    current.pop(key, None)
                changed.append(f"fields.{key}")
        incident.fields = current
    for key in sorted(set(current_details) | set(new_details)):
        if current_details.get(key) != new_details.get(key):
            # Details are facts about the breach, not personal data: old and new go to the timeline.
            record_event(
                incident, "detail_set", actor, field=key, old=current_details.get(key), new=new_details.get(key)
            )
            changed.append(f"details.{key}")
    if new_details != current_details:
        incident.details = new_details
    if changed:
        incident.updated_at = utcnow()
    db.session.flush()
    return changed


def _established_at(incident: Incident, value: datetime | None, now: datetime) -> datetime | None:
    """When the breach was established for contracts added now: None while the incident is suspected (confirming it
    establishes it for all), otherwise the given time (not in the future, not before the confirmation) or now."""
    if incident.confirmed_at is None:
        if value is not None:
            raise ValidationFailed(
                N_("established_at is given only once the breach is established (confirmed)"),
                "established_at",
                "not_confirmed",
            )
        return None
    value = _past_instant(value or now, "established_at", now, "established_at")
    if value < incident.confirmed_at:
        raise ValidationFailed(
            N_("established_at lies before the breach was established (%(when)s)"),
            "established_at",
            "before_confirmed_at",
            {"when": format_local(incident.confirmed_at)},
        )
    return value


def _open(incident: Incident, action: str) -> None:
    if incident.status in ("dismissed", "closed"):
        raise Conflict(
            N_("incident %(reference)s is %(status)s; it cannot be %(action)s"),
            code="incident_" + incident.status,
            params={
                "reference": incident.reference,
                "status": Term(incident.status, CLOSED_WORDS.get(incident.status)),
                "action": Term(action, ACTION_WORDS.get(action)),
            },
        )


def add_contracts(
    incident: Incident,
    contract_ids: object,
    actor=None,
    now: datetime | None = None,
    established_at: datetime | None = None,
) -> list[int]:
    """Attach more affected contracts; ids already attached are skipped. Returns the ids added.

    Added after the breach was established, a contract records when it was established for it (``established_at``,
    default now): its confirmed-trigger clocks start then, not at the incident's confirmed_at, which may lie days
    before anyone knew this contract was touched."""
    _open(incident, "changed")
    now = now or utcnow()
    established_at = _established_at(incident, established_at, now)
    ids = _contract_ids(contract_ids)
    if not ids:
        raise ValidationFailed(N_("contract_ids must name at least one contract"), "contract_ids", "required")
    contracts = _load_contracts(ids)
    attached = dict(
        db.session.execute(
            select(AffectedContract.contract_id, AffectedContract.withdrawn_at).where(
                AffectedContract.incident_id == incident.id
            )
        ).all()
    )
    new = {cid: v for cid, v in contracts.items() if cid not in attached}
    # A contract withdrawn by a correction and added again is reinstated (the withdrawal stays on the timeline).
    reinstated = [cid for cid in contracts if cid in attached and attached[cid] is not None]
    if reinstated:
        db.session.execute(
            update(AffectedContract)
            .where(AffectedContract.incident_id == incident.id, AffectedContract.contract_id.in_(reinstated))
            .values(withdrawn_at=None, withdrawn_reason=None, withdrawn_by_id=None)
        )
    if new or reinstated:
        if new:
            _attach(incident, new, now, established_at)
        record_event(
            incident,
            "contracts_added",
            actor,
            contract_ids=[*new, *reinstated],
            **({"reinstated": reinstated} if reinstated else {}),
            **({"established_at": established_at.isoformat()} if established_at and new else {}),
        )
        incident.updated_at = utcnow()
        recompute(incident)
        db.session.flush()
    return [*new, *reinstated]


def confirm(
    incident: Incident, confirmed_at: datetime | None = None, actor=None, now: datetime | None = None
) -> Incident:
    now = now or utcnow()
    if incident.status == "confirmed":
        raise Conflict(
            N_("incident %(reference)s is already confirmed"),
            code="already_confirmed",
            params={"reference": incident.reference},
        )
    _open(incident, "confirmed")
    confirmed_at = _past_instant(confirmed_at or now, "confirmed_at", now, "confirmed_at")
    if confirmed_at < incident.aware_at:
        raise ValidationFailed(N_("confirmed_at lies before aware_at"), "confirmed_at", "before_aware_at")
    incident.status = "confirmed"
    incident.confirmed_at = confirmed_at
    incident.updated_at = now
    record_event(incident, "confirmed", actor, confirmed_at=confirmed_at.isoformat())
    recompute(incident)
    db.session.flush()
    return incident


ANCHORS = ("aware_at", "confirmed_at")


def correct_anchor(
    incident: Incident, field: object, value: datetime | None, reason: object, actor=None, now: datetime | None = None
) -> Incident:
    """Correct when the processor became aware of the breach, or when it was established: with a reason, kept in
    the timeline, and only earlier. An earlier anchor moves the deadlines earlier and may make a filing late; a later
    one could hide lateness, so it is refused (a mistyped later time is recorded as a new fact, never as an edit that
    makes a late filing look on time)."""
    now = now or utcnow()
    if field not in ANCHORS:
        raise ValidationFailed(
            N_("field must be one of %(choices)s"), "field", "invalid_choice", {"choices": ", ".join(ANCHORS)}
        )
    if value is None:
        raise ValidationFailed(N_("value is required"), "value", "required")
    reason = required_text(reason, "reason", MAX_DESCRIPTION_LENGTH, "reason")
    current = getattr(incident, field)
    if current is None:
        raise Conflict(
            N_("incident %(reference)s is not confirmed: confirm it instead of correcting confirmed_at"),
            code="not_confirmed",
            params={"reference": incident.reference},
        )
    value = _past_instant(value, "value", now, field)
    if value >= current:
        raise ValidationFailed(
            N_("a correction may only move %(field)s earlier (now %(when)s): a later time could hide lateness"),
            "value",
            "not_earlier",
            {"field": field, "when": format_local(current)},
        )
    if field == "confirmed_at" and value < incident.aware_at:
        raise ValidationFailed(N_("confirmed_at lies before aware_at"), "value", "before_aware_at")
    setattr(incident, field, value)
    incident.updated_at = now
    record_event(
        incident,
        "anchor_corrected",
        actor,
        field=field,
        before=current.isoformat(),
        after=value.isoformat(),
        reason=reason,
    )
    recompute(incident)
    db.session.flush()
    return incident


def dismiss(incident: Incident, reason: object, actor=None, now: datetime | None = None) -> Incident:
    now = now or utcnow()
    _open(incident, "dismissed")
    reason = required_text(reason, "reason", MAX_DESCRIPTION_LENGTH, "reason")
    incident.status = "dismissed"
    incident.dismissed_at = now
    incident.dismiss_reason = reason
    incident.updated_at = now
    record_event(incident, "dismissed", actor, reason=reason)
    recompute(incident)
    db.session.flush()
    return incident


def _affected_contract(incident: Incident, contract_id: object) -> tuple[int, str]:
    if isinstance(contract_id, bool) or not isinstance(contract_id, int):
        raise ValidationFailed(
            N_("contract_id must be an integer id"),
            "contract_id",
            "required" if contract_id is None else "invalid_type",
        )
    row = (
        None
        if not is_id(contract_id)
        else db.session.execute(
            select(AffectedContract.controller_id, Contract.profile_key)
            .join(Contract, Contract.id == AffectedContract.contract_id)
            .where(AffectedContract.incident_id == incident.id, AffectedContract.contract_id == contract_id)
        ).first()
    )
    if row is None:
        raise ValidationFailed(
            N_("contract %(id)s is not affected by %(reference)s"),
            "contract_id",
            "not_affected",
            {"id": contract_id, "reference": incident.reference},
        )
    return row[0], row[1]


def _affected_controller(incident: Incident, controller_id: object) -> int:
    if isinstance(controller_id, bool) or not isinstance(controller_id, int):
        raise ValidationFailed(
            N_("controller_id must be an integer id"),
            "controller_id",
            "required" if controller_id is None else "invalid_type",
        )
    if controller_id not in affected_controller_ids(incident):
        raise ValidationFailed(
            N_("controller %(id)s is not affected by %(reference)s"),
            "controller_id",
            "not_affected",
            {"id": controller_id, "reference": incident.reference},
        )
    return controller_id


@dataclass(frozen=True)
class FilingInput:
    """What was filed, as the caller (a form, the API, the outbox) states it; `record_filing` checks every value.

    kind: one of FILING_KINDS. at: when it happened (default: now). contract_id: the contract it was about (every
    kind but the AP filings); controller_id: the controller (AP filings; for the others it is the contract's).
    channel, reference (the AP's meldnummer), note: free text. details: kept with the filing (e.g. the outbox
    message and the SMTP reply). follow_up: the kind of an AP follow-up. document_id: the document delivered."""

    kind: object
    at: datetime | None = None
    contract_id: object = None
    controller_id: object = None
    channel: object = None
    reference: object = None
    note: object = None
    details: dict | None = None
    follow_up: object = None
    document_id: int | None = None


def record_filing(incident: Incident, filing: FilingInput, actor=None, now: datetime | None = None) -> Filing:
    """Record one filing: validated, on the timeline, and the incident's deadlines recomputed."""
    now = now or utcnow()
    kind, at, contract_id, controller_id = filing.kind, filing.at, filing.contract_id, filing.controller_id
    channel, reference, note, details, follow_up = (
        filing.channel,
        filing.reference,
        filing.note,
        filing.details,
        filing.follow_up,
    )
    if kind not in FILING_KINDS:
        raise ValidationFailed(
            N_("kind must be one of %(choices)s"), "kind", "invalid_choice", {"choices": ", ".join(FILING_KINDS)}
        )
    at = filing_time(incident, at, now)
    channel = clean_text(channel, "channel", 40) or None
    reference = clean_text(reference, "reference", 100) or None
    note = clean_text(note, "note", MAX_FIELD_LENGTH) or None
    if follow_up is not None and kind != "ap_follow_up":
        raise ValidationFailed(N_("follow_up is given only with kind ap_follow_up"), "follow_up", "not_applicable")
    if kind == "authority_contact":
        controller_id = _affected_controller(incident, controller_id)
        contract_id = None
        if note is None:
            raise ValidationFailed(
                N_("say which authority it was and what it asked for or received (note)"), "note", "required"
            )
    elif kind in ("ap_notification", "ap_follow_up"):
        controller_id = _affected_controller(incident, controller_id)
        if reference is None:
            raise ValidationFailed(N_("the AP's reference (meldnummer) is required"), "reference", "required")
        if kind == "ap_notification" and getattr(actor, "controller_id", None) is None:
            _on_the_controllers_decision(incident, controller_id)  # (the controller's own user files as it decides)
        contract_id = None
        if kind == "ap_follow_up":
            details = {**(details or {}), "follow_up": _follow_up(incident, controller_id, reference, follow_up, at)}
    else:
        owner_id, profile_key = _affected_contract(incident, contract_id)
        if controller_id is not None and controller_id != owner_id:
            raise ValidationFailed(
                N_("contract %(contract)s belongs to controller %(controller)s"),
                "controller_id",
                "mismatch",
                {"contract": contract_id, "controller": owner_id},
            )
        controller_id = owner_id
        # the version its deadlines count from (_affected_contract has checked that it is an attached contract id)
        profile = pinned_profiles(incident.id, [cast(int, contract_id)])[cast(int, contract_id)]
        if kind == "controller_consultation" and profile.rule(kind) is None:
            raise ValidationFailed(
                N_("the contract's clause (%(profile)s) has no consultation obligation"),
                "kind",
                "not_in_contract",
                {"profile": profile_key},
            )
        if (
            kind == "data_subject_communication"
            and not profile.processor_may_inform_data_subjects
            and not _instructed_to_inform(incident, owner_id)
        ):
            raise data_subject_refusal(profile)
        if kind == "controller_notice":
            channel = channel or "email"
            check_channel(channel)
    row = Filing(
        incident_id=incident.id,
        kind=kind,
        contract_id=contract_id,
        controller_id=controller_id,
        at=at,
        channel=channel,
        reference=reference,
        note=note,
        recorded_by_id=actor_id(actor),
        recorded_at=now,
        details=details or None,
        document_id=filing.document_id,
    )
    db.session.add(row)
    db.session.flush()
    incident.updated_at = now
    recompute(incident, [row.controller_id])
    # A filing recorded after a deadline it meets with an earlier time says so on the timeline for good (issue 13,
    # item 2): the deadline may later be recomputed, the entry stays.
    backdated = [
        due
        for due in db.session.scalars(
            select(Obligation.due_at).where(
                Obligation.incident_id == incident.id, Obligation.filing_id == row.id, Obligation.backdated.is_(True)
            )
        )
        if due is not None
    ]
    record_event(
        incident,
        "filing",
        actor,
        filing_id=row.id,
        kind=kind,
        contract_id=contract_id,
        controller_id=controller_id,
        at=at.isoformat(),
        channel=channel,
        reference=reference,
        follow_up=(details or {}).get("follow_up"),
        **({"backdated_due_at": min(backdated).isoformat()} if backdated else {}),
    )
    db.session.flush()
    return row


def record_observed_filings(
    incident: Incident, filings: Sequence[FilingInput], actor=None, now: datetime | None = None
) -> list[Filing]:
    """Filings the desk observed itself rather than a person's statement: an e-mail the SMTP server accepted (one
    filing per contract it fulfils), a receipt confirmed through the link or the portal. They are recorded as they
    happened and the deadlines recomputed once (not for receipts alone: a receipt fulfils no deadline, and the clock
    engine does not read them); the caller puts the one event on the timeline that says why."""
    now = now or utcnow()
    rows = [
        Filing(
            incident_id=incident.id,
            kind=f.kind,
            contract_id=f.contract_id,
            controller_id=f.controller_id,
            at=f.at or now,
            channel=f.channel,
            reference=f.reference,
            note=f.note,
            details=f.details,
            document_id=f.document_id,
            recorded_at=now,
            recorded_by_id=actor_id(actor),
        )
        for f in filings
    ]
    db.session.add_all(rows)
    db.session.flush()
    if any(f.kind != ACKNOWLEDGEMENT for f in filings):
        recompute(incident, {row.controller_id for row in rows})
        db.session.flush()
    return rows


def _on_the_controllers_decision(incident: Incident, controller_id: int) -> None:
    """Where the processor files with the AP for a controller (its contract says so), it does so on that controller's
    recorded decision to notify: the duty of AVG art. 33(1) stays the controller's."""
    owner = db.session.scalar(
        select(Obligation.owner).where(
            Obligation.incident_id == incident.id,
            Obligation.controller_id == controller_id,
            Obligation.kind == "ap_notification",
        )
    )
    if owner != "processor":
        return
    if latest_ap_decisions(incident.id, [controller_id]).get(controller_id) != "yes":
        raise Conflict(
            N_(
                "the processor notifies the AP for this controller only on its recorded decision to notify "
                "(AVG art. 33(1) is the controller's duty): record that decision first"
            ),
            "controller_id",
            "no_decision_to_notify",
        )


def _follow_up(incident: Incident, controller_id: int, reference: str, follow_up: object, at: datetime) -> str:
    """A follow-up (aanvulling, wijziging, intrekking) refers to an AP notification recorded for this controller,
    and cannot precede it."""
    if follow_up not in AP_FOLLOW_UPS:
        raise ValidationFailed(
            N_("follow_up must be one of %(choices)s"),
            "follow_up",
            "required" if follow_up is None else "invalid_choice",
            {"choices": ", ".join(AP_FOLLOW_UPS)},
        )
    known: dict[str, datetime] = {}
    for ref, filed_at in db.session.execute(
        select(Filing.reference, Filing.at).where(
            Filing.incident_id == incident.id, Filing.controller_id == controller_id, Filing.kind == "ap_notification"
        )
    ):
        ref = cast(str, ref)  # an AP notification always has the AP's reference: record_filing requires it
        known[ref] = min(filed_at, known.get(ref, filed_at))
    if not known:
        raise Conflict(
            N_("no AP notification is recorded for this controller; record it before a follow-up"),
            "kind",
            "no_ap_notification",
        )
    if reference not in known:
        raise ValidationFailed(
            N_("reference must be the AP's number of the notification: %(known)s"),
            "reference",
            "unknown_reference",
            {"known": ", ".join(sorted(known))},
        )
    if at < known[reference]:
        raise ValidationFailed(
            N_("a follow-up cannot precede the AP notification %(reference)s of %(when)s"),
            "at",
            "before_notification",
            {"reference": reference, "when": format_local(known[reference])},
        )
    return follow_up


def _instructed_to_inform(incident: Incident, controller_id: int) -> bool:
    """Whether the controller's latest decision instructs the processor to inform the data subjects for it."""
    latest = latest_decision(incident.id, controller_id)
    return latest is not None and latest.inform_subjects == "yes" and latest.processor_informs


def data_subject_refusal(profile) -> Conflict:
    """Why the processor may not inform data subjects under this contract on its own, citing the clause (and quoting
    it), and the way the clauses allow: the controller's instruction."""
    clause = profile.data_subjects_clause or profile.article
    wording = f": {cited(profile.data_subjects_wording, profile.paraphrase)}" if profile.data_subjects_wording else ""
    return Conflict(
        N_(
            "%(source)s, %(clause)s%(wording)s — the processor may not inform data subjects about this breach of its "
            "own accord; the controller decides, and informs them or instructs the processor to (record that "
            "decision with processor_informs) (profile '%(profile)s')"
        ),
        "kind",
        "forbidden_by_contract",
        {"source": profile.source, "clause": clause, "wording": wording, "profile": profile.key},
    )


def parse_decision_maker(value: object, actor) -> tuple[str, str | None, str]:
    """(name, function, via) of the person at the controller who decided. A controller user deciding in the
    portal or through the API is that person (a decision_maker given is checked as any other, and only its function
    is taken); processor staff must say who it was and how they learned it."""
    if getattr(actor, "role", None) == "controller":
        _, function, _ = _maker_values({} if value is None else value)
        return (actor.name or actor.email), function, "portal"
    if value is None:
        raise ValidationFailed(
            N_(
                "the decision belongs to the controller: say who at the controller decided "
                "(decision_maker: name, function, via)"
            ),
            "decision_maker",
            "required",
        )
    name, function, via = _maker_values(value)
    if not name:
        raise ValidationFailed(
            N_("decision_maker.name is required: who at the controller decided"), "decision_maker", "required"
        )
    if via is None:
        raise ValidationFailed(
            N_("decision_maker.via must be one of %(choices)s"),
            "decision_maker",
            "required",
            {"choices": ", ".join(DECISION_VIA)},
        )
    return name, function, via


def _maker_values(value: object) -> tuple[str, str | None, str | None]:
    """The decision_maker object's name (maybe empty), function and via (maybe None), each checked."""
    if not isinstance(value, dict):
        raise ValidationFailed(
            N_("decision_maker must be an object with name, function and via"), "decision_maker", "invalid_type"
        )
    unknown = set(value) - {"name", "function", "via"}
    if unknown:
        raise ValidationFailed(
            N_("'%(key)s' is not part of decision_maker"),
            "decision_maker",
            "unknown_field",
            {"key": sorted(unknown)[0]},
        )
    try:
        name = clean_text(value.get("name"), "decision_maker.name", 200)
        function = clean_text(value.get("function"), "decision_maker.function", 200) or None
    except ValidationFailed as exc:  # the error names the object, as every other refusal of it does
        raise ValidationFailed(exc.msgid, "decision_maker", exc.code, exc.params) from None
    via = value.get("via")
    if via is not None and via not in DECISION_VIA:
        raise ValidationFailed(
            N_("decision_maker.via must be one of %(choices)s"),
            "decision_maker",
            "invalid_choice",
            {"choices": ", ".join(DECISION_VIA)},
        )
    return name, function, via


def record_decision(  # noqa: PLR0913 (keyword-only, one per field of the decision)
    incident: Incident,
    *,
    controller_id: object,
    notify_ap: object,
    reason: object,
    inform_data_subjects: object = None,
    data_subjects_ground: object = None,
    decision_maker: object = None,
    processor_informs: object = False,
    actor=None,
    now: datetime | None = None,
) -> Decision:
    """A controller's decision, with who at the controller took it; it relies on the incident's latest severity
    assessment, if any."""
    now = now or utcnow()
    controller_id = _affected_controller(incident, controller_id)
    if notify_ap not in NOTIFY_AP_CHOICES:
        raise ValidationFailed(
            N_("notify_ap must be one of %(choices)s"),
            "notify_ap",
            "invalid_choice",
            {"choices": ", ".join(NOTIFY_AP_CHOICES)},
        )
    reason = clean_text(reason, "reason", MAX_DESCRIPTION_LENGTH)
    if notify_ap == "no" and not reason:
        raise ValidationFailed(N_("a decision not to notify the AP needs its reason"), "reason", "required")
    if inform_data_subjects not in (None, *INFORM_SUBJECTS_CHOICES):
        raise ValidationFailed(
            N_("inform_data_subjects must be 'yes' or 'no'"), "inform_data_subjects", "invalid_choice"
        )
    if inform_data_subjects == "no":
        if data_subjects_ground not in SUBJECTS_GROUNDS:
            raise ValidationFailed(
                N_("not informing data subjects needs its ground: one of %(choices)s (GDPR art. 34(3))"),
                "data_subjects_ground",
                "required" if data_subjects_ground is None else "invalid_choice",
                {"choices": ", ".join(SUBJECTS_GROUNDS)},
            )
    elif data_subjects_ground is not None:
        raise ValidationFailed(
            N_("a ground is given only when data subjects are not informed"),
            "data_subjects_ground",
            "not_applicable",
        )
    if processor_informs is not None and not isinstance(processor_informs, bool):  # (0 == False, 1 == True)
        raise ValidationFailed(N_("processor_informs must be true or false"), "processor_informs", "invalid_type")
    if processor_informs and inform_data_subjects != "yes":
        raise ValidationFailed(
            N_("the processor informs data subjects only where the controller decided to inform them"),
            "processor_informs",
            "not_applicable",
        )
    maker_name, maker_function, maker_via = parse_decision_maker(decision_maker, actor)
    severity = latest_severity(incident.id, controller_id)
    decision = Decision(
        incident_id=incident.id,
        controller_id=controller_id,
        notify_ap=notify_ap,
        reason=reason,
        decided_by_id=actor_id(actor),
        decided_at=now,
        inform_subjects=inform_data_subjects,
        subjects_ground=data_subjects_ground,
        processor_informs=bool(processor_informs),
        severity_id=severity.id if severity else None,
        maker_name=maker_name,
        maker_function=maker_function,
        maker_via=maker_via,
    )
    db.session.add(decision)
    db.session.flush()
    record_event(
        incident,
        "decision",
        actor,
        decision_id=decision.id,
        controller_id=controller_id,
        notify_ap=notify_ap,
        reason=reason,
        inform_data_subjects=inform_data_subjects,
        data_subjects_ground=data_subjects_ground,
        severity_id=decision.severity_id,
        decision_maker={"name": maker_name, "function": maker_function, "via": maker_via},
    )
    incident.updated_at = now
    recompute(incident, [decision.controller_id])
    db.session.flush()
    return decision
