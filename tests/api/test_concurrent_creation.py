"""Simultaneous incident creation never fails (docs/API.md, "Safe retries and bad input"; security review F-1, where
20 of 40 parallel creations answered 500 on a clash of references): 40 at once through a live threaded server, on
SQLite and PostgreSQL. References are numbered per year from a counter row (incidents/breaches/references.py)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select, update

from incidents.breaches.models import Incident
from incidents.breaches.references import ReferenceCounter
from incidents.breaches.service import create_incident
from incidents.core.instants import to_local, utcnow
from incidents.extensions import db

from ..conftest import utc
from ..support.live import at_once, send_json
from .openapi_check import check_response

COUNTERS = ReferenceCounter.__table__


def test_forty_simultaneous_creations_all_succeed_with_distinct_references(live_server, token, make_contract):
    contract_ids = [make_contract("boz-72h").id, make_contract("gdpr-art33").id]

    def create(n: int):
        return send_json(
            live_server,
            "POST",
            "/api/v1/incidents",
            {
                "title": f"Gelijktijdig gemeld incident {n}",
                "aware_at": "2026-03-27T14:00:00+01:00",
                "status": "confirmed",
                "contract_ids": contract_ids,
            },
            token,
        )

    answers = at_once(40, create)

    assert [a.status for a in answers] == [201] * 40, [a.body[:300] for a in answers if a.status != 201]
    bodies = [a.json() for a in answers]
    for body in bodies:
        check_response("/incidents", "post", 201, body)
    references = [b["reference"] for b in bodies]
    assert len(set(references)) == 40
    year = to_local(utcnow()).year
    assert sorted(references) == [f"DL-{year}-{n:04d}" for n in range(1, 41)], "numbered without gaps"
    stored = dict(db.session.execute(select(Incident.id, Incident.reference)).all())
    assert stored == {b["id"]: b["reference"] for b in bodies}
    titles = {b["title"] for b in bodies}
    assert titles == {f"Gelijktijdig gemeld incident {n}" for n in range(40)}


def test_a_refused_creation_uses_up_no_number(api, new_incident):
    first = new_incident()["reference"]
    refused = api.post("/api/v1/incidents", json={"title": "", "aware_at": "2026-03-27T14:00:00+01:00"})
    assert refused.status_code == 422
    second = new_incident()["reference"]
    assert int(second.rsplit("-", 1)[1]) == int(first.rsplit("-", 1)[1]) + 1


def test_numbering_counts_on_from_the_references_already_stored(app, new_incident):
    year = to_local(utcnow()).year
    assert [new_incident()["reference"] for _ in range(3)] == [f"DL-{year}-{n:04d}" for n in (1, 2, 3)]

    # A database from before the counters: incidents, and no counter for their year.
    db.session.execute(delete(COUNTERS))
    db.session.commit()
    assert new_incident()["reference"] == f"DL-{year}-0004"

    # A counter behind a reference stored past it (an import, say): the next number is past the highest stored.
    db.session.execute(update(COUNTERS).values(last=1))
    db.session.commit()
    assert new_incident()["reference"] == f"DL-{year}-0005"
    assert db.session.scalar(select(COUNTERS.c.last).where(COUNTERS.c.year == year)) == 5


def test_the_year_of_a_reference_is_the_year_in_amsterdam(app):
    def create(now):
        incident = create_incident(title="Jaarwisseling", aware_at=now - timedelta(minutes=5), now=now)
        db.session.commit()
        return incident.reference

    # 23:30 UTC on 31 December is already 00:30 on New Year's Day in Amsterdam.
    assert create(utc(2026, 12, 31, 23, 30)) == "DL-2027-0001"
    assert create(utc(2026, 12, 31, 22, 30)) == "DL-2026-0001"
    assert create(utc(2027, 1, 2, 9, 0)) == "DL-2027-0002"
    assert dict(db.session.execute(select(COUNTERS.c.year, COUNTERS.c.last)).all()) == {2026: 1, 2027: 2}
