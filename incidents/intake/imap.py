"""Fetching the breach mailbox over IMAP (imaplib): `flask --app wsgi intake fetch`, and each pass of the worker.

The unseen messages of INTAKE_IMAP_FOLDER are read by UID with BODY.PEEK[] (reading does not mark them seen) and
INTERNALDATE (the server's arrival time, which becomes the message's arrival). Each message is stored and committed
first; only then is it marked \\Seen. A fetch that stops in between (a crash, a lost connection) leaves the message
unseen, and the next fetch finds it again: its bytes are stored already, so it is recognised by its SHA-256 (or its
Message-ID) and only marked seen. So a message is never lost and never stored twice.

The SHA-256 is over the bytes the server returned for BODY.PEEK[], exactly.
"""

from __future__ import annotations

import contextlib
import imaplib
import re
import ssl
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import structlog

from ..extensions import db
from .service import store_message

log = structlog.get_logger("incidents.intake")
INTERNALDATE = re.compile(rb'INTERNALDATE "([^"]+)"')
SECURITY = ("tls", "starttls", "none")


class ImapError(RuntimeError):
    pass


def configured(config: Mapping[str, Any]) -> bool:
    return bool(config.get("INTAKE_IMAP_HOST"))


def arrival(response: bytes) -> datetime:
    """The INTERNALDATE of a FETCH response, in UTC (e.g. `INTERNALDATE "04-Dec-2026 10:15:03 +0100"`)."""
    found = INTERNALDATE.search(response)
    if found is None:
        raise ImapError("no INTERNALDATE in the server's answer")
    text = found.group(1).decode("ascii").strip()
    return datetime.strptime(text, "%d-%b-%Y %H:%M:%S %z").astimezone(UTC)


def _connect(config: Mapping[str, Any]) -> imaplib.IMAP4:
    host, security = str(config["INTAKE_IMAP_HOST"]), str(config.get("INTAKE_IMAP_SECURITY") or "tls")
    if security not in SECURITY:
        raise ImapError(f"INTAKE_IMAP_SECURITY must be one of {', '.join(SECURITY)}")
    timeout = float(config.get("INTAKE_IMAP_TIMEOUT_SECONDS") or 30)
    context = ssl.create_default_context(cafile=config.get("INTAKE_IMAP_CA_FILE") or None)
    port = config.get("INTAKE_IMAP_PORT") or (993 if security == "tls" else 143)
    if security == "tls":
        return imaplib.IMAP4_SSL(host, int(port), ssl_context=context, timeout=timeout)
    connection = imaplib.IMAP4(host, int(port), timeout=timeout)
    if security == "starttls":
        connection.starttls(ssl_context=context)
    return connection


def _check(answer: tuple[str, list[Any]], what: str) -> list[Any]:
    status, data = answer
    if status != "OK":
        raise ImapError(f"{what}: {status}")
    return data


def _message(data: list[Any]) -> tuple[bytes, bytes]:
    """(the message's bytes, the response line that carries INTERNALDATE) from a UID FETCH answer."""
    for item in data:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
            meta = item[0] + b" " + b" ".join(i for i in data if isinstance(i, bytes))
            return item[1], meta
    raise ImapError("no message in the server's answer")


def fetch(config: Mapping[str, Any]) -> dict[str, int]:
    """Store every unseen message of the mailbox (committing each), then mark it seen. Counts: fetched, stored
    (new), known (stored before)."""
    counts = {"fetched": 0, "stored": 0, "known": 0}
    connection = _connect(config)
    try:
        _check(
            connection.login(str(config["INTAKE_IMAP_USER"]), str(config.get("INTAKE_IMAP_PASSWORD") or "")),
            "LOGIN",
        )
        _check(connection.select(_folder(config)), "SELECT")
        uids = _check(connection.uid("SEARCH", "UNSEEN"), "SEARCH")[0].split()
        for uid in uids:
            raw, meta = _message(_check(connection.uid("FETCH", uid, "(INTERNALDATE BODY.PEEK[])"), "FETCH"))
            try:
                stored = store_message(raw, channel="imap", received_at=arrival(meta))
                new = stored.new
                db.session.commit()  # first the message is ours ...
            except Exception:
                db.session.rollback()
                raise
            _check(connection.uid("STORE", uid, "+FLAGS", "(\\Seen)"), "STORE")  # ... then it is seen
            counts["fetched"] += 1
            counts["stored" if new else "known"] += 1
        connection.close()
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            connection.logout()
    if counts["fetched"]:
        log.info("intake_fetched", channel="imap", **counts)
    return counts


def _folder(config: Mapping[str, Any]) -> str:
    folder = str(config.get("INTAKE_IMAP_FOLDER") or "INBOX")
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'
