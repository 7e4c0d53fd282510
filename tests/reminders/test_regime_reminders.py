"""The stages of a statutory regime are reminded of like the contract deadlines: at the plan's points, once per point
whatever the number of ticks, to the staff in their language and by e-mail, from the deadline on to the DPO too, and
not at all once the stage is filed."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from incidents.breaches import service as breaches
from incidents.core.instants import utcnow
from incidents.extensions import db
from incidents.notices.models import OutboxMessage
from incidents.notifications.models import Notification
from incidents.regimes import service as regimes
from incidents.regimes.models import RegimeObligation
from incidents.reminders.regimes import remind_regime_stages

from ..support.people import make_user


def significant_since(contract, hours_ago: float):
    aware = utcnow().replace(microsecond=0) - timedelta(hours=hours_ago)
    made = breaches.create_incident(
        title="Storing", aware_at=aware, status="confirmed", confirmed_at=aware, contract_ids=[contract.id], now=aware
    )
    regimes.classify(made, "nis2", "yes", "Dienst onbereikbaar", aware, None, utcnow())
    db.session.commit()
    return made


def test_a_stage_is_reminded_of_once_per_point_and_escalated_at_its_deadline(app, user, make_contract, monkeypatch):
    monkeypatch.setitem(app.config, "DPO_EMAIL", "fg@verwerker.example")
    english = make_user("viewer@verwerker.example", "viewer", password="correct horse battery", language="en")
    incident = significant_since(make_contract("doctolib"), 19)  # early warning: 75% of 24 h gone at 18 h
    now = utcnow()
    assert remind_regime_stages(now) == 1
    assert remind_regime_stages(now) == 0  # the same point is not sent twice
    notes = {uid: text for uid, text in db.session.execute(select(Notification.user_id, Notification.text))}
    assert set(notes) == {user.id, english.id}
    assert notes[user.id].startswith(f"{incident.reference} — NIS2 / Cyberbeveiligingswet: Vroegtijdige waarschuwing")
    assert "Early warning" in notes[english.id] and "Z-CERT" in notes[english.id]
    mail = db.session.scalar(select(OutboxMessage))
    assert "fg@verwerker.example" not in mail.recipients  # not yet escalated
    assert "Storing" not in mail.body_text  # the title may hold personal data
    # six hours later the early warning is overdue: escalated, to the DPO as well
    later = now + timedelta(hours=6)
    assert remind_regime_stages(later) == 1
    escalated = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert "fg@verwerker.example" in escalated.recipients and "verstreken" in escalated.body_text


def test_a_filed_stage_is_not_reminded_of(app, user, make_contract):
    incident = significant_since(make_contract("doctolib"), 19)
    stage = regimes.regime_or_refuse("nis2").stage("early_warning")
    now = utcnow()
    draft = regimes.draft(incident, regimes.regime_or_refuse("nis2"), stage, "nl", now)
    given = regimes.StageFilingInput("early_warning", now - timedelta(hours=1), "email", "")
    regimes.record_filing(incident, "nis2", given, draft, user, now)
    db.session.commit()
    early = db.session.scalar(select(RegimeObligation).where(RegimeObligation.key == "early_warning"))
    assert (early.status, early.next_reminder_at) == ("met", None)
    assert remind_regime_stages(now + timedelta(hours=6)) == 0
