"""Ways round the chain that a second review found, each shown to be closed: a row added with a link beside the
chain, a rewrite hidden behind a re-inserted old head, links lost in a savepoint rolled back, and a change after a NUL
byte that SQLite's quote() would not have seen."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from incidents.breaches.models import Incident
from incidents.breaches.timeline import record_event
from incidents.core.chain import GENESIS, link_hash
from incidents.extensions import db
from incidents.record.links import head
from incidents.record.spec import canonical_sql
from incidents.record.verify import verify

from ..support.database import ON_POSTGRES
from .tampering import _unguarded, as_owner

ROW = (
    "INSERT INTO filings (incident_id, kind, contract_id, controller_id, at, channel, reference, note, recorded_by_id,"
    " recorded_at, details) SELECT incident_id, kind, contract_id, controller_id, at, channel, reference, 'FORGED',"
    " recorded_by_id, recorded_at, details FROM filings ORDER BY id DESC LIMIT 1 RETURNING id"
)
LINK = "INSERT INTO record_chain (table_name, seq, row_id, hash, linked_at) VALUES (:t, :s, :r, :h, CURRENT_TIMESTAMP)"


@pytest.mark.live_database
@pytest.mark.tampers_with_record
def test_a_row_added_with_a_link_beside_the_chain_is_named(filing, fresh_database, runner):
    engine = create_engine(fresh_database.url)  # the application's own rights: INSERT only, on PostgreSQL
    try:
        with engine.begin() as connection:
            forged = connection.execute(text(ROW)).scalar()
            connection.execute(text(LINK), {"t": "filings", "s": 0, "r": forged, "h": "f" * 64})
    finally:
        engine.dispose()
    result = runner.invoke(args=["verify"])
    assert result.exit_code == 1
    assert f"MISMATCH filings id {forged}: the row has no link" in result.output
    assert "a link that is no part of its chain" in result.output


@pytest.mark.live_database
@pytest.mark.tampers_with_record
def test_a_rewrite_behind_a_reinserted_old_head_fails_the_witness(filing, fresh_database, runner):
    seq, witness = head(db.session.connection(), "filings")
    db.session.rollback()
    assert runner.invoke(args=["verify", "--witness", f"filings={witness}"]).exit_code == 0
    with as_owner(fresh_database) as owner:  # rewrite the last filing, hash its link anew, keep the old head aside
        last = owner.execute(text("SELECT max(id) FROM filings")).scalar()
        _unguarded(owner, "filings", "UPDATE filings SET note = 'REWRITTEN' WHERE id = :id", id=last)
        before = "SELECT hash FROM record_chain WHERE table_name = 'filings' AND seq = :s"
        previous = owner.execute(text(before), {"s": seq - 1}).scalar() or GENESIS
        canonical = owner.execute(
            text(f"SELECT {canonical_sql('filings', owner.dialect.name)} FROM filings WHERE id = :id"), {"id": last}
        ).scalar()
        new = link_hash(previous, "filings", int(last), canonical)
        update = "UPDATE record_chain SET hash = :h WHERE table_name = 'filings' AND seq = :s"
        _unguarded(owner, "record_chain", update, h=new, s=seq)
        owner.execute(text(LINK), {"t": "filings", "s": -1, "r": -1, "h": witness})
    result = runner.invoke(args=["verify", "--witness", witness])
    assert result.exit_code == 1
    assert f"WITNESS NOT FOUND {witness}" in result.output and "no part of its chain" in result.output


def test_rows_stay_linked_when_a_savepoint_around_a_released_one_is_rolled_back(app, new_incident):
    incident = db.session.get(Incident, new_incident()["id"])
    record_event(incident, "probe", None)
    db.session.flush()
    with db.session.begin_nested() as outer:
        with db.session.begin_nested():
            pass  # released: nothing is linked inside `outer`
        outer.rollback()
    db.session.commit()
    outcome = verify(db.session.connection())
    assert outcome.ok, outcome.problems


@pytest.mark.skipif(ON_POSTGRES, reason="a PostgreSQL text holds no NUL")
@pytest.mark.live_database
@pytest.mark.tampers_with_record
def test_a_change_after_a_nul_byte_is_seen(filing, fresh_database, runner):
    with as_owner(fresh_database) as owner:
        last = owner.execute(text("SELECT max(id) FROM filings")).scalar()
        change = "UPDATE filings SET note = note || char(0) || ' en per post aan X' WHERE id = :id"
        _unguarded(owner, "filings", change, id=last)
    result = runner.invoke(args=["verify"])
    assert result.exit_code == 1 and f"MISMATCH filings id {last}: the row does not match" in result.output
