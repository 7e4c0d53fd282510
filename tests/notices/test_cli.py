"""flask outbox deliver | where"""

from __future__ import annotations

from incidents.extensions import db
from incidents.notices.models import OutboxMessage
from incidents.notices.service import issue_notices


def test_outbox_deliver_sends_what_is_due(world, inbox, runner):
    messages = issue_notices(world.incident, all_=True)
    db.session.commit()
    result = runner.invoke(args=["outbox", "deliver"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "sent: 2"
    assert sorted(r.rcpt_tos[0] for r in inbox.received) == ["dpo@riverside.example", "fg@eendracht.example"]
    db.session.expire_all()
    assert {db.session.get(OutboxMessage, m.id).status for m in messages} == {"sent"}

    again = runner.invoke(args=["outbox", "deliver"])
    assert again.exit_code == 0 and again.output.strip() == "nothing due"
    assert len(inbox.received) == 2


def test_outbox_deliver_reports_a_failure(world, mail, runner):
    issue_notices(world.incident, controller_ids=[world.a.id])
    db.session.commit()
    mail.use("down")
    result = runner.invoke(args=["outbox", "deliver"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "retrying: 1"


def test_outbox_where_names_the_transport(app, mail, runner, tmp_path):
    port = mail.use("working")
    result = runner.invoke(args=["outbox", "where"])
    assert result.exit_code == 0
    assert result.output.strip() == f"mail goes to: SMTP 127.0.0.1:{port}"

    app.config.update(MAIL_SERVER=None, MAIL_FOLDER=str(tmp_path / "mail"))
    folder = runner.invoke(args=["outbox", "where"])
    assert folder.exit_code == 0
    assert folder.output.strip() == f"mail goes to: folder {tmp_path / 'mail'}"
