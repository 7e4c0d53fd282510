"""Which database the suite runs on, a fresh database for every test, and counting rows."""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url

from incidents import ROOT
from incidents.extensions import db

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
ON_POSTGRES = TEST_DATABASE_URL.startswith("postgresql")
if TEST_DATABASE_URL and not ON_POSTGRES:
    raise pytest.UsageError(f"TEST_DATABASE_URL must be a postgresql URL, not {TEST_DATABASE_URL!r}")
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")

# For a test of SQLite itself; prefer a mark with a reason of its own: pytest.mark.skipif(ON_POSTGRES, reason=...).
sqlite_only = pytest.mark.skipif(ON_POSTGRES, reason="checks SQLite itself")

# The tables of the foundation: incidents, their parties, clocks, filings and decisions, users and tokens, the
# issued documents and the outbox.
FOUNDATION_TABLES = (
    "controllers", "contracts", "incidents", "affected_contracts", "obligations", "filings", "decisions",
    "timeline_events", "users", "api_tokens", "documents", "outbox",
)


def postgres_url(database: str) -> str:
    """The URL of a database on the test server, one per xdist worker (``incidents_test`` -> ``incidents_test_gw0``)."""
    name = f"{database}_{XDIST_WORKER}" if XDIST_WORKER else database
    return make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)


def count_rows(tables) -> dict[str, int]:
    """The number of rows in each of these tables (names), as stored now."""
    db.session.expire_all()
    return {name: db.session.scalar(select(func.count()).select_from(db.metadata.tables[name])) for name in tables}


def every_table_but_the_access_log() -> list[str]:
    """Every mapped table except the access log (which records successful reads: the audit trail, not a write)."""
    return [t.name for t in db.metadata.sorted_tables if t.name != "access_log"]


# --- a fresh database for every test ---


class SQLiteDatabase:
    """On SQLite, one file per test session (per xdist worker), migrated once and kept as a template. Before each
    test the file is replaced by a copy of the template (some 2 ms): every test starts from the migrated, empty
    database."""

    def __init__(self, folder: Path):
        self.path = folder / "test.sqlite"
        self.template = folder / "template.sqlite"
        self.url = f"sqlite:///{self.path}"

    def migrate(self, app) -> None:
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            db.engine.dispose()
        shutil.copyfile(self.path, self.template)

    @contextmanager
    def fresh(self, app):
        # The engine's pooled connections still have the last test's file open: close them, then put a new file in
        # its place (os.replace: a connection somebody leaked keeps the old file, and never sees this one).
        with app.app_context():
            db.engine.dispose()
        for leftover in (self.path.with_name(self.path.name + "-wal"), self.path.with_name(self.path.name + "-shm")):
            leftover.unlink(missing_ok=True)
        copy = self.path.with_name("copy.sqlite")
        shutil.copyfile(self.template, copy)
        os.replace(copy, self.path)
        yield

    def close(self, app) -> None:
        with app.app_context():
            db.engine.dispose()


class PostgresDatabase:
    """On PostgreSQL, one database per test session (per xdist worker, beside TEST_DATABASE_URL's), emptied and
    migrated once. After each test every table but alembic_version is emptied and every sequence restarted, so that
    the next test starts from empty tables and ids from 1, as on a fresh SQLite copy."""

    def __init__(self):
        self.url = postgres_url(make_url(TEST_DATABASE_URL).database)
        name = make_url(self.url).database
        if XDIST_WORKER:  # a database of the worker's own, created beside TEST_DATABASE_URL's
            server = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
            with server.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            server.dispose()
        self.housekeeping = create_engine(self.url, isolation_level="AUTOCOMMIT")
        with self.housekeeping.connect() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))

    def migrate(self, app) -> None:
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            db.engine.dispose()
        self.emptying = self._emptying()

    def _emptying(self):
        """The statement that empties every table but alembic_version and restarts the id sequences at 1.

        As a superuser (the throwaway cluster's ``postgres``): DELETE with ``session_replication_role = replica``,
        which switches the foreign-key and append-only triggers off for this session only, and ``setval`` on each
        sequence; for tables of a few rows that is some 2 ms against TRUNCATE's 35 ms (new files for every table
        and index). Otherwise TRUNCATE ... RESTART IDENTITY CASCADE (TRUNCATE does not fire the append-only row
        triggers either)."""
        engine = self.housekeeping
        quote = engine.dialect.identifier_preparer.quote
        tables = [quote(t) for t in sorted(set(inspect(engine).get_table_names()) - {"alembic_version"})]
        with engine.connect() as connection:
            superuser = connection.execute(text("SHOW is_superuser")).scalar() == "on"
            sequences = connection.execute(text(
                "SELECT quote_ident(sequencename) FROM pg_sequences WHERE schemaname = 'public'")).scalars().all()
        if not superuser:
            return text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        deletes = "".join(f"DELETE FROM {t}; " for t in tables)  # noqa: S608 (names from the catalog, quoted)
        restart = "".join(f"SELECT setval('{s}', 1, false); " for s in sequences)
        return text(f"SET session_replication_role = replica; {deletes}{restart}RESET session_replication_role")

    @contextmanager
    def fresh(self, app):
        yield
        # Runs after the test's sessions are closed. A connection that a test leaked would hold locks and block the
        # emptying: fail loudly after a while rather than hang.
        with self.housekeeping.connect() as connection:
            connection.execute(text("SET lock_timeout = '20s'"))
            connection.execute(self.emptying)

    def close(self, app) -> None:
        with app.app_context():
            db.engine.dispose()
        self.housekeeping.dispose()
