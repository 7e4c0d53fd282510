"""Notify-all benchmark (issue 12, "How it must be shown"): "Notify all" for an incident on 1,000 controllers with
10,000 contracts, from the click to the last notice delivered to a real SMTP server on loopback.

On a fresh SQLite file migrated by the real migrations: 1,000 controllers with 10 contracts each over the six
profiles (bulk, not measured) and one confirmed incident on all of them (`create_incident`). Then, measured:

  request   the notify-all form of the incident page, POSTed through the test client as a user does (logged in
            through the real login form; the form, its action and its CSRF token are read from the incident page)
  delivery  the worker's own pass (`incidents.reminders.cli.one_pass`, what `flask worker` runs every few seconds),
            again and again, until every outbox row of the incident is 'sent'; the SMTP server (aiosmtpd) accepts
            and counts. Whatever the request leaves to the worker (rendering, sending) is in this phase.
  rate      notices rendered and delivered per second, end to end: controllers / (request + delivery)
  bare      in the same run: the same number of notices rendered by bare reportlab (benchmarks/notices.py
            `bare_pdf`, built-in font, no tables) and the e-mails the server received sent again with bare smtplib
            to the same server, one connection each, as the app sends them

The request and the delivery each run in a forked process with a time limit, so the script always finishes.

    .venv/bin/python benchmarks/notify.py [--controllers 1000] [--contracts-each 10] [--workers N] [--quick]

It prints figures; nothing about time is asserted.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import smtplib
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (str(ROOT), str(ROOT / "benchmarks")):
    if path not in sys.path:
        sys.path.insert(0, path)

import forked  # noqa: E402
from aiosmtpd.controller import Controller as SMTPController  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from incidents import create_app  # noqa: E402
from incidents.extensions import db  # noqa: E402

PROFILES = ("doctolib", "addendum-gegevensbescherming", "citodent", "boz-72h", "boz-24h", "gdpr-art33")
TARGET_REQUEST_S = 2.0
TARGET_RATE = 20.0
EMAIL = "bench@verwerker.example"


# --- the SMTP server -------------------------------------------------------------------------------------------


class Sink:
    """Accepts every message; keeps its envelope, bytes and the moment it arrived."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.received: list[tuple[float, str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        with self.lock:
            self.received.append(
                (time.monotonic(), envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content))
            )
        return "250 2.0.0 Ok: queued"

    def count(self) -> int:
        with self.lock:
            return len(self.received)

    def reset(self) -> list[tuple[float, str, list[str], bytes]]:
        with self.lock:
            taken, self.received = self.received, []
        return taken


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the data --------------------------------------------------------------------------------------------------


def seed(controllers: int, each: int) -> tuple[int, str]:
    """Controllers and contracts in bulk, a handler, and the incident on every contract; (incident id, password)."""
    from incidents.auth.service import create_user
    from incidents.breaches.service import create_incident
    from incidents.parties.models import Contract, Controller

    now = datetime.now(UTC).replace(microsecond=0)
    db.session.execute(
        insert(Controller),
        [
            {
                "name": f"Zorginstelling {n:04d}",
                "kvk": f"{10_000_000 + n}",
                "contact_name": f"FG {n}",
                "contact_email": f"fg{n}@zorg{n}.example",
                "language": "en" if n % 10 == 0 else "nl",
                "created_at": now,
            }
            for n in range(1, controllers + 1)
        ],
    )
    ids = list(db.session.scalars(select(Controller.id).order_by(Controller.id)))
    db.session.execute(
        insert(Contract),
        [
            {
                "controller_id": cid,
                "profile_key": PROFILES[(i + k) % len(PROFILES)],
                "reference": f"VO-{cid:05d}-{k:02d}",
                "services": "Hosting en beheer",
                "data_categories": "Gezondheid",
                "created_at": now,
            }
            for i, cid in enumerate(ids)
            for k in range(each)
        ],
    )
    password = secrets.token_urlsafe(18)
    user = create_user(EMAIL, "handler", password, name="Benchmark")
    contract_ids = list(db.session.scalars(select(Contract.id).order_by(Contract.id)))
    incident = create_incident(
        title="Ransomware bij het hostingplatform",
        description="Het gedeelde hostingplatform is versleuteld; alle aangesloten instellingen zijn geraakt.",
        aware_at=now - timedelta(hours=3),
        status="confirmed",
        contract_ids=contract_ids,
        fields={
            "nature": "Ongeautoriseerde toegang tot het hostingplatform; versleuteling door ransomware.",
            "cause": "Een kwetsbaarheid in de beheerinterface, misbruikt voordat de patch uit was.",
            "affected_data": "Naam, adres, geboortedatum, BSN en medische gegevens van patiënten.",
            "measures": "Platform geïsoleerd, back-ups teruggezet, wachtwoorden en sleutels vervangen.",
            "contact_point": "mr. J. de Boer, functionaris gegevensbescherming, 020-1234567",
        },
        actor=user,
    )
    db.session.commit()
    return incident.id, password


# --- the form, as a browser submits it -------------------------------------------------------------------------


class Forms(HTMLParser):
    """Every form of a page: its action and the fields a browser would submit without the user typing."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self.current: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.current = {"action": a.get("action", ""), "fields": {}, "button": None}
            self.forms.append(self.current)
        elif self.current is not None and tag == "input":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind == "submit":
                if a.get("name") and self.current["button"] is None:
                    self.current["button"] = (a["name"], a.get("value", ""))
                return
            if a.get("name"):
                self.current["fields"][a["name"]] = a.get("value", "")
        elif self.current is not None and tag == "button" and a.get("name") and self.current["button"] is None:
            self.current["button"] = (a["name"], a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


def notify_form(html: str, incident_id: int) -> tuple[str, dict]:
    """The notify-all form of the incident page (a form posting to …/notices/all): its action and fields."""
    parser = Forms()
    parser.feed("".join(re.findall(r"<form\b[^>]*/notices/all\b.*?</form>", html, re.DOTALL)))
    for form in parser.forms:
        if re.search(r"/notices/all\b", form["action"]):
            fields = dict(form["fields"])
            if form["button"]:
                fields.setdefault(*form["button"])
            return form["action"], fields
    raise SystemExit(f"no notify-all form (action …/notices/all) on the page of incident {incident_id}")


def login(client, password: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    if token is None:
        raise SystemExit("no CSRF token on /login")
    response = client.post("/login", data={"email": EMAIL, "password": password, "csrf_token": token.group(1)})
    if response.status_code != 302:
        raise SystemExit(f"logging in answered {response.status_code}")


# --- the phases ------------------------------------------------------------------------------------------------


def request_work(app, incident_id: int, password: str) -> Callable[[forked.Emit], None]:
    def work(emit: forked.Emit) -> None:
        client = app.test_client()
        login(client, password)
        page = client.get(f"/incidents/{incident_id}")
        action, fields = notify_form(page.get_data(as_text=True), incident_id)
        if "next_update" in fields and not fields["next_update"]:
            fields["next_update"] = "Binnen 48 uur, na het forensisch onderzoek."  # what a user types there
        started = time.perf_counter()
        response = client.post(action, data=fields)
        elapsed = time.perf_counter() - started
        emit(("request", elapsed, response.status_code, response.headers.get("Location", "")))
        location = response.headers.get("Location")
        if location:
            started = time.perf_counter()
            progress = client.get(location)
            emit(("progress", time.perf_counter() - started, progress.status_code, len(progress.get_data())))

    return work


def outbox_counts(incident_id: int) -> dict[str, int]:
    from incidents.notices.models import OutboxMessage

    rows = db.session.execute(
        select(OutboxMessage.status, func.count())
        .where(OutboxMessage.incident_id == incident_id)
        .group_by(OutboxMessage.status)
    )
    return dict(rows.all())


def delivery_work(app, incident_id: int, expected: int, workers: int = 1) -> Callable[[forked.Emit], None]:
    """The worker's pass until all the incident's outbox rows are sent (or the limit ends the process). With
    `workers` > 1, as many worker processes share the outbox as a deployment may run (README: "Run as many workers
    as you like"); the outbox's claims keep each message to one of them."""

    def helper() -> None:
        """One more worker process: passes until nothing of the incident is left to send."""
        from incidents.reminders.cli import one_pass

        with app.app_context():
            db.engine.dispose(close=False)  # the parent's connections are not this process's
        while True:
            with app.app_context():
                one_pass("benchmark-helper")
                counts = outbox_counts(incident_id)
                db.session.remove()
            if not counts.get("queued") and not counts.get("retrying") and not counts.get("sending"):
                return

    def work(emit: forked.Emit) -> None:
        from incidents.reminders.cli import one_pass

        helpers = []
        for _ in range(workers - 1):
            pid = os.fork()
            if pid == 0:
                try:
                    helper()
                finally:
                    os._exit(0)
            helpers.append(pid)
        passes = 0
        started = time.perf_counter()
        while True:
            with app.app_context():
                did = one_pass("benchmark")
                passes += 1
                counts = outbox_counts(incident_id)
                db.session.remove()
            emit(("pass", time.perf_counter() - started, counts))
            if counts.get("sent", 0) >= expected and sum(counts.values()) == counts.get("sent", 0):
                for pid in helpers:
                    os.waitpid(pid, 0)
                return
            if set(counts) - {"sent", "queued", "sending", "retrying"}:
                raise RuntimeError(f"outbox rows ended as {counts}")
            if isinstance(did, dict) and not any(did.values()):
                time.sleep(0.2)  # nothing was due yet: the worker, too, waits between passes

    return work


# --- the floors ------------------------------------------------------------------------------------------------


def bare_pdfs(count: int) -> float:
    import notices as rendering  # benchmarks/notices.py

    texts = [rendering.paragraph_texts(rendering.notice(n, "en" if n % 10 == 0 else "nl")) for n in range(1, count + 1)]
    rendering.bare_pdf(texts[0])  # fonts and caches, as in benchmarks/notices.py
    started = time.perf_counter()
    for t in texts:
        rendering.bare_pdf(t)
    return time.perf_counter() - started


def bare_smtp(messages: list[tuple[float, str, list[str], bytes]], port: int) -> float:
    started = time.perf_counter()
    for _, sender, recipients, content in messages:
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            smtp.sendmail(sender, recipients, content)
    return time.perf_counter() - started


# --- main ------------------------------------------------------------------------------------------------------


def parse(argv: list[str] | None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10 controllers of 2 contracts: a smoke run")
    parser.add_argument("--controllers", type=int, default=None, help="controllers (default 1000)")
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="worker processes sharing the outbox (default: as many as `flask worker` runs, one per core, at most 4)",
    )
    parser.add_argument("--contracts-each", type=int, default=None, help="contracts per controller (default 10)")
    parser.add_argument("--request-limit", type=float, default=900.0, help="seconds for the request (default 900)")
    parser.add_argument("--delivery-limit", type=float, default=None, help="seconds for the delivery (default 900)")
    args = parser.parse_args(argv)
    args.controllers = args.controllers or (10 if args.quick else 1000)
    args.contracts_each = args.contracts_each or (2 if args.quick else 10)
    args.delivery_limit = args.delivery_limit or (120.0 if args.quick else 900.0)
    if args.workers is None:
        from incidents.reminders.processes import default_count

        args.workers = default_count()
    if args.controllers < 1 or args.contracts_each < 1:
        parser.error("--controllers and --contracts-each must be at least 1")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    sink = Sink()
    port = free_port()
    server = SMTPController(sink, hostname="127.0.0.1", port=port)
    server.start()
    try:
        with tempfile.TemporaryDirectory(prefix="notify-") as tmp:
            run(args, sink, port, Path(tmp))
    finally:
        server.stop()


def run(args, sink: Sink, port: int, folder: Path) -> None:
    n = args.controllers
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'notify.sqlite'}",
            "SECRET_KEY": secrets.token_hex(16),
            "OUTBOX_PUMP_SECONDS": 0,  # the worker's pass below delivers, nothing else
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": port,
            "LOG_LEVEL": "WARNING",
            "LOGIN_RATE_LIMIT": "1000 per minute",
        }
    )
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        incident_id, password = seed(n, args.contracts_each)
        db.session.remove()
        db.engine.dispose()
    print(
        f"Notify all: one incident on {n:,} controllers ({n * args.contracts_each:,} contracts), SQLite; "
        f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )

    requested = forked.run(request_work(app, incident_id, password), args.request_limit)
    phases = {r[0]: r for r in requested.results}
    if "request" not in phases:
        print(f"request (POST notify all)         did not finish in {args.request_limit:.0f} s" + _why(requested))
        return
    _, request_s, status, _location = phases["request"]
    print(
        f"request (POST notify all)         {request_s:8.2f} s   HTTP {status}   target <= {TARGET_REQUEST_S:g} s: "
        + ("met" if request_s <= TARGET_REQUEST_S else f"MISSED ({request_s / TARGET_REQUEST_S:.1f}x)"),
        flush=True,
    )
    if "progress" in phases:
        _, progress_s, progress_status, size = phases["progress"]
        print(f"progress page (the redirect)      {progress_s:8.2f} s   HTTP {progress_status}   {size / 1024:.0f} KB")
    if status >= 400:
        raise SystemExit(f"the notify-all request answered {status}")

    sent_before = sink.count()  # the request itself may already have sent (the web process's own pump is off)
    delivered = forked.run(delivery_work(app, incident_id, n, args.workers), args.delivery_limit)
    received = sink.reset()
    passes = [r for r in delivered.results if r[0] == "pass"]
    counts = passes[-1][2] if passes else {}
    if delivered.finished and passes:
        delivery_s = passes[-1][1]
        print(f"delivery ({args.workers} worker(s), passes: {len(passes)}) {delivery_s:8.2f} s   outbox {counts}")
    else:
        delivery_s = delivered.seconds
        print(
            f"delivery                          did not finish in {args.delivery_limit:.0f} s: "
            f"{len(received) - sent_before:,} of {n:,} accepted by the server" + _why(delivered)
        )
    done = len(received)
    rate = done / (request_s + delivery_s) if request_s + delivery_s > 0 else 0.0
    verdict = "met" if done >= n and rate >= TARGET_RATE else f"MISSED ({TARGET_RATE / max(rate, 1e-9):.1f}x short)"
    print(
        f"end to end (rendered + delivered) {rate:8.1f} per s ({done:,} notices in {request_s + delivery_s:.1f} s)   "
        f"target >= {TARGET_RATE:g} per s: {verdict}",
        flush=True,
    )

    pdf_s = bare_pdfs(n)
    smtp_s = bare_smtp(received, port) if received else 0.0
    print(f"bare reportlab                    {n / pdf_s:8.1f} per s ({n:,} notices in {pdf_s:.1f} s)")
    if received:
        print(f"bare smtplib                      {len(received) / smtp_s:8.1f} per s ({len(received):,} same bytes)")
        floor = n / (pdf_s + smtp_s * n / len(received))
        print(f"bare end to end                   {floor:8.1f} per s   ratio bare / app {floor / max(rate, 1e-9):.1f}x")
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


def _why(outcome: forked.Outcome) -> str:
    return f" ({outcome.error})" if outcome.error else ""


if __name__ == "__main__":
    main()
