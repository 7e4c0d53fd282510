"""Who receives a controller's notices about an incident: the breach contacts its affected contracts name (BOZ art.
5.2 and 5.5: "de contactpersoon van Verwerkingsverantwoordelijke genoemd in Bijlage 3"), and the controller's own
contact address for the contracts that name none."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from ..breaches.models import AffectedContract
from ..extensions import db
from ..parties.models import Contract, Controller

CHUNK = 1000


def notice_recipients(incident_id: int, controller_ids: Iterable[int]) -> dict[int, list[str]]:
    """Per controller id, its notice addresses, sorted (a controller without an attached contract: its own)."""
    ids = sorted(set(controller_ids))
    found: dict[int, set[str]] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        for controller_id, own, contact in db.session.execute(
            select(AffectedContract.controller_id, Contract.breach_contact_email, Controller.contact_email)
            .join(Contract, Contract.id == AffectedContract.contract_id)
            .join(Controller, Controller.id == AffectedContract.controller_id)
            .where(
                AffectedContract.incident_id == incident_id,
                AffectedContract.controller_id.in_(chunk),
                AffectedContract.withdrawn_at.is_(None),
            )
        ):
            found.setdefault(controller_id, set()).add(own or contact)
        missing = [i for i in chunk if i not in found]
        if missing:
            for controller_id, contact in db.session.execute(
                select(Controller.id, Controller.contact_email).where(Controller.id.in_(missing))
            ):
                found[controller_id] = {contact}
    return {controller_id: sorted(addresses) for controller_id, addresses in found.items()}


def addressees(incident_id: int, controller: Controller) -> list[tuple[str, str]]:
    """(name, address) of everyone a controller's notice goes to, for the document to say so: the contracts' own
    breach contacts, and the controller's contact for contracts that name none."""
    rows = db.session.execute(
        select(Contract.breach_contact_name, Contract.breach_contact_email)
        .join(AffectedContract, AffectedContract.contract_id == Contract.id)
        .where(
            AffectedContract.incident_id == incident_id,
            AffectedContract.controller_id == controller.id,
            AffectedContract.withdrawn_at.is_(None),
        )
    ).all()
    found = {(name, email) if email else (controller.contact_name, controller.contact_email) for name, email in rows}
    return sorted(found or {(controller.contact_name, controller.contact_email)}, key=lambda pair: pair[1])
