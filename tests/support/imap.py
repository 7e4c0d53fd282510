"""A tiny real IMAP4rev1 server on loopback, for `flask intake fetch`: one mailbox (INBOX) held in memory, over a
real socket, speaking the commands imaplib sends for the fetch (CAPABILITY, LOGIN, SELECT, UID SEARCH UNSEEN,
UID FETCH with INTERNALDATE and BODY.PEEK[], UID STORE +FLAGS, CLOSE, LOGOUT, NOOP). Not a mock of our code: the
application's imaplib client talks to it over TCP as it would to Dovecot.

Faults on demand: ``refuse_store`` answers the next N STORE commands NO (as a server that went away between the
commit and the marking), so the test can show that the message is stored once and marked seen on the next fetch."""

from __future__ import annotations

import re
import socketserver
import threading
from dataclasses import dataclass, field
from datetime import datetime

from .net import free_port

ARG = re.compile(rb'"((?:[^"\\]|\\.)*)"|(\S+)')


@dataclass
class Stored:
    uid: int
    raw: bytes
    internaldate: datetime
    seen: bool = False


@dataclass
class Mailbox:
    user: str = "datalek"
    password: str = "geheim wachtwoord"
    messages: list[Stored] = field(default_factory=list)
    refuse_store: int = 0
    logins: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, raw: bytes, internaldate: datetime, seen: bool = False) -> Stored:
        with self.lock:
            message = Stored(len(self.messages) + 101, raw, internaldate, seen)
            self.messages.append(message)
            return message


def _args(line: bytes) -> list[bytes]:
    return [m.group(1).replace(b'\\"', b'"') if m.group(1) is not None else m.group(2) for m in ARG.finditer(line)]


class _Session(socketserver.StreamRequestHandler):
    server: _Server

    def send(self, line: bytes) -> None:
        self.wfile.write(line + b"\r\n")

    def handle(self) -> None:
        box = self.server.mailbox
        self.send(b"* OK [CAPABILITY IMAP4rev1] tiny test server ready")
        logged_in = False
        while True:
            line = self.rfile.readline()
            if not line:
                return
            parts = _args(line.rstrip(b"\r\n"))
            if len(parts) < 2:
                self.send(b"* BAD no command")
                continue
            tag, command, args = parts[0], parts[1].upper(), parts[2:]
            if command == b"CAPABILITY":
                self.send(b"* CAPABILITY IMAP4rev1")
            elif command == b"NOOP":
                pass
            elif command == b"LOGOUT":
                self.send(b"* BYE logging out")
                self.send(tag + b" OK LOGOUT completed")
                return
            elif command == b"LOGIN":
                if [a.decode() for a in args] != [box.user, box.password]:
                    self.send(tag + b" NO [AUTHENTICATIONFAILED] wrong user or password")
                    continue
                logged_in = True
                box.logins += 1
            elif not logged_in:
                self.send(tag + b" BAD log in first")
                continue
            elif command == b"SELECT":
                if args[0].upper() != b"INBOX":
                    self.send(tag + b" NO no such mailbox")
                    continue
                self.send(b"* %d EXISTS" % len(box.messages))
                self.send(b"* FLAGS (\\Seen)")
                self.send(tag + b" OK [READ-WRITE] SELECT completed")
                continue
            elif command == b"CLOSE":
                pass
            elif command == b"UID":
                if not self._uid(tag, args, box):
                    continue
            else:
                self.send(tag + b" BAD unknown command")
                continue
            self.send(tag + b" OK " + command + b" completed")

    def _uid(self, tag: bytes, args: list[bytes], box: Mailbox) -> bool:
        sub = args[0].upper()
        numbered = {m.uid: (n, m) for n, m in enumerate(box.messages, start=1)}
        if sub == b"SEARCH" and [a.upper() for a in args[1:]] == [b"UNSEEN"]:
            self.send(b"* SEARCH" + b"".join(b" %d" % m.uid for m in box.messages if not m.seen))
            return True
        if sub == b"FETCH" and int(args[1]) in numbered:
            n, message = numbered[int(args[1])]
            when = message.internaldate.strftime("%d-%b-%Y %H:%M:%S %z").encode()
            head = b'* %d FETCH (UID %d INTERNALDATE "%s" BODY[] {%d}' % (n, message.uid, when, len(message.raw))
            self.wfile.write(head + b"\r\n" + message.raw + b")\r\n")
            return True
        if sub == b"STORE" and int(args[1]) in numbered and args[2].upper() == b"+FLAGS":
            with box.lock:
                if box.refuse_store:
                    box.refuse_store -= 1
                    self.send(tag + b" NO [UNAVAILABLE] try again later")
                    return False
                n, message = numbered[int(args[1])]
                message.seen = True
            self.send(b"* %d FETCH (UID %d FLAGS (\\Seen))" % (n, message.uid))
            return True
        self.send(tag + b" BAD unknown UID command")
        return False


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    mailbox: Mailbox


class ImapServer:
    """Serve `mailbox` on 127.0.0.1 (plain IMAP, as on loopback) until `stop()`."""

    def __init__(self, mailbox: Mailbox):
        self.mailbox = mailbox
        self.port = free_port()
        self._server = _Server(("127.0.0.1", self.port), _Session)
        self._server.mailbox = mailbox
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> ImapServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
