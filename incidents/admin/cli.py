"""The administration commands: flask --app wsgi users create EMAIL --role … ; flask --app wsgi tokens create EMAIL

users: create, list, unlock, reset-2fa, deactivate, reactivate. tokens: create, list, revoke.
Every refusal is a ClickException (exit code 1) with the reason, and nothing is written.
"""

from __future__ import annotations

import secrets
import sys
from collections.abc import Callable

import click
from flask.cli import AppGroup

from ..auth import service
from ..auth.models import ROLES
from ..core.instants import format_local, utcnow
from ..errors import DomainError
from ..extensions import db
from ..validation import MAX_ID
from .service import all_users, reset_two_factor, set_active, token_by_id, unlock, user_by_email

users_cli = AppGroup("users", help="Manage users.")
tokens_cli = AppGroup("tokens", help="Manage API tokens.")


def _run(action: Callable):
    """Calls action() and commits; a refusal rolls back and becomes a ClickException."""
    try:
        result = action()
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    return result


def _user(email: str):
    try:
        return user_by_email(email)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    """Tab-separated, with a header line: readable, and easy to cut."""
    click.echo("\t".join(header))
    for row in rows:
        click.echo("\t".join(row))


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option(
    "--controller",
    "controller_id",
    type=click.IntRange(1, MAX_ID),
    default=None,
    help="Controller id; required for (and only for) --role controller.",
)
@click.option("--name", default="", help="Display name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(email: str, role: str, controller_id: int | None, name: str, password_stdin: bool) -> None:
    """Create a user; without --password-stdin a random password is generated and printed."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        generated = False
    else:
        password = secrets.token_urlsafe(12)
        generated = True
    user = _run(lambda: service.create_user(email, role, password, name=name, controller_id=controller_id))
    click.echo(f"created {user.role} {user.email}")
    if generated:
        click.echo(f"password: {password}")


@users_cli.command("list")
def list_users() -> None:
    """Every user: e-mail, role, controller id, two-step verification, active."""
    _table(
        ("email", "role", "controller", "2fa", "active"),
        [
            (
                u.email,
                u.role,
                str(u.controller_id) if u.controller_id else "-",
                "on" if u.totp_enabled else "off",
                "yes" if u.active else "no",
            )
            for u in all_users()
        ],
    )


@users_cli.command("unlock")
@click.argument("email")
def unlock_user(email: str) -> None:
    """End a lockout after too many wrong passwords."""
    user = _user(email)
    _run(lambda: unlock(user))
    click.echo(f"unlocked {user.email}")


@users_cli.command("reset-2fa")
@click.argument("email")
def reset_two_factor_command(email: str) -> None:
    """Switch off a user's two-step verification (e.g. a lost phone); their sessions end."""
    user = _user(email)
    if not (user.totp_enabled or user.totp_secret):
        raise click.ClickException(f"{user.email} has no two-step verification to reset")
    _run(lambda: reset_two_factor(user))
    click.echo(
        f"two-step verification reset for {user.email}; they set it up again at the next login"
        if user.role == "admin"
        else f"two-step verification reset for {user.email}"
    )


@users_cli.command("deactivate")
@click.argument("email")
def deactivate_user(email: str) -> None:
    """Stop a user from logging in and from using their API tokens; their sessions end."""
    user = _user(email)
    if not _run(lambda: set_active(user, False)):
        raise click.ClickException(f"{user.email} is already deactivated")
    click.echo(f"deactivated {user.email}")


@users_cli.command("reactivate")
@click.argument("email")
def reactivate_user(email: str) -> None:
    """Let a deactivated user log in again."""
    user = _user(email)
    if not _run(lambda: set_active(user, True)):
        raise click.ClickException(f"{user.email} is already active")
    click.echo(f"reactivated {user.email}")


@tokens_cli.command("create")
@click.argument("email")
@click.option("--name", default="", help="What the token is for, e.g. 'SIEM'.")
@click.option("--expires-days", type=int, default=None, help="Valid for this many days (default: until revoked).")
def create_token(email: str, name: str, expires_days: int | None) -> None:
    """Create an API token for a user; the token is printed once, as the last line."""
    row, secret = _run(lambda: service.create_token(email, name, expires_days))
    if row.expires_at is not None:
        click.echo(f"expires: {format_local(row.expires_at)}")
    click.echo("API token (shown once; only its hash is stored):")
    click.echo(secret)


def _state(token, now) -> str:
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= now:
        return "expired"
    return "active"


@tokens_cli.command("list")
@click.argument("email")
def list_tokens(email: str) -> None:
    """A user's tokens, newest first: id, name, created, expires, last used, state."""
    user = _user(email)
    now = utcnow()
    _table(
        ("id", "name", "created", "expires", "last used", "state"),
        [
            (
                str(t.id),
                t.name or "-",
                format_local(t.created_at),
                format_local(t.expires_at),
                format_local(t.last_used_at),
                _state(t, now),
            )
            for t in service.tokens_of(user)
        ],
    )


@tokens_cli.command("revoke")
@click.argument("token_id", type=int)
def revoke_token(token_id: int) -> None:
    """Revoke a token by its id (see tokens list); it stops working at once."""
    try:
        token = token_by_id(token_id)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    if token.revoked_at is not None:
        raise click.ClickException(f"token {token.id} was already revoked on {format_local(token.revoked_at)}")
    _run(lambda: service.revoke_token(token))
    click.echo(f"revoked token {token.id} ({token.name or 'no name'}) of {token.user.email}")
