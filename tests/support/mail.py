"""Real SMTP servers on loopback (aiosmtpd): one that accepts and keeps every message, ones that refuse, and a port
where nothing listens. The application is pointed at one of them through its MAIL_* settings."""

from __future__ import annotations

import asyncio
import email
import threading
from collections import deque
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from functools import cached_property

from aiosmtpd.controller import Controller

from .net import free_port

ACCEPT_REPLY = "2.0.0 Ok: queued as TEST"  # what the accepting server answers to DATA (after "250 ")


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes
    connection: int = 0  # which SMTP connection (session) carried it

    @cached_property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.content, policy=policy.default)

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        return self.message.get_body(("plain",)).get_content()


@dataclass
class Inbox:
    """Accepts every message and keeps its envelope.

    With ``hold_first`` it keeps the first DATA waiting, the whole message received but no reply sent (as at a
    server about to answer 250), until ``release`` is set; ``holding`` is set once it waits.

    Faults on demand: ``data_replies`` are the answers to the next DATA commands (a message answered other than 250
    is not kept in ``received``; ``tried`` has every message whose DATA arrived, refused or not); ``quit_reply``
    answers QUIT (counted in ``quits``); ``per_connection`` messages are taken on one connection, a MAIL FROM after
    them is answered 421 (the server is closing the channel)."""

    received: list[Received] = field(default_factory=list)
    tried: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    hold_first: bool = False
    holding: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    connections: int = 0
    data_replies: deque[str] = field(default_factory=deque)
    quit_reply: str = "221 Bye"
    quits: int = 0
    per_connection: int | None = None

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # noqa: N802 (aiosmtpd's name)
        session.test_mails = getattr(session, "test_mails", 0) + 1
        if self.per_connection is not None and session.test_mails > self.per_connection:
            return "421 4.7.0 Too many messages on this connection, closing"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        with self.lock:
            message = Received(
                envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content), self._connection(session)
            )
            self.tried.append(message)
            reply = self.data_replies.popleft() if self.data_replies else f"250 {ACCEPT_REPLY}"
            if reply.startswith("250"):
                self.received.append(message)
            hold = self.hold_first and len(self.received) == 1
        if hold:
            self.holding.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 30)
        return reply

    async def handle_QUIT(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        with self.lock:
            self.quits += 1
        return self.quit_reply

    def _connection(self, session) -> int:
        """A number per SMTP session (an id() could be reused once a closed session is collected)."""
        if not hasattr(session, "test_connection"):
            self.connections += 1
            session.test_connection = self.connections
        return session.test_connection

    def count(self) -> int:
        with self.lock:
            return len(self.received)

    @property
    def messages(self) -> list[EmailMessage]:
        # aiosmtpd reads every member of its handler (inspect.getmembers) for each connection: each message is
        # parsed once, or a run of many e-mails would parse all of them again for every new one.
        with self.lock:
            return [r.message for r in self.received]


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


class SMTPServer:
    """One SMTP server on loopback with its handler (by default an `Inbox`)."""

    def __init__(self, handler=None):
        self.handler = handler if handler is not None else Inbox()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def inbox(self) -> Inbox:
        return self.handler

    def start(self) -> SMTPServer:
        self.controller.start()
        return self

    def serve(self, app) -> SMTPServer:
        """Point the application's mail settings at this server."""
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=self.port)
        return self

    def stop(self) -> None:
        if isinstance(self.handler, Inbox):
            self.handler.release.set()  # a held message is let go, so the server can stop
        self.controller.stop()


class MailLab:
    """SMTP servers started on demand, by name: "working" (accepts into ``inbox``), "refuse_data", "refuse_rcpt",
    and "down" (a port where nothing listens); ``use(name)`` points the app at one of them."""

    def __init__(self, app):
        self.app = app
        self.inbox = Inbox()
        self.handlers = {"working": self.inbox, "refuse_data": RefuseData(), "refuse_rcpt": RefuseRcpt()}
        self.ports: dict[str, int] = {}
        self.servers: list[SMTPServer] = []

    def port(self, name: str) -> int:
        if name not in self.ports:
            if name == "down":
                self.ports[name] = free_port()  # bound, then closed: nothing listens there
            else:
                server = SMTPServer(self.handlers[name]).start()
                self.servers.append(server)
                self.ports[name] = server.port
        return self.ports[name]

    def use(self, name: str) -> int:
        port = self.port(name)
        self.app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
        return port

    def stop(self) -> None:
        for server in self.servers:
            server.stop()
