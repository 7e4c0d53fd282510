"""The lists the incident pages pick from: contracts with their controller, contracts by pasted reference or by
profile. Read-only. (The list of incidents itself: incident_list.py.)"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import Row, select

from ..extensions import db
from ..parties.models import Contract, Controller

CHUNK = 5000  # references per IN (...): well below every database's limit on bound parameters


def contract_rows() -> Sequence[Row[Contract, str]]:
    """Every contract with its controller's name, by controller and reference (the intake picker)."""
    return db.session.execute(
        select(Contract, Controller.name).join(Controller).order_by(Controller.name, Contract.reference)
    ).all()


def contract_ids_of_profiles(profile_keys: list[str]) -> list[int]:
    return list(db.session.scalars(select(Contract.id).where(Contract.profile_key.in_(profile_keys))))


def parse_references(text: str) -> tuple[list[int], list[str]]:
    """Contract ids for pasted references (one per line, or separated by commas or semicolons), in the order
    pasted, and the references that name no contract."""
    wanted = [r for r in re.split(r"[\s,;]+", text or "") if r]
    if not wanted:
        return [], []
    found: dict[str, int] = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        found.update(
            dict(db.session.execute(select(Contract.reference, Contract.id).where(Contract.reference.in_(chunk))).all())
        )
    unknown = [r for r in dict.fromkeys(wanted) if r not in found]
    return [found[r] for r in wanted if r in found], unknown
