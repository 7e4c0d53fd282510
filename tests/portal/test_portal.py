"""The controller portal: what a controller user sees and may record, and how the processor sees it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from incidents.auth.service import create_user
from incidents.breaches import service as breaches
from incidents.breaches.models import ACKNOWLEDGEMENT, Decision, Filing, Incident, TimelineEvent
from incidents.extensions import db
from incidents.notices import service as notices
from incidents.notices.models import OutboxMessage
from incidents.notices.outbox import deliver_due

from ..support.forms import csrf_token
from ..support.forms import log_in as log_in_with

PASSWORD = "lang genoeg wachtwoord"


def log_in(client, email, password=PASSWORD):
    return log_in_with(client, email, password)


@pytest.fixture
def setup(app, tmp_path, user, make_controller, make_contract):
    app.config.update(MAIL_SERVER=None, MAIL_FOLDER=str(tmp_path / "mail"))
    west = make_controller(name="Ziekenhuis West")
    noord = make_controller(name="Kliniek Noord")
    cw = make_contract("boz-72h", west, reference="VO-W-1")
    cn = make_contract("boz-72h", noord, reference="VO-N-1")
    from datetime import timedelta

    from incidents.core.instants import utcnow

    incident = breaches.create_incident(
        title="Storing berichtenbox",
        aware_at=utcnow() - timedelta(hours=5),
        status="confirmed",
        contract_ids=[cw.id, cn.id],
        actor=user,
    )
    notices.issue_notices(incident, all_=True, actor=user)
    db.session.commit()
    deliver_due()
    create_user("fg@west.example", "controller", PASSWORD, controller_id=west.id)
    db.session.commit()
    return {"incident": incident, "west": west, "noord": noord}


def test_portal_lists_own_incidents_and_the_own_ap_clock(client, setup):
    assert log_in(client, "fg@west.example").headers["Location"].endswith("/portal/")
    page = client.get("/portal/").get_data(as_text=True)
    assert setup["incident"].reference in page and 'data-notices="1"' in page and 'data-unacknowledged="1"' in page
    detail = client.get(f"/portal/incidents/{setup['incident'].id}").get_data(as_text=True)
    assert "Kliniek Noord" not in detail and "VO-N-1" not in detail
    # the controller's own AP clock runs from the notice's SMTP acceptance: 72 h
    assert 'class="countdown"' in detail and "VO-W-1" in detail
    # the dashboard is the processor's: a controller user is sent to the portal
    assert client.get("/").headers["Location"].endswith("/portal/")


def test_acknowledge_in_the_portal_once(client, setup):
    log_in(client, "fg@west.example")
    incident = setup["incident"]
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.controller_id == setup["west"].id))
    other = db.session.scalar(select(OutboxMessage).where(OutboxMessage.controller_id == setup["noord"].id))
    token = csrf_token(client, f"/portal/incidents/{incident.id}")
    url = f"/portal/incidents/{incident.id}/messages/{{}}/acknowledge"
    assert client.post(url.format(other.id), data={"csrf_token": token}).status_code == 404
    assert client.post(url.format(message.id), data={"csrf_token": token}).status_code == 302
    again = client.post(url.format(message.id), data={"csrf_token": token}, follow_redirects=True)
    assert "de ontvangst van deze melding is al bevestigd" in again.get_data(as_text=True)
    acks = db.session.scalars(select(Filing).where(Filing.kind == ACKNOWLEDGEMENT)).all()
    assert len(acks) == 1 and acks[0].channel == "portal" and acks[0].controller_id == setup["west"].id


def test_decision_and_ap_filing_only_for_the_own_controller(client, setup):
    log_in(client, "fg@west.example")
    incident = setup["incident"]
    base = f"/portal/incidents/{incident.id}"
    token = csrf_token(client, base)
    # a decision is always the user's own controller's, whatever controller_id is posted
    response = client.post(
        f"{base}/decisions",
        data={
            "csrf_token": token,
            "decision-controller_id": str(setup["noord"].id),
            "decision-notify_ap": "yes",
            "decision-reason": "Gezondheidsgegevens",
        },
    )
    assert response.status_code == 302
    decision = db.session.scalar(select(Decision))
    assert decision.controller_id == setup["west"].id
    # the summary states the data-subject decision as well
    client.post(
        f"{base}/decisions",
        data={
            "csrf_token": token,
            "decision-notify_ap": "yes",
            "decision-inform_subjects": "no",
            "decision-subjects_ground": "unintelligible",
        },
    )
    summary = client.get(base).get_data(as_text=True)
    assert "betrokkenen niet informeren: art. 34 lid 3 sub a" in summary
    refused = client.post(
        f"{base}/filings", data={"csrf_token": token, "ap-kind": "ap_notification", "ap-reference": ""}
    )
    assert refused.status_code == 422
    assert (
        client.post(
            f"{base}/filings", data={"csrf_token": token, "ap-kind": "ap_notification", "ap-reference": "M-1"}
        ).status_code
        == 302
    )
    filing = db.session.scalar(select(Filing).where(Filing.kind == "ap_notification"))
    assert (filing.controller_id, filing.reference) == (setup["west"].id, "M-1")
    # a follow-up needs the AP's number of that notification
    wrong = client.post(
        f"{base}/filings",
        data={"csrf_token": token, "ap-kind": "ap_follow_up", "ap-reference": "M-999", "ap-follow_up": "supplement"},
    )
    assert wrong.status_code == 422 and "M-1" in wrong.get_data(as_text=True)


def test_question_answered_in_the_timeline(client, app, setup, user):
    log_in(client, "fg@west.example")
    incident = setup["incident"]
    base = f"/portal/incidents/{incident.id}"
    token = csrf_token(client, base)
    assert client.post(f"{base}/questions", data={"csrf_token": token, "q-text": ""}).status_code == 422
    assert (
        client.post(
            f"{base}/questions", data={"csrf_token": token, "q-text": "Zijn onze patiënten geraakt?"}
        ).status_code
        == 302
    )
    question = db.session.scalar(select(TimelineEvent).where(TimelineEvent.kind == "question"))
    assert question.details["controller_id"] == setup["west"].id

    staff = app.test_client()
    log_in(staff, user.email, "correct horse battery")
    page = staff.get(f"/incidents/{incident.id}").get_data(as_text=True)
    assert "Zijn onze patiënten geraakt?" in page
    staff_token = csrf_token(staff, f"/incidents/{incident.id}")
    answered = staff.post(
        f"/incidents/{incident.id}/questions/{question.id}/answer",
        data={"csrf_token": staff_token, f"a{question.id}-text": "Ja, 40 patiënten."},
    )
    assert answered.status_code == 302
    assert "Ja, 40 patiënten." in client.get(base).get_data(as_text=True)
    # an answer is only to a question of this incident
    assert (
        staff.post(
            f"/incidents/{incident.id}/questions/{question.id + 999}/answer",
            data={"csrf_token": staff_token, "x-text": "?"},
        ).status_code
        == 404
    )


def test_viewer_reads_but_cannot_write(client, setup):
    create_user("audit@verwerker.example", "viewer", PASSWORD)
    db.session.commit()
    log_in(client, "audit@verwerker.example")
    incident = setup["incident"]
    assert client.get(f"/incidents/{incident.id}").status_code == 200
    assert client.get("/register/").status_code == 200
    token = csrf_token(client, f"/incidents/{incident.id}")
    before = db.session.get(Incident, incident.id).fields
    response = client.post(f"/incidents/{incident.id}/fields", data={"csrf_token": token, "f-nature": "x"})
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Incident, incident.id).fields == before
    assert client.get("/portal/").status_code == 403
