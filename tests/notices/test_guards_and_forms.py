"""Contract guards on data-subject communication, and the consultation and investigation report
(BOZ art. 5.3 and 5.4) through the web forms."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import select

from incidents.breaches.models import Filing
from incidents.breaches.service import create_incident
from incidents.core.instants import utcnow
from incidents.extensions import db
from incidents.notices.models import Document, OutboxMessage
from incidents.notices.outbox import deliver_due

from ..support.forms import csrf_from
from .helpers import PROCESSOR, flat, parse, pdf_attachments, pdf_text


def test_processor_may_not_inform_data_subjects_under_boz(world, api, all_counts):
    before = all_counts()
    response = api.post(
        f"/api/v1/incidents/{world.incident.id}/filings",
        json={
            "kind": "data_subject_communication",
            "contract_id": world.a_boz.id,
            "channel": "letter",
            "note": "brief aan patiënten",
        },
    )
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "forbidden_by_contract"
    assert "Art. 5.6" in error["message"]
    assert (
        "Het is Verwerker niet toegestaan informatie te verstrekken over Inbreuken aan Betrokkenen" in error["message"]
    )
    assert all_counts() == before


def test_processor_may_inform_data_subjects_under_citodent(app, make_controller, make_contract, api, all_counts):
    contract = make_contract("citodent", make_controller(name="Tandarts Citodent"))
    incident = create_incident(
        title="Röntgenserver", aware_at=utcnow() - timedelta(hours=1), contract_ids=[contract.id]
    )
    db.session.commit()
    before = all_counts()
    response = api.post(
        f"/api/v1/incidents/{incident.id}/filings",
        json={"kind": "data_subject_communication", "contract_id": contract.id, "channel": "letter"},
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["kind"] == "data_subject_communication"
    after = all_counts()
    assert after["filings"] == before["filings"] + 1


def test_incident_page_shows_the_guard_where_the_user_would_try(world, logged_in, app, make_controller, make_contract):
    # on the page of the controller whose contract forbids it, where its filings are recorded
    page = logged_in.get(f"/incidents/{world.incident.id}/controllers/{world.a.id}").get_data(as_text=True)
    assert 'id="data-subject-guard"' in page
    guard = page[page.index('id="data-subject-guard"') :]
    guard = guard[: guard.index("</div>")]
    assert "VO-A-BOZ" in guard and "Art. 5.6" in guard
    # in the page's language, quoting the clause
    assert "mag de verwerker de betrokkenen niet zelf over deze inbreuk informeren" in guard
    assert "may not inform" not in guard and "profile '" not in guard
    # the guard box stands in the filing form, where a data-subject communication would be recorded
    assert page.index('id="filing_form"') < page.index('id="data-subject-guard"') < page.index('name="filing-kind"')

    contract = make_contract("citodent", make_controller(name="Tandarts Citodent"))
    free = create_incident(title="Röntgenserver", aware_at=utcnow() - timedelta(hours=1), contract_ids=[contract.id])
    db.session.commit()
    free_page = logged_in.get(f"/incidents/{free.id}/controllers/{contract.controller_id}").get_data(as_text=True)
    assert 'id="filing_form"' in free_page and 'id="data-subject-guard"' not in free_page


def test_consultation_through_the_web_form(world, logged_in, api):
    page = logged_in.get(f"/incidents/{world.incident.id}/controllers/{world.a.id}").get_data(as_text=True)
    assert 'id="consultation"' in page
    response = logged_in.post(
        f"/incidents/{world.incident.id}/consultation",
        data={
            "consult-csrf_token": csrf_from(page, "consult-csrf_token"),
            "consult-contract_id": str(world.a_boz.id),
            "consult-at": "",
            "consult-with_whom": "Mw. Ĳsselmeer (FG)",
            "consult-agreements": "Dagelijks overleg om 9:00; € 0 kosten",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    [filing] = db.session.scalars(select(Filing).where(Filing.kind == "controller_consultation")).all()
    assert filing.contract_id == world.a_boz.id and filing.controller_id == world.a.id
    assert filing.details == {"with_whom": "Mw. Ĳsselmeer (FG)", "agreements": "Dagelijks overleg om 9:00; € 0 kosten"}
    assert utcnow() - timedelta(minutes=1) <= filing.at <= utcnow()
    rows = api.get(f"/api/v1/incidents/{world.incident.id}/deadlines").get_json()["deadlines"]
    [consultation] = [r for r in rows if r["kind"] == "controller_consultation"]
    assert consultation["contract_id"] == world.a_boz.id
    assert consultation["status"] == "met" and consultation["filing_id"] == filing.id
    # a consultation is not a notice
    [notice] = [r for r in rows if r["kind"] == "controller_notice" and r["contract_id"] == world.a_boz.id]
    assert notice["status"] == "running"


def test_consultation_form_refuses_a_contract_without_that_obligation(world, logged_in, all_counts):
    page = logged_in.get(f"/incidents/{world.incident.id}/controllers/{world.a.id}").get_data(as_text=True)
    before = all_counts()
    response = logged_in.post(
        f"/incidents/{world.incident.id}/consultation",
        data={
            "consult-csrf_token": csrf_from(page, "consult-csrf_token"),
            "consult-contract_id": str(world.a_doc.id),
            "consult-with_whom": "X",
            "consult-agreements": "Y",
        },
    )
    assert response.status_code == 302
    assert all_counts() == before


SECTIONS = {
    "what_happened": "Een map met röntgenfoto's is naar de verkeerde praktijk gestuurd.",
    "cause": "Verkeerd adres gekozen in de keuzelijst; <b>geen</b> controle.",
    "response": "De ontvanger heeft de map binnen een uur vernietigd (€ 0 schade).",
    "follow_up": "Keuzelijst vervangen door een ĳkbare adrescontrole.",
}
HEADINGS_NL = ("Wat is er gebeurd", "Oorzaak", "Respons: genomen maatregelen", "Vervolgstappen")


def test_investigation_report_through_the_web_form_is_delivered(world, logged_in, inbox):
    page = logged_in.get(f"/incidents/{world.incident.id}/controllers/{world.a.id}").get_data(as_text=True)
    assert 'id="report"' in page
    data = {f"report-{k}": v for k, v in SECTIONS.items()}
    data.update({"report-csrf_token": csrf_from(page, "report-csrf_token"), "report-controller_id": str(world.a.id)})
    response = logged_in.post(f"/incidents/{world.incident.id}/report", data=data)
    assert response.status_code == 302

    db.session.expire_all()
    [document] = db.session.scalars(select(Document)).all()
    assert document.kind == "investigation_report" and document.controller_id == world.a.id
    assert document.sha256 == hashlib.sha256(document.content).hexdigest()
    text = pdf_text(document.content)
    assert text.startswith("Rapportage van het onderzoek naar de inbreuk")
    for heading, key in zip(HEADINGS_NL, SECTIONS, strict=True):
        assert f"{heading} {SECTIONS[key]}" in text, key
    assert world.reference in text

    assert deliver_due() == {"sent": 1}
    [envelope] = inbox.received
    assert envelope.rcpt_tos == ["fg@eendracht.example"]
    mime = parse(envelope.content)
    assert mime["Subject"] == f"Onderzoeksrapportage datalek {world.reference} — {PROCESSOR}"
    [(filename, pdf)] = pdf_attachments(mime)
    assert pdf == document.content and filename == document.filename
    assert flat(SECTIONS["cause"]) in mime.get_body(("plain",)).get_content()

    message = db.session.scalar(select(OutboxMessage))
    assert message.status == "sent" and message.smtp_reply.startswith("250")
    kinds = db.session.scalars(select(Filing.kind).where(Filing.document_id == document.id)).all()
    assert kinds == ["investigation_report"]  # a report is not a notice: no controller_notice filing
    # the incident page and the controller's page still render with the report on their filing logs
    assert logged_in.get(f"/incidents/{world.incident.id}").status_code == 200
    assert "Onderzoeksrapportage" in logged_in.get(f"/incidents/{world.incident.id}/controllers/{world.a.id}").get_data(
        as_text=True
    )


def test_report_form_without_the_sections_writes_nothing(world, logged_in, all_counts):
    page = logged_in.get(f"/incidents/{world.incident.id}/controllers/{world.a.id}").get_data(as_text=True)
    before = all_counts()
    response = logged_in.post(
        f"/incidents/{world.incident.id}/report",
        data={
            "report-csrf_token": csrf_from(page, "report-csrf_token"),
            "report-controller_id": str(world.a.id),
            "report-what_happened": "Iets",
            "report-cause": "",
            "report-response": "",
            "report-follow_up": "",
        },
    )
    assert response.status_code == 302
    assert all_counts() == before


def test_on_the_controllers_instruction_the_processor_informs_the_data_subjects(world, api, all_counts):
    """BOZ 5.6 "behoudens … of Partijen anderszins zijn overeengekomen"; Addendum 6.1 "uitgezonderd: (1) op
    aanwijzing van de Klant": a recorded decision of the controller instructing the processor lifts the guard."""
    filing = {"kind": "data_subject_communication", "contract_id": world.a_boz.id, "channel": "letter"}
    maker = {"name": "Dr. A. Arts", "function": "FG", "via": "email"}
    before = all_counts()
    wrong = api.post(
        f"/api/v1/incidents/{world.incident.id}/decisions",
        json={"controller_id": world.a.id, "notify_ap": "yes", "processor_informs": True, "decision_maker": maker},
    )
    assert (wrong.status_code, wrong.get_json()["error"]["field"]) == (422, "processor_informs")
    assert all_counts() == before
    decision = {
        "controller_id": world.a.id,
        "notify_ap": "yes",
        "inform_data_subjects": "yes",
        "processor_informs": True,
        "decision_maker": maker,
    }
    recorded = api.post(f"/api/v1/incidents/{world.incident.id}/decisions", json=decision)
    assert recorded.status_code == 201 and recorded.get_json()["processor_informs"] is True
    response = api.post(f"/api/v1/incidents/{world.incident.id}/filings", json=filing)
    assert response.status_code == 201, response.get_json()
    # a later decision without the instruction puts the guard back
    api.post(
        f"/api/v1/incidents/{world.incident.id}/decisions",
        json={**decision, "processor_informs": False},
    )
    again = api.post(f"/api/v1/incidents/{world.incident.id}/filings", json=filing)
    assert again.status_code == 409 and "instructs the processor" in again.get_json()["error"]["message"]


def test_the_addendum_guard_cites_the_clause_that_forbids_it(make_contract, api):
    contract = make_contract("addendum-gegevensbescherming")
    data = {"title": "Lek", "aware_at": "2026-11-30T10:00:00Z", "status": "confirmed", "contract_ids": [contract.id]}
    incident = api.post("/api/v1/incidents", json=data).get_json()
    filing = {"kind": "data_subject_communication", "contract_id": contract.id, "channel": "letter"}
    error = api.post(f"/api/v1/incidents/{incident['id']}/filings", json=filing).get_json()["error"]
    assert "Art. 6.1" in error["message"] and "op aanwijzing van de Klant" in error["message"]
