"""When reminders fire: the points of a window, their keys, a worker that was down, and the obligations that stop
(met, dismissed) or move. Real database, real services; `now` is passed to tick()."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from incidents.breaches import service as breaches
from incidents.breaches.service import FilingInput
from incidents.core.reminders import Plan, current
from incidents.extensions import db
from incidents.reminders.models import Reminder
from incidents.reminders.service import tick

from .conftest import START, all_reminders, at, hours_after_start, obligation, reminders_of

MISSED_EVERY_4H = [76, 80, 84, 88]


@pytest.fixture
def handler(make_person):
    return make_person("hanna@verwerker.example", "handler").user


@pytest.fixture
def world(app, handler, make_controller, make_contract):
    """A confirmed incident at START affecting one boz-72h contract: a 72 h notice, a 72 h consultation and the
    report of the investigation (5.4: 72 h until the controller's clock runs) owned by the processor, and the
    controller's AP clock (pending until a notice is filed)."""
    controller = make_controller(name="Tandartsenpraktijk Noord")
    contract = make_contract("boz-72h", controller)
    incident = breaches.create_incident(
        title="Verloren laptop",
        aware_at=START,
        status="confirmed",
        confirmed_at=START,
        contract_ids=[contract.id],
        actor=handler,
        now=START,
    )
    db.session.commit()
    return SimpleNamespace(
        controller=controller,
        contract=contract,
        incident=incident,
        notice=obligation(incident, "controller_notice"),
        consultation=obligation(incident, "controller_consultation"),
        report=obligation(incident, "investigation_report"),
        ap=obligation(incident, "ap_notification"),
    )


def tick_every(step_minutes: int, until_hours: float, from_hours: float = 0) -> None:
    minutes = int(from_hours * 60)
    while minutes <= until_hours * 60:
        tick(at(minutes / 60))
        minutes += step_minutes


def sent_hours(item) -> list[float]:
    return [hours_after_start(r.fire_at) for r in reminders_of(item)]


def test_a_72_hour_window_reminds_at_36_54_70_72_then_every_4_hours_while_missed(world):
    tick_every(30, 90)
    for item in (world.notice, world.consultation, world.report):
        rows = reminders_of(item)
        assert [hours_after_start(r.fire_at) for r in rows] == [36, 54, 70, 72, *MISSED_EVERY_4H]
        assert [r.point for r in rows] == [
            "pct50",
            "pct75",
            "h2_before",
            "due",
            "missed1",
            "missed2",
            "missed3",
            "missed4",
        ]
        assert [r.escalated for r in rows] == [False, False, False, True, True, True, True, True]
        # ticks fell exactly on the points, so each was sent at its point
        assert [r.sent_at for r in rows] == [r.fire_at for r in rows]
    assert reminders_of(world.ap) == []  # pending: no notice filed yet, so no clock and no reminder


def test_nothing_fires_before_the_first_point(world):
    assert tick(at(0)) == 0
    assert tick(at(35.99)) == 0
    assert tick(at(36)) == 3  # the notice, the consultation and the report


def test_keys_are_unique_per_obligation_deadline_and_point(world):
    tick_every(60, 100)
    rows = all_reminders()
    keys = [r.key for r in rows]
    assert len(keys) == len(set(keys))
    for r in rows:
        item = {o.id: o for o in (world.notice, world.consultation, world.report)}[r.obligation_id]
        assert r.key == f"{item.id}:{int(item.due_at.timestamp())}:{r.point}"
    # ticking again at any time already ticked sends nothing new
    before = len(rows)
    for hours in (36, 54, 70, 72, 76, 100):
        assert tick(at(hours)) == 0
    assert len(all_reminders()) == before


def test_a_tick_after_the_worker_was_down_sends_only_the_newest_point(world):
    assert tick(at(71)) == 3  # down from the start until after "2 hours before": only that one
    assert [r.point for r in reminders_of(world.notice)] == ["h2_before"]
    assert tick(at(71.5)) == 0
    assert tick(at(81.5)) == 3  # down over the deadline and the first missed point: only missed2
    assert [r.point for r in reminders_of(world.notice)] == ["h2_before", "missed2"]
    assert [r.escalated for r in reminders_of(world.notice)] == [False, True]
    tick_every(30, 90, from_hours=82)
    assert sent_hours(world.notice) == [70, 80, 84, 88]


def test_a_worker_down_for_days_sends_one_reminder_per_obligation(world):
    assert tick(at(500)) == 3
    rows = reminders_of(world.notice)
    assert [r.point for r in rows] == ["missed107"]  # (500 - 72) / 4 = 107
    assert hours_after_start(rows[0].fire_at) == 500


def test_a_met_obligation_gets_no_further_reminders(world, handler):
    tick_every(30, 40)
    assert sent_hours(world.notice) == [36]
    breaches.record_filing(
        world.incident,
        FilingInput(kind="controller_notice", contract_id=world.contract.id, at=at(41)),
        actor=handler,
        now=at(41),
    )
    db.session.commit()
    notice = obligation(world.incident, "controller_notice")
    assert notice.status == "met" and notice.next_reminder_at is None
    tick_every(30, 100, from_hours=41)
    assert sent_hours(world.notice) == [36]
    assert sent_hours(world.consultation) == [36, 54, 70, 72, 76, 80, 84, 88, 92, 96, 100]  # still running


def test_a_late_filing_stops_the_missed_reminders_too(world, handler):
    tick_every(60, 77)
    assert sent_hours(world.notice) == [36, 54, 70, 72, 76]
    breaches.record_filing(
        world.incident,
        FilingInput(kind="controller_notice", contract_id=world.contract.id, at=at(77.5)),
        actor=handler,
        now=at(77.5),
    )
    db.session.commit()
    assert obligation(world.incident, "controller_notice").status == "missed"
    tick_every(60, 120, from_hours=78)
    assert sent_hours(world.notice) == [36, 54, 70, 72, 76]


def test_a_dismissed_incident_gets_no_reminders(world, handler):
    tick_every(30, 40)
    before = len(all_reminders())
    breaches.dismiss(world.incident, "Geen datalek: de laptop was versleuteld", actor=handler, now=at(41))
    db.session.commit()
    assert {
        o.status for o in (obligation(world.incident, k) for k in ("controller_notice", "controller_consultation"))
    } == {"ended"}
    tick_every(60, 120, from_hours=41)
    assert len(all_reminders()) == before


def test_an_incident_dismissed_before_any_point_never_reminds(app, handler, make_contract):
    contract = make_contract("boz-24h")
    incident = breaches.create_incident(
        title="Vals alarm", aware_at=START, status="confirmed", contract_ids=[contract.id], actor=handler, now=START
    )
    breaches.dismiss(incident, "Vals alarm", actor=handler, now=at(1))
    db.session.commit()
    tick_every(60, 100)
    assert all_reminders() == []


def test_a_deadline_that_moves_gets_its_points_again(app, handler, make_controller, make_contract):
    """The controller's AP clock starts at the first notice filed to it. A notice recorded later but dated earlier
    (another contract of the same controller) moves the clock back: the new deadline gets its own points, and the
    old deadline sends nothing more."""
    controller = make_controller(name="Huisartsen West")
    first, second = make_contract("boz-72h", controller), make_contract("boz-72h", controller)
    incident = breaches.create_incident(
        title="Phishing",
        aware_at=START,
        status="confirmed",
        contract_ids=[first.id, second.id],
        actor=handler,
        now=START,
    )
    breaches.record_filing(
        incident, FilingInput(kind="controller_notice", contract_id=first.id, at=at(10)), actor=handler, now=at(10)
    )
    db.session.commit()
    ap = obligation(incident, "ap_notification")
    old_due = ap.due_at
    assert (ap.owner, ap.starts_at, old_due) == ("controller", at(10), at(82))
    assert tick(at(46)) >= 1
    assert [(r.point, r.fire_at) for r in reminders_of(ap)] == [("pct50", at(46))]

    breaches.record_filing(
        incident, FilingInput(kind="controller_notice", contract_id=second.id, at=at(4)), actor=handler, now=at(47)
    )
    db.session.commit()
    ap = obligation(incident, "ap_notification")
    assert (ap.starts_at, ap.due_at) == (at(4), at(76))
    tick(at(47))
    tick_every(30, 80, from_hours=47.5)
    rows = reminders_of(ap)
    assert [(r.point, hours_after_start(r.fire_at)) for r in rows] == [
        ("pct50", 46),  # the old deadline's, sent before the move
        ("pct50", 40),
        ("pct75", 58),
        ("h2_before", 74),
        ("due", 76),
        ("missed1", 80),
    ]  # the new deadline's
    assert [r.key.split(":")[1] for r in rows] == [str(int(old_due.timestamp()))] + [str(int(at(76).timestamp()))] * 5
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(Reminder)
            .where(Reminder.obligation_id == ap.id, Reminder.key.like(f"%:{int(old_due.timestamp())}:%"))
        )
        == 1
    )


def test_a_confirmation_starts_the_clocks_of_a_suspected_incident(app, handler, make_contract):
    """While suspected, a 'confirmed'-trigger clause has no clock and nothing reminds; confirming starts it from the
    confirmation, and a suspected-trigger clause (Citodent art. 6.2) runs from awareness all along."""
    boz, cito = make_contract("boz-72h"), make_contract("citodent")
    incident = breaches.create_incident(
        title="Vermoeden", aware_at=START, status="suspected", contract_ids=[boz.id, cito.id], actor=handler, now=START
    )
    db.session.commit()
    tick_every(60, 30)
    boz_notice = obligation(incident, "controller_notice", contract=boz)
    cito_notice = obligation(incident, "awareness_notice", contract=cito)
    assert reminders_of(boz_notice) == []
    assert sent_hours(cito_notice) == [12, 18, 22, 24, 28]  # 24 h from awareness
    breaches.confirm(incident, confirmed_at=at(30), actor=handler, now=at(30))
    db.session.commit()
    boz_notice = obligation(incident, "controller_notice", contract=boz)
    assert (boz_notice.starts_at, boz_notice.due_at) == (at(30), at(102))
    tick_every(60, 105, from_hours=31)
    assert sent_hours(boz_notice) == [66, 84, 100, 102]
    # Citodent art. 6.1: the processor files with the AP, from the confirmation on
    cito_ap = obligation(incident, "ap_notification", controller=SimpleNamespace(id=cito.controller_id))
    assert (cito_ap.owner, cito_ap.starts_at) == ("processor", at(30))
    assert sent_hours(cito_ap) == [66, 84, 100, 102]


def test_the_current_point_is_the_newest_that_has_come():
    plan = Plan()
    starts, due = START, at(72)
    assert current(starts, due, at(35), plan) is None
    assert current(starts, due, at(36), plan).key == "pct50"
    assert current(starts, due, at(69.9), plan).key == "pct75"
    assert current(starts, due, at(72), plan).key == "due"
    assert current(starts, due, at(75.9), plan).key == "due"
    assert current(starts, due, at(76), plan).key == "missed1"
    assert current(starts, due, at(76) + timedelta(hours=40), plan).key == "missed11"
