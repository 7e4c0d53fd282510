"""Reminder tick benchmark: one tick over 1,000,000 obligations of which 1,000 are due for a reminder.

The database is migrated by the real migrations and seeded in bulk (not measured): 1,000 incidents × 1,000
running obligations each, spread over 100 controllers, with a handler per incident and two administrators.
`--due` of them have their next reminder in the past (at the deadline: escalated, so every recipient rule runs);
the rest lie in the future.

  tick   incidents.reminders.service.tick(now): select the due obligations, advance them, write the reminder
         rows, the outbox e-mails, the in-app notifications and the webhook deliveries, commit
  bare   the due-query alone (the same SELECT the tick starts with, run to completion): the floor

Run from the project root, on SQLite (a temporary file) and on PostgreSQL (an empty database):

    .venv/bin/python benchmarks/tick.py [--obligations N] [--due N] [--runs N]
    .venv/bin/python benchmarks/tick.py --database-url postgresql+psycopg://…/bench
    scripts/pg-test-cluster -- sh -c '.venv/bin/python benchmarks/tick.py --database-url "$TEST_DATABASE_URL"'

It prints figures; nothing about time is asserted (counts are).
"""

from __future__ import annotations

import argparse
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
from sqlalchemy import func, insert, select, text, update  # noqa: E402

from incidents import create_app  # noqa: E402
from incidents.auth.models import User  # noqa: E402
from incidents.breaches.models import Incident, Obligation  # noqa: E402
from incidents.extensions import db  # noqa: E402
from incidents.parties.models import Contract, Controller  # noqa: E402
from incidents.reminders.models import Reminder  # noqa: E402
from incidents.reminders.service import due_query, tick  # noqa: E402

TARGET_TICK_S = 2.0
CHUNK = 20_000


def seed(obligations: int, due: int, now: datetime) -> None:
    per_incident = 1000
    incidents = max(1, obligations // per_incident)
    db.session.execute(
        insert(User.__table__),
        [
            {
                "email": f"h{i}@verwerker.example",
                "name": "",
                "role": "handler",
                "password_hash": "x",
                "language": "nl",
                "active": True,
                "created_at": now,
            }
            for i in range(10)
        ]
        + [
            {
                "email": f"admin{i}@verwerker.example",
                "name": "",
                "role": "admin",
                "password_hash": "x",
                "language": "nl",
                "active": True,
                "created_at": now,
            }
            for i in range(2)
        ],
    )
    handlers = db.session.scalars(select(User.id).where(User.role == "handler")).all()
    db.session.execute(
        insert(Controller.__table__),
        [
            {
                "name": f"Zorginstelling {i}",
                "contact_email": f"fg{i}@zorg.example",
                "contact_name": "",
                "language": "nl",
                "created_at": now,
            }
            for i in range(100)
        ],
    )
    controllers = db.session.scalars(select(Controller.id)).all()
    db.session.execute(
        insert(Contract.__table__),
        [
            {
                "controller_id": c,
                "profile_key": "boz-72h",
                "reference": f"VO-{c}",
                "services": "",
                "data_categories": "",
                "created_at": now,
            }
            for c in controllers
        ],
    )
    db.session.execute(
        insert(Incident.__table__),
        [
            {
                "reference": f"DL-2026-{i + 1:05d}",
                "title": "bench",
                "description": "",
                "status": "confirmed",
                "aware_at": now - timedelta(hours=80),
                "confirmed_at": now - timedelta(hours=80),
                "fields": {},
                "details": {},
                "created_at": now,
                "updated_at": now,
                "created_by_id": handlers[i % len(handlers)],
            }
            for i in range(incidents)
        ],
    )
    incident_ids = db.session.scalars(select(Incident.id).order_by(Incident.id)).all()
    start, due_at = now - timedelta(hours=72), now
    future = now + timedelta(days=365)
    rows, n = [], 0
    for incident_id in incident_ids:
        for k in range(per_incident):
            controller = controllers[(n + k) % len(controllers)]
            # every (obligations // due)-th obligation is due: spread over incidents and controllers
            is_due = n % max(1, obligations // due) == 0
            rows.append(
                {
                    "incident_id": incident_id,
                    "key": f"b:{k}",
                    "kind": "controller_notice",
                    "contract_id": None,
                    "controller_id": controller,
                    "owner": "processor",
                    "clause": "art. 5.2",
                    "hours": 72,
                    "starts_at": start,
                    "due_at": due_at,
                    "status": "running",
                    "met_at": None,
                    "filing_id": None,
                    "next_reminder_at": due_at if is_due else future,
                }
            )
            n += 1
            if len(rows) >= CHUNK:
                db.session.execute(insert(Obligation.__table__), rows)
                rows = []
            if n >= obligations:
                break
        if n >= obligations:
            break
    if rows:
        db.session.execute(insert(Obligation.__table__), rows)
    db.session.commit()


def reset_due(due_ids: list[int], due_at: datetime) -> None:
    db.session.execute(text("DELETE FROM notifications"))
    db.session.execute(text("DELETE FROM webhook_deliveries"))
    db.session.execute(text("DELETE FROM outbox"))
    db.session.execute(text("DELETE FROM reminders"))
    for start in range(0, len(due_ids), 500):
        db.session.execute(
            update(Obligation).where(Obligation.id.in_(due_ids[start : start + 500])).values(next_reminder_at=due_at)
        )
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--obligations", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", default=None, help="an empty database (default: a temporary SQLite file)")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="tick-bench-")
    url = args.database_url or f"sqlite:///{folder}/bench.sqlite"
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench" * 8, "LOG_LEVEL": "WARNING", "OUTBOX_PUMP_SECONDS": 0}
    )
    now = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        began = time.perf_counter()
        seed(args.obligations, args.due, now)
        total = db.session.scalar(select(func.count()).select_from(Obligation))
        due_ids = db.session.scalars(select(Obligation.id).where(Obligation.next_reminder_at <= now)).all()
        print(
            f"{db.engine.dialect.name}: seeded {total:,} obligations, {len(due_ids):,} due "
            f"({time.perf_counter() - began:.1f} s, not measured)"
        )
        ticks, bares = [], []
        for _ in range(args.runs):
            reset_due(due_ids, now)
            began = time.perf_counter()
            found = len(db.session.scalars(due_query(now, limit=len(due_ids) + 1)).all())
            db.session.rollback()
            bares.append(time.perf_counter() - began)
            began = time.perf_counter()
            sent = tick(now, "bench")
            ticks.append(time.perf_counter() - began)
            assert found == len(due_ids) and sent == len(due_ids), (found, sent)
            assert db.session.scalar(select(func.count()).select_from(Reminder)) == len(due_ids)
        best_tick, best_bare = min(ticks), min(bares)
        print(
            f"tick over {total:,} obligations, {len(due_ids):,} reminders: {best_tick:.2f} s "
            f"(median {statistics.median(ticks):.2f} s; target ≤ {TARGET_TICK_S:.0f} s)"
        )
        print(
            f"bare due-query: {best_bare * 1000:.1f} ms · ratio tick / bare {best_tick / best_bare:.0f}× · "
            f"{best_tick / len(due_ids) * 1000:.2f} ms per reminder"
        )


if __name__ == "__main__":
    main()
