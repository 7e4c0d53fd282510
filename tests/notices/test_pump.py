"""The background sender: queuing a notice wakes it at once (it does not wait for its interval)."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from incidents.breaches.models import Filing
from incidents.extensions import db
from incidents.notices.models import OutboxMessage
from incidents.notices.outbox import Pump

pytestmark = pytest.mark.live_database  # the pump's thread reads what the request committed


@pytest.fixture
def pump(app):
    running = Pump(app, 60.0)  # a long interval: only a wake-up can explain a quick delivery
    app.extensions["outbox_pump"] = running
    running.start()
    yield running
    running.stop()
    app.extensions["outbox_pump"] = None


def wait_for(predicate, timeout=10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_queued_notice_is_sent_by_the_woken_pump(world, inbox, pump, api):
    started = time.monotonic()
    response = api.post(f"/api/v1/incidents/{world.incident.id}/notices", json={"controller_ids": [world.a.id]})
    assert response.status_code == 202
    [entry] = response.get_json()["outbox"]
    assert wait_for(lambda: len(inbox.received) == 1)
    assert time.monotonic() - started < 10
    assert wait_for(lambda: (db.session.expire_all() or db.session.get(OutboxMessage, entry["id"]).status) == "sent")
    assert inbox.received[0].rcpt_tos == ["fg@eendracht.example"]
    db.session.expire_all()
    assert len(db.session.scalars(select(Filing).where(Filing.kind == "controller_notice")).all()) == 2
