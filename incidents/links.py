"""Links. `here`: this page with other query-string arguments (the language switch). The rest: the absolute
address of this application, for links that leave the page: e-mails, calendar feeds, webhooks.

`BASE_URL` when it is set (production sets it: `flask check` warns when it is not). Without it, the address the
app is actually served on: during a request, the address that request reached; outside one (the outbox pump of a
web process), the address the last signed-in user reached this process on; else the address the process was told
it runs on (`make run` gives the worker `INCIDENTS_BASE_URL` with its port), else 127.0.0.1:5000.

Only signed-in users' requests are remembered, so an anonymous request with a made-up Host header cannot put its
host into links that other people receive.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, current_app, has_request_context, request
from flask_login import current_user

FALLBACK = "http://127.0.0.1:5000"
SEEN = "links.served_at"  # app.extensions key: the address of the last signed-in request in this process


def base_url() -> str:
    configured = current_app.config.get("BASE_URL")
    if configured:
        return str(configured).rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return str(current_app.extensions.get(SEEN) or FALLBACK).rstrip("/")


def remember(response):
    if current_app.config.get("BASE_URL") or not current_user or not current_user.is_authenticated:
        return response
    current_app.extensions[SEEN] = request.host_url.rstrip("/")
    return response


def init_app(app: Flask) -> None:
    app.after_request(remember)


def here(**changes: str | None) -> str:
    """This page's address with some query-string arguments changed (None removes one). The language switch uses
    it, so that a list keeps its search, filters, sort and page in the other language."""
    args = [(key, value) for key, value in request.args.items(multi=True) if key not in changes]
    args += [(key, value) for key, value in changes.items() if value is not None]
    query = urlencode(args)
    path = request.script_root + request.path
    return f"{path}?{query}" if query else path
