"""Passwords: argon2id storage, upgrade of old werkzeug hashes at login, the minimum rules (service and form),
and a password change ending the user's other sessions."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from incidents.auth.models import User, UserSession
from incidents.errors import ValidationFailed
from incidents.extensions import db

from ..support.forms import post_form
from .conftest import PASSWORD, flashes, is_logged_in, location, login

EMAIL = "hanna.jansen@verwerker.example"

# (password, what the refusal must say) -- each breaks exactly one rule.
# The password, what the service says (English, as the API and the CLI say it) and what the Dutch page says.
WEAK = {
    "too short": ("Kort!Pw9x", "at least 12 characters", "ten minste 12 tekens"),
    "common": ("wachtwoord123", "most common passwords", "meest gebruikte wachtwoorden"),
    "too few distinct characters": ("abababababababab", "too few different characters", "te weinig verschillende"),
    "contains the e-mail local part": (
        "Xx-hanna.jansen-2026!",
        "may not contain the e-mail address",
        "mag het e-mailadres niet bevatten",
    ),
}


def _reload(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def test_new_users_get_an_argon2id_hash(app):
    from incidents.auth.service import create_user

    user = create_user(EMAIL, "handler", PASSWORD)
    db.session.commit()
    stored = _reload(user).password_hash
    assert stored.startswith("$argon2id$"), stored
    assert PASSWORD not in stored
    assert PasswordHasher().verify(stored, PASSWORD)


@pytest.mark.parametrize("method", ["pbkdf2:sha256", "scrypt"])
def test_old_werkzeug_hash_still_logs_in_and_is_upgraded(client, make_user, method):
    user = make_user(EMAIL)
    user.password_hash = generate_password_hash("an old but fine passphrase", method=method)
    db.session.commit()
    old = user.password_hash
    assert not old.startswith("$argon2")

    wrong = login(client, EMAIL, "not the passphrase at all")
    assert wrong.status_code == 200
    assert _reload(user).password_hash == old, "a wrong password must not touch the stored hash"

    right = login(client, EMAIL, "an old but fine passphrase")
    assert location(right) == "/"
    upgraded = _reload(user).password_hash
    assert upgraded.startswith("$argon2id$"), upgraded
    assert PasswordHasher().verify(upgraded, "an old but fine passphrase")
    # ...and the upgraded hash logs in as well
    client.post("/logout", data={"csrf_token": _token(client)})
    assert location(login(client, EMAIL, "an old but fine passphrase")) == "/"


def _token(client) -> str:
    from ..support.forms import csrf_token

    return csrf_token(client, "/account/")


@pytest.mark.parametrize(("password", "says", "_dutch"), WEAK.values(), ids=list(WEAK))
def test_create_user_refuses_weak_passwords(app, password, says, _dutch):
    from incidents.auth.service import create_user

    users = db.session.scalar(select(func.count()).select_from(User))
    with pytest.raises(ValidationFailed) as refused:
        create_user(EMAIL, "handler", password)
    db.session.rollback()
    assert says in refused.value.message
    assert (refused.value.field, refused.value.code) == ("password", "weak_password")
    assert db.session.scalar(select(func.count()).select_from(User)) == users


def test_the_rules_accept_a_good_password(app):
    from incidents.auth.service import create_user

    create_user(EMAIL, "handler", "Zeven paarse olifanten!")
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(User).where(User.email == EMAIL)) == 1


@pytest.mark.parametrize(("password", "_says", "dutch"), WEAK.values(), ids=list(WEAK))
def test_password_change_form_refuses_weak_passwords(client, make_user, password, _says, dutch):
    user = make_user(EMAIL)
    before = (user.password_hash, user.session_version)
    assert location(login(client, EMAIL)) == "/"

    response = post_form(
        client, "/account/password", {"pw-current": PASSWORD, "pw-new": password, "pw-repeat": password}
    )
    assert response.status_code == 422
    assert dutch in response.get_data(as_text=True)
    fresh = _reload(user)
    assert (fresh.password_hash, fresh.session_version) == before, "a refused change must change nothing"
    assert fresh.check_password(PASSWORD)
    assert is_logged_in(client)


def test_password_change_needs_the_current_password(client, make_user):
    user = make_user(EMAIL)
    before = (user.password_hash, user.session_version)
    login(client, EMAIL)
    response = post_form(
        client,
        "/account/password",
        {
            "pw-current": "not my password!",
            "pw-new": "Een nieuw goed wachtwoord",
            "pw-repeat": "Een nieuw goed wachtwoord",
        },
    )
    assert response.status_code == 422
    fresh = _reload(user)
    assert (fresh.password_hash, fresh.session_version) == before


def test_password_change_logs_out_other_sessions(app, make_user):
    user = make_user(EMAIL)
    mine, other = app.test_client(), app.test_client()
    assert location(login(mine, EMAIL)) == "/"
    assert location(login(other, EMAIL)) == "/"
    assert is_logged_in(other)
    version = user.session_version

    new = "Zeven paarse olifanten!"
    response = post_form(mine, "/account/password", {"pw-current": PASSWORD, "pw-new": new, "pw-repeat": new})
    assert location(response) == "/login"
    fresh = _reload(user)
    assert fresh.session_version == version + 1
    assert fresh.password_hash.startswith("$argon2id$") and fresh.check_password(new)

    assert not is_logged_in(other), "the other session must end with a password change"
    records = db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)).all()
    assert len(records) == 2 and all(r.ended_at is not None for r in records), "both records end on the server"
    assert location(other.get("/")).startswith("/login")
    # the old password no longer works, the new one does
    assert login(other, EMAIL, PASSWORD).status_code == 200
    assert flashes(login(other, EMAIL, PASSWORD))
    assert location(login(other, EMAIL, new)) == "/"
