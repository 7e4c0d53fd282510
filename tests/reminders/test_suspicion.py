"""An incident still suspected SUSPECTED_ALERT_HOURS (24) after awareness is reminded of once, to the processor's
staff in their own language and by e-mail through the real SMTP server (issue 13, item 10)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from incidents.breaches import service as breaches
from incidents.core.instants import utcnow
from incidents.extensions import db
from incidents.notifications.models import Notification

from ..support.people import make_user


def incident(contract, hours_ago: float, status: str = "suspected"):
    aware = utcnow() - timedelta(hours=hours_ago)
    made = breaches.create_incident(
        title="Verdachte inlog", aware_at=aware, status=status, contract_ids=[contract.id], now=aware
    )
    db.session.commit()
    return made


def test_a_long_suspicion_is_reminded_of_once(app, runner, user, make_contract, smtp, monkeypatch):
    monkeypatch.setitem(app.config, "DPO_EMAIL", "fg@verwerker.example")
    english = make_user("viewer@verwerker.example", "viewer", password="correct horse battery", language="en")
    contract = make_contract("doctolib")
    long = incident(contract, 30)
    incident(contract, 10)  # not yet 24 hours
    incident(contract, 50, status="confirmed")  # established: its clocks run

    result = runner.invoke(args=["tick"])
    assert result.exit_code == 0, result.output
    assert "suspected_too_long=1" in result.output
    notes = db.session.execute(select(Notification.user_id, Notification.incident_id, Notification.text)).all()
    assert {(uid, iid) for uid, iid, _ in notes} == {(user.id, long.id), (english.id, long.id)}
    words = {uid: text for uid, _, text in notes}
    assert words[user.id].startswith(f"Incident {long.reference} is nog steeds een vermoeden, 24 uur of langer")
    assert words[english.id].startswith(f"Incident {long.reference} is still a suspicion, 24 hours or more")
    assert "Verdachte inlog" not in "".join(words.values())  # the title may hold personal data
    [mail] = [m for m in smtp.inbox.received if m.subject.startswith(f"{long.reference}: nog steeds")]
    assert sorted(mail.rcpt_tos) == sorted([user.email, english.email, "fg@verwerker.example"])

    again = runner.invoke(args=["tick"])
    assert "suspected_too_long=0" in again.output
    assert len(db.session.scalars(select(Notification.id)).all()) == 2


def test_the_alert_hours_are_configurable(app, runner, user, make_contract, monkeypatch, smtp):
    monkeypatch.setitem(app.config, "SUSPECTED_ALERT_HOURS", 8)
    incident(make_contract("citodent"), 10)
    assert "suspected_too_long=1" in runner.invoke(args=["tick"]).output
