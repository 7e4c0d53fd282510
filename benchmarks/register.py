"""Register benchmark: the register page and its exports over a register of 100,000 incidents (bulkdata.py).

Measured through app.test_client(), logged in through the real login form, end to end (routing, session, queries,
rendering, the access-log row, the commit); a streamed body is read piece by piece and counted, never kept.

  page       GET /register/ and a few variants (a deep page, a sort, a search, a filter): best and median of
             --runs, size of the HTML, number of SQL statements
  exports    GET /register/export.csv|xlsx|pdf and GET /api/v1/register (JSON) over the whole register: time, size,
             and peak memory: the process's peak RSS (VmHWM, reset before each export through
             /proc/self/clear_refs) and, in a second run, the peak of Python allocations (tracemalloc)
  bare       beside them, in the same process: the same incidents through the bare sqlite3 driver with hand-written
             SQL (one page of 50 with its counts and the total; the whole register with its obligation counts) into
             f-string HTML, csv.writer and openpyxl write-only: the floor the app is compared with

Run from the project root (the data are built once into --data and reused; building takes a minute or two):

    .venv/bin/python benchmarks/register.py [--data /tmp/register-100k.sqlite] [--runs 5] [--no-exports]

``--root DIR`` imports the app from another checkout (for a before/after comparison in the same way); an older
schema in --data is upgraded by that checkout's migrations first. It prints figures; nothing is asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import gc
import io
import sqlite3
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _setup_path(root: Path) -> None:
    for path in (str(HERE), str(root)):
        if path in sys.path:
            sys.path.remove(path)
        sys.path.insert(0, path)


def rss_peak_reset() -> None:
    """Reset the kernel's peak-RSS mark of this process (Linux: "5" to clear_refs)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def rss_peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def consume(response) -> int:
    """The body's size, read piece by piece as a WSGI server would send it."""
    size = 0
    try:
        for piece in response.response:
            size += len(piece)
    finally:
        response.close()
    return size


def timed(fn: Callable[[], object], runs: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(runs):
        gc.collect()
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return times, result


def fmt(times: list[float]) -> str:
    return f"best {min(times):.3f} s, median {statistics.median(times):.3f} s"


# --- the bare floor: sqlite3, hand-written SQL, bare output code ---


def bare_page(path: str, offset: int = 0) -> int:
    connection = sqlite3.connect(path)
    total = connection.execute("SELECT count(*) FROM incidents").fetchone()[0]
    rows = connection.execute(
        "SELECT i.id, i.reference, i.title, i.status, i.aware_at, s.ap_severity, "
        " (SELECT count(*) FROM obligations o WHERE o.incident_id = i.id AND o.status = 'missed') "
        "FROM incidents i LEFT JOIN severity_assessments s ON s.id = ("
        " SELECT id FROM severity_assessments WHERE incident_id = i.id ORDER BY assessed_at DESC LIMIT 1) "
        "ORDER BY i.aware_at, i.id LIMIT 50 OFFSET ?",
        (offset,),
    ).fetchall()
    from html import escape

    html = "".join(
        f"<tr><td>{escape(str(r[1]))}</td><td>{escape(r[2])}</td><td>{r[3]}</td><td>{r[4]}</td>"
        f"<td>{escape(r[5] or '')}</td><td>{r[6]}</td></tr>"
        for r in rows
    )
    connection.close()
    return len(f"<p>{total}</p><table>{html}</table>")


def _bare_rows(connection):
    counts = connection.execute(
        "SELECT incident_id, sum(status = 'met'), sum(status = 'missed'), sum(status IN ('running', 'pending')) "
        "FROM obligations GROUP BY incident_id ORDER BY incident_id"
    )
    by_id = {r[0]: r[1:] for r in counts}
    for r in connection.execute(
        "SELECT id, reference, title, status, aware_at, confirmed_at, dismissed_at, dismiss_reason, description "
        "FROM incidents ORDER BY aware_at, id"
    ):
        yield (*r[1:], *by_id.get(r[0], (0, 0, 0)))


def bare_csv(path: str) -> int:
    connection = sqlite3.connect(path)
    sink = io.StringIO()
    writer = csv.writer(sink, delimiter=";")
    size = 0
    for n, row in enumerate(_bare_rows(connection)):
        writer.writerow(row)
        if n % 500 == 0:
            size += len(sink.getvalue().encode())
            sink.seek(0)
            sink.truncate()
    connection.close()
    return size + len(sink.getvalue().encode())


def bare_xlsx(path: str) -> int:
    from openpyxl import Workbook

    connection = sqlite3.connect(path)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Register")
    for row in _bare_rows(connection):
        sheet.append(list(row))
    with tempfile.TemporaryFile() as file:
        book.save(file)
        size = file.tell()
    connection.close()
    return size


# --- the app ---


def log_in(client, email: str, password: str) -> None:
    import re

    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"email": email, "password": password, "csrf_token": token})
    assert response.status_code == 302, response.status_code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=str(Path(tempfile.gettempdir()) / "register-100k.sqlite"))
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--root", default=str(HERE.parent), help="the checkout to import the app from")
    parser.add_argument("--pages", default="", help="comma-separated page URLs instead of the default set")
    parser.add_argument("--exports", default="csv,xlsx,pdf,json", help="which exports to measure ('' for none)")
    parser.add_argument("--pdf-query", default="", help="a narrower selection for a PDF the app accepts")
    parser.add_argument("--export-query", default="", help="a selection for every export (default: all)")
    parser.add_argument("--no-tracemalloc", action="store_true")
    args = parser.parse_args()
    _setup_path(Path(args.root).resolve())

    import bulkdata
    from flask_migrate import upgrade
    from sqlalchemy import event

    from incidents import create_app
    from incidents.extensions import db

    data = Path(args.data)
    fresh = not data.exists()
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{data}", "SECRET_KEY": "bench"}, testing=True)
    with app.app_context():
        started = time.perf_counter()
        upgrade(directory=str(Path(args.root) / "migrations"))
        migrated = time.perf_counter() - started
        if fresh:
            started = time.perf_counter()
            built = bulkdata.build(args.incidents)
            Path(f"{data}.token").write_text(built.feed_token)
            print(
                f"built {built.incidents:,} incidents, {built.open_deadlines:,} open deadlines in "
                f"{time.perf_counter() - started:.0f} s"
            )
        else:
            print(f"reused {data} (migrations to head: {migrated:.1f} s)")
        db.session.remove()

    statements = []

    def count(*_):
        statements.append(1)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", count)
    client = app.test_client()
    log_in(client, bulkdata.EMAIL, bulkdata.PASSWORD)
    print(f"app from {args.root}; SQLite {data} ({data.stat().st_size / 1e6:.0f} MB); {args.runs} run(s) each")

    pages = [p for p in args.pages.split(",") if p] or [
        "/register/",
        "/register/?page=1000",
        "/register/?sort=-aware_at",
        "/register/?sort=title&page=20",
        "/register/?q=Zorginstelling+0042",
        "/register/?severity=zeer+groot&per_page=100",
        "/register/?to=2021-12-12",
    ]
    print("\npage (server time through the test client; HTML size; SQL statements)")
    for url in pages:
        statements.clear()

        def get(url=url):
            response = client.get(url, buffered=False)
            assert response.status_code == 200, (url, response.status_code)
            return consume(response)

        times, size = timed(get, args.runs)
        print(f"  {url:45} {fmt(times)}; {size / 1000:,.0f} KB; {len(statements) // args.runs} statements")
    times, size = timed(lambda: bare_page(str(data)), args.runs)
    print(f"  {'bare: page 1 (sqlite3 + f-strings)':45} {fmt(times)}; {size / 1000:,.0f} KB")
    times, size = timed(lambda: bare_page(str(data), 49_950), args.runs)
    print(f"  {'bare: page 1000':45} {fmt(times)}; {size / 1000:,.0f} KB")

    exports = {
        "csv": "/register/export.csv",
        "xlsx": "/register/export.xlsx",
        "pdf": "/register/export.pdf",
        "json": "/api/v1/register",
    }
    wanted = [e for e in args.exports.split(",") if e]
    if not wanted:
        return
    print("\nexports of the whole register (one run each; peak RSS of the process; peak of Python allocations)")
    if "json" in wanted:
        from incidents.auth.service import create_token

        with app.app_context():
            _row, token = create_token(bulkdata.EMAIL, "bench")
            db.session.commit()
        api_headers = {"Authorization": f"Bearer {token}"}
    for name in wanted:
        query = args.pdf_query if name == "pdf" and args.pdf_query else args.export_query
        url = exports[name] + (f"?{query}" if query else "")
        headers = api_headers if name == "json" else {}
        for traced in (False, True) if not args.no_tracemalloc else (False,):
            gc.collect()
            rss_peak_reset()
            base = rss_peak_mb()
            if traced:
                tracemalloc.start()
            started = time.perf_counter()
            response = client.get(url, headers=headers, buffered=False)
            status = response.status_code
            size = consume(response)
            elapsed = time.perf_counter() - started
            if traced:
                _, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                print(f"  {url:45} Python allocations peak {peak / 1e6:,.1f} MB (under tracemalloc: {elapsed:.1f} s)")
            else:
                print(
                    f"  {url:45} HTTP {status}; {elapsed:.1f} s; {size / 1e6:,.1f} MB; "
                    f"peak RSS {rss_peak_mb():,.0f} MB (before: {base:,.0f} MB)"
                )
    if args.export_query:
        return  # the floors read the whole register
    for label, fn in (("bare: CSV (sqlite3 + csv.writer)", bare_csv), ("bare: XLSX (openpyxl write-only)", bare_xlsx)):
        if ("csv" in label.lower() and "csv" in wanted) or ("xlsx" in label.lower() and "xlsx" in wanted):
            gc.collect()
            rss_peak_reset()
            started = time.perf_counter()
            size = fn(str(data))
            print(
                f"  {label:45} {time.perf_counter() - started:.1f} s; {size / 1e6:,.1f} MB; "
                f"peak RSS {rss_peak_mb():,.0f} MB"
            )


if __name__ == "__main__":
    main()
