"""Record benchmark: `flask verify` over a large chained record, and what the chain adds to the intake.

  verify   incidents.record.service.run_verification() (what `flask verify` runs) over ROWS chained rows (1,000,000 by
           default) on a SQLite file: every link's hash recomputed from its row and the link before it, in segments
           of 250,000 links checked by one process per core, plus the look for rows without a link
  bare     in the same run, the floor: the same rows read with the standard library sqlite3 (one SELECT per table,
           no join) and one SHA-256 over each row's repr; nothing else
  intake   incidents.breaches.service.create_incident(...) + commit on 10,000 contracts (the fan-out benchmark's
           world), alternately with the chain's session hooks and without them (removed for the run): the cost
           the chain adds to the intake

The record is made once (not measured) and kept in --cache-dir: rows written in bulk with plain INSERTs, mostly
access-log and timeline rows as in a running desk, then linked by the application's own linking (link_all).

Run from the project root:

    .venv/bin/python benchmarks/verify.py [--rows N] [--runs N] [--cache-dir DIR] [--quick]

It prints figures; nothing about time is asserted (row counts and the verification's outcome are).
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from benchmarks.fanout import fresh_copy, make_app, migrated_template, seed  # noqa: E402
from incidents.breaches import service  # noqa: E402
from incidents.extensions import db  # noqa: E402
from incidents.record import links  # noqa: E402
from incidents.record.service import run_verification  # noqa: E402
from incidents.record.spec import CHAINED  # noqa: E402

TARGET_VERIFY_S = 10.0
TARGET_INTAKE_COST = 0.10
# The mix of a running desk: reads are logged, changes are on the timeline, the rest is rarer.
MIX = {"access_log": 0.55, "timeline_events": 0.35, "filings": 0.06, "decisions": 0.02, "severity_assessments": 0.02}
DATA_VERSION = 4


def build_record(path: Path, rows: int) -> None:
    """A migrated file with `rows` rows over the chained tables, every one linked by the application."""
    template = migrated_template(path.parent)
    shutil.move(template, path)
    app = make_app(path)
    with app.app_context():
        seed(200, 50)
        db.engine.dispose()
    con = sqlite3.connect(path)
    con.execute("INSERT INTO incidents (reference, title, description, status, aware_at, created_at, updated_at, "
                "fields, details) VALUES ('DL-BENCH-1', 'Benchmark', '', 'confirmed', '2026-01-05 10:00:00.000000', "
                "'2026-01-05 10:00:00.000000', '2026-01-05 10:00:00.000000', '{}', '{}')")  # fmt: skip
    start = datetime(2026, 1, 5, 10, tzinfo=UTC)
    counts = {name: int(rows * share) for name, share in MIX.items()}
    counts["access_log"] += rows - sum(counts.values())
    at = lambda n: (start + timedelta(seconds=n)).strftime("%Y-%m-%d %H:%M:%S.%f")  # noqa: E731
    con.executemany(
        "INSERT INTO access_log (at, user_id, role, channel, action, route, incident_id, status, ip) "
        "VALUES (?, 1, 'handler', 'web', 'open_incident', '/incidents/<int:incident_id>', 1, 200, '10.0.0.7')",
        ((at(n),) for n in range(counts["access_log"])),
    )
    con.executemany(
        "INSERT INTO timeline_events (incident_id, at, actor_id, kind, details) VALUES (1, ?, 1, 'edited', ?)",
        ((at(n), f'{{"field": "title", "old": "t{n}", "new": "t{n + 1}"}}') for n in range(counts["timeline_events"])),
    )
    con.executemany(
        "INSERT INTO filings (incident_id, kind, contract_id, controller_id, at, channel, reference, note, "
        "recorded_by_id, recorded_at) VALUES (1, 'controller_notice', 1, 1, ?, 'email', 'REF', 'noot', 1, ?)",
        ((at(n), at(n)) for n in range(counts["filings"])),
    )
    con.executemany(
        "INSERT INTO decisions (incident_id, controller_id, notify_ap, reason, decided_by_id, decided_at, "
        "processor_informs) VALUES (1, 1, 'no', 'laag risico', 1, ?, 0)",
        ((at(n),) for n in range(counts["decisions"])),
    )
    con.executemany(
        "INSERT INTO severity_assessments (incident_id, data_types, identification, dpc_adjustment, confidentiality,"
        " integrity, availability, malicious, dpc, ei, cb, se, band, ap_severity, note, assessed_by_id, assessed_at)"
        " VALUES (1, '[\"simple\"]', 'significant', 0, 'none', 'none', 'none', 0, 1, 0.75, 0.0, 0.75, 'low', "
        "'low', '', 1, ?)",
        ((at(n),) for n in range(counts["severity_assessments"])),
    )
    con.commit()
    con.close()
    with app.app_context():
        connection = db.session.connection()
        for name in CHAINED:
            links.link_all(connection, name)
        db.session.commit()
        db.engine.dispose()


def bare(path: Path) -> tuple[float, int]:
    """The floor: every chained row read with sqlite3 and hashed once."""
    started = time.perf_counter()
    con = sqlite3.connect(path)
    count = 0
    for name in CHAINED:
        for row in con.execute(f"SELECT * FROM {name} ORDER BY id"):
            hashlib.sha256(repr(row).encode()).digest()
            count += 1
    con.close()
    return time.perf_counter() - started, count


def measure_verify(path: Path, runs: int) -> None:
    app = make_app(path)
    timings, floors = [], []
    with app.app_context():
        for _ in range(runs):
            floor, floor_rows = bare(path)
            floors.append(floor)
            started = time.perf_counter()
            outcome = run_verification()
            timings.append(time.perf_counter() - started)
            db.session.rollback()
            assert outcome.ok, outcome.problems
            assert outcome.rows == floor_rows, (outcome.rows, floor_rows)
        db.engine.dispose()
    median, floor = statistics.median(timings), statistics.median(floors)
    verdict = "met" if median <= TARGET_VERIFY_S else "MISSED"
    print(f"verify: {outcome.rows:,} chained rows in {median:.2f} s median of {runs} "
          f"({outcome.rows / median:,.0f} rows/s); target <= {TARGET_VERIFY_S:g} s: {verdict}")  # fmt: skip
    print(f"bare floor (sqlite3 read + one sha256 per row, no join): {floor:.2f} s; verify/bare {median / floor:.1f}x")


def measure_intake(folder: Path, contracts: int, runs: int) -> None:
    template = migrated_template(folder)
    timings: dict[bool, list[float]] = {True: [], False: []}
    hooks = [("after_flush", links._collect), ("before_commit", links._link), ("after_transaction_end", links._forget)]
    for run in range(runs * 2):
        chained = run % 2 == 0
        path = fresh_copy(template, folder / f"intake-{run}.sqlite")
        app = make_app(path)
        with app.app_context():
            ids, _token, _user = seed(contracts, max(1, contracts // 25))
            if not chained:
                for name, fn in hooks:
                    event.remove(Session, name, fn)
            try:
                now = datetime.now(UTC)
                started = time.perf_counter()
                service.create_incident(
                    title="Ransomware", aware_at=now - timedelta(hours=2), status="confirmed",
                    confirmed_at=now - timedelta(hours=1), contract_ids=ids,
                )  # fmt: skip
                db.session.commit()
                timings[chained].append(time.perf_counter() - started)
            finally:
                if not chained:
                    for name, fn in hooks:
                        event.listen(Session, name, fn)
            db.engine.dispose()
        path.unlink()
    with_chain, without = statistics.median(timings[True]), statistics.median(timings[False])
    cost = with_chain / without - 1
    verdict = "met" if cost <= TARGET_INTAKE_COST else "MISSED"
    print(f"intake of {contracts:,} contracts: {with_chain:.3f} s with the chain, {without:.3f} s without "
          f"(medians of {runs} each, alternated); the chain adds {cost:+.1%}; target <= "
          f"{TARGET_INTAKE_COST:.0%}: {verdict}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--contracts", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cache-dir", type=Path, default=None, help="keep the chained record here between runs")
    parser.add_argument("--quick", action="store_true", help="10,000 rows, 500 contracts, one run (a smoke test)")
    args = parser.parse_args()
    if args.quick:
        args.rows, args.contracts, args.runs = 10_000, 500, 1
    with tempfile.TemporaryDirectory(prefix="bench-verify-") as temp:
        folder = Path(temp)
        cache = args.cache_dir or folder
        cache.mkdir(parents=True, exist_ok=True)
        record = cache / f"record-{args.rows}-v{DATA_VERSION}.sqlite"
        if not record.exists():
            started = time.perf_counter()
            build_record(record, args.rows)
            print(f"(made a record of {args.rows:,} rows in {time.perf_counter() - started:.0f} s: {record})")
        measure_verify(record, args.runs)
        measure_intake(folder, args.contracts, args.runs)


if __name__ == "__main__":
    main()
