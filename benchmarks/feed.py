"""Calendar feed benchmark: a staff user's feed with 10,000 open deadlines in a register of 100,000 incidents
(bulkdata.py: 2,000 open incidents with 5 running deadlines each, 98,000 closed ones with their timelines).

  feed      GET /calendar/<token>.ics through app.test_client() without a session, as a calendar app fetches it:
            best and median of --runs, size, events; then the same with If-None-Match (the ETag of the last
            answer): a client whose copy is current
  bare      beside it, in the same process: the same deadlines through the bare sqlite3 driver (one hand-written
            query, the SEQUENCE counted for the open incidents) written as iCalendar text with f-strings and no
            folding: the floor the feed is compared with

Peak memory of one fetch: the process's peak RSS (VmHWM, reset before through /proc/self/clear_refs) and the
peak of Python allocations (tracemalloc, in a separate fetch).

Run from the project root (shares --data with benchmarks/register.py; built on first use):

    .venv/bin/python benchmarks/feed.py [--data /tmp/register-100k.sqlite] [--runs 5] [--root DIR]

It prints figures; nothing is asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent

BARE_SQL = """
SELECT o.id, o.kind, o.due_at, o.clause, i.reference, c.name, coalesce(t.n, 0)
FROM obligations o
JOIN incidents i ON i.id = o.incident_id
JOIN controllers c ON c.id = o.controller_id
LEFT JOIN (SELECT e.incident_id, count(*) AS n FROM timeline_events e JOIN incidents x ON x.id = e.incident_id
           WHERE x.status IN ('suspected', 'confirmed') GROUP BY e.incident_id) t ON t.incident_id = o.incident_id
WHERE o.status = 'running' AND o.due_at IS NOT NULL AND i.status IN ('suspected', 'confirmed')
ORDER BY o.due_at, o.id
"""


def bare_feed(path: str) -> tuple[int, int]:
    connection = sqlite3.connect(path)
    parts = ["BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bare//NL\r\n"]
    n = 0
    for oid, kind, due, clause, reference, name, sequence in connection.execute(BARE_SQL):
        start = due.replace("-", "").replace(":", "").replace(" ", "T")[:15] + "Z"
        text = f"{reference} · {kind} · {name}".replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
        parts.append(
            f"BEGIN:VEVENT\r\nUID:obligation-{oid}@bare\r\nSEQUENCE:{sequence}\r\nDTSTART:{start}\r\n"
            f"DURATION:PT15M\r\nSUMMARY:{text}\r\nDESCRIPTION:{clause}\r\nEND:VEVENT\r\n"
        )
        n += 1
    parts.append("END:VCALENDAR\r\n")
    connection.close()
    return len("".join(parts).encode()), n


def rss_peak_reset() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def rss_peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=str(Path(tempfile.gettempdir()) / "register-100k.sqlite"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--root", default=str(HERE.parent), help="the checkout to import the app from")
    parser.add_argument("--no-tracemalloc", action="store_true", help="skip the fetch under tracemalloc")
    args = parser.parse_args()
    for path in (str(HERE), str(Path(args.root).resolve())):
        sys.path.insert(0, path)

    import bulkdata
    from flask_migrate import upgrade

    from incidents import create_app
    from incidents.extensions import db

    data = Path(args.data)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{data}", "SECRET_KEY": "bench"}, testing=True)
    with app.app_context():
        fresh = not data.exists()
        upgrade(directory=str(Path(args.root) / "migrations"))
        if fresh:
            built = bulkdata.build()
            Path(f"{data}.token").write_text(built.feed_token)
        db.session.remove()
    token = Path(f"{data}.token").read_text().strip()
    client = app.test_client(use_cookies=False)
    url = f"/calendar/{token}.ics"

    times, bare_times = [], []
    size = events = 0
    etag = None
    for _ in range(args.runs):  # app and floor alternately, so that both see the same load
        gc.collect()
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
        body = response.data
        size, events, etag = len(body), body.count(b"BEGIN:VEVENT"), response.headers.get("ETag")
        gc.collect()
        started = time.perf_counter()
        bare_size, bare_events = bare_feed(str(data))
        bare_times.append(time.perf_counter() - started)
    times.sort()
    bare_times.sort()
    print(f"app from {args.root}; SQLite {data}; {args.runs} runs, app and floor alternately")
    print(
        f"  feed: best {times[0]:.3f} s, median {times[len(times) // 2]:.3f} s; {size / 1e6:.1f} MB, {events:,} events"
    )
    print(
        f"  bare (sqlite3 + f-strings): best {bare_times[0]:.3f} s, median {bare_times[len(bare_times) // 2]:.3f} s; "
        f"{bare_size / 1e6:.1f} MB, {bare_events:,} events"
    )
    print(f"  ratio feed / bare (best): {times[0] / bare_times[0]:.1f}x")
    if etag:
        again = []
        for _ in range(args.runs):
            started = time.perf_counter()
            response = client.get(url, headers={"If-None-Match": etag})
            again.append(time.perf_counter() - started)
        print(
            f"  If-None-Match with the last ETag: HTTP {response.status_code}, {len(response.data)} bytes, "
            f"best {min(again):.3f} s"
        )
    else:
        print("  no ETag in the answer")
    gc.collect()
    rss_peak_reset()
    base = rss_peak_mb()
    client.get(url)
    print(f"  peak RSS of one fetch: {rss_peak_mb():,.0f} MB (before: {base:,.0f} MB)")
    if args.no_tracemalloc:
        return
    tracemalloc.start()
    client.get(url)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"  peak of Python allocations of one fetch: {peak / 1e6:,.1f} MB")


if __name__ == "__main__":
    main()
