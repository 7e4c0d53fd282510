"""Enrolment and checking of the second factor for a user (TOTP or a one-time recovery code)."""

from __future__ import annotations

import hmac

from ..extensions import db
from . import totp
from .models import User


def start_enrolment(user: User) -> str:
    """A secret, stored but not active until a code from it is confirmed. A pending one is kept, so opening the
    page again does not invalidate the key the user already scanned."""
    if not user.totp_enabled and not user.totp_secret:
        user.totp_secret = totp.new_secret()
        db.session.flush()
    assert user.totp_secret is not None  # an enabled user has a secret
    return user.totp_secret


def confirm_enrolment(user: User, code: str) -> list[str] | None:
    """Activates 2FA when the code matches the pending secret; returns the recovery codes (shown once)."""
    if user.totp_enabled or not user.totp_secret:
        return None
    step = totp.verify_code(user.totp_secret, code)
    if step is None:
        return None
    user.totp_enabled, user.totp_last_step = True, step
    codes = totp.new_recovery_codes()
    user.recovery_codes = [totp.hash_code(c) for c in codes]
    user.session_version += 1  # other sessions were opened without the second factor
    db.session.flush()
    return codes


def new_recovery_codes(user: User) -> list[str]:
    codes = totp.new_recovery_codes()
    user.recovery_codes = [totp.hash_code(c) for c in codes]
    db.session.flush()
    return codes


def check(user: User, code: str) -> bool:
    """A TOTP code (each time step once) or an unused recovery code, which is then spent."""
    if not user.totp_enabled or not user.totp_secret:
        return False
    step = totp.verify_code(user.totp_secret, code, user.totp_last_step)
    if step is not None:
        user.totp_last_step = step
        db.session.flush()
        return True
    wanted = totp.hash_code(code)
    remaining = list(user.recovery_codes or [])
    for stored in remaining:
        if hmac.compare_digest(stored, wanted):
            remaining.remove(stored)
            user.recovery_codes = remaining
            db.session.flush()
            return True
    return False


def disable(user: User) -> None:
    user.totp_enabled, user.totp_secret, user.totp_last_step, user.recovery_codes = False, None, None, None
    db.session.flush()
