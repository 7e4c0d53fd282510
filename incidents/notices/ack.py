"""Signed, expiring acknowledgement links: a controller confirms receipt without logging in."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..links import base_url

SALT = "notice-acknowledgement"


class AckLinkError(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # forged | expired


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_token(outbox_id: int, nonce: str) -> str:
    return _serializer().dumps({"o": outbox_id, "n": nonce})


def read_token(token: str) -> tuple[int, str]:
    max_age = int(current_app.config["ACK_MAX_AGE_DAYS"]) * 86400
    try:
        data = _serializer().loads(token, max_age=max_age)
    except SignatureExpired:
        raise AckLinkError("expired") from None
    except BadSignature:
        raise AckLinkError("forged") from None
    if not isinstance(data, dict) or not isinstance(data.get("o"), int) or not isinstance(data.get("n"), str):
        raise AckLinkError("forged")
    return data["o"], data["n"]


def ack_url(outbox_id: int, nonce: str) -> str:
    base = base_url()
    return f"{base}/ack/{make_token(outbox_id, nonce)}"
