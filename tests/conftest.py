"""Fixtures: one application for the session, and a fresh database for every test.

The app is built once per session (per xdist worker) and kept in an application context for each test; what a
test changes on it (its settings, its extensions, the rate limiter) is put back afterwards. The database is
migrated once by the real migrations. On SQLite each test gets a copy of the migrated file. With
``TEST_DATABASE_URL`` set to a PostgreSQL URL (``scripts/pg-test-cluster -- pytest`` does that), the suite runs on
that database instead (one per xdist worker, ``incidents_test_gw0``, ...): each test runs in a transaction that is
rolled back at its end, its commits turned into savepoints; a test marked ``live_database`` (threads, other
processes, a live server) commits for real, and the tables are emptied after it. Either way every test starts from
empty tables and ids from 1 (see tests/support/database.py).
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial

import pytest

from incidents.extensions import db

from .support.app import build_app, kept
from .support.database import (
    FOUNDATION_TABLES,
    ON_POSTGRES,
    PostgresDatabase,
    SQLiteDatabase,
    count_rows,
    record_intact,
)
from .support.forms import log_in

# Who at the controller took a decision that processor staff record (docs/API.md, "Decisions belong to the
# controller").
MAKER = {"name": "Fenna de Graaf", "function": "Functionaris gegevensbescherming", "via": "email"}
MAKER_FORM = {
    "decision-maker_name": MAKER["name"],
    "decision-maker_function": MAKER["function"],
    "decision-maker_via": MAKER["via"],
}


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


SQLITE_PASS_ONLY = (
    "tests that do not use the test database (nothing in them depends on which one it is), and the "
    "browser tests (the pages through Chromium; the other tests cover the database behind them)"
)


def pytest_report_header():
    if ON_POSTGRES:
        return f"PostgreSQL pass: {SQLITE_PASS_ONLY} run in the SQLite pass only, and are deselected here"
    return None


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "live_server" in getattr(item, "fixturenames", ()):  # the server's threads read what the test wrote
            item.add_marker(pytest.mark.live_database)
    if ON_POSTGRES:  # `make test` runs the suite on SQLite and on PostgreSQL: these once is enough
        once = [
            item
            for item in items
            if item.get_closest_marker("browser") or "test_database" not in getattr(item, "fixturenames", ())
        ]
        if once:
            config.hook.pytest_deselected(items=once)
            items[:] = [item for item in items if item not in set(once)]


@pytest.fixture(scope="session")
def test_database(tmp_path_factory):
    """The suite's database: a SQLite file, or with TEST_DATABASE_URL a PostgreSQL database (one per xdist
    worker), migrated once by the real migrations."""
    return PostgresDatabase() if ON_POSTGRES else SQLiteDatabase(tmp_path_factory.mktemp("database"))


@pytest.fixture(scope="session")
def shared_app(test_database):
    """The suite's one application (one per xdist worker). Building it costs more than most tests (Werkzeug compiles
    the URL rules of every blueprint), so it is built once; every test gets fresh data, and what a test changes on
    the app is put back afterwards (see `fresh_database`)."""
    app = build_app(test_database.url, **test_database.settings)
    test_database.migrate(app)
    yield app
    test_database.close(app)


@pytest.fixture
def fresh_database(request, shared_app, test_database):
    """The migrated, empty test database for this test (on SQLite a fresh copy; on PostgreSQL a transaction that is
    rolled back, or for a test marked live_database real commits and emptied tables afterwards), and the shared app
    as it was before the test."""
    live = request.node.get_closest_marker("live_database") is not None
    with kept(shared_app), test_database.fresh(shared_app, live=live):
        yield test_database


@pytest.fixture
def database_uri(fresh_database):
    """The URL of the test database, for what connects on its own: an app of the test's own, another process."""
    return fresh_database.url


@pytest.fixture
def app(request, shared_app, fresh_database):
    """The shared app, in an application context that lasts the whole test, on a fresh database.

    After the test the record's chains are recomputed: whatever the test made the application write, every row of
    an append-only table must have its link and match it (a test that tampers with the record on purpose is marked
    ``tampers_with_record``)."""
    with shared_app.app_context():
        yield shared_app
        if request.node.get_closest_marker("tampers_with_record") is None:
            record_intact()


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
