"""Pages benchmark (issue 12, "How it must be shown"): the desk's pages and exports at processor scale.

Data (benchmarks/pages_data.py): 10,000 contracts of 1,000 controllers over the six shipped profiles, 100,000 older
incidents (2,000 open) whose obligations the clock engine computed, and one incident on every contract made through
`create_incident`. On SQLite the built file is cached under instance/ (keyed by the migration head and the data
version), and each run works on a copy of it; with DATABASE_URL=postgresql+psycopg://… the data is loaded into that
database (which must be empty, or built by this script before).

Measured, each in a forked process of its own with a time limit (benchmarks/forked.py), through Flask's test client
with a session logged in through the real login form (the calendar feed by its token, without a session):

  page     server time (best, median, and p95 where there are 20 runs) of GET, the HTML size, the SQL statements per
           request; the bare baseline (benchmarks/pages_floors.py: set-based SQL through the bare driver, f-strings)
           alternates with it, run by run, in the same process
  export   time and peak memory (RSS growth of the process, see forked.py) of the register's CSV, XLSX and PDF
           exports of every incident, the body read chunk by chunk and counted, not kept; the same for the bare
           export; each stops at --export-limit ("did not finish in N s")

Run from the project root:

    .venv/bin/python benchmarks/pages.py [--quick] [--only incident,intake,...] [--runs 5]
    scripts/pg-test-cluster -- sh -c 'DATABASE_URL="$TEST_DATABASE_URL" .venv/bin/python benchmarks/pages.py'

It prints figures; nothing about time is asserted.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (str(ROOT), str(ROOT / "benchmarks")):
    if path not in sys.path:
        sys.path.insert(0, path)  # the checkout this script lives in, before any installed copy

import forked  # noqa: E402
import pages_data as data  # noqa: E402
import pages_floors as floors  # noqa: E402
from sqlalchemy import create_engine, event  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from incidents import create_app  # noqa: E402
from incidents.extensions import db  # noqa: E402

KB = 1024


@dataclass(frozen=True)
class Page:
    name: str
    label: str
    url: Callable[[data.Built], str]
    floor: Callable[..., bytes]
    seconds: float  # target: server time (median; for the dashboard the p95)
    size_kb: int | None = 300
    session: bool = True
    min_runs: int = 0


@dataclass(frozen=True)
class Export:
    name: str
    url: str
    floor: Callable[[floors.Database], int]


PAGES = (
    Page(
        "incident",
        "incident page (the big incident)",
        lambda b: f"/incidents/{b.big_incident_id}",
        lambda d, b, now: floors.incident_page(d, b.big_incident_id, now),
        1.0,
    ),
    Page(
        "intake",
        "intake form /incidents/new",
        lambda b: "/incidents/new",
        lambda d, b, now: floors.intake_form(d, now),
        0.5,
    ),
    Page(
        "contracts",
        "contracts list /contracts",
        lambda b: "/contracts",
        lambda d, b, now: floors.contracts_list(d, now),
        0.5,
    ),
    Page(
        "incidents",
        "incidents list /incidents/",
        lambda b: "/incidents/",
        lambda d, b, now: floors.incidents_list(d, now),
        0.5,
    ),
    Page("dashboard", "dashboard /", lambda b: "/", lambda d, b, now: floors.dashboard(d, now), 0.1, min_runs=20),
    Page(
        "register",
        "register page /register/",
        lambda b: "/register/",
        lambda d, b, now: floors.register_page(d, now),
        0.5,
    ),
    Page(
        "feed",
        "calendar feed (staff user, by token)",
        lambda b: f"/calendar/{b.feed_token}.ics",
        lambda d, b, now: floors.feed(d, now),
        2.0,
        size_kb=None,
        session=False,
    ),
)
EXPORTS = (
    Export("csv", "/register/export.csv", floors.export_csv),
    Export("xlsx", "/register/export.xlsx", floors.export_xlsx),
    Export("pdf", "/register/export.zip", floors.export_pdf),  # above REGISTER_PDF_MAX: PDFs in parts, one ZIP
)
NAMES = [p.name for p in PAGES] + [x.name for x in EXPORTS]


# --- the database ----------------------------------------------------------------------------------------------


@dataclass
class Target:
    """Where the measured application and the bare baselines find the data."""

    url: str
    sqlite_path: Path | None
    bare_url: str
    built: data.Built


def make_app(url: str):
    overrides = {
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": secrets.token_hex(16),
        "OUTBOX_PUMP_SECONDS": 0,
        "LOG_LEVEL": "WARNING",
        "LOGIN_RATE_LIMIT": "1000 per minute",
    }
    return create_app(overrides)


def build_apart(url: str, sizes: data.Sizes, say) -> None:
    """Build in a forked process: this one stays as small as a server process that has just started, so that what
    the measured children add to their memory is not hidden in memory the build freed."""
    outcome = forked.run(lambda emit: emit(data.build(make_app(url), sizes, say)), 4 * 3600)
    if not outcome.results:
        raise SystemExit(f"building the data set failed: {outcome.error}")


def sqlite_target(sizes: data.Sizes, folder: Path, cache: Path, say) -> Target:
    cache.mkdir(parents=True, exist_ok=True)
    cached = data.cache_path(sizes, cache)
    if cached.exists():
        say(f"data: cached {cached}")
    else:
        for stale in cached.parent.glob(f"bench-pages-{sizes.name}-*.sqlite*"):
            stale.unlink()
        building = cached.with_name(cached.name + ".building")
        building.unlink(missing_ok=True)
        build_apart(f"sqlite:///{building}", sizes, say)
        with sqlite3.connect(building) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            connection.execute("PRAGMA journal_mode=DELETE")
        connection.close()
        building.rename(cached)
    work = folder / "pages.sqlite"
    shutil.copyfile(cached, work)
    with sqlite3.connect(work) as connection:
        marker = dict(connection.execute(f"SELECT name, value FROM {data.MARKER}").fetchall())
    connection.close()
    return Target(f"sqlite:///{work}", work, "", data.built_from(marker))


def postgres_target(url: str, sizes: data.Sizes, say) -> Target:
    engine = create_engine(url)
    with engine.begin() as connection:
        marker = data.read_marker(connection)
        fresh = marker.get("key") != data.cache_key(sizes)
        if fresh and not data.empty_or_ours(connection):
            raise SystemExit(
                "DATABASE_URL names a database that is neither empty nor built by benchmarks/pages.py: "
                "give it an empty database (the script loads 100,000 incidents into it)"
            )
        if fresh and marker:
            say("data: the PostgreSQL database was built for another key; building it again")
            data.wipe_postgres(connection)
    engine.dispose()
    if fresh:
        build_apart(url, sizes, say)
        engine = create_engine(url)
        with engine.begin() as connection:
            marker = data.read_marker(connection)
            connection.exec_driver_sql("ANALYZE")
        engine.dispose()
    else:
        say("data: already built in the PostgreSQL database")
    bare = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    return Target(url, None, bare, data.built_from(marker))


# --- measuring -------------------------------------------------------------------------------------------------


class Clients:
    """A test client logged in through the real login form, in this process: the forked children inherit it with
    its session cookie. Logged in again after half an hour (the session ends after an hour without activity, and
    the children's requests do not count for this process's copy of the cookie)."""

    def __init__(self, app):
        self.app, self.client, self.at = app, None, 0.0

    def logged_in(self):
        if self.client is None or time.monotonic() - self.at > 1800:
            self.client = self.app.test_client()
            login(self.client)
            with self.app.app_context():
                db.engine.dispose()  # nothing open when the children fork
            self.at = time.monotonic()
        return self.client

    def anonymous(self):
        return self.app.test_client()


def login(client) -> None:
    form = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
    if token is None:
        raise SystemExit("no CSRF token on /login")
    response = client.post(
        "/login", data={"email": data.USER_EMAIL, "password": TARGET.built.password, "csrf_token": token.group(1)}
    )
    if response.status_code != 302:
        raise SystemExit(f"logging in answered {response.status_code}")


TARGET: Target  # set in main(); read by the forked children


def statements_counter(app):
    counter = [0]
    with app.app_context():
        engine = db.engine

    def count(*_args) -> None:
        counter[0] += 1

    event.listen(engine, "before_cursor_execute", count)
    return counter


def page_work(app, client, page: Page, runs: int) -> Callable[[forked.Emit], None]:
    def work(emit: forked.Emit) -> None:
        counter = statements_counter(app)
        bare = floors.Database(TARGET.bare_url, TARGET.sqlite_path)
        url = page.url(TARGET.built)
        for _ in range(max(runs, page.min_runs)):
            now = datetime.now(UTC)
            started = time.perf_counter()
            body = page.floor(bare, TARGET.built, now)
            emit(("bare", time.perf_counter() - started, len(body), body.count(b"BEGIN:VEVENT")))
            counter[0] = 0
            forked.reset_peak()
            started = time.perf_counter()
            response = client.get(url)
            body = response.get_data()
            size = len(body)
            elapsed = time.perf_counter() - started
            if response.status_code != 200:
                raise RuntimeError(f"GET {url} answered {response.status_code}")
            emit(("app", elapsed, size, counter[0], forked.peak_growth(), body.count(b"BEGIN:VEVENT")))
        bare.close()

    return work


def export_work(app, client, export: Export, bare: bool) -> Callable[[forked.Emit], None]:
    def work(emit: forked.Emit) -> None:
        if bare:
            database = floors.Database(TARGET.bare_url, TARGET.sqlite_path)
            forked.reset_peak()
            started = time.perf_counter()
            size = export.floor(database)
            emit((time.perf_counter() - started, size, forked.peak_growth()))
            database.close()
            return
        forked.reset_peak()
        started = time.perf_counter()
        response = client.get(export.url)
        size = sum(len(chunk) for chunk in response.iter_encoded())
        response.close()
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(f"GET {export.url} answered {response.status_code}")
        emit((elapsed, size, forked.peak_growth()))

    return work


# --- report ----------------------------------------------------------------------------------------------------


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def verdict(value: float, target: float) -> str:
    return "met" if value <= target else f"MISSED ({value / target:.1f}x)"


def report_page(page: Page, outcome: forked.Outcome, limit: float) -> None:
    apps = [r for r in outcome.results if r[0] == "app"]
    bares = [r for r in outcome.results if r[0] == "bare"]
    print(f"\n{page.label}  [{page.name}]", flush=True)
    if bares:
        times = [r[1] for r in bares]
        print(
            f"  bare baseline      n={len(times):<3} best {min(times):8.4f} s  median {statistics.median(times):8.4f} s"
            f"  {bares[-1][2] / KB:10.1f} KB" + (f"  {bares[-1][3]:,} events" if bares[-1][3] else "")
        )
    if not apps:
        print(f"  app                {unfinished(outcome, limit)}")
        return
    times = [r[1] for r in apps]
    median = statistics.median(times)
    line = f"  app                n={len(times):<3} best {min(times):8.4f} s  median {median:8.4f} s"
    if len(times) >= 20:
        line += f"  p95 {p95(times):8.4f} s"
    size = apps[-1][2] / KB
    events = f", {apps[-1][5]:,} events" if apps[-1][5] else ""
    print(line + f"  {size:10.1f} KB  {apps[-1][3]} SQL statements, peak RSS +{max(r[4] for r in apps):.0f} MB{events}")
    pairs = [a[1] / b[1] for a, b in zip(apps, bares, strict=False) if b[1] > 0]
    if pairs:
        print(f"  ratio app / bare   median of {len(pairs)} pairs {statistics.median(pairs):8.1f}x")
    measured = p95(times) if page.min_runs >= 20 else median
    what = "p95" if page.min_runs >= 20 else "median"
    target = f"  target             {what} <= {page.seconds:g} s: {verdict(measured, page.seconds)}"
    if page.size_kb is not None:
        target += f"; <= {page.size_kb} KB: {verdict(size, page.size_kb)}"
    print(target)
    if not outcome.finished:
        print(
            f"  (stopped at the limit of {limit:.0f} s after {len(times)} runs)"
            + (f": {outcome.error}" if outcome.error else "")
        )


def unfinished(outcome: forked.Outcome, limit: float) -> str:
    """Why there is no figure: the time limit stopped it (and how far its memory had grown), or it failed."""
    if outcome.peak_at_limit is not None:
        return f"did not finish in {limit:.0f} s; peak RSS +{outcome.peak_at_limit:.0f} MB by then"
    return f"failed after {outcome.seconds:.1f} s" + (f" ({outcome.error})" if outcome.error else "")


def report_export(export: Export, app: forked.Outcome, bare: forked.Outcome, limit: float, rows: int) -> None:
    print(f"\nregister export {export.name.upper()} of {rows:,} incidents  [{export.name}]", flush=True)
    for label, outcome in (("bare baseline", bare), ("app", app)):
        if outcome.results:
            seconds, size, peak = outcome.results[0]
            print(f"  {label:<18} {seconds:8.1f} s  {size / KB / KB:8.1f} MB  peak RSS +{peak:.0f} MB")
        else:
            print(f"  {label:<18} {unfinished(outcome, limit)}")
    if app.results and bare.results:
        print(
            f"  ratio app / bare   time {app.results[0][0] / bare.results[0][0]:.1f}x, peak RSS "
            f"{app.results[0][2]:.0f} MB against {bare.results[0][2]:.0f} MB"
        )
    print(
        "  target             constant memory (a streamed export's peak does not grow with the rows; compare the "
        "bare baseline's)"
    )


# --- main ------------------------------------------------------------------------------------------------------


def parse(argv: list[str] | None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small data set, short limits: a smoke run")
    parser.add_argument("--only", default="", help=f"comma-separated, of: {','.join(NAMES)}")
    parser.add_argument("--build-only", action="store_true", help="build (or find) the data set, measure nothing")
    parser.add_argument("--runs", type=int, default=5, help="runs per page (default 5; the dashboard at least 20)")
    parser.add_argument("--page-limit", type=float, default=None, help="seconds per page (default 240, quick 60)")
    parser.add_argument(
        "--cache-dir", type=Path, default=ROOT / "instance", help="where the built SQLite file is kept (instance/)"
    )
    parser.add_argument("--export-limit", type=float, default=None, help="seconds per export (default 300, quick 60)")
    args = parser.parse_args(argv)
    args.only = [n.strip() for n in args.only.split(",") if n.strip()] or NAMES
    unknown = set(args.only) - set(NAMES)
    if unknown:
        parser.error(f"unknown names in --only: {', '.join(sorted(unknown))}; known: {', '.join(NAMES)}")
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    args.page_limit = args.page_limit or (60.0 if args.quick else 240.0)
    args.export_limit = args.export_limit or (60.0 if args.quick else 300.0)
    return args


def main(argv: list[str] | None = None) -> None:
    global TARGET
    args = parse(argv)
    sizes = data.QUICK if args.quick else data.FULL

    def say(text: str) -> None:
        print(text, flush=True)

    url = os.environ.get("DATABASE_URL", "")
    on_postgres = url.startswith("postgresql")
    with tempfile.TemporaryDirectory(prefix="pages-") as tmp:
        TARGET = (
            postgres_target(url, sizes, say) if on_postgres else sqlite_target(sizes, Path(tmp), args.cache_dir, say)
        )
        if args.build_only:
            return
        app = make_app(TARGET.url)
        with app.app_context():
            db.engine.dispose()  # nothing open when the children fork
        print(
            f"\nPages: {sizes.describe()}; {'PostgreSQL' if on_postgres else 'SQLite'}; "
            f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
        )
        print(
            "times are server time through the test client; the bare baseline is measured alternately in the same "
            "process (see benchmarks/pages_floors.py for what it shows)"
        )
        clients = Clients(app)
        for page in PAGES:
            if page.name in args.only:
                client = clients.logged_in() if page.session else clients.anonymous()
                outcome = forked.run(page_work(app, client, page, args.runs), args.page_limit)
                report_page(page, outcome, args.page_limit)
        for export in EXPORTS:
            if export.name in args.only:
                bare = forked.run(export_work(app, None, export, bare=True), args.export_limit)
                client = clients.logged_in()
                measured = forked.run(export_work(app, client, export, bare=False), args.export_limit)
                report_export(export, measured, bare, args.export_limit, sizes.older + 1)
        print(f"\nload average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
