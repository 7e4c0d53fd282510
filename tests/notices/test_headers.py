"""Mail headers are safe whatever a name holds, and a message keeps its Message-ID from attempt to attempt.

Names are stored as typed: a quoted multi-line cell of a CSV import gives a controller a line break. A row holding
one is made here by setting the name directly, as such a row would hold it (the forms and the API may check names
on their way in; the mail must cope with what is stored). Before, the reminder subject's line break raised
ValueError outside the mail error handling: the pass stopped, and the mail behind it waited (security review F-3)."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from sqlalchemy import select

from incidents.breaches import service as breaches
from incidents.core.instants import utcnow
from incidents.extensions import db
from incidents.notices.mailer import transport_for
from incidents.notices.mime import email_bytes
from incidents.notices.models import OutboxMessage
from incidents.notices.outbox import claim, deliver_due
from incidents.notices.service import issue_notices

from .helpers import PROCESSOR, parse, pdf_attachments, text_part

HEADER_LINE = re.compile(rb"^(?:[!-9;-~]+:[ \t]|[ \t]+\S)")  # a header's first line, or a folded continuation
TOP_LEVEL_HEADERS = {"Subject", "From", "To", "Date", "Message-ID", "MIME-Version", "Content-Type"}


def spaced(text: str) -> str:
    return " ".join(text.split())


def header_lines(content: bytes) -> list[bytes]:
    head = content.split(b"\r\n\r\n", 1)[0]
    return head.split(b"\r\n")


def assert_well_formed(content: bytes) -> None:
    """Every line of the header block starts a header or continues one (no line a name could have added), every
    line ends in CRLF (no bare CR or LF), and the headers are the ones we write."""
    head = content.split(b"\r\n\r\n", 1)[0]
    assert b"\n" not in head.replace(b"\r\n", b"") and b"\r" not in head.replace(b"\r\n", b"")
    lines = header_lines(content)
    assert all(HEADER_LINE.match(line) for line in lines), lines
    assert all(len(line) <= 998 for line in lines)
    names = {line.split(b":", 1)[0].decode() for line in lines if not line[:1].isspace()}
    assert names == TOP_LEVEL_HEADERS


def test_a_notice_for_a_controller_with_a_line_break_in_its_name_goes_out_with_safe_headers(
    app, world, inbox, monkeypatch
):
    world.a.name = "Huisartsenpraktijk\r\nDe Eëndracht\x07"
    db.session.commit()
    # the processor's name (a setting) is in every notice's subject: a line break there is folded too
    monkeypatch.setitem(app.config, "PROCESSOR_NAME", f"{PROCESSOR}\r\nBcc: spy@evil.example")
    issue_notices(world.incident, controller_ids=[world.a.id], version="initial")
    db.session.commit()

    assert deliver_due() == {"sent": 1}
    [received] = inbox.received
    assert received.rcpt_tos == ["fg@eendracht.example"]  # nobody was added
    assert_well_formed(received.content)
    mime = parse(received.content)
    assert mime["Subject"] == f"Melding datalek {world.reference} (eerste melding) — {PROCESSOR} Bcc: spy@evil.example"
    assert mime["To"] == "fg@eendracht.example" and mime["Bcc"] is None
    [(filename, _pdf)] = pdf_attachments(mime)
    assert filename == f"{world.reference}-melding-eerste-Huisartsenpraktijk-De-Eendracht.pdf"
    assert "Huisartsenpraktijk" in text_part(mime) and "De Eëndracht" in text_part(mime)


def test_reminders_for_controllers_with_a_line_break_or_a_very_long_name_are_delivered(
    app, runner, user, make_controller, make_contract, inbox
):
    """The exact case of F-3: a reminder whose subject holds a line break, with another controller's reminders
    behind it. The tick exits 0 and every reminder is delivered, in one pass."""
    broken = make_controller(name="Kliniek Noord")
    long_name = make_controller(name="Lang")
    plain = make_controller(name="Kliniek Zuid")
    contracts = [make_contract("boz-72h", c) for c in (broken, long_name, plain)]
    broken.name = "Kliniek\r\nNoord\x07"
    long_name.name = ("Ĳsselzorg" * 30)[:200]  # one word of 200 characters, none of them ASCII-only
    db.session.commit()
    aware = utcnow() - timedelta(hours=40)
    incident = breaches.create_incident(
        title="Rondslingerende USB-stick",
        aware_at=aware,
        status="confirmed",
        contract_ids=[c.id for c in contracts],
        actor=user,
        now=aware,
    )
    db.session.commit()

    result = runner.invoke(args=["tick"])
    assert result.exit_code == 0, result.output
    assert "reminders=9 " in result.output and "mail_sent=9 " in result.output
    assert set(db.session.scalars(select(OutboxMessage.status))) == {"sent"}
    assert len(inbox.received) == 9
    subjects = []
    for received in inbox.received:
        assert received.rcpt_tos == [user.email]
        assert_well_formed(received.content)
        subjects.append(parse(received.content)["Subject"])
    # each subject as stored, the line break folded to a space and the bell gone; the long name whole (or cut
    # where the reminder cuts its subject), its non-ASCII intact. (Spaces compared as one: Python's folder leaves
    # the space before a fold, so the unfolded long subject has two after "voor".)
    stored = db.session.scalars(select(OutboxMessage.subject)).all()
    assert sorted(spaced(s) for s in subjects) == sorted(
        spaced(s.replace("\r\n", " ").replace("\x07", "")) for s in stored
    )
    assert sum(f"{incident.reference}: " in s and " voor Kliniek Noord uiterlijk " in s for s in subjects) == 3
    assert sum(" voor Kliniek Zuid uiterlijk " in s for s in subjects) == 3
    assert sum(f" voor {long_name.name[:150]}" in spaced(s) for s in subjects) == 3


def test_the_message_id_is_derived_from_the_outbox_row_and_the_same_on_every_attempt(app, world, inbox, monkeypatch):
    """A 451 to the first DATA, then acceptance: both copies the server saw carry the same Message-ID,
    `<outbox-{first 32 hex of SHA-256(key, nonce)}@{MAIL_FROM's domain}>`, so a copy sent again is recognisably
    the same message. Another message has another."""
    monkeypatch.setitem(app.config, "OUTBOX_BACKOFF_SECONDS", [60])
    messages = issue_notices(world.incident, all_=True, version="initial")
    db.session.commit()
    inbox.data_replies.append("451 4.3.0 Try again later")
    assert deliver_due() == {"retrying": 1, "sent": 1}
    assert deliver_due(now=utcnow() + timedelta(minutes=2)) == {"sent": 1}
    assert len(inbox.tried) == 3 and len(inbox.received) == 2

    by_recipient: dict[str, set[str]] = {}
    for tried in inbox.tried:
        by_recipient.setdefault(tried.rcpt_tos[0], set()).add(parse(tried.content)["Message-ID"])
    db.session.expire_all()
    for message in messages:
        row = db.session.get(OutboxMessage, message.id)
        assert row.status == "sent"
        digest = hashlib.sha256(f"{row.dedupe_key}\n{row.ack_nonce}".encode()).hexdigest()[:32]
        assert by_recipient[row.recipients[0]] == {f"<outbox-{digest}@verwerker.example>"}
    refused_first = parse(inbox.tried[0].content)["Message-ID"]
    assert [parse(r.content)["Message-ID"] for r in inbox.tried].count(refused_first) == 2


def test_the_message_id_domain_falls_back_to_the_base_url(app, world, inbox, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_FROM", "datalekdesk")  # no domain to take
    monkeypatch.setitem(app.config, "BASE_URL", "https://Desk.Verwerker.example:8443/")
    issue_notices(world.incident, controller_ids=[world.b.id], version="initial")
    db.session.commit()
    assert deliver_due() == {"sent": 1}
    assert parse(inbox.received[0].content)["Message-ID"].endswith("@desk.verwerker.example>")


def test_a_copy_sent_again_after_its_sender_stopped_carries_the_same_message_id(app, world, inbox):
    """The at-least-once limit that remains (outbox.py): a sender that stops after the server's 250 and before its
    commit leaves the message claimed; after STALE_CLAIM it is sent again. The copy is recognisably the same
    message: same Message-ID."""
    [message] = issue_notices(world.incident, controller_ids=[world.b.id], version="initial")
    db.session.commit()
    moment = utcnow()
    assert claim(message.id, moment)
    # what deliver() does up to the server's 250; then the sender is killed (nothing recorded)
    transport = transport_for(app)
    transport.send(app.config["MAIL_FROM"], list(message.recipients), email_bytes(message))
    transport.close()
    db.session.rollback()
    assert deliver_due(now=moment + timedelta(minutes=5)) == {}  # within STALE_CLAIM nobody takes it
    assert deliver_due(now=moment + timedelta(minutes=11)) == {"sent": 1}
    first, second = (parse(r.content) for r in inbox.received)
    assert first["Message-ID"] == second["Message-ID"]
    assert first["Date"] is not None and second["Subject"] == first["Subject"]
