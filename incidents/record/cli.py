"""flask --app wsgi verify: recompute the record's hash chains (docs/API.md, "Verifying the record")."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..extensions import db
from .service import run_verification
from .verify import find_link


@click.command("verify")
@click.option(
    "--witness",
    "witnesses",
    multiple=True,
    metavar="HASH",
    help="A chain head a document stated (a notice, a report, a register export): it must be a link of the chain.",
)
@with_appcontext
def verify_command(witnesses: tuple[str, ...]) -> None:
    """Recompute the hash chain of every append-only table. Exit 0 and print the chain heads when the record is
    intact; exit 1 naming the first row of each table that does not match, or a witness that is not in the chain."""
    outcome = run_verification()
    db.session.commit()
    failed = not outcome.ok
    for problem in outcome.problems:
        click.echo(f"MISMATCH {problem}")
    for name, state in outcome.heads.items():
        click.echo(f"{name}: {state['seq']} rows, head {state['hash']}")
    for digest in witnesses:
        found = find_link(db.session.connection(), digest.strip().lower())
        if found is None:
            failed = True
            click.echo(f"WITNESS NOT FOUND {digest}: no link of the record has this hash (the record was rewritten)")
        else:
            click.echo(f"witness {digest}: link {found[1]} of {found[0]}")
    click.echo(f"{outcome.rows} rows checked in {outcome.seconds:.2f} s")
    if failed:
        raise SystemExit(1)
    click.echo("ok: the record is intact")
