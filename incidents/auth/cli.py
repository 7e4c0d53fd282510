"""flask --app wsgi users create EMAIL --role … ; flask --app wsgi tokens create EMAIL"""

from __future__ import annotations

import secrets
import sys

import click
from flask.cli import AppGroup

from ..errors import DomainError
from ..extensions import db
from . import service

users_cli = AppGroup("users", help="Manage users.")
tokens_cli = AppGroup("tokens", help="Manage API tokens.")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(["admin", "handler"]), required=True)
@click.option("--name", default="", help="Display name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(email: str, role: str, name: str, password_stdin: bool) -> None:
    """Create a user; without --password-stdin a random password is generated and printed."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        generated = False
    else:
        password = secrets.token_urlsafe(12)
        generated = True
    try:
        user = service.create_user(email, role, password, name=name)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    click.echo(f"created {user.role} {user.email}")
    if generated:
        click.echo(f"password: {password}")


@tokens_cli.command("create")
@click.argument("email")
@click.option("--name", default="", help="What the token is for, e.g. 'SIEM'.")
def create_token(email: str, name: str) -> None:
    """Create an API token for a user; the token is printed once, as the last line."""
    try:
        _, secret = service.create_token(email, name)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    click.echo("API token (shown once; only its hash is stored):")
    click.echo(secret)
