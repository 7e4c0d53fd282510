"""Fixtures for the reminder tests: a pinned clock, people of every role, a real SMTP server on loopback, a real
HTTP receiver for webhooks, and browsers that log in through the real login pages (with the second factor).

Time is never waited for: every tick and delivery gets its `now`, counted in hours from START."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from incidents.breaches.models import Obligation
from incidents.extensions import db
from incidents.notifications.models import Notification
from incidents.reminders.models import Reminder

from ..support import people
from ..support.client import RequestScopedClient
from ..support.mail import SMTPServer
from ..support.people import Person, log_in_as

START = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)  # a Monday in summer time; every window counts elapsed hours
PASSWORD = "Lange-zin met 5 woorden"
DPO = "fg@verwerker.example"


def at(hours: float) -> datetime:
    return START + timedelta(hours=hours)


def hours_after_start(instant: datetime) -> float:
    return (instant - START) / timedelta(hours=1)


# --- the database, read the way the tests need it ---


def obligation(incident, kind: str, contract=None, controller=None) -> Obligation:
    query = select(Obligation).where(Obligation.incident_id == incident.id, Obligation.kind == kind)
    if contract is not None:
        query = query.where(Obligation.contract_id == contract.id)
    if controller is not None:
        query = query.where(Obligation.controller_id == controller.id)
    db.session.expire_all()
    found = db.session.scalars(query).all()
    assert len(found) == 1, (kind, found)
    return found[0]


def report_delivered(incident, controllers, hours: float) -> None:
    """The report of the investigation (BOZ 5.4) delivered to these controllers at START + hours, recorded as the
    outbox records an accepted e-mail, so that a test's reminders are about the deadlines it names."""
    from incidents.breaches.service import FilingInput, record_observed_filings

    record_observed_filings(
        incident,
        [FilingInput(kind="investigation_report", controller_id=c.id, at=at(hours)) for c in controllers],
        now=at(hours),
    )


def reminders_of(item) -> list[Reminder]:
    """The reminders of one obligation in the order they were sent (ids grow with sending)."""
    db.session.expire_all()
    return list(db.session.scalars(select(Reminder).where(Reminder.obligation_id == item.id).order_by(Reminder.id)))


def all_reminders() -> list[Reminder]:
    db.session.expire_all()
    return list(db.session.scalars(select(Reminder).order_by(Reminder.id)))


def notifications_of(user) -> list[Notification]:
    db.session.expire_all()
    return list(
        db.session.scalars(select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))
    )


# --- a real SMTP server ---


@pytest.fixture
def smtp(app):
    server = SMTPServer().start().serve(app)
    yield server
    server.stop()


# --- a real HTTP receiver for webhooks ---


@dataclass
class Call:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    signature_ok: bool
    fresh: bool  # the signed timestamp is within five minutes of the receiver's clock

    @property
    def payload(self) -> dict:
        return json.loads(self.body)


class Receiver:
    """Verifies every call's signature with the secret registered for its path, records it, and answers with the
    statuses scripted for the path (200 once the script is used up). Special paths: /redirect answers 302 to
    /landing; /garbage answers something that is not HTTP."""

    def __init__(self):
        self.secrets: dict[str, str] = {}
        self.scripts: dict[str, deque[int]] = {}
        self.calls: list[Call] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _record(self) -> Call:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                secret = receiver.secrets.get(self.path, "")
                timestamp = self.headers.get("X-Datalek-Timestamp", "")
                expected = (
                    "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
                )
                given = self.headers.get("X-Datalek-Signature", "")
                fresh = timestamp.isdigit() and abs(int(timestamp) - time.time()) < 300
                call = Call(
                    self.command,
                    self.path,
                    dict(self.headers.items()),
                    body,
                    bool(secret) and hmac.compare_digest(expected, given),
                    fresh,
                )
                with receiver.lock:
                    receiver.calls.append(call)
                return call

            def do_POST(self):
                self._record()
                if self.path == "/redirect":
                    self.send_response(302)
                    self.send_header("Location", "/landing")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if self.path == "/garbage":
                    self.wfile.write(b"THIS IS NOT HTTP\r\n\r\n")
                    self.close_connection = True
                    return
                with receiver.lock:
                    script = receiver.scripts.get(self.path)
                    status = script.popleft() if script else 200
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def do_GET(self):  # only a followed redirect would come here
                self._record()
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def expect(self, path: str, secret: str, statuses: list[int] | None = None) -> None:
        self.secrets[path] = secret
        self.scripts[path] = deque(statuses or [])

    def calls_to(self, path: str) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.path == path]


@pytest.fixture
def receiver(app, monkeypatch):
    """The receiver listens on loopback, which webhooks may call only with WEBHOOKS_ALLOW_PRIVATE_TARGETS."""
    monkeypatch.setitem(app.config, "WEBHOOKS_ALLOW_PRIVATE_TARGETS", True)
    made = Receiver()
    made.thread.start()
    yield made
    made.server.shutdown()
    made.server.server_close()


# --- people ---


@pytest.fixture
def make_person(app):
    """make_person(email, role, *, controller=None, two_factor=False) -> Person, named after the address's local part
    and reading English."""

    def make(email_address: str, role: str, *, controller=None, two_factor: bool = False) -> Person:
        return people.make_person(
            email_address,
            role,
            password=PASSWORD,
            controller=controller,
            two_factor=two_factor,
            name=email_address.split("@")[0].title(),
            language="en",
        )

    return make


@pytest.fixture
def browser(app):
    """browser(person=None): a client of its own (two browsers are two people), logged in as ``person``."""

    def make(person: Person | None = None) -> RequestScopedClient:
        made = app.test_client()
        made.get("/login?lang=en")  # English pages: the assertions name the English msgids
        if person is not None:
            log_in_as(made, person)
        return made

    return make


NAV_COUNT = re.compile(r'id="notifications-link"[^>]*data-unread="(\d+)"[^>]*>(?:<strong>)?Notifications \((\d+)\)')


def nav_count(response) -> int:
    """The unread count in the nav, as shown (the attribute and the visible text agree)."""
    assert response.status_code == 200, response.status_code
    match = NAV_COUNT.search(response.get_data(as_text=True))
    assert match, "no notifications link in the nav"
    assert match.group(1) == match.group(2)
    return int(match.group(2))
