"""Intake by e-mail (issue 15, part 5): a message sent over real SMTP on loopback to the built-in receiver is stored
as it arrived, appears in the review queue, and accepting it logs a suspected incident whose clocks start at the
message's arrival; mail for any other address is refused. The IMAP fetch runs against a tiny real IMAP server on
loopback (tests/support/imap.py). Real commits: the receiver stores from its own thread."""

from __future__ import annotations

import hashlib
import smtplib
import threading
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP

import pytest
from sqlalchemy import func, select

from incidents.breaches import service as breaches
from incidents.breaches.models import Incident, Obligation, TimelineEvent
from incidents.core.instants import utcnow
from incidents.extensions import db
from incidents.intake import imap
from incidents.intake.models import InboundMessage, InboundReview
from incidents.intake.receiver import receiver

from ..support.forms import csrf_token, log_in
from ..support.imap import ImapServer, Mailbox
from ..support.net import free_port

pytestmark = pytest.mark.live_database

BREACH = "datalek@verwerker.example"
PASSWORD = "correct horse battery"


def message(
    subject="Mogelijk datalek: verkeerde ontvanger",
    body="Een e-mail met patiëntgegevens ging naar de verkeerde ontvanger.\nGraag jullie hulp.",
    to=BREACH,
    message_id=None,
    html=None,
    attachment=None,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Praktijk De Linde <fg@praktijk-delinde.example>"
    msg["To"] = to
    msg["Subject"] = subject
    unique = hashlib.sha256(repr((subject, body, html)).encode()).hexdigest()[:32]
    msg["Message-ID"] = message_id or f"<{unique}@linde.example>"
    if body is not None:
        msg.set_content(body)
    if html is not None:
        if body is None:
            msg.set_content(html, subtype="html")
        else:
            msg.add_alternative(html, subtype="html")
    if attachment is not None:
        msg.add_attachment(attachment[1], maintype="application", subtype="octet-stream", filename=attachment[0])
    return msg.as_bytes(policy=SMTP)  # CRLF line ends, as on the wire


@pytest.fixture
def smtp_port(app):
    server = receiver(app, "127.0.0.1", free_port())
    server.start()
    yield server.port
    server.stop()


def send(port: int, raw: bytes, to: str = BREACH, sender: str = "fg@praktijk-delinde.example") -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
        client.sendmail(sender, [to], raw)


def stored() -> list[InboundMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(InboundMessage).order_by(InboundMessage.id)))


@pytest.fixture
def staff(client, user):
    log_in(client, user.email, PASSWORD)
    return client


def test_a_message_to_the_breach_address_becomes_a_suspected_incident_whose_clocks_start_at_arrival(
    app, smtp_port, staff, make_contract
):
    raw = message()
    before = utcnow()
    send(smtp_port, raw)
    [inbound] = stored()
    # the stored bytes are the bytes sent (the DATA, dot-unstuffed; the receiver adds no header), and so is the hash
    assert inbound.raw == raw
    assert inbound.sha256 == hashlib.sha256(raw).hexdigest()
    assert inbound.size == len(raw)
    assert before <= inbound.received_at <= utcnow() and inbound.received_at.microsecond == 0
    assert inbound.channel == "smtp" and inbound.envelope_from == "fg@praktijk-delinde.example"
    assert inbound.envelope_to == [BREACH]
    assert inbound.subject == "Mogelijk datalek: verkeerde ontvanger"

    queue = staff.get("/intake/").get_data(as_text=True)
    assert f'data-message="{inbound.id}"' in queue and "Mogelijk datalek" in queue
    assert 'id="intake-link" href="/intake/" data-pending="1"' in staff.get("/").get_data(as_text=True)

    page = staff.get(f"/intake/{inbound.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and inbound.sha256 in html and "patiëntgegevens" in html
    assert 'value="Mogelijk datalek: verkeerde ontvanger"' in html  # the title, prefilled from the subject
    original = staff.get(f"/intake/{inbound.id}/original.eml")
    assert original.data == raw and original.headers["Content-Type"] == "message/rfc822"
    assert original.headers["Content-Disposition"].startswith("attachment;")

    answer = staff.post(
        f"/intake/{inbound.id}/accept",
        data={
            "csrf_token": csrf_token(staff, f"/intake/{inbound.id}"),
            "accept-title": "Verkeerde ontvanger (De Linde)",
        },
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)[:2000]
    db.session.expire_all()
    incident = db.session.scalars(select(Incident)).one()
    assert answer.headers["Location"].endswith(f"/incidents/{incident.id}")
    assert incident.status == "suspected" and incident.title == "Verkeerde ontvanger (De Linde)"
    assert incident.aware_at == inbound.received_at
    assert "patiëntgegevens" in incident.description
    review = db.session.scalars(select(InboundReview)).one()
    assert (review.decision, review.incident_id, review.reviewed_by_id) == ("accept", incident.id, inbound_user(app))
    event = db.session.scalars(select(TimelineEvent).where(TimelineEvent.kind == "mail_intake")).one()
    assert event.details["inbound_message_id"] == inbound.id and event.details["sha256"] == inbound.sha256

    shown = staff.get(f"/incidents/{incident.id}").get_data(as_text=True)
    assert inbound.sha256 in shown and f"/intake/{inbound.id}/original.eml" in shown
    assert 'data-pending="0"' in staff.get("/intake/").get_data(as_text=True)

    # the clocks: a contract whose clause runs from a suspicion (Citodent 6.2) starts at the message's arrival
    contract = make_contract("citodent")
    breaches.add_contracts(db.session.get(Incident, incident.id), [contract.id])
    db.session.commit()
    clocks = db.session.scalars(select(Obligation).where(Obligation.incident_id == incident.id)).all()
    started = [o for o in clocks if o.starts_at is not None]
    assert started and {o.starts_at for o in started} == {inbound.received_at}


def inbound_user(app) -> int:
    from incidents.auth.models import User

    return db.session.scalars(select(User.id).where(User.email == "handler@verwerker.example")).one()


def test_mail_for_another_address_is_refused_and_nothing_is_stored(app, smtp_port):
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        send(smtp_port, message(to="iemand@verwerker.example"), to="iemand@verwerker.example")
    assert refused.value.recipients["iemand@verwerker.example"][0] == 550
    assert stored() == []


def test_a_message_larger_than_the_limit_is_refused(app):
    app.config["INTAKE_MAX_BYTES"] = 2000
    server = receiver(app, "127.0.0.1", free_port())
    server.start()
    try:
        with pytest.raises((smtplib.SMTPSenderRefused, smtplib.SMTPDataError)) as refused:
            send(server.port, message(body="x" * 70 + ("\n" + "y" * 70) * 60))
        assert refused.value.smtp_code == 552
    finally:
        server.stop()
    assert stored() == []


def test_a_message_is_stored_once_by_its_bytes_and_by_its_message_id(app, smtp_port):
    raw = message()
    send(smtp_port, raw)
    send(smtp_port, raw)  # a sender that retried: answered 250, not stored again
    resent = message(body="Dezelfde melding, opnieuw verstuurd.", message_id=stored()[0].message_id)
    send(smtp_port, resent)
    assert len(stored()) == 1
    send(smtp_port, message(subject="Tweede melding"))
    assert len(stored()) == 2


def test_reject_needs_a_reason_and_then_takes_the_message_off_the_queue(app, smtp_port, staff):
    send(smtp_port, message(subject="Nieuwsbrief"))
    [inbound] = stored()
    url = f"/intake/{inbound.id}"
    refused = staff.post(f"{url}/reject", data={"csrf_token": csrf_token(staff, url), "reject-reason": "  "})
    assert refused.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(InboundReview)) == 0
    done = staff.post(f"{url}/reject", data={"csrf_token": csrf_token(staff, url), "reject-reason": "Reclame"})
    assert done.status_code == 302
    db.session.expire_all()
    review = db.session.scalars(select(InboundReview)).one()
    assert (review.decision, review.reason, review.incident_id) == ("reject", "Reclame", None)
    assert 'data-pending="0"' in staff.get("/intake/").get_data(as_text=True)
    again = staff.post(f"{url}/accept", data={"csrf_token": csrf_token(staff, url), "accept-title": "Toch"})
    assert again.status_code == 422  # reviewed already: no incident
    assert db.session.scalar(select(func.count()).select_from(Incident)) == 0


def test_two_accepts_at_once_make_one_incident_and_no_error(app, smtp_port, user):
    send(smtp_port, message())
    [inbound] = stored()
    url = f"/intake/{inbound.id}"
    clients = [app.test_client() for _ in range(2)]
    tokens = []
    for client in clients:
        log_in(client, user.email, PASSWORD)
        tokens.append(csrf_token(client, url))
    barrier, answers = threading.Barrier(2), []

    def post(client, token):
        with app.app_context():
            barrier.wait()
            answers.append(client.post(f"{url}/accept", data={"csrf_token": token, "accept-title": "Lek"}).status_code)

    threads = [threading.Thread(target=post, args=pair) for pair in zip(clients, tokens, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [302, 422]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Incident)) == 1
    assert db.session.scalar(select(func.count()).select_from(InboundReview)) == 1


def test_the_message_page_escapes_the_text_and_never_renders_html(app, smtp_port, staff):
    send(
        smtp_port,
        message(subject="Tekst", body="<script>alert(1)</script> & meer", attachment=("logboek.csv", b"a;b\n1;2\n")),
    )
    send(smtp_port, message(subject="Alleen HTML", body=None, html="<p><img src=x onerror=alert(2)>Lek</p>"))
    text, html_only = stored()
    page = staff.get(f"/intake/{text.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; meer" in page and "<script>alert" not in page
    assert "logboek.csv" in page and "/attachments/" not in page
    page = staff.get(f"/intake/{html_only.id}").get_data(as_text=True)
    assert 'id="message-html-only"' in page and "onerror" not in page


def test_controller_users_never_see_the_queue(app, smtp_port, client, make_controller):
    from ..support.people import make_person

    send(smtp_port, message())
    [inbound] = stored()
    person = make_person("fg@zorg.example", "controller", password=PASSWORD, controller=make_controller())
    log_in(client, person.user.email, PASSWORD)
    for url in ("/intake/", f"/intake/{inbound.id}", f"/intake/{inbound.id}/original.eml"):
        assert client.get(url).status_code == 403, url


# --- IMAP ---


@pytest.fixture
def mailbox(app):
    box = Mailbox()
    server = ImapServer(box).start()
    app.config.update(
        INTAKE_IMAP_HOST="127.0.0.1",
        INTAKE_IMAP_PORT=server.port,
        INTAKE_IMAP_SECURITY="none",
        INTAKE_IMAP_USER=box.user,
        INTAKE_IMAP_PASSWORD=box.password,
    )
    yield box
    server.stop()


def test_fetch_stores_the_unseen_messages_at_their_internaldate_then_marks_them_seen(app, mailbox, runner):
    arrived = datetime(2026, 12, 3, 23, 59, 58, tzinfo=UTC)
    first = mailbox.add(message(subject="Eerste"), arrived.astimezone(datetime.now().astimezone().tzinfo))
    mailbox.add(message(subject="Al gelezen"), arrived, seen=True)
    second = mailbox.add(message(subject="Tweede"), datetime(2026, 12, 4, 1, 2, 3, tzinfo=UTC))
    result = runner.invoke(args=["intake", "fetch"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "fetched=2 stored=2 known=0"
    one, two = stored()
    assert (one.subject, one.channel, one.received_at) == ("Eerste", "imap", arrived)
    assert one.raw == first.raw and one.sha256 == hashlib.sha256(first.raw).hexdigest()
    assert (two.subject, two.received_at) == ("Tweede", datetime(2026, 12, 4, 1, 2, 3, tzinfo=UTC))
    assert all(m.seen for m in mailbox.messages) and second.seen
    assert runner.invoke(args=["intake", "fetch"]).output.strip() == "fetched=0 stored=0 known=0"


def test_a_fetch_that_stops_before_marking_seen_stores_the_message_once(app, mailbox, runner):
    mailbox.add(message(), datetime(2026, 12, 4, 8, 0, tzinfo=UTC))
    mailbox.refuse_store = 1  # committed, then the server goes away before the message is marked seen
    failed = runner.invoke(args=["intake", "fetch"])
    assert failed.exit_code != 0 and "STORE" in failed.output
    assert len(stored()) == 1 and not mailbox.messages[0].seen
    again = runner.invoke(args=["intake", "fetch"])
    assert again.output.strip() == "fetched=1 stored=0 known=1"
    assert len(stored()) == 1 and mailbox.messages[0].seen


def test_the_worker_pass_fetches_the_mailbox(app, mailbox):
    from incidents.reminders.cli import one_pass

    mailbox.add(message(), datetime(2026, 12, 4, 8, 0, tzinfo=UTC))
    assert one_pass("test")["intake_stored"] == 1
    assert one_pass("test")["intake_stored"] == 0


def test_a_wrong_password_is_an_error_and_stores_nothing(app, mailbox, runner):
    app.config["INTAKE_IMAP_PASSWORD"] = "fout"
    mailbox.add(message(), datetime(2026, 12, 4, 8, 0, tzinfo=UTC))
    result = runner.invoke(args=["intake", "fetch"])
    assert result.exit_code != 0 and "IMAP" in result.output
    assert stored() == []


def test_fetch_without_a_mailbox_says_so(app, runner):
    result = runner.invoke(args=["intake", "fetch"])
    assert result.exit_code != 0 and "INTAKE_IMAP_HOST" in result.output


def test_internaldate_is_read_in_utc():
    line = b'1 (UID 7 INTERNALDATE " 4-Dec-2026 10:15:03 +0100" BODY[] {3}'
    assert imap.arrival(line) == datetime(2026, 12, 4, 9, 15, 3, tzinfo=UTC)
    assert imap.arrival(b'INTERNALDATE "29-Mar-2026 03:30:00 +0200"') == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
