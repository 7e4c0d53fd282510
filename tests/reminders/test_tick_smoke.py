"""The commands: `flask --app wsgi tick` sends what has come, delivers the mail and the webhook calls, and says so;
a second run finds nothing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from incidents.breaches import service as breaches
from incidents.core.instants import utcnow
from incidents.extensions import db
from incidents.notices.models import OutboxMessage
from incidents.notifications.models import Notification
from incidents.reminders.models import Reminder


def test_the_tick_command(app, runner, user, make_contract, smtp):
    contract = make_contract("boz-72h")
    aware = utcnow() - timedelta(hours=40)
    breaches.create_incident(
        title="Rondslingerende USB-stick",
        aware_at=aware,
        status="confirmed",
        contract_ids=[contract.id],
        actor=user,
        now=aware,
    )
    db.session.commit()
    result = runner.invoke(args=["tick"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        "reminders=3 suspected_too_long=0 regime_stage_reminders=0 mail_sent=3 webhooks_sent=0 "
        "idempotency_keys_expired=0 record_verified=0 intake_stored=0"
    )  # the notice, the consultation and the report of the investigation (BOZ 5.2, 5.3, 5.4)
    assert sorted(db.session.scalars(select(Reminder.point))) == ["pct50", "pct50", "pct50"]
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 3
    assert set(db.session.scalars(select(OutboxMessage.status))) == {"sent"}
    assert [m.rcpt_tos for m in smtp.inbox.received] == [[user.email]] * 3

    again = runner.invoke(args=["tick"])
    assert (
        again.exit_code == 0
        and again.output.strip()
        == "reminders=0 suspected_too_long=0 regime_stage_reminders=0 mail_sent=0 webhooks_sent=0 "
        "idempotency_keys_expired=0 record_verified=0 intake_stored=0"
    )
    assert smtp.inbox.count() == 3


def test_the_worker_command_is_registered(app, runner):
    result = runner.invoke(args=["worker", "--help"])
    assert result.exit_code == 0 and "--seconds" in result.output
