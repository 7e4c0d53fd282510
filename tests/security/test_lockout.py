"""Account lockout after five wrong passwords (15 minutes, one generic message) and the login rate limit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher, Type, extract_parameters

from incidents.auth.models import User
from incidents.auth.service import LOCKOUT_FOR, authenticate
from incidents.core.instants import utcnow
from incidents.extensions import db

from ..support.app import own_app
from ..support.forms import csrf_token, second_factor
from .conftest import PASSWORD, current_code, flashes, is_logged_in, location, login, wrong_code

EMAIL = "handler@verwerker.example"


def _fresh(user_id: int) -> User:
    db.session.expire_all()
    return db.session.get(User, user_id)


def _refusal(response) -> list[str]:
    """A refused login: the login page again (200), not logged in, with its flash messages."""
    assert response.status_code == 200, response.status_code
    messages = flashes(response)
    assert messages, "a refused login must say so"
    return messages


def test_five_wrong_passwords_lock_the_account_with_the_same_message(app, client, make_user):
    user = make_user(EMAIL)
    wrong_password = _refusal(login(client, EMAIL, "wrong password number 0"))
    unknown_email = _refusal(login(client, "nobody@verwerker.example", PASSWORD))
    assert _fresh(user.id).failed_logins == 1
    for n in range(1, 5):
        assert _refusal(login(client, EMAIL, f"wrong password number {n}")) == wrong_password
    locked = _fresh(user.id)
    assert locked.locked_until is not None
    assert timedelta(minutes=14) < locked.locked_until - utcnow() <= LOCKOUT_FOR

    # the right password is now refused too, and nothing tells the visitor why
    locked_message = _refusal(login(client, EMAIL, PASSWORD))
    assert locked_message == wrong_password == unknown_email
    assert not is_logged_in(client)
    # a fresh client (another browser) is refused as well
    other = app.test_client()
    assert _refusal(login(other, EMAIL, PASSWORD)) == wrong_password
    assert not is_logged_in(other)


def test_the_lock_ends_after_locked_until(client, make_user):
    user = make_user(EMAIL)
    for n in range(5):
        login(client, EMAIL, f"wrong password number {n}")
    locked_until = _fresh(user.id).locked_until
    assert locked_until is not None

    # the service, asked at given instants: locked until locked_until, open after it
    assert authenticate(EMAIL, PASSWORD, now=locked_until - timedelta(seconds=1)) is None
    assert authenticate(EMAIL, PASSWORD, now=locked_until + timedelta(seconds=1)) is not None
    db.session.rollback()

    # through the login form, once locked_until lies in the past
    assert _refusal(login(client, EMAIL, PASSWORD))
    row = _fresh(user.id)
    row.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert location(login(client, EMAIL, PASSWORD)) == "/"
    assert is_logged_in(client)
    assert _fresh(user.id).failed_logins == 0


def test_a_right_password_resets_the_count(client, make_user):
    user = make_user(EMAIL)
    for n in range(4):
        login(client, EMAIL, f"wrong password number {n}")
    assert _fresh(user.id).failed_logins == 4
    assert location(login(client, EMAIL, PASSWORD)) == "/"
    assert _fresh(user.id).failed_logins == 0
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account/")})

    for n in range(4):
        login(client, EMAIL, f"another wrong password {n}")
    assert _fresh(user.id).locked_until is None, "4 + 4 failures with a success between must not lock"
    assert location(login(client, EMAIL, PASSWORD)) == "/"


def test_an_inactive_account_gets_the_same_message(client, make_user):
    from incidents.auth.service import update_user

    user = make_user(EMAIL)
    wrong_password = _refusal(login(client, EMAIL, "wrong password number 0"))
    update_user(user, active=False)
    db.session.commit()
    assert _refusal(login(client, EMAIL, PASSWORD)) == wrong_password
    assert not is_logged_in(client)


def _wrong_codes(client, secret: str, n: int) -> None:
    """The password (right), then ``n`` wrong codes at the second step."""
    assert location(login(client, EMAIL)) == "/login/2fa"
    for _ in range(n):
        response = second_factor(client, wrong_code(secret))
        assert response.status_code == 200 and flashes(response), "a wrong code is refused with a message"
        assert not is_logged_in(client)


def test_wrong_codes_lock_the_account_and_the_password_does_not_reset_them(app, client, make_user, with_two_factor):
    """F-7: with the password known, the second step could be tried forever by logging in again after every 4 codes."""
    user = make_user(EMAIL)
    secret, recovery = with_two_factor(user)
    generic = _refusal(login(app.test_client(), "nobody@verwerker.example", PASSWORD))

    _wrong_codes(client, secret, 4)
    assert (_fresh(user.id).failed_codes, _fresh(user.id).locked_until) == (4, None)
    _wrong_codes(client, secret, 0)  # the right password again: the wrong codes still count
    assert _fresh(user.id).failed_codes == 4
    _wrong_codes(client, secret, 1)  # the fifth wrong code in a row
    locked = _fresh(user.id)
    assert locked.locked_until is not None and locked.failed_codes == 0
    assert timedelta(minutes=14) < locked.locked_until - utcnow() <= LOCKOUT_FOR

    # the right code is now refused, with the login page's one message, and so are a recovery code and the password
    token = csrf_token(client, "/login")  # the code page itself now sends a locked account to the login page
    response = client.post("/login/2fa", data={"code": current_code(secret), "csrf_token": token})
    assert location(response) == "/login"
    assert flashes(client.get("/login")) == generic
    assert not is_logged_in(client)
    assert _refusal(login(client, EMAIL, PASSWORD)) == generic
    assert location(client.get("/login/2fa")) == "/login"
    assert not is_logged_in(client)
    other = app.test_client()
    assert _refusal(login(other, EMAIL, PASSWORD)) == generic
    assert recovery  # unused: a locked account takes no code at all
    assert _fresh(user.id).recovery_codes and len(_fresh(user.id).recovery_codes) == len(recovery)


def test_a_right_code_resets_the_count_of_wrong_codes(app, make_user, with_two_factor):
    user = make_user(EMAIL)
    secret, _ = with_two_factor(user)
    first = app.test_client()
    _wrong_codes(first, secret, 4)
    assert location(second_factor(first, current_code(secret))) == "/"
    assert is_logged_in(first)
    assert _fresh(user.id).failed_codes == 0

    second = app.test_client()
    _wrong_codes(second, secret, 4)
    assert _fresh(user.id).locked_until is None, "4 + 4 wrong codes with a right one between must not lock"
    assert _fresh(user.id).failed_codes == 4


def test_wrong_passwords_and_wrong_codes_count_apart(client, make_user, with_two_factor):
    user = make_user(EMAIL)
    secret, _ = with_two_factor(user)
    for n in range(4):
        login(client, EMAIL, f"wrong password number {n}")
    _wrong_codes(client, secret, 4)  # the right password resets the wrong passwords, not the wrong codes
    fresh = _fresh(user.id)
    assert (fresh.failed_logins, fresh.failed_codes, fresh.locked_until) == (0, 4, None)


class CountingHasher(PasswordHasher):
    """argon2's own hasher, counting its verifications."""

    def __init__(self, model: PasswordHasher):
        super().__init__(
            time_cost=model.time_cost,
            memory_cost=model.memory_cost,
            parallelism=model.parallelism,
            hash_len=model.hash_len,
            salt_len=model.salt_len,
            type=model.type,
        )
        self.verified = 0

    def verify(self, hash, password):
        self.verified += 1
        return super().verify(hash, password)


def test_every_refused_login_costs_one_password_verification(app, make_user, monkeypatch):
    """F-13: an unknown, deactivated or locked account answered in a fraction of the time of a wrong password. Now each
    login runs exactly one argon2 verification (against a fixed hash made with the same parameters when there is no
    hash of the account to check), so the time taken does not tell them apart. Timings are not asserted: the work is."""
    from incidents.auth import passwords
    from incidents.auth.service import update_user

    make_user(EMAIL)
    update_user(make_user("gone@verwerker.example"), active=False)
    locked = make_user("locked@verwerker.example")
    locked.locked_until = utcnow() + LOCKOUT_FOR
    db.session.commit()
    hasher = CountingHasher(passwords._hasher)
    monkeypatch.setattr(passwords, "_hasher", hasher)
    monkeypatch.setattr(passwords, "_dummy", None)

    cases = {
        "existing, wrong password": (EMAIL, "wrong password number 0"),
        "existing, right password": (EMAIL, PASSWORD),
        "unknown": ("nobody@verwerker.example", PASSWORD),
        "deactivated": ("gone@verwerker.example", PASSWORD),
        "locked": ("locked@verwerker.example", PASSWORD),
    }
    work = {}
    for case, (email, password) in cases.items():
        client = app.test_client()
        before = hasher.verified
        response = login(client, email, password)
        assert (response.status_code == 302) == (case == "existing, right password"), case
        work[case] = hasher.verified - before
    assert work == dict.fromkeys(cases, 1)
    # the fixed hash is argon2id with the parameters of the accounts' own hashes
    assert passwords._dummy is not None and passwords._dummy[0] is hasher
    assert extract_parameters(passwords._dummy[1]) == extract_parameters(_fresh(locked.id).password_hash)


def test_the_fixed_hash_follows_the_hasher_in_use(monkeypatch):
    """In production the fixed hash is made with the recommended parameters (the suite hashes at the lowest cost)."""
    from incidents.auth import passwords

    recommended = PasswordHasher()
    monkeypatch.setattr(passwords, "_hasher", recommended)
    monkeypatch.setattr(passwords, "_dummy", None)
    passwords.verify_dummy("whatever was typed")
    assert passwords._dummy is not None
    made = extract_parameters(passwords._dummy[1])
    assert made.type is Type.ID
    assert (made.time_cost, made.memory_cost, made.parallelism) == (
        recommended.time_cost,
        recommended.memory_cost,
        recommended.parallelism,
    )


@pytest.fixture
def limited_app(database_uri):
    """An app with the login rate limit switched on (the test configuration switches it off)."""
    with own_app(database_uri, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute") as app:
        yield app


def test_login_rate_limit(limited_app):
    from incidents.auth.service import create_user

    create_user(EMAIL, "handler", PASSWORD)
    db.session.commit()
    client = limited_app.test_client()
    token = csrf_token(client, "/login")
    for n in range(3):
        response = client.post("/login", data={"email": EMAIL, "password": f"wrong {n}", "csrf_token": token})
        assert response.status_code == 200, (n, response.status_code)
    fourth = client.post("/login", data={"email": EMAIL, "password": PASSWORD, "csrf_token": token})
    assert fourth.status_code == 429
    # a forged X-Forwarded-For does not buy new attempts (no proxy is trusted by default)
    forged = client.post(
        "/login",
        data={"email": EMAIL, "password": PASSWORD, "csrf_token": token},
        headers={"X-Forwarded-For": "198.51.100.23"},
    )
    assert forged.status_code == 429
    assert not is_logged_in(client), "a rate-limited POST must not log in, even with the right password"
    # the limit counts POSTs only: the login page itself still opens
    page = client.get("/login")
    assert page.status_code == 200
    assert 'name="password"' in page.get_data(as_text=True)
    # the limit is per client address: another address may still try
    other = limited_app.test_client()
    other_token = csrf_token(other, "/login")
    response = other.post(
        "/login",
        data={"email": EMAIL, "password": PASSWORD, "csrf_token": other_token},
        environ_base={"REMOTE_ADDR": "192.0.2.7"},
    )
    assert location(response) == "/"
