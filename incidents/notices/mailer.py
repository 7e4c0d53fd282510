"""Mail transports. SMTP for real use; a folder of .eml files for development (no server needed).

A transport returns the server's reply on acceptance and raises MailError otherwise. The SMTP transport keeps its
connection for a worker's pass and ends it (QUIT) in `close()`, which never raises: once the server answered 250 to
DATA the message is accepted, and how the server answers QUIT (221, 421, a dropped connection) changes nothing."""

from __future__ import annotations

import smtplib
import ssl
import time
from pathlib import Path

from flask import Flask

from ..core.one_line import one_line


class MailError(Exception):
    pass


def _text(reply: bytes | str) -> str:
    """A server's reply (or an error) as stored text: one line (a multi-line reply's lines joined by spaces), no
    control characters (PostgreSQL refuses a NUL byte in a text column)."""
    return one_line(reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply))


class SMTPTransport:
    def __init__(
        self,
        host: str,
        port: int,
        username: str = "",
        password: str = "",
        use_tls: bool = False,
        use_ssl: bool = False,
        timeout: float = 20.0,
    ):
        self.host, self.port, self.username, self.password = host, port, username, password
        self.use_tls, self.use_ssl, self.timeout = use_tls, use_ssl, timeout
        self._smtp: smtplib.SMTP | None = None

    def describe(self) -> str:
        return f"SMTP {self.host}:{self.port}" + (" (STARTTLS)" if self.use_tls else "")

    def _connect(self) -> smtplib.SMTP:
        cls = smtplib.SMTP_SSL if self.use_ssl else smtplib.SMTP
        smtp = cls(self.host, self.port, timeout=self.timeout)
        smtp.ehlo()
        if self.use_tls:
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        if self.username:
            smtp.login(self.username, self.password)
        return smtp

    def close(self) -> None:
        """End the kept connection (QUIT), if there is one."""
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()  # smtplib does not raise for a reply other than 221; a disconnect it may
            except Exception:  # whatever QUIT does, the messages before it were accepted
                smtp.close()

    def send(self, sender: str, recipients: list[str], message: bytes) -> str:
        """Send one message over the kept connection (opened on first use, so a worker's pass sends its messages
        over one connection). A kept connection the server has closed in the meantime is replaced once, only when
        it fails before the message's DATA: a message is never handed over twice."""
        for attempt in (1, 2):
            reused = self._smtp is not None
            stage = "connect"
            try:
                if self._smtp is None:
                    self._smtp = self._connect()
                smtp = self._smtp
                stage = "envelope"
                code, reply = smtp.mail(sender)
                if code == 421 and reused and attempt == 1:
                    self.close()  # the server is closing the kept connection ("service not available"): afresh
                    continue
                if code != 250:
                    raise self._refused(f"MAIL FROM refused: {code} {_text(reply)}")
                for recipient in recipients:
                    code, reply = smtp.rcpt(recipient)
                    if code not in (250, 251):
                        raise self._refused(f"RCPT TO refused: {code} {_text(reply)}")
                stage = "data"
                code, reply = smtp.data(message)
                if code != 250:
                    raise self._refused(f"DATA refused: {code} {_text(reply)}")
                return f"{code} {_text(reply)}"
            except MailError:
                raise
            except smtplib.SMTPServerDisconnected as exc:
                self.close()
                if reused and attempt == 1 and stage != "data":
                    continue  # the server closed the kept connection while we were idle: once more, fresh
                raise MailError(_text(f"{type(exc).__name__}: {exc}")) from None
            except smtplib.SMTPResponseException as exc:
                # Mostly the server's reply (bytes), but smtplib's own "Line too long." is a str.
                self.close()
                raise MailError(f"{exc.smtp_code} {_text(exc.smtp_error)}") from None
            except Exception as exc:
                # smtplib's other errors, OSError, and its ValueError for a line break in an address: this message
                # fails, and the connection (perhaps mid-transaction) is started afresh for the next.
                self.close()
                raise MailError(_text(f"{type(exc).__name__}: {exc}")) from None
        raise MailError("the mail server closed the connection twice")  # pragma: no cover (the loop returns)

    def _refused(self, text: str) -> MailError:
        """The server refused this message: reset the transaction so the connection can carry the next one."""
        try:
            if self._smtp is not None:
                self._smtp.rset()
        except (smtplib.SMTPException, OSError):
            self.close()
        return MailError(text)


class FolderTransport:
    """Writes each message as an .eml file: the development 'mail server'."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def describe(self) -> str:
        return f"folder {self.folder}"

    def close(self) -> None:
        pass

    def send(self, sender: str, recipients: list[str], message: bytes) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{time.strftime('%Y%m%dT%H%M%S')}-{time.perf_counter_ns()}.eml"
        path.write_bytes(message)
        return f"250 written to {path}"


def transport_for(app: Flask):
    if app.config.get("MAIL_SERVER"):
        return SMTPTransport(
            app.config["MAIL_SERVER"],
            int(app.config.get("MAIL_PORT") or 25),
            app.config.get("MAIL_USERNAME") or "",
            app.config.get("MAIL_PASSWORD") or "",
            bool(app.config.get("MAIL_USE_TLS")),
            bool(app.config.get("MAIL_USE_SSL")),
        )
    return FolderTransport(Path(app.config.get("MAIL_FOLDER") or Path(app.instance_path) / "mail"))
