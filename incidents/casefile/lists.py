"""The lists the incident pages read: which of some contracts an incident already has. Read-only. (The list of
incidents itself: incident_list.py; contracts are searched on the server: parties/search.py.)"""

from __future__ import annotations

from sqlalchemy import select

from ..breaches.models import AffectedContract
from ..extensions import db

CHUNK = 5000  # ids per IN (...): well below every database's limit on bound parameters


def attached_ids(incident_id: int, contract_ids: list[int]) -> set[int]:
    """Those of `contract_ids` the incident already has (and not withdrawn): adding them again changes nothing."""
    found: set[int] = set()
    for start in range(0, len(contract_ids), CHUNK):
        found.update(
            db.session.scalars(
                select(AffectedContract.contract_id).where(
                    AffectedContract.incident_id == incident_id,
                    AffectedContract.withdrawn_at.is_(None),
                    AffectedContract.contract_id.in_(contract_ids[start : start + CHUNK]),
                )
            )
        )
    return found
