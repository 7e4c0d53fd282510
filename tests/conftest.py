"""Fixtures: a real SQLite file per test, migrated once per session by the real migrations.

With ``TEST_DATABASE_URL`` set to a PostgreSQL URL (``scripts/pg-test-cluster -- pytest`` does that), the
suite runs on that database instead: it is emptied and migrated once per session by the same real migrations,
and after each test every table but ``alembic_version`` is emptied and every sequence restarted, so that the
next test starts from empty tables and ids from 1, as on a fresh SQLite copy (see ``postgres_database``). Under
pytest-xdist (``-n 2``) each worker gets a database of its own on the same server (``incidents_test_gw0``, ...).
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from functools import partial

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from incidents import ROOT, create_app
from incidents.extensions import db

from .support.client import RequestScopedClient
from .support.database import FOUNDATION_TABLES, ON_POSTGRES, TEST_DATABASE_URL, XDIST_WORKER, count_rows, postgres_url
from .support.forms import log_in

# Who at the controller took a decision that processor staff record (docs/API.md, "Decisions belong to the
# controller").
MAKER = {"name": "Fenna de Graaf", "function": "Functionaris gegevensbescherming", "via": "email"}
MAKER_FORM = {"decision-maker_name": MAKER["name"], "decision-maker_function": MAKER["function"],
              "decision-maker_via": MAKER["via"]}


@pytest.fixture(scope="session", autouse=True)
def quick_password_hashing():
    """argon2id at the library's recommended cost takes about a quarter of a second per hash and per check, and
    the suite hashes and checks well over a thousand passwords: on a two-core machine that alone was minutes per
    run, and `make test` runs the suite twice (SQLite, PostgreSQL). Tests use the same algorithm and hash format
    (``$argon2id$``) at the lowest cost; the application's own parameters are untouched."""
    from argon2 import PasswordHasher

    from incidents.auth import passwords

    recommended, passwords._hasher = passwords._hasher, PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    yield
    passwords._hasher = recommended


@pytest.fixture(scope="session")
def postgres_database():
    """The PostgreSQL test database, emptied and migrated once; yields its URL, an engine for housekeeping and
    the statement that empties it."""
    url = postgres_url(make_url(TEST_DATABASE_URL).database)
    if XDIST_WORKER:  # a database of the worker's own, created beside TEST_DATABASE_URL's
        server = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{make_url(url).database}"'))
        server.dispose()
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "template"}, testing=True)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        db.engine.dispose()
    yield url, engine, _emptying(engine)
    engine.dispose()


def _emptying(engine):
    """The statement that empties every table but alembic_version and restarts the id sequences at 1.

    As a superuser (the throwaway cluster's ``postgres``): DELETE with ``session_replication_role = replica``,
    which switches the foreign-key and append-only triggers off for this session only, and ``setval`` on each
    sequence; for tables of a few rows that is some 2 ms against TRUNCATE's 35 ms (new files for every table and
    index), which adds up over a thousand tests. Otherwise TRUNCATE ... RESTART IDENTITY CASCADE (TRUNCATE does
    not fire the append-only row triggers either)."""
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


@pytest.fixture
def database_uri(request):
    """The database URI of the test: its own SQLite copy, or the shared PostgreSQL database (emptied after it)."""
    if not ON_POSTGRES:
        yield f"sqlite:///{request.getfixturevalue('db_path')}"
        return
    url, engine, emptying = request.getfixturevalue("postgres_database")
    yield url
    # Runs after the test's app fixture has closed its sessions and disposed of its engine. A connection that
    # a test leaked would hold locks and block the emptying: fail loudly after a while rather than hang.
    with engine.connect() as connection:
        connection.execute(text("SET lock_timeout = '20s'"))
        connection.execute(emptying)


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "template"}, testing=True)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        db.engine.dispose()
    return path


@pytest.fixture
def db_path(tmp_path, request):
    if ON_POSTGRES:
        pytest.skip("needs the test's own SQLite file (db_path); the suite runs on PostgreSQL")
    migrated_template = request.getfixturevalue("migrated_template")
    path = tmp_path / "test.sqlite"
    shutil.copy(migrated_template, path)
    return path


@pytest.fixture
def app(database_uri):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_uri, "SECRET_KEY": "test-secret"}, testing=True)
    # The test holds one app context open for its whole run; each request gets a context of its own, as on a
    # server, so that nothing a request keeps on `g` (the logged-in user, the CSRF token) reaches the next one and
    # two test clients are two different browsers.
    app.test_client_class = RequestScopedClient
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# --- data helpers (they go through the real services and commit, as a request would) ---

@pytest.fixture
def make_controller(app):
    from incidents.parties import service

    counter = iter(range(1, 10_000))

    def make(**values):
        n = next(counter)
        data = {"name": f"Zorginstelling {n}", "contact_email": f"fg{n}@zorg{n}.example", "kvk": f"{n:08d}"}
        data.update(values)
        controller = service.create_controller(data)
        db.session.commit()
        return controller

    return make


@pytest.fixture
def make_contract(app, make_controller):
    from incidents.parties import service

    counter = iter(range(1, 100_000))

    def make(profile="boz-72h", controller=None, **values):
        controller = controller or make_controller()
        data = {"controller_id": controller.id, "profile": profile, "reference": f"VO-{next(counter):05d}"}
        data.update(values)
        contract = service.create_contract(data)
        db.session.commit()
        return contract

    return make


@pytest.fixture
def user(app):
    from incidents.auth.service import create_user

    created = create_user("handler@verwerker.example", "handler", "correct horse battery", name="Hanna Handler")
    db.session.commit()
    return created


@pytest.fixture
def token(app, user):
    from incidents.auth.service import create_token

    _, secret = create_token(user.email, "tests")
    db.session.commit()
    return secret


class Api:
    """A test client that sends the bearer token and JSON."""

    def __init__(self, client, token):
        self.client, self.headers = client, {"Authorization": f"Bearer {token}"}

    def get(self, url, **kw):
        return self.client.get(url, headers=self.headers, **kw)

    def post(self, url, json=None, **kw):
        return self.client.post(url, json=json, headers=self.headers, **kw)

    def patch(self, url, json=None, **kw):
        return self.client.patch(url, json=json, headers=self.headers, **kw)


@pytest.fixture
def api(client, token):
    return Api(client, token)


@pytest.fixture
def row_counts(app):
    """Counts of the foundation's tables, to prove that a refused request wrote nothing."""
    return partial(count_rows, FOUNDATION_TABLES)


@pytest.fixture
def logged_in(client, user):
    log_in(client, user.email, "correct horse battery")
    return client


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)
