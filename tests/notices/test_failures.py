"""A server that refuses or is down leaves the message in the outbox, retried with backoff, and no
filing recorded; after the last attempt it is 'failed' until a person retries it."""

from __future__ import annotations

import json
import re
import socket
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DBAPIError

from incidents.breaches.models import Filing, TimelineEvent
from incidents.core.instants import utcnow
from incidents.extensions import db
from incidents.notices.mailer import MailError, SMTPTransport
from incidents.notices.models import OutboxMessage
from incidents.notices.outbox import SENDER_STOPPED, claim, deliver, deliver_due, retry_now
from incidents.notices.service import issue_notices
from incidents.validation import email_address

from ..support.forms import csrf_from
from .helpers import parse

BACKOFF = [60, 300, 900]
EXPECTED_ERROR = {
    "refuse_data": "554 5.7.1 rejected by policy",
    "refuse_rcpt": "550 5.1.1 mailbox unavailable",
    "down": "ConnectionRefusedError",
}


def filings(kind: str = "controller_notice") -> list[Filing]:
    db.session.expire_all()
    return db.session.scalars(select(Filing).where(Filing.kind == kind)).all()


def notice_statuses(api, incident_id) -> dict[int, str]:
    rows = api.get(f"/api/v1/incidents/{incident_id}/deadlines").get_json()["deadlines"]
    return {r["contract_id"]: r["status"] for r in rows if r["kind"] == "controller_notice"}


def fresh(message_id: int) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id)


@pytest.fixture
def one_notice(app, world):
    app.config["OUTBOX_BACKOFF_SECONDS"] = BACKOFF
    app.config["OUTBOX_MAX_ATTEMPTS"] = 10
    [message] = issue_notices(world.incident, controller_ids=[world.a.id], version="initial")
    db.session.commit()
    return message.id


@pytest.mark.parametrize("server", ["refuse_data", "refuse_rcpt", "down"])
def test_failure_retries_with_backoff_then_fails_then_a_person_retries(server, world, mail, one_notice, api):
    mail.use(server)
    before = utcnow()
    assert deliver_due() == {"retrying": 1}
    after = utcnow()

    message = fresh(one_notice)
    assert message.status == "retrying"
    assert message.attempts == 1
    assert EXPECTED_ERROR[server] in message.last_error
    assert message.smtp_reply is None and message.sent_at is None
    assert before + timedelta(seconds=60) <= message.next_attempt_at <= after + timedelta(seconds=60)
    assert message.next_attempt_at > utcnow()
    if server != "down":
        assert mail.handlers[server].attempts == 1
    assert mail.inbox.received == []
    assert filings() == []
    assert notice_statuses(api, world.incident.id) == {
        world.a_boz.id: "running",
        world.a_doc.id: "running",
        world.b_gdpr.id: "running",
    }

    # before the backoff has passed nothing happens
    assert deliver_due() == {}
    assert deliver_due(now=message.next_attempt_at - timedelta(seconds=1)) == {}
    assert fresh(one_notice).attempts == 1
    if server != "down":
        assert mail.handlers[server].attempts == 1

    # after it, the message is tried again; the backoff grows, then stays at its last step
    for attempt in range(2, 11):
        due = fresh(one_notice).next_attempt_at
        tried_at = due + timedelta(seconds=1)
        result = deliver_due(now=tried_at)
        message = fresh(one_notice)
        assert message.attempts == attempt
        if attempt < 10:
            assert result == {"retrying": 1}
            step = timedelta(seconds=BACKOFF[min(attempt - 1, len(BACKOFF) - 1)])
            assert message.status == "retrying"
            # the next try is counted from the moment of this try
            assert message.next_attempt_at == tried_at + step
        else:
            assert result == {"failed": 1}
            assert message.status == "failed" and message.next_attempt_at is None
    if server != "down":
        assert mail.handlers[server].attempts == 10
    events = db.session.scalars(
        select(TimelineEvent).where(TimelineEvent.kind == "mail_failed").order_by(TimelineEvent.id)
    ).all()
    assert [e.details["attempt"] for e in events] == list(range(1, 11))
    assert events[-1].details["status"] == "failed"

    # a failed message is not retried by itself, however late
    assert deliver_due(now=utcnow() + timedelta(days=30)) == {}
    assert filings() == []
    assert set(notice_statuses(api, world.incident.id).values()) == {"running"}

    # the server works again; a person asks to retry: delivered exactly once
    mail.use("working")
    retry_now(fresh(one_notice))
    db.session.commit()
    assert deliver_due() == {"sent": 1}
    assert deliver_due() == {}
    assert deliver_due(now=utcnow() + timedelta(days=1)) == {}
    assert len(mail.inbox.received) == 1
    assert mail.inbox.received[0].rcpt_tos == ["fg@eendracht.example"]
    assert parse(mail.inbox.received[0].content)["To"] == "fg@eendracht.example"
    message = fresh(one_notice)
    assert message.status == "sent" and message.attempts == 11 and message.smtp_reply.startswith("250")
    assert message.last_error is None
    assert sorted(f.contract_id for f in filings()) == sorted([world.a_boz.id, world.a_doc.id])
    statuses = notice_statuses(api, world.incident.id)
    assert statuses[world.a_boz.id] == statuses[world.a_doc.id] == "met"
    assert statuses[world.b_gdpr.id] == "running"


def test_failure_is_visible_on_the_incident_page_and_dashboard(world, mail, one_notice, logged_in):
    mail.use("refuse_data")
    assert deliver_due() == {"retrying": 1}
    page = logged_in.get(f"/incidents/{world.incident.id}").get_data(as_text=True)
    assert f'data-outbox="{one_notice}" data-status="retrying"' in page
    assert "554 5.7.1 rejected by policy" in page
    dashboard = logged_in.get("/").get_data(as_text=True)
    row = re.search(r'data-reference="' + re.escape(world.reference) + r'".*?</tr>', dashboard, re.S)
    assert row and 'data-undelivered="1"' in row.group(0)

    # "Try again now" on the incident page, then the server accepts it
    mail.use("working")
    token = csrf_from(page)
    response = logged_in.post(f"/incidents/{world.incident.id}/outbox/{one_notice}/retry", data={"csrf_token": token})
    assert response.status_code == 302
    assert fresh(one_notice).status == "retrying" and fresh(one_notice).next_attempt_at <= utcnow()
    assert deliver_due() == {"sent": 1}
    assert len(mail.inbox.received) == 1


def test_a_message_is_claimed_only_once(world, mail, one_notice):
    now = utcnow()
    assert claim(one_notice, now) is True
    assert claim(one_notice, now) is False
    assert fresh(one_notice).status == "sending"
    # a second sender neither claims nor sends it
    assert deliver(one_notice) == "not_claimed"
    assert deliver_due() == {}
    assert mail.inbox.received == []
    assert filings() == []
    # a claim left behind by a crashed sender is taken over after ten minutes
    later = now + timedelta(minutes=11)
    assert deliver_due(now=later) == {"sent": 1}
    assert len(mail.inbox.received) == 1
    assert db.session.scalar(select(func.count()).select_from(Filing).where(Filing.kind == "controller_notice")) == 2


def test_an_overlong_server_reply_is_a_mail_error():
    """smtplib refuses a reply line over 8 KiB with SMTPResponseException(500, "Line too long."), a str where the
    server's replies are bytes: the transport reports it as any refusal, so the message is retried."""
    with socket.create_server(("127.0.0.1", 0)) as server:

        def greet() -> None:
            conn, _addr = server.accept()
            with conn:
                conn.sendall(b"220 " + b"x" * 9000 + b"\r\n")

        thread = threading.Thread(target=greet, daemon=True)
        thread.start()
        transport = SMTPTransport("127.0.0.1", server.getsockname()[1], timeout=5)
        with pytest.raises(MailError, match=r"^500 Line too long\.$"):
            transport.send("desk@example.org", ["dpo@example.org"], b"Subject: test\r\n\r\ntest\r\n")
        thread.join(5)


def test_a_421_to_quit_after_the_server_accepted_changes_nothing(world, inbox, api):
    """Security review F-4: the server answered 250 to DATA, then 421 to QUIT. The messages are accepted: sent once,
    their filings at that acceptance, nothing retried, not even after the stale-claim window."""
    inbox.quit_reply = "421 4.3.2 Service shutting down"
    messages = issue_notices(world.incident, all_=True, version="initial")
    db.session.commit()
    before = utcnow()
    assert deliver_due() == {"sent": 2}
    after = utcnow()
    assert inbox.quits == 1  # the pass ended its connection, and the server answered 421
    assert len(inbox.received) == 2
    sent_at = {}
    for message in messages:
        row = fresh(message.id)
        assert (row.status, row.attempts, row.last_error, row.next_attempt_at) == ("sent", 1, None, None)
        assert before <= row.sent_at <= after
        sent_at[row.controller_id] = row.sent_at
    assert sorted((f.contract_id, f.at) for f in filings()) == sorted(
        [
            (world.a_boz.id, sent_at[world.a.id]),
            (world.a_doc.id, sent_at[world.a.id]),
            (world.b_gdpr.id, sent_at[world.b.id]),
        ]
    )
    assert set(notice_statuses(api, world.incident.id).values()) == {"met"}

    assert deliver_due(now=utcnow() + timedelta(hours=1)) == {}
    assert len(inbox.tried) == 2  # no second copy
    assert len(filings()) == 3


def test_the_next_message_goes_on_a_new_connection_after_a_421_to_mail_from(world, inbox):
    """A server that takes one message per connection answers the next MAIL FROM with 421 (closing the channel):
    the message goes on a fresh connection in the same pass, not an hour later."""
    inbox.per_connection = 1
    issue_notices(world.incident, all_=True, version="initial")
    db.session.commit()
    assert deliver_due() == {"sent": 2}
    assert len(inbox.received) == 2 and len({r.connection for r in inbox.received}) == 2


def _unbuildable(world) -> None:
    """A row no code path writes (a recipient that is no text): it stands for any message that cannot be made."""
    db.session.execute(update(OutboxMessage).where(OutboxMessage.controller_id == world.a.id).values(recipients=[None]))


def _international_address(world) -> None:
    """An address the validator accepts, with a non-ASCII local part (RFC 6531): smtplib cannot write it in a plain
    SMTP command and raises UnicodeEncodeError, no SMTP error. Before, that stopped the pass for everyone."""
    world.a.contact_email = email_address("zoë@eendracht.example")  # the check every form and the API use


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (_unbuildable, "TypeError: "),
        (_international_address, "UnicodeEncodeError: 'ascii' codec can't encode"),
    ],
)
def test_a_message_that_always_fails_does_not_hold_up_the_others(
    fault, error, app, world, inbox, runner, logged_in, monkeypatch
):
    """Security review F-3: one message that fails with anything but a mail error (it cannot be built; smtplib
    cannot write its address) is recorded on that message, and the pass goes on: the other is sent in the same
    pass, the commands exit 0. After its attempts it is failed, shown as every failure, and not taken again."""
    monkeypatch.setitem(app.config, "OUTBOX_MAX_ATTEMPTS", 3)
    monkeypatch.setitem(app.config, "OUTBOX_BACKOFF_SECONDS", [60])
    if fault is _international_address:
        fault(world)
        db.session.commit()
    bad = issue_notices(world.incident, controller_ids=[world.a.id], version="initial")[0].id
    good = issue_notices(world.incident, controller_ids=[world.b.id], version="initial")[0].id
    if fault is _unbuildable:
        fault(world)
    db.session.commit()  # the bad one is first in the queue

    result = runner.invoke(args=["tick"])
    assert result.exit_code == 0, result.output
    assert "mail_sent=1 " in result.output
    assert [r.rcpt_tos for r in inbox.tried] == [["dpo@riverside.example"]]
    assert fresh(good).status == "sent"
    message = fresh(bad)
    assert (message.status, message.attempts) == ("retrying", 1)
    assert message.last_error.startswith(error) and message.claimed_at is None

    moment = message.next_attempt_at
    second = runner.invoke(args=["outbox", "deliver"])  # not due yet
    assert second.exit_code == 0 and second.output.strip() == "nothing due"
    assert deliver_due(now=moment) == {"retrying": 1}
    assert deliver_due(now=fresh(bad).next_attempt_at) == {"failed": 1}
    message = fresh(bad)
    assert (message.status, message.attempts, message.next_attempt_at) == ("failed", 3, None)
    assert message.last_error.startswith(error)
    assert deliver_due(now=utcnow() + timedelta(days=30)) == {}  # failed stays failed: never taken again
    events = db.session.scalars(
        select(TimelineEvent).where(TimelineEvent.kind == "mail_failed").order_by(TimelineEvent.id)
    ).all()
    assert [(e.details["outbox_id"], e.details["attempt"], e.details["status"]) for e in events] == [
        (bad, 1, "retrying"),
        (bad, 2, "retrying"),
        (bad, 3, "failed"),
    ]
    assert all(e.details["error"].startswith(error) for e in events)
    page = logged_in.get(f"/incidents/{world.incident.id}").get_data(as_text=True)
    problems = re.search(r'id="mail-problems".*?</div>', page, re.S).group(0)
    assert re.findall(r'data-outbox="(\d+)" data-status="(\w+)"', problems) == [(str(bad), "failed")]
    assert error.split(":")[0] in problems
    assert len(inbox.received) == 1


def test_a_message_whose_sender_stops_at_every_attempt_ends_failed(app, world, inbox, one_notice, monkeypatch):
    """A sender killed during an attempt (out of memory rendering a PDF, say) leaves the message claimed; after
    STALE_CLAIM another takes it over, counting the attempt. With no attempts left it is failed, not taken over every
    ten minutes for ever."""
    monkeypatch.setitem(app.config, "OUTBOX_MAX_ATTEMPTS", 2)
    moment = utcnow()
    assert claim(one_notice, moment)  # attempt 1; its sender stops here
    assert fresh(one_notice).attempts == 1
    assert deliver_due(now=moment + timedelta(minutes=9)) == {}  # still within STALE_CLAIM
    moment += timedelta(minutes=11)
    assert claim(one_notice, moment)  # taken over: attempt 2; its sender stops too
    assert fresh(one_notice).attempts == 2
    moment += timedelta(minutes=11)
    assert deliver_due(now=moment) == {"failed": 1}
    message = fresh(one_notice)
    assert (message.status, message.attempts, message.claimed_at, message.next_attempt_at) == ("failed", 2, None, None)
    assert message.last_error == SENDER_STOPPED
    [event] = db.session.scalars(select(TimelineEvent).where(TimelineEvent.kind == "mail_failed")).all()
    assert (event.details["attempt"], event.details["status"]) == (2, "failed")
    assert deliver_due(now=moment + timedelta(days=1)) == {}
    assert inbox.received == []

    retry_now(message)  # a person retries: it goes
    db.session.commit()
    assert deliver_due() == {"sent": 1}
    assert fresh(one_notice).attempts == 3 and len(inbox.received) == 1


def test_the_transport_ignores_how_the_server_answers_quit(mail, inbox):
    """At the transport: once send() returned the server's 250, close() never raises, whatever QUIT gets."""
    inbox.quit_reply = "421 4.3.2 Service shutting down"
    transport = SMTPTransport("127.0.0.1", mail.port("working"), timeout=5)
    reply = transport.send("desk@example.org", ["dpo@example.org"], b"Subject: test\r\n\r\ntest\r\n")
    assert reply.startswith("250 ")
    transport.close()
    assert inbox.quits == 1 and len(inbox.received) == 1


def test_a_reply_with_control_characters_is_stored_on_one_line(world, inbox):
    """A server's reply is untrusted text: a NUL byte in it (which PostgreSQL refuses in a text column) or a line
    break must not turn an accepted message into an error."""
    issue_notices(world.incident, controller_ids=[world.b.id], version="initial")
    db.session.commit()
    inbox.data_replies.append("250 2.0.0 Ok\x00: queued\x1b[0m as NUL")
    assert deliver_due() == {"sent": 1}
    [filing] = filings()
    message = db.session.get(OutboxMessage, filing.details["outbox_id"])
    assert message.smtp_reply == "250 2.0.0 Ok: queued[0m as NUL" == filing.details["smtp_reply"]
    assert filing.note == "SMTP: 250 2.0.0 Ok: queued[0m as NUL"


def refuse_new_filings() -> None:
    """The database refuses every new filing from now on (a trigger: the database fails, nothing is mocked). The
    test's database is thrown away afterwards (SQLite: a copy; PostgreSQL: an outer transaction)."""
    if db.engine.dialect.name == "sqlite":
        statements = [
            "CREATE TRIGGER test_refuse_filings BEFORE INSERT ON filings "
            "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
        ]
    else:
        statements = [
            "CREATE FUNCTION test_refuse_filings() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$",
            "CREATE TRIGGER test_refuse_filings BEFORE INSERT ON filings "
            "FOR EACH ROW EXECUTE FUNCTION test_refuse_filings()",
        ]
    try:
        for statement in statements:
            db.session.execute(text(statement))
        db.session.commit()
    except DBAPIError:  # a test role that may not add triggers (a restricted production-like role)
        db.session.rollback()
        pytest.skip("the test's database role may not create a trigger")


def test_a_message_accepted_whose_filing_cannot_be_recorded_is_not_sent_again(world, inbox, api, capsys):
    """The server said 250; then recording the filing fails (the database refuses it). The message is still sent
    (never handed over again); the log names it, without its content, for the filing to be recorded by hand."""
    from incidents.logs import configure_logging

    configure_logging("json", "INFO")
    [message] = issue_notices(world.incident, controller_ids=[world.b.id], version="initial")
    db.session.commit()
    refuse_new_filings()
    before = utcnow()
    assert deliver_due() == {"sent": 1}
    row = fresh(message.id)
    assert (row.status, row.attempts, row.last_error) == ("sent", 1, None)
    assert row.smtp_reply.startswith("250 ") and before <= row.sent_at <= utcnow()
    assert filings() == []
    assert deliver_due(now=utcnow() + timedelta(hours=1)) == {}
    assert len(inbox.tried) == 1
    logged = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    unrecorded = [(e["outbox_id"], e["error_type"]) for e in logged if e["event"] == "mail_sent_unrecorded"]
    assert unrecorded == [(message.id, "IntegrityError" if db.engine.dialect.name == "sqlite" else "ProgrammingError")]
    assert "riverside" not in json.dumps(logged)
