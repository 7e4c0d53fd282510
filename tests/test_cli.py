from __future__ import annotations

from sqlalchemy import func, select

from incidents.auth.models import ApiToken, User
from incidents.breaches.models import Incident
from incidents.extensions import db


def test_users_create_with_password_stdin_and_tokens_create(runner, client):
    result = runner.invoke(args=["users", "create", "fg@verwerker.example", "--role", "admin", "--password-stdin"],
                           input="a long enough password\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User))
    assert user.role == "admin" and user.check_password("a long enough password")
    assert "a long enough password" not in user.password_hash

    result = runner.invoke(args=["tokens", "create", "fg@verwerker.example"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    stored = db.session.scalar(select(ApiToken))
    assert stored.token_hash != token and stored.token_hash == ApiToken.hash(token)
    assert client.get("/api/v1/profiles", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_users_create_refuses_short_password_and_duplicates(runner):
    short = runner.invoke(args=["users", "create", "a@b.example", "--role", "handler", "--password-stdin"],
                          input="short\n")
    assert short.exit_code != 0 and "12 characters" in short.output
    ok = runner.invoke(args=["users", "create", "a@b.example", "--role", "handler"])
    assert ok.exit_code == 0 and "password:" in ok.output
    again = runner.invoke(args=["users", "create", "A@b.example", "--role", "handler"])
    assert again.exit_code != 0 and "already exists" in again.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_tokens_create_for_unknown_user(runner):
    result = runner.invoke(args=["tokens", "create", "nobody@x.example"])
    assert result.exit_code != 0 and "no user" in result.output


def test_demo_load_is_realistic_and_repeatable(runner):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert first.output.strip().splitlines()[-1].startswith("login: demo@verwerker.example  password: ")
    statuses = set(db.session.scalars(select(Incident.status)))
    assert statuses == {"suspected", "confirmed", "dismissed"}
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0 and "already present" in second.output
    assert db.session.scalar(select(func.count()).select_from(Incident)) == 5
