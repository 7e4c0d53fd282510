"""Users and API tokens."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from enum import Enum
from typing import Final

from sqlalchemy import func, select

from ..core.instants import utcnow
from ..core.text import unstorable
from ..errors import N_, Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..validation import clean_text, email_address, is_id
from . import sessions
from .models import ROLES, ApiToken, User
from .passwords import needs_rehash, password_problem, verify_dummy

LOCKOUT_AFTER = 5  # failed passwords in a row, or failed second-factor codes in a row
LOCKOUT_FOR = timedelta(minutes=15)
MAX_TOKEN_DAYS = 3650


def find_user(email: str) -> User | None:
    if unstorable(email):  # no address holds one (and no database query may carry it)
        return None
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def create_user(
    email: str, role: str, password: str, name: str = "", language: str = "nl", controller_id: int | None = None
) -> User:
    address = email_address(email, "email").lower()
    name = clean_text(name, "name", 200)
    if role not in ROLES:
        raise ValidationFailed(
            N_("role must be one of %(choices)s"), "role", "invalid_choice", {"choices": ", ".join(ROLES)}
        )
    _check_controller(role, controller_id)
    check_password_rules(password, address)
    if find_user(address) is not None:
        raise Conflict(N_("a user %(email)s already exists"), "email", "duplicate", {"email": address})
    user = User(email=address, role=role, name=name, language=language, controller_id=controller_id)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def _check_controller(role: str, controller_id: int | None) -> None:
    """A controller user belongs to exactly one controller; processor staff belong to none."""
    from ..parties.models import Controller

    if role == "controller":
        if not is_id(controller_id) or db.session.get(Controller, controller_id) is None:
            raise ValidationFailed(
                N_("a controller user needs an existing controller"),
                "controller_id",
                "required" if controller_id is None else "unknown_controller",
            )
    elif controller_id is not None:
        raise ValidationFailed(N_("only controller users belong to a controller"), "controller_id", "not_applicable")


def check_password_rules(password: str, email: str = "") -> None:
    problem = password_problem(password, email)
    if problem:
        raise ValidationFailed(problem[0], "password", "weak_password", problem[1])


def change_password(user: User, password: str) -> None:
    """A new password ends every other session of the user."""
    check_password_rules(password, user.email)
    user.set_password(password)
    end_every_session(user)


class _Unchanged(Enum):
    UNCHANGED = "unchanged"


UNCHANGED: Final = _Unchanged.UNCHANGED  # update_user's "keep the controller" (None means "no controller")


def update_user(
    user: User,
    *,
    role: str | None = None,
    controller_id: int | _Unchanged | None = UNCHANGED,
    active: bool | None = None,
    name: str | None = None,
) -> None:
    """Change what is given; leave the rest (a controller user keeps their controller unless told otherwise)."""
    role = role or user.role
    if controller_id is UNCHANGED:
        controller_id = user.controller_id if role == "controller" else None
    if role not in ROLES:
        raise ValidationFailed(
            N_("role must be one of %(choices)s"), "role", "invalid_choice", {"choices": ", ".join(ROLES)}
        )
    _check_controller(role, controller_id)
    if (role, controller_id) != (user.role, user.controller_id) or (active is not None and active != user.active):
        end_every_session(user)  # a changed role or a deactivation takes effect at once
    user.role, user.controller_id = role, controller_id
    if active is not None:
        user.active = active
    if name is not None:
        user.name = clean_text(name, "name", 200)
    db.session.flush()


def locked(user: User, now: datetime | None = None) -> bool:
    return user.locked_until is not None and user.locked_until > (now or utcnow())


def register_failure(user: User, now: datetime | None = None) -> None:
    """A wrong password; enough in a row lock the account for a while."""
    user.failed_logins += 1
    if user.failed_logins >= LOCKOUT_AFTER:
        user.locked_until = (now or utcnow()) + LOCKOUT_FOR
        user.failed_logins = 0
    db.session.flush()


def register_code_failure(user: User, now: datetime | None = None) -> None:
    """A wrong second-factor code. Counted on its own: only a right code resets the count, so that someone who has
    the password cannot try codes forever by entering the password again between tries. Enough in a row lock the
    account, as wrong passwords do."""
    user.failed_codes += 1
    if user.failed_codes >= LOCKOUT_AFTER:
        user.locked_until = (now or utcnow()) + LOCKOUT_FOR
        user.failed_codes = 0
    db.session.flush()


def second_factor_passed(user: User) -> None:
    """The right code after the right password: the wrong codes counted so far no longer count."""
    user.failed_codes = 0
    db.session.flush()


def logged_in(user: User, now: datetime | None = None) -> None:
    user.last_login_at = now or utcnow()
    db.session.flush()


def end_every_session(user: User) -> None:
    """Every session of the user ends: its record on the server, and the session version that its cookie carries."""
    user.session_version += 1
    sessions.end_all(user)
    db.session.flush()


def authenticate(email: str, password: str, now: datetime | None = None) -> User | None:
    """The user when the password is right and the account neither inactive nor locked. Failures count towards a
    temporary lockout; a right password resets the count of wrong passwords (not that of wrong second-factor
    codes) and upgrades an old hash to argon2."""
    now = now or utcnow()
    user = find_user(email)
    if user is None or not user.active or locked(user, now):
        # The same work as for a wrong password (one argon2 verification), so that the time taken tells nobody
        # whether the address exists, is deactivated or is locked.
        verify_dummy(password)
        return None
    if not user.check_password(password):
        register_failure(user, now)
        return None
    user.failed_logins = 0
    if needs_rehash(user.password_hash):
        user.set_password(password)
    db.session.flush()
    return user


def create_token(
    email: str, name: str = "", expires_days: int | None = None, now: datetime | None = None
) -> tuple[ApiToken, str]:
    """Returns the stored token row and the token itself, which is never stored."""
    user = find_user(email)
    if user is None:
        raise NotFound(N_("there is no user %(email)s"), params={"email": email})
    if expires_days is not None and (
        isinstance(expires_days, bool) or not isinstance(expires_days, int) or not 1 <= expires_days <= MAX_TOKEN_DAYS
    ):
        raise ValidationFailed(
            N_("expires_days must be a whole number from 1 to %(max)d"),
            "expires_days",
            "invalid_number",
            {"max": MAX_TOKEN_DAYS},
        )
    now = now or utcnow()
    secret = "bd_" + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        token_hash=ApiToken.hash(secret),
        name=clean_text(name, "name", 100),
        created_at=now,
        expires_at=now + timedelta(days=expires_days) if expires_days else None,
    )
    db.session.add(token)
    db.session.flush()
    return token, secret


def user_for_token(secret: str, now: datetime | None = None) -> User | None:
    now = now or utcnow()
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == ApiToken.hash(secret)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    if token.expires_at is not None and token.expires_at <= now:
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        token.last_used_at = now  # coarse on purpose: no write on every request; saved with the request's work
        db.session.flush()
    return token.user


def revoke_token(token: ApiToken, now: datetime | None = None) -> None:
    if token.revoked_at is None:
        token.revoked_at = now or utcnow()
    db.session.flush()


def tokens_of(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )
