"""Fixtures for the administration tests: an administrator with two-step verification, logged in through the real
login and /login/2fa pages, other users of every role, and a helper that logs anyone in."""

from __future__ import annotations

import csv
import io
from functools import partial

import pytest

from incidents.auth.models import User
from incidents.extensions import db

from ..support import people
from ..support.forms import post_form
from ..support.html import TableParser
from ..support.people import Person, log_in_as

PASSWORD = "Lange-zin met 5 woorden"
ADMIN_EMAIL = "beheer@verwerker.example"


@pytest.fixture
def new_client(app):
    def make():
        made = app.test_client()
        made.get("/login?lang=en")  # English pages: the assertions name the English msgids
        return made

    return make


@pytest.fixture
def client(new_client):
    return new_client()


def post(client, url: str, data: dict | None = None, token_page: str = "/account/tokens"):
    """A form POST with the session's CSRF token, as the browser sends it."""
    return post_form(client, url, data, token_from=token_page)


@pytest.fixture
def make_person(app):
    """make_person(email, role, *, controller=None, two_factor=False, name="") -> Person."""
    return partial(people.make_person, password=PASSWORD)


@pytest.fixture
def admin(make_person) -> Person:
    return make_person(ADMIN_EMAIL, "admin", two_factor=True, name="Bea Beheer")


@pytest.fixture
def admin_client(client, admin):
    response = log_in_as(client, admin)
    assert client.get("/admin/users").status_code == 200, response.headers["Location"]
    return client


@pytest.fixture
def handler(make_person) -> Person:
    return make_person("hanna@verwerker.example", "handler", name="Hanna Handler")


def reload(user_or_person) -> User:
    """The user as stored now (the requests ran in their own sessions)."""
    user = getattr(user_or_person, "user", user_or_person)
    db.session.expire_all()
    return db.session.get(User, user.id)


def table(response, table_id: str) -> TableParser:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    parser = TableParser(table_id)
    parser.feed(response.get_data(as_text=True))
    assert parser.headers, f"no table#{table_id} on the page"
    return parser


def read_csv(response) -> tuple[list[str], list[list[str]]]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/csv"
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    text = raw.decode("utf-8-sig")
    delimiter = ";" if text.splitlines()[0].count(";") else ","
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    return rows[0], rows[1:]
