"""`Idempotency-Key` on every POST of the API (docs/API.md, "Safe retries and bad input"): the same key with the same
request within 24 hours answers the first response again and does nothing; with another request 409; concurrent
requests with one key act once; keys belong to their user and expire."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from incidents.auth.service import create_token
from incidents.breaches.models import Filing, Incident
from incidents.core.instants import utcnow
from incidents.extensions import db
from incidents.idempotency.models import IdempotencyKey
from incidents.idempotency.service import claim, keep, purge_expired, request_hash
from incidents.notices.models import OutboxMessage

from ..support.live import at_once, send_json
from ..support.people import make_user
from .conftest import JSON_BODY
from .openapi_check import check_response, document

KEY = "5f0c8a52-6a4e-4a8e-9a55-0d6f3b2f1c11"
INCIDENT = {"title": "Phishing op het beheeraccount", "aware_at": "2026-03-27T14:00:00+01:00", "status": "confirmed"}
INCIDENTS = "/api/v1/incidents"


def post(client, token: str, path: str, data=None, key: str | None = KEY, raw: str | None = None):
    headers = {"Authorization": f"Bearer {token}"}
    if key is not None:
        headers["Idempotency-Key"] = key
    body = raw if raw is not None else json.dumps(data)
    return client.post(path, data=body, content_type="application/json", headers=headers)


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_same_key_and_request_answers_the_first_response_again_and_does_nothing(client, token):
    first = post(client, token, INCIDENTS, INCIDENT)
    assert first.status_code == 201, first.get_json()
    assert "Idempotent-Replayed" not in first.headers

    # The same object with its keys in another order and other white space is the same request.
    same = json.dumps(dict(reversed(INCIDENT.items())), indent=2)
    again = post(client, token, INCIDENTS, raw=same)
    assert again.status_code == 201
    assert again.get_data() == first.get_data()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.content_type == "application/json"
    check_response("/incidents", "post", 201, again.get_json())
    assert count(Incident) == 1 and count(IdempotencyKey) == 1

    # Without a key every request acts (nothing changes for clients that send none).
    assert post(client, token, INCIDENTS, INCIDENT, key=None).status_code == 201
    assert count(Incident) == 2


def test_the_same_key_with_another_request_is_refused(client, token, refused):
    assert post(client, token, INCIDENTS, INCIDENT).status_code == 201
    other_title = {**INCIDENT, "title": "Gestolen laptop"}
    refused(
        lambda: post(client, token, INCIDENTS, other_title),
        409,
        "idempotency_key_reused",
        "Idempotency-Key",
        op=("/incidents", "post"),
    )
    controller = {"name": "Zorginstelling Noord", "contact_email": "fg@noord.example"}
    refused(
        lambda: post(client, token, "/api/v1/controllers", controller),
        409,
        "idempotency_key_reused",
        "Idempotency-Key",
        op=("/controllers", "post"),
    )
    # and the key still answers its own request
    assert post(client, token, INCIDENTS, INCIDENT).headers["Idempotent-Replayed"] == "true"


def test_keys_belong_to_their_user(client, token, app):
    other = make_user("tweede@verwerker.example", "handler", password="correct horse battery")
    _, other_token = create_token(other.email, "tests")
    db.session.commit()

    mine = post(client, token, INCIDENTS, INCIDENT)
    theirs = post(client, other_token, INCIDENTS, INCIDENT)
    assert mine.status_code == theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs.headers
    assert mine.get_json()["id"] != theirs.get_json()["id"]
    assert count(Incident) == 2


def test_a_refused_request_keeps_nothing_and_may_be_sent_again_with_its_key(client, token, refused):
    future = {**INCIDENT, "aware_at": "2999-01-01T00:00:00Z"}
    refused(lambda: post(client, token, INCIDENTS, future), 422, "in_future", "aware_at", op=("/incidents", "post"))
    assert count(IdempotencyKey) == 0
    ok = post(client, token, INCIDENTS, INCIDENT)
    assert ok.status_code == 201 and "Idempotent-Replayed" not in ok.headers


@pytest.mark.parametrize("key", ["", "x" * 256, "sleutel met spaties", "caf\u00e9"])
def test_a_malformed_key_is_refused(client, token, refused, key):
    refused(
        lambda: post(client, token, INCIDENTS, INCIDENT, key=key),
        422,
        "invalid_idempotency_key",
        "Idempotency-Key",
        op=("/incidents", "post"),
    )


def test_a_key_of_255_characters_is_taken(client, token):
    assert post(client, token, INCIDENTS, INCIDENT, key="k" * 255).status_code == 201


def test_notices_and_filings_are_not_issued_or_recorded_twice(client, token, make_contract):
    contract = make_contract("boz-72h")
    created = post(client, token, INCIDENTS, {**INCIDENT, "contract_ids": [contract.id]}, key="maak")
    iid = created.get_json()["id"]

    notices = [
        post(client, token, f"{INCIDENTS}/{iid}/notices", {"all": True, "version": "update"}, key="n") for _ in range(2)
    ]
    assert [r.status_code for r in notices] == [202, 202]
    assert notices[0].get_data() == notices[1].get_data()
    assert count(OutboxMessage) == 1

    filing = {"kind": "controller_notice", "contract_id": contract.id, "channel": "phone"}
    filings = [post(client, token, f"{INCIDENTS}/{iid}/filings", filing, key="f") for _ in range(2)]
    assert [r.status_code for r in filings] == [201, 201]
    assert filings[0].get_json() == filings[1].get_json()
    assert filings[1].headers["Idempotent-Replayed"] == "true"
    assert count(Filing) == 1


def test_keys_expire_after_24_hours(client, token, runner):
    assert post(client, token, INCIDENTS, INCIDENT, key="oud").status_code == 201
    assert post(client, token, INCIDENTS, INCIDENT, key="nieuw").status_code == 201
    # The key "oud" was used 25 hours ago.
    db.session.execute(
        update(IdempotencyKey.__table__)
        .where(IdempotencyKey.key == "oud")
        .values(created_at=utcnow() - timedelta(hours=25))
    )
    db.session.commit()

    # An expired key is free again: another request with it acts.
    other = post(client, token, INCIDENTS, {**INCIDENT, "title": "Gestolen laptop"}, key="oud")
    assert other.status_code == 201 and "Idempotent-Replayed" not in other.headers
    assert count(Incident) == 3
    assert sorted(db.session.scalars(select(IdempotencyKey.key))) == ["nieuw", "oud"]

    # The worker's pass (and `flask tick`) deletes what expired, per batch.
    db.session.execute(update(IdempotencyKey.__table__).values(created_at=utcnow() - timedelta(hours=24, seconds=1)))
    db.session.commit()
    assert purge_expired(utcnow(), batch=1) == 2
    assert count(IdempotencyKey) == 0
    assert post(client, token, INCIDENTS, INCIDENT, key="nog-een").status_code == 201
    db.session.execute(update(IdempotencyKey.__table__).values(created_at=utcnow() - timedelta(hours=25)))
    db.session.commit()
    result = runner.invoke(args=["tick"])
    assert result.exit_code == 0, result.output
    assert "idempotency_keys_expired=1" in result.output
    assert count(IdempotencyKey) == 0


def test_every_post_documents_the_key(app):
    doc = document()
    for method, path in JSON_BODY:
        if method != "POST":
            continue
        operation = doc["paths"][path]["post"]
        names = [(p["name"], p["in"]) for p in operation.get("parameters", [])]
        assert ("Idempotency-Key", "header") in names, path
        assert {"409", "422"} <= set(operation["responses"]), path
        success = next(r for s, r in operation["responses"].items() if s.startswith("2"))
        assert "Idempotent-Replayed" in success["headers"], path
    assert not any(
        p.get("name") == "Idempotency-Key"
        for item in doc["paths"].values()
        for p in item.get("get", {}).get("parameters", [])
    )


def test_concurrent_requests_with_one_key_act_once(live_server, token):
    answers = at_once(10, lambda n: send_json(live_server, "POST", INCIDENTS, INCIDENT, token, Idempotency_Key=KEY))
    assert [a.status for a in answers] == [201] * 10, [a.body[:300] for a in answers]
    assert len({a.body for a in answers}) == 1
    assert sorted(a.headers.get("Idempotent-Replayed", "") for a in answers) == [""] + ["true"] * 9
    assert count(Incident) == 1 and count(IdempotencyKey) == 1


def test_concurrent_requests_with_one_key_and_different_bodies_act_once(live_server, token):
    def send(n: int):
        return send_json(
            live_server, "POST", INCIDENTS, {**INCIDENT, "title": f"Melding {n}"}, token, Idempotency_Key=KEY
        )

    answers = at_once(8, send)
    assert sorted(a.status for a in answers) == [201] + [409] * 7, [a.body[:300] for a in answers]
    assert {a.json()["error"]["code"] for a in answers if a.status == 409} == {"idempotency_key_reused"}
    assert count(Incident) == 1


@pytest.mark.live_database  # the first request's transaction runs in a thread of its own
def test_a_request_while_the_first_with_its_key_still_runs_gets_409_in_progress(app, client, token, user):
    app.config["IDEMPOTENCY_WAIT_SECONDS"] = 0.3
    assert (
        post(
            client, token, "/api/v1/controllers", {"name": "Eerst", "contact_email": "a@b.example"}, key="x"
        ).status_code
        == 201
    )
    body = json.dumps(INCIDENT)
    hashed = request_hash("POST", INCIDENTS, b"", body.encode())
    user_id = user.id
    claimed, release = threading.Event(), threading.Event()

    def first_request() -> None:
        """The first request with the key: it claims it, works a while, then commits its response."""
        with app.app_context():
            row = claim(user_id, KEY, hashed, utcnow(), 5)
            assert isinstance(row, IdempotencyKey)
            claimed.set()
            release.wait(30)
            keep(row, 201, "application/json", b'{"id": 1, "first": true}')
            db.session.commit()

    thread = threading.Thread(target=first_request)
    thread.start()
    try:
        assert claimed.wait(10)
        waiting = post(client, token, INCIDENTS, raw=body)
        assert waiting.status_code == 409, waiting.get_data(as_text=True)
        assert waiting.get_json()["error"]["code"] == "idempotency_key_in_progress"
        assert waiting.get_json()["error"]["field"] == "Idempotency-Key"
        assert waiting.headers["Retry-After"] == "1"
        check_response("/incidents", "post", 409, waiting.get_json())
    finally:
        release.set()
        thread.join(30)
    assert count(Incident) == 0
    replayed = post(client, token, INCIDENTS, raw=body)
    assert replayed.status_code == 201
    assert replayed.get_data() == b'{"id": 1, "first": true}'
