"""The application as the tests build it, and putting back what a test changed on it."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import structlog
from flask import Flask

from incidents import create_app
from incidents.extensions import db, limiter

from .client import RequestScopedClient

SECRET_KEY = "test-secret"


def build_app(database_uri: str, **overrides) -> Flask:
    """An application with the test settings (config/testing.py) on the test database; its test clients give each
    request an application context of its own, as a server does, so that nothing a request keeps on `g` (the
    logged-in user, the CSRF token) reaches the next one and two test clients are two different browsers."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_uri, "SECRET_KEY": SECRET_KEY, **overrides}, testing=True)
    app.test_client_class = RequestScopedClient
    return app


@contextmanager
def own_app(database_uri: str, **overrides) -> Iterator[Flask]:
    """An application of the test's own (other settings than the shared one's, or routes of its own), in an
    application context, on the same test database; its engine is closed afterwards."""
    app = build_app(database_uri, **overrides)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@contextmanager
def kept(app: Flask) -> Iterator[None]:
    """Whatever a test changes on the shared app is put back afterwards: its settings, its extensions (the clause
    profiles, the outbox pump) and its test client class. So is what every app shares and building an app of one's
    own sets up again: the rate limiter (an extension object: switched on by an app with the limit on) and the
    logging configuration (it writes to the sys.stderr of the moment, which in a test capturing output is closed
    after it)."""
    config, extensions, client_class = dict(app.config), dict(app.extensions), app.test_client_class
    rate_limiter = dict(vars(limiter))
    log_config, log_handlers, log_level = structlog.get_config(), logging.root.handlers[:], logging.root.level
    try:
        yield
    finally:
        app.config.clear()
        app.config.update(config)
        app.extensions.clear()
        app.extensions.update(extensions)
        app.test_client_class = client_class
        vars(limiter).clear()
        vars(limiter).update(rate_limiter)
        if structlog.get_config() != log_config:
            structlog.configure(**log_config)
        logging.root.handlers[:] = log_handlers
        logging.root.setLevel(log_level)
