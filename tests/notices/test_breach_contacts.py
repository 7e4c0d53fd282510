"""A contract can name its own breach contact (BOZ art. 5.2/5.5: "de contactpersoon … genoemd in Bijlage 3"): its
notices go there instead of to the controller's address, set in the API, the contract form and the CSV import
(issue 13, item 6; legal review C8)."""

from __future__ import annotations

from sqlalchemy import select

from incidents.extensions import db
from incidents.notices.models import Document, OutboxMessage
from incidents.notices.outbox import deliver_due
from incidents.parties.models import Contract

from ..support.forms import csrf_token
from ..web.test_csv_import import post as import_csv
from .helpers import pdf_text


def new_incident(api, contract_ids: list[int]) -> dict:
    data = {"title": "Verkeerd verzonden", "aware_at": "2026-11-30T10:00:00Z", "status": "confirmed"}
    response = api.post("/api/v1/incidents", json={**data, "contract_ids": contract_ids})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_the_notice_goes_to_the_contracts_breach_contact_and_the_controllers_for_the_others(
    api, make_controller, inbox
):
    controller = make_controller(name="Ziekenhuis Oost", contact_email="fg@oost.example", contact_name="F. Gerrits")
    response = api.post(
        "/api/v1/contracts",
        json={
            "controller_id": controller.id,
            "profile": "boz-72h",
            "reference": "VO-BOZ-OOST",
            "breach_contact_name": "Meldpunt Datalekken",
            "breach_contact_email": "datalek@oost.example",
        },
    )
    assert response.status_code == 201, response.get_json()
    boz = response.get_json()
    assert (boz["breach_contact_name"], boz["breach_contact_email"]) == ("Meldpunt Datalekken", "datalek@oost.example")
    doctolib = api.post(
        "/api/v1/contracts", json={"controller_id": controller.id, "profile": "doctolib", "reference": "VO-DOC-OOST"}
    ).get_json()

    only_boz = new_incident(api, [boz["id"]])
    both = new_incident(api, [boz["id"], doctolib["id"]])
    for incident in (only_boz, both):
        assert api.post(f"/api/v1/incidents/{incident['id']}/notices", json={"all": True}).status_code == 202
    db.session.expire_all()
    sent = dict(db.session.execute(select(OutboxMessage.incident_id, OutboxMessage.recipients)).all())
    assert sent == {
        only_boz["id"]: ["datalek@oost.example"],
        both["id"]: ["datalek@oost.example", "fg@oost.example"],
    }
    assert deliver_due() == {"sent": 2}
    assert sorted(sorted(m.rcpt_tos) for m in inbox.received) == [
        ["datalek@oost.example"],
        ["datalek@oost.example", "fg@oost.example"],
    ]
    documents = {
        d.incident_id: pdf_text(d.content)
        for d in db.session.scalars(select(Document).where(Document.kind == "notice"))
    }
    assert "Meldpunt Datalekken <datalek@oost.example>" in documents[only_boz["id"]]
    assert "F. Gerrits" not in documents[only_boz["id"]]
    assert "Meldpunt Datalekken <datalek@oost.example>; F. Gerrits <fg@oost.example>" in documents[both["id"]]


def test_a_breach_contact_needs_a_valid_address(api, make_controller, row_counts):
    controller = make_controller()
    before = row_counts()
    for contact, field in (
        ({"breach_contact_name": "Meldpunt"}, "breach_contact_email"),
        ({"breach_contact_email": "geen-adres"}, "breach_contact_email"),
    ):
        data = {"controller_id": controller.id, "profile": "boz-72h", "reference": "VO-X", **contact}
        response = api.post("/api/v1/contracts", json=data)
        assert response.status_code == 422 and response.get_json()["error"]["field"] == field
    assert row_counts() == before


def test_the_contract_form_and_the_csv_import_set_it(logged_in, make_contract):
    contract = make_contract("boz-72h")
    page = f"/contracts/{contract.id}"
    data = {
        "csrf_token": csrf_token(logged_in, page),
        "controller_id": contract.controller_id,
        "profile": "boz-72h",
        "reference": contract.reference,
        "breach_contact_name": "Privacyteam",
        "breach_contact_email": "privacy@kliniek.example",
    }
    assert logged_in.post(page, data=data).status_code == 302
    db.session.expire_all()
    saved = db.session.get(Contract, contract.id)
    assert (saved.breach_contact_name, saved.breach_contact_email) == ("Privacyteam", "privacy@kliniek.example")
    assert 'value="privacy@kliniek.example"' in logged_in.get(page).get_data(as_text=True)

    text = (
        "controller,contact_email,kvk,profile,reference,meldcontact,meldcontact e-mail\n"
        "Kliniek Zuid,fg@zuid.example,,boz-72h,VO-Z1,Meldpunt Zuid,meldpunt@zuid.example\n"
        "Kliniek Zuid,fg@zuid.example,,doctolib,VO-Z2,,\n"
    )
    assert import_csv(logged_in, file=text.encode()).status_code in (200, 302)
    contacts = dict(
        db.session.execute(
            select(Contract.reference, Contract.breach_contact_email).where(Contract.reference.like("VO-Z%"))
        ).all()
    )
    assert contacts == {"VO-Z1": "meldpunt@zuid.example", "VO-Z2": ""}
    refused = import_csv(
        logged_in,
        file=(
            text.replace("VO-Z1", "VO-Z3").replace("VO-Z2", "VO-Z4").replace("meldpunt@zuid.example", "geen-adres")
        ).encode(),
    )
    assert refused.status_code == 422 and 'data-line="2"' in refused.get_data(as_text=True)


def test_a_delivered_notice_fulfils_only_the_contracts_its_document_covered(api, make_controller, make_contract, inbox):
    controller = make_controller()
    first = make_contract("boz-72h", controller=controller)
    later = make_contract("doctolib", controller=controller)
    incident = new_incident(api, [first.id])
    assert api.post(f"/api/v1/incidents/{incident['id']}/notices", json={"all": True}).status_code == 202
    # a contract added between the rendering and the delivery is not in the document
    assert (
        api.post(f"/api/v1/incidents/{incident['id']}/contracts", json={"contract_ids": [later.id]}).status_code == 200
    )
    assert deliver_due() == {"sent": 1}
    found = api.get(f"/api/v1/incidents/{incident['id']}/deadlines").get_json()["deadlines"]
    fulfilled = {d["contract_id"]: d["filing_id"] for d in found if d["kind"] == "controller_notice"}
    assert fulfilled[first.id] is not None and fulfilled[later.id] is None
