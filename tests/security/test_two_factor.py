"""Two-step verification: enrolment through the web, login with a TOTP code or a recovery code (each once),
administrators forced to enrol and unable to switch it off."""

from __future__ import annotations

import re

import pyotp
import pytest

from incidents.auth import totp
from incidents.auth.models import User
from incidents.extensions import db

from ..support.forms import csrf_from, csrf_token, post_form, second_factor
from .conftest import current_code, flashes, is_logged_in, location, login, run_in_child, wrong_code

EMAIL = "handler@verwerker.example"
ADMIN = "fg@verwerker.example"
CODES = re.compile(r'<ul class="codes">(.*?)</ul>', re.S)


def _fresh(user_id: int) -> User:
    db.session.expire_all()
    return db.session.get(User, user_id)


def _secret_on_page(response) -> str:
    match = re.search(r'id="totp-secret"[^>]*>([A-Z2-7]+)<', response.get_data(as_text=True))
    assert match, "the enrolment page shows no secret"
    return match.group(1)


def _shown_codes(response) -> list[str]:
    block = CODES.search(response.get_data(as_text=True))
    return re.findall(r"<code>([^<]+)</code>", block.group(1)) if block else []


def _confirm(client, page, code: str):
    """POST the enrolment form of ``page`` (every GET of the enrolment page makes a new secret, so the token
    is taken from the same page as the secret)."""
    return client.post("/account/two-factor", data={"code": code, "csrf_token": csrf_from(page)})


def _enrol(client, user_id: int) -> tuple[str, list[str]]:
    """Switch 2FA on through the web; returns the secret and the recovery codes shown."""
    page = client.get("/account/two-factor")
    secret = _secret_on_page(page)
    response = _confirm(client, page, current_code(secret))
    assert location(response) == "/account/"
    codes = _shown_codes(client.get("/account/"))
    assert _fresh(user_id).totp_enabled
    return secret, codes


def _reset_step(user_id: int) -> None:
    """Forget the last used time step, so that the current code may be used once more (as in a later minute)."""
    user = _fresh(user_id)
    user.totp_last_step = None
    db.session.commit()


def test_enrolment_page_shows_a_secret_and_refuses_a_wrong_code(client, make_user):
    user = make_user(EMAIL)
    login(client, EMAIL)

    page = client.get("/account/two-factor")
    assert page.status_code == 200
    secret = _secret_on_page(page)
    assert f"secret={secret}" in page.get_data(as_text=True)  # the otpauth:// setup link
    pending = _fresh(user.id)
    assert pending.totp_secret == secret and not pending.totp_enabled

    for code in (wrong_code(secret), "", "12345a", "1234567"):
        wrong = _confirm(client, page, code)
        assert wrong.status_code == 422, code
        off = _fresh(user.id)
        assert not off.totp_enabled and off.recovery_codes is None, code
        assert _secret_on_page(wrong) == secret  # the same key: the app already holds it
    assert 'data-two-factor="off"' in client.get("/account/").get_data(as_text=True)


# Regression: enabling 2FA once crashed the process (login_user was given the current_user proxy, which then
# recursed at the next lookup); the two web enrolment tests below run in a child process for that reason.


@pytest.mark.live_database  # the child process reads what the test committed
def test_enrolment_with_the_right_code(client, make_user):
    user = make_user(EMAIL)
    login(client, EMAIL)

    def scenario():
        page = client.get("/account/two-factor")
        secret = _secret_on_page(page)
        right = _confirm(client, page, pyotp.TOTP(secret).now())
        assert location(right) == "/account/"
        assert _fresh(user.id).totp_enabled

        account = client.get("/account/")
        codes = _shown_codes(account)
        assert len(codes) == totp.RECOVERY_CODES and len(set(codes)) == len(codes)
        assert 'data-two-factor="on"' in account.get_data(as_text=True)
        # stored only as hashes
        stored = _fresh(user.id).recovery_codes
        assert sorted(stored) == sorted(totp.hash_code(c) for c in codes)
        assert not set(codes) & set(stored)
        assert all(re.fullmatch(r"[0-9a-f]{64}", h) for h in stored)
        # shown once
        again = client.get("/account/")
        assert again.status_code == 200 and _shown_codes(again) == []
        assert not any(c in again.get_data(as_text=True) for c in codes)
        # this session stays logged in although the session version changed
        assert is_logged_in(client)

    run_in_child(scenario)


@pytest.mark.live_database  # the child process reads what the test committed
def test_enrolment_ends_other_sessions(app, make_user):
    user = make_user(EMAIL)
    mine, other = app.test_client(), app.test_client()
    login(mine, EMAIL)
    login(other, EMAIL)

    def scenario():
        _enrol(mine, user.id)
        assert is_logged_in(mine)
        assert not is_logged_in(other), "a session opened without the second factor must end when 2FA goes on"

    run_in_child(scenario)


def test_enrolment_through_the_service_ends_other_sessions(app, make_user):
    """The same rule, at the service where it is implemented."""
    from incidents.auth import twofactor

    user = make_user(EMAIL)
    other = app.test_client()
    login(other, EMAIL)
    assert is_logged_in(other)
    secret = twofactor.start_enrolment(user)
    codes = twofactor.confirm_enrolment(user, current_code(secret))
    db.session.commit()
    assert codes and len(codes) == totp.RECOVERY_CODES
    assert sorted(_fresh(user.id).recovery_codes) == sorted(totp.hash_code(c) for c in codes)
    assert not is_logged_in(other)


def test_login_with_two_factor(client, make_user, with_two_factor):
    user = make_user(EMAIL)
    secret, _ = with_two_factor(user)

    response = login(client, EMAIL, next_="/incidents/")
    assert location(response) == "/login/2fa"
    assert not is_logged_in(client), "the password alone must not log in"

    wrong = second_factor(client, wrong_code(secret))
    assert wrong.status_code == 200 and flashes(wrong)
    assert not is_logged_in(client)
    garbage = second_factor(client, "abc-12")
    assert garbage.status_code == 200 and not is_logged_in(client)

    right = second_factor(client, current_code(secret))
    assert location(right) == "/incidents/"  # the next of the login form survives the second step
    assert is_logged_in(client)


def test_a_code_works_once(app, make_user, with_two_factor):
    user = make_user(EMAIL)
    secret, _ = with_two_factor(user)
    code = current_code(secret)

    first = app.test_client()
    assert location(login(first, EMAIL)) == "/login/2fa"
    assert location(second_factor(first, code)) == "/"
    assert is_logged_in(first)

    replay = app.test_client()
    assert location(login(replay, EMAIL)) == "/login/2fa"
    refused = second_factor(replay, code)
    assert refused.status_code == 200 and flashes(refused)
    assert not is_logged_in(replay), "a TOTP code must not work twice"


def test_a_recovery_code_works_once(app, make_user, with_two_factor):
    user = make_user(EMAIL)
    _, codes = with_two_factor(user)

    first = app.test_client()
    login(first, EMAIL)
    assert location(second_factor(first, codes[3].upper())) == "/"  # case does not matter
    assert is_logged_in(first)
    assert totp.hash_code(codes[3]) not in _fresh(user.id).recovery_codes
    assert len(_fresh(user.id).recovery_codes) == len(codes) - 1

    again = app.test_client()
    login(again, EMAIL)
    assert second_factor(again, codes[3]).status_code == 200
    assert not is_logged_in(again), "a recovery code must not work twice"
    assert location(second_factor(again, codes[4])) == "/"


def test_second_step_without_a_pending_login_goes_to_login(client, make_user, with_two_factor):
    user = make_user(EMAIL)
    secret, _ = with_two_factor(user)
    assert location(client.get("/login/2fa")) == "/login"
    token = csrf_token(client, "/login")
    assert location(client.post("/login/2fa", data={"code": current_code(secret), "csrf_token": token})) == "/login"
    assert not is_logged_in(client)


def test_a_pending_login_expires(client, make_user, with_two_factor):
    user = make_user(EMAIL)
    secret, _ = with_two_factor(user)
    login(client, EMAIL)
    with client.session_transaction() as session:
        session["pending_2fa"] = {**session["pending_2fa"], "at": session["pending_2fa"]["at"] - 301}
    assert location(second_factor_raw(client, current_code(secret))) == "/login"
    assert not is_logged_in(client)


def second_factor_raw(client, code: str):
    """POST the second step with a CSRF token from the login page (the 2FA page redirects once expired)."""
    return client.post("/login/2fa", data={"code": code, "csrf_token": csrf_token(client, "/login")})


def _protected_pages(app) -> list[str]:
    """Every GET page without arguments except the public ones, the API and enrolment itself."""
    skip = ("static", "auth.", "api.", "notices.acknowledge", "account.two_factor")
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments and not rule.endpoint.startswith(skip)
    )


def _log_in_with_code(client, email: str, secret: str) -> None:
    assert location(login(client, email)) == "/login/2fa"
    assert location(second_factor(client, current_code(secret))) == "/"


def test_an_admin_without_two_factor_must_enrol_first(app, client, make_user, world):
    from incidents.auth import twofactor

    admin = make_user(ADMIN, role="admin")
    assert location(login(client, ADMIN)) == "/"
    pages = _protected_pages(app) + [
        f"/incidents/{world.shared.id}",
        f"/controllers/{world.a.id}",
        f"/documents/{world.a_document_id}",
    ]
    assert "/" in pages and "/account/" in pages and "/incidents/" in pages
    for page in pages:
        assert location(client.get(page)) == "/account/two-factor", page
    # a form post is held back as well, and writes nothing
    token = csrf_token(client, "/account/two-factor")
    response = client.post(
        "/controllers", data={"name": "Nieuw", "contact_email": "x@nieuw.example", "csrf_token": token}
    )
    assert location(response) == "/account/two-factor"
    assert "Nieuw" not in [c.name for c in db.session.scalars(db.select(world.a.__class__))]
    # enrolment itself stays reachable
    assert client.get("/account/two-factor").status_code == 200

    # once enrolled (this ends the session: log in again with the second factor), the pages open
    secret = twofactor.start_enrolment(_fresh(admin.id))
    assert twofactor.confirm_enrolment(_fresh(admin.id), current_code(secret))
    db.session.commit()
    _reset_step(admin.id)
    _log_in_with_code(client, ADMIN, secret)
    for page in ("/", "/incidents/", "/account/", f"/incidents/{world.shared.id}"):
        assert client.get(page).status_code == 200, page


def test_an_admin_cannot_switch_two_factor_off(client, make_user, with_two_factor):
    admin = make_user(ADMIN, role="admin")
    secret, codes = with_two_factor(admin)
    _log_in_with_code(client, ADMIN, secret)
    assert "two-factor/off" not in client.get("/account/").get_data(as_text=True)
    for code in (current_code(secret), codes[0]):
        _reset_step(admin.id)
        response = post_form(client, "/account/two-factor/off", {"off-code": code})
        assert location(response) == "/account/"
        still = _fresh(admin.id)
        assert still.totp_enabled and still.totp_secret == secret
        assert len(still.recovery_codes) == len(codes)


@pytest.mark.parametrize("code_kind", ["totp", "recovery"])
def test_a_handler_can_switch_two_factor_off_with_a_valid_code(client, make_user, with_two_factor, code_kind):
    user = make_user(EMAIL)
    secret, codes = with_two_factor(user)
    _log_in_with_code(client, EMAIL, secret)
    assert "two-factor/off" in client.get("/account/").get_data(as_text=True)

    post_form(client, "/account/two-factor/off", {"off-code": wrong_code(secret)})
    assert _fresh(user.id).totp_enabled, "a wrong code must not switch 2FA off"
    post_form(client, "/account/two-factor/off", {"off-code": ""})
    assert _fresh(user.id).totp_enabled
    post_form(client, "/account/two-factor/off", {"off-code": current_code(secret)})  # used at login already
    assert _fresh(user.id).totp_enabled, "the code used to log in must not work again"

    _reset_step(user.id)
    code = current_code(secret) if code_kind == "totp" else codes[0]
    response = post_form(client, "/account/two-factor/off", {"off-code": code})
    assert location(response) == "/account/"
    off = _fresh(user.id)
    assert not off.totp_enabled and off.totp_secret is None and not off.recovery_codes
    # next login: the password alone
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account/")})
    assert location(login(client, EMAIL)) == "/"


def test_enrolment_page_shows_the_setup_link_as_a_qr_code(client, make_user):
    """The QR code is segno's, of exactly the otpauth:// link the page states (so of this enrolment's secret), inline
    SVG with a title for screen readers."""
    import html as html_lib

    import segno

    make_user(EMAIL)
    login(client, EMAIL)
    page = client.get("/account/two-factor").get_data(as_text=True)
    uri = html_lib.unescape(re.search(r'id="totp-uri"[^>]*>([^<]+)<', page).group(1))
    assert uri.startswith("otpauth://totp/") and "secret=" in uri
    figure = re.search(r'<figure class="qr-code" id="totp-qr">(.*?)</figure>', page, re.S).group(1)
    assert figure.startswith("<svg") and "<title>QR-code om te scannen met uw authenticator-app</title>" in figure
    expected = segno.make(uri, error="m", micro=False)
    assert expected.version >= 5  # a real code for a long link, not a placeholder
    # the same modules as segno draws them for this link
    drawn = re.findall(r'<path[^>]* d="([^"]+)"', figure)[-1]  # the dark modules (after the light background)
    assert drawn == re.findall(r'<path[^>]* d="([^"]+)"', expected.svg_inline(scale=5, border=4))[-1]
