"""Who is reminded: the incident's handler; the controller's users for the controller's own AP clock; from the
deadline on the administrators and the DPO; deactivated users never. E-mails go through the outbox to a real SMTP
server on loopback; every recipient user gets an in-app notification, counted in the nav."""

from __future__ import annotations

from collections import Counter
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from incidents.admin.service import set_active
from incidents.breaches import service as breaches
from incidents.breaches.service import FilingInput
from incidents.extensions import db
from incidents.notices.models import OutboxMessage
from incidents.notices.outbox import deliver_due
from incidents.notifications.models import Notification
from incidents.reminders.models import Reminder
from incidents.reminders.service import tick

from .conftest import (
    DPO,
    START,
    all_reminders,
    at,
    nav_count,
    notifications_of,
    obligation,
    reminders_of,
    report_delivered,
)


@pytest.fixture
def cast(app, make_person, make_controller, make_contract):
    """Two controllers (X and Y) with a boz-72h contract each, their users, and the processor's staff. The incident
    is confirmed at START by Hanna; both notices are filed at 1 h, so both controllers' AP clocks run from 1 h
    (owner: the controller) while the processor's consultations run from START."""
    app.config["DPO_EMAIL"] = DPO
    x, y = make_controller(name="Kliniek X"), make_controller(name="Kliniek Y")
    cx, cy = make_contract("boz-72h", x), make_contract("boz-72h", y)
    people = SimpleNamespace(
        hanna=make_person("hanna@verwerker.example", "handler"),
        other_handler=make_person("henk@verwerker.example", "handler"),
        viewer=make_person("vera@verwerker.example", "viewer"),
        admin=make_person("beheer@verwerker.example", "admin", two_factor=True),
        gone_admin=make_person("oud-beheer@verwerker.example", "admin", two_factor=True),
        x_user=make_person("fg@kliniek-x.example", "controller", controller=x),
        x_gone=make_person("vertrokken@kliniek-x.example", "controller", controller=x),
        y_user=make_person("fg@kliniek-y.example", "controller", controller=y),
    )
    set_active(people.gone_admin.user, False)
    set_active(people.x_gone.user, False)
    db.session.commit()
    incident = breaches.create_incident(
        title="Gestolen back-up",
        aware_at=START,
        status="confirmed",
        contract_ids=[cx.id, cy.id],
        actor=people.hanna.user,
        now=START,
    )
    for contract in (cx, cy):
        breaches.record_filing(
            incident,
            FilingInput(kind="controller_notice", contract_id=contract.id, at=at(1)),
            actor=people.hanna.user,
            now=at(1),
        )
    report_delivered(incident, (x, y), 1)
    db.session.commit()
    return SimpleNamespace(
        x=x,
        y=y,
        incident=incident,
        people=people,
        consult_x=obligation(incident, "controller_consultation", contract=cx),
        consult_y=obligation(incident, "controller_consultation", contract=cy),
        ap_x=obligation(incident, "ap_notification", controller=x),
        ap_y=obligation(incident, "ap_notification", controller=y),
    )


def emails(*people) -> list[str]:
    return sorted(p.email for p in people)


def test_before_the_deadline_the_handler_and_for_their_own_clock_the_controllers_users(cast):
    p = cast.people
    assert tick(at(37)) == 4  # the two consultations (36 h) and the two AP clocks (1 h + 36 h)
    (consult_x,) = reminders_of(cast.consult_x)
    (ap_x,) = reminders_of(cast.ap_x)
    (ap_y,) = reminders_of(cast.ap_y)
    assert consult_x.recipients == emails(p.hanna)
    assert ap_x.recipients == emails(p.hanna, p.x_user)  # not the deactivated user of X, nobody of Y
    assert ap_y.recipients == emails(p.hanna, p.y_user)
    assert not consult_x.escalated and DPO not in ap_x.recipients


def test_from_the_deadline_on_the_administrators_and_the_dpo_as_well(cast):
    p = cast.people
    tick(at(37))
    tick(at(72))  # the consultations are due; the AP clocks (due at 73 h) are at "2 hours before"
    assert [r.point for r in reminders_of(cast.consult_x)] == ["pct50", "due"]
    assert reminders_of(cast.consult_x)[-1].recipients == sorted([*emails(p.hanna, p.admin), DPO])
    assert reminders_of(cast.ap_x)[-1].point == "h2_before"
    assert reminders_of(cast.ap_x)[-1].recipients == emails(p.hanna, p.x_user)
    tick(at(73))
    assert reminders_of(cast.ap_x)[-1].point == "due"
    assert reminders_of(cast.ap_x)[-1].recipients == sorted([*emails(p.hanna, p.x_user, p.admin), DPO])
    tick(at(77))
    assert reminders_of(cast.ap_x)[-1].point == "missed1"
    assert reminders_of(cast.ap_x)[-1].recipients == sorted([*emails(p.hanna, p.x_user, p.admin), DPO])


def test_never_the_deactivated_other_staff_or_viewers(cast):
    p = cast.people
    for hours in (37, 55, 71, 72, 73, 77, 81):
        tick(at(hours))
    everyone = {address for r in all_reminders() for address in r.recipients}
    assert everyone == {p.hanna.email, p.x_user.email, p.y_user.email, p.admin.email, DPO}
    for nobody in (p.other_handler, p.viewer, p.gone_admin, p.x_gone):
        assert notifications_of(nobody.user) == []


def test_a_deactivated_handler_is_not_reminded_and_nobody_is_until_the_deadline(cast):
    p = cast.people
    set_active(p.hanna.user, False)
    db.session.commit()
    tick(at(37))
    assert reminders_of(cast.consult_x)[-1].recipients == []  # recorded, but nobody to tell (see the report)
    assert reminders_of(cast.ap_x)[-1].recipients == emails(p.x_user)
    tick(at(72))
    assert reminders_of(cast.consult_x)[-1].recipients == sorted([p.admin.email, DPO])
    assert notifications_of(p.hanna.user) == []
    # no e-mail for a reminder without recipients
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == len(
        [r for r in all_reminders() if r.recipients]
    )


def test_the_emails_go_through_the_outbox_to_the_smtp_server_once_each(cast, smtp):
    p = cast.people
    for hours in (37, 72, 73):
        tick(at(hours))
    rows = all_reminders()
    assert len(rows) == 10  # 37 h: 4 (50 %); 72 h: 2 consultations due + 2 AP clocks "2 hours before"; 73 h: 2 due
    outbox = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [(m.details["kind"], m.details["reminder_id"]) for m in outbox] == [("reminder", r.id) for r in rows]
    assert all(m.document_id is None and m.controller_id is None and m.status == "queued" for m in outbox)
    assert deliver_due().get("sent") == 10
    assert deliver_due() == {}  # nothing twice
    received = smtp.inbox.received
    assert sorted(sorted(m.rcpt_tos) for m in received) == sorted(r.recipients for r in rows)
    per_address = Counter(address for m in received for address in m.rcpt_tos)
    assert per_address == Counter({p.hanna.email: 10, p.x_user.email: 3, p.y_user.email: 3, p.admin.email: 4, DPO: 4})
    for message in received:
        assert "Gestolen back-up" not in message.content.decode(errors="replace")  # never the title
        assert cast.incident.reference in message.subject
    # the controller's users can follow the link in the mail about their own clock: the portal's
    x_mails = [m for m in received if p.x_user.email in m.rcpt_tos]
    assert all(f"http://localhost/portal/incidents/{cast.incident.id}" in m.text for m in x_mails)
    db.session.expire_all()
    assert {m.status for m in db.session.scalars(select(OutboxMessage))} == {"sent"}


def test_a_notification_per_user_and_the_unread_count_in_the_nav(cast, browser):
    p = cast.people
    for hours in (37, 72, 73):
        tick(at(hours))
    assert len(notifications_of(p.hanna.user)) == 10
    assert len(notifications_of(p.x_user.user)) == 3  # AP X: pct50, h2_before, due
    assert len(notifications_of(p.y_user.user)) == 3
    assert len(notifications_of(p.admin.user)) == 4  # the four escalated ones
    for n in notifications_of(p.x_user.user):
        assert n.incident_id == cast.incident.id and n.kind == "reminder" and n.read_at is None
        assert db.session.get(Reminder, n.reminder_id).obligation_id == cast.ap_x.id
    # each user sees their own count in the nav, on any page
    assert nav_count(browser(p.hanna).get("/")) == 10
    x = browser(p.x_user)
    assert nav_count(x.get("/portal/")) == 3
    assert nav_count(browser(p.admin).get("/admin/users")) == 4
    assert nav_count(browser(p.viewer).get("/")) == 0
    # reading one lowers the count
    first = notifications_of(p.x_user.user)[0]
    response = x.post(f"/notifications/{first.id}/read", data={"csrf_token": x.csrf("/notifications/")})
    assert response.status_code == 302
    assert nav_count(x.get("/portal/")) == 2
    assert (
        db.session.scalar(select(func.count()).select_from(Notification).where(Notification.read_at.is_not(None))) == 1
    )


def test_each_user_reads_the_in_app_reminder_in_the_language_they_chose(cast):
    p = cast.people
    p.hanna.user.language = "nl"  # the people of these tests read English unless told otherwise
    p.x_user.user.language = "en"
    p.admin.user.language = "en"
    db.session.commit()
    for hours in (37, 73, 77):
        tick(at(hours))
    reference = cast.incident.reference
    x_texts = [n.text for n in notifications_of(p.x_user.user)]
    assert x_texts[0].startswith(f"Reminder {reference}: notification to the Dutch DPA (AP) for Kliniek X due ")
    assert x_texts[-1].startswith(f"OVERDUE {reference}: notification to the Dutch DPA (AP) for Kliniek X was due ")
    assert all(n.text.startswith(("OVERDUE ", "Reminder ")) for n in notifications_of(p.admin.user))
    hanna = [n.text for n in notifications_of(p.hanna.user)]
    assert hanna and all(t.startswith(("Herinnering ", "TE LAAT ")) for t in hanna)
    assert any("Kliniek X" in t and "Autoriteit Persoonsgegevens" in t for t in hanna)


def test_a_controller_that_is_itself_a_processor_is_not_reminded_of_an_ap_deadline(cast):
    """Its controllers' 72 hours run from when it informs them (AVG art. 33 lid 1 and 2): the AP clock derived for
    it is no deadline of its own, so its users are not told of one; the processor's staff still see it."""
    p = cast.people
    cast.x.is_processor = True
    db.session.commit()
    tick(at(37))
    (ap_x,) = reminders_of(cast.ap_x)
    (ap_y,) = reminders_of(cast.ap_y)
    assert ap_x.recipients == emails(p.hanna)
    assert ap_y.recipients == emails(p.hanna, p.y_user)
    assert notifications_of(p.x_user.user) == []
