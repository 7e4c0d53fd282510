"""Fan-out benchmark: one confirmed incident that affects every contract (10,000 by default).

Each run works on a fresh SQLite file, copied from a file migrated once by the real migrations, and
seeded in bulk (seeding is not measured) with contracts spread over controllers and all six profiles.

  intake   incidents.breaches.service.create_incident(..., contract_ids=<all>) + db.session.commit()
  listing  GET /api/v1/incidents/<id>/deadlines through app.test_client() with a bearer token: routing,
           token check, query and JSON serialisation, end to end
  bare     the affected_contracts and obligations rows the intake wrote, read back and inserted again
           as identical tuples with the standard library sqlite3 (executemany, one transaction) into a
           separate copy of the same database taken just before the intake (same schema, same pragmas,
           same rows): the floor the intake is compared with

Before the copy is taken, a warm-up (one small intake and its listing, committed) fills the engine's
statement cache and imports lazily loaded code, so that the measured figures are those of a running
server rather than of its first request. It is committed on purpose: the listing is a request, and a
request commits the session it runs in (its access-log row), so a warm-up cannot be rolled back
through the test client. Both the app's database and the bare copy hold it.

Run from the project root:

    .venv/bin/python benchmarks/fanout.py [--contracts N] [--controllers N] [--runs N] [--profile] [--quick]

It prints figures; nothing about time is asserted (row counts are).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import secrets
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # the checkout this script lives in, before any installed copy

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from incidents import create_app  # noqa: E402
from incidents.auth.models import User  # noqa: E402
from incidents.auth.service import create_token, create_user  # noqa: E402
from incidents.breaches import obligations as obligations_module  # noqa: E402
from incidents.breaches import service  # noqa: E402
from incidents.breaches.models import AffectedContract, Obligation  # noqa: E402
from incidents.extensions import db  # noqa: E402
from incidents.parties.models import Contract, Controller  # noqa: E402

PROFILES = ("doctolib", "addendum-gegevensbescherming", "citodent", "boz-72h", "boz-24h", "gdpr-art33")
TARGET_INTAKE_S = 1.0
TARGET_LISTING_S = 0.5
TARGET_RATIO = 3.0
# What incidents/database.py sets on every connection of the application; the bare insert gets the same.
PRAGMAS = ("PRAGMA foreign_keys=ON", "PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA busy_timeout=5000")
# Every column the intake writes, from the tables themselves: the bare floor writes the same row as the app.
AFFECTED_COLUMNS = tuple(column.name for column in AffectedContract.__table__.columns)
OBLIGATION_COLUMNS = tuple(column.name for column in Obligation.__table__.columns)


@dataclass
class Run:
    create_s: float  # create_incident (everything up to its final flush)
    commit_s: float
    listing_s: float
    bare_s: float
    affected_rows: int
    obligation_rows: int
    listed: int
    response_bytes: int

    @property
    def intake_s(self) -> float:
        return self.create_s + self.commit_s

    @property
    def ratio(self) -> float:
        return self.intake_s / self.bare_s


@dataclass
class Phases:
    """Wall time per step of the intake, collected by thin wrappers around the service's own functions."""

    seconds: dict[str, float] = field(default_factory=dict)

    def wrap(self, module, name: str, label: str) -> Callable[[], None]:
        original = getattr(module, name)

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[label] = self.seconds.get(label, 0.0) + time.perf_counter() - start

        setattr(module, name, timed)
        return lambda: setattr(module, name, original)


# --- databases -------------------------------------------------------------------------------------------


def make_app(path: Path):
    uri = f"sqlite:///{path}"
    return create_app({"SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": secrets.token_hex(16)}, testing=True)


def migrated_template(folder: Path) -> Path:
    path = folder / "template.sqlite"
    app = make_app(path)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        db.engine.dispose()
    return path


def fresh_copy(template: Path, path: Path) -> Path:
    shutil.copy(template, path)
    return path


def seed(contracts: int, controllers: int) -> tuple[list[int], str, int]:
    """Controllers and contracts in bulk, a handler and an API token; returns (contract ids, token, user id)."""
    now = datetime.now(UTC)
    db.session.execute(
        insert(Controller),
        [
            {
                "name": f"Zorginstelling {n:03d}",
                "kvk": f"{n:08d}",
                "contact_name": f"FG {n}",
                "contact_email": f"fg{n}@zorg{n}.example",
                "language": "nl",
                "created_at": now,
            }
            for n in range(1, controllers + 1)
        ],
    )
    controller_ids = list(db.session.scalars(select(Controller.id).order_by(Controller.id)))
    db.session.execute(
        insert(Contract),
        [
            {
                "controller_id": controller_ids[i % controllers],
                "profile_key": PROFILES[(i // controllers) % len(PROFILES)],
                "reference": f"VO-{i + 1:06d}",
                "services": "Hosting",
                "data_categories": "Gezondheid",
                "created_at": now,
            }
            for i in range(contracts)
        ],
    )
    user = create_user("bench@verwerker.example", "handler", secrets.token_urlsafe(16), name="Benchmark")
    _, token = create_token(user.email, "benchmark")
    db.session.commit()
    ids = list(db.session.scalars(select(Contract.id).order_by(Contract.id)))
    return ids, token, user.id


def snapshot(source: Path, target: Path) -> None:
    """A consistent copy of a (WAL-mode) SQLite file, through the backup API."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def read_rows(path: Path, incident_id: int) -> tuple[tuple, list[tuple], list[tuple]]:
    """The incident row and the affected_contracts and obligations rows the intake wrote, exactly as stored."""
    con = sqlite3.connect(path)
    try:
        incident = con.execute("SELECT * FROM incidents WHERE id = ?", (incident_id,)).fetchone()
        affected = con.execute(
            f"SELECT {', '.join(AFFECTED_COLUMNS)} FROM affected_contracts WHERE incident_id = ? ORDER BY rowid",
            (incident_id,),
        ).fetchall()
        obligations = con.execute(
            f"SELECT {', '.join(OBLIGATION_COLUMNS)} FROM obligations WHERE incident_id = ? ORDER BY id",
            (incident_id,),
        ).fetchall()
    finally:
        con.close()
    return incident, affected, obligations


def table_counts(con: sqlite3.Connection) -> tuple[int, int]:
    return (
        con.execute("SELECT count(*) FROM affected_contracts").fetchone()[0],
        con.execute("SELECT count(*) FROM obligations").fetchone()[0],
    )


def bare_insert(path: Path, incident: tuple, affected: list[tuple], obligations: list[tuple]) -> float:
    """Insert the rows with sqlite3 executemany in one transaction; returns the seconds it took."""
    con = sqlite3.connect(path, isolation_level=None)
    try:
        for pragma in PRAGMAS:
            con.execute(pragma)
        before = table_counts(con)  # the warm-up's rows (see the module docstring)
        # The parent row the foreign keys need, outside the timing (the intake's own INSERT of it is timed).
        con.execute(f"INSERT INTO incidents VALUES ({', '.join('?' * len(incident))})", incident)
        affected_sql = (
            f"INSERT INTO affected_contracts ({', '.join(AFFECTED_COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(AFFECTED_COLUMNS))})"
        )
        obligations_sql = (
            f"INSERT INTO obligations ({', '.join(OBLIGATION_COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(OBLIGATION_COLUMNS))})"
        )
        start = time.perf_counter()
        con.execute("BEGIN")
        con.executemany(affected_sql, affected)
        con.executemany(obligations_sql, obligations)
        con.execute("COMMIT")
        elapsed = time.perf_counter() - start
        after = table_counts(con)
        written = (after[0] - before[0], after[1] - before[1])
        of_incident = (
            con.execute("SELECT count(*) FROM affected_contracts WHERE incident_id = ?", (incident[0],)).fetchone()[0],
            con.execute("SELECT count(*) FROM obligations WHERE incident_id = ?", (incident[0],)).fetchone()[0],
        )
        expected = (len(affected), len(obligations))
        if written != expected or of_incident != expected:
            raise SystemExit(f"bare insert wrote {written} ({of_incident} of the incident), expected {expected}")
        return elapsed
    finally:
        con.close()


# --- one run -----------------------------------------------------------------------------------------------


def intake(ids: list[int], user_id: int) -> tuple[int, float, float]:
    user = db.session.get(User, user_id)
    aware_at = datetime.now(UTC) - timedelta(hours=2)
    start = time.perf_counter()
    incident = service.create_incident(
        title="Ransomware bij hostingpartij", aware_at=aware_at, status="confirmed", contract_ids=ids, actor=user
    )
    flushed = time.perf_counter()
    incident_id = incident.id
    db.session.commit()
    done = time.perf_counter()
    return incident_id, flushed - start, done - flushed


def warm_up(app, client, headers: dict, ids: list[int], user_id: int) -> None:
    """One small intake and its listing, committed before the copies are taken (see the module docstring)."""
    with app.app_context():
        incident = service.create_incident(
            title="Warm-up",
            aware_at=datetime.now(UTC) - timedelta(hours=2),
            status="confirmed",
            contract_ids=ids[: len(PROFILES) * 10],
            actor=db.session.get(User, user_id),
        )
        incident_id = incident.id
        db.session.commit()
    response = client.get(f"/api/v1/incidents/{incident_id}/deadlines", headers=headers)
    if response.status_code != 200:
        raise SystemExit(f"warm-up listing answered {response.status_code}: {response.get_data(as_text=True)}")


def prepared(folder: Path, template: Path, args, number: int):
    """A fresh migrated database, seeded, with a user and a token, warmed up: (app, client, headers, ids, user id)."""
    app = make_app(fresh_copy(template, folder / f"run{number}.sqlite"))
    client = app.test_client()
    with app.app_context():
        ids, token, user_id = seed(args.contracts, args.controllers)
    headers = {"Authorization": f"Bearer {token}"}
    if not args.no_warmup:
        warm_up(app, client, headers, ids, user_id)
    return app, client, headers, ids, user_id


def one_run(folder: Path, template: Path, args, number: int) -> Run:
    app, client, headers, ids, user_id = prepared(folder, template, args, number)
    app_path = folder / f"run{number}.sqlite"
    bare_path = folder / f"run{number}-bare.sqlite"
    snapshot(app_path, bare_path)  # same schema, rows and pragmas as the app's database before the intake

    with app.app_context():
        incident_id, create_s, commit_s = intake(ids, user_id)

    start = time.perf_counter()
    response = client.get(f"/api/v1/incidents/{incident_id}/deadlines", headers=headers)
    listing_s = time.perf_counter() - start
    if response.status_code != 200:
        raise SystemExit(f"listing answered {response.status_code}: {response.get_data(as_text=True)[:300]}")
    listed = len(response.get_json()["deadlines"])

    with app.app_context():
        affected_rows = db.session.scalar(
            select(func.count()).select_from(AffectedContract).where(AffectedContract.incident_id == incident_id)
        )
        obligation_rows = db.session.scalar(
            select(func.count()).select_from(Obligation).where(Obligation.incident_id == incident_id)
        )
        db.session.remove()
        db.engine.dispose()
    assert affected_rows == len(ids), f"{affected_rows} affected contracts written for {len(ids)} contracts"
    assert listed == obligation_rows, f"listing returned {listed} deadlines, {obligation_rows} obligations stored"

    incident_row, affected, obligations = read_rows(app_path, incident_id)
    assert (len(affected), len(obligations)) == (affected_rows, obligation_rows)
    bare_s = bare_insert(bare_path, incident_row, affected, obligations)
    for path in folder.glob(f"run{number}*"):
        path.unlink()
    return Run(create_s, commit_s, listing_s, bare_s, affected_rows, obligation_rows, listed, len(response.get_data()))


# --- profile ---------------------------------------------------------------------------------------------


def profile_intake(ids: list[int], user_id: int, top: int) -> None:
    """One intake with wall-clock phase timings, then (rolled back, repeated) under cProfile."""
    phases = Phases()
    restore = [
        phases.wrap(service, "_load_contracts", "_load_contracts"),
        phases.wrap(service, "_attach", "_attach"),
        phases.wrap(service, "recompute", "recompute"),
        phases.wrap(obligations_module, "compute_deadlines", "compute_deadlines"),
    ]
    try:
        user = db.session.get(User, user_id)
        aware_at = datetime.now(UTC) - timedelta(hours=2)
        start = time.perf_counter()
        service.create_incident(title="Profiled", aware_at=aware_at, status="confirmed", contract_ids=ids, actor=user)
        flushed = time.perf_counter()
        db.session.commit()
        done = time.perf_counter()
    finally:
        for undo in restore:
            undo()
    total = done - start
    seconds = phases.seconds
    load, attach = seconds["_load_contracts"], seconds["_attach"]
    recompute, clock = seconds["recompute"], seconds["compute_deadlines"]
    rows = [
        ("_load_contracts (SELECT id, controller, profile ... IN, 5,000 ids a chunk; profile checks)", load),
        ("_attach (bulk INSERT affected_contracts through the ORM)", attach),
        ("recompute", recompute),
        ("  compute_deadlines (clock engine: pendulum add_elapsed_hours per obligation)", clock),
        ("  rest of recompute (4 SELECTs, row dicts, bulk INSERT obligations through the ORM)", recompute - clock),
        (
            "other create_incident work (validation, reference, incident row, 2 events, flush)",
            flushed - start - load - attach - recompute,
        ),
        ("commit", done - flushed),
    ]
    print("\nWhere the intake time goes (wall clock, one intake, no profiler):")
    for label, value in rows:
        print(f"  {label:<86} {value * 1000:8.1f} ms  {value / total:6.1%}")
    print(f"  {'intake total':<86} {total * 1000:8.1f} ms")

    # Under cProfile: a second incident over the same contracts (so same row counts), rolled back.
    profiler = cProfile.Profile()
    user = db.session.get(User, user_id)
    profiler.enable()
    service.create_incident(title="Profiled again", aware_at=aware_at, status="confirmed", contract_ids=ids, actor=user)
    db.session.flush()
    profiler.disable()
    db.session.rollback()
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(top)
        print(f"\ncProfile of create_incident (second incident, {len(ids):,} contracts), by {order}:")
        print("\n".join(line for line in out.getvalue().splitlines()[4:] if line.strip()))


# --- report ----------------------------------------------------------------------------------------------


def summary(values: list[float]) -> tuple[float, float]:
    return min(values), statistics.median(values)


def report(runs: list[Run], args) -> None:
    first = runs[0]
    print(
        f"\nFan-out: 1 incident x {args.contracts:,} contracts, {args.controllers} controllers, "
        f"{len(PROFILES)} profiles; {len(runs)} runs, each on a fresh migrated SQLite file"
        f"{'' if args.no_warmup else ' (after a committed warm-up)'}"
    )
    print(
        f"machine: {os.cpu_count()} CPUs, 1-minute load average {os.getloadavg()[0]:.1f} "
        "(anything else running makes the figures noisier; min is the steadier of the two)"
    )
    print(
        f"rows written per intake: affected_contracts {first.affected_rows:,}, obligations {first.obligation_rows:,}"
        f"; listing returned {first.listed:,} deadlines ({first.response_bytes / 1e6:.1f} MB of JSON)"
    )
    print()
    header = f"{'measure':<40} {'min':>9} {'median':>9} {'target':>9}  verdict (median)"
    print(header)
    print("-" * len(header))
    rows = [
        ("intake: create_incident + commit (s)", [r.intake_s for r in runs], TARGET_INTAKE_S, "s"),
        ("  of which create_incident (s)", [r.create_s for r in runs], None, "s"),
        ("  of which commit (s)", [r.commit_s for r in runs], None, "s"),
        ("listing: GET .../deadlines (s)", [r.listing_s for r in runs], TARGET_LISTING_S, "s"),
        ("bare sqlite3 executemany (s)", [r.bare_s for r in runs], None, "s"),
        ("ratio intake / bare (x)", [r.ratio for r in runs], TARGET_RATIO, "x"),
    ]
    for label, values, target, unit in rows:
        low, mid = summary(values)
        fmt = "{:9.3f}" if unit == "s" else "{:8.1f}x"
        target_text = "" if target is None else (f"<= {target:.1f}s" if unit == "s" else f"<= {target:.0f}x")
        verdict = "" if target is None else ("met" if mid <= target else f"MISSED ({mid / target:.1f}x over)")
        print(f"{label:<40} {fmt.format(low)} {fmt.format(mid)} {target_text:>9}  {verdict}")
    print()
    print(
        "per run (s):  "
        + "  ".join(
            f"#{i + 1} intake {r.intake_s:.3f} listing {r.listing_s:.3f} bare {r.bare_s:.3f}"
            for i, r in enumerate(runs)
        )
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contracts", type=int, default=10_000, help="affected contracts (default 10000)")
    parser.add_argument("--controllers", type=int, default=40, help="controllers they belong to (default 40)")
    parser.add_argument("--runs", type=int, default=5, help="measured runs, each on a fresh database (default 5)")
    parser.add_argument("--no-warmup", action="store_true", help="measure a cold engine (no warm-up)")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="afterwards, one more intake with a phase breakdown and a cProfile listing",
    )
    parser.add_argument("--top", type=int, default=25, help="cProfile lines to print with --profile (default 25)")
    parser.add_argument("--quick", action="store_true", help="600 contracts, 10 controllers, 1 run: a smoke run")
    args = parser.parse_args(argv)
    if args.quick:
        args.contracts, args.controllers, args.runs = 600, 10, 1
    if args.contracts < 1 or args.controllers < 1 or args.runs < 1:
        parser.error("--contracts, --controllers and --runs must be at least 1")

    with tempfile.TemporaryDirectory(prefix="fanout-") as tmp:
        folder = Path(tmp)
        template = migrated_template(folder)
        runs = []
        for number in range(1, args.runs + 1):
            runs.append(one_run(folder, template, args, number))
            print(
                f"run {number}/{args.runs}: intake {runs[-1].intake_s:.3f} s, listing {runs[-1].listing_s:.3f} s, "
                f"bare {runs[-1].bare_s:.3f} s",
                flush=True,
            )
        report(runs, args)
        if args.profile:
            app, _, _, ids, user_id = prepared(folder, template, args, args.runs + 1)
            with app.app_context():
                profile_intake(ids, user_id, args.top)
                db.session.remove()
                db.engine.dispose()


if __name__ == "__main__":
    main()
