"""Fixtures: a real SQLite file per test, migrated once per session by the real migrations."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from incidents import ROOT, create_app
from incidents.extensions import db

TABLES = (
    "controllers", "contracts", "incidents", "affected_contracts", "obligations", "filings", "decisions",
    "timeline_events", "users", "api_tokens", "documents", "outbox",
)


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "template"}, testing=True)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        db.engine.dispose()
    return path


@pytest.fixture
def db_path(tmp_path, migrated_template):
    path = tmp_path / "test.sqlite"
    shutil.copy(migrated_template, path)
    return path


@pytest.fixture
def app(db_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}", "SECRET_KEY": "test-secret"}, testing=True)

    @app.teardown_request
    def forget_login(_exc):
        # The test holds one app context open for its whole run, and requests share it; Flask-Login caches the
        # user in that context's `g`. Forget it after each request, as a real server (a context per request)
        # does, so two test clients are two different browsers.
        from flask import g

        g.pop("_login_user", None)
        g.pop("csrf_token", None)  # Flask-WTF caches the session's CSRF token there the same way

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
    """Counts of every table, to prove that a refused request wrote nothing."""

    def counts():
        db.session.expire_all()
        return {t: db.session.scalar(select(func.count()).select_from(db.metadata.tables[t])) for t in TABLES}

    return counts


def csrf_token(client, url: str) -> str:
    html = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


@pytest.fixture
def logged_in(client, user):
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"email": user.email, "password": "correct horse battery",
                                           "csrf_token": token})
    assert response.status_code == 302
    return client


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)
