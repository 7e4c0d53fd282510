"""Breach desk: data-breach workflow for processors (verwerkers)."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from flask import Flask

from .paths import BUNDLE, FILES, PACKAGE, ROOT

__all__ = ["BUNDLE", "FILES", "PACKAGE", "ROOT", "create_app"]
MAIL_SETTINGS = (
    "MAIL_SERVER",
    "MAIL_PORT",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "MAIL_USE_TLS",
    "MAIL_USE_SSL",
    "MAIL_FROM",
)


def create_app(overrides: dict | None = None, *, testing: bool = False) -> Flask:
    app = Flask(
        __name__,
        # From a checkout: instance/ beside the code. Installed: Flask's default, <prefix>/var/incidents-instance.
        instance_path=None if FILES is BUNDLE else str(ROOT / "instance"),
        template_folder=str(FILES / "templates"),
        static_folder="static",
    )
    _load_config(app, overrides or {}, testing)
    register_extensions(app)
    register_blueprints(app)
    register_cli(app)
    return app


def _load_config(app: Flask, overrides: dict, testing: bool) -> None:
    app.config.from_pyfile(str(FILES / "config" / "defaults.py"))
    if testing:
        app.config.from_pyfile(str(FILES / "config" / "testing.py"))
    app.config.from_prefixed_env("INCIDENTS", loads=_loads)
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if os.environ.get("MIGRATION_DATABASE_URL"):
        app.config["MIGRATION_DATABASE_URL"] = os.environ["MIGRATION_DATABASE_URL"]
    if os.environ.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
    for name in MAIL_SETTINGS:  # the conventional names work without the INCIDENTS_ prefix too
        if os.environ.get(name):
            app.config[name] = (
                _loads(os.environ[name]) if name in ("MAIL_PORT", "MAIL_USE_TLS", "MAIL_USE_SSL") else os.environ[name]
            )
    app.config.update(overrides)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'incidents.sqlite'}"
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _development_key(Path(app.instance_path) / "secret_key")
        app.config["SECRET_KEY_GENERATED"] = True


def _loads(value: str):
    try:
        return json.loads(value)
    except ValueError:
        return value


def _development_key(path: Path) -> str:
    """A generated key kept under instance/ so that sessions survive a restart in development."""
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def register_extensions(app: Flask) -> None:
    from . import authorities, database, error_pages, i18n, links, logs, profiles, transaction
    from .extensions import csrf, db, login_manager, migrate

    logs.init_app(app)
    profiles.init_app(app)
    from .regimes import registry as regimes

    regimes.init_app(app)
    authorities.init_app(app)
    db.init_app(app)
    database.init_app(app)
    transaction.init_app(app)  # first: its commit runs after every other after_request hook
    error_pages.init_app(app)
    migrate.init_app(app, db, directory=str(FILES / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    i18n.init_app(app)
    from . import models  # noqa: F401  (every model registered before the first query)
    from .notices import outbox

    outbox.init_app(app)
    from . import input_guard, security
    from .audit import log as access_log

    security.init_app(app)
    input_guard.init_app(app)  # after the gate: a visitor without a session is sent to log in first
    access_log.init_app(app)
    links.init_app(app)
    from .record import links as record_links

    record_links.init_app(app)
    from .breaches import profile_pins

    profile_pins.init_app(app)  # last: may refuse to start when contracts name a profile that is gone


def register_blueprints(app: Flask) -> None:
    from .account.views import bp as account_bp
    from .admin.views import bp as admin_bp
    from .api import bp as api_bp
    from .auth.views import bp as auth_bp
    from .calendar.views import bp as calendar_bp  # also nests account.calendar: import before registering
    from .casefile import removal_views, scope_views  # noqa: F401 (their routes join the incident pages blueprint)
    from .casefile.views import bp as incidents_bp
    from .dashboard.views import bp as dashboard_bp
    from .drafts.views import bp as drafts_bp
    from .intake.views import bp as intake_bp
    from .notices.views import bp as notices_bp
    from .notifications.views import bp as notifications_bp
    from .parties import search_views  # noqa: F401 (its route joins the parties blueprint)
    from .parties.views import bp as parties_bp
    from .portal.views import bp as portal_bp
    from .register.views import bp as register_bp
    from .webhooks.views import bp as webhooks_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(incidents_bp)
    app.register_blueprint(parties_bp)
    app.register_blueprint(notices_bp)
    app.register_blueprint(register_bp)
    app.register_blueprint(drafts_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(portal_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(webhooks_bp)
    app.register_blueprint(calendar_bp)
    from .regimes.views import bp as regimes_bp

    app.register_blueprint(regimes_bp)
    app.register_blueprint(intake_bp)
    app.add_url_rule("/favicon.ico", "favicon", favicon)


def favicon():
    """Browsers ask for /favicon.ico whatever the page's <link rel="icon"> says: the same picture, not a 404."""
    from flask import redirect, url_for

    return redirect(url_for("static", filename="favicon.svg"), 301)


def register_cli(app: Flask) -> None:
    from .admin.cli import tokens_cli, users_cli
    from .check import check_command
    from .demo.cli import demo_cli
    from .intake.cli import intake_cli
    from .notices.cli import outbox_cli
    from .record.cli import verify_command
    from .reminders.cli import tick_command, worker_command

    app.cli.add_command(check_command)
    app.cli.add_command(verify_command)
    app.cli.add_command(tick_command)
    app.cli.add_command(worker_command)
    app.cli.add_command(users_cli)
    app.cli.add_command(tokens_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(intake_cli)
