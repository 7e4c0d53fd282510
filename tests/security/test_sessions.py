"""Sessions: log out, log out everywhere, the idle timeout, and where `next` may send someone after login."""

from __future__ import annotations

import time

import pytest

from incidents.auth.models import User
from incidents.extensions import db

from ..support.forms import csrf_token, second_factor
from .conftest import current_code, flashes, is_logged_in, location, login

EMAIL = "handler@verwerker.example"


def test_logout_ends_this_session_only(app, make_user):
    make_user(EMAIL)
    mine, other = app.test_client(), app.test_client()
    login(mine, EMAIL)
    login(other, EMAIL)
    assert location(mine.post("/logout", data={"csrf_token": csrf_token(mine, "/account/")})) == "/login"
    assert not is_logged_in(mine)
    assert is_logged_in(other)


def test_logout_needs_post_with_csrf(client, make_user):
    make_user(EMAIL)
    login(client, EMAIL)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400  # no CSRF token: a foreign page cannot log you out
    assert is_logged_in(client)


def test_logout_everywhere_ends_every_session(app, make_user):
    user = make_user(EMAIL)
    mine, phone, laptop = app.test_client(), app.test_client(), app.test_client()
    for client in (mine, phone, laptop):
        assert location(login(client, EMAIL)) == "/"
    version = user.session_version

    response = mine.post("/logout/everywhere", data={"csrf_token": csrf_token(mine, "/account/")})
    assert location(response) == "/login"
    db.session.expire_all()
    assert db.session.get(User, user.id).session_version == version + 1
    for client in (mine, phone, laptop):
        assert not is_logged_in(client)
        assert location(client.get("/")).startswith("/login")
    # a new login works again
    assert location(login(phone, EMAIL)) == "/"
    assert is_logged_in(phone)


def _age_session(client, seconds: float) -> None:
    with client.session_transaction() as session:
        assert "seen" in session, "a logged-in session records when it was last seen"
        session["seen"] = time.time() - seconds


@pytest.mark.parametrize("idle_minutes", [60, 5])
def test_idle_timeout(app, client, make_user, idle_minutes):
    app.config["SESSION_IDLE_MINUTES"] = idle_minutes
    make_user(EMAIL)
    login(client, EMAIL)

    _age_session(client, idle_minutes * 60 - 30)  # just inside the limit: still logged in, and the clock restarts
    assert client.get("/incidents/").status_code == 200
    with client.session_transaction() as session:
        assert time.time() - session["seen"] < 30

    _age_session(client, idle_minutes * 60 + 30)  # just past it: logged out
    response = client.get("/incidents/?status=confirmed")
    target = location(response)
    assert target.startswith("/login?next=")
    assert "incidents" in target
    assert flashes(client.get("/login"))
    assert not is_logged_in(client)
    assert location(client.get("/")).startswith("/login"), "the session must stay ended"

    # logging in again follows the next from the timeout redirect back to the page
    again = login(client, EMAIL, next_="/incidents/?status=confirmed")
    assert location(again) == "/incidents/?status=confirmed"


def test_idle_timeout_also_ends_a_post(app, client, make_user):
    make_user(EMAIL)
    login(client, EMAIL)
    token = csrf_token(client, "/controllers")
    _age_session(client, app.config["SESSION_IDLE_MINUTES"] * 60 + 30)
    response = client.post(
        "/controllers", data={"name": "Te laat B.V.", "contact_email": "fg@telaat.example", "csrf_token": token}
    )
    assert location(response).startswith("/login")
    from incidents.parties.models import Controller

    assert db.session.scalar(db.select(Controller).where(Controller.name == "Te laat B.V.")) is None


OWN = ["/incidents/", "/incidents/?status=confirmed", "/register/", "/account/tokens"]
FOREIGN = [
    "//evil.example",
    "//evil.example/login",
    "///evil.example",
    "https://evil.example",
    "http://evil.example/",
    "HTTPS://evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/incidents/\r\nSet-Cookie: x=1",
    "/\x00/evil.example",
    " //evil.example",
    "https:evil.example",
    "",
]
# Each login costs an argon2 verification: the whole list goes through safe_next, these through the login form.
FOREIGN_VIA_LOGIN = [
    "//evil.example",
    "https://evil.example",
    "/\\evil.example",
    "javascript:alert(1)",
    "/\t/evil.example",
    "/incidents/\r\nSet-Cookie: x=1",
]


def _logout(client) -> None:
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account/")})
    assert not is_logged_in(client)


def test_next_goes_to_own_paths(client, make_user):
    make_user(EMAIL)
    for target in OWN:
        assert location(login(client, EMAIL, next_=target)) == target
        _logout(client)


def test_next_never_leaves_the_site(client, make_user):
    make_user(EMAIL)
    for target in FOREIGN_VIA_LOGIN:
        response = login(client, EMAIL, next_=target)
        assert response.headers["Location"] == "/", (target, response.headers["Location"])
        assert is_logged_in(client)
        _logout(client)


def test_safe_next_refuses_every_foreign_target(app):
    from incidents.auth.views import safe_next

    with app.test_request_context("/login"):
        let_through = {target: safe_next(target) for target in FOREIGN if safe_next(target) != "/"}
        assert not let_through
        assert [safe_next(target) for target in OWN] == OWN


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example"])
def test_next_never_leaves_the_site_after_the_second_step(client, make_user, with_two_factor, target):
    user = make_user(EMAIL)
    secret, _ = with_two_factor(user)
    assert location(login(client, EMAIL, next_=target)) == "/login/2fa"
    response = second_factor(client, current_code(secret))
    assert response.headers["Location"] == "/", response.headers["Location"]
