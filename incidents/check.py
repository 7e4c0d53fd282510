"""flask --app wsgi check: verify the configuration, the database and its migrations before serving.

Exits 0 when the app can start; otherwise prints what is wrong, one line per problem, and exits 1. Meant for
the start of a deployment (systemd ExecStartPre, a container entrypoint, a CI smoke test).
"""

from __future__ import annotations

import os
import runpy
import shlex
import smtplib

import click
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import text

from .database_roles import owns_tables
from .extensions import db
from .paths import FILES
from .record.service import run_verification

GUNICORN_CONFIG = FILES / "config" / "gunicorn.conf.py"


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
    if config.get("RATELIMIT_ENABLED", True) and config.get("RATELIMIT_STORAGE_URI", "memory://").startswith(
        "memory://"
    ):
        warnings.append(_rate_limit_storage(config.get("LOGIN_RATE_LIMIT", "")))
    return errors, warnings


def _record_problems() -> list[str]:
    """Recompute the record's chains (and keep the outcome, as `verify` does)."""
    outcome = run_verification()
    db.session.commit()
    return [f"the record does not match its hash chain: {problem}" for problem in outcome.problems]


def _rate_limit_storage(limit: str) -> str:
    """The warning for rate limits kept in each process's memory: each web process counts on its own."""
    try:
        processes, source = web_processes()
    except (ValueError, OSError) as exc:
        return f"login rate limits are kept in memory, per process, and the number of web processes is unclear ({exc})"
    if processes > 1:
        return (
            f"login rate limits are kept in memory, per process, and gunicorn runs {processes} web processes "
            f"({source}): each counts on its own, so a client gets {processes} times LOGIN_RATE_LIMIT ({limit}); "
            "set RATELIMIT_STORAGE_URI to storage they share (e.g. redis://)"
        )
    return "login rate limits are kept in memory, per process: set RATELIMIT_STORAGE_URI when several app servers run"


def web_processes() -> tuple[int, str]:
    """How many worker processes gunicorn serves the app with, and where that number comes from: --workers in
    GUNICORN_CMD_ARGS, else the `workers` of config/gunicorn.conf.py (WEB_CONCURRENCY, by default 2 × cores + 1),
    else WEB_CONCURRENCY or gunicorn's own default of 1. Raises ValueError for a number that is not one."""
    args = shlex.split(os.environ.get("GUNICORN_CMD_ARGS", ""))
    for i, arg in enumerate(args):
        if arg.startswith("--workers="):
            return int(arg.partition("=")[2]), "GUNICORN_CMD_ARGS"
        if arg in ("-w", "--workers") and i + 1 < len(args):
            return int(args[i + 1]), "GUNICORN_CMD_ARGS"
        if arg.startswith("-w") and arg[2:].isdigit():
            return int(arg[2:]), "GUNICORN_CMD_ARGS"
    if GUNICORN_CONFIG.is_file():
        workers = runpy.run_path(str(GUNICORN_CONFIG))["workers"]
        source = "WEB_CONCURRENCY" if "WEB_CONCURRENCY" in os.environ else "config/gunicorn.conf.py: 2 × cores + 1"
        return int(workers), source
    return int(os.environ.get("WEB_CONCURRENCY", 1)), "WEB_CONCURRENCY"


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
