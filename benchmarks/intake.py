"""Intake benchmark: the intake form and its contract search with 10,000 contracts of 1,000 controllers.

Works on a fresh SQLite file migrated by the real migrations (or, with --database-url, an empty PostgreSQL database),
seeded in bulk (not measured), through app.test_client() with a logged-in handler:

  form     GET /incidents/new: the search, the first page of contracts and the selection (never every contract)
  search   GET /contracts/search for a narrow query, a broad one (every contract matches), a profile, a KvK prefix
  review   POST /incidents/new "check the selection" with "all matching" for every contract: the confirmation with
           its counts per profile and controller (the service runs once in a savepoint that is rolled back)
  save     the same post with the confirmed digest: the incident with 10,000 contracts, committed

Run from the project root:

    .venv/bin/python benchmarks/intake.py [--contracts N] [--controllers N] [--runs N] [--database-url URL]

It prints figures (best and median of the runs, and sizes); nothing about time is asserted.
"""

from __future__ import annotations

import argparse
import re
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # the checkout this script lives in, before any installed copy

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

from incidents import create_app  # noqa: E402
from incidents.auth.service import create_user  # noqa: E402
from incidents.extensions import db  # noqa: E402
from incidents.parties.models import Contract, Controller  # noqa: E402

PROFILES = ("doctolib", "addendum-gegevensbescherming", "citodent", "boz-72h", "boz-24h", "gdpr-art33")
PASSWORD = secrets.token_urlsafe(18)  # a fresh one each run


def seed(contracts: int, controllers: int) -> None:
    now = datetime.now(UTC)
    db.session.execute(
        insert(Controller.__table__),
        [
            {
                "name": f"Zorginstelling {n:04d}",
                "kvk": f"{10_000_000 + n:08d}",
                "contact_email": f"fg{n}@z.example",
                "language": "nl",
                "created_at": now,
            }
            for n in range(controllers)
        ],
    )
    ids = list(db.session.scalars(select(Controller.id).order_by(Controller.id)))
    db.session.execute(
        insert(Contract.__table__),
        [
            {
                "controller_id": ids[n % controllers],
                "profile_key": PROFILES[n % len(PROFILES)],
                "reference": f"VO-{n:06d}",
                "services": "",
                "data_categories": "",
                "created_at": now,
            }
            for n in range(contracts)
        ],
    )
    create_user("bench@verwerker.example", "handler", PASSWORD, name="Bench")
    db.session.commit()


def csrf(html: str, name: str = "csrf_token") -> str:
    match = re.search(r'name="' + name + r'"[^>]*value="([^"]+)"', html)
    assert match, f"no {name}"
    return match.group(1)


def timed(label: str, runs: int, call: Callable[[], object]) -> object:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - start)
    size = len(result.data) if hasattr(result, "data") else 0
    print(
        f"  {label:<44} best {min(times) * 1000:8.1f} ms  median {statistics.median(times) * 1000:8.1f} ms"
        f"  {size / 1024:8.1f} KB"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contracts", type=int, default=10_000)
    parser.add_argument("--controllers", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", default=None, help="an EMPTY database (default: a fresh SQLite file)")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="intake-bench-")
    url = args.database_url or f"sqlite:///{folder}/bench.sqlite"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": True, "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        seed(args.contracts, args.controllers)
        client = app.test_client()
        login = client.get("/login").get_data(as_text=True)
        answer = client.post(
            "/login", data={"email": "bench@verwerker.example", "password": PASSWORD, "csrf_token": csrf(login)}
        )
        assert answer.status_code == 302, answer.status_code
        print(
            f"{db.engine.dialect.name}: {args.contracts} contracts of {args.controllers} controllers, "
            f"{args.runs} runs each"
        )
        form = timed("GET /incidents/new", args.runs, lambda: client.get("/incidents/new"))
        token = csrf(form.get_data(as_text=True))
        for label, query in (
            ("search q=zorginstelling 0999", "q=zorginstelling+0999"),
            ("search q=zorginstelling (every contract)", "q=zorginstelling"),
            ("search profile=boz-72h, page 40", "profile=boz-72h&page=40"),
            ("search q=1000012 (KvK prefix)", "q=1000012"),
        ):
            timed(label, args.runs, lambda query=query: client.get(f"/contracts/search?{query}"))
        data = {
            "title": "Storing",
            "aware_at": "2026-11-20T09:15",
            "status": "confirmed",
            "match": "q=zorginstelling",
            "csrf_token": token,
        }
        review = timed(
            "review: all matching (every contract)",
            1,
            lambda: client.post("/incidents/new", data={**data, "step": "review"}),
        )
        html = review.get_data(as_text=True)
        assert f'data-confirm-total="{args.contracts}"' in html, "the confirmation counts every contract"
        saved = timed(
            "save: the incident on every contract",
            1,
            lambda: client.post("/incidents/new", data={**data, "step": "save", "digest": csrf(html, "digest")}),
        )
        assert saved.status_code == 302, saved.status_code


if __name__ == "__main__":
    main()
