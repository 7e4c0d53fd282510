"""Small checks shared by services (and so by forms and the API alike)."""

from __future__ import annotations

import re
from typing import TypeGuard

from email_validator import EmailNotValidError, validate_email

from .errors import ValidationFailed

KVK_PATTERN = re.compile(r"^\d{8}$")
# The largest id any of our databases can hold: id columns are INTEGER, 32 bits on PostgreSQL. A larger number
# is no id anywhere, and PostgreSQL refuses to compare it with an INTEGER column ("integer out of range").
MAX_ID = 2**31 - 1


def is_id(value: object) -> TypeGuard[int]:
    """An integer that can be a row id (not a bool, positive, within 32 bits)."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def parse_id(text: str | None) -> int | None:
    """A row id from query-string text, or None when it cannot be one (ASCII digits only)."""
    if not text or not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if is_id(value) else None


def required_text(value: object, field: str, max_length: int, label: str | None = None) -> str:
    text = clean_text(value, field, max_length)
    if not text:
        raise ValidationFailed(f"{label or field} is required", field, "required")
    return text


def clean_text(value: object, field: str, max_length: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationFailed(f"{field} must be text", field, "invalid_type")
    text = value.strip()
    if len(text) > max_length:
        raise ValidationFailed(f"{field} is longer than {max_length} characters", field, "too_long")
    return text


def email_address(value: object, field: str = "contact_email") -> str:
    text = required_text(value, field, 254, "e-mail address")
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValidationFailed(f"'{text}' is not a valid e-mail address: {exc}", field, "invalid_email") from None


def kvk_number(value: object, field: str = "kvk") -> str | None:
    text = clean_text(value, field, 20).replace(" ", "")
    if not text:
        return None
    if not KVK_PATTERN.match(text):
        raise ValidationFailed("a KvK number has exactly 8 digits", field, "invalid_kvk")
    return text


def language(value: object, field: str = "language") -> str:
    text = clean_text(value, field, 5) or "nl"
    if text not in ("nl", "en"):
        raise ValidationFailed("language must be 'nl' or 'en'", field, "invalid_language")
    return text
