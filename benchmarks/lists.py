"""The long lists and the dashboard at processor scale: server time and HTML size of each page, beside a bare floor.

Builds one SQLite file, migrated by the checkout's own migrations and filled in bulk (not measured): 1,000
controllers with 10,000 contracts over the six clause profiles, 100,000 incidents (2,000 open: confirmed within the
last 100 hours, 4 contracts each, their deadlines running; 98,000 closed or dismissed over five years, 1–3 contracts,
their notices filed), with an obligation per affected contract and per affected controller, a notice filing per
contract of a closed incident, and 300,000 access-log entries. Then it asks the pages through the app's test
client, logged in as an administrator through the real login pages, and the API list with a bearer token:

  page      the request (routing, session, queries, template): best, median and 95th percentile of the runs, the
            number of SQL statements, the size of the body
  bare      the same rows through the bare sqlite3 driver, written as HTML (or JSON) with f-strings: the floor

Run from the project root (or from another checkout, to measure that one):

    .venv/bin/python benchmarks/lists.py [--incidents N] [--open N] [--runs N] [--dashboard-runs N]
                                         [--database PATH] [--skip NAME ...]

With --database the file is built once and used again by later runs (delete it to build anew). It prints
figures; nothing about time is asserted. A page whose first request takes longer than --slow seconds is asked once.
"""

from __future__ import annotations

import argparse
import html
import json
import random
import re
import secrets
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # the checkout this script lives in, before any installed copy

import pyotp  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import event, insert  # noqa: E402

from incidents import create_app  # noqa: E402
from incidents.audit.models import AccessEntry  # noqa: E402
from incidents.auth import twofactor  # noqa: E402
from incidents.auth.service import create_token, create_user  # noqa: E402
from incidents.breaches.models import AffectedContract, Filing, Incident, Obligation  # noqa: E402
from incidents.extensions import db  # noqa: E402
from incidents.parties.models import Contract, Controller  # noqa: E402

PROFILES = ("doctolib", "addendum-gegevensbescherming", "citodent", "boz-72h", "boz-24h", "gdpr-art33")
KINDS = ("email_wrong_recipient", "cc_not_bcc", "letter_lost", "device_lost_stolen", "hacking_malware_phishing")
TITLES = ("Verkeerde ontvanger", "Laptop gestolen", "Phishing op het EPD", "Brief kwijt", "Ransomware")
PASSWORD = "benchmark: een lang wachtwoord"  # noqa: S105 (a throwaway database, kept with --database)
BATCH = 20_000


# --- the data ------------------------------------------------------------------------------------------------


def _insert(model, rows: list[dict]) -> None:
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(model), rows[start : start + BATCH])


def build(args, now: datetime) -> None:
    """Everything in bulk through the models' tables (so every value is stored as the app stores it)."""
    rng = random.Random(12)
    _insert(
        Controller,
        [
            {
                "name": f"Zorginstelling {n:04d} {rng.choice(('B.V.', 'Stichting', 'Huisartsen'))}",
                "kvk": f"{10_000_000 + n:08d}",
                "contact_name": f"FG {n}",
                "contact_email": f"fg{n}@zorg{n}.example",
                "language": "nl",
                "created_at": now,
            }
            for n in range(1, args.controllers + 1)
        ],
    )
    _insert(
        Contract,
        [
            {
                "controller_id": i % args.controllers + 1,
                "profile_key": PROFILES[i % len(PROFILES)],
                "reference": f"VO-{i + 1:06d}",
                "services": "Hosting en beheer",
                "data_categories": "Gezondheid",
                "created_at": now - timedelta(days=i % 700),
            }
            for i in range(args.contracts)
        ],
    )
    incidents, affected, obligations, filings = [], [], [], []
    first_open = args.incidents - args.open + 1
    for i in range(1, args.incidents + 1):
        is_open = i >= first_open
        if is_open:
            aware = now - timedelta(hours=rng.uniform(0, 100))
            status, count = "confirmed", 4
        else:
            aware = now - timedelta(days=5 * 365 * (args.incidents - i) / args.incidents + 5)
            status, count = ("dismissed" if i % 10 == 0 else "closed"), 1 + i % 3
        aware = aware.replace(microsecond=0)
        incidents.append(
            {
                "id": i,
                "reference": f"DL-{aware.year}-{i:06d}",
                "title": f"{TITLES[i % len(TITLES)]} {i}",
                "description": "",
                "status": status,
                "aware_at": aware,
                "confirmed_at": aware,
                "fields": {},
                "details": {"incident_kind": KINDS[i % len(KINDS)]},
                "internal_note": "",
                "created_at": aware,
                "updated_at": aware,
            }
        )
        contracts = rng.sample(range(1, args.contracts + 1), count)
        controllers = sorted({(c - 1) % args.controllers + 1 for c in contracts})
        for c in contracts:
            controller = (c - 1) % args.controllers + 1
            affected.append({"incident_id": i, "contract_id": c, "controller_id": controller, "added_at": aware})
            due = aware + timedelta(hours=24)
            met = None if is_open else aware + timedelta(hours=rng.uniform(1, 30))
            obligations.append(
                {
                    "incident_id": i,
                    "key": f"controller_notice:{c}",
                    "kind": "controller_notice",
                    "contract_id": c,
                    "controller_id": controller,
                    "owner": "processor",
                    "clause": "Art. 5.2",
                    "hours": 24,
                    "starts_at": aware,
                    "due_at": due,
                    "status": "running" if is_open else ("met" if met <= due else "missed"),
                    "met_at": met,
                }
            )
            if met is not None:
                filings.append(
                    {
                        "incident_id": i,
                        "kind": "controller_notice",
                        "contract_id": c,
                        "controller_id": controller,
                        "at": met.replace(microsecond=0),
                        "channel": "email",
                        "recorded_at": met.replace(microsecond=0),
                    }
                )
        for controller in controllers:
            obligations.append(
                {
                    "incident_id": i,
                    "key": f"ap_notification:{controller}",
                    "kind": "ap_notification",
                    "contract_id": None,
                    "controller_id": controller,
                    "owner": "controller",
                    "clause": "AVG art. 33",
                    "hours": 72,
                    "starts_at": None if is_open else aware,
                    "due_at": None if is_open else aware + timedelta(hours=72),
                    "status": "pending" if is_open else "not_required",
                    "met_at": None,
                }
            )
    _insert(Incident, incidents)
    _insert(AffectedContract, affected)
    _insert(Obligation, obligations)
    _insert(Filing, filings)
    db.session.commit()
    admin = create_user("admin@verwerker.example", "admin", PASSWORD, name="Beheerder")
    secret = twofactor.start_enrolment(admin)
    twofactor.confirm_enrolment(admin, pyotp.TOTP(secret).now())
    handler = create_user("handler@verwerker.example", "handler", PASSWORD, name="Hanna")
    db.session.commit()
    start = now - timedelta(days=365)
    _insert(
        AccessEntry,
        [
            {
                "at": start + timedelta(seconds=n * 365 * 86400 // args.access),
                "user_id": handler.id,
                "role": "handler",
                "channel": "web",
                "action": "open_incident",
                "route": "/incidents/<int:incident_id>",
                "incident_id": 1 + n % args.incidents,
                "controller_id": None,
                "status": 200,
                "ip": "127.0.0.1",
            }
            for n in range(args.access)
        ],
    )
    db.session.commit()
    (Path(str(db.engine.url.database)).with_suffix(".secret")).write_text(secret)


# --- the client -------------------------------------------------------------------------------------------------


def csrf(page: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert match, "no CSRF token on the page"
    return match.group(1)


def logged_in(app, secret: str):
    client = app.test_client()
    token = csrf(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"email": "admin@verwerker.example", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302, response.status_code
    token = csrf(client.get("/login/2fa").get_data(as_text=True))
    code = pyotp.TOTP(secret).at(time.time() + 30)
    response = client.post("/login/2fa", data={"code": code, "csrf_token": token})
    assert response.status_code == 302 and not response.headers["Location"].endswith("/login/2fa"), "2FA refused"
    return client


@dataclass
class Figures:
    times: list[float]
    statements: int
    size: int
    status: int

    def line(self) -> str:
        t = sorted(self.times)
        p95 = t[min(len(t) - 1, round(0.95 * (len(t) - 1)))]
        return (
            f"{t[0] * 1000:9.1f} {statistics.median(t) * 1000:9.1f} {p95 * 1000:9.1f} ms  n={len(t):<3d}"
            f" {self.statements:5d} stmts {self.size / 1024:9.1f} KB  HTTP {self.status}"
        )


class Counter:
    def __init__(self, engine):
        self.n = 0
        event.listen(engine, "before_cursor_execute", self.count)

    def count(self, *args, **kwargs):
        self.n += 1


def measure(client, counter: Counter, url: str, runs: int, slow: float, headers=None) -> Figures:
    times, size, status, statements = [], 0, 0, 0
    for _ in range(runs):
        counter.n = 0
        start = time.perf_counter()
        response = client.get(url, headers=headers or {})
        body = response.get_data()
        times.append(time.perf_counter() - start)
        size, status, statements = len(body), response.status_code, counter.n
        if times[0] > slow:
            break
    return Figures(times, statements, size, status)


# --- the floors: bare sqlite3 and f-strings -----------------------------------------------------------------------


def rows_html(rows) -> str:
    return "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>" for row in rows)


def bare_incidents(con) -> str:
    total = con.execute("SELECT count(*) FROM incidents").fetchone()[0]
    rows = con.execute(
        "SELECT id, reference, title, status, aware_at FROM incidents ORDER BY aware_at DESC, id DESC LIMIT 50"
    ).fetchall()
    return f"<p>1–50 / {total}</p><table>{rows_html(rows)}</table>"


def bare_contracts(con) -> str:
    total = con.execute("SELECT count(*) FROM contracts").fetchone()[0]
    rows = con.execute(
        "SELECT c.id, c.reference, k.name, k.kvk, c.profile_key, c.services FROM contracts c "
        "JOIN controllers k ON k.id = c.controller_id ORDER BY lower(k.name), k.id, c.reference LIMIT 50"
    ).fetchall()
    return f"<p>1–50 / {total}</p><table>{rows_html(rows)}</table>"


def bare_controllers(con) -> str:
    total = con.execute("SELECT count(*) FROM controllers").fetchone()[0]
    rows = con.execute(
        "SELECT k.id, k.name, k.kvk, k.contact_email, (SELECT count(*) FROM contracts c WHERE c.controller_id = k.id) "
        "FROM controllers k ORDER BY lower(k.name), k.id LIMIT 50"
    ).fetchall()
    return f"<p>1–50 / {total}</p><table>{rows_html(rows)}</table>"


def bare_access_log(con) -> str:
    total = con.execute("SELECT count(*) FROM (SELECT 1 FROM access_log LIMIT 100001)").fetchone()[0]
    rows = con.execute(
        "SELECT a.id, a.at, u.email, a.action, a.route, i.reference FROM access_log a "
        "LEFT JOIN users u ON u.id = a.user_id LEFT JOIN incidents i ON i.id = a.incident_id "
        "ORDER BY a.at DESC, a.id DESC LIMIT 100"
    ).fetchall()
    return f"<p>1–100 / {total}</p><table>{rows_html(rows)}</table>"


def bare_dashboard(con) -> str:
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(" ")
    summary = con.execute(
        "SELECT sum(status = 'running' AND due_at < ?), sum(status = 'running') FROM obligations "
        "WHERE incident_id IN (SELECT id FROM incidents WHERE status IN ('suspected', 'confirmed'))",
        (now,),
    ).fetchone()
    rows = con.execute(
        """
        SELECT i.reference, i.title, r.due_at, r.kind, r.name FROM (
          SELECT o.incident_id, o.due_at, o.kind, k.name,
                 row_number() OVER (PARTITION BY o.incident_id ORDER BY o.due_at, o.id) AS rank
          FROM obligations o JOIN incidents oi ON oi.id = o.incident_id JOIN controllers k ON k.id = o.controller_id
          WHERE oi.status IN ('suspected', 'confirmed') AND o.status = 'running'
        ) r JOIN incidents i ON i.id = r.incident_id
        WHERE r.rank = 1 ORDER BY r.due_at, i.aware_at LIMIT 50"""
    ).fetchall()
    return f"<p>{summary}</p><table>{rows_html(rows)}</table>"


def bare_api(con) -> str:
    total = con.execute("SELECT count(*) FROM incidents").fetchone()[0]
    rows = con.execute(
        "SELECT id, reference, title, status, aware_at, confirmed_at, dismissed_at, created_at, updated_at "
        "FROM incidents ORDER BY id DESC LIMIT 50"
    ).fetchall()
    keys = (
        "id",
        "reference",
        "title",
        "status",
        "aware_at",
        "confirmed_at",
        "dismissed_at",
        "created_at",
        "updated_at",
    )
    return json.dumps({"incidents": [dict(zip(keys, r, strict=True)) for r in rows], "page": 1, "total": total})


def bare(path: Path, build_page: Callable, runs: int) -> tuple[float, int]:
    con = sqlite3.connect(path)
    try:
        times, size = [], 0
        for _ in range(runs):
            start = time.perf_counter()
            size = len(build_page(con).encode())
            times.append(time.perf_counter() - start)
        return min(times), size
    finally:
        con.close()


# --- the run ------------------------------------------------------------------------------------------------------


def pages(incident_id: int) -> list[tuple[str, str, Callable | None]]:
    """(name, url, floor) of each measured page."""
    return [
        ("dashboard", "/", bare_dashboard),
        ("incidents", "/incidents/", bare_incidents),
        ("incidents-search-controller", "/incidents/?q=Zorginstelling+0042", None),
        ("incidents-search-contract", "/incidents/?q=VO-004242", None),
        ("incidents-search-title", "/incidents/?q=laptop", None),
        ("incidents-sort-title", "/incidents/?sort=title&order=asc", None),
        ("incidents-open", "/incidents/?status=confirmed", None),
        ("incidents-page-1000", "/incidents/?page=1000", None),
        ("controllers", "/controllers", bare_controllers),
        ("controllers-sort-contracts", "/controllers?sort=contracts&order=desc", None),
        ("controllers-search", "/controllers?q=0042", None),
        ("contracts", "/contracts", bare_contracts),
        ("contracts-search", "/contracts?q=Zorginstelling+0042", None),
        ("contracts-profile", "/contracts?profile=boz-24h&page=20", None),
        ("access-log", "/admin/access-log", bare_access_log),
        ("access-log-page-500", "/admin/access-log?page=500", None),
        ("api-incidents", "/api/v1/incidents", bare_api),
        ("incident-page", f"/incidents/{incident_id}", None),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--open", type=int, default=2_000)
    parser.add_argument("--controllers", type=int, default=1_000)
    parser.add_argument("--contracts", type=int, default=10_000)
    parser.add_argument("--access", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dashboard-runs", type=int, default=30)
    parser.add_argument("--slow", type=float, default=10.0, help="ask a page once when its first answer takes longer")
    parser.add_argument("--database", type=Path, help="build here once and use it again on later runs")
    parser.add_argument("--skip", nargs="*", default=[], help="names of pages not to ask")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="lists-bench-"))
    path = args.database or folder / "lists.sqlite"
    uri = f"sqlite:///{path}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": secrets.token_hex(16)}, testing=True)
    now = datetime.now(UTC).replace(microsecond=0)
    with app.app_context():
        if not path.exists() or not path.with_suffix(".secret").exists():
            start = time.perf_counter()
            upgrade(directory=str(ROOT / "migrations"))
            build(args, now)
            print(f"built {path} in {time.perf_counter() - start:.0f} s")
        _, token = create_token("admin@verwerker.example", f"bench {secrets.token_hex(4)}")
        db.session.commit()
        counter = Counter(db.engine)
        db.session.remove()
    client = logged_in(app, path.with_suffix(".secret").read_text())
    api_headers = {"Authorization": f"Bearer {token}"}
    print(
        f"{ROOT} · {args.incidents:,} incidents ({args.open:,} open), {args.contracts:,} contracts, "
        f"{args.controllers:,} controllers, {args.access:,} access-log entries · SQLite"
    )
    print(f"{'page':30s} {'best':>9s} {'median':>9s} {'p95':>9s}")
    for name, url, floor in pages(args.incidents):
        if name in args.skip:
            continue
        headers = api_headers if url.startswith("/api/") else None
        runs = args.dashboard_runs if name == "dashboard" else args.runs
        client.get(url, headers=headers or {})  # warm: templates compiled, statements cached
        figures = measure(client, counter, url, runs, args.slow, headers)
        line = f"{name:30s} {figures.line()}"
        if floor is not None:
            best, size = bare(path, floor, max(3, args.runs))
            line += f"   bare {best * 1000:7.1f} ms {size / 1024:7.1f} KB  ×{min(figures.times) / best:5.1f}"
        print(line, flush=True)


if __name__ == "__main__":
    main()
