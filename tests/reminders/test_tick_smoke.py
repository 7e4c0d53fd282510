from datetime import timedelta

from sqlalchemy import func, select

from incidents.breaches import service as breaches
from incidents.core.instants import utcnow
from incidents.extensions import db
from incidents.notices.models import OutboxMessage
from incidents.reminders.models import Notification, Reminder
from incidents.reminders.service import tick


def test_tick(app, user, make_contract):
    c = make_contract("boz-72h")
    now = utcnow()
    breaches.create_incident(title="x", aware_at=now - timedelta(hours=40), status="confirmed",
                             contract_ids=[c.id], actor=user)
    db.session.commit()
    assert tick(now) >= 1
    assert tick(now) == 0
    print(db.session.scalars(select(Reminder.key)).all())
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) >= 1
    assert db.session.scalar(select(func.count()).select_from(Notification)) >= 1
    assert tick(now + timedelta(hours=40)) >= 1
    assert tick(now + timedelta(hours=45)) >= 1
    print(db.session.scalars(select(Reminder.key)).all())
