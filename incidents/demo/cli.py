"""flask --app wsgi demo load"""

from __future__ import annotations

import secrets

import click
from flask.cli import AppGroup

from ..auth.service import create_user, find_user
from ..extensions import db
from . import data

demo_cli = AppGroup("demo", help="Demo data.")
DEMO_USER = "demo@verwerker.example"


@demo_cli.command("load")
def load() -> None:
    """Load demo data (once) and print a login for the demo user (a new password on every run)."""
    password = secrets.token_urlsafe(12)
    user = find_user(DEMO_USER)
    if user is None:
        user = create_user(DEMO_USER, "admin", password, name="Demo Beheerder")
    else:
        user.set_password(password)
    if data.demo_present():
        click.echo("demo data already present; left as it is")
    else:
        counts = data.load(actor=user)
        click.echo(f"loaded {counts['controllers']} controllers, {counts['contracts']} contracts, "
                   f"{counts['incidents']} incidents")
    db.session.commit()
    click.echo(f"login: {DEMO_USER}  password: {password}")
