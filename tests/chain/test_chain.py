"""The processor chain end to end (issue 15, part 4): a sub-processor reports a breach to us -> our incident, whose
clocks run from when we were informed -> a notice to a customer that is itself a processor -> that customer's
portal user forwards it to its own controllers, over real SMTP on loopback, with the document's bytes unchanged.
The clocks are checked at every hop."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from incidents.breaches.models import Filing, Incident
from incidents.core.instants import add_elapsed_hours, utcnow
from incidents.extensions import db
from incidents.notices import service as notices
from incidents.notices.forwards import onward_duty
from incidents.notices.models import Document, NoticeForward, OutboxMessage
from incidents.notices.outbox import deliver_due

from ..notices.helpers import pdf_attachments, pdf_text, text_part
from ..support.forms import csrf_token, log_in
from .conftest import PASSWORD


def iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def at_second(value: datetime) -> datetime:
    return value.replace(microsecond=0)


def test_sub_processor_report_to_processor_customer_forward_with_the_clocks_at_each_hop(api, client, chain, mail):
    inbox = mail.inbox
    now = at_second(utcnow())
    they_knew = now - timedelta(hours=20)  # hop 0: MessageBird itself became aware
    informed = now - timedelta(hours=6)  # hop 1: MessageBird told us; we became aware then

    # --- hop 0 -> 1: the sub-processor's report opens our incident (the REST API) ---------------------------
    created = api.post(
        "/api/v1/incidents",
        json={
            "title": "Sms-herinneringen naar verkeerde nummers",
            "informed_at": iso(informed),
            "status": "confirmed",
            "contract_ids": [chain.group_contract.id, chain.pharmacy_contract.id],
            "fields": {"nature": "Sms-berichten naar verkeerde ontvangers"},
            "reporter_kind": "sub_processor",
            "reporter_name": "Incidentteam MessageBird",
            "sub_processor_id": chain.sub.id,
            "sub_processor_aware_at": iso(they_knew),
        },
    )
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    # our awareness is when we were informed, not when the sub-processor knew
    assert body["aware_at"] == body["informed_at"] == iso(informed)
    assert body["sub_processor_aware_at"] == iso(they_knew)
    assert body["reporter_kind"] == "sub_processor" and body["sub_processor_name"] == "MessageBird"
    incident = db.session.get(Incident, body["id"])
    assert incident.sub_processor_aware_at == they_knew and incident.informed_at == informed

    # our deadlines towards both customers run from when we were informed (BOZ 72 h from established = informed)
    deadlines = api.get(f"/api/v1/incidents/{incident.id}/deadlines").get_json()["deadlines"]
    notices_due = [d for d in deadlines if d["kind"] == "controller_notice"]
    assert len(notices_due) == 2
    for deadline in notices_due:
        assert deadline["starts_at"] == iso(informed)
        assert deadline["due_at"] == iso(add_elapsed_hours(informed, 72))
        assert deadline["due_at"] != iso(add_elapsed_hours(they_knew, 72))

    # --- hop 1 -> 2: our notice to the customer that is itself a processor ---------------------------------
    notices.issue_notices(incident, controller_ids=[chain.group.id])
    db.session.commit()
    assert deliver_due() == {"sent": 1}
    assert inbox.count() == 1
    notice_mail = inbox.messages[0]
    ((_name, attached),) = pdf_attachments(notice_mail)
    document = db.session.scalar(select(Document).where(Document.controller_id == chain.group.id))
    assert attached == document.content
    reached = db.session.scalar(
        select(Filing.at).where(Filing.controller_id == chain.group.id, Filing.kind == "controller_notice")
    )
    assert reached is not None and reached >= informed
    # the notice tells it of its own duty and carries what its controllers need; no AP deadline of its own
    text = text_part(notice_mail)
    pdf = pdf_text(document.content)
    for said in (text, pdf):
        assert "Uw eigen plicht als verwerker" in said
        assert "AVG art. 33 lid 2" in said
        assert "loopt vanaf het moment dat u hen informeert, niet vanaf deze melding" in said
        assert "Gemeld door onze subverwerker" in said and "MessageBird" in said
        assert incident.reference in said
        assert "Uw termijn voor melding aan de Autoriteit Persoonsgegevens" not in said
        assert "Uiterlijk melden op" not in said
    # hop 2's clock: its onward duty runs from when our notice reached it, not yet met
    duty = onward_duty(incident.id, chain.group.id)
    assert (duty.status, duty.starts_at, duty.met_at) == ("running", reached, None)

    # --- hop 2 -> 3: its portal user forwards the delivered notice to its own controllers --------------------
    log_in(client, chain.portal_user.email, PASSWORD)
    page = client.get(f"/portal/incidents/{incident.id}").get_data(as_text=True)
    assert 'data-onward-status="running"' in page and f'data-onward-since="{iso(reached)}"' in page
    assert "Uw plicht als verwerker" in page or "plicht als verwerker" in page
    assert 'id="ap-clock"' not in page  # no AP clock of its own
    token = csrf_token(client, f"/portal/incidents/{incident.id}")
    posted = client.post(
        f"/portal/incidents/{incident.id}/documents/{document.id}/forward",
        data={
            "csrf_token": token,
            "fwd-recipients": "privacy@huisarts-a.example,\nfg@huisarts-b.example",
            "fwd-note": "Graag uw beoordeling.",
        },
    )
    assert posted.status_code == 302, posted.get_data(as_text=True)[:2000]
    forward = db.session.scalar(select(NoticeForward))
    assert forward.recipients == ["privacy@huisarts-a.example", "fg@huisarts-b.example"]
    assert forward.controller_id == chain.group.id and forward.forwarded_by_id == chain.portal_user.id
    assert forward.document_id == document.id
    # queued, not yet accepted: the duty is not claimed met
    assert onward_duty(incident.id, chain.group.id).status == "running"

    assert deliver_due() == {"sent": 1}
    assert inbox.count() == 2
    received = inbox.received[1]
    assert sorted(received.rcpt_tos) == ["fg@huisarts-b.example", "privacy@huisarts-a.example"]
    forwarded = received.message
    ((filename, content),) = pdf_attachments(forwarded)
    assert content == document.content and filename == document.filename  # the very bytes we sent
    assert hashlib.sha256(content).hexdigest() == document.sha256
    cover = text_part(forwarded)
    assert "Eva de Boer" in cover and "Zorggroep West-Friesland" in cover and "Graag uw beoordeling." in cover
    assert "Doorgestuurd door Zorggroep West-Friesland" in str(forwarded["Subject"])
    # a forward is no filing of ours and no notice to a controller of ours
    assert db.session.scalar(select(func.count()).select_from(Filing).where(Filing.kind == "controller_notice")) == 1
    message = db.session.get(OutboxMessage, forward.outbox_id)
    assert message.status == "sent" and message.controller_id is None

    # hop 3's clock: met when the forward was accepted, after our notice reached it
    duty = onward_duty(incident.id, chain.group.id)
    assert duty.status == "met" and duty.met_at == message.sent_at and duty.met_at >= duty.starts_at
    page = client.get(f"/portal/incidents/{incident.id}").get_data(as_text=True)
    assert 'data-onward-status="met"' in page and f'data-onward-met="{iso(message.sent_at)}"' in page
    assert f'data-forward="{forward.id}"' in page and 'data-forward-status="sent"' in page
    listing = client.get("/portal/").get_data(as_text=True)
    assert 'data-onward-status="met"' in listing


def test_the_processor_staff_see_the_reporter_and_the_forwards(logged_in, client, chain, mail):
    from incidents.breaches.service import Reporter, create_incident
    from incidents.notices.forwards import forward_notice

    now = at_second(utcnow())
    incident = create_incident(
        title="Storing sms-dienst",
        aware_at=now - timedelta(hours=3),
        status="confirmed",
        contract_ids=[chain.group_contract.id],
        reporter=Reporter(kind="sub_processor", sub_processor_id=chain.sub.id),
    )
    db.session.commit()
    notices.issue_notices(incident, controller_ids=[chain.group.id])
    db.session.commit()
    deliver_due()
    document = db.session.scalar(select(Document))
    forward_notice(document, "fg@huisarts-a.example", chain.portal_user)
    db.session.commit()
    deliver_due()
    show = logged_in.get(f"/incidents/{incident.id}").get_data(as_text=True)
    assert 'data-reporter-kind="sub_processor"' in show and "MessageBird" in show
    page = logged_in.get(f"/incidents/{incident.id}/controllers/{chain.group.id}").get_data(as_text=True)
    assert 'id="forwards"' in page and "fg@huisarts-a.example" in page and 'data-forward-status="sent"' in page
    assert 'id="is-processor"' in page and "alleen een schatting vanaf onze melding" in page
    assert 'data-onward-status="met"' in page
    # the register names who reported it (Addendum Annex B) and when we were informed
    register = logged_in.get("/register/").get_data(as_text=True)
    assert "subverwerker (extern): MessageBird" in register


def test_an_ordinary_customer_keeps_its_ap_clock_and_cannot_forward(client, chain, mail):
    from incidents.breaches.service import create_incident
    from incidents.notices.forwards import forwardable_document

    from ..support.people import make_user

    incident = create_incident(
        title="Storing", aware_at=utcnow() - timedelta(hours=2), status="confirmed",
        contract_ids=[chain.pharmacy_contract.id],
    )  # fmt: skip
    notices.issue_notices(incident, controller_ids=[chain.pharmacy.id])
    db.session.commit()
    deliver_due()
    document = db.session.scalar(select(Document))
    text = pdf_text(document.content)
    assert "Uw termijn voor melding aan de Autoriteit Persoonsgegevens" in text
    assert "Uw eigen plicht als verwerker" not in text
    assert forwardable_document(document.id, chain.pharmacy.id) == document
    make_user("fg@apotheek-portaal.example", "controller", password=PASSWORD, controller=chain.pharmacy)
    log_in(client, "fg@apotheek-portaal.example", PASSWORD)
    page = client.get(f"/portal/incidents/{incident.id}").get_data(as_text=True)
    assert 'id="ap-clock"' in page and 'id="forward_form"' not in page
    token = csrf_token(client, f"/portal/incidents/{incident.id}")
    refused = client.post(
        f"/portal/incidents/{incident.id}/documents/{document.id}/forward",
        data={"csrf_token": token, "fwd-recipients": "x@y.example"},
    )
    assert refused.status_code == 404
    assert db.session.scalar(select(func.count()).select_from(NoticeForward)) == 0


def test_a_processor_customer_told_of_a_suspicion_passes_it_on_as_a_suspicion(
    app, user, make_controller, make_contract
):
    from sqlalchemy import select

    from incidents.breaches import service as breaches
    from incidents.core.instants import utcnow
    from incidents.extensions import db
    from incidents.notices import service as notices
    from incidents.notices.models import OutboxMessage

    group = make_controller(name="Zorggroep Noord", contact_email="fg@noord.example", is_processor=True)
    contract = make_contract("citodent", group)  # art. 6.2: a suspicion is reported as such
    incident = breaches.create_incident(
        title="Mogelijk lek", aware_at=utcnow(), status="suspected", contract_ids=[contract.id], actor=user
    )
    notices.issue_notices(incident, all_=True, actor=user)
    db.session.commit()
    text = db.session.scalar(select(OutboxMessage.body_text).where(OutboxMessage.controller_id == group.id))
    assert "Dit is de melding van een vermoeden" in text
    assert "over deze inbreuk, met de informatie uit deze melding" not in text
