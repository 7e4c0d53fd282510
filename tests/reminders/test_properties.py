"""Property tests (hypothesis) over window lengths and tick times: whatever the ticks, the points sent for a deadline
come in strictly increasing order, never repeat, never come early, and the newest point that has come is sent.

One test drives the pure functions the way the worker does (next_reminder_at = first, then following); the other
drives the real tick() over the real database, with windows set through PROFILE_TARGET_HOURS."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from incidents import profiles
from incidents.breaches import service as breaches
from incidents.breaches.models import Obligation
from incidents.core.reminders import Plan, before_due, current, first, following, missed_point
from incidents.extensions import db
from incidents.reminders.service import tick

from .conftest import START, reminders_of

HOUR = timedelta(hours=1)

plans = st.builds(
    Plan,
    fractions=st.lists(st.sampled_from([0.25, 0.5, 0.6, 0.75, 0.9]), max_size=3, unique=True).map(tuple),
    hours_before=st.lists(st.integers(1, 30).map(float), max_size=2, unique=True).map(tuple),
    repeat_hours=st.sampled_from([1.0, 2.0, 4.0, 6.0, 24.0]),
)


def newest_point(starts, due, moment, plan):
    """The newest point of the deadline at or before `moment`, found by walking the points themselves (before the
    deadline: all of them; after it: the missed points around the estimate), not through current()."""
    passed = [p for p in before_due(starts, due, plan) if p.fire_at <= moment]
    if not passed or passed[-1].key != "due":
        return passed[-1] if passed else None
    k = max(1, int((moment - due) / timedelta(hours=plan.repeat_hours)) - 2)
    while k > 1 and missed_point(due, k, plan).fire_at > moment:
        k -= 1
    if missed_point(due, k, plan).fire_at > moment:
        return passed[-1]
    while missed_point(due, k + 1, plan).fire_at <= moment:
        k += 1
    return missed_point(due, k, plan)


@settings(max_examples=400, deadline=None)
@given(
    window_minutes=st.integers(30, 2000 * 60),
    plan=plans,
    ticks=st.lists(st.integers(-600, 5000), min_size=1, max_size=60),
)
def test_the_worker_protocol_sends_increasing_points_once(window_minutes, plan, ticks):
    starts = START
    due = starts + timedelta(minutes=window_minutes)
    window_hours = window_minutes / 60
    next_at = first(starts, due, plan)
    sent = []
    for tick_at in sorted(starts + timedelta(hours=window_hours * t / 1000) for t in ticks):
        if next_at <= tick_at:
            point = current(starts, due, tick_at, plan)
            assert point is not None and point.fire_at <= tick_at
            sent.append(point)
            following_at = following(starts, due, tick_at, plan)
            assert following_at > tick_at
            next_at = following_at
        # after every tick: the newest point that has come has been sent (or none has come)
        newest = newest_point(starts, due, tick_at, plan)
        assert (sent[-1].key if sent else None) == (newest.key if newest else None)
    assert [p.fire_at for p in sent] == sorted({p.fire_at for p in sent})  # strictly increasing
    assert len({p.key for p in sent}) == len(sent)
    assert all(p.escalate == (p.fire_at >= due) for p in sent)


# --- the same over the database ---

WINDOWS = {
    "gdpr-art33": 1,
    "doctolib": 5,
    "addendum-gegevensbescherming": 13,
    "boz-24h": 24,
    "boz-72h": 72,
    "citodent": 47,
}


@pytest.fixture
def app(app):
    """The suite's app, with the 'immediately' clauses given other working targets, so that the real clock engine
    produces windows of 1, 5, 13, 24, 47 and 72 hours (the profiles are loaded again with them; both are put back
    after the test)."""
    app.config["PROFILE_TARGET_HOURS"] = {
        key: hours for key, hours in WINDOWS.items() if key not in ("boz-24h", "boz-72h")
    }
    profiles.init_app(app)
    return app


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    profile=st.sampled_from(sorted(WINDOWS)),
    aware_offset=st.integers(0, 100 * 60),
    ticks=st.lists(st.integers(0, 200 * 60), min_size=1, max_size=25),
)
def test_tick_sends_increasing_points_once_over_the_database(app, make_contract, profile, aware_offset, ticks):
    aware = START + timedelta(minutes=aware_offset)
    contract = make_contract(profile)
    incident = breaches.create_incident(
        title="Eigenschap", aware_at=aware, status="confirmed", contract_ids=[contract.id], now=aware
    )
    db.session.commit()
    obligations = db.session.scalars(
        select(Obligation).where(Obligation.incident_id == incident.id, Obligation.status == "running")
    ).all()
    assert {round((o.due_at - o.starts_at) / HOUR) for o in obligations if o.kind == "controller_notice"} == {
        WINDOWS[profile]
    }
    moments = sorted(aware + timedelta(minutes=t) for t in ticks)
    for moment in moments:
        tick(moment)
    plan = Plan()
    for item in obligations:
        rows = reminders_of(item)
        fire = [r.fire_at for r in rows]
        assert fire == sorted(set(fire)), "a point came out of order or twice"
        assert len({r.key for r in rows}) == len(rows)
        assert all(r.fire_at <= r.sent_at for r in rows), "a reminder came before its point"
        assert all(r.sent_at in moments for r in rows)
        newest = current(item.starts_at, item.due_at, moments[-1], plan)
        assert (rows[-1].point if rows else None) == (newest.key if newest else None)
    breaches.dismiss(incident, "einde van het voorbeeld", now=moments[-1])  # no more reminders in later examples
    db.session.commit()
