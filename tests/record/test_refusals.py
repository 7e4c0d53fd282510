"""The database refuses rewrites of the record by itself, from any connection (issue 14, item 2): on SQLite no
UPDATE, DELETE, REPLACE or UPSERT over a row of an append-only table; on PostgreSQL the application's role may only
read and insert those tables (no UPDATE, DELETE, TRUNCATE, no trigger or ownership), and TRUNCATE is refused even
to the owner."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from incidents.breaches.assessment import record_severity
from incidents.breaches.models import Incident
from incidents.database_roles import APPEND_ONLY, owns_tables
from incidents.extensions import db
from incidents.notices.service import issue_notices

from ..conftest import MAKER
from ..support.database import ON_POSTGRES, TEST_DATABASE_APP_ROLE
from ..support.intake import inbound_message_and_review
from ..support.regimes import a_forward, regime_rows

pytestmark = pytest.mark.live_database  # other connections read what the test committed


@pytest.fixture
def record(api, new_incident, make_contract, runner):
    """At least one row in every append-only table."""
    contract = make_contract("gdpr-art33")
    incident = new_incident(status="confirmed", confirmed_at="2026-03-27T15:00:00+01:00", contract_ids=[contract.id])
    iid = incident["id"]
    filing = {"kind": "controller_notice", "contract_id": contract.id, "channel": "email"}
    assert api.post(f"/api/v1/incidents/{iid}/filings", json=filing).status_code == 201
    decision = {"controller_id": contract.controller_id, "decision_maker": MAKER, "notify_ap": "no", "reason": "laag"}
    assert api.post(f"/api/v1/incidents/{iid}/decisions", json=decision).status_code == 201
    record_severity(db.session.get(Incident, iid), {"data_types": ["simple"], "identification": "significant"})
    issue_notices(db.session.get(Incident, iid), all_=True)
    regime_rows(db.session.get(Incident, iid))
    a_forward(db.session.get(Incident, iid))
    db.session.commit()
    inbound_message_and_review()
    assert api.get(f"/api/v1/incidents/{iid}").status_code == 200  # an access-log row
    assert runner.invoke(args=["verify"]).exit_code == 0  # a verification run
    return iid


def _statements(table: str) -> list[str]:
    return [
        f"UPDATE {table} SET id = id",
        f"DELETE FROM {table}",
        f"INSERT INTO {table} SELECT * FROM {table} WHERE id = (SELECT min(id) FROM {table}) "
        "ON CONFLICT (id) DO UPDATE SET id = excluded.id",
    ]


@pytest.mark.skipif(ON_POSTGRES, reason="a raw connection to the SQLite file")
def test_sqlite_refuses_every_rewrite_from_a_raw_connection(record, database_uri):
    connection = sqlite3.connect(make_url(database_uri).database)  # no pragma of the application's
    try:
        for table in APPEND_ONLY:
            before = connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            assert before > 0, table
            first = f"(SELECT min(id) FROM {table})"
            for statement in [
                *_statements(table),
                f"INSERT OR REPLACE INTO {table} SELECT * FROM {table} WHERE id = {first}",
                f"REPLACE INTO {table} SELECT * FROM {table} WHERE id = {first}",
                f"INSERT OR IGNORE INTO {table} SELECT * FROM {table} WHERE id = {first}",
            ]:
                with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                    connection.execute(statement)
                connection.rollback()
            assert connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == before
    finally:
        connection.close()


@pytest.mark.skipif(not (ON_POSTGRES and TEST_DATABASE_APP_ROLE), reason="PostgreSQL with the application's role")
def test_postgres_gives_the_application_role_only_reading_and_inserting(record, fresh_database):
    app_engine, owner_engine = create_engine(fresh_database.url), create_engine(fresh_database.owner_url)
    try:
        with app_engine.connect() as connection:
            assert not owns_tables(connection)
            for table in APPEND_ONLY:
                for statement in [
                    *_statements(table),
                    f"TRUNCATE {table} CASCADE",
                    f"ALTER TABLE {table} DISABLE TRIGGER USER",
                    f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
                    f"ALTER TABLE {table} OWNER TO {TEST_DATABASE_APP_ROLE}",
                ]:
                    with pytest.raises(Exception, match=r"permission denied|must be owner"):
                        connection.execute(text(statement))
                    connection.rollback()
                assert connection.execute(text(f"SELECT count(*) FROM {table}")).scalar() > 0
        with owner_engine.connect() as owner:
            assert owns_tables(owner)
            for table in APPEND_ONLY:  # not even the owner empties the record by TRUNCATE
                with pytest.raises(Exception, match="append-only"):
                    owner.execute(text(f"TRUNCATE {table} CASCADE"))
                owner.rollback()
    finally:
        app_engine.dispose()
        owner_engine.dispose()


@pytest.mark.skipif(not (ON_POSTGRES and TEST_DATABASE_APP_ROLE), reason="PostgreSQL with the application's role")
def test_check_warns_when_the_application_role_owns_the_tables(fresh_database):
    from incidents.check import problems

    from ..support.app import own_app

    with own_app(fresh_database.url):
        assert not any("owns the tables" in w for w in problems()[1])
    with own_app(fresh_database.owner_url):
        assert any("owns the tables" in w for w in problems()[1])
