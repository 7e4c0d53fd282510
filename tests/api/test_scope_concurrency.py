"""Concurrent writes of one controller's scope never fail for being concurrent (docs/API.md, "Safe retries and
bad input"): many first PUTs at the same moment, through a live threaded server, on SQLite and PostgreSQL."""

from __future__ import annotations

import http.client
import json
import threading

import pytest
from werkzeug.serving import make_server

from incidents.breaches.scope import scope_of

pytestmark = pytest.mark.live_database  # the server's threads read what the test committed


@pytest.fixture
def live(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    thread.join(timeout=5)


def test_simultaneous_first_writes_of_a_scope_all_succeed(
    api, token, live, new_incident, make_controller, make_contract
):
    controllers = [make_controller() for _ in range(4)]
    contracts = [make_contract("boz-72h", c) for c in controllers]
    incident = new_incident(status="confirmed", contract_ids=[c.id for c in contracts])
    statuses, barrier = [], threading.Barrier(8)
    ids = [c.id for c in controllers]

    def put(controller_id, n):
        connection = http.client.HTTPConnection("127.0.0.1", live, timeout=30)
        barrier.wait()
        connection.request(
            "PUT",
            f"/api/v1/incidents/{incident['id']}/controllers/{controller_id}/scope",
            body=json.dumps({"subjects_min": n, "note": f"schrijver {n}"}),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        statuses.append(connection.getresponse().status)
        connection.close()

    threads = [threading.Thread(target=put, args=(ids[n % 4], n)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 8
    for controller_id in ids:
        assert scope_of(incident["id"], controller_id)["subjects_min"] in range(8)
