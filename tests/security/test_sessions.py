"""Sessions: log out, log out everywhere, the idle timeout, the absolute lifetime, sessions kept on the server (a
copied cookie dies with its session), and where `next` may send someone after login."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import select

from incidents.auth.models import User, UserSession
from incidents.core.instants import utcnow
from incidents.extensions import db

from ..support.client import RequestScopedClient
from ..support.forms import csrf_token, second_factor
from .conftest import current_code, flashes, is_logged_in, location, login

EMAIL = "handler@verwerker.example"
# The login page's messages (the page of a visitor who is not logged in speaks Dutch).
ENDED = "Uw sessie is beëindigd. Log opnieuw in."
IDLE = "U bent uitgelogd na een periode van inactiviteit."


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
    records = db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)).all()
    assert len(records) == 3 and all(r.ended_at is not None for r in records), "every record on the server is ended"
    # a new login works again
    assert location(login(phone, EMAIL)) == "/"
    assert is_logged_in(phone)


def _session_id(client) -> str:
    """The session id in the client's (signed) cookie."""
    with client.session_transaction() as session:
        assert "sid" in session, "a logged-in session names its record on the server"
        return session["sid"]


def _record(client) -> UserSession:
    """The server's record of the client's session."""
    db.session.expire_all()
    record = db.session.scalar(
        select(UserSession).where(UserSession.token_hash == UserSession.hash(_session_id(client)))
    )
    assert record is not None, "the session's record is on the server"
    return record


def _age_session(client, seconds: float) -> None:
    """Make the client's last request ``seconds`` ago, on the server (which is where the idle time is counted)."""
    record = _record(client)
    record.last_seen = utcnow() - timedelta(seconds=seconds)
    db.session.commit()


def _let_time_pass(client, seconds: float) -> None:
    """As if ``seconds`` had passed since the login and since the last request: both instants of the session's record
    move back (faster than waiting, and exactly as the server counts them)."""
    record = _record(client)
    record.created_at -= timedelta(seconds=seconds)
    record.last_seen -= timedelta(seconds=seconds)
    db.session.commit()


@pytest.mark.parametrize("idle_minutes", [60, 5])
def test_idle_timeout(app, client, make_user, idle_minutes):
    app.config["SESSION_IDLE_MINUTES"] = idle_minutes
    make_user(EMAIL)
    login(client, EMAIL)

    _age_session(client, idle_minutes * 60 - 30)  # just inside the limit: still logged in, and the clock restarts
    assert client.get("/incidents/").status_code == 200
    assert utcnow() - _record(client).last_seen < timedelta(seconds=30)

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


def test_the_cookie_names_the_session_and_the_server_keeps_its_hash(client, make_user):
    user = make_user(EMAIL)
    login(client, EMAIL)
    session_id = _session_id(client)
    record = _record(client)
    assert len(session_id) >= 40
    assert record.user_id == user.id and record.ended_at is None
    assert record.token_hash == hashlib.sha256(session_id.encode()).hexdigest()
    assert record.created_at == record.last_seen and utcnow() - record.created_at < timedelta(seconds=30)


def test_a_copied_cookie_dies_with_its_session_at_logout(app, client, make_user):
    from incidents.parties.models import Controller

    make_user(EMAIL)
    login(client, EMAIL)
    copied = client.get_cookie("session").value
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/incidents/").status_code == 200, "while the session lives, its cookie works anywhere"
    token = csrf_token(thief, "/controllers")

    assert location(client.post("/logout", data={"csrf_token": csrf_token(client, "/account/")})) == "/login"
    assert _ended(copied)

    replay = app.test_client()
    replay.set_cookie("session", copied)
    response = replay.get("/incidents/")
    assert location(response).startswith("/login?next=")
    assert ENDED in flashes(replay.get("/login"))
    assert not is_logged_in(replay)
    # the thief's own copy (with whatever the responses since set in it) is dead too, for a read and for a write
    assert location(thief.get("/account/")).startswith("/login")
    for _attempt in range(2):
        replay = app.test_client()
        replay.set_cookie("session", copied)
        post = replay.post(
            "/controllers", data={"name": "Na afmelden B.V.", "contact_email": "fg@na.example", "csrf_token": token}
        )
        assert location(post).startswith("/login")
    assert db.session.scalar(select(Controller).where(Controller.name == "Na afmelden B.V.")) is None
    # the owner logs in again: a new session, with a new id
    assert location(login(client, EMAIL)) == "/"
    assert is_logged_in(client)
    assert client.get_cookie("session").value != copied


def _ended(cookie: str) -> bool:
    """Whether the session that a copied cookie names has ended on the server."""
    reader = RequestScopedClient(current_app, current_app.response_class)
    reader.set_cookie("session", cookie)
    with reader.session_transaction() as session:
        session_id = session["sid"]
    db.session.expire_all()
    record = db.session.scalar(select(UserSession).where(UserSession.token_hash == UserSession.hash(session_id)))
    return record is not None and record.ended_at is not None


@pytest.mark.parametrize(
    ("lifetime", "idle_minutes", "step"),
    [(120, 1, 40), (12 * 3600, 60, 50 * 60)],
    ids=["lifetime 120 s, a request every 40 s", "12 hours, a request every 50 minutes"],
)
def test_a_session_in_use_ends_at_its_absolute_lifetime(
    app, client, make_user, monkeypatch, lifetime, idle_minutes, step
):
    monkeypatch.setitem(app.config, "PERMANENT_SESSION_LIFETIME", lifetime)
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", idle_minutes)
    make_user(EMAIL)
    login(client, EMAIL)
    elapsed = 0
    while elapsed + step < lifetime:  # used all the time: never idle
        _let_time_pass(client, step)
        elapsed += step
        assert client.get("/incidents/").status_code == 200, elapsed
    assert elapsed >= 2 * step, "the session was used several times, each time inside the idle time"

    _let_time_pass(client, lifetime - elapsed)  # the lifetime is over (counted from the login), activity or not
    response = client.get("/incidents/")
    assert location(response).startswith("/login?next=")
    messages = flashes(client.get("/login"))
    assert ENDED in messages
    assert IDLE not in messages
    assert not is_logged_in(client)
    db.session.expire_all()
    assert db.session.scalar(select(UserSession.ended_at)) is not None
    assert location(login(client, EMAIL)) == "/"  # a new login: a new session, with a lifetime of its own
    assert client.get("/incidents/").status_code == 200


def test_the_idle_timeout_ends_the_session_on_the_server(app, client, make_user):
    make_user(EMAIL)
    login(client, EMAIL)
    copied = client.get_cookie("session").value
    _age_session(client, app.config["SESSION_IDLE_MINUTES"] * 60 + 30)
    assert location(client.get("/incidents/")).startswith("/login")
    assert _ended(copied)
    # a cookie copied before the timeout stays dead, even once its idle time would no longer count
    record = db.session.scalar(select(UserSession))
    record.last_seen = utcnow()
    db.session.commit()
    replay = app.test_client()
    replay.set_cookie("session", copied)
    assert location(replay.get("/incidents/")).startswith("/login")


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
