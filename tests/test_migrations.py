"""The migrations on the kind of database the suite runs on (SQLite, or PostgreSQL with TEST_DATABASE_URL): every
step downgrades and upgrades again, a full downgrade leaves nothing behind, and the append-only tables refuse
UPDATE and DELETE in the database itself."""

from __future__ import annotations

import re

import pytest
import sqlalchemy
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url

from incidents import ROOT, create_app
from incidents.extensions import db
from tests.conftest import MAKER

from .support.database import ON_POSTGRES, REWRITE_REFUSED, TEST_DATABASE_URL, postgres_url
from .support.intake import inbound_message_and_review
from .support.regimes import a_forward, regime_rows

MIGRATIONS = str(ROOT / "migrations")
APPEND_ONLY = (
    "filings",
    "decisions",
    "timeline_events",
    "documents",
    "severity_assessments",
    "access_log",
    "regime_classifications",
    "regime_filings",
    "notice_forwards",
    "inbound_messages",
    "inbound_reviews",
)


@pytest.fixture
def scratch_uri(tmp_path, test_database):
    """An empty database of the suite's kind, for migrating up and down (on PostgreSQL on the test database's server:
    this test uses the test database's server, so it runs in the PostgreSQL pass too)."""
    if not ON_POSTGRES:
        yield f"sqlite:///{tmp_path / 'scratch.sqlite'}"
        return
    url = postgres_url("incidents_migrations")
    name = make_url(url).database
    admin = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {name}"))
    yield url
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def _leftovers(connection) -> dict[str, list[str]]:
    """Everything in the database that a migration could have created, except alembic_version."""
    if connection.dialect.name == "sqlite":
        rows = connection.execute(
            text(
                "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND tbl_name != 'alembic_version'"
            )
        ).all()
    else:
        rows = connection.execute(
            text("""
            SELECT 'table', tablename FROM pg_tables WHERE schemaname = 'public' AND tablename != 'alembic_version'
            UNION ALL SELECT 'sequence', sequencename FROM pg_sequences WHERE schemaname = 'public'
            UNION ALL SELECT 'function', p.proname FROM pg_proc p
                      JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
            UNION ALL SELECT 'type', t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                      WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd')
            UNION ALL SELECT 'trigger', trigger_name FROM information_schema.triggers
                      WHERE trigger_schema = 'public'""")
        ).all()
    found: dict[str, list[str]] = {}
    for kind, name in rows:
        found.setdefault(kind, []).append(name)
    return found


def _append_only_triggers(connection) -> set[tuple[str, str]]:
    """(table, UPDATE|DELETE) pairs that a trigger refuses as append-only."""
    if connection.dialect.name == "sqlite":
        pairs = set()
        for (sql,) in connection.execute(text("SELECT sql FROM sqlite_master WHERE type = 'trigger'")):
            match = re.search(r"BEFORE (UPDATE|DELETE) ON (\w+)", sql, re.I)
            if match and "append-only" in sql:
                pairs.add((match.group(2), match.group(1).upper()))
        return pairs
    rows = connection.execute(
        text(
            "SELECT event_object_table, event_manipulation FROM information_schema.triggers "
            "WHERE trigger_schema = 'public' AND action_timing = 'BEFORE' AND action_orientation = 'ROW' "
            "AND action_statement = 'EXECUTE FUNCTION refuse_change()'"
        )
    ).all()
    return {(table, action) for table, action in rows}


def test_every_migration_downgrades_and_upgrades_again(scratch_uri):
    app = create_app({"SQLALCHEMY_DATABASE_URI": scratch_uri, "SECRET_KEY": "x"}, testing=True)
    with app.app_context():
        script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config(MIGRATIONS))
        revisions = [r.revision for r in script.walk_revisions()]  # head first
        upgrade(directory=MIGRATIONS)
        for revision in revisions:  # each step down, up again, and down for good
            downgrade(directory=MIGRATIONS, revision="-1")
            upgrade(directory=MIGRATIONS, revision=revision)
            downgrade(directory=MIGRATIONS, revision="-1")
        with db.engine.connect() as connection:
            assert MigrationContext.configure(connection).get_current_revision() is None
            assert _leftovers(connection) == {}
        upgrade(directory=MIGRATIONS)
        with db.engine.connect() as connection:
            assert MigrationContext.configure(connection).get_current_revision() == revisions[0]
            assert compare_metadata(MigrationContext.configure(connection), db.metadata) == []
            assert _append_only_triggers(connection) >= {(t, a) for t in APPEND_ONLY for a in ("UPDATE", "DELETE")}
        assert set(APPEND_ONLY) <= set(inspect(db.engine).get_table_names())
        db.engine.dispose()


def test_every_append_only_table_refuses_update_and_delete(app, api, make_contract):
    from incidents.breaches.assessment import record_severity
    from incidents.breaches.models import Incident
    from incidents.notices.service import issue_notices

    contract = make_contract("boz-72h")
    created = api.post(
        "/api/v1/incidents",
        json={"title": "T", "aware_at": "2026-11-01T10:00:00Z", "status": "confirmed", "contract_ids": [contract.id]},
    )
    assert created.status_code == 201, created.get_json()
    iid = created.get_json()["id"]
    assert (
        api.post(
            f"/api/v1/incidents/{iid}/filings",
            json={"kind": "controller_notice", "contract_id": contract.id, "at": "2026-11-01T11:00:00Z"},
        ).status_code
        == 201
    )
    assert (
        api.post(
            f"/api/v1/incidents/{iid}/decisions",
            json={
                "controller_id": contract.controller_id,
                "decision_maker": MAKER,
                "notify_ap": "no",
                "reason": "laag risico",
            },
        ).status_code
        == 201
    )
    incident = db.session.get(Incident, iid)
    record_severity(incident, {"data_types": ["simple"], "identification": "significant"})
    issue_notices(incident, all_=True)
    regime_rows(incident)
    a_forward(incident)
    db.session.commit()
    inbound_message_and_review()
    assert api.get(f"/api/v1/incidents/{iid}").status_code == 200  # an access_log row
    for table in APPEND_ONLY:
        count = select(func.count()).select_from(db.metadata.tables[table])
        rows = db.session.scalar(count)
        assert rows > 0, f"{table} has no row to refuse changing"
        for statement in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}"):
            with pytest.raises(sqlalchemy.exc.DBAPIError, match=REWRITE_REFUSED):
                db.session.execute(text(statement))
            db.session.rollback()
        assert db.session.scalar(count) == rows
