"""flask --app wsgi outbox deliver | where"""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import AppGroup

from .mailer import transport_for
from .outbox import deliver_due

outbox_cli = AppGroup("outbox", help="The e-mail outbox.")


@outbox_cli.command("deliver")
@click.option("--watch", is_flag=True, help="Keep running, delivering every --interval seconds.")
@click.option("--interval", default=15.0, show_default=True)
def deliver(watch: bool, interval: float) -> None:
    """Send what is due (queued, and retries whose time has come)."""
    while True:
        counts = deliver_due()
        if counts or not watch:
            click.echo(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "nothing due")
        if not watch:
            return
        time.sleep(interval)


@outbox_cli.command("where")
def where() -> None:
    """Say where mail goes."""
    click.echo(f"mail goes to: {transport_for(current_app).describe()}")
