"""The app served on loopback by a threaded Werkzeug server (one thread per request, as in production each request
has its own connection and transaction), and many requests sent to it at the same moment.

A test module takes the fixture with ``from ..support.live import live_server``; a test using it is marked
``live_database`` (tests/conftest.py), as the server's threads must see what the test committed."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import pytest
from werkzeug.serving import make_server

T = TypeVar("T")


@pytest.fixture
def live_server(app):
    """The port of the test's app, served until the test ends."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)


def send(port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> Answer:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return Answer(response.status, dict(response.getheaders()), response.read())
    finally:
        connection.close()


def send_json(port: int, method: str, path: str, data: object, token: str, **headers: str) -> Answer:
    """A JSON request with a bearer token; keyword arguments are more headers (``Idempotency_Key`` for
    ``Idempotency-Key``)."""
    all_headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    all_headers.update({name.replace("_", "-"): value for name, value in headers.items()})
    return send(port, method, path, json.dumps(data).encode(), all_headers)


def at_once(count: int, action: Callable[[int], T]) -> list[T]:
    """Run ``action(0)`` … ``action(count - 1)`` in ``count`` threads released together; their results in that
    order (an exception in any of them is raised here)."""
    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            barrier.wait(timeout=60)
            results[n] = action(n)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    if errors:
        raise errors[0]
    return results
