"""`Idempotency-Key` on every POST of the API (docs/API.md, "Safe retries and bad input"; the rules are in
incidents/idempotency/service.py). Before the route: claim the key, or answer the first response again. After it:
keep a successful response with the key, in the request's transaction."""

from __future__ import annotations

import re

from flask import current_app, g, request
from flask.wrappers import Response

from ..core.instants import utcnow
from ..idempotency.service import HEADER, InProgress, KeyReused, Stored, claim, keep, request_hash
from ..transaction import rolled_back
from . import bp, error_response

KEY = re.compile(r"[\x21-\x7e]{1,255}")  # visible ASCII, as a UUID or any opaque token is written
REPLAYED = "Idempotent-Replayed"


@bp.before_request
def claim_key():
    """Runs after `authenticate` (registered before it): the key belongs to the token's user."""
    if request.method != "POST" or HEADER not in request.headers or "api_user" not in g:
        return None
    key = request.headers[HEADER]
    if not KEY.fullmatch(key):
        return error_response(
            422, "invalid_idempotency_key", f"{HEADER} must be 1 to 255 visible ASCII characters", HEADER
        )
    hashed = request_hash(request.method, request.path, request.query_string, request.get_data(cache=True))
    wait = float(current_app.config["IDEMPOTENCY_WAIT_SECONDS"])
    try:
        outcome = claim(g.api_user.id, key, hashed, utcnow(), wait)
    except KeyReused as exc:
        return error_response(409, exc.code, exc.message, exc.field)
    except InProgress as exc:
        response = error_response(409, exc.code, exc.message, exc.field)
        response.headers["Retry-After"] = str(max(1, round(wait)))
        return response
    if isinstance(outcome, Stored):
        replay = current_app.response_class(outcome.body, status=outcome.status, content_type=outcome.content_type)
        replay.headers[REPLAYED] = "true"
        return replay
    g.idempotency_claim = outcome
    return None


@bp.after_request
def keep_response(response: Response) -> Response:
    claimed = g.pop("idempotency_claim", None)
    if claimed is not None and 200 <= response.status_code < 300 and not rolled_back():
        keep(claimed, response.status_code, response.content_type or "application/json", response.get_data())
    return response


@bp.teardown_request
def _forget_claim(_exc: BaseException | None) -> None:
    g.pop("idempotency_claim", None)  # after an exception (no after_request); g may outlive the request
