"""Two-factor authentication: time-based one-time passwords (RFC 6238, pyotp) and one-time recovery codes."""

from __future__ import annotations

import hashlib
import hmac
import secrets

import pyotp

ISSUER = "Datalekdesk"
RECOVERY_CODES = 10


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def verify_code(secret: str, code: str, last_step: int | None = None) -> int | None:
    """The time step the code belongs to (one step of clock drift either way), or None.

    A code of a step at or before ``last_step`` is refused: a code works once.
    """
    code = "".join(code.split())
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now = totp.timecode(_now())
    for step in (now, now - 1, now + 1):
        if (last_step is None or step > last_step) and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _now():
    from datetime import UTC, datetime

    return datetime.now(UTC)


def new_recovery_codes() -> list[str]:
    """Codes shown once to the user; only their hashes are stored."""
    return [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]


def hash_code(code: str) -> str:
    return hashlib.sha256("".join(code.lower().split()).encode()).hexdigest()
