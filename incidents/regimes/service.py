"""The operations on an incident's statutory regimes: classify it, keep the answers its reports need, record a
filing of a stage (with the draft as filed and its SHA-256) or a recipient's request for a report. Each one flushes;
the request commits. After each, the stages' deadlines are computed again and stored (regime_obligations)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import force_locale
from sqlalchemy import delete, select

from ..auth.models import User
from ..breaches.locks import lock_incident
from ..breaches.models import Incident
from ..breaches.timeline import actor_id, record_event
from ..core.instants import format_local
from ..core.regimes import CLASSIFICATION_ANSWERS, Regime, Stage
from ..core.reminders import following
from ..core.stages import ClassificationFact, StageDeadline, StageFiling, StageRequest, stage_deadlines
from ..errors import N_, ValidationFailed
from ..extensions import db
from ..settings import reminder_plan
from . import registry
from .content import MAX_ANSWER, StageDraft, compose
from .models import CHANNELS, RegimeClassification, RegimeFacts, RegimeFiling, RegimeObligation

MAX_REASON = 5000


def regime_or_refuse(key: str) -> Regime:
    regime = registry.binding_regime(key)
    if regime is None:
        raise ValidationFailed(N_("this regime does not bind our organisation (see its settings)"), "regime")
    return regime


def latest_classification(incident_id: int, regime: str) -> RegimeClassification | None:
    return db.session.scalar(
        select(RegimeClassification)
        .where(RegimeClassification.incident_id == incident_id, RegimeClassification.regime == regime)
        .order_by(RegimeClassification.id.desc())
        .limit(1)
    )


def classifications(incident_id: int, regime: str) -> list[RegimeClassification]:
    return list(
        db.session.scalars(
            select(RegimeClassification)
            .where(RegimeClassification.incident_id == incident_id, RegimeClassification.regime == regime)
            .order_by(RegimeClassification.id.desc())
        )
    )


def names(user_ids: set[int]) -> dict[int, str]:
    """The users who decided or filed, by id: their name, or their e-mail address where they gave no name."""
    if not user_ids:
        return {}
    rows = db.session.execute(select(User.id, User.name, User.email).where(User.id.in_(user_ids)))
    return {uid: name or email for uid, name, email in rows}


def filings(incident_id: int, regime: str) -> list[RegimeFiling]:
    return list(
        db.session.scalars(
            select(RegimeFiling)
            .where(RegimeFiling.incident_id == incident_id, RegimeFiling.regime == regime)
            .order_by(RegimeFiling.at, RegimeFiling.id)
        )
    )


def facts(incident_id: int, regime: str) -> dict:
    row = db.session.get(RegimeFacts, (incident_id, regime))
    return dict(row.values) if row is not None else {}


def deadlines(incident: Incident, regime: Regime) -> list[StageDeadline]:
    history = classifications(incident.id, regime.key)
    latest = history[0] if history else None
    fact = None
    if latest is not None:
        earlier_yes = [c.aware_at for c in history[1:] if c.answer == "yes" and c.aware_at is not None]
        fact = ClassificationFact(
            latest.answer, latest.aware_at, latest.decided_at, min(earlier_yes) if earlier_yes else None
        )
    rows = filings(incident.id, regime.key)
    done = [StageFiling(f.id, f.stage, f.at, f.recorded_at, f.request_id) for f in rows if f.kind == "filing"]
    asked = [StageRequest(f.id, f.stage, f.at, f.due_at) for f in rows if f.kind == "request" and f.due_at]
    waived = [f.stage for f in rows if f.kind == "not_needed"]
    return stage_deadlines(regime, fact, done, asked, waived)


def classify(
    incident: Incident, regime_key: str, answer: str, reason: str, aware_at: datetime | None, actor, now: datetime
) -> RegimeClassification:
    regime = regime_or_refuse(regime_key)
    lock_incident(incident)  # one change to the incident's regimes at a time: its stored deadlines stay whole
    if answer not in CLASSIFICATION_ANSWERS:
        raise ValidationFailed(N_("choose yes, no or needs more information"), "answer")
    history = classifications(incident.id, regime.key)
    reason = _reason(reason)
    if answer == "yes":
        if aware_at is None:
            raise ValidationFailed(N_("say since when the incident is known to be significant"), "aware_at")
        # a form gives whole minutes: the minute we became aware counts as that moment, never earlier
        if aware_at < incident.aware_at.replace(second=0, microsecond=0):
            raise ValidationFailed(N_("this lies before we became aware of the incident at all"), "aware_at")
        aware_at = max(aware_at, incident.aware_at)
        if aware_at > now:
            raise ValidationFailed(N_("this lies in the future"), "aware_at")
        _no_later_start(incident, regime, history, aware_at)
    else:
        aware_at = None
        if answer == "needs_info" and history and history[0].answer == "yes":
            raise ValidationFailed(
                N_("it was classified as falling under it: its stages keep running until it is classified no"),
                "answer",
            )
    row = RegimeClassification(
        incident_id=incident.id,
        regime=regime.key,
        answer=answer,
        reason=reason,
        aware_at=aware_at,
        decided_by_id=actor_id(actor),
        decided_at=now,
    )
    db.session.add(row)
    db.session.flush()
    record_event(incident, "regime_classified", actor, regime=regime.key, answer=answer)
    store_deadlines(incident, regime)
    return row


def _reason(text: str) -> str:
    """A decision's reason: required, and kept whole up to MAX_REASON characters."""
    if not (text or "").strip():
        raise ValidationFailed(N_("say why: the reason is part of the record"), "reason")
    if len(text) > MAX_REASON:
        raise ValidationFailed(N_("the reason is longer than %(n)s characters"), "reason", params={"n": MAX_REASON})
    return text.strip()


def _append(incident: Incident, regime: Regime, row: RegimeFiling, event: str, actor, **details) -> RegimeFiling:
    """Add a filing, request or "not needed" to the record, say so on the timeline, and store the stages anew."""
    db.session.add(row)
    db.session.flush()
    record_event(incident, event, actor, regime=regime.key, stage=row.stage, **details)
    store_deadlines(incident, regime)
    return row


def _no_later_start(
    incident: Incident, regime: Regime, history: list[RegimeClassification], aware_at: datetime
) -> None:
    """A new "yes" never moves the stages later than an earlier "yes" counted them (a report is filed only at or
    after the start of the "yes" it was filed under, so none lies before the new start either)."""
    earlier = [c.aware_at for c in history if c.answer == "yes" and c.aware_at is not None]
    if earlier and aware_at > min(earlier):
        raise ValidationFailed(
            N_("an earlier classification counted it from %(at)s: a later one may not move its deadlines later"),
            "aware_at",
            params={"at": format_local(min(earlier))},
        )


def save_facts(incident: Incident, regime_key: str, values: dict[str, str], actor, now: datetime) -> list[str]:
    """Keep the answers given for the regime's reports; returns the keys that changed."""
    regime = regime_or_refuse(regime_key)
    lock_incident(incident)
    allowed = {key for stage in regime.stages for key in stage.content}
    for key, value in values.items():
        if key not in allowed:
            raise ValidationFailed(N_("this regime's reports do not ask for %(key)s"), key, params={"key": key})
        if len(value) > MAX_ANSWER:
            raise ValidationFailed(N_("longer than %(n)s characters"), key, params={"n": MAX_ANSWER})
    row = db.session.get(RegimeFacts, (incident.id, regime.key))
    if row is None:
        row = RegimeFacts(incident_id=incident.id, regime=regime.key, values={})
        db.session.add(row)
    current = dict(row.values or {})
    changed = sorted(k for k, v in values.items() if (current.get(k) or "") != v.strip())
    if changed:
        current.update({k: values[k].strip() for k in changed})
        row.values = {k: v for k, v in current.items() if v}
        row.updated_at, row.updated_by_id = now, actor_id(actor)
        record_event(incident, "regime_facts", actor, regime=regime.key, keys=changed)
        db.session.flush()
    return changed


@dataclass(frozen=True)
class StageFilingInput:
    stage: str
    at: datetime
    channel: str
    reference: str
    note: str = ""
    request_id: int | None = None  # a report on request: the request it answers


def record_filing(
    incident: Incident, regime_key: str, given: StageFilingInput, draft: StageDraft, actor, now: datetime
) -> RegimeFiling:
    """A stage's report as filed: when, how, the recipient's reference, and the draft as it was filed (its JSON and
    SHA-256). Only once the incident is classified as falling under the regime."""
    regime = regime_or_refuse(regime_key)
    stage = _stage(regime, given.stage)
    lock_incident(incident)
    latest = latest_classification(incident.id, regime.key)
    if latest is None or latest.answer != "yes":
        raise ValidationFailed(
            N_("record first that the incident falls under this regime (classification yes)"), "stage"
        )
    _check_when(incident, given.at, now, "at")
    if latest.aware_at is not None and given.at < latest.aware_at:
        raise ValidationFailed(
            N_("this lies before it was known to fall under the regime (%(at)s)"),
            "at",
            params={"at": format_local(latest.aware_at)},
        )
    _after_its_stage(incident, regime, stage, given)
    if given.channel not in CHANNELS:
        raise ValidationFailed(N_("choose how it was filed"), "channel")
    reference = given.reference.strip()
    if given.channel == "portal" and not reference:
        raise ValidationFailed(N_("a filing through the recipient's portal has its reference: fill it in"), "reference")
    if len(reference) > 100:
        raise ValidationFailed(N_("the reference is longer than %(n)s characters"), "reference", params={"n": 100})
    content = draft.as_json()
    row = RegimeFiling(
        incident_id=incident.id,
        regime=regime.key,
        stage=stage.key,
        kind="filing",
        at=given.at,
        channel=given.channel,
        recipient=draft.recipient,
        reference=reference or None,
        note=given.note.strip() or None,
        content=content.decode("utf-8"),
        sha256=draft.sha256(),
        request_id=given.request_id,
        recorded_by_id=actor_id(actor),
        recorded_at=now,
    )
    return _append(incident, regime, row, "regime_filed", actor, reference=reference, sha256=row.sha256)


def _after_its_stage(incident: Incident, regime: Regime, stage: Stage, given: StageFilingInput) -> None:
    """A stage that runs from an earlier one's filing is filed after it; a report on request answers a request."""
    rows = filings(incident.id, regime.key)
    if stage.after is not None:
        earlier = [f.at for f in rows if f.kind == "filing" and f.stage == stage.after]
        if not earlier or given.at < min(earlier):
            name = regime.stage(stage.after)
            raise ValidationFailed(
                N_("file %(stage)s first: this report follows it"),
                "stage",
                params={"stage": name.title if name else stage.after},
            )
    if stage.start == "request":
        asked = [f for f in rows if f.kind == "request" and f.stage == stage.key]
        if not asked:
            raise ValidationFailed(N_("no request for this report was recorded"), "request_id")
        if given.request_id is not None and given.request_id not in {f.id for f in asked}:
            raise ValidationFailed(N_("choose one of the requests recorded"), "request_id")
        chosen = next((f for f in asked if f.id == given.request_id), None)
        if chosen is not None and given.at < chosen.at:
            raise ValidationFailed(N_("this lies before the request it answers"), "at")


def record_not_needed(
    incident: Incident, regime_key: str, stage_key: str, reason: str, actor, now: datetime
) -> RegimeFiling:
    """A conditional stage whose condition did not arise (the first notification held everything): not required,
    with the reason on record."""
    regime = regime_or_refuse(regime_key)
    stage = _stage(regime, stage_key)
    if not stage.conditional:
        raise ValidationFailed(N_("this report is owed without condition"), "stage")
    reason = _reason(reason)
    lock_incident(incident)
    row = RegimeFiling(
        incident_id=incident.id,
        regime=regime.key,
        stage=stage.key,
        kind="not_needed",
        at=now,
        recipient=regime.recipient(registry.settings()).name,
        note=reason,
        recorded_by_id=actor_id(actor),
        recorded_at=now,
    )
    return _append(incident, regime, row, "regime_not_needed", actor)


def record_request(
    incident: Incident, regime_key: str, stage_key: str, at: datetime, due_at: datetime, note: str, actor, now: datetime
) -> RegimeFiling:
    """The recipient asks for a report (an intermediate report, NIS2 art. 23 lid 4 onder c) by a deadline it sets."""
    regime = regime_or_refuse(regime_key)
    stage = _stage(regime, stage_key)
    if stage.start != "request":
        raise ValidationFailed(N_("this report is not one given on request"), "stage")
    lock_incident(incident)
    _check_when(incident, at, now, "at")
    if due_at <= at:
        raise ValidationFailed(N_("the deadline must lie after the request"), "due_at")
    recipient = regime.recipient(registry.settings())
    row = RegimeFiling(
        incident_id=incident.id,
        regime=regime.key,
        stage=stage.key,
        kind="request",
        at=at,
        due_at=due_at,
        recipient=recipient.name,
        note=note.strip() or None,
        recorded_by_id=actor_id(actor),
        recorded_at=now,
    )
    return _append(incident, regime, row, "regime_request", actor)


def _stage(regime: Regime, key: str) -> Stage:
    stage = regime.stage(key)
    if stage is None:
        raise ValidationFailed(N_("this regime has no stage %(key)s"), "stage", params={"key": key})
    return stage


def _check_when(incident: Incident, at: datetime, now: datetime, field: str) -> None:
    if at > now:
        raise ValidationFailed(N_("this lies in the future"), field)
    if at < incident.aware_at:
        raise ValidationFailed(N_("this lies before we became aware of the incident"), field)


def store_deadlines(incident: Incident, regime: Regime) -> list[StageDeadline]:
    """Compute the stages' deadlines again and store them in place of the old ones (for the dashboard and reminders).
    A running stage is reminded of at the points of the contract deadlines' plan: from its first point on, or, where
    its deadline did not move, from where the reminder worker had got to."""
    found = deadlines(incident, regime)
    plan = reminder_plan()
    where = (RegimeObligation.incident_id == incident.id, RegimeObligation.regime == regime.key)
    reached = {
        key: (due, nxt)
        for key, due, nxt in db.session.execute(
            select(RegimeObligation.key, RegimeObligation.due_at, RegimeObligation.next_reminder_at).where(*where)
        )
    }
    db.session.execute(delete(RegimeObligation).where(*where))
    recipient = regime.recipient(registry.settings()).name

    def next_reminder(d: StageDeadline) -> datetime | None:
        if d.status != "running" or d.starts_at is None or d.due_at is None or d.starts_at >= d.due_at:
            return None
        before = reached.get(d.key)
        if before is not None and before[0] == d.due_at:
            return before[1]
        return following(d.starts_at, d.due_at, d.starts_at, plan)

    db.session.add_all(
        RegimeObligation(
            incident_id=incident.id,
            regime=regime.key,
            key=d.key,
            stage=d.stage.key,
            clause=d.stage.clause,
            recipient=recipient,
            starts_at=d.starts_at,
            due_at=d.due_at,
            status=d.status,
            provisional=d.provisional,
            met_at=d.met_at,
            filing_id=d.filing_id,
            next_reminder_at=next_reminder(d),
        )
        for d in found
    )
    db.session.flush()
    return found


def draft(
    incident: Incident,
    regime: Regime,
    stage: Stage,
    language: str,
    now: datetime,
    computed: list[StageDeadline] | None = None,
) -> StageDraft:
    """The stage's report as it would be filed now (``computed``: the regime's deadlines, where the caller has them)."""
    found = {d.key: d for d in (computed if computed is not None else deadlines(incident, regime))}
    latest = latest_classification(incident.id, regime.key)
    since = latest.aware_at if latest is not None and latest.answer == "yes" else None
    titles = {s.key: s.name(language) for s in regime.stages}
    earlier = [
        (titles.get(f.stage, f.stage), f.reference or "", f.at)
        for f in filings(incident.id, regime.key)
        if f.kind == "filing" and f.stage != stage.key
    ]
    recipient = regime.recipient(registry.settings())
    with force_locale(language):  # the draft's words in its own language, in a request or outside one
        return compose(
            regime,
            stage,
            incident,
            found.get(stage.key),
            facts(incident.id, regime.key),
            earlier,
            since,
            (recipient.name, recipient.url),
            language,
            now,
        )
