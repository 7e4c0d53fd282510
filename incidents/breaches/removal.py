"""Taking a contract that was added by mistake out of an incident: removal while nothing was sent about it,
otherwise a recorded correction (withdrawal). Both need a reason and go to the timeline; writes only flush.

"Something was sent" about a contract is anything that reached, or is on its way to, its controller about this
incident, or came from it: a document issued for the controller, an e-mail queued or sent to it, a filing recorded
for it (a notice, a consultation, an AP notification, a receipt), a decision it took, a question it asked, or a
reminder sent about one of its deadlines (reminders reach the controller's users and webhooks too). Those live in
the notices and reminders features, which sit above this one: they are read here as bare tables by name, never
imported.

- Removal (nothing sent): the contract leaves the incident as if it had never been added. Its affected row and
  its obligations are deleted (none was met: nothing was filed), and so is the controller's AP clock when it was the
  controller's last contract in the incident. The timeline keeps what was removed, by whom, when and why.
- Correction (something sent): nothing is deleted. The affected row is marked withdrawn with the time, the user and
  the reason; the contract's open obligations (and the controller's AP clock when no contract of it is left) end,
  so they no longer count as due or send reminders, while met or missed ones keep their history; every document,
  filing, e-mail and timeline entry stays. New notices no longer list the contract. Adding it again reinstates it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import column, delete, func, select, table, update

from ..core.clock import obligation_key
from ..core.fields import MAX_DESCRIPTION_LENGTH
from ..core.instants import utcnow
from ..errors import Conflict, ValidationFailed
from ..extensions import db
from ..parties.models import Contract
from ..validation import is_id, required_text
from .models import AffectedContract, Decision, Filing, Incident, Obligation, TimelineEvent
from .obligations import recompute
from .timeline import actor_id, record_event

# What this feature needs to know of the features above it: whether a row exists for the incident and controller.
_documents = table("documents", column("incident_id"), column("controller_id"))
_outbox = table("outbox", column("incident_id"), column("controller_id"))
_reminders = table("reminders", column("obligation_id"), column("incident_id"))

# Why a contract can no longer simply be removed, in the order the page names them.
SENT_KINDS = ("document", "email", "filing", "decision", "question", "reminder")


@dataclass(frozen=True)
class Taken:
    contract_id: int
    reference: str
    controller_id: int
    removed: bool  # True: removed; False: withdrawn by a correction


def sent_about(incident_id: int, controller_ids: set[int] | None = None) -> dict[int, list[str]]:
    """For each controller of the incident (or of `controller_ids`) about which something was sent: what was
    (SENT_KINDS). A controller that is not in the answer has had nothing; a handful of queries per incident."""
    found: dict[int, list[str]] = {}

    def note(kind: str, ids) -> None:
        for cid in ids:
            if cid is not None and (controller_ids is None or cid in controller_ids) and kind not in found.get(cid, []):
                found.setdefault(cid, []).append(kind)

    for kind, source in (("document", _documents), ("email", _outbox)):
        note(
            kind,
            db.session.scalars(select(source.c.controller_id).where(source.c.incident_id == incident_id).distinct()),
        )
    note("filing", db.session.scalars(select(Filing.controller_id).where(Filing.incident_id == incident_id).distinct()))
    note(
        "decision",
        db.session.scalars(select(Decision.controller_id).where(Decision.incident_id == incident_id).distinct()),
    )
    note(
        "question",
        (
            event.details.get("controller_id")
            for event in db.session.scalars(
                select(TimelineEvent).where(TimelineEvent.incident_id == incident_id, TimelineEvent.kind == "question")
            )
        ),
    )
    note(
        "reminder",
        db.session.scalars(
            select(Obligation.controller_id)
            .join(_reminders, _reminders.c.obligation_id == Obligation.id)
            .where(_reminders.c.incident_id == incident_id)
            .distinct()
        ),
    )
    return {cid: sorted(kinds, key=SENT_KINDS.index) for cid, kinds in found.items()}


def _attached(incident: Incident, contract_id: object) -> tuple[AffectedContract, str]:
    row = db.session.get(AffectedContract, (incident.id, contract_id)) if is_id(contract_id) else None
    if row is None:
        raise ValidationFailed(
            f"contract {contract_id} is not affected by {incident.reference}", "contract_id", "not_affected"
        )
    reference = db.session.scalar(select(Contract.reference).where(Contract.id == row.contract_id)) or ""
    return row, reference


def _open(incident: Incident) -> None:
    if incident.status in ("dismissed", "closed"):
        raise Conflict(
            f"incident {incident.reference} is {incident.status}; its contracts cannot be changed",
            code="incident_" + incident.status,
        )


def _others_of_controller(incident: Incident, row: AffectedContract) -> int:
    """How many other contracts of the same controller are still (not withdrawn) in the incident."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(AffectedContract)
            .where(
                AffectedContract.incident_id == incident.id,
                AffectedContract.controller_id == row.controller_id,
                AffectedContract.contract_id != row.contract_id,
                AffectedContract.withdrawn_at.is_(None),
            )
        )
        or 0
    )


def _claim(statement, reference: str) -> None:
    """Change the affected row only as it was read: a request that removed or withdrew it meanwhile wins, and this
    one is refused (never a 500 for two clicks at once)."""
    if db.session.execute(statement).rowcount != 1:  # type: ignore[attr-defined]  # a DML result has rowcount
        raise Conflict(f"contract {reference} was changed meanwhile", "contract_id", "withdrawn")


def remove_contract(
    incident: Incident, contract_id: object, reason: object, actor=None, now: datetime | None = None
) -> Taken:
    """Take a contract added by mistake out of the incident, while nothing was sent about it (else Conflict:
    the way then is `withdraw_contract`)."""
    _open(incident)
    reason = required_text(reason, "reason", MAX_DESCRIPTION_LENGTH, "reason")
    row, reference = _attached(incident, contract_id)
    if row.withdrawn_at is not None:
        raise Conflict(
            f"contract {reference} was already withdrawn from {incident.reference}", "contract_id", "withdrawn"
        )
    sent = sent_about(incident.id, {row.controller_id}).get(row.controller_id)
    if sent:
        raise Conflict(
            f"something was already sent about contract {reference} ({', '.join(sent)}); "
            "it can only be withdrawn by a recorded correction",
            "contract_id",
            "already_sent",
            {"sent": sent, "reference": reference},
        )
    keys = [
        o.key
        for o in db.session.scalars(
            select(Obligation).where(Obligation.incident_id == incident.id, Obligation.contract_id == row.contract_id)
        )
    ]
    last = _others_of_controller(incident, row) == 0
    if last:
        keys.append(obligation_key("ap_notification", None, row.controller_id))
    db.session.execute(delete(Obligation).where(Obligation.incident_id == incident.id, Obligation.key.in_(keys)))
    contract_id, controller_id = row.contract_id, row.controller_id
    _claim(
        delete(AffectedContract).where(
            AffectedContract.incident_id == incident.id,
            AffectedContract.contract_id == contract_id,
            AffectedContract.withdrawn_at.is_(None),
        ),
        reference,
    )
    db.session.expunge(row)
    record_event(
        incident,
        "contract_removed",
        actor,
        contract_id=contract_id,
        reference=reference,
        controller_id=controller_id,
        reason=reason,
        obligations=len(keys),
    )
    incident.updated_at = now or utcnow()
    recompute(incident)
    db.session.flush()
    return Taken(contract_id, reference, controller_id, True)


def withdraw_contract(
    incident: Incident, contract_id: object, reason: object, actor=None, now: datetime | None = None
) -> Taken:
    """The recorded correction, once something was sent (before that: `remove_contract`, else Conflict): the
    contract stays on record, marked withdrawn with the reason; its open obligations end (recompute ends what no
    longer follows from the contracts); nothing is deleted."""
    now = now or utcnow()
    _open(incident)
    reason = required_text(reason, "reason", MAX_DESCRIPTION_LENGTH, "reason")
    row, reference = _attached(incident, contract_id)
    if row.withdrawn_at is not None:
        raise Conflict(
            f"contract {reference} was already withdrawn from {incident.reference}", "contract_id", "withdrawn"
        )
    sent = sent_about(incident.id, {row.controller_id}).get(row.controller_id, [])
    if not sent:  # a withdrawn contract's controller stays in the incident: without anything sent, remove it
        raise Conflict(
            f"nothing was sent about contract {reference} yet: remove it instead", "contract_id", "nothing_sent"
        )
    _claim(
        update(AffectedContract)
        .where(
            AffectedContract.incident_id == incident.id,
            AffectedContract.contract_id == row.contract_id,
            AffectedContract.withdrawn_at.is_(None),
        )
        .values(withdrawn_at=now, withdrawn_reason=reason, withdrawn_by_id=actor_id(actor))
        .execution_options(synchronize_session=False),
        reference,
    )
    db.session.expire(row)
    ended = recompute(incident)
    record_event(
        incident,
        "contract_withdrawn",
        actor,
        contract_id=row.contract_id,
        reference=reference,
        controller_id=row.controller_id,
        reason=reason,
        sent=sent,
        obligations_changed=ended,
    )
    incident.updated_at = now
    db.session.flush()
    return Taken(row.contract_id, reference, row.controller_id, False)
