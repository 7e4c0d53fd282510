"""flask --app wsgi intake fetch (the IMAP mailbox, once) · flask --app wsgi intake serve (the SMTP receiver)."""

from __future__ import annotations

import signal
import threading

import click
from flask import current_app
from flask.cli import AppGroup

from . import imap
from .receiver import receiver

intake_cli = AppGroup("intake", help="Intake by e-mail: fetch the breach mailbox, or run the SMTP receiver.")


@intake_cli.command("fetch")
def fetch_command() -> None:
    """Store the unseen messages of the breach mailbox (IMAP), each committed before it is marked seen."""
    if not imap.configured(current_app.config):
        raise click.ClickException("No IMAP mailbox is configured (INTAKE_IMAP_HOST).")
    try:
        counts = imap.fetch(current_app.config)
    except (imap.ImapError, OSError, imap.imaplib.IMAP4.error) as exc:
        raise click.ClickException(f"IMAP: {type(exc).__name__}: {exc}") from exc
    click.echo(" ".join(f"{k}={v}" for k, v in counts.items()))


@intake_cli.command("serve")
@click.option("--host", default=None, help="Address to listen on (default INTAKE_SMTP_HOST).")
@click.option("--port", type=int, default=None, help="Port to listen on (default INTAKE_SMTP_PORT).")
def serve_command(host: str | None, port: int | None) -> None:
    """Run the SMTP receiver for the breach address until stopped (Ctrl-C or SIGTERM)."""
    server = receiver(current_app._get_current_object(), host, port)  # type: ignore[attr-defined]
    server.start()
    click.echo(f"intake: SMTP on {server.hostname}:{server.port} for {current_app.config['INTAKE_ADDRESS']}", err=True)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    try:
        while not stop.wait(1):
            pass
    finally:
        server.stop()
