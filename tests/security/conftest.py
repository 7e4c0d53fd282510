"""Helpers for the security tests: users of every role, logging in through the real login form, reading
flash messages and redirects, and a small dataset with two controllers on one incident."""

from __future__ import annotations

import faulthandler
import html
import os
import re
import signal
import time
import traceback
from datetime import datetime, timedelta
from functools import partial
from types import SimpleNamespace
from urllib.parse import urlsplit

import pyotp
import pytest

from incidents.core.instants import utcnow
from incidents.extensions import db

from ..support import people
from ..support.forms import login_response

PASSWORD = "correct horse battery"


def run_in_child(scenario, timeout: float = 120.0) -> None:
    """Run ``scenario()`` in a forked copy of this process and fail if it fails -- or if it crashes the process.

    For flows that have been seen to kill the interpreter (a segmentation fault cannot be caught in-process):
    the child gets its own database connections; its assertion errors come back as the failure message."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        os.close(read)
        faulthandler.disable()  # a crash is reported by the parent, without the child's stack dump
        status = 1
        try:
            db.engine.dispose(close=False)  # the parent's pooled connections stay the parent's
            scenario()
            status = 0
        except BaseException:  # everything, assertion errors included, goes back to the parent
            os.write(write, traceback.format_exc().encode()[-20_000:])
        finally:
            os.close(write)
            os._exit(status)
    os.close(write)
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(read)
            pytest.fail(f"the scenario did not finish within {timeout:.0f} s")
        time.sleep(0.02)
    with os.fdopen(read, "rb") as pipe:
        report = pipe.read().decode(errors="replace")
    if os.WIFSIGNALED(status):
        pytest.fail(
            f"the process crashed: killed by signal {os.WTERMSIG(status)} ({signal.Signals(os.WTERMSIG(status)).name})",
            pytrace=False,
        )
    if os.WEXITSTATUS(status) != 0:
        pytest.fail(f"the scenario failed in the child process:\n{report}", pytrace=False)
    db.session.expire_all()


FLASH = re.compile(r'<div class="flash flash-(\w+)"[^>]*>(.*?)</div>', re.S)


def flashes(response) -> list[str]:
    """The flash messages rendered on a page (text, unescaped, whitespace collapsed)."""
    return [
        " ".join(html.unescape(re.sub(r"<[^>]+>", " ", m.group(2))).split())
        for m in FLASH.finditer(response.get_data(as_text=True))
    ]


def location(response) -> str:
    """The redirect target as path (+ query); asserts that the response is a redirect to this site."""
    assert response.status_code in (301, 302, 303, 307, 308), (
        response.status_code,
        response.get_data(as_text=True)[:300],
    )
    parts = urlsplit(response.headers["Location"])
    assert not parts.netloc or parts.netloc == "localhost", response.headers["Location"]
    return parts.path + (f"?{parts.query}" if parts.query else "")


def login(client, email: str, password: str = PASSWORD, next_: str | None = None):
    """POST the real login form (with its CSRF token); returns the response (not followed)."""
    return login_response(client, email, password, next_=next_)


def is_logged_in(client) -> bool:
    """Whether the client's session is a logged-in session (the account page opens instead of redirecting)."""
    response = client.get("/account/")
    if response.status_code == 200:
        return True
    assert response.status_code == 302, response.status_code
    return False


def current_code(secret: str) -> str:
    return pyotp.TOTP(secret).now()


def wrong_code(secret: str) -> str:
    """A six-digit code that no nearby time step of ``secret`` produces."""
    totp = pyotp.TOTP(secret)
    step = totp.timecode(datetime.now())
    near = {totp.generate_otp(s) for s in range(step - 3, step + 4)}
    return next(c for c in (f"{n:06d}" for n in range(123456, 1_000_000, 7919)) if c not in near)


@pytest.fixture
def make_user(app):
    """make_user(email, role="handler", password=PASSWORD, controller=None) -> User (made by create_user, committed;
    the suite hashes passwords at the lowest argon2id cost, see the root conftest)."""
    return partial(people.make_user, password=PASSWORD)


@pytest.fixture
def with_two_factor():
    """Switch 2FA on for a user directly (secret + enabled, no step used yet); returns the secret."""
    from incidents.auth import totp

    def enable(user) -> tuple[str, list[str]]:
        user.totp_secret = totp.new_secret()
        user.totp_enabled = True
        user.totp_last_step = None
        codes = totp.new_recovery_codes()
        user.recovery_codes = [totp.hash_code(c) for c in codes]
        db.session.commit()
        return user.totp_secret, codes

    return enable


@pytest.fixture
def world(app, make_controller, make_contract):
    """Controllers A and B; incident ``shared`` affects a contract of each, incident ``only_b`` only B's;
    an initial notice was issued to each controller of ``shared`` (a document and an outbox message each)."""
    from incidents.breaches.service import create_incident
    from incidents.notices.service import issue_notices

    from ..support.intake import inbound_message_and_review

    a = make_controller(name="Tandartspraktijk Alfa", contact_email="fg@alfa.example")
    b = make_controller(name="Kliniek Beta", contact_email="fg@beta.example")
    a_contract = make_contract("boz-72h", a, reference="VO-ALFA")
    b_contract = make_contract("gdpr-art33", b, reference="VO-BETA")
    now = utcnow()
    shared = create_incident(
        title="Gedeelde storing",
        aware_at=now - timedelta(hours=5),
        status="confirmed",
        confirmed_at=now - timedelta(hours=4),
        contract_ids=[a_contract.id, b_contract.id],
        fields={"nature": "phishing"},
    )
    only_b = create_incident(
        title="Alleen Beta", aware_at=now - timedelta(hours=3), status="confirmed", contract_ids=[b_contract.id]
    )
    db.session.commit()
    messages = {m.controller_id: m for m in issue_notices(shared, all_=True)}
    db.session.commit()
    inbound = inbound_message_and_review()  # a message sent to the breach address (intake by e-mail)
    return SimpleNamespace(
        inbound=inbound,
        a=a,
        b=b,
        a_contract=a_contract,
        b_contract=b_contract,
        shared=shared,
        only_b=only_b,
        a_message=messages[a.id],
        b_message=messages[b.id],
        a_document_id=messages[a.id].document_id,
        b_document_id=messages[b.id].document_id,
    )
