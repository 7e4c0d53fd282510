"""Parties in bulk, for tests of big incidents."""

from __future__ import annotations

from sqlalchemy import insert

from incidents.core.instants import utcnow
from incidents.extensions import db
from incidents.parties.models import Contract, Controller


def bulk_parties(n: int, profile_of=lambda i: "boz-72h", prefix: str = "Z") -> list[int]:
    """n controllers with one contract each, inserted in bulk (the parties service is tested elsewhere); returns
    the new contracts' ids."""
    now = utcnow()
    known = set(db.session.scalars(db.select(Contract.id)))
    db.session.execute(
        insert(Controller),
        [
            {
                "name": f"Zorggroep {prefix}{i:04d}" if prefix != "Z" else f"Zorggroep {i:04d}",
                "kvk": f"{70000000 + i}",
                "contact_email": f"fg{i}@z{i}.example",
                "language": "nl",
            }
            for i in range(n)
        ],
    )
    ids = dict(db.session.execute(db.select(Controller.name, Controller.id)).all())
    name = (lambda i: f"Zorggroep {i:04d}") if prefix == "Z" else (lambda i: f"Zorggroep {prefix}{i:04d}")
    db.session.execute(
        insert(Contract),
        [
            {
                "controller_id": ids[name(i)],
                "reference": f"VO-{prefix}-{i:04d}",
                "profile_key": profile_of(i),
                "created_at": now,
            }
            for i in range(n)
        ],
    )
    return [i for i in db.session.scalars(db.select(Contract.id).order_by(Contract.id)) if i not in known]
