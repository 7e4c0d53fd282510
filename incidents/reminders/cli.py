"""flask --app wsgi worker (runs until stopped) · flask --app wsgi tick (one pass, for cron or a systemd timer)."""

from __future__ import annotations

import os
import socket

import click
from flask import current_app

from ..core.instants import utcnow
from ..idempotency.service import purge_expired
from ..intake import imap as intake_imap
from ..notices.outbox import deliver_due as deliver_mail
from ..record.service import verify_when_due
from ..webhooks.delivery import deliver_due as deliver_webhooks
from .processes import Pool, default_count, stop_on_signals
from .regimes import remind_regime_stages
from .service import tick
from .suspicion import remind_long_suspected


def one_pass(worker: str) -> dict[str, int]:
    """Reminders first (they queue mail and webhook calls), then the outbox and the webhooks; last, the API's
    idempotency keys older than 24 hours are deleted; once every RECORD_VERIFY_HOURS the record is verified."""
    sent = tick(utcnow(), worker)
    suspected = remind_long_suspected(utcnow())
    stages = remind_regime_stages(utcnow())
    mailed = hooked = 0
    while True:  # until nothing is due (what another worker holds is skipped, not waited for)
        mail = deliver_mail(limit=500)
        mailed += mail.get("sent", 0)
        if not mail or set(mail) == {"not_claimed"}:
            break
    while True:
        hooks = deliver_webhooks()
        hooked += hooks.get("sent", 0)
        if not hooks:
            break
    expired = purge_expired(utcnow())
    verified = verify_when_due(utcnow())
    fetched = _fetch_mail()
    return {
        "reminders": sent,
        "suspected_too_long": suspected,
        "regime_stage_reminders": stages,
        "mail_sent": mailed,
        "webhooks_sent": hooked,
        "idempotency_keys_expired": expired,
        "record_verified": verified,
        "intake_stored": fetched,
    }


def _fetch_mail() -> int:
    """The breach mailbox, when one is configured (INTAKE_IMAP_HOST): the messages newly stored. A mailbox that
    cannot be reached now is tried again next pass; it does not stop the reminders."""
    if not intake_imap.configured(current_app.config):
        return 0
    try:
        return intake_imap.fetch(current_app.config)["stored"]
    except (intake_imap.ImapError, intake_imap.imaplib.IMAP4.error, OSError) as exc:
        click.echo(f"intake: IMAP fetch failed: {type(exc).__name__}: {exc}", err=True)
        return 0


def _name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@click.command("tick")
def tick_command() -> None:
    """Send the reminders that have come, deliver queued mail and webhook calls, once."""
    counts = one_pass(_name())
    click.echo(" ".join(f"{k}={v}" for k, v in counts.items()))


@click.command("worker")
@click.option("--seconds", type=float, default=None, help="Seconds between passes (default WORKER_SECONDS, 30).")
@click.option(
    "--processes",
    type=click.IntRange(1, 64),
    default=None,
    help="Worker processes (default WORKER_PROCESSES; unset: one per core, at most 4).",
)
def worker_command(seconds: float | None, processes: int | None) -> None:
    """Run until stopped (SIGTERM or Ctrl-C): a pass every WORKER_SECONDS, in one or more processes."""
    from ..extensions import db

    wait = seconds if seconds is not None else float(current_app.config["WORKER_SECONDS"])
    count = processes or current_app.config.get("WORKER_PROCESSES") or default_count()
    name = _name()
    click.echo(f"worker {name}: {count} process(es), a pass every {wait:g} s", err=True)
    pool = Pool(_loop(wait), name, int(count), lambda: db.engine.dispose(close=False))
    pool.start()
    try:
        _loop(wait)(name, stop_on_signals(), pool)
    finally:
        pool.stop()


def _loop(wait: float):
    def loop(name: str, stop, pool: Pool | None) -> None:
        from ..extensions import db

        while not stop.is_set():
            try:
                counts = one_pass(name)
                if any(counts.values()):
                    click.echo(f"{name}: " + " ".join(f"{k}={v}" for k, v in counts.items()), err=True)
            except Exception as exc:  # a failed pass (database restart, ...) must not end the worker
                db.session.rollback()
                click.echo(f"{name}: pass failed: {type(exc).__name__}: {exc}", err=True)
            db.session.remove()  # no transaction is open between passes (a fork happens only there)
            if pool is not None:
                pool.tend()
            stop.wait(wait)

    return loop
