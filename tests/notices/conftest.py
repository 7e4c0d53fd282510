"""Fixtures for the notices tests: real SMTP servers on loopback (accepting, refusing, down) and an
incident that affects contracts of several controllers on different profiles."""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller as SMTPController
from sqlalchemy import func, select

from incidents.core.instants import utcnow
from incidents.extensions import db

# The real conftest counts the foundation tables; the notices add two.
ALL_TABLES = (
    "controllers", "contracts", "incidents", "affected_contracts", "obligations", "filings", "decisions",
    "timeline_events", "users", "api_tokens", "documents", "outbox",
)
ACCEPT_REPLY = "2.0.0 Ok: queued as NOTICETEST"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes


@dataclass
class Inbox:
    """Accepts every message and keeps its envelope."""

    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content)))
        return f"250 {ACCEPT_REPLY}"


@dataclass
class RefuseData:
    """Takes the whole message, then refuses it."""

    attempts: int = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.attempts += 1
        return "554 5.7.1 rejected by policy"


@dataclass
class RefuseRcpt:
    """Refuses the recipient."""

    attempts: int = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        self.attempts += 1
        return "550 5.1.1 mailbox unavailable"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MailLab:
    """Starts SMTP servers on demand and points the app at one of them."""

    def __init__(self, app):
        self.app = app
        self.inbox = Inbox()
        self.handlers = {"working": self.inbox, "refuse_data": RefuseData(), "refuse_rcpt": RefuseRcpt()}
        self.ports: dict[str, int] = {}
        self.controllers: list[SMTPController] = []

    def port(self, name: str) -> int:
        if name not in self.ports:
            if name == "down":
                self.ports[name] = free_port()  # bound, then closed: nothing listens there
            else:
                server = SMTPController(self.handlers[name], hostname="127.0.0.1", port=free_port())
                server.start()
                self.controllers.append(server)
                self.ports[name] = server.port
        return self.ports[name]

    def use(self, name: str) -> int:
        port = self.port(name)
        self.app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
        return port

    def stop(self) -> None:
        for server in self.controllers:
            server.stop()


@pytest.fixture
def mail(app):
    lab = MailLab(app)
    lab.use("working")
    yield lab
    lab.stop()


@pytest.fixture
def inbox(mail) -> Inbox:
    return mail.inbox


@pytest.fixture
def all_counts(app):
    def counts():
        db.session.expire_all()
        return {t: db.session.scalar(select(func.count()).select_from(db.metadata.tables[t])) for t in ALL_TABLES}

    return counts


SPECIAL = "Zeeuws-Vlaanderen: ë ĳ € <b>vet</b> & co"


@pytest.fixture
def world(app, make_controller, make_contract):
    """A confirmed incident affecting:
    - controller A (Dutch): a boz-72h contract and a doctolib contract;
    - controller B (English): a gdpr-art33 contract.
    Known fields: nature and affected_data; consequences and measures (required by all three) are missing."""
    from incidents.breaches.service import create_incident

    a = make_controller(name="Huisartsenpraktijk De Eëndracht", contact_name="Mw. Ĳsselmeer",
                        contact_email="fg@eendracht.example")
    b = make_controller(name="Riverside Clinic Ltd", contact_name="Ms. Dee Pio", contact_email="dpo@riverside.example",
                        language="en")
    a_boz = make_contract("boz-72h", a, reference="VO-A-BOZ")
    a_doc = make_contract("doctolib", a, reference="VO-A-DOC")
    b_gdpr = make_contract("gdpr-art33", b, reference="VO-B-GDPR")
    now = utcnow()
    incident = create_incident(
        title="Verkeerd verzonden röntgenfoto's", description="Een medewerker verstuurde een map naar de "
        "verkeerde praktijk.", aware_at=now - timedelta(hours=3), status="confirmed",
        confirmed_at=now - timedelta(hours=2), contract_ids=[a_boz.id, a_doc.id, b_gdpr.id],
        fields={"nature": SPECIAL, "affected_data": "Namen, geboortedata en röntgenbeelden"},
    )
    db.session.commit()
    return SimpleNamespace(a=a, b=b, a_boz=a_boz, a_doc=a_doc, b_gdpr=b_gdpr, incident=incident,
                           reference=incident.reference, aware_at=incident.aware_at,
                           confirmed_at=incident.confirmed_at)
