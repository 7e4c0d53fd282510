"""/admin/users: creating users, changing roles, deactivating, unlocking and resetting two-step verification."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from incidents.auth.models import User
from incidents.auth.service import find_user
from incidents.extensions import db

from ..support.forms import csrf_token
from ..support.people import log_in_as
from .conftest import PASSWORD, reload, table

USERS = "/admin/users"


def user_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(User))


def submit(client, url: str, data: dict | None = None):
    return client.post(url, data={"csrf_token": csrf_token(client, USERS), **(data or {})})


def create(client, **values):
    data = {
        "email": "nieuw@verwerker.example",
        "name": "Nina Nieuw",
        "role": "handler",
        "controller_id": "",
        "password": "een heel lang wachtwoord",
    }
    data.update(values)
    return submit(client, USERS, data)


def row_of(client, email: str) -> tuple[dict, list[str]]:
    rows = {attrs["data-email"]: (attrs, cells) for attrs, cells in table(client.get(USERS), "users").rows}
    return rows[email]


# --- the list ---


def test_the_list_shows_each_user_with_role_controller_and_state(admin_client, admin, make_person, make_controller):
    controller = make_controller(name="Kliniek Oost")
    portal = make_person("portaal@kliniek.example", "controller", controller=controller, name="Piet Portaal")
    viewer = make_person("kijker@verwerker.example", "viewer", two_factor=True)
    parsed = table(admin_client.get(USERS), "users")
    assert parsed.headers[:8] == [
        "E-mail address",
        "Name",
        "Role",
        "Controller",
        "Two-step verification",
        "Active",
        "Locked until",
        "Last login",
    ]
    rows = {attrs["data-email"]: cells for attrs, cells in parsed.rows}
    assert set(rows) == {admin.email, portal.email, viewer.email}
    assert rows[portal.email][1:6] == ["Piet Portaal", "controller user", "Kliniek Oost", "off", "active"]
    assert rows[viewer.email][2:6] == ["viewer (read-only)", "—", "on", "active"]
    assert rows[admin.email][4] == "on" and rows[admin.email][7] != "—"  # the admin has logged in
    assert rows[viewer.email][7] == "—"


# --- creating ---


def test_create_a_handler(admin_client):
    response = create(admin_client)
    assert response.status_code == 302 and response.headers["Location"].endswith(USERS)
    user = find_user("nieuw@verwerker.example")
    assert user.role == "handler" and user.name == "Nina Nieuw" and user.controller_id is None
    assert user.check_password("een heel lang wachtwoord") and "een heel lang" not in user.password_hash
    attrs, cells = row_of(admin_client, "nieuw@verwerker.example")
    assert attrs["data-role"] == "handler" and cells[2] == "handler"


def test_create_a_controller_user_with_its_controller(admin_client, make_controller):
    controller = make_controller(name="Kliniek West")
    response = create(admin_client, email="fg@kliniek.example", role="controller", controller_id=str(controller.id))
    assert response.status_code == 302
    user = find_user("fg@kliniek.example")
    assert user.role == "controller" and user.controller_id == controller.id


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"role": "controller", "controller_id": ""}, "A controller user needs a controller."),
        ({"role": "handler", "controller_id": "CONTROLLER"}, "Only controller users belong to a controller"),
        ({"role": "admin", "controller_id": "CONTROLLER"}, "Only controller users belong to a controller"),
        ({"role": "controller", "controller_id": "999999"}, "Choose a controller from the list."),
        ({"role": "controller", "controller_id": "1; DROP"}, "Choose a controller from the list."),
        ({"role": "superuser"}, "Choose a role from the list."),
        ({"password": "kort"}, "at least 12 characters"),
        ({"password": "aaaaaaaaaaaaaaaa"}, "too few different characters"),
        ({"password": "Welkom123456"}, "one of the most common passwords"),
        ({"password": "mijn nieuw wachtwoord"}, "may not contain the e-mail address"),
        ({"password": ""}, "This field is required."),
        ({"email": "geen-adres"}, "is not a valid e-mail address"),
        ({"email": "beheer@verwerker.example"}, "already exists"),
    ],
)
def test_create_refuses_with_422_and_writes_nothing(admin_client, admin, make_controller, values, message):
    controller = make_controller()
    values = {k: (str(controller.id) if v == "CONTROLLER" else v) for k, v in values.items()}
    before = user_count()
    response = create(admin_client, **values)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html.replace("&#39;", "'")
    assert 'id="new-user"' in html
    assert user_count() == before


def test_create_without_csrf_token_is_refused(admin_client):
    response = admin_client.post(
        USERS, data={"email": "x@verwerker.example", "role": "handler", "password": "een heel lang wachtwoord"}
    )
    assert response.status_code == 400
    assert find_user("x@verwerker.example") is None


# --- changing a role ---


def test_role_change_ends_the_users_open_session(admin_client, handler, new_client):
    theirs = new_client()
    log_in_as(theirs, handler)
    assert theirs.get("/incidents/").status_code == 200
    version = reload(handler).session_version

    response = submit(admin_client, f"{USERS}/{handler.id}/role", {"role": "viewer", "controller_id": ""})
    assert response.status_code == 302
    stored = reload(handler)
    assert stored.role == "viewer" and stored.session_version == version + 1

    after = theirs.get("/incidents/")
    assert after.status_code == 302 and "/login" in after.headers["Location"]
    log_in_as(theirs, handler)  # logging in again works, now as a viewer
    assert theirs.get("/incidents/").status_code == 200
    write = theirs.post("/incidents/new", data={"csrf_token": csrf_token(theirs, "/account/tokens"), "title": "x"})
    assert write.status_code == 403  # a viewer only reads


def test_role_change_to_controller_needs_a_controller(admin_client, handler, make_controller):
    controller = make_controller(name="Kliniek Zuid")
    version = reload(handler).session_version
    refused = submit(admin_client, f"{USERS}/{handler.id}/role", {"role": "controller", "controller_id": ""})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "A controller user needs a controller." in html and 'id="user-problem"' in html
    stored = reload(handler)
    assert (stored.role, stored.controller_id, stored.session_version) == ("handler", None, version)

    done = submit(
        admin_client, f"{USERS}/{handler.id}/role", {"role": "controller", "controller_id": str(controller.id)}
    )
    assert done.status_code == 302
    stored = reload(handler)
    assert (stored.role, stored.controller_id, stored.session_version) == ("controller", controller.id, version + 1)


def test_unchanged_role_keeps_the_session(admin_client, handler):
    version = reload(handler).session_version
    response = submit(admin_client, f"{USERS}/{handler.id}/role", {"role": "handler", "controller_id": ""})
    assert response.status_code == 302
    assert reload(handler).session_version == version


def test_unknown_user_is_404(admin_client):
    assert submit(admin_client, f"{USERS}/987654/role", {"role": "viewer"}).status_code == 404
    assert submit(admin_client, f"{USERS}/987654/deactivate").status_code == 404


# --- what an administrator may not do to themselves ---


def test_an_admin_cannot_demote_themselves(admin_client, admin):
    version = reload(admin).session_version
    response = submit(admin_client, f"{USERS}/{admin.id}/role", {"role": "handler", "controller_id": ""})
    assert response.status_code == 422
    assert "You cannot take away your own administrator role." in response.get_data(as_text=True)
    stored = reload(admin)
    assert stored.role == "admin" and stored.session_version == version
    assert admin_client.get(USERS).status_code == 200  # still logged in, still an administrator


def test_an_admin_cannot_deactivate_themselves_or_reset_their_own_two_factor(admin_client, admin):
    deactivate = submit(admin_client, f"{USERS}/{admin.id}/deactivate")
    assert deactivate.status_code == 422
    assert "You cannot deactivate your own account." in deactivate.get_data(as_text=True)
    reset = submit(admin_client, f"{USERS}/{admin.id}/reset-2fa")
    assert reset.status_code == 422
    assert "You cannot reset your own two-step verification." in reset.get_data(as_text=True)
    stored = reload(admin)
    assert stored.active and stored.totp_enabled and stored.totp_secret == admin.secret
    attrs, _cells = row_of(admin_client, admin.email)
    assert attrs["data-active"] == "yes"


def test_another_admin_can_be_demoted(admin_client, make_person):
    other = make_person("tweede@verwerker.example", "admin", two_factor=True)
    response = submit(admin_client, f"{USERS}/{other.id}/role", {"role": "handler", "controller_id": ""})
    assert response.status_code == 302 and reload(other).role == "handler"


# --- deactivating ---


def test_deactivate_ends_sessions_and_logins_and_reactivate_restores(admin_client, handler, new_client):
    theirs = new_client()
    log_in_as(theirs, handler)
    version = reload(handler).session_version
    response = submit(admin_client, f"{USERS}/{handler.id}/deactivate")
    assert response.status_code == 302
    stored = reload(handler)
    assert not stored.active and stored.session_version == version + 1
    assert theirs.get("/incidents/").headers["Location"].startswith("/login")
    refused = theirs.post(
        "/login", data={"email": handler.email, "password": PASSWORD, "csrf_token": csrf_token(theirs, "/login")}
    )
    assert refused.status_code == 200  # the login form again, with its message
    assert row_of(admin_client, handler.email)[0]["data-active"] == "no"

    again = submit(admin_client, f"{USERS}/{handler.id}/deactivate")
    assert again.status_code == 422 and "already deactivated" in again.get_data(as_text=True)

    assert submit(admin_client, f"{USERS}/{handler.id}/reactivate").status_code == 302
    assert reload(handler).active
    log_in_as(theirs, handler)
    assert theirs.get("/incidents/").status_code == 200


def test_deactivating_a_controller_user_keeps_their_controller(admin_client, make_person, make_controller):
    controller = make_controller()
    portal = make_person("fg@kliniek.example", "controller", controller=controller)
    assert submit(admin_client, f"{USERS}/{portal.id}/deactivate").status_code == 302
    stored = reload(portal)
    assert not stored.active and stored.controller_id == controller.id and stored.role == "controller"


# --- unlocking ---


def test_unlock_clears_the_lockout(admin_client, handler, new_client):
    theirs = new_client()
    for _ in range(5):
        theirs.post(
            "/login",
            data={"email": handler.email, "password": "wrong password!!", "csrf_token": csrf_token(theirs, "/login")},
        )
    stored = reload(handler)
    assert stored.locked_until is not None
    locked = theirs.post(
        "/login", data={"email": handler.email, "password": PASSWORD, "csrf_token": csrf_token(theirs, "/login")}
    )
    assert locked.status_code == 200  # the right password does not open a locked account
    attrs, _cells = row_of(admin_client, handler.email)
    assert attrs["data-locked"] == "yes"

    assert submit(admin_client, f"{USERS}/{handler.id}/unlock").status_code == 302
    stored = reload(handler)
    assert stored.locked_until is None and stored.failed_logins == 0
    log_in_as(theirs, handler)
    assert theirs.get("/incidents/").status_code == 200


def test_wrong_codes_show_and_unlock_resets_them(admin_client, make_person, new_client):
    person = make_person("kijker@verwerker.example", "viewer", two_factor=True)
    theirs = new_client()
    response = theirs.post(
        "/login", data={"email": person.email, "password": PASSWORD, "csrf_token": csrf_token(theirs, "/login")}
    )
    assert response.headers["Location"].endswith("/login/2fa")
    for _ in range(3):
        theirs.post("/login/2fa", data={"code": person.wrong_code(), "csrf_token": csrf_token(theirs, "/login/2fa")})
    assert reload(person).failed_codes == 3
    attrs, cells = row_of(admin_client, person.email)
    assert attrs["data-locked"] == "no"
    assert "(3 wrong codes)" in " ".join(cells)

    assert submit(admin_client, f"{USERS}/{person.id}/unlock").status_code == 302
    stored = reload(person)
    assert (stored.failed_codes, stored.failed_logins, stored.locked_until) == (0, 0, None)
    assert "wrong code" not in " ".join(row_of(admin_client, person.email)[1])


# --- resetting two-step verification ---


def test_reset_two_factor_of_a_user(admin_client, make_person, new_client):
    person = make_person("kijker@verwerker.example", "viewer", two_factor=True)
    theirs = new_client()
    log_in_as(theirs, person)
    version = reload(person).session_version
    assert row_of(admin_client, person.email)[0]["data-two-factor"] == "on"

    response = submit(admin_client, f"{USERS}/{person.id}/reset-2fa")
    assert response.status_code == 302
    stored = reload(person)
    assert not stored.totp_enabled and stored.totp_secret is None and stored.recovery_codes is None
    assert stored.session_version == version + 1
    assert theirs.get("/incidents/").headers["Location"].startswith("/login")
    # The next login asks no code.
    first = theirs.post(
        "/login", data={"email": person.email, "password": PASSWORD, "csrf_token": csrf_token(theirs, "/login")}
    )
    assert first.status_code == 302 and not first.headers["Location"].endswith("/login/2fa")
    assert row_of(admin_client, person.email)[0]["data-two-factor"] == "off"

    again = submit(admin_client, f"{USERS}/{person.id}/reset-2fa")
    assert again.status_code == 422 and "has no two-step verification to reset" in again.get_data(as_text=True)


def test_a_reset_admin_must_enrol_again(admin_client, make_person, new_client):
    other = make_person("tweede@verwerker.example", "admin", two_factor=True)
    assert submit(admin_client, f"{USERS}/{other.id}/reset-2fa").status_code == 302
    theirs = new_client()
    log_in_as(theirs, other)
    response = theirs.get(USERS)
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/two-factor")
