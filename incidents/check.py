"""flask --app wsgi check: verify the configuration, the database and its migrations before serving.

Exits 0 when the app can start; otherwise prints what is wrong, one line per problem, and exits 1. Meant for
the start of a deployment (systemd ExecStartPre, a container entrypoint, a CI smoke test).
"""

from __future__ import annotations

import smtplib

import click
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import text

from .database_roles import owns_tables
from .extensions import db
from .record.service import run_verification


def problems(check_mail: bool = False) -> tuple[list[str], list[str]]:
    """(errors, warnings)."""
    config = current_app.config
    errors: list[str] = []
    warnings: list[str] = []
    if not config.get("SECRET_KEY") or len(str(config["SECRET_KEY"])) < 32:
        errors.append("SECRET_KEY is missing or shorter than 32 characters")
    if config.get("SECRET_KEY_GENERATED"):
        warnings.append("SECRET_KEY was generated into instance/secret_key; set SECRET_KEY for every app server")
    if not config.get("BASE_URL"):
        warnings.append(
            "BASE_URL is not set: links in e-mails use the address the app was last reached on; "
            "set the public https:// address"
        )
    elif not str(config["BASE_URL"]).startswith("https://"):
        warnings.append(f"BASE_URL is {config.get('BASE_URL')!r}: links in e-mails should use https://")
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            current = MigrationContext.configure(connection).get_current_revision()
    except Exception as exc:  # any driver error: report it plainly
        errors.append(
            f"database {db.engine.url.render_as_string(hide_password=True)} is not reachable: "
            f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        )
        return errors, warnings
    script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
    head = script.get_current_head()
    if current != head:
        errors.append(
            f"database schema is at revision {current or 'none'}, the code expects {head}: "
            "run `flask --app wsgi db upgrade`"
        )
    if db.engine.dialect.name == "sqlite":
        warnings.append("SQLite: fine for one server; run several app servers and workers on PostgreSQL")
    else:
        with db.engine.connect() as connection:
            if owns_tables(connection):
                warnings.append(
                    "the application's database role owns the tables, so it could truncate the record or switch "
                    "its triggers off: run the application as a role of its own (README, PostgreSQL; "
                    "MIGRATION_DATABASE_URL for the owner)"
                )
    if current == head:
        errors += _record_problems()
    if not config.get("MAIL_SERVER"):
        warnings.append("MAIL_SERVER is not set: e-mail is written to files, not sent")
    elif check_mail:
        try:
            with smtplib.SMTP(config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=10) as smtp:
                smtp.noop()
        except (TimeoutError, OSError, smtplib.SMTPException) as exc:
            errors.append(f"mail server {config['MAIL_SERVER']}:{config['MAIL_PORT']} is not reachable: {exc}")
    if config.get("RATELIMIT_STORAGE_URI", "memory://").startswith("memory://"):
        warnings.append(
            "login rate limits are kept in memory, per process: set RATELIMIT_STORAGE_URI when several app servers run"
        )
    return errors, warnings


def _record_problems() -> list[str]:
    """Recompute the record's chains (and keep the outcome, as `verify` does)."""
    outcome = run_verification()
    db.session.commit()
    return [f"the record does not match its hash chain: {problem}" for problem in outcome.problems]


@click.command("check")
@click.option("--mail", "check_mail", is_flag=True, help="Also connect to the mail server.")
@with_appcontext
def check_command(check_mail: bool) -> None:
    """Verify configuration, database reachability and migrations; exit 1 with a clear message if not ready."""
    errors, warnings = problems(check_mail)
    for line in warnings:
        click.echo(f"warning: {line}", err=True)
    for line in errors:
        click.echo(f"error: {line}", err=True)
    if errors:
        raise SystemExit(1)
    click.echo("ok: configuration, database, migrations and the record are ready")
