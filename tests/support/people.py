"""Users and persons, made through the real services and committed, as a request would."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pyotp

from incidents.auth import twofactor
from incidents.auth.models import User
from incidents.auth.service import create_user
from incidents.extensions import db

from .forms import log_in


def make_user(email: str, role: str = "handler", *, password: str, controller=None, **fields) -> User:
    """A user made by ``create_user`` (its rules, argon2id) and committed."""
    user = create_user(email, role, password, controller_id=controller.id if controller else None, **fields)
    db.session.commit()
    return user


def enrol(user: User) -> tuple[str, list[str]]:
    """Two-step verification switched on as the account page does it: a fresh secret, confirmed with a code.
    Returns the secret and the recovery codes."""
    secret = twofactor.start_enrolment(user)
    codes = twofactor.confirm_enrolment(user, pyotp.TOTP(secret).now())
    assert codes, "enrolment refused the code"
    db.session.commit()
    return secret, codes


@dataclass
class Person:
    """A user with what that person knows: the password and, with two-step verification, the secret."""

    user: User
    password: str
    secret: str | None = None
    recovery_codes: list[str] = field(default_factory=list)

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def email(self) -> str:
        return self.user.email

    def code(self) -> str:
        """A TOTP code for the next time step: the step used at enrolment (or a login) counts as spent, and the
        server accepts one step of drift either way."""
        return pyotp.TOTP(self.secret).at(time.time() + 30)

    def wrong_code(self) -> str:
        """A six-digit code that no time step the server accepts now (or in a minute) produces."""
        totp = pyotp.TOTP(self.secret)
        near = {totp.at(time.time() + seconds) for seconds in range(-90, 120, 30)}
        return next(code for code in ("000000", "111111", "222222") if code not in near)


def make_person(email: str, role: str, *, password: str, controller=None, two_factor: bool = False, **fields) -> Person:
    """A user (see `make_user`), with two-step verification switched on when asked."""
    person = Person(make_user(email, role, password=password, controller=controller, **fields), password)
    if two_factor:
        person.secret, person.recovery_codes = enrol(person.user)
    return person


def log_in_as(client, person: Person, code: str | None = None):
    """Log ``person`` in through the real pages (with a code of their second factor when it is on; ``code`` to give
    one of your own). Returns the last response."""
    return log_in(client, person.email, person.password, code=code or person.code)
