"""The register query itself: obligation counts for hand-built cases, and a fixed number of statements
however many incidents there are."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import event

from incidents.breaches import service
from incidents.breaches.service import FilingInput
from incidents.core.instants import parse_instant, utcnow
from incidents.extensions import db
from incidents.register.filters import RegisterFilters, parse_filters
from incidents.register.queries import register_rows
from tests.conftest import MAKER

# (met, missed, open) per incident, worked out by hand from the fixture's story. Each boz-72h contract also owes the
# report of the investigation (5.4), which none of the incidents sent: missed in i1, open in i2 and i5.
EXPECTED = {"i1": (3, 4, 0), "i2": (0, 0, 4), "i3": (0, 0, 0), "i4": (0, 1, 1), "i5": (0, 0, 4)}


def counts(row) -> tuple[int, int, int]:
    return row.obligations_met, row.obligations_missed, row.obligations_open


def test_obligation_counts(register):
    rows = {r.reference: r for r in register_rows(RegisterFilters())}
    assert {name: counts(rows[i.reference]) for name, i in register.incidents.items()} == EXPECTED


def test_counts_agree_with_the_deadlines_api(api, register):
    rows = {r.reference: r for r in register_rows(RegisterFilters())}
    for incident in register.incidents.values():
        statuses = Counter(
            d["status"] for d in api.get(f"/api/v1/incidents/{incident.id}/deadlines").get_json()["deadlines"]
        )
        assert counts(rows[incident.reference]) == (
            statuses["met"],
            statuses["missed"],
            statuses["running"] + statuses["pending"],
        ), incident.reference


def test_a_late_notice_is_missed(app, user, make_contract):
    contract = make_contract("gdpr-art33")  # notice within 24 hours of confirmation
    confirmed = parse_instant("2026-02-02T10:00")
    incident = service.create_incident(
        title="Mail naar verkeerde ontvanger",
        aware_at=confirmed,
        status="confirmed",
        contract_ids=[contract.id],
        actor=user,
    )
    db.session.commit()
    [row] = register_rows(RegisterFilters())
    assert counts(row) == (0, 1, 1)  # the notice is overdue; the AP clock waits for the notice
    service.record_filing(
        incident,
        FilingInput(kind="controller_notice", contract_id=contract.id, at=confirmed + timedelta(hours=30)),
        actor=user,
    )
    db.session.commit()
    [row] = register_rows(RegisterFilters())
    assert counts(row) == (0, 2, 0)  # the notice came 6 h late; the AP clock started then and ran out
    service.record_filing(
        incident,
        FilingInput(
            kind="ap_notification",
            controller_id=contract.controller_id,
            at=confirmed + timedelta(hours=40),
            reference="AP-1",
        ),
        actor=user,
    )
    db.session.commit()
    [row] = register_rows(RegisterFilters())
    assert counts(row) == (1, 1, 0)
    assert [(f.kind, f.reference) for f in row.filings] == [("controller_notice", None), ("ap_notification", "AP-1")]


def test_a_running_obligation_is_missed_once_its_deadline_passes(register):
    rows = {r.reference: r for r in register_rows(RegisterFilters(), now=utcnow() + timedelta(days=30))}
    # i5's notice, consultation and report (72 h) run out: missed without any write; its AP clock never started.
    assert counts(rows[register.incidents["i5"].reference]) == (0, 3, 1)


def statements(action) -> int:
    seen = []

    def count(*_args):
        seen.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        action()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)


def test_a_fixed_number_of_statements(register, user, make_contract):
    db.session.expire_all()
    few = statements(lambda: register_rows(parse_filters({"controller_id": str(register.controllers["c"].id)})))
    db.session.expire_all()
    some = statements(lambda: register_rows(RegisterFilters()))
    contracts = [make_contract("boz-24h").id for _ in range(3)]
    for n in range(12):
        incident = service.create_incident(
            title=f"Incident {n}",
            aware_at=parse_instant("2026-07-01T10:00"),
            status="confirmed",
            contract_ids=contracts,
            actor=user,
        )
        service.record_filing(incident, FilingInput(kind="controller_notice", contract_id=contracts[0]), actor=user)
        service.record_decision(
            incident,
            controller_id=incident.affected[0].controller_id,
            decision_maker=MAKER,
            notify_ap="yes",
            reason="",
            actor=user,
        )
    db.session.commit()
    db.session.expire_all()
    rows: list = []
    many = statements(lambda: rows.extend(register_rows(RegisterFilters())))
    added = [r for r in rows if r.title.startswith("Incident ")]
    assert len(rows) == 17 and len(added) == 12
    assert all(len(r.controllers) == 3 and len(r.filings) == 1 and len(r.decisions) == 1 for r in added)
    assert few - 1 == some == many  # the controller filter looks the controller up once
