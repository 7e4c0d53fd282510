"""Password hashing (argon2id) and the minimum password rules.

Hashes made before argon2 (werkzeug's pbkdf2/scrypt) still verify and are upgraded at the next login.
"""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from werkzeug.security import check_password_hash

from ..errors import N_

MIN_LENGTH = 12
MAX_LENGTH = 1024  # argon2 would take anything; a limit keeps a login request cheap
# The most common long passwords in public breach lists; a long password from this list is still weak.
COMMON = frozenset(
    {
        "123456789012",
        "1234567890123",
        "12345678901234",
        "qwertyuiopas",
        "wachtwoord123",
        "wachtwoord1234",
        "password1234",
        "password12345",
        "passwordpassword",
        "welkom123456",
        "welkomwelkom",
        "qwerty123456",
        "iloveyou1234",
        "administrator",
        "letmein12345",
        "correcthorse",
        "zomer2026zomer",
        "winter2026winter",
    }
)

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# A hash of no one's password, made by the hasher in use (so with the parameters of real hashes) when first needed.
_dummy: tuple[PasswordHasher, str] | None = None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_dummy(password: str) -> None:
    """The work of checking a password, for a login that fails before there is a hash to check (an unknown,
    deactivated or locked account): one argon2 verification against a fixed hash, whose outcome is thrown away."""
    global _dummy
    if _dummy is None or _dummy[0] is not _hasher:
        _dummy = (_hasher, _hasher.hash(secrets.token_urlsafe(32)))
    verify_password(_dummy[1], password)


def verify_password(stored: str, password: str) -> bool:
    if len(password) > MAX_LENGTH:
        return False
    if stored.startswith("$argon2"):
        try:
            return _hasher.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
    return check_password_hash(stored, password)


def needs_rehash(stored: str) -> bool:
    return not stored.startswith("$argon2") or _hasher.check_needs_rehash(stored)


def password_problem(password: str, email: str = "") -> tuple[str, dict] | None:
    """Why a password is refused (a msgid and its values), or None. Length over composition rules (NIST SP 800-63B)."""
    if len(password) < MIN_LENGTH:
        return N_("the password needs at least %(n)d characters"), {"n": MIN_LENGTH}
    if len(password) > MAX_LENGTH:
        return N_("the password may have at most %(n)d characters"), {"n": MAX_LENGTH}
    lowered = password.lower()
    if len(set(password)) < 5:
        return N_("the password repeats too few different characters"), {}
    if lowered in COMMON:
        return N_("the password is one of the most common passwords"), {}
    local = email.split("@", 1)[0].lower()
    if len(local) >= 4 and local in lowered:
        return N_("the password may not contain the e-mail address"), {}
    return None
