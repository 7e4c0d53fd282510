"""flask --app wsgi demo load"""

from __future__ import annotations

import secrets

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..auth.service import create_user, find_user
from ..extensions import db
from ..parties.models import Controller
from . import data

demo_cli = AppGroup("demo", help="Demo data.")
DEMO_USER = "demo@verwerker.example"
# A user of one customer organisation, to try the controller portal.
PORTAL_USER = "fg@nwkliniek.example"
PORTAL_CONTROLLER = "Ziekenhuis Noordwest Kliniek"


@demo_cli.command("load")
def load() -> None:
    """Load demo data (once) and print logins for the demo handler and a portal user (new passwords every run)."""
    password = secrets.token_urlsafe(12)
    user = find_user(DEMO_USER)
    if user is None:
        # A handler, the processor's staff: an administrator would first have to set up two-step verification.
        user = create_user(DEMO_USER, "handler", password, name="Demo Behandelaar")
    else:
        user.set_password(password)
    if data.demo_present():
        click.echo("demo data already present; left as it is")
    else:
        counts = data.load(actor=user)
        click.echo(
            f"loaded {counts['controllers']} controllers, {counts['contracts']} contracts, "
            f"{counts['incidents']} incidents"
        )
    portal_password = secrets.token_urlsafe(12)
    controller = db.session.scalar(select(Controller).where(Controller.name == PORTAL_CONTROLLER))
    portal_user = find_user(PORTAL_USER)
    if portal_user is None and controller is not None:
        create_user(
            PORTAL_USER, "controller", portal_password, name="FG Noordwest Kliniek", controller_id=controller.id
        )
    elif portal_user is not None:
        portal_user.set_password(portal_password)
    db.session.commit()
    if controller is not None:
        click.echo(f"controller portal: {PORTAL_USER}  password: {portal_password}")
    click.echo(f"login: {DEMO_USER}  password: {password}")
