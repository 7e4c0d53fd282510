"""A controller's question and the processor's answer reach the other side: a notification for each user there
(the header's count goes up) and one e-mail through the outbox, which names the incident but not the text."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from incidents.auth.service import create_user
from incidents.breaches import service as breaches
from incidents.breaches.models import TimelineEvent
from incidents.core.instants import utcnow
from incidents.extensions import db
from incidents.notices.models import OutboxMessage
from incidents.notifications.models import Notification

from ..support.forms import csrf_token, log_in

PASSWORD = "lang genoeg wachtwoord"
QUESTION = "Zijn onze patiënten geraakt? Het gaat om BSN 123456782."
ANSWER = "Ja, 40 patiënten van de poli."


@pytest.fixture
def world(app, user, make_controller, make_contract):
    west = make_controller(name="Ziekenhuis West", contact_email="fg@west.example")
    noord = make_controller(name="Kliniek Noord", contact_email="fg@noord.example")
    incident = breaches.create_incident(
        title="Storing berichtenbox",
        aware_at=utcnow() - timedelta(hours=5),
        status="confirmed",
        contract_ids=[make_contract("boz-72h", west).id, make_contract("boz-72h", noord).id],
        actor=user,
    )
    people = {
        "west": create_user("fg@west.example", "controller", PASSWORD, controller_id=west.id),
        "west2": create_user("it@west.example", "controller", PASSWORD, controller_id=west.id),
        "noord": create_user("fg@noord.example", "controller", PASSWORD, controller_id=noord.id),
        "admin": create_user("beheer@verwerker.example", "admin", PASSWORD),
        "viewer": create_user("audit@verwerker.example", "viewer", PASSWORD),
        "gone": create_user("oud@verwerker.example", "handler", PASSWORD),
    }
    people["gone"].active = False
    db.session.commit()
    return {"incident": incident, "west": west, **people}


def notifications(kind: str) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for note in db.session.scalars(select(Notification).where(Notification.kind == kind)):
        found.setdefault(note.user_id, []).append(note.text)
    return found


def mails(kind: str) -> list[OutboxMessage]:
    return [
        m for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)) if m.details.get("kind") == kind
    ]


def ask(client, incident) -> TimelineEvent:
    log_in(client, "fg@west.example", PASSWORD)
    base = f"/portal/incidents/{incident.id}"
    response = client.post(f"{base}/questions", data={"csrf_token": csrf_token(client, base), "q-text": QUESTION})
    assert response.status_code == 302
    return db.session.scalar(select(TimelineEvent).where(TimelineEvent.kind == "question"))


def test_a_question_notifies_the_processors_handlers_and_administrators(app, client, world, user):
    incident = world["incident"]
    question = ask(client, incident)

    told = notifications("question")
    assert set(told) == {user.id, world["admin"].id}  # not the viewer, not a deactivated handler, no controller
    assert told[user.id] == [f"Ziekenhuis West: {QUESTION}"]
    [mail] = mails("question")
    assert sorted(mail.recipients) == ["beheer@verwerker.example", "handler@verwerker.example"]
    assert mail.dedupe_key == f"question:{question.id}" and mail.incident_id == incident.id
    assert incident.reference in mail.subject and "Ziekenhuis West" in mail.subject
    assert f"http://localhost/incidents/{incident.id}#questions" in mail.body_text
    assert "BSN" not in mail.body_text + mail.body_html + mail.subject  # the question itself stays in the app

    staff = app.test_client()
    log_in(staff, user.email, "correct horse battery")
    dashboard = staff.get("/").get_data(as_text=True)
    assert 'data-unread="1"' in dashboard and "Berichten (1)" in dashboard
    listed = staff.get("/notifications/").get_data(as_text=True)
    assert "Vraag:" in listed and "Ziekenhuis West: Zijn onze patiënten geraakt?" in listed
    assert f'href="/incidents/{incident.id}"' in listed


def test_an_answer_notifies_the_users_of_the_controller_that_asked(app, client, world, user):
    incident = world["incident"]
    question = ask(client, incident)
    staff = app.test_client()
    log_in(staff, user.email, "correct horse battery")
    page = f"/incidents/{incident.id}"
    response = staff.post(
        f"{page}/questions/{question.id}/answer",
        data={"csrf_token": csrf_token(staff, page), f"a{question.id}-text": ANSWER},
    )
    assert response.status_code == 302

    told = notifications("answer")
    assert set(told) == {world["west"].id, world["west2"].id}  # not Kliniek Noord's user, not the staff
    [mail] = mails("answer")
    assert sorted(mail.recipients) == ["fg@west.example", "it@west.example"]
    assert f"http://localhost/portal/incidents/{incident.id}#question_form" in mail.body_text
    assert ANSWER not in mail.body_text + mail.body_html

    portal = client.get("/portal/").get_data(as_text=True)
    assert "Berichten (1)" in portal
    listed = client.get("/notifications/").get_data(as_text=True)
    assert "Antwoord van de verwerker:" in listed and ANSWER in listed
    assert f'href="/portal/incidents/{incident.id}"' in listed

    other = app.test_client()
    log_in(other, "fg@noord.example", PASSWORD)
    assert "Berichten (0)" in other.get("/portal/").get_data(as_text=True)


def test_a_refused_question_tells_nobody(client, world):
    log_in(client, "fg@west.example", PASSWORD)
    base = f"/portal/incidents/{world['incident'].id}"
    assert (
        client.post(f"{base}/questions", data={"csrf_token": csrf_token(client, base), "q-text": ""}).status_code == 422
    )
    assert notifications("question") == {} and mails("question") == []
