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
    help="A chain head a document stated (a notice, a report, a register export), as HASH or TABLE=HASH: it must be "
    "a link of the chain, and the chain must hold up to it.",
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
    for witness in witnesses:
        table, _, digest = witness.strip().lower().rpartition("=")
        found = find_link(db.session.connection(), digest, table or None)
        if found is None:
            failed = True
            click.echo(f"WITNESS NOT FOUND {witness}: no link of the record has this hash (the record was rewritten)")
        elif found[1] > outcome.sound.get(found[0], 0):
            failed = True
            click.echo(f"WITNESS NOT PROVEN {witness}: link {found[1]} of {found[0]} lies past the first mismatch")
        else:
            click.echo(f"witness {witness}: link {found[1]} of {found[0]}, and the chain holds up to there")
    click.echo(f"{outcome.rows} rows checked in {outcome.seconds:.2f} s")
    if failed:
        raise SystemExit(1)
    click.echo("ok: the record is intact")
