"""Two people remove the same mistaken contract at the same moment: one removal, one clear refusal, never a 500;
on SQLite and PostgreSQL (real commits: each request runs in its own thread)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from incidents.breaches import service as breaches
from incidents.breaches.models import AffectedContract, TimelineEvent
from incidents.core.instants import utcnow
from incidents.extensions import db

from ..support.forms import csrf_token, log_in

pytestmark = pytest.mark.live_database


@pytest.mark.parametrize("action", ["remove", "withdraw"])
def test_two_removals_at_once_remove_once(app, user, make_controller, make_contract, action):
    keep = make_contract("boz-72h", make_controller(name="Ziekenhuis"), reference="VO-GOED")
    wrong = make_contract("boz-72h", make_controller(name="Apotheek"), reference="VO-FOUT")
    incident = breaches.create_incident(
        title="Lek", aware_at=utcnow() - timedelta(hours=1), status="confirmed", contract_ids=[keep.id, wrong.id]
    )
    if action == "withdraw":  # a correction needs something sent first
        breaches.record_filing(incident, breaches.FilingInput(kind="controller_notice", contract_id=wrong.id))
    db.session.commit()
    url = f"/incidents/{incident.id}"
    clients = [app.test_client() for _ in range(2)]
    tokens = []
    for client in clients:
        log_in(client, user.email, "correct horse battery")
        tokens.append(csrf_token(client, url))
    barrier, answers = threading.Barrier(2), []

    def post(client, token):
        with app.app_context():  # each thread its own context, so its own database session
            barrier.wait()
            response = client.post(
                f"{url}/contracts/{wrong.id}/{action}", data={"csrf_token": token, "reason": "Vergissing"}
            )
            answers.append(response.status_code)

    threads = [threading.Thread(target=post, args=pair) for pair in zip(clients, tokens, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [302, 302]  # the refusal is a message on the incident page, never a 500
    db.session.expire_all()
    kind = "contract_removed" if action == "remove" else "contract_withdrawn"
    events = db.session.scalars(
        select(TimelineEvent).where(TimelineEvent.incident_id == incident.id, TimelineEvent.kind == kind)
    ).all()
    assert len(events) == 1
    row = db.session.get(AffectedContract, (incident.id, wrong.id))
    assert (row is None) if action == "remove" else (row.withdrawn_at is not None)
