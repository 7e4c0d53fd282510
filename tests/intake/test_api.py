"""The intake's REST API (docs/API.md, "Intake by e-mail"): list, read, download, accept and reject the messages
sent to the breach address; processor staff only."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from incidents.breaches.models import Incident
from incidents.core.instants import utcnow
from incidents.extensions import db
from incidents.intake import service

from ..support.intake import inbound_message


def _stored(subject="Mogelijk datalek"):
    raw = inbound_message(subject=subject)
    message = service.store_message(raw, channel="imap", received_at=utcnow()).message
    db.session.commit()
    return message.id, raw


def test_list_read_download_and_accept(api):
    mid, raw = _stored()
    listed = api.get("/api/v1/inbound-messages")
    assert listed.status_code == 200
    body = listed.get_json()
    assert body["total"] == 1 and body["inbound_messages"][0]["id"] == mid
    assert body["inbound_messages"][0]["sha256"] == hashlib.sha256(raw).hexdigest()
    one = api.get(f"/api/v1/inbound-messages/{mid}").get_json()
    assert one["text"] == "Een melding per e-mail." and one["review"] is None
    original = api.get(f"/api/v1/inbound-messages/{mid}/original")
    assert original.data == raw and original.headers["X-Content-SHA256"] == one["sha256"]

    accepted = api.post(f"/api/v1/inbound-messages/{mid}/accept", json={})
    assert accepted.status_code == 201, accepted.get_json()
    incident = accepted.get_json()
    assert incident["title"] == "Mogelijk datalek" and incident["status"] == "suspected"
    assert incident["aware_at"] == one["received_at"]
    assert db.session.get(Incident, incident["id"]) is not None
    again = api.post(f"/api/v1/inbound-messages/{mid}/accept", json={"title": "Nog eens"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_reviewed"
    assert len(db.session.scalars(select(Incident)).all()) == 1
    assert api.get("/api/v1/inbound-messages").get_json()["total"] == 0
    reviewed = api.get("/api/v1/inbound-messages", query_string={"status": "reviewed"}).get_json()
    assert reviewed["inbound_messages"][0]["review"]["incident_id"] == incident["id"]


def test_reject_needs_a_reason(api):
    mid, _ = _stored()
    refused = api.post(f"/api/v1/inbound-messages/{mid}/reject", json={"reason": " "})
    assert refused.status_code == 422 and refused.get_json()["error"]["field"] == "reason"
    assert api.post(f"/api/v1/inbound-messages/{mid}/reject", json={"grund": "x"}).status_code == 422
    done = api.post(f"/api/v1/inbound-messages/{mid}/reject", json={"reason": "Spam"})
    assert done.status_code == 200 and done.get_json()["review"]["decision"] == "reject"


def test_unknown_message_and_bad_status(api):
    assert api.get("/api/v1/inbound-messages/999").status_code == 404
    assert api.get("/api/v1/inbound-messages", query_string={"status": "open"}).status_code == 422


def test_a_controller_users_token_is_refused(app, client, make_controller):
    from incidents.auth.service import create_token, create_user

    user = create_user("fg@zorg.example", "controller", "correct horse battery", controller_id=make_controller().id)
    db.session.commit()
    _, secret = create_token(user.email, "tests")
    db.session.commit()
    answer = client.get("/api/v1/inbound-messages", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 403
