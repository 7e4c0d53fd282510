"""Races between a worker's read of its batch and its write, made deterministic.

On SQLite a worker reads its batch without a lock and then waits for the write lock, which another worker or a web
request may hold: whatever they commit meanwhile is not in the batch it read. The conditional UPDATE of
next_reminder_at is what tells the worker that its row is stale. These tests hold a real tick() in its own thread
(its own session, its own connection) just before that UPDATE, commit the other party's change from the test's
session, and let the tick go on. Nothing is replaced: the hook only pauses the real code path.

On PostgreSQL the batch is read FOR UPDATE SKIP LOCKED: the other party waits for the worker (or skips its rows),
so there is no stale read to test, and the pause would hold the request up; these tests are SQLite's."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest
from sqlalchemy import event

from incidents.breaches import service as breaches
from incidents.breaches.service import FilingInput
from incidents.extensions import db
from incidents.reminders.service import tick

from ..support.database import sqlite_only
from .conftest import START, all_reminders, at, hours_after_start, obligation, reminders_of

pytestmark = sqlite_only


class PausedTick:
    """tick(now) in a thread of its own, paused when it is about to advance next_reminder_at."""

    def __init__(self, app, now):
        self.app, self.now = app, now
        self.reached, self.go = threading.Event(), threading.Event()
        self.result: list = []
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _hook(self, conn, cursor, statement, parameters, context, executemany):
        if (
            threading.current_thread() is self.thread
            and statement.lstrip().upper().startswith("UPDATE OBLIGATIONS")
            and not self.reached.is_set()
        ):
            self.reached.set()
            assert self.go.wait(30), "the test never let the tick go on"

    def _run(self):
        with self.app.app_context():
            try:
                self.result.append(tick(self.now, "paused-worker"))
            except Exception as exc:  # reported in the test's thread
                self.result.append(exc)
            finally:
                db.session.remove()

    def __enter__(self):
        event.listen(db.engine, "before_cursor_execute", self._hook)
        self.thread.start()
        assert self.reached.wait(30), "the tick never came to its UPDATE"
        return self

    def __exit__(self, *exc):
        self.go.set()
        self.thread.join(30)
        event.remove(db.engine, "before_cursor_execute", self._hook)
        assert not self.thread.is_alive()
        if self.result and isinstance(self.result[0], Exception):
            raise self.result[0]


@pytest.fixture
def world(app, make_person, make_contract):
    handler = make_person("hanna@verwerker.example", "handler").user
    contract = make_contract("boz-72h")
    incident = breaches.create_incident(
        title="Wachtrij", aware_at=START, status="confirmed", contract_ids=[contract.id], actor=handler, now=START
    )
    db.session.commit()
    return SimpleNamespace(
        handler=handler, contract=contract, incident=incident, notice=obligation(incident, "controller_notice")
    )


def test_a_notice_filed_while_a_worker_waits_gets_no_reminder(app, world):
    tick(at(37))  # pct50 sent; the next point is pct75 at 54 h
    with PausedTick(app, at(55)):  # the worker has read the notice as due for pct75 ...
        breaches.record_filing(
            world.incident,
            FilingInput(kind="controller_notice", contract_id=world.contract.id, at=at(54.5)),
            actor=world.handler,
            now=at(54.5),
        )
        db.session.commit()  # ... and the handler records the notice before the worker writes
    assert obligation(world.incident, "controller_notice").status == "met"
    assert [r.point for r in reminders_of(world.notice)] == ["pct50"], "a reminder for a deadline already met"


def test_a_dismissal_while_a_worker_waits_stops_its_reminders(app, world):
    tick(at(37))
    with PausedTick(app, at(55)):
        breaches.dismiss(world.incident, "Geen datalek", actor=world.handler, now=at(54.5))
        db.session.commit()
    # notice, consultation and report (BOZ 5.2, 5.3, 5.4), before the dismissal
    assert [r.point for r in all_reminders()] == ["pct50", "pct50", "pct50"]


def test_a_worker_with_an_older_clock_never_sends_an_older_point_after_a_newer_one(app, world):
    """Worker A's tick began at 53.9 h; worker B's at 54.1 h, after the 75 % point (54 h). Both read the notice
    (its 50 % point not yet sent: both workers were down); B writes first and sends the newest point, pct75."""
    with PausedTick(app, at(53.9)):
        tick(at(54.1), "worker-b")
    rows = reminders_of(world.notice)
    assert [r.point for r in rows] == ["pct75"], [(r.point, r.worker) for r in rows]
    assert [hours_after_start(r.fire_at) for r in rows] == [54]
