"""Which database the suite runs on, a fresh database for every test, and counting rows."""

from __future__ import annotations

import os
import shutil
import threading
import weakref
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask.globals import app_ctx
from flask_migrate import upgrade
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import create_engine, event, func, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import close_all_sessions, scoped_session, sessionmaker

from incidents import ROOT
from incidents.extensions import db

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
ON_POSTGRES = TEST_DATABASE_URL.startswith("postgresql")
if TEST_DATABASE_URL and not ON_POSTGRES:
    raise pytest.UsageError(f"TEST_DATABASE_URL must be a postgresql URL, not {TEST_DATABASE_URL!r}")
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
# On PostgreSQL the application may run as a role of its own that only reads and inserts the append-only tables (as
# in production); TEST_DATABASE_URL's user then owns the tables and runs the migrations.
TEST_DATABASE_APP_ROLE = os.environ.get("TEST_DATABASE_APP_ROLE", "")

# For a test of SQLite itself; prefer a mark with a reason of its own: pytest.mark.skipif(ON_POSTGRES, reason=...).
sqlite_only = pytest.mark.skipif(ON_POSTGRES, reason="checks SQLite itself")

# The tables of the foundation: incidents, their parties, clocks, filings and decisions, users and tokens, the
# issued documents and the outbox.
FOUNDATION_TABLES = (
    "controllers",
    "contracts",
    "incidents",
    "affected_contracts",
    "obligations",
    "filings",
    "decisions",
    "timeline_events",
    "users",
    "api_tokens",
    "documents",
    "outbox",
)


def postgres_url(database: str) -> str:
    """The URL of a database on the test server, one per xdist worker (``incidents_test`` -> ``incidents_test_gw0``)."""
    name = f"{database}_{XDIST_WORKER}" if XDIST_WORKER else database
    return make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)


def count_rows(tables) -> dict[str, int]:
    """The number of rows in each of these tables (names), as stored now."""
    db.session.expire_all()
    return {name: db.session.scalar(select(func.count()).select_from(db.metadata.tables[name])) for name in tables}


# How the database refuses to change a row of an append-only table: the trigger's message, or, for the application's
# own role on PostgreSQL (which may only read and insert those tables), no privilege at all.
REWRITE_REFUSED = "append-only|permission denied"

# The audit trail: the access log records reads, not writes, and the record's chain gains a link for every row of
# an append-only table (the access log's too). Its own tests (tests/record) check what it holds.
AUDIT_TRAIL = ("access_log", "record_chain")


def every_table_but_the_audit_trail() -> list[str]:
    """Every mapped table except the audit trail (`AUDIT_TRAIL`)."""
    return [t.name for t in db.metadata.sorted_tables if t.name not in AUDIT_TRAIL]


def record_intact() -> None:
    """Fail unless every chain of the record is intact (every row linked, every link matching its row)."""
    from incidents.record.verify import verify

    db.session.rollback()  # whatever the test left open; what it committed stays
    outcome = verify(db.session.connection())
    db.session.rollback()
    if not outcome.ok:
        pytest.fail("the record's chains are broken: " + "; ".join(map(str, outcome.problems)), pytrace=False)


# --- a fresh database for every test ---


class SQLiteDatabase:
    """On SQLite, one file per test session (per xdist worker), migrated once and kept as a template. Before each
    test the file is replaced by a copy of the template (some 2 ms): every test starts from the migrated, empty
    database, and commits are real, so threads, other processes and a live server see them."""

    def __init__(self, folder: Path):
        self.path = folder / "test.sqlite"
        self.template = folder / "template.sqlite"
        self.url = f"sqlite:///{self.path}"
        self.settings: dict[str, str] = {}

    def migrate(self, app) -> None:
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            db.engine.dispose()
        shutil.copyfile(self.path, self.template)

    @contextmanager
    def fresh(self, app, *, live: bool):
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
    migrated once.

    A test runs inside one outer transaction on one connection that is rolled back at its end (0.4 ms, where
    emptying the tables took some 40 ms): `db.session` is bound to that connection with
    ``join_transaction_mode="create_savepoint"``, so every session of the test (the test's own, each request's, a
    CLI command's) works in a savepoint, and its commits release the savepoint instead of committing. The id
    sequences, which no rollback resets, are restarted at 1 before each test, as on a fresh SQLite copy.

    A test marked ``live_database`` (threads, other processes, a live server: they need their own connections and
    real commits) commits for real instead; afterwards every table but alembic_version is emptied and the
    sequences restarted."""

    def __init__(self):
        self.owner_url = postgres_url(make_url(TEST_DATABASE_URL).database)
        self.url, self.settings = self.owner_url, {}
        if TEST_DATABASE_APP_ROLE:
            self.url = (
                make_url(self.owner_url).set(username=TEST_DATABASE_APP_ROLE).render_as_string(hide_password=False)
            )
            self.settings = {"MIGRATION_DATABASE_URL": self.owner_url, "DATABASE_APP_ROLE": TEST_DATABASE_APP_ROLE}
        name = make_url(self.url).database
        if XDIST_WORKER:  # a database of the worker's own, created beside TEST_DATABASE_URL's
            server = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
            with server.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            server.dispose()
        self.housekeeping = create_engine(self.owner_url, isolation_level="AUTOCOMMIT")
        with self.housekeeping.connect() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))

    def migrate(self, app) -> None:
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            db.engine.dispose()
        self.emptying, self.restart = self._statements()

    def _statements(self):
        """The statement that empties every table but alembic_version and restarts the id sequences at 1, and the
        one that only restarts the sequences.

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
            sequences = (
                connection.execute(
                    text("SELECT quote_ident(sequencename) FROM pg_sequences WHERE schemaname = 'public'")
                )
                .scalars()
                .all()
            )
        restart = "".join(f"SELECT setval('{s}', 1, false); " for s in sequences)
        if not superuser:
            return text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"), text(restart)
        deletes = "".join(f"DELETE FROM {t}; " for t in tables)
        return (
            text(f"SET session_replication_role = replica; {deletes}{restart}RESET session_replication_role"),
            text(restart),
        )

    @contextmanager
    def fresh(self, app, *, live: bool):
        if live:
            yield
            # Runs after the test's sessions are closed. A connection that a test leaked would hold locks and block
            # the emptying: fail loudly after a while rather than hang.
            with self.housekeeping.connect() as connection:
                connection.execute(text("SET lock_timeout = '20s'"))
                connection.execute(self.emptying)
            return
        with self.housekeeping.connect() as owner:  # the owner's: the application's role may not reset a sequence
            owner.execute(self.restart)
        with app.app_context():
            connection = db.engine.connect()
        outer = connection.begin()
        event.listen(connection, "before_cursor_execute", _OneThread())
        kept = db.session
        sessions = sessionmaker(
            class_=_OnTheTestsConnection,
            db=db,
            query_cls=db.Query,
            bind=connection,
            join_transaction_mode="create_savepoint",
        )
        savepoints = _SessionsInSavepoints(sessions, connection)
        db.session = scoped_session(sessions, scopefunc=lambda: id(app_ctx._get_current_object()))
        try:
            yield
        finally:
            close_all_sessions()  # each app context removed its own; this is for any that one left open
            db.session = kept
            savepoints.close()
            outer.rollback()
            connection.close()

    def close(self, app) -> None:
        with app.app_context():
            db.engine.dispose()
        self.housekeeping.dispose()


class _OnTheTestsConnection(FlaskSession):
    """A session on the test's connection, whatever app is current (Flask-SQLAlchemy's own session asks the current
    app for its engine and ignores ``bind``)."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        return self.bind


class _SessionsInSavepoints:
    """What makes the sessions of one test, each in savepoints on the one connection, behave as sessions with
    connections of their own (as on SQLite, or on a server):

    - A commit stands, whatever another session does afterwards. Savepoints nest: a session that has read something
      holds one, and what another session (a request's, in an application context of its own) commits meanwhile
      would end up inside it, undone if the first one rolls back. So before a session begins, every other session
      that holds a savepoint but has written nothing in it ends it: it commits, without expiring what it loaded, so
      nothing changes for it.
    - The savepoints that stand for the sessions' transactions are sent on the driver's cursor, where no event
      listener sees them: a test that counts the statements of a query counts what it would count on a connection of
      its own, where BEGIN and COMMIT are not statements either. The application's own savepoints (begin_nested)
      still go through SQLAlchemy."""

    QUIET = ("do_savepoint", "do_release_savepoint", "do_rollback_to_savepoint")
    SQL = {
        "do_savepoint": "SAVEPOINT {}",
        "do_release_savepoint": "RELEASE SAVEPOINT {}",
        "do_rollback_to_savepoint": "ROLLBACK TO SAVEPOINT {}",
    }

    def __init__(self, sessions: sessionmaker, connection):
        self.connection, self.dialect = connection, connection.dialect
        self.sessions: weakref.WeakSet = weakref.WeakSet()
        self.opening = False  # a session's transaction has begun and its savepoint is about to be made
        self.names: set[str] = set()  # the savepoints that stand for sessions' transactions
        event.listen(sessions, "after_transaction_create", self.created)
        event.listen(sessions, "after_begin", self.begun)
        event.listen(sessions, "after_transaction_end", self.ended)
        event.listen(sessions, "after_flush", self.flushed)
        event.listen(sessions, "do_orm_execute", self.executing)
        for method in self.QUIET:
            setattr(self.dialect, method, self._quiet(method, getattr(self.dialect, method)))

    def close(self) -> None:
        for method in self.QUIET:
            delattr(self.dialect, method)  # the dialect's own methods again

    def _quiet(self, method: str, original):
        def savepoint(connection, name):
            if connection is not self.connection or not (
                name in self.names or (method == "do_savepoint" and self.opening)
            ):
                return original(connection, name)
            self.names.add(name)
            with connection.connection.dbapi_connection.cursor() as cursor:
                cursor.execute(self.SQL[method].format(self.dialect.identifier_preparer.quote(name)))
            return None

        return savepoint

    def created(self, session, transaction) -> None:
        if transaction.parent is not None:  # a savepoint inside the session's own transaction
            return
        for other in list(self.sessions):
            current = other.get_transaction()
            if other is session or current is None or not current.is_active or other.info.get("wrote"):
                continue
            expire, other.expire_on_commit = other.expire_on_commit, False
            try:
                other.commit()
            finally:
                other.expire_on_commit = expire
        self.sessions.add(session)
        self.opening = True

    def begun(self, _session, transaction, _connection) -> None:
        if transaction.parent is None:
            self.opening = False

    def ended(self, session, transaction) -> None:
        if transaction.parent is None:
            session.info.pop("wrote", None)
            self.opening = False

    @staticmethod
    def flushed(session, _flush_context) -> None:
        session.info["wrote"] = True

    @staticmethod
    def executing(state) -> None:
        if not state.is_select:  # an UPDATE, DELETE or INSERT, or any text (counted as a write, to be safe)
            state.session.info["wrote"] = True


class _OneThread:
    """Refuses the test's connection to any other thread or process: they would share one PostgreSQL connection
    (and its transaction) with the test. Such a test needs real commits: mark it ``live_database``."""

    def __init__(self):
        self.thread, self.pid = threading.get_ident(), os.getpid()

    def __call__(self, *_args):
        if (threading.get_ident(), os.getpid()) != (self.thread, self.pid):
            raise RuntimeError(
                "another thread or process used the test's PostgreSQL connection: a test that works "
                "with threads, other processes or a live server must be marked live_database"
            )
