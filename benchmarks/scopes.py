"""Scope upload benchmark: one incident on N controllers (800 by default), every controller's scope set by one CSV.

Each run works on a fresh SQLite file migrated by the real migrations and seeded in bulk (not measured) with one
contract per controller and an incident that affects them all.

  upload   incidents.breaches.scope.set_scopes_from_csv(incident, <N lines>) + db.session.commit(): parsing,
           validating every line, resolving the controllers, writing each scope and its timeline entry
  bare     the controller_scopes and timeline_events rows the upload wrote, read back and inserted again as
           identical tuples with the standard library sqlite3 (executemany, one transaction) into a copy of the
           database taken just before the upload: the floor the upload is compared with

Run from the project root:

    .venv/bin/python benchmarks/scopes.py [--controllers N] [--runs N]

It prints figures; nothing about time is asserted (row counts are).
"""

from __future__ import annotations

import argparse
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

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from incidents import create_app  # noqa: E402
from incidents.breaches import service  # noqa: E402
from incidents.breaches.models import Incident, TimelineEvent  # noqa: E402
from incidents.breaches.scope import set_scopes_from_csv  # noqa: E402
from incidents.extensions import db  # noqa: E402
from incidents.parties.models import Contract, Controller  # noqa: E402

PRAGMAS = ("PRAGMA foreign_keys=ON", "PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA busy_timeout=5000")


def csv_text(controllers: list[tuple[int, str]]) -> str:
    lines = [
        "controller_id,kvk,subjects_min,subjects_max,subject_groups,records_min,records_max,data_categories,"
        "special_categories,countries,note"
    ]
    for n, (cid, kvk) in enumerate(controllers):
        lines.append(
            f"{cid},{kvk},{100 + n},{150 + n},patients;minors,{200 + n},{400 + n},name;bsn;health,health,"
            f"NL;BE,Notitie voor verwerkingsverantwoordelijke {n}"
        )
    return "\n".join(lines) + "\n"


def seed(app, count: int) -> int:
    now = datetime.now(UTC).replace(microsecond=0)
    db.session.execute(
        insert(Controller),
        [
            {
                "name": f"Zorginstelling {n:04d}",
                "kvk": f"{10_000_000 + n}",
                "contact_email": f"fg{n}@zorg.example",
                "language": "nl",
                "created_at": now,
            }
            for n in range(count)
        ],
    )
    ids = db.session.scalars(select(Controller.id).order_by(Controller.id)).all()
    db.session.execute(
        insert(Contract),
        [
            {"controller_id": cid, "profile_key": "boz-72h", "reference": f"VO-{cid:05d}", "created_at": now}
            for cid in ids
        ],
    )
    contracts = db.session.scalars(select(Contract.id)).all()
    incident = service.create_incident(
        title="Storing platform", aware_at=now - timedelta(hours=3), status="confirmed", contract_ids=list(contracts)
    )
    db.session.commit()
    return incident.id


def bare(path: Path, scopes: list[tuple], events: list[tuple]) -> float:
    connection = sqlite3.connect(path)
    for pragma in PRAGMAS:
        connection.execute(pragma)
    started = time.perf_counter()
    with connection:
        connection.executemany(
            'INSERT INTO controller_scopes (incident_id, controller_id, "values", updated_at, '
            "updated_by_id) VALUES (?, ?, ?, ?, ?)",
            scopes,
        )
        connection.executemany(
            "INSERT INTO timeline_events (incident_id, at, actor_id, kind, details) VALUES (?, ?, ?, ?, ?)", events
        )
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed


def one_run(template: Path, count: int) -> tuple[float, float, int]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite"
        shutil.copy(template, path)
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "bench", "OUTBOX_PUMP_SECONDS": 0},
            testing=True,
        )
        with app.app_context():
            incident_id = seed(app, count)
            db.engine.dispose()
            before = Path(folder) / "before.sqlite"
            shutil.copy(path, before)
            for suffix in ("-wal", "-shm"):
                if Path(f"{path}{suffix}").exists():
                    shutil.copy(f"{path}{suffix}", f"{before}{suffix}")
            controllers = db.session.execute(select(Controller.id, Controller.kvk).order_by(Controller.id)).all()
            text = csv_text([(c, k) for c, k in controllers])
            incident = db.session.get(Incident, incident_id)
            events_before = db.session.scalar(select(func.max(TimelineEvent.id)))
            started = time.perf_counter()
            done = set_scopes_from_csv(incident, text)
            db.session.commit()
            upload = time.perf_counter() - started
            assert len(done) == count
            raw = sqlite3.connect(path)
            scopes = raw.execute(
                'SELECT incident_id, controller_id, "values", updated_at, updated_by_id FROM controller_scopes'
            ).fetchall()
            events = raw.execute(
                "SELECT incident_id, at, actor_id, kind, details FROM timeline_events WHERE id > ?", (events_before,)
            ).fetchall()
            raw.close()
            assert len(scopes) == count and len(events) == count + 1
            db.session.remove()
            db.engine.dispose()
        return upload, bare(before, scopes, events), len(events)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--controllers", type=int, default=800)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        template = Path(folder) / "template.sqlite"
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{template}", "SECRET_KEY": "bench"}, testing=True)
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            db.engine.dispose()
        runs = [one_run(template, args.controllers) for _ in range(args.runs)]
    uploads, bares = [r[0] for r in runs], [r[1] for r in runs]
    print(f"scope CSV of {args.controllers} controllers, {args.runs} run(s) on SQLite")
    print(
        f"  upload (parse, validate, write, timeline, commit): best {min(uploads):.3f} s, "
        f"median {statistics.median(uploads):.3f} s"
    )
    print(
        f"  bare executemany of the same {args.controllers} scopes and {runs[0][2]} timeline rows: "
        f"best {min(bares):.3f} s"
    )
    print(f"  ratio upload / bare: {min(uploads) / min(bares):.1f}x")


if __name__ == "__main__":
    main()
