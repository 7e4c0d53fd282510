"""flask users … and flask tokens … on the command line, through the real CLI runner."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from incidents.auth.models import ApiToken, User
from incidents.auth.service import find_user
from incidents.core.instants import utcnow
from incidents.extensions import db

from ..support.forms import csrf_token
from .conftest import PASSWORD, reload

STRONG = "een lang genoeg wachtwoord\n"


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def invoke(runner, *args, input=None):
    return runner.invoke(args=list(args), input=input)


def lines(result) -> list[list[str]]:
    return [line.split("\t") for line in result.output.strip().splitlines()]


# --- users create ---


@pytest.mark.parametrize("role", ["admin", "handler", "viewer"])
def test_users_create_staff_roles(runner, role):
    result = invoke(
        runner,
        "users",
        "create",
        f"{role}@verwerker.example",
        "--role",
        role,
        "--name",
        "Iemand",
        "--password-stdin",
        input=STRONG,
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"created {role} {role}@verwerker.example"
    user = find_user(f"{role}@verwerker.example")
    assert user.role == role and user.name == "Iemand" and user.controller_id is None
    assert user.check_password(STRONG.strip())


def test_users_create_controller_user_needs_its_controller(runner, make_controller):
    controller = make_controller()
    missing = invoke(runner, "users", "create", "fg@kliniek.example", "--role", "controller", input=STRONG)
    assert missing.exit_code == 1 and "a controller user needs an existing controller" in missing.output
    unknown = invoke(runner, "users", "create", "fg@kliniek.example", "--role", "controller", "--controller", "9999")
    assert unknown.exit_code == 1 and "needs an existing controller" in unknown.output
    staff = invoke(
        runner, "users", "create", "h@verwerker.example", "--role", "handler", "--controller", str(controller.id)
    )
    assert staff.exit_code == 1 and "only controller users belong to a controller" in staff.output
    huge = invoke(
        runner,
        "users",
        "create",
        "fg@kliniek.example",
        "--role",
        "controller",
        "--controller",
        "99999999999999999999999",
    )
    assert huge.exit_code == 2 and "--controller" in huge.output
    assert count(User) == 0

    done = invoke(
        runner, "users", "create", "fg@kliniek.example", "--role", "controller", "--controller", str(controller.id)
    )
    assert done.exit_code == 0, done.output
    assert done.output.splitlines()[0] == "created controller fg@kliniek.example"
    assert done.output.splitlines()[1].startswith("password: ")
    assert find_user("fg@kliniek.example").controller_id == controller.id


def test_users_create_refuses_unknown_role_and_weak_password(runner):
    role = invoke(runner, "users", "create", "x@verwerker.example", "--role", "superuser")
    assert role.exit_code == 2 and "superuser" in role.output
    weak = invoke(
        runner,
        "users",
        "create",
        "xavier@verwerker.example",
        "--role",
        "viewer",
        "--password-stdin",
        input="xavier1234567\n",
    )
    assert weak.exit_code == 1 and "may not contain the e-mail address" in weak.output
    assert count(User) == 0


# --- users list, unlock, reset-2fa, deactivate, reactivate ---


def test_users_list(runner, admin, make_person, make_controller):
    controller = make_controller()
    make_person("fg@kliniek.example", "controller", controller=controller)
    make_person("kijker@verwerker.example", "viewer")
    deactivated = invoke(runner, "users", "deactivate", "kijker@verwerker.example")
    assert deactivated.exit_code == 0, deactivated.output
    result = invoke(runner, "users", "list")
    assert result.exit_code == 0, result.output
    assert lines(result) == [
        ["email", "role", "controller", "2fa", "active"],
        [admin.email, "admin", "-", "on", "yes"],
        ["fg@kliniek.example", "controller", str(controller.id), "off", "yes"],
        ["kijker@verwerker.example", "viewer", "-", "off", "no"],
    ]


def test_users_list_when_empty(runner):
    result = invoke(runner, "users", "list")
    assert result.exit_code == 0 and lines(result) == [["email", "role", "controller", "2fa", "active"]]


def test_users_unlock(runner, client, handler):
    for _ in range(5):
        client.post(
            "/login",
            data={"email": handler.email, "password": "wrong password!!", "csrf_token": csrf_token(client, "/login")},
        )
    assert reload(handler).locked_until is not None
    result = invoke(runner, "users", "unlock", handler.email.upper())
    assert result.exit_code == 0 and result.output.strip() == f"unlocked {handler.email}"
    stored = reload(handler)
    assert stored.locked_until is None and stored.failed_logins == 0
    response = client.post(
        "/login", data={"email": handler.email, "password": PASSWORD, "csrf_token": csrf_token(client, "/login")}
    )
    assert response.status_code == 302


def test_users_reset_2fa(runner, admin):
    version = reload(admin).session_version
    result = invoke(runner, "users", "reset-2fa", admin.email)
    assert result.exit_code == 0, result.output
    assert "two-step verification reset for beheer@verwerker.example" in result.output
    stored = reload(admin)
    assert not stored.totp_enabled and stored.totp_secret is None and stored.session_version == version + 1
    again = invoke(runner, "users", "reset-2fa", admin.email)
    assert again.exit_code == 1 and "has no two-step verification to reset" in again.output
    assert reload(admin).session_version == version + 1


def test_users_deactivate_and_reactivate(runner, handler, make_person, make_controller):
    version = reload(handler).session_version
    result = invoke(runner, "users", "deactivate", handler.email)
    assert result.exit_code == 0 and result.output.strip() == f"deactivated {handler.email}"
    stored = reload(handler)
    assert not stored.active and stored.session_version == version + 1
    again = invoke(runner, "users", "deactivate", handler.email)
    assert again.exit_code == 1 and "already deactivated" in again.output
    assert reload(handler).session_version == version + 1
    back = invoke(runner, "users", "reactivate", handler.email)
    assert back.exit_code == 0 and reload(handler).active

    portal = make_person("fg@kliniek.example", "controller", controller=make_controller())
    assert invoke(runner, "users", "deactivate", portal.email).exit_code == 0
    assert reload(portal).controller_id is not None and not reload(portal).active


@pytest.mark.parametrize("command", ["unlock", "reset-2fa", "deactivate", "reactivate"])
def test_users_commands_for_an_unknown_user(runner, command):
    result = invoke(runner, "users", command, "niemand@verwerker.example")
    assert result.exit_code == 1 and "there is no user niemand@verwerker.example" in result.output


# --- tokens ---


def test_tokens_create_with_expiry_prints_the_token_last(runner, client, handler):
    result = invoke(runner, "tokens", "create", handler.email, "--name", "SIEM", "--expires-days", "30")
    assert result.exit_code == 0, result.output
    output = result.output.strip().splitlines()
    secret = output[-1]
    assert output[0].startswith("expires: ") and output[-2] == "API token (shown once; only its hash is stored):"
    stored = db.session.scalar(select(ApiToken))
    assert stored.token_hash == ApiToken.hash(secret) and stored.name == "SIEM"
    assert timedelta(days=30) == stored.expires_at - stored.created_at
    assert client.get("/api/v1/profiles", headers={"Authorization": f"Bearer {secret}"}).status_code == 200


@pytest.mark.parametrize("days", ["0", "3651", "-1"])
def test_tokens_create_refuses_bad_expiry(runner, handler, days):
    result = invoke(runner, "tokens", "create", handler.email, "--expires-days", days)
    assert result.exit_code == 1 and "expires_days must be a whole number from 1 to 3650" in result.output
    assert count(ApiToken) == 0


def test_tokens_create_refuses_non_number_expiry(runner, handler):
    result = invoke(runner, "tokens", "create", handler.email, "--expires-days", "soon")
    assert result.exit_code == 2 and count(ApiToken) == 0


def test_tokens_list_and_revoke(runner, client, handler):
    first = invoke(runner, "tokens", "create", handler.email, "--name", "SIEM").output.strip().splitlines()[-1]
    invoke(runner, "tokens", "create", handler.email, "--name", "Back-up", "--expires-days", "1")
    assert client.get("/api/v1/profiles", headers={"Authorization": f"Bearer {first}"}).status_code == 200
    siem = db.session.scalar(select(ApiToken).where(ApiToken.name == "SIEM"))

    listed = invoke(runner, "tokens", "list", handler.email)
    assert listed.exit_code == 0, listed.output
    table = lines(listed)
    assert table[0] == ["id", "name", "created", "expires", "last used", "state"]
    by_name = {row[1]: row for row in table[1:]}
    assert set(by_name) == {"SIEM", "Back-up"}
    assert by_name["SIEM"][0] == str(siem.id) and by_name["SIEM"][3] == "—" and by_name["SIEM"][5] == "active"
    assert by_name["SIEM"][4] != "—"  # used once just now
    assert by_name["Back-up"][3] != "—" and by_name["Back-up"][4] == "—"

    revoked = invoke(runner, "tokens", "revoke", str(siem.id))
    assert revoked.exit_code == 0 and revoked.output.strip() == f"revoked token {siem.id} (SIEM) of {handler.email}"
    assert client.get("/api/v1/profiles", headers={"Authorization": f"Bearer {first}"}).status_code == 401
    assert {row[1]: row[5] for row in lines(invoke(runner, "tokens", "list", handler.email))[1:]} == {
        "SIEM": "revoked",
        "Back-up": "active",
    }
    again = invoke(runner, "tokens", "revoke", str(siem.id))
    assert again.exit_code == 1 and "already revoked" in again.output


def test_tokens_list_shows_expired_tokens(runner, handler):
    from incidents.auth.service import create_token

    create_token(handler.email, "oud", expires_days=1, now=utcnow() - timedelta(days=2))
    db.session.commit()
    result = invoke(runner, "tokens", "list", handler.email)
    assert lines(result)[1][1] == "oud" and lines(result)[1][5] == "expired"


def test_tokens_commands_refuse_unknown_user_and_token(runner):
    assert "there is no user" in invoke(runner, "tokens", "list", "niemand@x.example").output
    unknown = invoke(runner, "tokens", "revoke", "4242")
    assert unknown.exit_code == 1 and "there is no token 4242" in unknown.output
    assert invoke(runner, "tokens", "revoke", "abc").exit_code == 2
