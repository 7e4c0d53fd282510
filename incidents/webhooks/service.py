"""Webhooks as administrators manage them: create (with a generated secret), deactivate, queue a test call.

The delivery itself (signing, retrying) is delivery.py, run by the worker."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any, cast
from urllib.parse import urlsplit

from sqlalchemy import CursorResult, insert, select, update

from ..core.instants import iso_z, utcnow
from ..errors import N_, Conflict, ValidationFailed
from ..extensions import db
from ..links import base_url
from ..parties.models import Controller
from ..validation import is_id, required_text
from .chat import chat_name
from .models import Webhook, WebhookDelivery
from .targets import TargetRefused, check_url

PENDING = ("queued", "retrying")


def clean_url(value: object) -> str:
    """An absolute http(s) URL with a host; anything else (ftp:, javascript:, file:, relative) is refused, and so is
    a host on this machine or a private network (targets.py) unless WEBHOOKS_ALLOW_PRIVATE_TARGETS is set."""
    url = required_text(value, "url", 500, "url")
    if any(c.isspace() or ord(c) < 32 for c in url):
        raise ValidationFailed(N_("the URL may not contain spaces or control characters"), "url", "invalid_url")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number or is out of range)
    except ValueError:
        raise ValidationFailed(N_("the URL is not valid"), "url", "invalid_url") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValidationFailed(
            N_("a webhook URL must start with http:// or https:// and name a host"), "url", "invalid_url"
        )
    if parts.username is not None or parts.password is not None:
        raise ValidationFailed(
            N_("put no user name or password in the URL; the signature authenticates the call"), "url", "invalid_url"
        )
    try:
        check_url(url)
    except TargetRefused as refused:
        raise ValidationFailed(
            N_(
                "%(host)s is on this machine or a private network (%(address)s): a webhook may only call a public "
                "address, unless the setting WEBHOOKS_ALLOW_PRIVATE_TARGETS allows it"
            ),
            "url",
            "private_target",
            {"host": refused.host, "address": refused.address},
        ) from None
    return url


def organisation(value: object) -> int | None:
    """None (or "") is the processor itself; otherwise an existing controller's id."""
    if value in (None, ""):
        return None
    controller_id = int(value) if isinstance(value, str) and value.isascii() and value.isdigit() else value
    if not is_id(controller_id) or db.session.get(Controller, controller_id) is None:
        raise ValidationFailed(
            N_("choose the processor or a controller from the list"), "controller_id", "unknown_controller"
        )
    return controller_id


def create_webhook(*, name: object, url: object, controller_id: object = None, now: datetime | None = None) -> Webhook:
    hook = Webhook(
        name=required_text(name, "name", 100, "name"),
        url=clean_url(url),
        controller_id=organisation(controller_id),
        secret=secrets.token_urlsafe(32),
        active=True,
        created_at=now or utcnow(),
    )
    db.session.add(hook)
    db.session.flush()
    return hook


def deactivate(hook: Webhook) -> int:
    """No further calls: the hook gets no new deliveries, and its queued ones are cancelled. Returns how many."""
    hook.active = False
    result = cast(
        "CursorResult[Any]",
        db.session.execute(  # an UPDATE's result has a rowcount
            update(WebhookDelivery)
            .where(WebhookDelivery.webhook_id == hook.id, WebhookDelivery.status.in_(PENDING))
            .values(status="cancelled", next_attempt_at=None, last_error="webhook deactivated")
            .execution_options(synchronize_session=False)
        ),
    )
    db.session.flush()
    return result.rowcount or 0


def test_payload(hook: Webhook, now: datetime) -> dict:
    base, name = base_url(), chat_name(hook.name)  # the text is shown by Slack or Teams: the name is no markup
    nl = f"Test van de Datalekdesk: webhook “{name}” werkt."
    en = f"Test from the breach desk: webhook “{name}” works."
    return {
        "text": f"{nl}\n{en}\n{base}/",
        "event": "test",
        "webhook": {"id": hook.id, "name": hook.name},
        "sent_at": iso_z(now),
    }


def call_row(*, webhook_id: int, payload: dict, now: datetime, reminder_id: int | None = None) -> dict:
    """The columns of one new webhook call, queued to be made now."""
    return {
        "webhook_id": webhook_id,
        "reminder_id": reminder_id,
        "payload": payload,
        "status": "queued",
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }


def queue_calls(rows: list[dict]) -> None:
    """Queue many webhook calls at once (rows from `call_row`): one bulk insert."""
    if rows:
        db.session.execute(insert(WebhookDelivery.__table__), rows)


def queue_test(hook: Webhook, now: datetime | None = None) -> WebhookDelivery:
    if not hook.active:
        raise Conflict(N_("this webhook is deactivated"), None, "webhook_inactive")
    now = now or utcnow()
    delivery = WebhookDelivery(**call_row(webhook_id=hook.id, payload=test_payload(hook, now), now=now))
    db.session.add(delivery)
    db.session.flush()
    return delivery


def all_webhooks() -> list[tuple[Webhook, str | None]]:
    return [
        (hook, name)
        for hook, name in db.session.execute(
            select(Webhook, Controller.name)
            .outerjoin(Controller, Controller.id == Webhook.controller_id)
            .order_by(Webhook.active.desc(), Webhook.name, Webhook.id)
        )
    ]


def recent_deliveries(hook_id: int, limit: int = 50) -> list[WebhookDelivery]:
    return list(
        db.session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.webhook_id == hook_id)
            .order_by(WebhookDelivery.id.desc())
            .limit(limit)
        )
    )
