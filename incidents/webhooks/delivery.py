"""Deliver queued webhook calls: JSON signed with HMAC-SHA256, retried with backoff, claimed so that each is
POSTed by one worker at a time.

The receiver checks `X-Datalek-Signature: sha256=<hex>`, the HMAC-SHA256 of `<timestamp>.<body>` with the
webhook's secret, where the timestamp is `X-Datalek-Timestamp` (Unix seconds; reject old ones against replay).

A call to a loopback or private address is not made (targets.py): it is failed at once, with the address as its
error ("private_target 127.0.0.1"), and not retried.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from typing import Any, cast

import structlog
from flask import current_app
from sqlalchemy import CursorResult, or_, select, update

from ..core.instants import utcnow
from ..extensions import db
from .models import Webhook, WebhookDelivery
from .targets import PRIVATE_TARGET, CheckedHTTPHandler, CheckedHTTPSHandler, check_url, refusal

log = structlog.get_logger("incidents.webhooks")
STALE_CLAIM = timedelta(minutes=5)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def _claim(delivery_id: int, now: datetime) -> bool:
    result = cast(
        "CursorResult[Any]",
        db.session.execute(  # an UPDATE's result has a rowcount
            update(WebhookDelivery)
            .where(
                WebhookDelivery.id == delivery_id,
                or_(
                    WebhookDelivery.status.in_(("queued", "retrying")),
                    (WebhookDelivery.status == "sending") & (WebhookDelivery.claimed_at < now - STALE_CLAIM),
                ),
            )
            .values(status="sending", claimed_at=now)
            .execution_options(synchronize_session=False)
        ),
    )
    db.session.commit()
    return result.rowcount == 1


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not a delivery: urllib would follow a 301/302/303 with a GET without the body (and
    count the GET's 200 as success), or take the signed call to another host. It surfaces as HTTPError 3xx."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


# Connections only to checked addresses (targets.py); redirects not followed.
_opener = urllib.request.build_opener(_NoRedirect, CheckedHTTPHandler, CheckedHTTPSHandler)


def post(hook: Webhook, payload: dict, delivery_id: int, now: datetime) -> int:
    """POST the payload; the HTTP status, or raises OSError / urllib / http.client errors. `now` is the moment of
    sending: it goes into the signed timestamp, which receivers check against replay."""
    if not hook.url.startswith(("https://", "http://")):
        raise ValueError("a webhook URL must be http(s)")
    check_url(hook.url)  # here for a call through a proxy; a direct connection is checked as it is made
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
    timestamp = str(int(now.timestamp()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Datalekdesk-Webhook/1",
        "X-Datalek-Timestamp": timestamp,
        "X-Datalek-Delivery": str(delivery_id),
        "X-Datalek-Signature": signature(hook.secret, timestamp, body),
    }
    request = urllib.request.Request(hook.url, data=body, method="POST", headers=headers)  # noqa: S310
    with _opener.open(request, timeout=current_app.config["WEBHOOK_TIMEOUT_SECONDS"]) as response:
        return response.status


def deliver_due(now: datetime | None = None, limit: int = 100) -> dict[str, int]:
    now = now or utcnow()
    ids = db.session.scalars(
        select(WebhookDelivery.id)
        .where(
            or_(
                WebhookDelivery.status.in_(("queued", "retrying")),
                (WebhookDelivery.status == "sending") & (WebhookDelivery.claimed_at < now - STALE_CLAIM),
            ),
            or_(WebhookDelivery.next_attempt_at.is_(None), WebhookDelivery.next_attempt_at <= now),
        )
        .order_by(WebhookDelivery.id)
        .limit(limit)
    ).all()
    counts: dict[str, int] = {}
    for delivery_id in ids:
        if not _claim(delivery_id, now):
            continue
        status = _deliver(db.session.get_one(WebhookDelivery, delivery_id), now)
        counts[status] = counts.get(status, 0) + 1
    return counts


def _attempt(hook: Webhook, delivery: WebhookDelivery) -> tuple[int | None, str | None, bool]:
    """Make the call: (HTTP status, error or None, whether the error is final)."""
    try:
        # The signed timestamp is the moment of sending, not the start of this pass: a pass of many slow
        # receivers would otherwise sign calls with a time minutes old, which receivers refuse as a replay.
        status = post(hook, delivery.payload, delivery.id, utcnow())
    except urllib.error.HTTPError as exc:
        exc.close()
        return exc.code, f"HTTP {exc.code}", False
    except (OSError, ValueError, http.client.HTTPException) as exc:
        refused = refusal(exc)
        if refused is not None:  # a private address: never called, not retried
            return None, f"{PRIVATE_TARGET} {refused.address}", True
        # HTTPException: a receiver that answers something other than HTTP (BadStatusLine, IncompleteRead, ...);
        # it is not an OSError, and escaping here would leave the call 'sending' and end the worker's pass.
        return None, f"{type(exc).__name__}: {exc}"[:500], False
    except Exception as exc:  # anything else fails this call alone; the pass goes on
        return None, f"{type(exc).__name__}: {exc}"[:500], False
    return status, None if 200 <= status < 300 else f"HTTP {status}", False


def _deliver(delivery: WebhookDelivery, now: datetime) -> str:
    hook = db.session.get_one(Webhook, delivery.webhook_id)
    if not hook.active:  # deactivated after this call was queued: it is not made
        delivery.status, delivery.claimed_at, delivery.next_attempt_at = "cancelled", None, None
        delivery.last_error = "webhook deactivated"
        db.session.commit()
        return delivery.status
    delivery.attempts += 1
    status, error, final = _attempt(hook, delivery)
    delivery.response_status, delivery.claimed_at = status, None
    if error is None:
        delivery.status, delivery.sent_at, delivery.last_error, delivery.next_attempt_at = "sent", utcnow(), None, None
    else:
        backoff = current_app.config["WEBHOOK_BACKOFF_SECONDS"]
        delivery.last_error = error
        if final or delivery.attempts >= current_app.config["WEBHOOK_MAX_ATTEMPTS"]:
            delivery.status, delivery.next_attempt_at = "failed", None
        else:
            wait = backoff[min(delivery.attempts - 1, len(backoff) - 1)]
            delivery.status, delivery.next_attempt_at = "retrying", now + timedelta(seconds=wait)
        log.warning("webhook_failed", delivery_id=delivery.id, attempt=delivery.attempts, error=error)
    db.session.commit()
    return delivery.status
