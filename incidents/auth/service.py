"""Users and API tokens."""

from __future__ import annotations

import secrets

from sqlalchemy import func, select

from ..core.instants import utcnow
from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..validation import email_address
from .models import ROLES, ApiToken, User

MIN_PASSWORD_LENGTH = 12


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def create_user(email: str, role: str, password: str, name: str = "", language: str = "nl") -> User:
    address = email_address(email, "email").lower()
    if role not in ROLES:
        raise ValidationFailed(f"role must be one of {', '.join(ROLES)}", "role", "invalid_choice")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(f"the password needs at least {MIN_PASSWORD_LENGTH} characters", "password",
                               "too_short")
    if find_user(address) is not None:
        raise Conflict(f"a user {address} already exists", "email", "duplicate")
    user = User(email=address, role=role, name=name, language=language)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    user = find_user(email)
    if user is None or not user.active or not user.check_password(password):
        return None
    return user


def create_token(email: str, name: str = "") -> tuple[ApiToken, str]:
    """Returns the stored token row and the token itself, which is never stored."""
    user = find_user(email)
    if user is None:
        raise NotFound(f"there is no user {email}")
    secret = "bd_" + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, token_hash=ApiToken.hash(secret), name=name)
    db.session.add(token)
    db.session.flush()
    return token, secret


def user_for_token(secret: str) -> User | None:
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == ApiToken.hash(secret)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    return token.user


def revoke_token(token: ApiToken) -> None:
    token.revoked_at = utcnow()
    db.session.flush()
