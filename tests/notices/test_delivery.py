"""Notices issued for an incident arrive at a real SMTP server on loopback with their PDF; only the
server's acceptance records the controller_notice filings, which fulfil the contract obligations and
start the controller's own AP clock."""

from __future__ import annotations

import hashlib
import socket
from datetime import timedelta

from sqlalchemy import select

from incidents.breaches.models import Filing, TimelineEvent
from incidents.core.instants import utcnow
from incidents.extensions import db
from incidents.notices.models import Document, OutboxMessage
from incidents.notices.outbox import deliver_due
from incidents.notices.service import issue_notices

from ..support.mail import ACCEPT_REPLY
from .helpers import (
    BASE_URL,
    ENVELOPE_FROM,
    PROCESSOR,
    ack_link,
    html_part,
    iso,
    parse,
    pdf_attachments,
    text_part,
)


def deadlines(api, incident_id):
    response = api.get(f"/api/v1/incidents/{incident_id}/deadlines")
    assert response.status_code == 200
    return response.get_json()["deadlines"]


def one(rows, **match):
    found = [r for r in rows if all(r[k] == v for k, v in match.items())]
    assert len(found) == 1, (match, rows)
    return found[0]


def test_issued_notices_wait_in_the_outbox_until_delivered(world, inbox, api):
    messages = issue_notices(world.incident, all_=True, version="initial")
    db.session.commit()
    assert sorted(m.controller_id for m in messages) == sorted([world.a.id, world.b.id])
    assert all(m.status == "queued" and m.attempts == 0 for m in messages)
    assert inbox.received == []  # nothing sends by itself in the tests (no pump)
    assert db.session.scalars(select(Filing).where(Filing.kind == "controller_notice")).all() == []
    rows = deadlines(api, world.incident.id)
    for contract in (world.a_boz, world.a_doc, world.b_gdpr):
        assert one(rows, kind="controller_notice", contract_id=contract.id)["status"] == "running"
    ap_a = one(rows, kind="ap_notification", controller_id=world.a.id)
    assert ap_a["owner"] == "controller" and ap_a["status"] == "pending" and ap_a["starts_at"] is None


def test_delivery_arrives_with_pdf_and_records_proof(world, inbox, api):
    messages = issue_notices(world.incident, all_=True, version="initial")
    db.session.commit()
    by_controller = {m.controller_id: m.id for m in messages}

    before = utcnow()
    assert deliver_due() == {"sent": 2}
    after = utcnow()

    assert len(inbox.received) == 2
    received = {r.rcpt_tos[0]: r for r in inbox.received}
    assert set(received) == {"fg@eendracht.example", "dpo@riverside.example"}
    expected_subject = {
        world.a.id: f"Melding datalek {world.reference} (eerste melding) — {PROCESSOR}",
        world.b.id: f"Data breach notice {world.reference} (initial notice) — {PROCESSOR}",
    }
    expected_filename = {
        # per controller (downloads of one incident do not collide) and in the notice's one language
        world.a.id: f"{world.reference}-melding-eerste-Huisartsenpraktijk-De-Eendracht.pdf",
        world.b.id: f"{world.reference}-notice-initial-Riverside-Clinic-Ltd.pdf",
    }
    links = set()
    for controller in (world.a, world.b):
        db.session.expire_all()
        message = db.session.get(OutboxMessage, by_controller[controller.id])
        document = db.session.get(Document, message.document_id)
        envelope = received[controller.contact_email]
        assert envelope.rcpt_tos == [controller.contact_email]
        assert envelope.mail_from == ENVELOPE_FROM

        mime = parse(envelope.content)
        assert mime["To"] == controller.contact_email
        assert world.reference in mime["Subject"]
        assert mime["Subject"] == expected_subject[controller.id]
        link = ack_link(mime)
        assert link.startswith(f"{BASE_URL}/ack/")
        assert f"href='{link}'" in html_part(mime)
        assert world.reference in text_part(mime) and world.reference in html_part(mime)
        links.add(link)

        attachments = pdf_attachments(mime)
        assert len(attachments) == 1
        filename, pdf = attachments[0]
        assert filename == expected_filename[controller.id] == document.filename
        assert pdf.startswith(b"%PDF-")
        assert pdf == document.content
        assert hashlib.sha256(pdf).hexdigest() == document.sha256
        assert document.size == len(pdf)
        assert document.recipients == [controller.contact_email]

        # the outbox entry: sent, with the server's reply
        assert message.status == "sent" and message.attempts == 1
        assert message.smtp_reply.startswith("250")
        assert message.smtp_reply == f"250 {ACCEPT_REPLY}"
        assert message.last_error is None and message.next_attempt_at is None
        assert before <= message.sent_at <= after
    assert len(links) == 2

    # one controller_notice filing per affected contract, at the moment the server accepted the mail
    db.session.expire_all()
    filings = db.session.scalars(
        select(Filing).where(Filing.incident_id == world.incident.id, Filing.kind == "controller_notice")
    ).all()
    assert sorted(f.contract_id for f in filings) == sorted([world.a_boz.id, world.a_doc.id, world.b_gdpr.id])
    sent_a = db.session.get(OutboxMessage, by_controller[world.a.id])
    sent_b = db.session.get(OutboxMessage, by_controller[world.b.id])
    for filing in filings:
        message = sent_a if filing.controller_id == world.a.id else sent_b
        assert filing.at == message.sent_at
        assert filing.document_id == message.document_id is not None
        assert filing.channel == "email"
        assert filing.details["smtp_reply"] == f"250 {ACCEPT_REPLY}"
        assert filing.details["outbox_id"] == message.id

    # the contract obligations are met at the send time, and A's own 72 h AP clock starts then
    rows = deadlines(api, world.incident.id)
    for contract, message in ((world.a_boz, sent_a), (world.a_doc, sent_a), (world.b_gdpr, sent_b)):
        row = one(rows, kind="controller_notice", contract_id=contract.id)
        assert row["status"] == "met"
        assert row["met_at"] == iso(message.sent_at)
        assert row["filing_id"] in {f.id for f in filings if f.contract_id == contract.id}
    ap_a = one(rows, kind="ap_notification", controller_id=world.a.id)
    assert ap_a["owner"] == "controller" and ap_a["status"] == "running"
    assert ap_a["starts_at"] == iso(sent_a.sent_at)
    assert ap_a["due_at"] == iso(sent_a.sent_at + timedelta(hours=72))
    ap_b = one(rows, kind="ap_notification", controller_id=world.b.id)
    assert ap_b["starts_at"] == iso(sent_b.sent_at)
    # a consultation is not fulfilled by a notice
    assert one(rows, kind="controller_consultation", contract_id=world.a_boz.id)["status"] == "running"

    # the timeline shows each issued document with its hash, and each delivery with the reply
    events = db.session.scalars(select(TimelineEvent).where(TimelineEvent.incident_id == world.incident.id)).all()
    issued = {e.details["document_id"]: e.details["sha256"] for e in events if e.kind == "document_issued"}
    assert issued == {
        sent_a.document_id: db.session.get(Document, sent_a.document_id).sha256,
        sent_b.document_id: db.session.get(Document, sent_b.document_id).sha256,
    }
    assert sorted(e.details["outbox_id"] for e in events if e.kind == "mail_sent") == sorted([sent_a.id, sent_b.id])

    # nothing more is due: a second run sends nothing
    assert deliver_due() == {}
    assert len(inbox.received) == 2


def test_api_issue_and_outbox_status(world, inbox, api):
    response = api.post(f"/api/v1/incidents/{world.incident.id}/notices", json={"controller_ids": [world.b.id]})
    assert response.status_code == 202
    entries = response.get_json()["outbox"]
    assert len(entries) == 1 and entries[0]["controller_id"] == world.b.id and entries[0]["status"] == "queued"
    outbox_id, document_id = entries[0]["id"], entries[0]["document_id"]

    queued = api.get(f"/api/v1/outbox/{outbox_id}").get_json()
    assert queued["status"] == "queued" and queued["smtp_reply"] is None and queued["document_id"] == document_id

    assert deliver_due() == {"sent": 1}
    sent = api.get(f"/api/v1/outbox/{outbox_id}").get_json()
    assert sent["status"] == "sent"
    assert sent["smtp_reply"] == f"250 {ACCEPT_REPLY}"
    assert sent["recipients"] == ["dpo@riverside.example"]
    assert sent["sent_at"] is not None and sent["attempts"] == 1
    assert [r.rcpt_tos for r in inbox.received] == [["dpo@riverside.example"]]

    missing = api.get("/api/v1/outbox/999999")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"


def test_api_refuses_a_controller_that_is_not_affected(world, make_controller, api, all_counts):
    stranger = make_controller()
    before = all_counts()
    response = api.post(f"/api/v1/incidents/{world.incident.id}/notices", json={"controller_ids": [stranger.id]})
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "not_affected"
    assert all_counts() == before


def test_email_bodies_carry_user_text_intact_and_escaped(world, inbox):
    from .conftest import SPECIAL

    issue_notices(world.incident, controller_ids=[world.a.id])
    db.session.commit()
    assert deliver_due() == {"sent": 1}
    mime = parse(inbox.received[0].content)
    text, html = text_part(mime), html_part(mime)
    assert SPECIAL in text  # "<b>vet</b>" literally, ë ĳ € intact
    assert "Zeeuws-Vlaanderen: ë ĳ € &lt;b&gt;vet&lt;/b&gt; &amp; co" in html
    assert "<b>vet</b>" not in html
    assert "nog niet bekend, volgt" in text and "VOORLOPIG" in text
    assert "Geachte Mw. Ĳsselmeer," in text


def test_completeness_per_contract_in_the_api(world, api):
    body = api.get(f"/api/v1/incidents/{world.incident.id}").get_json()
    completeness = {c["contract_id"]: c for c in body["completeness"]}
    assert completeness[world.a_boz.id]["missing"] == ["consequences", "measures"]
    assert completeness[world.a_doc.id]["missing"] == ["consequences", "measures"]
    assert completeness[world.b_gdpr.id]["missing"] == [
        "data_subjects",
        "records",
        "consequences",
        "measures",
        "contact_point",
    ]
    assert not any(c["complete"] for c in completeness.values())


def test_openapi_documents_the_notice_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "post" in paths["/incidents/{incident_id}/notices"]
    assert "get" in paths["/outbox/{message_id}"]
    assert "get" in paths["/documents/{document_id}"]


def test_a_notice_by_phone_is_recorded_by_hand(world, api):
    response = api.post(
        f"/api/v1/incidents/{world.incident.id}/filings",
        json={
            "kind": "controller_notice",
            "contract_id": world.a_boz.id,
            "channel": "phone",
            "note": "FG telefonisch geïnformeerd",
        },
    )
    assert response.status_code == 201
    filing = response.get_json()
    assert filing["channel"] == "phone" and filing["note"] == "FG telefonisch geïnformeerd"
    rows = deadlines(api, world.incident.id)
    assert one(rows, kind="controller_notice", contract_id=world.a_boz.id)["status"] == "met"
    assert one(rows, kind="controller_notice", contract_id=world.a_doc.id)["status"] == "running"


def test_one_pass_sends_over_one_connection_and_replaces_one_the_server_closed(world, inbox, app):
    from incidents.notices.mailer import transport_for

    issue_notices(world.incident, all_=True)
    db.session.commit()
    assert deliver_due() == {"sent": 2}
    assert len(inbox.received) == 2 and len({r.connection for r in inbox.received}) == 1

    # a kept connection that the server has closed meanwhile is replaced, and the message goes once
    transport = transport_for(app)
    issue_notices(world.incident, controller_ids=[world.a.id], version="update", next_update="morgen")
    db.session.commit()
    assert deliver_due(transport) == {"sent": 1}
    kept = transport._smtp
    kept.sock.shutdown(socket.SHUT_RDWR)  # as when the server drops an idle connection
    issue_notices(world.incident, controller_ids=[world.a.id], version="update", next_update="overmorgen")
    db.session.commit()
    assert deliver_due(transport) == {"sent": 1}
    assert transport._smtp is not kept  # a new connection carried it
    transport.close()
    assert len(inbox.received) == 4
    assert inbox.received[2].connection != inbox.received[3].connection
