"""structlog, configured once: JSON in production, readable in development, a request id per request.

Only identifiers and outcomes are logged (ids, references, counts, status codes), never the text
of an incident: descriptions and field values may hold personal data.
"""

from __future__ import annotations

import logging
import secrets
import sys
import time

import structlog
from flask import Flask, g, request

_configured = False


def configure_logging(fmt: str = "console", level: str = "INFO") -> None:
    global _configured
    renderer = structlog.processors.JSONRenderer() if fmt == "json" else structlog.dev.ConsoleRenderer(colors=False)
    logging.basicConfig(format="%(message)s", stream=sys.stderr, level=level, force=not _configured)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )
    _configured = True


def init_app(app: Flask) -> None:
    configure_logging(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])
    log = structlog.get_logger("incidents.request")

    @app.before_request
    def bind_request_id() -> None:
        supplied = request.headers.get("X-Request-ID", "")
        rid = supplied if 8 <= len(supplied) <= 64 and supplied.isalnum() else secrets.token_hex(8)
        g.request_id = rid
        g.request_started = time.perf_counter()
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=rid)

    @app.after_request
    def log_request(response):
        started = g.get("request_started")
        if started is not None and not request.path.startswith("/static/"):
            log.info(
                "request",
                method=request.method,
                path=request.url_rule.rule if request.url_rule else "<unmatched>",
                status=response.status_code,
                ms=round((time.perf_counter() - started) * 1000, 1),
            )
        if "request_id" in g:
            response.headers["X-Request-ID"] = g.request_id
        return response
